//! What an applicant sends to create or edit a project, and the checks that
//! turn it into a valid project: plain functions over plain data.

use super::investment_code;
use super::selection::{Method, PriceTerms, Weights};
use crate::catalog::rules::Requirement;
use crate::error::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest avoid list (回避) a project may carry.
pub const MAX_AVOIDED: usize = 50;

/// One qualification the project asks for: a catalogue type, from a level up.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct RequirementInput {
    pub qualification_type_id: i64,
    pub min_level: Option<String>,
}

/// An agency that may not take part (回避), and why.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct AvoidInput {
    pub agency_id: i64,
    pub reason: String,
}

/// A project as sent. Every field is optional so PATCH can send only what
/// changes; creating needs the required ones.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    pub service_item_id: Option<i64>,
    pub title: Option<String>,
    /// 投资项目代码, when the project belongs to an investment project; "" removes it.
    pub investment_code: Option<String>,
    /// Division code of the project's location.
    pub region_code: Option<String>,
    /// `amount` (投资额) or `area` (面积).
    pub scale_kind: Option<String>,
    pub scale_amount_fen: Option<i64>,
    /// A decimal with at most two places, e.g. "12.5".
    pub scale_area: Option<String>,
    /// `m2`, `mu` or `ha`.
    pub scale_unit: Option<String>,
    /// Share of 财政资金 in percent; the rest is 社会资金.
    pub fiscal_share_percent: Option<i32>,
    pub service_content: Option<String>,
    /// Service time limit in days.
    pub service_days: Option<i32>,
    /// `direct`, `random`, `bidding` or `scoring`.
    pub method: Option<String>,
    /// `fixed`, `amount` (quotes within floor and ceiling) or `rate` (下浮率).
    pub price_mode: Option<String>,
    /// The fixed amount, or the base a discount rate applies to.
    pub amount_fen: Option<i64>,
    pub floor_fen: Option<i64>,
    pub ceiling_fen: Option<i64>,
    /// Discount range in basis points (1 bp = 0.01 %).
    pub rate_min_bp: Option<i32>,
    pub rate_max_bp: Option<i32>,
    /// 综合评分 weights in percent, summing to 100.
    pub weight_price: Option<i32>,
    pub weight_credit: Option<i32>,
    pub weight_time: Option<i32>,
    /// `any` (符合其一), `all` (全部符合) or `promise` (承诺即可).
    pub qualification_mode: Option<String>,
    /// Defaults to the catalogue's requirements of the item.
    pub requirements: Option<Vec<RequirementInput>>,
    pub avoid: Option<Vec<AvoidInput>>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub complaint_phone: Option<String>,
    pub signup_deadline: Option<DateTime<Utc>>,
    /// Defaults to the sign-up deadline.
    pub selection_at: Option<DateTime<Utc>>,
    /// 直接选取 of a named agency, without a sign-up phase. In a PATCH,
    /// `null` removes the agency (sign-ups are then taken) and absent keeps it.
    #[serde(default, deserialize_with = "explicit")]
    #[schema(value_type = Option<i64>)]
    pub direct_agency_id: Option<Option<i64>>,
    pub direct_reason: Option<String>,
}

/// Tells `null` (Some(None)) from an absent field (None, by `default`).
fn explicit<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

