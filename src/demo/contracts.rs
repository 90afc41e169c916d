//! The demo's finished projects (`stories.rs`) played through the real
//! services, from the award to the credit record: contract, deliverables,
//! acceptance, evaluation, complaint, an administrator's reward. The services
//! read the time from their state's clock, so the seeding gives them a
//! private `AppState` with a `ManualClock` it moves through past moments:
//! every row, audit event, message and credit fact is dated when it happened.

use super::performance::{complain, deliver, evaluate, record_default, reward, Signed};
use super::projects::{self as demo, at, ItemAgencies};
use super::stage::{acting_as, upload, People, Stage, UserFilter};
use super::stories::{Round, Story, STORIES};
use crate::app::AppState;
use crate::calendar::WorkingCalendar;
use crate::config::ProjectRules;
use crate::contracts::rules::Party;
use crate::contracts::service::{self as contracts, ContractInput, DecisionInput};
use crate::db::schema::{agencies, contracts as contract_rows, signups};
use crate::db::{settings, DbConnection};
use crate::error::{AppError, AppResult};
use crate::projects::model::SignupRow;
use crate::projects::service as projects;
use crate::web::auth::CurrentUser;
use anyhow::anyhow;
use chrono::{Days, NaiveDate};
use diesel::prelude::*;

/// The `settings` row that says the finished projects are there. Their own
/// row, not a new version of the projects' one: a demo database seeded before
/// they existed gets them once, and its four projects stay as they are.
const MARKER: &str = "demo_contracts_seed";
const MARKER_VERSION: &str = "2026-11-25.1";
/// The marker's value while the seeding runs. The stories take many
/// transactions (one per service call, as requests would); a seeding that
/// stopped part way is left as it is rather than repeated on top of itself.
const STARTED: &str = "started";

/// Seeds the finished projects once; returns whether it did now.
pub async fn seed(state: &AppState) -> anyhow::Result<bool> {
    let claimed = state
        .db
        .write(|conn| match settings::get(conn, MARKER)? {
            Some(value) => {
                if value == STARTED {
                    tracing::warn!("an earlier seeding of the demo contracts stopped part way");
                }
                Ok(false)
            }
            None => {
                settings::put(conn, MARKER, STARTED)?;
                Ok(true)
            }
        })
        .await
        .map_err(|e| anyhow!("{e}"))?;
    if !claimed {
        return Ok(false);
    }
    play_all(state)
        .await
        .map_err(|e| anyhow!("seeding the demo contracts: {e}"))?;
    state
        .db
        .write(|conn| Ok(settings::put(conn, MARKER, MARKER_VERSION)?))
        .await
        .map_err(|e| anyhow!("{e}"))?;
    Ok(true)
}

async fn play_all(state: &AppState) -> AppResult<()> {
    let stage = Stage::new(state).await?;
    let now = stage.now;
    let needed = usize::try_from(state.settings.projects.min_signups.max(3)).unwrap_or(3);
    let (people, items) = state
        .db
        .run(move |conn| {
            let people = People {
                applicant: acting_as(conn, UserFilter::Name("yezhu"))?,
                admin: acting_as(conn, UserFilter::Name("admin"))?,
            };
            Ok((people, demo::busiest_items(conn, now, needed)?))
        })
        .await?;
    if items.is_empty() {
        return Ok(());
    }
    for story in &STORIES {
        let item = &items[story.item_rank % items.len()];
        play(&stage, &people, story, item).await?;
    }
    Ok(())
}

/// One story, from the round to the last word.
async fn play(stage: &Stage, people: &People, story: &Story, item: &ItemAgencies) -> AppResult<()> {
    let opened =
        demo::working_days_before(&stage.calendar, Stage::date(stage.now), story.opened_ago);
    let (story_copy, item, calendar) = (*story, item.clone(), stage.calendar.clone());
    let rules = stage.state().settings.projects.clone();
    let awarded = stage
        .state()
        .db
        .write(move |conn| award_in(conn, &story_copy, &item, opened, &rules, &calendar))
        .await?;
    let agency = stage
        .state()
        .db
        .run(move |conn| acting_as(conn, UserFilter::Id(awarded.agency_owner)))
        .await?;
    let signed = sign(stage, people, &agency, story, &awarded).await?;
    let Some(accepted) = deliver(stage, people, &agency, story, &signed).await? else {
        return Ok(());
    };
    let accepted_on = Stage::date(accepted);
    match story.evaluation {
        Some(evaluation) => {
            evaluate(stage, people, &agency, signed.id, accepted_on, evaluation).await?
        }
        None => record_default(stage, accepted).await?,
    }
    if let Some(complaint) = story.complaint {
        complain(stage, people, signed.id, accepted_on, complaint).await?;
    }
    if let Some((points, reason)) = story.reward {
        let when = stage.after(accepted_on, 15, 10);
        reward(
            stage.at(when)?,
            &people.admin,
            awarded.agency_id,
            points,
            reason,
        )
        .await?;
    }
    Ok(())
}

/// An awarded project: who won, when, at what price.
#[derive(Clone, Copy)]
struct Awarded {
    project_id: i64,
    agency_id: i64,
    agency_owner: i64,
    awarded_on: NaiveDate,
    winning_fen: i64,
}

