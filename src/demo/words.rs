//! Word lists the demo and benchmark data are built from: 江西's eleven cities,
//! trade names (字号), trades with their qualifications and items, people's
//! names. Plain data, so the generators stay short and deterministic.

/// A prefecture-level city of 江西 with what an address and a phone number need.
pub struct City {
    /// Division code of the city (from `divisions_jiangxi.csv`).
    pub code: &'static str,
    pub name: &'static str,
    /// The name without 市, as company names use it.
    pub short: &'static str,
    pub area_code: &'static str,
    /// Urban districts and counties: (division code, name).
    pub districts: &'static [(&'static str, &'static str)],
    pub roads: &'static [&'static str],
}

pub const CITIES: [City; 11] = [
    City {
        code: "360100",
        name: "南昌市",
        short: "南昌",
        area_code: "0791",
        districts: &[
            ("360102", "东湖区"),
            ("360103", "西湖区"),
            ("360111", "青山湖区"),
            ("360113", "红谷滩区"),
            ("360121", "南昌县"),
        ],
        roads: &[
            "八一大道",
            "北京东路",
            "红谷中大道",
            "丰和中大道",
            "解放西路",
            "洪都中大道",
        ],
    },
    City {
        code: "360200",
        name: "景德镇市",
        short: "景德镇",
        area_code: "0798",
        districts: &[
            ("360202", "昌江区"),
            ("360203", "珠山区"),
            ("360281", "乐平市"),
        ],
        roads: &["珠山中路", "瓷都大道", "新厂西路", "昌南大道"],
    },
    City {
        code: "360300",
        name: "萍乡市",
        short: "萍乡",
        area_code: "0799",
        districts: &[("360302", "安源区"), ("360313", "湘东区")],
        roads: &["跃进北路", "建设中路", "楚萍东路", "公园中路"],
    },
    City {
        code: "360400",
        name: "九江市",
        short: "九江",
        area_code: "0792",
        districts: &[
            ("360402", "濂溪区"),
            ("360403", "浔阳区"),
            ("360483", "庐山市"),
        ],
        roads: &["浔阳东路", "长虹大道", "十里大道", "九龙大道"],
    },
    City {
        code: "360500",
        name: "新余市",
        short: "新余",
        area_code: "0790",
        districts: &[("360502", "渝水区"), ("360521", "分宜县")],
        roads: &["仙来中大道", "抱石大道", "劳动北路", "北湖西路"],
    },
    City {
        code: "360600",
        name: "鹰潭市",
        short: "鹰潭",
        area_code: "0701",
        districts: &[
            ("360602", "月湖区"),
            ("360603", "余江区"),
            ("360681", "贵溪市"),
        ],
        roads: &["胜利西路", "林荫路", "站江路", "梅园大道"],
    },
    City {
        code: "360700",
        name: "赣州市",
        short: "赣州",
        area_code: "0797",
        districts: &[
            ("360702", "章贡区"),
            ("360703", "南康区"),
            ("360704", "赣县区"),
        ],
        roads: &["长征大道", "红旗大道", "章江南大道", "赣江源大道"],
    },
    City {
        code: "360800",
        name: "吉安市",
        short: "吉安",
        area_code: "0796",
        districts: &[
            ("360802", "吉州区"),
            ("360803", "青原区"),
            ("360881", "井冈山市"),
        ],
        roads: &["井冈山大道", "吉州大道", "阳明西路", "庐陵大道"],
    },
    City {
        code: "360900",
        name: "宜春市",
        short: "宜春",
        area_code: "0795",
        districts: &[
            ("360902", "袁州区"),
            ("360981", "丰城市"),
            ("360983", "高安市"),
        ],
        roads: &["宜阳大道", "中山中路", "袁山中路", "明月北路"],
    },
    City {
        code: "361000",
        name: "抚州市",
        short: "抚州",
        area_code: "0794",
        districts: &[("361002", "临川区"), ("361003", "东乡区")],
        roads: &["赣东大道", "玉茗大道", "金巢大道", "学府路"],
    },
    City {
        code: "361100",
        name: "上饶市",
        short: "上饶",
        area_code: "0793",
        districts: &[
            ("361102", "信州区"),
            ("361103", "广丰区"),
            ("361104", "广信区"),
        ],
        roads: &["广信大道", "带湖路", "凤凰中大道", "书院路"],
    },
];

