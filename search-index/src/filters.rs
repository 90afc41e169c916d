//! The filters of a search, each a clause every result must satisfy.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::clauses::{any, exact};
use crate::levels;
use crate::regions::{self, Level};
use crate::schema::Fields;

pub(crate) struct Filters<'a> {
    fields: &'a Fields,
    clauses: Vec<Box<dyn Query>>,
}

impl<'a> Filters<'a> {
    /// Documents of one kind: offerings or agencies.
    pub(crate) fn of_kind(fields: &'a Fields, kind: &str) -> Filters<'a> {
        Filters {
            fields,
            clauses: vec![exact(fields.kind, kind)],
        }
    }

    /// See [`crate::regions`] for what each level finds. A code that is not
    /// six digits names no place and finds nothing.
    pub(crate) fn region(&mut self, code: &str) {
        let code = code.trim();
        let f = self.fields;
        let exactly = |codes: &[String]| any(codes.iter().map(|c| exact(f.region_exact, c)));
        let enclosing = regions::enclosing(code);
        let query = match (regions::level(code), regions::facet(code)) {
            (Some(Level::Province), Some(facet)) => facet_term(f.regions, &facet),
            // The whole city or any county in it, or the whole province.
            (Some(Level::City), Some(facet)) => {
                any([facet_term(f.regions, &facet), exactly(&enclosing[1..])])
            }
            // The county itself, its whole city or the whole province.
            (Some(Level::County), Some(_)) => exactly(&enclosing),
            _ => Box::new(EmptyQuery),
        };
        self.clauses.push(query);
    }

    pub(crate) fn service_item(&mut self, id: i64) {
        let term = Term::from_field_i64(self.fields.service_item_id, id);
        self.clauses
            .push(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
    }

    pub(crate) fn category(&mut self, category: &str) {
        self.clauses
            .push(exact(self.fields.category_exact, category.trim()));
    }

    /// The agency holds a qualification at this level or a higher one.
    pub(crate) fn qualification_level(&mut self, level: &str) {
        let accepted = levels::at_least(level.trim());
        let f = self.fields;
        self.clauses
            .push(any(accepted.into_iter().map(|l| exact(f.levels, l))));
    }

    pub(crate) fn max_price_fen(&mut self, max: i64) {
        self.clauses.push(at_most(self.fields.price_min, max));
    }

    pub(crate) fn max_days(&mut self, max: i32) {
        self.clauses.push(at_most(self.fields.days, i64::from(max)));
    }

    /// Only offerings still live at `at` (unix seconds).
    pub(crate) fn live_at(&mut self, at: i64) {
        let lower = Term::from_field_i64(self.fields.live_until, at);
        self.clauses.push(Box::new(RangeQuery::new(
            Bound::Excluded(lower),
            Bound::Unbounded,
        )));
    }

    /// The filters around the text query. Filters add nothing to a score:
    /// a hit ranks by its text alone, whichever filters found it.
    pub(crate) fn around(&self, text: Box<dyn Query>) -> Box<dyn Query> {
        let mut clauses = self.unscored();
        clauses.push((Occur::Must, text));
        Box::new(BooleanQuery::new(clauses))
    }

    /// The filters alone, to check a document against.
    pub(crate) fn only(&self) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(self.unscored()))
    }

    fn unscored(&self) -> Vec<(Occur, Box<dyn Query>)> {
        self.clauses
            .iter()
            .map(|query| {
                let unscored: Box<dyn Query> =
                    Box::new(ConstScoreQuery::new(query.box_clone(), 0.0));
                (Occur::Must, unscored)
            })
            .collect()
    }
}

/// Documents with this facet or one below it.
fn facet_term(field: Field, facet: &tantivy::schema::Facet) -> Box<dyn Query> {
    let term = Term::from_facet(field, facet);
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// Documents whose value is at most `max`; those without one drop out.
fn at_most(field: Field, max: i64) -> Box<dyn Query> {
    let upper = Term::from_field_i64(field, max);
    Box::new(RangeQuery::new(Bound::Unbounded, Bound::Included(upper)))
}
