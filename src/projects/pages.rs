//! Project pages everyone reads: the announcements (采购公告), a project's
//! page with the forms its reader may use, and the draw. The forms post to
//! `agency_pages.rs` (sign up, confirm, object), `owner_pages.rs` (the
//! applicant) and `admin_pages.rs` (review, objections).

use super::agency_pages::SignupForm;
use super::input::QualificationMode;
use super::present::{self, percent_bp, yuan};
use super::rules::{ProjectStatus, SignupStatus};
use super::selection::Method;
use super::service::{self, ProjectFilter};
use super::views::{DrawView, ProjectSummary, ProjectView, SignupView};
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppResult, FieldError};
use crate::web::auth::CurrentUser;
use crate::web::pages::{field_message, Choice, Layout, Page};
use crate::web::paging::Paging;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A UTC time as people read it, in China time.
pub fn time(t: &DateTime<Utc>) -> String {
    crate::web::format_time(t.naive_utc())
}

/// A sign-up's quote as people read it.
pub fn quote_text(quote_fen: Option<i64>, quote_rate_bp: Option<i32>) -> String {
    match (quote_fen, quote_rate_bp) {
        (_, Some(bp)) => format!("下浮 {}", percent_bp(bp)),
        (Some(fen), None) => yuan(fen),
        (None, None) => "—".to_owned(),
    }
}

/// A 综合评分 total in hundredths of a point: "85.23".
pub fn score_text(score: Option<i64>) -> String {
    score
        .map(|s| format!("{}.{:02}", s / 100, s % 100))
        .unwrap_or_else(|| "—".to_owned())
}

/// Error fields renamed, where several forms on one page share a field name.
pub fn renamed(errors: Vec<FieldError>, from: &str, to: &str) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError {
            field: if e.field == from {
                to.to_owned()
            } else {
                e.field
            },
            ..e
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    region: String,
    service_item: String,
    page: Option<usize>,
    /// `csv` or `xlsx`: the whole list as a download.
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "projects/list.html")]
struct ListPage {
    layout: Layout,
    projects: Vec<ProjectSummary>,
    regions: Vec<Choice>,
    items: Vec<Choice>,
    query: ListQuery,
    total: i64,
    next_page: Option<String>,
}

impl ListPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        time(t)
    }
}

/// 采购公告: published projects, newest first, by item and region.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let filter = ProjectFilter {
        q: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
        service_item: query.service_item.parse().ok(),
        region: Some(query.region.clone()).filter(|r| !r.is_empty()),
        ..Default::default()
    };
    let paging = Paging {
        page: query.page,
        per_page: None,
    };
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let export_filter = filter.clone();
    // The announcements are the same for everyone: nobody's drafts.
    let (projects, total) = state
        .db
        .run(move |conn| service::list(conn, &filter, None, &paging))
        .await?;
    // After the first page, so a bad filter is refused before a download starts.
    if let Some(format) = format {
        return Ok(crate::exports::lists::projects(
            &state,
            export_filter,
            None,
            format,
        ));
    }
    let links = [
        ("q", query.q.clone()),
        ("region", query.region.clone()),
        ("service_item", query.service_item.clone()),
    ];
    let template = ListPage {
        layout: page.layout("采购公告"),
        next_page: paging.meta(total, "/projects", &links).next_page,
        total,
        projects,
        regions: crate::agencies::pages::region_choices(&state, false).await?,
        items: crate::agencies::pages::item_choices(&state).await?,
        query,
    };
    Ok(page.render(StatusCode::OK, &template))
}

/// The newest announcements, for the home page.
pub async fn newest(state: &AppState, count: usize) -> AppResult<Vec<ProjectSummary>> {
    let paging = Paging {
        page: None,
        per_page: Some(count),
    };
    let (projects, _) = state
        .db
        .run(move |conn| service::list(conn, &ProjectFilter::default(), None, &paging))
        .await?;
    Ok(projects)
}

