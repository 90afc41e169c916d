//! Offering pages: the public offering page, and the agency's own list and form.

use super::rules::{status_label, yuan, OfferingInput};
use super::service;
use super::views::OfferingView;
use crate::agencies::service::row_of_owner;
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::csrf::CsrfForm;
use crate::web::pages::{field_message, Choice, Layout, Page};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The price as people read it.
pub fn price_text(offering: &OfferingView) -> String {
    match (
        offering.price_basis.as_str(),
        offering.price_min_fen,
        offering.price_max_fen,
    ) {
        ("range", Some(min), Some(max)) if min == max => yuan(min),
        ("range", Some(min), Some(max)) => format!("{} – {}", yuan(min), yuan(max)),
        _ => match (
            offering.discount_min_permille,
            offering.discount_max_permille,
        ) {
            (Some(min), Some(max)) => format!("政府指导价下浮 {} – {}", percent(min), percent(max)),
            _ => "面议".into(),
        },
    }
}

fn percent(permille: i32) -> String {
    if permille % 10 == 0 {
        format!("{}%", permille / 10)
    } else {
        format!("{}.{}%", permille / 10, permille % 10)
    }
}

/// Yuan as typed ("12,800" or "12800.5") to fen.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，' && *c != '¥')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

/// A percentage as typed ("12.5") to permille.
pub fn parse_percent(text: &str) -> Option<i32> {
    let cleaned = text.trim().trim_end_matches('%');
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((cleaned, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 1
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i32 = whole.parse().ok()?;
    let fraction: i32 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    whole.checked_mul(10)?.checked_add(fraction)
}

#[derive(Template)]
#[template(path = "offerings/show.html")]
struct ShowPage {
    layout: Layout,
    offering: OfferingView,
    price: String,
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let now = state.now();
    let user = page.user.clone();
    let offering = state
        .db
        .run(move |conn| service::find(conn, id, user.as_ref(), now))
        .await?;
    let template = ShowPage {
        layout: page.layout(&offering.title),
        price: price_text(&offering),
        offering,
    };
    Ok(page.render(StatusCode::OK, &template))
}

#[derive(Template)]
#[template(path = "offerings/mine.html")]
struct MinePage {
    layout: Layout,
    offerings: Vec<OfferingView>,
    has_agency: bool,
}

impl MinePage {
    fn status(&self, status: &str) -> &'static str {
        status_label(status)
    }
    fn price(&self, offering: &OfferingView) -> String {
        price_text(offering)
    }
}

pub async fn mine(
    State(state): State<AppState>,
    page: Page,
    axum::extract::Query(query): axum::extract::Query<crate::exports::DownloadQuery>,
) -> AppResult<Response> {
    let user_id = page.require_user()?.user.id;
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let now = state.now();
    let (has_agency, offerings) = state
        .db
        .run(move |conn| match row_of_owner(conn, user_id)? {
            Some(agency) => Ok((true, service::list_of_agency(conn, agency.id, now)?)),
            None => Ok((false, vec![])),
        })
        .await?;
    if let Some(format) = format {
        use crate::exports::Cell;
        let headers = [
            "服务",
            "中介服务事项",
            "价格",
            "承诺时限（工作日）",
            "状态",
            "在售",
            "更新时间",
        ]
        .map(String::from)
        .to_vec();
        let rows = offerings
            .iter()
            .map(|o| {
                vec![
                    Cell::Text(o.title.clone()),
                    Cell::Text(o.service_item.name.clone()),
                    Cell::Text(price_text(o)),
                    Cell::Int(i64::from(o.promised_days)),
                    Cell::Text(o.status.clone()),
                    Cell::from(if o.live { "是" } else { "否" }),
                    Cell::Text(crate::web::format_time(o.updated_at.naive_utc())),
                ]
            })
            .collect();
        let rows = crate::exports::Fixed::new(rows);
        return Ok(crate::exports::download(format, "offerings", headers, rows));
    }
    let template = MinePage {
        layout: page.layout("我的服务"),
        offerings,
        has_agency,
    };
    Ok(page.render(StatusCode::OK, &template))
}

/// The offering form as typed, kept to show again next to its errors.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct OfferingForm {
    #[serde(default)]
    pub service_item_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub whole_province: Option<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub price_basis: String,
    #[serde(default)]
    pub price_min_yuan: String,
    #[serde(default)]
    pub price_max_yuan: String,
    #[serde(default)]
    pub discount_min_percent: String,
    #[serde(default)]
    pub discount_max_percent: String,
    #[serde(default)]
    pub promised_days: String,
    #[serde(default)]
    pub example_projects: String,
    #[serde(default)]
    pub status: String,
}

impl OfferingForm {
    fn from_view(o: &OfferingView) -> Self {
        let money = |fen: Option<i64>| {
            fen.map(|f| format!("{}.{:02}", f / 100, f % 100))
                .unwrap_or_default()
        };
        let rate = |p: Option<i32>| {
            p.map(|p| format!("{}.{}", p / 10, p % 10))
                .unwrap_or_default()
        };
        OfferingForm {
            service_item_id: o.service_item.id.to_string(),
            title: o.title.clone(),
            description: o.description.clone(),
            whole_province: o.whole_province.then(|| "1".into()),
            regions: o.regions.iter().map(|r| r.code.clone()).collect(),
            price_basis: o.price_basis.clone(),
            price_min_yuan: money(o.price_min_fen),
            price_max_yuan: money(o.price_max_fen),
            discount_min_percent: rate(o.discount_min_permille),
            discount_max_percent: rate(o.discount_max_permille),
            promised_days: o.promised_days.to_string(),
            example_projects: o.example_projects.join("\n"),
            status: o.status.clone(),
        }
    }

