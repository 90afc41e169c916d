//! Administrators' catalogue pages: every item (retired too), and the form
//! that adds, edits or retires one.

use super::rules::{requirement_kind_label, ItemPatch, RequirementInput};
use super::service::{self, Include};
use super::views::{QualificationTypeView, ServiceItemView};
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::Actor;
use crate::web::csrf::CsrfForm;
use crate::web::pages::{field_message, Layout, Page};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin/service_items.html")]
struct ListPage {
    layout: Layout,
    items: Vec<ServiceItemView>,
}

impl ListPage {
    fn kind_label(&self, kind: &str) -> &'static str {
        requirement_kind_label(kind)
    }
}

pub async fn list(State(state): State<AppState>, page: Page) -> AppResult<Response> {
    page.require_user()?.require(&[Role::Admin])?;
    let items = state
        .db
        .run(|conn| service::list_items(conn, Include::Retired))
        .await?;
    let template = ListPage {
        layout: page.layout("事项管理"),
        items,
    };
    Ok(page.render(StatusCode::OK, &template))
}

/// The item form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    approval_items: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    requirement_kind: String,
    #[serde(default)]
    qualification_note: String,
    #[serde(default)]
    abbreviations: String,
    #[serde(default)]
    time_limit_days: String,
    #[serde(default)]
    fee_basis: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    materials: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    status: String,
    /// One per line: a type code, then optionally the lowest level ("QT_SURVEYING 乙级").
    #[serde(default)]
    requirements: String,
}

impl ItemForm {
    fn from_view(item: &ServiceItemView) -> Self {
        ItemForm {
            code: item.code.clone(),
            name: item.name.clone(),
            category: item.category.clone(),
            approval_items: item.approval_items.clone(),
            department: item.department.clone(),
            requirement_kind: item.requirement_kind.clone(),
            qualification_note: item.qualification_note.clone(),
            abbreviations: item.abbreviations.join("；"),
            time_limit_days: item.time_limit_days.to_string(),
            fee_basis: item.fee_basis.clone(),
            purpose: item.purpose.clone(),
            materials: item.materials.join("\n"),
            provider: item.provider.clone(),
            status: item.status.clone(),
            requirements: item
                .requirements
                .iter()
                .map(|r| match &r.min_level {
                    Some(level) => format!("{} {level}", r.qualification_type.code),
                    None => r.qualification_type.code.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    fn to_patch(&self) -> Result<ItemPatch, Vec<FieldError>> {
        let days = self.time_limit_days.trim().parse::<i32>().map_err(|_| {
            vec![FieldError::new(
                "time_limit_days",
                "办理时限应为整数（工作日）。",
                "time_limit_days must be a whole number.",
            )]
        })?;
        let list = |text: &str, separators: &[char]| -> Vec<String> {
            text.split(|c: char| separators.contains(&c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let requirements = self
            .requirements
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| {
                let mut parts = line.split_whitespace();
                RequirementInput {
                    qualification_type: parts.next().unwrap_or("").to_owned(),
                    min_level: parts.next().map(str::to_owned),
                }
            })
            .collect();
        Ok(ItemPatch {
            code: Some(self.code.clone()),
            name: Some(self.name.clone()),
            category: Some(self.category.clone()),
            approval_items: Some(self.approval_items.clone()),
            department: Some(self.department.clone()),
            requirement_kind: Some(self.requirement_kind.clone()),
            qualification_note: Some(self.qualification_note.clone())
                .filter(|n| !n.trim().is_empty()),
            abbreviations: Some(list(&self.abbreviations, &[';', '；', ',', '，', '、'])),
            time_limit_days: Some(days),
            fee_basis: Some(self.fee_basis.clone()),
            purpose: Some(self.purpose.clone()),
            materials: Some(list(&self.materials, &['\n', '；'])),
            provider: Some(self.provider.clone()),
            status: Some(if self.status.is_empty() {
                "active".into()
            } else {
                self.status.clone()
            }),
            requirements: Some(requirements),
        })
    }
}

#[derive(Template)]
#[template(path = "admin/service_item_form.html")]
struct FormPage {
    layout: Layout,
    id: Option<i64>,
    form: ItemForm,
    errors: Vec<FieldError>,
    types: Vec<QualificationTypeView>,
}

impl FormPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
}

async fn render(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    id: Option<i64>,
    form: ItemForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let types = state.db.run(service::list_types).await?;
    let title = if id.is_some() {
        "修改服务事项"
    } else {
        "新增服务事项"
    };
    let template = FormPage {
        layout: page.layout(title),
        id,
        form,
        errors,
        types,
    };
    Ok(page.render(status, &template))
}

pub async fn new_form(State(state): State<AppState>, page: Page) -> AppResult<Response> {
    page.require_user()?.require(&[Role::Admin])?;
    let form = ItemForm {
        requirement_kind: "none".into(),
        fee_basis: "market".into(),
        status: "active".into(),
        ..Default::default()
    };
    render(&state, &page, StatusCode::OK, None, form, vec![]).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    page.require_user()?.require(&[Role::Admin])?;
    let item = state
        .db
        .run(move |conn| service::find_item(conn, id))
        .await?;
    render(
        &state,
        &page,
        StatusCode::OK,
        Some(id),
        ItemForm::from_view(&item),
        vec![],
    )
    .await
}

async fn save(
    state: &AppState,
    page: &Page,
    id: Option<i64>,
    form: ItemForm,
) -> AppResult<Response> {
    let admin = page.require_user()?;
    admin.require(&[Role::Admin])?;
    let actor = Actor::user(admin.user.id, &admin.user.username);
    let result = match form.to_patch() {
        Ok(patch) => service::save_item(state, actor, id, patch).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(item) => Ok(Redirect::to(&format!("/service-items/{}", item.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            render(
                state,
                page,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
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
    CsrfForm(form): CsrfForm<ItemForm>,
) -> AppResult<Response> {
    save(&state, &page, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> AppResult<Response> {
    save(&state, &page, Some(id), form).await
}
