//! Diesel rows of the catalogue.

use crate::db::schema::{divisions, qualification_types, service_item_requirements, service_items};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = divisions)]
pub struct DivisionRow {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub level: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = qualification_types)]
pub struct QualificationTypeRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub levels: String,
    pub issuer: String,
}

impl QualificationTypeRow {
    /// Levels from highest to lowest; empty when the type has none.
    pub fn level_list(&self) -> Vec<String> {
        split_levels(&self.levels)
    }
}

pub fn split_levels(levels: &str) -> Vec<String> {
    levels
        .split(';')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = service_items)]
pub struct ServiceItemRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub category: String,
    pub approval_items: String,
    pub department: String,
    pub requirement_kind: String,
    pub qualification_note: String,
    pub abbreviations: String,
    pub time_limit_days: i32,
    pub fee_basis: String,
    pub purpose: String,
    pub materials: String,
    pub provider: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ServiceItemRow {
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = service_item_requirements)]
pub struct RequirementRow {
    pub service_item_id: i64,
    pub qualification_type_id: i64,
    pub min_level: Option<String>,
}
