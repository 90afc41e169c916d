//! Objections (异议) to a selection result, filed by participants during
//! publicity and decided by an administrator with a written answer.

use super::model::ObjectionRow;
use super::present;
use super::rules::{
    next_objection_status, objections_open, ObjectionOutcome, ObjectionStatus, ProjectStatus,
    SignupStatus,
};
use super::selecting::{self, round_signups};
use super::service::{actor, admins, load, record};
use super::views::ObjectionView;
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{attachments, objection_attachments, objections, signups};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::messages;
use crate::supervision::credit::Fact;
use crate::supervision::credit_rules;
use crate::web::auth::CurrentUser;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionInput {
    pub reason: Option<String>,
    /// Attachments uploaded first through `POST /api/v1/attachments`.
    #[serde(default)]
    pub attachment_ids: Vec<i64>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// `uphold` or `dismiss`.
    pub decision: Option<String>,
    /// When upheld: `redo` (the selection passes on) or `cancel` (the project ends).
    pub outcome: Option<String>,
    /// The written answer, required.
    pub answer: Option<String>,
}

/// Once an upheld objection changed the result, the others pending against
/// that result lapse; their filers are told.
fn supersede_others(
    conn: &mut DbConnection,
    now: chrono::DateTime<chrono::Utc>,
    loaded: &super::service::Loaded,
    decided: i64,
) -> AppResult<()> {
    let others: Vec<(i64, i64)> = objections::table
        .filter(objections::project_id.eq(loaded.id()))
        .filter(objections::status.eq(ObjectionStatus::Pending.as_str()))
        .filter(objections::id.ne(decided))
        .select((objections::id, objections::filed_by))
        .load(conn)?;
    let answer = "另一异议成立，中选结果已变更，本异议不再处理。";
    for (id, filer) in others {
        diesel::update(objections::table.find(id))
            .set((
                objections::status.eq(ObjectionStatus::Superseded.as_str()),
                objections::answer.eq(answer),
                objections::decided_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        messages::send(
            conn,
            now,
            filer,
            "异议已失效",
            &format!("您对项目“{}”提出的异议：{answer}", loaded.project.title),
            &loaded.link(),
        )?;
    }
    Ok(())
}

pub fn pending_count(conn: &mut DbConnection, project_id: i64) -> QueryResult<i64> {
    objections::table
        .filter(objections::project_id.eq(project_id))
        .filter(objections::status.eq(ObjectionStatus::Pending.as_str()))
        .count()
        .get_result(conn)
}

/// A written statement (a reason, an answer) of 5 to 4000 characters, trimmed;
/// objections and complaints take the same.
pub(crate) fn statement(value: Option<&str>, field: &str, label: &str) -> AppResult<String> {
    let value = value.map(str::trim).unwrap_or_default();
    let n = value.chars().count();
    if !(5..=4000).contains(&n) {
        return Err(AppError::Invalid(vec![crate::error::FieldError {
            field: field.into(),
            message_zh: format!("请填写{label}（5–4000 字）。"),
            message_en: format!("{field} must have 5 to 4000 characters."),
        }]));
    }
    Ok(value.to_owned())
}

/// A participant of the round objects to the result during publicity.
pub async fn file(
    state: &AppState,
    user: &CurrentUser,
    project_id: i64,
    input: ObjectionInput,
) -> AppResult<ObjectionView> {
    user.require(&[Role::Agency])?;
    let reason = statement(input.reason.as_deref(), "reason", "异议理由")?;
    if input.attachment_ids.len() > 10 {
        return Err(AppError::invalid(
            "attachment_ids",
            "附件不得超过 10 个。",
            "At most 10 attachments.",
        ));
    }
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let loaded = load(conn, project_id)?;
            if !loaded.is_public() {
                return Err(AppError::NotFound);
            }
            if !objections_open(loaded.status(), loaded.state.publicity_ends_at, now) {
                return Err(AppError::conflict(
                    "异议只能在中选结果公示期内提出。",
                    "Objections are taken during the publicity period only.",
                ));
            }
            let agency = crate::agencies::service::row_of_owner(conn, user.user.id)?;
            let participant = agency.as_ref().is_some_and(|a| {
                round_signups(conn, &loaded)
                    .map(|list| {
                        list.iter()
                            .any(|s| s.agency_id == a.id && s.status() != SignupStatus::Withdrawn)
                    })
                    .unwrap_or(false)
            });
            let Some(agency) = agency.filter(|_| participant) else {
                return Err(AppError::conflict(
                    "只有参与本轮报名的机构可以提出异议。",
                    "Only agencies that took part in the round may object.",
                ));
            };
            for (i, id) in input.attachment_ids.iter().enumerate() {
                if input.attachment_ids[..i].contains(id) {
                    return Err(AppError::invalid(
                        &format!("attachment_ids[{i}]"),
                        "附件重复。",
                        "Duplicate attachment.",
                    ));
                }
                let owner: Option<i64> = attachments::table
                    .find(id)
                    .select(attachments::uploaded_by)
                    .first(conn)
                    .optional()?;
                if owner != Some(user.user.id) {
                    return Err(AppError::invalid(
                        &format!("attachment_ids[{i}]"),
                        "附件不存在或不是您上传的。",
                        "The attachment does not exist or is not yours.",
                    ));
                }
            }
            let id: i64 = diesel::insert_into(objections::table)
                .values((
                    objections::project_id.eq(project_id),
                    objections::round.eq(loaded.state.round),
                    objections::filed_by.eq(user.user.id),
                    objections::agency_id.eq(Some(agency.id)),
                    objections::signup_id.eq(loaded.state.winner_signup_id),
                    objections::reason.eq(&reason),
                    objections::status.eq(ObjectionStatus::Pending.as_str()),
                    objections::created_at.eq(now.naive_utc()),
                ))
                .returning(objections::id)
                .get_result(conn)?;
            for attachment in &input.attachment_ids {
                diesel::insert_into(objection_attachments::table)
                    .values((
                        objection_attachments::objection_id.eq(id),
                        objection_attachments::attachment_id.eq(attachment),
                    ))
                    .execute(conn)?;
            }
            record(
                conn,
                now,
                &actor(&user),
                "objection.filed",
                project_id,
                json!({ "objection_id": id, "agency_id": agency.id, "reason": reason }),
            )?;
            for admin in admins(conn)? {
                messages::send(
                    conn,
                    now,
                    admin,
                    "收到异议",
                    &format!("项目“{}”收到异议，请处理。", loaded.project.title),
                    &format!("/admin/objections/{id}"),
                )?;
            }
            messages::send(
                conn,
                now,
                loaded.project.applicant_user_id,
                "收到异议",
                &format!(
                    "项目“{}”的中选结果收到异议，管理员处理前暂不确定中选。",
                    loaded.project.title
                ),
                &loaded.link(),
            )?;
            let row = objections::table
                .find(id)
                .select(ObjectionRow::as_select())
                .first(conn)?;
            present::objection_view(conn, &row)
        })
        .await
}

