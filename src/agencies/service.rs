//! Agencies: registration (入驻), review, and reading them as each viewer may.

use super::model::{AgencyRow, PractitionerRow, QualificationRow};
use super::rules::{self, AgencyInput, AgencyRecord, AgencyStatus, AttachmentLink, Transition};
use super::views::{AgencyView, PractitionerView, QualificationView, RegionView};
use crate::accounts::Role;
use crate::app::AppState;
use crate::catalog::service as catalog;
use crate::catalog::views::QualificationTypeView;
use crate::db::schema::{
    agencies, agency_attachments, agency_regions, divisions, practitioners, qualifications,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use crate::offerings::live::grouped;
use crate::supervision::{journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

/// Who is looking, which decides what they see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    Public,
    Owner,
    Admin,
}

pub fn viewer_of(user: Option<&CurrentUser>, agency: &AgencyRow) -> Viewer {
    match user {
        Some(u) if u.role() == Role::Admin => Viewer::Admin,
        Some(u) if u.user.id == agency.owner_user_id => Viewer::Owner,
        _ => Viewer::Public,
    }
}

pub fn actor(user: &CurrentUser) -> Actor {
    Actor::user(user.user.id, &user.user.username)
}

pub fn find_row(conn: &mut DbConnection, id: i64) -> AppResult<AgencyRow> {
    agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub fn row_of_owner(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<AgencyRow>> {
    agencies::table
        .filter(agencies::owner_user_id.eq(user_id))
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()
}

fn known_divisions(conn: &mut DbConnection) -> QueryResult<HashMap<String, String>> {
    catalog::division_names(conn)
}

fn region_views(codes: &[String], names: &HashMap<String, String>) -> Vec<RegionView> {
    codes
        .iter()
        .map(|code| RegionView {
            code: code.clone(),
            name: names.get(code).cloned().unwrap_or_default(),
        })
        .collect()
}

pub fn regions_of(conn: &mut DbConnection, agency_id: i64) -> QueryResult<Vec<String>> {
    agency_regions::table
        .filter(agency_regions::agency_id.eq(agency_id))
        .order(agency_regions::division_code.asc())
        .select(agency_regions::division_code)
        .load(conn)
}

/// The agency as `viewer` may see it; `None` when the viewer may not see it at all.
pub fn view(
    conn: &mut DbConnection,
    row: &AgencyRow,
    viewer: Viewer,
    now: DateTime<Utc>,
) -> AppResult<Option<AgencyView>> {
    Ok(views_of(conn, std::slice::from_ref(row), viewer, now)?.pop())
}

/// The agencies as `viewer` may see them, in the rows' order, leaving out
/// those the viewer may not see. The queries are the same few for one row or
/// a page of them: each kind of detail is read for all the rows at once.
pub fn views_of(
    conn: &mut DbConnection,
    rows: &[AgencyRow],
    viewer: Viewer,
    now: DateTime<Utc>,
) -> AppResult<Vec<AgencyView>> {
    let shown: Vec<&AgencyRow> = rows
        .iter()
        .filter(|row| viewer != Viewer::Public || row.status_at(now) == AgencyStatus::Admitted)
        .collect();
    if shown.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i64> = shown.iter().map(|row| row.id).collect();
    let names = known_divisions(conn)?;
    let types = catalog::types_by_id(conn)?;
    let regions = grouped(&ids, |chunk| {
        agency_regions::table
            .filter(agency_regions::agency_id.eq_any(chunk))
            .order((
                agency_regions::agency_id.asc(),
                agency_regions::division_code.asc(),
            ))
            .select((agency_regions::agency_id, agency_regions::division_code))
            .load::<(i64, String)>(conn)
    })?;
    let held = grouped(&ids, |chunk| {
        Ok(qualifications::table
            .filter(qualifications::agency_id.eq_any(chunk))
            .order(qualifications::id.asc())
            .select(QualificationRow::as_select())
            .load(conn)?
            .into_iter()
            .map(|q| (q.agency_id, q))
            .collect())
    })?;
    let people = grouped(&ids, |chunk| {
        Ok(practitioners::table
            .filter(practitioners::agency_id.eq_any(chunk))
            .order(practitioners::id.asc())
            .select(PractitionerRow::as_select())
            .load(conn)?
            .into_iter()
            .map(|p| (p.agency_id, p))
            .collect())
    })?;
    let private = viewer != Viewer::Public;
    let attachments = if private {
        // In id order, so that both databases list them alike.
        grouped(&ids, |chunk| {
            Ok(agency_attachments::table
                .filter(agency_attachments::agency_id.eq_any(chunk))
                .order((
                    agency_attachments::agency_id.asc(),
                    agency_attachments::attachment_id.asc(),
                ))
                .select((
                    agency_attachments::agency_id,
                    agency_attachments::attachment_id,
                    agency_attachments::label,
                ))
                .load::<(i64, i64, String)>(conn)?
                .into_iter()
                .map(|(agency_id, attachment_id, label)| {
                    (
                        agency_id,
                        AttachmentLink {
                            attachment_id,
                            label,
                        },
                    )
                })
                .collect())
        })?
    } else {
        HashMap::new()
    };
    let live = crate::offerings::service::live_counts_of_agencies(conn, &ids, now)?;
    let mut out = Vec::with_capacity(shown.len());
    for row in shown {
        let region = RegionView {
            code: row.region_code.clone(),
            name: names.get(&row.region_code).cloned().unwrap_or_default(),
        };
        let mut agency = AgencyView::base(row, region, now);
        let codes = regions.get(&row.id).map(Vec::as_slice).unwrap_or_default();
        agency.regions = region_views(codes, &names);
        agency.qualifications = held
            .get(&row.id)
            .into_iter()
            .flatten()
            // The public sees what was verified; pending and rejected ones stay between the agency and the centre.
            .filter(|q| private || q.status == "verified")
            .filter_map(|q| {
                types.get(&q.qualification_type_id).map(|t| {
                    QualificationView::new(q, QualificationTypeView::from(t), now, private)
                })
            })
            .collect();
        agency.practitioners = people
            .get(&row.id)
            .into_iter()
            .flatten()
            .map(PractitionerView::from)
            .collect();
        if private {
            agency.attachments = attachments.get(&row.id).cloned().unwrap_or_default();
        } else {
            agency.status_reason = None;
        }
        agency.live_offerings = live.get(&row.id).copied().unwrap_or(0);
        out.push(agency);
    }
    Ok(out)
}

/// The agencies with these ids as `viewer` may see them, in the given order;
/// ids of agencies that are gone or hidden from the viewer are left out.
pub fn views_by_ids(
    conn: &mut DbConnection,
    ids: &[i64],
    viewer: Viewer,
    now: DateTime<Utc>,
) -> AppResult<Vec<AgencyView>> {
    let mut rows: HashMap<i64, AgencyRow> = HashMap::new();
    for chunk in ids.chunks(crate::offerings::live::CHUNK) {
        for row in agencies::table
            .filter(agencies::id.eq_any(chunk))
            .select(AgencyRow::as_select())
            .load(conn)?
        {
            rows.insert(row.id, row);
        }
    }
    let ordered: Vec<AgencyRow> = ids.iter().filter_map(|id| rows.remove(id)).collect();
    views_of(conn, &ordered, viewer, now)
}

fn trimmed(value: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| v.trim().to_owned())
}

fn duplicate_code() -> FieldError {
    FieldError::new(
        "uscc",
        "该统一社会信用代码已有机构入驻。",
        "An agency with this unified social credit code is already registered.",
    )
}

/// Checks an input against the rules and the database (regions, uniqueness, attachments).
fn check_input(
    conn: &mut DbConnection,
    input: &AgencyInput,
    user_id: i64,
    agency_id: Option<i64>,
) -> AppResult<()> {
    let names = known_divisions(conn)?;
    let mut errors = rules::validate_agency(input, &|code| names.contains_key(code));
    if let Some(code) = &input.uscc {
        if let Ok(code) = crate::accounts::uscc::parse(code) {
            let taken: i64 = agencies::table
                .filter(agencies::uscc.eq(&code))
                .filter(agencies::id.ne(agency_id.unwrap_or(-1)))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                errors.push(duplicate_code());
            }
        }
    }
    if let Some(links) = &input.attachments {
        let ids: Vec<i64> = links.iter().map(|l| l.attachment_id).collect();
        for id in crate::attachments::not_owned(conn, user_id, &ids)? {
            errors.push(FieldError {
                field: "attachments".into(),
                message_zh: format!("附件 {id} 不存在或不是您上传的。"),
                message_en: format!("Attachment {id} does not exist or was not uploaded by you."),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

fn replace_links(conn: &mut DbConnection, agency_id: i64, input: &AgencyInput) -> QueryResult<()> {
    if let Some(regions) = &input.regions {
        diesel::delete(agency_regions::table.filter(agency_regions::agency_id.eq(agency_id)))
            .execute(conn)?;
        let mut codes: Vec<String> = regions.iter().map(|c| c.trim().to_owned()).collect();
        codes.sort();
        codes.dedup();
        for code in codes {
            diesel::insert_into(agency_regions::table)
                .values((
                    agency_regions::agency_id.eq(agency_id),
                    agency_regions::division_code.eq(code),
                ))
                .execute(conn)?;
        }
    }
    if let Some(links) = &input.attachments {
        diesel::delete(
            agency_attachments::table.filter(agency_attachments::agency_id.eq(agency_id)),
        )
        .execute(conn)?;
        let mut seen = Vec::new();
        for link in links.iter().filter(|l| {
            let first = !seen.contains(&l.attachment_id);
            seen.push(l.attachment_id);
            first
        }) {
            diesel::insert_into(agency_attachments::table)
                .values((
                    agency_attachments::agency_id.eq(agency_id),
                    agency_attachments::attachment_id.eq(link.attachment_id),
                    agency_attachments::label.eq(link.label.trim()),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

const REQUIRED_AT_CREATION: [(&str, &str); 9] = [
    ("name", "机构名称"),
    ("uscc", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("region_code", "注册地"),
    ("address", "地址"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
    ("contact_email", "电子邮箱"),
    ("business_scope", "经营范围"),
];

fn missing_at_creation(input: &AgencyInput) -> Vec<FieldError> {
    let present = |field: &str| match field {
        "name" => input.name.is_some(),
        "uscc" => input.uscc.is_some(),
        "legal_representative" => input.legal_representative.is_some(),
        "region_code" => input.region_code.is_some(),
        "address" => input.address.is_some(),
        "contact_name" => input.contact_name.is_some(),
        "contact_phone" => input.contact_phone.is_some(),
        "contact_email" => input.contact_email.is_some(),
        _ => input.business_scope.is_some(),
    };
    REQUIRED_AT_CREATION
        .iter()
        .filter(|(field, _)| !present(field))
        .map(|(field, label)| FieldError {
            field: (*field).into(),
            message_zh: format!("请填写{label}。"),
            message_en: format!("{field} is required."),
        })
        .collect()
}

/// An agency user starts the agency's registration (a draft).
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    input: AgencyInput,
) -> AppResult<AgencyView> {
    user.require(&[Role::Agency])?;
    let missing = missing_at_creation(&input);
    if !missing.is_empty() {
        return Err(AppError::Invalid(missing));
    }
    let now = state.now();
    let (user_id, actor) = (user.user.id, actor(user));
    state
        .db
        .write(move |conn| {
            if row_of_owner(conn, user_id)?.is_some() {
                return Err(AppError::conflict(
                    "您已登记过机构，请修改已有的机构信息。",
                    "You have already registered an agency; edit it instead.",
                ));
            }
            check_input(conn, &input, user_id, None)?;
            let code = crate::accounts::uscc::parse(input.uscc.as_deref().unwrap_or(""))
                .unwrap_or_default();
            let text = |v: &Option<String>| trimmed(v).unwrap_or_default();
            let id: i64 = diesel::insert_into(agencies::table)
                .values((
                    agencies::owner_user_id.eq(user_id),
                    agencies::name.eq(text(&input.name)),
                    agencies::uscc.eq(&code),
                    agencies::legal_representative.eq(text(&input.legal_representative)),
                    agencies::region_code.eq(text(&input.region_code)),
                    agencies::address.eq(text(&input.address)),
                    agencies::contact_name.eq(text(&input.contact_name)),
                    agencies::contact_phone.eq(text(&input.contact_phone)),
                    agencies::contact_email.eq(text(&input.contact_email)),
                    agencies::business_scope.eq(text(&input.business_scope)),
                    agencies::commitment_accepted.eq(input.commitment_accepted.unwrap_or(false)),
                    agencies::status.eq(AgencyStatus::Draft.as_str()),
                    agencies::created_at.eq(now.naive_utc()),
                    agencies::updated_at.eq(now.naive_utc()),
                ))
                .returning(agencies::id)
                .get_result(conn)
                .map_err(|e| match e {
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    ) => AppError::Invalid(vec![duplicate_code()]),
                    other => other.into(),
                })?;
            replace_links(conn, id, &input)?;
            journal(
                conn,
                now,
                &actor,
                Event {
                    action: "agency.created",
                    entity_type: "agency",
                    entity_id: id.to_string(),
                    detail: json!({ "name": text(&input.name), "uscc": code }),
                },
                Publish::Yes,
            )?;
            let row = find_row(conn, id)?;
            view(conn, &row, Viewer::Owner, now)?.ok_or(AppError::NotFound)
        })
        .await
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = agencies)]
struct AgencyChanges {
    name: Option<String>,
    uscc: Option<String>,
    legal_representative: Option<String>,
    region_code: Option<String>,
    address: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    business_scope: Option<String>,
    commitment_accepted: Option<bool>,
    updated_at: Option<chrono::NaiveDateTime>,
}

/// The agency edits its record: everything while a draft or returned; after
/// that only its contacts, scope, regions and attachments.
pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    input: AgencyInput,
) -> AppResult<AgencyView> {
    let now = state.now();
    let (user_id, actor) = (user.user.id, actor(user));
    state
        .db
        .write(move |conn| {
            let row = find_row(conn, id)?;
            if row.owner_user_id != user_id {
                return Err(AppError::NotFound);
            }
            let status = row.status_at(now);
            if status == AgencyStatus::Expelled {
                return Err(AppError::conflict(
                    "机构已被清退，不能修改。",
                    "The agency was expelled and can no longer be changed.",
                ));
            }
            if !status.registration_editable() {
                let locked: Vec<FieldError> = [
                    ("name", input.name.is_some()),
                    ("uscc", input.uscc.is_some()),
                    ("legal_representative", input.legal_representative.is_some()),
                    ("region_code", input.region_code.is_some()),
                ]
                .into_iter()
                .filter(|(_, given)| *given)
                .map(|(field, _)| FieldError {
                    field: field.into(),
                    message_zh: "提交审核后不能再修改登记信息，如需变更请联系中心管理员。".into(),
                    message_en: format!(
                        "{field} cannot be changed after submission; ask the centre."
                    ),
                })
                .collect();
                if !locked.is_empty() {
                    return Err(AppError::Invalid(locked));
                }
            }
            check_input(conn, &input, user_id, Some(id))?;
            let changes = AgencyChanges {
                name: trimmed(&input.name),
                uscc: input
                    .uscc
                    .as_deref()
                    .and_then(|c| crate::accounts::uscc::parse(c).ok()),
                legal_representative: trimmed(&input.legal_representative),
                region_code: trimmed(&input.region_code),
                address: trimmed(&input.address),
                contact_name: trimmed(&input.contact_name),
                contact_phone: trimmed(&input.contact_phone),
                contact_email: trimmed(&input.contact_email),
                business_scope: trimmed(&input.business_scope),
                commitment_accepted: input.commitment_accepted,
                updated_at: Some(now.naive_utc()),
            };
            diesel::update(agencies::table.find(id))
                .set(&changes)
                .execute(conn)?;
            replace_links(conn, id, &input)?;
            journal(
                conn,
                now,
                &actor,
                Event {
                    action: "agency.updated",
                    entity_type: "agency",
                    entity_id: id.to_string(),
                    detail: json!({}),
                },
                Publish::Yes,
            )?;
            let row = find_row(conn, id)?;
            view(conn, &row, Viewer::Owner, now)?.ok_or(AppError::NotFound)
        })
        .await
}

/// What an administrator decides about an agency.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    /// approve | return | suspend | reinstate | expel
    pub action: Transition,
    /// Required to return, suspend or expel.
    #[serde(default)]
    pub reason: Option<String>,
    /// Last day of a suspension or expulsion (China time), required for those.
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

fn transition_refused(status: AgencyStatus, transition: Transition) -> AppError {
    AppError::conflict(
        &format!("机构当前状态为“{}”，不能执行该操作。", status.label_zh()),
        &format!(
            "An agency in status {} cannot {}.",
            status.as_str(),
            transition.as_str()
        ),
    )
}

/// The agency submits its registration for review.
pub async fn submit(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<AgencyView> {
    let now = state.now();
    let (user_id, actor) = (user.user.id, actor(user));
    state
        .db
        .write(move |conn| {
            let row = find_row(conn, id)?;
            if row.owner_user_id != user_id {
                return Err(AppError::NotFound);
            }
            let status = row.status_at(now);
            let next = rules::next_status(status, Transition::Submit)
                .ok_or_else(|| transition_refused(status, Transition::Submit))?;
            let gaps = rules::submission_gaps(&AgencyRecord {
                commitment_accepted: row.commitment_accepted,
                regions: regions_of(conn, id)?,
            });
            if !gaps.is_empty() {
                return Err(AppError::Invalid(gaps));
            }
            diesel::update(agencies::table.find(id))
                .set((
                    agencies::status.eq(next.as_str()),
                    agencies::status_reason.eq(None::<String>),
                    agencies::submitted_at.eq(now.naive_utc()),
                    agencies::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            journal(
                conn,
                now,
                &actor,
                Event {
                    action: "agency.submitted",
                    entity_type: "agency",
                    entity_id: id.to_string(),
                    detail: json!({ "from": status.as_str() }),
                },
                Publish::Yes,
            )?;
            let row = find_row(conn, id)?;
            view(conn, &row, Viewer::Owner, now)?.ok_or(AppError::NotFound)
        })
        .await
}

/// An administrator approves, returns, suspends, reinstates or expels.
pub async fn review(
    state: &AppState,
    admin: &CurrentUser,
    id: i64,
    request: ReviewRequest,
) -> AppResult<AgencyView> {
    admin.require(&[Role::Admin])?;
    let now = state.now();
    let actor = actor(admin);
    let reason = super::rules::reason_given(request.reason.as_deref());
    let mut errors = Vec::new();
    if request.action == Transition::Submit {
        errors.push(FieldError::new(
            "action",
            "审核操作只能是 approve、return、suspend、reinstate 或 expel。",
            "action must be approve, return, suspend, reinstate or expel.",
        ));
    }
    if request.action.needs_reason() && reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "退回、暂停或清退须写明理由。",
            "A reason is required to return, suspend or expel.",
        ));
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        errors.push(FieldError::new(
            "reason",
            "理由不能超过1000个字。",
            "The reason must have at most 1000 characters.",
        ));
    }
    let until = request.until.map(rules::expiry_instant);
    match until {
        None if request.action.needs_period() => errors.push(FieldError::new(
            "until",
            "暂停或清退须写明期限（截止日期）。",
            "A period end date is required to suspend or expel.",
        )),
        Some(end) if end <= now && request.action.needs_period() => errors.push(FieldError::new(
            "until",
            "期限应晚于今天。",
            "The period must end after today.",
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    state
        .db
        .write(move |conn| {
            let row = find_row(conn, id)?;
            let status = row.status_at(now);
            let next = rules::next_status(status, request.action).ok_or_else(|| transition_refused(status, request.action))?;
            let admitted_at = if next == AgencyStatus::Admitted && row.admitted_at.is_none() { Some(now.naive_utc()) } else { row.admitted_at };
            diesel::update(agencies::table.find(id))
                .set((
                    agencies::status.eq(next.as_str()),
                    agencies::status_reason.eq(&reason),
                    agencies::status_until.eq(if request.action.needs_period() { until.map(|u| u.naive_utc()) } else { None }),
                    agencies::admitted_at.eq(admitted_at),
                    agencies::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            journal(
                conn,
                now,
                &actor,
                Event {
                    action: match request.action {
                        Transition::Approve => "agency.admitted",
                        Transition::Return => "agency.returned",
                        Transition::Suspend => "agency.suspended",
                        Transition::Reinstate => "agency.reinstated",
                        Transition::Expel => "agency.expelled",
                        Transition::Submit => "agency.submitted",
                    },
                    entity_type: "agency",
                    entity_id: id.to_string(),
                    detail: json!({ "from": status.as_str(), "to": next.as_str(), "reason": reason, "until": request.until }),
                },
                Publish::Yes,
            )?;
            let body = match &reason {
                Some(reason) => format!("您的机构“{}”状态已变为“{}”。理由：{reason}", row.name, next.label_zh()),
                None => format!("您的机构“{}”状态已变为“{}”。", row.name, next.label_zh()),
            };
            crate::messages::send(conn, now, row.owner_user_id, &format!("机构审核结果：{}", next.label_zh()), &body, "/my/agency")?;
            let row = find_row(conn, id)?;
            view(conn, &row, Viewer::Admin, now)?.ok_or(AppError::NotFound)
        })
        .await
}

/// Filters of the agency directory.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AgencyFilter {
    /// A division code: agencies serving it (a city includes its counties; the whole province covers all).
    pub region: Option<String>,
    /// A service item id: agencies with a live offering for it.
    pub service_item: Option<i64>,
    /// Administrators may list by status (default: admitted).
    pub status: Option<String>,
}

/// The directory: admitted agencies for everyone; any status for
/// administrators. Filters run over plain rows; views are built for one page.
pub fn list(
    conn: &mut DbConnection,
    filter: &AgencyFilter,
    viewer: Viewer,
    now: DateTime<Utc>,
    paging: &crate::web::paging::Paging,
) -> AppResult<(Vec<AgencyView>, i64)> {
    let wanted = match (&filter.status, viewer) {
        (Some(status), Viewer::Admin) => Some(AgencyStatus::parse(status).ok_or_else(|| {
            AppError::invalid("status", "未知的机构状态。", "Unknown agency status.")
        })?),
        (_, Viewer::Admin) => None,
        _ => Some(AgencyStatus::Admitted),
    };
    if let Some(region) = &filter.region {
        if !crate::catalog::divisions::well_formed(region) {
            return Err(AppError::invalid(
                "region",
                "地区代码应为6位数字。",
                "region must be a 6-digit division code.",
            ));
        }
    }
    let rows: Vec<AgencyRow> = agencies::table
        .order(agencies::id.asc())
        .select(AgencyRow::as_select())
        .load(conn)?;
    let mut declared: HashMap<i64, Vec<String>> = HashMap::new();
    if filter.region.is_some() {
        for (agency, code) in agency_regions::table
            .select((agency_regions::agency_id, agency_regions::division_code))
            .load::<(i64, String)>(conn)?
        {
            declared.entry(agency).or_default().push(code);
        }
    }
    let with_item: Option<Vec<i64>> = match filter.service_item {
        Some(item) => Some(crate::offerings::service::agencies_with_live_offering(
            conn, item, now,
        )?),
        None => None,
    };
    let matching: Vec<AgencyRow> = rows
        .into_iter()
        .filter(|row| wanted.is_none_or(|w| w == row.status_at(now)))
        .filter(|row| match &filter.region {
            Some(region) => declared.get(&row.id).is_some_and(|codes| {
                codes.iter().any(|code| {
                    crate::catalog::divisions::covers(code, region)
                        || crate::catalog::divisions::covers(region, code)
                })
            }),
            None => true,
        })
        .filter(|row| with_item.as_ref().is_none_or(|ids| ids.contains(&row.id)))
        .collect();
    let total = matching.len() as i64;
    let page: Vec<AgencyRow> = matching
        .into_iter()
        .skip(paging.offset())
        .take(paging.per_page())
        .collect();
    Ok((views_of(conn, &page, viewer, now)?, total))
}

/// One agency for whoever asks; hidden agencies are "not found".
pub fn find(
    conn: &mut DbConnection,
    id: i64,
    user: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> AppResult<AgencyView> {
    let row = find_row(conn, id)?;
    view(conn, &row, viewer_of(user, &row), now)?.ok_or(AppError::NotFound)
}

/// Division codes the directory can filter by: 江西's cities and counties.
pub fn region_choices(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, String)>> {
    divisions::table
        .filter(divisions::code.like("36%"))
        .order(divisions::code.asc())
        .select((divisions::code, divisions::name, divisions::level))
        .load(conn)
}
