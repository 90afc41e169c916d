//! Ranking and paging. Relevance is the text score (BM25) times a credit
//! weight of `0.8 + 0.4 × credit / 100`: credit moves a hit by at most ±20 %
//! around an agency of credit 50, enough to order similar matches and never
//! enough to outrank a clearly better one; unknown credit counts as 60.
//! Sorting by price or days orders by that key first and by the weighted
//! relevance within equal keys, then newest first.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader};

use crate::error::SearchError;

use crate::queries::Sort;
use crate::schema::{CREDIT, DAYS, NEUTRAL_CREDIT, PRICE_MIN, UPDATED_AT};

const MAX_PER_PAGE: usize = 100;
/// Deeper pages are not served (the counts still are): nobody reads them,
/// and the collector would hold every hit before the page.
const MAX_DEPTH: usize = 10_000;

/// Higher first: the sort key, then the weighted score, then the newest.
pub(crate) type Rank = (i64, Score, i64);

/// The credit weight of the module documentation.
pub(crate) fn credit_weight(credit: f64) -> f32 {
    (0.8 + 0.4 * credit.clamp(0.0, 100.0) / 100.0) as f32
}

/// Which hits a page shows.
pub(crate) struct Window {
    offset: usize,
    limit: usize,
}

impl Window {
    pub(crate) fn new(page: usize, per_page: usize) -> Window {
        let limit = per_page.clamp(1, MAX_PER_PAGE);
        Window {
            offset: page.max(1).saturating_sub(1).saturating_mul(limit),
            limit,
        }
    }

    /// Ranks hits for this window; `None` beyond [`MAX_DEPTH`].
    pub(crate) fn collector(
        &self,
        sort: Sort,
    ) -> Option<impl Collector<Fruit = Vec<(Rank, DocAddress)>>> {
        if self.offset >= MAX_DEPTH {
            return None;
        }
        let top = TopDocs::with_limit(self.limit).and_offset(self.offset);
        Some(top.tweak_score(move |segment: &SegmentReader| ranker(segment, sort)))
    }
}

/// The most credit can multiply a text score by (credit 100).
const MOST_WEIGHT: f32 = 1.2;

impl Window {
    /// The window's hits by weighted relevance, reading as few matches as
    /// tantivy can: the text query alone drives (block-max WAND skips
    /// whatever cannot beat the hits held, given that credit adds at most
    /// [`MOST_WEIGHT`]), and each candidate is checked against `filters`.
    /// Exact: the same hits as [`Window::collector`] with
    /// [`Sort::Relevance`] over the filters around the text.
    pub(crate) fn top_by_relevance(
        &self,
        searcher: &Searcher,
        text: &dyn Query,
        filters: &dyn Query,
    ) -> Result<Vec<(Rank, DocAddress)>, SearchError> {
        let wanted = self.offset + self.limit;
        if self.offset >= MAX_DEPTH {
            return Ok(Vec::new());
        }
        let text = text.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let filters = filters.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut held: BinaryHeap<Reverse<Held>> = BinaryHeap::with_capacity(wanted + 1);
        let mut threshold = Score::MIN;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let mut passing = filters.scorer(segment, 1.0)?;
            let fast = segment.fast_fields();
            let credit = fast.f64(CREDIT).ok();
            let updated = fast.i64(UPDATED_AT).ok();
            let alive = segment.alive_bitset();
            let start = threshold;
            text.for_each_pruning(start, segment, &mut |doc, score| {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    return threshold;
                }
                if passing.doc() < doc {
                    passing.seek(doc);
                }
                if passing.doc() != doc {
                    return threshold;
                }
                let credit = credit
                    .as_ref()
                    .and_then(|c| c.first(doc))
                    .unwrap_or(NEUTRAL_CREDIT);
                let weighted = score * credit_weight(credit);
                let candidate = Held {
                    weighted,
                    updated: updated.as_ref().and_then(|c| c.first(doc)).unwrap_or(0),
                    address: DocAddress::new(ord as u32, doc),
                };
                if held.len() < wanted {
                    held.push(Reverse(candidate));
                } else if held.peek().is_some_and(|least| candidate > least.0) {
                    held.pop();
                    held.push(Reverse(candidate));
                }
                if held.len() == wanted {
                    if let Some(least) = held.peek() {
                        // Strictly below what could still tie the least hit held.
                        threshold = least.0.weighted / MOST_WEIGHT * (1.0 - 1e-6);
                    }
                }
                threshold
            })?;
        }
        let mut ranked: Vec<Held> = held.into_iter().map(|r| r.0).collect();
        ranked.sort_by(|a, b| b.cmp(a));
        Ok(ranked
            .into_iter()
            .skip(self.offset)
            .map(|h| ((0, h.weighted, h.updated), h.address))
            .collect())
    }
}

/// A hit held while ranking: the better compares greater.
#[derive(Clone, Copy, Debug)]
struct Held {
    weighted: Score,
    updated: i64,
    address: DocAddress,
}

impl Ord for Held {
    fn cmp(&self, other: &Self) -> Ordering {
        self.weighted
            .total_cmp(&other.weighted)
            .then(self.updated.cmp(&other.updated))
            // The earlier document first, as tantivy's own top-k does.
            .then(other.address.cmp(&self.address))
    }
}

