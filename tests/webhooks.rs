//! Webhooks through real HTTP: a receiver started by the test gets every
//! approval event although it refuses connections, answers 503, hangs past
//! the timeout, and zhongjie restarts in between. It checks each signature
//! itself, sees each event id at least once and acts on each once — also
//! when an administrator replays a delivery.

mod common;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use chrono::Duration;
use common::approvals::{investment_project, CODE};
use common::contracts::{accepted_contract, awarded_with};
use common::{fields, problem, TestUser};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

/// What the receiver does with the next request.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    Refuse,
    Hang,
}

#[derive(Default)]
struct Log {
    script: VecDeque<Behaviour>,
    secret: String,
    /// Every request: its event id and whether its signature verified.
    seen: Vec<(String, bool)>,
    /// Event ids acted upon, once each.
    acted: HashSet<String>,
    acts: usize,
}

type Shared = Arc<Mutex<Log>>;

/// The receiver's own check, written from the documented header format.
fn verified(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let timestamp = header("x-zhongjie-timestamp");
    let Some(sent) = header("x-zhongjie-signature")
        .strip_prefix("v1=")
        .map(str::to_owned)
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    hex::decode(sent).is_ok_and(|bytes| mac.verify_slice(&bytes).is_ok())
}

async fn receive(State(log): State<Shared>, headers: HeaderMap, body: Bytes) -> AxumStatus {
    let behaviour = log.lock().unwrap().script.pop_front();
    match behaviour {
        Some(Behaviour::Refuse) => return AxumStatus::SERVICE_UNAVAILABLE,
        Some(Behaviour::Hang) => {
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            return AxumStatus::OK;
        }
        None => {}
    }
    let mut log = log.lock().unwrap();
    let ok = verified(&log.secret, &headers, &body);
    let id = headers
        .get("x-zhongjie-event-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    assert_eq!(payload["id"], json!(id), "the body names the same event");
    log.seen.push((id.clone(), ok));
    if !ok {
        return AxumStatus::UNAUTHORIZED;
    }
    // De-duplicate by event id: a repeated delivery is acknowledged, not acted on.
    if log.acted.insert(id) {
        log.acts += 1;
    }
    AxumStatus::NO_CONTENT
}

/// Starts the receiver on a port reserved earlier (until then, connections are refused).
async fn start_receiver(port: u16, log: Shared) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("receiver port");
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(log);
    tokio::spawn(async move { axum::serve(listener, app).await });
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

async fn register(admin: &TestUser, url: &str) -> (i64, String) {
    let created = admin
        .post_json(
            "/api/v1/webhooks",
            json!({ "url": url, "description": "省投资项目在线审批监管平台" }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let body = json_of(created).await;
    (
        body["webhook"]["id"].as_i64().unwrap(),
        body["secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn every_event_arrives_signed_despite_refusals_timeouts_and_a_restart() {
    let mut a = awarded_with(|s| s.webhook_timeout = std::time::Duration::from_millis(300)).await;
    let admin = a.app.log_in("centre", common::PASSWORD).await;
    let port = free_port();
    let (endpoint, secret) = register(&admin, &format!("http://127.0.0.1:{port}/hook")).await;
    let log: Shared = Arc::new(Mutex::new(Log {
        secret,
        script: VecDeque::from([Behaviour::Refuse, Behaviour::Hang]),
        ..Log::default()
    }));
    let system = a
        .app
        .machine("并联审批系统", &["approvals:read", "approvals:write"])
        .await;
    system
        .put(
            &format!("/api/v1/investment-projects/{CODE}"),
            investment_project(),
        )
        .await;
    let contract = accepted_contract(&a).await;

    // Nobody listens yet: the connection is refused.
    let first = a.app.run_webhooks().await;
    assert_eq!((first.enqueued, first.failed_attempts), (1, 1));
    start_receiver(port, log.clone()).await;
    // 503, then an answer slower than the timeout: both tried again later.
    a.app.advance(Duration::seconds(10));
    assert_eq!(a.app.run_webhooks().await.failed_attempts, 1);
    a.app.advance(Duration::seconds(30));
    assert_eq!(a.app.run_webhooks().await.failed_attempts, 1);
    assert_eq!(
        a.app.run_webhooks().await.failed_attempts,
        0,
        "nothing is due before its backoff"
    );

    // zhongjie restarts; an administrator then withdraws the accepted work: the step reopens.
    a.app.restart().await;
    let admin = a.app.log_in("centre", common::PASSWORD).await;
    let withdrawn = admin
        .post_json(
            &format!("/api/v1/contracts/{contract}/stoppages"),
            json!({ "action": "terminate", "reason": "成果经核查存在造假，撤销验收结论。" }),
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::CREATED);
    a.app.advance(Duration::seconds(60));
    let report = a.app.run_webhooks().await;
    assert_eq!((report.enqueued, report.delivered), (1, 2));

    // An administrator replays the first delivery: it arrives again and is not acted on twice.
    let deliveries = json_of(
        admin
            .get(&format!("/api/v1/webhooks/{endpoint}/deliveries"))
            .await,
    )
    .await;
    let list = deliveries["deliveries"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let completed = list
        .iter()
        .find(|d| d["event_type"] == "step.completed")
        .unwrap();
    assert_eq!(completed["status"], "delivered");
    assert_eq!(completed["attempts"], 4, "refused, 503, timeout, delivered");
    assert_eq!(completed["last_status_code"], 204);
    let replayed = admin
        .post_json(
            &format!("/api/v1/webhook-deliveries/{}/replay", completed["id"]),
            json!({}),
        )
        .await;
    assert_eq!(replayed.status(), StatusCode::OK);
    assert_eq!(a.app.run_webhooks().await.delivered, 1);

    let log = log.lock().unwrap();
    let ids: Vec<&str> = log.seen.iter().map(|(id, _)| id.as_str()).collect();
    assert!(
        log.seen.iter().all(|(_, ok)| *ok),
        "every signature verifies"
    );
    assert_eq!(ids.len(), 3, "two events, one of them replayed: {ids:?}");
    assert_eq!(ids[0], ids[2]);
    assert_eq!(log.acts, 2, "each event acted on once");
}

#[tokio::test]
async fn only_admins_register_endpoints_and_bad_urls_are_named() {
    let a = awarded_with(|_| {}).await;
    let admin = a.app.log_in("centre", common::PASSWORD).await;
    let hook = json!({ "url": "https://spxt.example.gov.cn/hooks" });
    assert_eq!(
        a.applicant
            .post_json("/api/v1/webhooks", hook.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let system = a.app.machine("并联审批系统", &["approvals:write"]).await;
    let by_system = system
        .client
        .post(format!("{}/api/v1/webhooks", system.base))
        .bearer_auth(&system.token)
        .json(&hook)
        .send()
        .await
        .unwrap();
    assert_eq!(by_system.status(), StatusCode::UNAUTHORIZED);
    let bad = admin
        .post_json(
            "/api/v1/webhooks",
            json!({ "url": "spxt.example.gov.cn/hooks" }),
        )
        .await;
    assert_eq!(fields(&problem(bad).await), ["url"]);
    let listed = json_of(admin.get("/api/v1/webhooks").await).await;
    assert!(
        listed["webhooks"].as_array().unwrap().is_empty(),
        "nothing was stored"
    );
    assert_eq!(
        admin
            .post_json("/api/v1/webhook-deliveries/999/replay", json!({}))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
