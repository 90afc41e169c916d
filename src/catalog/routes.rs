//! The catalogue API: items and qualification types for everyone, edits for admins.

use super::rules::ItemPatch;
use super::service::{self, Include};
use super::views::*;
use crate::accounts::views::ListMeta;
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::supervision::Actor;
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ItemQuery {
    /// Administrators may ask for retired items too.
    #[serde(default)]
    pub include_retired: bool,
}

/// The catalogue of intermediary service items (中介服务事项清单).
#[utoipa::path(get, path = "/api/v1/service-items", tag = "catalog", params(ItemQuery),
    responses((status = 200, body = ServiceItemList)))]
pub async fn list(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(query): Query<ItemQuery>,
) -> AppResult<Json<ServiceItemList>> {
    let is_admin = user.is_some_and(|u| u.role() == Role::Admin);
    let include = if query.include_retired && is_admin {
        Include::Retired
    } else {
        Include::ActiveOnly
    };
    let items = state
        .db
        .run(move |conn| service::list_items(conn, include))
        .await?;
    Ok(Json(ServiceItemList {
        meta: ListMeta {
            total: items.len() as i64,
            next_page: None,
        },
        service_items: items,
    }))
}

/// One item with its 办事指南 and requirements (retired items stay readable).
#[utoipa::path(get, path = "/api/v1/service-items/{id}", tag = "catalog",
    params(("id" = i64, Path, description = "Item id")),
    responses((status = 200, body = ServiceItemEnvelope), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ServiceItemEnvelope>> {
    let item = state
        .db
        .run(move |conn| service::find_item(conn, id))
        .await?;
    Ok(Json(ServiceItemEnvelope { service_item: item }))
}

/// Add an item (admin).
#[utoipa::path(post, path = "/api/v1/service-items", tag = "catalog", request_body = ItemPatch,
    responses((status = 201, body = ServiceItemEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(patch): ApiJson<ItemPatch>,
) -> AppResult<(StatusCode, Json<ServiceItemEnvelope>)> {
    user.require(&[Role::Admin])?;
    let item = service::save_item(
        &state,
        Actor::user(user.user.id, &user.user.username),
        None,
        patch,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ServiceItemEnvelope { service_item: item }),
    ))
}

/// Edit or retire an item (admin). `requirements`, when given, replaces the list.
#[utoipa::path(patch, path = "/api/v1/service-items/{id}", tag = "catalog", request_body = ItemPatch,
    params(("id" = i64, Path, description = "Item id")),
    responses((status = 200, body = ServiceItemEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<ItemPatch>,
) -> AppResult<Json<ServiceItemEnvelope>> {
    user.require(&[Role::Admin])?;
    let item = service::save_item(
        &state,
        Actor::user(user.user.id, &user.user.username),
        Some(id),
        patch,
    )
    .await?;
    Ok(Json(ServiceItemEnvelope { service_item: item }))
}

/// The qualification types items may require.
#[utoipa::path(get, path = "/api/v1/qualification-types", tag = "catalog",
    responses((status = 200, body = QualificationTypeList)))]
pub async fn types(State(state): State<AppState>) -> AppResult<Json<QualificationTypeList>> {
    let types = state.db.run(service::list_types).await?;
    Ok(Json(QualificationTypeList {
        meta: ListMeta {
            total: types.len() as i64,
            next_page: None,
        },
        qualification_types: types,
    }))
}
