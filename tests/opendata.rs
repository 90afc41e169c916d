//! Open data through HTTP: the OCDS release packages of a project from
//! publication to its contract validate against the OCDS 1.1 schema; a sealed
//! round names no tenderer; the change feed pages with `next_since` and hides
//! drafts, sealed sign-ups and people; bad parameters get problem+json.

mod common;

use common::contracts::{awarded, terms, upload};
use common::projects::project_form;
use common::{fields, problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SCHEMA_BASE: &str = "https://standard.open-contracting.org/schema/1__1__5/";

/// The OCDS 1.1 release-package schema, its release schema resolved from
/// tests/data/ocds (no network), with formats asserted.
fn ocds_validator() -> (boon::Schemas, boon::SchemaIndex) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ocds/");
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    for name in ["release-schema.json", "release-package-schema.json"] {
        let text = std::fs::read_to_string(format!("{dir}{name}")).expect("schema file");
        let schema: Value = serde_json::from_str(&text).expect("schema JSON");
        compiler
            .add_resource(&format!("{SCHEMA_BASE}{name}"), schema)
            .expect("schema resource");
    }
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(
            &format!("{SCHEMA_BASE}release-package-schema.json"),
            &mut schemas,
        )
        .expect("the OCDS schema compiles");
    (schemas, index)
}

fn assert_valid(package: &Value) {
    let (schemas, index) = ocds_validator();
    if let Err(error) = schemas.validate(package, index) {
        panic!("not a valid OCDS 1.1 release package: {error:#}\n{package:#}");
    }
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client()
        .get(app.url(path))
        .send()
        .await
        .expect("request")
}

/// Every release after `since`, following `links.next` page by page until 204.
async fn all_releases(app: &TestApp, limit: i64) -> Vec<Value> {
    let mut path = format!("/api/v1/ocds/releases?since=0&limit={limit}");
    let mut releases = Vec::new();
    for _ in 0..100 {
        let response = get(app, &path).await;
        if response.status() == StatusCode::NO_CONTENT {
            return releases;
        }
        assert_eq!(response.status(), StatusCode::OK);
        let package: Value = response.json().await.expect("JSON");
        assert_valid(&package);
        let page = package["releases"].as_array().expect("releases").clone();
        assert!(page.len() as i64 <= limit);
        releases.extend(page);
        let next = package["links"]["next"].as_str().expect("next");
        path = next[next.find("/api/").expect("a path")..].to_owned();
    }
    panic!("the pages never ended");
}

