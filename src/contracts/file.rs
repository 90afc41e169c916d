//! A contract's whole file (合同档案) as its parties and administrators read
//! it on one page — terms, amendments, deliveries, stoppages, complaints and
//! the evaluation — and what the reader may do next.

use super::complaints::{self, ComplaintView};
use super::evaluations::{self, EvaluationView};
use super::rules::{
    after_stoppage, delivery_refusal, ContractStatus, Party, Stoppage, EVALUATION_WORKING_DAYS,
};
use super::service::{self, contract_parties};
use super::stoppages::{self, StoppageView};
use super::views::ContractView;
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{contracts, users};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Who reads the file: one of the two parties, or an administrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    Party(Party),
    Admin,
}

pub struct ContractFile {
    pub contract: ContractView,
    pub project_title: String,
    pub applicant_name: String,
    pub stoppages: Vec<StoppageView>,
    pub complaints: Vec<ComplaintView>,
    pub evaluation: Option<EvaluationView>,
    /// When the evaluation window closes, once the work was accepted.
    pub evaluation_due: Option<DateTime<Utc>>,
    pub reader: Reader,
}

/// The file of a contract, for its parties and administrators only.
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
) -> AppResult<ContractFile> {
    let calendar = crate::calendar::load(&state.db).await?;
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            let parties = contract_parties(conn, contract_id, &user)?;
            let reader = match (parties.party, user.role()) {
                (Some(party), _) => Reader::Party(party),
                (None, Role::Admin) => Reader::Admin,
                // Someone else's contract does not exist for them.
                (None, _) => return Err(AppError::NotFound),
            };
            let applicant_name: String = users::table
                .find(parties.applicant)
                .select(users::display_name)
                .first(conn)?;
            let evaluation_due = parties
                .contract
                .completed_at
                .map(|done| calendar.deadline_after(done.and_utc(), EVALUATION_WORKING_DAYS));
            Ok(ContractFile {
                contract: service::view(conn, &parties.contract)?,
                project_title: parties.loaded.project.title.clone(),
                applicant_name,
                stoppages: stoppages::of_contract(conn, contract_id)?,
                complaints: complaints::of_contract(conn, contract_id)?,
                evaluation: evaluations::of_contract(conn, contract_id)?,
                evaluation_due,
                reader,
            })
        })
        .await
}

/// The newest contract of a project: a returned one is recorded again in place.
pub fn of_project(conn: &mut DbConnection, project_id: i64) -> QueryResult<Option<i64>> {
    contracts::table
        .filter(contracts::project_id.eq(project_id))
        .order(contracts::id.desc())
        .select(contracts::id)
        .first(conn)
        .optional()
}

/// An agency's contracts in force or done (成交记录), for its profile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrackRecord {
    pub contracts: i64,
    pub accepted: i64,
}

pub fn track_record(conn: &mut DbConnection, agency_id: i64) -> QueryResult<TrackRecord> {
    let signed = contracts::table
        .filter(contracts::agency_id.eq(agency_id))
        .filter(contracts::confirmed_at.is_not_null());
    Ok(TrackRecord {
        contracts: signed.count().get_result(conn)?,
        accepted: signed
            .filter(contracts::completed_at.is_not_null())
            .count()
            .get_result(conn)?,
    })
}

/// What the reader of a contract's file may do now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContractAbilities {
    /// Confirm or return the contract the other party recorded.
    pub confirm: bool,
    /// Record the contract again after it was returned.
    pub rerecord: bool,
    pub amend: bool,
    /// The other party's amendment waiting for this reader.
    pub decide_amendment: Option<i64>,
    pub deliver: bool,
    /// The submitted delivery waiting for the applicant's acceptance.
    pub accept: Option<i64>,
    /// The stoppages this reader may propose (a party) or decide (an administrator).
    pub stop: Vec<Stoppage>,
    /// The other party's stoppage waiting for this reader.
    pub decide_stoppage: Option<i64>,
    pub evaluate: bool,
    /// The evaluation the agency may still reply to.
    pub reply: Option<i64>,
    pub complain: bool,
    /// Administrators answer pending complaints.
    pub decide_complaints: bool,
}

