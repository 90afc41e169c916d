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
        let (db, now, rules) = (self.db.clone(), self.now(), self.project_rules.clone());
        let report = tokio::task::spawn_blocking(move || {
            zhongjie::projects::scheduler::run_once(&db, now, &calendar, &rules)
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
