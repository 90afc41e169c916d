//! Changing the approval record: the approval system sends an investment
//! project and its departments' states; marketplace projects carrying the
//! code link to the steps they provide (by themselves, or by the applicant's
//! hand); acceptance completes a step and cancellation or termination reopens
//! it — each in the transaction of the change that causes it, audited, and
//! told to the approval system as an event.

use super::clients::{Caller, WRITE};
use super::model::{ApprovalRow, InvestmentProjectRow, StepRow};
use super::record::{applicant_sees, find_row, item_view, record_view};
use super::rules::{check_code, check_project, ApprovalState, InvestmentProjectInput, StepStatus};
use super::views::{ApprovalItemView, ApprovalRecordView};
use crate::app::AppState;
use crate::db::schema::{
    approval_events, approval_item_services, approval_items, attachments, delivery_files,
    divisions, intermediary_steps, investment_approvals, investment_projects, projects,
    service_items,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use crate::projects::rules::ProjectStatus;
use crate::supervision::{journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

fn known_region(conn: &mut DbConnection) -> AppResult<impl Fn(&str) -> bool> {
    let codes: Vec<String> = divisions::table.select(divisions::code).load(conn)?;
    Ok(move |code: &str| codes.iter().any(|c| c == code))
}

/// Only the approval system (scope `approvals:write`) and administrators change the record.
fn check_write(caller: &Caller) -> AppResult<()> {
    match caller {
        Caller::Client(_) => caller.require_scope(WRITE),
        Caller::User(_) if caller.is_admin() => Ok(()),
        Caller::User(_) => Err(AppError::Forbidden),
    }
}

/// The approval items asked for, as (approval item id, service item ids).
fn resolve_items(
    conn: &mut DbConnection,
    input: &InvestmentProjectInput,
) -> AppResult<Vec<(i64, Vec<i64>)>> {
    let mut errors = Vec::new();
    let mut resolved = Vec::new();
    for (i, asked) in input.approval_items.iter().enumerate() {
        let found: Option<i64> = approval_items::table
            .filter(approval_items::code.eq(asked.code.trim()))
            .select(approval_items::id)
            .first(conn)
            .optional()?;
        let Some(item) = found else {
            errors.push(FieldError {
                field: format!("approval_items[{i}].code"),
                message_zh: format!("审批事项 {} 不存在。", asked.code),
                message_en: format!("There is no approval item {}.", asked.code),
            });
            continue;
        };
        let listed: Vec<(String, i64)> = approval_item_services::table
            .inner_join(service_items::table)
            .filter(approval_item_services::approval_item_id.eq(item))
            .select((service_items::code, service_items::id))
            .load(conn)?;
        let services = match &asked.services {
            None => listed.iter().map(|(_, id)| *id).collect(),
            Some(codes) => {
                let mut ids = Vec::new();
                for code in codes {
                    match listed.iter().find(|(c, _)| c == code.trim()) {
                        Some((_, id)) if !ids.contains(id) => ids.push(*id),
                        Some(_) => {}
                        None => errors.push(FieldError {
                            field: format!("approval_items[{i}].services"),
                            message_zh: format!(
                                "中介服务事项 {code} 不是审批事项 {} 所需的中介服务。",
                                asked.code
                            ),
                            message_en: format!(
                                "{code} is not an intermediary service of approval item {}.",
                                asked.code
                            ),
                        }),
                    }
                }
                ids
            }
        };
        resolved.push((item, services));
    }
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(AppError::Invalid(errors))
    }
}

fn steps_of(conn: &mut DbConnection, approval_id: i64) -> QueryResult<Vec<StepRow>> {
    intermediary_steps::table
        .filter(intermediary_steps::investment_approval_id.eq(approval_id))
        .select(StepRow::as_select())
        .load(conn)
}

/// A step under way or done cannot be dropped by a new list.
fn refuse_dropping(step: &StepRow) -> AppResult<()> {
    if step.status == StepStatus::Open.as_str() {
        return Ok(());
    }
    Err(AppError::conflict(
        "该中介服务已有采购项目在办理或已完成，不能从审批记录中删除。",
        "An intermediary step under way or done cannot be removed from the record.",
    ))
}

fn add_step(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    approval_id: i64,
    service: i64,
) -> QueryResult<usize> {
    diesel::insert_into(intermediary_steps::table)
        .values((
            intermediary_steps::investment_approval_id.eq(approval_id),
            intermediary_steps::service_item_id.eq(service),
            intermediary_steps::status.eq(StepStatus::Open.as_str()),
            intermediary_steps::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)
}

/// Makes the record's approval items and steps match the list sent.
fn sync_items(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    project: i64,
    wanted: &[(i64, Vec<i64>)],
) -> AppResult<()> {
    let existing: Vec<ApprovalRow> = investment_approvals::table
        .filter(investment_approvals::investment_project_id.eq(project))
        .select(ApprovalRow::as_select())
        .load(conn)?;
    for old in existing
        .iter()
        .filter(|a| !wanted.iter().any(|(item, _)| *item == a.approval_item_id))
    {
        for step in steps_of(conn, old.id)? {
            refuse_dropping(&step)?;
        }
        diesel::delete(
            intermediary_steps::table.filter(intermediary_steps::investment_approval_id.eq(old.id)),
        )
        .execute(conn)?;
        diesel::delete(investment_approvals::table.find(old.id)).execute(conn)?;
    }
    for (item, services) in wanted {
        let approval = match existing.iter().find(|a| a.approval_item_id == *item) {
            Some(a) => a.id,
            None => diesel::insert_into(investment_approvals::table)
                .values((
                    investment_approvals::investment_project_id.eq(project),
                    investment_approvals::approval_item_id.eq(item),
                    investment_approvals::state.eq(ApprovalState::NotFiled.as_str()),
                    investment_approvals::state_changed_at.eq(now.naive_utc()),
                ))
                .returning(investment_approvals::id)
                .get_result(conn)?,
        };
        let steps = steps_of(conn, approval)?;
        for step in steps
            .iter()
            .filter(|s| !services.contains(&s.service_item_id))
        {
            refuse_dropping(step)?;
            diesel::delete(intermediary_steps::table.find(step.id)).execute(conn)?;
        }
        for service in services
            .iter()
            .filter(|s| !steps.iter().any(|st| st.service_item_id == **s))
        {
            add_step(conn, now, approval, *service)?;
        }
    }
    Ok(())
}

/// The approval system (or an administrator) creates or updates an investment project.
pub async fn put(
    state: &AppState,
    caller: &Caller,
    code: &str,
    input: InvestmentProjectInput,
) -> AppResult<(bool, ApprovalRecordView)> {
    check_write(caller)?;
    let (caller, code) = (caller.clone(), code.to_owned());
    let clock = state.clock.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let known = known_region(conn)?;
            let code = check_code(&code, &known).map_err(|e| AppError::Invalid(vec![e]))?;
            let checked = check_project(&input, &known).map_err(AppError::Invalid)?;
            let wanted = resolve_items(conn, &input)?;
            let existing = investment_projects::table
                .filter(investment_projects::code.eq(&code))
                .select(investment_projects::id)
                .first::<i64>(conn)
                .optional()?;
            let values = (
                investment_projects::name.eq(&checked.name),
                investment_projects::owner_name.eq(&checked.owner_name),
                investment_projects::owner_uscc.eq(&checked.owner_uscc),
                investment_projects::region_code.eq(&checked.region_code),
                investment_projects::scale.eq(&checked.scale),
                investment_projects::updated_at.eq(now.naive_utc()),
            );
            let id = match existing {
                Some(id) => {
                    diesel::update(investment_projects::table.find(id)).set(values).execute(conn)?;
                    id
                }
                None => diesel::insert_into(investment_projects::table)
                    .values((values, investment_projects::code.eq(&code), investment_projects::created_at.eq(now.naive_utc())))
                    .returning(investment_projects::id)
                    .get_result(conn)?,
            };
            sync_items(conn, now, id, &wanted)?;
            journal(
                conn,
                now,
                &caller.actor(),
                Event {
                    action: if existing.is_some() { "investment_project.updated" } else { "investment_project.created" },
                    entity_type: "investment_project",
                    entity_id: code.clone(),
                    detail: json!({ "name": checked.name, "region_code": checked.region_code, "approval_items": input.approval_items.iter().map(|i| i.code.clone()).collect::<Vec<_>>() }),
                },
                Publish::Yes,
            )?;
            // Marketplace projects already carrying the code take up their steps.
            let carrying: Vec<i64> = projects::table
                .filter(projects::investment_code.eq(&code))
                .select(projects::id)
                .load(conn)?;
            for project in carrying {
                link_project_in(conn, now, project)?;
            }
            let row = find_row(conn, &code)?;
            Ok((existing.is_none(), record_view(conn, &row)?))
        })
        .await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateInput {
    /// `not_filed`, `accepted`, `processing`, `approved` or `refused`.
    pub state: Option<String>,
    pub note: Option<String>,
}

/// The department's own state of one approval item.
pub async fn set_state(
    state: &AppState,
    caller: &Caller,
    code: &str,
    item_code: &str,
    input: StateInput,
) -> AppResult<ApprovalItemView> {
    check_write(caller)?;
    let Some(new_state) = input.state.as_deref().and_then(ApprovalState::parse) else {
        return Err(AppError::invalid(
            "state",
            "状态应为 not_filed（未申报）、accepted（受理）、processing（办理中）、approved（办结）或 refused（不予许可）。",
            "state must be not_filed, accepted, processing, approved or refused.",
        ));
    };
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > 1000) {
        return Err(AppError::invalid(
            "note",
            "说明不超过 1000 字。",
            "note must have at most 1000 characters.",
        ));
    }
    let (caller, code, item_code) = (caller.clone(), code.to_owned(), item_code.to_owned());
    let clock = state.clock.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let row = find_row(conn, &code)?;
            let approval: ApprovalRow = investment_approvals::table
                .inner_join(approval_items::table)
                .filter(investment_approvals::investment_project_id.eq(row.id))
                .filter(approval_items::code.eq(&item_code))
                .select(ApprovalRow::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            diesel::update(investment_approvals::table.find(approval.id))
                .set((
                    investment_approvals::state.eq(new_state.as_str()),
                    investment_approvals::state_note.eq(&note),
                    investment_approvals::state_changed_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            journal(
                conn,
                now,
                &caller.actor(),
                Event {
                    action: "approval_item.state_changed",
                    entity_type: "investment_project",
                    entity_id: row.code.clone(),
                    detail: json!({ "approval_item": item_code, "from": approval.state, "to": new_state.as_str(), "note": note }),
                },
                Publish::Yes,
            )?;
            let updated: ApprovalRow = investment_approvals::table.find(approval.id).select(ApprovalRow::as_select()).first(conn)?;
            item_view(conn, &updated)
        })
        .await
}

/// Open steps of the project's investment project for its service item take
/// it up. Called when a project is published and when the record changes.
pub fn link_project_in(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    project_id: i64,
) -> AppResult<()> {
    let loaded = crate::projects::service::load(conn, project_id)?;
    let Some(code) = loaded.project.investment_code.clone() else {
        return Ok(());
    };
    if !loaded.is_public() || matches!(loaded.status(), ProjectStatus::Cancelled) {
        return Ok(());
    }
    // A project whose contract was terminated gave its step back for good.
    let terminated: i64 = crate::db::schema::contracts::table
        .filter(crate::db::schema::contracts::project_id.eq(project_id))
        .filter(crate::db::schema::contracts::status.eq("terminated"))
        .count()
        .get_result(conn)?;
    if terminated > 0 {
        return Ok(());
    }
    let Some(ip) = investment_projects::table
        .filter(investment_projects::code.eq(&code))
        .select(InvestmentProjectRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(());
    };
    let open: Vec<StepRow> = intermediary_steps::table
        .inner_join(investment_approvals::table)
        .filter(investment_approvals::investment_project_id.eq(ip.id))
        .filter(intermediary_steps::service_item_id.eq(loaded.project.service_item_id))
        .filter(intermediary_steps::status.eq(StepStatus::Open.as_str()))
        .select(StepRow::as_select())
        .load(conn)?;
    for step in open {
        link_step(conn, now, &ip, &step, project_id, "auto", &Actor::system())?;
    }
    Ok(())
}

fn link_step(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    ip: &InvestmentProjectRow,
    step: &StepRow,
    project_id: i64,
    by: &str,
    actor: &Actor,
) -> AppResult<()> {
    diesel::update(intermediary_steps::table.find(step.id))
        .set((
            intermediary_steps::project_id.eq(project_id),
            intermediary_steps::linked_by.eq(by),
            intermediary_steps::status.eq(StepStatus::Linked.as_str()),
            intermediary_steps::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    journal(
        conn,
        now,
        actor,
        Event {
            action: "approval_step.linked",
            entity_type: "investment_project",
            entity_id: ip.code.clone(),
            detail: json!({ "step_id": step.id, "project_id": project_id, "linked_by": by }),
        },
        Publish::Yes,
    )?;
    Ok(())
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// The applicant's marketplace project that provides the step.
    pub project_id: Option<i64>,
}

/// The applicant links one of their marketplace projects to a step by hand.
pub async fn link_by_hand(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    step_id: i64,
    input: LinkInput,
) -> AppResult<ApprovalRecordView> {
    let Some(project_id) = input.project_id else {
        return Err(AppError::invalid(
            "project_id",
            "请选择提供该中介服务的采购项目。",
            "project_id is required.",
        ));
    };
    let (user, code) = (user.clone(), code.to_owned());
    let clock = state.clock.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let ip = find_row(conn, &code)?;
            if !applicant_sees(conn, &ip, &user)? {
                return Err(if user.role() == crate::accounts::Role::Applicant { AppError::NotFound } else { AppError::Forbidden });
            }
            let step: StepRow = intermediary_steps::table
                .inner_join(investment_approvals::table)
                .filter(intermediary_steps::id.eq(step_id))
                .filter(investment_approvals::investment_project_id.eq(ip.id))
                .select(StepRow::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            if step.status != StepStatus::Open.as_str() {
                return Err(AppError::conflict("该中介服务已关联采购项目。", "The step is linked already."));
            }
            let loaded = crate::projects::service::load(conn, project_id).map_err(|_| {
                AppError::invalid("project_id", "采购项目不存在。", "The project does not exist.")
            })?;
            let fits = loaded.project.applicant_user_id == user.user.id
                && loaded.project.service_item_id == step.service_item_id
                && loaded.status() != ProjectStatus::Cancelled;
            if !fits {
                return Err(AppError::invalid(
                    "project_id",
                    "只能关联您本人发布的、服务事项相同且未终止的采购项目。",
                    "Link one of your own projects for the same service item that is not cancelled.",
                ));
            }
            link_step(conn, now, &ip, &step, project_id, "applicant", &crate::projects::service::actor(&user))?;
            // A project already accepted completes the step at once.
            let accepted: Option<(i64, i64)> = crate::db::schema::contracts::table
                .inner_join(crate::db::schema::deliveries::table)
                .filter(crate::db::schema::contracts::project_id.eq(project_id))
                .filter(crate::db::schema::deliveries::status.eq("accepted"))
                .select((crate::db::schema::contracts::id, crate::db::schema::deliveries::id))
                .first(conn)
                .optional()?;
            if let Some((contract, delivery)) = accepted {
                complete_in(conn, now, contract, delivery)?;
            }
            record_view(conn, &ip)
        })
        .await
}

/// An accepted delivery completes the steps its project provides, in the
/// transaction of the acceptance.
pub fn complete_in(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    contract_id: i64,
    delivery_id: i64,
) -> AppResult<()> {
    let (project_id, agency_id): (i64, i64) = crate::db::schema::contracts::table
        .find(contract_id)
        .select((
            crate::db::schema::contracts::project_id,
            crate::db::schema::contracts::agency_id,
        ))
        .first(conn)?;
    link_project_in(conn, now, project_id)?;
    let hashes: Vec<String> = delivery_files::table
        .inner_join(attachments::table.on(attachments::id.eq(delivery_files::attachment_id)))
        .filter(delivery_files::delivery_id.eq(delivery_id))
        .order(delivery_files::attachment_id.asc())
        .select(attachments::sha256)
        .load(conn)?;
    let fingerprint = super::rules::deliverable_hash(&hashes);
    let steps: Vec<StepRow> = intermediary_steps::table
        .filter(intermediary_steps::project_id.eq(project_id))
        .filter(intermediary_steps::status.eq(StepStatus::Linked.as_str()))
        .select(StepRow::as_select())
        .load(conn)?;
    for step in steps {
        diesel::update(intermediary_steps::table.find(step.id))
            .set((
                intermediary_steps::status.eq(StepStatus::Done.as_str()),
                intermediary_steps::completed_at.eq(now.naive_utc()),
                intermediary_steps::contract_id.eq(contract_id),
                intermediary_steps::agency_id.eq(agency_id),
                intermediary_steps::delivery_id.eq(delivery_id),
                intermediary_steps::deliverable_sha256.eq(&fingerprint),
                intermediary_steps::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        let ip = ip_of_step(conn, step.id)?;
        journal(
            conn,
            now,
            &Actor::system(),
            Event {
                action: "approval_step.completed",
                entity_type: "investment_project",
                entity_id: ip.code.clone(),
                detail: json!({ "step_id": step.id, "project_id": project_id, "contract_id": contract_id, "delivery_id": delivery_id, "deliverable_sha256": fingerprint }),
            },
            Publish::Yes,
        )?;
        announce(conn, now, step.id, "step.completed")?;
    }
    Ok(())
}

/// A cancelled project or a terminated contract gives its steps back: they
/// are open again, and a done one is told as reopened.
pub fn release_in(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    project_id: i64,
    reason: &str,
) -> AppResult<()> {
    let steps: Vec<StepRow> = intermediary_steps::table
        .filter(intermediary_steps::project_id.eq(project_id))
        .select(StepRow::as_select())
        .load(conn)?;
    for step in steps {
        diesel::update(intermediary_steps::table.find(step.id))
            .set((
                intermediary_steps::project_id.eq(None::<i64>),
                intermediary_steps::linked_by.eq(None::<String>),
                intermediary_steps::status.eq(StepStatus::Open.as_str()),
                intermediary_steps::completed_at.eq(None::<chrono::NaiveDateTime>),
                intermediary_steps::contract_id.eq(None::<i64>),
                intermediary_steps::agency_id.eq(None::<i64>),
                intermediary_steps::delivery_id.eq(None::<i64>),
                intermediary_steps::deliverable_sha256.eq(None::<String>),
                intermediary_steps::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        let ip = ip_of_step(conn, step.id)?;
        journal(
            conn,
            now,
            &Actor::system(),
            Event {
                action: "approval_step.reopened",
                entity_type: "investment_project",
                entity_id: ip.code.clone(),
                detail: json!({ "step_id": step.id, "project_id": project_id, "was": step.status, "reason": reason }),
            },
            Publish::Yes,
        )?;
        // Only a completed step was reported done; one merely under way changes nothing outside.
        if step.status == StepStatus::Done.as_str() {
            announce_as(conn, now, step.id, "step.reopened", &step, reason)?;
        }
    }
    Ok(())
}

fn ip_of_step(conn: &mut DbConnection, step_id: i64) -> AppResult<InvestmentProjectRow> {
    Ok(intermediary_steps::table
        .inner_join(investment_approvals::table.inner_join(investment_projects::table))
        .filter(intermediary_steps::id.eq(step_id))
        .select(InvestmentProjectRow::as_select())
        .first(conn)?)
}

/// Records the event the approval system is told of, with its payload fixed
/// now, and puts it on the change log for the webhook sender.
fn announce(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    step_id: i64,
    kind: &str,
) -> AppResult<i64> {
    let step: StepRow = intermediary_steps::table
        .find(step_id)
        .select(StepRow::as_select())
        .first(conn)?;
    announce_as(conn, now, step_id, kind, &step, "")
}

fn announce_as(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    step_id: i64,
    kind: &str,
    before: &StepRow,
    reason: &str,
) -> AppResult<i64> {
    let ip = ip_of_step(conn, step_id)?;
    let (item_code, item_name, department): (String, String, String) = intermediary_steps::table
        .inner_join(investment_approvals::table.inner_join(approval_items::table))
        .filter(intermediary_steps::id.eq(step_id))
        .select((
            approval_items::code,
            approval_items::name,
            approval_items::department,
        ))
        .first(conn)?;
    let step: StepRow = intermediary_steps::table
        .find(step_id)
        .select(StepRow::as_select())
        .first(conn)?;
    let (service_code, service_name): (String, String) = service_items::table
        .find(step.service_item_id)
        .select((service_items::code, service_items::name))
        .first(conn)?;
    // The event describes the step as it was done (completed) or as it was
    // before it reopened, so the receiver knows which report no longer stands.
    let subject = if kind == "step.completed" {
        &step
    } else {
        before
    };
    let project = match subject.project_id {
        Some(id) => {
            let loaded = crate::projects::service::load(conn, id)?;
            json!({ "id": id, "number": loaded.number(), "title": loaded.project.title })
        }
        None => serde_json::Value::Null,
    };
    let id: i64 = diesel::insert_into(approval_events::table)
        .values((
            approval_events::investment_project_id.eq(ip.id),
            approval_events::step_id.eq(step_id),
            approval_events::kind.eq(kind),
            approval_events::payload.eq(""),
            approval_events::occurred_at.eq(now.naive_utc()),
        ))
        .returning(approval_events::id)
        .get_result(conn)?;
    let payload = json!({
        "id": id.to_string(),
        "type": kind,
        "occurred_at": now,
        "investment_project": { "code": ip.code, "name": ip.name },
        "approval_item": { "code": item_code, "name": item_name, "department": department },
        "step": {
            "id": step_id,
            "service_item": { "code": service_code, "name": service_name },
            "status": step.status,
            "project": project,
            "agency_id": subject.agency_id,
            "contract_id": subject.contract_id,
            "delivery_id": subject.delivery_id,
            "completed_at": subject.completed_at.map(|t| t.and_utc()),
            "deliverable_sha256": subject.deliverable_sha256,
        },
        "reason": if reason.is_empty() { serde_json::Value::Null } else { json!(reason) },
    });
    diesel::update(approval_events::table.find(id))
        .set(approval_events::payload.eq(payload.to_string()))
        .execute(conn)?;
    crate::supervision::changes::publish(conn, now, "approval_event", &id.to_string(), kind)?;
    Ok(id)
}

/// The marketplace projects an applicant could link to a step, by service item.
pub fn linkable_projects(
    conn: &mut DbConnection,
    user_id: i64,
) -> AppResult<HashMap<i64, Vec<(i64, String)>>> {
    let rows: Vec<(i64, i64, String)> = projects::table
        .filter(projects::applicant_user_id.eq(user_id))
        .select((projects::id, projects::service_item_id, projects::title))
        .order(projects::id.desc())
        .load(conn)?;
    let mut by_item: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for (id, item, title) in rows {
        let loaded = crate::projects::service::load(conn, id)?;
        if loaded.status() != ProjectStatus::Cancelled {
            by_item.entry(item).or_default().push((id, title));
        }
    }
    Ok(by_item)
}
