//! A small market to search: a few offerings and agencies written the way the
//! server would send them, and a helper that publishes and searches like the
//! server does.

use std::cell::Cell;

use search_index::{
    AgencyDoc, AgencyQuery, AgencyResults, Change, OfferingDoc, OfferingQuery, OfferingResults,
    SearchIndex,
};

pub const EIA_NANCHANG: i64 = 1;
pub const EIA_GANZHOU: i64 = 2;
pub const SOIL_WATER_PROVINCE: i64 = 3;
pub const ENERGY_GANZHOU: i64 = 4;
pub const SURVEY_DONGHU: i64 = 5;
pub const GEOHAZARD_PROVINCE: i64 = 6;

pub const SURVEY_AGENCY: i64 = 50;
pub const SURVEY_CERTIFICATE: &str = "乙测资字36000001";
pub const SURVEY_USCC: &str = "91360102MA35ABCD40";

/// An index in memory and the change-log number the server is at.
pub struct Market {
    pub index: SearchIndex,
    seq: Cell<i64>,
}

impl Market {
    pub fn new() -> Market {
        Market::on(SearchIndex::in_ram().expect("an index in memory"))
    }

    pub fn on(index: SearchIndex) -> Market {
        let seq = Cell::new(index.last_applied().unwrap_or(0));
        Market { index, seq }
    }

    /// The catalogue below, published in one batch.
    pub fn with_catalogue() -> Market {
        let market = Market::new();
        market.apply(
            catalogue()
                .into_iter()
                .map(Change::UpsertOffering)
                .collect(),
        );
        market
    }

    pub fn apply(&self, changes: Vec<Change>) {
        self.seq.set(self.seq.get() + 1);
        self.index
            .apply(changes, self.seq.get())
            .expect("changes applied");
    }

    pub fn publish(&self, offering: OfferingDoc) {
        self.apply(vec![Change::UpsertOffering(offering)]);
    }

    pub fn withdraw(&self, id: i64) {
        self.apply(vec![Change::DeleteOffering(id)]);
    }

    pub fn register(&self, agency: AgencyDoc) {
        self.apply(vec![Change::UpsertAgency(agency)]);
    }

    /// What a buyer typing into the search box gets.
    pub fn search(&self, text: &str) -> OfferingResults {
        self.find(&OfferingQuery {
            text: text.into(),
            ..OfferingQuery::default()
        })
    }

    pub fn find(&self, query: &OfferingQuery) -> OfferingResults {
        self.index
            .search_offerings(query)
            .expect("a search never fails")
    }

    pub fn agencies(&self, text: &str) -> AgencyResults {
        let query = AgencyQuery {
            text: text.into(),
            ..AgencyQuery::default()
        };
        self.index
            .search_agencies(&query)
            .expect("a search never fails")
    }
}

pub trait Ids {
    /// Ids in result order.
    fn ids(&self) -> Vec<i64>;

    /// Ids in ascending order, for checks that ignore ranking.
    fn id_set(&self) -> Vec<i64> {
        let mut ids = self.ids();
        ids.sort_unstable();
        ids
    }
}

impl Ids for OfferingResults {
    fn ids(&self) -> Vec<i64> {
        self.hits.iter().map(|hit| hit.id).collect()
    }
}

impl Ids for AgencyResults {
    fn ids(&self) -> Vec<i64> {
        self.hits.iter().map(|hit| hit.id).collect()
    }
}

pub fn catalogue() -> Vec<OfferingDoc> {
    vec![
        eia_nanchang(),
        eia_ganzhou(),
        soil_water_plan(),
        energy_report_ganzhou(),
        topographic_survey_donghu(),
        geohazard_assessment(),
    ]
}

/// An offering with every field filled in plainly; the fixtures override
/// what matters to them.
pub fn offering(id: i64) -> OfferingDoc {
    OfferingDoc {
        id,
        title: String::new(),
        description: String::new(),
        service_item_id: 0,
        service_item_code: String::new(),
        service_item_name: String::new(),
        service_item_abbreviations: Vec::new(),
        category: String::new(),
        agency_id: 100 + id,
        agency_name: String::new(),
        regions: vec!["360000".into()],
        qualifications: Vec::new(),
        price_min_fen: None,
        price_max_fen: None,
        promised_days: 30,
        credit_score: None,
        updated_at: 1_700_000_000,
        live_until: None,
    }
}

fn eia() -> OfferingDoc {
    OfferingDoc {
        service_item_id: 5,
        service_item_code: "ZJ005".into(),
        service_item_name: "建设项目环境影响报告书/表编制".into(),
        service_item_abbreviations: vec!["环评".into()],
        category: "环境评价".into(),
        ..offering(0)
    }
}

pub fn eia_nanchang() -> OfferingDoc {
    OfferingDoc {
        id: EIA_NANCHANG,
        title: "南昌地区建设项目环境影响报告表编制".into(),
        description: "承接南昌市工业、房地产项目的环境影响评价，报告表 20 个工作日内交付。".into(),
        agency_name: "南昌赣江环境咨询有限公司".into(),
        regions: vec!["360100".into()],
        price_min_fen: Some(3_000_000),
        price_max_fen: Some(8_000_000),
        promised_days: 20,
        credit_score: Some(90.0),
        ..eia()
    }
}

