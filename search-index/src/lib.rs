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

pub use documents::{AgencyDoc, Change, OfferingDoc, Qualification};
pub use error::SearchError;
pub use index::SearchIndex;
pub use queries::{
    AgencyHit, AgencyQuery, AgencyResults, OfferingHit, OfferingQuery, OfferingResults, Sort,
};
