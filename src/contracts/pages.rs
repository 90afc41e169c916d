//! Contract pages: a contract's file with the forms its reader may use
//! (`page_forms.rs` takes them), recording the contract of an awarded
//! project, the parties' list of contracts and the administrators' queue of
//! complaints.

use super::file::{self, abilities, ContractAbilities, ContractFile, Reader};
use super::rules::{ContractStatus, Party, Stoppage};
use super::service::{self, ContractInput};
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{agencies, complaints, contracts, projects};
use crate::error::{AppError, AppResult, FieldError};
use crate::projects::pages::time;
use crate::projects::present::yuan;
use crate::projects::views::ProjectView;
use crate::web::csrf::CsrfMultipart;
use crate::web::pages::{field_message, Layout, Page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;

/// Every form field as typed, under `form.field`, to show it again with its errors.
#[derive(Default)]
pub struct Typed(pub Vec<(String, String)>);

impl Typed {
    pub fn of(form: &str, fields: &[(&str, &str)]) -> Typed {
        Typed(
            fields
                .iter()
                .map(|(name, value)| (format!("{form}.{name}"), (*value).to_owned()))
                .collect(),
        )
    }

    fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// The errors of one form on the contract page, named `form.field`.
pub fn of_form(errors: Vec<FieldError>, form: &str) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError {
            field: format!("{form}.{}", e.field),
            ..e
        })
        .collect()
}

/// What the contract page shows besides the file.
#[derive(Default)]
pub struct Shown {
    pub errors: Vec<FieldError>,
    pub typed: Typed,
    pub notice: &'static str,
}

#[derive(Template)]
#[template(path = "contracts/show.html")]
struct ShowPage {
    layout: Layout,
    file: ContractFile,
    can: ContractAbilities,
    errors: Vec<FieldError>,
    typed: Typed,
    notice: &'static str,
}

impl ShowPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
    fn typed(&self, field: &str) -> String {
        self.typed.get(field)
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        time(t)
    }
    fn yuan(&self, fen: &i64) -> String {
        yuan(*fen)
    }
    fn party(&self, party: &str) -> &'static str {
        match Party::parse(party) {
            Some(p) => p.label_zh(),
            None if party == "admin" => "中心管理员",
            None => "",
        }
    }
    fn is_admin(&self) -> bool {
        self.file.reader == Reader::Admin
    }
    fn stoppage_label(&self, action: &str) -> &'static str {
        Stoppage::parse(action)
            .map(Stoppage::label_zh)
            .unwrap_or("")
    }
    fn decision_label(&self, status: &str) -> &'static str {
        match status {
            "proposed" => "待对方确认",
            "submitted" => "待验收",
            "confirmed" => "已确认",
            "accepted" => "验收通过",
            "returned" => "已退回",
            "pending" => "待处理",
            "upheld" => "查实",
            "dismissed" => "不成立",
            _ => "",
        }
    }
    fn amendment_label(&self, kind: &str) -> &'static str {
        super::rules::AmendmentKind::parse(kind)
            .map(super::rules::AmendmentKind::label_zh)
            .unwrap_or("")
    }
    /// The error of `form.field`, for forms whose name is built.
    fn error_of(&self, form: &str, field: &str) -> String {
        field_message(&self.errors, &format!("{form}.{field}"))
    }
    fn typed_of(&self, form: &str, field: &str) -> String {
        self.typed.get(&format!("{form}.{field}"))
    }
    /// The first error of any field of one form, to open its folded section.
    fn error_in(&self, form: &str) -> String {
        let prefix = format!("{form}.");
        self.errors
            .iter()
            .find(|e| e.field.starts_with(&prefix))
            .map(|e| e.message_zh.clone())
            .unwrap_or_default()
    }
    /// Each pending complaint has its own decision form, named by its id.
    fn complaint_error(&self, id: &i64, field: &str) -> String {
        self.error_of(&format!("complaint_{id}"), field)
    }
    fn complaint_typed(&self, id: &i64, field: &str) -> String {
        self.typed_of(&format!("complaint_{id}"), field)
    }
    fn accepts(&self, delivery: &i64) -> bool {
        self.can.accept == Some(*delivery)
    }
    fn decides_amendment(&self, amendment: &i64) -> bool {
        self.can.decide_amendment == Some(*amendment)
    }
    fn decides_stoppage(&self, stoppage: &i64) -> bool {
        self.can.decide_stoppage == Some(*stoppage)
    }
    fn rating_fields(&self) -> [(&'static str, &'static str); 4] {
        [
            ("quality", "服务质量"),
            ("timeliness", "服务时效"),
            ("fees", "服务收费"),
            ("attitude", "服务态度"),
        ]
    }
    fn rated(&self, field: &str, n: &i32) -> bool {
        self.typed.get(&format!("evaluation.{field}")) == n.to_string()
    }
    fn stars(&self, rating: &i32) -> String {
        let n = (*rating).clamp(0, 5) as usize;
        format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
    }
}

