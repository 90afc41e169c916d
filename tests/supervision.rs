//! 电子监察 through HTTP: the time-limit lights change colour as the clock
//! passes their thresholds, a red light alerts once, the audit trail browser
//! filters, and only administrators see either; the chain's head is public.

mod common;

use chrono::Duration;
use common::contracts::{awarded, terms, upload};
use common::projects::{at, market, project_form, TOPO};
use common::{fields, problem, TestApp, TestUser, PASSWORD};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhongjie::db::schema::audit_events;

async fn lights(admin: &TestUser, query: &str) -> Vec<Value> {
    let response = admin
        .get(&format!("/api/v1/supervision/lights{query}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["meta"]["total"].as_i64(),
        body["lights"].as_array().map(|l| l.len() as i64)
    );
    body["lights"].as_array().unwrap().clone()
}

/// The colour of the one light of `step` on `project`.
async fn colour_of(admin: &TestUser, step: &str, project: i64) -> String {
    let all = lights(admin, "").await;
    let found: Vec<&Value> = all
        .iter()
        .filter(|l| l["step"] == step && l["project_id"] == project)
        .collect();
    assert_eq!(found.len(), 1, "{all:?}");
    found[0]["colour"].as_str().unwrap().to_owned()
}

async fn alerts(user: &TestUser) -> usize {
    let messages: Value = user.get("/api/v1/messages").await.json().await.unwrap();
    messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["subject"] == "红灯预警")
        .count()
}

