//! The one tantivy schema, shared by offerings and agencies (one index, so
//! one commit carries both kinds with the change-log number), and the
//! conversion of documents into it.

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
    STORED, STRING,
};
use tantivy::TantivyDocument;

use crate::analyzer;
use crate::documents::{AgencyDoc, OfferingDoc, Qualification};
use crate::regions;

pub(crate) const OFFERING: &str = "offering";
pub(crate) const AGENCY: &str = "agency";

/// Fast-field names read while ranking.
pub(crate) const PRICE_MIN: &str = "price_min_fen";
pub(crate) const DAYS: &str = "promised_days";
pub(crate) const CREDIT: &str = "credit";
pub(crate) const UPDATED_AT: &str = "updated_at";
pub(crate) const LIVE_UNTIL: &str = "live_until";
/// Read for the service-item facet.
pub(crate) const SERVICE_ITEM_ID: &str = "service_item_id";
/// Facet fields counted for the result page.
pub(crate) const REGIONS: &str = "regions";
pub(crate) const ITEMS: &str = "items";

/// Credit used when an agency has none yet.
pub(crate) const NEUTRAL_CREDIT: f64 = 60.0;

#[derive(Clone, Debug)]
pub(crate) struct Fields {
    /// "offering" or "agency".
    pub kind: Field,
    /// "offering:12": the term a change deletes by.
    pub key: Field,
    pub id: Field,
    // Analyzed and stored text, shown with the matched words marked.
    pub title: Field,
    pub agency: Field,
    pub description: Field,
    /// Every searched text (title, service item and its abbreviations,
    /// category, agency name, description, qualifications, business scope)
    /// in one field, each repeated by its weight ([`Weights`]): what the
    /// user's words match and score, one posting list per word rather than
    /// one per word and field.
    pub words: Field,
    /// Certificate numbers, credit codes, item codes: whole and lowercased.
    pub codes: Field,
    // Exact values for filters.
    pub category_exact: Field,
    pub levels: Field,
    /// The codes as given, to tell "serves the whole city" from "serves a
    /// county in it", which the facet alone cannot.
    pub region_exact: Field,
    pub regions: Field,
    pub items: Field,
    pub service_item_id: Field,
    pub price_min: Field,
    pub days: Field,
    pub credit: Field,
    pub updated_at: Field,
    pub live_until: Field,
}

pub(crate) fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyzer::TEXT)
            .set_index_option(IndexRecordOption::WithFreqs);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let code = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::CODE)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        kind: builder.add_text_field("kind", STRING),
        key: builder.add_text_field("key", STRING),
        id: builder.add_i64_field("id", INDEXED | STORED | FAST),
        title: builder.add_text_field("title", text(true)),
        agency: builder.add_text_field("agency", text(true)),
        description: builder.add_text_field("description", text(true)),
        words: builder.add_text_field("words", text(false)),
        codes: builder.add_text_field("codes", code),
        category_exact: builder.add_text_field("category_exact", STRING),
        levels: builder.add_text_field("levels", STRING),
        region_exact: builder.add_text_field("region_exact", STRING),
        regions: builder.add_facet_field(REGIONS, FacetOptions::default()),
        items: builder.add_facet_field(ITEMS, FacetOptions::default()),
        service_item_id: builder.add_i64_field(SERVICE_ITEM_ID, INDEXED | FAST),
        price_min: builder.add_i64_field(PRICE_MIN, INDEXED | FAST),
        days: builder.add_i64_field(DAYS, INDEXED | FAST),
        credit: builder.add_f64_field(CREDIT, FAST),
        updated_at: builder.add_i64_field(UPDATED_AT, FAST),
        live_until: builder.add_i64_field(LIVE_UNTIL, INDEXED | FAST),
    };
    (builder.build(), fields)
}

/// How much a word found in each part of a document counts: that text goes
/// into `words` this many times, so its term frequency (and the field
/// length) carries the weight through BM25.
struct Weights;

impl Weights {
    const TITLE: usize = 3;
    const ITEM: usize = 2;
    const AGENCY_OF_OFFERING: usize = 2;
    const AGENCY_NAME: usize = 3;
    const OTHER: usize = 1;
}

/// The delete-by term of a document.
pub(crate) fn key(kind: &str, id: i64) -> String {
    format!("{kind}:{id}")
}

