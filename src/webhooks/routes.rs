//! The webhook API, for administrators.

use super::endpoints::{
    self, DeliveryEnvelope, DeliveryList, EndpointCreated, EndpointInput, EndpointList,
    EndpointView,
};
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Register an endpoint; the answer carries its signing secret, once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = EndpointInput,
    responses((status = 201, body = EndpointCreated), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<EndpointInput>,
) -> AppResult<(StatusCode, Json<EndpointCreated>)> {
    Ok((
        StatusCode::CREATED,
        Json(endpoints::create(&state, &user, input).await?),
    ))
}

/// The registered endpoints.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = EndpointList), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<EndpointList>> {
    Ok(Json(endpoints::list(&state, &user).await?))
}

/// Stop sending to an endpoint.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path, description = "Endpoint id")),
    responses((status = 200, body = EndpointView), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<EndpointView>> {
    Ok(Json(endpoints::disable(&state, &user, id).await?))
}

/// An endpoint's delivery log, newest first.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = i64, Path, description = "Endpoint id")),
    responses((status = 200, body = DeliveryList), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<DeliveryList>> {
    Ok(Json(endpoints::deliveries(&state, &user, id).await?))
}

/// Send a delivery again (delivered, pending or given up).
#[utoipa::path(post, path = "/api/v1/webhook-deliveries/{id}/replay", tag = "webhooks", params(("id" = i64, Path, description = "Delivery id")),
    responses((status = 200, body = DeliveryEnvelope), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn replay(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<DeliveryEnvelope>> {
    let delivery = endpoints::replay(&state, &user, id).await?;
    Ok(Json(DeliveryEnvelope { delivery }))
}
