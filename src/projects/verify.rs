//! `zhongjie verify draw`: recomputes a selection from its published data
//! alone — the commitment, the revealed secret, each sign-up's value, quote
//! and credit — and compares it with the published ranking.

use super::present;
use super::selection::{self, Candidate, Method, PriceTerms, Weights};
use super::service;
use super::views::DrawView;
use crate::db::schema::{audit_events, projects};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use diesel::prelude::*;

/// What the recomputation found; `problems` is empty when everything matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawCheck {
    pub lines: Vec<String>,
    pub problems: Vec<String>,
}

fn price_of(view: &DrawView) -> PriceTerms {
    let p = &view.price;
    PriceTerms::from_columns(
        &p.mode,
        p.amount_fen,
        p.floor_fen,
        p.ceiling_fen,
        p.rate_min_bp,
        p.rate_max_bp,
    )
}

fn decode32(hex_text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(hex_text).ok()?;
    bytes.try_into().ok()
}

/// Recomputes a published draw (pure).
pub fn check(view: &DrawView) -> DrawCheck {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let secret = hex::decode(&view.secret).unwrap_or_default();
    let commitment = selection::commitment(&secret);
    if commitment == view.commitment {
        lines.push(format!("承诺值相符 (commitment matches): {commitment}"));
    } else {
        problems.push(format!(
            "SHA-256(秘密值) = {commitment}，与公布的承诺值 {} 不符 (commitment mismatch)",
            view.commitment
        ));
    }
    let is_fixed = view.price.mode == "fixed";
    let candidates: Vec<Candidate> = view
        .entries
        .iter()
        .map(|e| Candidate {
            signup_id: e.signup_id,
            agency_id: e.agency.id,
            draw_value: decode32(&e.draw_value).unwrap_or([0; 32]),
            quote_fen: e.quote_fen.filter(|_| !is_fixed),
            quote_rate_bp: e.quote_rate_bp,
            promised_days: e.promised_days,
            credit_score: e.credit_score,
        })
        .collect();
    let seed = hex::encode(selection::draw_seed(&secret, &candidates));
    if seed != view.seed {
        problems.push(format!(
            "种子应为 {seed}，公布的是 {} (seed mismatch)",
            view.seed
        ));
    }
    let method = Method::parse(&view.method).unwrap_or(Method::Random);
    let weights = view.weights.as_ref().map(|w| Weights {
        price: w.price.unsigned_abs(),
        credit: w.credit.unsigned_abs(),
        time: w.time.unsigned_abs(),
    });
    match selection::rank(
        method,
        &price_of(view),
        weights.as_ref(),
        &secret,
        &candidates,
    ) {
        Ok(ranked) => {
            for r in &ranked {
                let published = view.entries.iter().find(|e| e.signup_id == r.signup_id);
                let agency = published.map(|e| e.agency.name.as_str()).unwrap_or("?");
                lines.push(format!(
                    "第 {} 名：报名 {}（{agency}）抽签值 {}",
                    r.rank, r.signup_id, r.ticket
                ));
                match published {
                    Some(e)
                        if i64::from(e.rank) == i64::from(r.rank)
                            && e.ticket == r.ticket
                            && e.score == r.score => {}
                    _ => problems.push(format!(
                        "报名 {} 的复算结果（第 {} 名）与公布的不一致 (ranking mismatch)",
                        r.signup_id, r.rank
                    )),
                }
            }
            let winner = ranked.first().map(|r| r.signup_id);
            if winner != view.winner_signup_id {
                problems.push(format!(
                    "复算的中选报名 {winner:?} 与公布的 {:?} 不一致 (winner mismatch)",
                    view.winner_signup_id
                ));
            }
        }
        Err(error) => problems.push(error.messages().0),
    }
    DrawCheck { lines, problems }
}

/// The audit trail kept the draw as it happened (`project.selected`, in the
/// hash chain): the published data must still say the same.
fn compare_with_the_record(
    conn: &mut DbConnection,
    view: &DrawView,
    result: &mut DrawCheck,
) -> AppResult<()> {
    let details: Vec<String> = audit_events::table
        .filter(audit_events::entity_type.eq("project"))
        .filter(audit_events::entity_id.eq(view.project_id.to_string()))
        .filter(audit_events::action.eq("project.selected"))
        .order(audit_events::seq.desc())
        .select(audit_events::detail)
        .load(conn)?;
    let recorded = details
        .iter()
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .find(|d| d["round"].as_i64() == Some(i64::from(view.round)));
    let Some(recorded) = recorded else {
        result
            .problems
            .push("审计记录中没有本轮的选取事件 (no project.selected event for this round)".into());
        return Ok(());
    };
    if recorded["secret"].as_str() != Some(view.secret.as_str()) {
        result
            .problems
            .push("公布的秘密值与选取时记录的不同 (secret differs from the audit record)".into());
    }
    if recorded["seed"].as_str() != Some(view.seed.as_str()) {
        result.problems.push(
            "种子与选取时记录的不同：报名随机值在选取后被改动 (seed differs from the audit record)"
                .into(),
        );
    }
    let ranking = recorded["ranking"].as_array().cloned().unwrap_or_default();
    for entry in &view.entries {
        let at_the_time = ranking
            .iter()
            .find(|r| r["signup_id"].as_i64() == Some(entry.signup_id));
        let same = at_the_time.is_some_and(|r| {
            r["rank"].as_i64() == Some(i64::from(entry.rank))
                && r["ticket"].as_str() == Some(entry.ticket.as_str())
        });
        if !same {
            result.problems.push(format!(
                "报名 {} 的名次或抽签值与选取时记录的不同 (ranking differs from the audit record)",
                entry.signup_id
            ));
        }
    }
    if result.problems.is_empty() {
        result
            .lines
            .push("与审计链中选取时的记录一致 (matches the audit record)".into());
    }
    Ok(())
}

/// Finds a project by its id or its number, and checks its draw.
pub fn verify(conn: &mut DbConnection, key: &str) -> AppResult<DrawCheck> {
    let key = key.trim();
    let id = match key.parse::<i64>() {
        Ok(id) => id,
        Err(_) => projects::table
            .filter(projects::number.eq(key))
            .select(projects::id)
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?,
    };
    let loaded = service::load(conn, id)?;
    let view = present::draw_view(conn, &loaded)?;
    let mut result = check(&view);
    compare_with_the_record(conn, &view, &mut result)?;
    result.lines.insert(
        0,
        format!(
            "项目 {}（第 {} 轮，{}）",
            view.number,
            view.round,
            method_label(&view.method)
        ),
    );
    Ok(result)
}

fn method_label(method: &str) -> &'static str {
    Method::parse(method).map(Method::label_zh).unwrap_or("")
}
