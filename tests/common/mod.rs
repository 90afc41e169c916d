//! The test app: the real server on a random port, on a fresh database
//! (a SQLite file in a temporary directory, or a new PostgreSQL database made
//! from a migrated template when `TEST_DATABASE_URL` is set), with a clock the
//! test moves. Helpers are named after what people do.
#![allow(dead_code)]

pub mod approvals;
pub mod contracts;
pub mod html;
pub mod postgres;
pub mod projects;
pub mod supply;

use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::oneshot;
use zhongjie::app::{self, Server};
use zhongjie::clock::ManualClock;
use zhongjie::config::Settings;
use zhongjie::db::Db;

/// Monday 2 March 2026, 09:00 in Beijing: an ordinary working morning.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0)
        .single()
        .expect("valid start time")
}

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    pub clock: ManualClock,
    pub database_url: String,
    pub db: Db,
    pub search: Arc<zhongjie::search::SearchService>,
    /// The project rules the server runs with, for the scheduler the tests run.
    pub project_rules: zhongjie::config::ProjectRules,
    /// The credit rules the server runs with, for the same scheduler.
    pub credit_rules: zhongjie::config::CreditRules,
    settings: Settings,
    /// The server's state, for what the binary does besides serving (the demo seeding).
    pub state: app::AppState,
    shutdown: Option<oneshot::Sender<()>>,
    /// Data directories of servers started by `restart`.
    restarted_dirs: Vec<tempfile::TempDir>,
    _dir: tempfile::TempDir,
    postgres: Option<postgres::FreshDatabase>,
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_settings(|_| {}).await
    }

    /// A test app with some settings changed (e.g. the search sync running by itself).
    pub async fn with_settings(change: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let postgres = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .map(|admin_url| postgres::FreshDatabase::create(&admin_url));
        let database_url = match &postgres {
            Some(fresh) => fresh.url.clone(),
            None => Settings::default_database_url(dir.path()),
        };
        let mut settings = Settings::new(
            "127.0.0.1:0".parse().expect("address"),
            database_url.clone(),
            dir.path().to_path_buf(),
        );
        settings.db_pool_size = 4;
        // Tests run the watch themselves, at the moments they choose.
        settings.watch_interval = None;
        settings.search_interval = None;
        settings.schedule_interval = None;
        settings.webhook_interval = None;
        change(&mut settings);
        // Failed logins are still slowed, by less, so the suite stays quick.
        settings.login_throttle.base_delay = std::time::Duration::from_millis(5);
        settings.login_throttle.max_delay = std::time::Duration::from_millis(20);

        let project_rules = settings.projects.clone();
        let credit_rules = settings.credit.clone();
        let kept = settings.clone();
        let prepared = settings.clone();
        let db = tokio::task::spawn_blocking(move || app::prepare_database(&prepared))
            .await
            .expect("join")
            .expect("database prepared");
        let clock = ManualClock::new(start_time());
        let state = app::state(settings, db.clone(), Arc::new(clock.clone())).expect("state");
        let search = state.search.clone();
        let server = Server::bind(state.clone()).await.expect("bind");
        let addr = server.local_addr().expect("address");
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(server.serve(async {
            let _ = rx.await;
        }));
        TestApp {
            base: format!("http://{addr}"),
            clock,
            database_url,
            db,
            search,
            project_rules,
            credit_rules,
            settings: kept,
            state,
            shutdown: Some(tx),
            restarted_dirs: Vec::new(),
            _dir: dir,
            postgres,
        }
    }

    /// Stops the server and starts another on the same database, as after a
    /// crash or a deploy: only what was stored carries over. The new server
    /// keeps its files (search index, uploads) in a fresh directory, since
    /// the old index stays locked while this test holds it.
    pub async fn restart(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut settings = self.settings.clone();
        settings.data_dir = dir.path().to_path_buf();
        let prepared = settings.clone();
        let db = tokio::task::spawn_blocking(move || app::prepare_database(&prepared))
            .await
            .expect("join")
            .expect("database prepared");
        let state = app::state(settings, db.clone(), Arc::new(self.clock.clone())).expect("state");
        let server = Server::bind(state.clone()).await.expect("bind");
        let addr = server.local_addr().expect("address");
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(server.serve(async {
            let _ = rx.await;
        }));
        self.base = format!("http://{addr}");
        self.state = state;
        self.db = db;
        self.shutdown = Some(tx);
        self.restarted_dirs.push(dir);
    }

    /// One pass of the webhook sender at the test's clock, with its timeout.
    pub async fn run_webhooks(&self) -> zhongjie::webhooks::dispatch::DispatchReport {
        let client = zhongjie::webhooks::dispatch::client(self.settings.webhook_timeout);
        let now = zhongjie::clock::Clock::now(&self.clock);
        zhongjie::webhooks::dispatch::run_once(&self.db, &client, now)
            .await
            .expect("webhook pass")
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Brings the search index up to the end of the change log, as the
    /// server's background sync does.
    pub async fn sync_search(&self) -> usize {
        let (db, search) = (self.db.clone(), self.search.clone());
        let now = zhongjie::clock::Clock::now(&self.clock);
        tokio::task::spawn_blocking(move || {
            zhongjie::search::sync::catch_up_fully(&db, &search, now)
        })
        .await
        .expect("join")
        .expect("search sync")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub async fn register(&self, body: Value) -> Response {
        self.client()
            .post(self.url("/api/v1/users"))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// An applicant organisation registers and logs in.
    pub async fn applicant(&self, username: &str) -> TestUser {
        self.registered_user(
            username,
            "applicant",
            Some(("南昌某建设有限公司", "91360102MA35ABCD40")),
        )
        .await
    }

    /// An agency user registers and logs in.
    pub async fn agency_user(&self, username: &str) -> TestUser {
        self.registered_user(
            username,
            "agency",
            Some(("某环境咨询有限公司", "91350100M000100Y43")),
        )
        .await
    }

    pub async fn registered_user(
        &self,
        username: &str,
        role: &str,
        organization: Option<(&str, &str)>,
    ) -> TestUser {
        let mut body = json!({
            "username": username,
            "password": PASSWORD,
            "display_name": format!("{username} 的姓名"),
            "role": role,
        });
        if let Some((name, uscc)) = organization {
            body["organization"] = json!({ "name": name, "uscc": uscc });
        }
        let response = self.register(body).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "registering {username}"
        );
        self.log_in(username, PASSWORD).await
    }

    /// An administrator, made the only way one can be: as `zhongjie admin create` does.
    pub async fn admin(&self, username: &str) -> TestUser {
        let db = self.db.clone();
        let now = self.clock.clone();
        let name = username.to_owned();
        tokio::task::spawn_blocking(move || {
            use zhongjie::clock::Clock;
            zhongjie::accounts::service::create_admin(&db, now.now(), &name, "中心管理员", PASSWORD)
        })
        .await
        .expect("join")
        .expect("admin created");
        self.log_in(username, PASSWORD).await
    }

    pub async fn log_in(&self, username: &str, password: &str) -> TestUser {
        let client = self.client();
        let response = client
            .post(self.url("/api/v1/sessions"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "logging in as {username}"
        );
        let body: Value = response.json().await.expect("json");
        TestUser {
            base: self.base.clone(),
            client,
            csrf: body["session"]["csrf_token"]
                .as_str()
                .expect("csrf token")
                .to_owned(),
            id: body["session"]["user"]["id"].as_i64().expect("user id"),
            username: username.to_owned(),
        }
    }

    pub async fn try_log_in(&self, username: &str, password: &str) -> Response {
        self.client()
            .post(self.url("/api/v1/sessions"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A logged-in person with their own cookie jar and CSRF token.
pub struct TestUser {
    pub base: String,
    pub client: Client,
    pub csrf: String,
    pub id: i64,
    pub username: String,
}

impl TestUser {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .header("X-CSRF-Token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put_json(&self, path: &str, body: Value) -> Response {
        self.client
            .put(self.url(path))
            .header("X-CSRF-Token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch_json(&self, path: &str, body: Value) -> Response {
        self.client
            .patch(self.url(path))
            .header("X-CSRF-Token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .header("X-CSRF-Token", &self.csrf)
            .send()
            .await
            .expect("request")
    }

    /// Creates a personal API token and returns (id, secret).
    pub async fn create_token(&self, name: &str) -> (i64, String) {
        let response = self
            .post_json("/api/v1/tokens", json!({ "name": name }))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.expect("json");
        (
            body["token"]["id"].as_i64().expect("id"),
            body["token"]["secret"].as_str().expect("secret").to_owned(),
        )
    }
}

/// Reads a problem+json answer, checking its content type.
pub async fn problem(response: Response) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.expect("problem json")
}

/// The fields a problem names.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
