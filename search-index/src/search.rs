//! Running searches: filters around the text query, one pass for "every
//! word" and, when that finds nothing, one for "any word"; then the page of
//! hits with their highlighted HTML, and the facet counts.

use tantivy::collector::Count;
use tantivy::schema::{Field, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use crate::clauses::Weighted;
use crate::error::SearchError;
use crate::facets;
use crate::filters::Filters;
use crate::highlight::Highlighter;
use crate::index::SearchIndex;
use crate::queries::{
    AgencyHit, AgencyQuery, AgencyResults, OfferingHit, OfferingQuery, OfferingResults, Sort,
};
use crate::query::{TextQuery, Words};
use crate::ranking::Window;
use crate::schema::{AGENCY, OFFERING};
use crate::tally::{self, Tally};

impl SearchIndex {
    /// Offerings matching the text and filters, one page of them, with the
    /// total and facet counts. Any text is accepted.
    pub fn search_offerings(&self, q: &OfferingQuery) -> Result<OfferingResults, SearchError> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut filters = Filters::of_kind(f, OFFERING);
        if let Some(region) = chosen(&q.region) {
            filters.region(region);
        }
        if let Some(id) = q.service_item_id {
            filters.service_item(id);
        }
        if let Some(category) = chosen(&q.category) {
            filters.category(category);
        }
        if let Some(level) = chosen(&q.qualification_level) {
            filters.qualification_level(level);
        }
        if let Some(max) = q.max_price_fen {
            filters.max_price_fen(max);
        }
        if let Some(max) = q.max_days {
            filters.max_days(max);
        }
        if let Some(at) = q.live_at {
            filters.live_at(at);
        }
        let searched: [Weighted; 1] = [(f.words, 1.0)];
        let shown: [Weighted; 2] = [(f.title, 1.0), (f.description, 1.0)];
        let text = TextQuery::parse(&q.text);
        let window = Window::new(q.page, q.per_page);
        let indexed = |word: &str| holds(&searcher, f.words, word);
        let run = |words: Words| -> Result<_, SearchError> {
            let text_query = text.build(&searched, f.codes, words, &indexed);
            let query = filters.around(text_query.box_clone());
            let tally = Tally::of(&searcher, &*query, Some(tally::BUDGET))?;
            if tally.total == 0 {
                return Ok((Vec::new(), tally));
            }
            // Relevance over some text: the text query drives and skips what
            // cannot make the page. Otherwise every match is ranked.
            let ranked = if q.sort == Sort::Relevance && !text.is_empty() {
                window.top_by_relevance(&searcher, &*text_query, &*filters.only())?
            } else {
                match window.collector(q.sort) {
                    Some(collector) => searcher.search(&*query, &collector)?,
                    None => Vec::new(),
                }
            };
            Ok((ranked, tally))
        };
        let mut found = run(Words::All)?;
        let relaxed = found.1.total == 0 && text.can_relax();
        if relaxed {
            found = run(Words::Any)?;
        }
        let (ranked, tally) = found;
        let marked = text.highlighted(&shown);
        let mut titles = Highlighter::whole(&searcher, &*marked, f.title)?;
        let mut passages = Highlighter::passage(&searcher, &*marked, f.description)?;
        let mut hits = Vec::new();
        for ((_, score, _), address) in ranked {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(OfferingHit {
                id: id_of(&doc, f.id),
                score,
                title_html: titles.html(text_of(&doc, f.title)),
                snippet_html: passages.html(text_of(&doc, f.description)),
            });
        }
        let total = tally.total;
        Ok(OfferingResults {
            total,
            hits,
            region_facets: facets::most_first(tally.cities),
            service_item_facets: facets::most_first(tally.items),
            estimated: tally.estimated,
            relaxed: relaxed && total > 0,
        })
    }

    /// Agencies matching the text (name, business scope, qualifications,
    /// credit code) in a region, one page of them.
    pub fn search_agencies(&self, q: &AgencyQuery) -> Result<AgencyResults, SearchError> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut filters = Filters::of_kind(f, AGENCY);
        if let Some(region) = chosen(&q.region) {
            filters.region(region);
        }
        let searched: [Weighted; 1] = [(f.words, 1.0)];
        let text = TextQuery::parse(&q.text);
        let window = Window::new(q.page, q.per_page);
        let indexed = |word: &str| holds(&searcher, f.words, word);
        let run = |words: Words| -> Result<_, SearchError> {
            let query = filters.around(text.build(&searched, f.codes, words, &indexed));
            Ok(searcher.search(&*query, &(window.collector(Sort::Relevance), Count))?)
        };
        let mut found = run(Words::All)?;
        let relaxed = found.1 == 0 && text.can_relax();
        if relaxed {
            found = run(Words::Any)?;
        }
        let (ranked, total) = found;
        let shown: [Weighted; 1] = [(f.agency, 1.0)];
        let mut names = Highlighter::whole(&searcher, &*text.highlighted(&shown), f.agency)?;
        let mut hits = Vec::new();
        for ((_, score, _), address) in ranked.unwrap_or_default() {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(AgencyHit {
                id: id_of(&doc, f.id),
                score,
                name_html: names.html(text_of(&doc, f.agency)),
            });
        }
        Ok(AgencyResults {
            total,
            hits,
            relaxed: relaxed && total > 0,
        })
    }
}

/// Whether some document has `word` in `field` (an error reads as yes: the
/// word is then searched as it is).
fn holds(searcher: &Searcher, field: Field, word: &str) -> bool {
    let term = Term::from_field_text(field, word);
    searcher.doc_freq(&term).map_or(true, |n| n > 0)
}

/// A filter left empty in a form is no filter.
fn chosen(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn text_of(doc: &TantivyDocument, field: Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

fn id_of(doc: &TantivyDocument, field: Field) -> i64 {
    doc.get_first(field)
        .and_then(|v| v.as_i64())
        .unwrap_or_default()
}
