//! The demo marketplace of `zhongjie demo` and the benchmark data of
//! `zhongjie seed generate`, seen the way visitors see them: through the API.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::HashSet;
use std::process::{Command, Output};

/// Runs the real binary on the app's database (it needs no server).
fn zhongjie(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhongjie"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("ZHONGJIE_LOG", "warn")
        .output()
        .expect("zhongjie runs")
}

/// Seeds the demo as `zhongjie demo` does, at the app's clock.
async fn seed_demo(app: &TestApp) -> zhongjie::demo::Demo {
    zhongjie::demo::seed(&app.state).await.expect("demo seeded")
}

/// Every item of a public list, following `meta.next_page` a hundred at a time.
async fn public_list(app: &TestApp, path: &str, key: &str) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut next = Some(format!("{path}{separator}per_page=100"));
    let mut items = Vec::new();
    while let Some(page) = next {
        let response = app
            .client()
            .get(app.url(&page))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        let body: Value = response.json().await.expect("json");
        items.extend(body[key].as_array().cloned().unwrap_or_default());
        next = body["meta"]["next_page"].as_str().map(str::to_owned);
    }
    items
}

/// `meta.total` of a search over `kind` (offerings or agencies).
async fn search_total(app: &TestApp, kind: &str, query: &str) -> i64 {
    let path = format!("/api/v1/search/{kind}?{query}");
    let response = app
        .client()
        .get(app.url(&path))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let body: Value = response.json().await.expect("json");
    body["meta"]["total"].as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn the_demo_market_is_seeded_once_and_is_live() {
    let app = TestApp::new().await;
    let demo = seed_demo(&app).await;
    assert!(demo.market.created);
    assert_eq!((demo.market.agencies, demo.market.admitted), (40, 34));

    let agencies = public_list(&app, "/api/v1/agencies", "agencies").await;
    assert_eq!(
        agencies.len(),
        34,
        "the directory lists the admitted agencies"
    );
    let cities: HashSet<&str> = agencies
        .iter()
        .filter_map(|a| a["region"]["code"].as_str())
        .map(|code| &code[..4])
        .collect();
    assert_eq!(cities.len(), 11, "every city of 江西 has an agency");
    let names: HashSet<&str> = agencies.iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names.len(), 34);
    for agency in &agencies {
        let code = agency["uscc"].as_str().expect("code");
        assert!(zhongjie::accounts::uscc::parse(code).is_ok(), "{code}");
        assert!(
            agency["live_offerings"].as_i64().unwrap_or(0) >= 1,
            "{}",
            agency["name"]
        );
        assert!(agency["qualifications"]
            .as_array()
            .is_some_and(|q| !q.is_empty()));
    }

    let offerings = public_list(&app, "/api/v1/offerings", "offerings").await;
    assert_eq!(
        offerings.len() as i64,
        demo.market.offerings,
        "every demo offering is live"
    );
    assert!((34..=136).contains(&offerings.len()));
    for offering in &offerings {
        assert_eq!(offering["status"], "published");
        if offering["price_basis"] == "range" {
            let (min, max) = (&offering["price_min_fen"], &offering["price_max_fen"]);
            assert!(min.as_i64() <= max.as_i64(), "{}", offering["title"]);
        }
    }

    // Search follows the change log the seeding wrote: every live offering is found.
    app.sync_search().await;
    let found = search_total(&app, "offerings", "").await;
    assert_eq!(found, demo.market.offerings);
    assert!(
        search_total(&app, "agencies", "q=测绘").await >= 3,
        "南昌赣源测绘 and its kind"
    );

    // The agencies' certificates: a few run out within the warning window, one has run out.
    let report = app.run_watch().await;
    assert_eq!((report.expired, report.warned), (1, 3));

    let again = seed_demo(&app).await;
    assert!(!again.market.created, "a second seeding adds nothing");
    assert_eq!(again.market.offerings, demo.market.offerings);
    assert_eq!(
        public_list(&app, "/api/v1/agencies", "agencies")
            .await
            .len(),
        34
    );

    // A demo agency logs in with the shared password and finds itself in the back office.
    let agency = app
        .log_in("demo_agency_01", zhongjie::demo::AGENCY_PASSWORD)
        .await;
    assert_eq!(agency.get("/my/agency").await.status(), StatusCode::OK);
    // The centre's review queue holds the three submitted agencies.
    let admin = app.admin("zhongxin").await;
    let queue: Value = admin
        .get("/api/v1/agencies?status=submitted")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(queue["meta"]["total"], 3);
}