/// The whole feed from 0, `limit` changes at a time; also the number of pages
/// that showed nothing but still moved `next_since` on.
async fn whole_feed(app: &TestApp, limit: i64) -> (Vec<Value>, usize) {
    let (mut since, mut entries, mut empty_pages) = (0, Vec::new(), 0);
    loop {
        let response = get(app, &format!("/api/v1/changes?since={since}&limit={limit}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.expect("JSON");
        let next = page["next_since"].as_i64().expect("next_since");
        let shown = page["changes"].as_array().expect("changes").clone();
        if next == since {
            assert!(shown.is_empty());
            return (entries, empty_pages);
        }
        assert!(next > since, "next_since moves on");
        if shown.is_empty() {
            empty_pages += 1;
        }
        entries.extend(shown);
        since = next;
    }
}

#[tokio::test]
async fn a_project_from_publication_to_contract_gives_valid_ocds_releases() {
    let a = awarded().await;
    let path = format!("/api/v1/projects/{}/contract", a.project);
    let file = upload(&a.app, &a.winner, "合同.pdf").await;
    let recorded = a.winner.post_json(&path, terms(3_100_000, file)).await;
    assert_eq!(recorded.status(), StatusCode::CREATED);
    let contract = recorded.json::<Value>().await.unwrap()["contract"]["id"]
        .as_i64()
        .unwrap();
    let confirmed = a
        .applicant
        .post_json(
            &format!("/api/v1/contracts/{contract}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let number = a.applicant.project(a.project).await["number"]
        .as_str()
        .expect("a number")
        .to_owned();

    let releases = all_releases(&a.app, 100).await;
    let one_by_one = all_releases(&a.app, 1).await;
    assert_eq!(releases, one_by_one, "paging loses and repeats nothing");
    let ocid = format!("ocds-zjcs01-{number}");
    assert!(releases.iter().all(|r| r["ocid"] == ocid.as_str()));
    let tags: Vec<&str> = releases
        .iter()
        .map(|r| r["tag"][0].as_str().expect("a tag"))
        .collect();
    for tag in ["tender", "tenderUpdate", "award", "awardUpdate", "contract"] {
        assert!(tags.contains(&tag), "{tag} in {tags:?}");
    }
    let first = &releases[0];
    assert_eq!(first["tag"], json!(["tender"]));
    assert_eq!(first["tender"]["procurementMethod"], "open");
    assert_eq!(first["tender"]["procurementMethodDetails"], "竞价选取");
    assert_eq!(
        first["tender"]["value"],
        json!({ "amount": 50000.0, "currency": "CNY" })
    );
    assert!(
        first["tender"].get("numberOfTenderers").is_none(),
        "not yet known"
    );
    assert_eq!(first["buyer"]["name"], "南昌某建设有限公司");

    let last = releases.last().expect("a release");
    assert_eq!(last["tag"], json!(["contract"]));
    assert_eq!(last["tender"]["numberOfTenderers"], 3);
    assert_eq!(last["awards"][0]["status"], "active");
    assert_eq!(last["awards"][0]["value"]["amount"], 31000.0);
    assert_eq!(last["contracts"][0]["status"], "active");
    assert_eq!(last["contracts"][0]["awardID"], last["awards"][0]["id"]);
    assert_eq!(last["contracts"][0]["value"]["amount"], 31000.0);
    let supplier = &last["awards"][0]["suppliers"][0];
    let party = last["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .find(|p| p["id"] == supplier["id"])
        .expect("the supplier is a party");
    assert!(party["roles"]
        .as_array()
        .unwrap()
        .contains(&json!("supplier")));

    // Quotes and people stay out: the losing quotes, the contact, user names.
    let text = serde_json::to_string(&releases).unwrap();
    for private in [
        "4200000",
        "42000",
        "39000",
        "王工",
        "0791-86888888",
        "owner",
        "agency1",
    ] {
        assert!(!text.contains(private), "{private} is published");
    }

    // The contract is in the feed, linked to its project.
    let (feed, _) = whole_feed(&a.app, 1000).await;
    assert!(feed.iter().any(|c| c["entity_type"] == "contract"
        && c["action"] == "contract.confirmed"
        && c["href"] == format!("/api/v1/projects/{}", a.project)));
    assert!(!feed.iter().any(|c| c["action"] == "contract.recorded"));
}

#[tokio::test]
async fn a_sealed_round_names_no_tenderer_and_a_person_is_no_buyer() {
    let app = TestApp::with_settings(|s| s.ocds_prefix = "ocds-abc123".into()).await;
    let admin = app.admin("centre").await;
    let person = app.registered_user("person", "applicant", None).await;
    let mut agencies = Vec::new();
    for i in 1..=3 {
        agencies.push(app.eligible_agency(&format!("agency{i}"), i, &admin).await);
    }
    let item = app.item_id(common::projects::TOPO).await;
    let project = app
        .published_project_id(&person, &admin, project_form(item, app.deadline()))
        .await;
    for (agency, _) in &agencies {
        let signed = agency.sign_up(project, json!({})).await;
        assert_eq!(signed.status(), StatusCode::CREATED);
    }

    let releases = all_releases(&app, 100).await;
    assert_eq!(releases.len(), 1, "the tender only: {releases:#?}");
    let tender = &releases[0];
    assert!(tender["ocid"]
        .as_str()
        .unwrap()
        .starts_with("ocds-abc123-ZJCG"));
    assert_eq!(tender["tender"]["procurementMethodDetails"], "随机抽取");
    assert!(tender["tender"].get("numberOfTenderers").is_none());
    assert!(tender["tender"].get("tenderers").is_none());
    assert_eq!(tender["buyer"]["name"], "自然人");
    let text = serde_json::to_string(&releases).unwrap();
    for private in ["江西测试", "person", "tenderer"] {
        assert!(
            !text.contains(private),
            "{private} is published while sealed"
        );
    }

    // The feed shows the publication, never the sealed sign-ups or the people.
    let (feed, _) = whole_feed(&app, 1000).await;
    let project_actions: Vec<&str> = feed
        .iter()
        .filter(|c| c["entity_type"] == "project")
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(project_actions, ["project.published"]);
    assert!(!feed
        .iter()
        .any(|c| c["action"].as_str().unwrap().starts_with("signup.")));
}

#[tokio::test]
async fn the_change_feed_pages_on_and_hides_drafts_reviews_and_users() {
    let app = TestApp::new().await;
    let admin = app.admin("centre").await;
    let applicant = app.applicant("owner").await;
    let (agency_user, agency) = app.eligible_agency("agency1", 1, &admin).await;
    // An agency still in review, and a draft project: neither is public.
    let pending = app.agency_user("agency2").await;
    let mut form =
        common::supply::agency_form("江西待审测绘有限公司", &common::supply::test_uscc(2));
    form["commitment_accepted"] = json!(true);
    form["regions"] = json!(["360100"]);
    let created = pending.post_json("/api/v1/agencies", form).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let pending_id = created.json::<Value>().await.unwrap()["agency"]["id"]
        .as_i64()
        .unwrap();
    let item = app.item_id(common::projects::TOPO).await;
    let draft = applicant
        .post_json("/api/v1/projects", project_form(item, app.deadline()))
        .await;
    assert_eq!(draft.status(), StatusCode::CREATED);
    let draft_id = draft.json::<Value>().await.unwrap()["project"]["id"]
        .as_i64()
        .unwrap();
    let _ = agency_user;

    let (all, _) = whole_feed(&app, 1000).await;
    let (paged, empty_pages) = whole_feed(&app, 1).await;
    assert_eq!(all, paged, "one change at a time gives the same feed");
    assert!(
        empty_pages > 0,
        "pages that showed nothing still moved next_since"
    );
    let seqs: Vec<i64> = all.iter().map(|c| c["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));

    let of = |kind: &str, id: i64| -> Vec<String> {
        all.iter()
            .filter(|c| {
                c["entity_type"] == kind
                    && c["entity_id"].as_str().and_then(|s| s.parse::<i64>().ok()) == Some(id)
            })
            .map(|c| c["action"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(of("project", draft_id).is_empty(), "a draft is private");
    assert!(
        of("agency", pending_id).is_empty(),
        "an agency in review is private"
    );
    let admitted = of("agency", agency);
    assert_eq!(
        admitted.first().map(String::as_str),
        Some("agency.admitted"),
        "{admitted:?}"
    );
    assert!(!admitted
        .iter()
        .any(|a| a == "agency.created" || a == "agency.submitted"));
    let kinds: BTreeSet<&str> = all
        .iter()
        .map(|c| c["entity_type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.is_subset(&BTreeSet::from([
            "agency",
            "offering",
            "qualification",
            "service_item"
        ])),
        "{kinds:?}"
    );
    let entry = all
        .iter()
        .find(|c| c["entity_type"] == "offering")
        .expect("the offering");
    assert!(entry["href"]
        .as_str()
        .unwrap()
        .starts_with("/api/v1/offerings/"));
    assert!(entry["occurred_at"].as_str().unwrap().ends_with('Z'));
    let anyone = get(&app, entry["href"].as_str().unwrap()).await;
    assert_eq!(anyone.status(), StatusCode::OK, "the link needs no caller");
}

#[tokio::test]
async fn bad_parameters_are_problems_naming_the_field() {
    let app = TestApp::new().await;
    for endpoint in ["/api/v1/changes", "/api/v1/ocds/releases"] {
        for (query, expected) in [
            ("since=-1", vec!["since"]),
            ("since=abc", vec!["since"]),
            ("limit=0", vec!["limit"]),
            ("limit=1001", vec!["limit"]),
            ("since=x&limit=y", vec!["since", "limit"]),
        ] {
            let response = get(&app, &format!("{endpoint}?{query}")).await;
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{endpoint}?{query}"
            );
            let body = problem(response).await;
            assert_eq!(fields(&body), expected, "{endpoint}?{query}");
            assert!(body["errors"][0]["message_zh"]
                .as_str()
                .is_some_and(|m| !m.is_empty()));
        }
    }
    assert_eq!(
        get(&app, "/api/v1/ocds/releases").await.status(),
        StatusCode::NO_CONTENT,
        "no published project yet: no package"
    );
    let policy = get(&app, "/api/v1/ocds/publication-policy").await;
    assert_eq!(policy.status(), StatusCode::OK);
}
