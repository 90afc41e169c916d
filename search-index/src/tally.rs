//! How many offerings match, and how many per city and per service item, in
//! one pass that reads the matches without scoring them.
//!
//! A broad word ("评估") matches hundreds of thousands of offerings at
//! provincial scale, and reading every one of them is what a search would
//! spend most of its time on. So a tally may stop after a budget of matches
//! and extrapolate: the documents of an index are in no meaningful order, so
//! the share of matches among the documents read stands for the rest. Such a
//! tally says it is [`Tally::estimated`]; below the budget it is exact.

use std::collections::HashMap;

use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TERMINATED};

use crate::error::SearchError;
use crate::schema::{REGIONS, SERVICE_ITEM_ID};

/// Matches read before a tally extrapolates: enough for counts to be right
/// to a percent or so, few enough to stay within a millisecond or two.
pub(crate) const BUDGET: usize = 20_000;

#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub total: usize,
    /// Matching offerings per city code ("360100").
    pub cities: HashMap<String, u64>,
    pub items: HashMap<i64, u64>,
    /// True when the figures are extrapolated from the first [`BUDGET`] matches.
    pub estimated: bool,
}

impl Tally {
    /// Tallies the matches of `query`, reading at most `budget` of them
    /// (`None`: all).
    pub(crate) fn of(
        searcher: &Searcher,
        query: &dyn Query,
        budget: Option<usize>,
    ) -> Result<Tally, SearchError> {
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let all_docs: u64 = searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.max_doc()))
            .sum();
        let mut counts = Counts::default();
        let mut docs_read: u64 = 0;
        let mut stopped = false;
        for segment in searcher.segment_readers() {
            let mut reader = SegmentTally::new(segment)?;
            let mut matches = weight.scorer(segment, 1.0)?;
            let mut doc = matches.doc();
            while doc != TERMINATED {
                if segment
                    .alive_bitset()
                    .is_none_or(|alive| alive.is_alive(doc))
                {
                    if budget.is_some_and(|b| counts.total + reader.total >= b) {
                        // A match is left unread: documents 0..doc were.
                        stopped = true;
                        docs_read += u64::from(doc);
                        break;
                    }
                    reader.add(doc);
                }
                doc = matches.advance();
            }
            if !stopped {
                docs_read += u64::from(segment.max_doc());
            }
            counts.absorb(reader);
            if stopped {
                break;
            }
        }
        Ok(if stopped {
            counts.scaled(all_docs as f64 / docs_read.max(1) as f64)
        } else {
            counts.exact()
        })
    }
}

/// Counts of whole segments, city facets already named.
#[derive(Default)]
struct Counts {
    total: usize,
    cities: HashMap<String, u64>,
    items: HashMap<i64, u64>,
}

impl Counts {
    fn absorb(&mut self, segment: SegmentTally) {
        self.total += segment.total;
        for (slot, count) in segment.city_counts.iter().enumerate() {
            if *count > 0 {
                *self
                    .cities
                    .entry(segment.city_names[slot].clone())
                    .or_default() += count;
            }
        }
        for (item, count) in segment.items {
            *self.items.entry(item).or_default() += count;
        }
    }

    fn exact(self) -> Tally {
        Tally {
            total: self.total,
            cities: self.cities,
            items: self.items,
            estimated: false,
        }
    }

    fn scaled(self, factor: f64) -> Tally {
        let scale = |n: u64| (n as f64 * factor).round() as u64;
        Tally {
            total: (self.total as f64 * factor).round() as usize,
            cities: self
                .cities
                .into_iter()
                .map(|(c, n)| (c, scale(n)))
                .collect(),
            items: self.items.into_iter().map(|(i, n)| (i, scale(n))).collect(),
            estimated: true,
        }
    }
}

/// The tally of one segment: region facet ordinals mapped once to the
/// city they lie in, so each match costs a few array reads.
struct SegmentTally {
    facets: tantivy::fastfield::FacetReader,
    /// Facet ordinal → city slot, `u32::MAX` for a whole province.
    city_of_ord: Vec<u32>,
    city_names: Vec<String>,
    city_counts: Vec<u64>,
    item: Option<Column<i64>>,
    items: HashMap<i64, u64>,
    total: usize,
}

