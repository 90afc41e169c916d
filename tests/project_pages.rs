//! The project pages through HTTP: an applicant drafts a project on the form,
//! a bad form comes back next to its fields, the announcement is published
//! through review, an agency signs up on the project's page — and until the
//! deadline no page shows who signed up or for how much, only how many.

mod common;

use common::html::{csrf_token, page};
use common::projects::{bidding_form, bidding_json, project_id_in, set};
use common::{TestApp, PASSWORD};
use reqwest::header::LOCATION;
use reqwest::StatusCode;

const TITLE: &str = "南昌市某安置房项目地形图测绘";

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_applicant_drafts_a_project_on_the_form_and_sees_the_draft() {
    let app = TestApp::new().await;
    let owner = app.applicant("nanchang_owner").await;
    let topo = app.item_id("ZJ027").await;

    let (status, html) = page(&owner.client, app.url("/my/projects/new")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("发布采购项目") && html.contains("type=\"datetime-local\""));
    let mut fields = bidding_form(topo, TITLE);
    fields.push(("csrf_token", csrf_token(&html)));
    let saved = owner
        .client
        .post(app.url("/my/projects"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let target = location(&saved);
    assert!(target.ends_with("?done=created"), "{target}");
    let id = project_id_in(&target);

    let (status, html) = page(&owner.client, app.url(&target)).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        TITLE,
        "草稿",
        "草稿已保存",
        "提交发布",
        "投资额 12,500,000.00 元",
        "金额报价：最低价 10,000.00 元，最高限价 50,000.00 元",
        "2026-03-12 09:00",
        "测绘资质",
    ] {
        assert!(html.contains(shown), "{shown}");
    }
    let (_, mine) = page(&owner.client, app.url("/my/projects")).await;
    assert!(mine.contains(TITLE) && mine.contains("草稿"));

    // The edit form shows what was stored, in yuan and China time.
    let (status, edit) = page(&owner.client, app.url(&format!("/my/projects/{id}/edit"))).await;
    assert_eq!(status, StatusCode::OK);
    for kept in [
        "value=\"12500000.00\"",
        "value=\"50000.00\"",
        "value=\"2026-03-12T09:00\"",
    ] {
        assert!(edit.contains(kept), "{kept}");
    }
    // Editing: an unknown agency to avoid is named in its row; fixed, the edit is stored.
    let mut fields = bidding_form(topo, "南昌市某安置房项目地形图测绘（一期）");
    fields.push(("csrf_token", csrf_token(&edit)));
    fields.push(("requirements_item", topo.to_string()));
    set(&mut fields, "avoid_agency_id", "999999");
    set(&mut fields, "avoid_reason", "与项目业主存在隶属关系");
    let refused = owner
        .client
        .post(app.url(&format!("/my/projects/{id}")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"avoid-0-agency_id-error\">回避的机构不存在。"));
    assert!(
        html.contains("请至少选择一项清单规定的资质"),
        "no box was checked"
    );
    set(&mut fields, "avoid_agency_id", "");
    set(&mut fields, "avoid_reason", "");
    fields.retain(|(name, _)| *name != "requirements_item");
    let saved = owner
        .client
        .post(app.url(&format!("/my/projects/{id}")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&owner.client, app.url(&location(&saved))).await;
    assert!(html.contains("南昌市某安置房项目地形图测绘（一期）") && html.contains("修改已保存"));

    // A draft is nobody else's business.
    let visitor = app.client();
    let (_, list) = page(&visitor, app.url("/projects")).await;
    assert!(!list.contains(TITLE));
    assert_eq!(
        page(&visitor, app.url(&format!("/projects/{id}"))).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bad_form_comes_back_with_each_error_next_to_its_field_and_stores_nothing() {
    let app = TestApp::new().await;
    let owner = app.applicant("nanchang_owner").await;
    let topo = app.item_id("ZJ027").await;
    let (_, html) = page(&owner.client, app.url("/my/projects/new")).await;
    let mut fields = bidding_form(topo, "短");
    set(&mut fields, "ceiling_yuan", "abc");
    set(&mut fields, "contact_phone", "0791-8688abc");
    fields.push(("csrf_token", csrf_token(&html)));
    let refused = owner
        .client
        .post(app.url("/my/projects"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    for (id, message) in [
        ("title-error", "项目名称应为 4–100 个字。"),
        (
            "ceiling_fen-error",
            "请填写金额（元，数字，最多两位小数）。",
        ),
        ("contact_phone-error", "联系电话格式不正确"),
    ] {
        let at = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}"));
        assert!(html[at..].contains(message), "{id}: {message}");
    }
    // What was typed stays.
    for kept in [
        "value=\"短\"",
        "value=\"abc\"",
        "value=\"2026-03-12T09:00\"",
    ] {
        assert!(html.contains(kept), "{kept}");
    }
    let (_, mine) = page(&owner.client, app.url("/my/projects")).await;
    assert!(mine.contains("还没有项目"));
}

#[tokio::test]
async fn sign_ups_stay_sealed_on_every_page_until_the_deadline_then_the_draw_is_public() {
    let app = TestApp::with_settings(|s| s.projects.min_signups = 1).await;
    let admin = app.admin("center").await;
    let owner = app.applicant("nanchang_owner").await;
    let (agency, _) = app.eligible_agency("surveyor", 51, &admin).await;
    let agency_name = "江西测试51号测绘有限公司";
    let topo = app.item_id("ZJ027").await;

    // The applicant drafts through the API and submits on the project's page.
    let created = owner
        .post_json("/api/v1/projects", bidding_json(topo, TITLE))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<serde_json::Value>().await.unwrap()["project"]["id"]
        .as_i64()
        .unwrap();
    let project_page = format!("/projects/{id}");
    let (_, html) = page(&owner.client, app.url(&project_page)).await;
    let submitted = owner
        .client
        .post(app.url(&format!("/my/projects/{id}/publish")))
        .form(&[("csrf_token", csrf_token(&html))])
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&owner.client, app.url(&location(&submitted))).await;
    assert!(html.contains("待审核") && html.contains("等待中心管理员审核"));

    // The admin finds it in the queue and approves it.
    let (status, queue) = page(&admin.client, app.url("/admin/projects")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue.contains(&format!("href=\"/admin/projects/{id}\"")) && queue.contains("待审核（1）")
    );
    let (_, review) = page(&admin.client, app.url(&format!("/admin/projects/{id}"))).await;
    assert!(review.contains("发布审核"));
    let token = csrf_token(&review);
    let no_reason = admin
        .client
        .post(app.url(&format!("/admin/projects/{id}/review")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("decision", "return"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason
        .text()
        .await
        .unwrap()
        .contains("id=\"review_reason-error\""));
    let approved = admin
        .client
        .post(app.url(&format!("/admin/projects/{id}/review")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("decision", "approve"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&admin.client, app.url(&format!("/admin/projects/{id}"))).await;
    assert!(html.contains("报名中") && html.contains("抽签承诺值"));

    // The agency signs up on the project's page; a quote that is no number comes back.
    let (_, html) = page(&agency.client, app.url(&project_page)).await;
    assert!(html.contains("id=\"signup-form\""));
    let token = csrf_token(&html);
    let refused = agency
        .client
        .post(app.url(&format!("/projects/{id}/signup")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("quote_yuan", "一万二"),
            ("promised_days", "20"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"quote_fen-error\"") && html.contains("value=\"一万二\""));
    let signed = agency
        .client
        .post(app.url(&format!("/projects/{id}/signup")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("quote_yuan", "12345.67"),
            ("promised_days", "20"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&agency.client, app.url(&location(&signed))).await;
    assert!(html.contains("报名已提交"));
    assert!(html.contains("id=\"my-signup-quote\">12,345.67 元"));
    assert!(html.contains("撤回报名"));

    // Before the deadline: the count, and neither the agency nor its quote, anywhere.
    let visitor = app.client();
    let sealed_pages = [
        (&visitor, project_page.clone()),
        (&visitor, "/projects".to_owned()),
        (&visitor, "/".to_owned()),
        (&owner.client, project_page.clone()),
        (&owner.client, "/my/projects".to_owned()),
        (&admin.client, "/admin/projects".to_owned()),
        (&admin.client, format!("/admin/projects/{id}")),
    ];
    for (client, path) in &sealed_pages {
        let (status, html) = page(client, app.url(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(TITLE), "{path}");
        for secret in [agency_name, "12,345.67", "12345.67"] {
            assert!(!html.contains(secret), "{path} shows {secret}");
        }
    }
    let (_, html) = page(&visitor, app.url(&project_page)).await;
    assert!(html.contains("已有 <strong>1</strong> 家机构报名"));
    let (_, html) = page(&admin.client, app.url("/admin/projects")).await;
    assert!(html.contains("1 家"));
    assert_eq!(
        page(&visitor, app.url(&format!("/projects/{id}/draw")))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // After the deadline the scheduler closes sign-ups and runs the bidding.
    app.advance(chrono::Duration::days(10) + chrono::Duration::minutes(1));
    let report = app.run_scheduler().await;
    assert_eq!(report.moved, 1);
    let (_, html) = page(&visitor, app.url(&project_page)).await;
    assert!(html.contains("id=\"signup-table\""));
    assert!(html.contains(agency_name) && html.contains("12,345.67 元"));
    assert!(html.contains("待中选机构确认"));
    assert!(html.contains(&format!("href=\"/projects/{id}/draw\"")));
    let (status, draw) = page(&visitor, app.url(&format!("/projects/{id}/draw"))).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        agency_name,
        "12,345.67 元",
        "id=\"draw-secret\"",
        "id=\"draw-seed\"",
        "验证方法",
        "zhongjie verify draw ZJCG2026",
    ] {
        assert!(draw.contains(shown), "{shown}");
    }
}

#[tokio::test]
async fn the_winner_confirms_and_an_objection_is_answered_on_the_pages() {
    let app = TestApp::with_settings(|s| s.projects.min_signups = 1).await;
    let admin = app.admin("center").await;
    let owner = app.applicant("nanchang_owner").await;
    let (agency, _) = app.eligible_agency("surveyor", 52, &admin).await;
    let topo = app.item_id("ZJ027").await;
    let id = app
        .published_project_id(&owner, &admin, bidding_json(topo, TITLE))
        .await;
    let project_page = format!("/projects/{id}");
    let (_, html) = page(&agency.client, app.url(&project_page)).await;
    let token = csrf_token(&html);
    let signed = agency
        .client
        .post(app.url(&format!("/projects/{id}/signup")))
        .form(&[("csrf_token", token.as_str()), ("quote_yuan", "30000")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    app.advance(chrono::Duration::days(11));
    app.run_scheduler().await;
    // Sessions have expired meanwhile: everyone logs in again.
    let (agency, admin, owner) = (
        app.log_in("surveyor", PASSWORD).await,
        app.log_in("center", PASSWORD).await,
        app.log_in("nanchang_owner", PASSWORD).await,
    );

    // Abandoning needs a reason; confirming sends the result to publicity.
    let (_, html) = page(&agency.client, app.url(&project_page)).await;
    assert!(html.contains("中选确认"));
    let token = csrf_token(&html);
    let no_reason = agency
        .client
        .post(app.url(&format!("/projects/{id}/confirmation")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("accept", "false"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    let status = no_reason.status();
    let body = no_reason.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("id=\"confirm_reason-error\""));
    let confirmed = agency
        .client
        .post(app.url(&format!("/projects/{id}/confirmation")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("accept", "true"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&agency.client, app.url(&location(&confirmed))).await;
    assert!(html.contains("中选结果公示中") && html.contains("提出异议"));

    let objected = agency
        .client
        .post(app.url(&format!("/projects/{id}/objections")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("reason", "我方对本次选取的报价排序有疑问，请复核。"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(objected.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&admin.client, app.url(&format!("/admin/projects/{id}"))).await;
    assert!(html.contains("我方对本次选取的报价排序有疑问"));
    let objection_id: i64 = html
        .split("/admin/objections/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|id| id.parse().ok())
        .expect("a link to the objection");

    // Others may not decide it; the admin answers in writing.
    assert_eq!(
        owner
            .get(&format!("/admin/objections/{objection_id}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let (status, html) = page(
        &admin.client,
        app.url(&format!("/admin/objections/{objection_id}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let admin_token = csrf_token(&html);
    let no_answer = admin
        .client
        .post(app.url(&format!("/admin/objections/{objection_id}/decision")))
        .form(&[
            ("csrf_token", admin_token.as_str()),
            ("decision", "dismiss"),
            ("answer", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(no_answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_answer
        .text()
        .await
        .unwrap()
        .contains("id=\"answer-error\""));
    let decided = admin
        .client
        .post(app.url(&format!("/admin/objections/{objection_id}/decision")))
        .form(&[
            ("csrf_token", admin_token.as_str()),
            ("decision", "dismiss"),
            ("answer", "经复核，报价排序符合公布的规则，异议不成立。"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&agency.client, app.url(&project_page)).await;
    assert!(html.contains("异议不成立") && html.contains("经复核，报价排序符合公布的规则"));
}

#[tokio::test]
async fn admin_pages_are_for_admins_only() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let owner = app.applicant("nanchang_owner").await;
    let agency = app.agency_user("surveyor").await;
    let topo = app.item_id("ZJ027").await;
    let id = app
        .published_project_id(&owner, &admin, bidding_json(topo, TITLE))
        .await;
    for path in [
        "/admin/projects".to_owned(),
        format!("/admin/projects/{id}"),
        "/admin/objections/1".to_owned(),
    ] {
        assert_eq!(
            owner.get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            agency.get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
        let visitor = app.client().get(app.url(&path)).send().await.unwrap();
        assert!(location(&visitor).starts_with("/login"), "{path}");
    }
    assert_eq!(
        admin.get("/admin/objections/999").await.status(),
        StatusCode::NOT_FOUND
    );
    // The applicant's pages are the applicant's.
    assert_eq!(
        agency.get("/my/projects").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        agency
            .get(&format!("/my/projects/{id}/edit"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let other = app.applicant("jiujiang_owner").await;
    assert_eq!(
        other.get(&format!("/my/projects/{id}/edit")).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_nav_counts_unread_messages_until_they_are_read() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let owner = app.applicant("nanchang_owner").await;
    let topo = app.item_id("ZJ027").await;
    let created = owner
        .post_json("/api/v1/projects", bidding_json(topo, TITLE))
        .await;
    let id = created.json::<serde_json::Value>().await.unwrap()["project"]["id"]
        .as_i64()
        .unwrap();
    let (_, html) = page(&admin.client, app.url("/")).await;
    assert!(html.contains(">消息</a>"), "nothing unread yet");
    owner
        .post_json(
            &format!("/api/v1/projects/{id}/publish"),
            serde_json::json!({}),
        )
        .await;
    let (_, html) = page(&admin.client, app.url("/")).await;
    assert!(html.contains("消息 (1)"));
    let (_, html) = page(&admin.client, app.url("/messages")).await;
    assert!(html.contains("采购公告待审核") && !html.contains("消息 (1)"));
    let (_, html) = page(&admin.client, app.url("/")).await;
    assert!(!html.contains("消息 (") && html.contains(">消息</a>"));
}
