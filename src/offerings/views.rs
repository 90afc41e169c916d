//! JSON shapes of the offerings API.

use super::model::OfferingRow;
use crate::agencies::views::RegionView;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Serialize, ToSchema)]
pub struct OfferingAgency {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct OfferingItem {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct OfferingView {
    pub id: i64,
    pub agency: OfferingAgency,
    pub service_item: OfferingItem,
    pub title: String,
    pub description: String,
    pub whole_province: bool,
    pub regions: Vec<RegionView>,
    /// range | discount
    pub price_basis: String,
    pub price_min_fen: Option<i64>,
    pub price_max_fen: Option<i64>,
    /// 下浮率 in permille.
    pub discount_min_permille: Option<i32>,
    pub discount_max_permille: Option<i32>,
    pub promised_days: i32,
    pub example_projects: Vec<String>,
    /// draft | published | withdrawn
    pub status: String,
    /// Shown and biddable now.
    pub live: bool,
    /// Why it is not live, for its agency and administrators.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_live_because: Vec<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl OfferingView {
    pub fn new(
        row: &OfferingRow,
        agency: OfferingAgency,
        item: OfferingItem,
        regions: Vec<RegionView>,
    ) -> Self {
        OfferingView {
            id: row.id,
            agency,
            service_item: item,
            title: row.title.clone(),
            description: row.description.clone(),
            whole_province: row.whole_province,
            regions,
            price_basis: row.price_basis.clone(),
            price_min_fen: row.price_min_fen,
            price_max_fen: row.price_max_fen,
            discount_min_permille: row.discount_min_permille,
            discount_max_permille: row.discount_max_permille,
            promised_days: row.promised_days,
            example_projects: crate::catalog::views::split_list(&row.example_projects, '\n'),
            status: row.status.clone(),
            live: false,
            not_live_because: vec![],
            published_at: row.published_at.map(|t| t.and_utc()),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OfferingEnvelope {
    pub offering: OfferingView,
}

#[derive(Serialize, ToSchema)]
pub struct OfferingList {
    pub offerings: Vec<OfferingView>,
    pub meta: crate::accounts::views::ListMeta,
}
