//! What a synthetic offering says and costs: titles and descriptions made of
//! the item, the place and method phrases (so text search has varied content),
//! prices in fen from a range that suits the item, promised days, example
//! projects. Pure functions over a random generator.

use super::words::{City, PROJECT_KINDS};
use crate::catalog::divisions::HOME_PROVINCE;
use crate::catalog::model::ServiceItemRow;
use crate::offerings::rules::OfferingTerms;
use rand::seq::IndexedRandom;
use rand::Rng;

/// Typical fee of an item in yuan, (low, high), by catalogue code. Items an
/// administrator adds later fall back to `DEFAULT_RANGE`.
const PRICE_RANGES: [(&str, i64, i64); 50] = [
    ("ZJ001", 30_000, 150_000),
    ("ZJ002", 50_000, 300_000),
    ("ZJ003", 100_000, 800_000),
    ("ZJ004", 20_000, 100_000),
    ("ZJ005", 30_000, 200_000),
    ("ZJ006", 200_000, 800_000),
    ("ZJ007", 20_000, 150_000),
    ("ZJ008", 30_000, 150_000),
    ("ZJ009", 30_000, 200_000),
    ("ZJ010", 20_000, 100_000),
    ("ZJ011", 20_000, 120_000),
    ("ZJ012", 10_000, 60_000),
    ("ZJ013", 5_000, 50_000),
    ("ZJ014", 30_000, 200_000),
    ("ZJ015", 10_000, 80_000),
    ("ZJ016", 10_000, 60_000),
    ("ZJ017", 50_000, 500_000),
    ("ZJ018", 5_000, 30_000),
    ("ZJ019", 50_000, 250_000),
    ("ZJ020", 50_000, 500_000),
    ("ZJ021", 100_000, 1_500_000),
    ("ZJ024", 3_000, 20_000),
    ("ZJ025", 10_000, 80_000),
    ("ZJ026", 10_000, 100_000),
    ("ZJ027", 5_000, 30_000),
    ("ZJ028", 10_000, 50_000),
    ("ZJ029", 100_000, 400_000),
    ("ZJ030", 30_000, 150_000),
    ("ZJ031", 50_000, 300_000),
    ("ZJ032", 30_000, 150_000),
    ("ZJ033", 20_000, 120_000),
    ("ZJ034", 10_000, 60_000),
    ("ZJ035", 5_000, 30_000),
    ("ZJ036", 2_000, 20_000),
    ("ZJ037", 10_000, 60_000),
    ("ZJ038", 50_000, 300_000),
    ("ZJ039", 50_000, 300_000),
    ("ZJ040", 20_000, 150_000),
    ("ZJ041", 20_000, 100_000),
    ("ZJ042", 50_000, 300_000),
    ("ZJ043", 10_000, 300_000),
    ("ZJ044", 5_000, 80_000),
    ("ZJ045", 5_000, 60_000),
    ("ZJ046", 3_000, 20_000),
    ("ZJ047", 20_000, 150_000),
    ("ZJ048", 10_000, 200_000),
    ("ZJ049", 10_000, 200_000),
    ("ZJ050", 5_000, 100_000),
    ("ZJ051", 5_000, 80_000),
    ("ZJ053", 50_000, 300_000),
];
const DEFAULT_RANGE: (i64, i64) = (10_000, 100_000);

/// How an offering is priced: a range in fen, or a 下浮率 range in permille
/// on the government price (for the few government-priced items).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Price {
    Range {
        min_fen: i64,
        max_fen: i64,
    },
    Discount {
        min_permille: i32,
        max_permille: i32,
    },
}

impl Price {
    pub fn basis(&self) -> &'static str {
        match self {
            Price::Range { .. } => "range",
            Price::Discount { .. } => "discount",
        }
    }
}

/// A price near the item's typical range, in whole hundreds of yuan.
pub fn price(item_code: &str, government_priced: bool, rng: &mut impl Rng) -> Price {
    if government_priced {
        let min = rng.random_range(0..=10) * 10;
        return Price::Discount {
            min_permille: min,
            max_permille: min + rng.random_range(1..=10) * 10,
        };
    }
    let (low, high) = PRICE_RANGES
        .iter()
        .find(|(code, _, _)| *code == item_code)
        .map(|(_, low, high)| (*low, *high))
        .unwrap_or(DEFAULT_RANGE);
    let scale = |yuan: i64, rng: &mut dyn rand::RngCore| {
        let permille = rng.random_range(800..=1200);
        (yuan * permille / 1000 / 100).max(1) * 100
    };
    let min_yuan = scale(low, rng);
    let max_yuan = scale(high, rng).max(min_yuan);
    Price::Range {
        min_fen: min_yuan * 100,
        max_fen: max_yuan * 100,
    }
}

