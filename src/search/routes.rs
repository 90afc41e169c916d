//! The search API: offerings (with filters, sorting, facets and highlights)
//! and agencies. Hits are checked against the database before they are shown.

use crate::accounts::views::ListMeta;
use crate::agencies::views::AgencyView;
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError, Problem};
use crate::offerings::views::OfferingView;
use crate::search::reference::Divisions;
use crate::web::paging::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use axum::extract::{Query, State};
use axum::Json;
use search_index::{AgencyQuery, OfferingQuery, Sort};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// What the search box and the filter links send.
#[derive(Clone, Debug, Default, Deserialize, Serialize, IntoParams)]
pub struct SearchParams {
    /// Free text, read as plain words (no query syntax).
    #[serde(default)]
    pub q: String,
    /// A division code: a city includes its counties and whole-province offerings.
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub service_item: String,
    #[serde(default)]
    pub category: String,
    /// 甲级, 乙级 …: that level or higher.
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub max_price_fen: String,
    #[serde(default)]
    pub max_days: String,
    /// relevance (default) | price_asc | price_desc | days_asc
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<usize>,
    #[serde(default)]
    pub per_page: Option<usize>,
}

fn number<T: std::str::FromStr>(
    text: &str,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse().ok().or_else(|| {
        errors.push(FieldError {
            field: field.into(),
            message_zh: "应为整数。".into(),
            message_en: format!("{field} must be a whole number."),
        });
        None
    })
}

impl SearchParams {
    /// The crate's query, or the parameters at fault.
    pub fn to_query(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<OfferingQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let region = Some(self.region.trim().to_owned()).filter(|r| !r.is_empty());
        if region
            .as_deref()
            .is_some_and(|r| !crate::catalog::divisions::well_formed(r))
        {
            errors.push(FieldError::new(
                "region",
                "地区代码应为6位数字。",
                "region must be a 6-digit division code.",
            ));
        }
        let sort = match self.sort.trim() {
            "" | "relevance" => Sort::Relevance,
            "price_asc" => Sort::PriceAsc,
            "price_desc" => Sort::PriceDesc,
            "days_asc" => Sort::DaysAsc,
            _ => {
                errors.push(FieldError::new(
                    "sort",
                    "排序方式只能是 relevance、price_asc、price_desc 或 days_asc。",
                    "sort must be relevance, price_asc, price_desc or days_asc.",
                ));
                Sort::Relevance
            }
        };
        let query = OfferingQuery {
            text: self.q.chars().take(200).collect(),
            region,
            service_item_id: number(&self.service_item, "service_item", &mut errors),
            category: Some(self.category.trim().to_owned()).filter(|c| !c.is_empty()),
            qualification_level: Some(self.level.trim().to_owned()).filter(|l| !l.is_empty()),
            max_price_fen: number(&self.max_price_fen, "max_price_fen", &mut errors),
            max_days: number(&self.max_days, "max_days", &mut errors),
            live_at: Some(now.timestamp()),
            sort,
            page: self.page.unwrap_or(1).max(1),
            per_page: self
                .per_page
                .unwrap_or(DEFAULT_PER_PAGE)
                .clamp(1, MAX_PER_PAGE),
        };
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(errors)
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OfferingHitView {
    pub offering: OfferingView,
    pub score: f32,
    /// The title with the matched words in `<mark>`, HTML-escaped otherwise.
    pub title_html: String,
    pub snippet_html: String,
}

#[derive(Serialize, ToSchema)]
pub struct Facet {
    pub value: String,
    pub label: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct Facets {
    /// By city.
    pub regions: Vec<Facet>,
    pub service_items: Vec<Facet>,
}

#[derive(Serialize, ToSchema)]
pub struct OfferingSearch {
    pub hits: Vec<OfferingHitView>,
    pub facets: Facets,
    /// True when nothing matched every word and the results match any word.
    pub relaxed: bool,
    /// True when more offerings matched than a search counts one by one
    /// (about 20,000): `meta.total` and the facet counts are then estimates,
    /// extrapolated from the matches counted (shown as "约").
    pub estimated: bool,
    pub meta: ListMeta,
}

/// Division names and places, from memory after the first request.
async fn divisions(state: &AppState) -> AppResult<Arc<Divisions>> {
    if let Some(loaded) = state.search.reference().loaded_divisions() {
        return Ok(loaded);
    }
    let search = state.search.clone();
    state
        .db
        .run(move |conn| search.reference().divisions(conn))
        .await
}

/// Runs an offering search and joins each hit with its current data.
pub async fn search_offerings(
    state: &AppState,
    params: &SearchParams,
) -> AppResult<OfferingSearch> {
    let now = state.now();
    let mut query = params.to_query(now).map_err(AppError::Invalid)?;
    let divisions = divisions(state).await?;
    if query.region.is_none() {
        // "环评 南昌": the place narrows the region instead of being searched as a word.
        let (rest, region) = super::places::take_place(&query.text, &divisions.places);
        if region.is_some() {
            query.text = rest;
            query.region = region;
        }
    }
    let index = state.search.current();
    let wanted = query.clone();
    let results = tokio::task::spawn_blocking(move || index.search_offerings(&wanted))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("search: {e}")))?;
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    // One trip to the database for the page: the hits' offerings, agencies,
    // qualifications and regions; the catalogue is usually in memory.
    let (search, names) = (state.search.clone(), divisions.clone());
    let (views, catalogue) = state
        .db
        .run(move |conn| {
            let catalogue = search.reference().catalogue(conn)?;
            let views = crate::offerings::service::live_views_by_ids(
                conn,
                &ids,
                now,
                catalogue.clone(),
                &names.names,
            )?;
            Ok((views, catalogue))
        })
        .await?;
    let mut views: std::collections::HashMap<i64, OfferingView> =
        views.into_iter().map(|v| (v.id, v)).collect();
    let hits = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            views.remove(&hit.id).map(|offering| OfferingHitView {
                offering,
                score: hit.score,
                title_html: hit.title_html,
                snippet_html: hit.snippet_html,
            })
        })
        .collect();
    let facets = Facets {
        regions: results
            .region_facets
            .into_iter()
            .map(|(code, count)| Facet {
                label: divisions
                    .names
                    .get(&code)
                    .cloned()
                    .unwrap_or_else(|| code.clone()),
                value: code,
                count,
            })
            .collect(),
        service_items: results
            .service_item_facets
            .into_iter()
            .map(|(id, count)| Facet {
                label: catalogue
                    .items
                    .get(&id)
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                value: id.to_string(),
                count,
            })
            .collect(),
    };
    let paging = crate::web::paging::Paging {
        page: Some(query.page),
        per_page: Some(query.per_page),
    };
    let link: Vec<(&str, String)> = vec![
        ("q", params.q.clone()),
        ("region", params.region.clone()),
        ("service_item", params.service_item.clone()),
        ("category", params.category.clone()),
        ("level", params.level.clone()),
        ("max_price_fen", params.max_price_fen.clone()),
        ("max_days", params.max_days.clone()),
        ("sort", params.sort.clone()),
    ];
    Ok(OfferingSearch {
        hits,
        facets,
        relaxed: results.relaxed,
        estimated: results.estimated,
        meta: paging.meta(results.total as i64, "/api/v1/search/offerings", &link),
    })
}

