//! Contract rules as plain functions: who records and who confirms, the
//! states of a contract and of an amendment, and what a valid contract or
//! amendment is.

use crate::error::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The two sides of a contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// 项目业主
    Applicant,
    /// 中选机构
    Agency,
}

impl Party {
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Applicant => "applicant",
            Party::Agency => "agency",
        }
    }

    pub fn parse(s: &str) -> Option<Party> {
        [Party::Applicant, Party::Agency]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    pub fn other(self) -> Party {
        match self {
            Party::Applicant => Party::Agency,
            Party::Agency => Party::Applicant,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Party::Applicant => "项目业主",
            Party::Agency => "中选机构",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    /// 待对方确认
    Recorded,
    /// 已确认生效
    Confirmed,
    /// 被退回，待重新录入
    Returned,
    /// 服务中止
    Suspended,
    /// 已终止
    Terminated,
}

impl ContractStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContractStatus::Recorded => "recorded",
            ContractStatus::Confirmed => "confirmed",
            ContractStatus::Returned => "returned",
            ContractStatus::Suspended => "suspended",
            ContractStatus::Terminated => "terminated",
        }
    }

    pub fn parse(s: &str) -> Option<ContractStatus> {
        [
            ContractStatus::Recorded,
            ContractStatus::Confirmed,
            ContractStatus::Returned,
            ContractStatus::Suspended,
            ContractStatus::Terminated,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ContractStatus::Recorded => "待对方确认",
            ContractStatus::Confirmed => "已生效",
            ContractStatus::Returned => "已退回",
            ContractStatus::Suspended => "服务中止",
            ContractStatus::Terminated => "已终止",
        }
    }
}

/// What may happen to a contract, and by whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractAction {
    /// Record it again after it was returned (either party).
    Rerecord,
    /// The party that did not record it confirms it.
    Confirm,
    /// The party that did not record it returns it with a reason.
    Return,
}

/// The status an action leads to, or `None` where the state or the party does not allow it.
pub fn next_contract_status(
    current: ContractStatus,
    action: ContractAction,
    recorded_by: Party,
    actor: Party,
) -> Option<ContractStatus> {
    use ContractAction as A;
    use ContractStatus::*;
    match (current, action) {
        (Returned, A::Rerecord) => Some(Recorded),
        (Recorded, A::Confirm) if actor != recorded_by => Some(Confirmed),
        (Recorded, A::Return) if actor != recorded_by => Some(Returned),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentKind {
    /// 延期: a later end date.
    Extension,
    /// 金额变更: a new amount, never above the winning quote.
    Amount,
}

impl AmendmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AmendmentKind::Extension => "extension",
            AmendmentKind::Amount => "amount",
        }
    }

    pub fn parse(s: &str) -> Option<AmendmentKind> {
        [AmendmentKind::Extension, AmendmentKind::Amount]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AmendmentKind::Extension => "延期",
            AmendmentKind::Amount => "金额变更",
        }
    }
}

/// A contract's terms as recorded, checked against the award.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terms {
    pub amount_fen: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub key_terms: Option<String>,
    pub file_attachment_id: Option<i64>,
}

/// What the terms are checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Award {
    /// The winning quote (中选价): the contract may not exceed it.
    pub winning_fen: i64,
    /// The day of the award (China time): the service cannot start before it.
    pub awarded_on: NaiveDate,
}

pub fn validate_terms(terms: &Terms, award: &Award) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match terms.amount_fen {
        Some(amount) if amount > 0 && amount <= award.winning_fen => {}
        Some(_) => errors.push(FieldError {
            field: "amount_fen".into(),
            message_zh: format!(
                "合同金额应大于零且不超过中选价（{}）。",
                crate::projects::present::yuan(award.winning_fen)
            ),
            message_en: format!(
                "amount_fen must be positive and at most the winning quote, {} fen.",
                award.winning_fen
            ),
        }),
        None => errors.push(FieldError::new(
            "amount_fen",
            "请填写合同金额。",
            "amount_fen is required.",
        )),
    }
    match (terms.start_date, terms.end_date) {
        (Some(start), Some(end)) => {
            if start < award.awarded_on {
                errors.push(FieldError::new(
                    "start_date",
                    "服务开始日期不得早于中选日期。",
                    "start_date may not be before the award.",
                ));
            }
            if end < start {
                errors.push(FieldError::new(
                    "end_date",
                    "服务结束日期不得早于开始日期。",
                    "end_date may not be before start_date.",
                ));
            }
        }
        (start, end) => {
            if start.is_none() {
                errors.push(FieldError::new(
                    "start_date",
                    "请填写服务开始日期。",
                    "start_date is required.",
                ));
            }
            if end.is_none() {
                errors.push(FieldError::new(
                    "end_date",
                    "请填写服务结束日期。",
                    "end_date is required.",
                ));
            }
        }
    }
    let key_terms = terms
        .key_terms
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if !(10..=4000).contains(&key_terms.chars().count()) {
        errors.push(FieldError::new(
            "key_terms",
            "请填写合同主要条款（10–4000 字）。",
            "key_terms must have 10 to 4000 characters.",
        ));
    }
    if terms.file_attachment_id.is_none() {
        errors.push(FieldError::new(
            "file_attachment_id",
            "请上传签署的合同文件。",
            "file_attachment_id (the signed contract) is required.",
        ));
    }
    errors
}

