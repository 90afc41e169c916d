//! Search through HTTP: synonyms, the region hierarchy, filters, sorting,
//! paging, bad input, things that leave the results, freshness, resuming
//! after a restart, rebuilding, and the search page.

mod common;

use chrono::{TimeZone, Utc};
use common::html::page;
use common::supply::offering_form;
use common::{fields, problem, TestApp, TestUser};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Two admitted agencies with offerings: a surveyor in 南昌 (certificate until
/// 15 April 2026) and an energy-assessment consultancy serving the province.
async fn market(app: &TestApp) -> (TestUser, TestUser, TestUser, i64) {
    let admin = app.admin("center").await;
    let (surveyor, surveyor_id) = app.admitted_agency("surveyor", 31, &admin).await;
    app.verified_surveying(&surveyor, surveyor_id, &admin, "2026-04-15")
        .await;
    let topo = app.item_id("ZJ027").await;
    let created: Value = surveyor
        .post_json("/api/v1/offerings", offering_form(topo, "published"))
        .await
        .json()
        .await
        .unwrap();
    let topo_offering = created["offering"]["id"].as_i64().unwrap();

    let (consultant, consultant_id) = app.admitted_agency("consultant", 32, &admin).await;
    let whole = consultant
        .patch_json(
            &format!("/api/v1/agencies/{consultant_id}"),
            json!({ "regions": ["360000"] }),
        )
        .await;
    assert_eq!(whole.status(), StatusCode::OK);
    let energy = app.item_id("ZJ004").await;
    let mut form = offering_form(energy, "published");
    form["title"] = json!("固定资产投资项目节能报告编制");
    form["description"] = json!("编制节能报告，评估能源消费和能效水平。");
    form["regions"] = json!([]);
    form["whole_province"] = json!(true);
    form["price_min_fen"] = json!(2_000_000);
    form["price_max_fen"] = json!(5_000_000);
    form["promised_days"] = json!(15);
    assert_eq!(
        consultant
            .post_json("/api/v1/offerings", form)
            .await
            .status(),
        StatusCode::CREATED
    );
    app.sync_search().await;
    (admin, surveyor, consultant, topo_offering)
}

async fn search(app: &TestApp, query: &str) -> Value {
    let response = app
        .client()
        .get(app.url(&format!("/api/v1/search/offerings?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

fn titles(found: &Value) -> Vec<String> {
    found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["offering"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn people_find_services_the_way_they_say_them() {
    let app = TestApp::new().await;
    market(&app).await;
    assert_eq!(
        titles(&search(&app, "q=能评").await),
        vec!["固定资产投资项目节能报告编制"]
    );
    assert_eq!(
        titles(&search(&app, "q=地形图测绘").await),
        vec!["地形图测绘（1:500）"]
    );
    // A place name narrows the region instead of being searched as a word.
    assert_eq!(
        titles(&search(&app, "q=地形图测绘 南昌").await),
        vec!["地形图测绘（1:500）"]
    );
    assert_eq!(
        titles(&search(&app, "q=能评 九江").await),
        vec!["固定资产投资项目节能报告编制"]
    );
    // The 南昌 surveyor does not serve 九江; at most weaker matches remain there.
    let far = search(&app, "q=地形图测绘 九江").await;
    assert!(
        !titles(&far).contains(&"地形图测绘（1:500）".to_owned()),
        "{far}"
    );
    let highlighted = search(&app, "q=测绘").await;
    assert!(
        highlighted["facets"]["regions"]
            .to_string()
            .contains("南昌市"),
        "{}",
        highlighted["facets"]
    );
    assert!(highlighted["hits"][0]["title_html"]
        .as_str()
        .unwrap()
        .contains("<mark>"));
    // A name, a certificate number.
    assert_eq!(titles(&search(&app, "q=江西测试32号").await).len(), 1);
    let by_certificate = search(&app, "q=乙测资字").await;
    assert!(titles(&by_certificate).contains(&"地形图测绘（1:500）".to_owned()));
    // Malformed input is read as plain text.
    for odd in [
        "q=%22%E7%8E%AF%E8%AF%84+AND+(",
        "q=***",
        "q=%5C%5C%5C",
        "q=%3Cscript%3E",
    ] {
        search(&app, odd).await;
    }
    let agencies = get_json(&app, "/api/v1/search/agencies?q=测绘").await;
    assert_eq!(
        agencies["meta"]["total"], 2,
        "both test agencies are named …测绘有限公司"
    );
}

#[tokio::test]
async fn regions_filters_sorting_and_pages() {
    let app = TestApp::new().await;
    market(&app).await;
    // 东湖区 sees the 南昌 surveyor and the whole-province consultancy; 九江 only the latter.
    assert_eq!(search(&app, "region=360102").await["meta"]["total"], 2);
    assert_eq!(
        titles(&search(&app, "region=360400").await),
        vec!["固定资产投资项目节能报告编制"]
    );
    assert_eq!(search(&app, "region=360100").await["meta"]["total"], 2);
    let cheap = search(&app, "max_price_fen=1000000").await;
    assert_eq!(titles(&cheap), vec!["地形图测绘（1:500）"]);
    let quick = search(&app, "max_days=10").await;
    assert_eq!(titles(&quick), vec!["地形图测绘（1:500）"]);
    let by_price = search(&app, "sort=price_desc").await;
    assert_eq!(titles(&by_price)[0], "固定资产投资项目节能报告编制");
    let by_days = search(&app, "sort=days_asc").await;
    assert_eq!(titles(&by_days)[0], "地形图测绘（1:500）");
    let facets = search(&app, "").await;
    assert_eq!(
        facets["facets"]["service_items"].as_array().unwrap().len(),
        2
    );
    let cities = &facets["facets"]["regions"];
    assert!(cities.to_string().contains("南昌市"), "{cities}");
    let first = search(&app, "per_page=1").await;
    assert_eq!(first["hits"].as_array().unwrap().len(), 1);
    let next = first["meta"]["next_page"].as_str().unwrap().to_owned();
    let second: Value = app
        .client()
        .get(app.url(&next))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(
        second["hits"][0]["offering"]["id"],
        first["hits"][0]["offering"]["id"]
    );

    let bad = app
        .client()
        .get(app.url("/api/v1/search/offerings?sort=cheapest&region=36"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem(bad).await), vec!["region", "sort"]);
}

#[tokio::test]
async fn an_offering_is_found_by_the_qualification_its_service_calls_for_not_by_the_firms_others() {
    let app = TestApp::new().await;
    let admin = app.admin("center").await;
    let (surveyor, surveyor_id) = app.admitted_agency("surveyor", 41, &admin).await;
    app.verified_surveying(&surveyor, surveyor_id, &admin, "2030-12-31")
        .await;
    let topo = app.item_id("ZJ027").await;
    let created = surveyor
        .post_json("/api/v1/offerings", offering_form(topo, "published"))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    // A consultancy that also holds a surveying licence, offering an energy
    // report: a service that calls for no licence.
    let (consultant, consultant_id) = app.admitted_agency("consultant", 42, &admin).await;
    app.verified_surveying(&consultant, consultant_id, &admin, "2030-12-31")
        .await;
    let mut energy = offering_form(app.item_id("ZJ004").await, "published");
    energy["title"] = json!("固定资产投资项目节能报告编制");
    let created = consultant.post_json("/api/v1/offerings", energy).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    app.sync_search().await;

    assert_eq!(
        titles(&search(&app, &format!("q=乙测资字{surveyor_id}0001")).await),
        vec!["地形图测绘（1:500）"]
    );
    let by_consultants_licence = search(&app, &format!("q=乙测资字{consultant_id}0001")).await;
    assert!(
        !titles(&by_consultants_licence).contains(&"固定资产投资项目节能报告编制".to_owned()),
        "{by_consultants_licence}"
    );
    // A level is the level of the licence the service calls for.
    assert_eq!(
        titles(&search(&app, "level=乙级").await),
        vec!["地形图测绘（1:500）"]
    );
    assert_eq!(search(&app, "").await["estimated"], false);
    // The firm itself is still found by every licence it holds.
    let agencies = get_json(
        &app,
        &format!("/api/v1/search/agencies?q=乙测资字{consultant_id}0001"),
    )
    .await;
    assert_eq!(
        agencies["hits"][0]["agency"]["id"], consultant_id,
        "{agencies}"
    );
}

#[tokio::test]
async fn withdrawn_expired_and_suspended_offerings_leave_the_results() {
    let app = TestApp::new().await;
    let (admin, surveyor, consultant, topo_offering) = market(&app).await;
    assert_eq!(search(&app, "").await["meta"]["total"], 2);

    // The certificate expires at 24:00 on 15 April: gone at once, before any sync.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 4, 15, 16, 0, 0).unwrap());
    assert_eq!(
        titles(&search(&app, "").await),
        vec!["固定资产投资项目节能报告编制"]
    );
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap());

    let withdrawn = surveyor
        .patch_json(
            &format!("/api/v1/offerings/{topo_offering}"),
            json!({ "status": "withdrawn" }),
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::OK);
    app.sync_search().await;
    assert_eq!(
        titles(&search(&app, "").await),
        vec!["固定资产投资项目节能报告编制"]
    );

    let _ = consultant;
    let agencies: Value = admin
        .get("/api/v1/agencies?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    let id = agencies["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "江西测试32号测绘有限公司")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let suspended = admin
        .post_json(
            &format!("/api/v1/agencies/{id}/review"),
            json!({ "action": "suspend", "reason": "待查", "until": "2026-06-30" }),
        )
        .await;
    assert_eq!(suspended.status(), StatusCode::OK);
    let applied = app.sync_search().await;
    let left = search(&app, "").await;
    assert_eq!(left["meta"]["total"], 0, "{applied} {left}");
    let agencies = get_json(&app, "/api/v1/search/agencies?q=江西测试32号").await;
    assert!(
        !agencies.to_string().contains("32号"),
        "the suspended agency is not found: {agencies}"
    );
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let response = app.client().get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// An agency hit shows the agency as its own public answer does (declared
/// regions, only verified qualifications, practitioners, live offerings), for
/// every hit of a page and in the search's order, not the agencies' ids.
#[tokio::test]
async fn agency_hits_show_the_agencies_as_the_public_sees_them() {
    let app = TestApp::new().await;
    let (admin, surveyor, consultant, _) = market(&app).await;
    let (third, third_id) = app.admitted_agency("third", 33, &admin).await;
    let directory = get_json(&app, "/api/v1/agencies?per_page=100").await;
    let id_of = |n: u32| {
        directory["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == format!("江西测试{n}号测绘有限公司"))
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (surveyor_id, consultant_id) = (id_of(31), id_of(32));
    // A different scope and a certificate rank the three out of their ids' order.
    let changed = third
        .patch_json(
            &format!("/api/v1/agencies/{third_id}"),
            json!({ "business_scope": "工程咨询；造价咨询" }),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    app.verified_surveying(&third, third_id, &admin, "2027-12-31")
        .await;
    let pending = surveyor
        .post_json(
            &format!("/api/v1/agencies/{surveyor_id}/qualifications"),
            json!({
                "qualification_type": "QT_SURVEYING",
                "level": "甲级",
                "certificate_no": "甲测资字0099",
                "issuer": "江西省自然资源厅",
                "valid_from": "2025-01-01",
                "valid_until": "2029-12-31",
            }),
        )
        .await;
    assert_eq!(pending.status(), StatusCode::CREATED);
    let licence = common::contracts::upload(&app, &surveyor, "licence.pdf").await;
    let insurance = common::contracts::upload(&app, &surveyor, "insurance.pdf").await;
    let attached = surveyor
        .patch_json(
            &format!("/api/v1/agencies/{surveyor_id}"),
            json!({ "attachments": [
                { "attachment_id": insurance, "label": "职业保险" },
                { "attachment_id": licence, "label": "营业执照" },
            ] }),
        )
        .await;
    assert_eq!(attached.status(), StatusCode::OK);
    for (user, id, name) in [
        (&surveyor, surveyor_id, "王测"),
        (&surveyor, surveyor_id, "赵绘"),
        (&consultant, consultant_id, "钱能"),
    ] {
        let added = user
            .post_json(
                &format!("/api/v1/agencies/{id}/practitioners"),
                json!({ "name": name, "certificate_type": "注册测绘师", "certificate_no": format!("测{id}{name}") }),
            )
            .await;
        assert_eq!(added.status(), StatusCode::CREATED);
    }
    app.sync_search().await;

    let found = get_json(&app, "/api/v1/search/agencies?q=测绘").await;
    let hits = found["hits"].as_array().unwrap();
    let ids: Vec<i64> = hits
        .iter()
        .map(|h| h["agency"]["id"].as_i64().unwrap())
        .collect();
    let mut by_id = ids.clone();
    by_id.sort_unstable();
    assert_eq!(by_id, vec![surveyor_id, consultant_id, third_id], "{found}");
    assert_ne!(
        ids, by_id,
        "the fixture should rank against the ids: {found}"
    );
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
    let hit_of = |id: i64| &hits[ids.iter().position(|i| *i == id).unwrap()]["agency"];
    for hit in hits {
        let id = hit["agency"]["id"].as_i64().unwrap();
        let shown = get_json(&app, &format!("/api/v1/agencies/{id}")).await;
        assert_eq!(hit["agency"], shown["agency"], "agency {id}");
        assert!(hit["name_html"].as_str().unwrap().contains("<mark>"));
    }
    let surveyor_hit = hit_of(surveyor_id);
    assert_eq!(surveyor_hit["qualifications"].as_array().unwrap().len(), 1);
    assert_eq!(surveyor_hit["qualifications"][0]["status"], "verified");
    assert_eq!(surveyor_hit["practitioners"].as_array().unwrap().len(), 2);
    assert_eq!(surveyor_hit["regions"][0]["name"], "南昌市");
    assert_eq!(surveyor_hit["live_offerings"], 1);
    assert_eq!(hit_of(third_id)["live_offerings"], 0);
    assert_eq!(hit_of(consultant_id)["practitioners"][0]["name"], "钱能");

    // The directory builds its page the same way, for the public and for administrators.
    let listed = get_json(&app, "/api/v1/agencies?per_page=100").await;
    for agency in listed["agencies"].as_array().unwrap() {
        let id = agency["id"].as_i64().unwrap();
        let shown = get_json(&app, &format!("/api/v1/agencies/{id}")).await;
        assert_eq!(agency, &shown["agency"], "agency {id}");
    }
    let listed: Value = admin
        .get("/api/v1/agencies?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    for agency in listed["agencies"].as_array().unwrap() {
        let id = agency["id"].as_i64().unwrap();
        let shown: Value = admin
            .get(&format!("/api/v1/agencies/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(agency, &shown["agency"], "agency {id}");
    }
    let surveyor_seen_by_admin = listed["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == surveyor_id)
        .unwrap();
    assert_eq!(
        surveyor_seen_by_admin["qualifications"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "administrators also see the pending one"
    );
    assert_eq!(
        surveyor_seen_by_admin["attachments"],
        json!([
            { "attachment_id": licence, "label": "营业执照" },
            { "attachment_id": insurance, "label": "职业保险" },
        ])
    );
    assert_eq!(surveyor_hit["attachments"], json!([]));
}

/// The search keeps the catalogue in memory: an item edited on this node
/// shows at once, one edited by another node once the sync has read it.
#[tokio::test]
async fn edited_service_items_show_in_the_results() {
    let app = TestApp::new().await;
    let (admin, ..) = market(&app).await;
    let topo = app.item_id("ZJ027").await;
    let item_name = |found: &Value| found["hits"][0]["offering"]["service_item"]["name"].clone();
    let facet_label = |found: &Value| found["facets"]["service_items"][0]["label"].clone();
    let before = search(&app, "q=地形图测绘").await;
    assert_eq!(item_name(&before), "地形图测绘");

    // Another node renames the item: a row and a change, nothing in this node's memory.
    app.db
        .write(move |conn| {
            use diesel::prelude::*;
            use zhongjie::db::schema::service_items;
            diesel::update(service_items::table.find(topo))
                .set(service_items::name.eq("地形图测绘（更名）"))
                .execute(conn)?;
            let now = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
            zhongjie::supervision::changes::publish(
                conn,
                now,
                "service_item",
                &topo.to_string(),
                "service_item.updated",
            )?;
            Ok(())
        })
        .await
        .unwrap();
    app.sync_search().await;
    let renamed = search(&app, "q=地形图测绘").await;
    assert_eq!(item_name(&renamed), "地形图测绘（更名）", "{renamed}");
    assert_eq!(facet_label(&renamed), "地形图测绘（更名）", "{renamed}");

    // Retired on this node: its offerings leave the results before any sync.
    let retired = admin
        .patch_json(
            &format!("/api/v1/service-items/{topo}"),
            json!({ "status": "retired" }),
        )
        .await;
    assert_eq!(retired.status(), StatusCode::OK);
    assert!(titles(&search(&app, "q=地形图测绘").await).is_empty());
}

#[tokio::test]
async fn the_index_resumes_after_a_restart_without_losing_or_repeating_anything() {
    let app = TestApp::new().await;
    let (_, surveyor, _, topo_offering) = market(&app).await;
    let applied = app.search.current().last_applied().unwrap();

    // More changes arrive while this node is down.
    for days in [5, 6, 8] {
        surveyor
            .patch_json(
                &format!("/api/v1/offerings/{topo_offering}"),
                json!({ "promised_days": days }),
            )
            .await;
    }
    // The node comes back: its index on disk (copied here, as the running
    // server still holds the original) opens at its last commit.
    let restarted = tempfile::tempdir().unwrap();
    copy_dir(
        &app.data_dir().join("search"),
        &restarted.path().join("search"),
    );
    let reopened = zhongjie::search::SearchService::open(restarted.path()).unwrap();
    assert_eq!(reopened.current().last_applied(), Some(applied));
    let now = zhongjie::clock::Clock::now(&app.clock);
    let db = app.db.clone();
    let caught_up = tokio::task::spawn_blocking(move || {
        zhongjie::search::sync::catch_up_fully(&db, &reopened, now).map(|n| (n, reopened))
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(caught_up.0, 3);
    let index = caught_up.1.current();
    assert_eq!(index.num_offerings(), 2, "each offering once");
    let results = index
        .search_offerings(&search_index::OfferingQuery {
            max_days: Some(8),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        results.total, 1,
        "the last edit (8 days) is what the index holds"
    );
}

#[tokio::test]
async fn a_saved_offering_is_found_by_the_running_server_within_moments() {
    let app =
        TestApp::with_settings(|s| s.search_interval = Some(std::time::Duration::from_millis(100)))
            .await;
    let admin = app.admin("center").await;
    let (agency, agency_id) = app.admitted_agency("surveyor", 33, &admin).await;
    app.verified_surveying(&agency, agency_id, &admin, "2030-12-31")
        .await;
    let topo = app.item_id("ZJ027").await;
    agency
        .post_json("/api/v1/offerings", offering_form(topo, "published"))
        .await;
    // Poll (not a timing assertion): the background sync picks it up by itself.
    let mut found = false;
    for _ in 0..100 {
        if search(&app, "q=测绘").await["meta"]["total"] == 1 {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(found, "the background sync indexed the new offering");
}

#[tokio::test]
async fn reindex_builds_a_new_index_and_the_server_switches_to_it() {
    let app = TestApp::new().await;
    market(&app).await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_zhongjie"))
        .arg("reindex")
        .env("DATABASE_URL", &app.database_url)
        .env("ZHONGJIE_DATA_DIR", app.data_dir())
        .env("ZHONGJIE_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The command reads the real clock, so only what is live today is counted.
    assert!(String::from_utf8_lossy(&output.stdout).contains("offerings"));
    // Until it looks, the server answers from the old index; then it switches.
    assert_eq!(search(&app, "").await["meta"]["total"], 2);
    assert!(app.search.follow_pointer().unwrap());
    assert_eq!(search(&app, "q=能评").await["meta"]["total"], 1);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if !entry.file_name().to_string_lossy().ends_with(".lock") {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn the_search_page_works_without_javascript() {
    let app = TestApp::new().await;
    market(&app).await;
    let visitor = app.client();
    let (status, html) = page(&visitor, app.url("/search?q=测绘")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<mark>") && html.contains("按服务事项") && html.contains("排序"));
    assert!(html.contains("按地市") && html.contains("南昌市"), "{html}");
    assert!(
        html.contains("href=\"/search?q=%E6%B5%8B%E7%BB%98&amp;sort=price_asc\"")
            || html.contains("sort=price_asc")
    );
    let (_, empty) = page(&visitor, app.url("/search?q=不存在的服务名称xyz")).await;
    assert!(empty.contains("id=\"no-results\"") && empty.contains("/service-items"));
    let (_, home) = page(&visitor, app.url("/")).await;
    assert!(home.contains("action=\"/search\""));
    let (status, _) = page(&visitor, app.url("/search?region=abc")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
