//! Automatic suspension (自动暂停): the one way the credit rules suspend an
//! admitted agency, whatever rule triggered it. It moves the agency through
//! the same state machine as an administrator's suspension, names its cause
//! in the audit trail, publishes the agency to the change log (its offerings
//! leave search) and tells the agency by an in-site message.

use super::rules::{next_status, AgencyStatus, Transition};
use super::service::find_row;
use crate::db::schema::agencies;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::supervision::{journal, Actor, Event, Publish};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};

/// Why a rule suspends an agency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// 一年内投诉查实达到次数.
    UpheldComplaints { upheld: usize },
    /// The score fell below the threshold; `fact` explains the fact that did it.
    LowScore {
        score: i64,
        threshold: i64,
        fact: String,
    },
}

impl Cause {
    /// The reason shown to the agency and stored on it.
    pub fn reason_zh(&self) -> String {
        match self {
            Cause::UpheldComplaints { upheld } => {
                format!("一年内投诉查实 {upheld} 次，依规则自动暂停")
            }
            Cause::LowScore {
                score,
                threshold,
                fact,
            } => format!("信用分 {score} 分，低于 {threshold} 分（{fact}），依规则自动暂停"),
        }
    }

    /// The rule and its figures, for the audit trail.
    fn detail(&self) -> Value {
        match self {
            Cause::UpheldComplaints { upheld } => {
                json!({ "rule": "upheld_complaints", "upheld_within_a_year": upheld })
            }
            Cause::LowScore {
                score,
                threshold,
                fact,
            } => {
                json!({ "rule": "credit_score", "score": score, "threshold": threshold, "fact": fact })
            }
        }
    }
}

/// Suspends the agency for `days` when it is admitted now; returns whether it did.
/// An agency already suspended or expelled keeps its status and its period.
pub fn suspend(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    agency_id: i64,
    cause: &Cause,
    days: i64,
) -> AppResult<bool> {
    let row = find_row(conn, agency_id)?;
    let current = row.status_at(now);
    if next_status(current, Transition::Suspend) != Some(AgencyStatus::Suspended) {
        return Ok(false);
    }
    let end = now + Duration::days(days);
    let reason = cause.reason_zh();
    diesel::update(agencies::table.find(agency_id))
        .set((
            agencies::status.eq(AgencyStatus::Suspended.as_str()),
            agencies::status_reason.eq(&reason),
            agencies::status_until.eq(Some(end.naive_utc())),
            agencies::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    // The agency in the change log: its offerings leave search.
    journal(
        conn,
        now,
        &Actor::system(),
        Event {
            action: "agency.suspended",
            entity_type: "agency",
            entity_id: agency_id.to_string(),
            detail: json!({
                "from": current.as_str(),
                "to": "suspended",
                "reason": reason,
                "until": end,
                "cause": cause.detail(),
            }),
        },
        Publish::Yes,
    )?;
    crate::messages::send(
        conn,
        now,
        row.owner_user_id,
        "机构已被暂停",
        &format!(
            "{reason}，至 {}。暂停期间不能报名，服务不在检索中展示。",
            crate::web::format_time(end.naive_utc())
        ),
        "/my/agency",
    )?;
    Ok(true)
}