/// The line shown after a form sent the reader back to the contract.
fn notice(done: &str) -> &'static str {
    match done {
        "recorded" => "合同已录入，等待对方确认。",
        "confirmed" => "合同已确认生效。",
        "returned" => "已退回，对方修改后重新录入。",
        "amendment" => "变更已提出，等待对方确认。",
        "amendment_decided" => "变更已处理。",
        "delivered" => "服务成果已提交，等待项目业主验收。",
        "accepted" => "已验收通过，本项目的中介服务已完成。请在评价期内评价。",
        "delivery_returned" => "成果已退回，机构修改后重新提交。",
        "stoppage" => "已提出，等待对方确认。",
        "stoppage_decided" => "已处理。",
        "stopped" => "已处理，合同状态已更新。",
        "evaluated" => "评价已提交，评价期结束后公开。",
        "replied" => "回复已提交。",
        "complained" => "投诉已提交，中心管理员处理后书面答复。",
        "complaint_decided" => "投诉已处理，双方已收到答复。",
        _ => "",
    }
}

pub async fn render(
    state: &AppState,
    page: &Page,
    id: i64,
    status: StatusCode,
    shown: Shown,
) -> AppResult<Response> {
    let user = page.require_user()?;
    let file = file::load(state, user, id).await?;
    let can = abilities(&file, state.now());
    let template = ShowPage {
        layout: page.layout(&format!("合同：{}", file.project_title)),
        file,
        can,
        errors: shown.errors,
        typed: shown.typed,
        notice: shown.notice,
    };
    Ok(page.render(status, &template))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

/// A contract's file: its two parties and administrators.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let shown = Shown {
        notice: notice(&query.done),
        ..Shown::default()
    };
    render(&state, &page, id, StatusCode::OK, shown).await
}

/// Back to the contract's page, saying what was done.
pub fn back_to(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/contracts/{id}?done={done}")).into_response()
}

/// One line of 我的合同.
pub struct ContractLine {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub agency_name: String,
    pub amount_fen: i64,
    pub status: String,
    pub end_date: NaiveDate,
    pub completed_at: Option<NaiveDateTime>,
}

impl ContractLine {
    pub fn status_label(&self) -> &'static str {
        match (self.completed_at, ContractStatus::parse(&self.status)) {
            (Some(_), _) => "已验收",
            (None, Some(s)) => s.label_zh(),
            (None, None) => "",
        }
    }
}

#[derive(Template)]
#[template(path = "contracts/list.html")]
struct ListPage {
    layout: Layout,
    contracts: Vec<ContractLine>,
}

impl ListPage {
    fn yuan(&self, fen: &i64) -> String {
        yuan(*fen)
    }
}

