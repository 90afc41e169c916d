//! Collusion and anomaly signals (围标串标), as pure functions over plain
//! facts. Each signal explains itself and names its evidence; none is a
//! verdict — an administrator reviews it. Only rounds whose sign-ups have
//! closed are ever given to these functions: sealed data stays sealed.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

/// Co-bidding this often is a pattern worth a look.
pub const CO_BIDS_TO_FLAG: usize = 3;
/// Quotes at or above this share of the ceiling (in basis points) are "just under" it.
pub const NEAR_CEILING_BP: i64 = 9_800;
/// This many quotes just under the ceiling in one round make a cluster.
pub const NEAR_CEILING_COUNT: usize = 3;
/// An arithmetic sequence needs at least this many quotes.
pub const SEQUENCE_LENGTH: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyFacts {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub legal_representative: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bid {
    pub agency_id: i64,
    pub quote_fen: Option<i64>,
    pub quote_rate_bp: Option<i32>,
    pub ip: Option<String>,
}

/// One closed round of sign-ups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundFacts {
    pub project_id: i64,
    pub title: String,
    pub round: i32,
    /// The highest admissible quote, for amount quotes.
    pub ceiling_fen: Option<i64>,
    pub winner_agency: Option<i64>,
    pub bids: Vec<Bid>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    SharedPhone,
    SharedEmail,
    SharedAddress,
    SharedLegalRepresentative,
    SharedIp,
    IdenticalQuotes,
    QuoteSequence,
    NearCeiling,
    CoBidding,
    RotatingWinners,
}

impl SignalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::SharedPhone => "shared_phone",
            SignalKind::SharedEmail => "shared_email",
            SignalKind::SharedAddress => "shared_address",
            SignalKind::SharedLegalRepresentative => "shared_legal_representative",
            SignalKind::SharedIp => "shared_ip",
            SignalKind::IdenticalQuotes => "identical_quotes",
            SignalKind::QuoteSequence => "quote_sequence",
            SignalKind::NearCeiling => "near_ceiling",
            SignalKind::CoBidding => "co_bidding",
            SignalKind::RotatingWinners => "rotating_winners",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            SignalKind::SharedPhone => "联系电话相同",
            SignalKind::SharedEmail => "电子邮箱相同",
            SignalKind::SharedAddress => "地址相同",
            SignalKind::SharedLegalRepresentative => "法定代表人相同",
            SignalKind::SharedIp => "报名 IP 地址相同",
            SignalKind::IdenticalQuotes => "报价完全相同",
            SignalKind::QuoteSequence => "报价呈等差数列",
            SignalKind::NearCeiling => "报价集中贴近最高限价",
            SignalKind::CoBidding => "固定组合反复共同报名",
            SignalKind::RotatingWinners => "轮流中选",
        }
    }
}

/// One signal: what it is, why, and the evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Signal {
    /// Stable across recomputation: reviews are kept by it.
    pub key: String,
    pub kind: SignalKind,
    pub explanation: String,
    pub agency_ids: Vec<i64>,
    pub project_ids: Vec<i64>,
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

