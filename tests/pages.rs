//! The pages without a browser: forms, CSRF, errors next to fields, redirects
//! and role checks, read as HTML through HTTP.

mod common;

use common::html::{csrf_token, page};
use common::{TestApp, PASSWORD};
use reqwest::{Client, StatusCode};

async fn submit(client: &Client, url: String, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(url).form(form).send().await.unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_visitor_registers_logs_in_and_out_through_the_forms() {
    let app = TestApp::new().await;
    let browser = app.client();
    let (status, html) = page(&browser, app.url("/register")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<label for=\"organization_uscc\">"));
    let token = csrf_token(&html);

    let registered = submit(
        &browser,
        app.url("/register"),
        &[
            ("csrf_token", &token),
            ("role", "applicant"),
            ("username", "owner"),
            ("password", PASSWORD),
            ("display_name", "南昌市某建设单位"),
            ("party", "organization"),
            ("organization.name", "南昌某建设有限公司"),
            ("organization.uscc", "91360102MA35ABCD40"),
        ],
    )
    .await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&registered), "/login?registered=1");

    let (_, html) = page(&browser, app.url("/login?registered=1")).await;
    assert!(html.contains("注册成功"));
    let logged_in = submit(
        &browser,
        app.url("/login"),
        &[
            ("csrf_token", &csrf_token(&html)),
            ("username", "owner"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&logged_in), "/account");

    let (status, html) = page(&browser, app.url("/account")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("南昌某建设有限公司") && html.contains("项目业主"));
    assert!(html.contains("退出"));

    let logout = submit(
        &browser,
        app.url("/logout"),
        &[("csrf_token", &csrf_token(&html))],
    )
    .await;
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    let after = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&after), "/login?next=%2Faccount");
}

#[tokio::test]
async fn a_bad_code_is_shown_next_to_its_field_keeping_what_was_typed() {
    let app = TestApp::new().await;
    let browser = app.client();
    let (_, html) = page(&browser, app.url("/register")).await;
    let response = submit(
        &browser,
        app.url("/register"),
        &[
            ("csrf_token", &csrf_token(&html)),
            ("role", "agency"),
            ("username", "huanping"),
            ("password", PASSWORD),
            ("display_name", "某环境咨询公司"),
            ("party", "organization"),
            ("organization.name", "某环境咨询有限公司"),
            ("organization.uscc", "91350100M000100Y4Z"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"organization_uscc-error\""));
    assert!(html.contains("统一社会信用代码含有不允许的字符"));
    assert!(html.contains("value=\"huanping\"") && html.contains("value=\"91350100M000100Y4Z\""));
    assert!(!html.contains(PASSWORD), "the password is never sent back");
    assert!(html.contains("value=\"agency\" checked"));
    assert_eq!(
        app.try_log_in("huanping", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_form_without_its_token_changes_nothing() {
    let app = TestApp::new().await;
    let browser = app.client();
    page(&browser, app.url("/register")).await;
    let fields = [
        ("role", "applicant"),
        ("username", "owner"),
        ("password", PASSWORD),
        ("display_name", "某人"),
        ("party", "person"),
    ];
    let response = submit(&browser, app.url("/register"), &fields).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(response.text().await.unwrap().contains("页面已过期"));

    // A token from another visitor's page does not fit this visitor's cookie.
    let other = app.client();
    let (_, html) = page(&other, app.url("/register")).await;
    let mut forged = fields.to_vec();
    let token = csrf_token(&html);
    forged.push(("csrf_token", &token));
    let response = submit(&browser, app.url("/register"), &forged).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.try_log_in("owner", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_wrong_password_is_told_on_the_login_page_and_next_stays_local() {
    let app = TestApp::new().await;
    app.applicant("owner").await;
    let browser = app.client();
    let (_, html) = page(&browser, app.url("/login?next=%2Faccount")).await;
    assert!(html.contains("name=\"next\" value=\"/account\""));
    let token = csrf_token(&html);
    let wrong = submit(
        &browser,
        app.url("/login"),
        &[
            ("csrf_token", &token),
            ("username", "owner"),
            ("password", "not the password"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("用户名或密码错误") && html.contains("value=\"owner\""));

    let away = submit(
        &browser,
        app.url("/login"),
        &[
            ("csrf_token", &token),
            ("username", "owner"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ],
    )
    .await;
    assert_eq!(location(&away), "/account");
}

#[tokio::test]
async fn a_token_made_on_the_account_page_is_shown_once_and_revoked_there() {
    let app = TestApp::new().await;
    let user = app.agency_user("agency").await;
    let (_, html) = page(&user.client, app.url("/account")).await;
    let token = csrf_token(&html);
    let created = submit(
        &user.client,
        app.url("/account/tokens"),
        &[("csrf_token", &token), ("name", "财务系统")],
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let html = created.text().await.unwrap();
    let marker = "<code id=\"new-token-secret\">";
    let start = html.find(marker).unwrap() + marker.len();
    let secret = html[start..].split('<').next().unwrap().to_owned();
    assert!(secret.starts_with("zj_"));

    let machine = Client::new();
    let me = machine
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);

    let (_, html) = page(&user.client, app.url("/account")).await;
    assert!(html.contains("财务系统") && !html.contains(&secret));
    let action = html
        .split("action=\"/account/tokens/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let revoked = submit(
        &user.client,
        app.url(&format!("/account/tokens/{action}")),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let me = machine
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

    let empty = submit(
        &user.client,
        app.url("/account/tokens"),
        &[("csrf_token", &token), ("name", " ")],
    )
    .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().await.unwrap().contains("id=\"name-error\""));
}

#[tokio::test]
async fn only_admins_see_the_user_list_and_the_navigation_follows_the_role() {
    let app = TestApp::new().await;
    let owner = app.applicant("owner").await;
    let admin = app.admin("center").await;

    let denied = owner.get("/admin/users").await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert!(denied.text().await.unwrap().contains("您没有权限"));
    let (_, home) = page(&owner.client, app.url("/")).await;
    assert!(!home.contains("/admin/users"));

    let (status, html) = page(&admin.client, app.url("/admin/users")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("owner") && html.contains("项目业主"));
    let (_, home) = page(&admin.client, app.url("/")).await;
    assert!(home.contains("href=\"/admin/users\""));
}

#[tokio::test]
async fn unknown_pages_and_assets() {
    let app = TestApp::new().await;
    let browser = app.client();
    let missing = browser.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("您访问的内容不存在"));
    let css = browser
        .get(app.url("/static/site.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let (_, home) = page(&browser, app.url("/")).await;
    assert!(
        !home.contains("http://") && !home.contains("https://"),
        "no asset from elsewhere"
    );
}

#[tokio::test]
async fn the_password_is_changed_on_the_account_page() {
    let app = TestApp::new().await;
    let user = app.applicant("owner").await;
    let (_, html) = page(&user.client, app.url("/account")).await;
    assert!(html.contains("<label for=\"current_password\">"));
    let token = csrf_token(&html);
    let refused = submit(
        &user.client,
        app.url("/account/password"),
        &[
            ("csrf_token", &token),
            ("current_password", "wrong wrong wrong"),
            ("new_password", "another long phrase"),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("id=\"current_password-error\""));

    let changed = submit(
        &user.client,
        app.url("/account/password"),
        &[
            ("csrf_token", &token),
            ("current_password", PASSWORD),
            ("new_password", "another long phrase"),
        ],
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert!(changed
        .text()
        .await
        .unwrap()
        .contains("id=\"password-changed\""));
    app.log_in("owner", "another long phrase").await;
}
