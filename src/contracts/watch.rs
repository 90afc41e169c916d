//! The deadline watch of the steps after the award, in working days: the
//! contract (recorded and confirmed within the configured working days after
//! the award, `ProjectRules::contract_working_days`, 5 by default),
//! the delivery (by the contract's end date), the acceptance of each
//! submission (10 working days after it) and the evaluation (10 working days
//! after acceptance). A day before a deadline the party that owes the step is
//! reminded, once; after it the step is marked overdue, once, and both
//! parties are told. Run by the project scheduler; one write per pass.
//!
//! A mark is only a record of the delay: credit is charged by the facts of
//! `supervision::credit` (a late delivery), never by a mark, so the
//! applicant's late acceptance costs the agency nothing.

use super::model::ContractRow;
use super::rules::{ACCEPTANCE_WORKING_DAYS, EVALUATION_WORKING_DAYS};
use crate::calendar::WorkingCalendar;
use crate::config::ProjectRules;
use crate::db::schema::{
    agencies, contracts, deadline_marks, deliveries, evaluations, project_states, signups,
};
use crate::db::{Db, DbConnection};
use crate::error::AppResult;
use crate::projects::service as projects;
use crate::supervision::{journal, Actor, Event, Publish};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use diesel::prelude::*;
use serde_json::json;

/// What the watch owes a step at `now` (pure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owed {
    Remind,
    MarkOverdue,
}

pub fn owed(due: DateTime<Utc>, now: DateTime<Utc>, reminded: bool, overdue: bool) -> Option<Owed> {
    if now >= due {
        (!overdue).then_some(Owed::MarkOverdue)
    } else if now >= due - Duration::hours(24) {
        (!reminded).then_some(Owed::Remind)
    } else {
        None
    }
}

/// The steps after the award; the supervision lights read the same list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Contract,
    Delivery,
    Acceptance,
    Evaluation,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Contract => "contract",
            Step::Delivery => "delivery",
            Step::Acceptance => "acceptance",
            Step::Evaluation => "evaluation",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Step::Contract => "签订并确认合同",
            Step::Delivery => "提交服务成果",
            Step::Acceptance => "验收或退回服务成果",
            Step::Evaluation => "评价服务",
        }
    }
}

/// A step still open, with its deadline and who owes it.
pub struct Open {
    pub step: Step,
    pub project_id: i64,
    /// The contract of the delivery, acceptance and evaluation steps.
    pub contract_id: Option<i64>,
    /// The submission an acceptance step is about: each has its own deadline and mark.
    pub delivery_id: Option<i64>,
    /// When the step's time began (the award, the contract's confirmation,
    /// the submission, the acceptance): the lights measure the share left from it.
    pub since: DateTime<Utc>,
    pub due: DateTime<Utc>,
    /// User ids: the one who owes the step, and the other party.
    pub owes: i64,
    pub other: i64,
}

