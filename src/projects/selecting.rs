//! From the sign-up deadline to the award: closing the round, the selection
//! by the project's method, the winner's confirmation or abandonment,
//! publicity, failure (流标) and cancellation. Each step runs inside the
//! caller's write transaction, re-checks the status it starts from, and is
//! journaled; with writers serialized, a step done twice by two nodes or two
//! requests happens once.

use super::eligibility;
use super::model::{ProjectRow, SignupRow};
use super::rules::{
    next_signup_status, round_fails, ProjectAction, ProjectStatus, SignupAction, SignupStatus,
};
use super::selection::{self, Candidate, Method};
use super::service::{move_status, record, Loaded};
use crate::accounts::secrets::random_bytes;
use crate::calendar::WorkingCalendar;
use crate::config::{CreditRules, ProjectRules};
use crate::db::schema::{agencies, project_states, signups};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::messages;
use crate::supervision::Actor;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

/// The credit score of a sign-up whose score was not recorded (never for a
/// ranked one: the selection stores each agency's score at that moment).
pub const NEUTRAL_CREDIT: i32 = 60;

pub fn round_signups(conn: &mut DbConnection, loaded: &Loaded) -> QueryResult<Vec<SignupRow>> {
    signups::table
        .filter(signups::project_id.eq(loaded.id()))
        .filter(signups::round.eq(loaded.state.round))
        .order(signups::id.asc())
        .select(SignupRow::as_select())
        .load(conn)
}

fn owner_of(conn: &mut DbConnection, agency_id: i64) -> QueryResult<i64> {
    agencies::table
        .find(agency_id)
        .select(agencies::owner_user_id)
        .first(conn)
}

pub(super) fn move_signup(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    signup: &SignupRow,
    action: SignupAction,
    reason: Option<&str>,
) -> AppResult<SignupStatus> {
    let Some(next) = next_signup_status(signup.status(), action) else {
        return Err(AppError::Conflict {
            zh: format!(
                "报名当前状态为“{}”，不能{}。",
                signup.status().label_zh(),
                action.label_zh()
            ),
            en: format!(
                "A sign-up in status {} cannot {}.",
                signup.status().as_str(),
                action.as_str()
            ),
        });
    };
    diesel::update(signups::table.find(signup.id))
        .set((
            signups::status.eq(next.as_str()),
            signups::status_reason.eq(reason),
            signups::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(next)
}

/// Tells every agency that took part in the round (not withdrawn).
fn tell_participants(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &Loaded,
    subject: &str,
    body: &str,
) -> AppResult<()> {
    for signup in round_signups(conn, loaded)? {
        if signup.status() != SignupStatus::Withdrawn {
            let owner = owner_of(conn, signup.agency_id)?;
            messages::send(conn, now, owner, subject, body, &loaded.link())?;
        }
    }
    Ok(())
}

fn tell_applicant(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &Loaded,
    subject: &str,
    body: &str,
) -> AppResult<()> {
    messages::send(
        conn,
        now,
        loaded.project.applicant_user_id,
        subject,
        body,
        &loaded.link(),
    )?;
    Ok(())
}

fn set_state_time(
    conn: &mut DbConnection,
    id: i64,
    column: &str,
    at: Option<NaiveDateTime>,
) -> AppResult<()> {
    let target = project_states::table.find(id);
    match column {
        "signups_closed_at" => diesel::update(target)
            .set(project_states::signups_closed_at.eq(at))
            .execute(conn)?,
        "selected_at" => diesel::update(target)
            .set(project_states::selected_at.eq(at))
            .execute(conn)?,
        "publicity_ends_at" => diesel::update(target)
            .set(project_states::publicity_ends_at.eq(at))
            .execute(conn)?,
        "awarded_at" => diesel::update(target)
            .set(project_states::awarded_at.eq(at))
            .execute(conn)?,
        "cancelled_at" => diesel::update(target)
            .set(project_states::cancelled_at.eq(at))
            .execute(conn)?,
        _ => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "unknown state column {column}"
            )))
        }
    };
    Ok(())
}

fn public_signup(s: &SignupRow) -> serde_json::Value {
    json!({
        "signup_id": s.id,
        "agency_id": s.agency_id,
        "quote_fen": s.quote_fen,
        "quote_rate_bp": s.quote_rate_bp,
        "promised_days": s.promised_days,
        "draw_value": s.draw_value,
        "status": s.status,
    })
}