/// An administrator upholds or dismisses an objection with a written answer.
pub async fn decide(
    state: &AppState,
    user: &CurrentUser,
    objection_id: i64,
    input: DecisionInput,
) -> AppResult<ObjectionView> {
    user.require(&[Role::Admin])?;
    let uphold = match input.decision.as_deref() {
        Some("uphold") => true,
        Some("dismiss") => false,
        _ => {
            return Err(AppError::invalid(
                "decision",
                "处理结论应为 uphold（异议成立）或 dismiss（异议不成立）。",
                "decision must be uphold or dismiss.",
            ))
        }
    };
    let outcome = match (
        uphold,
        input.outcome.as_deref().map(ObjectionOutcome::parse),
    ) {
        (false, _) => None,
        (true, Some(Some(outcome))) => Some(outcome),
        (true, _) => {
            return Err(AppError::invalid(
                "outcome",
                "异议成立时须说明处理方式：redo（重新确定中选机构）或 cancel（终止项目）。",
                "An upheld objection needs outcome redo or cancel.",
            ))
        }
    };
    let answer = statement(input.answer.as_deref(), "answer", "书面答复")?;
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let credit = state.settings.credit.clone();
    let calendar = crate::calendar::load(&state.db).await?;
    let actor = actor(user);
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let objection = objections::table.find(objection_id).select(ObjectionRow::as_select()).first(conn).optional()?.ok_or(AppError::NotFound)?;
            let Some(status) = next_objection_status(objection.status(), uphold) else {
                return Err(AppError::conflict("该异议已处理。", "The objection has been decided already."));
            };
            let mut loaded = load(conn, objection.project_id)?;
            // An uphold acts on the result the objection contests; once that changed it cannot.
            let contests_current = loaded.status() == ProjectStatus::Publicity
                && objection.signup_id.is_some()
                && objection.signup_id == loaded.state.winner_signup_id;
            if uphold && !contests_current {
                return Err(AppError::conflict(
                    "该异议针对的中选结果已变更，不能再认定成立。",
                    "The result this objection contests has changed; it can no longer be upheld.",
                ));
            }
            diesel::update(objections::table.find(objection_id))
                .set((
                    objections::status.eq(status.as_str()),
                    objections::outcome.eq(outcome.map(|o| o.as_str())),
                    objections::answer.eq(&answer),
                    objections::decided_by.eq(actor.user_id),
                    objections::decided_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            record(conn, now, &actor, "objection.decided", loaded.id(), json!({ "objection_id": objection_id, "decision": status.as_str(), "outcome": outcome.map(|o| o.as_str()), "answer": answer }))?;
            if let (true, Some(signup_id)) = (uphold, objection.signup_id) {
                // An upheld objection is a credit fact of the selected agency.
                let agency_id: i64 = signups::table.find(signup_id).select(signups::agency_id).first(conn)?;
                let fact = Fact::UpheldObjection { at: now.naive_utc(), project: loaded.number() };
                credit_rules::after_fact(conn, now, agency_id, &fact, &credit)?;
            }
            match outcome {
                Some(ObjectionOutcome::Redo) => {
                    supersede_others(conn, now, &loaded, objection_id)?;
                    selecting::redo_selection(conn, now, &mut loaded, &actor, &calendar, &rules)?
                }
                Some(ObjectionOutcome::Cancel) => {
                    supersede_others(conn, now, &loaded, objection_id)?;
                    selecting::cancel_project(conn, now, &mut loaded, &actor, &format!("异议成立：{answer}"))?
                }
                None if loaded.status() == ProjectStatus::Publicity
                    && loaded.state.publicity_ends_at.is_some_and(|end| now.naive_utc() >= end)
                    && pending_count(conn, loaded.id())? == 0 =>
                {
                    selecting::award(conn, now, &mut loaded, &crate::supervision::Actor::system())?
                }
                _ => {}
            }
            messages::send(conn, now, objection.filed_by, "异议已答复", &format!("您对项目“{}”提出的异议已处理：{}。答复：{answer}", loaded.project.title, status.label_zh()), &loaded.link())?;
            messages::send(conn, now, loaded.project.applicant_user_id, "异议已答复", &format!("项目“{}”的异议已处理：{}。", loaded.project.title, status.label_zh()), &loaded.link())?;
            let row = objections::table.find(objection_id).select(ObjectionRow::as_select()).first(conn)?;
            present::objection_view(conn, &row)
        })
        .await
}

/// One objection, for the administrator who decides it.
pub fn find(conn: &mut DbConnection, objection_id: i64) -> AppResult<ObjectionView> {
    let row = objections::table
        .find(objection_id)
        .select(ObjectionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    present::objection_view(conn, &row)
}

pub fn of_project(conn: &mut DbConnection, project_id: i64) -> AppResult<Vec<ObjectionView>> {
    let rows: Vec<ObjectionRow> = objections::table
        .filter(objections::project_id.eq(project_id))
        .order(objections::id.asc())
        .select(ObjectionRow::as_select())
        .load(conn)?;
    rows.iter()
        .map(|r| present::objection_view(conn, r))
        .collect()
}
