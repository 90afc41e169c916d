//! The OCDS 1.1 release package as this publisher fills it: only the fields we
//! publish, named as the standard names them (camelCase), absent when empty.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReleasePackage {
    pub uri: String,
    pub version: &'static str,
    pub published_date: String,
    pub publisher: Publisher,
    pub license: &'static str,
    pub publication_policy: String,
    pub releases: Vec<Release>,
    /// `next`: the page after this one.
    pub links: Links,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Publisher {
    pub name: &'static str,
    pub uri: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Links {
    pub next: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub ocid: String,
    pub id: String,
    pub date: String,
    pub tag: Vec<&'static str>,
    pub initiation_type: &'static str,
    pub language: &'static str,
    pub parties: Vec<Party>,
    pub buyer: OrganizationReference,
    pub tender: Tender,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Party {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    pub roles: Vec<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Identifier {
    pub scheme: &'static str,
    pub id: String,
    pub legal_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct OrganizationReference {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Value {
    /// Yuan, as OCDS counts money in the currency's main unit.
    pub amount: f64,
    pub currency: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub start_date: String,
    pub end_date: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tender {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: &'static str,
    pub value: Value,
    pub procurement_method: &'static str,
    pub procurement_method_details: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub award_criteria: Option<&'static str>,
    pub award_criteria_details: &'static str,
    pub main_procurement_category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tender_period: Option<Period>,
    /// Only once the round's sign-ups are open: a sealed round shows neither.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_tenderers: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenderers: Option<Vec<OrganizationReference>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Award {
    pub id: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub value: Value,
    pub suppliers: Vec<OrganizationReference>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Contract {
    pub id: String,
    #[serde(rename = "awardID")]
    pub award_id: String,
    pub status: &'static str,
    pub value: Value,
    pub period: Period,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_signed: Option<String>,
}