/// Every step after the award that is still open, with its deadline: the one
/// computation of these deadlines, shared by this watch and the lights.
pub fn open_steps(
    conn: &mut DbConnection,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<Vec<Open>> {
    let mut open = Vec::new();
    // Awarded projects whose contract is not confirmed yet: both owe it; the applicant is told first.
    let awarded: Vec<(i64, Option<chrono::NaiveDateTime>, Option<i64>)> = project_states::table
        .filter(project_states::status.eq("awarded"))
        .select((
            project_states::project_id,
            project_states::awarded_at,
            project_states::winner_signup_id,
        ))
        .load(conn)?;
    for (project_id, awarded_at, winner) in awarded {
        let (Some(awarded_at), Some(winner)) = (awarded_at, winner) else {
            continue;
        };
        let confirmed: i64 = contracts::table
            .filter(contracts::project_id.eq(project_id))
            .filter(contracts::status.eq("confirmed"))
            .count()
            .get_result(conn)?;
        if confirmed > 0 {
            continue;
        }
        let loaded = projects::load(conn, project_id)?;
        let agency_id: i64 = signups::table
            .find(winner)
            .select(signups::agency_id)
            .first(conn)?;
        let agency_owner: i64 = agencies::table
            .find(agency_id)
            .select(agencies::owner_user_id)
            .first(conn)?;
        open.push(Open {
            step: Step::Contract,
            project_id,
            contract_id: None,
            delivery_id: None,
            since: awarded_at.and_utc(),
            due: calendar.deadline_after(awarded_at.and_utc(), rules.contract_working_days),
            owes: loaded.project.applicant_user_id,
            other: agency_owner,
        });
    }
    let running: Vec<ContractRow> = contracts::table
        .filter(contracts::status.eq("confirmed"))
        .select(ContractRow::as_select())
        .load(conn)?;
    for contract in running {
        let loaded = projects::load(conn, contract.project_id)?;
        let agency_owner: i64 = agencies::table
            .find(contract.agency_id)
            .select(agencies::owner_user_id)
            .first(conn)?;
        let applicant = loaded.project.applicant_user_id;
        match contract.completed_at {
            None => {
                let handed_in: i64 = deliveries::table
                    .filter(deliveries::contract_id.eq(contract.id))
                    .filter(deliveries::status.ne("returned"))
                    .count()
                    .get_result(conn)?;
                if handed_in == 0 {
                    // The end date's 24:00 China time.
                    let due = contract
                        .end_date
                        .succ_opt()
                        .unwrap_or(contract.end_date)
                        .and_time(NaiveTime::MIN)
                        - Duration::hours(8);
                    open.push(Open {
                        step: Step::Delivery,
                        project_id: contract.project_id,
                        contract_id: Some(contract.id),
                        delivery_id: None,
                        since: contract
                            .confirmed_at
                            .unwrap_or(contract.recorded_at)
                            .and_utc(),
                        due: due.and_utc(),
                        owes: agency_owner,
                        other: applicant,
                    });
                } else if let Some((delivery_id, submitted)) =
                    waiting_submission(conn, contract.id)?
                {
                    open.push(Open {
                        step: Step::Acceptance,
                        project_id: contract.project_id,
                        contract_id: Some(contract.id),
                        delivery_id: Some(delivery_id),
                        since: submitted.and_utc(),
                        due: calendar.deadline_after(submitted.and_utc(), ACCEPTANCE_WORKING_DAYS),
                        owes: applicant,
                        other: agency_owner,
                    });
                }
            }
            Some(completed) => {
                let evaluated: i64 = evaluations::table
                    .filter(evaluations::contract_id.eq(contract.id))
                    .count()
                    .get_result(conn)?;
                if evaluated == 0 {
                    open.push(Open {
                        step: Step::Evaluation,
                        project_id: contract.project_id,
                        contract_id: Some(contract.id),
                        delivery_id: None,
                        since: completed.and_utc(),
                        due: calendar.deadline_after(completed.and_utc(), EVALUATION_WORKING_DAYS),
                        owes: applicant,
                        other: agency_owner,
                    });
                }
            }
        }
    }
    Ok(open)
}

/// The submission of deliverables that waits for the applicant's answer, if any.
fn waiting_submission(
    conn: &mut DbConnection,
    contract_id: i64,
) -> AppResult<Option<(i64, chrono::NaiveDateTime)>> {
    Ok(deliveries::table
        .filter(deliveries::contract_id.eq(contract_id))
        .filter(deliveries::status.eq("submitted"))
        .select((deliveries::id, deliveries::created_at))
        .first(conn)
        .optional()?)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WatchReport {
    pub reminded: usize,
    pub overdue: usize,
}

type Mark = (
    i64,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
);

/// The open steps that owe something at `now`, with their mark if any.
fn owed_now(
    conn: &mut DbConnection,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Open, Option<i64>, Owed)>> {
    let mut out = Vec::new();
    for step in open_steps(conn, calendar, rules)? {
        let mut query = deadline_marks::table
            .filter(deadline_marks::step.eq(step.step.as_str()))
            .filter(deadline_marks::project_id.eq(step.project_id))
            .into_boxed();
        query = match step.delivery_id {
            Some(id) => query.filter(deadline_marks::delivery_id.eq(id)),
            None => query.filter(deadline_marks::delivery_id.is_null()),
        };
        let mark: Option<Mark> = query
            .select((
                deadline_marks::id,
                deadline_marks::reminded_at,
                deadline_marks::overdue_at,
            ))
            .first(conn)
            .optional()?;
        let (reminded, overdue) = mark
            .as_ref()
            .map_or((false, false), |(_, r, o)| (r.is_some(), o.is_some()));
        if let Some(what) = owed(step.due, now, reminded, overdue) {
            out.push((step, mark.map(|(id, _, _)| id), what));
        }
    }
    Ok(out)
}

/// One pass: reminders and overdue marks, each once. A read decides whether
/// the write lock is needed at all.
pub fn run_once(
    db: &Db,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<WatchReport> {
    if db
        .run_now(|conn| owed_now(conn, calendar, rules, now))?
        .is_empty()
    {
        return Ok(WatchReport::default());
    }
    db.write_now(|conn| {
        let mut report = WatchReport::default();
        for (step, mark, what) in owed_now(conn, calendar, rules, now)? {
            let id = match mark {
                Some(id) => id,
                None => diesel::insert_into(deadline_marks::table)
                    .values((
                        deadline_marks::step.eq(step.step.as_str()),
                        deadline_marks::project_id.eq(step.project_id),
                        deadline_marks::delivery_id.eq(step.delivery_id),
                        deadline_marks::due_at.eq(step.due.naive_utc()),
                    ))
                    .returning(deadline_marks::id)
                    .get_result(conn)?,
            };
            let loaded = projects::load(conn, step.project_id)?;
            let due = crate::web::format_time(step.due.naive_utc());
            match what {
                Owed::Remind => {
                    diesel::update(deadline_marks::table.find(id))
                        .set(deadline_marks::reminded_at.eq(now.naive_utc()))
                        .execute(conn)?;
                    crate::messages::send(
                        conn,
                        now,
                        step.owes,
                        "期限将至",
                        &format!(
                            "项目“{}”须于 {due} 前{}。",
                            loaded.project.title,
                            step.step.label_zh()
                        ),
                        &loaded.link(),
                    )?;
                    report.reminded += 1;
                }
                Owed::MarkOverdue => {
                    diesel::update(deadline_marks::table.find(id))
                        .set(deadline_marks::overdue_at.eq(now.naive_utc()))
                        .execute(conn)?;
                    journal(
                        conn,
                        now,
                        &Actor::system(),
                        Event {
                            action: "deadline.overdue",
                            entity_type: "project",
                            entity_id: step.project_id.to_string(),
                            detail: json!({ "step": step.step.as_str(), "due_at": step.due, "delivery_id": step.delivery_id }),
                        },
                        Publish::No,
                    )?;
                    for user in [step.owes, step.other] {
                        crate::messages::send(
                            conn,
                            now,
                            user,
                            "已逾期",
                            &format!(
                                "项目“{}”未在 {due} 前{}，已记为逾期。",
                                loaded.project.title,
                                step.step.label_zh()
                            ),
                            &loaded.link(),
                        )?;
                    }
                    report.overdue += 1;
                }
            }
        }
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_reminder_the_day_before_and_an_overdue_mark_after_each_once() {
        let due = Utc
            .with_ymd_and_hms(2026, 3, 10, 16, 0, 0)
            .single()
            .expect("time");
        let cases = [
            (due - Duration::hours(30), false, false, None),
            (due - Duration::hours(20), false, false, Some(Owed::Remind)),
            (due - Duration::hours(20), true, false, None),
            (due, true, false, Some(Owed::MarkOverdue)),
            (
                due + Duration::days(3),
                false,
                false,
                Some(Owed::MarkOverdue),
            ),
            (due + Duration::days(3), true, true, None),
        ];
        for (now, reminded, overdue, expected) in cases {
            assert_eq!(owed(due, now, reminded, overdue), expected, "{now}");
        }
    }
}
