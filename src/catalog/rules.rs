//! Catalogue rules as plain functions: whether qualifications meet an item's
//! requirements, and what a valid edit of an item is.

use super::model::split_levels;
use crate::error::FieldError;
use serde::Deserialize;
use utoipa::ToSchema;

/// One acceptable qualification of an item: a type, from a level up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub qualification_type_id: i64,
    /// The type's levels, highest first (empty when the type has none).
    pub levels: Vec<String>,
    /// The lowest level accepted; `None` accepts any level.
    pub min_level: Option<String>,
}

/// A qualification an agency holds that is valid now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldQualification {
    pub qualification_type_id: i64,
    pub level: Option<String>,
}

impl Requirement {
    /// Whether a held qualification meets this requirement.
    pub fn met_by(&self, held: &HeldQualification) -> bool {
        if held.qualification_type_id != self.qualification_type_id {
            return false;
        }
        let Some(min) = &self.min_level else {
            return true;
        };
        let rank = |level: &str| self.levels.iter().position(|l| l == level);
        match (held.level.as_deref().and_then(rank), rank(min)) {
            // Levels are listed highest first: a smaller index is a higher level.
            (Some(held_rank), Some(min_rank)) => held_rank <= min_rank,
            _ => false,
        }
    }
}

/// An item with no requirement needs only the agency's commitment (承诺即可);
/// otherwise any one requirement met by a valid qualification suffices (符合其一).
pub fn item_satisfied(requirements: &[Requirement], held: &[HeldQualification]) -> bool {
    requirements.is_empty()
        || requirements
            .iter()
            .any(|r| held.iter().any(|h| r.met_by(h)))
}

/// Until when a set of qualifications keeps an item satisfied: the latest
/// expiry among those that meet a requirement (`None` if none does; no end
/// for an item that needs only a commitment). Search stores it, so an
/// offering leaves the results at the very moment its certificate expires.
pub fn satisfied_until<T: Copy + Ord>(
    requirements: &[Requirement],
    held: &[(HeldQualification, T)],
    no_end: T,
) -> Option<T> {
    if requirements.is_empty() {
        return Some(no_end);
    }
    held.iter()
        .filter(|(h, _)| requirements.iter().any(|r| r.met_by(h)))
        .map(|(_, until)| *until)
        .max()
}

pub const REQUIREMENT_KINDS: [&str; 3] = ["certificate", "filing", "none"];
pub const FEE_BASES: [&str; 2] = ["government", "market"];

pub fn fee_basis_label(basis: &str) -> &'static str {
    match basis {
        "government" => "政府定价",
        _ => "市场调节",
    }
}

pub fn requirement_kind_label(kind: &str) -> &'static str {
    match kind {
        "certificate" => "须具备资质证书",
        "filing" => "须完成备案或登记",
        _ => "承诺即可（无资质要求）",
    }
}

/// An administrator's edit of an item: every field optional (PATCH); creating
/// needs the required ones.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ItemPatch {
    pub code: Option<String>,
    pub name: Option<String>,
    pub category: Option<String>,
    pub approval_items: Option<String>,
    pub department: Option<String>,
    /// certificate | filing | none
    pub requirement_kind: Option<String>,
    pub qualification_note: Option<String>,
    pub abbreviations: Option<Vec<String>>,
    pub time_limit_days: Option<i32>,
    /// government (政府定价) | market (市场调节)
    pub fee_basis: Option<String>,
    pub purpose: Option<String>,
    pub materials: Option<Vec<String>>,
    pub provider: Option<String>,
    /// active | retired
    pub status: Option<String>,
    /// Replaces the item's requirements when given.
    pub requirements: Option<Vec<RequirementInput>>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct RequirementInput {
    /// The qualification type's code, e.g. QT_SURVEYING.
    pub qualification_type: String,
    pub min_level: Option<String>,
}

/// The qualification types an edit may name: (id, code, levels).
pub type KnownType = (i64, String, String);

