//! A project run to its award, ready for its contract, and the uploads and
//! terms the contract tests record.

use super::projects::{at, project_form, TOPO};
use super::{TestApp, TestUser};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhongjie::config::Settings;

pub struct Awarded {
    pub app: TestApp,
    pub applicant: TestUser,
    pub winner: TestUser,
    pub loser: TestUser,
    pub project: i64,
}

/// A bidding project run to its award; the lowest of three quotes is 3,100,000 fen.
pub async fn awarded() -> Awarded {
    let a = awarded_with(|_| {}).await;
    let project = a.applicant.project(a.project).await;
    assert!(
        at(&project["contract_due_at"]) > at(&project["awarded_at"]) + Duration::days(5),
        "five working days to record the contract"
    );
    a
}

/// `awarded` on a server with some settings changed.
pub async fn awarded_with(change: impl FnOnce(&mut Settings)) -> Awarded {
    let app = TestApp::with_settings(change).await;
    let admin = app.admin("centre").await;
    let applicant = app.applicant("owner").await;
    let mut agencies = Vec::new();
    for i in 1..=3 {
        agencies.push(app.eligible_agency(&format!("agency{i}"), i, &admin).await);
    }
    let item = app.item_id(TOPO).await;
    let mut form = project_form(item, app.deadline());
    form["method"] = json!("bidding");
    form["price_mode"] = json!("amount");
    form["floor_fen"] = json!(2_000_000);
    form["ceiling_fen"] = json!(5_000_000);
    let project = app.published_project(&applicant, &admin, form).await;
    let id = project["id"].as_i64().unwrap();
    for ((agency, _), quote) in agencies.iter().zip([4_200_000, 3_100_000, 3_900_000]) {
        agency.sign_up(id, json!({ "quote_fen": quote })).await;
    }
    app.clock.set(at(&project["signup_deadline"]));
    app.run_scheduler().await;
    let winner = app.again(&agencies[1].0).await;
    let confirmed = winner
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    app.advance(Duration::days(7));
    app.run_scheduler().await;
    let applicant = app.again(&applicant).await;
    assert_eq!(applicant.project(id).await["status"], "awarded");
    let winner = app.again(&winner).await;
    let loser = app.again(&agencies[0].0).await;
    Awarded {
        app,
        applicant,
        winner,
        loser,
        project: id,
    }
}

pub async fn upload(app: &TestApp, user: &TestUser, name: &'static str) -> i64 {
    let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n".to_vec();
    let part = reqwest::multipart::Part::bytes(pdf).file_name(name);
    let response = user
        .client
        .post(app.url("/api/v1/attachments"))
        .header("X-CSRF-Token", &user.csrf)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["attachment"]["id"]
        .as_i64()
        .unwrap()
}

pub fn terms(amount: i64, file: i64) -> Value {
    json!({
        "amount_fen": amount,
        "start_date": "2026-03-23",
        "end_date": "2026-04-22",
        "key_terms": "按中选价包干；30 日内提交 1:500 地形图及技术报告；成果经验收合格后付款。",
        "file_attachment_id": file,
    })
}

/// The contract of `a` recorded, confirmed and delivered; returns its id and the delivery's.
pub async fn delivered_contract(a: &Awarded) -> (i64, i64) {
    let file = upload(&a.app, &a.applicant, "合同.pdf").await;
    let recorded = a
        .applicant
        .post_json(
            &format!("/api/v1/projects/{}/contract", a.project),
            terms(3_100_000, file),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::CREATED);
    let id = recorded.json::<Value>().await.unwrap()["contract"]["id"]
        .as_i64()
        .unwrap();
    let confirmed = a
        .winner
        .post_json(
            &format!("/api/v1/contracts/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let report = upload(&a.app, &a.winner, "成果.pdf").await;
    let delivered = a
        .winner
        .post_json(
            &format!("/api/v1/contracts/{id}/deliveries"),
            json!({ "summary": "提交 1:500 地形图及技术报告。", "attachment_ids": [report] }),
        )
        .await;
    assert_eq!(delivered.status(), StatusCode::CREATED);
    let delivery = delivered.json::<Value>().await.unwrap()["delivery"]["id"]
        .as_i64()
        .unwrap();
    (id, delivery)
}

/// The contract of `a` recorded, confirmed, delivered and accepted; returns its id.
pub async fn accepted_contract(a: &Awarded) -> i64 {
    let (id, delivery) = delivered_contract(a).await;
    let accepted = a
        .applicant
        .post_json(
            &format!("/api/v1/deliveries/{delivery}/acceptance"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    id
}
