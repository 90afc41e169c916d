//! The credit record's API: anyone reads an agency's score and history;
//! administrators record penalties and rewards with reasons and evidence
//! (a penalty that leaves the score below the threshold suspends the agency).

use super::credit::{self, CreditScore};
use super::credit_events::{self, CreditEventInput};
use crate::app::AppState;
use crate::db::schema::agencies;
use crate::error::{AppError, AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CreditEnvelope {
    pub credit: CreditScore,
}

/// An agency's credit score and the history that explains every point.
#[utoipa::path(get, path = "/api/v1/agencies/{id}/credit", tag = "credit", params(("id" = i64, Path, description = "Agency id")),
    responses((status = 200, body = CreditEnvelope), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<CreditEnvelope>> {
    let now = state.now();
    let credit = state
        .db
        .run(move |conn| {
            let status: Option<String> = agencies::table
                .find(id)
                .select(agencies::status)
                .first(conn)
                .optional()?;
            // Drafts and applications in review are not public agencies yet.
            if !status.is_some_and(|s| ["admitted", "suspended", "expelled"].contains(&s.as_str()))
            {
                return Err(AppError::NotFound);
            }
            credit::score_of(conn, id, now)
        })
        .await?;
    Ok(Json(CreditEnvelope { credit }))
}

/// Record a penalty or a reward (admin), with its reason and evidence.
#[utoipa::path(post, path = "/api/v1/agencies/{id}/credit-events", tag = "credit", request_body = CreditEventInput,
    params(("id" = i64, Path, description = "Agency id")),
    responses((status = 201, body = CreditEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CreditEventInput>,
) -> AppResult<(StatusCode, Json<CreditEnvelope>)> {
    let credit = credit_events::record(&state, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(CreditEnvelope { credit })))
}