/// Requirements resolved to (type id, lowest accepted level).
pub type ResolvedRequirements = Vec<(i64, Option<String>)>;

/// Checks an edit; returns the requirements it sets, resolved to type ids.
pub fn validate_item(
    patch: &ItemPatch,
    creating: bool,
    types: &[KnownType],
) -> Result<Option<ResolvedRequirements>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let text_fields: [(&str, &Option<String>, usize, &str); 9] = [
        ("code", &patch.code, 20, "编码"),
        ("name", &patch.name, 100, "事项名称"),
        ("category", &patch.category, 50, "类别"),
        (
            "approval_items",
            &patch.approval_items,
            300,
            "服务的审批事项",
        ),
        ("department", &patch.department, 100, "审批部门"),
        (
            "qualification_note",
            &patch.qualification_note,
            500,
            "资质要求说明",
        ),
        ("purpose", &patch.purpose, 2000, "服务用途"),
        ("provider", &patch.provider, 500, "服务提供者"),
        (
            "requirement_kind",
            &patch.requirement_kind,
            20,
            "资质要求类型",
        ),
    ];
    for (field, value, max, label) in text_fields {
        match value {
            Some(v) if v.trim().is_empty() || v.chars().count() > max => errors.push(FieldError {
                field: field.into(),
                message_zh: format!("请填写{label}（不超过{max}个字）。"),
                message_en: format!("{field} is required and must have at most {max} characters."),
            }),
            None if creating && field != "qualification_note" => errors.push(FieldError {
                field: field.into(),
                message_zh: format!("请填写{label}。"),
                message_en: format!("{field} is required."),
            }),
            _ => {}
        }
    }
    if let Some(kind) = &patch.requirement_kind {
        if !REQUIREMENT_KINDS.contains(&kind.as_str()) {
            errors.push(FieldError::new(
                "requirement_kind",
                "资质要求类型只能是 certificate（资质证书）、filing（备案）或 none（承诺即可）。",
                "requirement_kind must be certificate, filing or none.",
            ));
        }
    }
    match patch.time_limit_days {
        Some(days) if !(1..=365).contains(&days) => errors.push(FieldError::new(
            "time_limit_days",
            "办理时限应为1至365个工作日。",
            "time_limit_days must be between 1 and 365.",
        )),
        None if creating => errors.push(FieldError::new(
            "time_limit_days",
            "请填写办理时限。",
            "time_limit_days is required.",
        )),
        _ => {}
    }
    match &patch.fee_basis {
        Some(basis) if !FEE_BASES.contains(&basis.as_str()) => errors.push(FieldError::new(
            "fee_basis",
            "收费依据只能是 government（政府定价）或 market（市场调节）。",
            "fee_basis must be government or market.",
        )),
        None if creating => errors.push(FieldError::new(
            "fee_basis",
            "请选择收费依据。",
            "fee_basis is required.",
        )),
        _ => {}
    }
    if let Some(status) = &patch.status {
        if status != "active" && status != "retired" {
            errors.push(FieldError::new(
                "status",
                "状态只能是 active（在用）或 retired（停用）。",
                "status must be active or retired.",
            ));
        }
    }
    let requirements = patch.requirements.as_ref().map(|list| {
        list.iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let field = format!("requirements[{i}]");
                let Some((id, _, levels)) = types
                    .iter()
                    .find(|(_, code, _)| *code == r.qualification_type)
                else {
                    errors.push(FieldError {
                        field,
                        message_zh: format!("没有编码为 {} 的资质类型。", r.qualification_type),
                        message_en: format!(
                            "There is no qualification type {}.",
                            r.qualification_type
                        ),
                    });
                    return None;
                };
                let min_level = r
                    .min_level
                    .as_ref()
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty());
                if let Some(level) = &min_level {
                    if !split_levels(levels).contains(level) {
                        errors.push(FieldError {
                            field,
                            message_zh: format!(
                                "资质类型 {} 没有“{level}”这一等级。",
                                r.qualification_type
                            ),
                            message_en: format!(
                                "Qualification type {} has no level {level}.",
                                r.qualification_type
                            ),
                        });
                        return None;
                    }
                }
                Some((*id, min_level))
            })
            .collect::<Vec<_>>()
    });
    if errors.is_empty() {
        Ok(requirements)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surveying(min: Option<&str>) -> Requirement {
        Requirement {
            qualification_type_id: 1,
            levels: vec!["甲级".into(), "乙级".into()],
            min_level: min.map(str::to_owned),
        }
    }

    fn held(type_id: i64, level: Option<&str>) -> HeldQualification {
        HeldQualification {
            qualification_type_id: type_id,
            level: level.map(str::to_owned),
        }
    }

    #[test]
    fn levels_meet_requirements_from_the_minimum_up() {
        let cases = [
            (surveying(Some("乙级")), held(1, Some("甲级")), true),
            (surveying(Some("乙级")), held(1, Some("乙级")), true),
            (surveying(Some("甲级")), held(1, Some("乙级")), false),
            (surveying(None), held(1, Some("乙级")), true),
            (surveying(Some("乙级")), held(2, Some("甲级")), false),
            (surveying(Some("乙级")), held(1, None), false),
            (surveying(Some("乙级")), held(1, Some("丙级")), false),
        ];
        for (requirement, qualification, expected) in cases {
            assert_eq!(
                requirement.met_by(&qualification),
                expected,
                "{requirement:?} {qualification:?}"
            );
        }
    }

    #[test]
    fn any_one_requirement_suffices_and_none_needs_only_a_commitment() {
        let either = [
            surveying(Some("甲级")),
            Requirement {
                qualification_type_id: 2,
                levels: vec![],
                min_level: None,
            },
        ];
        assert!(item_satisfied(&either, &[held(2, None)]));
        assert!(!item_satisfied(&either, &[held(1, Some("乙级"))]));
        assert!(item_satisfied(&[], &[]));
        assert!(!item_satisfied(&either, &[]));
    }

    #[test]
    fn the_latest_qualifying_expiry_bounds_an_item() {
        let requirement = [surveying(Some("乙级"))];
        let held = [
            (held(1, Some("乙级")), 10),
            (held(1, Some("甲级")), 30),
            (held(2, None), 99),
        ];
        assert_eq!(satisfied_until(&requirement, &held, i64::MAX), Some(30));
        assert_eq!(satisfied_until(&requirement, &held[2..], i64::MAX), None);
        assert_eq!(satisfied_until(&[], &[], i64::MAX), Some(i64::MAX));
    }

    #[test]
    fn an_edit_names_each_bad_field() {
        let types = vec![(1, "QT_SURVEYING".to_owned(), "甲级;乙级".to_owned())];
        let patch = ItemPatch {
            name: Some(" ".into()),
            time_limit_days: Some(0),
            fee_basis: Some("free".into()),
            requirements: Some(vec![
                RequirementInput {
                    qualification_type: "QT_NONE".into(),
                    min_level: None,
                },
                RequirementInput {
                    qualification_type: "QT_SURVEYING".into(),
                    min_level: Some("丙级".into()),
                },
            ]),
            ..Default::default()
        };
        let fields: Vec<String> = validate_item(&patch, false, &types)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "name",
                "time_limit_days",
                "fee_basis",
                "requirements[0]",
                "requirements[1]"
            ]
        );

        let good = ItemPatch {
            requirements: Some(vec![RequirementInput {
                qualification_type: "QT_SURVEYING".into(),
                min_level: Some("乙级".into()),
            }]),
            ..Default::default()
        };
        assert_eq!(
            validate_item(&good, false, &types).unwrap(),
            Some(vec![(1, Some("乙级".into()))])
        );
        let missing: Vec<String> = validate_item(&ItemPatch::default(), true, &types)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert!(missing.contains(&"code".to_owned()) && missing.contains(&"fee_basis".to_owned()));
    }
}
