//! Selection of one agency among a project's sign-ups (报名): the draw, the
//! bidding order and the 综合评分 score. Pure functions over plain data, in
//! integers only, so anyone can re-compute a published result exactly.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;

/// A full part score: 100.00 points, in hundredths.
const FULL: i64 = 10_000;
/// 100 % in basis points.
const BP_100: i64 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Direct,
    Random,
    Bidding,
    Scoring,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Direct => "direct",
            Method::Random => "random",
            Method::Bidding => "bidding",
            Method::Scoring => "scoring",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        [
            Method::Direct,
            Method::Random,
            Method::Bidding,
            Method::Scoring,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Method::Direct => "直接选取",
            Method::Random => "随机抽取",
            Method::Bidding => "竞价选取",
            Method::Scoring => "综合评分",
        }
    }
}

/// How the price is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PriceTerms {
    /// A fixed amount in fen; sign-ups carry no quote.
    Fixed { amount_fen: i64 },
    /// Quotes in fen within [floor, ceiling].
    Amount { floor_fen: i64, ceiling_fen: i64 },
    /// Quotes as a discount rate (下浮率) in basis points (1 bp = 0.01 %), within
    /// [min, max], off `base_fen`. The base is the same for everyone, so ranking
    /// and scoring use the rate alone.
    Rate {
        base_fen: i64,
        min_bp: i32,
        max_bp: i32,
    },
}

impl PriceTerms {
    /// The terms as stored and published: a mode (`fixed`, `amount`, `rate`)
    /// and the amounts it uses; absent amounts read as zero.
    pub fn from_columns(
        mode: &str,
        amount_fen: Option<i64>,
        floor_fen: Option<i64>,
        ceiling_fen: Option<i64>,
        rate_min_bp: Option<i32>,
        rate_max_bp: Option<i32>,
    ) -> PriceTerms {
        match mode {
            "amount" => PriceTerms::Amount {
                floor_fen: floor_fen.unwrap_or(0),
                ceiling_fen: ceiling_fen.unwrap_or(0),
            },
            "rate" => PriceTerms::Rate {
                base_fen: amount_fen.unwrap_or(0),
                min_bp: rate_min_bp.unwrap_or(0),
                max_bp: rate_max_bp.unwrap_or(0),
            },
            _ => PriceTerms::Fixed {
                amount_fen: amount_fen.unwrap_or(0),
            },
        }
    }
}

/// Published weights of 综合评分, in whole percent, summing to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub price: u32,
    pub credit: u32,
    pub time: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub signup_id: i64,
    pub agency_id: i64,
    /// The sign-up's own random value for the draw (32 bytes).
    pub draw_value: [u8; 32],
    pub quote_fen: Option<i64>,
    pub quote_rate_bp: Option<i32>,
    /// Service time the agency promises, in days (> 0).
    pub promised_days: i32,
    /// The agency's credit score 0..=100 at the moment of the selection.
    pub credit_score: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    pub signup_id: i64,
    pub agency_id: i64,
    /// 1 = winner.
    pub rank: u32,
    /// hex of the candidate's draw ticket.
    pub ticket: String,
    /// 综合评分 total in hundredths of a point (0..=10000); None for other methods.
    pub score: Option<i64>,
    /// For 综合评分 the three part scores in hundredths (price, credit, time).
    pub parts: Option<[i64; 3]>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectionError {
    NoCandidates,
    /// A candidate lacks the quote the price terms need, or its quote is outside the band; carries signup_id.
    BadQuote(i64),
    /// 综合评分 divides by the promised days, so they must be > 0; carries signup_id.
    BadDays(i64),
    /// Weights missing (for 综合评分) or not summing to 100.
    BadWeights,
    /// Direct selection goes through `direct` instead (the applicant names the agency).
    NotAutomatic,
}

