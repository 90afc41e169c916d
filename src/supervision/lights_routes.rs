//! The lights' API (administrators only): every running step with a deadline,
//! its colour and what it is about; and the one read the API and the
//! dashboard share.

use super::lights::{running, Light};
use super::lights_filter::{LightFilter, LightQuery};
use super::lights_rules::{Colour, StepKind};
use crate::accounts::views::ListMeta;
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use axum::extract::{Query, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LightView {
    pub step: StepKind,
    /// The step in Chinese, e.g. 合同签订.
    pub step_label: String,
    pub colour: Colour,
    pub project_id: i64,
    pub project_number: Option<String>,
    pub project_title: String,
    pub contract_id: Option<i64>,
    /// The objection or submission the step is about, when it is about one.
    pub subject_id: i64,
    pub region_code: String,
    pub region_name: String,
    pub service_item_id: i64,
    pub service_item_name: String,
    pub department: String,
    pub applicant: String,
    pub agency: Option<String>,
    pub started_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// Who owes the step: `applicant`, `agency` or `admin`.
    pub owed_by: String,
    /// The page of the project or contract.
    pub link: String,
    /// The audit trail of the project or contract.
    pub history: String,
}

impl From<&Light> for LightView {
    fn from(l: &Light) -> Self {
        let owed_by = match (l.owes, l.step) {
            (None, _) => "admin",
            (Some(_), StepKind::Confirmation | StepKind::Delivery) => "agency",
            (Some(_), _) => "applicant",
        };
        LightView {
            step: l.step,
            step_label: l.step.label_zh().to_owned(),
            colour: l.colour,
            project_id: l.project_id,
            project_number: l.number.clone(),
            project_title: l.title.clone(),
            contract_id: l.contract_id,
            subject_id: l.subject_id,
            region_code: l.region_code.clone(),
            region_name: l.region_name.clone(),
            service_item_id: l.service_item_id,
            service_item_name: l.service_item_name.clone(),
            department: l.department.clone(),
            applicant: l.applicant.clone(),
            agency: l.agency.clone(),
            started_at: l.started_at,
            due_at: l.due_at,
            owed_by: owed_by.to_owned(),
            link: l.link(),
            history: l.history(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LightList {
    pub lights: Vec<LightView>,
    pub meta: ListMeta,
}

/// The running steps that pass `filter`, red first (an administrator's read).
pub async fn lights_for(
    state: &AppState,
    user: &CurrentUser,
    filter: LightFilter,
) -> AppResult<Vec<Light>> {
    user.require(&[Role::Admin])?;
    let now = state.now();
    let rules = state.settings.projects.clone();
    state
        .db
        .run(move |conn| {
            let calendar = crate::calendar::load_in(conn)?;
            let all = running(conn, &calendar, &rules, now, filter.colour)?;
            Ok(all.into_iter().filter(|l| filter.matches(l)).collect())
        })
        .await
}

/// The time-limit lights (红黄绿灯) of every running step, red first (admin).
/// Not paged: one row per running step.
#[utoipa::path(get, path = "/api/v1/supervision/lights", tag = "supervision", params(LightQuery),
    responses((status = 200, body = LightList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<LightQuery>,
) -> AppResult<Json<LightList>> {
    user.require(&[Role::Admin])?;
    let lights = lights_for(&state, &user, query.parse()?).await?;
    Ok(Json(LightList {
        meta: ListMeta {
            total: lights.len() as i64,
            next_page: None,
        },
        lights: lights.iter().map(LightView::from).collect(),
    }))
}

/// The lights as a download: one row per running step, red first.
pub fn download(format: crate::exports::Format, lights: &[Light]) -> axum::response::Response {
    use crate::exports::Cell;
    let time = |t: &DateTime<Utc>| Cell::Text(crate::projects::pages::time(t));
    let headers = [
        "灯色",
        "环节",
        "项目编号",
        "项目",
        "地区",
        "服务事项",
        "主管部门",
        "项目业主",
        "中介机构",
        "开始",
        "期限",
        "责任方",
    ]
    .map(String::from)
    .to_vec();
    let rows = lights
        .iter()
        .map(|l| {
            let v = LightView::from(l);
            vec![
                Cell::from(l.colour.label_zh()),
                Cell::Text(v.step_label),
                Cell::Text(v.project_number.unwrap_or_default()),
                Cell::Text(v.project_title),
                Cell::Text(v.region_name),
                Cell::Text(v.service_item_name),
                Cell::Text(v.department),
                Cell::Text(v.applicant),
                Cell::Text(v.agency.unwrap_or_default()),
                time(&v.started_at),
                time(&v.due_at),
                Cell::from(match v.owed_by.as_str() {
                    "agency" => "中介机构",
                    "applicant" => "项目业主",
                    _ => "中心管理员",
                }),
            ]
        })
        .collect();
    crate::exports::download(format, "lights", headers, crate::exports::Fixed::new(rows))
}
