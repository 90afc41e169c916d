//! The supply-side pages through HTTP: the catalogue and 办事指南, the
//! application form kept next to its errors, the review queue, the directory,
//! and an offering made and published on the agency's own pages.

mod common;

use common::html::{csrf_token, page};
use common::supply::{offering_form, test_uscc};
use common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn the_catalogue_and_each_guide_are_public_pages() {
    let app = TestApp::new().await;
    let visitor = app.client();
    let (status, html) = page(&visitor, app.url("/service-items")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("共 53 项") && html.contains("地形图测绘"));
    let topo = app.item_id("ZJ027").await;
    let (status, html) = page(&visitor, app.url(&format!("/service-items/{topo}"))).await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "服务用途",
        "服务的审批事项",
        "谁可以提供",
        "项目业主需准备的材料",
        "办理时限",
        "收费依据",
        "测绘资质（乙级及以上）",
        "暂无机构提供该服务",
    ] {
        assert!(html.contains(part), "{part}");
    }
    assert_eq!(
        page(&visitor, app.url("/service-items/999999")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_agency_applies_on_its_page_and_the_admin_reviews_in_the_queue() {
    let app = TestApp::new().await;
    let agency = app.agency_user("ganjiang").await;
    let (status, html) = page(&agency.client, app.url("/my/agency")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("入驻承诺书"));
    let token = csrf_token(&html);
    let mut fields = vec![
        ("csrf_token", token.clone()),
        ("name", "江西赣江测绘有限公司".to_owned()),
        ("uscc", "91360102MA35ABCD41".to_owned()),
        ("legal_representative", "张建国".to_owned()),
        ("region_code", "360102".to_owned()),
        ("address", "南昌市东湖区八一大道100号".to_owned()),
        ("contact_name", "李敏".to_owned()),
        ("contact_phone", "0791-86661234".to_owned()),
        ("contact_email", "office@ganjiang.example.cn".to_owned()),
        ("business_scope", "测绘服务".to_owned()),
        ("regions", "360100".to_owned()),
        ("regions", "360400".to_owned()),
        ("commitment_accepted", "1".to_owned()),
    ];
    let refused = agency
        .client
        .post(app.url("/my/agency"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"uscc-error\"") && html.contains("value=\"江西赣江测绘有限公司\""));

    fields[2].1 = test_uscc(11);
    let saved = agency
        .client
        .post(app.url("/my/agency"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&agency.client, app.url("/my/agency")).await;
    assert!(html.contains("草稿") && html.contains("提交审核"));
    let submitted = agency
        .client
        .post(app.url("/my/agency/submit"))
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);

    let admin = app.admin("center").await;
    let (status, html) = page(&admin.client, app.url("/admin/agencies")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("江西赣江测绘有限公司"));
    let agency_id: i64 = html
        .split("/admin/agencies/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, html) = page(
        &admin.client,
        app.url(&format!("/admin/agencies/{agency_id}")),
    )
    .await;
    let admin_token = csrf_token(&html);
    let no_reason = admin
        .client
        .post(app.url(&format!("/admin/agencies/{agency_id}/review")))
        .form(&[
            ("csrf_token", admin_token.as_str()),
            ("action", "return"),
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
        .contains("id=\"reason-error\""));
    let approved = admin
        .client
        .post(app.url(&format!("/admin/agencies/{agency_id}/review")))
        .form(&[
            ("csrf_token", admin_token.as_str()),
            ("action", "approve"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&agency.client, app.url("/my/agency")).await;
    assert!(html.contains("已入驻"));

    // Only admins see the queue.
    assert_eq!(
        agency.get("/admin/agencies").await.status(),
        StatusCode::FORBIDDEN
    );

    // Visible in the directory, filtered by region.
    let visitor = app.client();
    let (_, html) = page(&visitor, app.url("/agencies?region=360403")).await;
    assert!(html.contains("江西赣江测绘有限公司"));
    let (_, html) = page(&visitor, app.url("/agencies?region=360700")).await;
    assert!(!html.contains("江西赣江测绘有限公司") && html.contains("没有符合条件的机构"));
    let (status, html) = page(&visitor, app.url(&format!("/agencies/{agency_id}"))).await;
    assert_eq!(status, StatusCode::OK);
    // A new agency's public credit record: the base score, no lines yet.
    assert!(html.contains("信用分") && html.contains("id=\"credit-score\">80<"));
    assert!(html.contains("近 365 天无加减分记录"));
}

#[tokio::test]
async fn an_offering_is_made_and_published_on_the_agencys_pages() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let (agency, agency_id) = app.admitted_agency("ganjiang", 12, &admin).await;
    let topo = app.item_id("ZJ027").await;

    let (_, html) = page(&agency.client, app.url("/my/offerings/new")).await;
    let token = csrf_token(&html);
    let form = |status: &'static str| {
        vec![
            ("csrf_token", token.clone()),
            ("service_item_id", topo.to_string()),
            ("title", "地形图测绘（1:500）".to_owned()),
            ("description", "按《工程测量标准》开展测绘。".to_owned()),
            ("regions", "360102".to_owned()),
            ("regions", "360111".to_owned()),
            ("price_basis", "range".to_owned()),
            ("price_min_yuan", "8,000".to_owned()),
            ("price_max_yuan", "30000.5".to_owned()),
            ("promised_days", "7".to_owned()),
            ("example_projects", "南昌某安置房项目".to_owned()),
            ("status", status.to_owned()),
        ]
    };
    // Without a verified certificate, publishing is refused with the reason next to the buttons.
    let refused = agency
        .client
        .post(app.url("/my/offerings"))
        .form(&form("published"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"status-error\"") && html.contains("资质"));
    assert!(html.contains("value=\"30000.5\""), "what was typed stays");

    app.verified_surveying(&agency, agency_id, &admin, "2030-12-31")
        .await;
    let published = agency
        .client
        .post(app.url("/my/offerings"))
        .form(&form("published"))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&agency.client, app.url("/my/offerings")).await;
    assert!(html.contains("展示中") && html.contains("¥8,000.00 – ¥30,000.50"));

    let listed: Value = app
        .client()
        .get(app.url("/api/v1/offerings"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = listed["offerings"][0]["id"].as_i64().unwrap();
    assert_eq!(listed["offerings"][0]["price_max_fen"], 3_000_050);
    let (status, html) = page(&app.client(), app.url(&format!("/offerings/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("地形图测绘（1:500）") && html.contains("东湖区"));
    let (_, guide) = page(&app.client(), app.url(&format!("/service-items/{topo}"))).await;
    assert!(guide.contains("江西测试12号测绘有限公司"));

    // Withdrawn: gone from the public page.
    let mut withdraw = form("withdrawn");
    withdraw.retain(|(k, _)| *k != "service_item_id");
    let done = agency
        .client
        .post(app.url(&format!("/my/offerings/{id}")))
        .form(&withdraw)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page(&app.client(), app.url(&format!("/offerings/{id}")))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let _ = offering_form(topo, "draft");
}

#[tokio::test]
async fn a_certificate_with_its_scan_is_recorded_on_the_agency_page() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let (agency, _) = app.admitted_agency("ganjiang", 13, &admin).await;
    let (_, html) = page(&agency.client, app.url("/my/agency")).await;
    let token = csrf_token(&html);
    let multipart = |scan: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("csrf_token", token.clone())
            .text("qualification_type", "QT_SURVEYING")
            .text("level", "乙级")
            .text("certificate_no", "乙测资字36000001")
            .text("issuer", "江西省自然资源厅")
            .text("valid_from", "2024-01-01")
            .text("valid_until", "2029-12-31")
            .part(
                "scan",
                reqwest::multipart::Part::bytes(scan).file_name("证书.pdf"),
            )
    };
    let disguised = agency
        .client
        .post(app.url("/my/agency/qualifications"))
        .multipart(multipart(b"not a pdf at all".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(disguised.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(disguised
        .text()
        .await
        .unwrap()
        .contains("只接受 PDF、JPEG 或 PNG"));
    let recorded = agency
        .client
        .post(app.url("/my/agency/qualifications"))
        .multipart(multipart(b"%PDF-1.4\n% scan\n".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&agency.client, app.url("/my/agency")).await;
    assert!(html.contains("乙测资字36000001") && html.contains("pending"));

    // Without its token the multipart form changes nothing.
    let forged = agency
        .client
        .post(app.url("/my/agency/qualifications"))
        .multipart(reqwest::multipart::Form::new().text("qualification_type", "QT_SURVEYING"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_edits_and_retires_an_item_on_its_form() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let topo = app.item_id("ZJ027").await;
    let (status, html) = page(
        &admin.client,
        app.url(&format!("/admin/service-items/{topo}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("QT_SURVEYING 乙级"));
    let token = csrf_token(&html);
    let mut fields = vec![
        ("csrf_token", token),
        ("code", "ZJ027".to_owned()),
        ("name", "地形图测绘".to_owned()),
        ("category", "测绘".to_owned()),
        ("approval_items", "建设工程规划许可".to_owned()),
        ("department", "自然资源".to_owned()),
        ("requirement_kind", "certificate".to_owned()),
        ("time_limit_days", "7".to_owned()),
        ("fee_basis", "market".to_owned()),
        ("status", "active".to_owned()),
        ("requirements", "QT_SURVEYING 丙级".to_owned()),
        ("purpose", "测绘地形图。".to_owned()),
        ("materials", "项目红线图\n用地范围".to_owned()),
        ("provider", "具有测绘资质的机构".to_owned()),
    ];
    let refused = admin
        .client
        .post(app.url(&format!("/admin/service-items/{topo}")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("id=\"requirements-error\""));

    fields[10].1 = "QT_SURVEYING 甲级".to_owned();
    fields[9].1 = "retired".to_owned();
    let saved = admin
        .client
        .post(app.url(&format!("/admin/service-items/{topo}")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, guide) = page(&app.client(), app.url(&format!("/service-items/{topo}"))).await;
    assert!(guide.contains("该事项已停用") && guide.contains("甲级及以上"));
    let (_, list) = page(&app.client(), app.url("/service-items")).await;
    assert!(list.contains("共 52 项"));

    let owner = app.applicant("owner").await;
    assert_eq!(
        owner.get("/admin/service-items").await.status(),
        StatusCode::FORBIDDEN
    );
}