/// Search offerings: free text with filters, sorting, facets and highlights.
#[utoipa::path(get, path = "/api/v1/search/offerings", tag = "search", params(SearchParams),
    responses((status = 200, body = OfferingSearch), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn offerings(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> AppResult<Json<OfferingSearch>> {
    Ok(Json(search_offerings(&state, &params).await?))
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
pub struct AgencySearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub page: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct AgencyHitView {
    pub agency: AgencyView,
    pub score: f32,
    pub name_html: String,
}

#[derive(Serialize, ToSchema)]
pub struct AgencySearch {
    pub hits: Vec<AgencyHitView>,
    pub meta: ListMeta,
}

/// Search agencies by name, code, certificate number, scope.
#[utoipa::path(get, path = "/api/v1/search/agencies", tag = "search", params(AgencySearchParams),
    responses((status = 200, body = AgencySearch), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn agencies(
    State(state): State<AppState>,
    Query(params): Query<AgencySearchParams>,
) -> AppResult<Json<AgencySearch>> {
    let region = Some(params.region.trim().to_owned()).filter(|r| !r.is_empty());
    if region
        .as_deref()
        .is_some_and(|r| !crate::catalog::divisions::well_formed(r))
    {
        return Err(AppError::invalid(
            "region",
            "地区代码应为6位数字。",
            "region must be a 6-digit division code.",
        ));
    }
    let query = AgencyQuery {
        text: params.q.chars().take(200).collect(),
        region,
        page: params.page.unwrap_or(1).max(1),
        per_page: DEFAULT_PER_PAGE,
    };
    let index = state.search.current();
    let wanted = query.clone();
    let results = tokio::task::spawn_blocking(move || index.search_agencies(&wanted))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("search: {e}")))?;
    let now = state.now();
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    // The page's agencies are read together, a few queries whatever the hits.
    let views = state
        .db
        .run(move |conn| {
            crate::agencies::service::views_by_ids(
                conn,
                &ids,
                crate::agencies::service::Viewer::Public,
                now,
            )
        })
        .await?;
    let mut views: std::collections::HashMap<i64, AgencyView> =
        views.into_iter().map(|v| (v.id, v)).collect();
    let hits = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            views.remove(&hit.id).map(|agency| AgencyHitView {
                agency,
                score: hit.score,
                name_html: hit.name_html,
            })
        })
        .collect();
    let paging = crate::web::paging::Paging {
        page: Some(query.page),
        per_page: Some(query.per_page),
    };
    Ok(Json(AgencySearch {
        hits,
        meta: paging.meta(
            results.total as i64,
            "/api/v1/search/agencies",
            &[("q", params.q.clone()), ("region", params.region.clone())],
        ),
    }))
}
