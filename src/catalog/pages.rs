//! Public catalogue pages: the list of items and each item's 办事指南 with
//! the agencies offering it.

use super::rules::{fee_basis_label, requirement_kind_label};
use super::service::{self, Include};
use super::views::ServiceItemView;
use crate::app::AppState;
use crate::error::AppResult;
use crate::offerings::service::{list_live, OfferingFilter};
use crate::offerings::views::OfferingView;
use crate::web::pages::{Layout, Page};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

pub struct Category {
    pub name: String,
    pub items: Vec<ServiceItemView>,
}

#[derive(Template)]
#[template(path = "catalog/list.html")]
struct ListPage {
    layout: Layout,
    categories: Vec<Category>,
    total: usize,
}

impl ListPage {
    fn kind_label(&self, kind: &str) -> &'static str {
        requirement_kind_label(kind)
    }
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    axum::extract::Query(query): axum::extract::Query<crate::exports::DownloadQuery>,
) -> AppResult<Response> {
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let items = state
        .db
        .run(|conn| service::list_items(conn, Include::ActiveOnly))
        .await?;
    if let Some(format) = format {
        use crate::exports::Cell;
        let headers = [
            "编码",
            "中介服务事项",
            "类别",
            "对应审批事项",
            "主管部门",
            "资质要求",
            "参考时限（工作日）",
        ]
        .map(String::from)
        .to_vec();
        let rows = items
            .iter()
            .map(|i| {
                vec![
                    Cell::Text(i.code.clone()),
                    Cell::Text(i.name.clone()),
                    Cell::Text(i.category.clone()),
                    Cell::Text(i.approval_items.clone()),
                    Cell::Text(i.department.clone()),
                    Cell::Text(i.qualification_note.clone()),
                    Cell::Int(i64::from(i.time_limit_days)),
                ]
            })
            .collect();
        let rows = crate::exports::Fixed::new(rows);
        return Ok(crate::exports::download(
            format,
            "service-items",
            headers,
            rows,
        ));
    }
    let total = items.len();
    let mut categories: Vec<Category> = Vec::new();
    for item in items {
        match categories.iter_mut().find(|c| c.name == item.category) {
            Some(category) => category.items.push(item),
            None => categories.push(Category {
                name: item.category.clone(),
                items: vec![item],
            }),
        }
    }
    let template = ListPage {
        layout: page.layout("中介服务事项清单"),
        categories,
        total,
    };
    Ok(page.render(StatusCode::OK, &template))
}

#[derive(Template)]
#[template(path = "catalog/guide.html")]
struct GuidePage {
    layout: Layout,
    item: ServiceItemView,
    kind_label: &'static str,
    fee_label: &'static str,
    offerings: Vec<OfferingView>,
}

impl GuidePage {
    fn price(&self, offering: &OfferingView) -> String {
        crate::offerings::pages::price_text(offering)
    }
}

pub async fn guide(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let now = state.now();
    let (item, offerings) = state
        .db
        .run(move |conn| {
            let item = service::find_item(conn, id)?;
            let filter = OfferingFilter {
                service_item: Some(id),
                ..Default::default()
            };
            Ok((item, list_live(conn, &filter, now)?))
        })
        .await?;
    let template = GuidePage {
        layout: page.layout(&format!("{} · 办事指南", item.name)),
        kind_label: requirement_kind_label(&item.requirement_kind),
        fee_label: fee_basis_label(&item.fee_basis),
        item,
        offerings,
    };
    Ok(page.render(StatusCode::OK, &template))
}
