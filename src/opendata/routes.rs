//! The open-data handlers: parse the window, read, render. No caller needed.

use super::ocds_types::ReleasePackage;
use super::views::{self, ChangeFeed};
use super::{service, window};
use crate::app::AppState;
use crate::error::{AppError, AppResult, Problem};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

/// `since` and `limit`, as the OpenAPI document describes them.
#[derive(Deserialize, IntoParams)]
#[allow(dead_code)]
pub struct WindowParams {
    /// The last change number already read (default 0): answers start after it.
    since: Option<i64>,
    /// How many changes to examine (feed) or releases to return (OCDS), 1–1000, default 100.
    limit: Option<i64>,
}

/// Reads the query by hand so that every malformed value is a 422 naming its
/// field; a repeated parameter counts once, first wins.
fn window_of(query: Option<String>) -> AppResult<window::Window> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    window::parse(first("since"), first("limit")).map_err(AppError::Invalid)
}

#[utoipa::path(get, path = "/api/v1/changes", tag = "opendata", params(WindowParams),
    responses((status = 200, body = ChangeFeed), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn changes(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> AppResult<Json<ChangeFeed>> {
    let window = window_of(query)?;
    let page = state
        .db
        .run(move |conn| Ok(service::feed_page(conn, window)?))
        .await?;
    Ok(Json(views::feed(page)))
}

#[utoipa::path(get, path = "/api/v1/ocds/releases", tag = "opendata", params(WindowParams),
    responses((status = 200, body = ReleasePackage, description = "An OCDS 1.1 release package"),
        (status = 204, description = "No release after `since` yet"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn releases(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let window = window_of(query)?;
    let prefix = state.settings.ocds_prefix.clone();
    let (releases, next_since) = state
        .db
        .run(move |conn| service::releases(conn, &prefix, window))
        .await?;
    // The schema wants at least one release in a package: nothing new is no package.
    if releases.is_empty() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let base = views::base_url(host, state.settings.secure_cookies);
    Ok(Json(views::package(&base, window, next_since, releases)).into_response())
}

#[utoipa::path(get, path = "/api/v1/ocds/publication-policy", tag = "opendata",
    responses((status = 200, description = "The publication policy, in Markdown", content_type = "text/markdown")))]
pub async fn publication_policy() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        include_str!("publication_policy.md"),
    )
}
