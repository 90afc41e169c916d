//! Statistics, charts and exports through HTTP, on a data set built with the
//! API alone: project A (bidding, ceiling 50,000.00 yuan) is awarded in March
//! at the lowest of three quotes, 31,000.00 yuan; project B (a fixed price, in
//! another county of the same city) is published in April, nobody signs up,
//! and its round fails (流标). A's contract is recorded at 30,000.00 yuan,
//! below the quote, accepted five days later and rated 5, 4, 4, 5.

mod common;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, TimeZone, Utc};
use common::contracts::{awarded, terms, upload};
use common::projects::{at, project_form, TOPO};
use common::{fields, problem, TestApp, TestUser, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Crafted {
    app: TestApp,
    admin: TestUser,
    applicant: TestUser,
    /// Days from A's publication to its award, in tenths, from its own times.
    a_days_tenths: i64,
    /// Days from A's award to its acceptance, in tenths.
    a_acceptance_tenths: i64,
}

fn tenths(secs: i64) -> i64 {
    (2 * secs + 8_640) / (2 * 8_640)
}

async fn crafted() -> Crafted {
    let a = awarded().await;
    let project = a.applicant.project(a.project).await;
    let a_days_tenths =
        tenths((at(&project["awarded_at"]) - at(&project["published_at"])).num_seconds());
    let app = a.app;
    let file = upload(&app, &a.applicant, "合同.pdf").await;
    let recorded = a
        .applicant
        .post_json(
            &format!("/api/v1/projects/{}/contract", a.project),
            terms(3_000_000, file),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::CREATED);
    let contract = recorded.json::<Value>().await.expect("json")["contract"]["id"]
        .as_i64()
        .expect("id");
    let confirmed = a
        .winner
        .post_json(
            &format!("/api/v1/contracts/{contract}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    app.advance(Duration::days(5));
    let winner = app.again(&a.winner).await;
    let owner = app.again(&a.applicant).await;
    let report = upload(&app, &winner, "成果.pdf").await;
    let delivered = winner
        .post_json(
            &format!("/api/v1/contracts/{contract}/deliveries"),
            json!({ "summary": "提交 1:500 地形图及技术报告。", "attachment_ids": [report] }),
        )
        .await;
    assert_eq!(delivered.status(), StatusCode::CREATED);
    let delivery = delivered.json::<Value>().await.expect("json")["delivery"]["id"].clone();
    let accepted = owner
        .post_json(
            &format!("/api/v1/deliveries/{delivery}/acceptance"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let evaluated = owner
        .post_json(
            &format!("/api/v1/contracts/{contract}/evaluation"),
            json!({ "quality": 5, "timeliness": 4, "fees": 4, "attitude": 5, "comment": "成果规范。" }),
        )
        .await;
    assert_eq!(evaluated.status(), StatusCode::CREATED);
    let completed = owner
        .get(&format!("/api/v1/contracts/{contract}"))
        .await
        .json::<Value>()
        .await
        .expect("json");
    let a_acceptance_tenths = tenths(
        (at(&completed["contract"]["completed_at"]) - at(&project["awarded_at"])).num_seconds(),
    );
    // 1 April 2026, 10:00 in Beijing.
    app.clock.set(
        Utc.with_ymd_and_hms(2026, 4, 1, 2, 0, 0)
            .single()
            .expect("time"),
    );
    let admin = app.log_in("centre", PASSWORD).await;
    let applicant = app.again(&a.applicant).await;
    let item = app.item_id(TOPO).await;
    let mut form = project_form(item, app.now() + Duration::days(13));
    form["region_code"] = json!("360111");
    form["investment_code"] = json!("2103-360111-04-01-123456");
    form["title"] = json!("青山湖区某项目地形图测绘");
    let b = app.published_project(&applicant, &admin, form).await;
    app.clock.set(at(&b["signup_deadline"]));
    app.run_scheduler().await;
    let admin = app.again(&admin).await;
    let applicant = app.again(&applicant).await;
    let b = applicant.project(b["id"].as_i64().expect("id")).await;
    assert_eq!(b["failed_rounds"], 1, "{b}");
    Crafted {
        app,
        admin,
        applicant,
        a_days_tenths,
        a_acceptance_tenths,
    }
}

async fn json_of(user: &TestUser, path: &str) -> Value {
    let response = user.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json::<Value>().await.expect("json")["statistics"].clone()
}

#[tokio::test]
async fn statistics_match_the_hand_computed_figures() {
    let c = crafted().await;
    let by_month = json_of(&c.admin, "/api/v1/supervision/statistics?group=month").await;
    let rows = by_month["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{by_month}");
    let march = &rows[0];
    assert_eq!(march["key"], "2026-03");
    assert_eq!(march["projects_published"], 1);
    assert_eq!(march["failure_rate_bp"], 0);
    assert_eq!(march["projects_awarded"], 1);
    // The contract's amount, not the quote of 3,100,000.
    assert_eq!(march["awarded_fen"], 3_000_000);
    assert_eq!(march["reference_fen"], 5_000_000);
    assert_eq!(march["savings_fen"], 2_000_000);
    // 2,000,000 / 5,000,000 = 40.00 %
    assert_eq!(march["savings_rate_bp"], 4_000);
    assert_eq!(march["avg_days_to_award_tenths"], c.a_days_tenths);
    assert!(
        c.a_acceptance_tenths >= 50,
        "five days after the award at least"
    );
    assert_eq!(
        march["avg_days_to_acceptance_tenths"],
        c.a_acceptance_tenths
    );
    // Three agencies signed up in March; one won everything.
    assert_eq!(march["agencies_active"], 3);
    assert_eq!(march["hhi"], 10_000);
    assert_eq!(march["top3_share_bp"], 10_000);
    // (5 + 4 + 4 + 5) / 4 = 4.50
    assert_eq!(march["avg_evaluation_hundredths"], 450);
    let april = &rows[1];
    assert_eq!(april["key"], "2026-04");
    assert_eq!(april["failure_rate_bp"], 10_000);
    assert_eq!(april["awarded_fen"], 0);
    assert_eq!(april["agencies_active"], 0);
    let total = &by_month["total"];
    assert_eq!(total["projects_published"], 2);
    assert_eq!(total["rounds"], 2);
    assert_eq!(total["failed_rounds"], 1);
    assert_eq!(total["failure_rate_bp"], 5_000);
    let largest = by_month["largest_agencies"]
        .as_array()
        .expect("admins see agencies");
    assert_eq!(largest.len(), 1);
    assert_eq!(largest[0]["awarded_fen"], 3_000_000);
    assert_eq!(largest[0]["share_bp"], 10_000);

    // The months filter, and a city that includes its counties.
    let april_only = json_of(
        &c.admin,
        "/api/v1/supervision/statistics?from=2026-04&to=2026-04",
    )
    .await;
    assert_eq!(april_only["total"]["projects_published"], 1);
    let city = json_of(&c.admin, "/api/v1/supervision/statistics?group=region").await;
    assert_eq!(city["rows"].as_array().expect("rows").len(), 1);
    assert_eq!(city["rows"][0]["key"], "360100");
    assert_eq!(city["rows"][0]["label"], "南昌市");
    let counties = json_of(
        &c.admin,
        "/api/v1/supervision/statistics?group=region&region=360100",
    )
    .await;
    let keys: Vec<&str> = counties["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["key"].as_str())
        .collect();
    assert_eq!(keys, ["360102", "360111"]);
    let other_city = json_of(&c.admin, "/api/v1/supervision/statistics?region=360400").await;
    assert_eq!(other_city["total"]["projects_published"], 0);

    // The public sees the same aggregates, and no agency.
    let public = c
        .app
        .client()
        .get(c.app.url("/api/v1/statistics"))
        .send()
        .await
        .expect("get");
    assert_eq!(public.status(), StatusCode::OK);
    let public: Value = public.json().await.expect("json");
    assert_eq!(public["statistics"]["total"], by_month["total"]);
    assert!(
        public["statistics"].get("largest_agencies").is_none(),
        "{public}"
    );
}

#[tokio::test]
async fn bad_parameters_name_their_fields_and_others_are_refused() {
    let app = TestApp::new().await;
    let admin = app.admin("centre").await;
    let applicant = app.applicant("owner").await;
    let bad = admin
        .get("/api/v1/supervision/statistics?from=2026-13&to=2026-01&region=36&service_item=x&group=week&format=pdf")
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = problem(bad).await;
    assert_eq!(fields(&body), ["format"], "the format is checked first");
    let bad = admin
        .get("/api/v1/supervision/statistics?from=2026-13&region=36&service_item=x&group=week")
        .await;
    let body = problem(bad).await;
    assert_eq!(fields(&body), ["from", "region", "service_item", "group"]);
    assert!(body["errors"][0]["message_en"]
        .as_str()
        .is_some_and(|m| m.contains("YYYY-MM")));
    let reversed = admin
        .get("/api/v1/statistics?from=2026-05&to=2026-04")
        .await;
    assert_eq!(fields(&problem(reversed).await), ["to"]);

    for path in [
        "/api/v1/supervision/statistics",
        "/admin/supervision/statistics",
    ] {
        assert_eq!(
            applicant.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let anonymous = app.client();
    let openapi: Value = anonymous
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    for path in ["/api/v1/supervision/statistics", "/api/v1/statistics"] {
        assert!(openapi["paths"].get(path).is_some(), "{path} is documented");
    }
    assert!(openapi["components"]["schemas"]
        .get("StatisticsEnvelope")
        .is_some());
    let api = anonymous
        .get(app.url("/api/v1/supervision/statistics"))
        .send()
        .await
        .expect("get");
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
}

/// Bars of the charts on a page: one `<rect>` each, in the bars' colour.
fn bars(html: &str) -> Vec<usize> {
    let fill = format!(
        "fill=\"{}\"",
        zhongjie::supervision::statistics_charts::BAR_FILL
    );
    html.split("<svg")
        .skip(1)
        .map(|svg| {
            svg.split("</svg>")
                .next()
                .unwrap_or("")
                .matches(&fill)
                .count()
        })
        .collect()
}

#[tokio::test]
async fn the_pages_draw_their_charts_and_the_public_one_names_no_agency() {
    let c = crafted().await;
    let admin_page = c.admin.get("/admin/supervision/statistics").await;
    assert_eq!(admin_page.status(), StatusCode::OK);
    let admin_html = admin_page.text().await.expect("html");
    assert_eq!(bars(&admin_html), [2, 2, 2], "three charts of two months");
    assert!(admin_html.contains("id=\"largest-agencies\""));
    let winner_name = c
        .admin
        .get("/api/v1/supervision/statistics")
        .await
        .json::<Value>()
        .await
        .expect("json")["statistics"]["largest_agencies"][0]["name"]
        .as_str()
        .expect("name")
        .to_owned();
    assert!(admin_html.contains(&winner_name));

    let public = c
        .app
        .client()
        .get(c.app.url("/statistics?group=region&region=360100"))
        .send()
        .await
        .expect("get");
    assert_eq!(public.status(), StatusCode::OK);
    let public_html = public.text().await.expect("html");
    assert_eq!(bars(&public_html), [2, 2, 2], "two counties");
    assert!(public_html.contains("青山湖区"));
    assert!(!public_html.contains("largest-agencies"));
    assert!(
        !public_html.contains(&winner_name),
        "no agency by name in public"
    );
    assert!(public_html.contains("format=csv") && public_html.contains("format=xlsx"));
    let _ = c.applicant;
}

#[tokio::test]
async fn the_tables_download_as_csv_and_xlsx() {
    let c = crafted().await;
    let csv = c
        .admin
        .get("/api/v1/supervision/statistics?format=csv")
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/csv"));
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .expect("name")
        .contains("statistics.csv"));
    let bytes = csv.bytes().await.expect("body");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(&reader.headers().expect("headers")[0], "分组");
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), 3, "two months and the total");
    assert_eq!(&records[0][0], "2026-03");
    assert_eq!(&records[0][6], "30000.00");
    assert_eq!(&records[2][0], "合计");

    let xlsx = c
        .app
        .client()
        .get(c.app.url("/statistics?format=xlsx"))
        .send()
        .await
        .expect("get");
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.expect("body").to_vec();
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
    let sheet = book.worksheet_range("Sheet1").expect("sheet");
    assert_eq!(sheet.get_size(), (4, 15));
    assert_eq!(sheet.get((0, 1)), Some(&Data::String("发布项目数".into())));
    assert_eq!(sheet.get((1, 0)), Some(&Data::String("2026-03".into())));
    assert_eq!(sheet.get((1, 6)), Some(&Data::Float(30_000.0)));
    assert_eq!(sheet.get((3, 1)), Some(&Data::Float(2.0)));

    // The lists: announcements and the directory.
    let projects = c
        .app
        .client()
        .get(c.app.url("/projects?format=csv"))
        .send()
        .await
        .expect("get");
    let text =
        String::from_utf8(projects.bytes().await.expect("body")[3..].to_vec()).expect("utf-8");
    assert!(text.starts_with("项目编号,"));
    assert!(text.contains("青山湖区某项目地形图测绘"));
    assert_eq!(text.lines().count(), 3, "two projects and the header");
    let agencies = c
        .app
        .client()
        .get(c.app.url("/agencies?format=xlsx"))
        .send()
        .await
        .expect("get");
    let bytes = agencies.bytes().await.expect("body").to_vec();
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
    let sheet = book.worksheet_range("Sheet1").expect("sheet");
    assert_eq!(sheet.get_size().0, 4, "three agencies and the header");
    let bad = c
        .app
        .client()
        .get(c.app.url("/agencies?format=pdf"))
        .send()
        .await
        .expect("get");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
