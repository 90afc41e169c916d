//! Which offerings are live, decided for many at once: the items, agencies and
//! valid qualifications they depend on are loaded in a few queries, then the
//! pure rules run over plain data.

use super::rules;
use crate::agencies::model::{AgencyRow, QualificationRow};
use crate::calendar::WorkingCalendar;
use crate::catalog::model::ServiceItemRow;
use crate::catalog::rules::{item_satisfied, satisfied_until, HeldQualification, Requirement};
use crate::catalog::service as catalog;
use crate::db::schema::{agencies, qualifications, service_items};
use crate::db::DbConnection;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// `IN (…)` lists stay below every backend's limit on bound parameters.
pub const CHUNK: usize = 500;

/// Loads `(id, value)` pairs for these ids, a chunk of ids per query, and
/// groups the values by id in the order they were loaded.
pub fn grouped<T>(
    ids: &[i64],
    mut load: impl FnMut(&[i64]) -> QueryResult<Vec<(i64, T)>>,
) -> QueryResult<HashMap<i64, Vec<T>>> {
    let mut map: HashMap<i64, Vec<T>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for (id, value) in load(chunk)? {
            map.entry(id).or_default().push(value);
        }
    }
    Ok(map)
}

/// Every service item and its requirements: what the rules need of the
/// catalogue. It changes only when an administrator edits an item, so the
/// search path keeps one in memory (`search::reference`).
pub struct Catalogue {
    pub items: HashMap<i64, ServiceItemRow>,
    pub requirements: HashMap<i64, Vec<Requirement>>,
}

impl Catalogue {
    pub fn load(conn: &mut DbConnection) -> AppResult<Catalogue> {
        let items = service_items::table
            .select(ServiceItemRow::as_select())
            .load(conn)?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        Ok(Catalogue {
            items,
            requirements: catalog::rule_requirements(conn)?,
        })
    }
}

pub struct LiveContext {
    now: DateTime<Utc>,
    catalogue: Arc<Catalogue>,
    agencies: HashMap<i64, AgencyRow>,
    /// Valid qualifications of each agency, with the moment each expires.
    held: HashMap<i64, Vec<(HeldQualification, DateTime<Utc>)>>,
}

impl LiveContext {
    /// Everything needed to judge offerings of these agencies at `now`.
    pub fn load(
        conn: &mut DbConnection,
        agency_ids: &[i64],
        now: DateTime<Utc>,
    ) -> AppResult<LiveContext> {
        let catalogue = Arc::new(Catalogue::load(conn)?);
        LiveContext::with_catalogue(conn, agency_ids, now, catalogue)
    }

    /// The same with a catalogue already at hand: only the agencies and their
    /// qualifications are read.
    pub fn with_catalogue(
        conn: &mut DbConnection,
        agency_ids: &[i64],
        now: DateTime<Utc>,
        catalogue: Arc<Catalogue>,
    ) -> AppResult<LiveContext> {
        let mut ids = agency_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let today = WorkingCalendar::local_date(now);
        let mut agency_rows = HashMap::new();
        let mut held: HashMap<i64, Vec<(HeldQualification, DateTime<Utc>)>> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            for row in agencies::table
                .filter(agencies::id.eq_any(chunk))
                .select(AgencyRow::as_select())
                .load(conn)?
            {
                agency_rows.insert(row.id, row);
            }
            let rows: Vec<QualificationRow> = qualifications::table
                .filter(qualifications::agency_id.eq_any(chunk))
                .filter(qualifications::status.eq("verified"))
                .filter(qualifications::valid_until.ge(today))
                .select(QualificationRow::as_select())
                .load(conn)?;
            for q in rows.into_iter().filter(|q| q.valid_at(now)) {
                let expires = crate::agencies::rules::expiry_instant(q.valid_until);
                let held_now = HeldQualification {
                    qualification_type_id: q.qualification_type_id,
                    level: q.level,
                };
                held.entry(q.agency_id)
                    .or_default()
                    .push((held_now, expires));
            }
        }
        Ok(LiveContext {
            now,
            catalogue,
            agencies: agency_rows,
            held,
        })
    }

    pub fn agency(&self, id: i64) -> Option<&AgencyRow> {
        self.agencies.get(&id)
    }

    /// The qualifications an item calls for; none for an unknown item.
    pub fn requirements(&self, item_id: i64) -> &[Requirement] {
        self.catalogue
            .requirements
            .get(&item_id)
            .map_or(&[], Vec::as_slice)
    }

    pub fn item(&self, id: i64) -> Option<&ServiceItemRow> {
        self.catalogue.items.get(&id)
    }

    /// Why an offering of this agency for this item may not be live now.
    pub fn refusals(&self, agency_id: i64, item_id: i64) -> Vec<String> {
        let (Some(agency), Some(item)) = (
            self.agencies.get(&agency_id),
            self.catalogue.items.get(&item_id),
        ) else {
            return vec!["机构或服务事项不存在。".to_owned()];
        };
        let requirements = self
            .catalogue
            .requirements
            .get(&item_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let held: Vec<HeldQualification> = self
            .held
            .get(&agency_id)
            .map(|list| list.iter().map(|(h, _)| h.clone()).collect())
            .unwrap_or_default();
        let qualified = item_satisfied(requirements, &held) && agency.commitment_accepted;
        rules::publish_refusals(
            agency.status_at(self.now),
            item.is_active(),
            qualified,
            &item.requirement_kind,
        )
    }

    pub fn live(&self, status: &str, agency_id: i64, item_id: i64) -> bool {
        status == "published" && self.refusals(agency_id, item_id).is_empty()
    }

    /// Until when an offering that is live now stays live, as far as its
    /// qualifications and a suspension's end can tell (`None` if not live now).
    pub fn live_until(&self, status: &str, agency_id: i64, item_id: i64) -> Option<DateTime<Utc>> {
        if !self.live(status, agency_id, item_id) {
            return None;
        }
        let requirements = self
            .catalogue
            .requirements
            .get(&item_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let held = self.held.get(&agency_id).map(Vec::as_slice).unwrap_or(&[]);
        satisfied_until(requirements, held, DateTime::<Utc>::MAX_UTC)
    }
}