impl SelectionError {
    /// (Chinese, English) messages for the user.
    pub fn messages(&self) -> (String, String) {
        match self {
            SelectionError::NoCandidates => (
                "没有有效的报名，无法选取。".into(),
                "There are no valid sign-ups to select from.".into(),
            ),
            SelectionError::BadQuote(id) => (
                format!("报名 {id} 的报价缺失或不在允许范围内。"),
                format!("Sign-up {id} has a missing quote or one outside the allowed range."),
            ),
            SelectionError::BadDays(id) => (
                format!("报名 {id} 的承诺服务时限须大于 0 天。"),
                format!("Sign-up {id} must promise a service time of more than 0 days."),
            ),
            SelectionError::BadWeights => (
                "综合评分的权重须为整数百分比，且合计为 100。".into(),
                "The scoring weights must be whole percentages summing to 100.".into(),
            ),
            SelectionError::NotAutomatic => (
                "直接选取由采购人指定中介机构，不进行自动选取。".into(),
                "Direct selection is made by the applicant naming the agency, not automatically."
                    .into(),
            ),
        }
    }
}

impl std::fmt::Display for SelectionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.messages().1)
    }
}

impl std::error::Error for SelectionError {}

/// SHA-256 of the secret, hex: what the platform publishes when the project is published (the commitment).
pub fn commitment(secret: &[u8]) -> String {
    hex::encode(Sha256::digest(secret))
}

/// seed = SHA-256(secret ‖ draw_value_1 ‖ draw_value_2 ‖ …) with the values in
/// ascending signup_id order (the canonical order), raw bytes concatenated.
pub fn draw_seed(secret: &[u8], candidates: &[Candidate]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(secret);
    for c in canonical(candidates) {
        hasher.update(c.draw_value);
    }
    hasher.finalize().into()
}

/// A candidate's ticket: SHA-256(seed ‖ draw_value). Compared as big-endian
/// byte strings; the smallest ticket wins the draw.
pub fn ticket(seed: &[u8; 32], draw_value: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(seed);
    hasher.update(draw_value);
    hasher.finalize().into()
}

/// The candidates sorted by signup_id; the other fields only make duplicate
/// ids (which callers should never pass) independent of the input order too.
fn canonical(candidates: &[Candidate]) -> Vec<&Candidate> {
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by_key(|c| (c.signup_id, c.agency_id, c.draw_value));
    sorted
}

/// The price a quote stands for, lower is better: the amount in fen, or
/// 10000 − rate for a discount rate. None under a fixed price.
fn effective_price(price: &PriceTerms, c: &Candidate) -> Option<i64> {
    match price {
        PriceTerms::Fixed { .. } => None,
        PriceTerms::Amount { .. } => c.quote_fen,
        PriceTerms::Rate { .. } => c.quote_rate_bp.map(|r| BP_100 - i64::from(r)),
    }
}

/// best ÷ own × 100 points, in hundredths, rounded down. check_quote and the
/// day check keep `own` ≥ best ≥ 1, so the result lies in 0..=FULL.
fn ratio(best: i64, own: i64) -> i64 {
    if own <= 0 {
        return 0;
    }
    i64::try_from(i128::from(best) * i128::from(FULL) / i128::from(own)).unwrap_or(0)
}

struct Entry<'a> {
    c: &'a Candidate,
    ticket: [u8; 32],
    price: Option<i64>,
    /// (total, [price, credit, time]) for 综合评分.
    score: Option<(i64, [i64; 3])>,
}

