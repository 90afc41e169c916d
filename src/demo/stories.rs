//! The scripts of the demo's finished projects: what happened to each one
//! from the award to the credit record. Pure data; `contracts.rs` plays them
//! through the services.

use crate::contracts::rules::Party;

/// How the round was run. The winner is whoever the method picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Round {
    /// 竞价选取 with these quotes (fen), taken by the cast in turn.
    Bidding([i64; 4]),
    /// 综合评分 with these quotes (fen).
    Scoring([i64; 4]),
    /// 随机抽取 at this fixed price (fen).
    Random(i64),
}

/// What happened to the deliverables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Handed in before the end date and accepted.
    OnTime,
    /// Returned once with this reason, handed in again and accepted.
    ReturnedOnce(&'static str),
    /// Handed in this many working days after the end date (late), then accepted.
    Late(u32),
    /// Handed in yesterday and waiting for acceptance: the project is still in performance.
    Waiting,
}

/// The applicant's evaluation, or `None` for the neutral default recorded
/// when the window passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// 服务质量, 服务时效, 服务收费, 服务态度.
    pub ratings: [i32; 4],
    pub comment: &'static str,
    pub reply: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Complaint {
    pub reason: &'static str,
    pub upheld: bool,
    pub answer: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Story {
    /// Working days before today the project opened for sign-ups.
    pub opened_ago: u32,
    /// The title, before the item's name.
    pub title: &'static str,
    /// The division the project is in.
    pub region_code: &'static str,
    /// Which of the items with the most agencies (0 = the most).
    pub item_rank: usize,
    /// Where in the item's agencies the cast of four starts: chosen, with
    /// the quotes, so that six different agencies win the six rounds.
    pub cast_from: usize,
    pub round: Round,
    /// Calendar days from the service's start to its end.
    pub service_days: i64,
    pub recorded_by: Party,
    /// The other party returned the first recording with this reason.
    pub contract_returned: Option<&'static str>,
    pub key_terms: &'static str,
    pub delivery: Delivery,
    pub evaluation: Option<Evaluation>,
    pub complaint: Option<Complaint>,
    /// An administrator's reward (points, reason) after the project.
    pub reward: Option<(i32, &'static str)>,
}

const TERMS: &str = "服务内容按采购公告及中选报价执行；成果文件须通过审批部门技术审查；\
合同价款在成果验收通过后一次性支付；逾期提交成果的，每逾期一日按合同金额的千分之一支付违约金。";

/// Oldest first: five finished projects over the last six months, then one in performance.
pub const STORIES: [Story; 6] = [
    Story {
        opened_ago: 125,
        title: "南昌经开区某智能制造产业园",
        region_code: "360102",
        item_rank: 0,
        cast_from: 2,
        round: Round::Bidding([5_600_000, 4_980_000, 5_250_000, 5_900_000]),
        service_days: 30,
        recorded_by: Party::Applicant,
        contract_returned: None,
        key_terms: TERMS,
        delivery: Delivery::OnTime,
        evaluation: Some(Evaluation {
            ratings: [5, 5, 4, 5],
            comment: "报告编制规范，现场踏勘细致，与审批部门沟通及时，一次性通过技术审查。\
收费略高于同类机构，但物有所值。",
            reply: Some("感谢贵单位的认可！我们将继续做好项目后续的技术咨询服务。"),
        }),
        complaint: None,
        reward: Some((5, "表彰：2025年度全省投资项目中介服务优质机构")),
    },
    Story {
        opened_ago: 108,
        title: "赣州市章贡区某城市更新片区",
        region_code: "360702",
        item_rank: 1,
        cast_from: 1,
        round: Round::Scoring([3_800_000, 3_450_000, 3_620_000, 3_990_000]),
        service_days: 40,
        recorded_by: Party::Agency,
        contract_returned: Some("合同约定的服务结束日期与中选通知中的服务期限不一致，请核对后重新录入。"),
        key_terms: TERMS,
        delivery: Delivery::ReturnedOnce(
            "成果缺少项目选址附图和现场照片，部分数据未注明来源，请补正后重新提交。",
        ),
        evaluation: Some(Evaluation {
            ratings: [4, 3, 4, 4],
            comment: "成果质量总体良好，但初稿遗漏了附图，退回补正后才通过验收，进度比约定稍慢。",
            reply: None,
        }),
        complaint: None,
        reward: None,
    },
    Story {
        opened_ago: 92,
        title: "九江市濂溪区某物流园区",
        region_code: "360402",
        item_rank: 0,
        cast_from: 0,
        round: Round::Bidding([4_400_000, 4_750_000, 4_120_000, 4_600_000]),
        service_days: 25,
        recorded_by: Party::Applicant,
        contract_returned: None,
        key_terms: TERMS,
        delivery: Delivery::Late(4),
        evaluation: Some(Evaluation {
            ratings: [2, 1, 3, 3],
            comment: "成果提交逾期近一周，期间多次催促才有回应；报告引用的监测数据过时，\
影响了项目审批进度。",
            reply: None,
        }),
        complaint: Some(Complaint {
            reason: "中选机构未按合同约定期限提交服务成果，也未提出延期变更，经多次催促仍拖延，\
导致项目审批环节延误。",
            upheld: true,
            answer: "经核查，该机构确未在合同约定期限内提交服务成果，且未就延期提出合同变更，\
投诉事实成立，予以查实并计入信用记录。",
        }),
        reward: None,
    },
    Story {
        opened_ago: 78,
        title: "抚州市临川区某中学新校区",
        region_code: "361002",
        item_rank: 2,
        cast_from: 0,
        round: Round::Random(2_600_000),
        service_days: 30,
        recorded_by: Party::Agency,
        contract_returned: None,
        key_terms: TERMS,
        delivery: Delivery::OnTime,
        evaluation: None,
        complaint: None,
        reward: None,
    },
    Story {
        opened_ago: 62,
        title: "南昌县某农产品冷链物流中心",
        region_code: "360121",
        item_rank: 1,
        cast_from: 0,
        round: Round::Bidding([3_300_000, 3_050_000, 3_480_000, 3_210_000]),
        service_days: 20,
        recorded_by: Party::Applicant,
        contract_returned: None,
        key_terms: TERMS,
        delivery: Delivery::OnTime,
        evaluation: Some(Evaluation {
            ratings: [4, 4, 3, 4],
            comment: "成果内容完整，项目负责人全程跟进、响应及时；现场复测费用另行结算，事先沟通不够充分。",
            reply: Some("复测费用已在合同主要条款中约定按实结算，今后我们会在签约时向业主逐项说明。"),
        }),
        complaint: Some(Complaint {
            reason: "中选机构在验收后要求另行支付现场复测费用，我单位认为该费用应包含在合同价款内。",
            upheld: false,
            answer: "经核查，合同主要条款约定现场复测按实结算、不含在合同价款内，机构收费符合合同约定，\
投诉不成立。",
        }),
        reward: None,
    },
    Story {
        opened_ago: 34,
        title: "宜春市袁州区某康养综合体",
        region_code: "360902",
        item_rank: 0,
        cast_from: 1,
        round: Round::Bidding([2_900_000, 3_150_000, 3_020_000, 2_780_000]),
        service_days: 45,
        recorded_by: Party::Agency,
        contract_returned: None,
        key_terms: TERMS,
        delivery: Delivery::Waiting,
        evaluation: None,
        complaint: None,
        reward: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::rules::validate_evaluation;

    #[test]
    fn the_stories_run_oldest_first_and_the_last_is_still_in_performance() {
        assert!(STORIES
            .windows(2)
            .all(|w| w[0].opened_ago > w[1].opened_ago));
        let waiting: Vec<_> = STORIES
            .iter()
            .filter(|s| s.delivery == Delivery::Waiting)
            .collect();
        assert_eq!(waiting.len(), 1);
        assert!(waiting[0].evaluation.is_none() && waiting[0].complaint.is_none());
    }

    #[test]
    fn every_evaluation_passes_the_services_checks() {
        for story in STORIES.iter() {
            if let Some(e) = story.evaluation {
                let [q, t, f, a] = e.ratings.map(Some);
                assert!(
                    validate_evaluation(q, t, f, a, e.comment).is_ok(),
                    "{}",
                    story.title
                );
            }
        }
    }

    #[test]
    fn the_demo_shows_each_twist_once() {
        let count = |f: fn(&Story) -> bool| STORIES.iter().filter(|s| f(s)).count();
        assert_eq!(count(|s| s.contract_returned.is_some()), 1);
        assert_eq!(
            count(|s| matches!(s.delivery, Delivery::ReturnedOnce(_))),
            1
        );
        assert_eq!(count(|s| matches!(s.delivery, Delivery::Late(_))), 1);
        assert_eq!(
            count(|s| s.evaluation.is_none() && s.delivery != Delivery::Waiting),
            1
        );
        assert_eq!(count(|s| s.complaint.is_some_and(|c| c.upheld)), 1);
        assert_eq!(count(|s| s.complaint.is_some_and(|c| !c.upheld)), 1);
        assert_eq!(count(|s| s.reward.is_some()), 1);
    }
}
