//! Supervision of the marketplace: the hash-chained audit trail and the change
//! log that every state change writes in its own transaction.

pub mod audit;
pub mod audit_browser;
pub mod audit_head;
pub mod audit_routes;
pub mod changes;
pub mod credit;
pub mod credit_events;
pub mod credit_routes;
pub mod credit_rules;
pub mod dashboard;
pub mod light_alerts;
pub mod lights;
pub mod lights_filter;
pub mod lights_routes;
pub mod lights_rules;
pub mod signals;
pub mod statistics;
pub mod statistics_charts;
pub mod statistics_data;
pub mod statistics_routes;

pub use audit::{Actor, Event};

use crate::db::DbConnection;
use chrono::{DateTime, Utc};
use diesel::QueryResult;

/// Whether a journaled event also goes to the change log that search,
/// webhooks and the public feed read. Security events (logins, tokens) stay
/// in the audit trail only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publish {
    Yes,
    No,
}

/// The one helper every domain write calls inside its transaction: the audit
/// event, and the change-log row when the change is public.
pub fn journal(
    conn: &mut DbConnection,
    at: DateTime<Utc>,
    actor: &Actor,
    event: Event,
    publish: Publish,
) -> QueryResult<i64> {
    if publish == Publish::Yes {
        changes::publish(conn, at, event.entity_type, &event.entity_id, event.action)?;
    }
    audit::record(conn, at, actor, event)
}
