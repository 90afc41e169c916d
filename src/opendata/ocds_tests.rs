//! Table tests of the OCDS mapping.

use super::*;
use chrono::TimeZone;

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0)
        .single()
        .expect("a time")
}

fn org(name: &str, uscc: &str) -> Org {
    Org {
        name: name.into(),
        uscc: uscc.into(),
    }
}

fn facts() -> ProjectFacts {
    ProjectFacts {
        number: "ZJCG2026000001".into(),
        title: "地形图测绘".into(),
        description: "1:500".into(),
        method: Method::Bidding,
        price: PriceTerms::Amount {
            floor_fen: 2_000_000,
            ceiling_fen: 5_000_000,
        },
        direct_named: false,
        buyer: Some(org("南昌某建设有限公司", "91360102MA35ABCD40")),
        published_at: Some(at(1)),
        signup_deadline: at(5),
        signups_closed_at: Some(at(5)),
        tenderers: vec![org("甲", "A"), org("乙", "B")],
        winner: Some(Winner {
            signup_id: 7,
            agency: org("乙", "B"),
            value_fen: 3_100_050,
            selected_at: Some(at(5)),
            awarded_at: Some(at(9)),
        }),
        contracts: vec![ContractFacts {
            id: 3,
            signup_id: 7,
            amount_fen: 3_000_000,
            start_date: NaiveDate::from_ymd_opt(2026, 3, 23).expect("a day"),
            end_date: NaiveDate::from_ymd_opt(2026, 4, 22).expect("a day"),
            status: ContractStatus::Confirmed,
            confirmed_at: Some(at(11)),
            completed_at: None,
        }],
    }
}

fn event(seq: i64, hour: u32, stage: Stage) -> ReleaseEvent {
    ReleaseEvent {
        seq,
        at: at(hour),
        stage,
        contract_id: Some(3),
    }
}

#[test]
fn changes_make_the_releases_of_their_stage() {
    let cases = [
        ("project", "project.published", true, Some(Stage::Tender)),
        (
            "project",
            "project.published",
            false,
            Some(Stage::TenderUpdate),
        ),
        (
            "project",
            "project.signups_opened",
            false,
            Some(Stage::TenderUpdate),
        ),
        (
            "project",
            "project.failed",
            false,
            Some(Stage::TenderUnsuccessful),
        ),
        (
            "project",
            "project.cancelled",
            false,
            Some(Stage::TenderCancellation),
        ),
        ("project", "project.selected", false, Some(Stage::Award)),
        (
            "project",
            "project.direct_selection",
            false,
            Some(Stage::Award),
        ),
        ("project", "project.awarded", false, Some(Stage::AwardFinal)),
        (
            "contract",
            "contract.confirmed",
            false,
            Some(Stage::Contract),
        ),
        (
            "contract",
            "contract.amended",
            false,
            Some(Stage::ContractAmendment),
        ),
        (
            "contract",
            "contract.completed",
            false,
            Some(Stage::ContractUpdate),
        ),
        ("project", "signup.submitted", false, None),
        ("project", "project.created", false, None),
        ("contract", "contract.recorded", false, None),
        ("agency", "agency.admitted", false, None),
    ];
    for (kind, action, first, expected) in cases {
        assert_eq!(stage(kind, action, first), expected, "{kind} {action}");
    }
}

#[test]
fn methods_map_to_the_codelist_and_keep_their_chinese_names() {
    let cases = [
        (Method::Random, "open", "随机抽取"),
        (Method::Bidding, "open", "竞价选取"),
        (Method::Scoring, "open", "综合评分"),
        (Method::Direct, "direct", "直接选取"),
    ];
    for (method, code, name) in cases {
        let mut f = facts();
        f.method = method;
        let r = release("ocds-zjcs01", &f, &event(4, 1, Stage::Tender));
        assert_eq!(r.tender.procurement_method, code);
        assert_eq!(r.tender.procurement_method_details, name);
    }
}

#[test]
fn a_tender_release_before_the_sign_ups_open_names_no_tenderer() {
    let r = release("ocds-zjcs01", &facts(), &event(4, 1, Stage::Tender));
    assert_eq!(r.ocid, "ocds-zjcs01-ZJCG2026000001");
    assert_eq!(r.id, "ocds-zjcs01-ZJCG2026000001-4");
    assert_eq!(r.tag, ["tender"]);
    assert_eq!(r.tender.status, "active");
    assert_eq!(r.tender.value.amount, 50_000.0);
    assert_eq!(r.tender.number_of_tenderers, None);
    assert_eq!(r.tender.tenderers, None);
    assert!(r.awards.is_empty() && r.contracts.is_empty());
    assert_eq!(r.parties.len(), 1, "the buyer only");
    assert_eq!(r.buyer.id, "CN-SAMR-91360102MA35ABCD40");
}

#[test]
fn a_sealed_round_shows_no_tenderer_even_in_later_releases() {
    let mut f = facts();
    f.signups_closed_at = None;
    f.tenderers.clear();
    let r = release("ocds-zjcs01", &f, &event(9, 9, Stage::TenderUpdate));
    assert_eq!(r.tender.number_of_tenderers, None);
    assert!(r.parties.iter().all(|p| !p.roles.contains(&"tenderer")));
}

#[test]
fn the_award_and_contract_releases_carry_supplier_values_and_dates() {
    let award = release("p", &facts(), &event(9, 6, Stage::Award));
    assert_eq!(award.tender.number_of_tenderers, Some(2));
    assert_eq!(award.awards[0].status, "pending");
    assert_eq!(award.awards[0].value.amount, 31_000.5);
    assert_eq!(award.awards[0].suppliers[0].name, "乙");
    let supplier = award.parties.iter().find(|p| p.name == "乙").expect("乙");
    assert_eq!(supplier.roles, ["tenderer", "supplier"]);

    let contract = release("p", &facts(), &event(12, 11, Stage::Contract));
    assert_eq!(contract.tender.status, "complete");
    assert_eq!(contract.awards[0].status, "active");
    let c = &contract.contracts[0];
    assert_eq!(c.award_id, contract.awards[0].id);
    assert_eq!(c.status, "active");
    assert_eq!(c.value.amount, 30_000.0);
    assert_eq!(c.period.start_date, "2026-03-23T00:00:00+08:00");
    assert_eq!(c.period.end_date, "2026-04-22T23:59:59+08:00");
    assert_eq!(c.date_signed.as_deref(), Some("2026-03-02T11:00:00Z"));
}

#[test]
fn a_natural_person_buyer_is_published_without_name_or_number() {
    let mut f = facts();
    f.buyer = None;
    let r = release("p", &f, &event(4, 1, Stage::Tender));
    assert_eq!(r.buyer.name, "自然人");
    assert_eq!(r.parties[0].identifier, None);
    assert_eq!(r.parties[0].id, "p-ZJCG2026000001-buyer");
}

#[test]
fn contract_statuses_follow_the_codelist() {
    let mut c = facts().contracts[0].clone();
    for (status, completed, expected) in [
        (ContractStatus::Confirmed, false, "active"),
        (ContractStatus::Suspended, false, "active"),
        (ContractStatus::Terminated, false, "terminated"),
        (ContractStatus::Confirmed, true, "terminated"),
    ] {
        c.status = status;
        c.completed_at = completed.then(|| at(12));
        assert_eq!(contract_status(&c), expected, "{status:?} {completed}");
    }
}
