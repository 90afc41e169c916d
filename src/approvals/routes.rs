//! The approval record's API, for the approval system (a machine client with
//! a scoped token), administrators and the applicants concerned.

use super::clients::Caller;
use super::record;
use super::rules::InvestmentProjectInput;
use super::service::{self, LinkInput, StateInput};
use super::views::{ApprovalItemEnvelope, ApprovalRecordEnvelope, InvestmentProjectEnvelope};
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// An investment project: the approval system (`approvals:read`), admins, and its applicants.
#[utoipa::path(get, path = "/api/v1/investment-projects/{code}", tag = "approvals",
    params(("code" = String, Path, description = "投资项目代码")),
    responses((status = 200, body = InvestmentProjectEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
) -> AppResult<Json<InvestmentProjectEnvelope>> {
    let investment_project = record::find(&state, &caller, &code).await?;
    Ok(Json(InvestmentProjectEnvelope { investment_project }))
}

/// Its approval record: each approval item, its state and the intermediary steps it waits for.
#[utoipa::path(get, path = "/api/v1/investment-projects/{code}/approval-record", tag = "approvals",
    params(("code" = String, Path, description = "投资项目代码")),
    responses((status = 200, body = ApprovalRecordEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn approval_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
) -> AppResult<Json<ApprovalRecordEnvelope>> {
    let approval_record = record::record(&state, &caller, &code).await?;
    Ok(Json(ApprovalRecordEnvelope { approval_record }))
}

/// Create or update an investment project and the approval items it needs (`approvals:write`, admins).
#[utoipa::path(put, path = "/api/v1/investment-projects/{code}", tag = "approvals", request_body = InvestmentProjectInput,
    params(("code" = String, Path, description = "投资项目代码")),
    responses((status = 201, body = ApprovalRecordEnvelope), (status = 200, body = ApprovalRecordEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<InvestmentProjectInput>,
) -> AppResult<(StatusCode, Json<ApprovalRecordEnvelope>)> {
    let (created, approval_record) = service::put(&state, &caller, &code, input).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(ApprovalRecordEnvelope { approval_record })))
}

/// The department's state of one approval item (`approvals:write`, admins).
#[utoipa::path(patch, path = "/api/v1/investment-projects/{code}/approval-items/{item}", tag = "approvals", request_body = StateInput,
    params(("code" = String, Path, description = "投资项目代码"), ("item" = String, Path, description = "Approval item code, e.g. SP05")),
    responses((status = 200, body = ApprovalItemEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_state(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((code, item)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<StateInput>,
) -> AppResult<Json<ApprovalItemEnvelope>> {
    let approval_item = service::set_state(&state, &caller, &code, &item, input).await?;
    Ok(Json(ApprovalItemEnvelope { approval_item }))
}

/// The applicant links one of their marketplace projects to an open step by hand.
#[utoipa::path(post, path = "/api/v1/investment-projects/{code}/steps/{step}/link", tag = "approvals", request_body = LinkInput,
    params(("code" = String, Path, description = "投资项目代码"), ("step" = i64, Path, description = "Step id")),
    responses((status = 200, body = ApprovalRecordEnvelope), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn link(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((code, step)): ApiPath<(String, i64)>,
    ApiJson(input): ApiJson<LinkInput>,
) -> AppResult<Json<ApprovalRecordEnvelope>> {
    let approval_record = service::link_by_hand(&state, &user, &code, step, input).await?;
    Ok(Json(ApprovalRecordEnvelope { approval_record }))
}
