//! The agencies' credit record (信用): a score per agency from a pure,
//! documented formula over the facts of the last 365 days, and the history
//! that explains every point.
//!
//! Formula (published in docs/API.md): start at 80; each evaluation adds
//! (average rating − 3) × 2 points (−4 … +4); each late delivery −3; each
//! abandoned selection (放弃中选, also a missed confirmation) −5; each upheld
//! objection against its selection −5; each upheld complaint −5; administrators' penalties and rewards
//! as recorded (−30 … +10). Only facts of the last 365 days count; the score
//! is kept within 0 … 100.

use crate::db::schema::{
    complaints, contracts, credit_events, deliveries, evaluations, objections, signups,
};
use crate::db::DbConnection;
use crate::error::AppResult;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

pub const BASE: i64 = 80;
pub const WINDOW_DAYS: i64 = 365;

/// One fact that moves an agency's credit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    /// An evaluation, its four ratings summed (4 … 20).
    Evaluation {
        at: NaiveDateTime,
        rating_sum: i64,
        project: String,
    },
    LateDelivery {
        at: NaiveDateTime,
        project: String,
    },
    Abandoned {
        at: NaiveDateTime,
        project: String,
    },
    UpheldObjection {
        at: NaiveDateTime,
        project: String,
    },
    UpheldComplaint {
        at: NaiveDateTime,
        project: String,
    },
    Adjustment {
        at: NaiveDateTime,
        points: i64,
        reason: String,
    },
}

impl Fact {
    fn at(&self) -> NaiveDateTime {
        match self {
            Fact::Evaluation { at, .. }
            | Fact::LateDelivery { at, .. }
            | Fact::Abandoned { at, .. }
            | Fact::UpheldObjection { at, .. }
            | Fact::UpheldComplaint { at, .. }
            | Fact::Adjustment { at, .. } => *at,
        }
    }
}

/// One line of the credit history, e.g. "-5: 2026-03-02 放弃中选, 项目 ZJCG2026000012".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct CreditLine {
    pub points: i64,
    pub at: DateTime<Utc>,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct CreditScore {
    pub agency_id: i64,
    pub score: i64,
    pub base: i64,
    pub window_days: i64,
    /// Newest first.
    pub history: Vec<CreditLine>,
}

/// The points a fact is worth, with its explanation (pure).
pub fn points(fact: &Fact) -> (i64, String) {
    let day = |at: &NaiveDateTime| crate::web::format_time(*at)[..10].to_owned();
    match fact {
        // (average − 3) × 2 = (sum / 4 − 3) × 2 = (sum − 12) / 2, rounded toward zero.
        Fact::Evaluation {
            at,
            rating_sum,
            project,
        } => (
            (rating_sum - 12) / 2,
            format!(
                "{} 服务评价（四项合计 {rating_sum} 分）, 项目 {project}",
                day(at)
            ),
        ),
        Fact::LateDelivery { at, project } => {
            (-3, format!("{} 逾期提交服务成果, 项目 {project}", day(at)))
        }
        Fact::Abandoned { at, project } => (-5, format!("{} 放弃中选, 项目 {project}", day(at))),
        Fact::UpheldObjection { at, project } => (
            -5,
            format!("{} 异议成立、取消中选资格, 项目 {project}", day(at)),
        ),
        Fact::UpheldComplaint { at, project } => {
            (-5, format!("{} 投诉查实, 项目 {project}", day(at)))
        }
        Fact::Adjustment { at, points, reason } => {
            (*points, format!("{} 管理员记录：{reason}", day(at)))
        }
    }
}

/// The score of one agency from its facts at `now` (pure).
pub fn score(agency_id: i64, facts: &[Fact], now: DateTime<Utc>) -> CreditScore {
    let since = (now - Duration::days(WINDOW_DAYS)).naive_utc();
    let mut counted: Vec<&Fact> = facts
        .iter()
        .filter(|f| f.at() > since && f.at() <= now.naive_utc())
        .collect();
    counted.sort_by_key(|f| std::cmp::Reverse(f.at()));
    let history: Vec<CreditLine> = counted
        .iter()
        .map(|f| {
            let (points, explanation) = points(f);
            CreditLine {
                points,
                at: f.at().and_utc(),
                explanation,
            }
        })
        .collect();
    let total = BASE + history.iter().map(|l| l.points).sum::<i64>();
    CreditScore {
        agency_id,
        score: total.clamp(0, 100),
        base: BASE,
        window_days: WINDOW_DAYS,
        history,
    }
}

/// An evaluation as read for credit: agency, when, the four ratings, the project number.
type EvaluationFacts = (i64, NaiveDateTime, i32, i32, i32, i32, Option<String>);

