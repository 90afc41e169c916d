//! Projects end to end through HTTP: an applicant publishes, agencies sign up
//! with sealed quotes, one is selected by the chosen method, confirms, the
//! result is publicised and the project awarded — on a real database, with
//! the clock moved by the test.

mod common;

use chrono::Duration;
use common::projects::{market, project_form};
use common::{fields, problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Recomputes a draw from the public draw data alone.
fn recompute_winner(draw: &Value) -> i64 {
    let secret = hex::decode(draw["secret"].as_str().unwrap()).unwrap();
    assert_eq!(
        sha256_hex(&secret),
        draw["commitment"].as_str().unwrap(),
        "the secret matches the commitment"
    );
    let mut entries: Vec<&Value> = draw["entries"].as_array().unwrap().iter().collect();
    entries.sort_by_key(|e| e["signup_id"].as_i64().unwrap());
    let mut seed_input = secret.clone();
    for e in &entries {
        seed_input.extend(hex::decode(e["draw_value"].as_str().unwrap()).unwrap());
    }
    let seed = Sha256::digest(&seed_input);
    assert_eq!(hex::encode(seed), draw["seed"].as_str().unwrap());
    let ticket = |e: &Value| {
        let mut input = seed.to_vec();
        input.extend(hex::decode(e["draw_value"].as_str().unwrap()).unwrap());
        sha256_hex(&input)
    };
    for e in &entries {
        assert_eq!(
            ticket(e),
            e["ticket"].as_str().unwrap(),
            "ticket of sign-up {}",
            e["signup_id"]
        );
    }
    entries
        .iter()
        .min_by_key(|e| ticket(e))
        .map(|e| e["signup_id"].as_i64().unwrap())
        .unwrap()
}

fn zhongjie_cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_zhongjie"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("ZHONGJIE_LOG", "warn")
        .output()
        .expect("zhongjie runs")
}

