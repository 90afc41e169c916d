//! The project form as the applicant types it — yuan, percent and China
//! time as text — turned into the API's `ProjectInput` (fen, basis points,
//! UTC), and a stored project turned back into the form for editing.

use super::input::{parse_hundredths, AvoidInput, ProjectInput, RequirementInput};
use super::views::ProjectView;
use crate::calendar::rules::china_offset;
use crate::error::FieldError;
use crate::offerings::pages::parse_yuan;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;

/// Empty rows of the avoid list offered below the filled ones.
pub const BLANK_AVOID_ROWS: usize = 3;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProjectForm {
    pub service_item_id: String,
    pub title: String,
    pub investment_code: String,
    pub region_code: String,
    pub scale_kind: String,
    pub scale_amount_yuan: String,
    pub scale_area: String,
    pub scale_unit: String,
    pub fiscal_share_percent: String,
    pub service_content: String,
    pub service_days: String,
    pub method: String,
    pub price_mode: String,
    pub amount_yuan: String,
    pub floor_yuan: String,
    pub ceiling_yuan: String,
    pub rate_min_percent: String,
    pub rate_max_percent: String,
    pub weight_price: String,
    pub weight_credit: String,
    pub weight_time: String,
    pub qualification_mode: String,
    /// Checked requirements as `type_id:level` (level may be empty).
    pub requirements: Vec<String>,
    /// The item the requirement boxes were shown for; another item takes its own.
    pub requirements_item: String,
    pub avoid_agency_id: Vec<String>,
    pub avoid_reason: Vec<String>,
    pub contact_name: String,
    pub contact_phone: String,
    pub complaint_phone: String,
    /// `datetime-local` in China time.
    pub signup_deadline: String,
    pub selection_at: String,
    pub direct_agency_id: String,
    pub direct_reason: String,
}

/// One row of the avoid list as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AvoidRow {
    pub agency_id: String,
    pub reason: String,
}

/// "2026-03-12T09:00" in China time to UTC.
pub fn parse_china_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())?;
    china_offset()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// A UTC time as a `datetime-local` value in China time.
pub fn china_time_value(t: DateTime<Utc>) -> String {
    t.with_timezone(&china_offset())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Fen as the form shows them: "12345.60".
pub fn yuan_value(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// Basis points as the form shows them: "3.50".
pub fn percent_value(bp: i32) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    format!("{sign}{}.{:02}", bp / 100, bp % 100)
}

/// Reads the typed fields; collects the ones it cannot read.
struct Reader {
    errors: Vec<FieldError>,
}

impl Reader {
    fn fail(&mut self, field: &str, zh: &str, en: &str) {
        self.errors.push(FieldError::new(field, zh, en));
    }

    /// Yuan to fen; empty reads as zero, which the checks refuse where an amount is needed.
    fn money(&mut self, text: &str, field: &str) -> Option<i64> {
        if text.trim().is_empty() {
            return Some(0);
        }
        let fen = parse_yuan(text);
        if fen.is_none() {
            self.fail(
                field,
                "请填写金额（元，数字，最多两位小数）。",
                "Enter an amount in yuan with at most two decimals.",
            );
        }
        fen
    }

    /// Percent with at most two decimals to basis points; empty reads as zero.
    fn percent(&mut self, text: &str, field: &str) -> Option<i32> {
        let text = text.trim().trim_end_matches('%');
        if text.is_empty() {
            return Some(0);
        }
        let bp = parse_hundredths(text).and_then(|v| i32::try_from(v).ok());
        if bp.is_none() {
            self.fail(
                field,
                "请填写百分比（数字，最多两位小数）。",
                "Enter a percentage with at most two decimals.",
            );
        }
        bp
    }

    /// A whole number; empty reads as zero.
    fn whole(&mut self, text: &str, field: &str, label: &str) -> Option<i32> {
        let text = text.trim();
        if text.is_empty() {
            return Some(0);
        }
        let value = text.parse::<i32>().ok();
        if value.is_none() {
            self.errors.push(FieldError {
                field: field.into(),
                message_zh: format!("{label}应为整数。"),
                message_en: format!("{field} must be a whole number."),
            });
        }
        value
    }

    fn id(&mut self, text: &str, field: &str, zh: &str) -> Option<i64> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let value = text.parse::<i64>().ok();
        if value.is_none() {
            self.fail(field, zh, &format!("{field} must be a number."));
        }
        value
    }

    fn time(&mut self, text: &str, field: &str) -> Option<DateTime<Utc>> {
        if text.trim().is_empty() {
            return None;
        }
        let time = parse_china_time(text);
        if time.is_none() {
            self.fail(
                field,
                "时间格式应为“年-月-日 时:分”（北京时间）。",
                "Enter a date and time (China time).",
            );
        }
        time
    }
}

