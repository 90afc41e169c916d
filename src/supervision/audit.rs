//! The audit trail: each event stores the SHA-256 of the previous event and of
//! its own canonical content, so an edited, removed or inserted row breaks the
//! chain. `record` is the one helper domain writes call inside their
//! transaction; `verify` recomputes the chain (`zhongjie verify audit`).

use crate::db::schema::{audit_events, log_heads};
use crate::db::DbConnection;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    pub fn user(id: i64, username: &str) -> Actor {
        Actor {
            user_id: Some(id),
            label: format!("user:{username}"),
        }
    }
    pub fn anonymous() -> Actor {
        Actor {
            user_id: None,
            label: "anonymous".into(),
        }
    }
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            label: "system".into(),
        }
    }
    /// A machine client such as the approval system, by its name.
    pub fn client(name: &str) -> Actor {
        Actor {
            user_id: None,
            label: format!("client:{name}"),
        }
    }
    pub fn command_line() -> Actor {
        Actor {
            user_id: None,
            label: "cli".into(),
        }
    }
}

/// What happened, to what.
#[derive(Clone, Debug)]
pub struct Event {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub detail: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub seq: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The canonical content an event's hash covers, in a fixed field order.
#[derive(Serialize)]
struct Canonical<'a> {
    seq: i64,
    occurred_at: String,
    actor_user_id: Option<i64>,
    actor: &'a str,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    detail: &'a str,
    prev_hash: &'a str,
}

