//! Agency pages: the public directory and profile, the agency's own back
//! office (application, qualifications, practitioners, attachments) and the
//! administrators' review queue.

use super::qualifications::{
    self, PractitionerInput, QualificationDecision, QualificationInput, QualificationReview,
};
use super::rules::{AgencyInput, AgencyStatus, AttachmentLink, Transition};
use super::service::{self, AgencyFilter, ReviewRequest, Viewer};
use super::views::AgencyView;
use crate::accounts::Role;
use crate::app::AppState;
use crate::catalog::service::{self as catalog, Include};
use crate::error::{AppError, AppResult, FieldError};
use crate::offerings::views::OfferingView;
use crate::web::csrf::{CsrfForm, CsrfMultipart};
use crate::web::pages::{field_message, Choice, Layout, Page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

fn status_label(status: &AgencyStatus) -> &'static str {
    status.label_zh()
}

/// Jiangxi's cities and counties for the filters and forms, indented by level.
pub async fn region_choices(state: &AppState, with_province: bool) -> AppResult<Vec<Choice>> {
    state
        .db
        .run(move |conn| {
            Ok(service::region_choices(conn)?
                .into_iter()
                .filter(|(_, _, level)| with_province || level != "province")
                .map(|(code, name, level)| Choice {
                    label: match level.as_str() {
                        "province" => format!("{name}（全省）"),
                        "county" => format!("　{name}"),
                        _ => name,
                    },
                    value: code,
                })
                .collect())
        })
        .await
}

pub async fn item_choices(state: &AppState) -> AppResult<Vec<Choice>> {
    state
        .db
        .run(|conn| {
            Ok(catalog::list_items(conn, Include::ActiveOnly)?
                .into_iter()
                .map(|i| Choice {
                    value: i.id.to_string(),
                    label: format!("{} {}", i.code, i.name),
                })
                .collect())
        })
        .await
}

#[derive(Deserialize, Default)]
pub struct DirectoryQuery {
    #[serde(default)]
    region: String,
    #[serde(default)]
    service_item: String,
    #[serde(default)]
    page: Option<usize>,
    /// `csv` or `xlsx`: the whole directory as a download.
    #[serde(default)]
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "agencies/directory.html")]
struct DirectoryPage {
    layout: Layout,
    agencies: Vec<AgencyView>,
    regions: Vec<Choice>,
    items: Vec<Choice>,
    region: String,
    service_item: String,
    total: i64,
    next_page: Option<String>,
}

pub async fn directory(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let filter = AgencyFilter {
        region: Some(query.region.clone()).filter(|r| !r.is_empty()),
        service_item: query.service_item.parse().ok(),
        status: None,
    };
    let now = state.now();
    let paging = crate::web::paging::Paging {
        page: query.page,
        per_page: None,
    };
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let export_filter = filter.clone();
    let (agencies, total) = state
        .db
        .run(move |conn| service::list(conn, &filter, Viewer::Public, now, &paging))
        .await?;
    // After the first page, so a bad filter is refused before a download starts.
    if let Some(format) = format {
        return Ok(crate::exports::lists::agencies(
            &state,
            export_filter,
            Viewer::Public,
            format,
        ));
    }
    let links = [
        ("region", query.region.clone()),
        ("service_item", query.service_item.clone()),
    ];
    let next_page = paging.meta(total, "/agencies", &links).next_page;
    let template = DirectoryPage {
        total,
        next_page,
        layout: page.layout("中介机构名录"),
        agencies,
        regions: region_choices(&state, false).await?,
        items: item_choices(&state).await?,
        region: query.region,
        service_item: query.service_item,
    };
    Ok(page.render(StatusCode::OK, &template))
}

#[derive(Template)]
#[template(path = "agencies/profile.html")]
struct ProfilePage {
    layout: Layout,
    agency: AgencyView,
    offerings: Vec<OfferingView>,
    /// Admitted (or once admitted) agencies have a public credit record.
    credit: Option<crate::supervision::credit::CreditScore>,
    evaluations: Vec<crate::contracts::evaluations::EvaluationView>,
    track: crate::contracts::file::TrackRecord,
}

impl ProfilePage {
    fn status(&self) -> &'static str {
        status_label(&self.agency.status)
    }
    fn price(&self, offering: &OfferingView) -> String {
        crate::offerings::pages::price_text(offering)
    }
    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        crate::projects::pages::time(t)
    }
    fn signed(&self, points: &i64) -> String {
        format!("{points:+}")
    }
    fn stars(&self, rating: &i32) -> String {
        let n = (*rating).clamp(0, 5) as usize;
        format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
    }
}