    /// The API input, or the fields that could not be read.
    fn to_input(&self, creating: bool) -> Result<OfferingInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut money = |text: &str, field: &str| -> Option<i64> {
            if text.trim().is_empty() {
                return None;
            }
            parse_yuan(text).or_else(|| {
                errors.push(FieldError::new(
                    field,
                    "请填写金额（元，最多两位小数）。",
                    "Enter an amount in yuan with at most two decimals.",
                ));
                None
            })
        };
        let price_min_fen = money(&self.price_min_yuan, "price_min_fen");
        let price_max_fen = money(&self.price_max_yuan, "price_max_fen");
        let mut rate = |text: &str, field: &str| -> Option<i32> {
            if text.trim().is_empty() {
                return None;
            }
            parse_percent(text).or_else(|| {
                errors.push(FieldError::new(
                    field,
                    "请填写百分比（最多一位小数）。",
                    "Enter a percentage with at most one decimal.",
                ));
                None
            })
        };
        let discount_min_permille = rate(&self.discount_min_percent, "discount_min_permille");
        let discount_max_permille = rate(&self.discount_max_percent, "discount_max_permille");
        let promised_days = self.promised_days.trim().parse::<i32>().ok();
        if promised_days.is_none() {
            errors.push(FieldError::new(
                "promised_days",
                "请填写承诺时限（工作日，整数）。",
                "Enter the promised working days.",
            ));
        }
        let service_item_id = self.service_item_id.trim().parse::<i64>().ok();
        if creating && service_item_id.is_none() {
            errors.push(FieldError::new(
                "service_item_id",
                "请选择服务事项。",
                "Choose a service item.",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(OfferingInput {
            service_item_id: if creating { service_item_id } else { None },
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            regions: Some(
                self.regions
                    .iter()
                    .filter(|r| !r.is_empty())
                    .cloned()
                    .collect(),
            ),
            whole_province: Some(self.whole_province.is_some()),
            price_basis: Some(self.price_basis.clone()),
            price_min_fen,
            price_max_fen,
            discount_min_permille,
            discount_max_permille,
            promised_days,
            example_projects: Some(self.example_projects.lines().map(str::to_owned).collect()),
            status: Some(if self.status.is_empty() {
                "draft".into()
            } else {
                self.status.clone()
            }),
        })
    }
}

#[derive(Template)]
#[template(path = "offerings/form.html")]
struct FormPage {
    layout: Layout,
    /// None while creating.
    offering: Option<OfferingView>,
    form: OfferingForm,
    items: Vec<Choice>,
    regions: Vec<Choice>,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
    fn region_selected(&self, code: &str) -> bool {
        self.form.regions.iter().any(|r| r == code)
    }
}

async fn render_form(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    offering: Option<OfferingView>,
    form: OfferingForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let items = crate::agencies::pages::item_choices(state).await?;
    let regions = crate::agencies::pages::region_choices(state, false).await?;
    let title = match &offering {
        Some(o) => format!("修改服务：{}", o.title),
        None => "新建服务".to_owned(),
    };
    let template = FormPage {
        layout: page.layout(&title),
        offering,
        form,
        items,
        regions,
        errors,
    };
    Ok(page.render(status, &template))
}

pub async fn new_form(State(state): State<AppState>, page: Page) -> AppResult<Response> {
    page.require_user()?;
    let form = OfferingForm {
        price_basis: "range".into(),
        ..Default::default()
    };
    render_form(&state, &page, StatusCode::OK, None, form, vec![]).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let now = state.now();
    let offering = state
        .db
        .run(move |conn| service::find(conn, id, Some(&user), now))
        .await?;
    let form = OfferingForm::from_view(&offering);
    render_form(&state, &page, StatusCode::OK, Some(offering), form, vec![]).await
}

async fn save(
    state: &AppState,
    page: &Page,
    id: Option<i64>,
    form: OfferingForm,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    let result = match form.to_input(id.is_none()) {
        Ok(input) => service::save(state, &user, id, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/my/offerings").into_response()),
        Err(AppError::Invalid(errors)) => {
            let now = state.now();
            let offering = match id {
                Some(id) => Some(
                    state
                        .db
                        .run(move |conn| service::find(conn, id, Some(&user), now))
                        .await?,
                ),
                None => None,
            };
            render_form(
                state,
                page,
                StatusCode::UNPROCESSABLE_ENTITY,
                offering,
                form,
                errors,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    CsrfForm(form): CsrfForm<OfferingForm>,
) -> AppResult<Response> {
    save(&state, &page, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<OfferingForm>,
) -> AppResult<Response> {
    save(&state, &page, Some(id), form).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_and_percent_as_typed() {
        let money = [
            ("12800", Some(1_280_000)),
            ("12,800.5", Some(1_280_050)),
            ("0.05", Some(5)),
            ("¥3", Some(300)),
            ("1.234", None),
            ("-1", None),
            ("abc", None),
            ("", None),
        ];
        for (text, expected) in money {
            assert_eq!(parse_yuan(text), expected, "{text}");
        }
        let rates = [
            ("12.5", Some(125)),
            ("10", Some(100)),
            ("10%", Some(100)),
            ("1.25", None),
            ("x", None),
        ];
        for (text, expected) in rates {
            assert_eq!(parse_percent(text), expected, "{text}");
        }
        assert_eq!(percent(125), "12.5%");
        assert_eq!(percent(100), "10%");
    }
}
