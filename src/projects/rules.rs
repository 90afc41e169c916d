//! The state machines of a project, a sign-up and an objection, as plain
//! functions that refuse every transition not listed, and the time guards
//! that decide what the server's clock still allows.

use crate::calendar::WorkingCalendar;
use crate::error::FieldError;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($text:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
}

string_enum! {
    /// Where a project stands.
    ProjectStatus {
        Draft => ("draft", "草稿"),
        PendingReview => ("pending_review", "待审核"),
        Returned => ("returned", "退回修改"),
        SigningUp => ("signing_up", "报名中"),
        Selecting => ("selecting", "待选取"),
        Confirming => ("confirming", "待中选机构确认"),
        Publicity => ("publicity", "中选结果公示中"),
        Awarded => ("awarded", "已中选"),
        Failed => ("failed", "流标"),
        Cancelled => ("cancelled", "已终止"),
    }
}

string_enum! {
    /// What may happen to a project.
    ProjectAction {
        Edit => ("edit", "修改"),
        Submit => ("submit", "提交发布"),
        Approve => ("approve", "审核通过"),
        Return => ("return", "审核退回"),
        CloseSignups => ("close_signups", "报名截止"),
        Fail => ("fail", "流标"),
        Select => ("select", "选取"),
        Confirm => ("confirm", "中选确认"),
        PassOn => ("pass_on", "顺延中选"),
        Reselect => ("reselect", "重新选取"),
        Award => ("award", "公示结束中选"),
        Cancel => ("cancel", "终止"),
    }
}

/// The status an action leads to, or `None` where it is not allowed.
///
/// A failed round (流标) may be edited and submitted again; after the second
/// failure the applicant may also select among the sign-ups it has
/// (`may_select_after_failures` guards that).
pub fn next_project_status(current: ProjectStatus, action: ProjectAction) -> Option<ProjectStatus> {
    use ProjectAction as A;
    use ProjectStatus::*;
    match (current, action) {
        (Draft | Returned | Failed, A::Edit) => Some(current),
        (Draft | Returned | Failed, A::Submit) => Some(PendingReview),
        (PendingReview, A::Approve) => Some(SigningUp),
        (PendingReview, A::Return) => Some(Returned),
        (SigningUp, A::CloseSignups) => Some(Selecting),
        (Selecting | Confirming | Publicity, A::Fail) => Some(Failed),
        (Selecting | Failed, A::Select) => Some(Confirming),
        (Confirming, A::Confirm) => Some(Publicity),
        (Confirming | Publicity, A::PassOn) => Some(Confirming),
        (Confirming | Publicity, A::Reselect) => Some(Selecting),
        (Publicity, A::Award) => Some(Awarded),
        (
            Draft | PendingReview | Returned | SigningUp | Selecting | Confirming | Publicity
            | Failed,
            A::Cancel,
        ) => Some(Cancelled),
        _ => None,
    }
}

impl ProjectStatus {
    pub fn is_final(self) -> bool {
        matches!(self, ProjectStatus::Awarded | ProjectStatus::Cancelled)
    }
}

/// After the second 流标 the applicant may select among the sign-ups it has.
pub const FAILURES_BEFORE_FREE_CHOICE: i32 = 2;

pub fn may_select_after_failures(failed_rounds: i32) -> bool {
    failed_rounds >= FAILURES_BEFORE_FREE_CHOICE
}

string_enum! {
    /// Where one agency's sign-up stands.
    SignupStatus {
        Active => ("active", "有效"),
        Withdrawn => ("withdrawn", "已撤回"),
        Selected => ("selected", "被选中，待确认"),
        Confirmed => ("confirmed", "已确认中选"),
        Abandoned => ("abandoned", "放弃中选"),
        Disqualified => ("disqualified", "取消中选资格"),
    }
}

string_enum! {
    SignupAction {
        Change => ("change", "修改报名"),
        Withdraw => ("withdraw", "撤回报名"),
        Renew => ("renew", "重新报名"),
        Select => ("select", "选中"),
        Confirm => ("confirm", "确认中选"),
        Abandon => ("abandon", "放弃中选"),
        Disqualify => ("disqualify", "取消中选资格"),
    }
}

