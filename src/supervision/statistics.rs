//! Marketplace statistics as pure arithmetic over plain rows: no I/O, integers
//! only. `statistics_data.rs` gathers the rows, `statistics_charts.rs` draws
//! them, `statistics_routes.rs` serves them.
//!
//! Definitions (also in docs/API.md):
//! - A project belongs to the month of its latest publication (`published_at`
//!   of its current round), in China time, and to its region and service item.
//!   Every project measure is counted there, even when the award came later.
//! - 流标率: failed rounds / rounds opened, in basis points.
//! - Awarded amount: the contract's amount when a contract was recorded, else
//!   the winning quote (fixed price: the amount; amount quotes: the quote; rate
//!   quotes: base × (10000 − rate) / 10000).
//! - Savings: the reference (ceiling for amount quotes, the base for rate
//!   quotes, the amount itself for a fixed price) minus the awarded amount.
//! - Days: mean of (award − publication) and (acceptance − award), in tenths
//!   of a day.
//! - Agencies active: distinct agencies with a sign-up or a contract recorded
//!   in the month (grouped by the month of that event, not of the project).
//! - Concentration by awarded amount: the largest three agencies' share and
//!   HHI (Σ share² with shares in percent, 0–10000).
//! - Average evaluation: the mean of the four ratings (1–5) over evaluations
//!   the client actually gave (the scheduler's neutral defaults are left out),
//!   in hundredths.
//!
//! Rounding: every ratio rounds half up (`ratio`), on non-negative integers.

use crate::projects::selection::PriceTerms;
use chrono::{Datelike, NaiveDateTime};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use utoipa::ToSchema;

/// A year and month, `2026-03`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `YYYY-MM`, months 01–12.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    /// The month of a UTC instant in China time (UTC+8, no daylight saving).
    pub fn of_utc(at: NaiveDateTime) -> Month {
        let local = at + chrono::Duration::hours(8);
        Month {
            year: local.year(),
            month: local.month(),
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// One published project, with what happened to it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectFacts {
    pub region_code: String,
    pub service_item_id: i64,
    pub published_at: NaiveDateTime,
    pub rounds: i32,
    pub failed_rounds: i32,
    pub price: PriceTerms,
    /// Set once awarded (公示期满).
    pub award: Option<Award>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Award {
    pub at: NaiveDateTime,
    pub agency_id: i64,
    pub quote_fen: Option<i64>,
    pub quote_rate_bp: Option<i32>,
    pub contract_amount_fen: Option<i64>,
    /// The contract's acceptance (验收), `contracts.completed_at`.
    pub accepted_at: Option<NaiveDateTime>,
    /// Sums of the four ratings of each real evaluation.
    pub rating_sums: Vec<i64>,
}

/// A sign-up or a recorded contract: an agency was active then.
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub agency_id: i64,
    pub at: NaiveDateTime,
    pub region_code: String,
    pub service_item_id: i64,
}

/// `num / den` scaled by `scale`, rounded half up; `None` when `den` is 0.
pub fn ratio(num: i64, den: i64, scale: i64) -> Option<i64> {
    if den <= 0 {
        return None;
    }
    let n = i128::from(num) * i128::from(scale);
    let d = i128::from(den);
    i64::try_from((2 * n + d).div_euclid(2 * d)).ok()
}

/// What the contract was awarded for, by the definition above.
pub fn awarded_fen(price: &PriceTerms, award: &Award) -> i64 {
    if let Some(amount) = award.contract_amount_fen {
        return amount;
    }
    match *price {
        PriceTerms::Fixed { amount_fen } => amount_fen,
        PriceTerms::Amount { ceiling_fen, .. } => award.quote_fen.unwrap_or(ceiling_fen),
        PriceTerms::Rate { base_fen, .. } => {
            let rate = i64::from(award.quote_rate_bp.unwrap_or(0));
            ratio(base_fen, 10_000, 10_000 - rate).unwrap_or(base_fen)
        }
    }
}

/// The price savings are measured against.
pub fn reference_fen(price: &PriceTerms) -> i64 {
    match *price {
        PriceTerms::Fixed { amount_fen } => amount_fen,
        PriceTerms::Amount { ceiling_fen, .. } => ceiling_fen,
        PriceTerms::Rate { base_fen, .. } => base_fen,
    }
}

/// Herfindahl–Hirschman index of amounts: Σ (share in percent)², 0–10000,
/// rounded half up; `None` without any amount.
pub fn hhi(amounts: &[i64]) -> Option<i64> {
    let total: i128 = amounts.iter().map(|a| i128::from(*a)).sum();
    if total <= 0 {
        return None;
    }
    let squares: i128 = amounts
        .iter()
        .map(|a| i128::from(*a) * i128::from(*a))
        .sum();
    let n = squares * 10_000;
    let d = total * total;
    i64::try_from((2 * n + d) / (2 * d)).ok()
}

/// The share of the largest `k` amounts in basis points.
pub fn top_share_bp(amounts: &[i64], k: usize) -> Option<i64> {
    let mut sorted = amounts.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let total: i64 = sorted.iter().sum();
    ratio(sorted.iter().take(k).sum(), total, 10_000)
}

/// How rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Month,
    Region,
    ServiceItem,
}

