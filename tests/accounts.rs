//! Accounts end to end through HTTP: registration, login and logout, lockout,
//! CSRF, API tokens and role checks, on a fresh database per test.

mod common;

use chrono::Duration;
use common::{fields, problem, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn an_organisation_registers_and_sees_itself() {
    let app = TestApp::new().await;
    let response = app
        .register(json!({
            "username": "Nanchang_Builder",
            "password": PASSWORD,
            "display_name": "南昌市某建设单位",
            "role": "applicant",
            "organization": { "name": "南昌某建设有限公司", "uscc": "91360102ma35abcd40" }
        }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["username"], "nanchang_builder");
    assert_eq!(body["user"]["role"], "applicant");
    assert_eq!(body["user"]["organization"]["uscc"], "91360102MA35ABCD40");
    assert!(body["user"].get("password_hash").is_none());

    let owner = app.log_in("nanchang_builder", PASSWORD).await;
    let me: Value = owner.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["user"]["display_name"], "南昌市某建设单位");
}

#[tokio::test]
async fn a_natural_person_and_an_agency_user_register() {
    let app = TestApp::new().await;
    let person = app.registered_user("zhang_san", "applicant", None).await;
    let me: Value = person.get("/api/v1/me").await.json().await.unwrap();
    assert!(me["user"]["organization"].is_null());

    let agency = app.agency_user("huanping").await;
    let me: Value = agency.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["user"]["role"], "agency");
}

