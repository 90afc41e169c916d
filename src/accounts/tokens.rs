//! Personal API tokens for machine clients (`Authorization: Bearer`): shown
//! once at creation, stored as a hash, named, revocable, last use recorded.

use super::model::{ApiTokenRow, UserRow};
use super::secrets;
use crate::app::AppState;
use crate::db::schema::{api_tokens, users};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::{journal, Actor, Event, Publish};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde_json::json;

/// Every secret starts so, which makes leaked tokens easy to find in logs and code.
pub const PREFIX: &str = "zj_";
/// A user may keep this many live tokens.
pub const MAX_LIVE_TOKENS: i64 = 50;

pub struct CreatedToken {
    pub row: ApiTokenRow,
    pub secret: String,
}

pub fn validate_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FieldError::new(
            "name",
            "请填写令牌名称（不超过100个字）。",
            "The token name is required and must have at most 100 characters.",
        ));
    }
    Ok(name.to_owned())
}

pub async fn create(state: &AppState, actor: &UserRow, raw_name: &str) -> AppResult<CreatedToken> {
    let name = validate_name(raw_name).map_err(|e| AppError::Invalid(vec![e]))?;
    let now = state.now();
    let (user_id, username) = (actor.id, actor.username.clone());
    state
        .db
        .write(move |conn| {
            let live: i64 = api_tokens::table
                .filter(api_tokens::user_id.eq(user_id))
                .filter(api_tokens::revoked_at.is_null())
                .count()
                .get_result(conn)?;
            if live >= MAX_LIVE_TOKENS {
                return Err(AppError::conflict(
                    "有效令牌数量已达上限（50个），请先吊销不用的令牌。",
                    "You already have 50 live tokens; revoke one first.",
                ));
            }
            let secret = secrets::new_secret(PREFIX);
            let id: i64 = diesel::insert_into(api_tokens::table)
                .values((
                    api_tokens::user_id.eq(user_id),
                    api_tokens::name.eq(&name),
                    api_tokens::token_hash.eq(secrets::hash_secret(&secret)),
                    api_tokens::created_at.eq(now.naive_utc()),
                ))
                .returning(api_tokens::id)
                .get_result(conn)?;
            journal(
                conn,
                now,
                &Actor::user(user_id, &username),
                Event {
                    action: "api_token.created",
                    entity_type: "api_token",
                    entity_id: id.to_string(),
                    detail: json!({ "name": name }),
                },
                Publish::No,
            )?;
            let row = api_tokens::table
                .find(id)
                .select(ApiTokenRow::as_select())
                .first(conn)?;
            Ok(CreatedToken { row, secret })
        })
        .await
}

pub async fn list(state: &AppState, user_id: i64) -> AppResult<Vec<ApiTokenRow>> {
    state
        .db
        .run(move |conn| {
            Ok(api_tokens::table
                .filter(api_tokens::user_id.eq(user_id))
                .filter(api_tokens::revoked_at.is_null())
                .order(api_tokens::id.desc())
                .select(ApiTokenRow::as_select())
                .load(conn)?)
        })
        .await
}

/// Revokes one of the user's own tokens. Another user's token is "not found",
/// so ids reveal nothing.
pub async fn revoke(state: &AppState, actor: &UserRow, token_id: i64) -> AppResult<()> {
    let now = state.now();
    let (user_id, username) = (actor.id, actor.username.clone());
    state
        .db
        .write(move |conn| {
            let updated = diesel::update(
                api_tokens::table
                    .filter(api_tokens::id.eq(token_id))
                    .filter(api_tokens::user_id.eq(user_id))
                    .filter(api_tokens::revoked_at.is_null()),
            )
            .set(api_tokens::revoked_at.eq(now.naive_utc()))
            .execute(conn)?;
            if updated == 0 {
                return Err(AppError::NotFound);
            }
            journal(
                conn,
                now,
                &Actor::user(user_id, &username),
                Event {
                    action: "api_token.revoked",
                    entity_type: "api_token",
                    entity_id: token_id.to_string(),
                    detail: json!({}),
                },
                Publish::No,
            )?;
            Ok(())
        })
        .await
}

/// The user behind a bearer secret, if the token is live.
pub fn authenticate(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    secret: &str,
) -> AppResult<Option<(ApiTokenRow, UserRow)>> {
    let found: Option<(ApiTokenRow, UserRow)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(secrets::hash_secret(secret)))
        .filter(api_tokens::revoked_at.is_null())
        .select((ApiTokenRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()?;
    if let Some((token, _)) = &found {
        let stale = token
            .last_used_at
            .is_none_or(|used| now.naive_utc() - used >= Duration::minutes(1));
        if stale {
            diesel::update(api_tokens::table.find(token.id))
                .set(api_tokens::last_used_at.eq(now.naive_utc()))
                .execute(conn)?;
        }
    }
    Ok(found)
}
