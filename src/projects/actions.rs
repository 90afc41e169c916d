//! What people do once sign-ups have closed: the applicant (or an
//! administrator) runs or makes the selection, and the selected agency
//! confirms or abandons. One call each, shared by the API and the pages.

use super::rules::ProjectStatus;
use super::service::{self, Loaded};
use super::views::ProjectView;
use super::{present, selecting};
use crate::accounts::Role;
use crate::app::AppState;
use crate::config::ProjectRules;
use crate::error::{AppError, AppResult};
use crate::web::auth::CurrentUser;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionRequest {
    /// For 直接选取 among sign-ups, or after the second 流标: the chosen sign-up.
    pub signup_id: Option<i64>,
    /// Why this agency (required with `signup_id`).
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationRequest {
    /// `true` confirms the selection; `false` abandons it (放弃中选).
    pub accept: Option<bool>,
    /// Required when abandoning.
    pub reason: Option<String>,
}

/// Runs the automatic selection once sign-ups closed, or selects the named
/// sign-up with a reason (直接选取 among sign-ups, or after the second 流标).
pub async fn select(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    request: SelectionRequest,
) -> AppResult<ProjectView> {
    user.require(&[Role::Applicant, Role::Admin])?;
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let calendar = crate::calendar::load(&state.db).await?;
    let actor = service::actor(user);
    let viewer = user.clone();
    let reason = crate::agencies::rules::reason_given(request.reason.as_deref());
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let mut loaded = service::load(conn, id)?;
            let own = loaded.project.applicant_user_id == viewer.user.id;
            if !own && viewer.role() != Role::Admin {
                return Err(if service::visible(&loaded, Some(&viewer)) {
                    AppError::Forbidden
                } else {
                    AppError::NotFound
                });
            }
            // A request that finds the deadline passed closes the sign-ups itself;
            // if that fails the round, the answer shows it.
            let closed_now = loaded.status() == ProjectStatus::SigningUp
                && now.naive_utc() >= loaded.project.signup_deadline;
            if closed_now {
                selecting::close_signups(conn, now, &mut loaded)?;
            }
            match request.signup_id {
                Some(signup_id) => {
                    if !own {
                        return Err(AppError::Forbidden);
                    }
                    let Some(reason) =
                        reason.filter(|r| (4..=500).contains(&r.chars().count()))
                    else {
                        return Err(AppError::invalid(
                            "reason",
                            "请填写选取理由（4–500 字）。",
                            "A reason of 4 to 500 characters is required.",
                        ));
                    };
                    selecting::select_manually(
                        conn,
                        now,
                        &mut loaded,
                        signup_id,
                        &reason,
                        &actor,
                        &calendar,
                        &rules,
                    )?;
                }
                None if loaded.status() == ProjectStatus::Selecting
                    && loaded.project.automatic() =>
                {
                    // The published selection time is honoured: not before it.
                    if now.naive_utc() < loaded.project.selection_at {
                        let at = crate::web::format_time(loaded.project.selection_at);
                        return Err(AppError::Conflict {
                            zh: format!("选取时间（{at}）未到。"),
                            en: format!("The selection time ({at}, China time) has not come."),
                        });
                    }
                    selecting::run_selection(conn, now, &mut loaded, &actor, &calendar, &rules)?;
                }
                None if closed_now => {}
                None => {
                    return Err(AppError::conflict(
                        "项目当前不能选取：报名未截止、已完成选取，或须指定报名（signup_id）。",
                        "The project cannot be selected now: sign-ups are open, the selection already ran, or a signup_id is needed.",
                    ));
                }
            }
            reread(conn, id, &viewer, &rules)
        })
        .await
}

/// The selected agency confirms (the result goes to publicity) or abandons with a reason.
pub async fn confirm(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    request: ConfirmationRequest,
) -> AppResult<ProjectView> {
    user.require(&[Role::Agency])?;
    let Some(accept) = request.accept else {
        return Err(AppError::invalid(
            "accept",
            "请说明确认（true）还是放弃（false）。",
            "accept (true or false) is required.",
        ));
    };
    let reason = crate::agencies::rules::reason_given(request.reason.as_deref());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        return Err(AppError::invalid(
            "reason",
            "理由不得超过 1000 字。",
            "reason must have at most 1000 characters.",
        ));
    }
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let credit = state.settings.credit.clone();
    let calendar = crate::calendar::load(&state.db).await?;
    let actor = service::actor(user);
    let viewer = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let mut loaded = service::load(conn, id)?;
            if !loaded.is_public() {
                return Err(AppError::NotFound);
            }
            let agency = crate::agencies::service::row_of_owner(conn, viewer.user.id)?
                .ok_or(AppError::Forbidden)?;
            selecting::confirm(
                conn,
                now,
                &mut loaded,
                agency.id,
                accept,
                reason.as_deref(),
                &actor,
                &calendar,
                &rules,
                &credit,
            )?;
            reread(conn, id, &viewer, &rules)
        })
        .await
}

fn reread(
    conn: &mut crate::db::DbConnection,
    id: i64,
    viewer: &CurrentUser,
    rules: &ProjectRules,
) -> AppResult<ProjectView> {
    let loaded: Loaded = service::load(conn, id)?;
    present::project_view(conn, &loaded, Some(viewer), rules)
}
