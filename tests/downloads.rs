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