/// Whether a standing sign-up's agency still may take part at `now`; if not,
/// the sign-up is set aside with `why` and the agency is told.
fn still_eligible(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &Loaded,
    signup: &SignupRow,
    why: &str,
) -> AppResult<bool> {
    let agency = eligibility::agency(conn, signup.agency_id)?;
    if eligibility::eligible(conn, &loaded.project, &agency, now)? {
        return Ok(true);
    }
    move_signup(conn, now, signup, SignupAction::Disqualify, Some(why))?;
    messages::send(
        conn,
        now,
        agency.owner_user_id,
        "报名被取消",
        &format!(
            "贵机构对项目“{}”的报名被取消：{why}。",
            loaded.project.title
        ),
        &loaded.link(),
    )?;
    Ok(false)
}

/// The sign-up deadline passed: the sealed sign-ups open. Sign-ups whose agency
/// no longer qualifies are set aside; too few valid ones fail the round.
pub fn close_signups(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
) -> AppResult<()> {
    if loaded.status() != ProjectStatus::SigningUp
        || now.naive_utc() < loaded.project.signup_deadline
    {
        return Err(AppError::conflict(
            "报名尚未截止。",
            "The sign-up period has not ended.",
        ));
    }
    let mut valid = 0usize;
    for signup in round_signups(conn, loaded)? {
        if signup.status() != SignupStatus::Active {
            continue;
        }
        if still_eligible(conn, now, loaded, &signup, "报名截止时机构已不符合参与条件")?
        {
            valid += 1;
        }
    }
    move_status(conn, now, loaded, ProjectAction::CloseSignups)?;
    set_state_time(
        conn,
        loaded.id(),
        "signups_closed_at",
        Some(now.naive_utc()),
    )?;
    let opened: Vec<serde_json::Value> = round_signups(conn, loaded)?
        .iter()
        .filter(|s| s.status() != SignupStatus::Withdrawn)
        .map(public_signup)
        .collect();
    record(
        conn,
        now,
        &Actor::system(),
        "project.signups_opened",
        loaded.id(),
        json!({ "round": loaded.state.round, "valid": valid, "signups": opened }),
    )?;
    if round_fails(loaded.project.automatic(), valid, loaded.state.min_signups) {
        let reason = format!(
            "有效报名 {valid} 家，少于规定的 {} 家",
            loaded.state.min_signups.max(1)
        );
        return fail_round(conn, now, loaded, &Actor::system(), &reason);
    }
    tell_applicant(
        conn,
        now,
        loaded,
        "报名已截止",
        &format!(
            "项目“{}”报名已截止，有效报名 {valid} 家。",
            loaded.project.title
        ),
    )?;
    Ok(())
}

/// 流标: the round ends without a winner; the applicant may publish again.
pub fn fail_round(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    actor: &Actor,
    reason: &str,
) -> AppResult<()> {
    move_status(conn, now, loaded, ProjectAction::Fail)?;
    let failed = loaded.state.failed_rounds + 1;
    diesel::update(project_states::table.find(loaded.id()))
        .set((
            project_states::failed_rounds.eq(failed),
            project_states::status_reason.eq(reason),
        ))
        .execute(conn)?;
    loaded.state.failed_rounds = failed;
    record(
        conn,
        now,
        actor,
        "project.failed",
        loaded.id(),
        json!({ "round": loaded.state.round, "failed_rounds": failed, "reason": reason }),
    )?;
    let next_step = if super::rules::may_select_after_failures(failed) {
        "您可以修改后重新发布，或在已有报名中直接选取。"
    } else {
        "您可以修改后重新发布。"
    };
    tell_applicant(
        conn,
        now,
        loaded,
        "项目流标",
        &format!("项目“{}”流标：{reason}。{next_step}", loaded.project.title),
    )?;
    tell_participants(
        conn,
        now,
        loaded,
        "项目流标",
        &format!("您报名的项目“{}”流标：{reason}。", loaded.project.title),
    )?;
    Ok(())
}

