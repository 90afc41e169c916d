//! Helpers for projects: an eligible agency, a project form, a project
//! published through review, and the scheduler run at the test's clock.

use super::{TestApp, TestUser};
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// 地形图测绘: needs a surveying certificate of grade 乙 or better.
pub const TOPO: &str = "ZJ027";

/// A random draw at a fixed price, sign-ups until `deadline`.
pub fn project_form(item: i64, deadline: DateTime<Utc>) -> Value {
    json!({
        "service_item_id": item,
        "title": "赣江新区某安置房项目地形图测绘",
        "investment_code": "2103-360102-04-01-123456",
        "region_code": "360102",
        "scale_kind": "area",
        "scale_area": "35.5",
        "scale_unit": "mu",
        "fiscal_share_percent": 100,
        "service_content": "1:500 地形图测绘约 35 亩，提交成果图与技术报告。",
        "service_days": 20,
        "method": "random",
        "price_mode": "fixed",
        "amount_fen": 4_800_000,
        "contact_name": "王工",
        "contact_phone": "0791-86888888",
        "complaint_phone": "12345",
        "signup_deadline": deadline.to_rfc3339(),
    })
}

/// The sign-up deadline the page helpers use: Thursday 12 March 2026, 09:00 in
/// Beijing, ten days after the test clock starts (more than 3 working days).
pub const DEADLINE_LOCAL: &str = "2026-03-12T09:00";
pub const DEADLINE_UTC: &str = "2026-03-12T01:00:00Z";

/// The fields of the project form for a bidding project (quotes between 10,000
/// and 50,000 yuan) for an item, as typed on the page.
pub fn bidding_form(item: i64, title: &str) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = vec![
        ("service_item_id", item.to_string()),
        ("title", title.to_owned()),
        ("investment_code", String::new()),
        ("region_code", "360102".into()),
        ("scale_kind", "amount".into()),
        ("scale_amount_yuan", "12,500,000".into()),
        ("scale_area", String::new()),
        ("scale_unit", "m2".into()),
        ("fiscal_share_percent", "100".into()),
        (
            "service_content",
            "按《工程测量标准》开展 1:500 地形图测绘，提交成果图与技术报告。".into(),
        ),
        ("service_days", "30".into()),
        ("method", "bidding".into()),
        ("price_mode", "amount".into()),
        ("amount_yuan", String::new()),
        ("floor_yuan", "10000".into()),
        ("ceiling_yuan", "50000".into()),
        ("rate_min_percent", String::new()),
        ("rate_max_percent", String::new()),
        ("weight_price", String::new()),
        ("weight_credit", String::new()),
        ("weight_time", String::new()),
        ("qualification_mode", String::new()),
        ("contact_name", "王工".into()),
        ("contact_phone", "0791-86888888".into()),
        ("complaint_phone", "12345".into()),
        ("signup_deadline", DEADLINE_LOCAL.into()),
        ("selection_at", String::new()),
        ("direct_agency_id", String::new()),
        ("direct_reason", String::new()),
    ];
    for _ in 0..3 {
        fields.push(("avoid_agency_id", String::new()));
        fields.push(("avoid_reason", String::new()));
    }
    fields
}

/// The same bidding project as the API takes it.
pub fn bidding_json(item: i64, title: &str) -> Value {
    json!({
        "service_item_id": item,
        "title": title,
        "region_code": "360102",
        "scale_kind": "amount",
        "scale_amount_fen": 1_250_000_000i64,
        "fiscal_share_percent": 100,
        "service_content": "按《工程测量标准》开展 1:500 地形图测绘，提交成果图与技术报告。",
        "service_days": 30,
        "method": "bidding",
        "price_mode": "amount",
        "floor_fen": 1_000_000,
        "ceiling_fen": 5_000_000,
        "contact_name": "王工",
        "contact_phone": "0791-86888888",
        "complaint_phone": "12345",
        "signup_deadline": DEADLINE_UTC,
    })
}

