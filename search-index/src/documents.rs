//! What the server hands to the index: documents and the changes to apply.

use serde::{Deserialize, Serialize};

/// A qualification as shown to buyers: type name (测绘资质), level (乙级, if
/// the type has levels) and certificate number.
pub type Qualification = (String, Option<String>, String);

/// One offering (服务) of an agency for one service item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferingDoc {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub service_item_id: i64,
    /// "ZJ005"
    pub service_item_code: String,
    /// "建设项目环境影响报告书/表编制"
    pub service_item_name: String,
    /// ["环评"]
    pub service_item_abbreviations: Vec<String>,
    /// "环境评价"
    pub category: String,
    pub agency_id: i64,
    pub agency_name: String,
    /// Division codes served; "360000" means the whole province.
    pub regions: Vec<String>,
    pub qualifications: Vec<Qualification>,
    pub price_min_fen: Option<i64>,
    pub price_max_fen: Option<i64>,
    pub promised_days: i32,
    /// 0..100; `None` is unknown and ranks as a neutral 60.
    pub credit_score: Option<f64>,
    /// Unix seconds.
    pub updated_at: i64,
    /// Unix seconds at which the offering stops being live (its certificate
    /// expires); `None` when nothing ends it. Queries with `live_at` drop it
    /// from that moment on, before any change reaches the index.
    #[serde(default)]
    pub live_until: Option<i64>,
}

/// One agency (中介机构).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgencyDoc {
    pub id: i64,
    pub name: String,
    /// 统一社会信用代码
    pub uscc: String,
    /// Where the agency is registered.
    pub region_code: String,
    /// Division codes served.
    pub regions: Vec<String>,
    pub business_scope: String,
    pub qualifications: Vec<Qualification>,
    pub credit_score: Option<f64>,
}

/// One entry of the server's change log, as the index applies it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Change {
    UpsertOffering(OfferingDoc),
    DeleteOffering(i64),
    UpsertAgency(AgencyDoc),
    DeleteAgency(i64),
}
