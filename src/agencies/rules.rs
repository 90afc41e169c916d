//! Agency rules as plain functions: the 入驻 state machine, what a valid
//! agency record is, and when a qualification is valid.

use crate::accounts::uscc;
use crate::calendar::rules::{china_offset, WorkingCalendar};
use crate::error::FieldError;
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgencyStatus {
    /// 草稿
    Draft,
    /// 待审核
    Submitted,
    /// 退回修改
    Returned,
    /// 已入驻
    Admitted,
    /// 暂停
    Suspended,
    /// 清退
    Expelled,
}

impl AgencyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyStatus::Draft => "draft",
            AgencyStatus::Submitted => "submitted",
            AgencyStatus::Returned => "returned",
            AgencyStatus::Admitted => "admitted",
            AgencyStatus::Suspended => "suspended",
            AgencyStatus::Expelled => "expelled",
        }
    }

    pub fn parse(s: &str) -> Option<AgencyStatus> {
        [
            AgencyStatus::Draft,
            AgencyStatus::Submitted,
            AgencyStatus::Returned,
            AgencyStatus::Admitted,
            AgencyStatus::Suspended,
            AgencyStatus::Expelled,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AgencyStatus::Draft => "草稿",
            AgencyStatus::Submitted => "待审核",
            AgencyStatus::Returned => "退回修改",
            AgencyStatus::Admitted => "已入驻",
            AgencyStatus::Suspended => "暂停",
            AgencyStatus::Expelled => "清退",
        }
    }

    /// Whether the agency may change what it registered (name, code, …).
    pub fn registration_editable(self) -> bool {
        matches!(self, AgencyStatus::Draft | AgencyStatus::Returned)
    }
}

/// What may happen to an agency. `Submit` is the agency's; the rest are an administrator's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Submit,
    Approve,
    Return,
    Suspend,
    Reinstate,
    Expel,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Approve => "approve",
            Transition::Return => "return",
            Transition::Suspend => "suspend",
            Transition::Reinstate => "reinstate",
            Transition::Expel => "expel",
        }
    }

    /// Return, suspend and expel must say why.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Transition::Return | Transition::Suspend | Transition::Expel
        )
    }

    /// Suspend and expel last for a period.
    pub fn needs_period(self) -> bool {
        matches!(self, Transition::Suspend | Transition::Expel)
    }
}

/// The status a transition leads to, or `None` where it is not allowed.
pub fn next_status(current: AgencyStatus, transition: Transition) -> Option<AgencyStatus> {
    use AgencyStatus::*;
    match (current, transition) {
        (Draft | Returned, Transition::Submit) => Some(Submitted),
        (Submitted, Transition::Approve) => Some(Admitted),
        (Submitted, Transition::Return) => Some(Returned),
        (Admitted, Transition::Suspend) => Some(Suspended),
        (Suspended, Transition::Reinstate) => Some(Admitted),
        (Admitted | Suspended, Transition::Expel) => Some(Expelled),
        _ => None,
    }
}

/// A suspension ends by itself when its period is over.
pub fn effective_status(
    status: AgencyStatus,
    until: Option<NaiveDateTime>,
    now: DateTime<Utc>,
) -> AgencyStatus {
    match (status, until) {
        (AgencyStatus::Suspended, Some(until)) if until <= now.naive_utc() => {
            AgencyStatus::Admitted
        }
        _ => status,
    }
}

/// An agency's registration as sent, before checking. Every field optional (PATCH).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct AgencyInput {
    pub name: Option<String>,
    /// 统一社会信用代码
    pub uscc: Option<String>,
    pub legal_representative: Option<String>,
    /// The registered region's division code.
    pub region_code: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub business_scope: Option<String>,
    /// Accepts the 承诺书 shown on the form.
    pub commitment_accepted: Option<bool>,
    /// Division codes of the regions served; "360000" is the whole province.
    pub regions: Option<Vec<String>>,
    /// Attachments (营业执照, 承诺书扫描件 …) the agency uploaded.
    pub attachments: Option<Vec<AttachmentLink>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
pub struct AttachmentLink {
    pub attachment_id: i64,
    pub label: String,
}