#[tokio::test]
async fn seed_generate_writes_what_it_is_asked_for() {
    let app = TestApp::new().await;
    let args = [
        "seed",
        "generate",
        "--agencies",
        "5",
        "--offerings",
        "200",
        "--seed",
        "7",
    ];
    let output = zhongjie(&app, &args);
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{printed}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        printed.contains("5 agencies") && printed.contains("200 offerings"),
        "{printed}"
    );

    let agencies = public_list(&app, "/api/v1/agencies", "agencies").await;
    assert_eq!(agencies.len(), 5);
    assert!(agencies.iter().all(|a| a["live_offerings"] == 40));
    let offerings = public_list(&app, "/api/v1/offerings", "offerings").await;
    assert_eq!(offerings.len(), 200);
    let titles: HashSet<&str> = offerings
        .iter()
        .filter_map(|o| o["title"].as_str())
        .collect();
    assert!(titles.len() > 100, "titles vary: {}", titles.len());

    // Asking for more offerings than agencies × items is refused before anything is written.
    let refused = zhongjie(
        &app,
        &["seed", "generate", "--agencies", "1", "--offerings", "1000"],
    );
    assert!(!refused.status.success());
    assert_eq!(
        public_list(&app, "/api/v1/agencies", "agencies")
            .await
            .len(),
        5
    );
}

#[tokio::test]
async fn the_demo_has_a_project_in_each_state_and_its_draws_recompute() {
    let app = TestApp::new().await;
    let demo = seed_demo(&app).await;
    assert_eq!(
        demo.projects, 10,
        "four in every state, six with a contract"
    );
    let public = public_list(&app, "/api/v1/projects", "projects").await;
    let mut states: Vec<&str> = public
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    states.sort();
    states.dedup();
    assert_eq!(
        states,
        ["awarded", "publicity", "signing_up"],
        "the one in review is not public"
    );
    assert_eq!(
        public.iter().filter(|p| p["status"] == "awarded").count(),
        7
    );

    let draws: Vec<&Value> = public.iter().filter(|p| p["method"] == "random").collect();
    assert_eq!(draws.len(), 2, "the awarded draw and a finished one");
    for draw in draws {
        let number = draw["number"].as_str().unwrap();
        let verified = zhongjie(&app, &["verify", "draw", number]);
        assert!(
            verified.status.success(),
            "{}",
            String::from_utf8_lossy(&verified.stderr)
        );
    }

    let signing = public.iter().find(|p| p["status"] == "signing_up").unwrap();
    let detail: Value = app
        .client()
        .get(app.url(&format!("/api/v1/projects/{}", signing["id"])))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["project"]["signup_count"], 2);
    assert!(
        detail["project"]["signups"].is_null(),
        "sealed until its deadline"
    );

    let again = seed_demo(&app).await;
    assert_eq!(again.projects, 10, "seeding twice adds nothing");
}