/// A sign-up as the selection sees it. At a fixed price the stored amount is
/// the project's, not a quote, so the selection gets none.
pub fn candidate(s: &SignupRow, project: &ProjectRow) -> Candidate {
    let fixed = matches!(project.price_terms(), selection::PriceTerms::Fixed { .. });
    Candidate {
        signup_id: s.id,
        agency_id: s.agency_id,
        draw_value: s.draw_bytes(),
        quote_fen: s.quote_fen.filter(|_| !fixed),
        quote_rate_bp: s.quote_rate_bp,
        promised_days: s.promised_days,
        credit_score: s.credit_score.unwrap_or(NEUTRAL_CREDIT),
    }
}

fn candidates(
    conn: &mut DbConnection,
    loaded: &Loaded,
) -> QueryResult<Vec<(SignupRow, Candidate)>> {
    Ok(round_signups(conn, loaded)?
        .into_iter()
        .filter(|s| s.status() == SignupStatus::Active)
        .map(|s| {
            let candidate = candidate(&s, &loaded.project);
            (s, candidate)
        })
        .collect())
}

fn secret_of(loaded: &Loaded) -> AppResult<Vec<u8>> {
    loaded
        .state
        .draw_secret
        .as_deref()
        .and_then(|s| hex::decode(s).ok())
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "project {} has no draw secret",
                loaded.id()
            ))
        })
}

