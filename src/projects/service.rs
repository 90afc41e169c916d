//! Projects: drafting, publication through review, cancellation, and reading
//! them as each viewer may.

use super::input::{
    self, AvoidInput, CheckContext, ProjectInput, RequirementInput, Scale, ValidProject,
};
use super::model::{ProjectRow, ProjectStateRow};
use super::rules::{next_project_status, ProjectAction, ProjectStatus};
use super::selection;
use super::views::{ProjectList, ProjectSummary, ProjectView};
use super::{eligibility, present, selecting};
use crate::accounts::secrets::random_bytes;
use crate::accounts::Role;
use crate::app::AppState;
use crate::calendar::WorkingCalendar;
use crate::catalog::service as catalog;
use crate::config::ProjectRules;
use crate::db::schema::{
    agencies, project_avoidances, project_requirements, project_states, projects, signups, users,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::{journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use crate::web::paging::Paging;
use chrono::{DateTime, Datelike, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};

/// A project with where it stands.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub project: ProjectRow,
    pub state: ProjectStateRow,
}

impl Loaded {
    pub fn status(&self) -> ProjectStatus {
        self.state.status()
    }

    pub fn id(&self) -> i64 {
        self.project.id
    }

    pub fn number(&self) -> String {
        self.project.number.clone().unwrap_or_default()
    }

    /// Public once it was ever published: a draft cancelled before review stays private.
    pub fn is_public(&self) -> bool {
        self.state.published_at.is_some()
    }

    /// Whether the current round's sign-ups are open to read: only once its
    /// sign-up period closed. A round cancelled before that stays sealed for good.
    pub fn unsealed(&self) -> bool {
        self.state.signups_closed_at.is_some()
    }

    pub fn link(&self) -> String {
        format!("/projects/{}", self.project.id)
    }
}

pub fn actor(user: &CurrentUser) -> Actor {
    Actor::user(user.user.id, &user.user.username)
}

pub fn load(conn: &mut DbConnection, id: i64) -> AppResult<Loaded> {
    let (project, state) = projects::table
        .inner_join(project_states::table)
        .filter(projects::id.eq(id))
        .select((ProjectRow::as_select(), ProjectStateRow::as_select()))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    Ok(Loaded { project, state })
}

/// Writes an audit event and a change-log row about a project.
pub fn record(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    action: &'static str,
    project_id: i64,
    detail: Value,
) -> AppResult<()> {
    journal(
        conn,
        now,
        actor,
        Event {
            action,
            entity_type: "project",
            entity_id: project_id.to_string(),
            detail,
        },
        Publish::Yes,
    )?;
    Ok(())
}

/// Moves a project's status, refusing what the machine does not allow.
pub fn move_status(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    action: ProjectAction,
) -> AppResult<ProjectStatus> {
    let Some(next) = next_project_status(loaded.status(), action) else {
        return Err(AppError::Conflict {
            zh: format!(
                "项目当前状态为“{}”，不能{}。",
                loaded.status().label_zh(),
                action.label_zh()
            ),
            en: format!(
                "A project in status {} cannot {}.",
                loaded.status().as_str(),
                action.as_str()
            ),
        });
    };
    diesel::update(project_states::table.find(loaded.id()))
        .set((
            project_states::status.eq(next.as_str()),
            project_states::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    loaded.state.status = next.as_str().to_owned();
    Ok(next)
}

pub fn requirements_of(
    conn: &mut DbConnection,
    project_id: i64,
) -> QueryResult<Vec<RequirementInput>> {
    Ok(project_requirements::table
        .filter(project_requirements::project_id.eq(project_id))
        .order(project_requirements::qualification_type_id.asc())
        .select((
            project_requirements::qualification_type_id,
            project_requirements::min_level,
        ))
        .load::<(i64, Option<String>)>(conn)?
        .into_iter()
        .map(|(qualification_type_id, min_level)| RequirementInput {
            qualification_type_id,
            min_level,
        })
        .collect())
}

pub fn avoidances_of(conn: &mut DbConnection, project_id: i64) -> QueryResult<Vec<AvoidInput>> {
    Ok(project_avoidances::table
        .filter(project_avoidances::project_id.eq(project_id))
        .order(project_avoidances::agency_id.asc())
        .select((project_avoidances::agency_id, project_avoidances::reason))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(agency_id, reason)| AvoidInput { agency_id, reason })
        .collect())
}

/// The stored project as the input that would make it, so a PATCH can overlay it.
fn as_input(conn: &mut DbConnection, p: &ProjectRow) -> QueryResult<ProjectInput> {
    let (scale_amount_fen, scale_area, scale_unit) = match p.scale_kind.as_str() {
        "amount" => (Some(p.scale_value), None, None),
        _ => (
            None,
            Some(format!(
                "{}.{:02}",
                p.scale_value / 100,
                p.scale_value % 100
            )),
            Some(p.scale_unit.clone()),
        ),
    };
    let direct = p.direct_agency_id.is_some();
    Ok(ProjectInput {
        service_item_id: Some(p.service_item_id),
        title: Some(p.title.clone()),
        investment_code: p.investment_code.clone(),
        region_code: Some(p.region_code.clone()),
        scale_kind: Some(p.scale_kind.clone()),
        scale_amount_fen,
        scale_area,
        scale_unit,
        fiscal_share_percent: Some(p.fiscal_share_percent),
        service_content: Some(p.service_content.clone()),
        service_days: Some(p.service_days),
        method: Some(p.method.clone()),
        price_mode: Some(p.price_mode.clone()),
        amount_fen: p.amount_fen,
        floor_fen: p.floor_fen,
        ceiling_fen: p.ceiling_fen,
        rate_min_bp: p.rate_min_bp,
        rate_max_bp: p.rate_max_bp,
        weight_price: p.weight_price,
        weight_credit: p.weight_credit,
        weight_time: p.weight_time,
        qualification_mode: Some(p.qualification_mode.clone()),
        requirements: Some(requirements_of(conn, p.id)?),
        avoid: Some(avoidances_of(conn, p.id)?),
        contact_name: Some(p.contact_name.clone()),
        contact_phone: Some(p.contact_phone.clone()),
        complaint_phone: Some(p.complaint_phone.clone()),
        signup_deadline: (!direct).then(|| p.signup_deadline.and_utc()),
        selection_at: (!direct).then(|| p.selection_at.and_utc()),
        direct_agency_id: Some(p.direct_agency_id),
        direct_reason: p.direct_reason.clone(),
    })
}

/// Checks an input against the catalogue and the divisions in the database.
fn check(
    conn: &mut DbConnection,
    input: &ProjectInput,
    rules: &ProjectRules,
) -> AppResult<ValidProject> {
    let requirements = catalog::rule_requirements(conn)?;
    let active_item = match input.service_item_id {
        Some(id) => crate::db::schema::service_items::table
            .find(id)
            .select(crate::db::schema::service_items::status)
            .first::<String>(conn)
            .optional()?
            .is_some_and(|s| s == "active"),
        None => false,
    };
    let item_requirements = input
        .service_item_id
        .filter(|_| active_item)
        .map(|id| requirements.get(&id).cloned().unwrap_or_default());
    let divisions = catalog::division_names(conn)?;
    // The cap comes before any query, whose parameters it bounds.
    if input
        .avoid
        .as_ref()
        .is_some_and(|list| list.len() > input::MAX_AVOIDED)
    {
        return Err(AppError::invalid(
            "avoid",
            "回避机构不得超过 50 家。",
            "At most 50 agencies may be avoided.",
        ));
    }
    let mut agency_ids: Vec<i64> = input.avoid.iter().flatten().map(|a| a.agency_id).collect();
    agency_ids.extend(input.direct_agency_id.flatten());
    let existing: Vec<i64> = agencies::table
        .filter(agencies::id.eq_any(&agency_ids))
        .select(agencies::id)
        .load(conn)?;
    let types = catalog::types_by_id(conn)?;
    let ctx = CheckContext {
        item_requirements: item_requirements.as_deref(),
        known_region: &|code| divisions.contains_key(code),
        agency_exists: &|id| existing.contains(&id),
        type_levels: &|id| {
            types
                .get(&id)
                .map(|t| crate::catalog::model::split_levels(&t.levels))
        },
        direct_limit_fen: rules.direct_limit_fen,
    };
    input::validate(input, &ctx).map_err(AppError::Invalid)
}

/// The platform's project number: ZJCG, the year of creation, six digits.
fn project_number(created: DateTime<Utc>, id: i64) -> String {
    let year = WorkingCalendar::local_date(created).year();
    format!("ZJCG{year}{id:06}")
}

fn store_terms(
    conn: &mut DbConnection,
    id: i64,
    v: &ValidProject,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let (scale_kind, scale_value, scale_unit) = match v.scale {
        Scale::AmountFen(fen) => ("amount", fen, "yuan"),
        Scale::Area { hundredths, unit } => ("area", hundredths, unit.as_str()),
    };
    let (price_mode, amount, floor, ceiling, rate_min, rate_max) = match v.price {
        selection::PriceTerms::Fixed { amount_fen } => {
            ("fixed", Some(amount_fen), None, None, None, None)
        }
        selection::PriceTerms::Amount {
            floor_fen,
            ceiling_fen,
        } => (
            "amount",
            None,
            Some(floor_fen),
            Some(ceiling_fen),
            None,
            None,
        ),
        selection::PriceTerms::Rate {
            base_fen,
            min_bp,
            max_bp,
        } => (
            "rate",
            Some(base_fen),
            None,
            None,
            Some(min_bp),
            Some(max_bp),
        ),
    };
    let weight = |f: fn(&selection::Weights) -> u32| {
        v.weights.as_ref().map(|w| i32::try_from(f(w)).unwrap_or(0))
    };
    // Without a sign-up phase the dates are set when the project opens.
    let (deadline, selection_at) = if v.has_signup_phase() {
        (v.signup_deadline, v.selection_at)
    } else {
        (now, now)
    };
    diesel::update(projects::table.find(id))
        .set((
            projects::service_item_id.eq(v.service_item_id),
            projects::title.eq(&v.title),
            projects::investment_code.eq(&v.investment_code),
            projects::region_code.eq(&v.region_code),
            projects::scale_kind.eq(scale_kind),
            projects::scale_value.eq(scale_value),
            projects::scale_unit.eq(scale_unit),
            projects::fiscal_share_percent.eq(v.fiscal_share_percent),
            projects::service_content.eq(&v.service_content),
            projects::service_days.eq(v.service_days),
            projects::method.eq(v.method.as_str()),
            projects::price_mode.eq(price_mode),
            projects::amount_fen.eq(amount),
            projects::floor_fen.eq(floor),
            projects::ceiling_fen.eq(ceiling),
            projects::rate_min_bp.eq(rate_min),
            projects::rate_max_bp.eq(rate_max),
        ))
        .execute(conn)?;
    diesel::update(projects::table.find(id))
        .set((
            projects::weight_price.eq(weight(|w| w.price)),
            projects::weight_credit.eq(weight(|w| w.credit)),
            projects::weight_time.eq(weight(|w| w.time)),
            projects::qualification_mode.eq(v.qualification_mode.as_str()),
            projects::contact_name.eq(&v.contact_name),
            projects::contact_phone.eq(&v.contact_phone),
            projects::complaint_phone.eq(&v.complaint_phone),
            projects::signup_deadline.eq(deadline.naive_utc()),
            projects::selection_at.eq(selection_at.naive_utc()),
            projects::direct_agency_id.eq(v.direct_agency_id),
            projects::direct_reason.eq(&v.direct_reason),
        ))
        .execute(conn)?;
    diesel::delete(project_requirements::table.filter(project_requirements::project_id.eq(id)))
        .execute(conn)?;
    for r in &v.requirements {
        diesel::insert_into(project_requirements::table)
            .values((
                project_requirements::project_id.eq(id),
                project_requirements::qualification_type_id.eq(r.qualification_type_id),
                project_requirements::min_level.eq(&r.min_level),
            ))
            .execute(conn)?;
    }
    diesel::delete(project_avoidances::table.filter(project_avoidances::project_id.eq(id)))
        .execute(conn)?;
    for a in &v.avoid {
        diesel::insert_into(project_avoidances::table)
            .values((
                project_avoidances::project_id.eq(id),
                project_avoidances::agency_id.eq(a.agency_id),
                project_avoidances::reason.eq(&a.reason),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn detail_of(v: &ValidProject) -> Value {
    json!({
        "title": v.title,
        "service_item_id": v.service_item_id,
        "method": v.method.as_str(),
        "investment_code": v.investment_code,
        "avoid": v.avoid.iter().map(|a| json!({"agency_id": a.agency_id, "reason": a.reason})).collect::<Vec<_>>(),
    })
}

/// Drafts a project inside the caller's transaction; returns its id.
pub fn create_in(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    rules: &ProjectRules,
    user_id: i64,
    actor: &Actor,
    input: &ProjectInput,
) -> AppResult<i64> {
    let valid = check(conn, input, rules)?;
    // Placeholder values satisfy NOT NULL; store_terms writes the real ones.
    let id: i64 = diesel::insert_into(projects::table)
        .values((
            projects::applicant_user_id.eq(user_id),
            projects::service_item_id.eq(valid.service_item_id),
            projects::title.eq(&valid.title),
            projects::region_code.eq(&valid.region_code),
            projects::scale_kind.eq("amount"),
            projects::scale_value.eq(0i64),
            projects::scale_unit.eq(""),
            projects::fiscal_share_percent.eq(0),
            projects::service_content.eq(""),
            projects::service_days.eq(1),
            projects::method.eq(valid.method.as_str()),
            projects::price_mode.eq("fixed"),
            projects::qualification_mode.eq("promise"),
            projects::contact_name.eq(""),
            projects::contact_phone.eq(""),
            projects::complaint_phone.eq(""),
            projects::signup_deadline.eq(now.naive_utc()),
            projects::selection_at.eq(now.naive_utc()),
            projects::created_at.eq(now.naive_utc()),
        ))
        .returning(projects::id)
        .get_result(conn)?;
    diesel::update(projects::table.find(id))
        .set(projects::number.eq(project_number(now, id)))
        .execute(conn)?;
    store_terms(conn, id, &valid, now)?;
    diesel::insert_into(project_states::table)
        .values((
            project_states::project_id.eq(id),
            project_states::status.eq(ProjectStatus::Draft.as_str()),
            project_states::round.eq(0),
            project_states::failed_rounds.eq(0),
            project_states::min_signups.eq(rules.min_signups),
            project_states::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    record(conn, now, actor, "project.created", id, detail_of(&valid))?;
    Ok(id)
}

/// Drafts a project (草稿). Applicants only.
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    input: ProjectInput,
) -> AppResult<ProjectView> {
    user.require(&[Role::Applicant])?;
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let (user_id, actor) = (user.user.id, actor(user));
    let viewer = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let id = create_in(conn, now, &rules, user_id, &actor, &input)?;
            let loaded = load(conn, id)?;
            present::project_view(conn, &loaded, Some(&viewer), now)
        })
        .await
}

fn owned(loaded: &Loaded, user: &CurrentUser) -> AppResult<()> {
    if loaded.project.applicant_user_id == user.user.id {
        Ok(())
    } else if loaded.is_public() || user.role() == Role::Admin {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// Edits a draft, a returned project or a failed round before it is published again.
pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    patch: ProjectInput,
) -> AppResult<ProjectView> {
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let actor = actor(user);
    let viewer = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let mut loaded = load(conn, id)?;
            owned(&loaded, &viewer)?;
            move_status(conn, now, &mut loaded, ProjectAction::Edit)?;
            let merged = as_input(conn, &loaded.project)?.overlay(patch);
            let valid = check(conn, &merged, &rules)?;
            store_terms(conn, id, &valid, now)?;
            record(conn, now, &actor, "project.updated", id, detail_of(&valid))?;
            {
                let loaded = load(conn, id)?;
                present::project_view(conn, &loaded, Some(&viewer), now)
            }
        })
        .await
}

/// An administrator's approval, inside the caller's transaction: the round opens.
pub fn approve_in(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    rules: &ProjectRules,
    calendar: &WorkingCalendar,
    loaded: &mut Loaded,
    actor: &Actor,
    reason: Option<&str>,
) -> AppResult<()> {
    record(
        conn,
        now,
        actor,
        "project.approved",
        loaded.id(),
        json!({ "reason": reason }),
    )?;
    open_round(conn, now, loaded, actor, rules, calendar)
}

/// What `create` (no id) or `update` (an id) would refuse in this input,
/// storing nothing: a form with fields it could not even read shows these
/// beside its own errors, so the applicant sees every mistake at once.
pub async fn input_errors(
    state: &AppState,
    user: &CurrentUser,
    id: Option<i64>,
    input: ProjectInput,
) -> AppResult<Vec<FieldError>> {
    let rules = state.settings.projects.clone();
    let viewer = user.clone();
    state
        .db
        .run(move |conn| {
            let input = match id {
                Some(id) => {
                    let loaded = load(conn, id)?;
                    owned(&loaded, &viewer)?;
                    as_input(conn, &loaded.project)?.overlay(input)
                }
                None => input,
            };
            match check(conn, &input, &rules) {
                Ok(_) => Ok(Vec::new()),
                Err(AppError::Invalid(errors)) => Ok(errors),
                Err(other) => Err(other),
            }
        })
        .await
}

/// Opens a round: the draw's secret is drawn and its hash published; the
/// sign-up period starts, or — for 直接选取 of a named agency — the agency
/// is selected at once and asked to confirm.
fn open_round(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    loaded: &mut Loaded,
    actor: &Actor,
    rules: &ProjectRules,
    calendar: &WorkingCalendar,
) -> AppResult<()> {
    if loaded.project.has_signup_phase() {
        if let Some(error) = super::rules::signup_period_error(
            calendar,
            now,
            loaded.project.signup_deadline.and_utc(),
            rules.min_signup_working_days,
        ) {
            return Err(AppError::Invalid(vec![error]));
        }
    } else {
        diesel::update(projects::table.find(loaded.id()))
            .set((
                projects::signup_deadline.eq(now.naive_utc()),
                projects::selection_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    let secret = random_bytes();
    let commitment = selection::commitment(&secret);
    let round = loaded.state.round + 1;
    move_status(conn, now, loaded, ProjectAction::Approve)?;
    diesel::update(project_states::table.find(loaded.id()))
        .set((
            project_states::round.eq(round),
            project_states::draw_secret.eq(hex::encode(secret)),
            project_states::draw_commitment.eq(&commitment),
            project_states::published_at.eq(now.naive_utc()),
            project_states::min_signups.eq(rules.min_signups),
            project_states::winner_signup_id.eq(None::<i64>),
            project_states::signups_closed_at.eq(None::<chrono::NaiveDateTime>),
            project_states::selected_at.eq(None::<chrono::NaiveDateTime>),
            project_states::confirmation_deadline.eq(None::<chrono::NaiveDateTime>),
            project_states::confirmation_reminded_at.eq(None::<chrono::NaiveDateTime>),
            project_states::publicity_ends_at.eq(None::<chrono::NaiveDateTime>),
            project_states::status_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    record(
        conn,
        now,
        actor,
        "project.published",
        loaded.id(),
        json!({ "round": round, "draw_commitment": commitment }),
    )?;
    *loaded = load(conn, loaded.id())?;
    crate::messages::send(
        conn,
        now,
        loaded.project.applicant_user_id,
        "采购公告已发布",
        &format!(
            "项目“{}”（{}）已发布。",
            loaded.project.title,
            loaded.number()
        ),
        &loaded.link(),
    )?;
    if let Some(agency_id) = loaded.project.direct_agency_id {
        eligibility::require(conn, &loaded.project, agency_id, now)?;
        selecting::select_named(conn, now, loaded, agency_id, actor, calendar, rules)?;
    } else {
        eligibility::announce(conn, now, loaded)?;
    }
    Ok(())
}

/// Submits a project inside the caller's transaction: to review, or open at once.
pub fn submit_in(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    rules: &ProjectRules,
    calendar: &WorkingCalendar,
    loaded: &mut Loaded,
    actor: &Actor,
) -> AppResult<()> {
    // The same checks as the reviewer's, so the applicant learns early.
    let terms = as_input(conn, &loaded.project)?;
    check(conn, &terms, rules)?;
    if loaded.project.has_signup_phase() {
        if let Some(error) = super::rules::signup_period_error(
            calendar,
            now,
            loaded.project.signup_deadline.and_utc(),
            rules.min_signup_working_days,
        ) {
            return Err(AppError::Invalid(vec![error]));
        }
    }
    if let Some(agency_id) = loaded.project.direct_agency_id {
        eligibility::require(conn, &loaded.project, agency_id, now)?;
    }
    move_status(conn, now, loaded, ProjectAction::Submit)?;
    diesel::update(project_states::table.find(loaded.id()))
        .set(project_states::submitted_at.eq(now.naive_utc()))
        .execute(conn)?;
    record(
        conn,
        now,
        actor,
        "project.submitted",
        loaded.id(),
        json!({}),
    )?;
    if rules.review_required {
        for admin in admins(conn)? {
            crate::messages::send(
                conn,
                now,
                admin,
                "采购公告待审核",
                &format!(
                    "项目“{}”（{}）已提交发布，请审核。",
                    loaded.project.title,
                    loaded.number()
                ),
                &format!("/admin/projects/{}", loaded.id()),
            )?;
        }
    } else {
        open_round(conn, now, loaded, &Actor::system(), rules, calendar)?;
    }
    Ok(())
}

/// Submits a project for publication: to review when the centre reviews
/// projects, otherwise published at once.
pub async fn submit(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<ProjectView> {
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let calendar = crate::calendar::load(&state.db).await?;
    let actor = actor(user);
    let viewer = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let mut loaded = load(conn, id)?;
            owned(&loaded, &viewer)?;
            submit_in(conn, now, &rules, &calendar, &mut loaded, &actor)?;
            {
                let loaded = load(conn, id)?;
                present::project_view(conn, &loaded, Some(&viewer), now)
            }
        })
        .await
}

pub fn admins(conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
    users::table
        .filter(users::role.eq("admin"))
        .select(users::id)
        .load(conn)
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// `approve` or `return`.
    pub decision: String,
    /// Required when returning.
    pub reason: Option<String>,
}

/// An administrator approves a submitted project (it opens) or returns it with a reason.
pub async fn review(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    request: ReviewRequest,
) -> AppResult<ProjectView> {
    user.require(&[Role::Admin])?;
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let rules = state.settings.projects.clone();
    let calendar = crate::calendar::load(&state.db).await?;
    let actor = actor(user);
    let viewer = user.clone();
    let reason = crate::agencies::rules::reason_given(request.reason.as_deref());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        return Err(AppError::invalid(
            "reason",
            "审核意见不得超过 1000 字。",
            "reason must have at most 1000 characters.",
        ));
    }
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let mut loaded = load(conn, id)?;
            match request.decision.as_str() {
                "approve" => {
                    approve_in(
                        conn,
                        now,
                        &rules,
                        &calendar,
                        &mut loaded,
                        &actor,
                        reason.as_deref(),
                    )?;
                }
                "return" => {
                    let Some(reason) = reason else {
                        return Err(AppError::invalid(
                            "reason",
                            "退回须说明理由。",
                            "A return needs a reason.",
                        ));
                    };
                    move_status(conn, now, &mut loaded, ProjectAction::Return)?;
                    diesel::update(project_states::table.find(id))
                        .set(project_states::status_reason.eq(&reason))
                        .execute(conn)?;
                    record(
                        conn,
                        now,
                        &actor,
                        "project.returned",
                        id,
                        json!({ "reason": reason }),
                    )?;
                    crate::messages::send(
                        conn,
                        now,
                        loaded.project.applicant_user_id,
                        "采购公告被退回",
                        &format!("项目“{}”被退回修改：{reason}", loaded.project.title),
                        &loaded.link(),
                    )?;
                }
                _ => {
                    return Err(AppError::invalid(
                        "decision",
                        "审核结论应为 approve（通过）或 return（退回）。",
                        "decision must be approve or return.",
                    ));
                }
            }
            {
                let loaded = load(conn, id)?;
                present::project_view(conn, &loaded, Some(&viewer), now)
            }
        })
        .await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct CancelRequest {
    pub reason: Option<String>,
}

/// The applicant ends a project (终止) before the award, with a reason;
/// everyone who signed up is told.
pub async fn cancel(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    request: CancelRequest,
) -> AppResult<ProjectView> {
    // Read inside the write, after the lock: the clock that decides is the one of the write.
    let clock = state.clock.clone();
    let actor = actor(user);
    let viewer = user.clone();
    let Some(reason) = crate::agencies::rules::reason_given(request.reason.as_deref()) else {
        return Err(AppError::invalid(
            "reason",
            "终止项目须说明理由。",
            "Cancelling needs a reason.",
        ));
    };
    if reason.chars().count() > 1000 {
        return Err(AppError::invalid(
            "reason",
            "理由不得超过 1000 字。",
            "reason must have at most 1000 characters.",
        ));
    }
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let mut loaded = load(conn, id)?;
            owned(&loaded, &viewer)?;
            selecting::cancel_project(conn, now, &mut loaded, &actor, &reason)?;
            {
                let loaded = load(conn, id)?;
                present::project_view(conn, &loaded, Some(&viewer), now)
            }
        })
        .await
}

pub async fn find(state: &AppState, user: Option<CurrentUser>, id: i64) -> AppResult<ProjectView> {
    let now = state.now();
    state
        .db
        .run(move |conn| {
            let loaded = load(conn, id)?;
            if !visible(&loaded, user.as_ref()) {
                return Err(AppError::NotFound);
            }
            present::project_view(conn, &loaded, user.as_ref(), now)
        })
        .await
}

pub fn visible(loaded: &Loaded, user: Option<&CurrentUser>) -> bool {
    loaded.is_public()
        || user.is_some_and(|u| {
            u.role() == Role::Admin || u.user.id == loaded.project.applicant_user_id
        })
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
pub struct ProjectFilter {
    /// Words of the title, or the project number.
    pub q: Option<String>,
    pub service_item: Option<i64>,
    /// A division code: a city includes its counties.
    pub region: Option<String>,
    /// A status; drafts and projects in review are listed only to their applicant and administrators.
    pub status: Option<String>,
    /// `true`: only the caller's own projects (applicants).
    pub mine: Option<bool>,
}

/// The region filter as a code prefix: a province its two digits, a city its four.
fn region_prefix(code: &str) -> String {
    if code.ends_with("0000") {
        code[..2].to_owned()
    } else if code.ends_with("00") {
        code[..4].to_owned()
    } else {
        code.to_owned()
    }
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ProjectFilter,
    user: Option<&CurrentUser>,
    paging: &Paging,
) -> AppResult<(Vec<ProjectSummary>, i64)> {
    let status =
        match filter.status.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(ProjectStatus::parse(s).ok_or_else(|| {
                AppError::invalid("status", "项目状态不存在。", "Unknown status.")
            })?),
            None => None,
        };
    if let Some(region) = filter.region.as_deref().filter(|r| !r.is_empty()) {
        if !crate::catalog::divisions::well_formed(region) {
            return Err(AppError::invalid(
                "region",
                "地区应为六位行政区划代码。",
                "region must be a six-digit division code.",
            ));
        }
    }
    let mine = filter.mine.unwrap_or(false);
    let admin = user.is_some_and(|u| u.role() == Role::Admin);
    let build = || {
        let mut query = projects::table
            .inner_join(project_states::table)
            .into_boxed();
        if mine {
            query = query.filter(projects::applicant_user_id.eq(user.map_or(-1, |u| u.user.id)));
        } else if !admin {
            query = query.filter(project_states::published_at.is_not_null());
        }
        if let Some(status) = status {
            query = query.filter(project_states::status.eq(status.as_str()));
        }
        if let Some(item) = filter.service_item {
            query = query.filter(projects::service_item_id.eq(item));
        }
        if let Some(region) = filter.region.as_deref().filter(|r| !r.is_empty()) {
            query = query.filter(projects::region_code.like(format!("{}%", region_prefix(region))));
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", q.replace(['%', '_'], ""));
            query = query.filter(
                projects::title
                    .like(pattern)
                    .or(projects::number.eq(q.to_owned())),
            );
        }
        query
    };
    let total: i64 = build().count().get_result(conn)?;
    let rows: Vec<(ProjectRow, ProjectStateRow)> = build()
        .order(projects::id.desc())
        .limit(i64::try_from(paging.per_page()).unwrap_or(20))
        .offset(i64::try_from(paging.offset()).unwrap_or(0))
        .select((ProjectRow::as_select(), ProjectStateRow::as_select()))
        .load(conn)?;
    let summaries = rows
        .into_iter()
        .map(|(project, state)| present::summary(conn, &Loaded { project, state }))
        .collect::<AppResult<Vec<_>>>()?;
    Ok((summaries, total))
}

pub async fn list_for(
    state: &AppState,
    user: Option<CurrentUser>,
    filter: ProjectFilter,
    paging: Paging,
) -> AppResult<ProjectList> {
    let query = [
        ("q", filter.q.clone().unwrap_or_default()),
        (
            "service_item",
            filter
                .service_item
                .map(|i| i.to_string())
                .unwrap_or_default(),
        ),
        ("region", filter.region.clone().unwrap_or_default()),
        ("status", filter.status.clone().unwrap_or_default()),
        (
            "mine",
            filter.mine.map(|m| m.to_string()).unwrap_or_default(),
        ),
    ];
    let (projects, total) = state
        .db
        .run(move |conn| list(conn, &filter, user.as_ref(), &paging))
        .await?;
    Ok(ProjectList {
        meta: paging.meta(total, "/api/v1/projects", &query),
        projects,
    })
}

/// Sign-ups of the current round that stand.
pub fn standing_count(conn: &mut DbConnection, loaded: &Loaded) -> QueryResult<i64> {
    signups::table
        .filter(signups::project_id.eq(loaded.id()))
        .filter(signups::round.eq(loaded.state.round))
        .filter(signups::status.ne("withdrawn"))
        .count()
        .get_result(conn)
}