/// Changes one sign-up's draw value behind the platform's back.
async fn tamper_with_a_draw_value(app: &TestApp, project: i64) {
    use diesel::prelude::*;
    use zhongjie::db::schema::signups;
    app.db
        .run(move |conn| {
            let first: i64 = signups::table
                .filter(signups::project_id.eq(project))
                .select(signups::id)
                .order(signups::id.asc())
                .first(conn)?;
            diesel::update(signups::table.find(first))
                .set(signups::draw_value.eq("00".repeat(32)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
}

async fn audit_actions(app: &TestApp, project: i64) -> Vec<String> {
    use diesel::prelude::*;
    use zhongjie::db::schema::audit_events;
    let id = project.to_string();
    app.db
        .run(move |conn| {
            Ok(audit_events::table
                .filter(audit_events::entity_type.eq("project"))
                .filter(audit_events::entity_id.eq(id))
                .order(audit_events::seq.asc())
                .select(audit_events::action)
                .load::<String>(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_random_draw_runs_from_publication_to_award() {
    let mut m = market(3).await;
    let form = project_form(m.item, m.app.deadline());
    let created = m.applicant.post_json("/api/v1/projects", form).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let draft = created.json::<Value>().await.unwrap()["project"].clone();
    let id = id_of(&draft);
    assert_eq!(draft["status"], "draft");
    assert!(
        draft["number"].as_str().unwrap().starts_with("ZJCG2026"),
        "the platform numbers it"
    );
    // A draft is the applicant's alone.
    assert_eq!(
        m.app
            .client()
            .get(m.app.url(&format!("/api/v1/projects/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    let submitted = m
        .applicant
        .post_json(&format!("/api/v1/projects/{id}/publish"), json!({}))
        .await;
    assert_eq!(
        submitted.json::<Value>().await.unwrap()["project"]["status"],
        "pending_review"
    );
    let approved = m
        .admin
        .post_json(
            &format!("/api/v1/projects/{id}/review"),
            json!({ "decision": "approve" }),
        )
        .await;
    let open = approved.json::<Value>().await.unwrap()["project"].clone();
    assert_eq!(open["status"], "signing_up");
    assert_eq!(
        open["draw_commitment"].as_str().unwrap().len(),
        64,
        "the draw is committed to on publication"
    );

    for (agency, _) in &m.agencies {
        let signed = agency.sign_up(id, json!({})).await;
        assert_eq!(signed.status(), StatusCode::CREATED);
    }
    let before = m.applicant.project(id).await;
    assert_eq!(before["signup_count"], 3);
    assert!(before["signups"].is_null());

    let deadline = m.app.deadline();
    m.set_clock(deadline).await;
    m.app.run_scheduler().await;
    let selected = m.applicant.project(id).await;
    assert_eq!(selected["status"], "confirming", "{selected}");
    let signups = selected["signups"].as_array().unwrap();
    assert_eq!(signups.len(), 3, "the sign-ups open after the deadline");

    let draw: Value = m
        .app
        .client()
        .get(m.app.url(&format!("/api/v1/projects/{id}/draw")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let winner_signup = recompute_winner(&draw);
    assert_eq!(
        selected["winner"]["id"].as_i64().unwrap(),
        winner_signup,
        "anyone recomputes the winner from the public data"
    );
    assert_eq!(draw["commitment"], open["draw_commitment"]);

    // The command line recomputes it from the database, and notices tampering.
    let number = selected["number"].as_str().unwrap().to_owned();
    let verified = zhongjie_cli(&m.app, &["verify", "draw", &number]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(String::from_utf8_lossy(&verified.stdout).contains("复算一致"));
    tamper_with_a_draw_value(&m.app, id).await;
    let tampered = zhongjie_cli(&m.app, &["verify", "draw", &id.to_string()]);
    assert!(
        !tampered.status.success(),
        "a changed value no longer recomputes"
    );
    assert!(String::from_utf8_lossy(&tampered.stderr).contains("不一致"));

    let winner_agency = selected["winner"]["agency"]["id"].as_i64().unwrap();
    let w = m
        .agencies
        .iter()
        .position(|(_, a)| *a == winner_agency)
        .unwrap();
    let confirmed = m.agencies[w]
        .0
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let publicity = confirmed.json::<Value>().await.unwrap()["project"].clone();
    assert_eq!(publicity["status"], "publicity");

    m.advance(Duration::days(2)).await;
    m.app.run_scheduler().await;
    assert_eq!(
        m.applicant.project(id).await["status"],
        "publicity",
        "publicity lasts three working days"
    );
    m.advance(Duration::days(5)).await;
    m.app.run_scheduler().await;
    let awarded = m.applicant.project(id).await;
    assert_eq!(awarded["status"], "awarded");
    assert_eq!(awarded["winner"]["status"], "confirmed");

    let actions = audit_actions(&m.app, id).await;
    for step in [
        "project.created",
        "project.submitted",
        "project.approved",
        "project.published",
        "signup.submitted",
        "project.signups_opened",
        "project.selected",
        "project.winner_selected",
        "project.confirmed",
        "project.awarded",
    ] {
        assert!(
            actions.iter().any(|a| a == step),
            "audit has {step}: {actions:?}"
        );
    }
    // Everyone heard of what concerned them.
    let messages: Value = m.agencies[w]
        .0
        .get("/api/v1/messages")
        .await
        .json()
        .await
        .unwrap();
    let subjects: Vec<&str> = messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    for subject in ["新的采购公告", "报名成功", "您已被选中", "中选"] {
        assert!(
            subjects.contains(&subject),
            "winner told {subject}: {subjects:?}"
        );
    }
}

#[tokio::test]
async fn quotes_stay_sealed_on_every_read_path_until_the_deadline() {
    let mut m = market(2).await;
    let mut form = project_form(m.item, m.app.deadline());
    form["method"] = json!("bidding");
    form["price_mode"] = json!("amount");
    form["floor_fen"] = json!(1_000_000);
    form["ceiling_fen"] = json!(5_000_000);
    let project = m.app.published_project(&m.applicant, &m.admin, form).await;
    let id = id_of(&project);
    let (first, _) = &m.agencies[0];
    assert_eq!(
        first
            .sign_up(id, json!({ "quote_fen": 3_456_789, "promised_days": 15 }))
            .await
            .status(),
        StatusCode::CREATED
    );
    let agency_name = "江西测试1号测绘有限公司";
    let quote = "3456789";

    let public = m.app.client();
    let readers: Vec<(&str, &reqwest::Client)> = vec![
        ("visitor", &public),
        ("applicant", &m.applicant.client),
        ("admin", &m.admin.client),
        ("other agency", &m.agencies[1].0.client),
    ];
    for (who, client) in readers {
        for path in [
            format!("/api/v1/projects/{id}"),
            "/api/v1/projects".to_owned(),
            "/api/v1/projects?mine=true".to_owned(),
            "/api/v1/projects?status=signing_up".to_owned(),
            format!("/api/v1/projects/{id}/draw"),
            "/api/v1/messages".to_owned(),
        ] {
            let body = client
                .get(m.app.url(&path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                !body.contains(agency_name) && !body.contains(quote),
                "{who} reads {path}: {body}"
            );
        }
    }
    assert_eq!(
        m.applicant.project(id).await["signup_count"],
        1,
        "the count alone is public"
    );
    // The signing agency sees its own quote.
    assert_eq!(first.project(id).await["my_signup"]["quote_fen"], 3_456_789);

    // The audit trail holds only a seal of the sign-up, not who or how much.
    use diesel::prelude::*;
    use zhongjie::db::schema::audit_events;
    let trail: Vec<(String, String)> = m
        .app
        .db
        .run(|conn| {
            Ok(audit_events::table
                .select((audit_events::actor, audit_events::detail))
                .load(conn)?)
        })
        .await
        .unwrap();
    let sealed: Vec<&(String, String)> = trail
        .iter()
        .filter(|(actor, _)| actor == "sealed")
        .collect();
    assert_eq!(sealed.len(), 1);
    assert!(!sealed[0].1.contains(quote) && !sealed[0].1.contains("agency"));

    let deadline = m.app.deadline();
    m.set_clock(deadline).await;
    m.app.run_scheduler().await;
    let opened = m.applicant.project(id).await;
    assert_eq!(
        opened["status"], "failed",
        "one sign-up is fewer than three"
    );
    assert_eq!(
        opened["signups"][0]["quote_fen"], 3_456_789,
        "after the deadline the quotes are public"
    );
}

#[tokio::test]
async fn a_sign_up_at_the_deadline_instant_is_refused() {
    let mut m = market(2).await;
    let project = m
        .app
        .published_project(
            &m.applicant,
            &m.admin,
            project_form(m.item, m.app.deadline()),
        )
        .await;
    let id = id_of(&project);
    let deadline =
        chrono::DateTime::parse_from_rfc3339(project["signup_deadline"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc);
    m.set_clock(deadline - Duration::seconds(1)).await;
    assert_eq!(
        m.agencies[0].0.sign_up(id, json!({})).await.status(),
        StatusCode::CREATED
    );
    m.app.clock.set(deadline);
    let late = m.agencies[1].0.sign_up(id, json!({})).await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let withdraw = m.agencies[0]
        .0
        .delete(&format!("/api/v1/projects/{id}/signups/mine"))
        .await;
    assert_eq!(
        withdraw.status(),
        StatusCode::CONFLICT,
        "nothing changes after it either"
    );
}

#[tokio::test]
async fn an_agency_changes_and_withdraws_its_sign_up_and_retries_are_harmless() {
    let m = market(1).await;
    let mut form = project_form(m.item, m.app.deadline());
    form["method"] = json!("bidding");
    form["price_mode"] = json!("amount");
    form["floor_fen"] = json!(1_000_000);
    form["ceiling_fen"] = json!(5_000_000);
    let id = id_of(&m.app.published_project(&m.applicant, &m.admin, form).await);
    let (agency, _) = &m.agencies[0];
    let send = |key: &'static str, quote: i64| {
        agency
            .client
            .post(m.app.url(&format!("/api/v1/projects/{id}/signups")))
            .header("X-CSRF-Token", &agency.csrf)
            .header("Idempotency-Key", key)
            .json(&json!({ "quote_fen": quote }))
            .send()
    };
    let first = send("k-1", 2_000_000).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let retried = send("k-1", 2_000_000).await.unwrap();
    assert_eq!(
        retried.status(),
        StatusCode::CREATED,
        "a retry gets the first answer"
    );
    assert_eq!(
        retried.json::<Value>().await.unwrap()["signup"]["id"],
        first["signup"]["id"]
    );
    let misused = send("k-1", 2_500_000).await.unwrap();
    assert_eq!(misused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(misused).await), ["Idempotency-Key"]);
    assert_eq!(m.applicant.project(id).await["signup_count"], 1);

    let changed = send("k-2", 1_800_000).await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(
        changed.json::<Value>().await.unwrap()["signup"]["quote_fen"],
        1_800_000
    );
    let out_of_band = agency.sign_up(id, json!({ "quote_fen": 9_000_000 })).await;
    assert_eq!(out_of_band.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(out_of_band).await), ["quote_fen"]);
    assert_eq!(
        agency.project(id).await["my_signup"]["quote_fen"],
        1_800_000,
        "a refused change changes nothing"
    );

    assert_eq!(
        agency
            .delete(&format!("/api/v1/projects/{id}/signups/mine"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(m.applicant.project(id).await["signup_count"], 0);
    assert_eq!(
        agency
            .sign_up(id, json!({ "quote_fen": 1_900_000 }))
            .await
            .status(),
        StatusCode::CREATED,
        "and may sign up again"
    );
}

#[tokio::test]
async fn concurrent_selection_requests_make_exactly_one_result() {
    let mut m = market(3).await;
    let mut form = project_form(m.item, m.app.deadline());
    // Selection a day after the deadline, so it is the requests that run it.
    form["selection_at"] = json!((m.app.deadline() + Duration::days(1)).to_rfc3339());
    let id = id_of(&m.app.published_project(&m.applicant, &m.admin, form).await);
    for (agency, _) in &m.agencies {
        assert_eq!(
            agency.sign_up(id, json!({})).await.status(),
            StatusCode::CREATED
        );
    }
    let deadline = m.app.deadline();
    m.set_clock(deadline).await;
    m.app.run_scheduler().await;
    assert_eq!(m.applicant.project(id).await["status"], "selecting");
    let path = format!("/api/v1/projects/{id}/selection");
    let early = m.applicant.post_json(&path, json!({})).await;
    assert_eq!(
        early.status(),
        StatusCode::CONFLICT,
        "not before the published selection time"
    );
    m.advance(Duration::days(1)).await;
    let (a, b, c) = tokio::join!(
        m.applicant.post_json(&path, json!({})),
        m.applicant.post_json(&path, json!({})),
        m.admin.post_json(&path, json!({})),
    );
    let mut statuses = vec![a.status(), b.status(), c.status()];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT, StatusCode::CONFLICT]
    );
    let actions = audit_actions(&m.app, id).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "project.selected").count(),
        1
    );
    m.advance(Duration::hours(1)).await;
    m.app.run_scheduler().await;
    let actions = audit_actions(&m.app, id).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "project.selected").count(),
        1,
        "the scheduler does not draw again"
    );
    assert_eq!(m.applicant.project(id).await["status"], "confirming");
}

#[tokio::test]
async fn bad_project_input_is_named_and_changes_nothing() {
    let m = market(0).await;
    let mut form = project_form(m.item, m.app.deadline());
    form["title"] = json!("短");
    form["investment_code"] = json!("2103-110101-04-01-123456");
    form["fiscal_share_percent"] = json!(130);
    form["requirements"] = json!([{ "qualification_type_id": 999_999, "min_level": null }]);
    let refused = m.applicant.post_json("/api/v1/projects", form).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = problem(refused).await;
    assert_eq!(
        fields(&body),
        [
            "title",
            "investment_code",
            "fiscal_share_percent",
            "requirements[0]"
        ]
    );
    assert!(body["errors"][0]["message_zh"]
        .as_str()
        .unwrap()
        .contains("项目名称"));
    assert!(!body["errors"][0]["message_en"].as_str().unwrap().is_empty());
    let mine: Value = m
        .applicant
        .get("/api/v1/projects?mine=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["meta"]["total"], 0, "nothing was stored");

    let wrong_type = m
        .applicant
        .post_json("/api/v1/projects", json!({ "service_days": "twenty" }))
        .await;
    assert_eq!(fields(&problem(wrong_type).await), ["service_days"]);

    // Too short a sign-up period is refused at publication.
    let short = project_form(m.item, m.app.now() + Duration::days(1));
    let created = m.applicant.post_json("/api/v1/projects", short).await;
    let id = created.json::<Value>().await.unwrap()["project"]["id"]
        .as_i64()
        .unwrap();
    let refused = m
        .applicant
        .post_json(&format!("/api/v1/projects/{id}/publish"), json!({}))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(refused).await), ["signup_deadline"]);
    assert_eq!(m.applicant.project(id).await["status"], "draft");
}

#[tokio::test]
async fn each_role_may_do_only_its_part() {
    let m = market(1).await;
    let form = project_form(m.item, m.app.deadline());
    assert_eq!(
        m.agencies[0]
            .0
            .post_json("/api/v1/projects", form.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        m.admin
            .post_json("/api/v1/projects", form.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let created = m.applicant.post_json("/api/v1/projects", form).await;
    let id = created.json::<Value>().await.unwrap()["project"]["id"]
        .as_i64()
        .unwrap();
    let other = m.app.applicant("another").await;
    assert_eq!(
        other
            .patch_json(
                &format!("/api/v1/projects/{id}"),
                json!({ "title": "别人的项目名称" })
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        m.applicant
            .post_json(&format!("/api/v1/projects/{id}/publish"), json!({}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        m.applicant
            .post_json(
                &format!("/api/v1/projects/{id}/review"),
                json!({ "decision": "approve" })
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other
            .patch_json(
                &format!("/api/v1/projects/{id}"),
                json!({ "title": "别人的项目名称" })
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let returned = m
        .admin
        .post_json(
            &format!("/api/v1/projects/{id}/review"),
            json!({ "decision": "return" }),
        )
        .await;
    assert_eq!(fields(&problem(returned).await), ["reason"]);
    let returned = m
        .admin
        .post_json(
            &format!("/api/v1/projects/{id}/review"),
            json!({ "decision": "return", "reason": "服务内容不清楚" }),
        )
        .await;
    assert_eq!(
        returned.json::<Value>().await.unwrap()["project"]["status"],
        "returned"
    );
    let edited = m
        .applicant
        .patch_json(
            &format!("/api/v1/projects/{id}"),
            json!({ "service_content": "1:500 地形图测绘约 36 亩，含管线调查。" }),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
    assert_eq!(
        m.agencies[0].0.sign_up(id, json!({})).await.status(),
        StatusCode::NOT_FOUND,
        "not published yet"
    );
}
