//! Working-day calendar rules for statutory time limits (办理时限) in mainland China.
//!
//! Service deadlines on the platform are expressed in *working days* (工作日). This module
//! decides which dates are working days — Monday to Friday, minus the statutory holidays
//! (法定节假日) announced each year by the General Office of the State Council, plus the
//! weekend days that are worked instead (调休上班日) — and turns "n working days after an
//! instant" into a concrete UTC deadline.
//!
//! Counting follows 民法典 第二百零一条: the day on which a period starts is not counted, so
//! the period begins on the next day, and a period expires at 24:00 of its last day.
//!
//! Everything here is pure: no I/O, no database, no clock reads. The list of special days is
//! loaded elsewhere (seed data: `holidays.csv`, parsed by [`parse_special_days_csv`]).

use std::collections::HashSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};

/// Seconds east of UTC for China Standard Time.
const CHINA_OFFSET_SECS: i32 = 8 * 3600;

/// China Standard Time: UTC+8 all year (no DST since 1991), so a fixed offset is exact and needs no tz database.
pub fn china_offset() -> FixedOffset {
    // 8 h is well inside FixedOffset's ±24 h range, so `east_opt` always succeeds.
    FixedOffset::east_opt(CHINA_OFFSET_SECS)
        .unwrap_or_else(|| unreachable!("UTC+8 is a valid offset"))
}

/// What a special date means for the working calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpecialDayKind {
    /// 法定节假日 / 放假调休: a day off, even if it falls on Monday–Friday.
    Holiday,
    /// 调休上班日: a Saturday or Sunday that is worked.
    Workday,
}

impl SpecialDayKind {
    /// Stable lowercase name, as stored in the CSV and the database: `"holiday"` or `"workday"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SpecialDayKind::Holiday => "holiday",
            SpecialDayKind::Workday => "workday",
        }
    }

    /// Inverse of [`SpecialDayKind::as_str`]; surrounding whitespace and ASCII case are ignored.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("holiday") {
            Some(SpecialDayKind::Holiday)
        } else if s.eq_ignore_ascii_case("workday") {
            Some(SpecialDayKind::Workday)
        } else {
            None
        }
    }
}

/// One row of the special-day table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: SpecialDayKind,
    /// Human-readable festival name, e.g. `春节` or `春节调休上班`.
    pub name: String,
}

const CSV_HEADER: [&str; 3] = ["date", "kind", "name"];

/// Parses the seed CSV (header `date,kind,name`; lines starting with '#' are comments; blank lines ignored). Error string names the line number.
///
/// The format is deliberately minimal: exactly three comma-separated fields, no quoting
/// (names use the Chinese enumeration comma `、`, never `,`). Dates are `YYYY-MM-DD`.
/// A UTF-8 byte-order mark at the start is tolerated. A date listed twice is an error.
pub fn parse_special_days_csv(text: &str) -> Result<Vec<SpecialDay>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut seen_header = false;
    let mut out: Vec<SpecialDay> = Vec::new();
    // date -> 1-based line number where it was first defined
    let mut first_line: std::collections::HashMap<NaiveDate, usize> =
        std::collections::HashMap::new();

    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();

        if !seen_header {
            if fields != CSV_HEADER {
                return Err(format!(
                    "line {line_no}: expected header `date,kind,name`, found `{line}`"
                ));
            }
            seen_header = true;
            continue;
        }

        if fields.len() != 3 {
            return Err(format!(
                "line {line_no}: expected 3 fields `date,kind,name`, found {} in `{line}`",
                fields.len()
            ));
        }
        let date = NaiveDate::parse_from_str(fields[0], "%Y-%m-%d").map_err(|e| {
            format!(
                "line {line_no}: invalid date `{}` (expected YYYY-MM-DD): {e}",
                fields[0]
            )
        })?;
        let kind = SpecialDayKind::parse(fields[1]).ok_or_else(|| {
            format!(
                "line {line_no}: invalid kind `{}` (expected `holiday` or `workday`)",
                fields[1]
            )
        })?;
        let name = fields[2];
        if name.is_empty() {
            return Err(format!("line {line_no}: empty name for {date}"));
        }
        if let Some(prev) = first_line.insert(date, line_no) {
            return Err(format!(
                "line {line_no}: date {date} is already listed on line {prev}"
            ));
        }
        out.push(SpecialDay {
            date,
            kind,
            name: name.to_string(),
        });
    }

    if !seen_header {
        return Err("line 1: missing header `date,kind,name`".to_string());
    }
    Ok(out)
}

