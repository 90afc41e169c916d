//! Gathering the facts the signals are computed from — admitted agencies and
//! the closed rounds of sign-ups only — and the administrators' reviews.

use super::rules::{detect, readable, AgencyFacts, Bid, RoundFacts, Signal, SignalKind};
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{agencies, project_states, projects, signal_reviews, signups, users};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::supervision::{journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub note: String,
    pub reviewed_by: String,
    pub reviewed_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SignalView {
    pub key: String,
    pub kind: SignalKind,
    pub kind_label: String,
    pub explanation: String,
    pub agencies: Vec<Named>,
    pub projects: Vec<Named>,
    pub review: Option<ReviewView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SignalList {
    pub signals: Vec<SignalView>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub note: Option<String>,
}

fn agency_facts(conn: &mut DbConnection) -> QueryResult<Vec<AgencyFacts>> {
    let rows: Vec<(i64, String, String, String, String, String)> = agencies::table
        .filter(agencies::status.eq_any(["admitted", "suspended", "expelled"]))
        .select((
            agencies::id,
            agencies::name,
            agencies::contact_phone,
            agencies::contact_email,
            agencies::address,
            agencies::legal_representative,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, phone, email, address, legal_representative)| AgencyFacts {
                id,
                name,
                phone,
                email,
                address,
                legal_representative,
            },
        )
        .collect())
}

/// A project, its current round, when that round's sign-ups closed, its winner.
type ProjectRound = (i64, String, i32, Option<NaiveDateTime>, Option<i64>);

type SignupFact = (i64, i32, i64, Option<i64>, Option<i32>, Option<String>, i64);

/// The closed rounds of every project, with their bids; a round still
/// taking sign-ups (or cancelled before it closed) is never read.
fn round_facts(conn: &mut DbConnection) -> AppResult<Vec<RoundFacts>> {
    let states: Vec<ProjectRound> = projects::table
        .inner_join(project_states::table)
        .select((
            projects::id,
            projects::title,
            project_states::round,
            project_states::signups_closed_at,
            project_states::winner_signup_id,
        ))
        .load(conn)?;
    let mut rounds = Vec::new();
    for (project_id, title, current, closed, winner_signup) in states {
        let loaded = crate::projects::service::load(conn, project_id)?;
        let ceiling_fen = match loaded.project.price_terms() {
            crate::projects::selection::PriceTerms::Amount { ceiling_fen, .. } => Some(ceiling_fen),
            _ => None,
        };
        let rows: Vec<SignupFact> = signups::table
            .filter(signups::project_id.eq(project_id))
            .filter(signups::status.ne("withdrawn"))
            .order((signups::round.asc(), signups::id.asc()))
            .select((
                signups::id,
                signups::round,
                signups::agency_id,
                signups::quote_fen,
                signups::quote_rate_bp,
                signups::ip_address,
                signups::project_id,
            ))
            .load(conn)?;
        let mut by_round: BTreeMap<i32, Vec<&SignupFact>> = BTreeMap::new();
        for row in rows
            .iter()
            .filter(|r| readable(r.1, current, closed.is_some()))
        {
            by_round.entry(row.1).or_default().push(row);
        }
        for (round, bids) in by_round {
            let winner_agency = if round == current {
                winner_signup.and_then(|w| bids.iter().find(|b| b.0 == w).map(|b| b.2))
            } else {
                None
            };
            rounds.push(RoundFacts {
                project_id,
                title: title.clone(),
                round,
                ceiling_fen,
                winner_agency,
                bids: bids
                    .iter()
                    .map(|b| Bid {
                        agency_id: b.2,
                        quote_fen: b.3,
                        quote_rate_bp: b.4,
                        ip: b.5.clone(),
                    })
                    .collect(),
            });
        }
    }
    Ok(rounds)
}

fn view(
    conn: &mut DbConnection,
    s: Signal,
    names: &BTreeMap<i64, String>,
) -> AppResult<SignalView> {
    let projects = s
        .project_ids
        .iter()
        .map(|id| {
            let title: String = projects::table
                .find(id)
                .select(projects::title)
                .first(conn)?;
            Ok(Named {
                id: *id,
                name: title,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let review: Option<(String, String, NaiveDateTime)> = signal_reviews::table
        .inner_join(users::table.on(users::id.eq(signal_reviews::reviewed_by)))
        .filter(signal_reviews::signal_key.eq(&s.key))
        .select((
            signal_reviews::note,
            users::display_name,
            signal_reviews::reviewed_at,
        ))
        .first(conn)
        .optional()?;
    Ok(SignalView {
        kind_label: s.kind.label_zh().to_owned(),
        agencies: s
            .agency_ids
            .iter()
            .map(|id| Named {
                id: *id,
                name: names.get(id).cloned().unwrap_or_default(),
            })
            .collect(),
        projects,
        review: review.map(|(note, reviewed_by, at)| ReviewView {
            note,
            reviewed_by,
            reviewed_at: at.and_utc(),
        }),
        key: s.key,
        kind: s.kind,
        explanation: s.explanation,
    })
}

/// Every signal, with its review if an administrator made one.
pub async fn list(state: &AppState, user: &CurrentUser) -> AppResult<SignalList> {
    user.require(&[Role::Admin])?;
    state
        .db
        .run(|conn| {
            let agencies = agency_facts(conn)?;
            let names: BTreeMap<i64, String> =
                agencies.iter().map(|a| (a.id, a.name.clone())).collect();
            let signals = detect(&agencies, &round_facts(conn)?)
                .into_iter()
                .map(|s| view(conn, s, &names))
                .collect::<AppResult<Vec<_>>>()?;
            Ok(SignalList { signals })
        })
        .await
}

/// An administrator marks a signal reviewed, with a note (again replaces the note).
pub async fn review(
    state: &AppState,
    user: &CurrentUser,
    key: &str,
    input: ReviewInput,
) -> AppResult<SignalView> {
    user.require(&[Role::Admin])?;
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if !(2..=1000).contains(&note.chars().count()) {
        return Err(AppError::invalid(
            "note",
            "请填写核查意见（2–1000 字）。",
            "note must have 2 to 1000 characters.",
        ));
    }
    let (user, key) = (user.clone(), key.to_owned());
    let clock = state.clock.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let agencies = agency_facts(conn)?;
            let names: BTreeMap<i64, String> =
                agencies.iter().map(|a| (a.id, a.name.clone())).collect();
            let signal = detect(&agencies, &round_facts(conn)?)
                .into_iter()
                .find(|s| s.key == key)
                .ok_or(AppError::NotFound)?;
            diesel::delete(signal_reviews::table.filter(signal_reviews::signal_key.eq(&key)))
                .execute(conn)?;
            diesel::insert_into(signal_reviews::table)
                .values((
                    signal_reviews::signal_key.eq(&key),
                    signal_reviews::note.eq(&note),
                    signal_reviews::reviewed_by.eq(user.user.id),
                    signal_reviews::reviewed_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            journal(
                conn,
                now,
                &Actor::user(user.user.id, &user.user.username),
                Event {
                    action: "signal.reviewed",
                    entity_type: "signal",
                    entity_id: key.clone(),
                    detail: json!({ "note": note, "agency_ids": signal.agency_ids, "project_ids": signal.project_ids }),
                },
                Publish::No,
            )?;
            view(conn, signal, &names)
        })
        .await
}
