//! Builds the views of projects. This is where sealing is enforced for
//! every read path: the list of sign-ups, their quotes and the draw's
//! secret leave the database only once the round has opened.

use super::input::{AreaUnit, QualificationMode};
use super::model::{ObjectionRow, SignupRow};
use super::rules::{ProjectStatus, SignupStatus};
use super::selecting::round_signups;
use super::selection::{self, Method};
use super::service::{avoidances_of, requirements_of, standing_count, Loaded};
use super::views::*;
use crate::accounts::Role;
use crate::catalog::service as catalog;
use crate::config::ProjectRules;
use crate::db::schema::{
    agencies, divisions, objection_attachments, service_items, signups, users,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// 1234567 fen → "12,345.67 元".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02} 元", fen % 100)
}

/// 350 bp → "3.50%".
pub fn percent_bp(bp: i32) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

fn agency_ref(conn: &mut DbConnection, id: i64) -> QueryResult<NamedRef> {
    let name: String = agencies::table
        .find(id)
        .select(agencies::name)
        .first(conn)?;
    Ok(NamedRef { id, name })
}

pub fn price_view(loaded: &Loaded) -> PriceView {
    let p = &loaded.project;
    let label = match p.price_terms() {
        selection::PriceTerms::Fixed { amount_fen } => format!("固定服务金额 {}", yuan(amount_fen)),
        selection::PriceTerms::Amount {
            floor_fen,
            ceiling_fen,
        } => {
            format!(
                "金额报价：最低价 {}，最高限价 {}",
                yuan(floor_fen),
                yuan(ceiling_fen)
            )
        }
        selection::PriceTerms::Rate {
            base_fen,
            min_bp,
            max_bp,
        } => format!(
            "下浮率报价：基数 {}，下浮 {}–{}",
            yuan(base_fen),
            percent_bp(min_bp),
            percent_bp(max_bp)
        ),
    };
    PriceView {
        mode: p.price_mode.clone(),
        amount_fen: p.amount_fen,
        floor_fen: p.floor_fen,
        ceiling_fen: p.ceiling_fen,
        rate_min_bp: p.rate_min_bp,
        rate_max_bp: p.rate_max_bp,
        label,
    }
}

fn weights_view(loaded: &Loaded) -> Option<WeightsView> {
    let w = loaded.project.weights()?;
    let whole = |v: u32| i32::try_from(v).unwrap_or(0);
    Some(WeightsView {
        price: whole(w.price),
        credit: whole(w.credit),
        time: whole(w.time),
        formula: selection::scoring_formula_zh().to_owned(),
    })
}

fn scale_view(loaded: &Loaded) -> ScaleView {
    let p = &loaded.project;
    if p.scale_kind == "amount" {
        ScaleView {
            kind: "amount".into(),
            amount_fen: Some(p.scale_value),
            area: None,
            unit: None,
            label: format!("投资额 {}", yuan(p.scale_value)),
        }
    } else {
        let area = format!("{}.{:02}", p.scale_value / 100, p.scale_value % 100);
        let unit = AreaUnit::parse(&p.scale_unit)
            .map(AreaUnit::label_zh)
            .unwrap_or("");
        ScaleView {
            kind: "area".into(),
            amount_fen: None,
            label: format!("面积 {area} {unit}"),
            area: Some(area),
            unit: Some(p.scale_unit.clone()),
        }
    }
}

pub fn signup_view(conn: &mut DbConnection, s: &SignupRow) -> AppResult<SignupView> {
    Ok(SignupView {
        id: s.id,
        round: s.round,
        agency: agency_ref(conn, s.agency_id)?,
        quote_fen: s.quote_fen,
        quote_rate_bp: s.quote_rate_bp,
        promised_days: s.promised_days,
        draw_value: s.draw_value.clone(),
        status: s.status.clone(),
        status_label: s.status().label_zh().to_owned(),
        status_reason: s.status_reason.clone(),
        rank: s.rank,
        ticket: s.ticket.clone(),
        score: s.score,
        created_at: utc(s.created_at),
        updated_at: utc(s.updated_at),
    })
}

pub fn objection_view(conn: &mut DbConnection, o: &ObjectionRow) -> AppResult<ObjectionView> {
    let attachment_ids = objection_attachments::table
        .filter(objection_attachments::objection_id.eq(o.id))
        .select(objection_attachments::attachment_id)
        .load(conn)?;
    Ok(ObjectionView {
        id: o.id,
        project_id: o.project_id,
        round: o.round,
        agency: o.agency_id.map(|id| agency_ref(conn, id)).transpose()?,
        reason: o.reason.clone(),
        attachment_ids,
        status: o.status.clone(),
        status_label: o.status().label_zh().to_owned(),
        outcome: o.outcome.clone(),
        answer: o.answer.clone(),
        decided_at: o.decided_at.map(utc),
        created_at: utc(o.created_at),
    })
}