pub fn abilities(file: &ContractFile, now: DateTime<Utc>) -> ContractAbilities {
    let c = &file.contract;
    let status = ContractStatus::parse(&c.status).unwrap_or(ContractStatus::Recorded);
    let completed = c.completed_at.is_some();
    let party = match file.reader {
        Reader::Party(p) => Some(p),
        Reader::Admin => None,
    };
    let admin = file.reader == Reader::Admin;
    let applicant = party == Some(Party::Applicant);
    let agency = party == Some(Party::Agency);
    let from_other = |proposer: &str| party.is_some_and(|p| p.as_str() != proposer);
    let amendment_waiting = c.amendments.iter().find(|a| a.status == "proposed");
    let stoppage_waiting = file.stoppages.iter().find(|s| s.status == "proposed");
    let submitted = c.deliveries.iter().find(|d| d.status == "submitted");
    let stop = if party.is_some() || admin {
        [Stoppage::Suspend, Stoppage::Resume, Stoppage::Terminate]
            .into_iter()
            .filter(|&s| after_stoppage(status, completed, s, admin).is_some())
            // A party's proposal waits for the other; an administrator decides at once.
            .filter(|_| admin || stoppage_waiting.is_none())
            .collect()
    } else {
        Vec::new()
    };
    ContractAbilities {
        confirm: status == ContractStatus::Recorded && from_other(&c.recorded_by_party),
        rerecord: status == ContractStatus::Returned && party.is_some(),
        amend: party.is_some()
            && status == ContractStatus::Confirmed
            && !completed
            && amendment_waiting.is_none(),
        decide_amendment: amendment_waiting
            .filter(|a| from_other(&a.proposed_by_party))
            .map(|a| a.id),
        deliver: agency && delivery_refusal(status, completed, submitted.is_some()).is_none(),
        accept: submitted.filter(|_| applicant).map(|d| d.id),
        stop,
        decide_stoppage: stoppage_waiting
            .filter(|s| from_other(&s.proposed_by_party))
            .map(|s| s.id),
        evaluate: applicant
            && file.evaluation.is_none()
            && file.evaluation_due.is_some_and(|due| now < due),
        reply: file
            .evaluation
            .as_ref()
            .filter(|e| agency && e.reply.is_none())
            .map(|e| e.id),
        complain: applicant,
        decide_complaints: admin && file.complaints.iter().any(|c| c.status == "pending"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::deliveries::DeliveryView;
    use crate::contracts::rules::Ratings;
    use chrono::{NaiveDate, TimeZone};

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 2, 0, 0).unwrap()
    }

    fn file(status: &str, recorded_by: Party, reader: Reader) -> ContractFile {
        ContractFile {
            contract: ContractView {
                id: 1,
                project_id: 1,
                project_number: "ZJCG2026000001".into(),
                agency_id: 1,
                agency_name: "某测绘公司".into(),
                winning_fen: 10_000_000,
                amount_fen: 10_000_000,
                start_date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                end_date: NaiveDate::from_ymd_opt(2026, 4, 2).unwrap(),
                key_terms: "按合同约定提交成果".into(),
                file_attachment_id: 1,
                status: status.into(),
                status_label: String::new(),
                status_reason: None,
                recorded_by_party: recorded_by.as_str().into(),
                recorded_at: at(2),
                confirmed_at: None,
                completed_at: None,
                amendments: Vec::new(),
                deliveries: Vec::new(),
            },
            project_title: "某小区地形图测绘".into(),
            applicant_name: "某公司".into(),
            stoppages: Vec::new(),
            complaints: Vec::new(),
            evaluation: None,
            evaluation_due: None,
            reader,
        }
    }

    fn delivery(status: &str) -> DeliveryView {
        DeliveryView {
            id: 7,
            contract_id: 1,
            sequence: 1,
            summary: "成果".into(),
            attachment_ids: vec![3],
            late: false,
            status: status.into(),
            status_reason: None,
            decided_at: None,
            created_at: at(10),
        }
    }

    const APPLICANT: Reader = Reader::Party(Party::Applicant);
    const AGENCY: Reader = Reader::Party(Party::Agency);

    #[test]
    fn only_the_other_party_confirms_a_recorded_contract() {
        let by_applicant = |reader| abilities(&file("recorded", Party::Applicant, reader), at(3));
        assert!(by_applicant(AGENCY).confirm);
        assert!(!by_applicant(APPLICANT).confirm);
        assert!(!by_applicant(Reader::Admin).confirm);
        let returned = abilities(&file("returned", Party::Applicant, AGENCY), at(3));
        assert!(returned.rerecord && !returned.confirm && !returned.deliver);
    }

    #[test]
    fn a_confirmed_contract_takes_deliveries_from_the_agency_and_acceptance_from_the_applicant() {
        let mut f = file("confirmed", Party::Applicant, AGENCY);
        let can = abilities(&f, at(3));
        assert!(can.deliver && can.amend && can.accept.is_none());
        assert_eq!(can.stop, vec![Stoppage::Suspend, Stoppage::Terminate]);
        f.contract.deliveries.push(delivery("submitted"));
        assert!(
            !abilities(&f, at(11)).deliver,
            "one submission waits at a time"
        );
        f.reader = APPLICANT;
        assert_eq!(abilities(&f, at(11)).accept, Some(7));
        f.contract.deliveries[0].status = "returned".into();
        f.reader = AGENCY;
        assert!(
            abilities(&f, at(12)).deliver,
            "a returned delivery is handed in again"
        );
    }

    #[test]
    fn a_pending_proposal_waits_for_the_other_party() {
        let mut f = file("confirmed", Party::Applicant, APPLICANT);
        f.stoppages.push(StoppageView {
            id: 4,
            contract_id: 1,
            action: "suspend".into(),
            reason: "场地无法进入".into(),
            proposed_by_party: "applicant".into(),
            status: "proposed".into(),
            contract_status: "confirmed".into(),
            decided_at: None,
            created_at: at(5),
        });
        let mine = abilities(&f, at(5));
        assert!(mine.stop.is_empty() && mine.decide_stoppage.is_none());
        f.reader = AGENCY;
        assert_eq!(abilities(&f, at(5)).decide_stoppage, Some(4));
        f.reader = Reader::Admin;
        let admin = abilities(&f, at(5));
        assert_eq!(admin.stop, vec![Stoppage::Suspend, Stoppage::Terminate]);
        assert_eq!(admin.decide_stoppage, None);
    }

    #[test]
    fn evaluation_within_the_window_then_one_reply() {
        let mut f = file("confirmed", Party::Applicant, APPLICANT);
        f.contract.completed_at = Some(at(10));
        f.evaluation_due = Some(at(24));
        assert!(abilities(&f, at(23)).evaluate);
        assert!(!abilities(&f, at(24)).evaluate, "the window has closed");
        assert!(
            abilities(&f, at(11)).stop.is_empty(),
            "the parties do not stop accepted work"
        );
        let admin = ContractFile {
            reader: Reader::Admin,
            ..file("confirmed", Party::Applicant, Reader::Admin)
        };
        let admin = ContractFile {
            contract: ContractView {
                completed_at: Some(at(10)),
                ..admin.contract
            },
            ..admin
        };
        assert_eq!(
            abilities(&admin, at(11)).stop,
            vec![Stoppage::Terminate],
            "an administrator may withdraw it"
        );
        f.evaluation = Some(EvaluationView {
            id: 9,
            contract_id: 1,
            agency_id: 1,
            ratings: Ratings {
                quality: 5,
                timeliness: 4,
                fees: 4,
                attitude: 5,
            },
            comment: "成果质量好".into(),
            by_default: false,
            public_from: at(24),
            reply: None,
            replied_at: None,
            created_at: at(12),
        });
        assert!(!abilities(&f, at(12)).evaluate);
        f.reader = AGENCY;
        assert_eq!(abilities(&f, at(12)).reply, Some(9));
        f.evaluation.as_mut().unwrap().reply = Some("感谢".into());
        assert_eq!(abilities(&f, at(13)).reply, None);
    }
}
