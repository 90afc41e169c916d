//! The statistics API and pages: administrators see everything, including the
//! largest agencies by name and share; the public sees the aggregates only.
//! Both take `?format=csv|xlsx` for a download of the table.

use super::statistics::{AgencyShare, Figures, Group};
use super::statistics_charts::bar_chart;
use super::statistics_data::{self, StatisticsQuery, Table};
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::exports::{self, Cell, Fixed, Format};
use crate::web::auth::CurrentUser;
use crate::web::pages::{Choice, Layout, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StatisticsEnvelope {
    pub statistics: StatisticsView,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StatisticsView {
    pub group: Group,
    pub rows: Vec<RowView>,
    pub total: Figures,
    /// Administrators only: the ten largest agencies by awarded amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub largest_agencies: Option<Vec<AgencyShareView>>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RowView {
    /// The month, the region's name or the item's name.
    pub label: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AgencyShareView {
    pub name: String,
    #[serde(flatten)]
    pub share: AgencyShare,
}

fn view(table: Table, admin: bool) -> StatisticsView {
    StatisticsView {
        group: table.filter.group,
        rows: table
            .rows
            .into_iter()
            .map(|(label, figures)| RowView { label, figures })
            .collect(),
        total: table.total,
        largest_agencies: admin.then(|| {
            table
                .largest
                .into_iter()
                .map(|(name, share)| AgencyShareView { name, share })
                .collect()
        }),
    }
}

async fn load(state: &AppState, query: &StatisticsQuery) -> AppResult<Table> {
    let filter = query.parse()?;
    state
        .db
        .run(move |conn| statistics_data::table(conn, &filter))
        .await
}

const HEADERS: [&str; 15] = [
    "分组",
    "发布项目数",
    "轮次",
    "流标轮次",
    "流标率(%)",
    "成交项目数",
    "成交金额(元)",
    "控制价(元)",
    "节约金额(元)",
    "节约率(%)",
    "发布至成交平均天数",
    "成交至验收平均天数",
    "活跃机构数",
    "前三家份额(%)",
    "HHI",
];

/// The table as export rows, the total last.
fn export_rows(table: &Table) -> Vec<exports::Row> {
    let opt =
        |v: Option<i64>, f: fn(i64) -> String| v.map(|v| Cell::Text(f(v))).unwrap_or(Cell::Empty);
    let line = |label: &str, f: &Figures| {
        vec![
            Cell::from(label),
            Cell::Int(f.projects_published),
            Cell::Int(f.rounds),
            Cell::Int(f.failed_rounds),
            opt(f.failure_rate_bp, percent),
            Cell::Int(f.projects_awarded),
            Cell::Fen(f.awarded_fen),
            Cell::Fen(f.reference_fen),
            Cell::Fen(f.savings_fen),
            opt(f.savings_rate_bp, percent),
            opt(f.avg_days_to_award_tenths, tenths),
            opt(f.avg_days_to_acceptance_tenths, tenths),
            Cell::Int(f.agencies_active),
            opt(f.top3_share_bp, percent),
            f.hhi.map(Cell::Int).unwrap_or(Cell::Empty),
        ]
    };
    let mut rows: Vec<exports::Row> = table.rows.iter().map(|(l, f)| line(l, f)).collect();
    rows.push(line("合计", &table.total));
    rows
}

fn download(format: Format, table: &Table) -> Response {
    let headers = HEADERS.iter().map(|h| (*h).to_owned()).collect();
    exports::download(
        format,
        "statistics",
        headers,
        Fixed::new(export_rows(table)),
    )
}

/// Basis points as a percentage with two decimals: 1234 → "12.34".
pub fn percent(bp: i64) -> String {
    crate::exports::yuan(bp)
}

/// Tenths as a decimal: 105 → "10.5".
pub fn tenths(v: i64) -> String {
    format!("{}.{}", v / 10, (v % 10).abs())
}

/// Statistics by month, region or item, with the largest agencies (admin).
#[utoipa::path(get, path = "/api/v1/supervision/statistics", tag = "supervision",
    params(("from" = Option<String>, Query, description = "First month, YYYY-MM"), ("to" = Option<String>, Query, description = "Last month, YYYY-MM"),
        ("region" = Option<String>, Query, description = "Division code; a city includes its counties"), ("service_item" = Option<i64>, Query, description = "Service item id"),
        ("group" = Option<String>, Query, description = "month (default), region or service_item"), ("format" = Option<String>, Query, description = "csv or xlsx for a download")),
    responses((status = 200, body = StatisticsEnvelope), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn admin_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<Response> {
    user.require(&[Role::Admin])?;
    answer(&state, &query, true).await
}

/// The public statistics: aggregates only, no agency by name.
#[utoipa::path(get, path = "/api/v1/statistics", tag = "supervision",
    params(("from" = Option<String>, Query, description = "First month, YYYY-MM"), ("to" = Option<String>, Query, description = "Last month, YYYY-MM"),
        ("region" = Option<String>, Query, description = "Division code"), ("service_item" = Option<i64>, Query, description = "Service item id"),
        ("group" = Option<String>, Query, description = "month (default), region or service_item"), ("format" = Option<String>, Query, description = "csv or xlsx for a download")),
    responses((status = 200, body = StatisticsEnvelope), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn public_api(
    State(state): State<AppState>,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<Response> {
    answer(&state, &query, false).await
}

async fn answer(state: &AppState, query: &StatisticsQuery, admin: bool) -> AppResult<Response> {
    let format = Format::requested(query.format.as_deref())?;
    let table = load(state, query).await?;
    Ok(match format {
        Some(format) => download(format, &table),
        None => Json(StatisticsEnvelope {
            statistics: view(table, admin),
        })
        .into_response(),
    })
}

/// One chart with the small table of its values beside it.
pub struct Chart {
    pub title: String,
    pub svg: String,
    pub unit: String,
    pub points: Vec<(String, String)>,
}

fn charts(table: &Table) -> Vec<Chart> {
    let labels: Vec<String> = table.rows.iter().map(|(l, _)| l.clone()).collect();
    let chart = |title: &str, unit: &str, values: Vec<i64>, text: &dyn Fn(i64) -> String| Chart {
        title: title.to_owned(),
        svg: bar_chart(title, &labels, &values),
        unit: unit.to_owned(),
        points: labels
            .iter()
            .cloned()
            .zip(values.iter().map(|v| text(*v)))
            .collect(),
    };
    let figures: Vec<&Figures> = table.rows.iter().map(|(_, f)| f).collect();
    vec![
        chart(
            "发布项目数",
            "个",
            figures.iter().map(|f| f.projects_published).collect(),
            &|v| v.to_string(),
        ),
        chart(
            "成交金额",
            "元",
            figures.iter().map(|f| f.awarded_fen / 100).collect(),
            &|v| v.to_string(),
        ),
        chart(
            "流标率",
            "%",
            figures
                .iter()
                .map(|f| f.failure_rate_bp.unwrap_or(0))
                .collect(),
            &percent,
        ),
    ]
}

#[derive(Template)]
#[template(path = "supervision/statistics.html")]
struct StatisticsPage {
    layout: Layout,
    admin: bool,
    action: String,
    query: StatisticsQuery,
    regions: Vec<Choice>,
    items: Vec<Choice>,
    charts: Vec<Chart>,
    table: Table,
    csv_link: String,
    xlsx_link: String,
}

impl StatisticsPage {
    fn yuan(&self, fen: &i64) -> String {
        exports::yuan(*fen)
    }
    fn pct(&self, bp: &Option<i64>) -> String {
        bp.map(percent).unwrap_or_else(|| "—".to_owned())
    }
    fn share(&self, bp: &i64) -> String {
        percent(*bp)
    }
    fn days(&self, t: &Option<i64>) -> String {
        t.map(tenths).unwrap_or_else(|| "—".to_owned())
    }
    fn num(&self, v: &Option<i64>) -> String {
        v.map(|v| v.to_string()).unwrap_or_else(|| "—".to_owned())
    }
    fn eval(&self, v: &Option<i64>) -> String {
        v.map(|v| format!("{}.{:02}", v / 100, v % 100))
            .unwrap_or_else(|| "—".to_owned())
    }
    fn group_is(&self, g: &str) -> bool {
        self.query.group.as_deref().unwrap_or("month") == g
    }
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

/// 统计分析 for administrators.
pub async fn admin_page(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<Response> {
    page.require_user()?.require(&[Role::Admin])?;
    render(&state, page, query, true).await
}

/// 统计信息 for everyone.
pub async fn public_page(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<Response> {
    render(&state, page, query, false).await
}

async fn render(
    state: &AppState,
    page: Page,
    query: StatisticsQuery,
    admin: bool,
) -> AppResult<Response> {
    let format = Format::requested(query.format.as_deref())?;
    let table = load(state, &query).await?;
    if let Some(format) = format {
        return Ok(download(format, &table));
    }
    let action = if admin {
        "/admin/supervision/statistics"
    } else {
        "/statistics"
    };
    let link = |format: &str| {
        let pairs = [
            ("from", &query.from),
            ("to", &query.to),
            ("region", &query.region),
            ("service_item", &query.service_item),
            ("group", &query.group),
        ];
        let mut parts: Vec<String> = pairs
            .iter()
            .filter_map(|(k, v)| {
                v.as_deref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", crate::web::pages::urlencode(v)))
            })
            .collect();
        parts.push(format!("format={format}"));
        format!("{action}?{}", parts.join("&"))
    };
    let template = StatisticsPage {
        layout: page.layout(if admin {
            "统计分析"
        } else {
            "统计信息"
        }),
        admin,
        action: action.to_owned(),
        csv_link: link("csv"),
        xlsx_link: link("xlsx"),
        regions: crate::agencies::pages::region_choices(state, true).await?,
        items: crate::agencies::pages::item_choices(state).await?,
        charts: charts(&table),
        table,
        query,
    };
    Ok(page.render(StatusCode::OK, &template))
}
