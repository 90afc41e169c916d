//! Facet counts of a result set: matching offerings per city and per
//! service item.

use std::collections::BTreeSet;

use tantivy::collector::{FacetCollector, FacetCounts};
use tantivy::schema::Facet;
use tantivy::Searcher;

use crate::error::SearchError;
use crate::regions;
use crate::schema::{ITEMS, REGIONS};

/// Counts cities under every province in the index; the provinces are read
/// from the index rather than assumed, so the crate is not tied to 江西.
pub(crate) struct RegionFacets {
    provinces: BTreeSet<Facet>,
}

impl RegionFacets {
    pub(crate) fn of(searcher: &Searcher) -> Result<RegionFacets, SearchError> {
        Ok(RegionFacets {
            provinces: provinces(searcher)?,
        })
    }

    pub(crate) fn collector(&self) -> FacetCollector {
        let mut cities = FacetCollector::for_field(REGIONS);
        for province in &self.provinces {
            cities.add_facet(province.clone());
        }
        cities
    }

    /// (city code, count), most first.
    pub(crate) fn counts(&self, counts: &FacetCounts) -> Vec<(String, u64)> {
        let mut cities: Vec<(String, u64)> = self
            .provinces
            .iter()
            .flat_map(|province| counts.get(province.clone()))
            .filter_map(|(facet, count)| Some((regions::city_code(facet)?, count)))
            .collect();
        cities.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        cities
    }
}

pub(crate) fn item_collector() -> FacetCollector {
    let mut items = FacetCollector::for_field(ITEMS);
    items.add_facet(Facet::root());
    items
}

/// (service item id, count), most first.
pub(crate) fn item_counts(counts: &FacetCounts) -> Vec<(i64, u64)> {
    let mut items: Vec<(i64, u64)> = counts
        .get(Facet::root())
        .filter_map(|(facet, count)| Some((facet.to_path().first()?.parse().ok()?, count)))
        .collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    items
}

/// The provinces (first-level region facets) present in the index: the
/// parents under which the collector counts cities.
fn provinces(searcher: &Searcher) -> Result<BTreeSet<Facet>, SearchError> {
    let mut provinces = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let facets = segment.facet_reader(REGIONS)?;
        let mut terms = facets.facet_dict().stream()?;
        while terms.advance() {
            // Encoded facets separate levels with a zero byte; the province is
            // the part before the first one, whether or not the province by
            // itself (an offering serving all of it) is in the dictionary.
            let key = terms.key();
            let first = key.split(|b| *b == 0).next().unwrap_or(key);
            if let Ok(facet) = Facet::from_encoded(first.to_vec()) {
                provinces.insert(facet);
            }
        }
    }
    Ok(provinces)
}
