//! The applicant's project pages: the own list (drafts included), the
//! project form to draft and edit, and the buttons that publish, cancel and
//! select.

use super::actions::{self, SelectionRequest};
use super::form::{self, ProjectForm, BLANK_AVOID_ROWS};
use super::pages::{renamed, render_detail, time, Shown};
use super::service::{self, CancelRequest, ProjectFilter};
use super::views::{ProjectSummary, ProjectView};
use crate::accounts::Role;
use crate::app::AppState;
use crate::catalog::service as catalog;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::CsrfForm;
use crate::web::pages::{field_message, Choice, Layout, Page};
use crate::web::paging::{Paging, MAX_PER_PAGE};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "projects/mine.html")]
struct MinePage {
    layout: Layout,
    projects: Vec<ProjectSummary>,
    total: i64,
    next_page: Option<String>,
}

impl MinePage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        time(t)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: Option<usize>,
    /// `csv` or `xlsx` downloads the whole list instead.
    format: Option<String>,
}

/// 我的项目: the applicant's own projects, drafts included.
pub async fn mine(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<PageQuery>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Applicant])?;
    let filter = ProjectFilter {
        mine: Some(true),
        ..Default::default()
    };
    if let Some(format) = crate::exports::Format::requested(query.format.as_deref())? {
        return Ok(crate::exports::lists::projects(
            &state,
            filter,
            Some(user),
            format,
        ));
    }
    let paging = Paging {
        page: query.page,
        per_page: Some(MAX_PER_PAGE),
    };
    let (projects, total) = state
        .db
        .run(move |conn| service::list(conn, &filter, Some(&user), &paging))
        .await?;
    let template = MinePage {
        layout: page.layout("我的项目"),
        next_page: paging.meta(total, "/my/projects", &[]).next_page,
        projects,
        total,
    };
    Ok(page.render(StatusCode::OK, &template))
}

/// One qualification box of the form.
pub struct RequirementChoice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One row of the avoid list, with what is wrong with it.
pub struct AvoidLine {
    pub agency_id: String,
    pub reason: String,
    pub agency_error: String,
    pub reason_error: String,
}

#[derive(Template)]
#[template(path = "projects/form.html")]
struct FormPage {
    layout: Layout,
    /// None while drafting a new project.
    project: Option<ProjectView>,
    form: ProjectForm,
    errors: Vec<FieldError>,
    items: Vec<Choice>,
    regions: Vec<Choice>,
    requirements: Vec<RequirementChoice>,
    avoid: Vec<AvoidLine>,
    min_signup_days: u32,
}

impl FormPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
    /// Messages of fields the form has no place for (e.g. from publishing).
    fn unplaced(&self) -> Vec<String> {
        const PLACED: &[&str] = &[
            "service_item_id",
            "title",
            "investment_code",
            "region_code",
            "scale_kind",
            "scale_amount_fen",
            "scale_area",
            "scale_unit",
            "fiscal_share_percent",
            "service_content",
            "service_days",
            "method",
            "price_mode",
            "amount_fen",
            "floor_fen",
            "ceiling_fen",
            "rate_min_bp",
            "rate_max_bp",
            "weight_price",
            "qualification_mode",
            "requirements",
            "avoid",
            "contact_name",
            "contact_phone",
            "complaint_phone",
            "signup_deadline",
            "selection_at",
            "direct_agency_id",
            "direct_reason",
        ];
        self.errors
            .iter()
            .filter(|e| {
                !PLACED.iter().any(|p| {
                    e.field == *p
                        || e.field
                            .strip_prefix(p)
                            .is_some_and(|rest| rest.starts_with('['))
                })
            })
            .map(|e| e.message_zh.clone())
            .collect()
    }
    fn action(&self) -> String {
        match &self.project {
            Some(p) => format!("/my/projects/{}", p.id),
            None => "/my/projects".to_owned(),
        }
    }
}

/// The boxes of the item's catalogue requirements: as the form had them when
/// it showed this item's boxes before, all of them checked otherwise.
async fn requirement_choices(
    state: &AppState,
    form: &ProjectForm,
) -> AppResult<Vec<RequirementChoice>> {
    let Ok(item_id) = form.service_item_id.trim().parse::<i64>() else {
        return Ok(Vec::new());
    };
    let item = match state
        .db
        .run(move |conn| catalog::find_item(conn, item_id))
        .await
    {
        Ok(item) => item,
        Err(AppError::NotFound) => return Ok(Vec::new()),
        Err(other) => return Err(other),
    };
    let shown_before = form.requirements_item.trim() == form.service_item_id.trim();
    Ok(item
        .requirements
        .iter()
        .map(|r| {
            let id = r.qualification_type.id;
            let typed = form
                .requirements
                .iter()
                .find(|v| v.split_once(':').map_or(v.as_str(), |(i, _)| i) == id.to_string());
            let level = typed
                .and_then(|v| v.split_once(':').map(|(_, l)| l.to_owned()))
                .filter(|l| !l.is_empty())
                .or_else(|| r.min_level.clone());
            RequirementChoice {
                value: format!("{id}:{}", level.clone().unwrap_or_default()),
                label: match level {
                    Some(level) => format!("{}（{level}及以上）", r.qualification_type.name),
                    None => r.qualification_type.name.clone(),
                },
                checked: !shown_before || typed.is_some(),
            }
        })
        .collect())
}

