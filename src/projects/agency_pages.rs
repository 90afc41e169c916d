//! The agency's forms on a project's page: sign up, change or withdraw
//! before the deadline, confirm or abandon the selection, object during
//! publicity. Each sends the agency back to the project's page.

use super::actions::{self, ConfirmationRequest};
use super::input::parse_hundredths;
use super::objections::{self, ObjectionInput};
use super::pages::{back_to, renamed, render_detail, Shown};
use super::rules::SignupStatus;
use super::signups::{self, SignupInput};
use super::views::SignupView;
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::offerings::pages::parse_yuan;
use crate::web::csrf::CsrfForm;
use crate::web::pages::Page;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

/// The agency's sign-up as typed: a quote in yuan or a rate in percent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    pub quote_yuan: String,
    pub quote_rate_percent: String,
    pub promised_days: String,
}

impl SignupForm {
    pub fn from_view(s: Option<&SignupView>, fixed_price: bool) -> Self {
        let Some(s) = s.filter(|s| s.status != SignupStatus::Withdrawn.as_str()) else {
            return SignupForm::default();
        };
        SignupForm {
            quote_yuan: match (fixed_price, s.quote_fen) {
                (false, Some(fen)) => super::form::yuan_value(fen),
                _ => String::new(),
            },
            quote_rate_percent: s
                .quote_rate_bp
                .map(super::form::percent_value)
                .unwrap_or_default(),
            promised_days: s.promised_days.to_string(),
        }
    }

    fn to_input(&self) -> Result<SignupInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let quote_fen = match self.quote_yuan.trim() {
            "" => None,
            text => parse_yuan(text).or_else(|| {
                errors.push(FieldError::new(
                    "quote_fen",
                    "请填写报价金额（元，数字，最多两位小数）。",
                    "Enter the quote in yuan with at most two decimals.",
                ));
                None
            }),
        };
        let quote_rate_bp = match self.quote_rate_percent.trim().trim_end_matches('%') {
            "" => None,
            text => parse_hundredths(text)
                .and_then(|v| i32::try_from(v).ok())
                .or_else(|| {
                    errors.push(FieldError::new(
                        "quote_rate_bp",
                        "请填写下浮率（百分比，数字，最多两位小数）。",
                        "Enter the discount rate in percent with at most two decimals.",
                    ));
                    None
                }),
        };
        let promised_days = match self.promised_days.trim() {
            "" => None,
            text => text.parse::<i32>().ok().or_else(|| {
                errors.push(FieldError::new(
                    "promised_days",
                    "承诺服务时限应为整数天数。",
                    "promised_days must be a whole number.",
                ));
                None
            }),
        };
        if errors.is_empty() {
            Ok(SignupInput {
                quote_fen,
                quote_rate_bp,
                promised_days,
            })
        } else {
            Err(errors)
        }
    }
}

/// Sign up, or change the caller's sign-up, before the deadline.
pub async fn sign_up(
    State(state): State<AppState>,
    page: Page,
    ip: crate::web::client_ip::ClientIp,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let result = match form.to_input() {
        Ok(input) => signups::sign_up(&state, &user, id, input, None, ip.0).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(back_to(id, "signed_up")),
        Err(AppError::Invalid(errors)) => {
            let shown = Shown {
                signup: Some(form),
                ..Shown::errors(errors)
            };
            render_detail(&state, &page, id, shown).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
pub struct EmptyForm {}

pub async fn withdraw(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    signups::withdraw(&state, &user, id).await?;
    Ok(back_to(id, "withdrawn"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    accept: String,
    reason: String,
}

/// The selected agency accepts, or abandons with a reason.
pub async fn confirm(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let accept = match form.accept.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    let request = ConfirmationRequest {
        accept,
        reason: Some(form.reason),
    };
    match actions::confirm(&state, &user, id, request).await {
        Ok(_) => Ok(back_to(
            id,
            if accept == Some(true) {
                "confirmed"
            } else {
                "abandoned"
            },
        )),
        Err(AppError::Invalid(errors)) => {
            let errors = renamed(errors, "reason", "confirm_reason");
            render_detail(&state, &page, id, Shown::errors(errors)).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ObjectionForm {
    reason: String,
}

/// A participant objects to the result during publicity.
pub async fn object(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ObjectionForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let input = ObjectionInput {
        reason: Some(form.reason),
        attachment_ids: Vec::new(),
    };
    match objections::file(&state, &user, id, input).await {
        Ok(_) => Ok(back_to(id, "objected")),
        Err(AppError::Invalid(errors)) => {
            let errors = renamed(errors, "reason", "objection_reason");
            render_detail(&state, &page, id, Shown::errors(errors)).await
        }
        Err(other) => Err(other),
    }
}
