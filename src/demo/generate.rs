//! `zhongjie seed generate`: N admitted agencies with verified qualifications
//! and M published offerings spread over them, for benchmarks and search.
//! Deterministic for a seed (on the same database), and fast: transactions of
//! about `batch_rows` agencies plus offerings, batch inserts (`bulk`) — on
//! PostgreSQL seven times faster than a row per statement (100,000 offerings:
//! 5.6 s against 40.9 s), on SQLite 30% faster.
//!
//! Journal: every agency and offering gets its change-log row (search follows
//! the change log), written with `changes::publish_many`. The audit trail gets
//! one `seed.generated` event per batch, naming the ids it wrote, instead of
//! an event per row: a million audit rows would say nothing more than that.

use super::batch;
use super::catalogue::Catalogue;
use super::credentials::{self, Standing};
use super::identities::{self, AgencyDraft};
use super::offers;
use super::words::{CITIES, TRADES};
use crate::accounts::password;
use crate::calendar::WorkingCalendar;
use crate::catalog::rules::HeldQualification;
use crate::db::schema::users;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::offerings::rules::{validate_terms, OfferingTerms};
use anyhow::{anyhow, bail};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

pub struct GenerateOptions {
    pub agencies: u64,
    pub offerings: u64,
    pub seed: u64,
    /// Agencies plus offerings per transaction.
    pub batch_rows: u64,
}

#[derive(Debug, Default)]
pub struct GenerateReport {
    pub agencies: u64,
    pub qualifications: u64,
    pub offerings: u64,
    /// Every row written: users, agencies, regions, qualifications, offerings, change log, audit.
    pub rows: u64,
    pub elapsed: Duration,
}