pub fn next_signup_status(current: SignupStatus, action: SignupAction) -> Option<SignupStatus> {
    use SignupAction as A;
    use SignupStatus::*;
    match (current, action) {
        (Active, A::Change) => Some(Active),
        (Active, A::Withdraw) => Some(Withdrawn),
        (Withdrawn, A::Renew) => Some(Active),
        (Active, A::Select) => Some(Selected),
        (Selected, A::Confirm) => Some(Confirmed),
        (Selected, A::Abandon) => Some(Abandoned),
        (Active | Selected | Confirmed, A::Disqualify) => Some(Disqualified),
        _ => None,
    }
}

string_enum! {
    ObjectionStatus {
        Pending => ("pending", "待处理"),
        Upheld => ("upheld", "异议成立"),
        Dismissed => ("dismissed", "异议不成立"),
        Superseded => ("superseded", "中选结果已变更，异议失效"),
    }
}

string_enum! {
    /// What an upheld objection does to the project.
    ObjectionOutcome {
        Redo => ("redo", "重新确定中选机构"),
        Cancel => ("cancel", "终止项目"),
    }
}

pub fn next_objection_status(current: ObjectionStatus, uphold: bool) -> Option<ObjectionStatus> {
    match current {
        ObjectionStatus::Pending if uphold => Some(ObjectionStatus::Upheld),
        ObjectionStatus::Pending => Some(ObjectionStatus::Dismissed),
        _ => None,
    }
}

fn before(now: DateTime<Utc>, limit: NaiveDateTime) -> bool {
    now.naive_utc() < limit
}

/// A sign-up, a change or a withdrawal is accepted strictly before the
/// deadline: at the deadline instant it is already too late.
pub fn signups_open(status: ProjectStatus, deadline: NaiveDateTime, now: DateTime<Utc>) -> bool {
    status == ProjectStatus::SigningUp && before(now, deadline)
}

/// Objections are accepted during the publicity period only.
pub fn objections_open(
    status: ProjectStatus,
    publicity_ends: Option<NaiveDateTime>,
    now: DateTime<Utc>,
) -> bool {
    status == ProjectStatus::Publicity && publicity_ends.is_some_and(|end| before(now, end))
}

/// The sign-up period lasts at least `min_days` full working days after the
/// day of publication, and ends on a working day (民法典 第201条: the day of
/// publication does not count). `None` when the deadline is acceptable.
pub fn signup_period_error(
    calendar: &WorkingCalendar,
    opened: DateTime<Utc>,
    deadline: DateTime<Utc>,
    min_days: u32,
) -> Option<FieldError> {
    let earliest = calendar.deadline_after(opened, min_days);
    let on_working_day = calendar.is_working_day(WorkingCalendar::local_date(deadline));
    (deadline < earliest || !on_working_day).then(|| {
        let shown = crate::web::format_time(earliest.naive_utc());
        FieldError {
            field: "signup_deadline".into(),
            message_zh: format!(
                "报名期不得少于 {min_days} 个完整工作日（发布当日不计），截止时间须在工作日：最早为 {shown} 以后的工作日。"
            ),
            message_en: format!(
                "The sign-up period must last {min_days} full working days after publication and end on a working day: not before {shown} (China time)."
            ),
        }
    })
}

/// What the scheduler owes a project at `now`, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    CloseSignups,
    RunSelection,
    ConfirmationMissed,
    EndPublicity,
}

/// Plain facts the scheduler decides on.
#[derive(Clone, Copy, Debug)]
pub struct Timeline {
    pub status: ProjectStatus,
    pub signup_deadline: NaiveDateTime,
    pub selection_at: NaiveDateTime,
    pub confirmation_deadline: Option<NaiveDateTime>,
    pub publicity_ends: Option<NaiveDateTime>,
    /// Whether the method runs by itself (everything but 直接选取).
    pub automatic: bool,
    pub pending_objections: bool,
}

pub fn due(t: &Timeline, now: DateTime<Utc>) -> Option<Due> {
    let reached = |at: NaiveDateTime| !before(now, at);
    match t.status {
        ProjectStatus::SigningUp if reached(t.signup_deadline) => Some(Due::CloseSignups),
        ProjectStatus::Selecting if t.automatic && reached(t.selection_at) => {
            Some(Due::RunSelection)
        }
        ProjectStatus::Confirming if t.confirmation_deadline.is_some_and(reached) => {
            Some(Due::ConfirmationMissed)
        }
        ProjectStatus::Publicity
            if t.publicity_ends.is_some_and(reached) && !t.pending_objections =>
        {
            Some(Due::EndPublicity)
        }
        _ => None,
    }
}

