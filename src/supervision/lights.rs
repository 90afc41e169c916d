//! The time-limit lights (红黄绿灯) read from the database: every running step
//! with a deadline, its colour at `now`, who owes it, and what it is about.
//! The steps after the award come from `contracts::watch::open_steps`, the
//! one place their deadlines are computed; the steps before it are read here.
//! The filters are in `lights_filter.rs`, the alert pass the scheduler runs
//! in `light_alerts.rs`.

use super::lights_rules::{colour, Colour, StepKind};
use crate::calendar::WorkingCalendar;
use crate::config::ProjectRules;
use crate::contracts::watch::{self, Step};
use crate::db::schema::{
    agencies, contracts, divisions, objections, project_states, projects, service_items, signups,
    users,
};
use crate::db::DbConnection;
use crate::error::AppResult;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;

/// A running step with its deadline and colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Light {
    pub step: StepKind,
    pub colour: Colour,
    /// What the step is about, the alert's key: the project (review, sign-up,
    /// confirmation, contract), the objection, the contract (delivery,
    /// evaluation) or the submission (acceptance).
    pub subject_id: i64,
    pub project_id: i64,
    pub contract_id: Option<i64>,
    pub title: String,
    pub number: Option<String>,
    pub region_code: String,
    pub region_name: String,
    pub service_item_id: i64,
    pub service_item_name: String,
    pub department: String,
    pub applicant: String,
    pub agency: Option<String>,
    pub started_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// The user who owes the step; `None` when the centre's administrators do.
    pub owes: Option<i64>,
}

impl Light {
    /// The page of the thing: the contract once there is one, else the project.
    pub fn link(&self) -> String {
        match (self.contract_id, self.step) {
            (Some(id), _) => format!("/contracts/{id}"),
            (None, StepKind::Review) => format!("/admin/projects/{}", self.project_id),
            (None, _) => format!("/projects/{}", self.project_id),
        }
    }

    /// The audit trail of the thing (objections are journaled on their project,
    /// deliveries on their contract).
    pub fn history(&self) -> String {
        match self.contract_id {
            Some(id) => format!("/admin/audit?entity_type=contract&entity_id={id}"),
            None => format!(
                "/admin/audit?entity_type=project&entity_id={}",
                self.project_id
            ),
        }
    }
}