/// The facts of these agencies, from the database, in a few queries per chunk.
pub fn facts_of(conn: &mut DbConnection, agency_ids: &[i64]) -> AppResult<HashMap<i64, Vec<Fact>>> {
    use crate::db::schema::projects;
    let mut facts: HashMap<i64, Vec<Fact>> = HashMap::new();
    for chunk in agency_ids.chunks(crate::offerings::live::CHUNK) {
        let rows: Vec<EvaluationFacts> = evaluations::table
            .inner_join(contracts::table.inner_join(projects::table))
            .filter(evaluations::agency_id.eq_any(chunk))
            .select((
                evaluations::agency_id,
                evaluations::created_at,
                evaluations::quality,
                evaluations::timeliness,
                evaluations::fees,
                evaluations::attitude,
                projects::number,
            ))
            .load(conn)?;
        for (agency, at, q, t, f, a, number) in rows {
            let rating_sum = i64::from(q + t + f + a);
            facts.entry(agency).or_default().push(Fact::Evaluation {
                at,
                rating_sum,
                project: number.unwrap_or_default(),
            });
        }
        let rows: Vec<(i64, NaiveDateTime, Option<String>)> = deliveries::table
            .inner_join(contracts::table.inner_join(projects::table))
            .filter(contracts::agency_id.eq_any(chunk))
            .filter(deliveries::late.eq(true))
            .select((
                contracts::agency_id,
                deliveries::created_at,
                projects::number,
            ))
            .load(conn)?;
        for (agency, at, number) in rows {
            facts.entry(agency).or_default().push(Fact::LateDelivery {
                at,
                project: number.unwrap_or_default(),
            });
        }
        let rows: Vec<(i64, NaiveDateTime, Option<String>)> = signups::table
            .inner_join(projects::table)
            .filter(signups::agency_id.eq_any(chunk))
            .filter(signups::status.eq("abandoned"))
            .select((signups::agency_id, signups::updated_at, projects::number))
            .load(conn)?;
        for (agency, at, number) in rows {
            facts.entry(agency).or_default().push(Fact::Abandoned {
                at,
                project: number.unwrap_or_default(),
            });
        }
        let rows: Vec<(i64, Option<NaiveDateTime>, Option<String>)> = objections::table
            .inner_join(signups::table.on(objections::signup_id.eq(signups::id.nullable())))
            .inner_join(projects::table)
            .filter(signups::agency_id.eq_any(chunk))
            .filter(objections::status.eq("upheld"))
            .select((signups::agency_id, objections::decided_at, projects::number))
            .load(conn)?;
        for (agency, at, number) in rows {
            if let Some(at) = at {
                facts
                    .entry(agency)
                    .or_default()
                    .push(Fact::UpheldObjection {
                        at,
                        project: number.unwrap_or_default(),
                    });
            }
        }
        let rows: Vec<(i64, Option<NaiveDateTime>, Option<String>)> = complaints::table
            .inner_join(contracts::table.inner_join(projects::table))
            .filter(complaints::agency_id.eq_any(chunk))
            .filter(complaints::status.eq("upheld"))
            .select((
                complaints::agency_id,
                complaints::decided_at,
                projects::number,
            ))
            .load(conn)?;
        for (agency, at, number) in rows {
            if let Some(at) = at {
                facts
                    .entry(agency)
                    .or_default()
                    .push(Fact::UpheldComplaint {
                        at,
                        project: number.unwrap_or_default(),
                    });
            }
        }
        let rows: Vec<(i64, NaiveDateTime, i32, String)> = credit_events::table
            .filter(credit_events::agency_id.eq_any(chunk))
            .select((
                credit_events::agency_id,
                credit_events::created_at,
                credit_events::points,
                credit_events::reason,
            ))
            .load(conn)?;
        for (agency, at, points, reason) in rows {
            facts.entry(agency).or_default().push(Fact::Adjustment {
                at,
                points: i64::from(points),
                reason,
            });
        }
    }
    Ok(facts)
}

/// The scores of these agencies at `now`.
pub fn scores_of(
    conn: &mut DbConnection,
    agency_ids: &[i64],
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, i64>> {
    let facts = facts_of(conn, agency_ids)?;
    Ok(agency_ids
        .iter()
        .map(|id| {
            (
                *id,
                score(*id, facts.get(id).map(Vec::as_slice).unwrap_or(&[]), now).score,
            )
        })
        .collect())
}

pub fn score_of(
    conn: &mut DbConnection,
    agency_id: i64,
    now: DateTime<Utc>,
) -> AppResult<CreditScore> {
    let facts = facts_of(conn, &[agency_id])?;
    Ok(score(
        agency_id,
        facts.get(&agency_id).map(Vec::as_slice).unwrap_or(&[]),
        now,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDateTime {
        Utc.with_ymd_and_hms(2026, 3, d, 2, 0, 0)
            .single()
            .expect("time")
            .naive_utc()
    }

    #[test]
    fn every_point_is_explained_and_the_score_stays_within_bounds() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 20, 0, 0, 0)
            .single()
            .expect("time");
        let facts = vec![
            Fact::Evaluation {
                at: day(2),
                rating_sum: 20,
                project: "ZJCG2026000001".into(),
            },
            Fact::Evaluation {
                at: day(3),
                rating_sum: 9,
                project: "ZJCG2026000002".into(),
            },
            Fact::LateDelivery {
                at: day(4),
                project: "ZJCG2026000002".into(),
            },
            Fact::Abandoned {
                at: day(5),
                project: "ZJCG2026000003".into(),
            },
            Fact::UpheldObjection {
                at: day(6),
                project: "ZJCG2026000004".into(),
            },
            Fact::Adjustment {
                at: day(7),
                points: 10,
                reason: "抢险项目表现突出".into(),
            },
        ];
        let s = score(7, &facts, now);
        // 80 + 4 − 1 − 3 − 5 − 5 + 10
        assert_eq!(s.score, 80);
        assert_eq!(s.history.len(), 6);
        assert_eq!(s.history[0].points, 10, "newest first");
        assert!(s
            .history
            .iter()
            .any(|l| l.points == -5 && l.explanation.contains("放弃中选, 项目 ZJCG2026000003")));
        let penalty = Fact::Adjustment {
            at: day(7),
            points: -30,
            reason: "x".into(),
        };
        let crushed = score(7, &vec![penalty; 4], now);
        assert_eq!(crushed.score, 0);
    }

    #[test]
    fn facts_older_than_a_year_no_longer_count() {
        let now = Utc
            .with_ymd_and_hms(2027, 3, 10, 0, 0, 0)
            .single()
            .expect("time");
        let s = score(
            1,
            &[Fact::Abandoned {
                at: day(5),
                project: "P".into(),
            }],
            now,
        );
        assert_eq!((s.score, s.history.len()), (80, 0));
    }
}