/// Sets a form field (the first of that name).
pub fn set(fields: &mut [(&'static str, String)], name: &str, value: &str) {
    let field = fields
        .iter_mut()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    field.1 = value.to_owned();
}

/// The project id in a redirect to its page (`/projects/{id}?done=...`).
pub fn project_id_in(location: &str) -> i64 {
    location
        .trim_start_matches("/projects/")
        .split(['?', '/'])
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no project id in {location}"))
}

impl TestApp {
    pub fn now(&self) -> DateTime<Utc> {
        zhongjie::clock::Clock::now(&self.clock)
    }

    /// Ten days after the start: comfortably more than three working days.
    pub fn deadline(&self) -> DateTime<Utc> {
        self.now() + Duration::days(10)
    }

    /// Runs one pass of the project scheduler at the app's clock.
    pub async fn run_scheduler(&self) -> zhongjie::projects::scheduler::ScheduleReport {
        let calendar = zhongjie::calendar::load(&self.db).await.expect("calendar");
        let (db, now) = (self.db.clone(), self.now());
        let (rules, credit) = (self.project_rules.clone(), self.credit_rules.clone());
        let report = tokio::task::spawn_blocking(move || {
            zhongjie::projects::scheduler::run_once(&db, now, &calendar, &rules, &credit)
        })
        .await
        .expect("join")
        .expect("scheduler pass");
        assert!(
            report.failed.is_empty(),
            "scheduler failures: {:?}",
            report.failed
        );
        report
    }

    /// Logs the person in again: moving the clock by days ends their session.
    pub async fn again(&self, user: &TestUser) -> TestUser {
        self.log_in(&user.username, super::PASSWORD).await
    }

    /// An admitted agency with a verified surveying certificate and a
    /// published 地形图测绘 offering: it may sign up for TOPO projects.
    pub async fn eligible_agency(
        &self,
        username: &str,
        n: u32,
        admin: &TestUser,
    ) -> (TestUser, i64) {
        let (user, id) = self.admitted_agency(username, n, admin).await;
        self.verified_surveying(&user, id, admin, "2030-12-31")
            .await;
        let item = self.item_id(TOPO).await;
        let offering = user
            .post_json(
                "/api/v1/offerings",
                super::supply::offering_form(item, "published"),
            )
            .await;
        assert_eq!(
            offering.status(),
            StatusCode::CREATED,
            "{}",
            offering.text().await.unwrap_or_default()
        );
        (user, id)
    }

    /// The applicant drafts `form`, publishes it and the admin approves it; returns the project.
    pub async fn published_project(
        &self,
        applicant: &TestUser,
        admin: &TestUser,
        form: Value,
    ) -> Value {
        let created = applicant.post_json("/api/v1/projects", form).await;
        assert_eq!(
            created.status(),
            StatusCode::CREATED,
            "{}",
            created.text().await.unwrap_or_default()
        );
        let id = created.json::<Value>().await.unwrap()["project"]["id"]
            .as_i64()
            .unwrap();
        let submitted = applicant
            .post_json(&format!("/api/v1/projects/{id}/publish"), json!({}))
            .await;
        assert_eq!(
            submitted.status(),
            StatusCode::OK,
            "{}",
            submitted.text().await.unwrap_or_default()
        );
        let approved = admin
            .post_json(
                &format!("/api/v1/projects/{id}/review"),
                json!({ "decision": "approve" }),
            )
            .await;
        assert_eq!(
            approved.status(),
            StatusCode::OK,
            "{}",
            approved.text().await.unwrap_or_default()
        );
        approved.json::<Value>().await.unwrap()["project"].clone()
    }
}

impl TestApp {
    /// `published_project`, when only the id matters.
    pub async fn published_project_id(
        &self,
        owner: &TestUser,
        admin: &TestUser,
        body: Value,
    ) -> i64 {
        self.published_project(owner, admin, body).await["id"]
            .as_i64()
            .expect("id")
    }
}

impl TestUser {
    pub async fn project(&self, id: i64) -> Value {
        let response = self.get(&format!("/api/v1/projects/{id}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json::<Value>().await.unwrap()["project"].clone()
    }

    pub async fn sign_up(&self, project: i64, body: Value) -> reqwest::Response {
        self.post_json(&format!("/api/v1/projects/{project}/signups"), body)
            .await
    }
}

/// A timestamp of the API, read back.
pub fn at(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("a timestamp"))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// A marketplace to run projects in: an admin, an applicant and agencies
/// that may sign up for 地形图测绘, with the item's id.
pub struct Market {
    pub app: TestApp,
    pub admin: TestUser,
    pub applicant: TestUser,
    pub agencies: Vec<(TestUser, i64)>,
    pub item: i64,
}

/// An admin, an applicant and `n` eligible agencies on a fresh server.
pub async fn market(n: u32) -> Market {
    let app = TestApp::new().await;
    let admin = app.admin("centre").await;
    let applicant = app.applicant("owner").await;
    let mut agencies = Vec::new();
    for i in 1..=n {
        agencies.push(app.eligible_agency(&format!("agency{i}"), i, &admin).await);
    }
    let item = app.item_id(TOPO).await;
    Market {
        app,
        admin,
        applicant,
        agencies,
        item,
    }
}

impl Market {
    /// Moves the clock (sessions end after two idle hours, so everyone logs in again).
    pub async fn set_clock(&mut self, to: DateTime<Utc>) {
        self.app.clock.set(to);
        self.admin = self.app.again(&self.admin).await;
        self.applicant = self.app.again(&self.applicant).await;
        for (user, _) in self.agencies.iter_mut() {
            *user = self.app.again(user).await;
        }
    }

    pub async fn advance(&mut self, by: Duration) {
        let to = self.app.now() + by;
        self.set_clock(to).await;
    }

    /// Moves to the sign-up deadline and lets the scheduler act.
    pub async fn close(&mut self, project: &Value) -> Value {
        let deadline = at(&project["signup_deadline"]);
        self.set_clock(deadline).await;
        self.app.run_scheduler().await;
        self.applicant
            .project(project["id"].as_i64().expect("id"))
            .await
    }

    pub fn agency(&self, agency_id: i64) -> &TestUser {
        &self
            .agencies
            .iter()
            .find(|(_, id)| *id == agency_id)
            .expect("agency")
            .0
    }

    pub fn winner<'a>(&'a self, project: &Value) -> &'a TestUser {
        self.agency(
            project["winner"]["agency"]["id"]
                .as_i64()
                .expect("a winner"),
        )
    }
}
