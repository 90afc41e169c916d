//! 围标串标预警: the signals for administrators, each with its evidence and a
//! form to mark it reviewed.

use super::service::{self, ReviewInput, SignalView};
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::CsrfForm;
use crate::web::pages::{field_message, Layout, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "supervision/signals.html")]
struct SignalsPage {
    layout: Layout,
    signals: Vec<SignalView>,
    show_reviewed: bool,
    errors: Vec<FieldError>,
    failed_key: String,
    notice: bool,
}

impl SignalsPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        crate::projects::pages::time(t)
    }
    fn open_count(&self) -> usize {
        self.signals.iter().filter(|s| s.review.is_none()).count()
    }
    fn shown(&self, s: &SignalView) -> bool {
        self.show_reviewed || s.review.is_none()
    }
    fn error_for(&self, key: &str) -> String {
        if self.failed_key == key {
            field_message(&self.errors, "note")
        } else {
            String::new()
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignalsQuery {
    all: String,
    reviewed: String,
    /// `csv` or `xlsx` downloads every signal instead.
    format: Option<String>,
}

async fn render(
    state: &AppState,
    page: &Page,
    show_reviewed: bool,
    status: StatusCode,
    errors: Vec<FieldError>,
    failed_key: String,
    notice: bool,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let list = service::list(state, &user).await?;
    let template = SignalsPage {
        layout: page.layout("围标串标预警"),
        signals: list.signals,
        show_reviewed,
        errors,
        failed_key,
        notice,
    };
    Ok(page.render(status, &template))
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<SignalsQuery>,
) -> AppResult<Response> {
    if let Some(format) = crate::exports::Format::requested(query.format.as_deref())? {
        let user = page.require_user()?.clone();
        let list = service::list(&state, &user).await?;
        return Ok(download(format, &list.signals));
    }
    let all = query.all == "1";
    render(
        &state,
        &page,
        all,
        StatusCode::OK,
        Vec::new(),
        String::new(),
        query.reviewed == "1",
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    key: String,
    note: String,
}

pub async fn review(
    State(state): State<AppState>,
    page: Page,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let input = ReviewInput {
        note: Some(form.note.clone()),
    };
    match service::review(&state, &user, &form.key, input).await {
        Ok(_) => Ok(Redirect::to("/admin/supervision/signals?reviewed=1").into_response()),
        Err(AppError::Invalid(errors)) => {
            render(
                &state,
                &page,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                form.key,
                false,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// Every signal as a download, with its evidence and review.
fn download(format: crate::exports::Format, signals: &[SignalView]) -> Response {
    use crate::exports::Cell;
    let headers = [
        "预警类型",
        "说明",
        "机构",
        "项目",
        "核查意见",
        "核查人",
        "核查时间",
    ]
    .map(String::from)
    .to_vec();
    let names = |list: &[super::service::Named]| {
        list.iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let rows = signals
        .iter()
        .map(|s| {
            let review = s.review.as_ref();
            vec![
                Cell::Text(s.kind_label.clone()),
                Cell::Text(s.explanation.clone()),
                Cell::Text(names(&s.agencies)),
                Cell::Text(names(&s.projects)),
                Cell::Text(review.map(|r| r.note.clone()).unwrap_or_default()),
                Cell::Text(review.map(|r| r.reviewed_by.clone()).unwrap_or_default()),
                review
                    .map(|r| Cell::Text(crate::projects::pages::time(&r.reviewed_at)))
                    .unwrap_or(Cell::Empty),
            ]
        })
        .collect();
    crate::exports::download(format, "signals", headers, crate::exports::Fixed::new(rows))
}
