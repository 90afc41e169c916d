//! The scheduler that moves projects when a deadline passes: closes sign-ups,
//! runs automatic selections, treats a missed confirmation as abandonment,
//! ends publicity, and reminds a winner whose confirmation deadline is near.
//! Each project moves in its own write transaction that re-reads it first, so
//! running it twice, or on several nodes at once, moves it once.

use super::rules::{due, Due, ProjectStatus, Timeline};
use super::selecting;
use super::service::{load, Loaded};
use crate::app::AppState;
use crate::calendar::WorkingCalendar;
use crate::config::{CreditRules, ProjectRules};
use crate::db::schema::{agencies, project_states, signups};
use crate::db::Db;
use crate::error::AppResult;
use crate::supervision::Actor;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScheduleReport {
    pub moved: usize,
    pub reminded: usize,
    /// Accepted contracts whose evaluation window passed: the neutral default recorded.
    pub evaluations_defaulted: usize,
    /// The contract steps' reminders and overdue marks.
    pub contract_steps: crate::contracts::watch::WatchReport,
    /// Red time-limit lights alerted for the first time (`supervision::light_alerts`).
    pub light_alerts: usize,
    /// Projects whose step failed, with the error; the others still moved.
    pub failed: Vec<(i64, String)>,
}

fn timeline(conn: &mut crate::db::DbConnection, loaded: &Loaded) -> AppResult<Timeline> {
    Ok(Timeline {
        status: loaded.status(),
        signup_deadline: loaded.project.signup_deadline,
        selection_at: loaded.project.selection_at,
        confirmation_deadline: loaded.state.confirmation_deadline,
        publicity_ends: loaded.state.publicity_ends_at,
        automatic: loaded.project.automatic(),
        pending_objections: super::objections::pending_count(conn, loaded.id())? > 0,
    })
}

/// Applies what is due for one project; returns whether it moved.
pub fn advance(
    db: &Db,
    id: i64,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
    credit: &CreditRules,
) -> AppResult<bool> {
    db.write_now(|conn| {
        let mut loaded = load(conn, id)?;
        let mut moved = false;
        // One step may make the next due at once (sign-ups close at the selection time).
        for _ in 0..4 {
            let Some(step) = due(&timeline(conn, &loaded)?, now) else {
                break;
            };
            match step {
                Due::CloseSignups => selecting::close_signups(conn, now, &mut loaded)?,
                Due::RunSelection => selecting::run_selection(
                    conn,
                    now,
                    &mut loaded,
                    &Actor::system(),
                    calendar,
                    rules,
                )?,
                Due::ConfirmationMissed => {
                    selecting::confirmation_missed(conn, now, &mut loaded, calendar, rules, credit)?
                }
                Due::EndPublicity => selecting::award(conn, now, &mut loaded, &Actor::system())?,
            }
            loaded = load(conn, id)?;
            moved = true;
        }
        Ok(moved)
    })
}

/// One pass over every running project.
pub fn run_once(
    db: &Db,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
    credit: &CreditRules,
) -> AppResult<ScheduleReport> {
    let running = [
        ProjectStatus::SigningUp,
        ProjectStatus::Selecting,
        ProjectStatus::Confirming,
        ProjectStatus::Publicity,
    ]
    .map(|s| s.as_str());
    let ids: Vec<i64> = db.run_now(|conn| {
        Ok(project_states::table
            .filter(project_states::status.eq_any(running))
            .order(project_states::project_id.asc())
            .select(project_states::project_id)
            .load(conn)?)
    })?;
    let mut report = ScheduleReport::default();
    for id in ids {
        // A read decides whether the project needs the write lock at all;
        // `advance` checks again inside its transaction.
        let owed = db.run_now(|conn| {
            let loaded = load(conn, id)?;
            Ok(due(&timeline(conn, &loaded)?, now).is_some())
        });
        if !matches!(owed, Ok(true)) {
            continue;
        }
        match advance(db, id, now, calendar, rules, credit) {
            Ok(true) => report.moved += 1,
            Ok(false) => {}
            // One project's trouble must not stop the others.
            Err(error) => {
                tracing::error!(project = id, error = %error, "project scheduler step failed");
                report.failed.push((id, format!("{error:#}")));
            }
        }
    }
    report.reminded = remind(db, now)?;
    report.evaluations_defaulted =
        crate::contracts::evaluations::record_defaults(db, now, calendar, credit)?;
    report.contract_steps = crate::contracts::watch::run_once(db, now, calendar, rules)?;
    // Last, so a step this pass completed or moved raises no alert.
    report.light_alerts = crate::supervision::light_alerts::run_once(db, now, calendar, rules)?;
    Ok(report)
}

/// A winner whose confirmation deadline is less than a day away is reminded once.
fn remind(db: &Db, now: DateTime<Utc>) -> AppResult<usize> {
    let soon = (now + Duration::hours(24)).naive_utc();
    let pending = |conn: &mut crate::db::DbConnection| -> AppResult<Vec<(i64, Option<i64>)>> {
        Ok(project_states::table
            .filter(project_states::status.eq(ProjectStatus::Confirming.as_str()))
            .filter(project_states::confirmation_reminded_at.is_null())
            .filter(project_states::confirmation_deadline.le(soon))
            .filter(project_states::confirmation_deadline.gt(now.naive_utc()))
            .select((project_states::project_id, project_states::winner_signup_id))
            .load(conn)?)
    };
    if db.run_now(pending)?.is_empty() {
        return Ok(0);
    }
    db.write_now(|conn| {
        let due = pending(conn)?;
        for (project_id, winner) in &due {
            diesel::update(project_states::table.find(project_id))
                .set(project_states::confirmation_reminded_at.eq(now.naive_utc()))
                .execute(conn)?;
            let Some(winner) = winner else { continue };
            let agency_id: i64 = signups::table
                .find(winner)
                .select(signups::agency_id)
                .first(conn)?;
            let owner: i64 = agencies::table
                .find(agency_id)
                .select(agencies::owner_user_id)
                .first(conn)?;
            let loaded = load(conn, *project_id)?;
            let deadline = loaded
                .state
                .confirmation_deadline
                .map(crate::web::format_time)
                .unwrap_or_default();
            crate::messages::send(
                conn,
                now,
                owner,
                "确认期限将至",
                &format!(
                    "请于 {deadline} 前确认是否接受项目“{}”的中选。",
                    loaded.project.title
                ),
                &loaded.link(),
            )?;
        }
        Ok(due.len())
    })
}

pub async fn run_forever(state: AppState, every: std::time::Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let calendar = match crate::calendar::load(&state.db).await {
            Ok(calendar) => calendar,
            Err(error) => {
                tracing::error!(error = %error, "project scheduler cannot read the calendar");
                continue;
            }
        };
        let state = state.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let settings = &state.settings;
            run_once(
                &state.db,
                state.now(),
                &calendar,
                &settings.projects,
                &settings.credit,
            )
        })
        .await;
        match outcome {
            Ok(Ok(report)) if report != ScheduleReport::default() => {
                tracing::info!(?report, "project scheduler")
            }
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::error!(error = %error, "project scheduler failed"),
            Err(error) => tracing::error!(error = %error, "project scheduler panicked"),
        }
    }
}
