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

/// One query stays itself rather than a boolean of one clause: tantivy
/// ranks a plain term, or a union of plain terms, without scoring every
/// match (block-max WAND), but not the same terms nested.
pub(crate) fn combine(
    occur: Occur,
    queries: impl IntoIterator<Item = Box<dyn Query>>,
) -> Box<dyn Query> {
    let mut queries: Vec<Box<dyn Query>> = queries.into_iter().collect();
    if queries.len() == 1 {
        if let Some(only) = queries.pop() {
            return only;
        }
    }
    let clauses = queries.into_iter().map(|query| (occur, query)).collect();
    Box::new(BooleanQuery::new(clauses))
}

/// A word in any of the fields, each with its weight (a weight of 1 is no
/// boost, and no wrapper).
pub(crate) fn in_any_field(fields: &[Weighted], word: &str) -> Box<dyn Query> {
    any(fields.iter().map(|&(field, weight)| {
        if weight == 1.0 {
            return scored(field, word);
        }
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
