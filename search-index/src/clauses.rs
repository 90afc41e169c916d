//! Small builders of tantivy queries, shared by the text query and the filters.

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

/// A searched field and its weight.
pub(crate) type Weighted = (Field, f32);

/// Matches when any of the queries matches; scores add up.
pub(crate) fn any(queries: impl IntoIterator<Item = Box<dyn Query>>) -> Box<dyn Query> {
    combine(Occur::Should, queries)
}

/// Matches when every one of the queries matches.
pub(crate) fn all(queries: impl IntoIterator<Item = Box<dyn Query>>) -> Box<dyn Query> {
    combine(Occur::Must, queries)
}

pub(crate) fn combine(
    occur: Occur,
    queries: impl IntoIterator<Item = Box<dyn Query>>,
) -> Box<dyn Query> {
    let clauses = queries.into_iter().map(|query| (occur, query)).collect();
    Box::new(BooleanQuery::new(clauses))
}

/// A word in any of the fields, each with its weight.
pub(crate) fn in_any_field(fields: &[Weighted], word: &str) -> Box<dyn Query> {
    any(fields.iter().map(|&(field, weight)| {
        Box::new(BoostQuery::new(scored(field, word), weight)) as Box<dyn Query>
    }))
}

/// A term that counts towards relevance.
pub(crate) fn scored(field: Field, text: &str) -> Box<dyn Query> {
    let term = Term::from_field_text(field, text);
    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
}

/// A term that only filters.
pub(crate) fn exact(field: Field, text: &str) -> Box<dyn Query> {
    let term = Term::from_field_text(field, text);
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}