/// Runs the story's round with the projects' own steps, in one transaction.
fn award_in(
    conn: &mut DbConnection,
    story: &Story,
    (item, item_name, eligible): &ItemAgencies,
    opened: NaiveDate,
    rules: &ProjectRules,
    calendar: &WorkingCalendar,
) -> AppResult<Awarded> {
    let size = eligible.len().min(4);
    let chosen: Vec<i64> = (0..size)
        .map(|i| eligible[(story.cast_from + i) % eligible.len()])
        .collect();
    let cast = demo::cast_of(conn, *item, item_name.clone(), &chosen)?;
    let days = rules.min_signup_working_days.max(4);
    let deadline = at(calendar.add_working_days(opened, days), 9);
    let method = match story.round {
        Round::Bidding(_) => "bidding",
        Round::Scoring(_) => "scoring",
        Round::Random(_) => "random",
    };
    let mut input = demo::form(&cast, story.title, method, deadline);
    input.region_code = Some(story.region_code.into());
    input.investment_code = Some(format!(
        "2508-{}-04-01-{:06}",
        story.region_code,
        300_000 + story.opened_ago
    ));
    let quotes = match story.round {
        Round::Bidding(fens) | Round::Scoring(fens) => {
            input.price_mode = Some("amount".into());
            input.floor_fen = Some(2_000_000);
            input.ceiling_fen = Some(6_000_000);
            if method == "scoring" {
                input.weight_price = Some(50);
                input.weight_credit = Some(20);
                input.weight_time = Some(30);
            }
            fens.iter()
                .zip([25, 20, 28, 22])
                .map(|(fen, days)| demo::quote(Some(*fen), days))
                .collect::<Vec<_>>()
        }
        Round::Random(fen) => {
            input.price_mode = Some("fixed".into());
            input.amount_fen = Some(fen);
            vec![demo::quote(None, 30)]
        }
    };
    let mut loaded = demo::open(conn, &cast, input, at(opened, 9), rules, calendar)?;
    demo::sign_ups(conn, &cast, &loaded, at(opened, 14), &quotes)?;
    demo::select_and_confirm(conn, &mut loaded, rules, calendar, &cast)?;
    let awarded_at = demo::award_after_publicity(conn, &mut loaded)?;
    let winner_id = loaded
        .state
        .winner_signup_id
        .ok_or_else(|| AppError::Internal(anyhow!("the demo round has no winner")))?;
    let winner: SignupRow = signups::table
        .find(winner_id)
        .select(SignupRow::as_select())
        .first(conn)?;
    let agency_owner = agencies::table
        .find(winner.agency_id)
        .select(agencies::owner_user_id)
        .first(conn)?;
    let loaded = projects::load(conn, loaded.id())?;
    Ok(Awarded {
        project_id: loaded.id(),
        agency_id: winner.agency_id,
        agency_owner,
        awarded_on: Stage::date(awarded_at),
        winning_fen: contracts::winning_fen(&loaded, &winner),
    })
}

/// One party records the contract and the other confirms it; in one story
/// the first recording is returned and recorded again.
async fn sign(
    stage: &Stage,
    people: &People,
    agency: &CurrentUser,
    story: &Story,
    awarded: &Awarded,
) -> AppResult<Signed> {
    let (recorder, other) = match story.recorded_by {
        Party::Applicant => (&people.applicant, agency),
        Party::Agency => (agency, &people.applicant),
    };
    let mut day = stage.calendar.add_working_days(awarded.awarded_on, 2);
    let start = stage.calendar.add_working_days(awarded.awarded_on, 3);
    let end_date = start + Days::new(u64::try_from(story.service_days).unwrap_or(30));
    let number = format!("project {}", awarded.project_id);
    let file = upload(
        stage.at(at(day, 9))?,
        recorder,
        "合同（双方签章）.pdf",
        &["Service contract (signed by both parties)", &number],
    )
    .await?;
    let terms = ContractInput {
        amount_fen: Some(awarded.winning_fen),
        start_date: Some(start),
        end_date: Some(end_date),
        key_terms: Some(story.key_terms.to_owned()),
        file_attachment_id: Some(file),
    };
    if let Some(reason) = story.contract_returned {
        // The first recording carries a wrong end date, which the other party catches.
        let wrong = ContractInput {
            end_date: Some(end_date + Days::new(30)),
            ..terms.clone()
        };
        let state = stage.at(at(day, 10))?;
        let (_, first) =
            contracts::record_contract(state, recorder, awarded.project_id, wrong).await?;
        let state = stage.at(at(day, 16))?;
        contracts::decide_contract(state, other, first.id, decision(false, Some(reason))).await?;
        day = stage.calendar.add_working_days(day, 1);
    }
    let state = stage.at(at(day, 10))?;
    let (_, recorded) =
        contracts::record_contract(state, recorder, awarded.project_id, terms).await?;
    let state = stage.at(stage.after(day, 1, 9))?;
    contracts::decide_contract(state, other, recorded.id, decision(true, None)).await?;
    Ok(Signed {
        id: recorded.id,
        end_date,
    })
}

fn decision(accept: bool, reason: Option<&str>) -> DecisionInput {
    DecisionInput {
        accept: Some(accept),
        reason: reason.map(str::to_owned),
    }
}

/// How many contracts are finished (accepted) and how many are in performance.
pub fn counts(conn: &mut DbConnection) -> AppResult<(i64, i64)> {
    let finished = contract_rows::table
        .filter(contract_rows::completed_at.is_not_null())
        .count()
        .get_result(conn)?;
    let performing = contract_rows::table
        .filter(contract_rows::completed_at.is_null())
        .filter(contract_rows::status.eq("confirmed"))
        .count()
        .get_result(conn)?;
    Ok((finished, performing))
}