#[tokio::test]
async fn a_bad_credit_code_is_refused_naming_the_field_in_both_languages() {
    let app = TestApp::new().await;
    let response = app
        .register(json!({
            "username": "builder",
            "password": PASSWORD,
            "display_name": "某单位",
            "role": "applicant",
            "organization": { "name": "某建设有限公司", "uscc": "91360102MA35ABCD41" }
        }))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = problem(response).await;
    assert_eq!(fields(&problem), vec!["organization.uscc"]);
    let error = &problem["errors"][0];
    assert!(error["message_zh"]
        .as_str()
        .unwrap()
        .contains("统一社会信用代码"));
    assert!(error["message_en"]
        .as_str()
        .unwrap()
        .contains("unified social credit code"));
    assert!(problem["detail_zh"].is_string() && problem["detail_en"].is_string());

    // Nothing was made: the name is still free and cannot log in.
    assert_eq!(
        app.try_log_in("builder", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.registered_user("builder", "applicant", None).await;
}

#[tokio::test]
async fn each_kind_of_bad_input_names_its_field() {
    let app = TestApp::new().await;
    app.registered_user("taken", "applicant", None).await;
    let good = json!({ "username": "newuser", "password": PASSWORD, "display_name": "某人", "role": "applicant" });
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (with("username", json!("x")), vec!["username"]),
        (with("username", json!("taken")), vec!["username"]),
        (with("password", json!("short")), vec!["password"]),
        (
            with("password", json!("newuser-password")),
            vec!["password"],
        ),
        (with("display_name", json!("")), vec!["display_name"]),
        (with("role", json!("admin")), vec!["role"]),
        (with("role", json!(5)), vec!["role"]),
        (
            with(
                "organization",
                json!({ "name": "某", "uscc": "91360102MA35ABCD40" }),
            ),
            vec!["organization.name"],
        ),
        (
            json!({}),
            vec!["username", "password", "display_name", "role"],
        ),
    ];
    for (body, expected) in cases {
        let response = app.register(body.clone()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        assert_eq!(fields(&problem(response).await), expected, "{body}");
    }

    let not_json = app
        .client()
        .post(app.url("/api/v1/users"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(not_json).await), vec!["body"]);

    let form = app
        .client()
        .post(app.url("/api/v1/users"))
        .body("username=a")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // None of it made an account.
    assert_eq!(
        app.try_log_in("newuser", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = TestApp::new().await;
    app.applicant("owner").await;
    let response = app.try_log_in("owner", PASSWORD).await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("zj_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    // The cookie holds the secret; the database only its hash.
    let secret = cookie
        .trim_start_matches("zj_session=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let stored: Vec<String> = app
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use zhongjie::db::schema::sessions;
            Ok(sessions::table.select(sessions::token_hash).load(conn)?)
        })
        .await
        .unwrap();
    assert!(!stored.contains(&secret));
    assert!(stored.contains(&zhongjie::accounts::secrets::hash_secret(&secret)));
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::new().await;
    let user = app.applicant("owner").await;
    assert_eq!(user.get("/api/v1/me").await.status(), StatusCode::OK);
    assert_eq!(
        user.delete("/api/v1/sessions/current").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        user.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn each_login_gets_a_new_session() {
    let app = TestApp::new().await;
    let first = app.applicant("owner").await;
    let second = app.log_in("owner", PASSWORD).await;
    assert_ne!(first.csrf, second.csrf);
    assert_eq!(
        second.delete("/api/v1/sessions/current").await.status(),
        StatusCode::NO_CONTENT
    );
    // Ending one session leaves the other.
    assert_eq!(first.get("/api/v1/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_session_expires_when_idle_and_at_its_end() {
    let app = TestApp::new().await;
    let user = app.applicant("owner").await;
    app.advance(Duration::minutes(110));
    assert_eq!(user.get("/api/v1/me").await.status(), StatusCode::OK);
    app.advance(Duration::minutes(110));
    assert_eq!(user.get("/api/v1/me").await.status(), StatusCode::OK);
    app.advance(Duration::minutes(121));
    assert_eq!(
        user.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );

    let busy = app.log_in("owner", PASSWORD).await;
    for _ in 0..13 {
        app.advance(Duration::minutes(60));
        let _ = busy.get("/api/v1/me").await;
    }
    assert_eq!(
        busy.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = TestApp::new().await;
    app.applicant("owner").await;
    for _ in 0..5 {
        let response = app.try_log_in("owner", "wrong password here").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Locked: even the right password is refused, with the same answer.
    let locked = app.try_log_in("owner", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::UNAUTHORIZED);
    let locked = problem(locked).await;

    app.advance(Duration::minutes(14));
    assert_eq!(
        app.try_log_in("owner", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.advance(Duration::minutes(2));
    assert_eq!(
        app.try_log_in("owner", PASSWORD).await.status(),
        StatusCode::OK
    );

    // The answer never tells whether the user exists.
    let unknown = problem(app.try_log_in("nobody", PASSWORD).await).await;
    let wrong = problem(app.try_log_in("owner", "wrong password here").await).await;
    assert_eq!(unknown, wrong);
    assert_eq!(unknown, locked);
}

#[tokio::test]
async fn an_admin_unlocks_a_locked_account() {
    let app = TestApp::new().await;
    let owner = app.applicant("owner").await;
    for _ in 0..5 {
        app.try_log_in("owner", "wrong password here").await;
    }
    assert_eq!(
        app.try_log_in("owner", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let other = app.agency_user("agency").await;
    let path = format!("/api/v1/users/{}/unlock", owner.id);
    assert_eq!(
        other.post_json(&path, json!({})).await.status(),
        StatusCode::FORBIDDEN
    );

    let admin = app.admin("center").await;
    assert_eq!(
        admin.post_json(&path, json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.try_log_in("owner", PASSWORD).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        admin
            .post_json("/api/v1/users/999999/unlock", json!({}))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_cookie_request_without_the_csrf_header_is_rejected() {
    let app = TestApp::new().await;
    let user = app.applicant("owner").await;
    let missing = user
        .client
        .post(app.url("/api/v1/tokens"))
        .json(&json!({ "name": "ci" }))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(missing).await["type"], "/problems/csrf-rejected");

    let wrong = user
        .client
        .post(app.url("/api/v1/tokens"))
        .header("X-CSRF-Token", "not-the-token")
        .json(&json!({ "name": "ci" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);

    let logout = user
        .client
        .delete(app.url("/api/v1/sessions/current"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::FORBIDDEN);

    // Nothing was created by the refused requests.
    let list: Value = user.get("/api/v1/tokens").await.json().await.unwrap();
    assert_eq!(list["tokens"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_token_works_without_csrf_until_revoked() {
    let app = TestApp::new().await;
    let user = app.agency_user("agency").await;
    let (id, secret) = user.create_token("报表系统").await;
    assert!(secret.starts_with("zj_"));

    let machine = reqwest::Client::new();
    let me = machine
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let second = machine
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&secret)
        .json(&json!({ "name": "second" }))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::CREATED);

    // Listed without the secret.
    let list: Value = user.get("/api/v1/tokens").await.json().await.unwrap();
    let listed = list["tokens"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(list["meta"]["total"], 2);
    assert!(!list.to_string().contains(&secret));
    assert!(listed
        .iter()
        .any(|t| t["id"] == id && t["name"] == "报表系统" && t["last_used_at"].is_string()));

    assert_eq!(
        user.delete(&format!("/api/v1/tokens/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let after = machine
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        user.delete(&format!("/api/v1/tokens/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );

    let garbage = machine
        .get(app.url("/api/v1/me"))
        .bearer_auth("zj_nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn nobody_revokes_another_users_token() {
    let app = TestApp::new().await;
    let owner = app.applicant("owner").await;
    let other = app.agency_user("agency").await;
    let (id, secret) = owner.create_token("mine").await;
    assert_eq!(
        other.delete(&format!("/api/v1/tokens/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let still = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(still.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_token_needs_a_name() {
    let app = TestApp::new().await;
    let user = app.applicant("owner").await;
    let response = user
        .post_json("/api/v1/tokens", json!({ "name": "  " }))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(response).await), vec!["name"]);
    let bad_id = user.delete("/api/v1/tokens/abc").await;
    assert_eq!(bad_id.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(bad_id).await), vec!["path"]);
}

#[tokio::test]
async fn who_may_call_what() {
    let app = TestApp::new().await;
    let anonymous = app.client();
    for (method, path) in [
        ("GET", "/api/v1/me"),
        ("PUT", "/api/v1/me/password"),
        ("GET", "/api/v1/tokens"),
        ("POST", "/api/v1/tokens"),
        ("DELETE", "/api/v1/tokens/1"),
        ("DELETE", "/api/v1/sessions/current"),
        ("POST", "/api/v1/users/1/unlock"),
    ] {
        let request = anonymous
            .request(method.parse().unwrap(), app.url(path))
            .json(&json!({}));
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
        assert_eq!(problem(response).await["type"], "/problems/unauthenticated");
    }
    let applicant = app.applicant("owner").await;
    let agency = app.agency_user("agency").await;
    let admin = app.admin("center").await;
    for (user, expected) in [
        (&applicant, StatusCode::FORBIDDEN),
        (&agency, StatusCode::FORBIDDEN),
        (&admin, StatusCode::NO_CONTENT),
    ] {
        let response = user
            .post_json(&format!("/api/v1/users/{}/unlock", applicant.id), json!({}))
            .await;
        assert_eq!(response.status(), expected, "{}", user.username);
    }
    let me: Value = admin.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["user"]["role"], "admin");
}

#[tokio::test]
async fn machine_endpoints_answer() {
    let app = TestApp::new().await;
    let client = app.client();
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");

    let openapi: Value = client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/users",
        "/api/v1/sessions",
        "/api/v1/sessions/current",
        "/api/v1/me",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
        "/api/v1/projects",
        "/api/v1/projects/{id}",
        "/api/v1/projects/{id}/publish",
        "/api/v1/projects/{id}/review",
        "/api/v1/projects/{id}/signups",
        "/api/v1/projects/{id}/signups/mine",
        "/api/v1/projects/{id}/selection",
        "/api/v1/projects/{id}/draw",
        "/api/v1/projects/{id}/confirmation",
        "/api/v1/projects/{id}/objections",
        "/api/v1/objections/{id}/decision",
        "/api/v1/projects/{id}/cancel",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "{path} is documented");
    }
    for schema in ["ProjectInput", "ProjectEnvelope", "SignupInput", "DrawView"] {
        assert!(
            openapi["components"]["schemas"].get(schema).is_some(),
            "{schema} is described"
        );
    }

    client.get(app.url("/api/v1/me")).send().await.unwrap();
    let metrics = client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("http_requests_total"), "{metrics}");

    let missing = client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(problem(missing).await["type"], "/problems/not-found");
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let app = TestApp::new().await;
    let laptop = app.applicant("owner").await;
    let phone = app.log_in("owner", PASSWORD).await;
    let (_, secret) = laptop.create_token("报表系统").await;

    let wrong = laptop
        .client
        .put(app.url("/api/v1/me/password"))
        .header("X-CSRF-Token", &laptop.csrf)
        .json(&json!({ "current_password": "not it at all", "new_password": "short" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&problem(wrong).await),
        vec!["current_password", "new_password"]
    );
    assert_eq!(
        phone.get("/api/v1/me").await.status(),
        StatusCode::OK,
        "a refused change ends nothing"
    );

    let changed = laptop
        .client
        .put(app.url("/api/v1/me/password"))
        .header("X-CSRF-Token", &laptop.csrf)
        .json(&json!({ "current_password": PASSWORD, "new_password": "a brand new passphrase" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(laptop.get("/api/v1/me").await.status(), StatusCode::OK);
    assert_eq!(
        phone.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.try_log_in("owner", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.log_in("owner", "a brand new passphrase").await;
    // API tokens are separate credentials, revoked on their own.
    let machine = reqwest::Client::new();
    let me = machine
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}
