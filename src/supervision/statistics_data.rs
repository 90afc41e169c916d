//! Gathers the plain rows `statistics.rs` counts: published projects with
//! their award, contract, acceptance and ratings, and the agencies' activity,
//! filtered by months, region (a city includes its counties) and item.

use super::statistics::{self, Activity, AgencyShare, Award, Figures, Group, Month, ProjectFacts};
use crate::db::schema::{
    agencies, contracts, divisions, evaluations, project_states, projects, service_items, signups,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use crate::projects::selection::PriceTerms;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

/// Ids per `IN (…)`, well under SQLite's limit of bound variables.
const CHUNK: usize = 5_000;

/// The query string of the statistics API and pages, as sent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StatisticsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub region: Option<String>,
    pub service_item: Option<String>,
    pub group: Option<String>,
    pub format: Option<String>,
}

/// The checked filter.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub from: Option<Month>,
    pub to: Option<Month>,
    pub region: Option<String>,
    pub service_item: Option<i64>,
    pub group: Group,
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl StatisticsQuery {
    /// Every field at fault at once.
    pub fn parse(&self) -> AppResult<Filter> {
        let mut errors = Vec::new();
        let mut month = |field: &str, v: &Option<String>| match blank(v) {
            None => None,
            Some(text) => Month::parse(text).or_else(|| {
                errors.push(FieldError::new(
                    field,
                    "月份应写作 YYYY-MM，如 2026-03。",
                    &format!("{field} must be a month as YYYY-MM."),
                ));
                None
            }),
        };
        let from = month("from", &self.from);
        let to = month("to", &self.to);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                errors.push(FieldError::new(
                    "to",
                    "结束月份不能早于开始月份。",
                    "to must not be before from.",
                ));
            }
        }
        let region = blank(&self.region).map(str::to_owned);
        if let Some(r) = &region {
            if !crate::catalog::divisions::well_formed(r) {
                errors.push(FieldError::new(
                    "region",
                    "地区应为六位行政区划代码。",
                    "region must be a six-digit division code.",
                ));
            }
        }
        let service_item = match blank(&self.service_item) {
            None => None,
            Some(text) => text.parse::<i64>().ok().or_else(|| {
                errors.push(FieldError::new(
                    "service_item",
                    "服务事项应为事项编号。",
                    "service_item must be an item id.",
                ));
                None
            }),
        };
        let group = match blank(&self.group) {
            None => Group::Month,
            Some(text) => Group::parse(text).unwrap_or_else(|| {
                errors.push(FieldError::new(
                    "group",
                    "分组只能是 month、region 或 service_item。",
                    "group must be month, region or service_item.",
                ));
                Group::Month
            }),
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(Filter {
            from,
            to,
            region,
            service_item,
            group,
        })
    }
}

impl Filter {
    /// A city or county was chosen: group its counties, not cities.
    pub fn by_county(&self) -> bool {
        self.region.as_deref().is_some_and(|r| !r.ends_with("0000"))
    }

    fn in_months(&self, at: NaiveDateTime) -> bool {
        let m = Month::of_utc(at);
        self.from.is_none_or(|f| m >= f) && self.to.is_none_or(|t| m <= t)
    }
}

/// The region filter as a code prefix, as the project list filters.
fn region_like(code: &str) -> String {
    let prefix = if code.ends_with("0000") {
        &code[..2]
    } else if code.ends_with("00") {
        &code[..4]
    } else {
        code
    };
    format!("{prefix}%")
}

type ProjectRow = (
    (
        String,
        i64,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i32>,
        Option<i32>,
    ),
    (
        i64,
        i32,
        i32,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<i64>,
    ),
);

