//! The administrators' project pages: the review queue, the review of one
//! project, and the decision on an objection.

use super::objections::{self, DecisionInput};
use super::pages::{renamed, render_detail, time, Shown};
use super::service::{self, ProjectFilter, ReviewRequest};
use super::views::{ObjectionView, ProjectSummary, ProjectView};
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::CsrfForm;
use crate::web::pages::{field_message, Layout, Page};
use crate::web::paging::{Paging, MAX_PER_PAGE};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin/projects.html")]
struct QueuePage {
    layout: Layout,
    pending: Vec<ProjectSummary>,
    projects: Vec<ProjectSummary>,
    total: i64,
    next_page: Option<String>,
}

impl QueuePage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        time(t)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: Option<usize>,
    /// `csv` or `xlsx` downloads every project instead.
    format: Option<String>,
}

/// 项目审核: projects waiting for review first, then every project.
pub async fn queue(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<PageQuery>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Admin])?;
    if let Some(format) = crate::exports::Format::requested(query.format.as_deref())? {
        let all = ProjectFilter::default();
        return Ok(crate::exports::lists::projects(
            &state,
            all,
            Some(user),
            format,
        ));
    }
    let paging = Paging {
        page: query.page,
        per_page: None,
    };
    let (pending, (projects, total)) = state
        .db
        .run(move |conn| {
            let waiting = ProjectFilter {
                status: Some("pending_review".into()),
                ..Default::default()
            };
            let all_waiting = Paging {
                page: None,
                per_page: Some(MAX_PER_PAGE),
            };
            let (pending, _) = service::list(conn, &waiting, Some(&user), &all_waiting)?;
            let all = service::list(conn, &ProjectFilter::default(), Some(&user), &paging)?;
            Ok((pending, all))
        })
        .await?;
    let template = QueuePage {
        layout: page.layout("项目审核"),
        next_page: paging.meta(total, "/admin/projects", &[]).next_page,
        pending,
        projects,
        total,
    };
    Ok(page.render(StatusCode::OK, &template))
}

/// A project as the reviewer sees it, with the approve / return form.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    page.require_user()?.require(&[Role::Admin])?;
    let shown = Shown {
        admin_route: true,
        ..Shown::default()
    };
    render_detail(&state, &page, id, shown).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    decision: String,
    reason: String,
}

pub async fn review(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let request = ReviewRequest {
        decision: form.decision,
        reason: Some(form.reason),
    };
    match service::review(&state, &user, id, request).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/projects/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let shown = Shown {
                admin_route: true,
                ..Shown::errors(renamed(errors, "reason", "review_reason"))
            };
            render_detail(&state, &page, id, shown).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "admin/objection.html")]
struct ObjectionPage {
    layout: Layout,
    objection: ObjectionView,
    project: ProjectView,
    errors: Vec<FieldError>,
    form: DecisionForm,
}

impl ObjectionPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        time(t)
    }
    fn pending(&self) -> bool {
        self.objection.status == "pending"
    }
    fn outcome(&self) -> &'static str {
        self.objection
            .outcome
            .as_deref()
            .and_then(super::rules::ObjectionOutcome::parse)
            .map(super::rules::ObjectionOutcome::label_zh)
            .unwrap_or("")
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    outcome: String,
    answer: String,
}

async fn render_objection(
    state: &AppState,
    page: &Page,
    id: i64,
    status: StatusCode,
    form: DecisionForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Admin])?;
    let objection = state.db.run(move |conn| objections::find(conn, id)).await?;
    let project = service::find(state, Some(user), objection.project_id).await?;
    let template = ObjectionPage {
        layout: page.layout(&format!("异议处理：{}", project.title)),
        objection,
        project,
        errors,
        form,
    };
    Ok(page.render(status, &template))
}

pub async fn objection(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_objection(
        &state,
        &page,
        id,
        StatusCode::OK,
        DecisionForm::default(),
        vec![],
    )
    .await
}

/// Upholds (redo the selection or end the project) or dismisses, with a written answer.
pub async fn decide(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let chosen = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let input = DecisionInput {
        decision: chosen(&form.decision),
        outcome: chosen(&form.outcome),
        answer: Some(form.answer.clone()),
    };
    match objections::decide(&state, &user, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/objections/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            render_objection(
                &state,
                &page,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                errors,
            )
            .await
        }
        Err(other) => Err(other),
    }
}
