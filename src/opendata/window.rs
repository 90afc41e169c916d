//! The `since` and `limit` parameters shared by the change feed and the OCDS
//! releases: where a consumer resumes in the change log, and how far to read.

use crate::error::FieldError;

pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// Where to resume (the last change number examined) and how many to take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub since: i64,
    pub limit: i64,
}

/// Reads the parameters as sent; absent or empty ones take their defaults.
pub fn parse(since: Option<&str>, limit: Option<&str>) -> Result<Window, Vec<FieldError>> {
    let mut errors = Vec::new();
    let since = match since.map(str::trim).filter(|s| !s.is_empty()) {
        None => 0,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 0 => n,
            _ => {
                errors.push(FieldError::new(
                    "since",
                    "since 应为不小于 0 的整数（上次读到的变更序号）。",
                    "since must be a whole number of at least 0 (the last change number read).",
                ));
                0
            }
        },
    };
    let limit = match limit.map(str::trim).filter(|s| !s.is_empty()) {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                errors.push(FieldError::new(
                    "limit",
                    "limit 应为 1 到 1000 的整数。",
                    "limit must be a whole number from 1 to 1000.",
                ));
                DEFAULT_LIMIT
            }
        },
    };
    if errors.is_empty() {
        Ok(Window { since, limit })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// since, limit, and the window or the fields at fault.
    type Case<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Result<Window, Vec<&'a str>>,
    );

    #[test]
    fn parameters_take_defaults_and_name_the_field_at_fault() {
        let ok = |since, limit| Window { since, limit };
        let cases: &[Case] = &[
            (None, None, Ok(ok(0, 100))),
            (Some(""), Some(" "), Ok(ok(0, 100))),
            (Some("42"), Some("1000"), Ok(ok(42, 1000))),
            (Some(" 7 "), Some("1"), Ok(ok(7, 1))),
            (Some("-1"), None, Err(vec!["since"])),
            (Some("abc"), None, Err(vec!["since"])),
            (Some("1.5"), None, Err(vec!["since"])),
            (None, Some("0"), Err(vec!["limit"])),
            (None, Some("1001"), Err(vec!["limit"])),
            (Some("x"), Some("y"), Err(vec!["since", "limit"])),
        ];
        for (since, limit, expected) in cases {
            let got = parse(*since, *limit)
                .map_err(|e| e.iter().map(|f| f.field.clone()).collect::<Vec<_>>());
            let expected = expected
                .clone()
                .map_err(|e| e.iter().map(|f| f.to_string()).collect::<Vec<_>>());
            assert_eq!(got, expected, "{since:?} {limit:?}");
        }
    }
}
