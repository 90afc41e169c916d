//! 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character set,
//! the last one a mod-31 check character over the first seventeen.
//! See shared/reference/identifiers.md §1.

const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsccError {
    Length,
    Character,
    Division,
    CheckCharacter,
}

impl UsccError {
    pub fn messages(self) -> (&'static str, &'static str) {
        match self {
            UsccError::Length => (
                "统一社会信用代码应为18位。",
                "The unified social credit code must have 18 characters.",
            ),
            UsccError::Character => (
                "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）。",
                "The unified social credit code contains a character outside its set (I, O, Z, S, V are not used).",
            ),
            UsccError::Division => (
                "统一社会信用代码第3至8位应为行政区划代码（6位数字）。",
                "Characters 3 to 8 of the unified social credit code must be a 6-digit division code.",
            ),
            UsccError::CheckCharacter => (
                "统一社会信用代码校验位不正确，请核对。",
                "The check character of the unified social credit code is wrong.",
            ),
        }
    }
}

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// The check character the first 17 characters call for.
pub fn check_character(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    CHARSET.chars().nth(check as usize)
}

/// Validates a code and returns it in its canonical form (trimmed, upper case).
pub fn parse(input: &str) -> Result<String, UsccError> {
    let code = input.trim().to_uppercase();
    if code.chars().count() != 18 {
        return Err(UsccError::Length);
    }
    if !code.chars().all(|c| value(c).is_some()) {
        return Err(UsccError::Character);
    }
    if !code[2..8].chars().all(|c| c.is_ascii_digit()) {
        return Err(UsccError::Division);
    }
    match check_character(&code[..17]) {
        Some(expected) if code.ends_with(expected) => Ok(code),
        _ => Err(UsccError::CheckCharacter),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verified_examples_pass() {
        for code in [
            "91350100M000100Y43",
            "91440300708461136T",
            "914403001922038216",
            "91330100799655058B",
            "91110108551385082Q",
            "91110000802100433B",
            "91360102MA35ABCD40",
        ] {
            assert_eq!(parse(code), Ok(code.to_owned()), "{code}");
        }
    }

    #[test]
    fn lower_case_and_spaces_are_normalised() {
        assert_eq!(
            parse(" 91440300708461136t "),
            Ok("91440300708461136T".into())
        );
    }

    #[test]
    fn invalid_examples_fail_for_their_reason() {
        let cases = [
            ("91350100M000100Y4Z", UsccError::Character),
            ("91440300708461136A", UsccError::CheckCharacter),
            ("91360102MA35XXXXXX", UsccError::CheckCharacter),
            ("91360102MA35OI2S1V", UsccError::Character),
            ("9136010212345678", UsccError::Length),
            ("913601A2MA35ABCD40", UsccError::Division),
            ("", UsccError::Length),
            ("统一社会信用代码统一社会信用代码统一", UsccError::Character),
        ];
        for (code, reason) in cases {
            assert_eq!(parse(code), Err(reason), "{code}");
        }
    }

    #[test]
    fn the_standard_worked_example_computes_3() {
        assert_eq!(check_character("91350100M000100Y4"), Some('3'));
        assert_eq!(check_character("91360102MA35XXXXX"), Some('K'));
    }
}