pub async fn profile(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let now = state.now();
    let user = page.user.clone();
    let (agency, offerings, credit, evaluations, track) = state
        .db
        .run(move |conn| {
            let agency = service::find(conn, id, user.as_ref(), now)?;
            let filter = crate::offerings::service::OfferingFilter {
                agency: Some(id),
                ..Default::default()
            };
            let public = matches!(
                agency.status,
                AgencyStatus::Admitted | AgencyStatus::Suspended | AgencyStatus::Expelled
            );
            let credit = if public {
                Some(crate::supervision::credit::score_of(conn, id, now)?)
            } else {
                None
            };
            Ok((
                agency,
                crate::offerings::service::list_live(conn, &filter, now)?,
                credit,
                crate::contracts::evaluations::public_of(conn, id, now)?,
                crate::contracts::file::track_record(conn, id)?,
            ))
        })
        .await?;
    let template = ProfilePage {
        layout: page.layout(&agency.name),
        agency,
        offerings,
        credit,
        evaluations,
        track,
    };
    Ok(page.render(StatusCode::OK, &template))
}

/// The application form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AgencyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    legal_representative: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    business_scope: String,
    #[serde(default)]
    commitment_accepted: Option<String>,
    #[serde(default)]
    regions: Vec<String>,
}

impl AgencyForm {
    fn from_view(a: &AgencyView) -> Self {
        AgencyForm {
            name: a.name.clone(),
            uscc: a.uscc.clone(),
            legal_representative: a.legal_representative.clone(),
            region_code: a.region.code.clone(),
            address: a.address.clone(),
            contact_name: a.contact_name.clone(),
            contact_phone: a.contact_phone.clone(),
            contact_email: a.contact_email.clone(),
            business_scope: a.business_scope.clone(),
            commitment_accepted: a.commitment_accepted.then(|| "1".into()),
            regions: a.regions.iter().map(|r| r.code.clone()).collect(),
        }
    }

    /// The API input; registration fields only while they may change.
    fn to_input(&self, registration_editable: bool) -> AgencyInput {
        let text = |s: &String| Some(s.clone());
        AgencyInput {
            name: registration_editable.then(|| self.name.clone()),
            uscc: registration_editable.then(|| self.uscc.clone()),
            legal_representative: registration_editable.then(|| self.legal_representative.clone()),
            region_code: registration_editable.then(|| self.region_code.clone()),
            address: text(&self.address),
            contact_name: text(&self.contact_name),
            contact_phone: text(&self.contact_phone),
            contact_email: text(&self.contact_email),
            business_scope: text(&self.business_scope),
            commitment_accepted: Some(self.commitment_accepted.is_some()),
            regions: Some(
                self.regions
                    .iter()
                    .filter(|r| !r.is_empty())
                    .cloned()
                    .collect(),
            ),
            attachments: None,
        }
    }
}

pub struct TypeChoice {
    pub code: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "agencies/mine.html")]
struct MinePage {
    layout: Layout,
    agency: Option<AgencyView>,
    form: AgencyForm,
    errors: Vec<FieldError>,
    notice: String,
    all_regions: Vec<Choice>,
    served_regions: Vec<Choice>,
    types: Vec<TypeChoice>,
}

impl MinePage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
    fn served(&self, code: &str) -> bool {
        self.form.regions.iter().any(|r| r == code)
    }
    fn editable(&self) -> bool {
        self.agency
            .as_ref()
            .is_none_or(|a| a.status.registration_editable())
    }
    fn can_submit(&self) -> bool {
        self.agency
            .as_ref()
            .is_some_and(|a| matches!(a.status, AgencyStatus::Draft | AgencyStatus::Returned))
    }
    fn status(&self) -> &'static str {
        self.agency
            .as_ref()
            .map(|a| status_label(&a.status))
            .unwrap_or("")
    }
    fn status_class(&self) -> &'static str {
        self.agency
            .as_ref()
            .map(|a| a.status.as_str())
            .unwrap_or("")
    }
}

async fn all_divisions(state: &AppState) -> AppResult<Vec<Choice>> {
    state
        .db
        .run(|conn| {
            use crate::db::schema::divisions;
            use diesel::prelude::*;
            let rows: Vec<(String, String, String)> = divisions::table
                .filter(divisions::level.ne("prefecture_virtual"))
                .order(divisions::code.asc())
                .select((divisions::code, divisions::name, divisions::level))
                .load(conn)?;
            // 江西 first, then the rest of the country.
            let (home, rest): (Vec<_>, Vec<_>) = rows
                .into_iter()
                .partition(|(code, _, _)| code.starts_with("36"));
            Ok(home
                .into_iter()
                .chain(rest)
                .map(|(code, name, level)| Choice {
                    label: if level == "county" {
                        format!("　{name}")
                    } else {
                        name
                    },
                    value: code,
                })
                .collect())
        })
        .await
}