/// What the caller may do on a project's page, from its status and the clock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Abilities {
    pub owner: bool,
    pub admin: bool,
    pub edit: bool,
    pub publish: bool,
    pub cancel: bool,
    pub run_selection: bool,
    pub choose: bool,
    pub review: bool,
    pub sign_up: bool,
    pub withdraw: bool,
    pub confirm: bool,
    pub object: bool,
}

pub fn abilities(p: &ProjectView, user: Option<&CurrentUser>, now: DateTime<Utc>) -> Abilities {
    let status = ProjectStatus::parse(&p.status).unwrap_or(ProjectStatus::Draft);
    let role = user.map(|u| u.role());
    let owner = user.is_some_and(|u| u.user.id == p.applicant.id);
    let admin = role == Some(Role::Admin);
    let agency = role == Some(Role::Agency);
    let direct = p.method == Method::Direct.as_str();
    let editable = matches!(
        status,
        ProjectStatus::Draft | ProjectStatus::Returned | ProjectStatus::Failed
    );
    let before_deadline = now < p.signup_deadline;
    let mine = p.my_signup.as_ref().map(|s| s.status.as_str());
    let standing = p.signups.as_ref().is_some_and(|list| {
        list.iter()
            .any(|s| s.status == SignupStatus::Active.as_str())
    });
    let may_choose = match status {
        ProjectStatus::Selecting => direct,
        ProjectStatus::Failed => super::rules::may_select_after_failures(p.failed_rounds),
        _ => false,
    };
    let signing_up = agency && status == ProjectStatus::SigningUp && before_deadline;
    Abilities {
        owner,
        admin,
        edit: owner && editable,
        publish: owner && editable,
        cancel: owner && !status.is_final(),
        run_selection: (owner || admin)
            && !direct
            && (status == ProjectStatus::Selecting
                || (status == ProjectStatus::SigningUp && !before_deadline))
            && now >= p.selection_at,
        choose: owner && may_choose && standing,
        review: admin && status == ProjectStatus::PendingReview,
        sign_up: signing_up,
        withdraw: signing_up && mine == Some(SignupStatus::Active.as_str()),
        confirm: agency
            && status == ProjectStatus::Confirming
            && mine == Some(SignupStatus::Selected.as_str()),
        object: agency
            && status == ProjectStatus::Publicity
            && p.publicity_ends_at.is_some_and(|end| now < end)
            && mine.is_some_and(|s| s != SignupStatus::Withdrawn.as_str()),
    }
}

/// What a project's page shows besides the project.
#[derive(Default)]
pub struct Shown {
    pub status: Option<StatusCode>,
    pub errors: Vec<FieldError>,
    pub notice: String,
    pub signup: Option<SignupForm>,
    /// Reached from the administrators' queue.
    pub admin_route: bool,
}

impl Shown {
    pub fn errors(errors: Vec<FieldError>) -> Shown {
        Shown {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            errors,
            ..Shown::default()
        }
    }
}

#[derive(Template)]
#[template(path = "projects/show.html")]
struct DetailPage {
    layout: Layout,
    project: ProjectView,
    can: Abilities,
    errors: Vec<FieldError>,
    notice: String,
    signup: SignupForm,
    admin_route: bool,
    /// The contract of an awarded project, for its parties and administrators.
    contract_id: Option<i64>,
}

impl DetailPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        time(t)
    }
    fn quote(&self, s: &SignupView) -> String {
        quote_text(s.quote_fen, s.quote_rate_bp)
    }
    fn score(&self, s: &SignupView) -> String {
        score_text(s.score)
    }
    fn qualification_mode(&self) -> &'static str {
        QualificationMode::parse(&self.project.qualification_mode)
            .map(QualificationMode::label_zh)
            .unwrap_or("")
    }
    fn has_draw(&self) -> bool {
        self.project.selected_at.is_some() && self.project.method != Method::Direct.as_str()
    }
    fn quotes_amount(&self) -> bool {
        self.project.price.mode == "amount"
    }
    fn quotes_rate(&self) -> bool {
        self.project.price.mode == "rate"
    }
    /// The applicant and the winning agency act on the contract.
    fn contract_party(&self) -> bool {
        self.can.owner
            || self.project.winner.as_ref().is_some_and(|w| {
                self.project
                    .my_signup
                    .as_ref()
                    .is_some_and(|mine| mine.id == w.id)
            })
    }
    fn active(&self, s: &SignupView) -> bool {
        s.status == SignupStatus::Active.as_str()
    }
}

