//! HTML for hits: the text escaped, matched words wrapped in `<mark>`.

use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::Searcher;

use crate::error::SearchError;

/// Description passages are about this many bytes (some 80 Chinese characters).
const PASSAGE_BYTES: usize = 240;

/// Highlights one stored field for the hits of one query.
pub(crate) struct Highlighter {
    generator: SnippetGenerator,
    whole: bool,
}

impl Highlighter {
    /// Highlights the whole text (titles and names).
    pub(crate) fn whole(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
    ) -> Result<Self, SearchError> {
        let generator = SnippetGenerator::create(searcher, query, field)?;
        Ok(Highlighter {
            generator,
            whole: true,
        })
    }

    /// Picks the best passage of a long text (descriptions).
    pub(crate) fn passage(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
    ) -> Result<Self, SearchError> {
        let mut generator = SnippetGenerator::create(searcher, query, field)?;
        generator.set_max_num_chars(PASSAGE_BYTES);
        Ok(Highlighter {
            generator,
            whole: false,
        })
    }

    pub(crate) fn html(&mut self, text: &str) -> String {
        if self.whole {
            // One fragment as long as the text holds every match in it.
            self.generator.set_max_num_chars(text.len() + 1);
        }
        let snippet = self.generator.snippet(text);
        let fragment = snippet.fragment_range();
        let marks: Vec<Range<usize>> = snippet
            .highlighted()
            .iter()
            .map(|r| r.start + fragment.start..r.end + fragment.start)
            .collect();
        if self.whole {
            return mark(text, &marks);
        }
        if marks.is_empty() {
            return opening(text);
        }
        // The fragment runs from its first word to its last: punctuation
        // around it is kept, and "…" stands only for words left out.
        let (before, after) = (&text[..fragment.start], &text[fragment.end..]);
        let mut html = String::new();
        if has_words(before) {
            html.push('…');
        } else {
            html.push_str(&escape(before));
        }
        html.push_str(&mark(
            &text[fragment.clone()],
            &shift(&marks, fragment.start),
        ));
        if has_words(after) {
            html.push('…');
        } else {
            html.push_str(&escape(after));
        }
        html
    }
}

fn has_words(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

fn shift(ranges: &[Range<usize>], by: usize) -> Vec<Range<usize>> {
    ranges.iter().map(|r| r.start - by..r.end - by).collect()
}

/// The start of a text no word of the query matched.
fn opening(text: &str) -> String {
    let cut = text
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| i >= PASSAGE_BYTES)
        .unwrap_or(text.len());
    let mut html = escape(&text[..cut]);
    if cut < text.len() {
        html.push('…');
    }
    html
}

/// `text` escaped, with the byte ranges `marks` wrapped in `<mark>`.
pub(crate) fn mark(text: &str, marks: &[Range<usize>]) -> String {
    let mut html = String::with_capacity(text.len() + 16 * marks.len());
    let mut from = 0;
    for range in merged(marks) {
        let (Some(before), Some(marked)) = (text.get(from..range.start), text.get(range.clone()))
        else {
            continue;
        };
        html.push_str(&escape(before));
        html.push_str("<mark>");
        html.push_str(&escape(marked));
        html.push_str("</mark>");
        from = range.end;
    }
    html.push_str(&escape(text.get(from..).unwrap_or("")));
    html
}

/// Ranges in order, overlapping or touching ones joined: 海绵 and 城市
/// matched separately read as one mark, 海绵城市.
fn merged(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut joined: Vec<Range<usize>> = Vec::new();
    for range in sorted {
        match joined.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => joined.push(range),
        }
    }
    joined
}

pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_wrap_matches_and_everything_else_is_escaped() {
        let text = "<b>环评</b> & 报告";
        let at = |word: &str| {
            let start = text.find(word).unwrap_or_default();
            start..start + word.len()
        };
        let html = mark(text, &[at("报告"), at("环评")]);
        assert_eq!(
            html,
            "&lt;b&gt;<mark>环评</mark>&lt;/b&gt; &amp; <mark>报告</mark>"
        );
    }

    #[test]
    fn overlapping_or_touching_matches_become_one_mark() {
        let text = "节能评估报告";
        assert_eq!(
            mark(text, &[0..6, 0..12, 3..9]),
            "<mark>节能评估</mark>报告"
        );
        assert_eq!(mark(text, &[12..18, 6..12]), "节能<mark>评估报告</mark>");
    }

    #[test]
    fn an_unmatched_long_text_opens_with_its_first_lines() {
        let text = "江".repeat(100);
        let html = opening(&text);
        assert_eq!(html, format!("{}…", "江".repeat(80)));
    }
}
