//! Place names typed into the search box ("环评 南昌") become the region
//! filter: people name a city, the index knows division codes.

/// Splits a place name off the words: (the remaining text, the division code).
/// `places` are (code, name) pairs such as ("360100", "南昌市"). A word
/// matches a name with or without its 市/县/区/省 suffix. Only the first place
/// counts; the others stay as words.
pub fn take_place(text: &str, places: &[(String, String)]) -> (String, Option<String>) {
    let mut found = None;
    let mut rest = Vec::new();
    for word in text.split_whitespace() {
        if found.is_none() {
            if let Some(code) = lookup(word, places) {
                found = Some(code);
                continue;
            }
        }
        rest.push(word);
    }
    (rest.join(" "), found)
}

fn lookup(word: &str, places: &[(String, String)]) -> Option<String> {
    // Two characters at least, so a stray 区 or 县 is never a place.
    if word.chars().count() < 2 {
        return None;
    }
    places
        .iter()
        .find(|(_, name)| {
            name == word
                || ["市", "县", "区", "省"]
                    .iter()
                    .any(|suffix| name.strip_suffix(suffix) == Some(word))
        })
        .map(|(code, _)| code.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Vec<(String, String)> {
        [
            ("360000", "江西省"),
            ("360100", "南昌市"),
            ("360102", "东湖区"),
            ("360700", "赣州市"),
            ("360121", "南昌县"),
        ]
        .into_iter()
        .map(|(c, n)| (c.to_owned(), n.to_owned()))
        .collect()
    }

    #[test]
    fn place_names_become_the_region() {
        let cases = [
            ("环评 南昌", "环评", Some("360100")),
            ("节能评估 报告 赣州", "节能评估 报告", Some("360700")),
            ("东湖区 地形图测绘", "地形图测绘", Some("360102")),
            ("南昌县 水保", "水保", Some("360121")),
            ("江西 测绘", "测绘", Some("360000")),
            ("环评", "环评", None),
            ("南昌 赣州 环评", "赣州 环评", Some("360100")),
            ("区 测绘", "区 测绘", None),
        ];
        for (text, rest, code) in cases {
            assert_eq!(
                take_place(text, &places()),
                (rest.to_owned(), code.map(str::to_owned)),
                "{text}"
            );
        }
    }
}