/// A project's page for this caller, with the forms it may use.
pub async fn render_detail(
    state: &AppState,
    page: &Page,
    id: i64,
    shown: Shown,
) -> AppResult<Response> {
    let project = service::find(state, page.user.clone(), id).await?;
    let can = abilities(&project, page.user.as_ref(), state.now());
    let contract_id = if project.status == ProjectStatus::Awarded.as_str() {
        state
            .db
            .run(move |conn| Ok(crate::contracts::file::of_project(conn, id)?))
            .await?
    } else {
        None
    };
    let signup = shown.signup.unwrap_or_else(|| {
        SignupForm::from_view(project.my_signup.as_ref(), project.price.mode == "fixed")
    });
    let template = DetailPage {
        layout: page.layout(&project.title),
        project,
        can,
        errors: shown.errors,
        notice: shown.notice,
        signup,
        admin_route: shown.admin_route,
        contract_id,
    };
    Ok(page.render(shown.status.unwrap_or(StatusCode::OK), &template))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

/// The line shown after a form sent the caller back to the project.
pub fn notice(done: &str) -> &'static str {
    match done {
        "created" => "草稿已保存。确认无误后请点击“提交发布”。",
        "saved" => "修改已保存。",
        "submitted" => "已提交发布，等待中心管理员审核。",
        "published" => "采购公告已发布。",
        "cancelled" => "项目已终止。",
        "selected" => "选取已完成。",
        "reviewed" => "审核意见已提交。",
        "signed_up" => "报名已提交。报名截止前可以修改或撤回；截止前任何人都看不到您的报价。",
        "withdrawn" => "已撤回报名。报名截止前仍可重新报名。",
        "confirmed" => "已确认中选，中选结果进入公示。",
        "abandoned" => "已放弃中选。",
        "objected" => "异议已提交，中心管理员处理后将书面答复。",
        _ => "",
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let shown = Shown {
        notice: notice(&query.done).to_owned(),
        ..Shown::default()
    };
    render_detail(&state, &page, id, shown).await
}

/// Back to the project's page, saying what was done.
pub fn back_to(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/projects/{id}?done={done}")).into_response()
}

#[derive(Template)]
#[template(path = "projects/draw.html")]
struct DrawPage {
    layout: Layout,
    draw: DrawView,
    title: String,
}

impl DrawPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        time(t)
    }
    fn quote(&self, e: &super::views::DrawEntry) -> String {
        quote_text(e.quote_fen, e.quote_rate_bp)
    }
    fn score(&self, e: &super::views::DrawEntry) -> String {
        score_text(e.score)
    }
    fn is_winner(&self, e: &super::views::DrawEntry) -> bool {
        self.draw.winner_signup_id == Some(e.signup_id)
    }
    fn method(&self) -> &'static str {
        Method::parse(&self.draw.method)
            .map(Method::label_zh)
            .unwrap_or("")
    }
}

/// The public verification page of a selection: every input and the procedure.
pub async fn draw(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (draw, title) = state
        .db
        .run(move |conn| {
            let loaded = service::load(conn, id)?;
            Ok((
                present::draw_view(conn, &loaded)?,
                loaded.project.title.clone(),
            ))
        })
        .await?;
    let template = DrawPage {
        layout: page.layout(&format!("选取过程：{title}")),
        draw,
        title,
    };
    Ok(page.render(StatusCode::OK, &template))
}