/// Ranks every candidate by the method. Random: ascending ticket. Bidding:
/// Amount → lowest quote_fen first; Rate → highest quote_rate_bp first (under
/// Fixed there is nothing to bid, so the draw decides); ties by ascending
/// ticket. Scoring: highest total first, ties by ascending ticket.
pub fn rank(
    method: Method,
    price: &PriceTerms,
    weights: Option<&Weights>,
    secret: &[u8],
    candidates: &[Candidate],
) -> Result<Vec<Ranked>, SelectionError> {
    if method == Method::Direct {
        return Err(SelectionError::NotAutomatic);
    }
    if candidates.is_empty() {
        return Err(SelectionError::NoCandidates);
    }
    // Validate in canonical order so the reported culprit doesn't depend on input order.
    let sorted = canonical(candidates);
    for c in &sorted {
        check_quote(price, c.quote_fen, c.quote_rate_bp)
            .map_err(|_| SelectionError::BadQuote(c.signup_id))?;
    }
    let seed = draw_seed(secret, candidates);
    let mut entries: Vec<Entry> = sorted
        .iter()
        .map(|c| Entry {
            c,
            ticket: ticket(&seed, &c.draw_value),
            price: effective_price(price, c),
            score: None,
        })
        .collect();

    if method == Method::Scoring {
        let w = weights.ok_or(SelectionError::BadWeights)?;
        if u64::from(w.price) + u64::from(w.credit) + u64::from(w.time) != 100 {
            return Err(SelectionError::BadWeights);
        }
        if let Some(c) = sorted.iter().find(|c| c.promised_days <= 0) {
            return Err(SelectionError::BadDays(c.signup_id));
        }
        let min_price = entries.iter().filter_map(|e| e.price).min();
        let min_days = sorted.iter().map(|c| c.promised_days).min().unwrap_or(1);
        for e in &mut entries {
            let p = match (min_price, e.price) {
                (Some(best), Some(own)) => ratio(best, own),
                _ => FULL, // fixed price: everyone gets full marks
            };
            let cr = i64::from(e.c.credit_score.clamp(0, 100)) * 100;
            let t = ratio(i64::from(min_days), i64::from(e.c.promised_days));
            let sum = p * i64::from(w.price) + cr * i64::from(w.credit) + t * i64::from(w.time);
            e.score = Some((sum / 100, [p, cr, t]));
        }
    }

    entries.sort_by(|a, b| {
        let primary = match method {
            Method::Bidding => a.price.cmp(&b.price),
            // Totals only: equal totals go to the draw, whatever the parts.
            Method::Scoring => b.score.map(|s| s.0).cmp(&a.score.map(|s| s.0)),
            Method::Random | Method::Direct => Ordering::Equal,
        };
        primary
            .then_with(|| a.ticket.cmp(&b.ticket))
            .then_with(|| (a.c.signup_id, a.c.agency_id).cmp(&(b.c.signup_id, b.c.agency_id)))
    });

    Ok((1u32..)
        .zip(entries)
        .map(|(rank, e)| Ranked {
            signup_id: e.c.signup_id,
            agency_id: e.c.agency_id,
            rank,
            ticket: hex::encode(e.ticket),
            score: e.score.map(|s| s.0),
            parts: e.score.map(|s| s.1),
        })
        .collect())
}

/// Yuan with two decimals, for messages.
fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// A rate in percent with two decimals, for messages.
fn percent(bp: i32) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let a = bp.unsigned_abs();
    format!("{sign}{}.{:02}%", a / 100, a % 100)
}

