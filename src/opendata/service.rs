//! Reading the change log for the public: a page of the feed, and the
//! releases of the projects and contracts it names. The decisions are in
//! `feed.rs` and `ocds.rs`; this file gathers the facts they need.

use super::feed::{self, Change, Facts};
use super::ocds::{self, ContractFacts, Org, ProjectFacts, ReleaseEvent, Winner};
use super::ocds_types::Release;
use super::window::Window;
use crate::contracts::model::ContractRow;
use crate::db::schema::{agencies, changes, contracts, offerings, qualifications, signups, users};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::projects::model::SignupRow;
use crate::projects::service::{load, Loaded};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// A page of the feed: the entries shown, and the last change number examined.
pub struct FeedPage {
    pub entries: Vec<(Change, String)>,
    pub next_since: i64,
}

fn read(
    conn: &mut DbConnection,
    since: i64,
    limit: i64,
    types: Option<&[&str]>,
) -> QueryResult<Vec<Change>> {
    let mut query = changes::table
        .filter(changes::seq.gt(since))
        .order(changes::seq.asc())
        .limit(limit)
        .into_boxed();
    if let Some(types) = types {
        query = query.filter(changes::entity_type.eq_any(types.to_vec()));
    }
    Ok(query
        .select((
            changes::seq,
            changes::occurred_at,
            changes::entity_type,
            changes::entity_id,
            changes::action,
        ))
        .load::<(i64, chrono::NaiveDateTime, String, String, String)>(conn)?
        .into_iter()
        .map(
            |(seq, occurred_at, entity_type, entity_id, action)| Change {
                seq,
                occurred_at,
                entity_type,
                entity_id,
                action,
            },
        )
        .collect())
}

/// The facts `feed::shown` needs about the entities of `rows`.
fn facts_for(conn: &mut DbConnection, rows: &[Change]) -> QueryResult<Facts> {
    let mut facts = Facts::default();
    if rows.is_empty() {
        return Ok(facts);
    }
    let ids_of = |kind: &str| -> Vec<i64> {
        rows.iter()
            .filter(|c| c.entity_type == kind)
            .filter_map(|c| c.entity_id.parse().ok())
            .collect()
    };
    for (id, agency) in qualifications::table
        .filter(qualifications::id.eq_any(ids_of("qualification")))
        .select((qualifications::id, qualifications::agency_id))
        .load::<(i64, i64)>(conn)?
    {
        facts
            .qualification_agency
            .insert(id.to_string(), agency.to_string());
    }
    for (id, project) in contracts::table
        .filter(contracts::id.eq_any(ids_of("contract")))
        .select((contracts::id, contracts::project_id))
        .load::<(i64, i64)>(conn)?
    {
        facts.contract_project.insert(id.to_string(), project);
    }
    let mut agency_ids = ids_of("agency");
    agency_ids.extend(
        facts
            .qualification_agency
            .values()
            .filter_map(|id| id.parse::<i64>().ok()),
    );
    let mut created_public = HashSet::new();
    for (id, created, admitted) in agencies::table
        .filter(agencies::id.eq_any(agency_ids))
        .select((agencies::id, agencies::created_at, agencies::admitted_at))
        .load::<(i64, NaiveDateTime, Option<NaiveDateTime>)>(conn)?
    {
        if feed::public_at_creation(created, admitted) {
            created_public.insert(("agency".to_owned(), id.to_string()));
        }
    }
    for (id, created, published) in offerings::table
        .filter(offerings::id.eq_any(ids_of("offering")))
        .select((
            offerings::id,
            offerings::created_at,
            offerings::published_at,
        ))
        .load::<(i64, NaiveDateTime, Option<NaiveDateTime>)>(conn)?
    {
        if feed::public_at_creation(created, published) {
            created_public.insert(("offering".to_owned(), id.to_string()));
        }
    }
    let mut ids: Vec<String> = rows.iter().map(|c| c.entity_id.clone()).collect();
    ids.extend(facts.qualification_agency.values().cloned());
    ids.sort();
    ids.dedup();
    let kinds = ["project", "agency", "offering", "qualification", "contract"];
    let actions: Vec<&str> = kinds
        .into_iter()
        .filter_map(feed::publishing_action)
        .chain(kinds.into_iter().filter_map(feed::creation_action))
        .collect();
    // The log has no index on entities: one pass over it for all the page's
    // entities at once. Not bounded by the page, so that a creation counts as
    // publishing only for an entity never published by a change of its own.
    let found = changes::table
        .filter(changes::action.eq_any(actions))
        .filter(changes::entity_id.eq_any(ids))
        .select((
            changes::entity_type,
            changes::entity_id,
            changes::seq,
            changes::action,
        ))
        .load::<(String, String, i64, String)>(conn)?;
    let mut published = HashSet::new();
    for (kind, id, seq, action) in &found {
        if feed::publishing_action(kind) == Some(action.as_str()) {
            published.insert((kind.clone(), id.clone()));
            let from = facts
                .public_from
                .entry((kind.clone(), id.clone()))
                .or_insert(*seq);
            *from = (*from).min(*seq);
        }
    }
    for (kind, id, seq, action) in found {
        let key = (kind, id);
        if feed::creation_action(&key.0) == Some(action.as_str())
            && created_public.contains(&key)
            && !published.contains(&key)
        {
            facts.public_from.insert(key, seq);
        }
    }
    Ok(facts)
}

