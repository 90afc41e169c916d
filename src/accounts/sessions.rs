//! Server-side sessions: a random token in an HttpOnly cookie, only its hash in
//! the database, an idle and an absolute expiry, and a CSRF token per session.

use super::model::{SessionRow, UserRow};
use super::secrets;
use crate::config::Settings;
use crate::db::schema::{sessions, users};
use crate::db::DbConnection;
use crate::error::AppResult;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

pub const COOKIE: &str = "zj_session";

/// A session just opened: `secret` goes into the cookie and nowhere else.
pub struct NewSession {
    pub id: i64,
    pub secret: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

pub fn create(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    user_id: i64,
    settings: &Settings,
) -> AppResult<NewSession> {
    let secret = secrets::new_secret("");
    let csrf_token = secrets::new_secret("");
    let expires_at = now + settings.session_lifetime;
    let id: i64 = diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user_id),
            sessions::token_hash.eq(secrets::hash_secret(&secret)),
            sessions::csrf_token.eq(&csrf_token),
            sessions::created_at.eq(now.naive_utc()),
            sessions::last_seen_at.eq(now.naive_utc()),
            sessions::expires_at.eq(expires_at.naive_utc()),
        ))
        .returning(sessions::id)
        .get_result(conn)?;
    Ok(NewSession {
        id,
        secret,
        csrf_token,
        expires_at,
    })
}

/// The live session behind a cookie value, with its user. Touches
/// `last_seen_at` at most once a minute to keep the idle expiry cheap.
pub fn find_live(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    secret: &str,
    idle: Duration,
) -> AppResult<Option<(SessionRow, UserRow)>> {
    let found: Option<(SessionRow, UserRow)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(secrets::hash_secret(secret)))
        .select((SessionRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()?;
    let Some((session, user)) = found else {
        return Ok(None);
    };
    let now_naive = now.naive_utc();
    if session.expires_at <= now_naive || session.last_seen_at + idle <= now_naive {
        diesel::delete(sessions::table.find(session.id)).execute(conn)?;
        return Ok(None);
    }
    if now_naive - session.last_seen_at >= Duration::minutes(1) {
        diesel::update(sessions::table.find(session.id))
            .set(sessions::last_seen_at.eq(now_naive))
            .execute(conn)?;
    }
    Ok(Some((session, user)))
}

pub fn delete(conn: &mut DbConnection, session_id: i64) -> AppResult<()> {
    diesel::delete(sessions::table.find(session_id)).execute(conn)?;
    Ok(())
}

/// Ends every session of a user but `keep`; returns how many ended.
pub fn delete_others(conn: &mut DbConnection, user_id: i64, keep: Option<i64>) -> AppResult<usize> {
    let ended = diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep.unwrap_or(-1))),
    )
    .execute(conn)?;
    Ok(ended)
}