fn text(s: &str) -> Option<String> {
    Some(s.trim().to_owned())
}

fn chosen(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl ProjectForm {
    /// The avoid rows that were filled in, in order; their index is the one errors name.
    pub fn avoid_rows(&self) -> Vec<AvoidRow> {
        let rows = self.avoid_agency_id.len().max(self.avoid_reason.len());
        (0..rows)
            .map(|i| AvoidRow {
                agency_id: self
                    .avoid_agency_id
                    .get(i)
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default(),
                reason: self
                    .avoid_reason
                    .get(i)
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default(),
            })
            .filter(|row| !row.agency_id.is_empty() || !row.reason.is_empty())
            .collect()
    }

    /// The API input and the fields that could not be read. Every field is
    /// sent, so an edit replaces what was stored.
    pub fn to_input(&self) -> (ProjectInput, Vec<FieldError>) {
        let mut r = Reader { errors: Vec::new() };
        let service_item_id = r.id(
            &self.service_item_id,
            "service_item_id",
            "请选择中介服务事项。",
        );
        let fiscal_share_percent = if self.fiscal_share_percent.trim().is_empty() {
            r.fail(
                "fiscal_share_percent",
                "请填写财政资金占比（0–100）。",
                "fiscal_share_percent is required.",
            );
            None
        } else {
            r.whole(
                &self.fiscal_share_percent,
                "fiscal_share_percent",
                "财政资金占比",
            )
        };
        let requirements = (!self.requirements_item.is_empty()
            && self.requirements_item.trim() == self.service_item_id.trim())
        .then(|| {
            self.requirements
                .iter()
                .filter_map(|value| {
                    let (id, level) = value.split_once(':').unwrap_or((value, ""));
                    Some(RequirementInput {
                        qualification_type_id: id.trim().parse().ok()?,
                        min_level: chosen(level),
                    })
                })
                .collect()
        });
        let mut avoid = Vec::new();
        for (i, row) in self.avoid_rows().into_iter().enumerate() {
            let field = format!("avoid[{i}].agency_id");
            let agency_id = match row.agency_id.parse::<i64>() {
                Ok(id) => id,
                Err(_) => {
                    r.fail(
                        &field,
                        "请填写回避机构的编号（数字）。",
                        "Enter the avoided agency's id.",
                    );
                    0
                }
            };
            avoid.push(AvoidInput {
                agency_id,
                reason: row.reason,
            });
        }
        let signup_deadline = r.time(&self.signup_deadline, "signup_deadline");
        // An empty selection time is the deadline, also when an edit moves the deadline.
        let selection_at = if self.selection_at.trim().is_empty() {
            signup_deadline
        } else {
            r.time(&self.selection_at, "selection_at")
        };
        let input = ProjectInput {
            service_item_id,
            title: text(&self.title),
            investment_code: text(&self.investment_code),
            region_code: chosen(&self.region_code),
            scale_kind: chosen(&self.scale_kind),
            scale_amount_fen: r.money(&self.scale_amount_yuan, "scale_amount_fen"),
            scale_area: text(&self.scale_area),
            scale_unit: chosen(&self.scale_unit),
            fiscal_share_percent,
            service_content: text(&self.service_content),
            service_days: r.whole(&self.service_days, "service_days", "服务时限"),
            method: chosen(&self.method),
            price_mode: chosen(&self.price_mode),
            amount_fen: r.money(&self.amount_yuan, "amount_fen"),
            floor_fen: r.money(&self.floor_yuan, "floor_fen"),
            ceiling_fen: r.money(&self.ceiling_yuan, "ceiling_fen"),
            rate_min_bp: r.percent(&self.rate_min_percent, "rate_min_bp"),
            rate_max_bp: r.percent(&self.rate_max_percent, "rate_max_bp"),
            weight_price: r.whole(&self.weight_price, "weight_price", "价格权重"),
            weight_credit: r.whole(&self.weight_credit, "weight_credit", "信用权重"),
            weight_time: r.whole(&self.weight_time, "weight_time", "时限权重"),
            qualification_mode: chosen(&self.qualification_mode),
            requirements,
            avoid: Some(avoid),
            contact_name: text(&self.contact_name),
            contact_phone: text(&self.contact_phone),
            complaint_phone: text(&self.complaint_phone),
            signup_deadline,
            selection_at,
            // The form always sends the whole project: empty removes the agency.
            direct_agency_id: Some(r.id(
                &self.direct_agency_id,
                "direct_agency_id",
                "请填写直接选取机构的编号（数字）。",
            )),
            direct_reason: chosen(&self.direct_reason),
        };
        (input, r.errors)
    }

    /// The stored project in the form, for editing.
    pub fn from_view(p: &ProjectView) -> Self {
        let money = |fen: Option<i64>| fen.map(yuan_value).unwrap_or_default();
        let rate = |bp: Option<i32>| bp.map(percent_value).unwrap_or_default();
        let weight = |f: fn(&super::views::WeightsView) -> i32| {
            p.weights
                .as_ref()
                .map(|w| f(w).to_string())
                .unwrap_or_default()
        };
        let direct = p.direct_agency.is_some();
        ProjectForm {
            service_item_id: p.service_item.id.to_string(),
            title: p.title.clone(),
            investment_code: p.investment_code.clone().unwrap_or_default(),
            region_code: p.region.code.clone(),
            scale_kind: p.scale.kind.clone(),
            scale_amount_yuan: money(p.scale.amount_fen),
            scale_area: p.scale.area.clone().unwrap_or_default(),
            scale_unit: p.scale.unit.clone().unwrap_or_default(),
            fiscal_share_percent: p.fiscal_share_percent.to_string(),
            service_content: p.service_content.clone(),
            service_days: p.service_days.to_string(),
            method: p.method.clone(),
            price_mode: p.price.mode.clone(),
            amount_yuan: money(p.price.amount_fen),
            floor_yuan: money(p.price.floor_fen.filter(|f| *f > 0)),
            ceiling_yuan: money(p.price.ceiling_fen),
            rate_min_percent: rate(p.price.rate_min_bp),
            rate_max_percent: rate(p.price.rate_max_bp),
            weight_price: weight(|w| w.price),
            weight_credit: weight(|w| w.credit),
            weight_time: weight(|w| w.time),
            qualification_mode: p.qualification_mode.clone(),
            requirements: p
                .requirements
                .iter()
                .map(|r| {
                    format!(
                        "{}:{}",
                        r.qualification_type_id,
                        r.min_level.clone().unwrap_or_default()
                    )
                })
                .collect(),
            requirements_item: p.service_item.id.to_string(),
            avoid_agency_id: p.avoid.iter().map(|a| a.agency_id.to_string()).collect(),
            avoid_reason: p.avoid.iter().map(|a| a.reason.clone()).collect(),
            contact_name: p.contact_name.clone(),
            contact_phone: p.contact_phone.clone(),
            complaint_phone: p.complaint_phone.clone(),
            // A project naming its agency has no sign-up period of its own.
            signup_deadline: if direct {
                String::new()
            } else {
                china_time_value(p.signup_deadline)
            },
            selection_at: if direct || p.selection_at == p.signup_deadline {
                String::new()
            } else {
                china_time_value(p.selection_at)
            },
            direct_agency_id: p
                .direct_agency
                .as_ref()
                .map(|a| a.id.to_string())
                .unwrap_or_default(),
            direct_reason: p.direct_reason.clone().unwrap_or_default(),
        }
    }
}

/// The checks speak of the API's fen; the form is typed in yuan.
pub fn in_yuan(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError {
            message_zh: e.message_zh.replace("（分）", "（元）"),
            ..e
        })
        .collect()
}