impl PartialOrd for Held {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Held {}

/// The rank of each document of a segment. A fast field a segment lacks
/// (no document in it has a price) reads as missing.
fn ranker(segment: &SegmentReader, sort: Sort) -> impl Fn(DocId, Score) -> Rank {
    let fast = segment.fast_fields();
    let credit = fast.f64(CREDIT).ok();
    let price = fast.i64(PRICE_MIN).ok();
    let days = fast.i64(DAYS).ok();
    let updated = fast.i64(UPDATED_AT).ok();
    move |doc, score| {
        let read = |column: &Option<Column<i64>>| column.as_ref().and_then(|c| c.first(doc));
        let credit = credit
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or(NEUTRAL_CREDIT);
        let weighted = score * credit_weight(credit);
        // Missing keys take i64::MIN: last, whichever way the key runs.
        let key = match sort {
            Sort::Relevance => 0,
            Sort::PriceAsc => read(&price).map_or(i64::MIN, |p| -p),
            Sort::PriceDesc => read(&price).unwrap_or(i64::MIN),
            Sort::DaysAsc => read(&days).map_or(i64::MIN, |d| -d),
        };
        (key, weighted, read(&updated).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_weighs_between_four_fifths_and_six_fifths() {
        let cases = [
            (0.0, 0.8),
            (50.0, 1.0),
            (60.0, 1.04),
            (100.0, 1.2),
            (250.0, 1.2),
            (-5.0, 0.8),
        ];
        for (credit, weight) in cases {
            assert!(
                (credit_weight(credit) - weight).abs() < 1e-6,
                "credit {credit}"
            );
            // Pruning relies on this bound.
            assert!(credit_weight(credit) <= MOST_WEIGHT);
        }
    }

    #[test]
    fn pages_count_from_one_and_stay_within_bounds() {
        let cases = [
            (1, 20, 0, 20),
            (0, 20, 0, 20),
            (3, 10, 20, 10),
            (1, 0, 0, 1),
            (2, 1000, 100, 100),
        ];
        for (page, per_page, offset, limit) in cases {
            let window = Window::new(page, per_page);
            assert_eq!(
                (window.offset, window.limit),
                (offset, limit),
                "page {page} of {per_page}"
            );
        }
        assert!(Window::new(usize::MAX, 50)
            .collector(Sort::Relevance)
            .is_none());
    }
}

#[cfg(test)]
mod pruning {
    use tantivy::Term;

    use super::*;
    use crate::clauses::Weighted;
    use crate::filters::Filters;
    use crate::query::{TextQuery, Words};
    use crate::schema::OFFERING;
    use crate::testing::{index_of, offering};
    use crate::{Change, SearchIndex};

    /// 1,200 offerings whose titles say 环评 once to four times among other
    /// words, by agencies of every credit; some edited since (so deleted
    /// versions lie in the index), in two cities.
    fn market() -> SearchIndex {
        let title = |id: i64| {
            let mut title = "环评 ".repeat(1 + (id % 4) as usize);
            title.push_str(&"报告 编制 服务 ".repeat((id % 7) as usize));
            title
        };
        let region = |id: i64| if id % 2 == 0 { "360102" } else { "360700" };
        let index = index_of(
            (1..=1200)
                .map(|id| offering(id, &title(id), 5, region(id), ((id * 37) % 101) as f64))
                .collect(),
        );
        let edited = (1..=1200)
            .step_by(9)
            .map(|id| offering(id, &title(id + 1), 5, region(id), ((id * 53) % 101) as f64))
            .map(Change::UpsertOffering)
            .collect();
        index.apply(edited, 100).expect("applied");
        index
    }

    /// The page as ranked by pruning and as ranked by reading every match.
    fn both_ways(index: &SearchIndex, text: &str, region: Option<&str>, window: &Window) {
        let searcher = index.reader.searcher();
        let f = &index.fields;
        let mut filters = Filters::of_kind(f, OFFERING);
        if let Some(region) = region {
            filters.region(region);
        }
        let searched: [Weighted; 1] = [(f.words, 1.0)];
        let indexed = |word: &str| {
            searcher
                .doc_freq(&Term::from_field_text(f.words, word))
                .map_or(true, |n| n > 0)
        };
        let text = TextQuery::parse(text).build(&searched, f.codes, Words::All, &indexed);
        let pruned = window
            .top_by_relevance(&searcher, &*text, &*filters.only())
            .expect("ranked");
        let every = searcher
            .search(
                &*filters.around(text),
                &window.collector(Sort::Relevance).expect("a page"),
            )
            .expect("ranked");
        assert!(!pruned.is_empty());
        let addresses = |hits: &[(Rank, DocAddress)]| hits.iter().map(|h| h.1).collect::<Vec<_>>();
        assert_eq!(addresses(&pruned), addresses(&every));
        for (a, b) in pruned.iter().zip(&every) {
            assert!(
                (a.0 .1 - b.0 .1).abs() < 1e-4,
                "{:?} against {:?}",
                a.0,
                b.0
            );
        }
    }

    #[test]
    fn skipping_ahead_finds_the_same_page_as_reading_every_match() {
        let index = market();
        for window in [Window::new(1, 10), Window::new(3, 7), Window::new(1, 100)] {
            both_ways(&index, "环评", None, &window);
            both_ways(&index, "环评", Some("360100"), &window);
            both_ways(&index, "环境影响评价", Some("360700"), &window);
        }
    }
}
