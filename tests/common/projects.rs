//! Helpers for projects: a project form as an applicant fills it in, an
//! agency that may sign up, a project published through review.

use super::{TestApp, TestUser};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The sign-up deadline the helpers use: Thursday 12 March 2026, 09:00 in
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
    /// An admitted agency with a verified 乙级 surveying certificate and a
    /// published 地形图测绘 offering: it may sign up for surveying projects.
    pub async fn eligible_surveyor(
        &self,
        username: &str,
        n: u32,
        admin: &TestUser,
    ) -> (TestUser, i64) {
        let (agency, agency_id) = self.admitted_agency(username, n, admin).await;
        self.verified_surveying(&agency, agency_id, admin, "2030-12-31")
            .await;
        let topo = self.item_id("ZJ027").await;
        let offering = agency
            .post_json(
                "/api/v1/offerings",
                super::supply::offering_form(topo, "published"),
            )
            .await;
        assert_eq!(offering.status(), StatusCode::CREATED);
        (agency, agency_id)
    }

    /// The applicant drafts the project through the API, submits it, and the
    /// admin approves it: sign-ups are open. Returns the project id.
    pub async fn published_project(&self, owner: &TestUser, admin: &TestUser, body: Value) -> i64 {
        let created = owner.post_json("/api/v1/projects", body).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let id = created.json::<Value>().await.unwrap()["project"]["id"]
            .as_i64()
            .unwrap();
        let submitted = owner
            .post_json(&format!("/api/v1/projects/{id}/publish"), json!({}))
            .await;
        assert_eq!(submitted.status(), StatusCode::OK);
        let approved = admin
            .post_json(
                &format!("/api/v1/projects/{id}/review"),
                json!({ "decision": "approve" }),
            )
            .await;
        assert_eq!(approved.status(), StatusCode::OK);
        id
    }
}