pub fn eia_ganzhou() -> OfferingDoc {
    OfferingDoc {
        id: EIA_GANZHOU,
        title: "环境影响报告书编制".into(),
        description: "赣州及周边县区建设项目环评报告书，含现场监测。".into(),
        agency_name: "赣州绿源环保科技有限公司".into(),
        regions: vec!["360700".into()],
        price_min_fen: Some(5_000_000),
        price_max_fen: Some(12_000_000),
        promised_days: 45,
        credit_score: Some(75.0),
        ..eia()
    }
}

pub fn soil_water_plan() -> OfferingDoc {
    OfferingDoc {
        id: SOIL_WATER_PROVINCE,
        title: "水土保持方案报告书编制".into(),
        description: "生产建设项目水土保持方案编制，全省范围服务。".into(),
        service_item_id: 7,
        service_item_code: "ZJ007".into(),
        service_item_name: "水土保持方案报告书/表编制".into(),
        service_item_abbreviations: vec!["水保".into(), "水土保持".into()],
        category: "水利评价".into(),
        agency_name: "江西润泽水利技术服务有限公司".into(),
        regions: vec!["360000".into()],
        price_min_fen: Some(2_000_000),
        promised_days: 25,
        ..offering(0)
    }
}

pub fn energy_report_ganzhou() -> OfferingDoc {
    OfferingDoc {
        id: ENERGY_GANZHOU,
        title: "固定资产投资项目节能报告编制".into(),
        description: "为赣州市企业投资项目编制节能报告，配合节能审查。".into(),
        service_item_id: 4,
        service_item_code: "ZJ004".into(),
        service_item_name: "固定资产投资项目节能报告编制".into(),
        service_item_abbreviations: vec!["能评".into(), "节能评估".into()],
        category: "工程咨询".into(),
        agency_name: "赣州恒信工程咨询有限公司".into(),
        regions: vec!["360702".into(), "360703".into()],
        price_min_fen: Some(1_500_000),
        promised_days: 15,
        credit_score: Some(80.0),
        ..offering(0)
    }
}

pub fn topographic_survey_donghu() -> OfferingDoc {
    OfferingDoc {
        id: SURVEY_DONGHU,
        title: "1:500 地形图测绘".into(),
        description: "东湖区建设用地地形图测绘，乙级测绘资质。".into(),
        service_item_id: 27,
        service_item_code: "ZJ027".into(),
        service_item_name: "地形图测绘".into(),
        category: "测绘".into(),
        agency_id: SURVEY_AGENCY,
        agency_name: "江西赣测科技有限公司".into(),
        regions: vec!["360102".into()],
        qualifications: vec![(
            "测绘资质".into(),
            Some("乙级".into()),
            SURVEY_CERTIFICATE.into(),
        )],
        price_min_fen: Some(800_000),
        promised_days: 10,
        credit_score: Some(70.0),
        ..offering(0)
    }
}

pub fn geohazard_assessment() -> OfferingDoc {
    OfferingDoc {
        id: GEOHAZARD_PROVINCE,
        title: "地质灾害危险性评估".into(),
        description: "建设用地地质灾害危险性评估，按项目规模面议。".into(),
        service_item_id: 11,
        service_item_code: "ZJ011".into(),
        service_item_name: "地质灾害危险性评估".into(),
        service_item_abbreviations: vec!["地灾评估".into(), "地灾".into()],
        category: "国土评估".into(),
        agency_name: "江西省地质工程勘察院".into(),
        regions: vec!["360000".into()],
        qualifications: vec![(
            "地质灾害防治单位资质".into(),
            Some("甲级".into()),
            "赣地灾评甲字0012".into(),
        )],
        price_min_fen: None,
        promised_days: 30,
        credit_score: Some(95.0),
        ..offering(0)
    }
}

pub fn survey_agency() -> AgencyDoc {
    AgencyDoc {
        id: SURVEY_AGENCY,
        name: "江西赣测科技有限公司".into(),
        uscc: SURVEY_USCC.into(),
        region_code: "360102".into(),
        regions: vec!["360100".into()],
        business_scope: "工程测量、不动产测绘、地理信息系统工程".into(),
        qualifications: vec![(
            "测绘资质".into(),
            Some("乙级".into()),
            SURVEY_CERTIFICATE.into(),
        )],
        credit_score: Some(70.0),
    }
}

pub fn eia_agency_ganzhou() -> AgencyDoc {
    AgencyDoc {
        id: 51,
        name: "赣州绿源环保科技有限公司".into(),
        uscc: "91360702MA38XYZW1K".into(),
        region_code: "360702".into(),
        regions: vec!["360700".into()],
        business_scope: "环境影响评价、环境监测、环保工程咨询".into(),
        qualifications: Vec::new(),
        credit_score: None,
    }
}