async fn render_mine(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    form: Option<AgencyForm>,
    errors: Vec<FieldError>,
    notice: &str,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Agency])?;
    let now = state.now();
    let agency = state
        .db
        .run(
            move |conn| match service::row_of_owner(conn, user.user.id)? {
                Some(row) => service::view(conn, &row, Viewer::Owner, now),
                None => Ok(None),
            },
        )
        .await?;
    let types = state
        .db
        .run(catalog::list_types)
        .await?
        .into_iter()
        .map(|t| TypeChoice {
            label: if t.levels.is_empty() {
                t.name.clone()
            } else {
                format!("{}（{}）", t.name, t.levels.join("/"))
            },
            code: t.code,
        })
        .collect();
    let form = form.unwrap_or_else(|| {
        agency
            .as_ref()
            .map(AgencyForm::from_view)
            .unwrap_or_default()
    });
    let template = MinePage {
        layout: page.layout("我的机构"),
        agency,
        form,
        errors,
        notice: notice.to_owned(),
        all_regions: all_divisions(state).await?,
        served_regions: region_choices(state, true).await?,
        types,
    };
    Ok(page.render(status, &template))
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn mine(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = match query.saved.as_deref() {
        Some("submitted") => "已提交审核，请等待中心管理员审核。",
        Some(_) => "已保存。",
        None => "",
    };
    render_mine(&state, &page, StatusCode::OK, None, vec![], notice).await
}

async fn own_agency(state: &AppState, user_id: i64) -> AppResult<Option<super::model::AgencyRow>> {
    state
        .db
        .run(move |conn| Ok(service::row_of_owner(conn, user_id)?))
        .await
}

