//! The parallel approval record through HTTP: the approval system sends an
//! investment project; the marketplace project carrying its code takes up
//! the 地形图测绘 step; the agency's work is accepted and the step is done in
//! the record with the deliverable's hash; the department's state is pushed
//! back. Tokens keep to their scopes; bad codes and unknown items are named.

mod common;

use common::approvals::{investment_project, CODE};
use common::contracts::{awarded, delivered_contract};
use common::{fields, problem};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn body(response: reqwest::Response) -> Value {
    response.json().await.expect("json")
}

fn step<'a>(record: &'a Value, item: &str) -> &'a Value {
    record["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == item)
        .unwrap_or_else(|| panic!("item {item}"))["steps"]
        .get(0)
        .expect("a step")
}

#[tokio::test]
async fn an_accepted_survey_completes_its_step_in_the_approval_record() {
    let a = awarded().await;
    let system = a
        .app
        .machine("并联审批系统", &["approvals:read", "approvals:write"])
        .await;
    let path = format!("/api/v1/investment-projects/{CODE}");

    // The approval system sends the project; the awarded survey carrying the code takes up its step.
    let created = system.put(&path, investment_project()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let record = body(created).await["approval_record"].clone();
    assert_eq!(record["investment_project"]["region"]["name"], "东湖区");
    let survey = step(&record, "SP13");
    assert_eq!(survey["status"], "linked");
    assert_eq!(survey["linked_by"], "auto");
    assert_eq!(survey["project"]["id"], a.project);
    assert_eq!(step(&record, "SP05")["status"], "open");
    assert_eq!(record["intermediary_complete"], false);
    let again = system.put(&path, investment_project()).await;
    assert_eq!(again.status(), StatusCode::OK, "a second PUT updates");

    // Acceptance completes the step, with the agency, the contract and the deliverable's hash.
    let (contract, delivery) = delivered_contract(&a).await;
    let accepted = a
        .applicant
        .post_json(
            &format!("/api/v1/deliveries/{delivery}/acceptance"),
            json!({ "accept": true }),
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let record =
        body(system.get(&format!("{path}/approval-record")).await).await["approval_record"].clone();
    let survey = step(&record, "SP13");
    assert_eq!(survey["status"], "done");
    assert_eq!(survey["contract_id"], contract);
    assert_eq!(survey["delivery_id"], delivery);
    assert_eq!(survey["deliverable_sha256"].as_str().unwrap().len(), 64);
    assert!(survey["agency"]["name"].as_str().unwrap().contains("测绘"));
    let planning = record["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "SP13")
        .unwrap();
    assert_eq!(
        planning["ready_to_file"], true,
        "every report for 规划 is in"
    );

    // The department's own state comes back from the approval system.
    let patched = system
        .patch(
            &format!("{path}/approval-items/SP13"),
            json!({ "state": "processing", "note": "已受理，办理中" }),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let item = body(patched).await["approval_item"].clone();
    assert_eq!(item["state"], "processing");
    assert_eq!(item["state_label"], "办理中");

    // With the 环评 item dropped, every intermediary report the record needs is in.
    let mut planning_only = investment_project();
    planning_only["approval_items"] = json!([{ "code": "SP13", "services": ["ZJ027"] }]);
    let record = body(system.put(&path, planning_only).await).await["approval_record"].clone();
    assert_eq!(record["intermediary_complete"], true);
    let audit: Vec<String> = a
        .app
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use zhongjie::db::schema::audit_events;
            Ok(audit_events::table
                .filter(audit_events::action.like("approval_step.%"))
                .select(audit_events::action)
                .load::<String>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(audit, ["approval_step.linked", "approval_step.completed"]);

    // The applicant reads the record of its own project; an agency that lost does not.
    let own = a.applicant.get(&format!("{path}/approval-record")).await;
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(a.loser.get(&path).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tokens_keep_to_their_scopes_and_bad_input_is_named() {
    let a = awarded().await;
    let path = format!("/api/v1/investment-projects/{CODE}");
    let reader = a.app.machine("只读客户端", &["approvals:read"]).await;
    let writer = a.app.machine("并联审批系统", &["approvals:write"]).await;

    // The applicant cannot act as the approval system, nor a reader write.
    assert_eq!(
        a.applicant
            .put_json(&path, investment_project())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reader.put(&path, investment_project()).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        writer.put(&path, investment_project()).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        writer.get(&path).await.status(),
        StatusCode::FORBIDDEN,
        "writing does not include reading"
    );
    assert_eq!(reader.get(&path).await.status(), StatusCode::OK);

    // The approval system cannot act as an applicant: its token is no user's.
    let as_applicant = reader.get("/api/v1/me").await;
    assert_eq!(as_applicant.status(), StatusCode::UNAUTHORIZED);
    let sign_up = reader
        .client
        .post(format!(
            "{}/api/v1/projects/{}/signups",
            reader.base, a.project
        ))
        .bearer_auth(&reader.token)
        .json(&json!({ "promised_days": 10 }))
        .send()
        .await
        .unwrap();
    assert_eq!(sign_up.status(), StatusCode::UNAUTHORIZED);
    let forged = reqwest::Client::new()
        .get(a.app.url(&path))
        .bearer_auth("zjc_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    // Bad codes, unknown items and states are problem+json naming the field.
    let bad_code = writer
        .put(
            "/api/v1/investment-projects/2103-3601",
            investment_project(),
        )
        .await;
    assert_eq!(bad_code.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad_code.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(fields(&problem(bad_code).await), ["code"]);
    let mut unknown = investment_project();
    unknown["approval_items"][0]["code"] = json!("SP99");
    unknown["approval_items"][1]["services"] = json!(["ZJ027"]);
    let refused = writer.put(&path, unknown).await;
    assert_eq!(
        fields(&problem(refused).await),
        ["approval_items[0].code", "approval_items[1].services"]
    );
    let mut no_name = investment_project();
    no_name["name"] = json!("");
    no_name["owner_uscc"] = json!("91360102MA35ABCD41");
    assert_eq!(
        fields(&problem(writer.put(&path, no_name).await).await),
        ["name", "owner_uscc"]
    );
    let item = format!("{path}/approval-items/SP99");
    assert_eq!(
        writer
            .patch(&item, json!({ "state": "approved" }))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let bad_state = writer
        .patch(
            &format!("{path}/approval-items/SP13"),
            json!({ "state": "done" }),
        )
        .await;
    assert_eq!(fields(&problem(bad_state).await), ["state"]);
    let unknown_project = reader
        .get("/api/v1/investment-projects/2103-360102-04-01-999999")
        .await;
    assert_eq!(unknown_project.status(), StatusCode::NOT_FOUND);

    // Nothing refused changed the record.
    let record =
        body(reader.get(&format!("{path}/approval-record")).await).await["approval_record"].clone();
    assert_eq!(record["items"].as_array().unwrap().len(), 2);
    assert_eq!(record["items"][0]["state"], "not_filed");
}

#[tokio::test]
async fn a_terminated_contract_gives_the_step_back() {
    let a = awarded().await;
    let admin = a.app.log_in("centre", common::PASSWORD).await;
    let system = a
        .app
        .machine("并联审批系统", &["approvals:read", "approvals:write"])
        .await;
    let path = format!("/api/v1/investment-projects/{CODE}");
    system.put(&path, investment_project()).await;
    let (contract, _) = delivered_contract(&a).await;
    let terminated = admin
        .post_json(
            &format!("/api/v1/contracts/{contract}/stoppages"),
            json!({ "action": "terminate", "reason": "机构无法继续履约，终止合同。" }),
        )
        .await;
    assert_eq!(terminated.status(), StatusCode::CREATED);
    let record =
        body(system.get(&format!("{path}/approval-record")).await).await["approval_record"].clone();
    let survey = step(&record, "SP13");
    assert_eq!(survey["status"], "open");
    assert!(survey["project"].is_null());
    // Sending the record again does not hand the step back to the terminated project.
    let record =
        body(system.put(&path, investment_project()).await).await["approval_record"].clone();
    assert_eq!(step(&record, "SP13")["status"], "open");
}

#[tokio::test]
async fn the_applicant_follows_the_timeline_and_links_a_project_by_hand() {
    let a = awarded().await;
    let system = a
        .app
        .machine("并联审批系统", &["approvals:read", "approvals:write"])
        .await;
    system
        .put(
            &format!("/api/v1/investment-projects/{CODE}"),
            investment_project(),
        )
        .await;
    // A second investment project of the same owner, whose code no marketplace project carries.
    let other = "2103-360102-04-01-654321";
    let mut second = investment_project();
    second["name"] = json!("赣江新区某安置房项目（二期）");
    second["approval_items"] = json!([{ "code": "SP13", "services": ["ZJ027"] }]);
    system
        .put(&format!("/api/v1/investment-projects/{other}"), second)
        .await;

    let (status, list) =
        common::html::page(&a.applicant.client, a.app.url("/investment-projects")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(CODE) && list.contains(other));
    let csv = a.applicant.get("/investment-projects?format=csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = String::from_utf8(csv.bytes().await.unwrap()[3..].to_vec()).unwrap();
    assert_eq!(
        text.lines().count(),
        4,
        "a header and a row per step: {text}"
    );
    assert!(text.contains("建设用地规划许可") && text.contains("中介服务中"));
    let path = format!("/investment-projects/{CODE}");
    let (_, timeline) = common::html::page(&a.applicant.client, a.app.url(&path)).await;
    for shown in [
        "建设用地规划许可",
        "中介服务中",
        "赣江新区某安置房项目地形图测绘",
        "建设项目环境影响评价审批",
        "待选取中介",
        "等待 1 项中介服务完成后方可申报",
        "中介服务 <strong>0/2</strong> 已完成",
    ] {
        assert!(timeline.contains(shown), "{shown}");
    }

    // On the second record the applicant links the survey by hand.
    let second_path = format!("/investment-projects/{other}");
    let (_, html) = common::html::page(&a.applicant.client, a.app.url(&second_path)).await;
    let action = html
        .split("action=\"")
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|action| action.ends_with("/link"))
        .expect("a link form")
        .to_owned();
    let token = common::html::csrf_token(&html);
    let wrong = a
        .applicant
        .client
        .post(a.app.url(&action))
        .form(&[("csrf_token", token.as_str()), ("project_id", "999999")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("采购项目不存在"));
    let linked = a
        .applicant
        .client
        .post(a.app.url(&action))
        .form(&[
            ("csrf_token", token.as_str()),
            ("project_id", a.project.to_string().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(linked.status(), StatusCode::SEE_OTHER);
    let record = body(
        system
            .get(&format!(
                "/api/v1/investment-projects/{other}/approval-record"
            ))
            .await,
    )
    .await["approval_record"]
        .clone();
    assert_eq!(step(&record, "SP13")["linked_by"], "applicant");

    // Agencies have no approval records; administrators see every one.
    let (status, _) = common::html::page(&a.winner.client, a.app.url("/investment-projects")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = a.app.log_in("centre", common::PASSWORD).await;
    let (_, all) = common::html::page(&admin.client, a.app.url("/investment-projects")).await;
    assert!(all.contains(CODE) && all.contains(other));
    let (status, _) = common::html::page(&a.loser.client, a.app.url(&path)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
