//! The public lists as downloads: announcements (`/projects`) and the agency
//! directory (`/agencies`), read a page at a time with the lists' own queries,
//! so a download holds exactly what the page would list.

use super::{download, paged_query, Cell, Format, Row};
use crate::agencies::service::{AgencyFilter, Viewer};
use crate::app::AppState;
use crate::projects::service::ProjectFilter;
use crate::web::auth::CurrentUser;
use axum::response::Response;
use chrono::{DateTime, Utc};

fn time(t: Option<DateTime<Utc>>) -> Cell {
    t.map(|t| Cell::Text(crate::web::format_time(t.naive_utc())))
        .unwrap_or(Cell::Empty)
}

/// Projects as a list shows them to `viewer`: 采购公告 for nobody (no
/// drafts), the applicant's own (drafts included), or every one for admins.
pub fn projects(
    state: &AppState,
    filter: ProjectFilter,
    viewer: Option<CurrentUser>,
    format: Format,
) -> Response {
    let headers = [
        "项目编号",
        "项目名称",
        "服务事项",
        "项目所在地",
        "选取方式",
        "价格",
        "状态",
        "报名截止",
        "发布时间",
        "报名家数",
    ];
    let rows = paged_query(state.db.clone(), move |conn, paging| {
        let (projects, _) = crate::projects::service::list(conn, &filter, viewer.as_ref(), paging)?;
        Ok(projects
            .into_iter()
            .map(|p| -> Row {
                vec![
                    p.number.into(),
                    p.title.into(),
                    p.service_item.name.into(),
                    p.region.name.into(),
                    p.method_label.into(),
                    p.price_label.into(),
                    p.status_label.into(),
                    time(Some(p.signup_deadline)),
                    time(p.published_at),
                    Cell::Int(p.signup_count),
                ]
            })
            .collect())
    });
    download(
        format,
        "projects",
        headers.map(str::to_owned).to_vec(),
        rows,
    )
}

/// The directory (admitted agencies, for everyone) or the admins' queue (any
/// status), without the contact person's phone and e-mail (shown one profile
/// at a time, not handed out in bulk).
pub fn agencies(
    state: &AppState,
    filter: AgencyFilter,
    viewer: Viewer,
    format: Format,
) -> Response {
    let headers = [
        "机构名称",
        "统一社会信用代码",
        "所在地",
        "地址",
        "业务范围",
        "在售服务数",
        "入驻时间",
    ];
    let now = state.now();
    let rows = paged_query(state.db.clone(), move |conn, paging| {
        let (agencies, _) = crate::agencies::service::list(conn, &filter, viewer, now, paging)?;
        Ok(agencies
            .into_iter()
            .map(|a| -> Row {
                vec![
                    a.name.into(),
                    a.uscc.into(),
                    a.region.name.into(),
                    a.address.into(),
                    a.business_scope.into(),
                    Cell::Int(a.live_offerings),
                    time(a.admitted_at),
                ]
            })
            .collect())
    });
    download(
        format,
        "agencies",
        headers.map(str::to_owned).to_vec(),
        rows,
    )
}