impl Fields {
    pub(crate) fn offering_document(&self, offering: &OfferingDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.kind, OFFERING);
        doc.add_text(self.key, key(OFFERING, offering.id));
        doc.add_i64(self.id, offering.id);
        doc.add_text(self.title, &offering.title);
        self.add_words(&mut doc, &offering.title, Weights::TITLE);
        self.add_words(&mut doc, &offering.service_item_name, Weights::ITEM);
        for abbreviation in &offering.service_item_abbreviations {
            self.add_words(&mut doc, abbreviation, Weights::ITEM);
        }
        self.add_words(&mut doc, &offering.category, Weights::OTHER);
        doc.add_text(self.category_exact, offering.category.trim());
        doc.add_text(self.agency, &offering.agency_name);
        self.add_words(&mut doc, &offering.agency_name, Weights::AGENCY_OF_OFFERING);
        doc.add_text(self.description, &offering.description);
        self.add_words(&mut doc, &offering.description, Weights::OTHER);
        self.add_codes(&mut doc, &offering.service_item_code);
        self.add_qualifications(&mut doc, &offering.qualifications);
        self.add_regions(&mut doc, &offering.regions);
        doc.add_facet(
            self.items,
            tantivy::schema::Facet::from_path([offering.service_item_id.to_string()]),
        );
        doc.add_i64(self.service_item_id, offering.service_item_id);
        if let Some(price) = offering.price_min_fen {
            doc.add_i64(self.price_min, price);
        }
        doc.add_i64(self.days, i64::from(offering.promised_days));
        doc.add_f64(self.credit, credit_or_neutral(offering.credit_score));
        doc.add_i64(self.updated_at, offering.updated_at);
        doc.add_i64(self.live_until, offering.live_until.unwrap_or(i64::MAX));
        doc
    }

    pub(crate) fn agency_document(&self, agency: &AgencyDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.kind, AGENCY);
        doc.add_text(self.key, key(AGENCY, agency.id));
        doc.add_i64(self.id, agency.id);
        doc.add_text(self.agency, &agency.name);
        self.add_words(&mut doc, &agency.name, Weights::AGENCY_NAME);
        self.add_words(&mut doc, &agency.business_scope, Weights::OTHER);
        self.add_codes(&mut doc, &agency.uscc);
        self.add_qualifications(&mut doc, &agency.qualifications);
        let mut regions = agency.regions.clone();
        regions.push(agency.region_code.clone());
        self.add_regions(&mut doc, &regions);
        doc.add_f64(self.credit, credit_or_neutral(agency.credit_score));
        // Not read for agencies, but a column every document has is read by
        // position; one some lack needs a lookup per document, which the
        // live-at filter of every offering search paid for each match.
        doc.add_i64(self.live_until, i64::MAX);
        doc.add_i64(self.updated_at, 0);
        doc
    }

    fn add_qualifications(&self, doc: &mut TantivyDocument, qualifications: &[Qualification]) {
        for (type_name, level, number) in qualifications {
            let text = [
                type_name.as_str(),
                level.as_deref().unwrap_or(""),
                number.as_str(),
            ];
            let text = text.join(" ");
            self.add_words(doc, &text, Weights::OTHER);
            if let Some(level) = level {
                doc.add_text(self.levels, level.trim());
            }
            self.add_codes(doc, number);
        }
    }

    fn add_words(&self, doc: &mut TantivyDocument, text: &str, weight: usize) {
        for _ in 0..weight {
            doc.add_text(self.words, text);
        }
    }

    /// A code is found whole (乙测资字36000001) and by its long runs of
    /// letters and digits (36000001), which is what people copy from a scan.
    fn add_codes(&self, doc: &mut TantivyDocument, code: &str) {
        let code = code.trim();
        if code.is_empty() {
            return;
        }
        doc.add_text(self.codes, code);
        for run in code.split(|c: char| !c.is_ascii_alphanumeric()) {
            if run.len() >= 4 && run != code {
                doc.add_text(self.codes, run);
            }
        }
    }

    fn add_regions(&self, doc: &mut TantivyDocument, codes: &[String]) {
        let mut seen: Vec<&str> = Vec::new();
        for code in codes.iter().map(|c| c.trim()) {
            if seen.contains(&code) {
                continue;
            }
            seen.push(code);
            // A malformed code names no place; it cannot be found by region.
            if let Some(facet) = regions::facet(code) {
                doc.add_facet(self.regions, facet);
                doc.add_text(self.region_exact, code);
            }
        }
    }
}

/// Credit within 0..=100; unknown (or not a number) ranks as neutral.
fn credit_or_neutral(score: Option<f64>) -> f64 {
    match score {
        Some(score) if score.is_finite() => score.clamp(0.0, 100.0),
        _ => NEUTRAL_CREDIT,
    }
}
