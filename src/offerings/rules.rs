//! Offering rules as plain functions: a valid offering, where it may be
//! offered, and why publishing is refused.

use crate::agencies::rules::AgencyStatus;
use crate::catalog::divisions::{covers, HOME_PROVINCE};
use crate::error::FieldError;
use serde::Deserialize;
use utoipa::ToSchema;

/// An offering as sent; every field optional (PATCH). Money in fen, discount
/// rates in permille (下浮率 12.5% = 125).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct OfferingInput {
    pub service_item_id: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Division codes served, within the agency's declared regions.
    pub regions: Option<Vec<String>>,
    /// Serves all of 江西 (needs the agency to declare the whole province).
    pub whole_province: Option<bool>,
    /// range (price_min_fen..price_max_fen) | discount (on the government price)
    pub price_basis: Option<String>,
    pub price_min_fen: Option<i64>,
    pub price_max_fen: Option<i64>,
    pub discount_min_permille: Option<i32>,
    pub discount_max_permille: Option<i32>,
    /// Promised time limit in working days.
    pub promised_days: Option<i32>,
    pub example_projects: Option<Vec<String>>,
    /// draft | published | withdrawn
    pub status: Option<String>,
}

/// The offering's fields after an edit, as the rules check them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfferingTerms {
    pub title: String,
    pub description: String,
    pub regions: Vec<String>,
    pub whole_province: bool,
    pub price_basis: String,
    pub price_min_fen: Option<i64>,
    pub price_max_fen: Option<i64>,
    pub discount_min_permille: Option<i32>,
    pub discount_max_permille: Option<i32>,
    pub promised_days: i32,
    pub example_projects: Vec<String>,
}

/// Ten thousand million yuan: beyond any intermediary service.
const MAX_FEN: i64 = 1_000_000_000_000;

pub fn validate_terms(terms: &OfferingTerms, agency_regions: &[String]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let length = |s: &str| s.trim().chars().count();
    if !(2..=100).contains(&length(&terms.title)) {
        errors.push(FieldError::new(
            "title",
            "请填写服务名称（2至100个字）。",
            "The title must have 2 to 100 characters.",
        ));
    }
    if !(2..=5000).contains(&length(&terms.description)) {
        errors.push(FieldError::new(
            "description",
            "请填写服务说明（不超过5000个字）。",
            "The description must have 2 to 5000 characters.",
        ));
    }
    if terms.whole_province {
        if !agency_regions.iter().any(|r| r == HOME_PROVINCE) {
            errors.push(FieldError::new(
                "whole_province",
                "机构未声明服务全省，不能面向全省提供服务。",
                "The agency does not declare the whole province.",
            ));
        }
    } else if terms.regions.is_empty() {
        errors.push(FieldError::new(
            "regions",
            "请选择服务区域，或选择服务全省。",
            "Choose the regions served, or the whole province.",
        ));
    }
    for (i, region) in terms.regions.iter().enumerate() {
        if !agency_regions
            .iter()
            .any(|declared| covers(declared, region))
        {
            errors.push(FieldError {
                field: format!("regions[{i}]"),
                message_zh: format!("服务区域 {region} 不在机构声明的服务区域内。"),
                message_en: format!("Region {region} is outside the regions the agency declares."),
            });
        }
    }
    match terms.price_basis.as_str() {
        "range" => match (terms.price_min_fen, terms.price_max_fen) {
            (Some(min), Some(max)) if min < 0 || max > MAX_FEN => errors.push(FieldError::new(
                "price_min_fen",
                "价格超出范围。",
                "The price is out of range.",
            )),
            (Some(min), Some(max)) if min > max => errors.push(FieldError::new(
                "price_max_fen",
                "最高价不能低于最低价。",
                "price_max_fen is below price_min_fen.",
            )),
            (Some(_), Some(_)) => {}
            _ => errors.push(FieldError::new(
                "price_min_fen",
                "请填写价格区间（单位：分）。",
                "price_min_fen and price_max_fen are required for a range.",
            )),
        },
        "discount" => match (terms.discount_min_permille, terms.discount_max_permille) {
            (Some(min), Some(max)) if !(0..=1000).contains(&min) || !(0..=1000).contains(&max) => {
                errors.push(FieldError::new(
                    "discount_min_permille",
                    "下浮率应在0至1000‰之间。",
                    "Discount rates are between 0 and 1000 permille.",
                ))
            }
            (Some(min), Some(max)) if min > max => errors.push(FieldError::new(
                "discount_max_permille",
                "最高下浮率不能低于最低下浮率。",
                "discount_max_permille is below discount_min_permille.",
            )),
            (Some(_), Some(_)) => {}
            _ => errors.push(FieldError::new(
                "discount_min_permille",
                "请填写下浮率区间。",
                "discount_min_permille and discount_max_permille are required.",
            )),
        },
        _ => errors.push(FieldError::new(
            "price_basis",
            "计价方式只能是 range（价格区间）或 discount（政府指导价下浮率）。",
            "price_basis must be range or discount.",
        )),
    }
    if !(1..=365).contains(&terms.promised_days) {
        errors.push(FieldError::new(
            "promised_days",
            "承诺时限应为1至365个工作日。",
            "promised_days must be between 1 and 365.",
        ));
    }
    if terms.example_projects.len() > 20
        || terms
            .example_projects
            .iter()
            .any(|p| p.chars().count() > 200)
    {
        errors.push(FieldError::new(
            "example_projects",
            "服务案例最多20条，每条不超过200个字。",
            "At most 20 example projects of at most 200 characters.",
        ));
    }
    errors
}