impl ProjectInput {
    /// The stored project overlaid with what a PATCH sends.
    pub fn overlay(mut self, patch: ProjectInput) -> ProjectInput {
        let new_item = patch.service_item_id.is_some();
        let (names_requirements, names_mode) = (
            patch.requirements.is_some(),
            patch.qualification_mode.is_some(),
        );
        macro_rules! take {
            ($($field:ident),+) => { $( if patch.$field.is_some() { self.$field = patch.$field; } )+ };
        }
        take!(
            service_item_id,
            title,
            investment_code,
            region_code,
            scale_kind,
            scale_amount_fen,
            scale_area,
            scale_unit,
            fiscal_share_percent,
            service_content,
            service_days,
            method,
            price_mode,
            amount_fen,
            floor_fen,
            ceiling_fen,
            rate_min_bp,
            rate_max_bp,
            weight_price,
            weight_credit,
            weight_time,
            qualification_mode,
            requirements,
            avoid,
            contact_name,
            contact_phone,
            complaint_phone,
            signup_deadline,
            selection_at,
            direct_agency_id,
            direct_reason
        );
        // A new item brings its own requirements unless the patch names them.
        if new_item && !names_requirements {
            self.requirements = None;
            if !names_mode {
                self.qualification_mode = None;
            }
        }
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    AmountFen(i64),
    /// Hundredths of the unit.
    Area {
        hundredths: i64,
        unit: AreaUnit,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaUnit {
    SquareMetre,
    Mu,
    Hectare,
}

impl AreaUnit {
    pub const ALL: [AreaUnit; 3] = [AreaUnit::SquareMetre, AreaUnit::Mu, AreaUnit::Hectare];

    pub fn as_str(self) -> &'static str {
        match self {
            AreaUnit::SquareMetre => "m2",
            AreaUnit::Mu => "mu",
            AreaUnit::Hectare => "ha",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AreaUnit::SquareMetre => "平方米",
            AreaUnit::Mu => "亩",
            AreaUnit::Hectare => "公顷",
        }
    }

    pub fn parse(s: &str) -> Option<AreaUnit> {
        AreaUnit::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QualificationMode {
    Any,
    All,
    Promise,
}

impl QualificationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            QualificationMode::Any => "any",
            QualificationMode::All => "all",
            QualificationMode::Promise => "promise",
        }
    }

    pub fn parse(s: &str) -> Option<QualificationMode> {
        [
            QualificationMode::Any,
            QualificationMode::All,
            QualificationMode::Promise,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            QualificationMode::Any => "具备其一",
            QualificationMode::All => "全部具备",
            QualificationMode::Promise => "承诺即可",
        }
    }
}

/// A project that passed every check, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidProject {
    pub service_item_id: i64,
    pub title: String,
    pub investment_code: Option<String>,
    pub region_code: String,
    pub scale: Scale,
    pub fiscal_share_percent: i32,
    pub service_content: String,
    pub service_days: i32,
    pub method: Method,
    pub price: PriceTerms,
    pub weights: Option<Weights>,
    pub qualification_mode: QualificationMode,
    pub requirements: Vec<RequirementInput>,
    pub avoid: Vec<AvoidInput>,
    pub contact_name: String,
    pub contact_phone: String,
    pub complaint_phone: String,
    pub signup_deadline: DateTime<Utc>,
    pub selection_at: DateTime<Utc>,
    pub direct_agency_id: Option<i64>,
    pub direct_reason: Option<String>,
}

impl ValidProject {
    /// Whether agencies sign up at all: not when the applicant names one directly.
    pub fn has_signup_phase(&self) -> bool {
        self.direct_agency_id.is_none()
    }
}

/// The highest amount a project can cost, for the 直接选取 limit.
pub fn amount_cap_fen(price: &PriceTerms) -> i64 {
    match *price {
        PriceTerms::Fixed { amount_fen } => amount_fen,
        PriceTerms::Amount { ceiling_fen, .. } => ceiling_fen,
        PriceTerms::Rate { base_fen, .. } => base_fen,
    }
}

/// 直接选取 is open to projects paid only with 社会资金, and to fiscal ones up
/// to the configured amount.
pub fn direct_selection_allowed(fiscal_share_percent: i32, cap_fen: i64, limit_fen: i64) -> bool {
    fiscal_share_percent == 0 || cap_fen <= limit_fen
}

/// What the checks need to know from the database.
pub struct CheckContext<'a> {
    /// The item's catalogue requirements, `None` when the item is unknown or retired.
    pub item_requirements: Option<&'a [Requirement]>,
    pub known_region: &'a dyn Fn(&str) -> bool,
    pub agency_exists: &'a dyn Fn(i64) -> bool,
    /// The levels of each qualification type (highest first), by id.
    pub type_levels: &'a dyn Fn(i64) -> Option<Vec<String>>,
    pub direct_limit_fen: i64,
}

fn err(field: &str, zh: &str, en: &str) -> FieldError {
    FieldError::new(field, zh, en)
}

fn missing(field: &str, label: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message_zh: format!("请填写{label}。"),
        message_en: format!("{field} is required."),
    }
}

fn text(
    errors: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: &Option<String>,
    (min, max): (usize, usize),
) -> String {
    let Some(value) = value.as_deref().map(str::trim) else {
        errors.push(missing(field, label));
        return String::new();
    };
    let length = value.chars().count();
    if length < min || length > max {
        errors.push(FieldError {
            field: field.into(),
            message_zh: format!("{label}应为 {min}–{max} 个字。"),
            message_en: format!("{field} must have {min} to {max} characters."),
        });
    }
    value.to_owned()
}

/// A mobile number (11 digits from 1) or a landline with area code and optional extension.
pub fn phone_plausible(phone: &str) -> bool {
    let digits: String = phone.chars().filter(|c| *c != '-' && *c != ' ').collect();
    let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let mobile = digits.len() == 11 && digits.starts_with('1');
    let landline = digits.starts_with('0') && (10..=16).contains(&digits.len());
    let hotline = digits.len() == 5 && digits.starts_with("123"); // 12345 政务服务便民热线
    all_digits && (mobile || landline || hotline)
}

