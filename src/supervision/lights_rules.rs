//! The time-limit lights (红黄绿灯), pure: which steps have a deadline, and the
//! colour of a step from its start, its deadline and the time now.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A running step that someone owes by a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// An administrator reviews a submitted project.
    Review,
    /// The sign-up period runs to its deadline.
    Signup,
    /// The winner confirms.
    Confirmation,
    /// An administrator answers an objection filed during publicity.
    Objection,
    /// The contract is recorded and confirmed.
    Contract,
    /// The agency hands in its deliverables by the contract's end date.
    Delivery,
    /// The applicant accepts or returns a submission.
    Acceptance,
    /// The applicant evaluates the service.
    Evaluation,
}

impl StepKind {
    pub const ALL: [StepKind; 8] = [
        StepKind::Review,
        StepKind::Signup,
        StepKind::Confirmation,
        StepKind::Objection,
        StepKind::Contract,
        StepKind::Delivery,
        StepKind::Acceptance,
        StepKind::Evaluation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Review => "review",
            StepKind::Signup => "signup",
            StepKind::Confirmation => "confirmation",
            StepKind::Objection => "objection",
            StepKind::Contract => "contract",
            StepKind::Delivery => "delivery",
            StepKind::Acceptance => "acceptance",
            StepKind::Evaluation => "evaluation",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            StepKind::Review => "项目审核",
            StepKind::Signup => "报名",
            StepKind::Confirmation => "中选确认",
            StepKind::Objection => "质疑答复",
            StepKind::Contract => "合同签订",
            StepKind::Delivery => "成果提交",
            StepKind::Acceptance => "成果验收",
            StepKind::Evaluation => "服务评价",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    /// Overdue. Listed first: it is what an administrator looks for.
    Red,
    /// Less than the configured share of the time is left.
    Yellow,
    /// On time.
    Green,
}

impl Colour {
    pub const ALL: [Colour; 3] = [Colour::Red, Colour::Yellow, Colour::Green];

    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Red => "red",
            Colour::Yellow => "yellow",
            Colour::Green => "green",
        }
    }

    pub fn parse(s: &str) -> Option<Colour> {
        Colour::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Colour::Red => "红灯（已逾期）",
            Colour::Yellow => "黄灯（临近期限）",
            Colour::Green => "绿灯（正常）",
        }
    }
}

/// Red from the deadline on; yellow when less than `yellow_percent` of the
/// time from `start` to `due` is left; green before. A step whose window is
/// empty or reversed (bad data) is green until its deadline, then red.
pub fn colour(
    start: DateTime<Utc>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    yellow_percent: u32,
) -> Colour {
    if now >= due {
        return Colour::Red;
    }
    let total = (due - start).num_microseconds().unwrap_or(i64::MAX);
    let left = (due - now).num_microseconds().unwrap_or(i64::MAX);
    if total <= 0 {
        return Colour::Green;
    }
    // Integers only: left / total < percent / 100, without rounding at the edge.
    if i128::from(left) * 100 < i128::from(total) * i128::from(yellow_percent) {
        Colour::Yellow
    } else {
        Colour::Green
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t(hours: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
            .single()
            .expect("time")
            + Duration::hours(hours)
    }

    #[test]
    fn the_colour_changes_at_the_thresholds() {
        // A 100-hour window: yellow once fewer than 20 hours are left, red at the deadline.
        let (start, due) = (t(0), t(100));
        let cases = [
            (t(-5), 20, Colour::Green),
            (t(0), 20, Colour::Green),
            (t(79), 20, Colour::Green),
            (t(80), 20, Colour::Green),
            (t(80) + Duration::microseconds(1), 20, Colour::Yellow),
            (t(99), 20, Colour::Yellow),
            (t(100) - Duration::microseconds(1), 20, Colour::Yellow),
            (t(100), 20, Colour::Red),
            (t(500), 20, Colour::Red),
            (t(49), 50, Colour::Green),
            (t(51), 50, Colour::Yellow),
            (t(99), 0, Colour::Green),
            (t(0) + Duration::microseconds(1), 100, Colour::Yellow),
        ];
        for (now, percent, expected) in cases {
            assert_eq!(
                colour(start, due, now, percent),
                expected,
                "{now} {percent}%"
            );
        }
    }

    #[test]
    fn an_empty_window_is_green_until_due_then_red() {
        assert_eq!(colour(t(10), t(10), t(9), 20), Colour::Green);
        assert_eq!(colour(t(10), t(5), t(4), 20), Colour::Green);
        assert_eq!(colour(t(10), t(10), t(10), 20), Colour::Red);
    }

    #[test]
    fn names_round_trip() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(c));
        }
        assert_eq!(Colour::parse("blue"), None);
        let names: std::collections::HashSet<_> =
            StepKind::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names.len(), StepKind::ALL.len());
    }
}
