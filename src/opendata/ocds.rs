//! OCDS 1.1 releases of a project: which change makes which release, and the
//! mapping from a project's public facts to the release. Pure, no I/O.
//!
//! A release is built from the record as it stands when it is read, with the
//! date, tag and statuses of the change it reports. Sealing is decided on the
//! facts the service hands in: it gives tenderers only for a round whose
//! sign-ups are open, and no quote ever reaches this module.

use super::ocds_types::*;
use crate::contracts::rules::ContractStatus;
use crate::projects::selection::{Method, PriceTerms};
use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};

/// The org-id.guide scheme of the 统一社会信用代码.
pub const ORG_SCHEME: &str = "CN-SAMR";

/// An organisation: an applicant's, or an agency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Org {
    pub name: String,
    pub uscc: String,
}

/// What the public may know of a project, gathered by the service.
#[derive(Clone, Debug)]
pub struct ProjectFacts {
    pub number: String,
    pub title: String,
    pub description: String,
    pub method: Method,
    pub price: PriceTerms,
    /// 直接选取 of a named agency: no sign-up phase, no tender period.
    pub direct_named: bool,
    /// The applicant organisation; `None` for a natural person, of whom nothing is published.
    pub buyer: Option<Org>,
    pub published_at: Option<DateTime<Utc>>,
    pub signup_deadline: DateTime<Utc>,
    /// When the current round's sign-ups opened; `None` while they are sealed.
    pub signups_closed_at: Option<DateTime<Utc>>,
    /// The current round's standing sign-ups; empty while sealed.
    pub tenderers: Vec<Org>,
    pub winner: Option<Winner>,
    pub contracts: Vec<ContractFacts>,
}

#[derive(Clone, Debug)]
pub struct Winner {
    pub signup_id: i64,
    pub agency: Org,
    pub value_fen: i64,
    pub selected_at: Option<DateTime<Utc>>,
    pub awarded_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct ContractFacts {
    pub id: i64,
    pub signup_id: i64,
    pub amount_fen: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: ContractStatus,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// The kind of release a change makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Tender,
    TenderUpdate,
    TenderUnsuccessful,
    TenderCancellation,
    Award,
    AwardFinal,
    Contract,
    ContractUpdate,
    ContractAmendment,
}

/// The release a public change makes, if any. `first_publication` tells the
/// project's first `project.published` from a later round's.
pub fn stage(entity_type: &str, action: &str, first_publication: bool) -> Option<Stage> {
    Some(match (entity_type, action) {
        ("project", "project.published") if first_publication => Stage::Tender,
        ("project", "project.published" | "project.updated" | "project.signups_opened") => {
            Stage::TenderUpdate
        }
        ("project", "project.failed") => Stage::TenderUnsuccessful,
        ("project", "project.cancelled") => Stage::TenderCancellation,
        (
            "project",
            "project.selected"
            | "project.winner_selected"
            | "project.direct_selection"
            | "project.manual_selection"
            | "project.confirmed"
            | "project.reselect",
        ) => Stage::Award,
        ("project", "project.awarded") => Stage::AwardFinal,
        ("contract", "contract.confirmed") => Stage::Contract,
        ("contract", "contract.amended") => Stage::ContractAmendment,
        ("contract", "contract.stoppage" | "contract.completed") => Stage::ContractUpdate,
        _ => return None,
    })
}

impl Stage {
    fn tag(self) -> &'static str {
        match self {
            Stage::Tender => "tender",
            Stage::TenderUpdate | Stage::TenderUnsuccessful => "tenderUpdate",
            Stage::TenderCancellation => "tenderCancellation",
            Stage::Award => "award",
            Stage::AwardFinal => "awardUpdate",
            Stage::Contract => "contract",
            Stage::ContractUpdate => "contractUpdate",
            Stage::ContractAmendment => "contractAmendment",
        }
    }

    /// The tender's status at the change (OCDS tenderStatus codelist).
    fn tender_status(self) -> &'static str {
        match self {
            Stage::Tender | Stage::TenderUpdate | Stage::Award => "active",
            Stage::TenderUnsuccessful => "unsuccessful",
            Stage::TenderCancellation => "cancelled",
            Stage::AwardFinal
            | Stage::Contract
            | Stage::ContractUpdate
            | Stage::ContractAmendment => "complete",
        }
    }

    fn has_award(self) -> bool {
        !matches!(
            self,
            Stage::Tender
                | Stage::TenderUpdate
                | Stage::TenderUnsuccessful
                | Stage::TenderCancellation
        )
    }

    fn has_contract(self) -> bool {
        matches!(
            self,
            Stage::Contract | Stage::ContractUpdate | Stage::ContractAmendment
        )
    }
}

/// One change of the log that makes a release.
#[derive(Clone, Debug)]
pub struct ReleaseEvent {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub stage: Stage,
    /// The contract a contract change is about.
    pub contract_id: Option<i64>,
}

/// `procurementMethod` (a closed codelist): 直接选取 is direct; the other
/// methods take sign-ups from every eligible agency, which is open.
pub fn procurement_method(method: Method) -> &'static str {
    match method {
        Method::Direct => "direct",
        Method::Random | Method::Bidding | Method::Scoring => "open",
    }
}

/// `awardCriteria` where the codelist has a code for the method.
fn award_criteria(method: Method) -> Option<&'static str> {
    match method {
        Method::Bidding => Some("priceOnly"),
        Method::Scoring => Some("ratedCriteria"),
        Method::Random | Method::Direct => None,
    }
}

pub fn ocid(prefix: &str, number: &str) -> String {
    format!("{prefix}-{number}")
}

pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A contract's dates are China days: from 00:00 of the first to the end of the last.
fn china_day(day: NaiveDate, end: bool) -> String {
    let t = if end {
        NaiveTime::from_hms_opt(23, 59, 59)
    } else {
        NaiveTime::from_hms_opt(0, 0, 0)
    }
    .unwrap_or_default();
    day.and_time(t)
        .and_local_timezone(crate::calendar::rules::china_offset())
        .single()
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, false))
        .unwrap_or_default()
}

fn cny(fen: i64) -> Value {
    Value {
        amount: fen as f64 / 100.0,
        currency: "CNY",
    }
}

/// The most the applicant pays: the fixed amount, the quotes' ceiling, or the base of a 下浮率.
fn ceiling_fen(price: PriceTerms) -> i64 {
    match price {
        PriceTerms::Fixed { amount_fen } => amount_fen,
        PriceTerms::Amount { ceiling_fen, .. } => ceiling_fen,
        PriceTerms::Rate { base_fen, .. } => base_fen,
    }
}

fn org_id(org: &Org) -> String {
    format!("{ORG_SCHEME}-{}", org.uscc)
}

fn reference(org: &Org) -> OrganizationReference {
    OrganizationReference {
        id: org_id(org),
        name: org.name.clone(),
    }
}

fn add_party(parties: &mut Vec<Party>, org: &Org, role: &'static str) {
    let id = org_id(org);
    match parties.iter_mut().find(|p| p.id == id) {
        Some(p) if !p.roles.contains(&role) => p.roles.push(role),
        Some(_) => {}
        None => parties.push(Party {
            id,
            name: org.name.clone(),
            identifier: Some(Identifier {
                scheme: ORG_SCHEME,
                id: org.uscc.clone(),
                legal_name: org.name.clone(),
            }),
            roles: vec![role],
        }),
    }
}

/// The release of `event` about the project of `facts`.
pub fn release(prefix: &str, facts: &ProjectFacts, event: &ReleaseEvent) -> Release {
    let ocid = ocid(prefix, &facts.number);
    let mut parties = Vec::new();
    let buyer = match &facts.buyer {
        Some(org) => {
            add_party(&mut parties, org, "buyer");
            reference(org)
        }
        // A natural person: a party of this process only, with no name or number.
        None => {
            let party = Party {
                id: format!("{ocid}-buyer"),
                name: "自然人".into(),
                identifier: None,
                roles: vec!["buyer"],
            };
            let r = OrganizationReference {
                id: party.id.clone(),
                name: party.name.clone(),
            };
            parties.push(party);
            r
        }
    };
    let opened = facts
        .signups_closed_at
        .is_some_and(|opened| event.at >= opened);
    let tenderers = (opened && !facts.direct_named).then(|| {
        for org in &facts.tenderers {
            add_party(&mut parties, org, "tenderer");
        }
        facts.tenderers.iter().map(reference).collect::<Vec<_>>()
    });
    let award = facts
        .winner
        .as_ref()
        .filter(|_| event.stage.has_award())
        .map(|w| {
            add_party(&mut parties, &w.agency, "supplier");
            Award {
                id: format!("{ocid}-award-{}", w.signup_id),
                status: if event.stage == Stage::Award {
                    "pending"
                } else {
                    "active"
                },
                date: w.awarded_at.or(w.selected_at).map(time),
                value: cny(w.value_fen),
                suppliers: vec![reference(&w.agency)],
            }
        });
    let contracts = facts
        .contracts
        .iter()
        .filter(|c| event.stage.has_contract() && Some(c.id) == event.contract_id)
        .map(|c| Contract {
            id: format!("{ocid}-contract-{}", c.id),
            award_id: format!("{ocid}-award-{}", c.signup_id),
            status: contract_status(c),
            value: cny(c.amount_fen),
            period: Period {
                start_date: china_day(c.start_date, false),
                end_date: china_day(c.end_date, true),
            },
            date_signed: c.confirmed_at.map(time),
        })
        .collect();
    let tender_id = format!("{ocid}-tender");
    Release {
        id: format!("{ocid}-{}", event.seq),
        ocid,
        date: time(event.at),
        tag: vec![event.stage.tag()],
        initiation_type: "tender",
        language: "zh",
        parties,
        buyer,
        tender: Tender {
            id: tender_id,
            title: facts.title.clone(),
            description: facts.description.clone(),
            status: event.stage.tender_status(),
            value: cny(ceiling_fen(facts.price)),
            procurement_method: procurement_method(facts.method),
            procurement_method_details: facts.method.label_zh(),
            award_criteria: award_criteria(facts.method),
            award_criteria_details: facts.method.label_zh(),
            main_procurement_category: "services",
            tender_period: facts
                .published_at
                .filter(|_| !facts.direct_named)
                .map(|start| Period {
                    start_date: time(start),
                    end_date: time(facts.signup_deadline),
                }),
            number_of_tenderers: tenderers.as_ref().map(|t| t.len() as i64),
            tenderers,
        },
        awards: award.into_iter().collect(),
        contracts,
    }
}

/// OCDS contractStatus: a completed or terminated contract has come to a close.
fn contract_status(c: &ContractFacts) -> &'static str {
    if c.completed_at.is_some() {
        return "terminated";
    }
    match c.status {
        ContractStatus::Recorded => "pending",
        ContractStatus::Returned => "cancelled",
        ContractStatus::Confirmed | ContractStatus::Suspended => "active",
        ContractStatus::Terminated => "terminated",
    }
}

#[cfg(test)]
#[path = "ocds_tests.rs"]
mod tests;
