//! Delivery of approval events to the registered endpoints, at least once.
//!
//! Two steps per pass. *Enqueue*: the change log is read after the stored
//! cursor; each approval event becomes one delivery row per active endpoint,
//! and the cursor moves — in one transaction, so a crash loses nothing and
//! repeats nothing. *Send*: due deliveries are claimed with a short lease
//! (so another node leaves them alone), posted with their signature, and
//! marked delivered or given a later attempt. A crash between sending and
//! marking sends again: receivers de-duplicate by the event id.

use super::rules::{after_attempt, signature, Next, LEASE_SECONDS};
use crate::app::AppState;
use crate::db::schema::{approval_events, changes, webhook_deliveries, webhook_endpoints};
use crate::db::{settings, Db};
use crate::error::AppResult;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

const CURSOR: &str = "webhooks.cursor";
/// Changes read per pass, and deliveries sent per pass.
const BATCH: i64 = 500;
const SENDS: i64 = 50;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DispatchReport {
    pub enqueued: usize,
    pub delivered: usize,
    pub failed_attempts: usize,
    pub given_up: usize,
}

/// Turns new approval events on the change log into deliveries.
pub async fn enqueue(db: &Db, now: DateTime<Utc>) -> AppResult<usize> {
    db.write(move |conn| {
        let cursor: i64 = settings::get(conn, CURSOR)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let batch: Vec<(i64, String, String)> = changes::table
            .filter(changes::seq.gt(cursor))
            .order(changes::seq.asc())
            .limit(BATCH)
            .select((changes::seq, changes::entity_type, changes::entity_id))
            .load(conn)?;
        let Some(last) = batch.last().map(|(seq, _, _)| *seq) else {
            return Ok(0);
        };
        let endpoints: Vec<i64> = webhook_endpoints::table
            .filter(webhook_endpoints::disabled_at.is_null())
            .select(webhook_endpoints::id)
            .load(conn)?;
        let mut enqueued = 0;
        for (_, entity_type, entity_id) in batch.iter().filter(|(_, t, _)| t == "approval_event") {
            let Ok(event) = entity_id.parse::<i64>() else {
                tracing::warn!(
                    entity_type,
                    entity_id,
                    "approval event with a non-numeric id"
                );
                continue;
            };
            for endpoint in &endpoints {
                let exists: i64 = webhook_deliveries::table
                    .filter(webhook_deliveries::endpoint_id.eq(endpoint))
                    .filter(webhook_deliveries::event_id.eq(event))
                    .count()
                    .get_result(conn)?;
                if exists > 0 {
                    continue;
                }
                diesel::insert_into(webhook_deliveries::table)
                    .values((
                        webhook_deliveries::endpoint_id.eq(endpoint),
                        webhook_deliveries::event_id.eq(event),
                        webhook_deliveries::status.eq("pending"),
                        webhook_deliveries::attempts.eq(0),
                        webhook_deliveries::next_attempt_at.eq(now.naive_utc()),
                        webhook_deliveries::created_at.eq(now.naive_utc()),
                    ))
                    .execute(conn)?;
                enqueued += 1;
            }
        }
        settings::put(conn, CURSOR, &last.to_string())?;
        Ok(enqueued)
    })
    .await
}

/// One delivery ready to send.
struct Outgoing {
    id: i64,
    attempts: i32,
    url: String,
    secret: String,
    event_id: i64,
    kind: String,
    payload: String,
}

/// A due delivery with its endpoint and event, as read before claiming.
type DueRow = (
    i64,
    i32,
    Option<NaiveDateTime>,
    String,
    String,
    i64,
    String,
    String,
);

/// Claims due deliveries: each is leased to this pass by moving its next
/// attempt past the lease, under the condition that nobody else did first.
async fn claim(db: &Db, now: DateTime<Utc>) -> AppResult<Vec<Outgoing>> {
    db.write(move |conn| {
        let due: Vec<DueRow> = webhook_deliveries::table
            .inner_join(webhook_endpoints::table)
            .inner_join(approval_events::table)
            .filter(webhook_deliveries::status.eq("pending"))
            .filter(webhook_deliveries::next_attempt_at.le(now.naive_utc()))
            .filter(webhook_endpoints::disabled_at.is_null())
            .order(webhook_deliveries::id.asc())
            .limit(SENDS)
            .select((
                webhook_deliveries::id,
                webhook_deliveries::attempts,
                webhook_deliveries::next_attempt_at,
                webhook_endpoints::url,
                webhook_endpoints::secret,
                approval_events::id,
                approval_events::kind,
                approval_events::payload,
            ))
            .load(conn)?;
        let lease = (now + Duration::seconds(LEASE_SECONDS)).naive_utc();
        let mut claimed = Vec::new();
        for (id, attempts, next, url, secret, event_id, kind, payload) in due {
            let taken = diesel::update(
                webhook_deliveries::table
                    .find(id)
                    .filter(webhook_deliveries::next_attempt_at.eq(next)),
            )
            .set(webhook_deliveries::next_attempt_at.eq(lease))
            .execute(conn)?;
            if taken == 1 {
                claimed.push(Outgoing {
                    id,
                    attempts,
                    url,
                    secret,
                    event_id,
                    kind,
                    payload,
                });
            }
        }
        Ok(claimed)
    })
    .await
}

