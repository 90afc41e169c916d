//! The contracts API.

use super::complaints::{self, ComplaintDecision, ComplaintEnvelope, ComplaintInput};
use super::deliveries::{self, AcceptanceInput, DeliveryEnvelope, DeliveryInput};
use super::evaluations::{self, EvaluationEnvelope, EvaluationInput, EvaluationList, ReplyInput};
use super::service::{self, AmendmentInput, ContractInput, DecisionInput};
use super::stoppages::{self, StoppageDecision, StoppageEnvelope, StoppageInput};
use super::views::{AmendmentEnvelope, ContractEnvelope};
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Record the contract of an awarded project (either party), or record it again after it was returned.
#[utoipa::path(post, path = "/api/v1/projects/{id}/contract", tag = "contracts", request_body = ContractInput,
    params(("id" = i64, Path, description = "Project id")),
    responses((status = 201, body = ContractEnvelope), (status = 200, body = ContractEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ContractInput>,
) -> AppResult<(StatusCode, Json<ContractEnvelope>)> {
    let (created, contract) = service::record_contract(&state, &user, id, input).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(ContractEnvelope { contract })))
}

/// One contract: its two parties and administrators.
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts", params(("id" = i64, Path, description = "Contract id")),
    responses((status = 200, body = ContractEnvelope), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ContractEnvelope>> {
    let contract = service::find(&state, &user, id).await?;
    Ok(Json(ContractEnvelope { contract }))
}

/// The other party confirms the contract (`accept: true`) or returns it with a reason.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/confirmation", tag = "contracts", request_body = DecisionInput,
    params(("id" = i64, Path, description = "Contract id")),
    responses((status = 200, body = ContractEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> AppResult<Json<ContractEnvelope>> {
    let contract = service::decide_contract(&state, &user, id, input).await?;
    Ok(Json(ContractEnvelope { contract }))
}

/// Propose an amendment (延期 or a lower amount) to a confirmed contract.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/amendments", tag = "contracts", request_body = AmendmentInput,
    params(("id" = i64, Path, description = "Contract id")),
    responses((status = 201, body = AmendmentEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn amend(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AmendmentInput>,
) -> AppResult<(StatusCode, Json<AmendmentEnvelope>)> {
    let amendment = service::propose_amendment(&state, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(AmendmentEnvelope { amendment })))
}

/// The other party confirms an amendment (it takes effect) or returns it with a reason.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/amendments/{amendment}/confirmation", tag = "contracts", request_body = DecisionInput,
    params(("id" = i64, Path, description = "Contract id"), ("amendment" = i64, Path, description = "Amendment id")),
    responses((status = 200, body = ContractEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide_amendment(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, amendment)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> AppResult<Json<ContractEnvelope>> {
    let contract = service::decide_amendment(&state, &user, id, amendment, input).await?;
    Ok(Json(ContractEnvelope { contract }))
}

/// The agency hands in its deliverables (files and a summary) under a confirmed contract.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/deliveries", tag = "contracts", request_body = DeliveryInput,
    params(("id" = i64, Path, description = "Contract id")),
    responses((status = 201, body = DeliveryEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn deliver(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DeliveryInput>,
) -> AppResult<(StatusCode, Json<DeliveryEnvelope>)> {
    let delivery = deliveries::submit(&state, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(DeliveryEnvelope { delivery })))
}

/// The applicant accepts the deliverables (验收) or returns them with reasons.
#[utoipa::path(post, path = "/api/v1/deliveries/{id}/acceptance", tag = "contracts", request_body = AcceptanceInput,
    params(("id" = i64, Path, description = "Delivery id")),
    responses((status = 200, body = DeliveryEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AcceptanceInput>,
) -> AppResult<Json<DeliveryEnvelope>> {
    let delivery = deliveries::decide(&state, &user, id, input).await?;
    Ok(Json(DeliveryEnvelope { delivery }))
}

/// The applicant evaluates the service (1–5 for quality, timeliness, fees, attitude) within 10 working days of acceptance.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/evaluation", tag = "contracts", request_body = EvaluationInput,
    params(("id" = i64, Path, description = "Contract id")),
    responses((status = 201, body = EvaluationEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn evaluate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<EvaluationInput>,
) -> AppResult<(StatusCode, Json<EvaluationEnvelope>)> {
    let evaluation = evaluations::evaluate(&state, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(EvaluationEnvelope { evaluation })))
}

/// The agency replies to its evaluation, once.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/reply", tag = "contracts", request_body = ReplyInput,
    params(("id" = i64, Path, description = "Evaluation id")),
    responses((status = 200, body = EvaluationEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reply(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ReplyInput>,
) -> AppResult<Json<EvaluationEnvelope>> {
    let evaluation = evaluations::reply(&state, &user, id, input).await?;
    Ok(Json(EvaluationEnvelope { evaluation }))
}

/// An agency's public evaluations: those whose window has ended, with comments and replies.
#[utoipa::path(get, path = "/api/v1/agencies/{id}/evaluations", tag = "contracts",
    params(("id" = i64, Path, description = "Agency id")),
    responses((status = 200, body = EvaluationList), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn agency_evaluations(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<EvaluationList>> {
    Ok(Json(evaluations::public_of_agency(&state, id).await?))
}

/// The applicant complains about the agency's performance under the contract.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/complaints", tag = "contracts", request_body = ComplaintInput,
    params(("id" = i64, Path, description = "Contract id")),
    responses((status = 201, body = ComplaintEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn complain(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ComplaintInput>,
) -> AppResult<(StatusCode, Json<ComplaintEnvelope>)> {
    let complaint = complaints::file(&state, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(ComplaintEnvelope { complaint })))
}

/// An administrator upholds (查实) or dismisses a complaint with a written answer.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/decision", tag = "contracts", request_body = ComplaintDecision,
    params(("id" = i64, Path, description = "Complaint id")),
    responses((status = 200, body = ComplaintEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide_complaint(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ComplaintDecision>,
) -> AppResult<Json<ComplaintEnvelope>> {
    let complaint = complaints::decide(&state, &user, id, input).await?;
    Ok(Json(ComplaintEnvelope { complaint }))
}

/// 服务中止, resumption or termination: a party proposes it (the other confirms), an administrator decides it at once.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/stoppages", tag = "contracts", request_body = StoppageInput,
    params(("id" = i64, Path, description = "Contract id")),
    responses((status = 201, body = StoppageEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn stop(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<StoppageInput>,
) -> AppResult<(StatusCode, Json<StoppageEnvelope>)> {
    let stoppage = stoppages::propose(&state, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(StoppageEnvelope { stoppage })))
}

/// The other party agrees to a proposed stoppage (it applies) or refuses it.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/stoppages/{stoppage}/confirmation", tag = "contracts", request_body = StoppageDecision,
    params(("id" = i64, Path, description = "Contract id"), ("stoppage" = i64, Path, description = "Stoppage id")),
    responses((status = 200, body = StoppageEnvelope), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide_stoppage(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, stoppage)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<StoppageDecision>,
) -> AppResult<Json<StoppageEnvelope>> {
    let stoppage = stoppages::decide(&state, &user, id, stoppage, input).await?;
    Ok(Json(StoppageEnvelope { stoppage }))
}