type QuoteError = (&'static str, String, String);

/// Validates one quote against the price terms (used at sign-up time too).
/// Beyond the band, an amount must be > 0 and a rate < 100 %, since 综合评分
/// divides by the effective price.
pub fn check_quote(
    price: &PriceTerms,
    quote_fen: Option<i64>,
    quote_rate_bp: Option<i32>,
) -> Result<(), QuoteError> {
    use PriceTerms::*;
    const FEN: &str = "quote_fen";
    const RATE: &str = "quote_rate_bp";
    let (field, zh, en) = match (*price, quote_fen, quote_rate_bp) {
        (Fixed { .. }, Some(_), _) => (
            FEN,
            "本项目为固定价格，无需报价。",
            "This project has a fixed price; no quote is needed.",
        ),
        (Fixed { .. }, _, Some(_)) => (
            RATE,
            "本项目为固定价格，无需填写下浮率。",
            "This project has a fixed price; no discount rate is needed.",
        ),
        (Amount { .. }, None, _) => (FEN, "请填写报价金额。", "Please enter your quote."),
        (Amount { .. }, Some(q), _) if q <= 0 => (
            FEN,
            "报价金额须大于零。",
            "The quote must be greater than zero.",
        ),
        (
            Amount {
                floor_fen: lo,
                ceiling_fen: hi,
            },
            Some(q),
            _,
        ) if q < lo || q > hi => {
            let (lo, hi) = (yuan(lo), yuan(hi));
            return Err((
                FEN,
                format!("报价须在 {lo} 元至 {hi} 元之间。"),
                format!("The quote must be between {lo} and {hi} yuan."),
            ));
        }
        (Amount { .. }, _, Some(_)) => (
            RATE,
            "本项目按金额报价，请勿填写下浮率。",
            "This project takes quotes as amounts; leave the discount rate empty.",
        ),
        (Rate { .. }, _, None) => (RATE, "请填写下浮率。", "Please enter your discount rate."),
        (Rate { .. }, _, Some(r)) if i64::from(r) >= BP_100 => (
            RATE,
            "下浮率须小于 100%。",
            "The discount rate must be below 100%.",
        ),
        (
            Rate {
                min_bp: lo,
                max_bp: hi,
                ..
            },
            _,
            Some(r),
        ) if r < lo || r > hi => {
            let (lo, hi) = (percent(lo), percent(hi));
            return Err((
                RATE,
                format!("下浮率须在 {lo} 至 {hi} 之间。"),
                format!("The discount rate must be between {lo} and {hi}."),
            ));
        }
        (Rate { .. }, Some(_), _) => (
            FEN,
            "本项目按下浮率报价，请勿填写报价金额。",
            "This project takes quotes as discount rates; leave the amount empty.",
        ),
        _ => return Ok(()),
    };
    Err((field, zh.into(), en.into()))
}

/// The 综合评分 formula as published on the project page; it states exactly
/// what `rank` computes, including where it rounds.
pub fn scoring_formula_zh() -> &'static str {
    "总分 = 价格分 × 价格权重% + 信用分 × 信用权重% + 时限分 × 时限权重%，权重为整数百分比、合计 100。\
各项分数以 0.01 分为最小单位（满分 100.00 分）；每个分项单独计算，不足 0.01 分的部分舍去，\
总分由三个分项乘以权重相加后再舍去不足 0.01 分的部分。\
价格分：固定价格时各报名均为 100 分；按金额报价时，价格分 = 最低有效报价 ÷ 本人报价 × 100；\
按下浮率报价时，先将报价折算为价格系数 = 100% − 下浮率，价格分 = 最低价格系数 ÷ 本人价格系数 × 100（即下浮率最高者得 100 分）。\
信用分 = 选取时机构的信用分（0～100，超出范围按 0 或 100 计；无任何记录的机构为基础分 80 分）。\
时限分 = 最短承诺服务天数 ÷ 本人承诺服务天数 × 100。\
总分高者中选，其余按总分由高到低依次递补；总分相同时，按抽签号由小到大排序\
（抽签号 = SHA-256(种子 ‖ 本人报名随机值)，种子 = SHA-256(平台密钥 ‖ 按报名编号升序连接的全部报名随机值)，\
按字节由高位到低位比较）。"
}

#[cfg(test)]
mod tests {
    use super::*;
    use Method::*;
    use SelectionError::*;

    const SECRET: &[u8] = b"secret";
    const AMOUNT: PriceTerms = PriceTerms::Amount {
        floor_fen: 50_000,
        ceiling_fen: 120_000,
    };
    const RATE: PriceTerms = PriceTerms::Rate {
        base_fen: 100_000,
        min_bp: 0,
        max_bp: 3_000,
    };
    const FIXED: PriceTerms = PriceTerms::Fixed {
        amount_fen: 100_000,
    };
    const W: Weights = Weights {
        price: 50,
        credit: 30,
        time: 20,
    };

    /// A sign-up whose draw value is [id; 32].
    fn cand(id: i64, fen: Option<i64>, rate: Option<i32>, days: i32, credit: i32) -> Candidate {
        let byte = u8::try_from(id).unwrap();
        let (quote_fen, quote_rate_bp) = (fen, rate);
        let (promised_days, credit_score) = (days, credit);
        Candidate {
            signup_id: id,
            agency_id: 100 + id,
            draw_value: [byte; 32],
            quote_fen,
            quote_rate_bp,
            promised_days,
            credit_score,
        }
    }
    fn amt(id: i64, fen: i64) -> Candidate {
        cand(id, Some(fen), None, 10, 60)
    }
    fn rate(id: i64, bp: i32) -> Candidate {
        cand(id, None, Some(bp), 10, 60)
    }
    fn fixed(id: i64) -> Candidate {
        cand(id, None, None, 10, 60)
    }
    fn ids(r: &[Ranked]) -> Vec<i64> {
        r.iter().map(|x| x.signup_id).collect()
    }
    fn sha(parts: &[&[u8]]) -> [u8; 32] {
        parts
            .iter()
            .fold(Sha256::new(), |h, p| h.chain_update(p))
            .finalize()
            .into()
    }
    /// Which of signups 1 and 2 (draw values [1;32], [2;32]) holds the smaller ticket.
    fn lower_ticket_of_1_and_2(cs: &[Candidate]) -> [i64; 2] {
        let seed = draw_seed(SECRET, cs);
        if ticket(&seed, &[1; 32]) < ticket(&seed, &[2; 32]) {
            [1, 2]
        } else {
            [2, 1]
        }
    }