/// 我的合同: the contracts the caller is a party to, newest first.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DownloadQuery {
    /// `csv` or `xlsx` downloads the list instead.
    format: Option<String>,
}

pub async fn mine(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<DownloadQuery>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Applicant, Role::Agency])?;
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let me = user.user.id;
    let rows = state
        .db
        .run(move |conn| {
            Ok(contracts::table
                .inner_join(projects::table)
                .inner_join(agencies::table)
                .filter(
                    projects::applicant_user_id
                        .eq(me)
                        .or(agencies::owner_user_id.eq(me)),
                )
                .order(contracts::id.desc())
                .select((
                    contracts::id,
                    projects::id,
                    projects::title,
                    agencies::name,
                    contracts::amount_fen,
                    contracts::status,
                    contracts::end_date,
                    contracts::completed_at,
                ))
                .load::<(
                    i64,
                    i64,
                    String,
                    String,
                    i64,
                    String,
                    NaiveDate,
                    Option<NaiveDateTime>,
                )>(conn)?)
        })
        .await?;
    let contracts = rows
        .into_iter()
        .map(
            |(
                id,
                project_id,
                project_title,
                agency_name,
                amount_fen,
                status,
                end_date,
                completed_at,
            )| {
                ContractLine {
                    id,
                    project_id,
                    project_title,
                    agency_name,
                    amount_fen,
                    status,
                    end_date,
                    completed_at,
                }
            },
        )
        .collect::<Vec<ContractLine>>();
    if let Some(format) = format {
        use crate::exports::Cell;
        let headers = ["项目", "中介机构", "合同金额（元）", "服务截止", "状态"]
            .map(String::from)
            .to_vec();
        let rows = contracts
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(c.project_title.clone()),
                    Cell::Text(c.agency_name.clone()),
                    Cell::Fen(c.amount_fen),
                    Cell::Text(c.end_date.to_string()),
                    Cell::from(c.status_label()),
                ]
            })
            .collect();
        let rows = crate::exports::Fixed::new(rows);
        return Ok(crate::exports::download(format, "contracts", headers, rows));
    }
    let template = ListPage {
        layout: page.layout("我的合同"),
        contracts,
    };
    Ok(page.render(StatusCode::OK, &template))
}

#[derive(Template)]
#[template(path = "contracts/record.html")]
struct RecordPage {
    layout: Layout,
    project: ProjectView,
    /// The winning quote the amount may not exceed, when it is an amount.
    winning: String,
    due: String,
    /// The returned contract's reason, when recording again.
    returned_reason: Option<String>,
    errors: Vec<FieldError>,
    typed: Typed,
}

impl RecordPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
    fn typed(&self, field: &str) -> String {
        self.typed.get(field)
    }
}

/// The contract of an awarded project: its form for a party, or the contract once recorded.
pub async fn record_form(
    State(state): State<AppState>,
    page: Page,
    Path(project_id): Path<i64>,
) -> AppResult<Response> {
    render_record(&state, &page, project_id, Vec::new(), None).await
}

