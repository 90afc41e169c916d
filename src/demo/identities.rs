//! Who the synthetic agencies are: names, 统一社会信用代码, people, addresses
//! and contacts, built from the word lists. Pure functions: the same index
//! or the same random sequence gives the same agency.

use super::words::{
    City, Trade, CITIES, GIVEN_NAMES, NAME_HEADS, NAME_TAILS, SURNAMES, TRADES, TRADE_NAMES,
};
use crate::accounts::uscc;
use rand::seq::IndexedRandom;
use rand::Rng;

const USCC_CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Serial characters in a synthetic code: 31^5 agencies per tag.
const SERIAL_CHARS: usize = 5;

/// A synthetic, check-character-correct 统一社会信用代码: `91` (an enterprise),
/// the county's division code, `MA3`, a tag that keeps the demo's codes apart
/// from the benchmark's (`D`, `G`), five serial characters and the check
/// character. `None` when the serial does not fit or the parts are not valid.
pub fn synthetic_uscc(county: &str, tag: char, serial: u64) -> Option<String> {
    let mut serial_chars = [b'0'; SERIAL_CHARS];
    let mut rest = serial;
    for c in serial_chars.iter_mut().rev() {
        *c = USCC_CHARSET[(rest % 31) as usize];
        rest /= 31;
    }
    if rest > 0 || county.len() != 6 {
        return None;
    }
    let first17 = format!(
        "91{county}MA3{tag}{}",
        std::str::from_utf8(&serial_chars).ok()?
    );
    let check = uscc::check_character(&first17)?;
    Some(format!("{first17}{check}"))
}

/// The name of demo agency `index` (0..40): city, 字号 and trade, all distinct
/// because every demo agency has its own 字号.
pub fn demo_name(index: usize) -> (usize, usize, String) {
    let city = index % CITIES.len();
    let trade = index % TRADES.len();
    let (trade_name, _) = TRADE_NAMES[index % TRADE_NAMES.len()];
    let name = format!(
        "{}{}{}有限公司",
        CITIES[city].short, trade_name, TRADES[trade].word
    );
    (city, trade, name)
}

/// Name combinations before the benchmark falls back to branch offices:
/// (11 cities and 江西) × 24 × 24 字号 × 13 trades.
const BENCH_PLACES: u64 = CITIES.len() as u64 + 1;
const BENCH_COMBINATIONS: u64 =
    BENCH_PLACES * (NAME_HEADS.len() * NAME_TAILS.len() * TRADES.len()) as u64;
/// Coprime with BENCH_COMBINATIONS (2^8·3^3·13), so multiplying by it
/// permutes the combinations: neighbouring serials get unlike names.
const BENCH_STRIDE: u64 = 7919;

/// The name of benchmark agency `serial`, unique for every serial: its city
/// and trade come with it. Past the plain combinations come branch offices.
pub fn bench_name(serial: u64) -> (usize, usize, String) {
    let mut j = (serial % BENCH_COMBINATIONS) * BENCH_STRIDE % BENCH_COMBINATIONS;
    let round = serial / BENCH_COMBINATIONS;
    let trade = (j % TRADES.len() as u64) as usize;
    j /= TRADES.len() as u64;
    let tail = NAME_TAILS[(j % NAME_TAILS.len() as u64) as usize];
    j /= NAME_TAILS.len() as u64;
    let head = NAME_HEADS[(j % NAME_HEADS.len() as u64) as usize];
    let place = (j / NAME_HEADS.len() as u64) as usize;
    let (city, place_name) = match CITIES.get(place) {
        Some(city) => (place, city.short),
        None => ((serial % CITIES.len() as u64) as usize, "江西"),
    };
    let mut name = format!("{place_name}{head}{tail}{}有限公司", TRADES[trade].word);
    if round > 0 {
        let districts: Vec<&str> = CITIES
            .iter()
            .flat_map(|c| c.districts.iter().map(|(_, n)| *n))
            .collect();
        match districts.get(round as usize - 1) {
            Some(district) => name.push_str(&format!("{district}分公司")),
            None => name.push_str(&format!("第{round}分公司")),
        }
    }
    (city, trade, name)
}

/// A common Chinese name.
pub fn person(rng: &mut impl Rng) -> String {
    let surname = SURNAMES.choose(rng).copied().unwrap_or("王");
    let given = GIVEN_NAMES.choose(rng).copied().unwrap_or("伟");
    format!("{surname}{given}")
}

/// A landline in the city, e.g. 0791-86123456.
pub fn phone(city: &City, rng: &mut impl Rng) -> String {
    format!(
        "{}-{}",
        city.area_code,
        rng.random_range(82_000_000..89_000_000)
    )
}

/// An address in one of the city's districts; returns (county code, address).
pub fn address(city: &City, rng: &mut impl Rng) -> (String, String) {
    let (code, district) = city.districts.choose(rng).copied().unwrap_or(("", ""));
    let road = city.roads.choose(rng).copied().unwrap_or("人民路");
    let number = rng.random_range(1..1500);
    let floor = rng.random_range(2..25);
    (
        code.to_owned(),
        format!("{}{district}{road}{number}号{floor}楼", city.name),
    )
}

