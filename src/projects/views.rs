//! What the API and the pages show of projects. Sign-ups appear only once
//! the round's sign-up period closed; before, the count alone is shown.

use crate::accounts::views::ListMeta;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RegionRef {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScaleView {
    /// `amount` or `area`.
    pub kind: String,
    pub amount_fen: Option<i64>,
    /// The area as a decimal string.
    pub area: Option<String>,
    pub unit: Option<String>,
    /// 如 "1250.00 万元" or "12.50 亩".
    pub label: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PriceView {
    /// `fixed`, `amount` or `rate`.
    pub mode: String,
    pub amount_fen: Option<i64>,
    pub floor_fen: Option<i64>,
    pub ceiling_fen: Option<i64>,
    pub rate_min_bp: Option<i32>,
    pub rate_max_bp: Option<i32>,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WeightsView {
    pub price: i32,
    pub credit: i32,
    pub time: i32,
    /// The published formula.
    pub formula: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RequirementView {
    pub qualification_type_id: i64,
    pub name: String,
    pub min_level: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AvoidView {
    pub agency_id: i64,
    pub agency_name: String,
    pub reason: String,
}

/// A sign-up as everyone sees it once the sign-up period closed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SignupView {
    pub id: i64,
    pub round: i32,
    pub agency: NamedRef,
    pub quote_fen: Option<i64>,
    pub quote_rate_bp: Option<i32>,
    pub promised_days: i32,
    /// The sign-up's random value for the draw, hex.
    pub draw_value: String,
    pub status: String,
    pub status_label: String,
    pub status_reason: Option<String>,
    pub rank: Option<i32>,
    pub ticket: Option<String>,
    /// 综合评分 total in hundredths of a point.
    pub score: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ObjectionView {
    pub id: i64,
    pub project_id: i64,
    pub round: i32,
    pub agency: Option<NamedRef>,
    pub reason: String,
    pub attachment_ids: Vec<i64>,
    pub status: String,
    pub status_label: String,
    pub outcome: Option<String>,
    pub answer: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProjectView {
    pub id: i64,
    /// The platform's project number.
    pub number: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub status_reason: Option<String>,
    pub applicant: NamedRef,
    pub service_item: NamedRef,
    pub investment_code: Option<String>,
    pub region: RegionRef,
    pub scale: ScaleView,
    pub fiscal_share_percent: i32,
    pub social_share_percent: i32,
    pub service_content: String,
    pub service_days: i32,
    pub method: String,
    pub method_label: String,
    pub price: PriceView,
    pub weights: Option<WeightsView>,
    /// `any`, `all` or `promise`.
    pub qualification_mode: String,
    pub requirements: Vec<RequirementView>,
    pub avoid: Vec<AvoidView>,
    pub contact_name: String,
    pub contact_phone: String,
    pub complaint_phone: String,
    pub signup_deadline: DateTime<Utc>,
    pub selection_at: DateTime<Utc>,
    pub direct_agency: Option<NamedRef>,
    pub direct_reason: Option<String>,
    pub round: i32,
    pub failed_rounds: i32,
    pub min_signups: i32,
    /// Sign-ups of the current round that stand (the count is public while sealed).
    pub signup_count: i64,
    /// SHA-256 of the draw's secret, published when the round opens.
    pub draw_commitment: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub selected_at: Option<DateTime<Utc>>,
    pub confirmation_deadline: Option<DateTime<Utc>>,
    pub publicity_ends_at: Option<DateTime<Utc>>,
    pub awarded_at: Option<DateTime<Utc>>,
    /// The contract is due by then (5 working days after the award by default).
    pub contract_due_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub winner: Option<SignupView>,
    /// Every sign-up of the current round; `null` while sealed.
    pub signups: Option<Vec<SignupView>>,
    /// The caller's own sign-up, for the agency that made it.
    pub my_signup: Option<SignupView>,
    pub objections: Vec<ObjectionView>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProjectEnvelope {
    pub project: ProjectView,
}

/// A project in a list: the announcement's summary.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProjectSummary {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub service_item: NamedRef,
    pub region: RegionRef,
    pub method: String,
    pub method_label: String,
    pub price_label: String,
    pub signup_deadline: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub signup_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectList {
    pub projects: Vec<ProjectSummary>,
    pub meta: ListMeta,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SignupEnvelope {
    pub signup: SignupView,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ObjectionEnvelope {
    pub objection: ObjectionView,
}

/// One value of the draw, in the canonical order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DrawEntry {
    pub signup_id: i64,
    pub agency: NamedRef,
    pub draw_value: String,
    pub quote_fen: Option<i64>,
    pub quote_rate_bp: Option<i32>,
    pub promised_days: i32,
    pub credit_score: i32,
    pub ticket: String,
    pub rank: i32,
    pub score: Option<i64>,
}

/// Everything needed to recompute a selection, public once it ran.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DrawView {
    pub project_id: i64,
    pub number: String,
    pub round: i32,
    pub method: String,
    pub price: PriceView,
    pub weights: Option<WeightsView>,
    /// SHA-256 of the secret, published when the round opened.
    pub commitment: String,
    /// The secret, hex; SHA-256 of its bytes is the commitment.
    pub secret: String,
    /// SHA-256(secret ‖ draw values in ascending sign-up id), hex.
    pub seed: String,
    /// Entries in the canonical order (ascending sign-up id).
    pub entries: Vec<DrawEntry>,
    pub winner_signup_id: Option<i64>,
    pub selected_at: DateTime<Utc>,
    /// How to recompute it, in Chinese.
    pub procedure: String,
}
