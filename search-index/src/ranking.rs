//! Ranking and paging. Relevance is the text score (BM25) times a credit
//! weight of `0.8 + 0.4 × credit / 100`: credit moves a hit by at most ±20 %
//! around an agency of credit 50, enough to order similar matches and never
//! enough to outrank a clearly better one; unknown credit counts as 60.
//! Sorting by price or days orders by that key first and by the weighted
//! relevance within equal keys, then newest first.

use tantivy::collector::{Collector, TopDocs};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentReader};

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
