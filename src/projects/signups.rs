//! Sealed sign-ups (报名): an eligible agency signs up with its quote before
//! the deadline, may change or withdraw it until then, and nothing is
//! accepted after it — the server's clock decides inside the write
//! transaction. The audit trail records only a hash of each sign-up until
//! the round opens, so no read path shows who signed up or for how much.

use super::eligibility;
use super::model::SignupRow;
use super::present;
use super::rules::{signups_open, SignupAction, SignupStatus};
use super::selection;
use super::service::{load, Loaded};
use super::views::SignupView;
use crate::accounts::secrets::random_bytes;
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{idempotency_keys, signups};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::supervision::{journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupInput {
    /// The quote in fen, for projects that take amount quotes.
    pub quote_fen: Option<i64>,
    /// The discount rate in basis points, for projects that take rate quotes.
    pub quote_rate_bp: Option<i32>,
    /// The service time the agency promises, in days; at most the project's limit.
    pub promised_days: Option<i32>,
}

/// The audit trail's actor for sealed acts: who it was is revealed when the round opens.
fn sealed_actor() -> Actor {
    Actor {
        user_id: None,
        label: "sealed".into(),
    }
}

/// A hash that binds a sign-up's content; its random draw value keeps it
/// from being guessed, and once the round opens anyone can check it.
pub fn seal(s: &SignupRow) -> String {
    let content = format!(
        "{}|{}|{}|{}|{}|{}|{}",
        s.id,
        s.agency_id,
        s.quote_fen.map(|q| q.to_string()).unwrap_or_default(),
        s.quote_rate_bp.map(|q| q.to_string()).unwrap_or_default(),
        s.promised_days,
        s.draw_value,
        s.status
    );
    hex::encode(Sha256::digest(content.as_bytes()))
}

fn closed() -> AppError {
    AppError::conflict(
        "报名已截止或项目不在报名阶段，不能报名、修改或撤回。",
        "Sign-ups are closed: nothing can be added, changed or withdrawn.",
    )
}

fn request_hash(project_id: i64, input: &SignupInput) -> String {
    let body = serde_json::to_string(input).unwrap_or_default();
    hex::encode(Sha256::digest(
        format!("POST /api/v1/projects/{project_id}/signups {body}").as_bytes(),
    ))
}

/// A stored answer to a request made with the same idempotency key.
fn replay(
    conn: &mut DbConnection,
    user_id: i64,
    key: &str,
    hash: &str,
) -> AppResult<Option<(StatusCode, SignupView)>> {
    let stored: Option<(String, i32, String)> = idempotency_keys::table
        .find((user_id, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status_code,
            idempotency_keys::body,
        ))
        .first(conn)
        .optional()?;
    let Some((stored_hash, status, body)) = stored else {
        return Ok(None);
    };
    if stored_hash != hash {
        return Err(AppError::invalid(
            "Idempotency-Key",
            "该幂等键已用于另一个不同的请求。",
            "This Idempotency-Key was used for a different request.",
        ));
    }
    let view: SignupView = serde_json::from_str(&body).map_err(|e| AppError::Internal(e.into()))?;
    let status =
        StatusCode::from_u16(u16::try_from(status).unwrap_or(200)).unwrap_or(StatusCode::OK);
    Ok(Some((status, view)))
}

/// An `Idempotency-Key` header: 1 to 200 visible ASCII characters.
pub fn check_key(header: Option<&[u8]>) -> AppResult<Option<String>> {
    let Some(bytes) = header else {
        return Ok(None);
    };
    let visible =
        (1..=200).contains(&bytes.len()) && bytes.iter().all(|b| (b'!'..=b'~').contains(b));
    match std::str::from_utf8(bytes) {
        Ok(key) if visible => Ok(Some(key.to_owned())),
        _ => Err(AppError::invalid(
            "Idempotency-Key",
            "幂等键应为 1–200 个可见 ASCII 字符（不含空格）。",
            "Idempotency-Key must be 1 to 200 visible ASCII characters, without spaces.",
        )),
    }
}

fn own_agency(
    conn: &mut DbConnection,
    user_id: i64,
) -> AppResult<crate::agencies::model::AgencyRow> {
    crate::agencies::service::row_of_owner(conn, user_id)?.ok_or_else(|| {
        AppError::conflict(
            "请先登记机构并通过入驻审核。",
            "Register your agency and have it admitted first.",
        )
    })
}

fn mine(
    conn: &mut DbConnection,
    loaded: &Loaded,
    agency_id: i64,
) -> QueryResult<Option<SignupRow>> {
    signups::table
        .filter(signups::project_id.eq(loaded.id()))
        .filter(signups::round.eq(loaded.state.round))
        .filter(signups::agency_id.eq(agency_id))
        .select(SignupRow::as_select())
        .first(conn)
        .optional()
}

fn record_sealed(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    action: &'static str,
    loaded: &Loaded,
    signup: &SignupRow,
) -> AppResult<()> {
    // The change log gets the project, whose public count changed; the audit
    // trail the sign-up's hash.
    journal(
        conn,
        now,
        &sealed_actor(),
        Event {
            action,
            entity_type: "project",
            entity_id: loaded.id().to_string(),
            detail: json!({ "round": loaded.state.round, "sealed": seal(signup) }),
        },
        Publish::Yes,
    )?;
    Ok(())
}

/// Signs up, or changes a sign-up, inside the caller's transaction.
pub fn sign_up_in(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    user_id: i64,
    project_id: i64,
    input: &SignupInput,
) -> AppResult<(StatusCode, SignupRow)> {
    let loaded = load(conn, project_id)?;
    if !loaded.is_public() {
        return Err(AppError::NotFound);
    }
    if !signups_open(loaded.status(), loaded.project.signup_deadline, now) {
        return Err(closed());
    }
    let agency = own_agency(conn, user_id)?;
    eligibility::require(conn, &loaded.project, agency.id, now)?;
    if let Err((field, zh, en)) = selection::check_quote(
        &loaded.project.price_terms(),
        input.quote_fen,
        input.quote_rate_bp,
    ) {
        return Err(AppError::Invalid(vec![crate::error::FieldError {
            field: field.into(),
            message_zh: zh,
            message_en: en,
        }]));
    }
    let promised = input.promised_days.unwrap_or(loaded.project.service_days);
    if !(1..=loaded.project.service_days).contains(&promised) {
        return Err(AppError::invalid(
            "promised_days",
            &format!("承诺服务时限应为 1–{} 天。", loaded.project.service_days),
            &format!(
                "promised_days must be 1 to {}.",
                loaded.project.service_days
            ),
        ));
    }
    let quote_fen = input.quote_fen.or(match loaded.project.price_terms() {
        selection::PriceTerms::Fixed { amount_fen } => Some(amount_fen),
        _ => None,
    });
    let (status, action) = match mine(conn, &loaded, agency.id)? {
        Some(existing) => {
            let action = if existing.status() == SignupStatus::Withdrawn {
                SignupAction::Renew
            } else {
                SignupAction::Change
            };
            if super::rules::next_signup_status(existing.status(), action).is_none() {
                return Err(closed());
            }
            let draw_value = if action == SignupAction::Renew {
                hex::encode(random_bytes())
            } else {
                existing.draw_value.clone()
            };
            diesel::update(signups::table.find(existing.id))
                .set((
                    signups::quote_fen.eq(quote_fen),
                    signups::quote_rate_bp.eq(input.quote_rate_bp),
                    signups::promised_days.eq(promised),
                    signups::draw_value.eq(draw_value),
                    signups::status.eq(SignupStatus::Active.as_str()),
                    signups::user_id.eq(user_id),
                    signups::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            (
                if action == SignupAction::Renew {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                },
                if action == SignupAction::Renew {
                    "signup.submitted"
                } else {
                    "signup.changed"
                },
            )
        }
        None => {
            diesel::insert_into(signups::table)
                .values((
                    signups::project_id.eq(loaded.id()),
                    signups::round.eq(loaded.state.round),
                    signups::agency_id.eq(agency.id),
                    signups::user_id.eq(user_id),
                    signups::quote_fen.eq(quote_fen),
                    signups::quote_rate_bp.eq(input.quote_rate_bp),
                    signups::promised_days.eq(promised),
                    signups::draw_value.eq(hex::encode(random_bytes())),
                    signups::status.eq(SignupStatus::Active.as_str()),
                    signups::created_at.eq(now.naive_utc()),
                    signups::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            (StatusCode::CREATED, "signup.submitted")
        }
    };
    let signup = mine(conn, &loaded, agency.id)?.ok_or(AppError::NotFound)?;
    record_sealed(conn, now, action, &loaded, &signup)?;
    if status == StatusCode::CREATED {
        crate::messages::send(
            conn,
            now,
            user_id,
            "报名成功",
            &format!(
                "贵机构已报名项目“{}”（{}）。截止前可修改或撤回。",
                loaded.project.title,
                loaded.number()
            ),
            &loaded.link(),
        )?;
    }
    Ok((status, signup))
}

/// Signs up, or changes the caller's sign-up, before the deadline.
pub async fn sign_up(
    state: &AppState,
    user: &CurrentUser,
    project_id: i64,
    input: SignupInput,
    key: Option<String>,
    ip: Option<String>,
) -> AppResult<(StatusCode, SignupView)> {
    user.require(&[Role::Agency])?;
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let user = user.clone();
    let hash = request_hash(project_id, &input);
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            if let Some(key) = &key {
                if let Some(answer) = replay(conn, user.user.id, key, &hash)? {
                    return Ok(answer);
                }
            }
            let (status, signup) = sign_up_in(conn, now, user.user.id, project_id, &input)?;
            // Where it came from, for the collusion signals once the round closes.
            diesel::update(signups::table.find(signup.id))
                .set(signups::ip_address.eq(&ip))
                .execute(conn)?;
            let view = present::signup_view(conn, &signup)?;
            if let Some(key) = &key {
                diesel::insert_into(idempotency_keys::table)
                    .values((
                        idempotency_keys::user_id.eq(user.user.id),
                        idempotency_keys::idem_key.eq(key),
                        idempotency_keys::request_hash.eq(&hash),
                        idempotency_keys::status_code.eq(i32::from(status.as_u16())),
                        idempotency_keys::body.eq(serde_json::to_string(&view)
                            .map_err(|e| AppError::Internal(e.into()))?),
                        idempotency_keys::created_at.eq(now.naive_utc()),
                    ))
                    .execute(conn)?;
            }
            Ok((status, view))
        })
        .await
}

/// Withdraws the caller's sign-up before the deadline.
pub async fn withdraw(state: &AppState, user: &CurrentUser, project_id: i64) -> AppResult<()> {
    user.require(&[Role::Agency])?;
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let loaded = load(conn, project_id)?;
            if !loaded.is_public() {
                return Err(AppError::NotFound);
            }
            if !signups_open(loaded.status(), loaded.project.signup_deadline, now) {
                return Err(closed());
            }
            let agency = own_agency(conn, user.user.id)?;
            let signup = mine(conn, &loaded, agency.id)?
                .filter(|s| s.status() == SignupStatus::Active)
                .ok_or(AppError::NotFound)?;
            super::selecting::move_signup(conn, now, &signup, SignupAction::Withdraw, None)?;
            let signup = mine(conn, &loaded, agency.id)?.ok_or(AppError::NotFound)?;
            record_sealed(conn, now, "signup.withdrawn", &loaded, &signup)?;
            Ok(())
        })
        .await
}

/// The caller's own sign-up in the current round, for the agency that made it.
pub fn own_signup(
    conn: &mut DbConnection,
    loaded: &Loaded,
    user: &CurrentUser,
) -> AppResult<Option<SignupRow>> {
    if user.role() != Role::Agency {
        return Ok(None);
    }
    match crate::agencies::service::row_of_owner(conn, user.user.id)? {
        Some(agency) => Ok(mine(conn, loaded, agency.id)?),
        None => Ok(None),
    }
}
