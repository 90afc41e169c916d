//! The seeding's stage: a private `AppState` whose `ManualClock` moves
//! through past moments, the demo users as the services see a caller, and
//! the one-page files they upload.

use super::documents;
use super::projects::at;
use crate::accounts::model::UserRow;
use crate::app::AppState;
use crate::attachments::routes::{save, Upload};
use crate::calendar::WorkingCalendar;
use crate::clock::ManualClock;
use crate::db::schema::users;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::web::auth::CurrentUser;
use anyhow::anyhow;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use std::sync::Arc;

/// The seeding's own state, with the clock it moves, and the real `now`
/// that no step may reach.
pub(super) struct Stage {
    state: AppState,
    clock: ManualClock,
    pub now: DateTime<Utc>,
    pub calendar: WorkingCalendar,
}

impl Stage {
    /// A copy of `state` with its own clock, starting at the real `now`.
    pub async fn new(state: &AppState) -> AppResult<Stage> {
        let now = state.now();
        let clock = ManualClock::new(now);
        Ok(Stage {
            state: AppState {
                clock: Arc::new(clock.clone()),
                ..state.clone()
            },
            clock,
            now,
            calendar: crate::calendar::load(&state.db).await?,
        })
    }

    /// The state as it is, for the steps that take their moment themselves.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The services' state with its clock at `t`, which must be in the past.
    pub fn at(&self, t: DateTime<Utc>) -> AppResult<&AppState> {
        if t >= self.now {
            return Err(AppError::Internal(anyhow!(
                "a demo step at {t} would lie in the future"
            )));
        }
        self.clock.set(t);
        Ok(&self.state)
    }

    /// `hour` o'clock (China time), `n` working days after `date`.
    pub fn after(&self, date: NaiveDate, n: u32, hour: u32) -> DateTime<Utc> {
        at(self.calendar.add_working_days(date, n), hour)
    }

    pub fn date(t: DateTime<Utc>) -> NaiveDate {
        WorkingCalendar::local_date(t)
    }
}

/// The people who act in every story.
pub(super) struct People {
    pub applicant: CurrentUser,
    pub admin: CurrentUser,
}

pub(super) fn acting_as(conn: &mut DbConnection, filter: UserFilter) -> AppResult<CurrentUser> {
    let query = users::table.select(UserRow::as_select());
    let user = match filter {
        UserFilter::Name(name) => query.filter(users::username.eq(name)).first(conn),
        UserFilter::Id(id) => query.filter(users::id.eq(id)).first(conn),
    }
    .optional()?
    .ok_or_else(|| AppError::Internal(anyhow!("a demo user is missing")))?;
    Ok(CurrentUser::acting_as(user))
}

pub(super) enum UserFilter {
    Name(&'static str),
    Id(i64),
}

/// A one-page PDF uploaded by `user` at the stage's current moment.
pub(super) async fn upload(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    lines: &[&str],
) -> AppResult<i64> {
    let upload = Upload {
        file_name: name.to_owned(),
        bytes: documents::pdf(lines),
    };
    Ok(save(state, user.user.id, upload).await?.id)
}
