//! Division codes as hierarchical facets (/36, /36/3601, /36/3601/360102),
//! and what a region filter finds:
//!
//! - a county: offerings serving that county, its whole city or the whole
//!   province;
//! - a city: offerings serving the whole city, any county in it, or the whole
//!   province;
//! - a province: every offering serving any part of it.

use tantivy::schema::Facet;

/// How much of the hierarchy a six-digit code names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    Province,
    City,
    County,
}

/// The level of a well-formed code; `None` for anything else.
pub(crate) fn level(code: &str) -> Option<Level> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(if code.ends_with("0000") {
        Level::Province
    } else if code.ends_with("00") {
        Level::City
    } else {
        Level::County
    })
}

/// The facet of a code: /36 for a province, /36/3601 for a city,
/// /36/3601/360102 for a county.
pub(crate) fn facet(code: &str) -> Option<Facet> {
    let level = level(code)?;
    let path = match level {
        Level::Province => vec![&code[..2]],
        Level::City => vec![&code[..2], &code[..4]],
        Level::County => vec![&code[..2], &code[..4], code],
    };
    Some(Facet::from_path(path))
}

/// The codes whose whole area contains `code`, `code` included: a county,
/// its city and its province.
pub(crate) fn enclosing(code: &str) -> Vec<String> {
    match level(code) {
        Some(Level::County) => vec![
            code.to_owned(),
            format!("{}00", &code[..4]),
            format!("{}0000", &code[..2]),
        ],
        Some(Level::City) => vec![code.to_owned(), format!("{}0000", &code[..2])],
        Some(Level::Province) => vec![code.to_owned()],
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_onto_a_three_level_facet() {
        let cases = [
            ("360000", Some("/36")),
            ("360100", Some("/36/3601")),
            ("360102", Some("/36/3601/360102")),
            ("36010", None),
            ("36010x", None),
            ("", None),
        ];
        for (code, expected) in cases {
            assert_eq!(
                facet(code).map(|f| f.to_string()).as_deref(),
                expected,
                "{code}"
            );
        }
    }

    #[test]
    fn a_county_lies_within_its_city_and_province() {
        assert_eq!(enclosing("360102"), ["360102", "360100", "360000"]);
        assert_eq!(enclosing("360100"), ["360100", "360000"]);
        assert_eq!(enclosing("360000"), ["360000"]);
        assert!(enclosing("南昌").is_empty());
    }
}