impl GenerateReport {
    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A progress bar over agencies plus offerings.
pub fn progress_bar(options: &GenerateOptions) -> ProgressBar {
    let bar = ProgressBar::new(options.agencies + options.offerings);
    if let Ok(style) = ProgressStyle::with_template(
        "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} 条 ({per_sec}，剩余 {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// A certificate as planned: what is held, its number, issuer and validity.
pub(super) type PlannedCertificate = (HeldQualification, String, String, NaiveDate, NaiveDate);

/// One agency as planned, before it is written.
pub(super) struct Plan {
    pub serial: u64,
    pub draft: AgencyDraft,
    pub qualifications: Vec<PlannedCertificate>,
    /// (service item id, terms)
    pub offerings: Vec<(i64, OfferingTerms)>,
}

pub fn generate(
    db: &Db,
    now: DateTime<Utc>,
    options: &GenerateOptions,
    progress: &ProgressBar,
) -> anyhow::Result<GenerateReport> {
    let started = Instant::now();
    let catalogue = db.run_now(Catalogue::load).map_err(|e| anyhow!("{e}"))?;
    let most = options
        .agencies
        .saturating_mul(catalogue.items.len() as u64);
    if options.offerings > most {
        bail!(
            "每家机构每个事项只能有一项服务：{} 家机构最多 {most} 项服务 (at most one offering per agency and item: {most} for {} agencies)",
            options.agencies,
            options.agencies
        );
    }
    // One argon2 hash for every account: hashing each would take longer than the rest.
    let hash = password::hash(super::AGENCY_PASSWORD)?;
    let first_serial: i64 = db
        .run_now(|conn| {
            Ok(users::table
                .filter(users::username.like("bench_agency_%"))
                .count()
                .get_result(conn)?)
        })
        .map_err(|e| anyhow!("{e}"))?;
    let today = WorkingCalendar::local_date(now);
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut report = GenerateReport::default();
    // SQLite keeps `synchronous = FULL` here too: with 5,000-row transactions
    // OFF saved only 8% (1M offerings: 25.7 s against 27.7 s), not worth a
    // connection set apart from the pool's rules.
    let mut next = 0;
    while next < options.agencies {
        let mut plans = Vec::new();
        let mut rows = 0;
        while next < options.agencies && (plans.is_empty() || rows < options.batch_rows) {
            let count = options.offerings / options.agencies
                + u64::from(next < options.offerings % options.agencies);
            let serial = first_serial as u64 + next;
            plans.push(
                plan(&catalogue, serial, count as usize, today, &mut rng)
                    .map_err(|e| anyhow!("{e}"))?,
            );
            rows += 1 + count;
            next += 1;
        }
        db.write_now(|conn| batch::write(conn, now, &plans, &hash, options.seed, &mut report))
            .map_err(|e| anyhow!("{e}"))?;
        progress.inc(rows);
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Plans agency `serial` with `count` offerings: its trade's items first,
/// then any others, and the qualifications those items call for.
fn plan(
    catalogue: &Catalogue,
    serial: u64,
    count: usize,
    today: NaiveDate,
    rng: &mut StdRng,
) -> AppResult<Plan> {
    let named = identities::bench_name(serial);
    let trade = &TRADES[named.1];
    let email = identities::bench_email(serial, trade);
    let whole_province = rng.random_bool(1.0 / 3.0);
    let draft =
        AgencyDraft::new(named, email, 'G', serial, whole_province, rng).ok_or_else(|| {
            AppError::Internal(anyhow!(
                "agency {serial}: too many agencies for the synthetic codes"
            ))
        })?;
    let mut own: Vec<_> = trade
        .items
        .iter()
        .filter_map(|code| catalogue.item(code))
        .collect();
    own.shuffle(rng);
    if own.len() < count {
        let mut others: Vec<_> = catalogue
            .items
            .iter()
            .filter(|i| !trade.items.contains(&i.code.as_str()))
            .collect();
        others.shuffle(rng);
        own.extend(others);
    }
    own.truncate(count);

    // The trade's main certificate, so even an agency without offerings holds one.
    let mut held = Vec::new();
    if let Some((code, levels)) = trade.qualifications.first() {
        if let Some(kind) = catalogue.kind(code) {
            held.push(HeldQualification {
                qualification_type_id: kind.id,
                level: levels.choose(rng).map(|l| (*l).to_owned()),
            });
        }
    }
    for item in &own {
        if let Some(wanted) = catalogue.qualification_for(item, rng) {
            catalogue.merge(&mut held, wanted);
        }
    }
    let qualifications = held
        .into_iter()
        .filter_map(|q| {
            let kind = catalogue.kind_by_id(q.qualification_type_id)?;
            let number = credentials::certificate_no(&kind.code, q.level.as_deref(), rng);
            let issuer = credentials::issuer_in_jiangxi(&kind.issuer);
            let (from, until) = credentials::validity(today, Standing::Current, rng);
            Some((q, number, issuer, from, until))
        })
        .collect::<Vec<_>>();
    let holds: Vec<HeldQualification> = qualifications.iter().map(|q| q.0.clone()).collect();
    let city = &CITIES[draft.city];
    let mut offerings = Vec::with_capacity(own.len());
    for item in own
        .into_iter()
        .filter(|item| catalogue.qualifies(item, &holds))
    {
        let terms = offers::terms(item, &draft.name, city, &draft.regions, rng);
        if let Some(error) = validate_terms(&terms, &draft.regions).first() {
            return Err(AppError::Internal(anyhow!(
                "generated offering: {}: {}",
                error.field,
                error.message_en
            )));
        }
        offerings.push((item.id, terms));
    }
    Ok(Plan {
        serial,
        draft,
        qualifications,
        offerings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeded catalogue, from a fresh SQLite database.
    fn catalogue(dir: &tempfile::TempDir) -> Catalogue {
        let path = dir.path().join("plan.db");
        let db = Db::connect(&path.to_string_lossy(), 1).expect("database");
        db.migrate().expect("migrated");
        crate::catalog::seed::seed(&db, Utc::now()).expect("catalogue");
        db.run_now(Catalogue::load).expect("loaded")
    }

    fn plans(catalogue: &Catalogue, seed: u64, count: usize) -> Vec<Plan> {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        let mut rng = StdRng::seed_from_u64(seed);
        (0..20)
            .map(|serial| plan(catalogue, serial, count, today, &mut rng).expect("planned"))
            .collect()
    }

    fn titles(plans: &[Plan]) -> Vec<String> {
        plans
            .iter()
            .flat_map(|p| p.offerings.iter().map(|(_, t)| t.title.clone()))
            .collect()
    }

    #[test]
    fn a_seed_gives_the_same_plan_and_every_offering_is_qualified() {
        let dir = tempfile::tempdir().expect("directory");
        let catalogue = catalogue(&dir);
        let all = catalogue.items.len();
        let first = plans(&catalogue, 7, all);
        assert_eq!(titles(&first), titles(&plans(&catalogue, 7, all)));
        assert_ne!(titles(&first), titles(&plans(&catalogue, 8, all)));
        for p in &first {
            // Every item can be qualified for, so every requested offering is planned.
            assert_eq!(p.offerings.len(), all, "{}", p.draft.name);
            let items: std::collections::HashSet<i64> =
                p.offerings.iter().map(|(id, _)| *id).collect();
            assert_eq!(items.len(), all, "one offering per item");
            assert!(!p.qualifications.is_empty());
        }
        let few = plans(&catalogue, 7, 2);
        assert!(few.iter().all(|p| p.offerings.len() == 2));
        let names: std::collections::HashSet<&str> =
            few.iter().map(|p| p.draft.name.as_str()).collect();
        assert_eq!(names.len(), few.len());
    }
}