/// An amendment proposed to a confirmed contract.
pub fn validate_amendment(
    kind: AmendmentKind,
    new_end_date: Option<NaiveDate>,
    new_amount_fen: Option<i64>,
    current_end: NaiveDate,
    winning_fen: i64,
) -> Vec<FieldError> {
    match kind {
        AmendmentKind::Extension => match new_end_date {
            Some(end) if end > current_end => Vec::new(),
            Some(_) => vec![FieldError::new("new_end_date", "延期后的结束日期应晚于现在的结束日期。", "new_end_date must be after the current end date.")],
            None => vec![FieldError::new("new_end_date", "请填写延期后的结束日期。", "new_end_date is required for an extension.")],
        },
        AmendmentKind::Amount => match new_amount_fen {
            Some(amount) if amount > 0 && amount <= winning_fen => Vec::new(),
            _ => vec![FieldError {
                field: "new_amount_fen".into(),
                message_zh: format!(
                    "变更后的金额应大于零且不超过中选价（{}）。",
                    crate::projects::present::yuan(winning_fen)
                ),
                message_en: format!("new_amount_fen must be positive and at most the winning quote, {winning_fen} fen."),
            }],
        },
    }
}

/// 服务中止, resumption and termination of a contract in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stoppage {
    Suspend,
    Resume,
    Terminate,
}

impl Stoppage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stoppage::Suspend => "suspend",
            Stoppage::Resume => "resume",
            Stoppage::Terminate => "terminate",
        }
    }

    pub fn parse(s: &str) -> Option<Stoppage> {
        [Stoppage::Suspend, Stoppage::Resume, Stoppage::Terminate]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Stoppage::Suspend => "服务中止",
            Stoppage::Resume => "恢复服务",
            Stoppage::Terminate => "终止合同",
        }
    }
}

/// The status a stoppage leads to. Once the work was accepted only an
/// administrator may still terminate the contract (the accepted result is
/// withdrawn, e.g. found falsified), which reopens the approval record's step.
pub fn after_stoppage(
    current: ContractStatus,
    completed: bool,
    action: Stoppage,
    by_admin: bool,
) -> Option<ContractStatus> {
    use ContractStatus::*;
    match (current, action) {
        (Confirmed, Stoppage::Terminate) if completed && by_admin => Some(Terminated),
        _ if completed => None,
        (Confirmed, Stoppage::Suspend) => Some(Suspended),
        (Suspended, Stoppage::Resume) => Some(Confirmed),
        (Confirmed | Suspended, Stoppage::Terminate) => Some(Terminated),
        _ => None,
    }
}

/// Whether the agency may hand in deliverables now: the contract is in
/// force, not yet accepted, and no earlier submission waits for an answer.
pub fn delivery_refusal(
    contract: ContractStatus,
    completed: bool,
    waiting: bool,
) -> Option<(&'static str, &'static str)> {
    if contract != ContractStatus::Confirmed {
        Some((
            "合同生效后才能提交服务成果。",
            "Deliverables follow a confirmed contract.",
        ))
    } else if completed {
        Some((
            "服务成果已验收，项目的中介服务已完成。",
            "The deliverables were accepted already.",
        ))
    } else if waiting {
        Some((
            "上一次提交的成果尚待项目业主验收。",
            "The previous submission is waiting for acceptance.",
        ))
    } else {
        None
    }
}