fn phone(errors: &mut Vec<FieldError>, field: &str, label: &str, value: &Option<String>) -> String {
    let value = text(errors, field, label, value, (5, 30));
    if !value.is_empty() && !phone_plausible(&value) && !errors.iter().any(|e| e.field == field) {
        errors.push(FieldError {
            field: field.into(),
            message_zh: format!("{label}格式不正确：应为手机号、带区号的固定电话或 12345。"),
            message_en: format!(
                "{field} must be a mobile number, a landline with area code, or 12345."
            ),
        });
    }
    value
}

/// Parses "12.5" into hundredths (1250); at most two decimal places.
pub fn parse_hundredths(s: &str) -> Option<i64> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

/// Checks a whole project (stored values overlaid with the patch).
pub fn validate(input: &ProjectInput, ctx: &CheckContext) -> Result<ValidProject, Vec<FieldError>> {
    let mut errors = Vec::new();
    let e = &mut errors;

    let requirements_of_item = match input.service_item_id {
        None => {
            e.push(missing("service_item_id", "中介服务事项"));
            None
        }
        Some(_) if ctx.item_requirements.is_none() => {
            e.push(err(
                "service_item_id",
                "中介服务事项不存在或已停用：只能选择服务事项清单中的事项。",
                "The service item does not exist or is retired; choose one from the catalogue.",
            ));
            None
        }
        Some(_) => ctx.item_requirements,
    };
    let title = text(e, "title", "项目名称", &input.title, (4, 100));
    let investment_code = match input.investment_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => match investment_code::parse(code, ctx.known_region) {
            Ok(parsed) => Some(parsed.code),
            Err(reason) => {
                let (zh, en) = reason.messages();
                e.push(err("investment_code", zh, en));
                None
            }
        },
    };
    let region_code = text(e, "region_code", "项目所在地", &input.region_code, (6, 6));
    if !region_code.is_empty()
        && !(ctx.known_region)(&region_code)
        && !e.iter().any(|x| x.field == "region_code")
    {
        e.push(err(
            "region_code",
            "项目所在地不是有效的行政区划代码。",
            "region_code is not a known division code.",
        ));
    }
    let scale = match input.scale_kind.as_deref() {
        Some("amount") => match input.scale_amount_fen {
            Some(fen) if fen > 0 => Some(Scale::AmountFen(fen)),
            _ => {
                e.push(err(
                    "scale_amount_fen",
                    "请填写大于零的项目投资额（分）。",
                    "scale_amount_fen must be a positive amount in fen.",
                ));
                None
            }
        },
        Some("area") => {
            let unit = input.scale_unit.as_deref().and_then(AreaUnit::parse);
            if unit.is_none() {
                e.push(err(
                    "scale_unit",
                    "面积单位应为平方米、亩或公顷。",
                    "scale_unit must be m2, mu or ha.",
                ));
            }
            let area = input
                .scale_area
                .as_deref()
                .and_then(parse_hundredths)
                .filter(|v| *v > 0);
            if area.is_none() {
                e.push(err(
                    "scale_area",
                    "请填写大于零的面积，最多两位小数。",
                    "scale_area must be a positive number with at most two decimals.",
                ));
            }
            area.zip(unit)
                .map(|(hundredths, unit)| Scale::Area { hundredths, unit })
        }
        Some(_) => {
            e.push(err(
                "scale_kind",
                "项目规模应为投资额或面积。",
                "scale_kind must be amount or area.",
            ));
            None
        }
        None => {
            e.push(missing("scale_kind", "项目规模类型"));
            None
        }
    };
    let fiscal_share_percent = match input.fiscal_share_percent {
        Some(p) if (0..=100).contains(&p) => p,
        Some(_) => {
            e.push(err(
                "fiscal_share_percent",
                "财政资金占比应在 0–100 之间。",
                "fiscal_share_percent must be 0 to 100.",
            ));
            0
        }
        None => {
            e.push(missing("fiscal_share_percent", "资金来源（财政资金占比）"));
            0
        }
    };
    let service_content = text(
        e,
        "service_content",
        "服务内容",
        &input.service_content,
        (10, 4000),
    );
    let service_days = match input.service_days {
        Some(d) if (1..=3650).contains(&d) => d,
        Some(_) => {
            e.push(err(
                "service_days",
                "服务时限应为 1–3650 天。",
                "service_days must be 1 to 3650.",
            ));
            0
        }
        None => {
            e.push(missing("service_days", "服务时限"));
            0
        }
    };
    let method = match input.method.as_deref().map(Method::parse) {
        Some(Some(m)) => Some(m),
        Some(None) => {
            e.push(err(
                "method",
                "选取方式应为直接选取、随机抽取、竞价选取或综合评分。",
                "method must be direct, random, bidding or scoring.",
            ));
            None
        }
        None => {
            e.push(missing("method", "选取方式"));
            None
        }
    };
    let price = price_terms(e, input, method);
    let weights = match method {
        Some(Method::Scoring) => {
            let parts = [input.weight_price, input.weight_credit, input.weight_time];
            match parts {
                [Some(p), Some(c), Some(t)]
                    if parts.iter().flatten().all(|w| (0..=100).contains(w))
                        && p + c + t == 100 =>
                {
                    Some(Weights {
                        price: p.unsigned_abs(),
                        credit: c.unsigned_abs(),
                        time: t.unsigned_abs(),
                    })
                }
                _ => {
                    // Name each weight that is missing or out of range; if all
                    // three are there but do not add up, name all three.
                    let names = ["weight_price", "weight_credit", "weight_time"];
                    let wrong: Vec<&str> = names
                        .iter()
                        .zip(parts)
                        .filter(|(_, w)| !w.is_some_and(|w| (0..=100).contains(&w)))
                        .map(|(name, _)| *name)
                        .collect();
                    for name in if wrong.is_empty() {
                        names.to_vec()
                    } else {
                        wrong
                    } {
                        e.push(err(
                            name,
                            "综合评分须公布价格、信用、时限三项权重，各在 0–100 之间且合计 100。",
                            "scoring needs weight_price, weight_credit and weight_time, each 0 to 100, summing to 100.",
                        ));
                    }
                    None
                }
            }
        }
        _ => None,
    };
    let (qualification_mode, requirements) = qualification(e, input, requirements_of_item, ctx);
    let avoid = avoidances(e, input, ctx);
    let contact_name = text(e, "contact_name", "联系人", &input.contact_name, (2, 50));
    let contact_phone = phone(e, "contact_phone", "联系电话", &input.contact_phone);
    let complaint_phone = phone(e, "complaint_phone", "投诉电话", &input.complaint_phone);

    let direct_agency_id = match method {
        Some(Method::Direct) => input.direct_agency_id.flatten(),
        _ => None,
    };
    let direct_reason = match direct_agency_id {
        Some(id) => {
            if !(ctx.agency_exists)(id) {
                e.push(err(
                    "direct_agency_id",
                    "所选机构不存在。",
                    "direct_agency_id is not a known agency.",
                ));
            }
            if avoid.iter().any(|a| a.agency_id == id) {
                e.push(err(
                    "direct_agency_id",
                    "直接选取的机构在回避名单中。",
                    "The directly selected agency is on the avoid list.",
                ));
            }
            Some(text(
                e,
                "direct_reason",
                "直接选取理由",
                &input.direct_reason,
                (4, 500),
            ))
        }
        None => None,
    };
    if let (Some(Method::Direct), Some(price)) = (method, &price) {
        if !direct_selection_allowed(
            fiscal_share_percent,
            amount_cap_fen(price),
            ctx.direct_limit_fen,
        ) {
            e.push(FieldError {
                field: "method".into(),
                message_zh: format!(
                    "使用财政资金且金额超过 {} 元的项目不得直接选取，请选择随机抽取、竞价选取或综合评分。",
                    ctx.direct_limit_fen / 100
                ),
                message_en: format!(
                    "Projects with fiscal funds above {} yuan may not use direct selection.",
                    ctx.direct_limit_fen / 100
                ),
            });
        }
    }

    let signup_deadline = match (input.signup_deadline, direct_agency_id) {
        (Some(t), _) => Some(t),
        // Without a sign-up phase the deadline is set when the project opens.
        (None, Some(_)) => Some(DateTime::<Utc>::MIN_UTC),
        (None, None) => {
            e.push(missing("signup_deadline", "报名截止时间"));
            None
        }
    };
    let selection_at = input.selection_at.or(signup_deadline);
    if let (Some(deadline), Some(selection)) = (signup_deadline, selection_at) {
        if selection < deadline {
            e.push(err(
                "selection_at",
                "选取时间不得早于报名截止时间。",
                "selection_at may not be before signup_deadline.",
            ));
        }
    }

    match (
        errors.is_empty(),
        input.service_item_id,
        scale,
        method,
        price,
        signup_deadline,
        selection_at,
    ) {
        (
            true,
            Some(service_item_id),
            Some(scale),
            Some(method),
            Some(price),
            Some(signup_deadline),
            Some(selection_at),
        ) => Ok(ValidProject {
            service_item_id,
            title,
            investment_code,
            region_code,
            scale,
            fiscal_share_percent,
            service_content,
            service_days,
            method,
            price,
            weights,
            qualification_mode,
            requirements,
            avoid,
            contact_name,
            contact_phone,
            complaint_phone,
            signup_deadline,
            selection_at,
            direct_agency_id,
            direct_reason,
        }),
        _ => Err(errors),
    }
}