impl Group {
    pub fn parse(text: &str) -> Option<Group> {
        match text {
            "month" => Some(Group::Month),
            "region" => Some(Group::Region),
            "service_item" => Some(Group::ServiceItem),
            _ => None,
        }
    }
}

/// One line of the table: a month, a region or an item, or the total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Figures {
    /// `2026-03`, a division code or a service item id; `total` for the total.
    pub key: String,
    pub projects_published: i64,
    pub rounds: i64,
    pub failed_rounds: i64,
    pub failure_rate_bp: Option<i64>,
    pub projects_awarded: i64,
    pub awarded_fen: i64,
    pub reference_fen: i64,
    pub savings_fen: i64,
    pub savings_rate_bp: Option<i64>,
    pub avg_days_to_award_tenths: Option<i64>,
    pub avg_days_to_acceptance_tenths: Option<i64>,
    pub agencies_active: i64,
    pub top3_share_bp: Option<i64>,
    pub hhi: Option<i64>,
    pub avg_evaluation_hundredths: Option<i64>,
}

/// An agency's awarded amount in a selection (admins only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgencyShare {
    pub agency_id: i64,
    pub awarded_fen: i64,
    pub share_bp: i64,
}

#[derive(Default)]
struct Acc {
    projects: i64,
    rounds: i64,
    failed: i64,
    awarded: i64,
    awarded_fen: i64,
    reference_fen: i64,
    to_award_secs: (i64, i64),
    to_accept_secs: (i64, i64),
    ratings: (i64, i64),
    by_agency: BTreeMap<i64, i64>,
    agencies: BTreeSet<i64>,
}

impl Acc {
    fn add_project(&mut self, p: &ProjectFacts) {
        self.projects += 1;
        self.rounds += i64::from(p.rounds);
        self.failed += i64::from(p.failed_rounds);
        let Some(award) = &p.award else { return };
        let fen = awarded_fen(&p.price, award);
        self.awarded += 1;
        self.awarded_fen += fen;
        self.reference_fen += reference_fen(&p.price);
        *self.by_agency.entry(award.agency_id).or_default() += fen;
        self.to_award_secs.0 += (award.at - p.published_at).num_seconds().max(0);
        self.to_award_secs.1 += 1;
        if let Some(accepted) = award.accepted_at {
            self.to_accept_secs.0 += (accepted - award.at).num_seconds().max(0);
            self.to_accept_secs.1 += 1;
        }
        for sum in &award.rating_sums {
            self.ratings.0 += sum;
            self.ratings.1 += 4;
        }
    }

