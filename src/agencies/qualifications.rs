//! Qualifications (资质) and practitioners (执业人员) of an agency: the agency
//! records them, an administrator verifies each qualification.

use super::model::QualificationRow;
use super::service::{actor, find_row};
use super::views::{PractitionerView, QualificationView};
use crate::accounts::Role;
use crate::app::AppState;
use crate::catalog::model::QualificationTypeRow;
use crate::catalog::views::QualificationTypeView;
use crate::db::schema::{practitioners, qualification_types, qualifications};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::{journal, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct QualificationInput {
    /// The qualification type's code, e.g. QT_SURVEYING.
    #[serde(default)]
    pub qualification_type: String,
    /// One of the type's levels (甲级, 乙级 …); absent for types without levels.
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub certificate_no: String,
    #[serde(default)]
    pub issuer: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// An attachment the agency uploaded: the certificate's scan.
    #[serde(default)]
    pub scan_attachment_id: Option<i64>,
}

fn validate(
    input: &QualificationInput,
    kind: Option<&QualificationTypeRow>,
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match kind {
        None => errors.push(FieldError::new(
            "qualification_type",
            "没有这种资质类型。",
            "Unknown qualification type.",
        )),
        Some(kind) => {
            let levels = kind.level_list();
            let level = input
                .level
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty());
            match level {
                Some(level) if !levels.iter().any(|l| l == level) => errors.push(FieldError {
                    field: "level".into(),
                    message_zh: format!(
                        "“{}”的等级只能是：{}。",
                        kind.name,
                        if levels.is_empty() {
                            "无等级".into()
                        } else {
                            levels.join("、")
                        }
                    ),
                    message_en: format!("{} has levels: {}.", kind.code, levels.join(", ")),
                }),
                None if !levels.is_empty() => errors.push(FieldError {
                    field: "level".into(),
                    message_zh: format!("请选择等级：{}。", levels.join("、")),
                    message_en: format!("Choose a level: {}.", levels.join(", ")),
                }),
                _ => {}
            }
        }
    }
    let certificate = input.certificate_no.trim();
    if certificate.is_empty() || certificate.chars().count() > 64 {
        errors.push(FieldError::new(
            "certificate_no",
            "请填写证书编号（不超过64个字符）。",
            "The certificate number is required (at most 64 characters).",
        ));
    }
    let issuer = input.issuer.trim();
    if issuer.chars().count() < 2 || issuer.chars().count() > 100 {
        errors.push(FieldError::new(
            "issuer",
            "请填写发证机关。",
            "The issuer is required.",
        ));
    }
    match (input.valid_from, input.valid_until) {
        (None, _) => errors.push(FieldError::new(
            "valid_from",
            "请填写有效期起始日期。",
            "valid_from is required.",
        )),
        (_, None) => errors.push(FieldError::new(
            "valid_until",
            "请填写有效期截止日期。",
            "valid_until is required.",
        )),
        (Some(from), Some(until)) if until < from => errors.push(FieldError::new(
            "valid_until",
            "有效期截止日期不能早于起始日期。",
            "valid_until is before valid_from.",
        )),
        (Some(_), Some(until)) if until < today => errors.push(FieldError::new(
            "valid_until",
            "该证书已过有效期，不能登记。",
            "The certificate has already expired.",
        )),
        _ => {}
    }
    errors
}

fn type_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<QualificationTypeRow>> {
    qualification_types::table
        .filter(qualification_types::code.eq(code.trim()))
        .select(QualificationTypeRow::as_select())
        .first(conn)
        .optional()
}

fn type_by_id(conn: &mut DbConnection, id: i64) -> AppResult<QualificationTypeRow> {
    Ok(qualification_types::table
        .find(id)
        .select(QualificationTypeRow::as_select())
        .first(conn)?)
}