fn price_terms(
    e: &mut Vec<FieldError>,
    input: &ProjectInput,
    method: Option<Method>,
) -> Option<PriceTerms> {
    let mode = match input.price_mode.as_deref() {
        Some(mode @ ("fixed" | "amount" | "rate")) => mode,
        Some(_) => {
            e.push(err(
                "price_mode",
                "报价方式应为固定金额、金额报价或下浮率。",
                "price_mode must be fixed, amount or rate.",
            ));
            return None;
        }
        None => {
            e.push(missing("price_mode", "报价方式"));
            return None;
        }
    };
    if method == Some(Method::Random) && mode != "fixed" {
        e.push(err(
            "price_mode",
            "随机抽取的项目应公布固定服务金额。",
            "Random draws need a fixed amount (price_mode fixed).",
        ));
        return None;
    }
    if method == Some(Method::Bidding) && mode == "fixed" {
        e.push(err(
            "price_mode",
            "竞价选取须按金额或下浮率报价。",
            "Bidding needs price_mode amount or rate.",
        ));
        return None;
    }
    let positive =
        |e: &mut Vec<FieldError>, field: &str, label: &str, value: Option<i64>| match value {
            Some(v) if v > 0 => Some(v),
            _ => {
                e.push(FieldError {
                    field: field.into(),
                    message_zh: format!("请填写大于零的{label}（分）。"),
                    message_en: format!("{field} must be a positive amount in fen."),
                });
                None
            }
        };
    match mode {
        "fixed" => positive(e, "amount_fen", "服务金额", input.amount_fen)
            .map(|amount_fen| PriceTerms::Fixed { amount_fen }),
        "amount" => {
            let ceiling = positive(e, "ceiling_fen", "最高限价", input.ceiling_fen)?;
            let floor = input.floor_fen.unwrap_or(0);
            if floor < 0 || floor > ceiling {
                e.push(err(
                    "floor_fen",
                    "最低价不得为负，也不得高于最高限价。",
                    "floor_fen must be between 0 and ceiling_fen.",
                ));
                return None;
            }
            Some(PriceTerms::Amount {
                floor_fen: floor,
                ceiling_fen: ceiling,
            })
        }
        _ => {
            let base = positive(e, "amount_fen", "下浮基数金额", input.amount_fen)?;
            match (input.rate_min_bp, input.rate_max_bp) {
                (Some(min), Some(max)) if 0 <= min && min <= max && max < 10_000 => {
                    Some(PriceTerms::Rate {
                        base_fen: base,
                        min_bp: min,
                        max_bp: max,
                    })
                }
                _ => {
                    e.push(err(
                        "rate_max_bp",
                        "下浮率范围应满足 0 ≤ 最小下浮率 ≤ 最大下浮率 < 100%（以万分之一计）。",
                        "rate_min_bp and rate_max_bp must satisfy 0 <= min <= max < 10000.",
                    ));
                    None
                }
            }
        }
    }
}