/// Trade names (字号) of the demo agencies, with a romanisation for e-mail addresses.
pub const TRADE_NAMES: [(&str, &str); 40] = [
    ("赣源", "ganyuan"),
    ("洪城", "hongcheng"),
    ("庐山", "lushan"),
    ("井冈", "jinggang"),
    ("章贡", "zhanggong"),
    ("鄱湖", "pohu"),
    ("滕王阁", "tengwangge"),
    ("豫章", "yuzhang"),
    ("瓷都", "cidu"),
    ("昌南", "changnan"),
    ("武功山", "wugongshan"),
    ("仙女湖", "xiannvhu"),
    ("龙虎山", "longhushan"),
    ("三清", "sanqing"),
    ("临川", "linchuan"),
    ("明月山", "mingyueshan"),
    ("百花洲", "baihuazhou"),
    ("青云", "qingyun"),
    ("信江", "xinjiang"),
    ("抚河", "fuhe"),
    ("袁河", "yuanhe"),
    ("秀峰", "xiufeng"),
    ("匡庐", "kuanglu"),
    ("浔阳", "xunyang"),
    ("赣江", "ganjiang"),
    ("鹭洲", "luzhou"),
    ("文山", "wenshan"),
    ("正华", "zhenghua"),
    ("恒信", "hengxin"),
    ("华图", "huatu"),
    ("中测", "zhongce"),
    ("天元", "tianyuan"),
    ("博远", "boyuan"),
    ("诚信", "chengxin"),
    ("金诺", "jinnuo"),
    ("宏泰", "hongtai"),
    ("瑞和", "ruihe"),
    ("嘉禾", "jiahe"),
    ("致远", "zhiyuan"),
    ("汇智", "huizhi"),
];

/// Syllables the benchmark's trade names are made of (24 × 24 names).
pub const NAME_HEADS: [&str; 24] = [
    "赣", "洪", "庐", "章", "鄱", "豫", "昌", "信", "抚", "袁", "浔", "吉", "恒", "华", "博", "诚",
    "瑞", "嘉", "汇", "天", "正", "宏", "金", "青",
];
pub const NAME_TAILS: [&str; 24] = [
    "源", "城", "峰", "远", "达", "通", "信", "泰", "和", "诺", "图", "元", "盛", "丰", "安", "宇",
    "辰", "越", "晟", "铭", "川", "禾", "智", "鼎",
];

/// A line of business: the word in the company name, its 经营范围, the
/// qualifications its agencies hold, and the catalogue items it offers.
pub struct Trade {
    pub word: &'static str,
    /// For e-mail addresses.
    pub slug: &'static str,
    pub scope: &'static str,
    /// (qualification type code, levels to choose from; empty for ungraded types).
    /// The first is always held, the others sometimes.
    pub qualifications: &'static [(&'static str, &'static [&'static str])],
    /// Item codes, most typical first; kept only where the agency qualifies.
    pub items: &'static [&'static str],
}