/// The rows the arithmetic needs, filtered.
pub fn load(
    conn: &mut DbConnection,
    filter: &Filter,
) -> AppResult<(Vec<ProjectFacts>, Vec<Activity>)> {
    let mut query = projects::table
        .inner_join(project_states::table)
        .filter(project_states::published_at.is_not_null())
        .select((
            (
                projects::region_code,
                projects::service_item_id,
                projects::price_mode,
                projects::amount_fen,
                projects::floor_fen,
                projects::ceiling_fen,
                projects::rate_min_bp,
                projects::rate_max_bp,
            ),
            (
                projects::id,
                project_states::round,
                project_states::failed_rounds,
                project_states::published_at,
                project_states::awarded_at,
                project_states::winner_signup_id,
            ),
        ))
        .into_boxed();
    if let Some(r) = &filter.region {
        query = query.filter(projects::region_code.like(region_like(r)));
    }
    if let Some(item) = filter.service_item {
        query = query.filter(projects::service_item_id.eq(item));
    }
    let rows: Vec<ProjectRow> = query.order(projects::id.asc()).load(conn)?;
    let rows: Vec<ProjectRow> = rows
        .into_iter()
        .filter(|(_, s)| s.3.is_some_and(|at| filter.in_months(at)))
        .collect();

    let project_ids: Vec<i64> = rows.iter().map(|(_, s)| s.0).collect();
    let winner_ids: Vec<i64> = rows.iter().filter_map(|(_, s)| s.5).collect();
    let mut winners: HashMap<i64, (i64, Option<i64>, Option<i32>)> = HashMap::new();
    for ids in winner_ids.chunks(CHUNK) {
        let found: Vec<(i64, i64, Option<i64>, Option<i32>)> = signups::table
            .filter(signups::id.eq_any(ids))
            .select((
                signups::id,
                signups::agency_id,
                signups::quote_fen,
                signups::quote_rate_bp,
            ))
            .load(conn)?;
        winners.extend(found.into_iter().map(|(id, a, q, r)| (id, (a, q, r))));
    }
    // The newest contract of a project counts (a terminated one may be followed by none).
    let mut by_project: HashMap<i64, (i64, i64, Option<NaiveDateTime>)> = HashMap::new();
    let mut ratings: HashMap<i64, Vec<i64>> = HashMap::new();
    for ids in project_ids.chunks(CHUNK) {
        let found: Vec<(i64, i64, i64, Option<NaiveDateTime>)> = contracts::table
            .filter(contracts::project_id.eq_any(ids))
            .order(contracts::id.asc())
            .select((
                contracts::project_id,
                contracts::id,
                contracts::amount_fen,
                contracts::completed_at,
            ))
            .load(conn)?;
        for (project, id, amount, completed) in found {
            by_project.insert(project, (id, amount, completed));
        }
    }
    let contract_ids: Vec<i64> = by_project.values().map(|c| c.0).collect();
    for ids in contract_ids.chunks(CHUNK) {
        let found: Vec<(i64, i32, i32, i32, i32)> = evaluations::table
            .filter(evaluations::contract_id.eq_any(ids))
            .filter(evaluations::by_default.eq(false))
            .select((
                evaluations::contract_id,
                evaluations::quality,
                evaluations::timeliness,
                evaluations::fees,
                evaluations::attitude,
            ))
            .load(conn)?;
        for (c, q, t, f, a) in found {
            ratings.entry(c).or_default().push(i64::from(q + t + f + a));
        }
    }

    let facts = rows
        .into_iter()
        .filter_map(
            |((region, item, mode, amount, floor, ceiling, rmin, rmax), state)| {
                let (id, round, failed, published, awarded, winner) = state;
                let published_at = published?;
                let award = match (awarded, winner.and_then(|w| winners.get(&w))) {
                    (Some(at), Some(&(agency_id, quote_fen, quote_rate_bp))) => {
                        let contract = by_project.get(&id);
                        Some(Award {
                            at,
                            agency_id,
                            quote_fen,
                            quote_rate_bp,
                            contract_amount_fen: contract.map(|c| c.1),
                            accepted_at: contract.and_then(|c| c.2),
                            rating_sums: contract
                                .and_then(|c| ratings.get(&c.0))
                                .cloned()
                                .unwrap_or_default(),
                        })
                    }
                    _ => None,
                };
                Some(ProjectFacts {
                    region_code: region,
                    service_item_id: item,
                    published_at,
                    rounds: round,
                    failed_rounds: failed,
                    price: PriceTerms::from_columns(&mode, amount, floor, ceiling, rmin, rmax),
                    award,
                })
            },
        )
        .collect();
    Ok((facts, activity(conn, filter)?))
}

fn activity(conn: &mut DbConnection, filter: &Filter) -> AppResult<Vec<Activity>> {
    let mut signed = signups::table
        .inner_join(projects::table)
        .select((
            signups::agency_id,
            signups::created_at,
            projects::region_code,
            projects::service_item_id,
        ))
        .into_boxed();
    let mut contracted = contracts::table
        .inner_join(projects::table)
        .select((
            contracts::agency_id,
            contracts::recorded_at,
            projects::region_code,
            projects::service_item_id,
        ))
        .into_boxed();
    if let Some(r) = &filter.region {
        signed = signed.filter(projects::region_code.like(region_like(r)));
        contracted = contracted.filter(projects::region_code.like(region_like(r)));
    }
    if let Some(item) = filter.service_item {
        signed = signed.filter(projects::service_item_id.eq(item));
        contracted = contracted.filter(projects::service_item_id.eq(item));
    }
    let mut rows: Vec<(i64, NaiveDateTime, String, i64)> = signed.load(conn)?;
    rows.extend(contracted.load::<(i64, NaiveDateTime, String, i64)>(conn)?);
    Ok(rows
        .into_iter()
        .filter(|r| filter.in_months(r.1))
        .map(|(agency_id, at, region_code, service_item_id)| Activity {
            agency_id,
            at,
            region_code,
            service_item_id,
        })
        .collect())
}

/// The table of a filter: its rows with labels, the total, and the largest agencies with names.
#[derive(Clone, Debug)]
pub struct Table {
    pub filter: Filter,
    pub rows: Vec<(String, Figures)>,
    pub total: Figures,
    pub largest: Vec<(String, AgencyShare)>,
}

pub fn table(conn: &mut DbConnection, filter: &Filter) -> AppResult<Table> {
    let (facts, activity) = load(conn, filter)?;
    let (rows, total) = statistics::compute(&facts, &activity, filter.group, filter.by_county());
    let largest = statistics::largest_agencies(&facts, 10);
    let labels: HashMap<String, String> = match filter.group {
        Group::Month => HashMap::new(),
        Group::Region => divisions::table
            .filter(divisions::code.eq_any(rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>()))
            .select((divisions::code, divisions::name))
            .load(conn)?
            .into_iter()
            .collect(),
        Group::ServiceItem => service_items::table
            .filter(
                service_items::id.eq_any(
                    rows.iter()
                        .filter_map(|r| r.key.parse::<i64>().ok())
                        .collect::<Vec<_>>(),
                ),
            )
            .select((service_items::id, service_items::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
    };
    let names: HashMap<i64, String> = agencies::table
        .filter(agencies::id.eq_any(largest.iter().map(|a| a.agency_id).collect::<Vec<_>>()))
        .select((agencies::id, agencies::name))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(Table {
        filter: filter.clone(),
        rows: rows
            .into_iter()
            .map(|r| {
                (
                    labels.get(&r.key).cloned().unwrap_or_else(|| r.key.clone()),
                    r,
                )
            })
            .collect(),
        total,
        largest: largest
            .into_iter()
            .map(|a| (names.get(&a.agency_id).cloned().unwrap_or_default(), a))
            .collect(),
    })
}
