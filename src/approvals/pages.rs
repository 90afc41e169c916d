//! The approval record's pages: the applicant's investment projects and, for
//! each, the whole parallel approval on one timeline — each approval item,
//! the intermediary services it waits for, their marketplace projects, and
//! what blocks what. Administrators see every record.

use super::clients::Caller;
use super::record;
use super::service::{self, LinkInput};
use super::views::{ApprovalItemView, ApprovalRecordView, StepView};
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::CsrfForm;
use crate::web::pages::{field_message, Layout, Page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "approvals/list.html")]
struct ListPage {
    layout: Layout,
    records: Vec<ApprovalRecordView>,
    admin: bool,
}

impl ListPage {
    fn done(&self, r: &ApprovalRecordView) -> usize {
        r.items
            .iter()
            .flat_map(|i| &i.steps)
            .filter(|s| s.status == "done")
            .count()
    }
    fn total(&self, r: &ApprovalRecordView) -> usize {
        r.items.iter().map(|i| i.steps.len()).sum()
    }
    fn ready(&self, r: &ApprovalRecordView) -> usize {
        r.items.iter().filter(|i| i.ready_to_file).count()
    }
}

/// 并联审批: the investment projects the caller may read.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<DownloadQuery>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Applicant, Role::Admin])?;
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let records = record::list_for(&state, &user).await?;
    if let Some(format) = format {
        return Ok(download(format, &records));
    }
    let template = ListPage {
        layout: page.layout("并联审批"),
        admin: user.role() == Role::Admin,
        records,
    };
    Ok(page.render(StatusCode::OK, &template))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DownloadQuery {
    /// `csv` or `xlsx` downloads the list instead: a row per intermediary step.
    format: Option<String>,
}

/// The records as a download: one row per approval item and step.
fn download(format: crate::exports::Format, records: &[ApprovalRecordView]) -> Response {
    use crate::exports::Cell;
    let headers = [
        "投资项目代码",
        "项目名称",
        "项目单位",
        "审批事项",
        "审批状态",
        "中介服务",
        "中介服务状态",
        "采购项目",
        "中介机构",
        "验收时间",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for r in records {
        let p = &r.investment_project;
        for item in &r.items {
            for s in &item.steps {
                rows.push(vec![
                    Cell::Text(p.code.clone()),
                    Cell::Text(p.name.clone()),
                    Cell::Text(p.owner_name.clone()),
                    Cell::Text(item.name.clone()),
                    Cell::Text(item.state_label.clone()),
                    Cell::Text(s.service_item.name.clone()),
                    Cell::Text(s.status_label.clone()),
                    Cell::Text(
                        s.project
                            .as_ref()
                            .map(|m| m.title.clone())
                            .unwrap_or_default(),
                    ),
                    Cell::Text(
                        s.agency
                            .as_ref()
                            .map(|a| a.name.clone())
                            .unwrap_or_default(),
                    ),
                    s.completed_at
                        .map(|t| Cell::Text(crate::projects::pages::time(&t)))
                        .unwrap_or(Cell::Empty),
                ]);
            }
        }
    }
    crate::exports::download(
        format,
        "approval-records",
        headers,
        crate::exports::Fixed::new(rows),
    )
}

#[derive(Template)]
#[template(path = "approvals/show.html")]
struct ShowPage {
    layout: Layout,
    record: ApprovalRecordView,
    /// The applicant's own projects that could provide a step, by service item.
    linkable: HashMap<i64, Vec<(i64, String)>>,
    applicant: bool,
    errors: Vec<FieldError>,
    notice: &'static str,
}

impl ShowPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        crate::projects::pages::time(t)
    }
    fn choices(&self, step: &StepView) -> Vec<(i64, String)> {
        self.linkable
            .get(&step.service_item.id)
            .cloned()
            .unwrap_or_default()
    }
    fn step_error(&self, step: &i64) -> String {
        field_message(&self.errors, &format!("step_{step}"))
    }
    fn short(&self, hash: &str) -> String {
        hash.chars().take(16).collect()
    }
    fn done_steps(&self) -> usize {
        self.record
            .items
            .iter()
            .flat_map(|i| &i.steps)
            .filter(|s| s.status == "done")
            .count()
    }
    fn all_steps(&self) -> usize {
        self.record.items.iter().map(|i| i.steps.len()).sum()
    }
    /// The items still waiting, named, for the line that says what blocks what.
    fn blocked(&self) -> Vec<&ApprovalItemView> {
        self.record
            .items
            .iter()
            .filter(|i| i.waiting_for > 0)
            .collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

async fn render(
    state: &AppState,
    page: &Page,
    code: &str,
    status: StatusCode,
    errors: Vec<FieldError>,
    notice: &'static str,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let caller = Caller::User(user.clone());
    let record = record::record(state, &caller, code).await?;
    let applicant = user.role() == Role::Applicant;
    let linkable = if applicant {
        let id = user.user.id;
        state
            .db
            .run(move |conn| service::linkable_projects(conn, id))
            .await?
    } else {
        HashMap::new()
    };
    let template = ShowPage {
        layout: page.layout(&format!("并联审批：{}", record.investment_project.name)),
        record,
        linkable,
        applicant,
        errors,
        notice,
    };
    Ok(page.render(status, &template))
}

/// One investment project's parallel approval on one timeline.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let notice = match query.done.as_str() {
        "linked" => "已关联采购项目：该项目验收通过后，中介服务在审批记录中自动办结。",
        _ => "",
    };
    render(&state, &page, &code, StatusCode::OK, Vec::new(), notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    project_id: String,
}

/// The applicant links one of their projects to an open step.
pub async fn link(
    State(state): State<AppState>,
    page: Page,
    Path((code, step)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let input = LinkInput {
        project_id: form.project_id.trim().parse().ok(),
    };
    match service::link_by_hand(&state, &user, &code, step, input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/investment-projects/{code}?done=linked")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let errors = errors
                .into_iter()
                .map(|e| FieldError {
                    field: format!("step_{step}"),
                    ..e
                })
                .collect();
            render(
                &state,
                &page,
                &code,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                "",
            )
            .await
        }
        Err(other) => Err(other),
    }
}