/// The 经营范围 as a licence writes it.
pub fn business_scope(trade: &Trade) -> String {
    format!(
        "{}（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
        trade.scope
    )
}

/// The demo agency's e-mail: its 字号 and trade under a reserved-looking domain.
pub fn demo_email(index: usize, trade: &Trade) -> String {
    let (_, romanised) = TRADE_NAMES[index % TRADE_NAMES.len()];
    format!("office@{romanised}-{}.example.cn", trade.slug)
}

pub fn bench_email(serial: u64, trade: &Trade) -> String {
    format!("bench{serial}@{}.example.cn", trade.slug)
}

/// Everything an agency registers, before it is written.
pub struct AgencyDraft {
    pub city: usize,
    pub name: String,
    pub uscc: String,
    pub legal_representative: String,
    /// The county it is registered in.
    pub region_code: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub business_scope: String,
    /// Regions served: its city, or the whole province.
    pub regions: Vec<String>,
}

impl AgencyDraft {
    /// The agency named `name`, of `city` and `trade` (indices into the word
    /// lists), with code tag `tag` and serial `serial`. `None` when the serial
    /// is past what the code can hold.
    pub fn new(
        (city, trade, name): (usize, usize, String),
        contact_email: String,
        tag: char,
        serial: u64,
        whole_province: bool,
        rng: &mut impl Rng,
    ) -> Option<AgencyDraft> {
        let home = CITIES.get(city)?;
        let (region_code, address) = address(home, rng);
        Some(AgencyDraft {
            uscc: synthetic_uscc(&region_code, tag, serial)?,
            legal_representative: person(rng),
            contact_name: person(rng),
            contact_phone: phone(home, rng),
            contact_email,
            business_scope: business_scope(TRADES.get(trade)?),
            regions: vec![if whole_province {
                crate::catalog::divisions::HOME_PROVINCE.to_owned()
            } else {
                home.code.to_owned()
            }],
            city,
            name,
            region_code,
            address,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use std::collections::HashSet;

    #[test]
    fn synthetic_codes_parse_and_differ() {
        let mut seen = HashSet::new();
        for serial in [0, 1, 30, 31, 961, 123_456, 28_629_150] {
            for (county, tag) in [("360102", 'D'), ("361102", 'G')] {
                let code = synthetic_uscc(county, tag, serial).expect("fits");
                assert_eq!(uscc::parse(&code), Ok(code.clone()), "{code}");
                assert!(seen.insert(code));
            }
        }
        assert_eq!(synthetic_uscc("360102", 'D', 28_629_151), None);
        assert_eq!(synthetic_uscc("3601", 'D', 1), None);
        assert_eq!(
            synthetic_uscc("360102", 'I', 1),
            None,
            "I is not in the set"
        );
    }

    #[test]
    fn demo_names_are_distinct_and_cover_every_city() {
        let names: Vec<(usize, usize, String)> = (0..40).map(demo_name).collect();
        let distinct: HashSet<&String> = names.iter().map(|(_, _, n)| n).collect();
        assert_eq!(distinct.len(), 40);
        let cities: HashSet<usize> = names.iter().map(|(c, _, _)| *c).collect();
        assert_eq!(cities.len(), CITIES.len());
        assert!(names.iter().all(|(_, _, n)| n.ends_with("有限公司")));
        assert_eq!(names[0].2, "南昌赣源测绘有限公司");
    }

    #[test]
    fn bench_names_are_unique_well_past_the_plain_combinations() {
        let mut seen = HashSet::new();
        for serial in (0..20_000).chain(BENCH_COMBINATIONS - 10..BENCH_COMBINATIONS + 10) {
            let (city, trade, name) = bench_name(serial);
            assert!(city < CITIES.len() && trade < TRADES.len());
            assert!(name.chars().count() >= 8, "{name}");
            assert!(seen.insert(name.clone()), "{serial}: {name} twice");
        }
        assert!(bench_name(BENCH_COMBINATIONS).2.ends_with("东湖区分公司"));
    }

    #[test]
    fn contacts_look_like_their_city() {
        let mut rng = StdRng::seed_from_u64(7);
        for city in &CITIES {
            let number = phone(city, &mut rng);
            assert!(
                number.starts_with(city.area_code) && number.len() == 13,
                "{number}"
            );
            let (county, text) = address(city, &mut rng);
            assert!(
                county.starts_with(&city.code[..4]),
                "{county} in {}",
                city.code
            );
            assert!(
                text.starts_with(city.name) && text.ends_with('楼'),
                "{text}"
            );
            let name = person(&mut rng);
            assert!((2..=4).contains(&name.chars().count()), "{name}");
        }
        assert!(demo_email(0, &TRADES[0]).contains("ganyuan-survey"));
    }
}
