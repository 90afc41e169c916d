//! Keeps the index fresh from the change log: each pass reads the changes
//! after the number the index last committed, works out which offerings and
//! agencies they touch, and applies their documents with the new number in
//! the same commit. After a crash the index reopens at its last commit, so
//! the next pass resumes exactly there; each node keeps its own index so.

use super::docs;
use super::SearchService;
use crate::db::schema::{changes, offerings, qualifications};
use crate::db::{Db, DbConnection};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use search_index::Change;

/// Changes read per pass; a larger backlog takes several passes.
const BATCH: i64 = 1000;

/// What a batch of changes touches.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct Touched {
    pub offerings: Vec<i64>,
    pub agencies: Vec<i64>,
    pub qualifications: Vec<i64>,
    pub service_items: Vec<i64>,
}

/// Sorts change-log rows by what they are about (pure).
pub fn touched(rows: &[(i64, String, String)]) -> Touched {
    let mut t = Touched::default();
    for (_, entity, id) in rows {
        let Ok(id) = id.parse::<i64>() else { continue };
        match entity.as_str() {
            "offering" => t.offerings.push(id),
            "agency" => t.agencies.push(id),
            "qualification" => t.qualifications.push(id),
            "service_item" => t.service_items.push(id),
            _ => {}
        }
    }
    for list in [
        &mut t.offerings,
        &mut t.agencies,
        &mut t.qualifications,
        &mut t.service_items,
    ] {
        list.sort_unstable();
        list.dedup();
    }
    t
}

fn documents_for(
    conn: &mut DbConnection,
    t: &Touched,
    now: DateTime<Utc>,
) -> AppResult<Vec<Change>> {
    let mut agency_ids = t.agencies.clone();
    for chunk in t.qualifications.chunks(crate::offerings::live::CHUNK) {
        agency_ids.extend(
            qualifications::table
                .filter(qualifications::id.eq_any(chunk))
                .select(qualifications::agency_id)
                .load::<i64>(conn)?,
        );
    }
    agency_ids.sort_unstable();
    agency_ids.dedup();
    let mut offering_ids = t.offerings.clone();
    offering_ids.extend(docs::offerings_of_agencies(conn, &agency_ids)?);
    for chunk in t.service_items.chunks(crate::offerings::live::CHUNK) {
        offering_ids.extend(
            offerings::table
                .filter(offerings::service_item_id.eq_any(chunk))
                .select(offerings::id)
                .load::<i64>(conn)?,
        );
    }
    offering_ids.sort_unstable();
    offering_ids.dedup();
    let mut out = docs::agency_changes(conn, &agency_ids, now)?;
    out.extend(docs::offering_changes(conn, &offering_ids, now)?);
    Ok(out)
}

/// One pass: applies the changes after the index's number; returns how many.
pub fn catch_up(db: &Db, search: &SearchService, now: DateTime<Utc>) -> AppResult<usize> {
    let index = search.current();
    let after = index.last_applied().unwrap_or(0);
    let (rows, batch) = db.run_now(|conn| {
        let rows: Vec<(i64, String, String)> = changes::table
            .filter(changes::seq.gt(after))
            .order(changes::seq.asc())
            .limit(BATCH)
            .select((changes::seq, changes::entity_type, changes::entity_id))
            .load(conn)?;
        let touched = touched(&rows);
        if !touched.service_items.is_empty() {
            // An item edited on any node: this node's searches read the catalogue again.
            search.reference().forget_catalogue();
        }
        let batch = documents_for(conn, &touched, now)?;
        Ok((rows, batch))
    })?;
    let Some((last, _, _)) = rows.last() else {
        return Ok(0);
    };
    index
        .apply(batch, *last)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("search index: {e}")))?;
    Ok(rows.len())
}

/// Applies everything up to the end of the log.
pub fn catch_up_fully(db: &Db, search: &SearchService, now: DateTime<Utc>) -> AppResult<usize> {
    let mut total = 0;
    loop {
        let applied = catch_up(db, search, now)?;
        total += applied;
        if applied < BATCH as usize {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_sorted_by_what_they_touch() {
        let rows = vec![
            (1, "offering".to_owned(), "7".to_owned()),
            (2, "agency".to_owned(), "3".to_owned()),
            (3, "offering".to_owned(), "7".to_owned()),
            (4, "qualification".to_owned(), "11".to_owned()),
            (5, "service_item".to_owned(), "27".to_owned()),
            (6, "user".to_owned(), "2".to_owned()),
            (7, "offering".to_owned(), "not a number".to_owned()),
        ];
        assert_eq!(
            touched(&rows),
            Touched {
                offerings: vec![7],
                agencies: vec![3],
                qualifications: vec![11],
                service_items: vec![27]
            }
        );
    }
}