#[tokio::test]
async fn the_contract_light_turns_yellow_then_red_and_alerts_once() {
    let a = awarded().await;
    let project = a.applicant.project(a.project).await;
    let (start, due) = (at(&project["awarded_at"]), at(&project["contract_due_at"]));
    let window = due - start;
    let admin = a.app.log_in("centre", PASSWORD).await;
    assert_eq!(colour_of(&admin, "contract", a.project).await, "green");
    let light = lights(&admin, "?colour=green").await[0].clone();
    assert_eq!(light["due_at"], project["contract_due_at"]);
    assert_eq!(light["owed_by"], "applicant");
    assert_eq!(
        light["history"],
        format!("/admin/audit?entity_type=project&entity_id={}", a.project)
    );

    // Exactly a fifth of the time left is still green; a moment later, yellow.
    a.app.clock.set(due - window / 5);
    let admin = a.app.again(&admin).await;
    assert_eq!(colour_of(&admin, "contract", a.project).await, "green");
    a.app.clock.set(due - window / 5 + Duration::seconds(1));
    assert_eq!(colour_of(&admin, "contract", a.project).await, "yellow");
    assert_eq!(
        a.app.run_scheduler().await.light_alerts,
        0,
        "no alert before red"
    );

    a.app.clock.set(due);
    let admin = a.app.again(&admin).await;
    assert_eq!(colour_of(&admin, "contract", a.project).await, "red");
    assert!(lights(&admin, "?colour=yellow").await.is_empty());
    assert_eq!(a.app.run_scheduler().await.light_alerts, 1);
    a.app.advance(Duration::hours(1));
    assert_eq!(a.app.run_scheduler().await.light_alerts, 0, "once");

    let applicant = a.app.again(&a.applicant).await;
    let winner = a.app.again(&a.winner).await;
    let admin = a.app.again(&admin).await;
    assert_eq!(alerts(&applicant).await, 1, "the party that owes the step");
    assert_eq!(alerts(&admin).await, 1, "and the administrators");
    assert_eq!(alerts(&winner).await, 0);

    // Once the contract is in force the delivery is the agency's, on the contract's page.
    let file = upload(&a.app, &winner, "合同.pdf").await;
    let mut late_terms = terms(3_100_000, file);
    late_terms["start_date"] = json!("2026-03-30");
    late_terms["end_date"] = json!("2026-04-30");
    let recorded = winner
        .post_json(
            &format!("/api/v1/projects/{}/contract", a.project),
            late_terms,
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::CREATED);
    let contract = recorded.json::<Value>().await.unwrap()["contract"]["id"]
        .as_i64()
        .unwrap();
    let confirmed = applicant
        .post_json(
            &format!("/api/v1/contracts/{contract}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let all = lights(&admin, "").await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["step"], "delivery");
    assert_eq!(all[0]["colour"], "green");
    assert_eq!(all[0]["owed_by"], "agency");
    assert_eq!(all[0]["contract_id"], contract);
    assert_eq!(all[0]["link"], format!("/contracts/{contract}"));
    assert_eq!(
        all[0]["history"],
        format!("/admin/audit?entity_type=contract&entity_id={contract}")
    );
    assert_eq!(all[0]["due_at"], "2026-04-30T16:00:00Z");
    let journaled: Value = admin
        .get(&format!(
            "/api/v1/audit/events?entity_type=project&entity_id={}",
            a.project
        ))
        .await
        .json()
        .await
        .unwrap();
    let red: Vec<&Value> = journaled["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "light.red")
        .collect();
    assert_eq!(red.len(), 1);
    assert_eq!(red[0]["detail"]["step"], "contract");
}

#[tokio::test]
async fn the_review_light_filters_and_admin_only_access() {
    let app = TestApp::new().await;
    let admin = app.admin("centre").await;
    let owner = app.applicant("owner").await;
    let agency = app.agency_user("agency").await;
    let item = app.item_id(TOPO).await;
    let created = owner
        .post_json("/api/v1/projects", project_form(item, app.deadline()))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["project"]["id"]
        .as_i64()
        .unwrap();
    let submitted = owner
        .post_json(&format!("/api/v1/projects/{id}/publish"), json!({}))
        .await;
    assert_eq!(submitted.status(), StatusCode::OK);

    assert_eq!(colour_of(&admin, "review", id).await, "green");
    let department = app
        .client()
        .get(app.url(&format!("/api/v1/service-items/{item}")))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["service_item"]["department"]
        .as_str()
        .unwrap()
        .to_owned();
    let item_text = item.to_string();
    let pairs = [
        ("region", "360100", 1),
        ("region", "360102", 1),
        ("region", "360200", 0),
        ("service_item", item_text.as_str(), 1),
        ("service_item", "99999", 0),
        ("department", department.as_str(), 1),
        ("department", "没有的部门", 0),
        ("party", "建设有限", 1),
        ("party", "某测绘院", 0),
        ("colour", "green", 1),
        ("colour", "red", 0),
    ];
    for (field, value, expected) in pairs {
        let query = format!(
            "?{}",
            serde_urlencoded::to_string([(field, value)]).unwrap()
        );
        assert_eq!(lights(&admin, &query).await.len(), expected, "{query}");
    }
    let bad = admin
        .get("/api/v1/supervision/lights?colour=blue&region=36&service_item=x")
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = problem(bad).await;
    assert_eq!(fields(&bad), ["colour", "region", "service_item"]);
    assert!(bad["errors"][0]["message_zh"]
        .as_str()
        .unwrap()
        .contains("灯色"));
    assert!(bad["errors"][0]["message_en"]
        .as_str()
        .unwrap()
        .contains("colour"));

    // Three working days to review: red after them, and the administrators are told once.
    app.advance(Duration::days(6));
    let admin = app.again(&admin).await;
    assert_eq!(colour_of(&admin, "review", id).await, "red");
    assert_eq!(app.run_scheduler().await.light_alerts, 1);
    assert_eq!(app.run_scheduler().await.light_alerts, 0);
    assert_eq!(alerts(&admin).await, 1);
    let owner = app.again(&owner).await;
    assert_eq!(alerts(&owner).await, 0, "the review is the centre's to do");

    // The dashboard shows it; no one else may see it.
    let page = admin.get("/admin/supervision?colour=red").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("电子监察") && html.contains("赣江新区某安置房项目地形图测绘"));
    // Askama writes `&` in attributes as `&#38;`.
    let history = format!("/admin/audit?entity_type=project&#38;entity_id={id}\"");
    assert!(html.contains(&history), "{html}");
    // The list downloads as it is filtered: CSV with a BOM for Excel.
    let csv = admin.get("/admin/supervision?colour=red&format=csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(
        text.lines().count(),
        2,
        "a header and the one red step: {text}"
    );
    assert!(text.contains("红") && text.contains("赣江新区某安置房项目地形图测绘"));
    let agency = app.again(&agency).await;
    for user in [&owner, &agency] {
        for path in ["/api/v1/supervision/lights", "/api/v1/audit/events"] {
            assert_eq!(
                user.get(path).await.status(),
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
        for path in ["/admin/supervision", "/admin/audit"] {
            assert_eq!(
                user.get(path).await.status(),
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
    }
    // Approved, the review light goes out and the sign-up period's comes on.
    let approved = admin
        .post_json(
            &format!("/api/v1/projects/{id}/review"),
            json!({ "decision": "approve" }),
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    let all = lights(&admin, "").await;
    let steps: Vec<&str> = all.iter().map(|l| l["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["signup"]);
    assert_eq!(all[0]["owed_by"], "admin");

    let visitor = app.client();
    for path in ["/api/v1/supervision/lights", "/api/v1/audit/events"] {
        let response = visitor.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    for path in ["/admin/supervision", "/admin/audit"] {
        let response = visitor.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/login?next="), "{location}");
    }
}

#[tokio::test]
async fn the_audit_browser_filters_and_the_head_is_public() {
    let app = TestApp::new().await;
    let admin = app.admin("centre").await;
    let owner = app.applicant("owner").await;
    owner.create_token("ci").await;

    let visitor = app.client();
    let head: Value = visitor
        .get(app.url("/api/v1/audit/head"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let head = &head["head"];
    assert_eq!(head["verified"], true);
    assert_eq!(head["seq"], head["events"]);
    assert_eq!(head["hash"].as_str().unwrap().len(), 64);
    let seq = head["seq"].as_i64().unwrap();

    let by_owner: Value = admin
        .get(&format!(
            "/api/v1/audit/events?entity_type=user&entity_id={}",
            owner.id
        ))
        .await
        .json()
        .await
        .unwrap();
    let events = by_owner["events"].as_array().unwrap();
    let owner_id = owner.id.to_string();
    assert!(!events.is_empty());
    assert!(events
        .iter()
        .all(|e| e["entity_type"] == "user" && e["entity_id"].as_str() == Some(owner_id.as_str())));
    assert!(
        events
            .windows(2)
            .all(|w| w[0]["seq"].as_i64() > w[1]["seq"].as_i64()),
        "newest first"
    );
    let tokens: Value = admin
        .get("/api/v1/audit/events?actor=owner")
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = tokens["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"api_token.created"), "{actions:?}");
    assert!(tokens["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "user:owner"));
    let later = (app.now() + Duration::hours(1)).to_rfc3339();
    let none: Value = admin
        .get(&format!(
            "/api/v1/audit/events?{}",
            serde_urlencoded::to_string([("from", later.as_str())]).unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["meta"]["total"], 0);
    let all: Value = admin
        .get("/api/v1/audit/events?from=2000-01-01&to=2100-12-31")
        .await
        .json()
        .await
        .unwrap();
    assert!(all["meta"]["total"].as_i64().unwrap() >= seq);
    let bad = admin
        .get("/api/v1/audit/events?entity_id=3&from=yesterday&page=0")
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(bad).await), ["entity_id", "from", "page"]);

    let page = admin
        .get(&format!(
            "/admin/audit?entity_type=user&entity_id={}",
            owner.id
        ))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("哈希链完整") && html.contains("user.registered"));

    // An edited event after the verified point breaks the public head.
    let head_seq = app
        .db
        .run(|conn| {
            let last: i64 = audit_events::table
                .select(diesel::dsl::max(audit_events::seq))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0);
            diesel::update(audit_events::table.filter(audit_events::seq.eq(last)))
                .set(audit_events::detail.eq(r#"{"edited":true}"#))
                .execute(conn)?;
            Ok(last)
        })
        .await
        .unwrap();
    let head: Value = visitor
        .get(app.url("/api/v1/audit/head"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(head["head"]["verified"], false, "{head}");
    assert_eq!(head["head"]["broken_at"], head_seq);
    let html = admin.get("/admin/audit").await.text().await.unwrap();
    assert!(html.contains("哈希链校验未通过"));

    let openapi: Value = visitor
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/supervision/lights",
        "/api/v1/audit/events",
        "/api/v1/audit/head",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "{path} is documented");
    }
    for schema in ["LightList", "AuditEventList", "HeadEnvelope"] {
        assert!(
            openapi["components"]["schemas"].get(schema).is_some(),
            "{schema} is described"
        );
    }
}

#[tokio::test]
async fn the_confirmation_and_objection_lights_and_who_owes_them() {
    let mut m = market(3).await;
    let project = m
        .app
        .published_project(
            &m.applicant,
            &m.admin,
            project_form(m.item, m.app.deadline()),
        )
        .await;
    let id = project["id"].as_i64().unwrap();
    for (agency, _) in &m.agencies {
        agency.sign_up(id, json!({})).await;
    }
    let selected = m.close(&project).await;
    let first = selected["winner"]["agency"]["id"].as_i64().unwrap();
    let all = lights(&m.admin, "").await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["step"], "confirmation");
    assert_eq!(all[0]["owed_by"], "agency");
    assert_eq!(all[0]["due_at"], selected["confirmation_deadline"]);
    assert!(all[0]["agency"].is_string());

    m.agency(first)
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert!(
        lights(&m.admin, "").await.is_empty(),
        "publicity owes nothing"
    );
    let objector = m.agencies.iter().find(|(_, a)| *a != first).unwrap().1;
    let filed = m
        .agency(objector)
        .post_json(
            &format!("/api/v1/projects/{id}/objections"),
            json!({ "reason": "中选机构资质证书已被注销，请核查" }),
        )
        .await;
    assert_eq!(filed.status(), StatusCode::CREATED);
    let objection = filed.json::<Value>().await.unwrap()["objection"]["id"]
        .as_i64()
        .unwrap();
    let all = lights(&m.admin, "").await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["step"], "objection");
    assert_eq!(all[0]["subject_id"], objection);
    assert_eq!(all[0]["owed_by"], "admin");
    assert_eq!(all[0]["colour"], "green");

    // Five working days to answer: late, the administrators are alerted once.
    m.advance(Duration::days(8)).await;
    assert_eq!(lights(&m.admin, "?colour=red").await.len(), 1);
    assert_eq!(m.app.run_scheduler().await.light_alerts, 1);
    assert_eq!(m.app.run_scheduler().await.light_alerts, 0);
    assert_eq!(alerts(&m.admin).await, 1);
    assert_eq!(alerts(m.agency(objector)).await, 0);
}

#[tokio::test]
async fn the_audit_trail_downloads_every_matching_event_in_order() {
    let app = TestApp::new().await;
    let admin = app.admin("centre").await;
    // More events than one page of the download (100 rows).
    for i in 0..105 {
        app.applicant(&format!("owner{i:03}")).await;
    }
    let csv = admin.get("/admin/audit?entity_type=user&format=csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let seqs: Vec<i64> = reader
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    let registered = seqs.len();
    assert!(registered >= 105, "{registered}");
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first, none twice"
    );
    let page: Value = admin
        .get("/api/v1/audit/events?entity_type=user")
        .await
        .json()
        .await
        .unwrap();
    let total = page["meta"]["total"].as_i64().unwrap();
    assert_eq!(
        registered as i64, total,
        "the download holds every matching event"
    );
}