/// Runs the project's method over the valid sign-ups: every one is ranked
/// (the draw decides ties), the first is selected, the secret is revealed.
pub fn run_selection(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    actor: &Actor,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<()> {
    if loaded.status() != ProjectStatus::Selecting || !loaded.project.automatic() {
        return Err(AppError::conflict(
            "项目当前不在待选取状态，或已完成选取。",
            "The project is not waiting for an automatic selection, or it already ran.",
        ));
    }
    // Between the deadline and the selection time an agency may have been suspended.
    for signup in round_signups(conn, loaded)? {
        if signup.status() == SignupStatus::Active {
            still_eligible(conn, now, loaded, &signup, "选取时机构已不符合参与条件")?;
        }
    }
    // The credit record at this moment enters the selection, kept on each sign-up.
    let standing: Vec<SignupRow> = round_signups(conn, loaded)?
        .into_iter()
        .filter(|s| s.status() == SignupStatus::Active)
        .collect();
    let agency_ids: Vec<i64> = standing.iter().map(|s| s.agency_id).collect();
    let credit = crate::supervision::credit::scores_of(conn, &agency_ids, now)?;
    for s in &standing {
        let score = credit
            .get(&s.agency_id)
            .copied()
            .unwrap_or(i64::from(NEUTRAL_CREDIT));
        diesel::update(signups::table.find(s.id))
            .set(signups::credit_score.eq(i32::try_from(score).unwrap_or(NEUTRAL_CREDIT)))
            .execute(conn)?;
    }
    let pairs = candidates(conn, loaded)?;
    let list: Vec<Candidate> = pairs.iter().map(|(_, c)| c.clone()).collect();
    let secret = secret_of(loaded)?;
    let weights = loaded.project.weights();
    let ranked = match selection::rank(
        loaded.project.method(),
        &loaded.project.price_terms(),
        weights.as_ref(),
        &secret,
        &list,
    ) {
        Ok(ranked) => ranked,
        Err(selection::SelectionError::NoCandidates) => {
            return fail_round(conn, now, loaded, actor, "没有有效报名");
        }
        Err(other) => {
            let (zh, en) = other.messages();
            return Err(AppError::Conflict { zh, en });
        }
    };
    for r in &ranked {
        diesel::update(signups::table.find(r.signup_id))
            .set((
                signups::rank.eq(i32::try_from(r.rank).unwrap_or(i32::MAX)),
                signups::ticket.eq(&r.ticket),
                signups::score.eq(r.score),
            ))
            .execute(conn)?;
    }
    set_state_time(conn, loaded.id(), "selected_at", Some(now.naive_utc()))?;
    let seed = selection::draw_seed(&secret, &list);
    record(
        conn,
        now,
        actor,
        "project.selected",
        loaded.id(),
        json!({
            "round": loaded.state.round,
            "method": loaded.project.method,
            "secret": hex::encode(&secret),
            "seed": hex::encode(seed),
            "ranking": ranked.iter().map(|r| json!({"signup_id": r.signup_id, "agency_id": r.agency_id, "rank": r.rank, "ticket": r.ticket, "score": r.score})).collect::<Vec<_>>(),
        }),
    )?;
    tell_participants(
        conn,
        now,
        loaded,
        "选取已完成",
        &format!(
            "项目“{}”已按{}完成选取，排序与复算数据见项目页面。",
            loaded.project.title,
            loaded.project.method().label_zh()
        ),
    )?;
    let Some(first) = ranked.first() else {
        return fail_round(conn, now, loaded, actor, "没有有效报名");
    };
    let winner = signups::table
        .find(first.signup_id)
        .select(SignupRow::as_select())
        .first(conn)?;
    select_signup(
        conn,
        now,
        loaded,
        &winner,
        ProjectAction::Select,
        actor,
        calendar,
        rules,
    )
}

/// Makes a sign-up the selected one and asks its agency to confirm.
#[allow(clippy::too_many_arguments)]
fn select_signup(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    signup: &SignupRow,
    action: ProjectAction,
    actor: &Actor,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<()> {
    move_status(conn, now, loaded, action)?;
    move_signup(conn, now, signup, SignupAction::Select, None)?;
    let deadline = calendar.deadline_after(now, rules.confirmation_working_days);
    diesel::update(project_states::table.find(loaded.id()))
        .set((
            project_states::winner_signup_id.eq(Some(signup.id)),
            project_states::confirmation_deadline.eq(Some(deadline.naive_utc())),
            project_states::confirmation_reminded_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    if loaded.state.selected_at.is_none() {
        set_state_time(conn, loaded.id(), "selected_at", Some(now.naive_utc()))?;
    }
    record(
        conn,
        now,
        actor,
        "project.winner_selected",
        loaded.id(),
        json!({ "signup_id": signup.id, "agency_id": signup.agency_id, "confirmation_deadline": deadline }),
    )?;
    let agency_name: String = agencies::table
        .find(signup.agency_id)
        .select(agencies::name)
        .first(conn)?;
    let owner = owner_of(conn, signup.agency_id)?;
    let due = crate::web::format_time(deadline.naive_utc());
    messages::send(
        conn,
        now,
        owner,
        "您已被选中",
        &format!(
            "贵机构被选为项目“{}”（{}）的中选机构，请于 {due} 前确认或放弃。",
            loaded.project.title,
            loaded.number()
        ),
        &loaded.link(),
    )?;
    tell_applicant(
        conn,
        now,
        loaded,
        "已选出中介机构",
        &format!(
            "项目“{}”已选出“{agency_name}”，等待其于 {due} 前确认。",
            loaded.project.title
        ),
    )?;
    *loaded = super::service::load(conn, loaded.id())?;
    Ok(())
}

fn new_signup(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &Loaded,
    agency_id: i64,
) -> AppResult<SignupRow> {
    let user_id = owner_of(conn, agency_id)?;
    let id: i64 = diesel::insert_into(signups::table)
        .values((
            signups::project_id.eq(loaded.id()),
            signups::round.eq(loaded.state.round),
            signups::agency_id.eq(agency_id),
            signups::user_id.eq(user_id),
            signups::quote_fen.eq(fixed_quote(&loaded.project)),
            signups::promised_days.eq(loaded.project.service_days),
            signups::draw_value.eq(hex::encode(random_bytes())),
            signups::status.eq(SignupStatus::Active.as_str()),
            signups::created_at.eq(now.naive_utc()),
            signups::updated_at.eq(now.naive_utc()),
        ))
        .returning(signups::id)
        .get_result(conn)?;
    Ok(signups::table
        .find(id)
        .select(SignupRow::as_select())
        .first(conn)?)
}

fn fixed_quote(project: &ProjectRow) -> Option<i64> {
    match project.price_terms() {
        selection::PriceTerms::Fixed { amount_fen } => Some(amount_fen),
        _ => None,
    }
}

/// 直接选取 of the agency the project names: no sign-up phase, the agency is
/// selected the moment the project opens.
pub fn select_named(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    agency_id: i64,
    actor: &Actor,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<()> {
    move_status(conn, now, loaded, ProjectAction::CloseSignups)?;
    set_state_time(
        conn,
        loaded.id(),
        "signups_closed_at",
        Some(now.naive_utc()),
    )?;
    let signup = new_signup(conn, now, loaded, agency_id)?;
    record(
        conn,
        now,
        actor,
        "project.direct_selection",
        loaded.id(),
        json!({ "agency_id": agency_id, "reason": loaded.project.direct_reason }),
    )?;
    select_signup(
        conn,
        now,
        loaded,
        &signup,
        ProjectAction::Select,
        actor,
        calendar,
        rules,
    )
}

/// The applicant names one of the sign-ups: 直接选取 among sign-ups, or any
/// method after the second 流标.
#[allow(clippy::too_many_arguments)]
pub fn select_manually(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    signup_id: i64,
    reason: &str,
    actor: &Actor,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<()> {
    let allowed = match loaded.status() {
        ProjectStatus::Selecting => loaded.project.method() == Method::Direct,
        ProjectStatus::Failed => {
            super::rules::may_select_after_failures(loaded.state.failed_rounds)
        }
        _ => false,
    };
    if !allowed {
        return Err(AppError::conflict(
            "只有直接选取的项目，或连续两次流标后的项目，可以由项目业主在报名中选取。",
            "Only direct selection, or a project after its second failed round, lets the applicant pick a sign-up.",
        ));
    }
    let signup = round_signups(conn, loaded)?
        .into_iter()
        .find(|s| s.id == signup_id && s.status() == SignupStatus::Active)
        .ok_or_else(|| {
            AppError::invalid(
                "signup_id",
                "请在本轮有效报名中选择。",
                "signup_id must be a standing sign-up of this round.",
            )
        })?;
    let agency = eligibility::agency(conn, signup.agency_id)?;
    eligibility::require(conn, &loaded.project, agency.id, now)?;
    // The terms may have been edited after a failed round: the quote must fit them still.
    let quoted = candidate(&signup, &loaded.project);
    if let Err((_, zh, en)) = selection::check_quote(
        &loaded.project.price_terms(),
        quoted.quote_fen,
        quoted.quote_rate_bp,
    ) {
        return Err(AppError::Conflict {
            zh: format!("该报名的报价不符合项目现行条件：{zh}"),
            en,
        });
    }
    if loaded.state.selected_at.is_none() {
        set_state_time(conn, loaded.id(), "selected_at", Some(now.naive_utc()))?;
    }
    record(
        conn,
        now,
        actor,
        "project.manual_selection",
        loaded.id(),
        json!({ "signup_id": signup.id, "agency_id": signup.agency_id, "reason": reason }),
    )?;
    select_signup(
        conn,
        now,
        loaded,
        &signup,
        ProjectAction::Select,
        actor,
        calendar,
        rules,
    )
}

fn winner(conn: &mut DbConnection, loaded: &Loaded) -> AppResult<SignupRow> {
    let id = loaded.state.winner_signup_id.ok_or_else(|| {
        AppError::conflict("项目尚无中选机构。", "The project has no selected agency.")
    })?;
    Ok(signups::table
        .find(id)
        .select(SignupRow::as_select())
        .first(conn)?)
}

/// The selected agency confirms (the result goes to publicity) or abandons.
#[allow(clippy::too_many_arguments)]
pub fn confirm(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    agency_id: i64,
    accept: bool,
    reason: Option<&str>,
    actor: &Actor,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
    credit: &CreditRules,
) -> AppResult<()> {
    if loaded.status() != ProjectStatus::Confirming {
        return Err(AppError::conflict(
            "项目当前不在待确认状态。",
            "The project is not waiting for a confirmation.",
        ));
    }
    let signup = winner(conn, loaded)?;
    if signup.agency_id != agency_id {
        return Err(AppError::Forbidden);
    }
    if loaded
        .state
        .confirmation_deadline
        .is_some_and(|d| now.naive_utc() >= d)
    {
        return Err(AppError::conflict(
            "确认期限已过。",
            "The confirmation deadline has passed.",
        ));
    }
    if !accept {
        let Some(reason) = reason else {
            return Err(AppError::invalid(
                "reason",
                "放弃中选须说明理由。",
                "Abandoning needs a reason.",
            ));
        };
        return abandon(
            conn, now, loaded, &signup, reason, actor, calendar, rules, credit,
        );
    }
    move_signup(conn, now, &signup, SignupAction::Confirm, None)?;
    move_status(conn, now, loaded, ProjectAction::Confirm)?;
    let ends = calendar.deadline_after(now, rules.publicity_working_days);
    set_state_time(
        conn,
        loaded.id(),
        "publicity_ends_at",
        Some(ends.naive_utc()),
    )?;
    record(
        conn,
        now,
        actor,
        "project.confirmed",
        loaded.id(),
        json!({ "signup_id": signup.id, "agency_id": signup.agency_id, "publicity_ends_at": ends }),
    )?;
    let until = crate::web::format_time(ends.naive_utc());
    tell_applicant(
        conn,
        now,
        loaded,
        "中选机构已确认",
        &format!(
            "项目“{}”的中选结果已公示，公示期至 {until}。",
            loaded.project.title
        ),
    )?;
    tell_participants(
        conn,
        now,
        loaded,
        "中选结果公示",
        &format!(
            "项目“{}”的中选结果已公示，公示期至 {until}；如有异议请在公示期内提出。",
            loaded.project.title
        ),
    )?;
    *loaded = super::service::load(conn, loaded.id())?;
    Ok(())
}

/// 放弃中选 (or a missed confirmation): recorded against the agency, and the
/// selection passes on.
#[allow(clippy::too_many_arguments)]
fn abandon(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    signup: &SignupRow,
    reason: &str,
    actor: &Actor,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
    credit: &CreditRules,
) -> AppResult<()> {
    move_signup(conn, now, signup, SignupAction::Abandon, Some(reason))?;
    crate::supervision::journal(
        conn,
        now,
        actor,
        crate::supervision::Event {
            action: "signup.abandoned",
            entity_type: "agency",
            entity_id: signup.agency_id.to_string(),
            detail: json!({ "project_id": loaded.id(), "signup_id": signup.id, "reason": reason }),
        },
        crate::supervision::Publish::No,
    )?;
    tell_applicant(
        conn,
        now,
        loaded,
        "中选机构放弃中选",
        &format!("项目“{}”的中选机构放弃中选：{reason}", loaded.project.title),
    )?;
    let fact = crate::supervision::credit::Fact::Abandoned {
        at: now.naive_utc(),
        project: loaded.number(),
    };
    crate::supervision::credit_rules::after_fact(conn, now, signup.agency_id, &fact, credit)?;
    pass_on(conn, now, loaded, actor, calendar, rules)
}

/// The winner's confirmation deadline passed without an answer.
pub fn confirmation_missed(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
    credit: &CreditRules,
) -> AppResult<()> {
    let missed = loaded.status() == ProjectStatus::Confirming
        && loaded
            .state
            .confirmation_deadline
            .is_some_and(|d| now.naive_utc() >= d);
    if !missed {
        return Err(AppError::conflict(
            "确认期限未到。",
            "The confirmation deadline has not passed.",
        ));
    }
    let signup = winner(conn, loaded)?;
    abandon(
        conn,
        now,
        loaded,
        &signup,
        "逾期未确认中选",
        &Actor::system(),
        calendar,
        rules,
        credit,
    )
}

/// Selection passes to the next in the ranking; without a ranking (直接选取)
/// the applicant chooses again among the rest; with no one left the round fails.
fn pass_on(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    actor: &Actor,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<()> {
    let mut ranked: Vec<SignupRow> = round_signups(conn, loaded)?
        .into_iter()
        .filter(|s| s.status() == SignupStatus::Active && s.rank.is_some())
        .collect();
    ranked.sort_by_key(|s| s.rank);
    // The next in the ranking that still qualifies; the others are set aside.
    let mut next = None;
    for candidate in ranked {
        if still_eligible(conn, now, loaded, &candidate, "顺延时机构已不符合参与条件")?
        {
            next = Some(candidate);
            break;
        }
    }
    let rest: Vec<SignupRow> = round_signups(conn, loaded)?
        .into_iter()
        .filter(|s| s.status() == SignupStatus::Active)
        .collect();
    match next {
        Some(next) if loaded.project.automatic() => select_signup(
            conn,
            now,
            loaded,
            &next,
            ProjectAction::PassOn,
            actor,
            calendar,
            rules,
        ),
        _ if !loaded.project.automatic()
            && !rest.is_empty()
            && loaded.project.has_signup_phase() =>
        {
            move_status(conn, now, loaded, ProjectAction::Reselect)?;
            diesel::update(project_states::table.find(loaded.id()))
                .set((
                    project_states::winner_signup_id.eq(None::<i64>),
                    project_states::confirmation_deadline.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            record(conn, now, actor, "project.reselect", loaded.id(), json!({}))?;
            tell_applicant(
                conn,
                now,
                loaded,
                "请重新选取",
                &format!(
                    "项目“{}”需要在其余报名中重新选取中介机构。",
                    loaded.project.title
                ),
            )?;
            *loaded = super::service::load(conn, loaded.id())?;
            Ok(())
        }
        _ => fail_round(conn, now, loaded, actor, "中选机构放弃后没有可顺延的报名"),
    }
}

/// Publicity ended with no objection pending: the winner is awarded (中选).
pub fn award(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    actor: &Actor,
) -> AppResult<()> {
    let over = loaded
        .state
        .publicity_ends_at
        .is_some_and(|end| now.naive_utc() >= end);
    if loaded.status() != ProjectStatus::Publicity || !over {
        return Err(AppError::conflict(
            "公示期尚未结束。",
            "The publicity period has not ended.",
        ));
    }
    if super::objections::pending_count(conn, loaded.id())? > 0 {
        return Err(AppError::conflict(
            "尚有未处理的异议。",
            "An objection is still pending.",
        ));
    }
    move_status(conn, now, loaded, ProjectAction::Award)?;
    set_state_time(conn, loaded.id(), "awarded_at", Some(now.naive_utc()))?;
    let signup = winner(conn, loaded)?;
    record(
        conn,
        now,
        actor,
        "project.awarded",
        loaded.id(),
        json!({ "signup_id": signup.id, "agency_id": signup.agency_id }),
    )?;
    let owner = owner_of(conn, signup.agency_id)?;
    messages::send(
        conn,
        now,
        owner,
        "中选",
        &format!(
            "公示期满，贵机构中选项目“{}”，请与项目业主签订合同。",
            loaded.project.title
        ),
        &loaded.link(),
    )?;
    tell_applicant(
        conn,
        now,
        loaded,
        "公示期满，已确定中选机构",
        &format!("项目“{}”公示期满，可以签订合同。", loaded.project.title),
    )?;
    *loaded = super::service::load(conn, loaded.id())?;
    Ok(())
}

/// An upheld objection against the winner: it loses the selection, which
/// passes on as after an abandonment.
pub fn redo_selection(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    actor: &Actor,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<()> {
    let signup = winner(conn, loaded)?;
    move_signup(
        conn,
        now,
        &signup,
        SignupAction::Disqualify,
        Some("异议成立，取消中选资格"),
    )?;
    set_state_time(conn, loaded.id(), "publicity_ends_at", None)?;
    let owner = owner_of(conn, signup.agency_id)?;
    messages::send(
        conn,
        now,
        owner,
        "中选资格被取消",
        &format!(
            "针对项目“{}”的异议成立，贵机构的中选资格被取消。",
            loaded.project.title
        ),
        &loaded.link(),
    )?;
    pass_on(conn, now, loaded, actor, calendar, rules)
}

/// 终止 with a reason, before the award; everyone who signed up is told.
pub fn cancel_project(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    actor: &Actor,
    reason: &str,
) -> AppResult<()> {
    move_status(conn, now, loaded, ProjectAction::Cancel)?;
    diesel::update(project_states::table.find(loaded.id()))
        .set(project_states::status_reason.eq(reason))
        .execute(conn)?;
    set_state_time(conn, loaded.id(), "cancelled_at", Some(now.naive_utc()))?;
    // The approval record's step waits for another project.
    crate::approvals::service::release_in(conn, now, loaded.id(), reason)?;
    record(
        conn,
        now,
        actor,
        "project.cancelled",
        loaded.id(),
        json!({ "reason": reason }),
    )?;
    tell_participants(
        conn,
        now,
        loaded,
        "项目已终止",
        &format!("您报名的项目“{}”已终止：{reason}", loaded.project.title),
    )?;
    tell_applicant(
        conn,
        now,
        loaded,
        "项目已终止",
        &format!("项目“{}”已终止：{reason}", loaded.project.title),
    )?;
    Ok(())
}
