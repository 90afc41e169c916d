//! Who is calling: a bearer API token, or the session cookie. Resolved once per
//! request and cached in its extensions; `CurrentUser` requires a user,
//! `Option<CurrentUser>` does not.

use super::csrf;
use crate::accounts::model::UserRow;
use crate::accounts::{sessions, tokens, Role};
use crate::app::AppState;
use crate::error::AppError;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum_extra::extract::cookie::CookieJar;

#[derive(Clone, Debug)]
pub enum Credential {
    Session {
        id: i64,
        csrf_token: String,
    },
    Token {
        id: i64,
    },
    /// No request at all: the binary acts for a user it loaded itself (the
    /// demo seeding walks its projects through the services this way).
    Command,
}

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: UserRow,
    pub credential: Credential,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.user.role()
    }

    /// The session this request came with, if it came with one.
    pub fn session_id(&self) -> Option<i64> {
        match self.credential {
            Credential::Session { id, .. } => Some(id),
            Credential::Token { .. } | Credential::Command => None,
        }
    }

    /// The user as the binary acts for them outside any request.
    pub fn acting_as(user: UserRow) -> CurrentUser {
        CurrentUser {
            user,
            credential: Credential::Command,
        }
    }

    /// Deny unless the caller has one of these roles.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role()) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

#[derive(Clone)]
struct Resolved(Option<CurrentUser>);

fn bearer(parts: &Parts) -> Option<Result<String, AppError>> {
    let value = parts.headers.get(header::AUTHORIZATION)?;
    let text = value.to_str().unwrap_or("");
    Some(match text.strip_prefix("Bearer ") {
        Some(secret) if !secret.trim().is_empty() => Ok(secret.trim().to_owned()),
        _ => Err(AppError::Unauthenticated),
    })
}

/// The caller, if any. A wrong bearer token is an error, not an anonymous visit.
pub async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    if let Some(Resolved(cached)) = parts.extensions.get::<Resolved>() {
        return Ok(cached.clone());
    }
    let now = state.now();
    let found = if let Some(secret) = bearer(parts) {
        let secret = secret?;
        let found = state
            .db
            .run(move |conn| tokens::authenticate(conn, now, &secret))
            .await?;
        match found {
            Some((token, user)) => Some(CurrentUser {
                user,
                credential: Credential::Token { id: token.id },
            }),
            None => return Err(AppError::Unauthenticated),
        }
    } else {
        let jar = CookieJar::from_headers(&parts.headers);
        match jar.get(sessions::COOKIE).map(|c| c.value().to_owned()) {
            Some(secret) if !secret.is_empty() => {
                let idle = state.settings.session_idle;
                state
                    .db
                    .run(move |conn| sessions::find_live(conn, now, &secret, idle))
                    .await?
                    .map(|(session, user)| CurrentUser {
                        user,
                        credential: Credential::Session {
                            id: session.id,
                            csrf_token: session.csrf_token,
                        },
                    })
            }
            _ => None,
        }
    };
    parts.extensions.insert(Resolved(found.clone()));
    Ok(found)
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// JSON requests authenticated by the cookie must prove they come from our pages.
fn check_api_csrf(parts: &Parts, user: &CurrentUser) -> Result<(), AppError> {
    if parts.uri.path().starts_with("/api/") && changes_state(&parts.method) {
        csrf::check_header(parts, user)?;
    }
    Ok(())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = resolve(parts, state)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        check_api_csrf(parts, &user)?;
        Ok(user)
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        let user = resolve(parts, state).await?;
        if let Some(user) = &user {
            check_api_csrf(parts, user)?;
        }
        Ok(user)
    }
}