/// Posts one delivery; the status code, or the error when there was no answer.
async fn post(
    client: &reqwest::Client,
    now: DateTime<Utc>,
    out: &Outgoing,
) -> (Option<u16>, Option<String>) {
    let timestamp = now.timestamp();
    let sent = client
        .post(&out.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Zhongjie-Event-Id", out.event_id.to_string())
        .header("X-Zhongjie-Event-Type", &out.kind)
        .header("X-Zhongjie-Timestamp", timestamp.to_string())
        .header(
            "X-Zhongjie-Signature",
            signature(&out.secret, timestamp, out.payload.as_bytes()),
        )
        .body(out.payload.clone())
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            let error = (!response.status().is_success()).then(|| format!("HTTP {status}"));
            (Some(status), error)
        }
        Err(e) if e.is_timeout() => (None, Some("timeout".into())),
        Err(e) if e.is_connect() => (None, Some("connection refused".into())),
        Err(e) => (None, Some(e.to_string())),
    }
}

/// Records what an attempt came to.
async fn settle(
    db: &Db,
    now: DateTime<Utc>,
    out: &Outgoing,
    status: Option<u16>,
    error: Option<String>,
) -> AppResult<Next> {
    let attempts = out.attempts + 1;
    let next = after_attempt(status, attempts);
    let id = out.id;
    db.write(move |conn| {
        let code = status.map(i32::from);
        let base = webhook_deliveries::table.find(id);
        let common = (
            webhook_deliveries::attempts.eq(attempts),
            webhook_deliveries::last_attempt_at.eq(now.naive_utc()),
            webhook_deliveries::last_status_code.eq(code),
            webhook_deliveries::last_error.eq(&error),
        );
        match next {
            Next::Delivered => diesel::update(base)
                .set((
                    common,
                    webhook_deliveries::status.eq("delivered"),
                    webhook_deliveries::delivered_at.eq(now.naive_utc()),
                    webhook_deliveries::next_attempt_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?,
            Next::Retry(wait) => diesel::update(base)
                .set((
                    common,
                    webhook_deliveries::next_attempt_at.eq((now + wait).naive_utc()),
                ))
                .execute(conn)?,
            Next::GiveUp => diesel::update(base)
                .set((
                    common,
                    webhook_deliveries::status.eq("failed"),
                    webhook_deliveries::next_attempt_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?,
        };
        Ok(next)
    })
    .await
}

/// One pass: enqueue what is new, send what is due.
pub async fn run_once(
    db: &Db,
    client: &reqwest::Client,
    now: DateTime<Utc>,
) -> AppResult<DispatchReport> {
    let mut report = DispatchReport {
        enqueued: enqueue(db, now).await?,
        ..DispatchReport::default()
    };
    for out in claim(db, now).await? {
        let (status, error) = post(client, now, &out).await;
        if let Some(error) = &error {
            tracing::info!(
                delivery = out.id,
                event = out.event_id,
                error,
                "webhook attempt failed"
            );
        }
        match settle(db, now, &out, status, error).await? {
            Next::Delivered => report.delivered += 1,
            Next::Retry(_) => report.failed_attempts += 1,
            Next::GiveUp => report.given_up += 1,
        }
    }
    Ok(report)
}

/// The HTTP client deliveries go out with: a bounded wait for each answer.
pub fn client(timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        // Building fails only without a TLS backend, which is compiled in.
        .expect("the webhook HTTP client")
}

/// Runs passes forever at `every`; errors are logged, the next pass tries again.
pub async fn run_forever(state: AppState, every: std::time::Duration) {
    let client = client(state.settings.webhook_timeout);
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = run_once(&state.db, &client, state.now()).await {
            tracing::warn!(error = %e, "webhook pass failed");
        }
    }
}
