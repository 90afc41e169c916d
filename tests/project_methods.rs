//! Each selection method from publication to award, and what happens when
//! things go wrong: 流标 and re-publication, abandonment, objections,
//! cancellation. Through HTTP, with the clock moved by the test.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::projects::{at, market, project_form, TOPO};
use common::{fields, problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn bidding(item: i64, deadline: DateTime<Utc>) -> Value {
    let mut form = project_form(item, deadline);
    form["method"] = json!("bidding");
    form["price_mode"] = json!("amount");
    form["floor_fen"] = json!(2_000_000);
    form["ceiling_fen"] = json!(5_000_000);
    form
}

#[tokio::test]
async fn bidding_selects_the_lowest_quote_within_the_band() {
    let mut m = market(3).await;
    let project = m
        .app
        .published_project(&m.applicant, &m.admin, bidding(m.item, m.app.deadline()))
        .await;
    let id = project["id"].as_i64().unwrap();
    let too_low = m.agencies[0]
        .0
        .sign_up(id, json!({ "quote_fen": 1_999_999 }))
        .await;
    assert_eq!(fields(&problem(too_low).await), ["quote_fen"]);
    let missing = m.agencies[0].0.sign_up(id, json!({})).await;
    assert_eq!(fields(&problem(missing).await), ["quote_fen"]);
    for ((agency, _), quote) in m.agencies.iter().zip([4_200_000, 3_100_000, 3_900_000]) {
        assert_eq!(
            agency
                .sign_up(id, json!({ "quote_fen": quote }))
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    let selected = m.close(&project).await;
    assert_eq!(selected["status"], "confirming");
    assert_eq!(selected["winner"]["quote_fen"], 3_100_000);
    assert_eq!(selected["winner"]["agency"]["id"], m.agencies[1].1);
    let ranks: Vec<(i64, i64)> = selected["signups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["quote_fen"].as_i64().unwrap(),
                s["rank"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ranks, [(4_200_000, 3), (3_100_000, 1), (3_900_000, 2)]);

    let confirmed = m
        .winner(&selected)
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    m.advance(Duration::days(7)).await;
    m.app.run_scheduler().await;
    assert_eq!(m.applicant.project(id).await["status"], "awarded");
}

#[tokio::test]
async fn scoring_publishes_its_weights_and_ranks_by_the_formula() {
    let mut m = market(3).await;
    let mut form = bidding(m.item, m.app.deadline());
    form["method"] = json!("scoring");
    form["weight_price"] = json!(40);
    form["weight_credit"] = json!(20);
    form["weight_time"] = json!(40);
    let project = m.app.published_project(&m.applicant, &m.admin, form).await;
    assert_eq!(project["weights"]["price"], 40);
    assert!(project["weights"]["formula"]
        .as_str()
        .unwrap()
        .contains("价格"));
    let id = project["id"].as_i64().unwrap();
    // Cheapest but slowest; dearest but fastest; in between.
    let offers = [(2_000_000, 20), (4_000_000, 5), (3_000_000, 10)];
    for ((agency, _), (quote, days)) in m.agencies.iter().zip(offers) {
        let signed = agency
            .sign_up(id, json!({ "quote_fen": quote, "promised_days": days }))
            .await;
        assert_eq!(signed.status(), StatusCode::CREATED);
    }
    let too_slow = m.agencies[0]
        .0
        .sign_up(id, json!({ "quote_fen": 2_000_000, "promised_days": 21 }))
        .await;
    assert_eq!(fields(&problem(too_slow).await), ["promised_days"]);
    let selected = m.close(&project).await;
    // Price part ×0.4, credit (80 for all: no record yet) ×0.2, time part ×0.4, in hundredths:
    // A: 10000·40 + 8000·20 + 2500·40 = 660000 → 6600
    // B:  5000·40 + 8000·20 + 10000·40 = 760000 → 7600
    // C:  6666·40 + 8000·20 + 5000·40 = 626640 → 6266
    let scores: Vec<i64> = selected["signups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["score"].as_i64().unwrap())
        .collect();
    assert_eq!(scores, [6600, 7600, 6266]);
    assert_eq!(selected["winner"]["agency"]["id"], m.agencies[1].1);
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
    assert_eq!(draw["entries"].as_array().unwrap().len(), 3);
    assert_eq!(
        draw["entries"][0]["credit_score"], 80,
        "the credit record at the selection"
    );
}

#[tokio::test]
async fn direct_selection_names_one_agency_which_confirms() {
    let mut m = market(1).await;
    let mut form = project_form(m.item, m.app.deadline());
    form["method"] = json!("direct");
    form["fiscal_share_percent"] = json!(100);
    form["amount_fen"] = json!(20_000_000);
    form["direct_agency_id"] = json!(m.agencies[0].1);
    form["direct_reason"] = json!("原测绘单位续作，保证成果衔接");
    let refused = m
        .applicant
        .post_json("/api/v1/projects", form.clone())
        .await;
    assert_eq!(
        fields(&problem(refused).await),
        ["method"],
        "fiscal funds above the limit may not be selected directly"
    );
    form["fiscal_share_percent"] = json!(0);
    let project = m.app.published_project(&m.applicant, &m.admin, form).await;
    assert_eq!(
        project["status"], "confirming",
        "no sign-up phase: the named agency is asked at once"
    );
    assert_eq!(project["winner"]["agency"]["id"], m.agencies[0].1);
    let id = project["id"].as_i64().unwrap();
    let not_found: StatusCode = m
        .app
        .client()
        .get(m.app.url(&format!("/api/v1/projects/{id}/draw")))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(
        not_found,
        StatusCode::NOT_FOUND,
        "no draw in a direct selection"
    );
    let missing = m.agencies[0]
        .0
        .post_json(&format!("/api/v1/projects/{id}/confirmation"), json!({}))
        .await;
    assert_eq!(fields(&problem(missing).await), ["accept"]);
    let confirmed = m.agencies[0]
        .0
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(
        confirmed.json::<Value>().await.unwrap()["project"]["status"],
        "publicity"
    );
    m.advance(Duration::days(7)).await;
    m.app.run_scheduler().await;
    assert_eq!(m.applicant.project(id).await["status"], "awarded");
}

#[tokio::test]
async fn two_failed_rounds_let_the_applicant_choose_among_its_sign_ups() {
    let mut m = market(2).await;
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
        assert_eq!(
            agency.sign_up(id, json!({})).await.status(),
            StatusCode::CREATED
        );
    }
    let failed = m.close(&project).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["failed_rounds"], 1);
    let choose = m
        .applicant
        .post_json(
            &format!("/api/v1/projects/{id}/selection"),
            json!({ "signup_id": failed["signups"][0]["id"], "reason": "流标后直接选取" }),
        )
        .await;
    assert_eq!(
        choose.status(),
        StatusCode::CONFLICT,
        "not after the first failure"
    );

    // Publish again with a new deadline: a new round with a new commitment.
    // Two weeks on: the same weekday, a working day.
    let deadline = m.app.now() + Duration::days(14);
    let patched = m.applicant.patch_json(&format!("/api/v1/projects/{id}"), json!({ "signup_deadline": deadline.to_rfc3339(), "selection_at": deadline.to_rfc3339() })).await;
    assert_eq!(patched.status(), StatusCode::OK);
    m.applicant
        .post_json(&format!("/api/v1/projects/{id}/publish"), json!({}))
        .await;
    let reopened = m
        .admin
        .post_json(
            &format!("/api/v1/projects/{id}/review"),
            json!({ "decision": "approve" }),
        )
        .await;
    let reopened = reopened.json::<Value>().await.unwrap()["project"].clone();
    assert_eq!(reopened["round"], 2);
    assert_eq!(reopened["signup_count"], 0);
    assert_ne!(reopened["draw_commitment"], project["draw_commitment"]);
    for (agency, _) in &m.agencies {
        assert_eq!(
            agency.sign_up(id, json!({})).await.status(),
            StatusCode::CREATED
        );
    }
    let failed = m.close(&reopened).await;
    assert_eq!(failed["failed_rounds"], 2);

    let signup = failed["signups"][1]["id"].as_i64().unwrap();
    let no_reason = m
        .applicant
        .post_json(
            &format!("/api/v1/projects/{id}/selection"),
            json!({ "signup_id": signup }),
        )
        .await;
    assert_eq!(fields(&problem(no_reason).await), ["reason"]);
    let chosen = m
        .applicant
        .post_json(
            &format!("/api/v1/projects/{id}/selection"),
            json!({ "signup_id": signup, "reason": "两次流标，在报名机构中选取" }),
        )
        .await;
    assert_eq!(chosen.status(), StatusCode::OK);
    let chosen = chosen.json::<Value>().await.unwrap()["project"].clone();
    assert_eq!(chosen["status"], "confirming");
    assert_eq!(chosen["winner"]["id"], signup);
}

#[tokio::test]
async fn an_abandoned_selection_passes_to_the_next_in_the_draw() {
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
    let by_rank = |p: &Value, rank: i64| {
        p["signups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["rank"] == rank)
            .unwrap()["agency"]["id"]
            .as_i64()
            .unwrap()
    };
    let (first, second, third) = (
        by_rank(&selected, 1),
        by_rank(&selected, 2),
        by_rank(&selected, 3),
    );
    assert_eq!(selected["winner"]["agency"]["id"], first);

    let no_reason = m
        .agency(first)
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": false }),
        )
        .await;
    assert_eq!(fields(&problem(no_reason).await), ["reason"]);
    let loser = m
        .agency(second)
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(
        loser.status(),
        StatusCode::FORBIDDEN,
        "only the selected agency answers"
    );
    let abandoned = m
        .agency(first)
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": false, "reason": "人员安排不过来" }),
        )
        .await;
    let passed = abandoned.json::<Value>().await.unwrap()["project"].clone();
    assert_eq!(passed["status"], "confirming");
    assert_eq!(passed["winner"]["agency"]["id"], second);

    // The second lets its deadline pass: that counts as abandoning too.
    m.advance(Duration::days(5)).await;
    m.app.run_scheduler().await;
    let third_turn = m.applicant.project(id).await;
    assert_eq!(third_turn["winner"]["agency"]["id"], third);
    let statuses: Vec<(i64, String)> = third_turn["signups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["agency"]["id"].as_i64().unwrap(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&(first, "abandoned".into()))
            && statuses.contains(&(second, "abandoned".into())),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn an_objection_is_dismissed_or_upheld_with_a_written_answer() {
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
    let early = m
        .agencies
        .iter()
        .find(|(_, a)| *a != first)
        .unwrap()
        .0
        .post_json(
            &format!("/api/v1/projects/{id}/objections"),
            json!({ "reason": "中选机构资质存疑，请核查" }),
        )
        .await;
    assert_eq!(
        early.status(),
        StatusCode::CONFLICT,
        "objections wait for the publicity"
    );
    m.agency(first)
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;

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
    let outsider = m.app.eligible_agency("outsider", 9, &m.admin).await.0;
    let refused = outsider
        .post_json(
            &format!("/api/v1/projects/{id}/objections"),
            json!({ "reason": "我也有意见，请核查" }),
        )
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::CONFLICT,
        "only participants object"
    );

    // The publicity ends, but a pending objection holds the award.
    m.advance(Duration::days(7)).await;
    m.app.run_scheduler().await;
    assert_eq!(m.applicant.project(id).await["status"], "publicity");
    let not_admin = m
        .applicant
        .post_json(
            &format!("/api/v1/objections/{objection}/decision"),
            json!({ "decision": "dismiss", "answer": "经核查证书有效" }),
        )
        .await;
    assert_eq!(not_admin.status(), StatusCode::FORBIDDEN);
    let no_answer = m
        .admin
        .post_json(
            &format!("/api/v1/objections/{objection}/decision"),
            json!({ "decision": "dismiss" }),
        )
        .await;
    assert_eq!(fields(&problem(no_answer).await), ["answer"]);
    let dismissed = m
        .admin
        .post_json(
            &format!("/api/v1/objections/{objection}/decision"),
            json!({ "decision": "dismiss", "answer": "经核查，中选机构证书有效。" }),
        )
        .await;
    assert_eq!(
        dismissed.json::<Value>().await.unwrap()["objection"]["status"],
        "dismissed"
    );
    assert_eq!(
        m.applicant.project(id).await["status"],
        "awarded",
        "dismissed after the publicity: awarded at once"
    );
    let again = m
        .admin
        .post_json(
            &format!("/api/v1/objections/{objection}/decision"),
            json!({ "decision": "uphold", "outcome": "redo", "answer": "重新核查后改判为成立。" }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "decided once");
    let messages: Value = m
        .agency(objector)
        .get("/api/v1/messages")
        .await
        .json()
        .await
        .unwrap();
    assert!(messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["subject"] == "异议已答复"));

    // A second project: the objection is upheld and the selection passes on.
    let project = m
        .app
        .published_project(
            &m.applicant,
            &m.admin,
            project_form(m.item, m.app.now() + Duration::days(14)),
        )
        .await;
    let id = project["id"].as_i64().unwrap();
    for (agency, _) in &m.agencies {
        agency.sign_up(id, json!({})).await;
    }
    let selected = m.close(&project).await;
    let first = selected["winner"]["agency"]["id"].as_i64().unwrap();
    m.agency(first)
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    let objector = m.agencies.iter().find(|(_, a)| *a != first).unwrap().1;
    let filed = m
        .agency(objector)
        .post_json(
            &format!("/api/v1/projects/{id}/objections"),
            json!({ "reason": "中选机构与业主存在关联关系" }),
        )
        .await;
    let objection = filed.json::<Value>().await.unwrap()["objection"]["id"]
        .as_i64()
        .unwrap();
    let no_outcome = m
        .admin
        .post_json(
            &format!("/api/v1/objections/{objection}/decision"),
            json!({ "decision": "uphold", "answer": "关联关系属实。" }),
        )
        .await;
    assert_eq!(fields(&problem(no_outcome).await), ["outcome"]);
    let upheld = m.admin.post_json(&format!("/api/v1/objections/{objection}/decision"), json!({ "decision": "uphold", "outcome": "redo", "answer": "关联关系属实，取消其中选资格。" })).await;
    assert_eq!(upheld.status(), StatusCode::OK);
    let redone = m.applicant.project(id).await;
    assert_eq!(redone["status"], "confirming");
    assert_ne!(redone["winner"]["agency"]["id"], first);
    assert!(redone["signups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["agency"]["id"] == first && s["status"] == "disqualified"));
}

#[tokio::test]
async fn the_applicant_cancels_and_everyone_who_signed_up_is_told() {
    let m = market(2).await;
    let mut form = project_form(m.item, m.app.deadline());
    form["avoid"] = json!([{ "agency_id": m.agencies[1].1, "reason": "与项目业主存在控股关系" }]);
    let project = m.app.published_project(&m.applicant, &m.admin, form).await;
    assert_eq!(project["avoid"][0]["reason"], "与项目业主存在控股关系");
    let id = project["id"].as_i64().unwrap();
    assert_eq!(
        m.agencies[0].0.sign_up(id, json!({})).await.status(),
        StatusCode::CREATED
    );
    let avoided = m.agencies[1].0.sign_up(id, json!({})).await;
    assert_eq!(avoided.status(), StatusCode::CONFLICT);
    assert!(problem(avoided).await["detail_zh"]
        .as_str()
        .unwrap()
        .contains("回避"));

    let no_reason = m
        .applicant
        .post_json(&format!("/api/v1/projects/{id}/cancel"), json!({}))
        .await;
    assert_eq!(fields(&problem(no_reason).await), ["reason"]);
    let cancelled = m
        .applicant
        .post_json(
            &format!("/api/v1/projects/{id}/cancel"),
            json!({ "reason": "项目选址调整，暂停实施" }),
        )
        .await;
    let cancelled = cancelled.json::<Value>().await.unwrap()["project"].clone();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["status_reason"], "项目选址调整，暂停实施");
    let messages: Value = m.agencies[0]
        .0
        .get("/api/v1/messages")
        .await
        .json()
        .await
        .unwrap();
    assert!(messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["subject"] == "项目已终止"));
    assert_eq!(
        m.agencies[0].0.sign_up(id, json!({})).await.status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn without_review_a_project_opens_when_published_and_the_winner_is_reminded() {
    let app = TestApp::with_settings(|s| s.projects.review_required = false).await;
    let admin = app.admin("centre").await;
    let applicant = app.applicant("owner").await;
    let (agency, agency_id) = app.eligible_agency("agency1", 1, &admin).await;
    let item = app.item_id(TOPO).await;
    let mut form = project_form(item, app.deadline());
    form["method"] = json!("direct");
    form["fiscal_share_percent"] = json!(0);
    form["direct_agency_id"] = json!(agency_id);
    form["direct_reason"] = json!("社会资金项目，业主自主选择");
    let created = applicant.post_json("/api/v1/projects", form).await;
    let id = created.json::<Value>().await.unwrap()["project"]["id"]
        .as_i64()
        .unwrap();
    let published = applicant
        .post_json(&format!("/api/v1/projects/{id}/publish"), json!({}))
        .await;
    let project = published.json::<Value>().await.unwrap()["project"].clone();
    assert_eq!(
        project["status"], "confirming",
        "no review: open, and the named agency is asked"
    );

    // A day before its deadline the agency is reminded, once.
    let deadline = at(&project["confirmation_deadline"]);
    app.clock.set(deadline - Duration::hours(20));
    assert_eq!(app.run_scheduler().await.reminded, 1);
    assert_eq!(app.run_scheduler().await.reminded, 0);
    let agency = app.again(&agency).await;
    let messages: Value = agency.get("/api/v1/messages").await.json().await.unwrap();
    assert!(messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["subject"] == "确认期限将至"));
}

#[tokio::test]
async fn direct_selection_among_sign_ups_and_bidding_by_discount_rate() {
    let mut m = market(3).await;
    let mut form = project_form(m.item, m.app.deadline());
    form["method"] = json!("direct");
    form["amount_fen"] = json!(3_000_000);
    let direct = m.app.published_project(&m.applicant, &m.admin, form).await;
    let mut form = bidding(m.item, m.app.deadline());
    form["price_mode"] = json!("rate");
    form["amount_fen"] = json!(5_000_000);
    form["rate_min_bp"] = json!(0);
    form["rate_max_bp"] = json!(2_000);
    let rated = m.app.published_project(&m.applicant, &m.admin, form).await;
    let (direct_id, rated_id) = (
        direct["id"].as_i64().unwrap(),
        rated["id"].as_i64().unwrap(),
    );
    for ((agency, _), rate) in m.agencies.iter().zip([800, 1_500, 1_200]) {
        assert_eq!(
            agency.sign_up(direct_id, json!({})).await.status(),
            StatusCode::CREATED
        );
        assert_eq!(
            agency
                .sign_up(rated_id, json!({ "quote_rate_bp": rate }))
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    let too_deep = m.agencies[0]
        .0
        .sign_up(rated_id, json!({ "quote_rate_bp": 2_500 }))
        .await;
    assert_eq!(fields(&problem(too_deep).await), ["quote_rate_bp"]);

    let deadline = at(&direct["signup_deadline"]);
    m.set_clock(deadline).await;
    m.app.run_scheduler().await;
    let waiting = m.applicant.project(direct_id).await;
    assert_eq!(
        waiting["status"], "selecting",
        "a direct selection waits for the applicant"
    );
    let chosen = waiting["signups"][2]["id"].as_i64().unwrap();
    let picked = m
        .applicant
        .post_json(
            &format!("/api/v1/projects/{direct_id}/selection"),
            json!({ "signup_id": chosen, "reason": "该机构曾承担本项目前期测绘" }),
        )
        .await;
    assert_eq!(picked.status(), StatusCode::OK);
    assert_eq!(
        picked.json::<Value>().await.unwrap()["project"]["winner"]["id"],
        chosen
    );

    let rated = m.applicant.project(rated_id).await;
    assert_eq!(rated["status"], "confirming");
    assert_eq!(
        rated["winner"]["quote_rate_bp"], 1_500,
        "the deepest discount wins"
    );
}

#[tokio::test]
async fn scheduler_passes_running_at_once_move_a_project_once() {
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
    m.set_clock(at(&project["signup_deadline"])).await;
    // Two nodes' schedulers wake at the same moment.
    let (a, b) = tokio::join!(m.app.run_scheduler(), m.app.run_scheduler());
    assert_eq!(a.moved + b.moved, 1, "{a:?} {b:?}");
    let selected = m.applicant.project(id).await;
    assert_eq!(selected["status"], "confirming");
    let winners = selected["signups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "selected")
        .count();
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn a_round_cancelled_before_its_deadline_stays_sealed_and_a_cancelled_draft_stays_private() {
    let m = market(2).await;
    let project = m
        .app
        .published_project(&m.applicant, &m.admin, bidding(m.item, m.app.deadline()))
        .await;
    let id = project["id"].as_i64().unwrap();
    assert_eq!(
        m.agencies[0]
            .0
            .sign_up(id, json!({ "quote_fen": 3_333_333 }))
            .await
            .status(),
        StatusCode::CREATED
    );
    let cancelled = m
        .applicant
        .post_json(
            &format!("/api/v1/projects/{id}/cancel"),
            json!({ "reason": "规划调整，项目取消" }),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    for reader in [
        &m.applicant.client,
        &m.admin.client,
        &m.agencies[1].0.client,
        &m.app.client(),
    ] {
        let body = reader
            .get(m.app.url(&format!("/api/v1/projects/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !body.contains("3333333") && !body.contains("江西测试1号"),
            "still sealed: {body}"
        );
        let page = reader
            .get(m.app.url(&format!("/projects/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !page.contains("33,333.33") && !page.contains("江西测试1号"),
            "still sealed on the page"
        );
    }

    let draft = m
        .applicant
        .post_json("/api/v1/projects", project_form(m.item, m.app.deadline()))
        .await;
    let draft = draft.json::<Value>().await.unwrap()["project"]["id"]
        .as_i64()
        .unwrap();
    m.applicant
        .post_json(
            &format!("/api/v1/projects/{draft}/cancel"),
            json!({ "reason": "重复录入" }),
        )
        .await;
    let visitor = m
        .app
        .client()
        .get(m.app.url(&format!("/api/v1/projects/{draft}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        visitor.status(),
        StatusCode::NOT_FOUND,
        "never published, never public"
    );
    let list: Value = m
        .app
        .client()
        .get(m.app.url("/api/v1/projects"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["meta"]["total"], 1);
}

#[tokio::test]
async fn an_objection_to_a_result_that_changed_lapses() {
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
    m.agency(first)
        .post_json(
            &format!("/api/v1/projects/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    let others: Vec<i64> = m
        .agencies
        .iter()
        .map(|(_, a)| *a)
        .filter(|a| *a != first)
        .collect();
    let mut filed = Vec::new();
    for agency in &others {
        let response = m
            .agency(*agency)
            .post_json(
                &format!("/api/v1/projects/{id}/objections"),
                json!({ "reason": "中选机构业绩材料不实，请核查" }),
            )
            .await;
        filed.push(
            response.json::<Value>().await.unwrap()["objection"]["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let upheld = m.admin.post_json(&format!("/api/v1/objections/{}/decision", filed[0]), json!({ "decision": "uphold", "outcome": "redo", "answer": "经核查材料不实，取消中选资格。" })).await;
    assert_eq!(upheld.status(), StatusCode::OK);
    let late = m
        .admin
        .post_json(
            &format!("/api/v1/objections/{}/decision", filed[1]),
            json!({ "decision": "uphold", "outcome": "redo", "answer": "同上，异议成立。" }),
        )
        .await;
    assert_eq!(
        late.status(),
        StatusCode::CONFLICT,
        "the second objection contested a result that no longer stands"
    );
    let project = m.applicant.project(id).await;
    let statuses: Vec<&str> = project["objections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["upheld", "superseded"]);
    assert_eq!(project["status"], "confirming");
}

#[tokio::test]
async fn a_patch_with_null_removes_the_named_agency_and_absent_keeps_it() {
    let m = market(1).await;
    let mut form = project_form(m.item, m.app.deadline());
    form["method"] = json!("direct");
    form["fiscal_share_percent"] = json!(0);
    form["direct_agency_id"] = json!(m.agencies[0].1);
    form["direct_reason"] = json!("社会资金项目，业主自主选择");
    let created = m.applicant.post_json("/api/v1/projects", form).await;
    let id = created.json::<Value>().await.unwrap()["project"]["id"]
        .as_i64()
        .unwrap();
    let kept = m
        .applicant
        .patch_json(
            &format!("/api/v1/projects/{id}"),
            json!({ "title": "改名后的地形图测绘项目" }),
        )
        .await;
    assert_eq!(
        kept.json::<Value>().await.unwrap()["project"]["direct_agency"]["id"],
        m.agencies[0].1
    );
    let removed = m
        .applicant
        .patch_json(
            &format!("/api/v1/projects/{id}"),
            json!({ "direct_agency_id": null, "signup_deadline": m.app.deadline().to_rfc3339() }),
        )
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    let project = removed.json::<Value>().await.unwrap()["project"].clone();
    assert!(project["direct_agency"].is_null(), "now it takes sign-ups");
    assert_eq!(at(&project["signup_deadline"]), m.app.deadline());
}
