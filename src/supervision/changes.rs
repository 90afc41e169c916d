//! The change log: a gap-free sequence of (entity, id) rows written in the same
//! transaction as the change. Search, webhooks and the public feed each keep
//! the last number they applied and resume after it.

use crate::db::schema::{changes, log_heads};
use crate::db::{on_backend, DbConnection};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Appends one change; returns its sequence number. Call inside `Db::write`.
pub fn publish(
    conn: &mut DbConnection,
    at: DateTime<Utc>,
    entity_type: &str,
    entity_id: &str,
    action: &str,
) -> QueryResult<i64> {
    let seq: i64 = log_heads::table
        .filter(log_heads::id.eq(1))
        .select(log_heads::change_seq)
        .first::<i64>(conn)?
        + 1;
    diesel::insert_into(changes::table)
        .values((
            changes::seq.eq(seq),
            changes::occurred_at.eq(at.naive_utc()),
            changes::entity_type.eq(entity_type),
            changes::entity_id.eq(entity_id),
            changes::action.eq(action),
        ))
        .execute(conn)?;
    diesel::update(log_heads::table.filter(log_heads::id.eq(1)))
        .set(log_heads::change_seq.eq(seq))
        .execute(conn)?;
    Ok(seq)
}

/// `publish` for many entities of one kind at once, for bulk seeding: the
/// same gap-free sequence, in one read of the head, a statement per thousand
/// rows and one update of the head. Returns the last sequence number.
pub fn publish_many(
    conn: &mut DbConnection,
    at: DateTime<Utc>,
    entity_type: &str,
    entity_ids: &[String],
    action: &str,
) -> QueryResult<i64> {
    let head: i64 = log_heads::table
        .filter(log_heads::id.eq(1))
        .select(log_heads::change_seq)
        .first(conn)?;
    let rows: Vec<_> = entity_ids
        .iter()
        .zip(head + 1..)
        .map(|(id, seq)| {
            (
                changes::seq.eq(seq),
                changes::occurred_at.eq(at.naive_utc()),
                changes::entity_type.eq(entity_type),
                changes::entity_id.eq(id),
                changes::action.eq(action),
            )
        })
        .collect();
    for chunk in rows.chunks(1000) {
        on_backend!(&mut *conn, c => diesel::insert_into(changes::table).values(chunk).execute(c))?;
    }
    let last = head + entity_ids.len() as i64;
    diesel::update(log_heads::table.filter(log_heads::id.eq(1)))
        .set(log_heads::change_seq.eq(last))
        .execute(conn)?;
    Ok(last)
}
