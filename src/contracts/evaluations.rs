//! Evaluations (评价): after acceptance the applicant rates the service within
//! ten working days, or a neutral default is recorded; the agency may reply
//! once; ratings are public on the agency's profile once the window ended.

use super::rules::{validate_evaluation, Party, Ratings, EVALUATION_WORKING_DAYS, NEUTRAL};
use super::service::{contract_parties, project_number, Parties};
use crate::app::AppState;
use crate::calendar::WorkingCalendar;
use crate::config::CreditRules;
use crate::db::schema::{agencies, contracts, evaluations};
use crate::db::{Db, DbConnection};
use crate::error::{AppError, AppResult};
use crate::supervision::credit::Fact;
use crate::supervision::{credit_rules, journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    pub quality: Option<i32>,
    pub timeliness: Option<i32>,
    pub fees: Option<i32>,
    pub attitude: Option<i32>,
    #[serde(default)]
    pub comment: String,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    pub reply: Option<String>,
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = evaluations)]
pub struct EvaluationRow {
    pub id: i64,
    pub contract_id: i64,
    pub agency_id: i64,
    pub quality: i32,
    pub timeliness: i32,
    pub fees: i32,
    pub attitude: i32,
    pub comment: String,
    pub by_default: bool,
    pub public_from: NaiveDateTime,
    pub reply: Option<String>,
    pub replied_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    pub id: i64,
    pub contract_id: i64,
    pub agency_id: i64,
    pub ratings: Ratings,
    pub comment: String,
    /// Recorded by the platform because the applicant did not evaluate in time.
    pub by_default: bool,
    pub public_from: DateTime<Utc>,
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EvaluationEnvelope {
    pub evaluation: EvaluationView,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EvaluationList {
    pub evaluations: Vec<EvaluationView>,
}

fn view(e: &EvaluationRow) -> EvaluationView {
    EvaluationView {
        id: e.id,
        contract_id: e.contract_id,
        agency_id: e.agency_id,
        ratings: Ratings {
            quality: e.quality,
            timeliness: e.timeliness,
            fees: e.fees,
            attitude: e.attitude,
        },
        comment: e.comment.clone(),
        by_default: e.by_default,
        public_from: e.public_from.and_utc(),
        reply: e.reply.clone(),
        replied_at: e.replied_at.map(|t| t.and_utc()),
        created_at: e.created_at.and_utc(),
    }
}

/// An evaluation about to be stored.
struct NewEvaluation<'a> {
    contract_id: i64,
    agency_id: i64,
    ratings: Ratings,
    comment: &'a str,
    by_default: bool,
    public_from: DateTime<Utc>,
}

fn insert(conn: &mut DbConnection, now: DateTime<Utc>, e: &NewEvaluation) -> AppResult<i64> {
    Ok(diesel::insert_into(evaluations::table)
        .values((
            evaluations::contract_id.eq(e.contract_id),
            evaluations::agency_id.eq(e.agency_id),
            evaluations::quality.eq(e.ratings.quality),
            evaluations::timeliness.eq(e.ratings.timeliness),
            evaluations::fees.eq(e.ratings.fees),
            evaluations::attitude.eq(e.ratings.attitude),
            evaluations::comment.eq(e.comment),
            evaluations::by_default.eq(e.by_default),
            evaluations::public_from.eq(e.public_from.naive_utc()),
            evaluations::created_at.eq(now.naive_utc()),
        ))
        .returning(evaluations::id)
        .get_result(conn)?)
}

/// An evaluation is a credit fact: the credit rules may suspend the agency.
fn apply_credit_rules(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    e: &NewEvaluation,
    rules: &CreditRules,
) -> AppResult<bool> {
    let r = e.ratings;
    let fact = Fact::Evaluation {
        at: now.naive_utc(),
        rating_sum: i64::from(r.quality + r.timeliness + r.fees + r.attitude),
        project: project_number(conn, e.contract_id)?,
    };
    credit_rules::after_fact(conn, now, e.agency_id, &fact, rules)
}

fn find_of_contract(
    conn: &mut DbConnection,
    contract_id: i64,
) -> QueryResult<Option<EvaluationRow>> {
    evaluations::table
        .filter(evaluations::contract_id.eq(contract_id))
        .select(EvaluationRow::as_select())
        .first(conn)
        .optional()
}

/// The evaluation of a contract, if there is one.
pub fn of_contract(
    conn: &mut DbConnection,
    contract_id: i64,
) -> QueryResult<Option<EvaluationView>> {
    Ok(find_of_contract(conn, contract_id)?.as_ref().map(view))
}

/// The applicant evaluates the service of an accepted contract, within the window.
pub async fn evaluate(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
    input: EvaluationInput,
) -> AppResult<EvaluationView> {
    let ratings = validate_evaluation(
        input.quality,
        input.timeliness,
        input.fees,
        input.attitude,
        &input.comment,
    )
    .map_err(AppError::Invalid)?;
    let calendar = crate::calendar::load(&state.db).await?;
    let rules = state.settings.credit.clone();
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let Parties { contract, loaded, party, agency_owner, .. } = contract_parties(conn, contract_id, &user)?;
            if party != Some(Party::Applicant) {
                return Err(if party.is_some() { AppError::Forbidden } else { AppError::NotFound });
            }
            let Some(completed) = contract.completed_at else {
                return Err(AppError::conflict("服务成果验收后才能评价。", "Evaluate after the deliverables were accepted."));
            };
            let window_ends = calendar.deadline_after(completed.and_utc(), EVALUATION_WORKING_DAYS);
            if find_of_contract(conn, contract_id)?.is_some() {
                return Err(AppError::conflict("本合同已评价。", "This contract has been evaluated."));
            }
            if now >= window_ends {
                return Err(AppError::conflict("评价期已过，已按默认评价记录。", "The evaluation window has closed."));
            }
            let given = NewEvaluation { contract_id, agency_id: contract.agency_id, ratings, comment: input.comment.trim(), by_default: false, public_from: window_ends };
            let id = insert(conn, now, &given)?;
            journal(
                conn,
                now,
                &Actor::user(user.user.id, &user.user.username),
                Event { action: "evaluation.given", entity_type: "agency", entity_id: contract.agency_id.to_string(), detail: json!({ "contract_id": contract_id, "evaluation_id": id, "ratings": ratings }) },
                Publish::Yes,
            )?;
            crate::messages::send(conn, now, agency_owner, "收到服务评价", &format!("项目“{}”的项目业主已评价贵机构的服务，评价期结束后公开；您可以回复一次。", loaded.project.title), &loaded.link())?;
            apply_credit_rules(conn, now, &given, &rules)?;
            let row = find_of_contract(conn, contract_id)?.ok_or(AppError::NotFound)?;
            Ok(view(&row))
        })
        .await
}

