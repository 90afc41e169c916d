//! What the API shows of contracts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AmendmentView {
    pub id: i64,
    /// `extension` or `amount`.
    pub kind: String,
    pub new_end_date: Option<NaiveDate>,
    pub new_amount_fen: Option<i64>,
    pub reason: String,
    /// `applicant` or `agency`.
    pub proposed_by_party: String,
    /// `proposed`, `confirmed` or `returned`.
    pub status: String,
    pub status_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContractView {
    pub id: i64,
    pub project_id: i64,
    pub project_number: String,
    pub agency_id: i64,
    pub agency_name: String,
    /// The winning quote the contract may not exceed.
    pub winning_fen: i64,
    pub amount_fen: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub key_terms: String,
    pub file_attachment_id: i64,
    /// `recorded`, `confirmed` or `returned`.
    pub status: String,
    pub status_label: String,
    pub status_reason: Option<String>,
    pub recorded_by_party: String,
    pub recorded_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When the deliverables were accepted (验收): the intermediary step is done.
    pub completed_at: Option<DateTime<Utc>>,
    pub amendments: Vec<AmendmentView>,
    pub deliveries: Vec<super::deliveries::DeliveryView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContractEnvelope {
    pub contract: ContractView,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AmendmentEnvelope {
    pub amendment: AmendmentView,
}