fn qualification(
    e: &mut Vec<FieldError>,
    input: &ProjectInput,
    catalogue: Option<&[Requirement]>,
    ctx: &CheckContext,
) -> (QualificationMode, Vec<RequirementInput>) {
    let Some(catalogue) = catalogue else {
        return (QualificationMode::Promise, Vec::new());
    };
    if catalogue.is_empty() {
        // An item without a statutory qualification takes any capable agency.
        let asked = input.requirements.as_deref().unwrap_or(&[]);
        let mode = input.qualification_mode.as_deref();
        if !asked.is_empty() || mode.is_some_and(|m| m != "promise") {
            e.push(err(
                "requirements",
                "该服务事项在清单中无资质要求，只能选择“承诺即可”，不得另设资质条件。",
                "This item needs no qualification in the catalogue; only the commitment (promise) may be asked.",
            ));
        }
        return (QualificationMode::Promise, Vec::new());
    }
    let mode = match input.qualification_mode.as_deref() {
        None => QualificationMode::Any,
        Some(m) => match QualificationMode::parse(m) {
            Some(QualificationMode::Promise) => {
                e.push(err(
                    "qualification_mode",
                    "该服务事项依法需要资质，不能改为“承诺即可”。",
                    "This item requires a qualification by law; promise is not allowed.",
                ));
                QualificationMode::Any
            }
            Some(mode) => mode,
            None => {
                e.push(err(
                    "qualification_mode",
                    "资质要求方式应为具备其一或全部具备。",
                    "qualification_mode must be any or all.",
                ));
                QualificationMode::Any
            }
        },
    };
    let asked: Vec<RequirementInput> = match &input.requirements {
        None => catalogue
            .iter()
            .map(|r| RequirementInput {
                qualification_type_id: r.qualification_type_id,
                min_level: r.min_level.clone(),
            })
            .collect(),
        Some(list) => list.clone(),
    };
    if asked.is_empty() {
        e.push(err(
            "requirements",
            "请至少选择一项清单规定的资质。",
            "Choose at least one qualification from the catalogue.",
        ));
    }
    for (i, req) in asked.iter().enumerate() {
        let field = format!("requirements[{i}]");
        let Some(rule) = catalogue
            .iter()
            .find(|r| r.qualification_type_id == req.qualification_type_id)
        else {
            e.push(FieldError {
                field,
                message_zh: "只能选择服务事项清单规定的资质，不得另设条件。".into(),
                message_en:
                    "Only the qualifications the catalogue lists for this item may be required."
                        .into(),
            });
            continue;
        };
        if asked[..i]
            .iter()
            .any(|r| r.qualification_type_id == req.qualification_type_id)
        {
            e.push(FieldError {
                field,
                message_zh: "资质要求重复。".into(),
                message_en: "Duplicate requirement.".into(),
            });
            continue;
        }
        let levels = (ctx.type_levels)(req.qualification_type_id).unwrap_or_default();
        if let Some(level) = &req.min_level {
            let rank = |l: &str| levels.iter().position(|x| x == l);
            match (rank(level), rule.min_level.as_deref().and_then(rank)) {
                (None, _) => e.push(FieldError {
                    field,
                    message_zh: format!("资质等级“{level}”不存在。"),
                    message_en: format!("Unknown level {level}."),
                }),
                // Levels run highest first: a larger index is a lower level.
                (Some(asked_rank), Some(min_rank)) if asked_rank > min_rank => e.push(FieldError {
                    field,
                    message_zh: "资质等级不得低于清单规定的最低等级。".into(),
                    message_en: "The level may not be below the catalogue's minimum.".into(),
                }),
                _ => {}
            }
        }
    }
    // A requirement without a level asks for the catalogue's minimum, never
    // less: "any level" would let a lower certificate through.
    let asked = asked
        .into_iter()
        .map(|req| {
            let floor = catalogue
                .iter()
                .find(|r| r.qualification_type_id == req.qualification_type_id)
                .and_then(|r| r.min_level.clone());
            RequirementInput {
                min_level: req.min_level.or(floor),
                ..req
            }
        })
        .collect();
    (mode, asked)
}

