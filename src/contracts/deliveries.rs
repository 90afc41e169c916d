//! Deliverables (服务成果): the agency hands them in under a confirmed
//! contract; the applicant accepts them (验收), which completes the project's
//! intermediary step, or returns them with reasons for a resubmission.

use super::model::DeliveryRow;
use super::rules::{delivery_late, delivery_refusal, Party};
use super::service::{contract_parties, journal_contract, Parties};
use crate::app::AppState;
use crate::calendar::WorkingCalendar;
use crate::db::schema::{attachments, contracts, deliveries, delivery_files};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::supervision::credit::Fact;
use crate::supervision::credit_rules;
use crate::web::auth::CurrentUser;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryInput {
    pub summary: Option<String>,
    /// The deliverables, uploaded first through `POST /api/v1/attachments`.
    #[serde(default)]
    pub attachment_ids: Vec<i64>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceInput {
    /// `true` accepts (验收通过); `false` returns them with `reason`.
    pub accept: Option<bool>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    pub contract_id: i64,
    /// 1 for the first submission, 2 after one return, …
    pub sequence: i32,
    pub summary: String,
    pub attachment_ids: Vec<i64>,
    /// Handed in after the contract's end date.
    pub late: bool,
    /// `submitted`, `accepted` or `returned`.
    pub status: String,
    pub status_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeliveryEnvelope {
    pub delivery: DeliveryView,
}

pub fn view(conn: &mut DbConnection, d: &DeliveryRow) -> QueryResult<DeliveryView> {
    let attachment_ids = delivery_files::table
        .filter(delivery_files::delivery_id.eq(d.id))
        .order(delivery_files::attachment_id.asc())
        .select(delivery_files::attachment_id)
        .load(conn)?;
    Ok(DeliveryView {
        id: d.id,
        contract_id: d.contract_id,
        sequence: d.sequence,
        summary: d.summary.clone(),
        attachment_ids,
        late: d.late,
        status: d.status.clone(),
        status_reason: d.status_reason.clone(),
        decided_at: d.decided_at.map(|t| t.and_utc()),
        created_at: d.created_at.and_utc(),
    })
}

pub fn of_contract(conn: &mut DbConnection, contract_id: i64) -> QueryResult<Vec<DeliveryView>> {
    let rows: Vec<DeliveryRow> = deliveries::table
        .filter(deliveries::contract_id.eq(contract_id))
        .order(deliveries::sequence.asc())
        .select(DeliveryRow::as_select())
        .load(conn)?;
    rows.iter().map(|d| view(conn, d)).collect()
}

/// The agency hands in its deliverables.
pub async fn submit(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
    input: DeliveryInput,
) -> AppResult<DeliveryView> {
    let summary = input
        .summary
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if !(10..=4000).contains(&summary.chars().count()) {
        return Err(AppError::invalid(
            "summary",
            "请填写成果说明（10–4000 字）。",
            "summary must have 10 to 4000 characters.",
        ));
    }
    if input.attachment_ids.is_empty() || input.attachment_ids.len() > 20 {
        return Err(AppError::invalid(
            "attachment_ids",
            "请上传 1–20 个成果文件。",
            "Attach 1 to 20 files.",
        ));
    }
    let rules = state.settings.credit.clone();
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let Parties { contract, loaded, party, applicant, .. } = contract_parties(conn, contract_id, &user)?;
            if party != Some(Party::Agency) {
                return Err(if party.is_some() { AppError::Forbidden } else { AppError::NotFound });
            }
            let waiting: i64 = deliveries::table
                .filter(deliveries::contract_id.eq(contract_id))
                .filter(deliveries::status.eq("submitted"))
                .count()
                .get_result(conn)?;
            if let Some((zh, en)) = delivery_refusal(contract.status(), contract.completed_at.is_some(), waiting > 0) {
                return Err(AppError::conflict(zh, en));
            }
            for (i, id) in input.attachment_ids.iter().enumerate() {
                let owner: Option<i64> = attachments::table.find(id).select(attachments::uploaded_by).first(conn).optional()?;
                if owner != Some(user.user.id) || input.attachment_ids[..i].contains(id) {
                    return Err(AppError::invalid(&format!("attachment_ids[{i}]"), "成果文件不存在、重复或不是您上传的。", "The file does not exist, is repeated, or is not yours."));
                }
            }
            let sequence: i64 = deliveries::table.filter(deliveries::contract_id.eq(contract_id)).count().get_result(conn)?;
            let late = delivery_late(WorkingCalendar::local_date(now), contract.end_date);
            let id: i64 = diesel::insert_into(deliveries::table)
                .values((
                    deliveries::contract_id.eq(contract_id),
                    deliveries::sequence.eq(i32::try_from(sequence + 1).unwrap_or(i32::MAX)),
                    deliveries::summary.eq(&summary),
                    deliveries::submitted_by.eq(user.user.id),
                    deliveries::late.eq(late),
                    deliveries::status.eq("submitted"),
                    deliveries::created_at.eq(now.naive_utc()),
                ))
                .returning(deliveries::id)
                .get_result(conn)?;
            for attachment in &input.attachment_ids {
                diesel::insert_into(delivery_files::table)
                    .values((delivery_files::delivery_id.eq(id), delivery_files::attachment_id.eq(attachment)))
                    .execute(conn)?;
            }
            journal_contract(conn, now, &user, "delivery.submitted", contract_id, json!({ "delivery_id": id, "sequence": sequence + 1, "late": late, "files": input.attachment_ids }))?;
            crate::messages::send(conn, now, applicant, "服务成果待验收", &format!("项目“{}”的中选机构提交了服务成果，请验收。", loaded.project.title), &loaded.link())?;
            if late {
                // A late delivery is a credit fact: the credit rules may suspend the agency.
                let fact = Fact::LateDelivery { at: now.naive_utc(), project: loaded.number() };
                credit_rules::after_fact(conn, now, contract.agency_id, &fact, &rules)?;
            }
            let row: DeliveryRow = deliveries::table.find(id).select(DeliveryRow::as_select()).first(conn)?;
            Ok(view(conn, &row)?)
        })
        .await
}

