//! 投资项目代码: format checks of both layouts (see
//! ../shared/reference/identifiers.md §2). Only the format and the region
//! segment can be checked offline; the check digit of the current layout is
//! not published anywhere we could verify, so it is not enforced.

/// Which layout a well-formed code follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Since 2020-11: YYMM-region-ministry-type-random+check.
    Current,
    /// 2015–2020: YYYY-region-industry-type-serial.
    Legacy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvestmentCode {
    pub code: String,
    pub layout: Layout,
    pub region: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeError {
    Format,
    Period,
    UnknownRegion,
}

impl CodeError {
    pub fn messages(self) -> (&'static str, &'static str) {
        match self {
            CodeError::Format => (
                "投资项目代码格式应为 4-6-2-2-6 位数字，以短横线分隔（如 2103-360102-04-01-123456），可带 -3 位子项目号。",
                "The investment project code must be 4-6-2-2-6 digits separated by hyphens (e.g. 2103-360102-04-01-123456), optionally with a -3 digit suffix.",
            ),
            CodeError::Period => (
                "投资项目代码的时间段无效：应为 2015–2020 年或 YYMM（年份 20 以后、月份 01–12）。",
                "The code's period is invalid: a year 2015–2020, or YYMM with YY from 20 and MM 01–12.",
            ),
            CodeError::UnknownRegion => (
                "投资项目代码中的地区代码不是有效的行政区划代码。",
                "The region segment of the code is not a known division code.",
            ),
        }
    }
}

/// Parses a code; `known_region` answers whether a 6-digit division exists.
pub fn parse(
    input: &str,
    known_region: &dyn Fn(&str) -> bool,
) -> Result<InvestmentCode, CodeError> {
    let code = input.trim();
    let segments: Vec<&str> = code.split('-').collect();
    let widths: &[usize] = match segments.len() {
        5 => &[4, 6, 2, 2, 6],
        6 => &[4, 6, 2, 2, 6, 3],
        _ => return Err(CodeError::Format),
    };
    let well_formed = segments
        .iter()
        .zip(widths)
        .all(|(s, w)| s.len() == *w && s.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(CodeError::Format);
    }
    let period = segments[0];
    let layout = if ("2015"..="2020").contains(&period) {
        Layout::Legacy
    } else {
        let (yy, mm) = period.split_at(2);
        let month_ok = ("01"..="12").contains(&mm);
        if yy >= "20" && month_ok {
            Layout::Current
        } else {
            return Err(CodeError::Period);
        }
    };
    let region = segments[1];
    if !known_region(region) {
        return Err(CodeError::UnknownRegion);
    }
    Ok(InvestmentCode {
        code: code.to_owned(),
        layout,
        region: region.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jiangxi(code: &str) -> bool {
        ["360000", "360100", "360102", "360700"].contains(&code)
    }

    #[test]
    fn both_layouts_are_read() {
        let cases = [
            ("2017-360102-47-03-012345", Ok(Layout::Legacy)),
            ("2103-360102-04-01-123456", Ok(Layout::Current)),
            ("2512-360700-04-01-000017-001", Ok(Layout::Current)),
            (" 2020-360100-47-01-000001 ", Ok(Layout::Legacy)),
            ("2113-360102-04-01-123456", Err(CodeError::Period)),
            ("1912-360102-04-01-123456", Err(CodeError::Period)),
            ("2103-360102-04-01-12345", Err(CodeError::Format)),
            ("2103360102040112345600", Err(CodeError::Format)),
            ("2103-36010A-04-01-123456", Err(CodeError::Format)),
            ("2103-360102-04-01-123456-01", Err(CodeError::Format)),
            ("2103-110101-04-01-123456", Err(CodeError::UnknownRegion)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse(input, &jiangxi).map(|c| c.layout),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn the_region_segment_is_kept() {
        let code = parse("2103-360102-04-01-123456", &jiangxi).expect("valid");
        assert_eq!(code.region, "360102");
        assert_eq!(code.code, "2103-360102-04-01-123456");
    }
}