/// One page of the public change feed.
pub fn feed_page(conn: &mut DbConnection, window: Window) -> QueryResult<FeedPage> {
    let rows = read(conn, window.since, window.limit, None)?;
    let next_since = rows.last().map_or(window.since, |c| c.seq);
    let facts = facts_for(conn, &rows)?;
    let entries = rows
        .into_iter()
        .filter_map(|c| feed::shown(&c, &facts).map(|href| (c, href)))
        .collect();
    Ok(FeedPage {
        entries,
        next_since,
    })
}

/// The releases after `window.since`, at most `window.limit`, and the last
/// change number they account for. Reads on past changes that make no
/// release, so a page is empty only at the end of the log.
pub fn releases(
    conn: &mut DbConnection,
    prefix: &str,
    window: Window,
) -> AppResult<(Vec<Release>, i64)> {
    let mut cursor = window.since;
    let mut events: Vec<(i64, ReleaseEvent)> = Vec::new();
    loop {
        let rows = read(conn, cursor, window.limit, Some(&["project", "contract"]))?;
        let Some(last) = rows.last().map(|c| c.seq) else {
            break;
        };
        let facts = facts_for(conn, &rows)?;
        for c in &rows {
            cursor = c.seq;
            if feed::shown(c, &facts).is_none() {
                continue;
            }
            let key = (c.entity_type.clone(), c.entity_id.clone());
            let first = facts.public_from.get(&key) == Some(&c.seq);
            let Some(stage) = ocds::stage(&c.entity_type, &c.action, first) else {
                continue;
            };
            let (project, contract_id) = match c.entity_type.as_str() {
                "contract" => (
                    facts.contract_project.get(&c.entity_id).copied(),
                    c.entity_id.parse().ok(),
                ),
                _ => (c.entity_id.parse().ok(), None),
            };
            if let Some(project) = project {
                let at = c.occurred_at.and_utc();
                let event = ReleaseEvent {
                    seq: c.seq,
                    at,
                    stage,
                    contract_id,
                };
                events.push((project, event));
            }
            if events.len() as i64 >= window.limit {
                return Ok((build(conn, prefix, events)?, cursor));
            }
        }
        cursor = last;
        if (rows.len() as i64) < window.limit {
            break;
        }
    }
    Ok((build(conn, prefix, events)?, cursor))
}

