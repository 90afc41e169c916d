//! The agencies API: registration, review, qualifications, practitioners.

use super::qualifications::{self, PractitionerInput, QualificationInput, QualificationReview};
use super::rules::AgencyInput;
use super::service::{self, AgencyFilter, ReviewRequest, Viewer};
use super::views::{AgencyEnvelope, AgencyList, PractitionerEnvelope, QualificationEnvelope};
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use crate::web::paging::Paging;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;

/// Start the caller's agency registration (入驻申请, a draft). Agency users only.
#[utoipa::path(post, path = "/api/v1/agencies", tag = "agencies", request_body = AgencyInput,
    responses((status = 201, body = AgencyEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<AgencyInput>,
) -> AppResult<(StatusCode, Json<AgencyEnvelope>)> {
    let agency = service::create(&state, &user, input).await?;
    Ok((StatusCode::CREATED, Json(AgencyEnvelope { agency })))
}

/// The agency directory: admitted agencies; administrators may list any status.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "agencies", params(AgencyFilter, Paging),
    responses((status = 200, body = AgencyList), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(filter): Query<AgencyFilter>,
    Query(paging): Query<Paging>,
) -> AppResult<Json<AgencyList>> {
    let viewer = if user.is_some_and(|u| u.role() == Role::Admin) {
        Viewer::Admin
    } else {
        Viewer::Public
    };
    let now = state.now();
    let query = [
        ("region", filter.region.clone().unwrap_or_default()),
        (
            "service_item",
            filter
                .service_item
                .map(|i| i.to_string())
                .unwrap_or_default(),
        ),
        ("status", filter.status.clone().unwrap_or_default()),
    ];
    let (agencies, total) = state
        .db
        .run(move |conn| service::list(conn, &filter, viewer, now, &paging))
        .await?;
    Ok(Json(AgencyList {
        meta: paging.meta(total, "/api/v1/agencies", &query),
        agencies,
    }))
}

/// One agency: admitted ones for everyone; any for its owner and administrators.
#[utoipa::path(get, path = "/api/v1/agencies/{id}", tag = "agencies",
    params(("id" = i64, Path, description = "Agency id")),
    responses((status = 200, body = AgencyEnvelope), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<AgencyEnvelope>> {
    let now = state.now();
    let agency = state
        .db
        .run(move |conn| service::find(conn, id, user.as_ref(), now))
        .await?;
    Ok(Json(AgencyEnvelope { agency }))
}

/// Edit the caller's agency. Registration fields lock once submitted.
#[utoipa::path(patch, path = "/api/v1/agencies/{id}", tag = "agencies", request_body = AgencyInput,
    params(("id" = i64, Path, description = "Agency id")),
    responses((status = 200, body = AgencyEnvelope), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AgencyInput>,
) -> AppResult<Json<AgencyEnvelope>> {
    let agency = service::update(&state, &user, id, input).await?;
    Ok(Json(AgencyEnvelope { agency }))
}

/// Submit the caller's agency for review.
#[utoipa::path(post, path = "/api/v1/agencies/{id}/submit", tag = "agencies",
    params(("id" = i64, Path, description = "Agency id")),
    responses((status = 200, body = AgencyEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<AgencyEnvelope>> {
    let agency = service::submit(&state, &user, id).await?;
    Ok(Json(AgencyEnvelope { agency }))
}

/// Review an agency (admin): approve, return, suspend, reinstate or expel, with a reason.
#[utoipa::path(post, path = "/api/v1/agencies/{id}/review", tag = "agencies", request_body = ReviewRequest,
    params(("id" = i64, Path, description = "Agency id")),
    responses((status = 200, body = AgencyEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<ReviewRequest>,
) -> AppResult<Json<AgencyEnvelope>> {
    let agency = service::review(&state, &user, id, request).await?;
    Ok(Json(AgencyEnvelope { agency }))
}

/// Record a qualification of the caller's agency; an administrator verifies it.
#[utoipa::path(post, path = "/api/v1/agencies/{id}/qualifications", tag = "agencies", request_body = QualificationInput,
    params(("id" = i64, Path, description = "Agency id")),
    responses((status = 201, body = QualificationEnvelope), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_qualification(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<QualificationInput>,
) -> AppResult<(StatusCode, Json<QualificationEnvelope>)> {
    let qualification = qualifications::add(&state, &user, id, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(QualificationEnvelope { qualification }),
    ))
}

/// Verify, reject or revoke a qualification (admin).
#[utoipa::path(post, path = "/api/v1/qualifications/{id}/review", tag = "agencies", request_body = QualificationReview,
    params(("id" = i64, Path, description = "Qualification id")),
    responses((status = 200, body = QualificationEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn review_qualification(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<QualificationReview>,
) -> AppResult<Json<QualificationEnvelope>> {
    let qualification = qualifications::review(&state, &user, id, request).await?;
    Ok(Json(QualificationEnvelope { qualification }))
}

/// List a practitioner (执业人员) of the caller's agency.
#[utoipa::path(post, path = "/api/v1/agencies/{id}/practitioners", tag = "agencies", request_body = PractitionerInput,
    params(("id" = i64, Path, description = "Agency id")),
    responses((status = 201, body = PractitionerEnvelope), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_practitioner(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PractitionerInput>,
) -> AppResult<(StatusCode, Json<PractitionerEnvelope>)> {
    let practitioner = qualifications::add_practitioner(&state, &user, id, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(PractitionerEnvelope { practitioner }),
    ))
}
