//! The contract pages through HTTP, as the parties click through them: the
//! winner records the contract on the project's page, the applicant returns
//! it, it is recorded again and confirmed; the agency hands in its work, the
//! applicant returns it once and accepts it, evaluates, the agency replies;
//! a complaint reaches the administrators' queue and is answered there.
//! Bad forms come back with the error next to the field and change nothing.

mod common;

use chrono::Duration;
use common::contracts::{awarded, Awarded};
use common::html::{csrf_token, page};
use common::TestUser;
use reqwest::header::LOCATION;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::Value;

fn pdf(name: &'static str) -> Part {
    Part::bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n".to_vec())
        .file_name(name)
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Opens a page and returns its HTML, asserting it answered 200.
async fn open(a: &Awarded, user: &TestUser, path: &str) -> String {
    let (status, html) = page(&user.client, a.app.url(path)).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html
}

/// Submits a form of the page at `from` to `action`, as the browser does.
async fn submit(
    a: &Awarded,
    user: &TestUser,
    from: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = open(a, user, from).await;
    let mut form: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    form.push(("csrf_token".into(), csrf_token(&html)));
    user.client
        .post(a.app.url(action))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// The contract form of the project's page, sent with one signed file or none.
async fn record(a: &Awarded, user: &TestUser, amount: &str, file: bool) -> reqwest::Response {
    let path = format!("/projects/{}/contract", a.project);
    let html = open(a, user, &path).await;
    let mut form = Form::new()
        .text("csrf_token", csrf_token(&html))
        .text("amount_yuan", amount.to_owned())
        .text("start_date", "2026-03-23")
        .text("end_date", "2026-04-22")
        .text(
            "key_terms",
            "按中选价包干；30 日内提交 1:500 地形图及技术报告。",
        );
    if file {
        form = form.part("file", pdf("合同.pdf"));
    }
    user.client
        .post(a.app.url(&path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn contract_json(a: &Awarded, id: i64) -> Value {
    let response = a.applicant.get(&format!("/api/v1/contracts/{id}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["contract"].clone()
}

#[tokio::test]
async fn the_parties_record_confirm_deliver_accept_and_evaluate_on_the_pages() {
    let a = awarded().await;
    let project_path = format!("/projects/{}", a.project);

    // The winner finds the contract step on the project's page; the loser does not.
    let html = open(&a, &a.winner, &project_path).await;
    assert!(html.contains("合同与履约") && html.contains("id=\"record-contract\""));
    let html = open(&a, &a.loser, &project_path).await;
    assert!(!html.contains("合同与履约"));
    let (status, _) = page(
        &a.loser.client,
        a.app.url(&format!("/projects/{}/contract", a.project)),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Above the winning quote, and without the signed file: refused, typed values kept.
    let refused = record(&a, &a.winner, "31000.01", false).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"file-error\""), "the file is named");
    assert!(html.contains("value=\"31000.01\""), "what was typed stays");
    let refused = record(&a, &a.winner, "31000.01", true).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"amount-error\""), "{html}");
    assert!(html.contains("不超过中选价（31,000.00 元）"), "{html}");
    let html = open(&a, &a.winner, &project_path).await;
    assert!(
        html.contains("id=\"record-contract\""),
        "nothing was recorded"
    );

    let recorded = record(&a, &a.winner, "31000", true).await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let target = location(&recorded);
    assert!(target.ends_with("?done=recorded"), "{target}");
    let contract_path = target.split('?').next().unwrap().to_owned();
    let id: i64 = contract_path
        .trim_start_matches("/contracts/")
        .parse()
        .unwrap();
    let html = open(&a, &a.winner, &target).await;
    assert!(html.contains("合同已录入，等待对方确认") && html.contains("31,000.00"));
    assert!(
        !html.contains("id=\"contract-confirm\""),
        "the recorder does not confirm"
    );

    // Outsiders see no contract at all.
    let (status, _) = page(&a.loser.client, a.app.url(&contract_path)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let visitor = a.app.client();
    let response = visitor.get(a.app.url(&contract_path)).send().await.unwrap();
    assert!(location(&response).starts_with("/login?next="));

    // The applicant returns it: a reason is required.
    let action = format!("/contracts/{id}/confirmation");
    let no_reason = submit(
        &a,
        &a.applicant,
        &contract_path,
        &action,
        &[("decision", "return")],
    )
    .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason
        .text()
        .await
        .unwrap()
        .contains("id=\"contract-reason-error\""));
    assert_eq!(contract_json(&a, id).await["status"], "recorded");
    let returned = submit(
        &a,
        &a.applicant,
        &contract_path,
        &action,
        &[
            ("decision", "return"),
            ("reason", "付款方式应为验收合格后一次付清。"),
        ],
    )
    .await;
    assert_eq!(
        location(&returned),
        format!("{contract_path}?done=returned")
    );

    // The winner records it again from the prefilled form; the applicant confirms.
    let html = open(&a, &a.winner, &contract_path).await;
    assert!(html.contains("id=\"rerecord\""));
    let form = open(&a, &a.winner, &format!("/projects/{}/contract", a.project)).await;
    assert!(form.contains("付款方式应为验收合格后一次付清") && form.contains("value=\"31000.00\""));
    assert_eq!(
        record(&a, &a.winner, "30000", true).await.status(),
        StatusCode::SEE_OTHER
    );
    let confirmed = submit(
        &a,
        &a.applicant,
        &contract_path,
        &action,
        &[("decision", "accept")],
    )
    .await;
    assert_eq!(
        location(&confirmed),
        format!("{contract_path}?done=confirmed")
    );
    assert_eq!(contract_json(&a, id).await["status"], "confirmed");
    let html = open(&a, &a.applicant, &project_path).await;
    assert!(html.contains(&format!("href=\"/contracts/{id}\"")));

    // The agency hands in its work: files are required, several go at once.
    let deliver = |files: usize| {
        let a = &a;
        let contract_path = contract_path.clone();
        async move {
            let html = open(a, &a.winner, &contract_path).await;
            let mut form = Form::new()
                .text("csrf_token", csrf_token(&html))
                .text("summary", "提交 1:500 地形图及技术报告。");
            for name in ["地形图.pdf", "技术报告.pdf"].into_iter().take(files) {
                form = form.part("files", pdf(name));
            }
            a.winner
                .client
                .post(a.app.url(&format!("/contracts/{id}/deliveries")))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let none = deliver(0).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none
        .text()
        .await
        .unwrap()
        .contains("id=\"delivery-files-error\""));
    assert!(contract_json(&a, id).await["deliveries"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(deliver(2).await.status(), StatusCode::SEE_OTHER);
    let delivery = contract_json(&a, id).await["deliveries"][0].clone();
    assert_eq!(delivery["attachment_ids"].as_array().unwrap().len(), 2);
    let delivery_id = delivery["id"].as_i64().unwrap();

    // The applicant returns it once with reasons, then accepts the second submission.
    let acceptance = format!("/contracts/{id}/deliveries/{delivery_id}/acceptance");
    let html = open(&a, &a.applicant, &contract_path).await;
    assert!(html.contains("id=\"delivery-accept\""));
    let returned = submit(
        &a,
        &a.applicant,
        &contract_path,
        &acceptance,
        &[
            ("decision", "return"),
            ("reason", "地形图缺少图例，请补充。"),
        ],
    )
    .await;
    assert_eq!(
        location(&returned),
        format!("{contract_path}?done=delivery_returned")
    );
    assert_eq!(deliver(1).await.status(), StatusCode::SEE_OTHER);
    let second = contract_json(&a, id).await["deliveries"][1]["id"]
        .as_i64()
        .unwrap();
    let accepted = submit(
        &a,
        &a.applicant,
        &contract_path,
        &format!("/contracts/{id}/deliveries/{second}/acceptance"),
        &[("decision", "accept")],
    )
    .await;
    assert_eq!(
        location(&accepted),
        format!("{contract_path}?done=accepted")
    );
    let html = open(&a, &a.applicant, &contract_path).await;
    assert!(html.contains("已验收") && html.contains("id=\"evaluation-form\""));

    // A rating left out is named; then the evaluation is stored and the agency replies once.
    let evaluation = format!("/contracts/{id}/evaluation");
    let missing = submit(
        &a,
        &a.applicant,
        &contract_path,
        &evaluation,
        &[
            ("quality", "5"),
            ("timeliness", "4"),
            ("fees", "4"),
            ("comment", "成果规范"),
        ],
    )
    .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = missing.text().await.unwrap();
    assert!(
        html.contains("请为服务态度打 1–5 分") && html.contains("id=\"rate-quality-5\" checked")
    );
    let rated = submit(
        &a,
        &a.applicant,
        &contract_path,
        &evaluation,
        &[
            ("quality", "5"),
            ("timeliness", "4"),
            ("fees", "4"),
            ("attitude", "5"),
            ("comment", "成果规范，按期提交。"),
        ],
    )
    .await;
    assert_eq!(location(&rated), format!("{contract_path}?done=evaluated"));
    let html = open(&a, &a.winner, &contract_path).await;
    assert!(html.contains("★★★★★") && html.contains("id=\"reply-submit\""));
    let agency_id = contract_json(&a, id).await["agency_id"].as_i64().unwrap();
    let public = a
        .loser
        .get(&format!("/api/v1/agencies/{agency_id}/evaluations"))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert!(
        public["evaluations"].as_array().unwrap().is_empty(),
        "not public during the window"
    );
    let reply_action = html
        .split("action=\"")
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|action| action.ends_with("/reply"))
        .expect("a reply form")
        .to_owned();
    let replied = submit(
        &a,
        &a.winner,
        &contract_path,
        &reply_action,
        &[("reply", "感谢业主的认可。")],
    )
    .await;
    assert_eq!(location(&replied), format!("{contract_path}?done=replied"));
    assert!(!open(&a, &a.winner, &contract_path)
        .await
        .contains("id=\"reply-submit\""));

    // Both find it under 我的合同; after the window the profile shows the ratings.
    for user in [&a.applicant, &a.winner] {
        let html = open(&a, user, "/my/contracts").await;
        assert!(html.contains(&format!("/contracts/{id}")) && html.contains("已验收"));
    }
    let csv = a.applicant.get("/my/contracts?format=csv").await;
    let text = String::from_utf8(csv.bytes().await.unwrap()[3..].to_vec()).unwrap();
    assert!(
        text.contains("30000.00") && text.contains("已验收"),
        "{text}"
    );
    a.app.advance(Duration::days(20));
    let visitor = a.app.client();
    let (_, profile) = page(&visitor, a.app.url(&format!("/agencies/{agency_id}"))).await;
    for shown in [
        "成果规范，按期提交。",
        "感谢业主的认可。",
        "签约 1 项，已验收 1 项",
        "id=\"credit-score\"",
    ] {
        assert!(profile.contains(shown), "{shown}");
    }
}

#[tokio::test]
async fn a_complaint_reaches_the_admins_queue_and_is_answered_on_the_contract_page() {
    let a = awarded().await;
    let admin = a.app.log_in("centre", common::PASSWORD).await;
    assert_eq!(
        record(&a, &a.applicant, "31000", true).await.status(),
        StatusCode::SEE_OTHER
    );
    let html = open(&a, &a.applicant, "/my/contracts").await;
    let contract_path = html
        .split("href=\"")
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|href| href.starts_with("/contracts/"))
        .expect("the contract in 我的合同")
        .to_owned();
    let contract_id: i64 = contract_path
        .trim_start_matches("/contracts/")
        .parse()
        .unwrap();
    let confirmed = a
        .winner
        .post_json(
            &format!("/api/v1/contracts/{contract_id}/confirmation"),
            serde_json::json!({ "accept": true }),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);

    // Only the applicant complains; a short reason is refused.
    assert!(!open(&a, &a.winner, &contract_path)
        .await
        .contains("id=\"complaint-submit\""));
    let action = format!("{contract_path}/complaints");
    let short = submit(
        &a,
        &a.applicant,
        &contract_path,
        &action,
        &[("reason", "差")],
    )
    .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short
        .text()
        .await
        .unwrap()
        .contains("id=\"complaint-reason-error\""));
    let filed = submit(
        &a,
        &a.applicant,
        &contract_path,
        &action,
        &[("reason", "机构未按约定进场测量，多次联系不上项目负责人。")],
    )
    .await;
    assert_eq!(location(&filed), format!("{contract_path}?done=complained"));

    // The queue is for administrators only.
    let (status, _) = page(&a.applicant.client, a.app.url("/admin/complaints")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let queue = open(&a, &admin, "/admin/complaints").await;
    assert!(queue.contains("多次联系不上项目负责人") && queue.contains(&contract_path));
    let csv = admin.get("/admin/complaints?format=csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.starts_with("提交时间,项目,被投诉机构,投诉理由")
            && text.contains("多次联系不上项目负责人")
    );

    let html = open(&a, &admin, &contract_path).await;
    let complaint_action = html
        .split("action=\"")
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|action| action.ends_with("/decision"))
        .expect("a decision form")
        .to_owned();
    let undecided = submit(
        &a,
        &admin,
        &contract_path,
        &complaint_action,
        &[("answer", "经核实情况属实。")],
    )
    .await;
    assert_eq!(undecided.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(undecided.text().await.unwrap().contains("处理结论应为"));
    let decided = submit(
        &a,
        &admin,
        &contract_path,
        &complaint_action,
        &[
            ("decision", "uphold"),
            ("answer", "经核实，机构未按约定时间进场，投诉查实。"),
        ],
    )
    .await;
    assert_eq!(
        location(&decided),
        format!("{contract_path}?done=complaint_decided")
    );
    assert!(open(&a, &admin, "/admin/complaints")
        .await
        .contains("没有待处理的投诉"));
    let html = open(&a, &a.winner, &contract_path).await;
    assert!(html.contains("投诉查实") || html.contains("查实"));

    // A party's proposal to stop waits for the other; an administrator decides at once.
    let stoppages = format!("{contract_path}/stoppages");
    let proposed = submit(
        &a,
        &a.applicant,
        &contract_path,
        &stoppages,
        &[
            ("action", "suspend"),
            ("reason", "项目用地调整，暂停测量。"),
        ],
    )
    .await;
    assert_eq!(
        location(&proposed),
        format!("{contract_path}?done=stoppage")
    );
    assert_eq!(contract_json(&a, contract_id).await["status"], "confirmed");
    assert!(open(&a, &a.winner, &contract_path)
        .await
        .contains("id=\"stoppage-confirm\""));
    let no_reason = submit(
        &a,
        &admin,
        &contract_path,
        &stoppages,
        &[("action", "terminate")],
    )
    .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(contract_json(&a, contract_id).await["status"], "confirmed");
    let terminated = submit(
        &a,
        &admin,
        &contract_path,
        &stoppages,
        &[
            ("action", "terminate"),
            ("reason", "经双方申请并核实，终止合同。"),
        ],
    )
    .await;
    assert_eq!(
        location(&terminated),
        format!("{contract_path}?done=stopped")
    );
    assert_eq!(contract_json(&a, contract_id).await["status"], "terminated");
    assert!(open(&a, &a.winner, &contract_path).await.contains("已终止"));
}

#[tokio::test]
async fn an_admin_records_a_penalty_with_evidence_on_the_agency_page() {
    let a = awarded().await;
    let admin = a.app.log_in("centre", common::PASSWORD).await;
    let project = a.applicant.project(a.project).await;
    let agency_id = project["winner"]["agency"]["id"].as_i64().unwrap();
    let path = format!("/admin/agencies/{agency_id}");
    let send = |points: &'static str, reason: &'static str, evidence: bool| {
        let (a, admin, path) = (&a, &admin, path.clone());
        async move {
            let html = open(a, admin, &path).await;
            let mut form = Form::new()
                .text("csrf_token", csrf_token(&html))
                .text("points", points)
                .text("reason", reason);
            if evidence {
                form = form.part("evidence", pdf("处罚决定书.pdf"));
            }
            admin
                .client
                .post(a.app.url(&format!("{path}/credit-events")))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let html = open(&a, &admin, &path).await;
    assert!(
        html.contains("id=\"credit-score\">80<"),
        "no facts yet: the base score"
    );

    // Zero points are no event; nothing is recorded.
    let zero = send("0", "成果文件存在错漏。", true).await;
    assert_eq!(zero.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(zero
        .text()
        .await
        .unwrap()
        .contains("id=\"credit-points-error\""));
    let penalty = send("-10", "成果文件存在错漏，经核实予以扣分。", true).await;
    assert_eq!(location(&penalty), format!("{path}?credit=recorded#credit"));

    // The public profile explains the point; an applicant cannot record one.
    let (_, profile) = page(
        &a.app.client(),
        a.app.url(&format!("/agencies/{agency_id}")),
    )
    .await;
    assert!(profile.contains("id=\"credit-score\">70<"), "80 − 10");
    assert!(profile.contains("成果文件存在错漏，经核实予以扣分。"));
    let (status, _) = page(&a.applicant.client, a.app.url(&path)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