fn build(
    conn: &mut DbConnection,
    prefix: &str,
    events: Vec<(i64, ReleaseEvent)>,
) -> AppResult<Vec<Release>> {
    let mut projects: BTreeMap<i64, Option<ProjectFacts>> = BTreeMap::new();
    for (id, _) in &events {
        if !projects.contains_key(id) {
            let facts = project_facts(conn, *id)?;
            projects.insert(*id, facts);
        }
    }
    Ok(events
        .iter()
        .filter_map(|(id, event)| {
            let facts = projects.get(id)?.as_ref()?;
            Some(ocds::release(prefix, facts, event))
        })
        .collect())
}

/// What the public may know of a project now; `None` if it never was published.
fn project_facts(conn: &mut DbConnection, id: i64) -> AppResult<Option<ProjectFacts>> {
    let loaded = load(conn, id)?;
    if !loaded.is_public() || loaded.project.number.is_none() {
        return Ok(None);
    }
    let p = &loaded.project;
    let buyer = users::table
        .find(p.applicant_user_id)
        .select((users::organization_name, users::organization_uscc))
        .first::<(Option<String>, Option<String>)>(conn)?;
    let buyer = match buyer {
        (Some(name), Some(uscc)) => Some(Org { name, uscc }),
        _ => None,
    };
    Ok(Some(ProjectFacts {
        number: loaded.number(),
        title: p.title.clone(),
        description: p.service_content.clone(),
        method: p.method(),
        price: p.price_terms(),
        direct_named: !p.has_signup_phase(),
        buyer,
        published_at: loaded.state.published_at.map(|t| t.and_utc()),
        signup_deadline: p.signup_deadline.and_utc(),
        signups_closed_at: loaded.state.signups_closed_at.map(|t| t.and_utc()),
        tenderers: tenderers(conn, &loaded)?,
        winner: winner(conn, &loaded)?,
        contracts: contracts_of(conn, id)?,
    }))
}

/// The current round's standing sign-ups, only once the round is unsealed.
fn tenderers(conn: &mut DbConnection, loaded: &Loaded) -> QueryResult<Vec<Org>> {
    if !loaded.unsealed() {
        return Ok(Vec::new());
    }
    Ok(signups::table
        .inner_join(agencies::table)
        .filter(signups::project_id.eq(loaded.id()))
        .filter(signups::round.eq(loaded.state.round))
        .filter(signups::status.ne("withdrawn"))
        .order(signups::id.asc())
        .select((agencies::name, agencies::uscc))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(name, uscc)| Org { name, uscc })
        .collect())
}

fn winner(conn: &mut DbConnection, loaded: &Loaded) -> QueryResult<Option<Winner>> {
    let Some(signup_id) = loaded.state.winner_signup_id else {
        return Ok(None);
    };
    let (signup, name, uscc) = signups::table
        .inner_join(agencies::table)
        .filter(signups::id.eq(signup_id))
        .select((SignupRow::as_select(), agencies::name, agencies::uscc))
        .first::<(SignupRow, String, String)>(conn)?;
    Ok(Some(Winner {
        signup_id,
        agency: Org { name, uscc },
        value_fen: crate::contracts::service::winning_fen(loaded, &signup),
        selected_at: loaded.state.selected_at.map(|t| t.and_utc()),
        awarded_at: loaded.state.awarded_at.map(|t| t.and_utc()),
    }))
}

fn contracts_of(conn: &mut DbConnection, project_id: i64) -> QueryResult<Vec<ContractFacts>> {
    Ok(contracts::table
        .filter(contracts::project_id.eq(project_id))
        .select(ContractRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| ContractFacts {
            id: c.id,
            signup_id: c.signup_id,
            amount_fen: c.amount_fen,
            start_date: c.start_date,
            end_date: c.end_date,
            status: c.status(),
            confirmed_at: c.confirmed_at.map(|t| t.and_utc()),
            completed_at: c.completed_at.map(|t| t.and_utc()),
        })
        .collect())
}
