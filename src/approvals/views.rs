//! What the API and the pages show of investment projects and their approval record.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CodeRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RegionRef {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InvestmentProjectView {
    /// The 投资项目代码.
    pub code: String,
    pub name: String,
    pub owner_name: String,
    pub owner_uscc: Option<String>,
    pub region: RegionRef,
    pub scale: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InvestmentProjectEnvelope {
    pub investment_project: InvestmentProjectView,
}

/// The marketplace project that provides a step.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MarketProjectRef {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AgencyRef {
    pub id: i64,
    pub name: String,
}

/// One intermediary service an approval item waits for.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StepView {
    pub id: i64,
    pub service_item: CodeRef,
    /// `open`, `linked` or `done`.
    pub status: String,
    pub status_label: String,
    pub project: Option<MarketProjectRef>,
    /// `auto` (by the code) or `applicant` (by hand).
    pub linked_by: Option<String>,
    pub agency: Option<AgencyRef>,
    pub contract_id: Option<i64>,
    pub delivery_id: Option<i64>,
    pub completed_at: Option<DateTime<Utc>>,
    /// SHA-256 over the accepted deliverables' SHA-256 hashes, in order.
    pub deliverable_sha256: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApprovalItemView {
    pub code: String,
    pub name: String,
    pub department: String,
    /// `not_filed`, `accepted`, `processing`, `approved` or `refused`.
    pub state: String,
    pub state_label: String,
    pub state_note: Option<String>,
    pub state_changed_at: DateTime<Utc>,
    /// How many of its intermediary steps are not done yet.
    pub waiting_for: usize,
    /// Not filed yet and every intermediary report is in.
    pub ready_to_file: bool,
    pub steps: Vec<StepView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApprovalRecordView {
    pub investment_project: InvestmentProjectView,
    pub items: Vec<ApprovalItemView>,
    /// Every intermediary step of every item is done.
    pub intermediary_complete: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApprovalRecordEnvelope {
    pub approval_record: ApprovalRecordView,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApprovalItemEnvelope {
    pub approval_item: ApprovalItemView,
}
