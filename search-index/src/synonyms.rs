//! Synonym groups (环评 = 环境影响评价 …), kept as data in
//! `data/synonyms.txt`. The query side expands a word to its whole group;
//! documents are indexed as written.

use std::collections::HashMap;
use std::sync::OnceLock;

const SYNONYMS_TXT: &str = include_str!("../data/synonyms.txt");

pub(crate) struct Synonyms {
    groups: Vec<Vec<String>>,
    group_of: HashMap<String, usize>,
}

/// The groups shipped with the crate, parsed once.
pub(crate) fn synonyms() -> &'static Synonyms {
    static PARSED: OnceLock<Synonyms> = OnceLock::new();
    PARSED.get_or_init(|| Synonyms::parse(SYNONYMS_TXT))
}

impl Synonyms {
    /// One group per line, words separated by whitespace; `#` starts a
    /// comment line. A word listed twice keeps its first group.
    pub(crate) fn parse(text: &str) -> Synonyms {
        let mut groups = Vec::new();
        let mut group_of = HashMap::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<String> = line.split_whitespace().map(str::to_lowercase).collect();
            if words.len() < 2 {
                continue;
            }
            for word in &words {
                group_of.entry(word.clone()).or_insert(groups.len());
            }
            groups.push(words);
        }
        Synonyms { groups, group_of }
    }

    /// The word and its synonyms, the word first; just the word when it is in
    /// no group.
    pub(crate) fn expand<'a>(&'a self, word: &'a str) -> Vec<&'a str> {
        let mut words = vec![word];
        if let Some(&group) = self.group_of.get(word) {
            words.extend(
                self.groups[group]
                    .iter()
                    .map(String::as_str)
                    .filter(|w| *w != word),
            );
        }
        words
    }

    /// Every word of every group, for the segmentation dictionary.
    pub(crate) fn words(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().flatten().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn abbreviations_expand_to_their_full_names() {
        let cases = [
            ("环评", "环境影响评价"),
            ("水保", "水土保持"),
            ("安评", "安全评价"),
            ("能评", "节能评估"),
            ("能评", "节能报告"),
            ("稳评", "社会稳定风险评估"),
            ("地灾", "地质灾害危险性评估"),
            ("职评", "职业病危害评价"),
            ("防雷", "雷电防护"),
            ("可研", "可行性研究"),
            ("图审", "施工图审查"),
        ];
        for (short, full) in cases {
            assert!(synonyms().expand(short).contains(&full), "{short} → {full}");
            assert!(synonyms().expand(full).contains(&short), "{full} → {short}");
        }
    }

    #[test]
    fn a_word_outside_every_group_stands_alone() {
        assert_eq!(synonyms().expand("南昌"), ["南昌"]);
    }

    #[test]
    fn the_shipped_file_lists_each_word_once() {
        let mut seen = HashSet::new();
        for word in synonyms().words() {
            assert!(seen.insert(word), "{word} is in two groups");
        }
    }

    #[test]
    fn comments_blank_lines_and_lone_words_are_skipped() {
        let parsed = Synonyms::parse("# 注释\n\n孤词\nA b\n");
        assert_eq!(parsed.groups, vec![vec!["a".to_owned(), "b".to_owned()]]);
        assert_eq!(parsed.expand("b"), ["b", "a"]);
    }
}