async fn render_record(
    state: &AppState,
    page: &Page,
    project_id: i64,
    errors: Vec<FieldError>,
    typed: Option<Typed>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let project = crate::projects::service::find(state, Some(user.clone()), project_id).await?;
    let winner = project.winner.clone().ok_or(AppError::NotFound)?;
    let is_party = project.applicant.id == user.user.id
        || project
            .my_signup
            .as_ref()
            .is_some_and(|s| s.id == winner.id);
    if !is_party {
        return Err(AppError::Forbidden);
    }
    let existing = state
        .db
        .run(move |conn| {
            let Some(id) = file::of_project(conn, project_id)? else {
                return Ok(None);
            };
            let row: (String, Option<String>, i64, NaiveDate, NaiveDate, String) = contracts::table
                .find(id)
                .select((
                    contracts::status,
                    contracts::status_reason,
                    contracts::amount_fen,
                    contracts::start_date,
                    contracts::end_date,
                    contracts::key_terms,
                ))
                .first(conn)?;
            Ok(Some((id, row)))
        })
        .await?;
    let mut returned_reason = None;
    let mut typed = typed.unwrap_or_default();
    if let Some((id, (status, reason, amount, start, end, terms))) = existing {
        if status != ContractStatus::Returned.as_str() {
            return Ok(Redirect::to(&format!("/contracts/{id}")).into_response());
        }
        returned_reason = reason;
        if typed.0.is_empty() {
            typed = Typed::of(
                "contract",
                &[
                    ("amount_yuan", &crate::projects::form::yuan_value(amount)),
                    ("start_date", &start.to_string()),
                    ("end_date", &end.to_string()),
                    ("key_terms", &terms),
                ],
            );
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let template = RecordPage {
        layout: page.layout(&format!("录入合同：{}", project.title)),
        winning: crate::projects::pages::quote_text(winner.quote_fen, winner.quote_rate_bp),
        due: project
            .contract_due_at
            .as_ref()
            .map(time)
            .unwrap_or_default(),
        project,
        returned_reason,
        errors,
        typed,
    };
    Ok(page.render(status, &template))
}

/// A party records the contract (or records it again after it was returned), with the signed file.
pub async fn record(
    State(state): State<AppState>,
    page: Page,
    Path(project_id): Path<i64>,
    mut form: CsrfMultipart,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let typed = Typed::of(
        "contract",
        &[
            ("amount_yuan", &form.field("amount_yuan")),
            ("start_date", &form.field("start_date")),
            ("end_date", &form.field("end_date")),
            ("key_terms", &form.field("key_terms")),
        ],
    );
    let mut errors = Vec::new();
    let amount_fen = crate::offerings::pages::parse_yuan(&form.field("amount_yuan"));
    if amount_fen.is_none() {
        errors.push(FieldError::new(
            "amount_fen",
            "请填写合同金额（元，数字，最多两位小数）。",
            "Enter the contract amount in yuan with at most two decimals.",
        ));
    }
    let date = |name: &str| NaiveDate::parse_from_str(&form.field(name), "%Y-%m-%d").ok();
    let mut input = ContractInput {
        amount_fen,
        start_date: date("start_date"),
        end_date: date("end_date"),
        key_terms: Some(form.field("key_terms")),
        file_attachment_id: None,
    };
    match form.take_upload() {
        None => errors.push(FieldError::new(
            "file_attachment_id",
            "请上传双方签章的合同文件（PDF、JPEG 或 PNG）。",
            "Upload the signed contract (PDF, JPEG or PNG).",
        )),
        // Stored only when the rest is in order, so a refused form leaves no file behind.
        Some(upload) if errors.is_empty() => {
            match crate::attachments::routes::save(&state, user.user.id, upload).await {
                Ok(saved) => input.file_attachment_id = Some(saved.id),
                Err(AppError::Invalid(file_errors)) => {
                    errors.extend(file_errors.into_iter().map(|e| FieldError {
                        field: "file_attachment_id".into(),
                        ..e
                    }))
                }
                Err(other) => return Err(other),
            }
        }
        Some(_) => {}
    }
    let result = if errors.is_empty() {
        service::record_contract(&state, &user, project_id, input).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok((_, contract)) => Ok(back_to(contract.id, "recorded")),
        Err(AppError::Invalid(errors)) => {
            let errors = crate::projects::form::in_yuan(of_form(errors, "contract"));
            render_record(&state, &page, project_id, errors, Some(typed)).await
        }
        Err(other) => Err(other),
    }
}

/// A pending complaint in the administrators' queue.
pub struct ComplaintLine {
    pub id: i64,
    pub contract_id: i64,
    pub project_title: String,
    pub agency_name: String,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

#[derive(Template)]
#[template(path = "admin/complaints.html")]
struct ComplaintsPage {
    layout: Layout,
    complaints: Vec<ComplaintLine>,
}

impl ComplaintsPage {
    fn time(&self, t: &NaiveDateTime) -> String {
        crate::web::format_time(*t)
    }
}

/// 投诉处理: complaints waiting for an administrator, oldest first.
pub async fn admin_complaints(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<DownloadQuery>,
) -> AppResult<Response> {
    page.require_user()?.require(&[Role::Admin])?;
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let rows = state
        .db
        .run(move |conn| {
            Ok(complaints::table
                .inner_join(contracts::table.inner_join(projects::table))
                .inner_join(agencies::table.on(agencies::id.eq(complaints::agency_id)))
                .filter(complaints::status.eq("pending"))
                .order(complaints::id.asc())
                .select((
                    complaints::id,
                    complaints::contract_id,
                    projects::title,
                    agencies::name,
                    complaints::reason,
                    complaints::created_at,
                ))
                .load::<(i64, i64, String, String, String, NaiveDateTime)>(conn)?)
        })
        .await?;
    let complaints = rows
        .into_iter()
        .map(
            |(id, contract_id, project_title, agency_name, reason, created_at)| ComplaintLine {
                id,
                contract_id,
                project_title,
                agency_name,
                reason,
                created_at,
            },
        )
        .collect::<Vec<ComplaintLine>>();
    if let Some(format) = format {
        use crate::exports::Cell;
        let headers = ["提交时间", "项目", "被投诉机构", "投诉理由"]
            .map(String::from)
            .to_vec();
        let rows = complaints
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(crate::web::format_time(c.created_at)),
                    Cell::Text(c.project_title.clone()),
                    Cell::Text(c.agency_name.clone()),
                    Cell::Text(c.reason.clone()),
                ]
            })
            .collect();
        let rows = crate::exports::Fixed::new(rows);
        return Ok(crate::exports::download(
            format,
            "complaints",
            headers,
            rows,
        ));
    }
    let template = ComplaintsPage {
        layout: page.layout("投诉处理"),
        complaints,
    };
    Ok(page.render(StatusCode::OK, &template))
}