fn names(agencies: &[&AgencyFacts]) -> String {
    agencies
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// Agencies that share a phone, an e-mail, an address or a legal representative.
pub fn shared_contacts(agencies: &[AgencyFacts]) -> Vec<Signal> {
    type Normalise = fn(&AgencyFacts) -> String;
    // (kind, label, normal form, the fewest characters that mean something:
    // a phone has at least 7 digits, a Chinese name may have 2 characters).
    let attributes: [(SignalKind, &str, Normalise, usize); 4] = [
        (SignalKind::SharedPhone, "联系电话", |a| digits(&a.phone), 7),
        (
            SignalKind::SharedEmail,
            "电子邮箱",
            |a| squeeze(&a.email),
            5,
        ),
        (
            SignalKind::SharedAddress,
            "地址",
            |a| squeeze(&a.address),
            4,
        ),
        (
            SignalKind::SharedLegalRepresentative,
            "法定代表人",
            |a| squeeze(&a.legal_representative),
            2,
        ),
    ];
    let mut out = Vec::new();
    for (kind, label, normalise, shortest) in attributes {
        let mut groups: BTreeMap<String, Vec<&AgencyFacts>> = BTreeMap::new();
        for a in agencies {
            let value = normalise(a);
            // An empty field or a placeholder ("无", "暂无") says nothing.
            let placeholder = ["无", "暂无", "none", "n/a"].contains(&value.as_str());
            if value.chars().count() >= shortest && !placeholder {
                groups.entry(value).or_default().push(a);
            }
        }
        for (value, group) in groups.into_iter().filter(|(_, g)| g.len() >= 2) {
            let ids: Vec<i64> = group.iter().map(|a| a.id).collect();
            out.push(Signal {
                key: format!("{}:{}", kind.as_str(), join_ids(&ids)),
                kind,
                explanation: format!(
                    "{} 家机构的{label}相同（{value}）：{}。",
                    group.len(),
                    names(&group)
                ),
                agency_ids: ids,
                project_ids: Vec::new(),
            });
        }
    }
    out
}

fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join("-")
}

/// Different agencies signing up from the same IP address.
pub fn shared_ips(rounds: &[RoundFacts], agencies: &BTreeMap<i64, String>) -> Vec<Signal> {
    let mut by_ip: BTreeMap<&str, (BTreeSet<i64>, BTreeSet<i64>)> = BTreeMap::new();
    for r in rounds {
        for b in &r.bids {
            if let Some(ip) = b.ip.as_deref().filter(|ip| !ip.is_empty()) {
                let entry = by_ip.entry(ip).or_default();
                entry.0.insert(b.agency_id);
                entry.1.insert(r.project_id);
            }
        }
    }
    by_ip
        .into_iter()
        .filter(|(_, (agencies_seen, _))| agencies_seen.len() >= 2)
        .map(|(ip, (ids, projects))| {
            let ids: Vec<i64> = ids.into_iter().collect();
            Signal {
                key: format!("shared_ip:{ip}"),
                kind: SignalKind::SharedIp,
                explanation: format!(
                    "{} 家机构从同一 IP 地址 {ip} 报名：{}。",
                    ids.len(),
                    name_list(&ids, agencies)
                ),
                agency_ids: ids,
                project_ids: projects.into_iter().collect(),
            }
        })
        .collect()
}