async fn render_form(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    project: Option<ProjectView>,
    form: ProjectForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let requirements = requirement_choices(state, &form).await?;
    let avoid = form
        .avoid_rows()
        .into_iter()
        .chain(std::iter::repeat_with(Default::default).take(BLANK_AVOID_ROWS))
        .enumerate()
        .map(|(i, row)| AvoidLine {
            agency_error: field_message(&errors, &format!("avoid[{i}].agency_id")),
            reason_error: field_message(&errors, &format!("avoid[{i}].reason")),
            agency_id: row.agency_id,
            reason: row.reason,
        })
        .collect();
    let title = match &project {
        Some(p) => format!("修改项目：{}", p.title),
        None => "发布采购项目".to_owned(),
    };
    let template = FormPage {
        layout: page.layout(&title),
        project,
        form,
        errors,
        items: crate::agencies::pages::item_choices(state).await?,
        regions: crate::agencies::pages::region_choices(state, false).await?,
        requirements,
        avoid,
        min_signup_days: state.settings.projects.min_signup_working_days,
    };
    Ok(page.render(status, &template))
}

pub async fn new_form(State(state): State<AppState>, page: Page) -> AppResult<Response> {
    page.require_user()?.require(&[Role::Applicant])?;
    let form = ProjectForm {
        scale_kind: "amount".into(),
        fiscal_share_percent: "100".into(),
        method: "random".into(),
        price_mode: "fixed".into(),
        ..Default::default()
    };
    render_form(&state, &page, StatusCode::OK, None, form, vec![]).await
}

async fn own_project(state: &AppState, page: &Page, id: i64) -> AppResult<ProjectView> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Applicant])?;
    let project = service::find(state, Some(user.clone()), id).await?;
    if project.applicant.id != user.user.id {
        return Err(AppError::Forbidden);
    }
    Ok(project)
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let project = own_project(&state, &page, id).await?;
    let form = ProjectForm::from_view(&project);
    render_form(&state, &page, StatusCode::OK, Some(project), form, vec![]).await
}

/// Drafts (no id) or edits a project; a form with mistakes comes back with
/// each next to its field, and nothing is stored.
async fn save(
    state: &AppState,
    page: &Page,
    id: Option<i64>,
    form: ProjectForm,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let (input, unreadable) = form.to_input();
    let result = if unreadable.is_empty() {
        match id {
            Some(id) => service::update(state, &user, id, input).await,
            None => service::create(state, &user, input).await,
        }
    } else {
        let checks = service::input_errors(state, &user, id, input).await?;
        Err(AppError::Invalid(form::merge(unreadable, checks)))
    };
    match result {
        Ok(project) => {
            let done = if id.is_some() { "saved" } else { "created" };
            Ok(Redirect::to(&format!("/projects/{}?done={done}", project.id)).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let project = match id {
                Some(id) => Some(own_project(state, page, id).await?),
                None => None,
            };
            let errors = form::in_yuan(errors);
            render_form(
                state,
                page,
                StatusCode::UNPROCESSABLE_ENTITY,
                project,
                form,
                errors,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    CsrfForm(form): CsrfForm<ProjectForm>,
) -> AppResult<Response> {
    save(&state, &page, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ProjectForm>,
) -> AppResult<Response> {
    save(&state, &page, Some(id), form).await
}

#[derive(Deserialize)]
pub struct EmptyForm {}

/// Submits for publication; what the checks refuse is shown on the form.
pub async fn publish(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    match service::submit(&state, &user, id).await {
        Ok(project) => {
            let done = if project.status == "pending_review" {
                "submitted"
            } else {
                "published"
            };
            Ok(Redirect::to(&format!("/projects/{id}?done={done}")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let project = own_project(&state, &page, id).await?;
            let form = ProjectForm::from_view(&project);
            let errors = form::in_yuan(errors);
            render_form(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(project),
                form,
                errors,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

/// Ends the project (终止) with a reason.
pub async fn cancel(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let request = CancelRequest {
        reason: Some(form.reason),
    };
    match service::cancel(&state, &user, id, request).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?done=cancelled")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let errors = renamed(errors, "reason", "cancel_reason");
            render_detail(&state, &page, id, Shown::errors(errors)).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SelectionForm {
    signup_id: String,
    reason: String,
}

/// Runs the selection, or selects the chosen sign-up with a reason.
pub async fn select(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<SelectionForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let signup_id = match form.signup_id.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(signup_id) => Some(signup_id),
            Err(_) => {
                let errors = vec![FieldError::new(
                    "signup_id",
                    "请选择一家报名机构。",
                    "Choose a sign-up.",
                )];
                return render_detail(&state, &page, id, Shown::errors(errors)).await;
            }
        },
    };
    let request = SelectionRequest {
        signup_id,
        reason: signup_id.map(|_| form.reason),
    };
    match actions::select(&state, &user, id, request).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?done=selected")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let errors = renamed(errors, "reason", "selection_reason");
            render_detail(&state, &page, id, Shown::errors(errors)).await
        }
        Err(other) => Err(other),
    }
}