/// Whether a round that closed with `valid` sign-ups fails (流标).
/// 直接选取 among sign-ups needs one; the competitive methods need the minimum.
pub fn round_fails(automatic: bool, valid: usize, min_signups: i32) -> bool {
    let needed = if automatic {
        usize::try_from(min_signups.max(1)).unwrap_or(1)
    } else {
        1
    };
    valid < needed
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use ProjectAction as A;
    use ProjectStatus as S;

    /// Every (status, action) pair the machine allows; everything else is refused.
    const PROJECT_MOVES: &[(S, A, S)] = &[
        (S::Draft, A::Edit, S::Draft),
        (S::Returned, A::Edit, S::Returned),
        (S::Failed, A::Edit, S::Failed),
        (S::Draft, A::Submit, S::PendingReview),
        (S::Returned, A::Submit, S::PendingReview),
        (S::Failed, A::Submit, S::PendingReview),
        (S::PendingReview, A::Approve, S::SigningUp),
        (S::PendingReview, A::Return, S::Returned),
        (S::SigningUp, A::CloseSignups, S::Selecting),
        (S::Selecting, A::Fail, S::Failed),
        (S::Confirming, A::Fail, S::Failed),
        (S::Publicity, A::Fail, S::Failed),
        (S::Selecting, A::Select, S::Confirming),
        (S::Failed, A::Select, S::Confirming),
        (S::Confirming, A::Confirm, S::Publicity),
        (S::Confirming, A::PassOn, S::Confirming),
        (S::Publicity, A::PassOn, S::Confirming),
        (S::Confirming, A::Reselect, S::Selecting),
        (S::Publicity, A::Reselect, S::Selecting),
        (S::Publicity, A::Award, S::Awarded),
        (S::Draft, A::Cancel, S::Cancelled),
        (S::PendingReview, A::Cancel, S::Cancelled),
        (S::Returned, A::Cancel, S::Cancelled),
        (S::SigningUp, A::Cancel, S::Cancelled),
        (S::Selecting, A::Cancel, S::Cancelled),
        (S::Confirming, A::Cancel, S::Cancelled),
        (S::Publicity, A::Cancel, S::Cancelled),
        (S::Failed, A::Cancel, S::Cancelled),
    ];

    #[test]
    fn the_project_machine_allows_exactly_the_listed_moves() {
        for &status in S::ALL {
            for &action in A::ALL {
                let expected = PROJECT_MOVES
                    .iter()
                    .find(|(from, a, _)| *from == status && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    next_project_status(status, action),
                    expected,
                    "{status:?} + {action:?}"
                );
            }
        }
    }

    #[test]
    fn nothing_leaves_an_awarded_or_cancelled_project() {
        for &action in A::ALL {
            assert_eq!(next_project_status(S::Awarded, action), None);
            assert_eq!(next_project_status(S::Cancelled, action), None);
        }
    }

    #[test]
    fn the_sign_up_machine_allows_exactly_the_listed_moves() {
        use SignupAction as SA;
        use SignupStatus as SS;
        let moves: &[(SS, SA, SS)] = &[
            (SS::Active, SA::Change, SS::Active),
            (SS::Active, SA::Withdraw, SS::Withdrawn),
            (SS::Withdrawn, SA::Renew, SS::Active),
            (SS::Active, SA::Select, SS::Selected),
            (SS::Selected, SA::Confirm, SS::Confirmed),
            (SS::Selected, SA::Abandon, SS::Abandoned),
            (SS::Active, SA::Disqualify, SS::Disqualified),
            (SS::Selected, SA::Disqualify, SS::Disqualified),
            (SS::Confirmed, SA::Disqualify, SS::Disqualified),
        ];
        for &status in SS::ALL {
            for &action in SA::ALL {
                let expected = moves
                    .iter()
                    .find(|(from, a, _)| *from == status && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    next_signup_status(status, action),
                    expected,
                    "{status:?} + {action:?}"
                );
            }
        }
    }

    #[test]
    fn an_objection_is_decided_once() {
        use ObjectionStatus as O;
        assert_eq!(next_objection_status(O::Pending, true), Some(O::Upheld));
        assert_eq!(next_objection_status(O::Pending, false), Some(O::Dismissed));
        for decided in [O::Upheld, O::Dismissed, O::Superseded] {
            assert_eq!(next_objection_status(decided, true), None);
            assert_eq!(next_objection_status(decided, false), None);
        }
    }

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, h, m, s)
            .single()
            .expect("valid time")
    }

    #[test]
    fn a_sign_up_at_the_deadline_instant_is_too_late() {
        let deadline = at(9, 0, 0).naive_utc();
        assert!(signups_open(S::SigningUp, deadline, at(8, 59, 59)));
        assert!(!signups_open(S::SigningUp, deadline, at(9, 0, 0)));
        assert!(!signups_open(S::SigningUp, deadline, at(9, 0, 1)));
        assert!(!signups_open(S::Selecting, deadline, at(8, 0, 0)));
    }

    #[test]
    fn objections_are_taken_during_publicity_only() {
        let end = at(9, 0, 0).naive_utc();
        assert!(objections_open(S::Publicity, Some(end), at(8, 0, 0)));
        assert!(!objections_open(S::Publicity, Some(end), at(9, 0, 0)));
        assert!(!objections_open(S::Confirming, Some(end), at(8, 0, 0)));
        assert!(!objections_open(S::Publicity, None, at(8, 0, 0)));
    }

    #[test]
    fn the_scheduler_owes_each_step_once_its_time_has_come() {
        let t0 = at(9, 0, 0);
        let timeline = |status| Timeline {
            status,
            signup_deadline: t0.naive_utc(),
            selection_at: (t0 + Duration::hours(1)).naive_utc(),
            confirmation_deadline: Some((t0 + Duration::hours(2)).naive_utc()),
            publicity_ends: Some((t0 + Duration::hours(3)).naive_utc()),
            automatic: true,
            pending_objections: false,
        };
        let cases = [
            (S::SigningUp, t0 - Duration::seconds(1), None),
            (S::SigningUp, t0, Some(Due::CloseSignups)),
            (S::Selecting, t0, None),
            (
                S::Selecting,
                t0 + Duration::hours(1),
                Some(Due::RunSelection),
            ),
            (
                S::Confirming,
                t0 + Duration::hours(2),
                Some(Due::ConfirmationMissed),
            ),
            (S::Publicity, t0 + Duration::hours(2), None),
            (
                S::Publicity,
                t0 + Duration::hours(3),
                Some(Due::EndPublicity),
            ),
            (S::Awarded, t0 + Duration::days(9), None),
            (S::Draft, t0 + Duration::days(9), None),
        ];
        for (status, now, expected) in cases {
            assert_eq!(due(&timeline(status), now), expected, "{status:?} at {now}");
        }
        let manual = Timeline {
            automatic: false,
            ..timeline(S::Selecting)
        };
        assert_eq!(due(&manual, t0 + Duration::days(1)), None);
        let objected = Timeline {
            pending_objections: true,
            ..timeline(S::Publicity)
        };
        assert_eq!(due(&objected, t0 + Duration::days(1)), None);
    }

    #[test]
    fn the_sign_up_period_is_three_full_working_days_ending_on_a_working_day() {
        // Published Monday 2 March 2026 at 09:00 China time (01:00 UTC).
        let opened = at(1, 0, 0);
        let cst = |day: u32, hour: u32| {
            Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
                .single()
                .expect("time")
                - Duration::hours(8)
        };
        let calendar = WorkingCalendar::default();
        let cases = [
            (cst(5, 9), false), // Thursday 09:00: Tuesday and Wednesday only
            (cst(6, 0), true),  // Friday 00:00: Tuesday, Wednesday, Thursday
            (cst(6, 9), true),  // Friday 09:00
            (cst(7, 9), false), // Saturday
            (cst(9, 9), true),  // the next Monday
        ];
        for (deadline, ok) in cases {
            assert_eq!(
                signup_period_error(&calendar, opened, deadline, 3).is_none(),
                ok,
                "{deadline}"
            );
        }
        let error = signup_period_error(&calendar, opened, cst(5, 9), 3).expect("too short");
        assert_eq!(error.field, "signup_deadline");
    }

    #[test]
    fn a_round_fails_below_the_minimum_of_valid_sign_ups() {
        assert!(round_fails(true, 2, 3));
        assert!(!round_fails(true, 3, 3));
        assert!(round_fails(false, 0, 3));
        assert!(!round_fails(false, 1, 3));
        assert!(may_select_after_failures(2));
        assert!(!may_select_after_failures(1));
    }
}