fn avoidances(
    e: &mut Vec<FieldError>,
    input: &ProjectInput,
    ctx: &CheckContext,
) -> Vec<AvoidInput> {
    let list = input.avoid.clone().unwrap_or_default();
    if list.len() > MAX_AVOIDED {
        e.push(err(
            "avoid",
            "回避机构不得超过 50 家。",
            "At most 50 agencies may be avoided.",
        ));
    }
    let mut out: Vec<AvoidInput> = Vec::new();
    for (i, item) in list.into_iter().enumerate() {
        if !(ctx.agency_exists)(item.agency_id) {
            e.push(FieldError {
                field: format!("avoid[{i}].agency_id"),
                message_zh: "回避的机构不存在。".into(),
                message_en: "The avoided agency does not exist.".into(),
            });
        }
        if out.iter().any(|a| a.agency_id == item.agency_id) {
            e.push(FieldError {
                field: format!("avoid[{i}].agency_id"),
                message_zh: "回避机构重复。".into(),
                message_en: "Duplicate avoided agency.".into(),
            });
        }
        let reason = item.reason.trim().to_owned();
        if !(2..=200).contains(&reason.chars().count()) {
            e.push(FieldError {
                field: format!("avoid[{i}].reason"),
                message_zh: "请填写回避原因（2–200 字）。".into(),
                message_en: "Each avoided agency needs a reason of 2 to 200 characters.".into(),
            });
        }
        out.push(AvoidInput {
            agency_id: item.agency_id,
            reason,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn catalogue() -> Vec<Requirement> {
        vec![Requirement {
            qualification_type_id: 7,
            levels: vec!["甲级".into(), "乙级".into(), "丙级".into()],
            min_level: Some("乙级".into()),
        }]
    }

    fn levels(id: i64) -> Option<Vec<String>> {
        (id == 7).then(|| vec!["甲级".into(), "乙级".into(), "丙级".into()])
    }

    fn check(input: &ProjectInput, reqs: &[Requirement]) -> Result<ValidProject, Vec<FieldError>> {
        let ctx = CheckContext {
            item_requirements: Some(reqs),
            known_region: &|c| c == "360102" || c == "360100",
            agency_exists: &|id| id < 100,
            type_levels: &levels,
            direct_limit_fen: 10_000_000,
        };
        validate(input, &ctx)
    }

    fn random_draw() -> ProjectInput {
        ProjectInput {
            service_item_id: Some(1),
            title: Some("某某小区地质灾害危险性评估".into()),
            investment_code: Some("2103-360102-04-01-123456".into()),
            region_code: Some("360102".into()),
            scale_kind: Some("area".into()),
            scale_area: Some("12.5".into()),
            scale_unit: Some("mu".into()),
            fiscal_share_percent: Some(100),
            service_content: Some("编制地质灾害危险性评估报告并通过评审".into()),
            service_days: Some(30),
            method: Some("random".into()),
            price_mode: Some("fixed".into()),
            amount_fen: Some(5_000_000),
            contact_name: Some("王工".into()),
            contact_phone: Some("0791-86888888".into()),
            complaint_phone: Some("12345".into()),
            signup_deadline: Some(
                Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0)
                    .single()
                    .expect("time"),
            ),
            ..ProjectInput::default()
        }
    }

    fn fields(result: Result<ValidProject, Vec<FieldError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_complete_random_draw_is_valid_and_takes_the_catalogue_requirements() {
        let project = check(&random_draw(), &catalogue()).expect("valid");
        assert_eq!(
            project.scale,
            Scale::Area {
                hundredths: 1250,
                unit: AreaUnit::Mu
            }
        );
        assert_eq!(project.qualification_mode, QualificationMode::Any);
        assert_eq!(
            project.requirements,
            [RequirementInput {
                qualification_type_id: 7,
                min_level: Some("乙级".into())
            }]
        );
        assert_eq!(project.selection_at, project.signup_deadline);
        assert!(project.has_signup_phase());
    }

    /// A field and a change that makes it wrong.
    type Spoil = (&'static str, Box<dyn Fn(&mut ProjectInput)>);

    #[test]
    fn each_kind_of_bad_input_names_its_field() {
        let cases: Vec<Spoil> = vec![
            ("title", Box::new(|p| p.title = Some("短".into()))),
            (
                "investment_code",
                Box::new(|p| p.investment_code = Some("2103-110101-04-01-123456".into())),
            ),
            (
                "region_code",
                Box::new(|p| p.region_code = Some("999999".into())),
            ),
            (
                "scale_area",
                Box::new(|p| p.scale_area = Some("1.234".into())),
            ),
            (
                "scale_unit",
                Box::new(|p| p.scale_unit = Some("acre".into())),
            ),
            (
                "fiscal_share_percent",
                Box::new(|p| p.fiscal_share_percent = Some(101)),
            ),
            ("service_days", Box::new(|p| p.service_days = Some(0))),
            ("method", Box::new(|p| p.method = Some("lottery".into()))),
            (
                "price_mode",
                Box::new(|p| p.price_mode = Some("amount".into())),
            ),
            ("amount_fen", Box::new(|p| p.amount_fen = Some(0))),
            (
                "contact_phone",
                Box::new(|p| p.contact_phone = Some("12ab".into())),
            ),
            ("complaint_phone", Box::new(|p| p.complaint_phone = None)),
            ("signup_deadline", Box::new(|p| p.signup_deadline = None)),
            (
                "selection_at",
                Box::new(|p| {
                    p.selection_at = Some(
                        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0)
                            .single()
                            .expect("t"),
                    )
                }),
            ),
            ("service_item_id", Box::new(|p| p.service_item_id = None)),
        ];
        for (field, change) in cases {
            let mut input = random_draw();
            change(&mut input);
            assert_eq!(
                fields(check(&input, &catalogue())),
                [field],
                "changing {field}"
            );
        }
    }

    #[test]
    fn requirements_come_only_from_the_catalogue_and_never_below_its_minimum() {
        let mut input = random_draw();
        input.requirements = Some(vec![RequirementInput {
            qualification_type_id: 8,
            min_level: None,
        }]);
        assert_eq!(fields(check(&input, &catalogue())), ["requirements[0]"]);
        input.requirements = Some(vec![RequirementInput {
            qualification_type_id: 7,
            min_level: Some("丙级".into()),
        }]);
        assert_eq!(fields(check(&input, &catalogue())), ["requirements[0]"]);
        input.requirements = Some(vec![RequirementInput {
            qualification_type_id: 7,
            min_level: Some("甲级".into()),
        }]);
        assert!(check(&input, &catalogue()).is_ok());
        input.requirements = Some(vec![RequirementInput {
            qualification_type_id: 7,
            min_level: None,
        }]);
        assert_eq!(
            check(&input, &catalogue()).expect("valid").requirements,
            [RequirementInput {
                qualification_type_id: 7,
                min_level: Some("乙级".into())
            }],
            "no level means the catalogue's minimum, not any level"
        );
        input.requirements = Some(vec![]);
        assert_eq!(fields(check(&input, &catalogue())), ["requirements"]);
        input.requirements = None;
        input.qualification_mode = Some("promise".into());
        assert_eq!(fields(check(&input, &catalogue())), ["qualification_mode"]);
    }

    #[test]
    fn an_item_without_qualifications_takes_only_the_commitment() {
        let mut input = random_draw();
        assert_eq!(
            check(&input, &[]).expect("valid").qualification_mode,
            QualificationMode::Promise
        );
        input.requirements = Some(vec![RequirementInput {
            qualification_type_id: 7,
            min_level: None,
        }]);
        assert_eq!(fields(check(&input, &[])), ["requirements"]);
    }

    #[test]
    fn direct_selection_is_limited_for_fiscal_funds() {
        let mut input = random_draw();
        input.method = Some("direct".into());
        input.direct_agency_id = Some(Some(5));
        input.direct_reason = Some("应急抢险项目，时间紧迫".into());
        input.amount_fen = Some(20_000_000);
        assert_eq!(fields(check(&input, &catalogue())), ["method"]);
        input.fiscal_share_percent = Some(0);
        let project = check(&input, &catalogue()).expect("social funds may choose directly");
        assert!(!project.has_signup_phase());
        input.direct_reason = None;
        assert_eq!(fields(check(&input, &catalogue())), ["direct_reason"]);
    }

    #[test]
    fn scoring_needs_weights_summing_to_one_hundred() {
        let mut input = random_draw();
        input.method = Some("scoring".into());
        input.weight_price = Some(50);
        input.weight_credit = Some(30);
        input.weight_time = Some(10);
        assert_eq!(
            fields(check(&input, &catalogue())),
            ["weight_price", "weight_credit", "weight_time"],
            "a wrong sum names all three"
        );
        input.weight_time = Some(120);
        assert_eq!(fields(check(&input, &catalogue())), ["weight_time"]);
        input.weight_credit = None;
        assert_eq!(
            fields(check(&input, &catalogue())),
            ["weight_credit", "weight_time"]
        );
        input.weight_credit = Some(30);
        input.weight_time = Some(20);
        assert_eq!(
            check(&input, &catalogue()).expect("valid").weights,
            Some(Weights {
                price: 50,
                credit: 30,
                time: 20
            })
        );
    }

    #[test]
    fn bidding_quotes_within_a_band() {
        let mut input = random_draw();
        input.method = Some("bidding".into());
        input.price_mode = Some("amount".into());
        input.ceiling_fen = Some(1_000_000);
        input.floor_fen = Some(2_000_000);
        assert_eq!(fields(check(&input, &catalogue())), ["floor_fen"]);
        input.floor_fen = Some(600_000);
        assert_eq!(
            check(&input, &catalogue()).expect("valid").price,
            PriceTerms::Amount {
                floor_fen: 600_000,
                ceiling_fen: 1_000_000
            }
        );
        input.price_mode = Some("rate".into());
        input.rate_min_bp = Some(500);
        input.rate_max_bp = Some(300);
        assert_eq!(fields(check(&input, &catalogue())), ["rate_max_bp"]);
    }

    #[test]
    fn avoided_agencies_need_reasons() {
        let mut input = random_draw();
        input.avoid = Some(vec![
            AvoidInput {
                agency_id: 3,
                reason: "与项目业主存在隶属关系".into(),
            },
            AvoidInput {
                agency_id: 3,
                reason: "重复".into(),
            },
            AvoidInput {
                agency_id: 500,
                reason: "x".into(),
            },
        ]);
        assert_eq!(
            fields(check(&input, &catalogue())),
            [
                "avoid[1].agency_id",
                "avoid[2].agency_id",
                "avoid[2].reason"
            ]
        );
    }

    #[test]
    fn areas_are_read_in_hundredths_and_phones_are_checked() {
        assert_eq!(parse_hundredths("12.5"), Some(1250));
        assert_eq!(parse_hundredths("3"), Some(300));
        assert_eq!(parse_hundredths("0.07"), Some(7));
        assert_eq!(parse_hundredths("1.234"), None);
        assert_eq!(parse_hundredths("-1"), None);
        assert_eq!(parse_hundredths(".5"), None);
        for ok in ["13812345678", "0791-86888888", "0791 8688 8888", "12345"] {
            assert!(phone_plausible(ok), "{ok}");
        }
        for bad in ["12", "23812345678", "abc", "0791"] {
            assert!(!phone_plausible(bad), "{bad}");
        }
    }

    #[test]
    fn a_patch_overlays_the_stored_project() {
        let stored = random_draw();
        let patched = stored.clone().overlay(ProjectInput {
            title: Some("新的项目名称".into()),
            ..Default::default()
        });
        assert_eq!(patched.title.as_deref(), Some("新的项目名称"));
        assert_eq!(patched.amount_fen, stored.amount_fen);
    }
}