pub async fn save_mine(
    State(state): State<AppState>,
    page: Page,
    CsrfForm(form): CsrfForm<AgencyForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let existing = own_agency(&state, user.user.id).await?;
    let result = match &existing {
        Some(row) => {
            let editable = row.status_at(state.now()).registration_editable();
            service::update(&state, &user, row.id, form.to_input(editable)).await
        }
        None => service::create(&state, &user, form.to_input(true)).await,
    };
    match result {
        Ok(_) => Ok(Redirect::to("/my/agency?saved=1").into_response()),
        Err(AppError::Invalid(errors)) => {
            render_mine(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(form),
                errors,
                "",
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// The agency page again, with the fields at fault next to them.
async fn show_errors(
    state: &AppState,
    page: &Page,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    render_mine(
        state,
        page,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        errors,
        "",
    )
    .await
}

#[derive(Deserialize)]
pub struct EmptyForm {}

pub async fn submit_mine(
    State(state): State<AppState>,
    page: Page,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let row = own_agency(&state, user.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    match service::submit(&state, &user, row.id).await {
        Ok(_) => Ok(Redirect::to("/my/agency?saved=submitted").into_response()),
        Err(AppError::Invalid(errors)) => show_errors(&state, &page, errors).await,
        Err(other) => Err(other),
    }
}

/// Adds a qualification, with its scan, from a multipart form.
pub async fn add_qualification(
    State(state): State<AppState>,
    page: Page,
    mut form: CsrfMultipart,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let row = own_agency(&state, user.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let scan = match form.take_upload() {
        Some(upload) => {
            match crate::attachments::routes::save(&state, user.user.id, upload).await {
                Ok(saved) => Some(saved.id),
                Err(AppError::Invalid(errors)) => {
                    let errors = errors
                        .into_iter()
                        .map(|e| FieldError {
                            field: "scan".into(),
                            ..e
                        })
                        .collect();
                    return show_errors(&state, &page, errors).await;
                }
                Err(other) => return Err(other),
            }
        }
        None => None,
    };
    let date = |name: &str| chrono::NaiveDate::parse_from_str(&form.field(name), "%Y-%m-%d").ok();
    let input = QualificationInput {
        qualification_type: form.field("qualification_type"),
        level: Some(form.field("level")).filter(|l| !l.is_empty()),
        certificate_no: form.field("certificate_no"),
        issuer: form.field("issuer"),
        valid_from: date("valid_from"),
        valid_until: date("valid_until"),
        scan_attachment_id: scan,
    };
    match qualifications::add(&state, &user, row.id, input).await {
        Ok(_) => Ok(Redirect::to("/my/agency?saved=1#qualifications").into_response()),
        Err(AppError::Invalid(errors)) => show_errors(&state, &page, errors).await,
        Err(other) => Err(other),
    }
}

/// Uploads an attachment (营业执照, 承诺书 …) and links it to the agency.
pub async fn add_attachment(
    State(state): State<AppState>,
    page: Page,
    mut form: CsrfMultipart,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let row = own_agency(&state, user.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let label = form.field("label");
    let Some(upload) = form.take_upload() else {
        let errors = vec![FieldError::new(
            "file",
            "请选择要上传的文件。",
            "No file was sent.",
        )];
        return show_errors(&state, &page, errors).await;
    };
    let saved = match crate::attachments::routes::save(&state, user.user.id, upload).await {
        Ok(saved) => saved,
        Err(AppError::Invalid(errors)) => return show_errors(&state, &page, errors).await,
        Err(other) => return Err(other),
    };
    let now = state.now();
    let agency_id = row.id;
    let mut links = state
        .db
        .run(move |conn| {
            Ok(service::view(conn, &row, Viewer::Owner, now)?
                .map(|a| a.attachments)
                .unwrap_or_default())
        })
        .await?;
    links.push(AttachmentLink {
        attachment_id: saved.id,
        label: if label.is_empty() {
            saved.file_name.clone()
        } else {
            label
        },
    });
    let input = AgencyInput {
        attachments: Some(links),
        ..Default::default()
    };
    service::update(&state, &user, agency_id, input).await?;
    Ok(Redirect::to("/my/agency?saved=1#attachments").into_response())
}

pub async fn add_practitioner(
    State(state): State<AppState>,
    page: Page,
    CsrfForm(input): CsrfForm<PractitionerInput>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let row = own_agency(&state, user.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    match qualifications::add_practitioner(&state, &user, row.id, input).await {
        Ok(_) => Ok(Redirect::to("/my/agency?saved=1#practitioners").into_response()),
        Err(AppError::Invalid(errors)) => show_errors(&state, &page, errors).await,
        Err(other) => Err(other),
    }
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    status: String,
    /// `csv` or `xlsx` downloads the queue's list instead.
    #[serde(default)]
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/agencies.html")]
struct QueuePage {
    layout: Layout,
    agencies: Vec<AgencyView>,
    status: String,
    statuses: Vec<(String, &'static str)>,
}

impl QueuePage {
    fn label(&self, status: &AgencyStatus) -> &'static str {
        status_label(status)
    }
}

pub async fn admin_queue(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<QueueQuery>,
) -> AppResult<Response> {
    page.require_user()?.require(&[Role::Admin])?;
    let status = if query.status.is_empty() {
        "submitted".to_owned()
    } else {
        query.status
    };
    let filter = AgencyFilter {
        status: Some(status.clone()).filter(|s| s != "all"),
        ..Default::default()
    };
    if let Some(format) = crate::exports::Format::requested(query.format.as_deref())? {
        return Ok(crate::exports::lists::agencies(
            &state,
            filter,
            Viewer::Admin,
            format,
        ));
    }
    let now = state.now();
    let paging = crate::web::paging::Paging {
        page: None,
        per_page: Some(crate::web::paging::MAX_PER_PAGE),
    };
    let (agencies, _) = state
        .db
        .run(move |conn| service::list(conn, &filter, Viewer::Admin, now, &paging))
        .await?;
    let statuses = [
        AgencyStatus::Submitted,
        AgencyStatus::Returned,
        AgencyStatus::Draft,
        AgencyStatus::Admitted,
        AgencyStatus::Suspended,
        AgencyStatus::Expelled,
    ]
    .into_iter()
    .map(|s| (s.as_str().to_owned(), s.label_zh()))
    .chain([("all".to_owned(), "全部")])
    .collect();
    let template = QueuePage {
        layout: page.layout("入驻审核"),
        agencies,
        status,
        statuses,
    };
    Ok(page.render(StatusCode::OK, &template))
}

#[derive(Template)]
#[template(path = "admin/agency.html")]
struct ReviewPage {
    layout: Layout,
    agency: AgencyView,
    errors: Vec<FieldError>,
    actions: Vec<(&'static str, &'static str)>,
    /// Once admitted, the credit record the administrator adds penalties and rewards to.
    credit: Option<crate::supervision::credit::CreditScore>,
}

impl ReviewPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
    fn status(&self) -> &'static str {
        status_label(&self.agency.status)
    }
    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        crate::projects::pages::time(t)
    }
    fn signed(&self, points: &i64) -> String {
        format!("{points:+}")
    }
}

async fn render_review(
    state: &AppState,
    page: &Page,
    id: i64,
    status: StatusCode,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Admin])?;
    let now = state.now();
    let (agency, credit) = state
        .db
        .run(move |conn| {
            let agency = service::find(conn, id, Some(&user), now)?;
            let credit = if matches!(
                agency.status,
                AgencyStatus::Admitted | AgencyStatus::Suspended | AgencyStatus::Expelled
            ) {
                Some(crate::supervision::credit::score_of(conn, id, now)?)
            } else {
                None
            };
            Ok((agency, credit))
        })
        .await?;
    let actions = [
        (Transition::Approve, "准予入驻"),
        (Transition::Return, "退回修改"),
        (Transition::Suspend, "暂停"),
        (Transition::Reinstate, "恢复"),
        (Transition::Expel, "清退"),
    ]
    .into_iter()
    .filter(|(t, _)| super::rules::next_status(agency.status, *t).is_some())
    .map(|(t, label)| (t.as_str(), label))
    .collect();
    let template = ReviewPage {
        layout: page.layout(&format!("审核：{}", agency.name)),
        agency,
        errors,
        actions,
        credit,
    };
    Ok(page.render(status, &template))
}

/// An administrator records a penalty or a reward, with an optional evidence file.
pub async fn admin_credit_event(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    mut form: CsrfMultipart,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Admin])?;
    let points = form.field("points").parse::<i32>().ok();
    let mut input = crate::supervision::credit_events::CreditEventInput {
        points,
        reason: Some(form.field("reason")),
        evidence_attachment_id: None,
    };
    let refused = |errors: Vec<FieldError>| {
        errors
            .into_iter()
            .map(|e| FieldError {
                field: format!("credit.{}", e.field),
                ..e
            })
            .collect::<Vec<_>>()
    };
    // Checked before the evidence is stored, so a refused form leaves no file behind.
    if let Err(AppError::Invalid(errors)) = crate::supervision::credit_events::checked(&input) {
        return render_review(
            &state,
            &page,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            refused(errors),
        )
        .await;
    }
    if let Some(upload) = form.take_upload() {
        match crate::attachments::routes::save(&state, user.user.id, upload).await {
            Ok(saved) => input.evidence_attachment_id = Some(saved.id),
            Err(AppError::Invalid(errors)) => {
                let errors = refused(
                    errors
                        .into_iter()
                        .map(|e| FieldError {
                            field: "evidence_attachment_id".into(),
                            ..e
                        })
                        .collect(),
                );
                return render_review(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors)
                    .await;
            }
            Err(other) => return Err(other),
        }
    }
    match crate::supervision::credit_events::record(&state, &user, id, input).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/admin/agencies/{id}?credit=recorded#credit")).into_response(),
        ),
        Err(AppError::Invalid(errors)) => {
            render_review(
                &state,
                &page,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                refused(errors),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

pub async fn admin_agency(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_review(&state, &page, id, StatusCode::OK, vec![]).await
}

#[derive(Deserialize, Default)]
pub struct ReviewForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    until: String,
}

pub async fn admin_review(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let action =
        serde_json::from_value::<Transition>(serde_json::Value::String(form.action.clone()));
    let Ok(action) = action else {
        let errors = vec![FieldError::new(
            "action",
            "请选择审核操作。",
            "Choose an action.",
        )];
        return render_review(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    };
    let request = ReviewRequest {
        action,
        reason: Some(form.reason),
        until: chrono::NaiveDate::parse_from_str(form.until.trim(), "%Y-%m-%d").ok(),
    };
    match service::review(&state, &user, id, request).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/agencies/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            render_review(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize, Default)]
pub struct QualificationForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    agency_id: i64,
}

pub async fn admin_review_qualification(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<QualificationForm>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let action = match form.action.as_str() {
        "verify" => QualificationDecision::Verify,
        "reject" => QualificationDecision::Reject,
        _ => QualificationDecision::Revoke,
    };
    let request = QualificationReview {
        action,
        reason: Some(form.reason),
    };
    match qualifications::review(&state, &user, id, request).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/agencies/{}", form.agency_id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            render_review(
                &state,
                &page,
                form.agency_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await
        }
        Err(other) => Err(other),
    }
}
