//! Full-text search over the offerings and agencies of the 中介服务超市.
//!
//! The server hands over documents ([`OfferingDoc`], [`AgencyDoc`]) as
//! [`Change`]s numbered by its change log; [`SearchIndex::apply`] commits a
//! batch with its last number, so after a crash the server resumes after
//! [`SearchIndex::last_applied`]. Searches take a typed query and return ids
//! with highlighted HTML; the crate knows nothing of the server's database.
//!
//! Chinese text is segmented by jieba; abbreviations such as 环评 or 稳评 are
//! expanded to their synonym groups (`data/synonyms.txt`). See the README
//! for the choices made.

mod analyzer;
mod clauses;
mod documents;
mod error;
mod facets;
mod filters;
mod highlight;
mod index;
mod levels;
mod queries;
mod query;
mod ranking;
mod regions;
mod schema;
mod search;
mod synonyms;
mod tally;

pub use documents::{AgencyDoc, Change, OfferingDoc, Qualification};
pub use error::SearchError;
pub use index::SearchIndex;
pub use queries::{
    AgencyHit, AgencyQuery, AgencyResults, OfferingHit, OfferingQuery, OfferingResults, Sort,
};

/// Small indexes for the crate's own unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::{Change, OfferingDoc, SearchIndex};

    /// An offering of item `item` in `region`, by an agency of `credit`.
    pub(crate) fn offering(
        id: i64,
        title: &str,
        item: i64,
        region: &str,
        credit: f64,
    ) -> OfferingDoc {
        OfferingDoc {
            id,
            title: title.to_owned(),
            description: String::new(),
            service_item_id: item,
            service_item_code: format!("ZJ{item:03}"),
            service_item_name: String::new(),
            service_item_abbreviations: Vec::new(),
            category: String::new(),
            agency_id: id,
            agency_name: String::new(),
            regions: vec![region.to_owned()],
            qualifications: Vec::new(),
            price_min_fen: None,
            price_max_fen: None,
            promised_days: 30,
            credit_score: Some(credit),
            updated_at: 1_700_000_000 + id,
            live_until: None,
        }
    }

    /// The documents in an index in memory, committed in batches of 250 so
    /// that it has several segments.
    pub(crate) fn index_of(docs: Vec<OfferingDoc>) -> SearchIndex {
        let index = SearchIndex::in_ram().expect("an index in memory");
        for (n, batch) in docs.chunks(250).enumerate() {
            let changes = batch.iter().cloned().map(Change::UpsertOffering).collect();
            index.apply(changes, n as i64 + 1).expect("applied");
        }
        index
    }
}