/// A step before it is described: what the gathering passes decide.
struct Raw {
    step: StepKind,
    subject_id: i64,
    project_id: i64,
    contract_id: Option<i64>,
    since: DateTime<Utc>,
    due: DateTime<Utc>,
    owes: Option<i64>,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// The steps before the award: review, sign-up, confirmation, objections.
fn before_award(
    conn: &mut DbConnection,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<Vec<Raw>> {
    let mut out = Vec::new();
    type StateRow = (
        i64,
        String,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<i64>,
        NaiveDateTime,
    );
    let running: Vec<StateRow> = project_states::table
        .inner_join(projects::table)
        .filter(project_states::status.eq_any(["pending_review", "signing_up", "confirming"]))
        .select((
            project_states::project_id,
            project_states::status,
            project_states::submitted_at,
            project_states::published_at,
            project_states::selected_at,
            project_states::confirmation_deadline,
            project_states::winner_signup_id,
            projects::signup_deadline,
        ))
        .load(conn)?;
    for (project_id, status, submitted, published, selected, confirm_by, winner, signup_by) in
        running
    {
        let raw = |step, since: NaiveDateTime, due: DateTime<Utc>, owes| Raw {
            step,
            subject_id: project_id,
            project_id,
            contract_id: None,
            since: utc(since),
            due,
            owes,
        };
        match (status.as_str(), submitted, published, selected, confirm_by) {
            ("pending_review", Some(at), ..) => out.push(raw(
                StepKind::Review,
                at,
                calendar.deadline_after(utc(at), rules.review_working_days),
                None,
            )),
            ("signing_up", _, Some(at), ..) => {
                out.push(raw(StepKind::Signup, at, utc(signup_by), None))
            }
            ("confirming", _, _, Some(at), Some(by)) => {
                let owes = match winner {
                    Some(signup) => Some(
                        signups::table
                            .find(signup)
                            .select(signups::user_id)
                            .first::<i64>(conn)?,
                    ),
                    None => None,
                };
                out.push(raw(StepKind::Confirmation, at, utc(by), owes));
            }
            _ => {}
        }
    }
    let pending: Vec<(i64, i64, NaiveDateTime)> = objections::table
        .filter(objections::status.eq("pending"))
        .select((
            objections::id,
            objections::project_id,
            objections::created_at,
        ))
        .load(conn)?;
    for (id, project_id, filed) in pending {
        out.push(Raw {
            step: StepKind::Objection,
            subject_id: id,
            project_id,
            contract_id: None,
            since: utc(filed),
            due: calendar.deadline_after(utc(filed), rules.objection_answer_working_days),
            owes: None,
        });
    }
    Ok(out)
}

/// The steps after the award, as the contract watch sees them.
fn after_award(
    conn: &mut DbConnection,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<Vec<Raw>> {
    Ok(watch::open_steps(conn, calendar, rules)?
        .into_iter()
        .map(|open| {
            let step = match open.step {
                Step::Contract => StepKind::Contract,
                Step::Delivery => StepKind::Delivery,
                Step::Acceptance => StepKind::Acceptance,
                Step::Evaluation => StepKind::Evaluation,
            };
            Raw {
                step,
                subject_id: open
                    .delivery_id
                    .or(open.contract_id)
                    .unwrap_or(open.project_id),
                project_id: open.project_id,
                contract_id: open.contract_id,
                since: open.since,
                due: open.due,
                owes: Some(open.owes),
            }
        })
        .collect())
}

/// What a light shows of its project, read once per project.
struct About {
    title: String,
    number: Option<String>,
    region_code: String,
    region_name: String,
    service_item_id: i64,
    service_item_name: String,
    department: String,
    applicant: String,
    agency: Option<String>,
}

fn about(conn: &mut DbConnection, project_id: i64) -> AppResult<About> {
    type Row = (
        String,
        Option<String>,
        String,
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<i64>,
    );
    let (title, number, region_code, item, item_name, department, display, org, winner): Row =
        projects::table
            .inner_join(project_states::table)
            .inner_join(service_items::table)
            .inner_join(users::table.on(users::id.eq(projects::applicant_user_id)))
            .filter(projects::id.eq(project_id))
            .select((
                projects::title,
                projects::number,
                projects::region_code,
                projects::service_item_id,
                service_items::name,
                service_items::department,
                users::display_name,
                users::organization_name,
                project_states::winner_signup_id,
            ))
            .first(conn)?;
    let region_name: Option<String> = divisions::table
        .filter(divisions::code.eq(&region_code))
        .select(divisions::name)
        .first(conn)
        .optional()?;
    let agency = match winner {
        Some(signup) => signups::table
            .inner_join(agencies::table)
            .filter(signups::id.eq(signup))
            .select(agencies::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(About {
        title,
        number,
        region_name: region_name.unwrap_or_else(|| region_code.clone()),
        region_code,
        service_item_id: item,
        service_item_name: item_name,
        department,
        applicant: org.unwrap_or(display),
        agency,
    })
}

/// Every running step with a deadline at `now` (only those of colour `only`,
/// when given), red first, then by deadline.
pub fn running(
    conn: &mut DbConnection,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
    now: DateTime<Utc>,
    only: Option<Colour>,
) -> AppResult<Vec<Light>> {
    let mut raws = before_award(conn, calendar, rules)?;
    raws.extend(after_award(conn, calendar, rules)?);
    let mut known: HashMap<i64, About> = HashMap::new();
    let mut lights = Vec::with_capacity(raws.len());
    for raw in raws {
        let colour = colour(raw.since, raw.due, now, rules.light_yellow_percent);
        // Describing a light costs queries; the alert pass wants only the red ones.
        if only.is_some_and(|c| c != colour) {
            continue;
        }
        let a = match known.entry(raw.project_id) {
            std::collections::hash_map::Entry::Occupied(seen) => seen.into_mut(),
            std::collections::hash_map::Entry::Vacant(new) => {
                new.insert(about(conn, raw.project_id)?)
            }
        };
        // A contract's own agency, in case it differs from the winner's signup (it never should).
        let agency = match raw.contract_id {
            Some(id) => contracts::table
                .inner_join(agencies::table)
                .filter(contracts::id.eq(id))
                .select(agencies::name)
                .first(conn)
                .optional()?,
            None => a.agency.clone(),
        };
        lights.push(Light {
            step: raw.step,
            colour,
            subject_id: raw.subject_id,
            project_id: raw.project_id,
            contract_id: raw.contract_id,
            title: a.title.clone(),
            number: a.number.clone(),
            region_code: a.region_code.clone(),
            region_name: a.region_name.clone(),
            service_item_id: a.service_item_id,
            service_item_name: a.service_item_name.clone(),
            department: a.department.clone(),
            applicant: a.applicant.clone(),
            agency,
            started_at: raw.since,
            due_at: raw.due,
            owes: raw.owes,
        });
    }
    lights.sort_by_key(|l| (l.colour, l.due_at, l.step, l.subject_id));
    Ok(lights)
}