    #[test]
    fn commitment_seed_and_ticket_are_plain_sha256() {
        assert_eq!(commitment(SECRET), hex::encode(sha(&[SECRET])));
        // Canonical order: signup 1 before signup 2, whatever the input order.
        let seed = sha(&[SECRET, &[1; 32], &[2; 32]]);
        assert_eq!(draw_seed(SECRET, &[fixed(2), fixed(1)]), seed);
        assert_eq!(ticket(&seed, &[2; 32]), sha(&[&seed, &[2; 32]]));
    }

    #[test]
    fn pinned_vectors() {
        let seed = draw_seed(SECRET, &[fixed(1), fixed(2)]);
        let got = [
            commitment(SECRET),
            hex::encode(seed),
            hex::encode(ticket(&seed, &[1; 32])),
            hex::encode(ticket(&seed, &[2; 32])),
        ];
        // Cross-checked once with Python's hashlib; any change to the construction breaks these.
        let pinned = [
            "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b",
            "56895c928981b7dc28ccb689f846de41ed3c9bf5beb2dd86497e262b5d109501",
            "fa33be3cbb5e1929c67242392ff77feb67a8f24859cac2128e062f8862d1bc65",
            "1431a9293ffd09e3a36fbef9b43e62b91f1dc79af35af2d96385f1751bdef8b2",
        ];
        assert_eq!(got, pinned);
    }

    #[test]
    fn input_order_does_not_change_the_ranking() {
        let base = vec![
            cand(1, Some(80_000), None, 30, 60),
            cand(2, Some(100_000), None, 10, 95),
            cand(3, Some(80_000), None, 20, 80),
            cand(4, Some(90_000), None, 15, 70),
        ];
        for method in [Random, Bidding, Scoring] {
            let want = rank(method, &AMOUNT, Some(&W), SECRET, &base).unwrap();
            for k in 0..base.len() {
                let mut p = base.clone();
                p.rotate_left(k);
                assert_eq!(rank(method, &AMOUNT, Some(&W), SECRET, &p).unwrap(), want);
                p.reverse();
                assert_eq!(rank(method, &AMOUNT, Some(&W), SECRET, &p).unwrap(), want);
            }
        }
    }

    #[test]
    fn random_draw_orders_by_ascending_ticket() {
        let cs: Vec<Candidate> = (1..=6).map(fixed).collect();
        let r = rank(Random, &FIXED, None, SECRET, &cs).unwrap();
        let seed = draw_seed(SECRET, &cs);
        let smallest = cs
            .iter()
            .min_by_key(|c| ticket(&seed, &c.draw_value))
            .unwrap();
        assert_eq!(r[0].signup_id, smallest.signup_id);
        assert_eq!(
            r[0].ticket,
            hex::encode(ticket(&seed, &smallest.draw_value))
        );
        assert!(r.windows(2).all(|w| w[0].ticket < w[1].ticket));
        let mut seen = ids(&r);
        seen.sort();
        assert_eq!(seen, vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(
            r.iter().map(|x| x.rank).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5, 6]
        );
        assert!(r.iter().all(|x| x.score.is_none() && x.parts.is_none()));
    }

