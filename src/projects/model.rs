//! Diesel rows of projects, their state, sign-ups and objections.

use super::rules::{ObjectionStatus, ProjectStatus, SignupStatus};
use super::selection::{Method, PriceTerms, Weights};
use crate::db::schema::{objections, project_states, projects, signups};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The terms the applicant publishes.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = projects)]
pub struct ProjectRow {
    pub id: i64,
    pub number: Option<String>,
    pub applicant_user_id: i64,
    pub service_item_id: i64,
    pub title: String,
    pub investment_code: Option<String>,
    pub region_code: String,
    pub scale_kind: String,
    pub scale_value: i64,
    pub scale_unit: String,
    pub fiscal_share_percent: i32,
    pub service_content: String,
    pub service_days: i32,
    pub method: String,
    pub price_mode: String,
    pub amount_fen: Option<i64>,
    pub floor_fen: Option<i64>,
    pub ceiling_fen: Option<i64>,
    pub rate_min_bp: Option<i32>,
    pub rate_max_bp: Option<i32>,
    pub weight_price: Option<i32>,
    pub weight_credit: Option<i32>,
    pub weight_time: Option<i32>,
    pub qualification_mode: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub complaint_phone: String,
    pub signup_deadline: NaiveDateTime,
    pub selection_at: NaiveDateTime,
    pub direct_agency_id: Option<i64>,
    pub direct_reason: Option<String>,
    pub created_at: NaiveDateTime,
}

impl ProjectRow {
    pub fn method(&self) -> Method {
        Method::parse(&self.method).unwrap_or(Method::Random)
    }

    /// Everything but 直接选取 selects by itself.
    pub fn automatic(&self) -> bool {
        self.method() != Method::Direct
    }

    pub fn has_signup_phase(&self) -> bool {
        self.direct_agency_id.is_none()
    }

    pub fn price_terms(&self) -> PriceTerms {
        PriceTerms::from_columns(
            &self.price_mode,
            self.amount_fen,
            self.floor_fen,
            self.ceiling_fen,
            self.rate_min_bp,
            self.rate_max_bp,
        )
    }

    pub fn weights(&self) -> Option<Weights> {
        match (self.weight_price, self.weight_credit, self.weight_time) {
            (Some(p), Some(c), Some(t)) => Some(Weights {
                price: p.unsigned_abs(),
                credit: c.unsigned_abs(),
                time: t.unsigned_abs(),
            }),
            _ => None,
        }
    }
}

/// Where the project stands.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = project_states, primary_key(project_id))]
pub struct ProjectStateRow {
    pub project_id: i64,
    pub status: String,
    pub status_reason: Option<String>,
    pub round: i32,
    pub failed_rounds: i32,
    pub min_signups: i32,
    pub draw_secret: Option<String>,
    pub draw_commitment: Option<String>,
    pub winner_signup_id: Option<i64>,
    pub submitted_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub signups_closed_at: Option<NaiveDateTime>,
    pub selected_at: Option<NaiveDateTime>,
    pub confirmation_deadline: Option<NaiveDateTime>,
    pub confirmation_reminded_at: Option<NaiveDateTime>,
    pub publicity_ends_at: Option<NaiveDateTime>,
    pub awarded_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

impl ProjectStateRow {
    pub fn status(&self) -> ProjectStatus {
        ProjectStatus::parse(&self.status).unwrap_or(ProjectStatus::Draft)
    }

    /// The draw's secret is revealed once the selection of the round ran.
    pub fn revealed_secret(&self) -> Option<&str> {
        self.selected_at.and(self.draw_secret.as_deref())
    }
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = signups)]
pub struct SignupRow {
    pub id: i64,
    pub project_id: i64,
    pub round: i32,
    pub agency_id: i64,
    pub user_id: i64,
    pub quote_fen: Option<i64>,
    pub quote_rate_bp: Option<i32>,
    pub promised_days: i32,
    pub draw_value: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub rank: Option<i32>,
    pub ticket: Option<String>,
    pub score: Option<i64>,
    pub credit_score: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SignupRow {
    pub fn status(&self) -> SignupStatus {
        SignupStatus::parse(&self.status).unwrap_or(SignupStatus::Withdrawn)
    }

    pub fn draw_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        if let Ok(bytes) = hex::decode(&self.draw_value) {
            if bytes.len() == 32 {
                out.copy_from_slice(&bytes);
            }
        }
        out
    }
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = objections)]
pub struct ObjectionRow {
    pub id: i64,
    pub project_id: i64,
    pub round: i32,
    pub filed_by: i64,
    pub agency_id: Option<i64>,
    pub signup_id: Option<i64>,
    pub reason: String,
    pub status: String,
    pub outcome: Option<String>,
    pub answer: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl ObjectionRow {
    pub fn status(&self) -> ObjectionStatus {
        ObjectionStatus::parse(&self.status).unwrap_or(ObjectionStatus::Pending)
    }
}
