//! The credit record's API: anyone reads an agency's score and history;
//! administrators record penalties and rewards with reasons and evidence
//! (a penalty that leaves the score below the threshold suspends the agency).

use super::credit::{self, CreditScore};
use super::{journal, Actor, Event, Publish};
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{agencies, attachments, credit_events};
use crate::error::{AppError, AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::{ApiJson, ApiPath};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CreditEnvelope {
    pub credit: CreditScore,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditEventInput {
    /// −30 (penalty) to +10 (reward), not 0.
    pub points: Option<i32>,
    pub reason: Option<String>,
    /// Evidence uploaded first through `POST /api/v1/attachments`.
    pub evidence_attachment_id: Option<i64>,
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
    user.require(&[Role::Admin])?;
    let points = match input.points {
        Some(p) if (-30..=10).contains(&p) && p != 0 => p,
        _ => {
            return Err(AppError::invalid(
                "points",
                "分值应在 −30 到 +10 之间，且不为 0。",
                "points must be −30 to +10 and not 0.",
            ))
        }
    };
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if !(4..=1000).contains(&reason.chars().count()) {
        return Err(AppError::invalid(
            "reason",
            "请填写理由（4–1000 字）。",
            "reason must have 4 to 1000 characters.",
        ));
    }
    let clock = state.clock.clone();
    let rules = state.settings.credit.clone();
    let actor = Actor::user(user.user.id, &user.user.username);
    let admin = user.user.id;
    let credit = state
        .db
        .write(move |conn| {
            let now = clock.now();
            let owner: i64 = agencies::table.find(id).select(agencies::owner_user_id).first(conn).optional()?.ok_or(AppError::NotFound)?;
            if let Some(evidence) = input.evidence_attachment_id {
                let exists: i64 = attachments::table.filter(attachments::id.eq(evidence)).count().get_result(conn)?;
                if exists == 0 {
                    return Err(AppError::invalid("evidence_attachment_id", "证据附件不存在。", "The evidence attachment does not exist."));
                }
            }
            diesel::insert_into(credit_events::table)
                .values((
                    credit_events::agency_id.eq(id),
                    credit_events::points.eq(points),
                    credit_events::reason.eq(&reason),
                    credit_events::evidence_attachment_id.eq(input.evidence_attachment_id),
                    credit_events::recorded_by.eq(admin),
                    credit_events::created_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            // The agency entity in the change log: search re-ranks its offerings.
            journal(
                conn,
                now,
                &actor,
                Event { action: "credit.recorded", entity_type: "agency", entity_id: id.to_string(), detail: json!({ "points": points, "reason": reason, "evidence_attachment_id": input.evidence_attachment_id }) },
                Publish::Yes,
            )?;
            crate::messages::send(conn, now, owner, "信用记录变更", &format!("管理员记录了贵机构的信用{}（{points:+} 分）：{reason}", if points < 0 { "扣分" } else { "加分" }), "/my/agency")?;
            let fact = credit::Fact::Adjustment { at: now.naive_utc(), points: i64::from(points), reason: reason.clone() };
            super::credit_rules::after_fact(conn, now, id, &fact, &rules)?;
            credit::score_of(conn, id, now)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(CreditEnvelope { credit })))
}
