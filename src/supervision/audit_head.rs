//! The audit chain's head and whether the chain verifies.
//!
//! Verifying the whole chain costs a read of every event, too much for a
//! public endpoint anyone may call in a loop. The last verified point is kept
//! in `audit_checkpoints` (one row, shared by every node), so the public head
//! verifies only the events after it and the checkpoint's own hash; the
//! administrators' page verifies the whole chain, as `zhongjie verify audit` does.

use super::audit::{self, AuditRow, ChainVerifier, GENESIS_HASH};
use crate::db::schema::{audit_checkpoints, audit_events, log_heads};
use crate::db::DbConnection;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

/// The chain's head and whether the chain up to it verifies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct HeadView {
    pub seq: i64,
    pub hash: String,
    pub verified: bool,
    /// How many events the chain holds (the head's `seq`: sequence numbers have no gaps).
    pub events: i64,
    /// Where the chain breaks, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HeadEnvelope {
    pub head: HeadView,
}

fn stored_head(conn: &mut DbConnection) -> QueryResult<(i64, String)> {
    log_heads::table
        .filter(log_heads::id.eq(1))
        .select((log_heads::audit_seq, log_heads::audit_hash))
        .first(conn)
}

/// The last verified point, if its event still carries the hash it had.
fn checkpoint(conn: &mut DbConnection) -> QueryResult<ChainVerifier> {
    let point: Option<(i64, String)> = audit_checkpoints::table
        .filter(audit_checkpoints::id.eq(1))
        .select((audit_checkpoints::seq, audit_checkpoints::hash))
        .first(conn)
        .optional()?;
    let Some((seq, hash)) = point else {
        return Ok(ChainVerifier::default());
    };
    let still: Option<AuditRow> = audit_events::table
        .filter(audit_events::seq.eq(seq))
        .select(AuditRow::as_select())
        .first(conn)
        .optional()?;
    Ok(match still {
        Some(row) if row.hash == hash && audit::compute_hash(&row) == hash => {
            ChainVerifier::resume(seq, &hash)
        }
        // Changed since it was verified: start again from the beginning.
        _ => ChainVerifier::default(),
    })
}

/// Moves the checkpoint forward (never back): a housekeeping write, not journaled.
fn save_checkpoint(
    conn: &mut DbConnection,
    seq: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let moved = diesel::update(
        audit_checkpoints::table
            .filter(audit_checkpoints::id.eq(1))
            .filter(audit_checkpoints::seq.lt(seq)),
    )
    .set((
        audit_checkpoints::seq.eq(seq),
        audit_checkpoints::hash.eq(hash),
        audit_checkpoints::verified_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    if moved == 0 {
        let inserted = diesel::insert_into(audit_checkpoints::table)
            .values((
                audit_checkpoints::id.eq(1),
                audit_checkpoints::seq.eq(seq),
                audit_checkpoints::hash.eq(hash),
                audit_checkpoints::verified_at.eq(now.naive_utc()),
            ))
            .execute(conn);
        match inserted {
            // Already there, at this point or further: another reader moved it.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            other => {
                other?;
            }
        }
    }
    Ok(())
}

/// The head, verified from the checkpoint (`full`: from the first event).
pub fn head(conn: &mut DbConnection, now: DateTime<Utc>, full: bool) -> AppResult<HeadView> {
    let start = if full {
        ChainVerifier::default()
    } else {
        checkpoint(conn)?
    };
    let report = audit::verify_from(conn, start)?;
    let (seq, hash) = stored_head(conn)?;
    Ok(match report {
        Ok(report) => {
            if report.events > 0 {
                save_checkpoint(conn, report.events, &report.head_hash, now)?;
            }
            HeadView {
                seq,
                hash,
                verified: true,
                events: report.events,
                broken_at: None,
            }
        }
        Err(broken) => {
            if full {
                // A break before the checkpoint: the public head must see it too,
                // so its next call verifies from the first event again.
                diesel::delete(audit_checkpoints::table).execute(conn)?;
            }
            HeadView {
                seq,
                hash: if seq == 0 {
                    GENESIS_HASH.to_owned()
                } else {
                    hash
                },
                verified: false,
                events: seq,
                broken_at: Some(broken.seq),
            }
        }
    })
}