/// The agency records a qualification; it counts once an administrator verifies it.
pub async fn add(
    state: &AppState,
    user: &CurrentUser,
    agency_id: i64,
    input: QualificationInput,
) -> AppResult<QualificationView> {
    let now = state.now();
    let today = crate::calendar::WorkingCalendar::local_date(now);
    let (user_id, actor) = (user.user.id, actor(user));
    state
        .db
        .write(move |conn| {
            let agency = find_row(conn, agency_id)?;
            if agency.owner_user_id != user_id {
                return Err(AppError::NotFound);
            }
            if agency.status_at(now) == super::rules::AgencyStatus::Expelled {
                return Err(AppError::conflict("机构已被清退。", "The agency was expelled."));
            }
            let kind = type_by_code(conn, &input.qualification_type)?;
            let mut errors = validate(&input, kind.as_ref(), today);
            if let Some(scan) = input.scan_attachment_id {
                if !crate::attachments::not_owned(conn, user_id, &[scan])?.is_empty() {
                    errors.push(FieldError::new("scan_attachment_id", "扫描件不存在或不是您上传的。", "The scan does not exist or was not uploaded by you."));
                }
            }
            let kind = match kind {
                Some(kind) if errors.is_empty() => kind,
                _ => return Err(AppError::Invalid(errors)),
            };
            let level = input.level.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned);
            let id: i64 = diesel::insert_into(qualifications::table)
                .values((
                    qualifications::agency_id.eq(agency_id),
                    qualifications::qualification_type_id.eq(kind.id),
                    qualifications::level.eq(&level),
                    qualifications::certificate_no.eq(input.certificate_no.trim()),
                    qualifications::issuer.eq(input.issuer.trim()),
                    qualifications::valid_from.eq(input.valid_from.unwrap_or(today)),
                    qualifications::valid_until.eq(input.valid_until.unwrap_or(today)),
                    qualifications::scan_attachment_id.eq(input.scan_attachment_id),
                    qualifications::status.eq("pending"),
                    qualifications::created_at.eq(now.naive_utc()),
                    qualifications::updated_at.eq(now.naive_utc()),
                ))
                .returning(qualifications::id)
                .get_result(conn)?;
            let row: QualificationRow = qualifications::table.find(id).select(QualificationRow::as_select()).first(conn)?;
            journal(
                conn,
                now,
                &actor,
                Event {
                    action: "qualification.added",
                    entity_type: "qualification",
                    entity_id: row.id.to_string(),
                    detail: json!({ "agency_id": agency_id, "type": kind.code, "level": level, "certificate_no": row.certificate_no }),
                },
                Publish::Yes,
            )?;
            Ok(QualificationView::new(&row, QualificationTypeView::from(&kind), now, true))
        })
        .await
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QualificationDecision {
    Verify,
    Reject,
    Revoke,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct QualificationReview {
    /// verify | reject | revoke
    pub action: QualificationDecision,
    #[serde(default)]
    pub reason: Option<String>,
}

/// An administrator verifies, rejects or revokes a qualification. Offerings
/// that depend on it follow at once: they are judged live by reading it.
pub async fn review(
    state: &AppState,
    admin: &CurrentUser,
    id: i64,
    request: QualificationReview,
) -> AppResult<QualificationView> {
    admin.require(&[Role::Admin])?;
    let now = state.now();
    let actor = actor(admin);
    let reason = super::rules::reason_given(request.reason.as_deref());
    if request.action != QualificationDecision::Verify && reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            "驳回或撤销须写明理由。",
            "A reason is required to reject or revoke.",
        ));
    }
    state
        .db
        .write(move |conn| {
            let row: QualificationRow = qualifications::table
                .find(id)
                .select(QualificationRow::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            let (allowed, next, action) = match request.action {
                QualificationDecision::Verify => (
                    row.status == "pending",
                    "verified",
                    "qualification.verified",
                ),
                QualificationDecision::Reject => (
                    row.status == "pending",
                    "rejected",
                    "qualification.rejected",
                ),
                QualificationDecision::Revoke => {
                    (row.status == "verified", "revoked", "qualification.revoked")
                }
            };
            if !allowed {
                return Err(AppError::conflict(
                    &format!("该资质当前状态为 {}，不能执行该操作。", row.status),
                    &format!(
                        "A qualification in status {} cannot be changed so.",
                        row.status
                    ),
                ));
            }
            diesel::update(qualifications::table.find(id))
                .set((
                    qualifications::status.eq(next),
                    qualifications::status_reason.eq(&reason),
                    qualifications::verified_at.eq(if next == "verified" {
                        Some(now.naive_utc())
                    } else {
                        row.verified_at
                    }),
                    qualifications::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            journal(
                conn,
                now,
                &actor,
                Event {
                    action,
                    entity_type: "qualification",
                    entity_id: id.to_string(),
                    detail: json!({ "agency_id": row.agency_id, "reason": reason }),
                },
                Publish::Yes,
            )?;
            crate::offerings::service::publish_agency_offerings(
                conn,
                now,
                row.agency_id,
                "qualification_changed",
            )?;
            let agency = find_row(conn, row.agency_id)?;
            let label = match next {
                "verified" => "已核验",
                "rejected" => "被驳回",
                _ => "被撤销",
            };
            crate::messages::send(
                conn,
                now,
                agency.owner_user_id,
                &format!("资质{label}"),
                &format!(
                    "证书 {} {label}。{}",
                    row.certificate_no,
                    reason
                        .as_deref()
                        .map(|r| format!("理由：{r}"))
                        .unwrap_or_default()
                ),
                "/my/agency",
            )?;
            let updated: QualificationRow = qualifications::table
                .find(id)
                .select(QualificationRow::as_select())
                .first(conn)?;
            let kind = type_by_id(conn, updated.qualification_type_id)?;
            Ok(QualificationView::new(
                &updated,
                QualificationTypeView::from(&kind),
                now,
                true,
            ))
        })
        .await
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PractitionerInput {
    #[serde(default)]
    pub name: String,
    /// e.g. 注册测绘师, 环境影响评价工程师
    #[serde(default)]
    pub certificate_type: String,
    #[serde(default)]
    pub certificate_no: String,
}

pub async fn add_practitioner(
    state: &AppState,
    user: &CurrentUser,
    agency_id: i64,
    input: PractitionerInput,
) -> AppResult<PractitionerView> {
    let mut errors = Vec::new();
    for (field, value, label, max) in [
        ("name", &input.name, "姓名", 50),
        ("certificate_type", &input.certificate_type, "执业资格", 100),
        ("certificate_no", &input.certificate_no, "证书编号", 64),
    ] {
        let length = value.trim().chars().count();
        if length == 0 || length > max {
            errors.push(FieldError {
                field: field.into(),
                message_zh: format!("请填写{label}（不超过{max}个字）。"),
                message_en: format!("{field} is required (at most {max} characters)."),
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = state.now();
    let (user_id, actor) = (user.user.id, actor(user));
    state
        .db
        .write(move |conn| {
            let agency = find_row(conn, agency_id)?;
            if agency.owner_user_id != user_id {
                return Err(AppError::NotFound);
            }
            let id: i64 = diesel::insert_into(practitioners::table)
                .values((
                    practitioners::agency_id.eq(agency_id),
                    practitioners::name.eq(input.name.trim()),
                    practitioners::certificate_type.eq(input.certificate_type.trim()),
                    practitioners::certificate_no.eq(input.certificate_no.trim()),
                    practitioners::created_at.eq(now.naive_utc()),
                ))
                .returning(practitioners::id)
                .get_result(conn)?;
            let row: super::model::PractitionerRow = practitioners::table
                .find(id)
                .select(super::model::PractitionerRow::as_select())
                .first(conn)?;
            journal(
                conn,
                now,
                &actor,
                Event {
                    action: "practitioner.added",
                    entity_type: "agency",
                    entity_id: agency_id.to_string(),
                    detail: json!({ "practitioner_id": row.id, "name": row.name }),
                },
                Publish::Yes,
            )?;
            Ok(PractitionerView::from(&row))
        })
        .await
}