/// The agency replies to its evaluation, once.
pub async fn reply(
    state: &AppState,
    user: &CurrentUser,
    evaluation_id: i64,
    input: ReplyInput,
) -> AppResult<EvaluationView> {
    let text = input
        .reply
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if !(2..=1000).contains(&text.chars().count()) {
        return Err(AppError::invalid(
            "reply",
            "请填写回复（2–1000 字）。",
            "reply must have 2 to 1000 characters.",
        ));
    }
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let row: EvaluationRow = evaluations::table
                .find(evaluation_id)
                .select(EvaluationRow::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            let Parties { party, .. } = contract_parties(conn, row.contract_id, &user)?;
            if party != Some(Party::Agency) {
                return Err(if party.is_some() {
                    AppError::Forbidden
                } else {
                    AppError::NotFound
                });
            }
            if row.reply.is_some() {
                return Err(AppError::conflict(
                    "已回复过该评价。",
                    "The evaluation has been replied to already.",
                ));
            }
            diesel::update(evaluations::table.find(evaluation_id))
                .set((
                    evaluations::reply.eq(&text),
                    evaluations::replied_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            journal(
                conn,
                now,
                &Actor::user(user.user.id, &user.user.username),
                Event {
                    action: "evaluation.replied",
                    entity_type: "agency",
                    entity_id: row.agency_id.to_string(),
                    detail: json!({ "evaluation_id": evaluation_id }),
                },
                Publish::Yes,
            )?;
            let row: EvaluationRow = evaluations::table
                .find(evaluation_id)
                .select(EvaluationRow::as_select())
                .first(conn)?;
            Ok(view(&row))
        })
        .await
}

/// An agency's evaluations whose window has ended, newest first.
pub fn public_of(
    conn: &mut DbConnection,
    agency_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<Vec<EvaluationView>> {
    let rows: Vec<EvaluationRow> = evaluations::table
        .filter(evaluations::agency_id.eq(agency_id))
        .filter(evaluations::public_from.le(now.naive_utc()))
        .order(evaluations::id.desc())
        .select(EvaluationRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(view).collect())
}

/// An agency's evaluations that are public: their window has ended.
pub async fn public_of_agency(state: &AppState, agency_id: i64) -> AppResult<EvaluationList> {
    let now = state.now();
    state
        .db
        .run(move |conn| {
            let exists: i64 = agencies::table
                .filter(agencies::id.eq(agency_id))
                .count()
                .get_result(conn)?;
            if exists == 0 {
                return Err(AppError::NotFound);
            }
            Ok(EvaluationList {
                evaluations: public_of(conn, agency_id, now)?,
            })
        })
        .await
}

/// Records the neutral default for accepted contracts whose window passed
/// without an evaluation. Run by the scheduler; idempotent (one per contract).
pub fn record_defaults(
    db: &Db,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
    rules: &CreditRules,
) -> AppResult<usize> {
    let due = |conn: &mut DbConnection| -> AppResult<Vec<(i64, i64, NaiveDateTime)>> {
        let candidates: Vec<(i64, i64, Option<NaiveDateTime>)> = contracts::table
            .left_join(evaluations::table)
            .filter(contracts::completed_at.is_not_null())
            .filter(evaluations::id.nullable().is_null())
            .select((contracts::id, contracts::agency_id, contracts::completed_at))
            .load(conn)?;
        Ok(candidates
            .into_iter()
            .filter_map(|(id, agency, completed)| completed.map(|c| (id, agency, c)))
            .filter(|(_, _, completed)| {
                now >= calendar.deadline_after(completed.and_utc(), EVALUATION_WORKING_DAYS)
            })
            .collect())
    };
    if db.run_now(due)?.is_empty() {
        return Ok(0);
    }
    db.write_now(|conn| {
        let list = due(conn)?;
        for (contract_id, agency_id, completed) in &list {
            let ends = calendar.deadline_after(completed.and_utc(), EVALUATION_WORKING_DAYS);
            let neutral = NewEvaluation { contract_id: *contract_id, agency_id: *agency_id, ratings: NEUTRAL, comment: "项目业主未在评价期内评价，按默认评价记录。", by_default: true, public_from: ends };
            let id = insert(conn, now, &neutral)?;
            journal(
                conn,
                now,
                &Actor::system(),
                Event { action: "evaluation.defaulted", entity_type: "agency", entity_id: agency_id.to_string(), detail: json!({ "contract_id": contract_id, "evaluation_id": id, "ratings": NEUTRAL }) },
                Publish::Yes,
            )?;
            // Worth no points today, but the rules, not this caller, decide that.
            apply_credit_rules(conn, now, &neutral, rules)?;
        }
        Ok(list.len())
    })
}
