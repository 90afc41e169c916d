//! Failed logins kept per user name — registered or not — so that the
//! slow-down and the lock behave the same for every name and never tell
//! which ones exist. The rules are in `rules::LoginThrottle`.

use super::rules::{FailureRecord, LoginThrottle};
use crate::db::schema::login_throttles;
use crate::db::DbConnection;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

/// Rows untouched this long, and not locked, are forgotten.
const FORGET_AFTER_HOURS: i64 = 24;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThrottleState {
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
}

pub fn state_of(conn: &mut DbConnection, username: &str) -> QueryResult<ThrottleState> {
    let row: Option<(i32, Option<NaiveDateTime>)> = login_throttles::table
        .filter(login_throttles::username.eq(username))
        .select((
            login_throttles::failed_logins,
            login_throttles::locked_until,
        ))
        .first(conn)
        .optional()?;
    Ok(row
        .map(|(failed_logins, locked_until)| ThrottleState {
            failed_logins,
            locked_until,
        })
        .unwrap_or_default())
}

/// Counts one more failure from the state in this transaction; locks when due.
pub fn record_failure(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    rules: &LoginThrottle,
    username: &str,
) -> QueryResult<FailureRecord> {
    let current = state_of(conn, username)?;
    let live = rules.live_failures(current.failed_logins, current.locked_until, now);
    let record = rules.after_failure(live, now);
    let updated =
        diesel::update(login_throttles::table.filter(login_throttles::username.eq(username)))
            .set((
                login_throttles::failed_logins.eq(record.failed_logins),
                login_throttles::locked_until.eq(record.locked_until),
                login_throttles::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_throttles::table)
            .values((
                login_throttles::username.eq(username),
                login_throttles::failed_logins.eq(record.failed_logins),
                login_throttles::locked_until.eq(record.locked_until),
                login_throttles::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    forget_stale(conn, now)?;
    Ok(record)
}

/// A successful login, or an administrator's unlock, starts afresh.
pub fn clear(conn: &mut DbConnection, username: &str) -> QueryResult<()> {
    diesel::delete(login_throttles::table.filter(login_throttles::username.eq(username)))
        .execute(conn)?;
    Ok(())
}

/// Names whose locks are live now, for the administrators' user list.
pub fn locked_names(conn: &mut DbConnection, now: DateTime<Utc>) -> QueryResult<Vec<String>> {
    login_throttles::table
        .filter(login_throttles::locked_until.gt(now.naive_utc()))
        .select(login_throttles::username)
        .load(conn)
}

/// Keeps the table small when many unknown names are tried.
fn forget_stale(conn: &mut DbConnection, now: DateTime<Utc>) -> QueryResult<()> {
    let cutoff = (now - Duration::hours(FORGET_AFTER_HOURS)).naive_utc();
    diesel::delete(
        login_throttles::table
            .filter(login_throttles::updated_at.lt(cutoff))
            .filter(
                login_throttles::locked_until
                    .is_null()
                    .or(login_throttles::locked_until.lt(now.naive_utc())),
            ),
    )
    .execute(conn)?;
    Ok(())
}
