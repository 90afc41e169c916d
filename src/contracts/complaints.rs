//! Complaints (投诉) of the applicant about the agency's performance under a
//! contract, handled by an administrator with a written answer. An upheld
//! complaint costs credit; the rules of `supervision::credit_rules` then
//! decide whether it suspends the agency (the configured number within a
//! year, or a score below the threshold).

use super::rules::Party;
use super::service::{contract_parties, project_number, Parties};
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{agencies, complaints};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::projects::objections::statement;
use crate::supervision::credit::Fact;
use crate::supervision::{credit_rules, journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintInput {
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintDecision {
    /// `uphold` (查实) or `dismiss`.
    pub decision: Option<String>,
    pub answer: Option<String>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRow {
    pub id: i64,
    pub contract_id: i64,
    pub agency_id: i64,
    pub filed_by: i64,
    pub reason: String,
    pub status: String,
    pub answer: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ComplaintView {
    pub id: i64,
    pub contract_id: i64,
    pub agency_id: i64,
    pub reason: String,
    /// `pending`, `upheld` or `dismissed`.
    pub status: String,
    pub answer: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Whether deciding it suspended the agency.
    pub suspended_agency: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ComplaintEnvelope {
    pub complaint: ComplaintView,
}

fn view(c: &ComplaintRow, suspended_agency: bool) -> ComplaintView {
    ComplaintView {
        id: c.id,
        contract_id: c.contract_id,
        agency_id: c.agency_id,
        reason: c.reason.clone(),
        status: c.status.clone(),
        answer: c.answer.clone(),
        decided_at: c.decided_at.map(|t| t.and_utc()),
        created_at: c.created_at.and_utc(),
        suspended_agency,
    }
}

/// The complaints under a contract, oldest first.
pub fn of_contract(conn: &mut DbConnection, contract_id: i64) -> QueryResult<Vec<ComplaintView>> {
    let rows: Vec<ComplaintRow> = complaints::table
        .filter(complaints::contract_id.eq(contract_id))
        .order(complaints::id.asc())
        .select(ComplaintRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(|c| view(c, false)).collect())
}

/// The applicant complains about the agency's performance under a contract.
pub async fn file(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
    input: ComplaintInput,
) -> AppResult<ComplaintView> {
    let reason = statement(input.reason.as_deref(), "reason", "投诉事实和理由")?;
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let Parties {
                contract,
                loaded,
                party,
                ..
            } = contract_parties(conn, contract_id, &user)?;
            if party != Some(Party::Applicant) {
                return Err(if party.is_some() {
                    AppError::Forbidden
                } else {
                    AppError::NotFound
                });
            }
            let id: i64 = diesel::insert_into(complaints::table)
                .values((
                    complaints::contract_id.eq(contract_id),
                    complaints::agency_id.eq(contract.agency_id),
                    complaints::filed_by.eq(user.user.id),
                    complaints::reason.eq(&reason),
                    complaints::status.eq("pending"),
                    complaints::created_at.eq(now.naive_utc()),
                ))
                .returning(complaints::id)
                .get_result(conn)?;
            journal(
                conn,
                now,
                &Actor::user(user.user.id, &user.user.username),
                Event {
                    action: "complaint.filed",
                    entity_type: "contract",
                    entity_id: contract_id.to_string(),
                    detail: json!({ "complaint_id": id, "reason": reason }),
                },
                Publish::Yes,
            )?;
            for admin in crate::projects::service::admins(conn)? {
                crate::messages::send(
                    conn,
                    now,
                    admin,
                    "收到投诉",
                    &format!(
                        "项目“{}”的项目业主投诉了中选机构，请处理。",
                        loaded.project.title
                    ),
                    &loaded.link(),
                )?;
            }
            let row: ComplaintRow = complaints::table
                .find(id)
                .select(ComplaintRow::as_select())
                .first(conn)?;
            Ok(view(&row, false))
        })
        .await
}

/// An administrator upholds or dismisses a complaint with a written answer.
pub async fn decide(
    state: &AppState,
    user: &CurrentUser,
    complaint_id: i64,
    input: ComplaintDecision,
) -> AppResult<ComplaintView> {
    user.require(&[Role::Admin])?;
    let uphold = match input.decision.as_deref() {
        Some("uphold") => true,
        Some("dismiss") => false,
        _ => {
            return Err(AppError::invalid(
                "decision",
                "处理结论应为 uphold（查实）或 dismiss（不成立）。",
                "decision must be uphold or dismiss.",
            ))
        }
    };
    let answer = statement(input.answer.as_deref(), "answer", "书面答复")?;
    let rules = state.settings.credit.clone();
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let row: ComplaintRow = complaints::table.find(complaint_id).select(ComplaintRow::as_select()).first(conn).optional()?.ok_or(AppError::NotFound)?;
            if row.status != "pending" {
                return Err(AppError::conflict("该投诉已处理。", "The complaint has been decided already."));
            }
            diesel::update(complaints::table.find(complaint_id))
                .set((
                    complaints::status.eq(if uphold { "upheld" } else { "dismissed" }),
                    complaints::answer.eq(&answer),
                    complaints::decided_by.eq(Some(user.user.id)),
                    complaints::decided_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            // The agency entity: its credit changed, search re-ranks it.
            journal(
                conn,
                now,
                &Actor::user(user.user.id, &user.user.username),
                Event { action: "complaint.decided", entity_type: "agency", entity_id: row.agency_id.to_string(), detail: json!({ "complaint_id": complaint_id, "upheld": uphold, "answer": answer }) },
                Publish::Yes,
            )?;
            let owner: i64 = agencies::table.find(row.agency_id).select(agencies::owner_user_id).first(conn)?;
            let outcome = if uphold { "投诉查实" } else { "投诉不成立" };
            crate::messages::send(conn, now, row.filed_by, "投诉已处理", &format!("您的投诉已处理：{outcome}。答复：{answer}"), "/messages")?;
            crate::messages::send(conn, now, owner, "投诉处理结果", &format!("针对贵机构的投诉已处理：{outcome}。答复：{answer}"), "/messages")?;
            let suspended = if uphold {
                let fact = Fact::UpheldComplaint { at: now.naive_utc(), project: project_number(conn, row.contract_id)? };
                credit_rules::after_fact(conn, now, row.agency_id, &fact, &rules)?
            } else {
                false
            };
            let row: ComplaintRow = complaints::table.find(complaint_id).select(ComplaintRow::as_select()).first(conn)?;
            Ok(view(&row, suspended))
        })
        .await
}
