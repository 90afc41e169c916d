//! The search page: results with highlights, facet filters as plain links,
//! sorting and paging; all of it works without JavaScript.

use super::routes::{search_offerings, Facet, OfferingHitView, SearchParams};
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::pages::{field_message, Choice, Layout, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    params: SearchParams,
    hits: Vec<OfferingHitView>,
    regions: Vec<Facet>,
    items: Vec<Facet>,
    total: i64,
    /// The total and the facet counts are estimates ("约").
    estimated: bool,
    relaxed: bool,
    next_page: Option<String>,
    previous_page: Option<String>,
    sorts: Vec<Choice>,
    region_choices: Vec<Choice>,
    errors: Vec<FieldError>,
}

impl SearchPage {
    /// This search with one parameter changed (and back to page 1).
    fn with(&self, key: &str, value: &str) -> String {
        let p = &self.params;
        let pairs: Vec<(&str, &str)> = [
            ("q", p.q.as_str()),
            ("region", p.region.as_str()),
            ("service_item", p.service_item.as_str()),
            ("sort", p.sort.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| if k == key { (k, value) } else { (k, v) })
        .filter(|(_, v)| !v.is_empty())
        .collect();
        format!(
            "/search?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
    fn price(&self, hit: &OfferingHitView) -> String {
        crate::offerings::pages::price_text(&hit.offering)
    }
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
}

fn page_link(next: &str, page: usize) -> String {
    // `next_page` points at the API; the page keeps the same query.
    let query = next.split_once('?').map(|(_, q)| q).unwrap_or("");
    let kept: Vec<(String, String)> = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "page" && k != "per_page")
        .collect();
    let mut pairs = kept;
    pairs.push(("page".into(), page.to_string()));
    format!(
        "/search?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

pub async fn search(
    State(state): State<AppState>,
    page: Page,
    Query(params): Query<SearchParams>,
    Query(download): Query<crate::exports::DownloadQuery>,
) -> AppResult<Response> {
    if let Some(format) = crate::exports::Format::requested(download.format.as_deref())? {
        return results_download(&state, params, format).await;
    }
    let region_choices = crate::agencies::pages::region_choices(&state, false).await?;
    let sorts = [
        ("relevance", "相关度"),
        ("price_asc", "价格从低到高"),
        ("price_desc", "价格从高到低"),
        ("days_asc", "时限从短到长"),
    ]
    .into_iter()
    .map(|(value, label)| Choice {
        value: value.into(),
        label: label.into(),
    })
    .collect();
    let current_page = params.page.unwrap_or(1).max(1);
    let (status, template) = match search_offerings(&state, &params).await {
        Ok(found) => {
            let next_page = found
                .meta
                .next_page
                .as_deref()
                .map(|n| page_link(n, current_page + 1));
            let previous_page = (current_page > 1).then(|| {
                page_link(
                    found.meta.next_page.as_deref().unwrap_or("/?"),
                    current_page - 1,
                )
            });
            (
                StatusCode::OK,
                SearchPage {
                    layout: page.layout("检索中介服务"),
                    hits: found.hits,
                    regions: found.facets.regions,
                    items: found.facets.service_items,
                    total: found.meta.total,
                    estimated: found.estimated,
                    relaxed: found.relaxed,
                    next_page,
                    previous_page: previous_page.map(|_| {
                        let mut p = params.clone();
                        p.page = Some(current_page - 1);
                        format!(
                            "/search?{}",
                            serde_urlencoded::to_string(&p).unwrap_or_default()
                        )
                    }),
                    params,
                    sorts,
                    region_choices,
                    errors: vec![],
                },
            )
        }
        Err(AppError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            SearchPage {
                layout: page.layout("检索中介服务"),
                hits: vec![],
                regions: vec![],
                items: vec![],
                total: 0,
                estimated: false,
                relaxed: false,
                next_page: None,
                previous_page: None,
                params,
                sorts,
                region_choices,
                errors,
            },
        ),
        Err(other) => return Err(other),
    };
    Ok(page.render(status, &template))
}

/// At most this many results go into a download: a search is for finding,
/// the directory and the offerings' own lists are for taking everything.
const DOWNLOAD_LIMIT: usize = 1000;

/// The results of a search as a download, in the order shown, page by page.
async fn results_download(
    state: &AppState,
    mut params: SearchParams,
    format: crate::exports::Format,
) -> AppResult<Response> {
    use crate::exports::Cell;
    let headers = [
        "服务",
        "中介机构",
        "中介服务事项",
        "价格",
        "承诺时限（工作日）",
        "服务区域",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    params.per_page = Some(50);
    for number in 1.. {
        params.page = Some(number);
        let found = search_offerings(state, &params).await?;
        let last = found.meta.next_page.is_none();
        for hit in found.hits {
            let o = &hit.offering;
            let regions = if o.whole_province {
                "全省".to_owned()
            } else {
                o.regions
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            };
            rows.push(vec![
                Cell::Text(o.title.clone()),
                Cell::Text(o.agency.name.clone()),
                Cell::Text(o.service_item.name.clone()),
                Cell::Text(crate::offerings::pages::price_text(o)),
                Cell::Int(i64::from(o.promised_days)),
                Cell::Text(regions),
            ]);
        }
        if last || rows.len() >= DOWNLOAD_LIMIT {
            break;
        }
    }
    rows.truncate(DOWNLOAD_LIMIT);
    let rows = crate::exports::Fixed::new(rows);
    Ok(crate::exports::download(format, "search", headers, rows))
}
