//! Projects: loading one with where it stands, the status moves every step
//! goes through, its journal, and reading it as each viewer may. Drafting,
//! publication and lists live in `drafting.rs`, `publication.rs`, `listing.rs`.

use super::input::{AvoidInput, RequirementInput};
use super::model::{ProjectRow, ProjectStateRow};
use super::present;
use super::rules::{next_project_status, ProjectAction, ProjectStatus};
use super::views::ProjectView;
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{
    project_avoidances, project_requirements, project_states, projects, signups, users,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::supervision::{journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

pub use super::drafting::{create, create_in, input_errors, update};
pub use super::listing::{list, list_for, ProjectFilter};
pub use super::publication::{
    approve_in, cancel, review, submit, submit_in, CancelRequest, ReviewRequest,
};

/// A project with where it stands.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub project: ProjectRow,
    pub state: ProjectStateRow,
}

impl Loaded {
    pub fn status(&self) -> ProjectStatus {
        self.state.status()
    }

    pub fn id(&self) -> i64 {
        self.project.id
    }

    pub fn number(&self) -> String {
        self.project.number.clone().unwrap_or_default()
    }

    /// Public once it was ever published: a draft cancelled before review stays private.
    pub fn is_public(&self) -> bool {
        self.state.published_at.is_some()
    }

    /// Whether the current round's sign-ups are open to read: only once its
    /// sign-up period closed. A round cancelled before that stays sealed for good.
    pub fn unsealed(&self) -> bool {
        self.state.signups_closed_at.is_some()
    }

    pub fn link(&self) -> String {
        format!("/projects/{}", self.project.id)
    }
}

pub fn actor(user: &CurrentUser) -> Actor {
    Actor::user(user.user.id, &user.user.username)
}

pub fn load(conn: &mut DbConnection, id: i64) -> AppResult<Loaded> {
    let (project, state) = projects::table
        .inner_join(project_states::table)
        .filter(projects::id.eq(id))
        .select((ProjectRow::as_select(), ProjectStateRow::as_select()))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    Ok(Loaded { project, state })
}

/// Writes an audit event and a change-log row about a project.
pub fn record(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    action: &'static str,
    project_id: i64,
    detail: Value,
) -> AppResult<()> {
    journal(
        conn,
        now,
        actor,
        Event {
            action,
            entity_type: "project",
            entity_id: project_id.to_string(),
            detail,
        },
        Publish::Yes,
    )?;
    Ok(())
}

/// Moves a project's status, refusing what the machine does not allow.
pub fn move_status(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    action: ProjectAction,
) -> AppResult<ProjectStatus> {
    let Some(next) = next_project_status(loaded.status(), action) else {
        return Err(AppError::Conflict {
            zh: format!(
                "项目当前状态为“{}”，不能{}。",
                loaded.status().label_zh(),
                action.label_zh()
            ),
            en: format!(
                "A project in status {} cannot {}.",
                loaded.status().as_str(),
                action.as_str()
            ),
        });
    };
    diesel::update(project_states::table.find(loaded.id()))
        .set((
            project_states::status.eq(next.as_str()),
            project_states::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    loaded.state.status = next.as_str().to_owned();
    Ok(next)
}

pub fn requirements_of(
    conn: &mut DbConnection,
    project_id: i64,
) -> QueryResult<Vec<RequirementInput>> {
    Ok(project_requirements::table
        .filter(project_requirements::project_id.eq(project_id))
        .order(project_requirements::qualification_type_id.asc())
        .select((
            project_requirements::qualification_type_id,
            project_requirements::min_level,
        ))
        .load::<(i64, Option<String>)>(conn)?
        .into_iter()
        .map(|(qualification_type_id, min_level)| RequirementInput {
            qualification_type_id,
            min_level,
        })
        .collect())
}

pub fn avoidances_of(conn: &mut DbConnection, project_id: i64) -> QueryResult<Vec<AvoidInput>> {
    Ok(project_avoidances::table
        .filter(project_avoidances::project_id.eq(project_id))
        .order(project_avoidances::agency_id.asc())
        .select((project_avoidances::agency_id, project_avoidances::reason))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(agency_id, reason)| AvoidInput { agency_id, reason })
        .collect())
}

pub(super) fn owned(loaded: &Loaded, user: &CurrentUser) -> AppResult<()> {
    if loaded.project.applicant_user_id == user.user.id {
        Ok(())
    } else if loaded.is_public() || user.role() == Role::Admin {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

pub fn admins(conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
    users::table
        .filter(users::role.eq("admin"))
        .select(users::id)
        .load(conn)
}

pub async fn find(state: &AppState, user: Option<CurrentUser>, id: i64) -> AppResult<ProjectView> {
    let rules = state.settings.projects.clone();
    state
        .db
        .run(move |conn| {
            let loaded = load(conn, id)?;
            if !visible(&loaded, user.as_ref()) {
                return Err(AppError::NotFound);
            }
            present::project_view(conn, &loaded, user.as_ref(), &rules)
        })
        .await
}

pub fn visible(loaded: &Loaded, user: Option<&CurrentUser>) -> bool {
    loaded.is_public()
        || user.is_some_and(|u| {
            u.role() == Role::Admin || u.user.id == loaded.project.applicant_user_id
        })
}

/// Sign-ups of the current round that stand.
pub fn standing_count(conn: &mut DbConnection, loaded: &Loaded) -> QueryResult<i64> {
    signups::table
        .filter(signups::project_id.eq(loaded.id()))
        .filter(signups::round.eq(loaded.state.round))
        .filter(signups::status.ne("withdrawn"))
        .count()
        .get_result(conn)
}