/// A working-day calendar: weekends and weekdays, corrected by the special-day table.
///
/// `Default` is the plain Monday–Friday calendar with no holidays.
#[derive(Clone, Debug, Default)]
pub struct WorkingCalendar {
    /// Days off (never working days).
    holidays: HashSet<NaiveDate>,
    /// 调休 days that are worked (working days even on a weekend). Disjoint from `holidays`.
    workdays: HashSet<NaiveDate>,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkingCalendar {
    /// Builds a calendar from special days. If one date occurs more than once, the last entry wins.
    pub fn new(days: impl IntoIterator<Item = SpecialDay>) -> Self {
        let mut cal = WorkingCalendar::default();
        for day in days {
            match day.kind {
                SpecialDayKind::Holiday => {
                    cal.workdays.remove(&day.date);
                    cal.holidays.insert(day.date);
                }
                SpecialDayKind::Workday => {
                    cal.holidays.remove(&day.date);
                    cal.workdays.insert(day.date);
                }
            }
        }
        cal
    }

    /// Mon–Fri unless a holiday; Sat/Sun only when a 调休 workday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.holidays.contains(&date) {
            false
        } else if self.workdays.contains(&date) {
            true
        } else {
            !is_weekend(date)
        }
    }

    /// The local (China) calendar date of an instant.
    pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
        instant
            .naive_utc()
            .checked_add_signed(TimeDelta::seconds(i64::from(CHINA_OFFSET_SECS)))
            .map_or(NaiveDate::MAX, |local| local.date())
    }

    /// The n-th working day strictly after `date` (民法典 第201条: the start day is not counted). n = 0 returns `date`.
    ///
    /// Saturates at `NaiveDate::MAX` instead of overflowing.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut remaining = n;
        while remaining > 0 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return NaiveDate::MAX,
            }
            if self.is_working_day(day) {
                remaining -= 1;
            }
        }
        day
    }

    /// Deadline instant "n working days after `start`": the end (24:00 China time, i.e. 00:00 of the next day) of the n-th working day after start's local date, as UTC. For n = 0: the end of start's own local day.
    ///
    /// Saturates at `DateTime::<Utc>::MAX_UTC` near the end of chrono's range.
    pub fn deadline_after(&self, start: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let last_day = self.add_working_days(Self::local_date(start), n);
        let Some(next_day) = last_day.succ_opt() else {
            return DateTime::<Utc>::MAX_UTC;
        };
        // 00:00 China time of the following day, expressed in UTC.
        next_day
            .and_time(NaiveTime::MIN)
            .checked_sub_signed(TimeDelta::seconds(i64::from(CHINA_OFFSET_SECS)))
            .map_or(DateTime::<Utc>::MIN_UTC, |utc| utc.and_utc())
    }

    /// Number of working days d with from < d <= to (0 if to <= from).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let span = (to - from).num_days(); // > 0, at most ~2e8
                                           // Mon–Fri among the `span` days after `from`: 5 per full week, then the remainder.
        let full_weeks = span / 7;
        let rest = span % 7;
        let first = i64::from(from.weekday().num_days_from_monday());
        let rest_weekdays = (1..=rest).filter(|k| (first + k) % 7 < 5).count() as i64;
        let mut count = full_weeks * 5 + rest_weekdays;

        // Corrections from the special-day table (the two sets are disjoint).
        let in_range = |d: &&NaiveDate| from < **d && **d <= to;
        count -= self
            .holidays
            .iter()
            .filter(in_range)
            .filter(|d| !is_weekend(**d))
            .count() as i64;
        count += self
            .workdays
            .iter()
            .filter(in_range)
            .filter(|d| is_weekend(**d))
            .count() as i64;

        u32::try_from(count.max(0)).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SEED_CSV: &str = include_str!("holidays.csv");

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// `YYYY-MM-DD HH:MM` in China time → UTC instant.
    fn cst(s: &str) -> DateTime<Utc> {
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        china_offset()
            .from_local_datetime(&naive)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn seed_days() -> Vec<SpecialDay> {
        parse_special_days_csv(SEED_CSV).expect("seed CSV parses")
    }

    fn cal() -> WorkingCalendar {
        WorkingCalendar::new(seed_days())
    }

    /// Reference implementation: count day by day.
    fn naive_between(cal: &WorkingCalendar, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|x| *x <= to)
            .filter(|x| cal.is_working_day(*x))
            .count() as u32
    }

    #[test]
    fn china_offset_is_plus_eight() {
        assert_eq!(china_offset().local_minus_utc(), 8 * 3600);
    }

    #[test]
    fn kind_round_trip() {
        for kind in [SpecialDayKind::Holiday, SpecialDayKind::Workday] {
            assert_eq!(SpecialDayKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(SpecialDayKind::Holiday.as_str(), "holiday");
        assert_eq!(SpecialDayKind::Workday.as_str(), "workday");
        assert_eq!(
            SpecialDayKind::parse(" Holiday "),
            Some(SpecialDayKind::Holiday)
        );
        assert_eq!(SpecialDayKind::parse("weekend"), None);
        assert_eq!(SpecialDayKind::parse(""), None);
    }

    #[test]
    fn seed_csv_workdays_fall_on_weekends() {
        let days = seed_days();
        let workdays: Vec<_> = days
            .iter()
            .filter(|x| x.kind == SpecialDayKind::Workday)
            .collect();
        assert!(!workdays.is_empty());
        for day in workdays {
            assert!(
                is_weekend(day.date),
                "调休上班日 {} ({}) is a {:?}, not Sat/Sun",
                day.date,
                day.name,
                day.date.weekday()
            );
        }
    }

    #[test]
    fn seed_csv_counts_per_year() {
        let days = seed_days();
        // (year, holiday rows, workday rows); 2025/2026 per the official notices.
        for (year, holidays, workdays) in [(2025, 28, 5), (2026, 33, 6), (2027, 28, 5)] {
            let of_year = |k| {
                days.iter()
                    .filter(|x| x.date.year() == year && x.kind == k)
                    .count()
            };
            assert_eq!(
                of_year(SpecialDayKind::Holiday),
                holidays,
                "{year} holidays"
            );
            assert_eq!(
                of_year(SpecialDayKind::Workday),
                workdays,
                "{year} workdays"
            );
        }
        assert!(days.iter().all(|x| (2025..=2027).contains(&x.date.year())));
        assert!(days.iter().all(|x| !x.name.is_empty()));
    }

    #[test]
    fn seed_csv_never_more_than_six_working_days_in_a_row() {
        // 2025 principle: 节假日前后连续工作一般不超过6天.
        let cal = cal();
        let mut run = 0;
        for day in d("2025-01-01").iter_days().take_while(|x| x.year() <= 2027) {
            run = if cal.is_working_day(day) { run + 1 } else { 0 };
            assert!(run <= 6, "{run} consecutive working days ending {day}");
        }
    }

    #[test]
    fn is_working_day_table() {
        let cal = cal();
        let cases = [
            ("2026-03-09", true, "ordinary Monday"),
            ("2026-03-13", true, "ordinary Friday"),
            ("2026-03-14", false, "ordinary Saturday"),
            ("2026-03-15", false, "ordinary Sunday"),
            ("2026-01-01", false, "元旦 Thursday"),
            ("2026-01-04", true, "元旦 调休 Sunday"),
            ("2026-02-14", true, "春节 调休 Saturday"),
            ("2026-02-16", false, "除夕 Monday"),
            ("2026-02-23", false, "正月初七 Monday"),
            ("2026-02-24", true, "first day back"),
            ("2026-02-28", true, "春节 调休 Saturday"),
            ("2026-10-07", false, "国庆 Wednesday"),
            ("2026-10-10", true, "国庆 调休 Saturday"),
            ("2025-10-06", false, "2025 中秋 Monday"),
            ("2025-09-28", true, "2025 国庆 调休 Sunday"),
        ];
        for (date, want, why) in cases {
            assert_eq!(cal.is_working_day(d(date)), want, "{date}: {why}");
        }
        // Without special days: plain Mon–Fri.
        let plain = WorkingCalendar::default();
        assert!(!plain.is_working_day(d("2026-02-14")));
        assert!(plain.is_working_day(d("2026-02-16")));
    }

    #[test]
    fn new_last_entry_wins() {
        let day = |kind| SpecialDay {
            date: d("2026-03-14"),
            kind,
            name: "x".into(),
        };
        let c = WorkingCalendar::new([day(SpecialDayKind::Workday), day(SpecialDayKind::Holiday)]);
        assert!(!c.is_working_day(d("2026-03-14")));
        let c = WorkingCalendar::new([day(SpecialDayKind::Holiday), day(SpecialDayKind::Workday)]);
        assert!(c.is_working_day(d("2026-03-14")));
    }

    #[test]
    fn add_working_days_table() {
        let cal = cal();
        let cases = [
            // ordinary weeks (March 2026 has no special days)
            (
                "2026-03-09",
                0,
                "2026-03-09",
                "n = 0 returns the date itself",
            ),
            ("2026-03-09", 1, "2026-03-10", "Mon + 1"),
            ("2026-03-09", 4, "2026-03-13", "Mon + 4 = Fri"),
            ("2026-03-09", 5, "2026-03-16", "Mon + 5 = next Mon"),
            ("2026-03-13", 1, "2026-03-16", "Fri + 1 = Mon"),
            ("2026-03-14", 1, "2026-03-16", "Sat start: next working day"),
            ("2026-03-15", 1, "2026-03-16", "Sun start: next working day"),
            ("2026-03-09", 10, "2026-03-23", "two weeks"),
            (
                "2026-02-21",
                0,
                "2026-02-21",
                "n = 0 on a holiday returns it unchanged",
            ),
            // 2026 春节: Sat 02-14 worked, 02-15..02-23 off, Sat 02-28 worked
            ("2026-02-12", 1, "2026-02-13", "Thu before 春节"),
            ("2026-02-13", 1, "2026-02-14", "调休 Saturday counts"),
            ("2026-02-13", 2, "2026-02-24", "across the 9-day break"),
            ("2026-02-14", 1, "2026-02-24", "from the 调休 Saturday"),
            ("2026-02-18", 1, "2026-02-24", "start inside the holiday"),
            ("2026-02-23", 1, "2026-02-24", "last holiday day"),
            ("2026-02-27", 1, "2026-02-28", "Fri + 1 = 调休 Saturday"),
            ("2026-02-27", 2, "2026-03-02", "then Monday"),
            ("2026-02-10", 5, "2026-02-24", "11, 12, 13, 14 (调休), 24"),
            // 2026 中秋 + 国庆: Sun 09-20 worked, 09-25..27 off, 10-01..07 off, Sat 10-10 worked
            ("2026-09-18", 1, "2026-09-20", "Fri + 1 = 调休 Sunday"),
            ("2026-09-24", 1, "2026-09-28", "across 中秋"),
            ("2026-09-30", 1, "2026-10-08", "across 国庆"),
            ("2026-09-29", 3, "2026-10-09", "Tue + 3 across 国庆"),
            ("2026-10-09", 1, "2026-10-10", "Fri + 1 = 调休 Saturday"),
            ("2026-10-10", 1, "2026-10-12", "then Monday"),
            (
                "2026-09-28",
                5,
                "2026-10-10",
                "5 working days spanning 国庆",
            ),
            // year boundary: 2025-12-31 Wed, 2026 元旦 01-01..03 off, Sun 01-04 worked
            (
                "2025-12-31",
                1,
                "2026-01-04",
                "across 元旦 into 调休 Sunday",
            ),
            ("2025-12-31", 2, "2026-01-05", "then Monday"),
        ];
        for (start, n, want, why) in cases {
            assert_eq!(
                cal.add_working_days(d(start), n),
                d(want),
                "{start} + {n}: {why}"
            );
        }
    }

    #[test]
    fn add_working_days_saturates() {
        let cal = cal();
        let near_end = NaiveDate::MAX - TimeDelta::days(3);
        assert_eq!(cal.add_working_days(near_end, 100), NaiveDate::MAX);
        assert_eq!(cal.add_working_days(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(cal.add_working_days(NaiveDate::MAX, 0), NaiveDate::MAX);
    }

    #[test]
    fn local_date_uses_china_time() {
        let cases = [
            ("2026-03-09T15:59:59Z", "2026-03-09", "23:59:59 CST"),
            ("2026-03-09T16:00:00Z", "2026-03-10", "00:00 CST next day"),
            ("2026-03-09T00:00:00Z", "2026-03-09", "08:00 CST"),
            (
                "2026-03-08T23:00:00Z",
                "2026-03-09",
                "07:00 CST, UTC still the day before",
            ),
        ];
        for (instant, want, why) in cases {
            assert_eq!(WorkingCalendar::local_date(utc(instant)), d(want), "{why}");
        }
        assert_eq!(
            WorkingCalendar::local_date(DateTime::<Utc>::MAX_UTC),
            NaiveDate::MAX
        );
    }

    #[test]
    fn deadline_after_table() {
        let cal = cal();
        let cases = [
            // The deadline is 24:00 CST of the last day = 16:00 UTC of that same date.
            (
                "2026-03-09 10:00",
                1,
                "2026-03-10T16:00:00Z",
                "Mon morning + 1",
            ),
            (
                "2026-03-09 10:00",
                0,
                "2026-03-09T16:00:00Z",
                "n = 0: end of start's own day",
            ),
            (
                "2026-03-14 10:00",
                0,
                "2026-03-14T16:00:00Z",
                "n = 0 on a Saturday",
            ),
            (
                "2026-03-13 17:00",
                1,
                "2026-03-16T16:00:00Z",
                "Fri + 1 = Mon",
            ),
            ("2026-03-09 10:00", 5, "2026-03-16T16:00:00Z", "Mon + 5"),
            // local date matters, not the UTC date: both starts are on UTC date 2026-03-09
            (
                "2026-03-09 23:30",
                1,
                "2026-03-10T16:00:00Z",
                "23:30 CST Mon (15:30Z Mon)",
            ),
            (
                "2026-03-10 00:30",
                1,
                "2026-03-11T16:00:00Z",
                "00:30 CST Tue (16:30Z Mon)",
            ),
            (
                "2026-03-10 07:59",
                1,
                "2026-03-11T16:00:00Z",
                "07:59 CST Tue (23:59Z Mon)",
            ),
            // holidays
            ("2026-02-13 09:00", 2, "2026-02-24T16:00:00Z", "across 春节"),
            (
                "2026-02-13 09:00",
                1,
                "2026-02-14T16:00:00Z",
                "调休 Saturday",
            ),
            ("2026-09-30 18:00", 1, "2026-10-08T16:00:00Z", "across 国庆"),
            (
                "2026-02-13 23:59",
                1,
                "2026-02-14T16:00:00Z",
                "late Friday CST",
            ),
            (
                "2026-02-14 00:01",
                1,
                "2026-02-24T16:00:00Z",
                "just after midnight CST: start is Sat",
            ),
        ];
        for (start, n, want, why) in cases {
            let got = cal.deadline_after(cst(start), n);
            assert_eq!(got, utc(want), "{start} CST + {n}: {why}");
            assert_eq!(got.time(), NaiveTime::from_hms_opt(16, 0, 0).unwrap());
            // Equivalently, it is exactly 00:00 CST of the following day.
            let local = got.with_timezone(&china_offset());
            assert_eq!(local.time(), NaiveTime::MIN, "{why}");
        }
    }

    #[test]
    fn deadline_after_saturates() {
        let cal = cal();
        assert_eq!(
            cal.deadline_after(DateTime::<Utc>::MAX_UTC, 1),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(
            cal.deadline_after(DateTime::<Utc>::MAX_UTC, 0),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn working_days_between_table() {
        let cal = cal();
        let cases = [
            ("2026-03-09", "2026-03-09", 0, "to == from"),
            ("2026-03-10", "2026-03-09", 0, "to < from"),
            ("2026-03-09", "2026-03-10", 1, "from excluded, to included"),
            ("2026-03-09", "2026-03-16", 5, "one ordinary week"),
            ("2026-03-13", "2026-03-15", 0, "Fri → Sun"),
            ("2026-03-13", "2026-03-16", 1, "Fri → Mon"),
            ("2026-02-13", "2026-02-24", 2, "调休 Sat + first day back"),
            ("2026-02-14", "2026-02-23", 0, "the whole 春节 break"),
            ("2026-02-13", "2026-02-28", 6, "02-14, 24..27, 28"),
            (
                "2026-09-18",
                "2026-10-12",
                12,
                "中秋 + 国庆 with two 调休 days",
            ),
            ("2025-12-31", "2026-12-31", 248, "all of 2026"),
            ("2024-12-31", "2025-12-31", 248, "all of 2025"),
        ];
        for (from, to, want, why) in cases {
            assert_eq!(
                cal.working_days_between(d(from), d(to)),
                want,
                "({from}, {to}]: {why}"
            );
        }
    }

    #[test]
    fn working_days_between_matches_day_by_day_count() {
        let cal = cal();
        let start = d("2024-12-20");
        let days: Vec<NaiveDate> = start.iter_days().take(3 * 366 + 30).collect();
        for (i, from) in days.iter().enumerate().step_by(5) {
            for to in days[i..].iter().step_by(13) {
                assert_eq!(
                    cal.working_days_between(*from, *to),
                    naive_between(&cal, *from, *to),
                    "({from}, {to}]"
                );
            }
        }
    }

    #[test]
    fn add_and_between_are_inverse() {
        let cal = cal();
        for from in d("2025-01-01").iter_days().take(3 * 365) {
            for n in [0, 1, 2, 3, 5, 10, 20] {
                let to = cal.add_working_days(from, n);
                assert_eq!(cal.working_days_between(from, to), n, "{from} + {n}");
                if n > 0 {
                    assert!(cal.is_working_day(to), "{from} + {n} = {to}");
                }
            }
        }
    }

    #[test]
    fn working_days_between_extreme_range_does_not_panic() {
        let cal = cal();
        let n = cal.working_days_between(NaiveDate::MIN, NaiveDate::MAX);
        assert!(n > 100_000_000);
    }

    #[test]
    fn csv_parses_comments_blanks_bom_and_crlf() {
        let text = "\u{feff}# comment\r\n\r\ndate,kind,name\r\n# another\r\n2026-02-14,workday,春节调休上班\r\n  \r\n2026-02-15, holiday ,春节\r\n";
        let days = parse_special_days_csv(text).unwrap();
        assert_eq!(
            days,
            vec![
                SpecialDay {
                    date: d("2026-02-14"),
                    kind: SpecialDayKind::Workday,
                    name: "春节调休上班".into()
                },
                SpecialDay {
                    date: d("2026-02-15"),
                    kind: SpecialDayKind::Holiday,
                    name: "春节".into()
                },
            ]
        );
        assert_eq!(parse_special_days_csv("date,kind,name\n"), Ok(vec![]));
    }

    #[test]
    fn csv_errors_name_the_line() {
        let cases = [
            ("", "line 1", "missing header"),
            ("# only a comment\n", "line 1", "missing header"),
            ("2026-01-01,holiday,元旦\n", "line 1", "data before header"),
            ("# c\ndate,kind\n", "line 2", "short header"),
            ("date,kind,name\n2026-13-01,holiday,元旦\n", "line 2", "bad month"),
            ("date,kind,name\n# c\n\n2026/01/01,holiday,元旦\n", "line 4", "bad date format"),
            ("date,kind,name\n2026-01-01,vacation,元旦\n", "line 2", "bad kind"),
            ("date,kind,name\n2026-01-01,holiday\n", "line 2", "too few fields"),
            ("date,kind,name\n2026-01-01,holiday,元旦,x\n", "line 2", "too many fields"),
            ("date,kind,name\n2026-01-01,holiday, \n", "line 2", "empty name"),
            (
                "date,kind,name\n2026-01-01,holiday,元旦\n2026-01-02,holiday,元旦\n2026-01-01,workday,x\n",
                "line 4",
                "duplicate date",
            ),
        ];
        for (text, want, why) in cases {
            let err = parse_special_days_csv(text).expect_err(why);
            assert!(
                err.starts_with(&format!("{want}:")),
                "{why}: error `{err}` should start with `{want}:`"
            );
        }
        let dup = parse_special_days_csv(
            "date,kind,name\n2026-01-01,holiday,元旦\n2026-01-01,holiday,元旦\n",
        )
        .unwrap_err();
        assert!(
            dup.contains("line 2"),
            "duplicate names the first line: {dup}"
        );
    }
}
