//! The time-limit lights (红黄绿灯) read from the database: every running step
//! with a deadline, its colour at `now`, who owes it, and what it is about.
//! The steps after the award come from `contracts::watch::open_steps`, the
//! one place their deadlines are computed; the steps before it are read here.
//! The alert pass the scheduler runs is in `light_alerts.rs`.

use super::lights_rules::{colour, Colour, StepKind};
use crate::calendar::WorkingCalendar;
use crate::config::ProjectRules;
use crate::contracts::watch::{self, Step};
use crate::db::schema::{
    agencies, contracts, divisions, objections, project_states, projects, service_items, signups,
    users,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
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

/// The dashboard's and the API's filters, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LightFilter {
    pub colour: Option<Colour>,
    /// A division code: a province includes its cities, a city its counties.
    pub region: Option<String>,
    pub service_item: Option<i64>,
    /// The service item's 主管部门, exactly.
    pub department: Option<String>,
    /// Words of the applicant's or the agency's name.
    pub party: Option<String>,
}

/// The filters as they come in a query string: all text, so a bad value is a
/// 422 naming its field rather than a bare 400.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct LightQuery {
    /// `red`, `yellow` or `green`.
    pub colour: Option<String>,
    /// A six-digit division code; a city includes its counties.
    pub region: Option<String>,
    /// A service item id.
    pub service_item: Option<String>,
    /// A department (主管部门), as the catalogue names it.
    pub department: Option<String>,
    /// Words of the applicant's or the agency's name.
    pub party: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl LightQuery {
    /// Every field at fault at once.
    pub fn parse(&self) -> AppResult<LightFilter> {
        let mut errors = Vec::new();
        let colour = given(&self.colour).and_then(|c| {
            let parsed = Colour::parse(c);
            if parsed.is_none() {
                errors.push(crate::error::FieldError::new(
                    "colour",
                    "灯色应为 red、yellow 或 green。",
                    "colour must be red, yellow or green.",
                ));
            }
            parsed
        });
        let region = given(&self.region).map(str::to_owned);
        if region
            .as_deref()
            .is_some_and(|r| !crate::catalog::divisions::well_formed(r))
        {
            errors.push(crate::error::FieldError::new(
                "region",
                "地区应为六位行政区划代码。",
                "region must be a six-digit division code.",
            ));
        }
        let service_item = given(&self.service_item).and_then(|s| {
            let parsed = s.parse::<i64>().ok().filter(|id| *id > 0);
            if parsed.is_none() {
                errors.push(crate::error::FieldError::new(
                    "service_item",
                    "服务事项应为事项编号（正整数）。",
                    "service_item must be a service item id (a positive integer).",
                ));
            }
            parsed
        });
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(LightFilter {
            colour,
            region,
            service_item,
            department: given(&self.department).map(str::to_owned),
            party: given(&self.party).map(str::to_owned),
        })
    }

    /// The query pairs again, for links that keep the filters.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("colour", &self.colour),
            ("region", &self.region),
            ("service_item", &self.service_item),
            ("department", &self.department),
            ("party", &self.party),
        ]
        .into_iter()
        .filter_map(|(k, v)| given(v).map(|v| (k, v.to_owned())))
        .collect()
    }
}

impl LightFilter {
    /// Pure: whether a light passes every filter given.
    pub fn matches(&self, light: &Light) -> bool {
        self.colour.is_none_or(|c| c == light.colour)
            && self
                .region
                .as_deref()
                .is_none_or(|r| crate::catalog::divisions::covers(r, &light.region_code))
            && self.service_item.is_none_or(|i| i == light.service_item_id)
            && self
                .department
                .as_deref()
                .is_none_or(|d| d == light.department)
            && self.party.as_deref().is_none_or(|p| {
                let p = p.to_lowercase();
                light.applicant.to_lowercase().contains(&p)
                    || light
                        .agency
                        .as_deref()
                        .is_some_and(|a| a.to_lowercase().contains(&p))
            })
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn light() -> Light {
        let t = Utc
            .with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
            .single()
            .expect("time");
        Light {
            step: StepKind::Contract,
            colour: Colour::Yellow,
            subject_id: 7,
            project_id: 7,
            contract_id: None,
            title: "某项目地形图测绘".into(),
            number: None,
            region_code: "360121".into(),
            region_name: "南昌县".into(),
            service_item_id: 27,
            service_item_name: "地形图测绘".into(),
            department: "自然资源部门".into(),
            applicant: "南昌市某建设单位".into(),
            agency: Some("江西某测绘院".into()),
            started_at: t,
            due_at: t,
            owes: None,
        }
    }

    fn query(pairs: &[(&str, &str)]) -> LightQuery {
        let mut q = LightQuery::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "colour" => q.colour = v,
                "region" => q.region = v,
                "service_item" => q.service_item = v,
                "department" => q.department = v,
                "party" => q.party = v,
                _ => unreachable!(),
            }
        }
        q
    }

    /// Query pairs of a case.
    type Pairs<'a> = &'a [(&'a str, &'a str)];

    #[test]
    fn filters_match_by_region_item_department_and_party() {
        let cases: [(&[(&str, &str)], bool); 13] = [
            (&[], true),
            (&[("colour", "yellow")], true),
            (&[("colour", "red")], false),
            (&[("region", "360000")], true),
            (&[("region", "360100")], true),
            (&[("region", "360121")], true),
            (&[("region", "360200")], false),
            (&[("service_item", "27")], true),
            (&[("service_item", "28")], false),
            (&[("department", "自然资源部门")], true),
            (&[("department", "自然资源")], false),
            (&[("party", "测绘院")], true),
            (&[("party", "建设单位"), ("colour", "green")], false),
        ];
        for (pairs, expected) in cases {
            let filter = query(pairs).parse().expect("valid");
            assert_eq!(filter.matches(&light()), expected, "{pairs:?}");
        }
    }

    #[test]
    fn bad_filters_name_their_fields() {
        let cases: [(Pairs, &[&str]); 4] = [
            (&[("colour", "blue")], &["colour"]),
            (&[("region", "3601")], &["region"]),
            (&[("service_item", "abc")], &["service_item"]),
            (
                &[("colour", "x"), ("region", "x"), ("service_item", "-1")],
                &["colour", "region", "service_item"],
            ),
        ];
        for (pairs, fields) in cases {
            match query(pairs).parse() {
                Err(AppError::Invalid(errors)) => {
                    let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                    assert_eq!(named, fields.to_vec());
                }
                other => panic!("{pairs:?}: {other:?}"),
            }
        }
        assert_eq!(
            query(&[("colour", " "), ("party", "")]).parse().ok(),
            Some(LightFilter::default())
        );
    }
}
