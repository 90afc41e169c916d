//! The catalogue as the seeders need it: the active items, the qualification
//! types by code, and which qualification lets an agency offer which item —
//! read from the database, so the seeded offerings follow the same rules
//! (`catalog::rules::item_satisfied`) that decide whether an offering is live.

use crate::catalog::model::{QualificationTypeRow, ServiceItemRow};
use crate::catalog::rules::{item_satisfied, HeldQualification, Requirement};
use crate::catalog::service as catalog;
use crate::db::schema::{qualification_types, service_items};
use crate::db::DbConnection;
use crate::error::AppResult;
use diesel::prelude::*;
use rand::seq::IndexedRandom;
use rand::Rng;
use std::collections::HashMap;

pub struct Catalogue {
    /// Active items in code order.
    pub items: Vec<ServiceItemRow>,
    kinds: Vec<QualificationTypeRow>,
    requirements: HashMap<i64, Vec<Requirement>>,
}

impl Catalogue {
    pub fn load(conn: &mut DbConnection) -> AppResult<Catalogue> {
        let items = service_items::table
            .filter(service_items::status.eq("active"))
            .order(service_items::code.asc())
            .select(ServiceItemRow::as_select())
            .load(conn)?;
        let kinds = qualification_types::table
            .order(qualification_types::id.asc())
            .select(QualificationTypeRow::as_select())
            .load(conn)?;
        Ok(Catalogue {
            items,
            kinds,
            requirements: catalog::rule_requirements(conn)?,
        })
    }

    pub fn item(&self, code: &str) -> Option<&ServiceItemRow> {
        self.items.iter().find(|i| i.code == code)
    }

    pub fn kind(&self, code: &str) -> Option<&QualificationTypeRow> {
        self.kinds.iter().find(|k| k.code == code)
    }

    pub fn kind_by_id(&self, id: i64) -> Option<&QualificationTypeRow> {
        self.kinds.iter().find(|k| k.id == id)
    }

    /// Whether valid qualifications `held` let an agency offer `item`.
    pub fn qualifies(&self, item: &ServiceItemRow, held: &[HeldQualification]) -> bool {
        let none = Vec::new();
        item_satisfied(self.requirements.get(&item.id).unwrap_or(&none), held)
    }

    /// A qualification that lets an agency offer `item`, at a random level the
    /// item accepts; `None` when the item needs none (承诺即可).
    pub fn qualification_for(
        &self,
        item: &ServiceItemRow,
        rng: &mut impl Rng,
    ) -> Option<HeldQualification> {
        let requirement = self.requirements.get(&item.id)?.choose(rng)?;
        let lowest = match &requirement.min_level {
            Some(min) => requirement.levels.iter().position(|l| l == min)?,
            None => requirement.levels.len().saturating_sub(1),
        };
        let level = requirement
            .levels
            .get(rng.random_range(0..=lowest))
            .cloned();
        Some(HeldQualification {
            qualification_type_id: requirement.qualification_type_id,
            level,
        })
    }

    /// Adds `wanted` to `held`, or raises the level held of its type when
    /// `wanted` is higher (levels are listed highest first).
    pub fn merge(&self, held: &mut Vec<HeldQualification>, wanted: HeldQualification) {
        let rank = |q: &HeldQualification| {
            let levels = self
                .kind_by_id(q.qualification_type_id)
                .map(|k| k.level_list())
                .unwrap_or_default();
            q.level
                .as_ref()
                .and_then(|l| levels.iter().position(|x| x == l))
                .unwrap_or(usize::MAX)
        };
        match held
            .iter_mut()
            .find(|h| h.qualification_type_id == wanted.qualification_type_id)
        {
            Some(existing) if rank(&wanted) < rank(existing) => *existing = wanted,
            Some(_) => {}
            None => held.push(wanted),
        }
    }
}