/// The form's own errors, then the checks' errors for every other field.
pub fn merge(own: Vec<FieldError>, checks: Vec<FieldError>) -> Vec<FieldError> {
    let mut all = own;
    for e in in_yuan(checks) {
        if !all.iter().any(|o| o.field == e.field) {
            all.push(e);
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> ProjectForm {
        ProjectForm {
            service_item_id: "27".into(),
            title: "某小区地形图测绘".into(),
            region_code: "360102".into(),
            scale_kind: "amount".into(),
            scale_amount_yuan: "12,500,000".into(),
            fiscal_share_percent: "100".into(),
            method: "bidding".into(),
            price_mode: "amount".into(),
            floor_yuan: "".into(),
            ceiling_yuan: "50000.5".into(),
            rate_min_percent: "3.5".into(),
            requirements: vec!["7:乙级".into(), "9:".into()],
            requirements_item: "27".into(),
            avoid_agency_id: vec!["".into(), "12".into(), "".into()],
            avoid_reason: vec!["".into(), "与业主有隶属关系".into(), "".into()],
            signup_deadline: "2026-03-12T09:00".into(),
            ..ProjectForm::default()
        }
    }

    #[test]
    fn yuan_percent_and_china_time_become_fen_basis_points_and_utc() {
        let (input, errors) = typed().to_input();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(input.scale_amount_fen, Some(1_250_000_000));
        assert_eq!(input.ceiling_fen, Some(5_000_050));
        assert_eq!(input.floor_fen, Some(0));
        assert_eq!(input.rate_min_bp, Some(350));
        let deadline = input.signup_deadline.expect("deadline");
        assert_eq!(deadline.to_rfc3339(), "2026-03-12T01:00:00+00:00");
        assert_eq!(
            input.selection_at,
            Some(deadline),
            "defaults to the deadline"
        );
        assert_eq!(china_time_value(deadline), "2026-03-12T09:00");
        assert_eq!(
            input.requirements.expect("requirements"),
            [
                RequirementInput {
                    qualification_type_id: 7,
                    min_level: Some("乙级".into())
                },
                RequirementInput {
                    qualification_type_id: 9,
                    min_level: None
                }
            ]
        );
        assert_eq!(
            input.avoid.expect("avoid"),
            [AvoidInput {
                agency_id: 12,
                reason: "与业主有隶属关系".into()
            }]
        );
    }

    #[test]
    fn what_cannot_be_read_is_named_by_the_field_the_checks_use() {
        let mut form = typed();
        form.ceiling_yuan = "abc".into();
        form.rate_max_percent = "1.234".into();
        form.fiscal_share_percent = "".into();
        form.signup_deadline = "下周四".into();
        form.avoid_agency_id[1] = "某公司".into();
        let (_, errors) = form.to_input();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "fiscal_share_percent",
                "avoid[0].agency_id",
                "signup_deadline",
                "ceiling_fen",
                "rate_max_bp"
            ]
        );
    }

    #[test]
    fn requirements_shown_for_another_item_are_not_sent() {
        let mut form = typed();
        form.service_item_id = "28".into();
        assert_eq!(form.to_input().0.requirements, None);
    }

    #[test]
    fn the_forms_errors_come_first_and_fen_reads_as_yuan() {
        let own = vec![FieldError::new("amount_fen", "请填写金额。", "x")];
        let checks = vec![
            FieldError::new("amount_fen", "请填写大于零的服务金额（分）。", "x"),
            FieldError::new("ceiling_fen", "请填写大于零的最高限价（分）。", "x"),
        ];
        let merged = merge(own, checks);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].message_zh, "请填写金额。");
        assert_eq!(merged[1].message_zh, "请填写大于零的最高限价（元）。");
    }
}