/// A delivery is late when handed in after the contract's end date (China time).
pub fn delivery_late(submitted_on: NaiveDate, end_date: NaiveDate) -> bool {
    submitted_on > end_date
}

/// The four ratings of an evaluation, 1 (很不满意) to 5 (很满意).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Ratings {
    /// 服务质量
    pub quality: i32,
    /// 服务时效
    pub timeliness: i32,
    /// 服务收费
    pub fees: i32,
    /// 服务态度
    pub attitude: i32,
}

/// What an applicant that does not evaluate in time is taken to say.
pub const NEUTRAL: Ratings = Ratings {
    quality: 3,
    timeliness: 3,
    fees: 3,
    attitude: 3,
};

/// Working days the applicant has to evaluate after acceptance.
pub const EVALUATION_WORKING_DAYS: u32 = 10;

/// Working days the applicant has to accept or return a submission of
/// deliverables (验收期限). A constant, like the evaluation window, not a
/// setting: the domain notes give no figure for it, and 10 working days
/// matches the other after-service windows. Missing it is the applicant's
/// delay, so the deadline watch marks it overdue without touching the
/// agency's credit.
pub const ACCEPTANCE_WORKING_DAYS: u32 = 10;

/// Ratings 1–5; a low rating (1 or 2) must say why, so it can be answered.
pub fn validate_evaluation(
    quality: Option<i32>,
    timeliness: Option<i32>,
    fees: Option<i32>,
    attitude: Option<i32>,
    comment: &str,
) -> Result<Ratings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut rate = |field: &str, label: &str, value: Option<i32>| match value {
        Some(v) if (1..=5).contains(&v) => v,
        _ => {
            errors.push(FieldError {
                field: field.into(),
                message_zh: format!("请为{label}打 1–5 分。"),
                message_en: format!("{field} must be 1 to 5."),
            });
            0
        }
    };
    let ratings = Ratings {
        quality: rate("quality", "服务质量", quality),
        timeliness: rate("timeliness", "服务时效", timeliness),
        fees: rate("fees", "服务收费", fees),
        attitude: rate("attitude", "服务态度", attitude),
    };
    let low = [
        ratings.quality,
        ratings.timeliness,
        ratings.fees,
        ratings.attitude,
    ]
    .iter()
    .any(|v| (1..=2).contains(v));
    let length = comment.trim().chars().count();
    if length > 1000 || (low && length < 5) {
        errors.push(FieldError::new(
            "comment",
            "评价说明不超过 1000 字；打 1 或 2 分时须说明理由（至少 5 个字）。",
            "comment has at most 1000 characters, and at least 5 when a rating is 1 or 2.",
        ));
    }
    if errors.is_empty() {
        Ok(ratings)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContractAction as A;
    use ContractStatus as S;
    use Party as P;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("date")
    }

    #[test]
    fn only_the_other_party_confirms_or_returns() {
        let cases = [
            (
                S::Recorded,
                A::Confirm,
                P::Applicant,
                P::Agency,
                Some(S::Confirmed),
            ),
            (S::Recorded, A::Confirm, P::Agency, P::Agency, None),
            (
                S::Recorded,
                A::Return,
                P::Agency,
                P::Applicant,
                Some(S::Returned),
            ),
            (S::Recorded, A::Return, P::Applicant, P::Applicant, None),
            (
                S::Returned,
                A::Rerecord,
                P::Applicant,
                P::Agency,
                Some(S::Recorded),
            ),
            (
                S::Returned,
                A::Rerecord,
                P::Applicant,
                P::Applicant,
                Some(S::Recorded),
            ),
            (S::Confirmed, A::Return, P::Applicant, P::Agency, None),
            (S::Confirmed, A::Rerecord, P::Applicant, P::Agency, None),
            (S::Returned, A::Confirm, P::Applicant, P::Agency, None),
        ];
        for (status, action, recorded_by, actor, expected) in cases {
            assert_eq!(
                next_contract_status(status, action, recorded_by, actor),
                expected,
                "{status:?} {action:?} by {actor:?}"
            );
        }
    }

    #[test]
    fn a_contract_never_exceeds_the_winning_quote() {
        let award = Award {
            winning_fen: 3_100_000,
            awarded_on: date(3, 20),
        };
        let good = Terms {
            amount_fen: Some(3_100_000),
            start_date: Some(date(3, 23)),
            end_date: Some(date(4, 22)),
            key_terms: Some("按中选价包干，30 日内提交成果。".into()),
            file_attachment_id: Some(1),
        };
        assert!(validate_terms(&good, &award).is_empty());
        let fields = |t: &Terms| {
            validate_terms(t, &award)
                .into_iter()
                .map(|e| e.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(&Terms {
                amount_fen: Some(3_100_001),
                ..good.clone()
            }),
            ["amount_fen"]
        );
        assert_eq!(
            fields(&Terms {
                start_date: Some(date(3, 19)),
                ..good.clone()
            }),
            ["start_date"]
        );
        assert_eq!(
            fields(&Terms {
                end_date: Some(date(3, 22)),
                ..good.clone()
            }),
            ["end_date"]
        );
        assert_eq!(
            fields(&Terms {
                key_terms: Some("短".into()),
                file_attachment_id: None,
                ..good.clone()
            }),
            ["key_terms", "file_attachment_id"]
        );
    }

    #[test]
    fn every_status_reads_back() {
        for status in [
            S::Recorded,
            S::Confirmed,
            S::Returned,
            S::Suspended,
            S::Terminated,
        ] {
            assert_eq!(ContractStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn a_contract_in_force_is_suspended_resumed_or_terminated_until_its_work_is_accepted() {
        use Stoppage::*;
        assert_eq!(
            after_stoppage(S::Confirmed, false, Suspend, false),
            Some(S::Suspended)
        );
        assert_eq!(
            after_stoppage(S::Suspended, false, Resume, false),
            Some(S::Confirmed)
        );
        assert_eq!(
            after_stoppage(S::Suspended, false, Terminate, false),
            Some(S::Terminated)
        );
        assert_eq!(after_stoppage(S::Confirmed, false, Resume, false), None);
        assert_eq!(after_stoppage(S::Recorded, false, Suspend, false), None);
        assert_eq!(after_stoppage(S::Terminated, false, Resume, false), None);
        assert_eq!(after_stoppage(S::Confirmed, true, Terminate, false), None);
        assert_eq!(
            after_stoppage(S::Confirmed, true, Terminate, true),
            Some(S::Terminated),
            "an administrator withdraws accepted work"
        );
        assert_eq!(after_stoppage(S::Confirmed, true, Suspend, true), None);
    }

    #[test]
    fn low_ratings_need_a_reason() {
        assert_eq!(
            validate_evaluation(Some(5), Some(4), Some(4), Some(5), ""),
            Ok(Ratings {
                quality: 5,
                timeliness: 4,
                fees: 4,
                attitude: 5
            })
        );
        let fields = |r: Result<Ratings, Vec<FieldError>>| {
            r.err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(validate_evaluation(Some(2), Some(4), Some(4), Some(5), "")),
            ["comment"]
        );
        assert!(validate_evaluation(Some(2), Some(4), Some(4), Some(5), "成果返工两次").is_ok());
        assert_eq!(
            fields(validate_evaluation(Some(0), None, Some(6), Some(3), "")),
            ["quality", "timeliness", "fees"]
        );
    }

    #[test]
    fn deliverables_follow_a_confirmed_contract_one_submission_at_a_time() {
        assert!(delivery_refusal(S::Confirmed, false, false).is_none());
        assert!(delivery_refusal(S::Recorded, false, false).is_some());
        assert!(delivery_refusal(S::Confirmed, true, false).is_some());
        assert!(delivery_refusal(S::Confirmed, false, true).is_some());
        assert!(!delivery_late(date(4, 22), date(4, 22)));
        assert!(delivery_late(date(4, 23), date(4, 22)));
    }

    #[test]
    fn amendments_extend_or_lower_within_the_winning_quote() {
        let end = date(4, 22);
        assert!(
            validate_amendment(AmendmentKind::Extension, Some(date(5, 1)), None, end, 100)
                .is_empty()
        );
        assert_eq!(
            validate_amendment(AmendmentKind::Extension, Some(end), None, end, 100).len(),
            1
        );
        assert_eq!(
            validate_amendment(AmendmentKind::Extension, None, None, end, 100)[0].field,
            "new_end_date"
        );
        assert!(validate_amendment(AmendmentKind::Amount, None, Some(90), end, 100).is_empty());
        assert_eq!(
            validate_amendment(AmendmentKind::Amount, None, Some(101), end, 100)[0].field,
            "new_amount_fen"
        );
    }
}
