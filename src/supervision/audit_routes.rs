//! The audit trail's API: the events (administrators) and the chain's head
//! (anyone: the public can check that the trail it is shown has not changed).

use super::audit_browser::{self, AuditEventView, AuditQuery, PER_PAGE};
use super::audit_head::{self, HeadEnvelope};
use crate::accounts::views::ListMeta;
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use axum::extract::{Query, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AuditEventList {
    pub events: Vec<AuditEventView>,
    pub meta: ListMeta,
}

/// `meta` of a page of events; `next_page` keeps the filters.
pub fn meta(query: &AuditQuery, page: i64, total: i64, path: &str) -> ListMeta {
    let next_page = (page.saturating_mul(PER_PAGE) < total).then(|| {
        let mut pairs = query.pairs();
        pairs.push(("page", (page + 1).to_string()));
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    });
    ListMeta { total, next_page }
}

/// Audit events, newest first, 50 a page, filtered by entity, actor and time (admin).
#[utoipa::path(get, path = "/api/v1/audit/events", tag = "supervision", params(AuditQuery),
    responses((status = 200, body = AuditEventList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AuditQuery>,
) -> AppResult<Json<AuditEventList>> {
    user.require(&[Role::Admin])?;
    let filter = query.parse()?;
    let page = filter.page;
    let (events, total) = state
        .db
        .run(move |conn| audit_browser::events(conn, &filter))
        .await?;
    Ok(Json(AuditEventList {
        meta: meta(&query, page, total, "/api/v1/audit/events"),
        events,
    }))
}

/// The audit chain's head and whether the chain verifies (public). The
/// events after the last verified point are checked on each call.
#[utoipa::path(get, path = "/api/v1/audit/head", tag = "supervision",
    responses((status = 200, body = HeadEnvelope)))]
pub async fn head(State(state): State<AppState>) -> AppResult<Json<HeadEnvelope>> {
    let now = state.now();
    let head = state
        .db
        .run(move |conn| audit_head::head(conn, now, false))
        .await?;
    Ok(Json(HeadEnvelope { head }))
}