/// The contract ids linked from a page, in order.
fn contract_links(html: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = html
        .split("href=\"/contracts/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    ids.dedup();
    ids
}

#[tokio::test]
async fn the_demo_shows_finished_projects_from_contract_to_credit() {
    let app = TestApp::new().await;
    let demo = seed_demo(&app).await;
    assert_eq!((demo.finished, demo.performing), (5, 1));

    // The demo applicant's contracts: five accepted, one in performance.
    let owner = app.log_in("yezhu", "demo-applicant-2026").await;
    let page = owner.get("/my/contracts").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert_eq!(html.matches("已验收").count(), 5, "{html}");
    assert_eq!(html.matches("已生效").count(), 1, "{html}");
    let ids = contract_links(&html);
    assert_eq!(ids.len(), 6, "{html}");

    let mut contracts = Vec::new();
    for id in &ids {
        let response = owner.get(&format!("/api/v1/contracts/{id}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        contracts.push(body["contract"].clone());
        assert_eq!(
            owner.get(&format!("/contracts/{id}")).await.status(),
            StatusCode::OK
        );
    }
    let deliveries = |c: &Value| c["deliveries"].as_array().cloned().unwrap_or_default();
    assert!(contracts.iter().all(|c| c["status"] == "confirmed"));
    assert!(contracts
        .iter()
        .all(|c| c["amount_fen"].as_i64() <= c["winning_fen"].as_i64()));
    let waiting: Vec<&Value> = contracts
        .iter()
        .filter(|c| c["completed_at"].is_null())
        .collect();
    assert_eq!(waiting.len(), 1);
    assert_eq!(deliveries(waiting[0])[0]["status"], "submitted");
    let returned_once = contracts
        .iter()
        .filter(|c| {
            let d = deliveries(c);
            d.len() == 2 && d[0]["status"] == "returned" && d[1]["status"] == "accepted"
        })
        .count();
    assert_eq!(returned_once, 1, "one delivery was returned, then accepted");
    let late: Vec<&Value> = contracts
        .iter()
        .filter(|c| deliveries(c).iter().any(|d| d["late"] == true))
        .collect();
    assert_eq!(late.len(), 1, "one delivery came late");
    let agencies: HashSet<i64> = contracts
        .iter()
        .filter_map(|c| c["agency_id"].as_i64())
        .collect();
    assert!(agencies.len() >= 5, "different agencies won: {agencies:?}");

    // The returned recording is in the audit trail; the chain still verifies.
    let audit = zhongjie(&app, &["verify", "audit"]);
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );

    // Public, after their window: four evaluations, one default, one reply.
    let mut evaluations = Vec::new();
    let mut history = Vec::new();
    for agency in &agencies {
        let list: Value = app
            .client()
            .get(app.url(&format!("/api/v1/agencies/{agency}/evaluations")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        evaluations.extend(list["evaluations"].as_array().cloned().unwrap_or_default());
        let credit: Value = app
            .client()
            .get(app.url(&format!("/api/v1/agencies/{agency}/credit")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let lines = credit["credit"]["history"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let explanations: Vec<String> = lines
            .iter()
            .filter_map(|l| l["explanation"].as_str().map(str::to_owned))
            .collect();
        history.push((*agency, credit["credit"]["score"].clone(), explanations));
    }
    assert_eq!(evaluations.len(), 5, "{evaluations:?}");
    assert_eq!(
        evaluations
            .iter()
            .filter(|e| e["by_default"] == true)
            .count(),
        1
    );
    assert_eq!(
        evaluations
            .iter()
            .filter(|e| e["reply"].is_string())
            .count(),
        2
    );
    let all: Vec<&String> = history.iter().flat_map(|(_, _, lines)| lines).collect();
    let with = |text: &str| all.iter().filter(|l| l.contains(text)).count();
    assert_eq!(with("服务评价"), 5, "{all:?}");
    assert_eq!(with("逾期提交服务成果"), 1, "{all:?}");
    assert_eq!(
        with("投诉查实"),
        1,
        "the dismissed complaint costs nothing: {all:?}"
    );
    assert_eq!(with("管理员记录：表彰"), 1, "{all:?}");
    let (lively, score, lines) = history
        .iter()
        .max_by_key(|(_, _, lines)| lines.len())
        .unwrap();
    assert!(lines.len() >= 3, "{history:?}");
    assert_ne!(score, 80, "its credit moved");

    // The agency profile shows its credit history and evaluations to visitors.
    let profile = app
        .client()
        .get(app.url(&format!("/agencies/{lively}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        lines.iter().all(|l| profile.contains(l.as_str())),
        "{profile}"
    );

    // Both complaint outcomes are on their contracts' pages, with the answers.
    let mut outcomes = Vec::new();
    for id in &ids {
        let html = owner
            .get(&format!("/contracts/{id}"))
            .await
            .text()
            .await
            .unwrap();
        if html.contains("id=\"complaint-list\"") {
            outcomes.push((html.contains(">查实<"), html.contains(">不成立<")));
        }
    }
    outcomes.sort();
    assert_eq!(outcomes, [(false, true), (true, false)]);

    let again = seed_demo(&app).await;
    assert_eq!(
        (again.projects, again.finished, again.performing),
        (10, 5, 1)
    );
    let page = owner.get("/my/contracts").await.text().await.unwrap();
    assert_eq!(contract_links(&page), ids, "seeding twice adds nothing");
}

#[tokio::test]
async fn the_demo_applicant_follows_its_investment_project_on_the_timeline() {
    let app = TestApp::new().await;
    seed_demo(&app).await;
    let owner = app.log_in("yezhu", "demo-applicant-2026").await;
    let code = zhongjie::demo::approvals::CODE;
    let record: Value = owner
        .get(&format!(
            "/api/v1/investment-projects/{code}/approval-record"
        ))
        .await
        .json()
        .await
        .unwrap();
    let steps: Vec<Value> = record["approval_record"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["steps"].as_array().cloned().unwrap_or_default())
        .collect();
    let count = |status: &str| steps.iter().filter(|s| s["status"] == status).count();
    assert!(
        count("done") >= 1,
        "accepted work completed its steps: {steps:?}"
    );
    assert_eq!(count("open"), 1, "one item still waits for an agency");
    assert!(steps
        .iter()
        .filter(|s| s["status"] == "done")
        .all(|s| s["deliverable_sha256"]
            .as_str()
            .is_some_and(|h| h.len() == 64)));
    let page = owner.get(&format!("/investment-projects/{code}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("青山湖区某安置房及配套设施项目"));

    seed_demo(&app).await;
    let again: Value = owner
        .get(&format!(
            "/api/v1/investment-projects/{code}/approval-record"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, record, "seeding twice changes nothing");
}