/// Promised working days: at most the guide's typical limit, often less.
pub fn promised_days(time_limit_days: i32, rng: &mut impl Rng) -> i32 {
    let limit = time_limit_days.clamp(1, 365);
    (limit * rng.random_range(50..=100) / 100).clamp(1, limit)
}

/// The item's name as people say it: without the bracketed aliases.
pub fn short_name(item_name: &str) -> &str {
    item_name
        .split([' ', '(', '（'])
        .next()
        .filter(|s| s.chars().count() >= 2)
        .unwrap_or(item_name)
}

const TITLE_TAGS: [&str; 8] = [
    "加急可办",
    "全流程代办",
    "含专家评审",
    "一站式服务",
    "按项目规模报价",
    "可上门服务",
    "资深团队",
    "成果质量终身负责",
];

/// A title: the item with the city or a selling point.
pub fn title(item: &str, city_short: &str, rng: &mut impl Rng) -> String {
    let tag = TITLE_TAGS.choose(rng).copied().unwrap_or("");
    match rng.random_range(0..5) {
        0 => item.to_owned(),
        1 => format!("{item}服务"),
        2 => format!("{city_short}{item}"),
        3 => format!("{item}（{tag}）"),
        _ => format!("{city_short}地区{item}技术服务"),
    }
}

/// Method phrases by catalogue category, so descriptions differ by trade.
fn method_phrases(category: &str) -> &'static [&'static str] {
    match category {
        "测绘" => &[
            "采用网络RTK与全站仪联合作业",
            "无人机倾斜摄影获取现势影像",
            "坐标系统采用2000国家大地坐标系",
            "成果执行《工程测量标准》GB 50026",
        ],
        "环境评价" => &[
            "现场踏勘与环境现状监测同步开展",
            "按《环境影响评价技术导则 总纲》编制",
            "污染源强核算采用类比与实测相结合",
            "协助建设单位开展公众参与",
        ],
        "工程咨询" => &[
            "按国家发展改革委编制大纲编写",
            "投资估算与财务分析一并完成",
            "开展多方案比选与风险分析",
            "协助答复评审专家意见",
        ],
        "规划设计" => &[
            "方案阶段提供多方案比选",
            "BIM正向设计，图模一致",
            "按江西省城市规划管理技术导则核算指标",
            "配合规划部门技术审查",
        ],
        "检验检测" => &[
            "实验室通过CMA资质认定",
            "出具带CMA标志的检测报告",
            "现场取样执行见证取样制度",
            "检测数据可在线查询",
        ],
        "安全与职业卫生评价" => &[
            "注册安全评价师牵头组建评价组",
            "危险有害因素辨识全覆盖",
            "现场检测与类比调查相结合",
            "按AQ 8001等标准开展评价",
        ],
        "水利评价" => &[
            "水文计算采用长系列实测资料",
            "建立二维水动力模型分析壅水影响",
            "按SL系列水利行业标准编制",
        ],
        "国土评估" | "工程勘察" => &[
            "野外调查与遥感解译相结合",
            "钻探、原位测试与室内试验配套",
            "按国家与行业规范开展评估",
        ],
        "资产评估与审计" => &[
            "综合运用市场法、收益法与成本法",
            "执行资产评估准则与审计准则",
            "签字评估师、注册会计师全程参与",
        ],
        "气象服务" => &[
            "使用经检定的专用检测仪器逐项检测",
            "检测结果同步上传防雷监管平台",
            "结合当地雷暴日资料分析风险",
        ],
        _ => &["现场踏勘与资料收集同步进行", "按现行国家和行业标准编制成果"],
    }
}

const COMMON_PHRASES: [&str; 6] = [
    "专人对接，全程跟踪审批进度",
    "提供电子版与纸质成果各一套",
    "免费配合专家评审修改",
    "质量管理体系通过ISO 9001认证",
    "可开具增值税专用发票",
    "接受委托后即日进场",
];