fn applicant_ref(conn: &mut DbConnection, user_id: i64) -> QueryResult<NamedRef> {
    let (display, org): (String, Option<String>) = users::table
        .find(user_id)
        .select((users::display_name, users::organization_name))
        .first(conn)?;
    Ok(NamedRef {
        id: user_id,
        name: org.filter(|o| !o.is_empty()).unwrap_or(display),
    })
}

fn item_ref(conn: &mut DbConnection, id: i64) -> QueryResult<NamedRef> {
    let name: String = service_items::table
        .find(id)
        .select(service_items::name)
        .first(conn)?;
    Ok(NamedRef { id, name })
}

fn region_ref(conn: &mut DbConnection, code: &str) -> AppResult<RegionRef> {
    let name: Option<String> = divisions::table
        .find(code)
        .select(divisions::name)
        .first(conn)
        .optional()?;
    Ok(RegionRef {
        code: code.to_owned(),
        name: name.unwrap_or_default(),
    })
}

/// The whole project as this viewer may see it.
pub fn project_view(
    conn: &mut DbConnection,
    loaded: &Loaded,
    user: Option<&CurrentUser>,
    rules: &ProjectRules,
) -> AppResult<ProjectView> {
    let p = &loaded.project;
    let st = &loaded.state;
    let status = loaded.status();
    let types = catalog::types_by_id(conn)?;
    let requirements = requirements_of(conn, p.id)?
        .into_iter()
        .map(|r| RequirementView {
            name: types
                .get(&r.qualification_type_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            qualification_type_id: r.qualification_type_id,
            min_level: r.min_level,
        })
        .collect();
    let mut avoid = Vec::new();
    for a in avoidances_of(conn, p.id)? {
        avoid.push(AvoidView {
            agency_name: agency_ref(conn, a.agency_id)?.name,
            agency_id: a.agency_id,
            reason: a.reason,
        });
    }
    // Sealed: before the round opens, nothing but the count leaves here.
    let opened = loaded.unsealed();
    let round = if opened {
        round_signups(conn, loaded)?
    } else {
        Vec::new()
    };
    let signups = if opened {
        let mut list = Vec::new();
        for s in round
            .iter()
            .filter(|s| s.status() != SignupStatus::Withdrawn)
        {
            list.push(signup_view(conn, s)?);
        }
        Some(list)
    } else {
        None
    };
    let winner = match st.winner_signup_id {
        Some(id) if opened => {
            let row = signups::table
                .find(id)
                .select(SignupRow::as_select())
                .first(conn)?;
            Some(signup_view(conn, &row)?)
        }
        _ => None,
    };
    let my_signup = match user {
        Some(u) => super::signups::own_signup(conn, loaded, u)?
            .map(|s| signup_view(conn, &s))
            .transpose()?,
        None => None,
    };
    let involved = user.is_some_and(|u| {
        u.role() == Role::Admin
            || u.user.id == p.applicant_user_id
            || (opened && my_signup.is_some())
    });
    let objections = if involved {
        super::objections::of_project(conn, p.id)?
    } else {
        Vec::new()
    };
    let method = p.method();
    Ok(ProjectView {
        id: p.id,
        number: loaded.number(),
        title: p.title.clone(),
        status: status.as_str().to_owned(),
        status_label: status.label_zh().to_owned(),
        status_reason: st.status_reason.clone(),
        applicant: applicant_ref(conn, p.applicant_user_id)?,
        service_item: item_ref(conn, p.service_item_id)?,
        investment_code: p.investment_code.clone(),
        region: region_ref(conn, &p.region_code)?,
        scale: scale_view(loaded),
        fiscal_share_percent: p.fiscal_share_percent,
        social_share_percent: 100 - p.fiscal_share_percent,
        service_content: p.service_content.clone(),
        service_days: p.service_days,
        method: method.as_str().to_owned(),
        method_label: method.label_zh().to_owned(),
        price: price_view(loaded),
        weights: weights_view(loaded),
        qualification_mode: QualificationMode::parse(&p.qualification_mode)
            .unwrap_or(QualificationMode::Any)
            .as_str()
            .to_owned(),
        requirements,
        avoid,
        contact_name: p.contact_name.clone(),
        contact_phone: p.contact_phone.clone(),
        complaint_phone: p.complaint_phone.clone(),
        signup_deadline: utc(p.signup_deadline),
        selection_at: utc(p.selection_at),
        direct_agency: p
            .direct_agency_id
            .map(|id| agency_ref(conn, id))
            .transpose()?,
        direct_reason: p.direct_reason.clone(),
        round: st.round,
        failed_rounds: st.failed_rounds,
        min_signups: st.min_signups,
        signup_count: if loaded.is_public() {
            standing_count(conn, loaded)?
        } else {
            0
        },
        draw_commitment: st.draw_commitment.clone(),
        published_at: st.published_at.map(utc),
        selected_at: st.selected_at.map(utc),
        confirmation_deadline: st.confirmation_deadline.map(utc),
        publicity_ends_at: st.publicity_ends_at.map(utc),
        awarded_at: st.awarded_at.map(utc),
        contract_due_at: match st.awarded_at {
            Some(at) => Some(
                crate::calendar::load_in(conn)?
                    .deadline_after(utc(at), rules.contract_working_days),
            ),
            None => None,
        },
        cancelled_at: st.cancelled_at.map(utc),
        winner,
        signups,
        my_signup,
        objections,
        created_at: utc(p.created_at),
    })
}

pub fn summary(conn: &mut DbConnection, loaded: &Loaded) -> AppResult<ProjectSummary> {
    let method = loaded.project.method();
    Ok(ProjectSummary {
        id: loaded.id(),
        number: loaded.number(),
        title: loaded.project.title.clone(),
        status: loaded.status().as_str().to_owned(),
        status_label: loaded.status().label_zh().to_owned(),
        service_item: item_ref(conn, loaded.project.service_item_id)?,
        region: region_ref(conn, &loaded.project.region_code)?,
        method: method.as_str().to_owned(),
        method_label: method.label_zh().to_owned(),
        price_label: price_view(loaded).label,
        signup_deadline: utc(loaded.project.signup_deadline),
        published_at: loaded.state.published_at.map(utc),
        signup_count: if loaded.is_public() {
            standing_count(conn, loaded)?
        } else {
            0
        },
    })
}

pub const DRAW_PROCEDURE: &str = "验证方法（所有值以十六进制显示，计算时先解码为字节）：① SHA-256(秘密值) 应等于发布时公布的承诺值；② 将各报名按报名编号从小到大排列，把秘密值与各报名随机值依次相连，计算 SHA-256 得到种子；③ 每个报名的抽签值 = SHA-256(种子 ‖ 该报名随机值)；④ 随机抽取按抽签值从小到大排序，第一名中选；竞价选取按金额报价从低到高（下浮率报价从高到低）排序，综合评分按总分从高到低排序，相同时均按抽签值从小到大。命令行可用 zhongjie verify draw <项目编号> 复算。";

/// Everything needed to recompute the selection; public once it ran.
pub fn draw_view(conn: &mut DbConnection, loaded: &Loaded) -> AppResult<DrawView> {
    let (Some(secret), Some(selected_at)) =
        (loaded.state.revealed_secret(), loaded.state.selected_at)
    else {
        return Err(AppError::NotFound);
    };
    if !loaded.is_public()
        || loaded.project.method() == Method::Direct
        || loaded.status() == ProjectStatus::SigningUp
    {
        return Err(AppError::NotFound);
    }
    let ranked: Vec<SignupRow> = round_signups(conn, loaded)?
        .into_iter()
        .filter(|s| s.rank.is_some())
        .collect();
    if ranked.is_empty() {
        return Err(AppError::NotFound);
    }
    let secret_bytes = hex::decode(secret).unwrap_or_default();
    let candidates: Vec<selection::Candidate> = ranked
        .iter()
        .map(|s| super::selecting::candidate(s, &loaded.project))
        .collect();
    let seed = selection::draw_seed(&secret_bytes, &candidates);
    let mut entries = Vec::new();
    for s in &ranked {
        entries.push(DrawEntry {
            signup_id: s.id,
            agency: agency_ref(conn, s.agency_id)?,
            draw_value: s.draw_value.clone(),
            quote_fen: s.quote_fen,
            quote_rate_bp: s.quote_rate_bp,
            promised_days: s.promised_days,
            credit_score: s.credit_score.unwrap_or(super::selecting::NEUTRAL_CREDIT),
            ticket: s.ticket.clone().unwrap_or_default(),
            rank: s.rank.unwrap_or_default(),
            score: s.score,
        });
    }
    let first = ranked.iter().find(|s| s.rank == Some(1)).map(|s| s.id);
    Ok(DrawView {
        project_id: loaded.id(),
        number: loaded.number(),
        round: loaded.state.round,
        method: loaded.project.method.clone(),
        price: price_view(loaded),
        weights: weights_view(loaded),
        commitment: loaded.state.draw_commitment.clone().unwrap_or_default(),
        secret: secret.to_owned(),
        seed: hex::encode(seed),
        entries,
        winner_signup_id: first,
        selected_at: utc(selected_at),
        procedure: DRAW_PROCEDURE.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_yuan() {
        assert_eq!(yuan(0), "0.00 元");
        assert_eq!(yuan(5), "0.05 元");
        assert_eq!(yuan(123_456_789), "1,234,567.89 元");
        assert_eq!(percent_bp(350), "3.50%");
    }
}