/// The contract pages and their forms.
pub fn routes() -> axum::Router<AppState> {
    use super::page_forms as forms;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    let one_file = crate::web::UPLOAD_LIMIT;
    let deliverables = forms::MAX_DELIVERY_FILES * crate::attachments::rules::MAX_BYTES + 64 * 1024;
    axum::Router::new()
        .route("/my/contracts", get(mine))
        .route("/admin/complaints", get(admin_complaints))
        .route(
            "/projects/{id}/contract",
            get(record_form)
                .post(record)
                .layer(DefaultBodyLimit::max(one_file)),
        )
        .route("/contracts/{id}", get(show))
        .route(
            "/contracts/{id}/confirmation",
            post(forms::confirm_contract),
        )
        .route("/contracts/{id}/amendments", post(forms::amend))
        .route(
            "/contracts/{id}/amendments/{amendment}/confirmation",
            post(forms::decide_amendment),
        )
        .route(
            "/contracts/{id}/deliveries",
            post(forms::deliver).layer(DefaultBodyLimit::max(deliverables)),
        )
        .route(
            "/contracts/{id}/deliveries/{delivery}/acceptance",
            post(forms::accept_delivery),
        )
        .route("/contracts/{id}/stoppages", post(forms::stop))
        .route(
            "/contracts/{id}/stoppages/{stoppage}/confirmation",
            post(forms::decide_stoppage),
        )
        .route("/contracts/{id}/evaluation", post(forms::evaluate))
        .route(
            "/contracts/{id}/evaluations/{evaluation}/reply",
            post(forms::reply),
        )
        .route("/contracts/{id}/complaints", post(forms::complain))
        .route(
            "/contracts/{id}/complaints/{complaint}/decision",
            post(forms::decide_complaint),
        )
}
