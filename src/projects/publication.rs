//! Publication: submitting, the administrator's review, opening a round
//! (the draw's commitment, the announcement), and cancellation.

use super::drafting::{as_input, check};
use super::rules::ProjectAction;
use super::selection;
use super::service::{actor, admins, load, move_status, owned, record, Loaded};
use super::views::ProjectView;
use super::{eligibility, present, selecting};
use crate::accounts::secrets::random_bytes;
use crate::accounts::Role;
use crate::app::AppState;
use crate::calendar::WorkingCalendar;
use crate::config::ProjectRules;
use crate::db::schema::{project_states, projects};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::supervision::Actor;
use crate::web::auth::CurrentUser;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// An administrator's approval, inside the caller's transaction: the round opens.
pub fn approve_in(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    rules: &ProjectRules,
    calendar: &WorkingCalendar,
    loaded: &mut Loaded,
    actor: &Actor,
    reason: Option<&str>,
) -> AppResult<()> {
    record(
        conn,
        now,
        actor,
        "project.approved",
        loaded.id(),
        json!({ "reason": reason }),
    )?;
    open_round(conn, now, loaded, actor, rules, calendar)
}

/// Opens a round: the draw's secret is drawn and its hash published; the
/// sign-up period starts, or — for 直接选取 of a named agency — the agency
/// is selected at once and asked to confirm.
fn open_round(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    actor: &Actor,
    rules: &ProjectRules,
    calendar: &WorkingCalendar,
) -> AppResult<()> {
    if loaded.project.has_signup_phase() {
        if let Some(error) = super::rules::signup_period_error(
            calendar,
            now,
            loaded.project.signup_deadline.and_utc(),
            rules.min_signup_working_days,
        ) {
            return Err(AppError::Invalid(vec![error]));
        }
    } else {
        diesel::update(projects::table.find(loaded.id()))
            .set((
                projects::signup_deadline.eq(now.naive_utc()),
                projects::selection_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    let secret = random_bytes();
    let commitment = selection::commitment(&secret);
    let round = loaded.state.round + 1;
    move_status(conn, now, loaded, ProjectAction::Approve)?;
    diesel::update(project_states::table.find(loaded.id()))
        .set((
            project_states::round.eq(round),
            project_states::draw_secret.eq(hex::encode(secret)),
            project_states::draw_commitment.eq(&commitment),
            project_states::published_at.eq(now.naive_utc()),
            project_states::min_signups.eq(rules.min_signups),
            project_states::winner_signup_id.eq(None::<i64>),
            project_states::signups_closed_at.eq(None::<chrono::NaiveDateTime>),
            project_states::selected_at.eq(None::<chrono::NaiveDateTime>),
            project_states::confirmation_deadline.eq(None::<chrono::NaiveDateTime>),
            project_states::confirmation_reminded_at.eq(None::<chrono::NaiveDateTime>),
            project_states::publicity_ends_at.eq(None::<chrono::NaiveDateTime>),
            project_states::status_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    record(
        conn,
        now,
        actor,
        "project.published",
        loaded.id(),
        json!({ "round": round, "draw_commitment": commitment }),
    )?;
    *loaded = load(conn, loaded.id())?;
    // A project carrying an investment code takes up its step in the approval record.
    crate::approvals::service::link_project_in(conn, now, loaded.id())?;
    crate::messages::send(
        conn,
        now,
        loaded.project.applicant_user_id,
        "采购公告已发布",
        &format!(
            "项目“{}”（{}）已发布。",
            loaded.project.title,
            loaded.number()
        ),
        &loaded.link(),
    )?;
    if let Some(agency_id) = loaded.project.direct_agency_id {
        eligibility::require(conn, &loaded.project, agency_id, now)?;
        selecting::select_named(conn, now, loaded, agency_id, actor, calendar, rules)?;
    } else {
        eligibility::announce(conn, now, loaded)?;
    }
    Ok(())
}

/// Submits a project inside the caller's transaction: to review, or open at once.
pub fn submit_in(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    rules: &ProjectRules,
    calendar: &WorkingCalendar,
    loaded: &mut Loaded,
    actor: &Actor,
) -> AppResult<()> {
    // The same checks as the reviewer's, so the applicant learns early.
    let terms = as_input(conn, &loaded.project)?;
    check(conn, &terms, rules)?;
    if loaded.project.has_signup_phase() {
        if let Some(error) = super::rules::signup_period_error(
            calendar,
            now,
            loaded.project.signup_deadline.and_utc(),
            rules.min_signup_working_days,
        ) {
            return Err(AppError::Invalid(vec![error]));
        }
    }
    if let Some(agency_id) = loaded.project.direct_agency_id {
        eligibility::require(conn, &loaded.project, agency_id, now)?;
    }
    move_status(conn, now, loaded, ProjectAction::Submit)?;
    diesel::update(project_states::table.find(loaded.id()))
        .set(project_states::submitted_at.eq(now.naive_utc()))
        .execute(conn)?;
    record(
        conn,
        now,
        actor,
        "project.submitted",
        loaded.id(),
        json!({}),
    )?;
    if rules.review_required {
        for admin in admins(conn)? {
            crate::messages::send(
                conn,
                now,
                admin,
                "采购公告待审核",
                &format!(
                    "项目“{}”（{}）已提交发布，请审核。",
                    loaded.project.title,
                    loaded.number()
                ),
                &format!("/admin/projects/{}", loaded.id()),
            )?;
        }
    } else {
        open_round(conn, now, loaded, &Actor::system(), rules, calendar)?;
    }
    Ok(())
}

/// Submits a project for publication: to review when the centre reviews
/// projects, otherwise published at once.
pub async fn submit(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<ProjectView> {
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let calendar = crate::calendar::load(&state.db).await?;
    let actor = actor(user);
    let viewer = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let mut loaded = load(conn, id)?;
            owned(&loaded, &viewer)?;
            submit_in(conn, now, &rules, &calendar, &mut loaded, &actor)?;
            {
                let loaded = load(conn, id)?;
                present::project_view(conn, &loaded, Some(&viewer), &rules)
            }
        })
        .await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// `approve` or `return`.
    pub decision: String,
    /// Required when returning.
    pub reason: Option<String>,
}

/// An administrator approves a submitted project (it opens) or returns it with a reason.
pub async fn review(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    request: ReviewRequest,
) -> AppResult<ProjectView> {
    user.require(&[Role::Admin])?;
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let calendar = crate::calendar::load(&state.db).await?;
    let actor = actor(user);
    let viewer = user.clone();
    let reason = crate::agencies::rules::reason_given(request.reason.as_deref());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        return Err(AppError::invalid(
            "reason",
            "审核意见不得超过 1000 字。",
            "reason must have at most 1000 characters.",
        ));
    }
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let mut loaded = load(conn, id)?;
            match request.decision.as_str() {
                "approve" => {
                    approve_in(
                        conn,
                        now,
                        &rules,
                        &calendar,
                        &mut loaded,
                        &actor,
                        reason.as_deref(),
                    )?;
                }
                "return" => {
                    let Some(reason) = reason else {
                        return Err(AppError::invalid(
                            "reason",
                            "退回须说明理由。",
                            "A return needs a reason.",
                        ));
                    };
                    move_status(conn, now, &mut loaded, ProjectAction::Return)?;
                    diesel::update(project_states::table.find(id))
                        .set(project_states::status_reason.eq(&reason))
                        .execute(conn)?;
                    record(
                        conn,
                        now,
                        &actor,
                        "project.returned",
                        id,
                        json!({ "reason": reason }),
                    )?;
                    crate::messages::send(
                        conn,
                        now,
                        loaded.project.applicant_user_id,
                        "采购公告被退回",
                        &format!("项目“{}”被退回修改：{reason}", loaded.project.title),
                        &loaded.link(),
                    )?;
                }
                _ => {
                    return Err(AppError::invalid(
                        "decision",
                        "审核结论应为 approve（通过）或 return（退回）。",
                        "decision must be approve or return.",
                    ));
                }
            }
            {
                let loaded = load(conn, id)?;
                present::project_view(conn, &loaded, Some(&viewer), &rules)
            }
        })
        .await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct CancelRequest {
    pub reason: Option<String>,
}

/// The applicant ends a project (终止) before the award, with a reason;
/// everyone who signed up is told.
pub async fn cancel(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    request: CancelRequest,
) -> AppResult<ProjectView> {
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let actor = actor(user);
    let viewer = user.clone();
    let Some(reason) = crate::agencies::rules::reason_given(request.reason.as_deref()) else {
        return Err(AppError::invalid(
            "reason",
            "终止项目须说明理由。",
            "Cancelling needs a reason.",
        ));
    };
    if reason.chars().count() > 1000 {
        return Err(AppError::invalid(
            "reason",
            "理由不得超过 1000 字。",
            "reason must have at most 1000 characters.",
        ));
    }
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let mut loaded = load(conn, id)?;
            owned(&loaded, &viewer)?;
            selecting::cancel_project(conn, now, &mut loaded, &actor, &reason)?;
            {
                let loaded = load(conn, id)?;
                present::project_view(conn, &loaded, Some(&viewer), &rules)
            }
        })
        .await
}