/// A reviewer's reason, trimmed; a blank one is no reason.
pub fn reason_given(reason: Option<&str>) -> Option<String> {
    reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// The fields registration locks once the agency is in review or admitted.
pub const REGISTRATION_FIELDS: [&str; 4] = ["name", "uscc", "legal_representative", "region_code"];

fn text_error(field: &str, label: &str, max: usize) -> FieldError {
    FieldError {
        field: field.into(),
        message_zh: format!("请填写{label}（不超过{max}个字）。"),
        message_en: format!("{field} is required and must have at most {max} characters."),
    }
}

/// Checks the fields present; `known_regions` answers whether a division code exists.
pub fn validate_agency(
    input: &AgencyInput,
    known_region: &dyn Fn(&str) -> bool,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let texts: [(&str, &Option<String>, &str, usize, usize); 7] = [
        ("name", &input.name, "机构名称", 2, 100),
        (
            "legal_representative",
            &input.legal_representative,
            "法定代表人",
            2,
            50,
        ),
        ("address", &input.address, "地址", 2, 200),
        ("contact_name", &input.contact_name, "联系人", 2, 50),
        ("business_scope", &input.business_scope, "经营范围", 2, 2000),
        ("contact_phone", &input.contact_phone, "联系电话", 7, 20),
        ("contact_email", &input.contact_email, "电子邮箱", 3, 100),
    ];
    for (field, value, label, min, max) in texts {
        if let Some(value) = value {
            let length = value.trim().chars().count();
            if length < min || length > max {
                errors.push(text_error(field, label, max));
            }
        }
    }
    if let Some(phone) = &input.contact_phone {
        if !phone
            .trim()
            .chars()
            .all(|c| c.is_ascii_digit() || "-+ ".contains(c))
            && !errors.iter().any(|e| e.field == "contact_phone")
        {
            errors.push(FieldError::new(
                "contact_phone",
                "联系电话只能包含数字、空格、+ 和 -。",
                "The phone number may contain only digits, spaces, + and -.",
            ));
        }
    }
    if let Some(email) = &input.contact_email {
        let email = email.trim();
        let plausible = email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.')
        });
        if !plausible && !errors.iter().any(|e| e.field == "contact_email") {
            errors.push(FieldError::new(
                "contact_email",
                "电子邮箱格式不正确。",
                "The e-mail address is not valid.",
            ));
        }
    }
    if let Some(code) = &input.uscc {
        if let Err(reason) = uscc::parse(code) {
            let (zh, en) = reason.messages();
            errors.push(FieldError::new("uscc", zh, en));
        }
    }
    if let Some(region) = &input.region_code {
        if !known_region(region.trim()) {
            errors.push(FieldError::new(
                "region_code",
                "注册地行政区划代码不存在。",
                "The registered region is not a known division code.",
            ));
        }
    }
    if let Some(regions) = &input.regions {
        for (i, code) in regions.iter().enumerate() {
            if !known_region(code.trim()) {
                errors.push(FieldError {
                    field: format!("regions[{i}]"),
                    message_zh: format!("服务区域 {code} 不是有效的行政区划代码。"),
                    message_en: format!("Region {code} is not a known division code."),
                });
            }
        }
        if regions.len() > 200 {
            errors.push(FieldError::new(
                "regions",
                "服务区域过多。",
                "Too many regions.",
            ));
        }
    }
    errors
}

/// What submitting needs beyond valid fields: everything filled in and the 承诺书 accepted.
pub fn submission_gaps(record: &AgencyRecord) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !record.commitment_accepted {
        errors.push(FieldError::new(
            "commitment_accepted",
            "提交前须阅读并接受入驻承诺书。",
            "The commitment must be accepted before submitting.",
        ));
    }
    if record.regions.is_empty() {
        errors.push(FieldError::new(
            "regions",
            "请至少选择一个服务区域。",
            "Declare at least one region served.",
        ));
    }
    errors
}

/// The parts of a stored agency the rules look at.
#[derive(Clone, Debug)]
pub struct AgencyRecord {
    pub commitment_accepted: bool,
    pub regions: Vec<String>,
}

