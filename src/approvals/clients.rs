//! Machine clients such as the provincial approval system: a name, scopes and
//! a bearer token (`zjc_…`), made on the command line. A client is not a
//! user: its token opens only the endpoints that accept its scopes, and a
//! user's token never carries a client's scopes — so neither can act as the
//! other.

use crate::accounts::secrets;
use crate::app::AppState;
use crate::db::schema::api_clients;
use crate::db::{Db, DbConnection};
use crate::error::{AppError, AppResult};
use crate::web::auth::CurrentUser;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

/// Machine tokens carry this prefix, so the server knows where to look them up.
pub const PREFIX: &str = "zjc_";

/// Read the approval record of any investment project.
pub const READ: &str = "approvals:read";
/// Create and update investment projects and their departments' states.
pub const WRITE: &str = "approvals:write";
pub const SCOPES: [&str; 2] = [READ, WRITE];

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = api_clients)]
pub struct ClientRow {
    pub id: i64,
    pub name: String,
    pub scopes: String,
    pub token_hash: String,
    pub created_at: chrono::NaiveDateTime,
    pub last_used_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

impl ClientRow {
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.split_whitespace().any(|s| s == scope)
    }
}

/// The scopes asked for, checked against the known ones (pure).
pub fn parse_scopes(asked: &[String]) -> Result<String, String> {
    let mut scopes: Vec<&str> = Vec::new();
    for scope in asked.iter().flat_map(|s| s.split([',', ' '])) {
        let scope = scope.trim();
        if scope.is_empty() {
            continue;
        }
        if !SCOPES.contains(&scope) {
            return Err(format!(
                "未知的权限范围 {scope}，可选：{} (unknown scope)",
                SCOPES.join("、")
            ));
        }
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err("至少需要一个权限范围 (at least one scope)".into());
    }
    Ok(scopes.join(" "))
}

/// Makes a client; returns it and its token, shown this once.
pub fn create(
    db: &Db,
    now: DateTime<Utc>,
    name: &str,
    scopes: &str,
) -> AppResult<(ClientRow, String)> {
    let token = secrets::new_secret(PREFIX);
    let hash = secrets::hash_secret(&token);
    let (name, scopes) = (name.to_owned(), scopes.to_owned());
    let row = db.write_now(move |conn| {
        let id: i64 = diesel::insert_into(api_clients::table)
            .values((
                api_clients::name.eq(&name),
                api_clients::scopes.eq(&scopes),
                api_clients::token_hash.eq(&hash),
                api_clients::created_at.eq(now.naive_utc()),
            ))
            .returning(api_clients::id)
            .get_result(conn)?;
        crate::supervision::audit::record(
            conn,
            now,
            &crate::supervision::Actor::command_line(),
            crate::supervision::Event {
                action: "client.created",
                entity_type: "api_client",
                entity_id: id.to_string(),
                detail: serde_json::json!({ "name": name, "scopes": scopes }),
            },
        )?;
        Ok(api_clients::table
            .find(id)
            .select(ClientRow::as_select())
            .first(conn)?)
    })?;
    Ok((row, token))
}

fn authenticate(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    token: &str,
) -> AppResult<Option<ClientRow>> {
    let found = api_clients::table
        .filter(api_clients::token_hash.eq(secrets::hash_secret(token)))
        .filter(api_clients::revoked_at.is_null())
        .select(ClientRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(client) = &found {
        // Written at most once a minute: reads stay reads.
        if client
            .last_used_at
            .is_none_or(|used| now.naive_utc() - used >= Duration::minutes(1))
        {
            diesel::update(api_clients::table.find(client.id))
                .set(api_clients::last_used_at.eq(now.naive_utc()))
                .execute(conn)?;
        }
    }
    Ok(found)
}

/// Who calls an endpoint of the approval record: a machine client or a person.
#[derive(Clone)]
pub enum Caller {
    Client(ClientRow),
    User(CurrentUser),
}

impl Caller {
    /// A client needs the scope; a person passes to the endpoint's own checks.
    pub fn require_scope(&self, scope: &str) -> AppResult<()> {
        match self {
            Caller::Client(c) if !c.has(scope) => Err(AppError::Forbidden),
            _ => Ok(()),
        }
    }

    pub fn user(&self) -> Option<&CurrentUser> {
        match self {
            Caller::User(u) => Some(u),
            Caller::Client(_) => None,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user()
            .is_some_and(|u| u.role() == crate::accounts::Role::Admin)
    }

    pub fn actor(&self) -> crate::supervision::Actor {
        match self {
            Caller::Client(c) => crate::supervision::Actor::client(&c.name),
            Caller::User(u) => crate::supervision::Actor::user(u.user.id, &u.user.username),
        }
    }
}

fn machine_token(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    token.starts_with(PREFIX).then(|| token.to_owned())
}

async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Option<Caller>, AppError> {
    if let Some(token) = machine_token(parts) {
        let now = state.now();
        let client = state
            .db
            .run(move |conn| authenticate(conn, now, &token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        return Ok(Some(Caller::Client(client)));
    }
    let user =
        <CurrentUser as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state)
            .await?;
    Ok(user.map(Caller::User))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        resolve(parts, state)
            .await?
            .ok_or(AppError::Unauthenticated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_the_known_ones_once_each() {
        assert_eq!(
            parse_scopes(&[
                "approvals:read,approvals:write".into(),
                "approvals:read".into()
            ]),
            Ok("approvals:read approvals:write".into())
        );
        assert!(parse_scopes(&["projects:write".into()]).is_err());
        assert!(parse_scopes(&[]).is_err());
    }
}
