//! 服务中止, resumption and termination of a contract in force: by agreement
//! (one party proposes with a reason, the other confirms) or by an
//! administrator's decision, which applies at once.

use super::rules::{after_stoppage, Party, Stoppage};
use super::service::{contract_parties, Parties};
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{contract_stoppages, contracts};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::supervision::{journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoppageInput {
    /// `suspend` (服务中止), `resume` or `terminate`.
    pub action: Option<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoppageDecision {
    pub accept: Option<bool>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = contract_stoppages)]
pub struct StoppageRow {
    pub id: i64,
    pub contract_id: i64,
    pub action: String,
    pub reason: String,
    pub proposed_by: i64,
    pub proposed_by_party: String,
    pub status: String,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StoppageView {
    pub id: i64,
    pub contract_id: i64,
    pub action: String,
    pub reason: String,
    /// `applicant`, `agency` or `admin`.
    pub proposed_by_party: String,
    /// `proposed`, `confirmed` (applied) or `returned`.
    pub status: String,
    /// The contract's status after it.
    pub contract_status: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StoppageEnvelope {
    pub stoppage: StoppageView,
}

fn view(conn: &mut DbConnection, row: &StoppageRow) -> AppResult<StoppageView> {
    let contract_status: String = contracts::table
        .find(row.contract_id)
        .select(contracts::status)
        .first(conn)?;
    Ok(StoppageView {
        id: row.id,
        contract_id: row.contract_id,
        action: row.action.clone(),
        reason: row.reason.clone(),
        proposed_by_party: row.proposed_by_party.clone(),
        status: row.status.clone(),
        contract_status,
        decided_at: row.decided_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
    })
}

/// The stoppages of a contract, oldest first.
pub fn of_contract(conn: &mut DbConnection, contract_id: i64) -> AppResult<Vec<StoppageView>> {
    let rows: Vec<StoppageRow> = contract_stoppages::table
        .filter(contract_stoppages::contract_id.eq(contract_id))
        .order(contract_stoppages::id.asc())
        .select(StoppageRow::as_select())
        .load(conn)?;
    rows.iter().map(|r| view(conn, r)).collect()
}

/// Applies a stoppage to the contract, journaled and told to both parties.
fn apply(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    parties: &Parties,
    action: Stoppage,
    actor: &Actor,
    reason: &str,
    by_admin: bool,
) -> AppResult<()> {
    let Some(next) = after_stoppage(
        parties.contract.status(),
        parties.contract.completed_at.is_some(),
        action,
        by_admin,
    ) else {
        return Err(AppError::Conflict {
            zh: format!(
                "合同当前为“{}”，不能{}。",
                parties.contract.status().label_zh(),
                action.label_zh()
            ),
            en: format!(
                "A contract in status {} cannot be {}d.",
                parties.contract.status().as_str(),
                action.as_str()
            ),
        });
    };
    diesel::update(contracts::table.find(parties.contract.id))
        .set((
            contracts::status.eq(next.as_str()),
            contracts::status_reason.eq(reason),
            contracts::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    if next == super::rules::ContractStatus::Terminated {
        // The approval record's step waits for another project.
        crate::approvals::service::release_in(conn, now, parties.contract.project_id, reason)?;
    }
    journal(
        conn,
        now,
        actor,
        Event {
            action: "contract.stoppage",
            entity_type: "contract",
            entity_id: parties.contract.id.to_string(),
            detail: json!({ "action": action.as_str(), "to": next.as_str(), "reason": reason }),
        },
        Publish::Yes,
    )?;
    for user in [parties.applicant, parties.agency_owner] {
        crate::messages::send(
            conn,
            now,
            user,
            action.label_zh(),
            &format!(
                "项目“{}”的合同：{}。理由：{reason}",
                parties.loaded.project.title,
                action.label_zh()
            ),
            &parties.loaded.link(),
        )?;
    }
    Ok(())
}

/// A party proposes (the other confirms), or an administrator decides at once.
pub async fn propose(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
    input: StoppageInput,
) -> AppResult<StoppageView> {
    let Some(action) = input.action.as_deref().and_then(Stoppage::parse) else {
        return Err(AppError::invalid(
            "action",
            "操作应为 suspend（服务中止）、resume（恢复）或 terminate（终止）。",
            "action must be suspend, resume or terminate.",
        ));
    };
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if !(4..=2000).contains(&reason.chars().count()) {
        return Err(AppError::invalid(
            "reason",
            "请说明理由（4–2000 字）。",
            "reason must have 4 to 2000 characters.",
        ));
    }
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let parties = contract_parties(conn, contract_id, &user)?;
            let admin = user.role() == Role::Admin;
            let party = match (parties.party, admin) {
                (Some(party), _) => party.as_str(),
                (None, true) => "admin",
                (None, false) => return Err(AppError::NotFound),
            };
            if after_stoppage(
                parties.contract.status(),
                parties.contract.completed_at.is_some(),
                action,
                admin,
            )
            .is_none()
            {
                return Err(AppError::Conflict {
                    zh: format!(
                        "合同当前为“{}”，不能{}。",
                        parties.contract.status().label_zh(),
                        action.label_zh()
                    ),
                    en: format!(
                        "A contract in status {} cannot be {}d.",
                        parties.contract.status().as_str(),
                        action.as_str()
                    ),
                });
            }
            let pending: i64 = contract_stoppages::table
                .filter(contract_stoppages::contract_id.eq(contract_id))
                .filter(contract_stoppages::status.eq("proposed"))
                .count()
                .get_result(conn)?;
            if pending > 0 && !admin {
                return Err(AppError::conflict(
                    "已有一项待对方确认的提议。",
                    "A proposal is already waiting for the other party.",
                ));
            }
            let status = if admin { "confirmed" } else { "proposed" };
            let id: i64 = diesel::insert_into(contract_stoppages::table)
                .values((
                    contract_stoppages::contract_id.eq(contract_id),
                    contract_stoppages::action.eq(action.as_str()),
                    contract_stoppages::reason.eq(&reason),
                    contract_stoppages::proposed_by.eq(user.user.id),
                    contract_stoppages::proposed_by_party.eq(party),
                    contract_stoppages::status.eq(status),
                    contract_stoppages::decided_at.eq(admin.then_some(now.naive_utc())),
                    contract_stoppages::created_at.eq(now.naive_utc()),
                ))
                .returning(contract_stoppages::id)
                .get_result(conn)?;
            let actor = Actor::user(user.user.id, &user.user.username);
            if admin {
                apply(conn, now, &parties, action, &actor, &reason, true)?;
            } else {
                let other = if parties.party == Some(Party::Applicant) {
                    parties.agency_owner
                } else {
                    parties.applicant
                };
                crate::messages::send(
                    conn,
                    now,
                    other,
                    "合同变更提议",
                    &format!(
                        "对方提议{}项目“{}”的合同：{reason}。请确认或拒绝。",
                        action.label_zh(),
                        parties.loaded.project.title
                    ),
                    &parties.loaded.link(),
                )?;
            }
            let row: StoppageRow = contract_stoppages::table
                .find(id)
                .select(StoppageRow::as_select())
                .first(conn)?;
            view(conn, &row)
        })
        .await
}

/// The other party confirms (it applies) or refuses a proposed stoppage.
pub async fn decide(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
    stoppage_id: i64,
    input: StoppageDecision,
) -> AppResult<StoppageView> {
    let Some(accept) = input.accept else {
        return Err(AppError::invalid(
            "accept",
            "请说明同意（true）还是拒绝（false）。",
            "accept (true or false) is required.",
        ));
    };
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let parties = contract_parties(conn, contract_id, &user)?;
            let Some(party) = parties.party else {
                return Err(AppError::NotFound);
            };
            let row: StoppageRow = contract_stoppages::table
                .find(stoppage_id)
                .filter(contract_stoppages::contract_id.eq(contract_id))
                .select(StoppageRow::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            if row.status != "proposed" || row.proposed_by_party == party.as_str() {
                return Err(AppError::conflict(
                    "只有对方提出、待确认的提议可以由您处理。",
                    "Only a pending proposal of the other party may be decided by you.",
                ));
            }
            diesel::update(contract_stoppages::table.find(stoppage_id))
                .set((
                    contract_stoppages::status.eq(if accept { "confirmed" } else { "returned" }),
                    contract_stoppages::decided_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            let action = Stoppage::parse(&row.action).unwrap_or(Stoppage::Suspend);
            if accept {
                apply(
                    conn,
                    now,
                    &parties,
                    action,
                    &Actor::user(user.user.id, &user.user.username),
                    &row.reason,
                    false,
                )?;
            } else {
                crate::messages::send(
                    conn,
                    now,
                    row.proposed_by,
                    "提议被拒绝",
                    &format!(
                        "对方不同意{}项目“{}”的合同。",
                        action.label_zh(),
                        parties.loaded.project.title
                    ),
                    &parties.loaded.link(),
                )?;
            }
            let row: StoppageRow = contract_stoppages::table
                .find(stoppage_id)
                .select(StoppageRow::as_select())
                .first(conn)?;
            view(conn, &row)
        })
        .await
}
