//! The audit trail end to end: what is journaled, and `zhongjie verify audit`
//! finding an edited or removed event, on either database.

mod common;

use common::{TestApp, PASSWORD};
use diesel::prelude::*;
use serde_json::json;
use std::process::Command;
use zhongjie::db::schema::{audit_events, log_heads};
use zhongjie::supervision::audit;

fn zhongjie(app: &TestApp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhongjie"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("ZHONGJIE_LOG", "warn")
        .output()
        .expect("zhongjie runs")
}

async fn actions(app: &TestApp) -> Vec<String> {
    app.db
        .run(|conn| {
            Ok(audit_events::table
                .order(audit_events::seq.asc())
                .select(audit_events::action)
                .load::<String>(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn registration_failures_lockouts_and_tokens_are_journaled() {
    let app = TestApp::new().await;
    let owner = app.applicant("owner").await;
    owner.create_token("ci").await;
    for _ in 0..5 {
        app.try_log_in("owner", "wrong password here").await;
    }
    app.try_log_in("ghost", PASSWORD).await;
    let actions = actions(&app).await;
    for expected in [
        "user.registered",
        "session.created",
        "api_token.created",
        "login.failed",
        "login.locked",
        "login.failed_unknown_user",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} in {actions:?}"
        );
    }
    assert_eq!(actions.iter().filter(|a| *a == "login.failed").count(), 5);
    assert_eq!(actions.iter().filter(|a| *a == "login.locked").count(), 1);
}

#[tokio::test]
async fn unknown_names_are_slowed_and_locked_like_real_ones() {
    let app = TestApp::new().await;
    for _ in 0..6 {
        app.try_log_in("ghost", PASSWORD).await;
    }
    let actions = actions(&app).await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "login.failed_unknown_user")
            .count(),
        5
    );
    assert_eq!(actions.iter().filter(|a| *a == "login.locked").count(), 1);
    assert_eq!(
        actions.last().map(String::as_str),
        Some("login.refused_locked")
    );
}

#[tokio::test]
async fn verify_audit_passes_an_intact_chain_and_names_an_edited_event() {
    let app = TestApp::new().await;
    app.applicant("owner").await;
    app.agency_user("agency").await;
    let events = actions(&app).await.len();

    let intact = zhongjie(&app, &["verify", "audit"]);
    assert!(
        intact.status.success(),
        "status {:?}, stdout {}, stderr {}",
        intact.status,
        String::from_utf8_lossy(&intact.stdout),
        String::from_utf8_lossy(&intact.stderr)
    );
    let stdout = String::from_utf8_lossy(&intact.stdout);
    assert!(stdout.contains(&format!("{events} events")), "{stdout}");

    // Someone edits event 3 directly in the database.
    app.db
        .run(|conn| {
            diesel::update(audit_events::table.filter(audit_events::seq.eq(3)))
                .set(audit_events::detail.eq(json!({ "role": "admin" }).to_string()))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let broken = zhongjie(&app, &["verify", "audit"]);
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("audit chain broken at event 3"), "{stderr}");
    assert!(stderr.contains("审计链在事件 3 处断开"), "{stderr}");
}

#[tokio::test]
async fn a_removed_last_event_is_found_through_the_head() {
    let app = TestApp::new().await;
    app.applicant("owner").await;
    let outcome = app
        .db
        .run(|conn| {
            let last: i64 = log_heads::table.select(log_heads::audit_seq).first(conn)?;
            diesel::delete(audit_events::table.filter(audit_events::seq.eq(last))).execute(conn)?;
            Ok(audit::verify(conn)?)
        })
        .await
        .unwrap();
    let broken = outcome.unwrap_err();
    assert!(broken.reason.contains("head"), "{broken:?}");
}

#[tokio::test]
async fn the_command_line_makes_admins_and_migrates_idempotently() {
    let app = TestApp::new().await;
    let made = Command::new(env!("CARGO_BIN_EXE_zhongjie"))
        .args([
            "admin",
            "create",
            "--username",
            "center",
            "--display-name",
            "值班管理员",
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("ZHONGJIE_ADMIN_PASSWORD", PASSWORD)
        .env("ZHONGJIE_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let admin = app.log_in("center", PASSWORD).await;
    let me: serde_json::Value = admin.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["user"]["role"], "admin");

    let weak = Command::new(env!("CARGO_BIN_EXE_zhongjie"))
        .args(["admin", "create", "--username", "second"])
        .env("DATABASE_URL", &app.database_url)
        .env("ZHONGJIE_ADMIN_PASSWORD", "short")
        .env("ZHONGJIE_LOG", "warn")
        .output()
        .unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));

    let migrate = zhongjie(&app, &["migrate"]);
    assert!(
        migrate.status.success(),
        "{:?} {} {}",
        migrate.status,
        String::from_utf8_lossy(&migrate.stdout),
        String::from_utf8_lossy(&migrate.stderr)
    );
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["migrate", "--help"],
        vec!["admin", "create", "--help"],
        vec!["verify", "audit", "--help"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_zhongjie"))
            .args(&args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}