/// The applicant accepts the deliverables (the intermediary step is complete) or returns them.
pub async fn decide(
    state: &AppState,
    user: &CurrentUser,
    delivery_id: i64,
    input: AcceptanceInput,
) -> AppResult<DeliveryView> {
    let Some(accept) = input.accept else {
        return Err(AppError::invalid(
            "accept",
            "请说明验收通过（true）还是退回（false）。",
            "accept (true or false) is required.",
        ));
    };
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if !accept
        && !reason
            .as_ref()
            .is_some_and(|r| (2..=2000).contains(&r.chars().count()))
    {
        return Err(AppError::invalid(
            "reason",
            "退回成果须说明理由（2–2000 字）。",
            "Returning deliverables needs a reason of 2 to 2000 characters.",
        ));
    }
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let delivery: DeliveryRow = deliveries::table
                .find(delivery_id)
                .select(DeliveryRow::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            let Parties {
                loaded,
                party,
                agency_owner,
                ..
            } = contract_parties(conn, delivery.contract_id, &user)?;
            if party != Some(Party::Applicant) {
                return Err(if party.is_some() {
                    AppError::Forbidden
                } else {
                    AppError::NotFound
                });
            }
            if delivery.status != "submitted" {
                return Err(AppError::conflict(
                    "该成果已验收或已退回。",
                    "These deliverables were decided already.",
                ));
            }
            diesel::update(deliveries::table.find(delivery_id))
                .set((
                    deliveries::status.eq(if accept { "accepted" } else { "returned" }),
                    deliveries::status_reason.eq(&reason),
                    deliveries::decided_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            if accept {
                diesel::update(contracts::table.find(delivery.contract_id))
                    .set((
                        contracts::completed_at.eq(now.naive_utc()),
                        contracts::updated_at.eq(now.naive_utc()),
                    ))
                    .execute(conn)?;
                journal_contract(
                    conn,
                    now,
                    &user,
                    "contract.completed",
                    delivery.contract_id,
                    json!({ "delivery_id": delivery_id, "late": delivery.late }),
                )?;
                // The intermediary step is done in the approval record, in this transaction.
                crate::approvals::service::complete_in(
                    conn,
                    now,
                    delivery.contract_id,
                    delivery_id,
                )?;
            } else {
                journal_contract(
                    conn,
                    now,
                    &user,
                    "delivery.returned",
                    delivery.contract_id,
                    json!({ "delivery_id": delivery_id, "reason": reason }),
                )?;
            }
            let (subject, body) = if accept {
                (
                    "服务成果已验收",
                    format!("项目“{}”的服务成果已验收通过。", loaded.project.title),
                )
            } else {
                (
                    "服务成果被退回",
                    format!(
                        "项目“{}”的服务成果被退回：{}",
                        loaded.project.title,
                        reason.clone().unwrap_or_default()
                    ),
                )
            };
            crate::messages::send(conn, now, agency_owner, subject, &body, &loaded.link())?;
            let row: DeliveryRow = deliveries::table
                .find(delivery_id)
                .select(DeliveryRow::as_select())
                .first(conn)?;
            Ok(view(conn, &row)?)
        })
        .await
}

/// Whether the attachment is a deliverable of a contract the user is party to.
pub fn party_to_delivery_file(
    conn: &mut DbConnection,
    attachment_id: i64,
    user: &CurrentUser,
) -> AppResult<bool> {
    let contract_ids: Vec<i64> = delivery_files::table
        .inner_join(deliveries::table)
        .filter(delivery_files::attachment_id.eq(attachment_id))
        .select(deliveries::contract_id)
        .load(conn)?;
    for id in contract_ids {
        if contract_parties(conn, id, user)?.party.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}
