//! Chinese text analysis: jieba word segmentation (search mode, so 水土保持
//! is also indexed as 水土 and 保持), punctuation dropped, lowercased. The
//! query side splits the user's text with the same dictionary.

use std::sync::OnceLock;

use tantivy::tokenizer::{
    LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use tantivy::Index;
use tantivy_jieba::jieba_rs::{self, Jieba, TokenizeMode};

use crate::synonyms::synonyms;

/// Analyzer of the Chinese text fields.
pub(crate) const TEXT: &str = "jieba";
/// Analyzer of certificate numbers and credit codes: whole, lowercased.
pub(crate) const CODE: &str = "code";

/// Function words that would make "every word must match" fail for nothing,
/// and the boolean operators people type out of habit.
const STOP_WORDS: [&str; 14] = [
    "的", "了", "和", "与", "及", "或", "在", "是", "等", "对", "为", "and", "or", "not",
];

/// One dictionary for the process: loading it takes a noticeable moment, and
/// tantivy clones analyzers per segment and per snippet, so the tokenizer
/// borrows it rather than owning a copy (as `JiebaTokenizer::with_jieba` would).
fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(|| {
        let mut jieba = Jieba::new();
        // Abbreviations such as 环评 or 稳评 must come out as one word on
        // both sides, or their synonym group is never looked up.
        for word in synonyms().words() {
            jieba.add_word(word, None, None);
        }
        jieba
    })
}

/// Registers the analyzers on an index (they are not stored with it).
pub(crate) fn register(index: &Index) {
    let text = TextAnalyzer::builder(WordTokenizer)
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .build();
    let code = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(TEXT, text);
    index.tokenizers().register(CODE, code);
}

/// The words of a query, lowercased, in order, without punctuation, stop
/// words or repeats. Default (not search) mode: 节能评估 stays one word, and
/// [`parts`] offers its pieces.
pub(crate) fn query_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for token in jieba().tokenize(text, TokenizeMode::Default, true) {
        let word = token.word.to_lowercase();
        if is_word(&word) && !STOP_WORDS.contains(&word.as_str()) && !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// Smaller dictionary words that together spell `word` (节能评估 → 节能,
/// 评估), chosen left to right, longest first; empty when it has none.
pub(crate) fn parts(word: &str) -> Vec<String> {
    let mut pieces: Vec<_> = search_words(word)
        .into_iter()
        .filter(|t| t.word != word)
        .collect();
    pieces.sort_by_key(|t| (t.start, std::cmp::Reverse(t.end)));
    let mut cover = Vec::new();
    let mut covered_to = 0;
    for piece in pieces {
        if piece.start >= covered_to {
            covered_to = piece.end;
            cover.push(piece.word.to_lowercase());
        }
    }
    cover
}

/// jieba's search mode, which adds the 2- and 3-character dictionary words
/// inside a long word, plus the longer ones: 水土保持方案 is a word once the
/// synonym list adds it, and must still be found as 水土保持.
fn search_words(text: &str) -> Vec<jieba_rs::Token<'_>> {
    let jieba = jieba();
    let mut words = Vec::new();
    for token in jieba.tokenize(text, TokenizeMode::Search, true) {
        if !is_word(token.word) {
            continue;
        }
        let chars: Vec<(usize, char)> = token.word.char_indices().collect();
        for len in 4..chars.len() {
            for first in 0..=chars.len() - len {
                let from = chars[first].0;
                let to = chars.get(first + len).map_or(token.word.len(), |c| c.0);
                let inner = &token.word[from..to];
                if jieba.has_word(inner) {
                    words.push(jieba_rs::Token {
                        word: inner,
                        start: token.start + first,
                        end: token.start + first + len,
                        byte_start: token.byte_start + from,
                        byte_end: token.byte_start + to,
                    });
                }
            }
        }
        words.push(token);
    }
    words
}

fn is_word(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// jieba in search mode over the shared dictionary, punctuation and spaces
/// left out.
#[derive(Clone)]
struct WordTokenizer;

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens = search_words(text)
            .into_iter()
            .map(|t| Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                // Character positions, as tantivy-jieba does: search mode
                // words overlap, so a word count would not be monotonic.
                position: t.start,
                position_length: t.end - t.start,
                text: t.word.to_owned(),
            })
            .collect();
        WordStream {
            tokens,
            next: 0,
            before_first: Token::default(),
        }
    }
}

struct WordStream {
    tokens: Vec<Token>,
    next: usize,
    before_first: Token,
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        match self.next.checked_sub(1) {
            Some(current) => &self.tokens[current],
            None => &self.before_first,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(current) => &mut self.tokens[current],
            None => &mut self.before_first,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexed(text: &str) -> Vec<String> {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        register(&index);
        let mut analyzer = index.tokenizers().get(TEXT).expect("registered");
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while let Some(token) = stream.next() {
            words.push(token.text.clone());
        }
        words
    }

    #[test]
    fn abbreviations_stay_whole_in_a_query() {
        assert_eq!(query_words("环评 南昌"), ["环评", "南昌"]);
        assert_eq!(query_words("稳评报告"), ["稳评", "报告"]);
        assert_eq!(
            query_words("节能评估 报告 赣州"),
            ["节能评估", "报告", "赣州"]
        );
    }

    #[test]
    fn punctuation_operators_and_repeats_are_not_words() {
        assert_eq!(query_words("环评 AND ("), ["环评"]);
        assert!(query_words("***").is_empty());
        assert!(query_words("  ，。！").is_empty());
        assert_eq!(query_words("测绘 测绘 的"), ["测绘"]);
    }

    #[test]
    fn documents_are_indexed_with_their_smaller_words_too() {
        let words = indexed("水土保持方案报告书/表编制");
        for expected in ["水土保持", "水土", "保持", "方案", "报告书", "报告", "编制"]
        {
            assert!(
                words.contains(&expected.to_owned()),
                "{expected} in {words:?}"
            );
        }
        assert!(!words.contains(&"/".to_owned()));
    }

    #[test]
    fn a_long_dictionary_word_is_also_indexed_as_the_long_words_inside_it() {
        let words = indexed("水土保持方案编制");
        assert!(words.contains(&"水土保持方案".to_owned()), "{words:?}");
        assert!(words.contains(&"水土保持".to_owned()), "{words:?}");
        assert_eq!(parts("水土保持方案"), ["水土保持", "方案"]);
    }

    #[test]
    fn certificate_numbers_keep_their_digits_together_and_lowercase() {
        assert!(indexed("乙测资字36000001").contains(&"36000001".to_owned()));
        assert_eq!(indexed("91360100MA35XXXX1X"), ["91360100ma35xxxx1x"]);
    }

    #[test]
    fn a_compound_word_splits_into_a_cover_of_smaller_words() {
        assert_eq!(parts("节能评估"), ["节能", "评估"]);
        assert_eq!(parts("环境影响评价"), ["环境影响", "评价"]);
        assert!(parts("南昌").is_empty());
    }
}
