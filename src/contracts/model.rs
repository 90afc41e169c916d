//! Diesel rows of contracts and amendments.

use super::rules::{ContractStatus, Party};
use crate::db::schema::{contract_amendments, contracts, deliveries};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = contracts)]
pub struct ContractRow {
    pub id: i64,
    pub project_id: i64,
    pub signup_id: i64,
    pub agency_id: i64,
    pub recorded_by_party: String,
    pub recorded_by: i64,
    pub amount_fen: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub key_terms: String,
    pub file_attachment_id: i64,
    pub status: String,
    pub status_reason: Option<String>,
    pub recorded_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ContractRow {
    pub fn status(&self) -> ContractStatus {
        ContractStatus::parse(&self.status).unwrap_or(ContractStatus::Recorded)
    }

    pub fn recorded_by_party(&self) -> Party {
        Party::parse(&self.recorded_by_party).unwrap_or(Party::Applicant)
    }
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = contract_amendments)]
pub struct AmendmentRow {
    pub id: i64,
    pub contract_id: i64,
    pub kind: String,
    pub new_end_date: Option<NaiveDate>,
    pub new_amount_fen: Option<i64>,
    pub reason: String,
    pub proposed_by_party: String,
    pub proposed_by: i64,
    pub status: String,
    pub status_reason: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub contract_id: i64,
    pub sequence: i32,
    pub summary: String,
    pub submitted_by: i64,
    pub late: bool,
    pub status: String,
    pub status_reason: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}