    #[test]
    fn bidding_scenarios() {
        let bid =
            |p: PriceTerms, cs: &[Candidate]| ids(&rank(Bidding, &p, None, SECRET, cs).unwrap());
        // Amount: the lowest quote wins, the rest follow by quote.
        let cs = [amt(1, 90_000), amt(2, 70_000), amt(3, 110_000)];
        assert_eq!(bid(AMOUNT, &cs), vec![2, 1, 3]);
        // Two equal quotes: the smaller ticket goes first (whether lowest or not).
        for (cs, lowest) in [
            ([amt(1, 70_000), amt(2, 70_000), amt(3, 90_000)], true),
            ([amt(1, 70_000), amt(2, 70_000), amt(3, 60_000)], false),
        ] {
            let [a, b] = lower_ticket_of_1_and_2(&cs);
            let want = if lowest { vec![a, b, 3] } else { vec![3, a, b] };
            assert_eq!(bid(AMOUNT, &cs), want);
        }
        // Rate: the highest discount wins.
        let cs = [rate(1, 500), rate(2, 2_500), rate(3, 1_000)];
        assert_eq!(bid(RATE, &cs), vec![2, 3, 1]);
    }

    #[test]
    fn scoring_cheapest_loses_on_credit_and_time() {
        // Weights 50/30/20; lowest quote 800.00 yuan, shortest time 10 days.
        let cs = [
            cand(1, Some(80_000), None, 30, 60), // cheapest, weak credit, slow
            cand(2, Some(100_000), None, 10, 95), // dearest, best credit, fastest
            cand(3, Some(90_000), None, 20, 80),
        ];
        let r = rank(Scoring, &AMOUNT, Some(&W), SECRET, &cs).unwrap();
        let got: Vec<_> = r
            .iter()
            .map(|x| (x.signup_id, x.rank, x.score, x.parts))
            .collect();
        let want = vec![
            // 8000*50 + 9500*30 + 10000*20 = 885000 → 8850
            (2, 1, Some(8_850), Some([8_000, 9_500, 10_000])),
            // 80000*10000/90000 = 8888.8 → 8888; 8888*50 + 8000*30 + 5000*20 = 784400 → 7844
            (3, 2, Some(7_844), Some([8_888, 8_000, 5_000])),
            // 10/30 → 3333; 10000*50 + 6000*30 + 3333*20 = 746660 → 7466 (floor of 7466.6)
            (1, 3, Some(7_466), Some([10_000, 6_000, 3_333])),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn scoring_price_part_by_rate_and_fixed_and_ties() {
        let w = Weights {
            price: 100,
            credit: 0,
            time: 0,
        };
        // e = 10000 − rate: 9000 vs 9500 → 9000*10000/9500 = 9473.68 → 9473.
        let r = rank(
            Scoring,
            &RATE,
            Some(&w),
            SECRET,
            &[rate(1, 500), rate(2, 1_000)],
        )
        .unwrap();
        let got: Vec<_> = r.iter().map(|x| (x.signup_id, x.score)).collect();
        assert_eq!(got, vec![(2, Some(10_000)), (1, Some(9_473))]);
        // Fixed price: full price part, credit clamped to 0..=100; equal totals go by ticket.
        let cs = [
            cand(1, None, None, 10, 150),
            cand(2, None, None, 10, 100),
            cand(3, None, None, 10, -5),
        ];
        let r = rank(Scoring, &FIXED, Some(&W), SECRET, &cs).unwrap();
        assert_eq!(
            (r[2].score, r[2].parts),
            (Some(7_000), Some([10_000, 0, 10_000]))
        );
        let [a, b] = lower_ticket_of_1_and_2(&cs);
        assert_eq!(ids(&r), vec![a, b, 3]);
        // Equal totals from different parts (10000/6000 vs 8000/8000 at 50/50) also go by ticket.
        let w = Weights {
            price: 50,
            credit: 50,
            time: 0,
        };
        let cs = [
            cand(1, Some(80_000), None, 10, 60),
            cand(2, Some(100_000), None, 10, 80),
        ];
        let r = rank(Scoring, &AMOUNT, Some(&w), SECRET, &cs).unwrap();
        assert_eq!((r[0].score, r[1].score), (Some(8_000), Some(8_000)));
        assert_eq!(ids(&r), lower_ticket_of_1_and_2(&cs).to_vec());
    }

    #[test]
    fn rank_rejects_invalid_input() {
        let w99 = Weights {
            price: 50,
            credit: 30,
            time: 19,
        };
        let run = |m, p: PriceTerms, w, cs: &[Candidate]| rank(m, &p, w, SECRET, cs).unwrap_err();
        // Each list is a scenario; the culprit is the lowest signup_id at fault.
        let valid = [amt(1, 80_000)];
        let below_floor = [amt(1, 80_000), amt(2, 49_999)];
        let above_ceiling = [amt(3, 120_001), amt(1, 80_000)];
        let missing_quote = [fixed(2)];
        let two_culprits = [amt(5, 1), rate(4, 1)];
        let zero_days = [amt(1, 80_000), cand(2, Some(80_000), None, 0, 60)];
        let cases = [
            (run(Random, AMOUNT, None, &[]), NoCandidates),
            (run(Direct, AMOUNT, None, &valid), NotAutomatic),
            (run(Bidding, AMOUNT, None, &below_floor), BadQuote(2)),
            (run(Random, AMOUNT, None, &above_ceiling), BadQuote(3)),
            (run(Bidding, AMOUNT, None, &missing_quote), BadQuote(2)),
            (run(Random, FIXED, None, &valid), BadQuote(1)), // a quote under a fixed price
            (run(Random, FIXED, None, &two_culprits), BadQuote(4)),
            (run(Scoring, AMOUNT, None, &valid), BadWeights),
            (run(Scoring, AMOUNT, Some(&w99), &valid), BadWeights),
            (run(Scoring, AMOUNT, Some(&W), &zero_days), BadDays(2)),
        ];
        for (i, (got, want)) in cases.into_iter().enumerate() {
            assert_eq!(got, want, "case {i}");
        }
        let (zh, en) = BadQuote(7).messages();
        assert!(zh.contains('7') && en.contains('7'));
    }

    #[test]
    fn check_quote_table() {
        let field = |p: PriceTerms, fen, rate| check_quote(&p, fen, rate).err().map(|e| e.0);
        let (fen, rate_bp) = (Some("quote_fen"), Some("quote_rate_bp"));
        let zero_floor = PriceTerms::Amount {
            floor_fen: 0,
            ceiling_fen: 10,
        };
        let up_to_100 = PriceTerms::Rate {
            base_fen: 100_000,
            min_bp: 0,
            max_bp: 10_000,
        };
        let cases = [
            ("fixed, nothing", field(FIXED, None, None), None),
            ("fixed, amount given", field(FIXED, Some(1), None), fen),
            ("fixed, rate given", field(FIXED, None, Some(1)), rate_bp),
            ("at floor", field(AMOUNT, Some(50_000), None), None),
            ("at ceiling", field(AMOUNT, Some(120_000), None), None),
            ("below floor", field(AMOUNT, Some(49_999), None), fen),
            ("above ceiling", field(AMOUNT, Some(120_001), None), fen),
            ("amount missing", field(AMOUNT, None, None), fen),
            (
                "amount and rate",
                field(AMOUNT, Some(60_000), Some(1)),
                rate_bp,
            ),
            ("zero amount", field(zero_floor, Some(0), None), fen),
            ("rate at min", field(RATE, None, Some(0)), None),
            ("rate at max", field(RATE, None, Some(3_000)), None),
            ("rate above max", field(RATE, None, Some(3_001)), rate_bp),
            ("rate missing", field(RATE, None, None), rate_bp),
            ("rate plus amount", field(RATE, Some(1), Some(100)), fen),
            ("rate 100%", field(up_to_100, None, Some(10_000)), rate_bp),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
        let (_, zh, en) = check_quote(&AMOUNT, Some(1), None).unwrap_err();
        assert_eq!(zh, "报价须在 500.00 元至 1200.00 元之间。");
        assert_eq!(en, "The quote must be between 500.00 and 1200.00 yuan.");
        let (_, zh, en) = check_quote(&RATE, None, Some(-1)).unwrap_err();
        assert_eq!(zh, "下浮率须在 0.00% 至 30.00% 之间。");
        assert_eq!(en, "The discount rate must be between 0.00% and 30.00%.");
    }

    #[test]
    fn method_names_round_trip() {
        for m in [Direct, Random, Bidding, Scoring] {
            assert_eq!(Method::parse(m.as_str()), Some(m));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.as_str())
            );
        }
        assert_eq!(Method::parse("lottery"), None);
        assert_eq!(Scoring.label_zh(), "综合评分");
    }
}