/// A description: who offers what where, two method phrases and the promise.
pub fn description(
    agency: &str,
    area: &str,
    item: &str,
    category: &str,
    days: i32,
    rng: &mut impl Rng,
) -> String {
    let method = method_phrases(category).choose(rng).copied().unwrap_or("");
    let common = COMMON_PHRASES.choose(rng).copied().unwrap_or("");
    format!(
        "{agency}面向{area}承接{item}业务。{method}；{common}。资料齐全后{days}个工作日内提交成果。"
    )
}

/// One or two example projects in the city.
pub fn example_projects(city: &str, item: &str, rng: &mut impl Rng) -> Vec<String> {
    let count = rng.random_range(1..=2);
    PROJECT_KINDS
        .choose_multiple(rng, count)
        .map(|kind| format!("{city}{kind}{item}"))
        .collect()
}

/// The complete terms of an offering of `item` by an agency of `city` that
/// serves `declared` regions: what the offerings rules check and the table stores.
pub fn terms(
    item: &ServiceItemRow,
    agency_name: &str,
    city: &City,
    declared: &[String],
    rng: &mut impl Rng,
) -> OfferingTerms {
    let whole_province = declared.iter().any(|r| r == HOME_PROVINCE) && rng.random_bool(0.6);
    let regions: Vec<String> = if whole_province {
        Vec::new()
    } else if rng.random_bool(0.5) {
        vec![city.code.to_owned()]
    } else {
        let mut codes: Vec<String> = city
            .districts
            .choose_multiple(rng, 2)
            .map(|(code, _)| (*code).to_owned())
            .collect();
        codes.sort();
        codes
    };
    let area = if whole_province {
        "江西全省"
    } else {
        city.name
    };
    let name = short_name(&item.name);
    let days = promised_days(item.time_limit_days, rng);
    let price = price(&item.code, item.fee_basis == "government", rng);
    let (price_min_fen, price_max_fen, discount_min_permille, discount_max_permille) = match price {
        Price::Range { min_fen, max_fen } => (Some(min_fen), Some(max_fen), None, None),
        Price::Discount {
            min_permille,
            max_permille,
        } => (None, None, Some(min_permille), Some(max_permille)),
    };
    OfferingTerms {
        title: title(name, city.short, rng),
        description: description(agency_name, area, name, &item.category, days, rng),
        regions,
        whole_province,
        price_basis: price.basis().to_owned(),
        price_min_fen,
        price_max_fen,
        discount_min_permille,
        discount_max_permille,
        promised_days: days,
        example_projects: example_projects(city.name, name, rng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn prices_are_ordered_and_near_the_item_range() {
        let mut rng = StdRng::seed_from_u64(3);
        for (code, low, high) in PRICE_RANGES {
            for _ in 0..20 {
                match price(code, false, &mut rng) {
                    Price::Range { min_fen, max_fen } => {
                        assert!(min_fen <= max_fen, "{code}");
                        assert!(min_fen >= low * 80 && max_fen <= high * 120, "{code}");
                        assert_eq!(min_fen % 10_000, 0, "whole hundreds of yuan");
                    }
                    other => panic!("{code}: {other:?}"),
                }
            }
        }
        match price("ZJ022", true, &mut rng) {
            Price::Discount {
                min_permille,
                max_permille,
            } => assert!(0 <= min_permille && min_permille < max_permille && max_permille <= 200),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn texts_are_filled_in_and_within_the_rules() {
        let mut rng = StdRng::seed_from_u64(4);
        assert_eq!(
            short_name("土地估价 / 房地产估价 (T: 土地评估、房地产评估)"),
            "土地估价"
        );
        assert_eq!(short_name("地形图测绘"), "地形图测绘");
        for _ in 0..50 {
            let days = promised_days(20, &mut rng);
            assert!((10..=20).contains(&days));
            let t = title("地形图测绘", "南昌", &mut rng);
            assert!((2..=100).contains(&t.chars().count()) && t.contains("地形图测绘"));
            let d = description(
                "南昌赣源测绘有限公司",
                "南昌市",
                "地形图测绘",
                "测绘",
                days,
                &mut rng,
            );
            assert!(d.contains("个工作日") && d.chars().count() <= 5000);
            let projects = example_projects("南昌市", "地形图测绘", &mut rng);
            assert!((1..=2).contains(&projects.len()));
            assert!(projects.iter().all(|p| p.starts_with("南昌市某")));
        }
        assert_eq!(promised_days(0, &mut rng), 1);
    }
}