impl SegmentTally {
    fn new(segment: &SegmentReader) -> Result<Self, SearchError> {
        let facets = segment.facet_reader(REGIONS)?;
        let mut city_of_ord = Vec::with_capacity(facets.num_facets());
        let mut city_names: Vec<String> = Vec::new();
        let mut terms = facets.facet_dict().stream()?;
        while terms.advance() {
            // Encoded facets separate levels with a zero byte: province,
            // city, county. A city is the second level.
            let slot = match city_code(terms.key()) {
                Some(code) => match city_names.iter().position(|c| *c == code) {
                    Some(slot) => slot as u32,
                    None => {
                        city_names.push(code);
                        (city_names.len() - 1) as u32
                    }
                },
                None => u32::MAX,
            };
            city_of_ord.push(slot);
        }
        let city_counts = vec![0; city_names.len()];
        Ok(SegmentTally {
            facets,
            city_of_ord,
            city_names,
            city_counts,
            item: segment.fast_fields().i64(SERVICE_ITEM_ID).ok(),
            items: HashMap::new(),
            total: 0,
        })
    }

    fn add(&mut self, doc: DocId) {
        self.total += 1;
        // Ordinals come sorted, so a city's county facets follow its own.
        let mut previous = u32::MAX;
        for ord in self.facets.facet_ords(doc) {
            let slot = self
                .city_of_ord
                .get(ord as usize)
                .copied()
                .unwrap_or(u32::MAX);
            if slot != u32::MAX && slot != previous {
                self.city_counts[slot as usize] += 1;
            }
            previous = slot;
        }
        if let Some(item) = self.item.as_ref().and_then(|c| c.first(doc)) {
            *self.items.entry(item).or_default() += 1;
        }
    }
}

/// "360100" for the encoded facet /36/3601 or any county below it.
fn city_code(encoded: &[u8]) -> Option<String> {
    let mut levels = encoded.split(|b| *b == 0);
    let _province = levels.next()?;
    let city = levels.next()?;
    if city.len() != 4 {
        return None;
    }
    let city = std::str::from_utf8(city).ok()?;
    Some(format!("{city}00"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_city_of_a_facet_is_its_second_level() {
        assert_eq!(city_code(b"36\x003601"), Some("360100".to_owned()));
        assert_eq!(
            city_code(b"36\x003601\x00360102"),
            Some("360100".to_owned())
        );
        assert_eq!(city_code(b"36"), None);
    }
}

#[cfg(test)]
mod counting {
    use tantivy::query::AllQuery;

    use super::*;
    use crate::testing::{index_of, offering};

    /// 900 offerings: two in three of item 5 in 南昌 (360102), the rest of
    /// item 7 in 赣州 (360700), interleaved as real data would be.
    fn market() -> crate::SearchIndex {
        index_of(
            (1..=900)
                .map(|id| match id % 3 {
                    0 => offering(id, "地形图测绘", 7, "360700", 60.0),
                    _ => offering(id, "环评报告表", 5, "360102", 60.0),
                })
                .collect(),
        )
    }

    #[test]
    fn within_the_budget_every_match_is_counted() {
        let index = market();
        let tally = Tally::of(&index.reader.searcher(), &AllQuery, None).expect("tallied");
        assert_eq!(tally.total, 900);
        assert!(!tally.estimated);
        assert_eq!(tally.items.get(&5), Some(&600));
        assert_eq!(tally.items.get(&7), Some(&300));
        assert_eq!(tally.cities.get("360100"), Some(&600));
        assert_eq!(tally.cities.get("360700"), Some(&300));
    }

    #[test]
    fn past_the_budget_counts_are_extrapolated_and_say_so() {
        let index = market();
        let tally = Tally::of(&index.reader.searcher(), &AllQuery, Some(90)).expect("tallied");
        assert!(tally.estimated);
        let near = |n: u64, expected: u64| n.abs_diff(expected) <= expected / 10;
        assert!(near(tally.total as u64, 900), "{}", tally.total);
        assert!(near(tally.items[&5], 600), "{:?}", tally.items);
        assert!(near(tally.cities["360700"], 300), "{:?}", tally.cities);
    }

    #[test]
    fn a_budget_just_large_enough_is_still_exact() {
        let index = market();
        let tally = Tally::of(&index.reader.searcher(), &AllQuery, Some(900)).expect("tallied");
        assert_eq!((tally.total, tally.estimated), (900, false));
    }
}
