//! Drafting a project: checking the applicant's input against the catalogue
//! and the divisions, storing its terms, editing while it is a draft.

use super::input::{self, CheckContext, ProjectInput, Scale, ValidProject};
use super::model::ProjectRow;
use super::present;
use super::rules::{ProjectAction, ProjectStatus};
use super::selection;
use super::service::{actor, avoidances_of, load, move_status, owned, record, requirements_of};
use super::views::ProjectView;
use crate::accounts::Role;
use crate::app::AppState;
use crate::calendar::WorkingCalendar;
use crate::catalog::service as catalog;
use crate::config::ProjectRules;
use crate::db::schema::{
    agencies, project_avoidances, project_requirements, project_states, projects,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::Actor;
use crate::web::auth::CurrentUser;
use chrono::{DateTime, Datelike, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};

/// The stored project as the input that would make it, so a PATCH can overlay it.
pub(super) fn as_input(conn: &mut DbConnection, p: &ProjectRow) -> QueryResult<ProjectInput> {
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
pub(super) fn check(
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
            present::project_view(conn, &loaded, Some(&viewer), &rules)
        })
        .await
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
                present::project_view(conn, &loaded, Some(&viewer), &rules)
            }
        })
        .await
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
