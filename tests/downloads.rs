//! The back-office lists download as they are shown: an applicant's own
//! projects (drafts included), every project and the agencies' queue for
//! administrators — CSV with a BOM for Excel, or .xlsx.

mod common;

use common::projects::{market, project_form};
use common::TestUser;
use reqwest::StatusCode;

async fn csv(user: &TestUser, path: &str) -> (StatusCode, String) {
    let response = user.get(path).await;
    let status = response.status();
    let bytes = response.bytes().await.unwrap();
    if status != StatusCode::OK {
        return (status, String::new());
    }
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{path}: a BOM for Excel"
    );
    (status, String::from_utf8(bytes[3..].to_vec()).unwrap())
}

#[tokio::test]
async fn back_office_lists_download_for_those_who_may_read_them() {
    let m = market(2).await;
    let draft = m
        .applicant
        .post_json("/api/v1/projects", project_form(m.item, m.app.deadline()))
        .await;
    assert_eq!(draft.status(), StatusCode::CREATED);

    let (status, mine) = csv(&m.applicant, "/my/projects?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(mine.starts_with("项目编号,项目名称"));
    assert!(
        mine.contains("赣江新区某安置房项目地形图测绘") && mine.contains("草稿"),
        "{mine}"
    );

    let (status, all) = csv(&m.admin, "/admin/projects?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.contains("赣江新区某安置房项目地形图测绘"));
    let (status, queue) = csv(&m.admin, "/admin/agencies?status=admitted&format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        queue.lines().count(),
        3,
        "a header and the two admitted agencies: {queue}"
    );

    let xlsx = m.admin.get("/admin/agencies?status=all&format=xlsx").await;
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
    use calamine::Reader;
    let sheet = book.worksheet_range("Sheet1").expect("sheet");
    assert_eq!(sheet.get_size().0, 3);

    // Each list keeps to its readers.
    let agency = &m.agencies[0].0;
    for path in [
        "/admin/projects?format=csv",
        "/admin/agencies?format=csv",
        "/my/projects?format=csv",
    ] {
        assert_eq!(csv(agency, path).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        m.admin.get("/admin/projects?format=doc").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn the_catalogue_offerings_users_messages_and_search_results_download() {
    let m = market(2).await;
    m.app.sync_search().await;
    let visitor = &m.applicant;

    let (status, items) = csv(visitor, "/service-items?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(items.starts_with("编码,中介服务事项") && items.contains("地形图测绘"));

    let (status, offerings) = csv(&m.agencies[0].0, "/my/offerings?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        offerings.lines().count(),
        2,
        "a header and its one offering: {offerings}"
    );

    let users = m.admin.get("/admin/users?format=xlsx").await;
    assert_eq!(users.status(), StatusCode::OK);
    let bytes = users.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
    use calamine::Reader;
    assert_eq!(
        book.worksheet_range("Sheet1").unwrap().get_size().0,
        5,
        "a header and four users"
    );
    assert_eq!(
        csv(visitor, "/admin/users?format=csv").await.0,
        StatusCode::FORBIDDEN
    );

    // The agencies were told of their admission; a download does not mark it read.
    let agency = &m.agencies[0].0;
    async fn unread(user: &TestUser) -> usize {
        let list: serde_json::Value = user.get("/api/v1/messages").await.json().await.unwrap();
        list["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["read"] == false)
            .count()
    }
    let before = unread(agency).await;
    let (status, messages) = csv(agency, "/messages?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(messages.starts_with("时间,标题,内容"));
    assert_eq!(unread(agency).await, before);

    let (status, results) = csv(visitor, "/search?q=%E6%B5%8B%E7%BB%98&format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        results.lines().count(),
        3,
        "a header and both agencies' offerings: {results}"
    );
}
