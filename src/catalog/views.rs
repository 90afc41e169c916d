//! JSON shapes of the catalogue API.

use super::model::{QualificationTypeRow, ServiceItemRow};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Serialize, ToSchema)]
pub struct QualificationTypeView {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// certificate | filing
    pub kind: String,
    /// Highest first.
    pub levels: Vec<String>,
    pub issuer: String,
}

impl From<&QualificationTypeRow> for QualificationTypeView {
    fn from(row: &QualificationTypeRow) -> Self {
        QualificationTypeView {
            id: row.id,
            code: row.code.clone(),
            name: row.name.clone(),
            kind: row.kind.clone(),
            levels: row.level_list(),
            issuer: row.issuer.clone(),
        }
    }
}

#[derive(Clone, Serialize, ToSchema)]
pub struct RequirementView {
    pub qualification_type: QualificationTypeView,
    /// The lowest accepted level; absent when any level is accepted.
    pub min_level: Option<String>,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct ServiceItemView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub category: String,
    /// The approval(s) this service is a condition for.
    pub approval_items: String,
    pub department: String,
    /// certificate | filing | none (承诺即可)
    pub requirement_kind: String,
    /// Any one of these suffices; empty for 承诺即可.
    pub requirements: Vec<RequirementView>,
    pub qualification_note: String,
    pub abbreviations: Vec<String>,
    pub time_limit_days: i32,
    /// government (政府定价) | market (市场调节)
    pub fee_basis: String,
    pub purpose: String,
    pub materials: Vec<String>,
    pub provider: String,
    /// active | retired
    pub status: String,
}

impl ServiceItemView {
    pub fn new(row: &ServiceItemRow, requirements: Vec<RequirementView>) -> Self {
        ServiceItemView {
            id: row.id,
            code: row.code.clone(),
            name: row.name.clone(),
            category: row.category.clone(),
            approval_items: row.approval_items.clone(),
            department: row.department.clone(),
            requirement_kind: row.requirement_kind.clone(),
            requirements,
            qualification_note: row.qualification_note.clone(),
            abbreviations: split_list(&row.abbreviations, ';'),
            time_limit_days: row.time_limit_days,
            fee_basis: row.fee_basis.clone(),
            purpose: row.purpose.clone(),
            materials: split_list(&row.materials, '；'),
            provider: row.provider.clone(),
            status: row.status.clone(),
        }
    }
}

pub fn split_list(text: &str, separator: char) -> Vec<String> {
    text.split(separator)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct ServiceItemEnvelope {
    pub service_item: ServiceItemView,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceItemList {
    pub service_items: Vec<ServiceItemView>,
    pub meta: crate::accounts::views::ListMeta,
}

#[derive(Serialize, ToSchema)]
pub struct QualificationTypeList {
    pub qualification_types: Vec<QualificationTypeView>,
    pub meta: crate::accounts::views::ListMeta,
}