fn name_list(ids: &[i64], agencies: &BTreeMap<i64, String>) -> String {
    ids.iter()
        .map(|id| {
            agencies
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("机构 {id}"))
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// A bid's quote as one comparable number and how it reads.
fn quote_of(b: &Bid) -> Option<(i64, String)> {
    match (b.quote_fen, b.quote_rate_bp) {
        (_, Some(bp)) => Some((i64::from(bp), format!("下浮 {}.{:02}%", bp / 100, bp % 100))),
        (Some(fen), None) => Some((fen, format!("{}.{:02} 元", fen / 100, fen % 100))),
        (None, None) => None,
    }
}

/// Within one round: identical quotes, quotes in an arithmetic sequence,
/// and quotes clustered just under the ceiling.
pub fn quote_patterns(round: &RoundFacts, agencies: &BTreeMap<i64, String>) -> Vec<Signal> {
    let mut out = Vec::new();
    let mut quotes: Vec<(i64, String, i64)> = round
        .bids
        .iter()
        .filter_map(|b| quote_of(b).map(|(v, text)| (v, text, b.agency_id)))
        .collect();
    quotes.sort();
    let key = |kind: SignalKind| format!("{}:{}:{}", kind.as_str(), round.project_id, round.round);
    // Identical quotes.
    let mut same: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (v, _, agency) in &quotes {
        same.entry(*v).or_default().push(*agency);
    }
    let identical: Vec<(&i64, &Vec<i64>)> = same.iter().filter(|(_, a)| a.len() >= 2).collect();
    if !identical.is_empty() {
        let mut ids: Vec<i64> = identical
            .iter()
            .flat_map(|(_, a)| a.iter().copied())
            .collect();
        ids.sort_unstable();
        let text = quotes
            .iter()
            .find(|(v, _, _)| v == identical[0].0)
            .map(|(_, t, _)| t.clone())
            .unwrap_or_default();
        out.push(Signal {
            key: key(SignalKind::IdenticalQuotes),
            kind: SignalKind::IdenticalQuotes,
            explanation: format!(
                "项目“{}”第 {} 轮中 {} 家机构报价完全相同（{text}）：{}。",
                round.title,
                round.round,
                ids.len(),
                name_list(&ids, agencies)
            ),
            agency_ids: ids,
            project_ids: vec![round.project_id],
        });
    }
    // An arithmetic sequence among the distinct quotes.
    let distinct: Vec<&(i64, String, i64)> = {
        let mut seen = BTreeSet::new();
        quotes.iter().filter(|(v, _, _)| seen.insert(*v)).collect()
    };
    if let Some(run) = longest_sequence(&distinct.iter().map(|q| q.0).collect::<Vec<_>>()) {
        if run.len() >= SEQUENCE_LENGTH {
            let members: Vec<&&(i64, String, i64)> =
                distinct.iter().filter(|q| run.contains(&q.0)).collect();
            let ids: Vec<i64> = members.iter().map(|q| q.2).collect();
            out.push(Signal {
                key: key(SignalKind::QuoteSequence),
                kind: SignalKind::QuoteSequence,
                explanation: format!(
                    "项目“{}”第 {} 轮中 {} 个报价等距排列（{}），报价可能由同一人编制：{}。",
                    round.title,
                    round.round,
                    members.len(),
                    members
                        .iter()
                        .map(|q| q.1.clone())
                        .collect::<Vec<_>>()
                        .join("、"),
                    name_list(&ids, agencies)
                ),
                agency_ids: ids,
                project_ids: vec![round.project_id],
            });
        }
    }
    // Clustered just under the ceiling (amount quotes only).
    if let Some(ceiling) = round.ceiling_fen.filter(|c| *c > 0) {
        let near: Vec<i64> = round
            .bids
            .iter()
            .filter(|b| b.quote_rate_bp.is_none())
            .filter(|b| {
                b.quote_fen
                    .is_some_and(|q| q <= ceiling && q * 10_000 >= ceiling * NEAR_CEILING_BP)
            })
            .map(|b| b.agency_id)
            .collect();
        if near.len() >= NEAR_CEILING_COUNT {
            out.push(Signal {
                key: key(SignalKind::NearCeiling),
                kind: SignalKind::NearCeiling,
                explanation: format!(
                    "项目“{}”第 {} 轮中 {} 家机构的报价都在最高限价 {}.{:02} 元的 98% 以上：{}。",
                    round.title,
                    round.round,
                    near.len(),
                    ceiling / 100,
                    ceiling % 100,
                    name_list(&near, agencies)
                ),
                agency_ids: near,
                project_ids: vec![round.project_id],
            });
        }
    }
    out
}

/// The longest run of sorted values with one equal, non-zero step.
fn longest_sequence(sorted: &[i64]) -> Option<Vec<i64>> {
    let mut best: Option<Vec<i64>> = None;
    for start in 0..sorted.len() {
        for next in start + 1..sorted.len() {
            let step = sorted[next] - sorted[start];
            if step == 0 {
                continue;
            }
            let mut run = vec![sorted[start], sorted[next]];
            let mut want = sorted[next] + step;
            for &v in &sorted[next + 1..] {
                if v == want {
                    run.push(v);
                    want += step;
                }
            }
            if best.as_ref().is_none_or(|b| run.len() > b.len()) {
                best = Some(run);
            }
        }
    }
    best
}

/// Pairs of agencies that keep signing up together, and pairs among them
/// that take turns winning.
pub fn co_bidding(rounds: &[RoundFacts], agencies: &BTreeMap<i64, String>) -> Vec<Signal> {
    let mut together: BTreeMap<(i64, i64), Vec<&RoundFacts>> = BTreeMap::new();
    for r in rounds {
        let ids: BTreeSet<i64> = r.bids.iter().map(|b| b.agency_id).collect();
        let ids: Vec<i64> = ids.into_iter().collect();
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                together.entry((*a, *b)).or_default().push(r);
            }
        }
    }
    let mut out = Vec::new();
    for ((a, b), shared) in together
        .into_iter()
        .filter(|(_, r)| r.len() >= CO_BIDS_TO_FLAG)
    {
        let ids = vec![a, b];
        let projects: Vec<i64> = shared.iter().map(|r| r.project_id).collect();
        out.push(Signal {
            key: format!("co_bidding:{a}-{b}"),
            kind: SignalKind::CoBidding,
            explanation: format!(
                "{} 共同报名了 {} 轮选取。",
                name_list(&ids, agencies),
                shared.len()
            ),
            agency_ids: ids.clone(),
            project_ids: projects.clone(),
        });
        let wins_a = shared.iter().filter(|r| r.winner_agency == Some(a)).count();
        let wins_b = shared.iter().filter(|r| r.winner_agency == Some(b)).count();
        if wins_a >= 1 && wins_b >= 1 {
            out.push(Signal {
                key: format!("rotating_winners:{a}-{b}"),
                kind: SignalKind::RotatingWinners,
                explanation: format!(
                    "{} 共同报名的 {} 轮中分别中选 {wins_a} 次和 {wins_b} 次，呈轮流中选。",
                    name_list(&ids, agencies),
                    shared.len()
                ),
                agency_ids: ids,
                project_ids: projects,
            });
        }
    }
    out
}

