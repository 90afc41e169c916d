//! The forms of a contract's page. Each turns what was typed into the API's
//! input, calls the same service as the API, and sends the reader back to the
//! contract — or shows the page again with the errors next to the form.

use super::complaints::{self, ComplaintDecision, ComplaintInput};
use super::deliveries::{self, AcceptanceInput, DeliveryInput};
use super::evaluations::{self, EvaluationInput, ReplyInput};
use super::pages::{back_to, of_form, render, Shown, Typed};
use super::service::{self, AmendmentInput, DecisionInput};
use super::stoppages::{self, StoppageDecision, StoppageInput};
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::offerings::pages::parse_yuan;
use crate::web::csrf::{CsrfForm, CsrfMultipart};
use crate::web::pages::Page;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

/// Deliverables handed in through the page at once.
pub const MAX_DELIVERY_FILES: usize = 5;

/// Where a form's result leads: back to the contract, or the page again with its errors.
async fn answer<T>(
    state: &AppState,
    page: &Page,
    contract_id: i64,
    form: &str,
    typed: Typed,
    result: AppResult<T>,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(back_to(contract_id, done)),
        Err(AppError::Invalid(errors)) => {
            let shown = Shown {
                errors: crate::projects::form::in_yuan(of_form(errors, form)),
                typed,
                notice: "",
            };
            render(
                state,
                page,
                contract_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// Accept or return, with a reason when returning.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    reason: String,
}

impl DecisionForm {
    fn accept(&self) -> Option<bool> {
        match self.decision.as_str() {
            "accept" => Some(true),
            "return" => Some(false),
            _ => None,
        }
    }

    /// Every decision must say which way it goes; the service checks the rest.
    fn decided(&self) -> AppResult<bool> {
        self.accept().ok_or_else(|| {
            AppError::invalid(
                "accept",
                "请选择确认或退回。",
                "Choose to confirm or to return.",
            )
        })
    }

    fn reason(&self) -> Option<String> {
        Some(self.reason.clone()).filter(|r| !r.trim().is_empty())
    }

    fn typed(&self, form: &str) -> Typed {
        Typed::of(form, &[("reason", &self.reason)])
    }
}

/// The other party confirms or returns the contract.
pub async fn confirm_contract(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let result = match form.decided() {
        Err(e) => Err(e),
        Ok(accept) => {
            let input = DecisionInput {
                accept: Some(accept),
                reason: form.reason(),
            };
            service::decide_contract(&state, &user, id, input).await
        }
    };
    let done = if form.accept() == Some(true) {
        "confirmed"
    } else {
        "returned"
    };
    answer(
        &state,
        &page,
        id,
        "contract",
        form.typed("contract"),
        result,
        done,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AmendmentForm {
    kind: String,
    new_end_date: String,
    new_amount_yuan: String,
    reason: String,
}

/// A party proposes an amendment: 延期 or a new amount.
pub async fn amend(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AmendmentForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let typed = Typed::of(
        "amendment",
        &[
            ("kind", &form.kind),
            ("new_end_date", &form.new_end_date),
            ("new_amount_yuan", &form.new_amount_yuan),
            ("reason", &form.reason),
        ],
    );
    let mut errors = Vec::new();
    let new_end_date = match form.new_end_date.trim() {
        "" => None,
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .or_else(|| {
                errors.push(FieldError::new(
                    "new_end_date",
                    "请填写新的服务截止日期。",
                    "Enter the new end date.",
                ));
                None
            }),
    };
    let new_amount_fen = match form.new_amount_yuan.trim() {
        "" => None,
        text => parse_yuan(text).or_else(|| {
            errors.push(FieldError::new(
                "new_amount_fen",
                "请填写新的合同金额（元，数字，最多两位小数）。",
                "Enter the new amount in yuan with at most two decimals.",
            ));
            None
        }),
    };
    let result = if errors.is_empty() {
        let input = AmendmentInput {
            kind: Some(form.kind.clone()).filter(|k| !k.is_empty()),
            new_end_date,
            new_amount_fen,
            reason: Some(form.reason.clone()),
        };
        service::propose_amendment(&state, &user, id, input).await
    } else {
        Err(AppError::Invalid(errors))
    };
    answer(&state, &page, id, "amendment", typed, result, "amendment").await
}

/// The other party confirms or returns an amendment.
pub async fn decide_amendment(
    State(state): State<AppState>,
    page: Page,
    Path((id, amendment)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let result = match form.decided() {
        Err(e) => Err(e),
        Ok(accept) => {
            let input = DecisionInput {
                accept: Some(accept),
                reason: form.reason(),
            };
            service::decide_amendment(&state, &user, id, amendment, input).await
        }
    };
    let typed = form.typed("amendment_decision");
    answer(
        &state,
        &page,
        id,
        "amendment_decision",
        typed,
        result,
        "amendment_decided",
    )
    .await
}

/// The agency hands in its deliverables: a summary and up to five files.
pub async fn deliver(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    form: CsrfMultipart,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let summary = form.field("summary");
    let typed = Typed::of("delivery", &[("summary", &summary)]);
    let refusal = if form.uploads.is_empty() {
        Some(FieldError::new(
            "attachment_ids",
            "请上传服务成果文件（PDF、JPEG 或 PNG）。",
            "Upload the deliverables (PDF, JPEG or PNG).",
        ))
    } else if form.uploads.len() > MAX_DELIVERY_FILES {
        Some(FieldError::new(
            "attachment_ids",
            "一次最多上传 5 个文件；更多成果请合并为一个 PDF。",
            "At most 5 files at once; merge more into one PDF.",
        ))
    } else if summary.chars().count() < 2 {
        // Checked before the files are stored, so a refused form leaves none behind.
        Some(FieldError::new(
            "summary",
            "请填写成果说明。",
            "summary is required.",
        ))
    } else {
        None
    };
    let result = match refusal {
        Some(error) => Err(AppError::Invalid(vec![error])),
        None => {
            let mut attachment_ids = Vec::new();
            let mut failed = None;
            for upload in form.uploads {
                match crate::attachments::routes::save(&state, user.user.id, upload).await {
                    Ok(saved) => attachment_ids.push(saved.id),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            match failed {
                Some(AppError::Invalid(errors)) => Err(AppError::Invalid(
                    errors
                        .into_iter()
                        .map(|e| FieldError {
                            field: "attachment_ids".into(),
                            ..e
                        })
                        .collect(),
                )),
                Some(other) => Err(other),
                None => {
                    let input = DeliveryInput {
                        summary: Some(summary),
                        attachment_ids,
                    };
                    deliveries::submit(&state, &user, id, input).await
                }
            }
        }
    };
    answer(&state, &page, id, "delivery", typed, result, "delivered").await
}

/// The applicant accepts (验收) or returns a delivery.
pub async fn accept_delivery(
    State(state): State<AppState>,
    page: Page,
    Path((id, delivery)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let result = match form.decided() {
        Err(e) => Err(e),
        Ok(accept) => {
            let input = AcceptanceInput {
                accept: Some(accept),
                reason: form.reason(),
            };
            // The service checks that the caller is the applicant of the delivery's contract.
            deliveries::decide(&state, &user, delivery, input).await
        }
    };
    let done = if form.accept() == Some(true) {
        "accepted"
    } else {
        "delivery_returned"
    };
    answer(
        &state,
        &page,
        id,
        "acceptance",
        form.typed("acceptance"),
        result,
        done,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StoppageForm {
    action: String,
    reason: String,
}

/// A party proposes 服务中止, 恢复 or 终止; an administrator decides it at once.
pub async fn stop(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<StoppageForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let typed = Typed::of(
        "stoppage",
        &[("action", &form.action), ("reason", &form.reason)],
    );
    let input = StoppageInput {
        action: Some(form.action.clone()).filter(|a| !a.is_empty()),
        reason: Some(form.reason.clone()),
    };
    let result = stoppages::propose(&state, &user, id, input).await;
    let done = match &result {
        Ok(s) if s.status == "proposed" => "stoppage",
        _ => "stopped",
    };
    answer(&state, &page, id, "stoppage", typed, result, done).await
}

/// The other party confirms or refuses a proposed stoppage.
pub async fn decide_stoppage(
    State(state): State<AppState>,
    page: Page,
    Path((id, stoppage)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let result = match form.decided() {
        Err(e) => Err(e),
        Ok(accept) => {
            let input = StoppageDecision {
                accept: Some(accept),
            };
            stoppages::decide(&state, &user, id, stoppage, input).await
        }
    };
    let typed = form.typed("stoppage_decision");
    answer(
        &state,
        &page,
        id,
        "stoppage_decision",
        typed,
        result,
        "stoppage_decided",
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EvaluationForm {
    quality: String,
    timeliness: String,
    fees: String,
    attitude: String,
    comment: String,
}

/// The applicant rates the service, 1–5 on each of the four counts.
pub async fn evaluate(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<EvaluationForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let typed = Typed::of(
        "evaluation",
        &[
            ("quality", &form.quality),
            ("timeliness", &form.timeliness),
            ("fees", &form.fees),
            ("attitude", &form.attitude),
            ("comment", &form.comment),
        ],
    );
    // A rating that is not a number is missing; the rules say so, naming it.
    let rating = |text: &str| text.trim().parse::<i32>().ok();
    let input = EvaluationInput {
        quality: rating(&form.quality),
        timeliness: rating(&form.timeliness),
        fees: rating(&form.fees),
        attitude: rating(&form.attitude),
        comment: form.comment.clone(),
    };
    let result = evaluations::evaluate(&state, &user, id, input).await;
    answer(&state, &page, id, "evaluation", typed, result, "evaluated").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    reply: String,
}

/// The agency replies to its evaluation, once.
pub async fn reply(
    State(state): State<AppState>,
    page: Page,
    Path((id, evaluation)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let typed = Typed::of("reply", &[("reply", &form.reply)]);
    let input = ReplyInput {
        reply: Some(form.reply.clone()),
    };
    let result = evaluations::reply(&state, &user, evaluation, input).await;
    answer(&state, &page, id, "reply", typed, result, "replied").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ComplaintForm {
    reason: String,
}

/// The applicant complains about the agency's performance.
pub async fn complain(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ComplaintForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let typed = Typed::of("complaint", &[("reason", &form.reason)]);
    let input = ComplaintInput {
        reason: Some(form.reason.clone()),
    };
    let result = complaints::file(&state, &user, id, input).await;
    answer(&state, &page, id, "complaint", typed, result, "complained").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ComplaintDecisionForm {
    decision: String,
    answer: String,
}

/// An administrator upholds or dismisses a complaint, with a written answer.
pub async fn decide_complaint(
    State(state): State<AppState>,
    page: Page,
    Path((id, complaint)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<ComplaintDecisionForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let form_name = format!("complaint_{complaint}");
    let typed = Typed::of(&form_name, &[("answer", &form.answer)]);
    let input = ComplaintDecision {
        decision: Some(form.decision.clone()).filter(|d| !d.is_empty()),
        answer: Some(form.answer.clone()),
    };
    let result = complaints::decide(&state, &user, complaint, input).await;
    answer(
        &state,
        &page,
        id,
        &form_name,
        typed,
        result,
        "complaint_decided",
    )
    .await
}
