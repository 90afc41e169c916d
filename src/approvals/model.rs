//! Diesel rows of the approval record.

use crate::db::schema::{
    approval_events, intermediary_steps, investment_approvals, investment_projects,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = investment_projects)]
pub struct InvestmentProjectRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub owner_name: String,
    pub owner_uscc: Option<String>,
    pub region_code: String,
    pub scale: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = investment_approvals)]
pub struct ApprovalRow {
    pub id: i64,
    pub investment_project_id: i64,
    pub approval_item_id: i64,
    pub state: String,
    pub state_note: Option<String>,
    pub state_changed_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = intermediary_steps)]
pub struct StepRow {
    pub id: i64,
    pub investment_approval_id: i64,
    pub service_item_id: i64,
    pub project_id: Option<i64>,
    pub linked_by: Option<String>,
    pub status: String,
    pub completed_at: Option<NaiveDateTime>,
    pub contract_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub delivery_id: Option<i64>,
    pub deliverable_sha256: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = approval_events)]
pub struct EventRow {
    pub id: i64,
    pub investment_project_id: i64,
    pub step_id: i64,
    pub kind: String,
    pub payload: String,
    pub occurred_at: NaiveDateTime,
}
