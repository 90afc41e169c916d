//! The rules that act on the credit record by themselves. Every write that
//! records a credit fact for an agency calls `after_fact` in its own
//! transaction: the score is recomputed and, when a rule of `CreditRules`
//! says so, the agency is suspended through `agencies::suspension`.
//!
//! Two rules, both configurable:
//! - the configured number of upheld complaints within a year (default 3);
//! - a fact that costs points and leaves the score below the threshold
//!   (default 60). Only a fact that costs points counts, so a good evaluation
//!   or a reward never suspends an agency whose score is still low after an
//!   earlier suspension ended.

use super::credit::{self, Fact};
use crate::agencies::suspension::{self, Cause};
use crate::config::CreditRules;
use crate::db::schema::complaints;
use crate::db::DbConnection;
use crate::error::AppResult;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

/// The agency's standing just after a fact was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// The points the new fact is worth (negative for a penalty).
    pub fact_points: i64,
    /// Whether the new fact is an upheld complaint.
    pub upheld_complaint: bool,
    /// Upheld complaints of the last 365 days, the new one included.
    pub upheld_within_a_year: usize,
    /// The score with the new fact.
    pub score: i64,
}

/// Whether a rule suspends the agency, and which (pure). The complaints rule
/// is named first: it is the more specific of the two.
pub fn suspension_cause(standing: &Standing, rules: &CreditRules, fact: &str) -> Option<Cause> {
    let complaints = rules.complaints_to_suspend;
    if standing.upheld_complaint && complaints > 0 && standing.upheld_within_a_year >= complaints {
        return Some(Cause::UpheldComplaints {
            upheld: standing.upheld_within_a_year,
        });
    }
    match rules.suspend_below_score {
        Some(threshold) if standing.fact_points < 0 && standing.score < threshold => {
            Some(Cause::LowScore {
                score: standing.score,
                threshold,
                fact: fact.to_owned(),
            })
        }
        _ => None,
    }
}

fn upheld_within_a_year(
    conn: &mut DbConnection,
    agency_id: i64,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let since = (now - Duration::days(credit::WINDOW_DAYS)).naive_utc();
    let upheld: i64 = complaints::table
        .filter(complaints::agency_id.eq(agency_id))
        .filter(complaints::status.eq("upheld"))
        .filter(complaints::decided_at.gt(since))
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(upheld).unwrap_or(0))
}

/// Called inside the write that recorded `fact` for the agency: applies the
/// rules and suspends the agency if one says so. Returns whether it did.
pub fn after_fact(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    agency_id: i64,
    fact: &Fact,
    rules: &CreditRules,
) -> AppResult<bool> {
    let (fact_points, explanation) = credit::points(fact);
    let upheld_complaint = matches!(fact, Fact::UpheldComplaint { .. });
    let standing = Standing {
        fact_points,
        upheld_complaint,
        upheld_within_a_year: if upheld_complaint {
            upheld_within_a_year(conn, agency_id, now)?
        } else {
            0
        },
        score: credit::score_of(conn, agency_id, now)?.score,
    };
    match suspension_cause(&standing, rules, &explanation) {
        Some(cause) => suspension::suspend(conn, now, agency_id, &cause, rules.suspension_days),
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(fact_points: i64, score: i64) -> Standing {
        Standing {
            fact_points,
            upheld_complaint: false,
            upheld_within_a_year: 0,
            score,
        }
    }

    fn complaint(upheld_within_a_year: usize, score: i64) -> Standing {
        Standing {
            fact_points: -5,
            upheld_complaint: true,
            upheld_within_a_year,
            score,
        }
    }

    #[test]
    fn a_penalty_below_the_threshold_or_the_third_upheld_complaint_suspends() {
        let rules = CreditRules::default();
        let low = |score| {
            Some(Cause::LowScore {
                score,
                threshold: 60,
                fact: "f".into(),
            })
        };
        let third = Some(Cause::UpheldComplaints { upheld: 3 });
        let cases = [
            (standing(-10, 60), None),
            (standing(-10, 59), low(59)),
            (standing(-30, 0), low(0)),
            (standing(0, 50), None),
            (standing(4, 50), None),
            (standing(-1, 80), None),
            (complaint(2, 70), None),
            (complaint(3, 65), third.clone()),
            (complaint(3, 55), third),
            (complaint(2, 55), low(55)),
            (
                Standing {
                    upheld_complaint: false,
                    ..complaint(3, 70)
                },
                None,
            ),
        ];
        for (standing, expected) in cases {
            assert_eq!(
                suspension_cause(&standing, &rules, "f"),
                expected,
                "{standing:?}"
            );
        }
    }

    #[test]
    fn either_rule_can_be_turned_off() {
        let off = CreditRules {
            complaints_to_suspend: 0,
            suspend_below_score: None,
            ..CreditRules::default()
        };
        assert_eq!(suspension_cause(&complaint(10, 0), &off, "f"), None);
        assert_eq!(suspension_cause(&standing(-30, 0), &off, "f"), None);
        let score_only = CreditRules {
            complaints_to_suspend: 0,
            ..CreditRules::default()
        };
        assert!(matches!(
            suspension_cause(&complaint(10, 40), &score_only, "f"),
            Some(Cause::LowScore { score: 40, .. })
        ));
    }
}