/// Every signal over the facts, ordered by kind then key.
pub fn detect(agencies: &[AgencyFacts], rounds: &[RoundFacts]) -> Vec<Signal> {
    let names: BTreeMap<i64, String> = agencies.iter().map(|a| (a.id, a.name.clone())).collect();
    let mut out = shared_contacts(agencies);
    out.extend(shared_ips(rounds, &names));
    for r in rounds {
        out.extend(quote_patterns(r, &names));
    }
    out.extend(co_bidding(rounds, &names));
    out.sort_by(|x, y| (x.kind, &x.key).cmp(&(y.kind, &y.key)));
    out
}

/// Whether a sign-up of `round` may be read: its round's sign-ups have
/// closed — an earlier round, or the current one once unsealed (pure).
pub fn readable(round: i32, current_round: i32, current_unsealed: bool) -> bool {
    round < current_round || (round == current_round && current_unsealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency(id: i64, phone: &str, email: &str, address: &str, legal: &str) -> AgencyFacts {
        AgencyFacts {
            id,
            name: format!("机构{id}"),
            phone: phone.into(),
            email: email.into(),
            address: address.into(),
            legal_representative: legal.into(),
        }
    }

    fn bid(agency_id: i64, fen: i64) -> Bid {
        Bid {
            agency_id,
            quote_fen: Some(fen),
            quote_rate_bp: None,
            ip: None,
        }
    }

    fn round(project_id: i64, bids: Vec<Bid>) -> RoundFacts {
        RoundFacts {
            project_id,
            title: format!("项目{project_id}"),
            round: 1,
            ceiling_fen: Some(5_000_000),
            winner_agency: None,
            bids,
        }
    }

    fn kinds(signals: &[Signal]) -> Vec<SignalKind> {
        signals.iter().map(|s| s.kind).collect()
    }

    #[test]
    fn shared_contacts_fire_on_the_same_value_and_not_on_different_ones() {
        let clean = [
            agency(
                1,
                "0791-8688 0001",
                "a@x.cn",
                "南昌市红谷滩区丰和中大道1号",
                "张三",
            ),
            agency(
                2,
                "0791-86880002",
                "b@x.cn",
                "南昌市红谷滩区丰和中大道2号",
                "李四",
            ),
        ];
        assert!(shared_contacts(&clean).is_empty());
        let related = [
            agency(
                1,
                "0791-8688 0001",
                "A@X.cn",
                "南昌市 红谷滩区丰和中大道1号",
                "张三",
            ),
            agency(
                2,
                "0791-86880001",
                "a@x.cn ",
                "南昌市红谷滩区丰和中大道1号",
                "张三",
            ),
            agency(3, "", "", "", "暂无"),
            agency(4, "", "", "", "暂无"),
        ];
        assert_eq!(
            kinds(&shared_contacts(&related)),
            [
                SignalKind::SharedPhone,
                SignalKind::SharedEmail,
                SignalKind::SharedAddress,
                SignalKind::SharedLegalRepresentative
            ],
            "formatting differences do not hide a match; empty fields match nothing"
        );
    }

    #[test]
    fn the_same_ip_for_different_agencies_fires_but_one_agency_twice_does_not() {
        let names = BTreeMap::new();
        let with_ip = |agency_id, ip: &str| Bid {
            ip: Some(ip.into()),
            ..bid(agency_id, 4_000_000)
        };
        let one = vec![
            round(1, vec![with_ip(1, "10.0.0.8"), with_ip(2, "10.0.0.9")]),
            round(2, vec![with_ip(1, "10.0.0.8")]),
        ];
        assert!(shared_ips(&one, &names).is_empty());
        let two = vec![
            round(1, vec![with_ip(1, "10.0.0.8")]),
            round(2, vec![with_ip(2, "10.0.0.8")]),
        ];
        let signals = shared_ips(&two, &names);
        assert_eq!(signals.len(), 1);
        assert_eq!(signals[0].agency_ids, [1, 2]);
        assert_eq!(signals[0].project_ids, [1, 2]);
    }

    #[test]
    fn quote_patterns_in_a_round() {
        let names = BTreeMap::new();
        let table: [(&str, Vec<Bid>, Vec<SignalKind>); 5] = [
            (
                "scattered",
                vec![bid(1, 3_120_000), bid(2, 4_415_500), bid(3, 3_777_700)],
                vec![],
            ),
            (
                "identical",
                vec![bid(1, 3_500_000), bid(2, 3_500_000), bid(3, 4_100_000)],
                vec![SignalKind::IdenticalQuotes],
            ),
            (
                "sequence",
                vec![
                    bid(1, 3_600_000),
                    bid(2, 3_700_000),
                    bid(3, 3_800_000),
                    bid(4, 4_410_000),
                ],
                vec![SignalKind::QuoteSequence],
            ),
            (
                "near ceiling",
                vec![bid(1, 4_950_000), bid(2, 4_990_000), bid(3, 4_920_001)],
                vec![SignalKind::NearCeiling],
            ),
            (
                "two near ceiling",
                vec![bid(1, 4_950_000), bid(2, 4_990_000), bid(3, 3_000_000)],
                vec![],
            ),
        ];
        for (name, bids, expected) in table {
            assert_eq!(
                kinds(&quote_patterns(&round(1, bids), &names)),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn a_pair_that_keeps_bidding_together_and_takes_turns_winning() {
        let names = BTreeMap::new();
        let mut rounds: Vec<RoundFacts> = (1..=3)
            .map(|p| {
                round(
                    p,
                    vec![bid(1, 4_000_000), bid(2, 4_100_000), bid(10 + p, 3_900_000)],
                )
            })
            .collect();
        assert_eq!(
            kinds(&co_bidding(&rounds[..2], &names)),
            [],
            "twice is not a pattern"
        );
        assert_eq!(kinds(&co_bidding(&rounds, &names)), [SignalKind::CoBidding]);
        rounds[0].winner_agency = Some(1);
        rounds[1].winner_agency = Some(2);
        assert_eq!(
            kinds(&co_bidding(&rounds, &names)),
            [SignalKind::CoBidding, SignalKind::RotatingWinners]
        );
    }

    #[test]
    fn only_closed_rounds_are_read() {
        assert!(readable(1, 2, false), "an earlier round closed");
        assert!(readable(2, 2, true));
        assert!(!readable(2, 2, false), "the current round is sealed");
    }
}