pub const TRADES: [Trade; 13] = [
    Trade {
        word: "测绘",
        slug: "survey",
        scope: "测绘服务；工程测量；不动产测绘；地理信息系统工程；无人机航拍服务",
        qualifications: &[("QT_SURVEYING", &["甲级", "乙级"])],
        items: &["ZJ027", "ZJ024", "ZJ025", "ZJ026", "ZJ013", "ZJ018"],
    },
    Trade {
        word: "环境科技",
        slug: "env",
        scope: "环境影响评价；环境保护监测；土壤污染状况调查；环境保护技术咨询",
        qualifications: &[("QT_EIA_CREDIT_REGISTRATION", &[]), ("QT_CMA", &[])],
        items: &["ZJ005", "ZJ047", "ZJ014", "ZJ010", "ZJ046"],
    },
    Trade {
        word: "工程咨询",
        slug: "consult",
        scope: "工程咨询；项目可行性研究；节能评估；社会稳定风险评估；工程造价咨询",
        qualifications: &[("QT_ENGINEERING_CONSULTING_FILING", &[])],
        items: &["ZJ002", "ZJ001", "ZJ004", "ZJ041", "ZJ048"],
    },
    Trade {
        word: "安全技术",
        slug: "safety",
        scope: "安全评价；职业卫生技术服务；安全生产技术咨询；安全培训",
        qualifications: &[
            ("QT_SAFETY_ASSESSMENT", &[]),
            ("QT_OCCUPATIONAL_HEALTH_SERVICE", &[]),
        ],
        items: &["ZJ030", "ZJ032", "ZJ033"],
    },
    Trade {
        word: "工程检测",
        slug: "testing",
        scope: "建设工程质量检测；检验检测服务；建筑材料检测；室内环境检测",
        qualifications: &[
            ("QT_CONSTRUCTION_QUALITY_TESTING", &["综合", "专项"]),
            ("QT_CMA", &[]),
        ],
        items: &["ZJ043", "ZJ046", "ZJ047"],
    },
    Trade {
        word: "规划设计",
        slug: "design",
        scope: "城乡规划编制；建设工程设计；交通影响评价；日照分析；工程技术咨询",
        qualifications: &[
            ("QT_URBAN_PLANNING", &["甲级", "乙级"]),
            ("QT_ENGINEERING_DESIGN", &["甲级", "乙级"]),
        ],
        items: &["ZJ017", "ZJ003", "ZJ021", "ZJ019", "ZJ018", "ZJ031"],
    },
    Trade {
        word: "土地房地产评估",
        slug: "appraisal",
        scope: "土地估价；房地产估价；资产评估；土地登记代理",
        qualifications: &[
            ("QT_LAND_VALUATION_FILING", &[]),
            ("QT_REAL_ESTATE_APPRAISAL_FILING", &["一级", "二级", "三级"]),
            ("QT_ASSET_APPRAISAL_FILING", &[]),
        ],
        items: &["ZJ050", "ZJ049"],
    },
    Trade {
        word: "地质工程勘察",
        slug: "geo",
        scope: "地质灾害危险性评估；岩土工程勘察；地质勘查技术服务；压覆矿产资源评估",
        qualifications: &[
            ("QT_GEOHAZARD_PREVENTION", &["甲级", "乙级"]),
            ("QT_GEOTECHNICAL_INVESTIGATION", &["甲级", "乙级"]),
        ],
        items: &["ZJ011", "ZJ020", "ZJ012", "ZJ039"],
    },
    Trade {
        word: "水利水电咨询",
        slug: "water",
        scope: "水土保持方案编制；水资源论证；防洪评价；入河排污口设置论证；水利工程咨询",
        qualifications: &[("QT_ENGINEERING_CONSULTING_FILING", &[])],
        items: &["ZJ007", "ZJ008", "ZJ009", "ZJ010"],
    },
    Trade {
        word: "防雷技术",
        slug: "lightning",
        scope: "雷电防护装置检测；防雷装置设计技术评价；雷电灾害风险评估；气象技术咨询",
        qualifications: &[("QT_LIGHTNING_PROTECTION_TESTING", &["甲级", "乙级"])],
        items: &["ZJ036", "ZJ035", "ZJ037", "ZJ038"],
    },
    Trade {
        word: "建筑安全鉴定",
        slug: "appraise",
        scope: "房屋安全鉴定；消防设施检测；消防安全评估；建筑结构检测",
        qualifications: &[
            ("QT_HOUSING_SAFETY_APPRAISAL", &[]),
            ("QT_FIRE_TECH_SERVICE", &[]),
        ],
        items: &["ZJ045", "ZJ044"],
    },
    Trade {
        word: "会计师事务所",
        slug: "cpa",
        scope: "审查企业会计报表，出具审计报告；验证企业资本，出具验资报告；资产评估",
        qualifications: &[
            ("QT_CPA_FIRM_LICENSE", &[]),
            ("QT_ASSET_APPRAISAL_FILING", &[]),
        ],
        items: &["ZJ051", "ZJ049", "ZJ048"],
    },
    Trade {
        word: "林业规划设计",
        slug: "forestry",
        scope: "林业调查规划设计；使用林地可行性研究；草原调查；生态修复咨询",
        qualifications: &[("QT_FORESTRY_SURVEY_DESIGN", &["乙级", "丙级"])],
        items: &["ZJ015", "ZJ016", "ZJ053"],
    },
];

pub const SURNAMES: [&str; 48] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "罗", "郑", "梁", "谢", "宋", "唐", "许", "邓", "冯", "曾", "彭", "肖", "熊", "万",
    "涂", "邹", "程", "余", "钟", "江", "袁", "付", "廖", "魏", "汪", "龚", "喻", "饶", "聂",
    "欧阳",
];

pub const GIVEN_NAMES: [&str; 48] = [
    "建国", "志强", "丽华", "敏", "静", "伟", "芳", "秀英", "海燕", "文斌", "晓明", "俊杰", "婷",
    "小红", "国平", "红梅", "建华", "立新", "明辉", "雪梅", "春生", "桂英", "志刚", "亚平", "勇",
    "丹", "磊", "鹏", "超", "琳", "晨曦", "子涵", "浩然", "雨欣", "思远", "佳怡", "卫东", "水根",
    "金花", "荣华", "长青", "德胜", "玉兰", "家乐", "一鸣", "嘉豪", "欣怡", "梓轩",
];

/// Kinds of project the example projects and descriptions mention.
pub const PROJECT_KINDS: [&str; 14] = [
    "某安置房项目",
    "某工业园区标准厂房项目",
    "某市政道路改造工程",
    "某中学新建教学楼项目",
    "某污水处理厂提标改造工程",
    "某现代物流园项目",
    "某医院门诊综合楼项目",
    "某乡村振兴示范点项目",
    "某光伏发电项目",
    "某商住综合体项目",
    "某高速公路连接线工程",
    "某老旧小区改造项目",
    "某水库除险加固工程",
    "某新材料产业园项目",
];