/// SHA-256 (hex) of the row's canonical content, its `prev_hash` included.
pub fn compute_hash(row: &AuditRow) -> String {
    let canonical = Canonical {
        seq: row.seq,
        occurred_at: row.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        actor_user_id: row.actor_user_id,
        actor: &row.actor,
        action: &row.action,
        entity_type: &row.entity_type,
        entity_id: &row.entity_id,
        detail: &row.detail,
        prev_hash: &row.prev_hash,
    };
    let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

/// Appends an event to the chain. Call inside the write transaction of the
/// change it records (`Db::write` holds the lock on the chain head).
pub fn record(
    conn: &mut DbConnection,
    at: DateTime<Utc>,
    actor: &Actor,
    event: Event,
) -> QueryResult<i64> {
    let (head_seq, head_hash): (i64, String) = log_heads::table
        .filter(log_heads::id.eq(1))
        .select((log_heads::audit_seq, log_heads::audit_hash))
        .first(conn)?;
    let mut row = AuditRow {
        seq: head_seq + 1,
        occurred_at: at.naive_utc(),
        actor_user_id: actor.user_id,
        actor: actor.label.clone(),
        action: event.action.to_owned(),
        entity_type: event.entity_type.to_owned(),
        entity_id: event.entity_id,
        // serde_json sorts object keys, so the stored text is already canonical.
        detail: event.detail.to_string(),
        prev_hash: head_hash,
        hash: String::new(),
    };
    row.hash = compute_hash(&row);
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    diesel::update(log_heads::table.filter(log_heads::id.eq(1)))
        .set((
            log_heads::audit_seq.eq(row.seq),
            log_heads::audit_hash.eq(&row.hash),
        ))
        .execute(conn)?;
    Ok(row.seq)
}

/// The first place where the chain does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// Walks the chain row by row in `seq` order; pure, so it is tested without a database.
#[derive(Clone, Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    last_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            last_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    /// Continues after a point already verified: `events` events, the last with `hash`.
    pub fn resume(events: i64, hash: &str) -> ChainVerifier {
        ChainVerifier {
            expected_seq: events + 1,
            last_hash: hash.to_owned(),
        }
    }

    pub fn check(&mut self, row: &AuditRow) -> Result<(), BrokenLink> {
        let broken = |reason: String| BrokenLink {
            seq: row.seq,
            reason,
        };
        if row.seq != self.expected_seq {
            return Err(BrokenLink {
                seq: self.expected_seq,
                reason: format!(
                    "事件缺失：期望序号 {}，实际为 {} (event missing)",
                    self.expected_seq, row.seq
                ),
            });
        }
        if row.prev_hash != self.last_hash {
            return Err(broken(
                "prev_hash 与前一事件的哈希不符 (prev_hash does not match the previous event)"
                    .into(),
            ));
        }
        if compute_hash(row) != row.hash {
            return Err(broken("内容与哈希不符，事件已被修改 (content does not match its hash: the event was altered)".into()));
        }
        self.expected_seq += 1;
        self.last_hash = row.hash.clone();
        Ok(())
    }

    pub fn events_checked(&self) -> i64 {
        self.expected_seq - 1
    }

    pub fn head_hash(&self) -> &str {
        &self.last_hash
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub events: i64,
    pub head_hash: String,
}

/// Recomputes the whole chain, a batch at a time, and compares its end with the stored head.
pub fn verify(conn: &mut DbConnection) -> QueryResult<Result<ChainReport, BrokenLink>> {
    verify_from(conn, ChainVerifier::default())
}

/// `verify` from where `verifier` stands: the events after a point verified
/// before, then the stored head (the public head answer verifies only the tail).
pub fn verify_from(
    conn: &mut DbConnection,
    mut verifier: ChainVerifier,
) -> QueryResult<Result<ChainReport, BrokenLink>> {
    const BATCH: i64 = 1000;
    loop {
        let rows: Vec<AuditRow> = audit_events::table
            .filter(audit_events::seq.ge(verifier.expected_seq))
            .order(audit_events::seq.asc())
            .limit(BATCH)
            .select(AuditRow::as_select())
            .load(conn)?;
        for row in &rows {
            if let Err(broken) = verifier.check(row) {
                return Ok(Err(broken));
            }
        }
        if (rows.len() as i64) < BATCH {
            break;
        }
    }
    let (head_seq, head_hash): (i64, String) = log_heads::table
        .select((log_heads::audit_seq, log_heads::audit_hash))
        .first(conn)?;
    if head_seq != verifier.events_checked() || head_hash != verifier.head_hash() {
        return Ok(Err(BrokenLink {
            seq: head_seq,
            reason: format!(
                "链头记录（序号 {head_seq}）与最后一个事件（序号 {}）不符，可能有事件被删除 (the stored head does not match the last event)",
                verifier.events_checked()
            ),
        }));
    }
    Ok(Ok(ChainReport {
        events: verifier.events_checked(),
        head_hash: verifier.last_hash,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRow> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let mut row = AuditRow {
                    seq,
                    occurred_at: DateTime::from_timestamp(1_770_000_000 + seq, 0)
                        .unwrap()
                        .naive_utc(),
                    actor_user_id: Some(7),
                    actor: "user:alice".into(),
                    action: "user.registered".into(),
                    entity_type: "user".into(),
                    entity_id: seq.to_string(),
                    detail: r#"{"role":"applicant"}"#.into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                row.hash = compute_hash(&row);
                prev = row.hash.clone();
                row
            })
            .collect()
    }

    fn verify_rows(rows: &[AuditRow]) -> Result<i64, BrokenLink> {
        let mut verifier = ChainVerifier::default();
        for row in rows {
            verifier.check(row)?;
        }
        Ok(verifier.events_checked())
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify_rows(&chain(5)), Ok(5));
    }

    #[test]
    fn a_resumed_verifier_checks_only_the_tail() {
        let rows = chain(5);
        let mut verifier = ChainVerifier::resume(3, &rows[2].hash);
        for row in &rows[3..] {
            assert_eq!(verifier.check(row), Ok(()));
        }
        assert_eq!(verifier.events_checked(), 5);
        let mut wrong = ChainVerifier::resume(3, &rows[1].hash);
        assert_eq!(wrong.check(&rows[3]).unwrap_err().seq, 4);
    }

    #[test]
    fn an_edited_detail_is_found_at_its_event() {
        let mut rows = chain(5);
        rows[2].detail = r#"{"role":"admin"}"#.into();
        assert_eq!(verify_rows(&rows).unwrap_err().seq, 3);
    }

    #[test]
    fn an_edited_row_with_a_recomputed_hash_breaks_the_next_link() {
        let mut rows = chain(5);
        rows[1].actor = "user:mallory".into();
        rows[1].hash = compute_hash(&rows[1]);
        assert_eq!(verify_rows(&rows).unwrap_err().seq, 3);
    }

    #[test]
    fn a_removed_event_is_named() {
        let mut rows = chain(5);
        rows.remove(3);
        assert_eq!(verify_rows(&rows).unwrap_err().seq, 4);
    }

    #[test]
    fn the_hash_covers_every_field() {
        let base = chain(1).remove(0);
        let edits: Vec<fn(&mut AuditRow)> = vec![
            |r| r.seq += 1,
            |r| r.occurred_at += chrono::Duration::microseconds(1),
            |r| r.actor_user_id = None,
            |r| r.actor.push('x'),
            |r| r.action.push('x'),
            |r| r.entity_type.push('x'),
            |r| r.entity_id.push('x'),
            |r| r.detail.push(' '),
            |r| r.prev_hash = "1".repeat(64),
        ];
        for edit in edits {
            let mut row = base.clone();
            edit(&mut row);
            assert_ne!(compute_hash(&row), base.hash);
        }
    }
}
