//! The offerings API.

use super::rules::OfferingInput;
use super::service::{self, OfferingFilter};
use super::views::{OfferingEnvelope, OfferingList};
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use crate::web::paging::Paging;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;

/// Live offerings, filtered by item, agency or region.
#[utoipa::path(get, path = "/api/v1/offerings", tag = "offerings", params(OfferingFilter, Paging),
    responses((status = 200, body = OfferingList)))]
pub async fn list(
    State(state): State<AppState>,
    Query(filter): Query<OfferingFilter>,
    Query(paging): Query<Paging>,
) -> AppResult<Json<OfferingList>> {
    let now = state.now();
    let query = [
        (
            "service_item",
            filter
                .service_item
                .map(|i| i.to_string())
                .unwrap_or_default(),
        ),
        (
            "agency",
            filter.agency.map(|i| i.to_string()).unwrap_or_default(),
        ),
        ("region", filter.region.clone().unwrap_or_default()),
    ];
    let (offerings, total) = state
        .db
        .run(move |conn| service::list_live_page(conn, &filter, &paging, now))
        .await?;
    Ok(Json(OfferingList {
        meta: paging.meta(total, "/api/v1/offerings", &query),
        offerings,
    }))
}

/// Create an offering for the caller's agency (a draft unless `status` is `published`).
#[utoipa::path(post, path = "/api/v1/offerings", tag = "offerings", request_body = OfferingInput,
    responses((status = 201, body = OfferingEnvelope), (status = 422, description = "Invalid, or refused publication with the reason", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<OfferingInput>,
) -> AppResult<(StatusCode, Json<OfferingEnvelope>)> {
    let offering = service::save(&state, &user, None, input).await?;
    Ok((StatusCode::CREATED, Json(OfferingEnvelope { offering })))
}

/// Edit, publish (`"status": "published"`) or withdraw an offering of the caller's agency.
#[utoipa::path(patch, path = "/api/v1/offerings/{id}", tag = "offerings", request_body = OfferingInput,
    params(("id" = i64, Path, description = "Offering id")),
    responses((status = 200, body = OfferingEnvelope), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<OfferingInput>,
) -> AppResult<Json<OfferingEnvelope>> {
    let offering = service::save(&state, &user, Some(id), input).await?;
    Ok(Json(OfferingEnvelope { offering }))
}

/// One offering: live ones for everyone; any for its agency and administrators.
#[utoipa::path(get, path = "/api/v1/offerings/{id}", tag = "offerings",
    params(("id" = i64, Path, description = "Offering id")),
    responses((status = 200, body = OfferingEnvelope), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<OfferingEnvelope>> {
    let now = state.now();
    let offering = state
        .db
        .run(move |conn| service::find(conn, id, user.as_ref(), now))
        .await?;
    Ok(Json(OfferingEnvelope { offering }))
}
