//! What the server asks and what it gets back.

use serde::{Deserialize, Serialize};

/// Result order. `Relevance` weighs the text score by the agency's credit;
/// the others break ties by that same weighted score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    /// Cheapest minimum price first; offerings without a price last.
    PriceAsc,
    /// Dearest minimum price first; offerings without a price last.
    PriceDesc,
    /// Fewest promised days first.
    DaysAsc,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferingQuery {
    /// What the user typed; any text is accepted. Empty lists every offering
    /// that passes the filters.
    pub text: String,
    /// A division code; see the crate documentation for what each level finds.
    pub region: Option<String>,
    pub service_item_id: Option<i64>,
    /// Exact category name, e.g. "环境评价".
    pub category: Option<String>,
    /// The agency holds a qualification at this level or a higher one.
    pub qualification_level: Option<String>,
    /// The offering's minimum price is at most this; unpriced offerings drop out.
    pub max_price_fen: Option<i64>,
    pub max_days: Option<i32>,
    /// Unix seconds: only offerings live at this moment (see `OfferingDoc::live_until`).
    #[serde(default)]
    pub live_at: Option<i64>,
    pub sort: Sort,
    /// From 1; 0 reads as 1.
    pub page: usize,
    /// Clamped to 1..=100.
    pub per_page: usize,
}

impl Default for OfferingQuery {
    fn default() -> Self {
        OfferingQuery {
            text: String::new(),
            region: None,
            service_item_id: None,
            category: None,
            qualification_level: None,
            max_price_fen: None,
            max_days: None,
            live_at: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferingHit {
    pub id: i64,
    /// Text relevance times the credit weight (1.0 before weighting when the
    /// text is empty).
    pub score: f32,
    /// The whole title, HTML-escaped, matched words in `<mark>`.
    pub title_html: String,
    /// A passage of the description, HTML-escaped, matched words in `<mark>`.
    pub snippet_html: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OfferingResults {
    /// Matching offerings over all pages.
    pub total: usize,
    pub hits: Vec<OfferingHit>,
    /// Matching offerings per city (division code such as "360100"), most
    /// first. Offerings serving the whole province count under no city.
    pub region_facets: Vec<(String, u64)>,
    /// Matching offerings per service item id, most first.
    pub service_item_facets: Vec<(i64, u64)>,
    /// True when more offerings matched than a search reads to count them
    /// (some 20,000): `total` and the facet counts are then extrapolated
    /// from those read, close but not exact (a page says "约").
    #[serde(default)]
    pub estimated: bool,
    /// True when no offering matched every word and the results are those
    /// matching any word (a page can say "部分匹配").
    pub relaxed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgencyQuery {
    pub text: String,
    /// A division code: agencies registered in or serving it, as for offerings.
    pub region: Option<String>,
    pub page: usize,
    pub per_page: usize,
}

impl Default for AgencyQuery {
    fn default() -> Self {
        AgencyQuery {
            text: String::new(),
            region: None,
            page: 1,
            per_page: 20,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgencyHit {
    pub id: i64,
    pub score: f32,
    pub name_html: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AgencyResults {
    pub total: usize,
    pub hits: Vec<AgencyHit>,
    /// As for offerings: no agency matched every word.
    pub relaxed: bool,
}
