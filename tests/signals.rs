//! Collusion signals through HTTP: four agencies bid in one round with quotes
//! 100 yuan apart, two of them from the same address. While the round is
//! sealed no signal says anything about it; once it closes the sequence and
//! the shared address are flagged, and an administrator records a review.

mod common;

use common::projects::{market, project_form};
use common::{fields, problem};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn signals(admin: &common::TestUser) -> Vec<Value> {
    let response = admin.get("/api/v1/supervision/signals").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["signals"]
        .as_array()
        .unwrap()
        .clone()
}

fn of_kind<'a>(list: &'a [Value], kind: &str) -> Vec<&'a Value> {
    list.iter().filter(|s| s["kind"] == kind).collect()
}

#[tokio::test]
async fn quotes_in_sequence_and_a_shared_address_are_flagged_only_after_the_round_closes() {
    let mut m = market(4).await;
    let mut form = project_form(m.item, m.app.deadline());
    form["method"] = json!("bidding");
    form["price_mode"] = json!("amount");
    form["floor_fen"] = json!(2_000_000);
    form["ceiling_fen"] = json!(5_000_000);
    let project = m.app.published_project(&m.applicant, &m.admin, form).await;
    let id = project["id"].as_i64().unwrap();
    let quotes = [3_600_000, 3_700_000, 3_800_000, 4_410_000];
    let addresses = [
        "198.51.100.7",
        "198.51.100.7",
        "203.0.113.21",
        "203.0.113.99",
    ];
    for (((agency, _), quote), ip) in m.agencies.iter().zip(quotes).zip(addresses) {
        let signed = agency
            .client
            .post(m.app.url(&format!("/api/v1/projects/{id}/signups")))
            .header("X-CSRF-Token", &agency.csrf)
            .header("X-Forwarded-For", ip)
            .json(&json!({ "quote_fen": quote }))
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status(), StatusCode::CREATED);
    }

    // Sealed: nothing about this round, although the test agencies' shared
    // contact details (one registration form) are flagged already.
    let before = signals(&m.admin).await;
    assert!(!of_kind(&before, "shared_phone").is_empty());
    assert!(
        before
            .iter()
            .all(|s| s["projects"].as_array().unwrap().is_empty()),
        "no signal names the sealed project: {before:?}"
    );
    for kind in [
        "quote_sequence",
        "shared_ip",
        "identical_quotes",
        "near_ceiling",
    ] {
        assert!(
            of_kind(&before, kind).is_empty(),
            "{kind} before the deadline"
        );
    }

    m.close(&project).await;
    let after = signals(&m.admin).await;
    let sequence = of_kind(&after, "quote_sequence");
    assert_eq!(sequence.len(), 1);
    assert_eq!(sequence[0]["agencies"].as_array().unwrap().len(), 3);
    let explanation = sequence[0]["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("36000.00 元、37000.00 元、38000.00 元"),
        "{explanation}"
    );
    let shared = of_kind(&after, "shared_ip");
    assert_eq!(shared.len(), 1);
    let flagged: Vec<i64> = shared[0]["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(flagged, [m.agencies[0].1, m.agencies[1].1]);
    assert_eq!(shared[0]["projects"][0]["id"], id);
    assert!(
        of_kind(&after, "near_ceiling").is_empty(),
        "none is near the ceiling"
    );

    // An administrator reviews it; a note is required; others may not look.
    let key = sequence[0]["key"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/supervision/signals/{key}/review");
    let empty = m.admin.post_json(&path, json!({ "note": " " })).await;
    assert_eq!(fields(&problem(empty).await), ["note"]);
    let reviewed = m
        .admin
        .post_json(
            &path,
            json!({ "note": "已约谈三家机构，报价系各自编制，暂不处理。" }),
        )
        .await;
    assert_eq!(reviewed.status(), StatusCode::OK);
    let again = signals(&m.admin).await;
    let sequence = of_kind(&again, "quote_sequence");
    assert_eq!(
        sequence[0]["review"]["note"],
        "已约谈三家机构，报价系各自编制，暂不处理。"
    );
    assert_eq!(
        m.admin
            .post_json(
                "/api/v1/supervision/signals/quote_sequence:999:1/review",
                json!({ "note": "核查" })
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        m.applicant
            .get("/api/v1/supervision/signals")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // The page shows what is still open; the reviewed one only among all.
    let (status, html) =
        common::html::page(&m.admin.client, m.app.url("/admin/supervision/signals")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("报名 IP 地址相同") && !html.contains("暂不处理"));
    let (_, all) = common::html::page(
        &m.admin.client,
        m.app.url("/admin/supervision/signals?all=1"),
    )
    .await;
    assert!(all.contains("报价呈等差数列") && all.contains("暂不处理"));
    let (status, _) = common::html::page(
        &m.agencies[0].0.client,
        m.app.url("/admin/supervision/signals"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Every signal downloads, with its review: CSV for Excel (a BOM) and .xlsx.
    let csv = m
        .admin
        .client
        .get(m.app.url("/admin/supervision/signals?format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("预警类型,说明,机构,项目,核查意见"));
    assert!(text.contains("报价呈等差数列") && text.contains("暂不处理"));
    let xlsx = m
        .admin
        .client
        .get(m.app.url("/admin/supervision/signals?format=xlsx"))
        .send()
        .await
        .unwrap();
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
    use calamine::Reader;
    let sheet = book.worksheet_range("Sheet1").expect("sheet");
    assert_eq!(
        sheet.get_size().0,
        after.len() + 1,
        "a header and one row per signal"
    );
    let bad = m
        .admin
        .client
        .get(m.app.url("/admin/supervision/signals?format=pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