/// Why an offering may not be published (or stay live) now; empty when it may.
pub fn publish_refusals(
    agency: AgencyStatus,
    item_active: bool,
    qualified: bool,
    requirement_kind: &str,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if agency != AgencyStatus::Admitted {
        reasons.push(format!(
            "机构当前状态为“{}”，只有已入驻的机构可以发布服务。",
            agency.label_zh()
        ));
    }
    if !item_active {
        reasons.push("该服务事项已停用。".to_owned());
    }
    if !qualified {
        reasons.push(if requirement_kind == "none" {
            "该事项需接受入驻承诺。".to_owned()
        } else {
            "机构没有该事项要求的有效资质（须经核验且在有效期内）。".to_owned()
        });
    }
    reasons
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "published" => "已发布",
        "withdrawn" => "已撤回",
        _ => "草稿",
    }
}

/// "¥1,234.50" from fen, for pages.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let yuan = fen / 100;
    let digits = yuan.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}¥{grouped}.{:02}", fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> OfferingTerms {
        OfferingTerms {
            title: "建设项目环境影响报告表编制".into(),
            description: "按导则编制报告表，含现场踏勘。".into(),
            regions: vec!["360102".into()],
            whole_province: false,
            price_basis: "range".into(),
            price_min_fen: Some(3_000_000),
            price_max_fen: Some(8_000_000),
            discount_min_permille: None,
            discount_max_permille: None,
            promised_days: 20,
            example_projects: vec![],
        }
    }

    fn fields(t: &OfferingTerms, regions: &[&str]) -> Vec<String> {
        let regions: Vec<String> = regions.iter().map(|r| r.to_string()).collect();
        validate_terms(t, &regions)
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn offerings_stay_inside_the_declared_regions() {
        assert!(
            fields(&terms(), &["360100"]).is_empty(),
            "a city covers its districts"
        );
        assert!(
            fields(&terms(), &["360000"]).is_empty(),
            "the province covers everything"
        );
        assert_eq!(fields(&terms(), &["360200"]), vec!["regions[0]"]);
        let whole = OfferingTerms {
            whole_province: true,
            regions: vec![],
            ..terms()
        };
        assert_eq!(fields(&whole, &["360100"]), vec!["whole_province"]);
        assert!(fields(&whole, &["360000"]).is_empty());
        let nowhere = OfferingTerms {
            regions: vec![],
            ..terms()
        };
        assert_eq!(fields(&nowhere, &["360000"]), vec!["regions"]);
    }

    #[test]
    fn prices_and_limits_are_checked() {
        let cases: Vec<(OfferingTerms, &str)> = vec![
            (
                OfferingTerms {
                    price_max_fen: Some(1),
                    ..terms()
                },
                "price_max_fen",
            ),
            (
                OfferingTerms {
                    price_min_fen: None,
                    ..terms()
                },
                "price_min_fen",
            ),
            (
                OfferingTerms {
                    price_basis: "free".into(),
                    ..terms()
                },
                "price_basis",
            ),
            (
                OfferingTerms {
                    price_basis: "discount".into(),
                    discount_min_permille: Some(200),
                    discount_max_permille: Some(100),
                    ..terms()
                },
                "discount_max_permille",
            ),
            (
                OfferingTerms {
                    price_basis: "discount".into(),
                    discount_min_permille: Some(-1),
                    discount_max_permille: Some(100),
                    ..terms()
                },
                "discount_min_permille",
            ),
            (
                OfferingTerms {
                    promised_days: 0,
                    ..terms()
                },
                "promised_days",
            ),
            (
                OfferingTerms {
                    title: "x".into(),
                    ..terms()
                },
                "title",
            ),
        ];
        for (t, field) in cases {
            assert_eq!(fields(&t, &["360000"]), vec![field]);
        }
        let discount = OfferingTerms {
            price_basis: "discount".into(),
            discount_min_permille: Some(100),
            discount_max_permille: Some(200),
            ..terms()
        };
        assert!(fields(&discount, &["360000"]).is_empty());
    }

    #[test]
    fn publishing_needs_admission_an_active_item_and_a_valid_qualification() {
        assert!(publish_refusals(AgencyStatus::Admitted, true, true, "certificate").is_empty());
        assert_eq!(
            publish_refusals(AgencyStatus::Suspended, true, true, "certificate").len(),
            1
        );
        assert_eq!(
            publish_refusals(AgencyStatus::Admitted, false, false, "certificate").len(),
            2
        );
        assert!(
            publish_refusals(AgencyStatus::Admitted, true, false, "certificate")[0]
                .contains("资质")
        );
    }

    #[test]
    fn money_reads_as_yuan() {
        assert_eq!(yuan(123_456_789), "¥1,234,567.89");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(100_000), "¥1,000.00");
    }
}
