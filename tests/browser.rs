//! Pages in a real headless Chromium, driven through chromedriver (set
//! `CHROMEDRIVER` to its path; `CHROME_BIN` overrides `/usr/bin/chromium`).
//! Compiled only when `CHROMEDRIVER` is set at build time (see build.rs).
#![cfg(browser_tests)]

mod common;

use common::projects::{bidding_json, DEADLINE_LOCAL};
use common::{TestApp, PASSWORD};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A chromedriver on its own port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn browser() -> (Driver, Client) {
    let chromedriver = std::env::var("CHROMEDRIVER").expect("CHROMEDRIVER");
    let port = free_port();
    let child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e}"));
    let profile = tempfile::tempdir().expect("profile directory");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: profile,
    };
    let chrome = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chrome,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", driver._profile.path().display()),
            ]
        }
    });
    let capabilities = match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("an object literal"),
    };
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => return (driver, client),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("chromedriver at {} did not start a session", driver.url);
}

async fn type_into(client: &Client, id: &str, text: &str) {
    let field = client.find(Locator::Id(id)).await.expect(id);
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .expect(css)
        .click()
        .await
        .expect("click");
}

/// Waits for an element of the next page, so a check never reads the page before it.
async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

/// Waits until an element shows the text: the page has moved on to the next one.
async fn wait_for_text(client: &Client, css: &str, text: &str) {
    for _ in 0..150 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            if element.text().await.is_ok_and(|t| t == text) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {text}");
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    std::fs::write(dir.join(name), png).expect("screenshot written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_user_registers_and_logs_in_through_the_pages() {
    let app = TestApp::new().await;
    let (_driver, client) = browser().await;

    client.goto(&app.url("/")).await.unwrap();
    click(&client, "a[href='/register'].button").await;
    wait_for(&client, "form[action='/register']").await;
    assert!(client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/register"));

    // A mistyped credit code is shown next to its field, and what was typed stays.
    click(&client, "input[name=role][value=applicant]").await;
    type_into(&client, "username", "nanchang_owner").await;
    type_into(&client, "password", PASSWORD).await;
    type_into(&client, "display_name", "南昌市某建设单位").await;
    click(&client, "input[name=party][value=organization]").await;
    type_into(&client, "organization_name", "南昌某建设有限公司").await;
    type_into(&client, "organization_uscc", "91360102MA35ABCD41").await;
    click(&client, "form[action='/register'] button[type=submit]").await;
    // Waits for the answer's page: under load, reading at once still sees the form sent.
    let error = wait_for(&client, "#organization_uscc-error").await;
    assert!(error.text().await.unwrap().contains("校验位不正确"));
    let kept = client.find(Locator::Id("username")).await.unwrap();
    assert_eq!(
        kept.prop("value").await.unwrap().as_deref(),
        Some("nanchang_owner")
    );
    screenshot(&client, "register-error.png").await;

    type_into(&client, "organization_uscc", "91360102MA35ABCD40").await;
    type_into(&client, "password", PASSWORD).await;
    click(&client, "form[action='/register'] button[type=submit]").await;
    wait_for(&client, "form[action='/login']").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/login");
    assert!(client.source().await.unwrap().contains("注册成功"));

    type_into(&client, "username", "nanchang_owner").await;
    type_into(&client, "password", PASSWORD).await;
    click(&client, "form[action='/login'] button[type=submit]").await;
    let shown = wait_for(&client, "#account-username").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/account");
    assert_eq!(shown.text().await.unwrap(), "nanchang_owner");
    assert!(client
        .source()
        .await
        .unwrap()
        .contains("南昌某建设有限公司"));
    screenshot(&client, "account.png").await;

    // Log out through the navigation.
    click(&client, "form[action='/logout'] button").await;
    wait_for(&client, "a[href='/login']").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/");
    client.close().await.unwrap();
}

async fn log_in_through_the_page(client: &Client, app: &TestApp, username: &str) {
    client.goto(&app.url("/login")).await.unwrap();
    type_into(client, "username", username).await;
    type_into(client, "password", PASSWORD).await;
    click(client, "form[action='/login'] button[type=submit]").await;
    wait_for(client, "#account-username").await;
}

async fn log_out_through_the_page(client: &Client) {
    click(client, "form[action='/logout'] button").await;
    wait_for(client, "a[href='/login']").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_applies_through_the_form_and_an_admin_admits_it() {
    let app = TestApp::new().await;
    app.agency_user("ganjiang").await;
    app.admin("center").await;
    let (_driver, client) = browser().await;

    log_in_through_the_page(&client, &app, "ganjiang").await;
    click(&client, "a[href='/my/agency']").await;
    wait_for(&client, "form[action='/my/agency']").await;
    type_into(&client, "name", "江西赣江测绘有限公司").await;
    type_into(&client, "uscc", "91360102MA35ABCD40").await;
    type_into(&client, "legal_representative", "张建国").await;
    client
        .find(Locator::Id("region_code"))
        .await
        .unwrap()
        .select_by_value("360102")
        .await
        .unwrap();
    type_into(&client, "address", "南昌市东湖区八一大道100号").await;
    type_into(&client, "contact_name", "李敏").await;
    type_into(&client, "contact_phone", "0791-86661234").await;
    type_into(&client, "contact_email", "office@ganjiang.example.cn").await;
    type_into(&client, "business_scope", "测绘服务；工程测量").await;
    click(&client, "#regions option[value='360100']").await;
    click(&client, "#commitment_accepted").await;
    click(&client, "#save-agency").await;
    wait_for(&client, "#notice").await;
    click(&client, "#submit-agency").await;
    wait_for_text(&client, "#agency-status", "待审核").await;
    screenshot(&client, "agency-submitted.png").await;
    log_out_through_the_page(&client).await;

    log_in_through_the_page(&client, &app, "center").await;
    click(&client, "a[href='/admin/agencies']").await;
    wait_for(&client, "table").await;
    client
        .find(Locator::LinkText("江西赣江测绘有限公司"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "#review-submit").await;
    click(&client, "#action-approve").await;
    click(&client, "#review-submit").await;
    wait_for_text(&client, "#agency-status", "已入驻").await;
    screenshot(&client, "agency-admitted.png").await;

    // The public directory now lists it.
    client.goto(&app.url("/agencies")).await.unwrap();
    wait_for(&client, ".cards").await;
    assert!(client
        .source()
        .await
        .unwrap()
        .contains("江西赣江测绘有限公司"));
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_searches_from_the_home_page_and_narrows_by_facet() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let (surveyor, surveyor_id) = app.admitted_agency("surveyor", 41, &admin).await;
    app.verified_surveying(&surveyor, surveyor_id, &admin, "2030-12-31")
        .await;
    let topo = app.item_id("ZJ027").await;
    let published = surveyor
        .post_json(
            "/api/v1/offerings",
            common::supply::offering_form(topo, "published"),
        )
        .await;
    assert_eq!(published.status(), reqwest::StatusCode::CREATED);
    app.sync_search().await;
    let (_driver, client) = browser().await;

    client.goto(&app.url("/")).await.unwrap();
    type_into(&client, "home-q", "测绘").await;
    click(&client, "form.hero-search button[type=submit]").await;
    let hit = wait_for(&client, "ol.hits li a").await;
    assert_eq!(hit.text().await.unwrap(), "地形图测绘（1:500）");
    assert!(client.source().await.unwrap().contains("<mark>测绘</mark>"));
    screenshot(&client, "search.png").await;

    // A facet link narrows the results without any script.
    client
        .find(Locator::LinkText("地形图测绘"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, ".facets strong", "地形图测绘（1）").await;

    // Nothing found: the page suggests the catalogue.
    client
        .goto(&app.url("/search?q=完全不存在的服务xyz"))
        .await
        .unwrap();
    wait_for(&client, "#no-results a[href='/service-items']").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_publishes_a_project_and_an_admin_approves_it() {
    let app = TestApp::new().await;
    app.applicant("nanchang_owner").await;
    app.admin("center").await;
    let topo = app.item_id("ZJ027").await;
    let (_driver, client) = browser().await;

    log_in_through_the_page(&client, &app, "nanchang_owner").await;
    click(&client, "a[href='/my/projects']").await;
    click(&client, "#new-project").await;
    wait_for(&client, "form#project-form").await;
    client
        .find(Locator::Id("service_item_id"))
        .await
        .unwrap()
        .select_by_value(&topo.to_string())
        .await
        .unwrap();
    type_into(&client, "title", "南昌市某安置房项目地形图测绘").await;
    client
        .find(Locator::Id("region_code"))
        .await
        .unwrap()
        .select_by_value("360102")
        .await
        .unwrap();
    click(&client, "#scale_kind-amount").await;
    type_into(&client, "scale_amount_yuan", "12500000").await;
    type_into(&client, "fiscal_share_percent", "100").await;
    type_into(
        &client,
        "service_content",
        "按《工程测量标准》开展 1:500 地形图测绘，提交成果图与技术报告。",
    )
    .await;
    type_into(&client, "service_days", "30").await;
    client
        .find(Locator::Id("method"))
        .await
        .unwrap()
        .select_by_value("random")
        .await
        .unwrap();
    click(&client, "#price_mode-fixed").await;
    type_into(&client, "amount_yuan", "30000").await;
    type_into(&client, "contact_name", "王工").await;
    type_into(&client, "contact_phone", "0791-86888888").await;
    type_into(&client, "complaint_phone", "12345").await;
    // A datetime-local input takes keys in the browser's locale; set its value as typed.
    client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!("signup_deadline"), json!(DEADLINE_LOCAL)],
        )
        .await
        .unwrap();
    click(&client, "#save-project").await;
    wait_for(&client, "#notice").await;
    wait_for_text(&client, "#project-status", "草稿").await;
    assert_eq!(
        client
            .find(Locator::Id("project-price"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "固定服务金额 30,000.00 元"
    );
    click(&client, "#publish-project").await;
    wait_for_text(&client, "#project-status", "待审核").await;
    screenshot(&client, "project-submitted.png").await;
    log_out_through_the_page(&client).await;

    log_in_through_the_page(&client, &app, "center").await;
    click(&client, "a[href='/admin/projects']").await;
    wait_for(&client, "#pending-projects").await;
    client
        .find(Locator::LinkText("南昌市某安置房项目地形图测绘"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "#review-submit").await;
    click(&client, "#decision-approve").await;
    click(&client, "#review-submit").await;
    wait_for_text(&client, "#project-status", "报名中").await;
    screenshot(&client, "project-approved.png").await;

    // Now it is an announcement everyone sees.
    client.goto(&app.url("/projects")).await.unwrap();
    wait_for(&client, "table.projects").await;
    assert!(client
        .source()
        .await
        .unwrap()
        .contains("南昌市某安置房项目地形图测绘"));
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_signs_up_on_the_project_page_and_sees_its_quote() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let owner = app.applicant("nanchang_owner").await;
    app.eligible_agency("surveyor", 61, &admin).await;
    let topo = app.item_id("ZJ027").await;
    let id = app
        .published_project_id(&owner, &admin, bidding_json(topo, "南昌市某小区地形图测绘"))
        .await;
    let (_driver, client) = browser().await;

    log_in_through_the_page(&client, &app, "surveyor").await;
    client.goto(&app.url("/projects")).await.unwrap();
    client
        .find(Locator::LinkText("南昌市某小区地形图测绘"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "#signup-form").await;
    assert!(client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with(&format!("/projects/{id}")));
    type_into(&client, "quote_yuan", "12345.67").await;
    type_into(&client, "promised_days", "20").await;
    click(&client, "#signup-submit").await;
    wait_for(&client, "#notice").await;
    wait_for_text(&client, "#my-signup-quote", "12,345.67 元").await;
    wait_for_text(&client, "#my-signup-status", "有效").await;
    screenshot(&client, "project-signed-up.png").await;

    // Changing the quote before the deadline keeps one sign-up.
    type_into(&client, "quote_yuan", "11000").await;
    click(&client, "#signup-submit").await;
    wait_for_text(&client, "#my-signup-quote", "11,000.00 元").await;
    assert!(client
        .find(Locator::Id("signup-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .contains("已有 1 家机构报名"));
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_accepts_the_deliverables_and_evaluates_the_agency() {
    let a = common::contracts::awarded().await;
    // Contract and delivery through the API; acceptance and evaluation in the browser.
    let (contract, _) = common::contracts::delivered_contract(&a).await;
    let (_driver, client) = browser().await;

    log_in_through_the_page(&client, &a.app, "owner").await;
    client.goto(&a.app.url("/my/contracts")).await.unwrap();
    click(&client, &format!("a[href='/contracts/{contract}']")).await;
    wait_for(&client, "#delivery-accept").await;
    type_into(&client, "acceptance-reason", "成果齐全，符合合同约定。").await;
    click(&client, "#delivery-accept").await;
    wait_for(&client, "#notice").await;
    wait_for_text(&client, "#contract-status", "已验收").await;

    // A rating left out is named next to its group; the ones given stay chosen.
    click(&client, "#rate-quality-5").await;
    click(&client, "#rate-timeliness-4").await;
    click(&client, "#rate-fees-4").await;
    type_into(&client, "evaluation-comment", "成果规范，沟通及时。").await;
    click(&client, "#evaluation-submit").await;
    wait_for(&client, "#attitude-error").await;
    assert!(client
        .find(Locator::Id("rate-quality-5"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap()
        .is_some_and(|checked| checked == "true"));
    click(&client, "#rate-attitude-5").await;
    click(&client, "#evaluation-submit").await;
    wait_for(&client, "#evaluation-result").await;
    let result = client
        .find(Locator::Id("evaluation-result"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(result.contains("★★★★★") && result.contains("成果规范，沟通及时。"));
    screenshot(&client, "contract-evaluated.png").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_sees_the_parallel_approval_on_one_timeline() {
    let a = common::contracts::awarded().await;
    let system = a
        .app
        .machine("并联审批系统", &["approvals:read", "approvals:write"])
        .await;
    let created = system
        .put(
            &format!("/api/v1/investment-projects/{}", common::approvals::CODE),
            common::approvals::investment_project(),
        )
        .await;
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    let (_driver, client) = browser().await;

    log_in_through_the_page(&client, &a.app, "owner").await;
    client
        .goto(&a.app.url("/investment-projects"))
        .await
        .unwrap();
    click(
        &client,
        &format!("a[href='/investment-projects/{}']", common::approvals::CODE),
    )
    .await;
    wait_for(&client, "#approval-timeline").await;
    wait_for_text(&client, "#item-SP13-state", "未申报").await;
    let timeline = client
        .find(Locator::Id("approval-timeline"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(timeline.contains("建设用地规划许可") && timeline.contains("中介服务中"));
    assert!(timeline.contains("等待 1 项中介服务完成后方可申报"));
    screenshot(&client, "approval-timeline.png").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_page_draws_its_charts_without_script() {
    let a = common::contracts::awarded().await;
    let (_driver, client) = browser().await;
    client.goto(&a.app.url("/statistics")).await.unwrap();
    wait_for(&client, "figure.chart svg").await;
    let charts = client
        .find_all(Locator::Css("figure.chart svg"))
        .await
        .unwrap();
    assert_eq!(charts.len(), 3, "projects, awarded amount, failure rate");
    let bars = client
        .find_all(Locator::Css(&format!(
            "figure.chart svg rect[fill='{}']",
            zhongjie::supervision::statistics_charts::BAR_FILL
        )))
        .await
        .unwrap();
    assert_eq!(bars.len(), 3, "one month, one bar in each chart");
    let table = client
        .find(Locator::Id("statistics-table"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(table.contains("2026-03") && table.contains("31000.00"));
    screenshot(&client, "statistics.png").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_opens_the_supervision_dashboard_and_its_lights() {
    let a = common::contracts::awarded().await;
    let (_driver, client) = browser().await;

    log_in_through_the_page(&client, &a.app, "centre").await;
    click(&client, "a[href='/admin/supervision']").await;
    wait_for(&client, "#light-counts").await;
    let green = client
        .find(Locator::Css("table.lights.green"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        green.contains("合同签订") && green.contains("赣江新区某安置房项目地形图测绘"),
        "{green}"
    );
    click(&client, "table.lights.green a[href^='/admin/audit']").await;
    wait_for(&client, "#chain-head").await;
    let head = client
        .find(Locator::Id("chain-head"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(head.contains("哈希链完整"), "{head}");
    screenshot(&client, "supervision-audit.png").await;
    client.close().await.unwrap();
}
