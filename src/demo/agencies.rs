//! The demo marketplace `zhongjie demo` seeds once: forty agencies over the
//! eleven cities of 江西, most admitted with verified qualifications and
//! published offerings, a few still in review. One write transaction; every
//! row the services would journal is journaled here too, by the system actor,
//! so the audit trail and the change log (and search, later) see it all.

use super::catalogue::Catalogue;
use super::credentials::Standing;
use super::identities::{self, AgencyDraft};
use super::offers;
use super::records::{self, Certificate};
use super::words::{CITIES, TRADES};
use crate::accounts::rules::{Organization, Registration};
use crate::accounts::{password, service as accounts, Role};
use crate::agencies::rules::AgencyStatus;
use crate::db::schema::{agencies, offerings, users};
use crate::db::{settings, Db, DbConnection};
use crate::error::{AppError, AppResult};
use crate::supervision::Actor;
use anyhow::anyhow;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

pub const DEMO_AGENCIES: usize = 40;
/// The `settings` row that says the demo market is there.
const MARKER: &str = "demo_market_seed";
const MARKER_VERSION: &str = "2026-11-25.1";
/// The demo is the same on every machine.
const DEMO_SEED: u64 = 20_260_302;

/// Demo agencies still in review, by index: three submitted, two returned, one draft.
fn review_state(index: usize) -> Option<(AgencyStatus, Option<&'static str>)> {
    match index {
        5 | 13 | 21 => Some((AgencyStatus::Submitted, None)),
        29 => Some((
            AgencyStatus::Returned,
            Some("营业执照扫描件不清晰，请重新上传后再提交。"),
        )),
        34 => Some((
            AgencyStatus::Returned,
            Some("经营范围与拟提供的服务事项不符，请补充相关资质证明。"),
        )),
        38 => Some((AgencyStatus::Draft, None)),
        _ => None,
    }
}

/// Admitted agencies whose main certificate runs out within the warning window (days left).
fn expiring_in(index: usize) -> Option<u64> {
    match index {
        2 => Some(12),
        11 => Some(20),
        24 => Some(27),
        _ => None,
    }
}

/// The admitted agency that also keeps an expired certificate on record.
const WITH_EXPIRED: usize = 7;

pub struct MarketReport {
    pub agencies: i64,
    pub admitted: i64,
    pub offerings: i64,
    /// False when the demo market was already there and nothing was added.
    pub created: bool,
}

/// Seeds the demo market unless it is there; counts it either way.
pub fn seed(db: &Db, now: DateTime<Utc>) -> anyhow::Result<MarketReport> {
    let present = db
        .run_now(|conn| Ok(settings::get(conn, MARKER)?.is_some()))
        .map_err(|e| anyhow!("{e}"))?;
    let created = if present {
        false
    } else {
        // One argon2 hash for all forty accounts: hashing each would take seconds.
        let hash = password::hash(super::AGENCY_PASSWORD)?;
        db.write_now(|conn| {
            if settings::get(conn, MARKER)?.is_some() {
                return Ok(false);
            }
            let catalogue = Catalogue::load(conn)?;
            let mut rng = StdRng::seed_from_u64(DEMO_SEED);
            for index in 0..DEMO_AGENCIES {
                seed_agency(conn, now, &catalogue, &hash, index, &mut rng)?;
            }
            settings::put(conn, MARKER, MARKER_VERSION)?;
            Ok(true)
        })
        .map_err(|e| anyhow!("seeding the demo agencies: {e}"))?
    };
    let (agencies, admitted, offerings) = db.run_now(count).map_err(|e| anyhow!("{e}"))?;
    Ok(MarketReport {
        agencies,
        admitted,
        offerings,
        created,
    })
}

/// (demo agencies, of them admitted, their offerings).
fn count(conn: &mut DbConnection) -> AppResult<(i64, i64, i64)> {
    let demo = users::username.like("demo_agency_%");
    let agencies = agencies::table
        .inner_join(users::table)
        .filter(demo)
        .count()
        .get_result(conn)?;
    let admitted = agencies::table
        .inner_join(users::table)
        .filter(demo)
        .filter(agencies::status.eq(AgencyStatus::Admitted.as_str()))
        .count()
        .get_result(conn)?;
    let offerings = offerings::table
        .inner_join(agencies::table.inner_join(users::table))
        .filter(demo)
        .count()
        .get_result(conn)?;
    Ok((agencies, admitted, offerings))
}

fn seed_agency(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    catalogue: &Catalogue,
    password_hash: &str,
    index: usize,
    rng: &mut StdRng,
) -> AppResult<()> {
    let named = identities::demo_name(index);
    let trade = &TRADES[named.1];
    let email = identities::demo_email(index, trade);
    let draft = AgencyDraft::new(named, email, 'D', index as u64, index % 3 == 0, rng)
        .ok_or_else(|| AppError::Internal(anyhow!("demo agency {index} has no valid code")))?;
    let registration = Registration {
        username: format!("demo_agency_{:02}", index + 1),
        password: super::AGENCY_PASSWORD.to_owned(),
        display_name: draft.name.clone(),
        role: Role::Agency,
        organization: Some(Organization {
            name: draft.name.clone(),
            uscc: draft.uscc.clone(),
        }),
    };
    let user = accounts::insert_user(
        conn,
        now,
        &registration,
        password_hash,
        Some(Actor::system()),
    )?;
    let (status, reason) = review_state(index).unwrap_or((AgencyStatus::Admitted, None));
    let agency_id = records::agency(conn, now, user.id, &draft, status, reason)?;

    let verified = status == AgencyStatus::Admitted;
    let mut held = Vec::new();
    for (k, (code, levels)) in trade.qualifications.iter().enumerate() {
        if k > 0 && !rng.random_bool(0.6) {
            continue;
        }
        let certificate = Certificate {
            code,
            level: levels
                .get(rng.random_range(0..levels.len().max(1)))
                .copied(),
            standing: match expiring_in(index) {
                Some(days) if k == 0 => Standing::ExpiringIn(days),
                _ => Standing::Current,
            },
            verified,
        };
        if let Some(q) = records::qualification(conn, now, catalogue, agency_id, certificate, rng)?
        {
            held.push(q);
        }
    }
    if let (WITH_EXPIRED, Some((code, levels))) = (index, trade.qualifications.last()) {
        let certificate = Certificate {
            code,
            level: levels.last().copied(),
            standing: Standing::ExpiredFor(20),
            verified: true,
        };
        records::qualification(conn, now, catalogue, agency_id, certificate, rng)?;
    }
    if verified {
        let city = &CITIES[draft.city];
        let mut candidates: Vec<_> = trade
            .items
            .iter()
            .filter_map(|code| catalogue.item(code))
            .filter(|item| catalogue.qualifies(item, &held))
            .collect();
        // The trade's most typical item first, then any of the others.
        if candidates.len() > 1 {
            candidates[1..].shuffle(rng);
        }
        let wanted = rng.random_range(1..=4).min(candidates.len());
        for item in candidates.into_iter().take(wanted) {
            let terms = offers::terms(item, &draft.name, city, &draft.regions, rng);
            records::offering(conn, now, agency_id, item.id, &terms, &draft.regions)?;
        }
    }
    Ok(())
}
