//! Diesel rows of offerings.

use crate::db::schema::offerings;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = offerings)]
pub struct OfferingRow {
    pub id: i64,
    pub agency_id: i64,
    pub service_item_id: i64,
    pub title: String,
    pub description: String,
    pub whole_province: bool,
    pub price_basis: String,
    pub price_min_fen: Option<i64>,
    pub price_max_fen: Option<i64>,
    pub discount_min_permille: Option<i32>,
    pub discount_max_permille: Option<i32>,
    pub promised_days: i32,
    pub example_projects: String,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
