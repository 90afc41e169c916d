//! Pure rules of the parallel approval record: the departments' states of an
//! approval item, the state of an intermediary step, what an investment
//! project sent by the approval system must hold, and what blocks what.

use crate::error::FieldError;
use crate::projects::investment_code;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The department's state of one approval item (审批事项).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    /// 未申报
    NotFiled,
    /// 受理
    Accepted,
    /// 办理中
    Processing,
    /// 办结
    Approved,
    /// 不予许可
    Refused,
}

impl ApprovalState {
    pub const ALL: [ApprovalState; 5] = [
        ApprovalState::NotFiled,
        ApprovalState::Accepted,
        ApprovalState::Processing,
        ApprovalState::Approved,
        ApprovalState::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::NotFiled => "not_filed",
            ApprovalState::Accepted => "accepted",
            ApprovalState::Processing => "processing",
            ApprovalState::Approved => "approved",
            ApprovalState::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<ApprovalState> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ApprovalState::NotFiled => "未申报",
            ApprovalState::Accepted => "受理",
            ApprovalState::Processing => "办理中",
            ApprovalState::Approved => "办结",
            ApprovalState::Refused => "不予许可",
        }
    }
}

/// Where an intermediary step stands in the marketplace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// No marketplace project provides it yet.
    Open,
    /// A marketplace project is under way for it.
    Linked,
    /// Its deliverables were accepted (验收).
    Done,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Open => "open",
            StepStatus::Linked => "linked",
            StepStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<StepStatus> {
        [StepStatus::Open, StepStatus::Linked, StepStatus::Done]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            StepStatus::Open => "待选取中介",
            StepStatus::Linked => "中介服务中",
            StepStatus::Done => "已完成",
        }
    }
}

/// An investment project as the approval system sends it (`PUT`).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvestmentProjectInput {
    pub name: Option<String>,
    pub owner_name: Option<String>,
    /// The owner's 统一社会信用代码; applicants of that organisation see the record.
    pub owner_uscc: Option<String>,
    /// The 6-digit division code of the location.
    pub region_code: Option<String>,
    /// 建设规模, as text (e.g. "总投资 1.2 亿元，建筑面积 3.5 万平方米").
    pub scale: Option<String>,
    /// The approval items the project needs; the list replaces the previous one.
    #[serde(default)]
    pub approval_items: Vec<ApprovalItemInput>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalItemInput {
    /// The approval item's code, e.g. `SP05` (建设项目环境影响评价审批).
    pub code: String,
    /// The intermediary service items (codes such as `ZJ005`) it waits for;
    /// omitted, all the catalogue lists for it.
    pub services: Option<Vec<String>>,
}

/// An investment project checked: what is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedProject {
    pub name: String,
    pub owner_name: String,
    pub owner_uscc: Option<String>,
    pub region_code: String,
    pub scale: String,
}

fn text(value: Option<&str>, field: &str, label: &str, max: usize) -> Result<String, FieldError> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() || value.chars().count() > max {
        return Err(FieldError {
            field: field.into(),
            message_zh: format!("请填写{label}（不超过 {max} 字）。"),
            message_en: format!("{field} is required, at most {max} characters."),
        });
    }
    Ok(value.to_owned())
}

/// Checks the fields of an investment project; `known_region` answers
/// whether a division code exists.
pub fn check_project(
    input: &InvestmentProjectInput,
    known_region: &dyn Fn(&str) -> bool,
) -> Result<CheckedProject, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut keep = |r: Result<String, FieldError>| match r {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let name = keep(text(input.name.as_deref(), "name", "项目名称", 200));
    let owner_name = keep(text(
        input.owner_name.as_deref(),
        "owner_name",
        "项目单位",
        200,
    ));
    let scale = keep(text(input.scale.as_deref(), "scale", "建设规模", 500));
    let region_code = input
        .region_code
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if !known_region(region_code) {
        errors.push(FieldError::new(
            "region_code",
            "项目所在地应为有效的行政区划代码。",
            "region_code must be a known division code.",
        ));
    }
    let owner_uscc = match input.owner_uscc.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => match crate::accounts::uscc::parse(code) {
            Ok(valid) => Some(valid.to_string()),
            Err(_) => {
                errors.push(FieldError::new(
                    "owner_uscc",
                    "项目单位的统一社会信用代码无效。",
                    "owner_uscc is not a valid unified social credit code.",
                ));
                None
            }
        },
    };
    let mut seen = Vec::new();
    for (i, item) in input.approval_items.iter().enumerate() {
        if seen.contains(&item.code) {
            errors.push(FieldError {
                field: format!("approval_items[{i}].code"),
                message_zh: format!("审批事项 {} 重复。", item.code),
                message_en: format!("Approval item {} is listed twice.", item.code),
            });
        }
        seen.push(item.code.clone());
    }
    if errors.is_empty() {
        Ok(CheckedProject {
            name,
            owner_name,
            owner_uscc,
            region_code: region_code.to_owned(),
            scale,
        })
    } else {
        Err(errors)
    }
}

