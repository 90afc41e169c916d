//! The supply side end to end through HTTP: an agency applies, is returned,
//! fixes, is admitted, records a qualification, publishes offerings; the
//! certificate nears expiry, expires, and the offering leaves the listings.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::supply::{agency_form, offering_form, test_uscc};
use common::{fields, problem, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn an_agency_applies_is_returned_fixes_and_is_admitted() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let agency = app.agency_user("ganjiang").await;
    let visitor = app.client();

    let bad = agency
        .post_json("/api/v1/agencies", {
            let mut form = agency_form("赣江测绘有限公司", "91360102MA35ABCD41");
            form["region_code"] = json!("999999");
            form
        })
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(bad).await), vec!["uscc", "region_code"]);

    let created = agency
        .post_json(
            "/api/v1/agencies",
            agency_form("赣江测绘有限公司", &test_uscc(1)),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let body: Value = created.json().await.unwrap();
    let id = body["agency"]["id"].as_i64().unwrap();
    assert_eq!(body["agency"]["status"], "draft");
    assert_eq!(body["agency"]["region"]["name"], "东湖区");

    let hidden = visitor
        .get(app.url(&format!("/api/v1/agencies/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        hidden.status(),
        StatusCode::NOT_FOUND,
        "a draft is not public"
    );

    let early = agency
        .post_json(&format!("/api/v1/agencies/{id}/submit"), json!({}))
        .await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&problem(early).await),
        vec!["commitment_accepted", "regions"]
    );

    let patched = agency
        .patch_json(
            &format!("/api/v1/agencies/{id}"),
            json!({ "commitment_accepted": true, "regions": ["360100", "360400"] }),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let submitted: Value = agency
        .post_json(&format!("/api/v1/agencies/{id}/submit"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(submitted["agency"]["status"], "submitted");

    let owner = app.applicant("owner").await;
    let not_admin = owner
        .post_json(
            &format!("/api/v1/agencies/{id}/review"),
            json!({ "action": "approve" }),
        )
        .await;
    assert_eq!(not_admin.status(), StatusCode::FORBIDDEN);
    let no_reason = admin
        .post_json(
            &format!("/api/v1/agencies/{id}/review"),
            json!({ "action": "return" }),
        )
        .await;
    assert_eq!(fields(&problem(no_reason).await), vec!["reason"]);
    let returned: Value = admin
        .post_json(
            &format!("/api/v1/agencies/{id}/review"),
            json!({ "action": "return", "reason": "营业执照扫描件不清晰" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(returned["agency"]["status"], "returned");
    let messages: Value = agency.get("/api/v1/messages").await.json().await.unwrap();
    assert!(messages["messages"][0]["body"]
        .as_str()
        .unwrap()
        .contains("营业执照扫描件不清晰"));

    let fixed = agency
        .patch_json(
            &format!("/api/v1/agencies/{id}"),
            json!({ "name": "江西赣江测绘有限公司" }),
        )
        .await;
    assert_eq!(fixed.status(), StatusCode::OK);
    agency
        .post_json(&format!("/api/v1/agencies/{id}/submit"), json!({}))
        .await;
    let admitted: Value = admin
        .post_json(
            &format!("/api/v1/agencies/{id}/review"),
            json!({ "action": "approve" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(admitted["agency"]["status"], "admitted");

    // Admitted: public, and the registration is locked.
    let public: Value = visitor
        .get(app.url(&format!("/api/v1/agencies/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["agency"]["name"], "江西赣江测绘有限公司");
    assert!(public["agency"]["status_reason"].is_null());
    let locked = agency
        .patch_json(
            &format!("/api/v1/agencies/{id}"),
            json!({ "name": "别的名字有限公司", "contact_phone": "0791-1234567" }),
        )
        .await;
    assert_eq!(fields(&problem(locked).await), vec!["name"]);
    let directory: Value = visitor
        .get(app.url("/api/v1/agencies?region=360403"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        directory["meta"]["total"], 1,
        "九江 is declared, so its districts are served"
    );
    let elsewhere: Value = visitor
        .get(app.url("/api/v1/agencies?region=360700"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(elsewhere["meta"]["total"], 0);

    // The same code cannot register twice.
    let twin = app.agency_user("twin").await;
    let duplicate = twin
        .post_json("/api/v1/agencies", agency_form("另一家公司", &test_uscc(1)))
        .await;
    assert_eq!(fields(&problem(duplicate).await), vec!["uscc"]);

    let audit = actions(&app).await;
    for action in [
        "agency.created",
        "agency.submitted",
        "agency.returned",
        "agency.admitted",
    ] {
        assert!(audit.contains(&action.to_owned()), "{action}");
    }
}

async fn actions(app: &TestApp) -> Vec<String> {
    use diesel::prelude::*;
    use zhongjie::db::schema::audit_events;
    app.db
        .run(|conn| {
            Ok(audit_events::table
                .select(audit_events::action)
                .load::<String>(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn publishing_needs_a_verified_qualification_and_expiry_takes_the_offering_down() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let (agency, agency_id) = app.admitted_agency("ganjiang", 2, &admin).await;
    let topo = app.item_id("ZJ027").await;

    let expired = agency
        .post_json(
            &format!("/api/v1/agencies/{agency_id}/qualifications"),
            json!({ "qualification_type": "QT_SURVEYING", "level": "乙级", "certificate_no": "乙测资字0001", "issuer": "江西省自然资源厅", "valid_from": "2020-01-01", "valid_until": "2025-12-31" }),
        )
        .await;
    assert_eq!(fields(&problem(expired).await), vec!["valid_until"]);
    let wrong_level = agency
        .post_json(
            &format!("/api/v1/agencies/{agency_id}/qualifications"),
            json!({ "qualification_type": "QT_SURVEYING", "level": "丙级", "certificate_no": "乙测资字0001", "issuer": "江西省自然资源厅", "valid_from": "2021-01-01", "valid_until": "2026-04-15" }),
        )
        .await;
    assert_eq!(fields(&problem(wrong_level).await), vec!["level"]);

    let unqualified = agency
        .post_json("/api/v1/offerings", offering_form(topo, "published"))
        .await;
    assert_eq!(unqualified.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = problem(unqualified).await;
    assert_eq!(fields(&refusal), vec!["status"]);
    assert!(refusal["errors"][0]["message_zh"]
        .as_str()
        .unwrap()
        .contains("资质"));

    app.verified_surveying(&agency, agency_id, &admin, "2026-04-15")
        .await;
    let published = agency
        .post_json("/api/v1/offerings", offering_form(topo, "published"))
        .await;
    assert_eq!(published.status(), StatusCode::CREATED);
    let offering: Value = published.json().await.unwrap();
    let offering_id = offering["offering"]["id"].as_i64().unwrap();
    assert_eq!(offering["offering"]["live"], true);

    // 承诺即可: an item without a qualification requirement needs only the commitment.
    let energy = app.item_id("ZJ004").await;
    let mut form = offering_form(energy, "published");
    form["title"] = json!("固定资产投资项目节能报告编制");
    assert_eq!(
        agency.post_json("/api/v1/offerings", form).await.status(),
        StatusCode::CREATED
    );
    // An item whose certificate the agency lacks is refused.
    let geohazard = app.item_id("ZJ011").await;
    let refused = agency
        .post_json("/api/v1/offerings", offering_form(geohazard, "published"))
        .await;
    assert_eq!(fields(&problem(refused).await), vec!["status"]);
    // Regions outside the declared ones are refused.
    let mut far = offering_form(geohazard, "draft");
    far["regions"] = json!(["360700"]);
    assert_eq!(
        fields(&problem(agency.post_json("/api/v1/offerings", far).await).await),
        vec!["regions[0]"]
    );

    let visitor = app.client();
    let listed: Value = visitor
        .get(app.url(&format!(
            "/api/v1/offerings?service_item={topo}&region=360102"
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["meta"]["total"], 1);
    let elsewhere: Value = visitor
        .get(app.url(&format!(
            "/api/v1/offerings?service_item={topo}&region=360200"
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(elsewhere["meta"]["total"], 0);

    // Thirty days before expiry the agency is warned, once.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 16, 1, 0, 0).unwrap());
    assert_eq!(app.run_watch().await.warned, 1);
    assert_eq!(app.run_watch().await.warned, 0);
    // Two weeks on, the agency logs in again.
    let agency = app.log_in("ganjiang", PASSWORD).await;
    let messages: Value = agency.get("/api/v1/messages").await.json().await.unwrap();
    assert!(messages.to_string().contains("资质即将到期"));

    // The last minute of 15 April (China time) it is still live; at midnight it is gone.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 4, 15, 15, 59, 0).unwrap());
    let still = visitor
        .get(app.url(&format!("/api/v1/offerings/{offering_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(still.status(), StatusCode::OK);
    app.advance(Duration::minutes(1));
    let gone = visitor
        .get(app.url(&format!("/api/v1/offerings/{offering_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let listed: Value = visitor
        .get(app.url(&format!("/api/v1/offerings?service_item={topo}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["meta"]["total"], 0);
    let agency = app.log_in("ganjiang", PASSWORD).await;
    let own: Value = agency
        .get(&format!("/api/v1/offerings/{offering_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["offering"]["live"], false);
    assert!(own["offering"]["not_live_because"]
        .to_string()
        .contains("资质"));

    // The watch records the expiry in the change log, so search drops the offering.
    assert_eq!(app.run_watch().await.expired, 1);
    let changes = offering_changes(&app, offering_id).await;
    assert!(
        changes.contains(&"qualification_expired".to_owned()),
        "{changes:?}"
    );
}

async fn offering_changes(app: &TestApp, id: i64) -> Vec<String> {
    use diesel::prelude::*;
    use zhongjie::db::schema::changes;
    app.db
        .run(move |conn| {
            Ok(changes::table
                .filter(changes::entity_type.eq("offering"))
                .filter(changes::entity_id.eq(id.to_string()))
                .select(changes::action)
                .load::<String>(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn nobody_touches_another_agencys_data() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let (first, first_id) = app.admitted_agency("first", 3, &admin).await;
    let (second, _) = app.admitted_agency("second", 4, &admin).await;
    app.verified_surveying(&first, first_id, &admin, "2030-01-01")
        .await;
    let topo = app.item_id("ZJ027").await;
    let offering: Value = first
        .post_json("/api/v1/offerings", offering_form(topo, "draft"))
        .await
        .json()
        .await
        .unwrap();
    let offering_id = offering["offering"]["id"].as_i64().unwrap();

    let edit = second
        .patch_json(
            &format!("/api/v1/agencies/{first_id}"),
            json!({ "contact_phone": "0791-0000000" }),
        )
        .await;
    assert_eq!(edit.status(), StatusCode::NOT_FOUND);
    let offering_edit = second
        .patch_json(
            &format!("/api/v1/offerings/{offering_id}"),
            json!({ "status": "withdrawn" }),
        )
        .await;
    assert_eq!(offering_edit.status(), StatusCode::NOT_FOUND);
    let qualification = second
        .post_json(
            &format!("/api/v1/agencies/{first_id}/qualifications"),
            json!({ "qualification_type": "QT_SURVEYING" }),
        )
        .await;
    assert_eq!(qualification.status(), StatusCode::NOT_FOUND);
    let submit = second
        .post_json(&format!("/api/v1/agencies/{first_id}/submit"), json!({}))
        .await;
    assert_eq!(submit.status(), StatusCode::NOT_FOUND);

    // A draft offering is visible to its agency and admins only.
    assert_eq!(
        app.client()
            .get(app.url(&format!("/api/v1/offerings/{offering_id}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        second
            .get(&format!("/api/v1/offerings/{offering_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        first
            .get(&format!("/api/v1/offerings/{offering_id}"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        admin
            .get(&format!("/api/v1/offerings/{offering_id}"))
            .await
            .status(),
        StatusCode::OK
    );

    // Lists come a page at a time.
    let first_page: Value = app
        .client()
        .get(app.url("/api/v1/agencies?per_page=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first_page["meta"]["total"], 2);
    assert_eq!(first_page["agencies"].as_array().unwrap().len(), 1);
    let next = first_page["meta"]["next_page"].as_str().unwrap().to_owned();
    assert_eq!(next, "/api/v1/agencies?page=2&per_page=1");
    let second_page: Value = app
        .client()
        .get(app.url(&next))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(
        second_page["agencies"][0]["id"],
        first_page["agencies"][0]["id"]
    );
    assert!(second_page["meta"]["next_page"].is_null());

    // Applicants neither register agencies nor offer services.
    let owner = app.applicant("owner").await;
    assert_eq!(
        owner
            .post_json("/api/v1/agencies", agency_form("某公司", &test_uscc(9)))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        owner
            .post_json("/api/v1/offerings", offering_form(topo, "draft"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_suspended_agency_leaves_the_listings_until_its_period_ends() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let (agency, agency_id) = app.admitted_agency("ganjiang", 5, &admin).await;
    app.verified_surveying(&agency, agency_id, &admin, "2030-01-01")
        .await;
    let topo = app.item_id("ZJ027").await;
    agency
        .post_json("/api/v1/offerings", offering_form(topo, "published"))
        .await;
    let visitor = app.client();
    let count = |v: Value| v["meta"]["total"].as_i64().unwrap();
    let list = || visitor.get(app.url("/api/v1/offerings")).send();
    assert_eq!(count(list().await.unwrap().json().await.unwrap()), 1);

    let no_period = admin
        .post_json(
            &format!("/api/v1/agencies/{agency_id}/review"),
            json!({ "action": "suspend", "reason": "一年内三次放弃中选" }),
        )
        .await;
    assert_eq!(fields(&problem(no_period).await), vec!["until"]);
    let suspended = admin
        .post_json(
            &format!("/api/v1/agencies/{agency_id}/review"),
            json!({ "action": "suspend", "reason": "一年内三次放弃中选", "until": "2026-03-31" }),
        )
        .await;
    assert_eq!(suspended.status(), StatusCode::OK);
    assert_eq!(count(list().await.unwrap().json().await.unwrap()), 0);
    assert_eq!(
        visitor
            .get(app.url(&format!("/api/v1/agencies/{agency_id}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    app.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 31, 16, 0, 0).unwrap());
    assert_eq!(
        count(list().await.unwrap().json().await.unwrap()),
        1,
        "the period is over"
    );
    assert_eq!(app.run_watch().await.reinstated, 1);

    let admin = app.log_in("center", PASSWORD).await;
    let expelled = admin
        .post_json(
            &format!("/api/v1/agencies/{agency_id}/review"),
            json!({ "action": "expel", "reason": "以欺诈手段取得入驻资格", "until": "2029-12-31" }),
        )
        .await;
    assert_eq!(expelled.status(), StatusCode::OK);
    assert_eq!(count(list().await.unwrap().json().await.unwrap()), 0);
    let again = admin
        .post_json(
            &format!("/api/v1/agencies/{agency_id}/review"),
            json!({ "action": "approve" }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_catalogue_is_public_and_only_admins_edit_it() {
    let app = TestApp::new().await;
    let visitor = app.client();
    let list: Value = visitor
        .get(app.url("/api/v1/service-items"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["meta"]["total"], 53);
    let topo = app.item_id("ZJ027").await;
    let item: Value = visitor
        .get(app.url(&format!("/api/v1/service-items/{topo}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        item["service_item"]["requirements"][0]["qualification_type"]["code"],
        "QT_SURVEYING"
    );
    assert_eq!(item["service_item"]["requirements"][0]["min_level"], "乙级");
    assert!(item["service_item"]["materials"].as_array().unwrap().len() > 1);

    let owner = app.applicant("owner").await;
    let patch = |user: &common::TestUser, body: Value| {
        user.client
            .patch(app.url(&format!("/api/v1/service-items/{topo}")))
            .header("X-CSRF-Token", &user.csrf)
            .json(&body)
            .send()
    };
    assert_eq!(
        patch(&owner, json!({ "status": "retired" }))
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let admin = app.admin("center").await;
    let bad = patch(&admin, json!({ "time_limit_days": 0, "requirements": [{ "qualification_type": "QT_SURVEYING", "min_level": "丙级" }] })).await.unwrap();
    assert_eq!(
        fields(&problem(bad).await),
        vec!["time_limit_days", "requirements[0]"]
    );
    let retired = patch(&admin, json!({ "status": "retired" })).await.unwrap();
    assert_eq!(retired.status(), StatusCode::OK);
    let list: Value = visitor
        .get(app.url("/api/v1/service-items"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["meta"]["total"], 52);
    // A retired item keeps its page and its history.
    let still: Value = visitor
        .get(app.url(&format!("/api/v1/service-items/{topo}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(still["service_item"]["status"], "retired");
    assert!(actions(&app)
        .await
        .contains(&"service_item.retired".to_owned()));

    let created = admin
        .post_json(
            "/api/v1/service-items",
            json!({
                "code": "ZJ900", "name": "海绵城市专项设计审查", "category": "技术审查", "approval_items": "建设工程规划许可",
                "department": "住建", "requirement_kind": "none", "time_limit_days": 10, "fee_basis": "market",
                "purpose": "审查海绵城市专项设计。", "materials": ["设计文件", "计算书"], "provider": "具有相应能力的机构（承诺即可）"
            }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_served_only_to_their_owner() {
    let app = TestApp::new().await;
    let agency = app.agency_user("ganjiang").await;
    let upload = |user: &common::TestUser, name: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        user.client
            .post(app.url("/api/v1/attachments"))
            .header("X-CSRF-Token", &user.csrf)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n".to_vec();
    let stored = upload(&agency, "营业执照.pdf", pdf.clone()).await.unwrap();
    assert_eq!(stored.status(), StatusCode::CREATED);
    let stored: Value = stored.json().await.unwrap();
    let id = stored["attachment"]["id"].as_i64().unwrap();
    assert_eq!(stored["attachment"]["content_type"], "application/pdf");

    let disguised = upload(
        &agency,
        "证书.pdf",
        b"MZ\x90\x00 an executable pretending".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(disguised.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(disguised).await), vec!["file"]);
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(11 * 1024 * 1024, b'0');
    let oversized = upload(&agency, "big.pdf", big).await.unwrap();
    assert!(
        oversized.status() == StatusCode::UNPROCESSABLE_ENTITY
            || oversized.status() == StatusCode::PAYLOAD_TOO_LARGE
    );

    // A large but allowed scan goes through; the refused ones left nothing behind.
    let mut nine_mb = b"%PDF-1.7\n".to_vec();
    nine_mb.resize(9 * 1024 * 1024, b'1');
    assert_eq!(
        upload(&agency, "scan.pdf", nine_mb).await.unwrap().status(),
        StatusCode::CREATED
    );
    let stored_rows = app
        .db
        .run(|conn| {
            use diesel::prelude::*;
            Ok(zhongjie::db::schema::attachments::table
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(stored_rows, 2);

    let own = agency.get(&format!("/api/v1/attachments/{id}")).await;
    assert_eq!(own.status(), StatusCode::OK);
    assert!(own.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(own.bytes().await.unwrap().to_vec(), pdf);
    let other = app.agency_user("other").await;
    assert_eq!(
        other
            .get(&format!("/api/v1/attachments/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.client()
            .get(app.url(&format!("/api/v1/attachments/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Another's attachment cannot be linked to one's agency.
    let mut form = agency_form("别家公司", &test_uscc(7));
    form["attachments"] = json!([{ "attachment_id": id, "label": "营业执照" }]);
    assert_eq!(
        fields(&problem(other.post_json("/api/v1/agencies", form).await).await),
        vec!["attachments"]
    );
}
