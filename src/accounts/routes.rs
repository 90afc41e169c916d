//! The accounts API: register, log in and out, who am I, API tokens.

use super::rules::RegistrationInput;
use super::views::*;
use super::{service, sessions, tokens};
use crate::app::AppState;
use crate::error::{AppError, AppResult, Problem};
use crate::web::auth::{Credential, CurrentUser};
use crate::web::extract::{ApiJson, ApiPath};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

pub fn session_cookie(state: &AppState, secret: String) -> Cookie<'static> {
    Cookie::build((sessions::COOKIE, secret))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .path("/")
        .build()
}

pub fn removal_cookie() -> Cookie<'static> {
    Cookie::build((sessions::COOKIE, "")).path("/").build()
}

/// Register as applicant (项目业主) or agency user.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts",
    request_body = RegistrationInput,
    responses(
        (status = 201, body = UserEnvelope),
        (status = 422, description = "Invalid input; the fields at fault are listed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<RegistrationInput>,
) -> AppResult<impl IntoResponse> {
    let user = service::register(&state, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserEnvelope {
            user: (&user).into(),
        }),
    ))
}

/// Log in: sets the session cookie and answers with the CSRF token.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, body = SessionEnvelope),
        (status = 401, description = "Wrong user name or password, or locked", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    ApiJson(input): ApiJson<LoginRequest>,
) -> AppResult<impl IntoResponse> {
    let logged_in = service::login(&state, &input.username, &input.password).await?;
    let jar = jar.add(session_cookie(&state, logged_in.session.secret.clone()));
    Ok((
        jar,
        Json(SessionEnvelope {
            session: SessionView {
                csrf_token: logged_in.session.csrf_token,
                expires_at: logged_in.session.expires_at,
                user: (&logged_in.user).into(),
            },
        }),
    ))
}

/// Log out: ends the session on the server.
#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "accounts",
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> AppResult<impl IntoResponse> {
    end_session(&state, &user).await?;
    Ok((jar.remove(removal_cookie()), StatusCode::NO_CONTENT))
}

pub async fn end_session(state: &AppState, user: &CurrentUser) -> AppResult<()> {
    match user.credential {
        Credential::Session { id, .. } => {
            state.db.run(move |conn| sessions::delete(conn, id)).await
        }
        Credential::Token { .. } | Credential::Command => Err(AppError::conflict(
            "API 令牌没有会话可退出；如需停用请吊销令牌。",
            "A bearer token has no session to end; revoke the token instead.",
        )),
    }
}

/// The caller.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = UserEnvelope), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(user: CurrentUser) -> Json<UserEnvelope> {
    Json(UserEnvelope {
        user: (&user.user).into(),
    })
}

/// Change the caller's password; every other session of the caller ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts",
    request_body = ChangePasswordRequest,
    responses((status = 204), (status = 422, description = "Wrong current password or a refused new one", body = Problem, content_type = "application/problem+json")))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ChangePasswordRequest>,
) -> AppResult<StatusCode> {
    service::change_password(
        &state,
        &user.user,
        user.session_id(),
        &input.current_password,
        &input.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create a personal API token; its secret is shown only in this answer.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts",
    request_body = CreateTokenRequest,
    responses((status = 201, body = CreatedTokenEnvelope), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<CreateTokenRequest>,
) -> AppResult<impl IntoResponse> {
    let created = tokens::create(&state, &user.user, &input.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenEnvelope {
            token: CreatedTokenView {
                id: created.row.id,
                name: created.row.name,
                secret: created.secret,
            },
        }),
    ))
}

/// The caller's live tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = TokenList), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_tokens(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<TokenList>> {
    let rows = tokens::list(&state, user.user.id).await?;
    Ok(Json(TokenList {
        meta: ListMeta {
            total: rows.len() as i64,
            next_page: None,
        },
        tokens: rows.iter().map(TokenView::from).collect(),
    }))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    tokens::revoke(&state, &user.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An administrator lifts a login lock.
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "accounts",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn unlock_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    user.require(&[super::Role::Admin])?;
    service::unlock(
        &state,
        crate::supervision::Actor::user(user.user.id, &user.user.username),
        id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