/// The code as stored, or the field error naming what is wrong with it.
pub fn check_code(code: &str, known_region: &dyn Fn(&str) -> bool) -> Result<String, FieldError> {
    investment_code::parse(code, known_region)
        .map(|c| c.code)
        .map_err(|e| {
            let (zh, en) = e.messages();
            FieldError::new("code", zh, en)
        })
}

/// The fingerprint of the accepted deliverables: SHA-256 over their own
/// SHA-256 hashes in attachment order, so one value names the whole set.
pub fn deliverable_hash(file_hashes: &[String]) -> String {
    let mut digest = Sha256::new();
    for hash in file_hashes {
        digest.update(hash.as_bytes());
        digest.update(b"\n");
    }
    hex::encode(digest.finalize())
}

/// One approval item as the timeline reads it: its state and its steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemProgress {
    pub code: String,
    pub state: ApprovalState,
    pub steps: Vec<StepStatus>,
}

/// What blocks an approval item from being filed: the intermediary steps not yet done.
pub fn waiting_for(item: &ItemProgress) -> usize {
    item.steps
        .iter()
        .filter(|s| **s != StepStatus::Done)
        .count()
}

/// Whether the item may go to its department: every intermediary report is in.
pub fn ready_to_file(item: &ItemProgress) -> bool {
    item.state == ApprovalState::NotFiled && waiting_for(item) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jiangxi(code: &str) -> bool {
        ["360000", "360100", "360102"].contains(&code)
    }

    fn input() -> InvestmentProjectInput {
        InvestmentProjectInput {
            name: Some("南昌市青山湖区某安置房项目".into()),
            owner_name: Some("南昌某置业有限公司".into()),
            owner_uscc: Some("91350100M000100Y43".into()),
            region_code: Some("360102".into()),
            scale: Some("总投资 1.2 亿元".into()),
            approval_items: vec![ApprovalItemInput {
                code: "SP05".into(),
                services: None,
            }],
        }
    }

    #[test]
    fn a_complete_project_is_accepted_and_each_fault_is_named() {
        assert!(check_project(&input(), &jiangxi).is_ok());
        type Change = fn(&mut InvestmentProjectInput);
        let cases: [(Change, &str); 5] = [
            (|i| i.name = None, "name"),
            (|i| i.owner_name = Some("  ".into()), "owner_name"),
            (|i| i.region_code = Some("110101".into()), "region_code"),
            (
                |i| i.owner_uscc = Some("91350100M000100Y4Z".into()),
                "owner_uscc",
            ),
            (
                |i| {
                    i.approval_items.push(ApprovalItemInput {
                        code: "SP05".into(),
                        services: None,
                    })
                },
                "approval_items[1].code",
            ),
        ];
        for (change, field) in cases {
            let mut bad = input();
            change(&mut bad);
            let errors = check_project(&bad, &jiangxi).unwrap_err();
            assert_eq!(
                errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
                [field]
            );
        }
    }

    #[test]
    fn codes_of_both_layouts_are_kept_and_bad_ones_named() {
        assert_eq!(
            check_code("2103-360102-04-01-123456", &jiangxi).unwrap(),
            "2103-360102-04-01-123456"
        );
        assert_eq!(
            check_code("2017-360102-47-03-012345", &jiangxi).unwrap(),
            "2017-360102-47-03-012345"
        );
        assert_eq!(check_code("2103-36", &jiangxi).unwrap_err().field, "code");
    }

    #[test]
    fn an_item_is_ready_to_file_when_every_report_is_in() {
        let mut item = ItemProgress {
            code: "SP05".into(),
            state: ApprovalState::NotFiled,
            steps: vec![StepStatus::Done, StepStatus::Linked],
        };
        assert_eq!(waiting_for(&item), 1);
        assert!(!ready_to_file(&item));
        item.steps[1] = StepStatus::Done;
        assert!(ready_to_file(&item));
        item.state = ApprovalState::Processing;
        assert!(!ready_to_file(&item), "already filed");
    }

    #[test]
    fn the_deliverable_hash_names_the_set_in_order() {
        let a = deliverable_hash(&["aa".into(), "bb".into()]);
        assert_eq!(a.len(), 64);
        assert_ne!(a, deliverable_hash(&["bb".into(), "aa".into()]));
        assert_eq!(a, deliverable_hash(&["aa".into(), "bb".into()]));
    }

    #[test]
    fn states_read_back_from_their_names() {
        for s in ApprovalState::ALL {
            assert_eq!(ApprovalState::parse(s.as_str()), Some(s));
        }
        assert_eq!(ApprovalState::parse("done"), None);
    }
}
