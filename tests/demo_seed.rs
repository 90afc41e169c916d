//! The demo marketplace of `zhongjie demo` and the benchmark data of
//! `zhongjie seed generate`, seen the way visitors see them: through the API.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::HashSet;
use std::process::{Command, Output};
use zhongjie::clock::Clock;

/// Runs the real binary on the app's database (it needs no server).
fn zhongjie(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhongjie"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("ZHONGJIE_LOG", "warn")
        .output()
        .expect("zhongjie runs")
}

/// Seeds the demo (accounts and market) as `zhongjie demo` does, at the app's clock.
async fn seed_demo(app: &TestApp) -> zhongjie::demo::Demo {
    let db = app.db.clone();
    let now = app.clock.now();
    tokio::task::spawn_blocking(move || zhongjie::demo::seed(&db, now, &Default::default()))
        .await
        .expect("join")
        .expect("demo seeded")
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
async fn the_demo_has_a_project_in_each_state_and_its_draw_recomputes() {
    let app = TestApp::new().await;
    let demo = seed_demo(&app).await;
    assert_eq!(demo.projects, 4);
    let public = public_list(&app, "/api/v1/projects", "projects").await;
    let mut states: Vec<&str> = public
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    states.sort();
    assert_eq!(
        states,
        ["awarded", "publicity", "signing_up"],
        "the one in review is not public"
    );

    let awarded = public.iter().find(|p| p["status"] == "awarded").unwrap();
    let number = awarded["number"].as_str().unwrap();
    let verified = zhongjie(&app, &["verify", "draw", number]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );

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
    assert_eq!(again.projects, 4, "seeding twice adds nothing");
}