    fn finish(self, key: String) -> Figures {
        let amounts: Vec<i64> = self.by_agency.values().copied().collect();
        let savings = self.reference_fen - self.awarded_fen;
        // A tenth of a day is 8640 seconds.
        let tenths = |(secs, n): (i64, i64)| ratio(secs, n * 8_640, 1);
        Figures {
            key,
            projects_published: self.projects,
            rounds: self.rounds,
            failed_rounds: self.failed,
            failure_rate_bp: ratio(self.failed, self.rounds, 10_000),
            projects_awarded: self.awarded,
            awarded_fen: self.awarded_fen,
            reference_fen: self.reference_fen,
            savings_fen: savings,
            savings_rate_bp: ratio(savings.max(0), self.reference_fen, 10_000).map(|bp| {
                if savings < 0 {
                    -bp
                } else {
                    bp
                }
            }),
            avg_days_to_award_tenths: tenths(self.to_award_secs),
            avg_days_to_acceptance_tenths: tenths(self.to_accept_secs),
            agencies_active: self.agencies.len() as i64,
            top3_share_bp: top_share_bp(&amounts, 3),
            hhi: hhi(&amounts),
            avg_evaluation_hundredths: ratio(self.ratings.0, self.ratings.1, 100),
        }
    }
}

/// Where a region lands when grouping: its city (`3601xx` → `360100`), or
/// itself when `by_county` (a city was chosen, so its counties are shown).
pub fn region_key(code: &str, by_county: bool) -> String {
    match code.get(..4) {
        Some(city) if !by_county && code.len() == 6 => format!("{city}00"),
        _ => code.to_owned(),
    }
}

/// The grouped rows (in key order) and the total.
pub fn compute(
    projects: &[ProjectFacts],
    activity: &[Activity],
    group: Group,
    by_county: bool,
) -> (Vec<Figures>, Figures) {
    let key_of = |at: NaiveDateTime, region: &str, item: i64| match group {
        Group::Month => Month::of_utc(at).to_string(),
        Group::Region => region_key(region, by_county),
        // Zero-padded so that key order is numeric order.
        Group::ServiceItem => format!("{item:012}"),
    };
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    let mut total = Acc::default();
    for p in projects {
        let key = key_of(p.published_at, &p.region_code, p.service_item_id);
        groups.entry(key).or_default().add_project(p);
        total.add_project(p);
    }
    for a in activity {
        let key = key_of(a.at, &a.region_code, a.service_item_id);
        groups.entry(key).or_default().agencies.insert(a.agency_id);
        total.agencies.insert(a.agency_id);
    }
    let rows = groups
        .into_iter()
        .map(|(key, acc)| {
            let key = match group {
                Group::ServiceItem => key.trim_start_matches('0').to_owned(),
                _ => key,
            };
            acc.finish(key)
        })
        .collect();
    (rows, total.finish("total".to_owned()))
}

/// The largest agencies by awarded amount, largest first (ties by id).
pub fn largest_agencies(projects: &[ProjectFacts], limit: usize) -> Vec<AgencyShare> {
    let mut by_agency: HashMap<i64, i64> = HashMap::new();
    for p in projects {
        if let Some(award) = &p.award {
            *by_agency.entry(award.agency_id).or_default() += awarded_fen(&p.price, award);
        }
    }
    let total: i64 = by_agency.values().sum();
    let mut list: Vec<AgencyShare> = by_agency
        .into_iter()
        .map(|(agency_id, awarded_fen)| AgencyShare {
            agency_id,
            awarded_fen,
            share_bp: ratio(awarded_fen, total, 10_000).unwrap_or(0),
        })
        .collect();
    list.sort_by(|a, b| {
        b.awarded_fen
            .cmp(&a.awarded_fen)
            .then(a.agency_id.cmp(&b.agency_id))
    });
    list.truncate(limit);
    list
}

#[cfg(test)]
#[path = "statistics_tests.rs"]
mod tests;
