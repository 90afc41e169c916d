//! The certificates of synthetic agencies: who in 江西 issues each type, what
//! its number looks like, and how long it runs. Pure functions.

use chrono::{Days, NaiveDate};
use rand::Rng;

/// The 江西 authority behind a type's generic issuer (`qualification_types.csv`).
pub fn issuer_in_jiangxi(generic: &str) -> String {
    let specific = match generic {
        "自然资源主管部门" => "江西省自然资源厅",
        "住房和城乡建设主管部门" => "江西省住房和城乡建设厅",
        "发展改革部门" => "江西省发展和改革委员会",
        "生态环境主管部门" => "生态环境部环境影响评价信用平台",
        "人民防空主管部门" => "江西省人民防空办公室",
        "应急管理部门" => "江西省应急管理厅",
        "卫生健康主管部门" => "江西省卫生健康委员会",
        "气象主管机构" => "江西省气象局",
        "文物主管部门" => "江西省文物局",
        "市场监督管理部门" => "江西省市场监督管理局",
        "消防救援机构" => "江西省消防救援总队",
        "财政部门" => "江西省财政厅",
        other => return other.to_owned(),
    };
    specific.to_owned()
}

/// A certificate number in the style of the type, e.g. 乙测资字36501234.
pub fn certificate_no(type_code: &str, level: Option<&str>, rng: &mut impl Rng) -> String {
    let n = rng.random_range(10_000..100_000);
    let grade = level.and_then(|l| l.chars().next()).unwrap_or('乙');
    match type_code {
        "QT_SURVEYING" => format!("{grade}测资字36{n:06}"),
        "QT_ENGINEERING_DESIGN" => format!("A236{n:06}"),
        "QT_GEOTECHNICAL_INVESTIGATION" => format!("B236{n:06}"),
        "QT_URBAN_PLANNING" => format!("自资规{grade}字36{n:05}"),
        "QT_SAFETY_ASSESSMENT" => format!("APJ-（赣）-{:03}", n % 1000),
        "QT_CMA" => format!("{}1412{n:06}", rng.random_range(18..26)),
        "QT_ENGINEERING_CONSULTING_FILING" => format!("赣咨备{n:06}"),
        "QT_EIA_CREDIT_REGISTRATION" => format!("HP36{n:08}"),
        "QT_GEOHAZARD_PREVENTION" => format!("赣地灾评{grade}字{n:05}"),
        "QT_LIGHTNING_PROTECTION_TESTING" => format!("赣雷检{grade}字{n:05}"),
        "QT_CPA_FIRM_LICENSE" => format!("360{n:05}"),
        _ => format!("赣{}{n:06}", rng.random_range(2019..2026)),
    }
}

/// How a certificate stands at the seeding date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Valid for years yet.
    Current,
    /// Expires within the 30-day warning window: the watch warns of it.
    ExpiringIn(u64),
    /// Expired that many days ago.
    ExpiredFor(u64),
}

/// Certificates here run five years.
const TERM_DAYS: u64 = 5 * 365;

/// (valid_from, valid_until) of a certificate standing so at `today`.
pub fn validity(
    today: NaiveDate,
    standing: Standing,
    rng: &mut impl Rng,
) -> (NaiveDate, NaiveDate) {
    let until = match standing {
        // At least a year from the seeding date on both ends, so a database
        // seeded today also works under a clock set some months away.
        Standing::Current => today + Days::new(rng.random_range(400..TERM_DAYS - 400)),
        Standing::ExpiringIn(days) => today + Days::new(days),
        Standing::ExpiredFor(days) => today - Days::new(days),
    };
    (until - Days::new(TERM_DAYS), until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn validity_matches_the_standing() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..200 {
            let (from, until) = validity(today, Standing::Current, &mut rng);
            assert!(from < today - Days::new(365) && until > today + Days::new(365));
        }
        let (_, soon) = validity(today, Standing::ExpiringIn(12), &mut rng);
        assert_eq!(soon, today + Days::new(12));
        let (from, gone) = validity(today, Standing::ExpiredFor(20), &mut rng);
        assert!(from < gone && gone < today);
    }

    #[test]
    fn numbers_and_issuers_read_as_in_jiangxi() {
        let mut rng = StdRng::seed_from_u64(2);
        assert!(certificate_no("QT_SURVEYING", Some("甲级"), &mut rng).starts_with("甲测资字36"));
        assert!(!certificate_no("QT_OTHER", None, &mut rng).is_empty());
        assert_eq!(issuer_in_jiangxi("自然资源主管部门"), "江西省自然资源厅");
        assert_eq!(issuer_in_jiangxi("国家文物局"), "国家文物局");
    }
}
