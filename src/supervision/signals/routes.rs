//! The signals API, for administrators.

use super::service::{self, ReviewInput, SignalList, SignalView};
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use axum::extract::State;
use axum::Json;

/// Every collusion and anomaly signal over the closed rounds, with its evidence and review.
#[utoipa::path(get, path = "/api/v1/supervision/signals", tag = "supervision",
    responses((status = 200, body = SignalList), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<SignalList>> {
    Ok(Json(service::list(&state, &user).await?))
}

/// Mark a signal reviewed with a note.
#[utoipa::path(post, path = "/api/v1/supervision/signals/{key}/review", tag = "supervision", request_body = ReviewInput,
    params(("key" = String, Path, description = "The signal's key")),
    responses((status = 200, body = SignalView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(key): ApiPath<String>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> AppResult<Json<SignalView>> {
    Ok(Json(service::review(&state, &user, &key, input).await?))
}
