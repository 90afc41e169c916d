//! Turns what the user typed into a tantivy query, without a query parser:
//! no input is malformed, `"环评 AND (` is just the word 环评.
//!
//! Each word becomes a clause that any searched field may satisfy; the word
//! stands for itself, its synonyms, and the smaller words that spell it
//! (节能评估 also as 节能 + 评估, in case a document was segmented
//! differently). First every word must match; when that finds nothing the
//! search runs again with any word matching (see [`Words`]). Codes the user
//! typed (certificate numbers, credit codes) are looked up whole as well.

use tantivy::query::{AllQuery, BoostQuery, Occur, Query};
use tantivy::schema::Field;

use crate::analyzer;
use crate::clauses::{all, any, combine, in_any_field, scored, Weighted};
use crate::synonyms::synonyms;

/// How many of the user's words a document must contain. `All` first, for
/// precise results; `Any` only when `All` finds nothing, so a stray word
/// (a place no offering names) does not leave the buyer with an empty page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Words {
    All,
    Any,
}

/// A code match outweighs a word match: typing a certificate number means
/// that certificate.
const CODE_BOOST: f32 = 5.0;

/// A search box, not a document: text past this many characters, and words
/// past this many, are ignored so a pasted page cannot build a huge query.
const MAX_CHARS: usize = 200;
const MAX_WORDS: usize = 16;

/// What the user typed, split once and searched in one or two passes.
pub(crate) struct TextQuery {
    words: Vec<String>,
    codes: Vec<String>,
}

impl TextQuery {
    pub(crate) fn parse(text: &str) -> TextQuery {
        let end = text
            .char_indices()
            .nth(MAX_CHARS)
            .map_or(text.len(), |(i, _)| i);
        let text = &text[..end];
        let mut words = analyzer::query_words(text);
        words.truncate(MAX_WORDS);
        let mut codes = code_like_chunks(text);
        codes.truncate(MAX_WORDS);
        TextQuery { words, codes }
    }

    /// Nothing searchable was typed: the filters alone decide.
    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty() && self.codes.is_empty()
    }

    /// Whether an "any word" pass could find more than the "all words" pass.
    pub(crate) fn can_relax(&self) -> bool {
        self.words.len() > 1
    }

    /// The query over `fields`, with `codes` the field of whole codes. Text
    /// with nothing searchable in it ("***") matches every document, so the
    /// filters alone decide.
    ///
    /// `indexed` says whether a word is in the index at all: a word that is
    /// stands for itself alone, which keeps a single word a flat union of
    /// terms that tantivy can rank without scoring every match; only a word
    /// the index lacks is looked for as its pieces.
    pub(crate) fn build(
        &self,
        fields: &[Weighted],
        codes: Field,
        words: Words,
        indexed: &dyn Fn(&str) -> bool,
    ) -> Box<dyn Query> {
        if self.is_empty() {
            return Box::new(AllQuery);
        }
        let each_word = self
            .words
            .iter()
            .map(|word| word_alternatives(fields, word, indexed));
        let mut alternatives = Vec::new();
        if !self.words.is_empty() {
            alternatives.push(match words {
                Words::All => combine(Occur::Must, each_word.map(any)),
                // One flat union, not a union of unions: the same scores,
                // and tantivy can skip what cannot make the page.
                Words::Any => any(each_word.flatten()),
            });
        }
        for code in &self.codes {
            alternatives.push(Box::new(BoostQuery::new(scored(codes, code), CODE_BOOST)));
        }
        any(alternatives)
    }

    /// The words to mark in hits: what the user typed, its synonyms, and the
    /// pieces of what the user typed, but not the pieces of synonyms (环评
    /// should not light up every 报告 because 环评报告 is its synonym).
    /// Only its terms are used; it is never run.
    pub(crate) fn highlighted(&self, fields: &[Weighted]) -> Box<dyn Query> {
        let mut marked: Vec<String> = Vec::new();
        for word in &self.words {
            marked.extend(synonyms().expand(word).into_iter().map(str::to_owned));
            marked.extend(analyzer::parts(word));
        }
        any(marked.iter().map(|word| in_any_field(fields, word)))
    }
}

/// The word or one of its synonyms in any field; one the index lacks as a
/// whole (a document segmented differently) as all of its pieces.
fn word_alternatives(
    fields: &[Weighted],
    word: &str,
    indexed: &dyn Fn(&str) -> bool,
) -> Vec<Box<dyn Query>> {
    let alternatives = synonyms().expand(word).into_iter();
    alternatives
        .filter_map(|alternative| {
            let pieces = analyzer::parts(alternative);
            if pieces.len() < 2 || indexed(alternative) {
                return Some(in_any_field(fields, alternative));
            }
            // A synonym no document spells out adds nothing the group's other
            // words do not find; only the word typed is also sought in pieces.
            if alternative != word {
                return None;
            }
            Some(all(pieces.iter().map(|piece| in_any_field(fields, piece))))
        })
        .collect()
}

/// Chunks that look like a code: at least four characters with a digit in
/// them ("乙测资字36000001", "91360100MA35XXXX1X"), lowercased as indexed.
fn code_like_chunks(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || ",，;；、".contains(c))
        .map(|chunk| {
            chunk
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|chunk| chunk.chars().count() >= 4 && chunk.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_with_digits_are_looked_up_as_codes() {
        let cases: [(&str, &[&str]); 5] = [
            ("乙测资字36000001", &["乙测资字36000001"]),
            ("证书 (91360100MA35XXXX1X)", &["91360100ma35xxxx1x"]),
            ("ZJ005，环评", &["zj005"]),
            ("环评 南昌", &[]),
            ("地形图 1:500", &["1:500"]),
        ];
        for (text, codes) in cases {
            assert_eq!(code_like_chunks(text), codes, "{text}");
        }
    }

    #[test]
    fn a_pasted_page_is_cut_to_a_search_box() {
        let page = "环评 南昌 赣州 九江 ".repeat(100);
        let query = TextQuery::parse(&page);
        assert_eq!(query.words, ["环评", "南昌", "赣州", "九江"]);
        let many: String = (0..40).map(|i| format!("词{i} ")).collect();
        assert_eq!(TextQuery::parse(&many).words.len(), MAX_WORDS);
    }
}
