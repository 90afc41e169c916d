//! Contracts through HTTP: after the award the winner records the contract
//! with its signed file, the applicant returns it, it is recorded again and
//! confirmed; amendments are proposed and confirmed by the other side.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::contracts::{
    accepted_contract, awarded, awarded_with, delivered_contract, terms, upload,
};
use common::projects::{at, market, project_form};
use common::{fields, problem, TestApp, TestUser};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn the_winner_records_the_contract_and_the_applicant_returns_then_confirms_it() {
    let a = awarded().await;
    let path = format!("/api/v1/projects/{}/contract", a.project);
    let file = upload(&a.app, &a.winner, "合同.pdf").await;

    let too_much = a.winner.post_json(&path, terms(3_100_001, file)).await;
    assert_eq!(
        fields(&problem(too_much).await),
        ["amount_fen"],
        "never above the winning quote"
    );
    let outsider = a.loser.post_json(&path, terms(3_100_000, file)).await;
    assert_eq!(outsider.status(), StatusCode::FORBIDDEN);
    let not_theirs = a.applicant.post_json(&path, terms(3_100_000, file)).await;
    assert_eq!(
        fields(&problem(not_theirs).await),
        ["file_attachment_id"],
        "each party records with its own upload"
    );

    let recorded = a.winner.post_json(&path, terms(3_100_000, file)).await;
    assert_eq!(recorded.status(), StatusCode::CREATED);
    let contract = recorded.json::<Value>().await.unwrap()["contract"].clone();
    assert_eq!(contract["status"], "recorded");
    assert_eq!(contract["winning_fen"], 3_100_000);
    let id = contract["id"].as_i64().unwrap();
    assert_eq!(
        a.winner
            .post_json(&path, terms(3_000_000, file))
            .await
            .status(),
        StatusCode::CONFLICT,
        "one contract per project"
    );

    // The other party reads the signed file; no one else does.
    assert_eq!(
        a.applicant
            .get(&format!("/api/v1/attachments/{file}"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        a.loser
            .get(&format!("/api/v1/attachments/{file}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        a.loser
            .get(&format!("/api/v1/contracts/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let confirm = format!("/api/v1/contracts/{id}/confirmation");
    let own = a
        .winner
        .post_json(&confirm, json!({ "accept": true }))
        .await;
    assert_eq!(
        own.status(),
        StatusCode::CONFLICT,
        "the recorder does not confirm its own record"
    );
    let no_reason = a
        .applicant
        .post_json(&confirm, json!({ "accept": false }))
        .await;
    assert_eq!(fields(&problem(no_reason).await), ["reason"]);
    let returned = a
        .applicant
        .post_json(
            &confirm,
            json!({ "accept": false, "reason": "付款条款与公告不一致" }),
        )
        .await;
    assert_eq!(
        returned.json::<Value>().await.unwrap()["contract"]["status"],
        "returned"
    );

    let file = upload(&a.app, &a.winner, "合同（修订）.pdf").await;
    let again = a.winner.post_json(&path, terms(3_050_000, file)).await;
    assert_eq!(again.status(), StatusCode::OK);
    let confirmed = a
        .applicant
        .post_json(&confirm, json!({ "accept": true }))
        .await;
    let contract = confirmed.json::<Value>().await.unwrap()["contract"].clone();
    assert_eq!(contract["status"], "confirmed");
    assert_eq!(contract["amount_fen"], 3_050_000);
    let messages: Value = a.winner.get("/api/v1/messages").await.json().await.unwrap();
    assert!(messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["subject"] == "合同已生效"));
}

#[tokio::test]
async fn an_amendment_takes_effect_only_when_the_other_party_confirms_it() {
    let a = awarded().await;
    let file = upload(&a.app, &a.applicant, "合同.pdf").await;
    let recorded = a
        .applicant
        .post_json(
            &format!("/api/v1/projects/{}/contract", a.project),
            terms(3_100_000, file),
        )
        .await;
    let id = recorded.json::<Value>().await.unwrap()["contract"]["id"]
        .as_i64()
        .unwrap();
    let amend = format!("/api/v1/contracts/{id}/amendments");
    let early = a
        .winner
        .post_json(
            &amend,
            json!({ "kind": "extension", "new_end_date": "2026-05-10", "reason": "现场条件变化" }),
        )
        .await;
    assert_eq!(
        early.status(),
        StatusCode::CONFLICT,
        "only a confirmed contract is amended"
    );
    a.winner
        .post_json(
            &format!("/api/v1/contracts/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;

    let backwards = a
        .winner
        .post_json(
            &amend,
            json!({ "kind": "extension", "new_end_date": "2026-04-01", "reason": "现场条件变化" }),
        )
        .await;
    assert_eq!(fields(&problem(backwards).await), ["new_end_date"]);
    let raise = a
        .winner
        .post_json(
            &amend,
            json!({ "kind": "amount", "new_amount_fen": 3_500_000, "reason": "工作量增加" }),
        )
        .await;
    assert_eq!(
        fields(&problem(raise).await),
        ["new_amount_fen"],
        "no raise above the winning quote"
    );
    let proposed = a.winner.post_json(&amend, json!({ "kind": "extension", "new_end_date": "2026-05-10", "reason": "雨季影响外业测量" })).await;
    assert_eq!(proposed.status(), StatusCode::CREATED);
    let amendment = proposed.json::<Value>().await.unwrap()["amendment"]["id"]
        .as_i64()
        .unwrap();
    let second = a
        .applicant
        .post_json(
            &amend,
            json!({ "kind": "amount", "new_amount_fen": 3_000_000, "reason": "核减工作量" }),
        )
        .await;
    assert_eq!(
        second.status(),
        StatusCode::CONFLICT,
        "one pending amendment at a time"
    );

    let decide = format!("/api/v1/contracts/{id}/amendments/{amendment}/confirmation");
    assert_eq!(
        a.winner
            .post_json(&decide, json!({ "accept": true }))
            .await
            .status(),
        StatusCode::CONFLICT,
        "not by its proposer"
    );
    let unchanged: Value = a
        .applicant
        .get(&format!("/api/v1/contracts/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["contract"]["end_date"], "2026-04-22");
    let applied = a
        .applicant
        .post_json(&decide, json!({ "accept": true }))
        .await;
    let contract = applied.json::<Value>().await.unwrap()["contract"].clone();
    assert_eq!(contract["end_date"], "2026-05-10");
    assert_eq!(contract["amendments"][0]["status"], "confirmed");
}

#[tokio::test]
async fn deliverables_are_returned_resubmitted_and_accepted_which_completes_the_step() {
    let a = awarded().await;
    let file = upload(&a.app, &a.applicant, "合同.pdf").await;
    let recorded = a
        .applicant
        .post_json(
            &format!("/api/v1/projects/{}/contract", a.project),
            terms(3_100_000, file),
        )
        .await;
    let id = recorded.json::<Value>().await.unwrap()["contract"]["id"]
        .as_i64()
        .unwrap();
    let deliver = format!("/api/v1/contracts/{id}/deliveries");
    let report = upload(&a.app, &a.winner, "地形图测绘技术报告.pdf").await;
    let early = a
        .winner
        .post_json(
            &deliver,
            json!({ "summary": "提交 1:500 地形图及技术报告。", "attachment_ids": [report] }),
        )
        .await;
    assert_eq!(
        early.status(),
        StatusCode::CONFLICT,
        "deliverables follow a confirmed contract"
    );
    a.winner
        .post_json(
            &format!("/api/v1/contracts/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;

    let empty = a
        .winner
        .post_json(
            &deliver,
            json!({ "summary": "提交 1:500 地形图及技术报告。", "attachment_ids": [] }),
        )
        .await;
    assert_eq!(fields(&problem(empty).await), ["attachment_ids"]);
    let by_applicant = a
        .applicant
        .post_json(
            &deliver,
            json!({ "summary": "提交 1:500 地形图及技术报告。", "attachment_ids": [file] }),
        )
        .await;
    assert_eq!(by_applicant.status(), StatusCode::FORBIDDEN);
    let first = a
        .winner
        .post_json(
            &deliver,
            json!({ "summary": "提交 1:500 地形图及技术报告。", "attachment_ids": [report] }),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = first.json::<Value>().await.unwrap()["delivery"].clone();
    assert_eq!(
        (first["sequence"].as_i64(), first["late"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(
        a.applicant
            .get(&format!("/api/v1/attachments/{report}"))
            .await
            .status(),
        StatusCode::OK,
        "the applicant reads the deliverable"
    );
    assert_eq!(
        a.loser
            .get(&format!("/api/v1/attachments/{report}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let accept = format!("/api/v1/deliveries/{}/acceptance", first["id"]);
    let by_agency = a.winner.post_json(&accept, json!({ "accept": true })).await;
    assert_eq!(by_agency.status(), StatusCode::FORBIDDEN);
    let returned = a
        .applicant
        .post_json(
            &accept,
            json!({ "accept": false, "reason": "缺少控制点成果表" }),
        )
        .await;
    assert_eq!(
        returned.json::<Value>().await.unwrap()["delivery"]["status"],
        "returned"
    );

    // Resubmitted after the contract's end date: marked late.
    a.app.clock.set(
        DateTime::parse_from_rfc3339("2026-04-24T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
    );
    let winner = a.app.again(&a.winner).await;
    let applicant = a.app.again(&a.applicant).await;
    let fixed = upload(&a.app, &winner, "技术报告（补充控制点成果表）.pdf").await;
    let second = winner
        .post_json(
            &deliver,
            json!({ "summary": "补充控制点成果表后重新提交。", "attachment_ids": [fixed] }),
        )
        .await;
    let second = second.json::<Value>().await.unwrap()["delivery"].clone();
    assert_eq!(
        (second["sequence"].as_i64(), second["late"].as_bool()),
        (Some(2), Some(true))
    );
    let accepted = applicant
        .post_json(
            &format!("/api/v1/deliveries/{}/acceptance", second["id"]),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(
        accepted.json::<Value>().await.unwrap()["delivery"]["status"],
        "accepted"
    );
    let contract: Value = applicant
        .get(&format!("/api/v1/contracts/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        contract["contract"]["completed_at"].is_string(),
        "acceptance completes the intermediary step"
    );
    assert_eq!(
        contract["contract"]["deliveries"].as_array().unwrap().len(),
        2
    );
    let again = winner
        .post_json(
            &deliver,
            json!({ "summary": "再提交一次成果说明文件。", "attachment_ids": [fixed] }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_applicant_evaluates_the_agency_replies_once_and_ratings_go_public_after_the_window() {
    let a = awarded().await;
    let id = accepted_contract(&a).await;
    let agency_id = a
        .applicant
        .get(&format!("/api/v1/contracts/{id}"))
        .await
        .json::<Value>()
        .await
        .unwrap()["contract"]["agency_id"]
        .as_i64()
        .unwrap();
    let evaluate = format!("/api/v1/contracts/{id}/evaluation");
    let low = a
        .applicant
        .post_json(
            &evaluate,
            json!({ "quality": 2, "timeliness": 4, "fees": 4, "attitude": 5 }),
        )
        .await;
    assert_eq!(
        fields(&problem(low).await),
        ["comment"],
        "a low rating says why"
    );
    let out_of_range = a
        .applicant
        .post_json(
            &evaluate,
            json!({ "quality": 6, "timeliness": 4, "fees": 4, "attitude": 5 }),
        )
        .await;
    assert_eq!(fields(&problem(out_of_range).await), ["quality"]);
    assert_eq!(
        a.winner
            .post_json(
                &evaluate,
                json!({ "quality": 5, "timeliness": 5, "fees": 5, "attitude": 5 })
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let given = a.applicant.post_json(&evaluate, json!({ "quality": 2, "timeliness": 4, "fees": 4, "attitude": 5, "comment": "成果返工一次" })).await;
    assert_eq!(given.status(), StatusCode::CREATED);
    let evaluation = given.json::<Value>().await.unwrap()["evaluation"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        a.applicant
            .post_json(
                &evaluate,
                json!({ "quality": 5, "timeliness": 5, "fees": 5, "attitude": 5 })
            )
            .await
            .status(),
        StatusCode::CONFLICT
    );

    let public = format!("/api/v1/agencies/{agency_id}/evaluations");
    let before: Value = a
        .app
        .client()
        .get(a.app.url(&public))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        before["evaluations"].as_array().unwrap().len(),
        0,
        "public only after the window"
    );
    let reply = format!("/api/v1/evaluations/{evaluation}/reply");
    assert_eq!(
        a.winner
            .post_json(&reply, json!({ "reply": "已补充控制点成果，感谢指正。" }))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        a.winner
            .post_json(&reply, json!({ "reply": "再次回复。" }))
            .await
            .status(),
        StatusCode::CONFLICT,
        "once"
    );

    a.app.advance(Duration::days(20));
    let after: Value = a
        .app
        .client()
        .get(a.app.url(&public))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let shown = &after["evaluations"][0];
    assert_eq!(shown["ratings"]["quality"], 2);
    assert_eq!(shown["comment"], "成果返工一次");
    assert_eq!(shown["reply"], "已补充控制点成果，感谢指正。");
}

#[tokio::test]
async fn without_an_evaluation_in_ten_working_days_a_neutral_one_is_recorded() {
    let a = awarded().await;
    let id = accepted_contract(&a).await;
    a.app.advance(Duration::days(7));
    assert_eq!(
        a.app.run_scheduler().await.evaluations_defaulted,
        0,
        "the window is still open"
    );
    a.app.advance(Duration::days(14));
    assert_eq!(a.app.run_scheduler().await.evaluations_defaulted, 1);
    assert_eq!(a.app.run_scheduler().await.evaluations_defaulted, 0, "once");
    let applicant = a.app.again(&a.applicant).await;
    let late = applicant
        .post_json(
            &format!("/api/v1/contracts/{id}/evaluation"),
            json!({ "quality": 5, "timeliness": 5, "fees": 5, "attitude": 5 }),
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let agency_id = applicant
        .get(&format!("/api/v1/contracts/{id}"))
        .await
        .json::<Value>()
        .await
        .unwrap()["contract"]["agency_id"]
        .as_i64()
        .unwrap();
    let public: Value = a
        .app
        .client()
        .get(
            a.app
                .url(&format!("/api/v1/agencies/{agency_id}/evaluations")),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["evaluations"][0]["by_default"], true);
    assert_eq!(public["evaluations"][0]["ratings"]["quality"], 3);
}

#[tokio::test]
async fn the_credit_record_explains_every_point_and_admins_add_penalties() {
    let a = awarded().await;
    let id = accepted_contract(&a).await;
    let agency_id = a
        .applicant
        .get(&format!("/api/v1/contracts/{id}"))
        .await
        .json::<Value>()
        .await
        .unwrap()["contract"]["agency_id"]
        .as_i64()
        .unwrap();
    let given = a
        .applicant
        .post_json(
            &format!("/api/v1/contracts/{id}/evaluation"),
            json!({ "quality": 5, "timeliness": 5, "fees": 4, "attitude": 5 }),
        )
        .await;
    assert_eq!(given.status(), StatusCode::CREATED);
    let credit = format!("/api/v1/agencies/{agency_id}/credit");
    let read = |app: &TestApp| app.client().get(app.url(&credit)).send();
    let record: Value = read(&a.app).await.unwrap().json().await.unwrap();
    // 80 + (19 − 12) / 2 = 83
    assert_eq!(record["credit"]["score"], 83);
    assert!(record["credit"]["history"][0]["explanation"]
        .as_str()
        .unwrap()
        .contains("服务评价"));

    let events = format!("/api/v1/agencies/{agency_id}/credit-events");
    a.app.advance(Duration::hours(1));
    let admin = a.app.admin("credit-admin").await;
    assert_eq!(
        a.applicant
            .post_json(&events, json!({ "points": -5, "reason": "擅自提价" }))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let zero = admin
        .post_json(&events, json!({ "points": 0, "reason": "无" }))
        .await;
    assert_eq!(fields(&problem(zero).await), ["points"]);
    let penalised = admin
        .post_json(
            &events,
            json!({ "points": -10, "reason": "超合同约定服务时间 10 个工作日以上" }),
        )
        .await;
    assert_eq!(penalised.status(), StatusCode::CREATED);
    let record: Value = read(&a.app).await.unwrap().json().await.unwrap();
    assert_eq!(record["credit"]["score"], 73);
    let first = &record["credit"]["history"][0];
    assert_eq!(first["points"], -10);
    assert!(first["explanation"]
        .as_str()
        .unwrap()
        .contains("超合同约定服务时间"));

    // The loser's abandoned nothing; the winner's record is what the next selection sees.
    let messages: Value = a.winner.get("/api/v1/messages").await.json().await.unwrap();
    assert!(messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["subject"] == "信用记录变更"));
}

#[tokio::test]
async fn upheld_complaints_cost_credit_and_the_third_in_a_year_suspends_the_agency() {
    let a = awarded().await;
    let file = upload(&a.app, &a.applicant, "合同.pdf").await;
    let recorded = a
        .applicant
        .post_json(
            &format!("/api/v1/projects/{}/contract", a.project),
            terms(3_100_000, file),
        )
        .await;
    let id = recorded.json::<Value>().await.unwrap()["contract"]["id"]
        .as_i64()
        .unwrap();
    a.winner
        .post_json(
            &format!("/api/v1/contracts/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    let agency_id = a
        .applicant
        .get(&format!("/api/v1/contracts/{id}"))
        .await
        .json::<Value>()
        .await
        .unwrap()["contract"]["agency_id"]
        .as_i64()
        .unwrap();
    let admin = a.app.admin("complaints-admin").await;
    let complain = format!("/api/v1/contracts/{id}/complaints");
    assert_eq!(
        a.winner
            .post_json(&complain, json!({ "reason": "业主拖延付款" }))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        fields(&problem(a.applicant.post_json(&complain, json!({})).await).await),
        ["reason"]
    );

    let mut outcomes = Vec::new();
    for (n, decision) in ["dismiss", "uphold", "uphold", "uphold"].iter().enumerate() {
        let filed = a
            .applicant
            .post_json(
                &complain,
                json!({ "reason": format!("外业人员第 {} 次未按约定到场", n + 1) }),
            )
            .await;
        assert_eq!(filed.status(), StatusCode::CREATED);
        let complaint = filed.json::<Value>().await.unwrap()["complaint"]["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/v1/complaints/{complaint}/decision");
        assert_eq!(
            a.applicant
                .post_json(&path, json!({ "decision": "uphold", "answer": "查实。" }))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let decided = admin
            .post_json(
                &path,
                json!({ "decision": decision, "answer": "经调查核实，作出处理。" }),
            )
            .await;
        outcomes.push(
            decided.json::<Value>().await.unwrap()["complaint"]["suspended_agency"]
                .as_bool()
                .unwrap(),
        );
    }
    assert_eq!(
        outcomes,
        [false, false, false, true],
        "the third upheld complaint suspends"
    );
    let credit: Value = a
        .app
        .client()
        .get(a.app.url(&format!("/api/v1/agencies/{agency_id}/credit")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(credit["credit"]["score"], 65, "80 − 3 × 5");
    assert_eq!(
        credit["credit"]["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["explanation"].as_str().unwrap().contains("投诉查实"))
            .count(),
        3
    );
    let agency: Value = admin
        .get(&format!("/api/v1/agencies/{agency_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(agency["agency"]["status"], "suspended");
}

#[tokio::test]
async fn the_watch_reminds_before_a_deadline_and_marks_it_overdue_after_each_once() {
    let a = awarded().await;
    let due = at(&a.applicant.project(a.project).await["contract_due_at"]);
    a.app.clock.set(due - Duration::hours(20));
    let report = a.app.run_scheduler().await;
    assert_eq!(
        (
            report.contract_steps.reminded,
            report.contract_steps.overdue
        ),
        (1, 0)
    );
    assert_eq!(
        a.app.run_scheduler().await.contract_steps.reminded,
        0,
        "once"
    );
    a.app.clock.set(due);
    let report = a.app.run_scheduler().await;
    assert_eq!(
        (
            report.contract_steps.reminded,
            report.contract_steps.overdue
        ),
        (0, 1)
    );
    assert_eq!(
        a.app.run_scheduler().await.contract_steps.overdue,
        0,
        "once"
    );
    let winner = a.app.again(&a.winner).await;
    let messages: Value = winner.get("/api/v1/messages").await.json().await.unwrap();
    assert!(
        messages["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["subject"] == "已逾期"),
        "both parties hear of it"
    );

    // Late, the contract is still recorded; then the delivery is watched up to its end date.
    let applicant = a.app.again(&a.applicant).await;
    let file = upload(&a.app, &applicant, "合同.pdf").await;
    let mut late_terms = terms(3_100_000, file);
    late_terms["start_date"] = json!("2026-03-30");
    late_terms["end_date"] = json!("2026-04-30");
    let recorded = applicant
        .post_json(
            &format!("/api/v1/projects/{}/contract", a.project),
            late_terms,
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::CREATED);
    let id = recorded.json::<Value>().await.unwrap()["contract"]["id"]
        .as_i64()
        .unwrap();
    winner
        .post_json(
            &format!("/api/v1/contracts/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    // 24:00 China time of 30 April is 16:00 UTC.
    let end = DateTime::parse_from_rfc3339("2026-04-30T16:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    a.app.clock.set(end - Duration::hours(20));
    assert_eq!(
        a.app.run_scheduler().await.contract_steps.reminded,
        1,
        "the agency is reminded of the delivery"
    );
    a.app.clock.set(end);
    assert_eq!(a.app.run_scheduler().await.contract_steps.overdue, 1);
    let winner = a.app.again(&a.winner).await;
    let messages: Value = winner.get("/api/v1/messages").await.json().await.unwrap();
    let subjects: Vec<&str> = messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert!(
        subjects.contains(&"期限将至") && subjects.iter().filter(|s| **s == "已逾期").count() == 2,
        "{subjects:?}"
    );
}

#[tokio::test]
async fn the_service_is_suspended_by_agreement_resumed_and_terminated_by_an_admin() {
    let a = awarded().await;
    let file = upload(&a.app, &a.applicant, "合同.pdf").await;
    let recorded = a
        .applicant
        .post_json(
            &format!("/api/v1/projects/{}/contract", a.project),
            terms(3_100_000, file),
        )
        .await;
    let id = recorded.json::<Value>().await.unwrap()["contract"]["id"]
        .as_i64()
        .unwrap();
    let stop = format!("/api/v1/contracts/{id}/stoppages");
    let early = a
        .winner
        .post_json(
            &stop,
            json!({ "action": "suspend", "reason": "现场封闭施工" }),
        )
        .await;
    assert_eq!(
        early.status(),
        StatusCode::CONFLICT,
        "only a contract in force is suspended"
    );
    a.winner
        .post_json(
            &format!("/api/v1/contracts/{id}/confirmation"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(
        fields(
            &problem(
                a.winner
                    .post_json(
                        &stop,
                        json!({ "action": "pause", "reason": "现场封闭施工" })
                    )
                    .await
            )
            .await
        ),
        ["action"]
    );

    let proposed = a
        .winner
        .post_json(
            &stop,
            json!({ "action": "suspend", "reason": "现场封闭施工，无法进场测量" }),
        )
        .await;
    assert_eq!(proposed.status(), StatusCode::CREATED);
    let proposal = proposed.json::<Value>().await.unwrap()["stoppage"].clone();
    assert_eq!(
        proposal["contract_status"], "confirmed",
        "nothing changes until the other party agrees"
    );
    let decide = format!(
        "/api/v1/contracts/{id}/stoppages/{}/confirmation",
        proposal["id"]
    );
    assert_eq!(
        a.winner
            .post_json(&decide, json!({ "accept": true }))
            .await
            .status(),
        StatusCode::CONFLICT,
        "not by its proposer"
    );
    let agreed = a
        .applicant
        .post_json(&decide, json!({ "accept": true }))
        .await;
    assert_eq!(
        agreed.json::<Value>().await.unwrap()["stoppage"]["contract_status"],
        "suspended"
    );
    let report = upload(&a.app, &a.winner, "成果.pdf").await;
    let delivered = a
        .winner
        .post_json(
            &format!("/api/v1/contracts/{id}/deliveries"),
            json!({ "summary": "提交 1:500 地形图及技术报告。", "attachment_ids": [report] }),
        )
        .await;
    assert_eq!(
        delivered.status(),
        StatusCode::CONFLICT,
        "no delivery while suspended"
    );

    let admin = a.app.admin("contracts-admin").await;
    let outsider = a
        .loser
        .post_json(
            &stop,
            json!({ "action": "terminate", "reason": "我也想终止它" }),
        )
        .await;
    assert_eq!(outsider.status(), StatusCode::NOT_FOUND);
    let decided = admin
        .post_json(
            &stop,
            json!({ "action": "terminate", "reason": "项目取消，经管理员决定终止合同" }),
        )
        .await;
    assert_eq!(decided.status(), StatusCode::CREATED);
    assert_eq!(
        decided.json::<Value>().await.unwrap()["stoppage"]["contract_status"],
        "terminated",
        "an admin decision applies at once"
    );
    let resumed = admin
        .post_json(&stop, json!({ "action": "resume", "reason": "恢复服务" }))
        .await;
    assert_eq!(
        resumed.status(),
        StatusCode::CONFLICT,
        "terminated is final"
    );
}

/// The subjects of a user's in-site messages.
async fn subjects(user: &TestUser) -> Vec<String> {
    let messages: Value = user.get("/api/v1/messages").await.json().await.unwrap();
    messages["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_owned())
        .collect()
}

async fn credit_of(app: &TestApp, agency_id: i64) -> Value {
    let url = app.url(&format!("/api/v1/agencies/{agency_id}/credit"));
    let read: Value = app
        .client()
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    read["credit"].clone()
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn the_contract_deadline_follows_the_configured_working_days() {
    let a = awarded_with(|s| s.projects.contract_working_days = 2).await;
    let project = a.applicant.project(a.project).await;
    // Awarded on Thursday 19 March; two working days are Friday and Monday,
    // so the contract is due at 24:00 China time on Monday 23 March.
    assert_eq!(at(&project["awarded_at"]), utc("2026-03-19T01:00:00Z"));
    let due = at(&project["contract_due_at"]);
    assert_eq!(due, utc("2026-03-23T16:00:00Z"));

    a.app.clock.set(due - Duration::hours(20));
    let report = a.app.run_scheduler().await.contract_steps;
    assert_eq!((report.reminded, report.overdue), (1, 0));
    a.app.clock.set(due - Duration::seconds(1));
    assert_eq!(a.app.run_scheduler().await.contract_steps.overdue, 0);
    a.app.clock.set(due);
    let report = a.app.run_scheduler().await.contract_steps;
    assert_eq!(
        (report.reminded, report.overdue),
        (0, 1),
        "overdue after two working days, not five"
    );
    let applicant = a.app.again(&a.applicant).await;
    assert!(subjects(&applicant).await.contains(&"已逾期".to_owned()));
    // Both parties owe the contract, so its delay is marked but not charged to the agency.
    let agency_id = project["winner"]["agency"]["id"].as_i64().unwrap();
    assert_eq!(credit_of(&a.app, agency_id).await["score"], 80);
}

#[tokio::test]
async fn the_applicant_is_reminded_to_accept_deliverables_and_marked_overdue_at_no_cost_to_the_agency(
) {
    let a = awarded().await;
    let agency_id = a.applicant.project(a.project).await["winner"]["agency"]["id"]
        .as_i64()
        .unwrap();
    let (contract, delivery) = delivered_contract(&a).await;
    // Handed in on Thursday 19 March: ten working days end at 24:00 on Thursday 2 April.
    let due = utc("2026-04-02T16:00:00Z");
    a.app.clock.set(due - Duration::hours(30));
    let report = a.app.run_scheduler().await.contract_steps;
    assert_eq!((report.reminded, report.overdue), (0, 0));
    for expected in [1, 0] {
        a.app.clock.set(due - Duration::hours(20));
        let report = a.app.run_scheduler().await.contract_steps;
        assert_eq!((report.reminded, report.overdue), (expected, 0), "once");
    }
    for expected in [1, 0] {
        a.app.clock.set(due);
        let report = a.app.run_scheduler().await.contract_steps;
        assert_eq!((report.reminded, report.overdue), (0, expected), "once");
    }
    let applicant = a.app.again(&a.applicant).await;
    let told = subjects(&applicant).await;
    let count = |s: &str| told.iter().filter(|t| *t == s).count();
    assert_eq!(
        (count("期限将至"), count("已逾期")),
        (1, 1),
        "the applicant, who owes the acceptance: {told:?}"
    );
    let winner = a.app.again(&a.winner).await;
    let told = subjects(&winner).await;
    assert!(
        !told.contains(&"期限将至".to_owned()) && told.contains(&"已逾期".to_owned()),
        "the agency only hears of the overdue mark: {told:?}"
    );
    let credit = credit_of(&a.app, agency_id).await;
    assert_eq!(
        (
            credit["score"].as_i64(),
            credit["history"].as_array().map(Vec::len)
        ),
        (Some(80), Some(0)),
        "the applicant's delay costs the agency nothing"
    );

    // Returned late and handed in again: the new submission has its own deadline.
    let returned = applicant
        .post_json(
            &format!("/api/v1/deliveries/{delivery}/acceptance"),
            json!({ "accept": false, "reason": "图幅接边不符合规范" }),
        )
        .await;
    assert_eq!(returned.status(), StatusCode::OK);
    let fixed = upload(&a.app, &winner, "成果（修改）.pdf").await;
    let again = winner
        .post_json(
            &format!("/api/v1/contracts/{contract}/deliveries"),
            json!({ "summary": "按退回意见修改接边后重新提交。", "attachment_ids": [fixed] }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    // From Friday 3 April (00:00 China time), 清明 (4–6 April) does not count: due 20 April.
    let due = utc("2026-04-20T16:00:00Z");
    a.app.clock.set(due - Duration::hours(20));
    assert_eq!(a.app.run_scheduler().await.contract_steps.reminded, 1);
    a.app.clock.set(due);
    assert_eq!(a.app.run_scheduler().await.contract_steps.overdue, 1);
}

#[tokio::test]
async fn penalties_that_bring_the_score_below_sixty_suspend_the_agency() {
    let m = market(1).await;
    let (agency, agency_id) = (&m.agencies[0].0, m.agencies[0].1);
    let (app, admin) = (&m.app, &m.admin);
    let search = || async move {
        app.sync_search().await;
        let url = app.url("/api/v1/search/offerings");
        let found: Value = app
            .client()
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        found["meta"]["total"].as_i64().unwrap()
    };
    assert_eq!(search().await, 1);
    let events = format!("/api/v1/agencies/{agency_id}/credit-events");
    let events = events.as_str();
    let penalise = move |points: i64| {
        admin.post_json(
            events,
            json!({ "points": points, "reason": "擅自提高服务收费" }),
        )
    };
    let status = || async move {
        let read: Value = admin
            .get(&format!("/api/v1/agencies/{agency_id}"))
            .await
            .json()
            .await
            .unwrap();
        read["agency"].clone()
    };

    // 80 − 20 = 60: at the threshold, not below it.
    assert_eq!(penalise(-20).await.status(), StatusCode::CREATED);
    assert_eq!(status().await["status"], "admitted");
    // A reward never suspends; the penalty that takes the score to 59 does.
    assert_eq!(penalise(1).await.status(), StatusCode::CREATED);
    assert_eq!(penalise(-2).await.status(), StatusCode::CREATED);
    assert_eq!(credit_of(app, agency_id).await["score"], 59);
    let suspended = status().await;
    assert_eq!(suspended["status"], "suspended");
    let reason = suspended["status_reason"].as_str().unwrap();
    assert!(
        reason.contains("信用分 59") && reason.contains("低于 60"),
        "{reason}"
    );
    assert!(subjects(agency).await.contains(&"机构已被暂停".to_owned()));

    // What a suspension blocks: signing up, and the offerings in search.
    let project = app
        .published_project_id(&m.applicant, &m.admin, project_form(m.item, app.deadline()))
        .await;
    let refused = agency.sign_up(project, json!({})).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let refused = problem(refused).await;
    assert!(
        refused["detail_zh"]
            .as_str()
            .unwrap()
            .contains("只有已入驻且未被暂停的机构可以报名"),
        "{refused}"
    );
    assert_eq!(search().await, 0);

    // Once suspended, a further penalty leaves the suspension as it was.
    assert_eq!(penalise(-5).await.status(), StatusCode::CREATED);
    assert_eq!(status().await["status_until"], suspended["status_until"]);
}

#[tokio::test]
async fn the_score_rule_can_be_turned_off() {
    let app = TestApp::with_settings(|s| s.credit.suspend_below_score = None).await;
    let admin = app.admin("centre").await;
    let (_, agency_id) = app.eligible_agency("agency1", 1, &admin).await;
    let penalty = admin
        .post_json(
            &format!("/api/v1/agencies/{agency_id}/credit-events"),
            json!({ "points": -30, "reason": "以欺诈手段承接业务" }),
        )
        .await;
    assert_eq!(penalty.status(), StatusCode::CREATED);
    let agency: Value = admin
        .get(&format!("/api/v1/agencies/{agency_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(agency["agency"]["status"], "admitted");
}