/// The moment a certificate valid until `valid_until` (inclusive, China time) expires.
pub fn expiry_instant(valid_until: NaiveDate) -> DateTime<Utc> {
    let next_day = valid_until
        .checked_add_days(Days::new(1))
        .unwrap_or(NaiveDate::MAX);
    china_offset()
        .from_local_datetime(&next_day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A qualification counts only when verified and inside its validity, by the server's clock.
pub fn qualification_valid(
    status: &str,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
    now: DateTime<Utc>,
) -> bool {
    let today = WorkingCalendar::local_date(now);
    status == "verified" && valid_from <= today && now < expiry_instant(valid_until)
}

/// Warn this many days before a certificate expires.
pub const EXPIRY_WARNING_DAYS: u64 = 30;

pub fn expiry_warning_due(valid_until: NaiveDate, now: DateTime<Utc>) -> bool {
    let today = WorkingCalendar::local_date(now);
    let warn_from = valid_until
        .checked_sub_days(Days::new(EXPIRY_WARNING_DAYS))
        .unwrap_or(NaiveDate::MIN);
    today >= warn_from && now < expiry_instant(valid_until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AgencyStatus::*;

    #[test]
    fn transition_table() {
        let all = [Draft, Submitted, Returned, Admitted, Suspended, Expelled];
        let allowed = [
            (Draft, Transition::Submit, Submitted),
            (Returned, Transition::Submit, Submitted),
            (Submitted, Transition::Approve, Admitted),
            (Submitted, Transition::Return, Returned),
            (Admitted, Transition::Suspend, Suspended),
            (Suspended, Transition::Reinstate, Admitted),
            (Admitted, Transition::Expel, Expelled),
            (Suspended, Transition::Expel, Expelled),
        ];
        for from in all {
            for t in [
                Transition::Submit,
                Transition::Approve,
                Transition::Return,
                Transition::Suspend,
                Transition::Reinstate,
                Transition::Expel,
            ] {
                let expected = allowed
                    .iter()
                    .find(|(f, tr, _)| *f == from && *tr == t)
                    .map(|(_, _, to)| *to);
                assert_eq!(next_status(from, t), expected, "{from:?} {t:?}");
            }
        }
    }

    #[test]
    fn a_suspension_ends_with_its_period() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        let until = Some((now + chrono::Duration::days(1)).naive_utc());
        assert_eq!(effective_status(Suspended, until, now), Suspended);
        assert_eq!(
            effective_status(Suspended, until, now + chrono::Duration::days(1)),
            Admitted
        );
        assert_eq!(
            effective_status(Expelled, until, now + chrono::Duration::days(9)),
            Expelled
        );
    }

    #[test]
    fn a_certificate_is_valid_through_its_last_day_in_china_time() {
        let until = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let from = NaiveDate::from_ymd_opt(2021, 4, 1).unwrap();
        // 2026-03-31 23:59 CST is 15:59 UTC; midnight CST is 16:00 UTC.
        let last_minute = Utc.with_ymd_and_hms(2026, 3, 31, 15, 59, 0).unwrap();
        let midnight = Utc.with_ymd_and_hms(2026, 3, 31, 16, 0, 0).unwrap();
        assert!(qualification_valid("verified", from, until, last_minute));
        assert!(!qualification_valid("verified", from, until, midnight));
        assert!(!qualification_valid("pending", from, until, last_minute));
        assert!(!qualification_valid(
            "verified",
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
            last_minute
        ));
        assert_eq!(expiry_instant(until), midnight);
    }

    #[test]
    fn the_warning_starts_thirty_days_before_expiry() {
        let until = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert!(!expiry_warning_due(
            until,
            Utc.with_ymd_and_hms(2026, 2, 28, 15, 59, 0).unwrap()
        ));
        assert!(expiry_warning_due(
            until,
            Utc.with_ymd_and_hms(2026, 2, 28, 16, 0, 0).unwrap()
        ));
        assert!(!expiry_warning_due(
            until,
            Utc.with_ymd_and_hms(2026, 3, 31, 16, 0, 0).unwrap()
        ));
    }

    #[test]
    fn each_bad_agency_field_is_named() {
        let known = |code: &str| code == "360102" || code == "360000";
        let input = AgencyInput {
            name: Some("某".into()),
            uscc: Some("91360102MA35ABCD41".into()),
            region_code: Some("999999".into()),
            contact_phone: Some("call me".into()),
            contact_email: Some("nobody".into()),
            regions: Some(vec!["360000".into(), "123".into()]),
            ..Default::default()
        };
        let fields: Vec<String> = validate_agency(&input, &known)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "name",
                "contact_phone",
                "contact_email",
                "uscc",
                "region_code",
                "regions[1]"
            ]
        );
        let good = AgencyInput {
            name: Some("南昌赣江环境咨询有限公司".into()),
            uscc: Some("91360102MA35ABCD40".into()),
            region_code: Some("360102".into()),
            contact_phone: Some("0791-8888 6666".into()),
            contact_email: Some("office@example.cn".into()),
            regions: Some(vec!["360000".into()]),
            ..Default::default()
        };
        assert!(validate_agency(&good, &known).is_empty());
    }
}
