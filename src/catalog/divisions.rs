//! Division codes (GB/T 2260 style, six digits): which region contains which.
//! A province code covers every code that starts with its two digits, a
//! prefecture code every code that starts with its four.

/// The province this marketplace serves: 江西省.
pub const HOME_PROVINCE: &str = "360000";

/// Whether a region named by `outer` contains the region `inner`.
pub fn covers(outer: &str, inner: &str) -> bool {
    if outer.len() != 6 || inner.len() != 6 {
        return false;
    }
    if outer.ends_with("0000") {
        inner[..2] == outer[..2]
    } else if outer.ends_with("00") {
        inner[..4] == outer[..4]
    } else {
        inner == outer
    }
}

/// Whether a code has the form of a division code.
pub fn well_formed(code: &str) -> bool {
    code.len() == 6 && code.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_table() {
        let cases = [
            ("360000", "360102", true),
            ("360000", "360100", true),
            ("360000", "440100", false),
            ("360100", "360102", true),
            ("360100", "360100", true),
            ("360100", "360200", false),
            ("360102", "360102", true),
            ("360102", "360103", false),
            ("360102", "360100", false),
            ("3601", "360102", false),
        ];
        for (outer, inner, expected) in cases {
            assert_eq!(covers(outer, inner), expected, "{outer} covers {inner}");
        }
        assert!(well_formed("360102") && !well_formed("36010") && !well_formed("36010x"));
    }
}
