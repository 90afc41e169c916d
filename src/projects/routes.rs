//! The projects API: drafting, publication and review, sealed sign-ups,
//! selection and its verification data, confirmation, objections, cancellation.

use super::actions::{self, ConfirmationRequest, SelectionRequest};
use super::input::ProjectInput;
use super::objections::{self, DecisionInput, ObjectionInput};
use super::present;
use super::service::{self, CancelRequest, ProjectFilter, ReviewRequest};
use super::signups::{self, SignupInput};
use super::views::{DrawView, ObjectionEnvelope, ProjectEnvelope, ProjectList, SignupEnvelope};
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use crate::web::paging::Paging;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;

/// Draft a project (采购项目). Applicants only; the platform assigns its number.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectInput,
    responses((status = 201, body = ProjectEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ProjectInput>,
) -> AppResult<(StatusCode, Json<ProjectEnvelope>)> {
    let project = service::create(&state, &user, input).await?;
    Ok((StatusCode::CREATED, Json(ProjectEnvelope { project })))
}

/// Announcements: published projects for everyone; `mine=true` lists the caller's own, drafts included.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ProjectFilter, Paging),
    responses((status = 200, body = ProjectList), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(filter): Query<ProjectFilter>,
    Query(paging): Query<Paging>,
) -> AppResult<Json<ProjectList>> {
    Ok(Json(service::list_for(&state, user, filter, paging).await?))
}

/// One project. Sign-ups and quotes appear only once the sign-up deadline has passed.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = i64, Path, description = "Project id")),
    responses((status = 200, body = ProjectEnvelope), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ProjectEnvelope>> {
    let project = service::find(&state, user, id).await?;
    Ok(Json(ProjectEnvelope { project }))
}

/// Edit a draft, a returned project, or a failed one before publishing it again.
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "projects", request_body = ProjectInput, params(("id" = i64, Path, description = "Project id")),
    responses((status = 200, body = ProjectEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProjectInput>,
) -> AppResult<Json<ProjectEnvelope>> {
    let project = service::update(&state, &user, id, input).await?;
    Ok(Json(ProjectEnvelope { project }))
}

/// Submit for publication: to review when the centre reviews projects, else published at once.
#[utoipa::path(post, path = "/api/v1/projects/{id}/publish", tag = "projects", params(("id" = i64, Path, description = "Project id")),
    responses((status = 200, body = ProjectEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ProjectEnvelope>> {
    let project = service::submit(&state, &user, id).await?;
    Ok(Json(ProjectEnvelope { project }))
}

/// Review a submitted project (admin): `approve` publishes it, `return` sends it back with a reason.
#[utoipa::path(post, path = "/api/v1/projects/{id}/review", tag = "projects", request_body = ReviewRequest, params(("id" = i64, Path, description = "Project id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<ReviewRequest>,
) -> AppResult<Json<ProjectEnvelope>> {
    let project = service::review(&state, &user, id, request).await?;
    Ok(Json(ProjectEnvelope { project }))
}

/// Sign up, or change the caller's sign-up, before the deadline (agencies). Send an
/// `Idempotency-Key` header so a retried request never signs up twice.
#[utoipa::path(post, path = "/api/v1/projects/{id}/signups", tag = "projects", request_body = SignupInput,
    params(("id" = i64, Path, description = "Project id"), ("Idempotency-Key" = Option<String>, Header, description = "Repeats of a request with the same key get the first answer")),
    responses((status = 201, body = SignupEnvelope), (status = 200, body = SignupEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn sign_up(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ip: crate::web::client_ip::ClientIp,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<SignupInput>,
) -> AppResult<(StatusCode, Json<SignupEnvelope>)> {
    let key = signups::check_key(headers.get("idempotency-key").map(|v| v.as_bytes()))?;
    let (status, signup) = signups::sign_up(&state, &user, id, input, key, ip.0).await?;
    Ok((status, Json(SignupEnvelope { signup })))
}

/// Withdraw the caller's sign-up before the deadline.
#[utoipa::path(delete, path = "/api/v1/projects/{id}/signups/mine", tag = "projects", params(("id" = i64, Path, description = "Project id")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    signups::withdraw(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Run the selection (applicant or admin). Random draws, bidding and scoring run by
/// themselves at the selection time and may be started here once sign-ups closed; direct
/// selection names a sign-up with a reason.
#[utoipa::path(post, path = "/api/v1/projects/{id}/selection", tag = "projects", request_body = SelectionRequest, params(("id" = i64, Path, description = "Project id")),
    responses((status = 200, body = ProjectEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn select(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<SelectionRequest>,
) -> AppResult<Json<ProjectEnvelope>> {
    let project = actions::select(&state, &user, id, request).await?;
    Ok(Json(ProjectEnvelope { project }))
}

/// The data to recompute the selection: commitment, secret, every sign-up's value, ticket and rank. Public once it ran.
#[utoipa::path(get, path = "/api/v1/projects/{id}/draw", tag = "projects", params(("id" = i64, Path, description = "Project id")),
    responses((status = 200, body = DrawView), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn draw(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<DrawView>> {
    let view = state
        .db
        .run(move |conn| {
            let loaded = service::load(conn, id)?;
            present::draw_view(conn, &loaded)
        })
        .await?;
    Ok(Json(view))
}

/// The selected agency confirms or abandons, before its deadline.
#[utoipa::path(post, path = "/api/v1/projects/{id}/confirmation", tag = "projects", request_body = ConfirmationRequest, params(("id" = i64, Path, description = "Project id")),
    responses((status = 200, body = ProjectEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<ConfirmationRequest>,
) -> AppResult<Json<ProjectEnvelope>> {
    let project = actions::confirm(&state, &user, id, request).await?;
    Ok(Json(ProjectEnvelope { project }))
}

/// Object to the selection result during publicity (participants of the round).
#[utoipa::path(post, path = "/api/v1/projects/{id}/objections", tag = "projects", request_body = ObjectionInput, params(("id" = i64, Path, description = "Project id")),
    responses((status = 201, body = ObjectionEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn object(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ObjectionInput>,
) -> AppResult<(StatusCode, Json<ObjectionEnvelope>)> {
    let objection = objections::file(&state, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(ObjectionEnvelope { objection })))
}

/// Decide an objection (admin): uphold (redo the selection or cancel) or dismiss, with a written answer.
#[utoipa::path(post, path = "/api/v1/objections/{id}/decision", tag = "projects", request_body = DecisionInput, params(("id" = i64, Path, description = "Objection id")),
    responses((status = 200, body = ObjectionEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> AppResult<Json<ObjectionEnvelope>> {
    let objection = objections::decide(&state, &user, id, input).await?;
    Ok(Json(ObjectionEnvelope { objection }))
}

/// End the project (终止) with a reason, before the award (the applicant).
#[utoipa::path(post, path = "/api/v1/projects/{id}/cancel", tag = "projects", request_body = CancelRequest, params(("id" = i64, Path, description = "Project id")),
    responses((status = 200, body = ProjectEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<CancelRequest>,
) -> AppResult<Json<ProjectEnvelope>> {
    let project = service::cancel(&state, &user, id, request).await?;
    Ok(Json(ProjectEnvelope { project }))
}
