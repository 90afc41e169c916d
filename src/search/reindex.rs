//! `zhongjie reindex`: builds a new generation of the index from the
//! database, with a progress bar, and swaps it in; a running server keeps
//! answering from the old one until it sees the swap.

use super::{docs, swap_to};
use crate::db::schema::{agencies, log_heads, offerings};
use crate::db::Db;
use anyhow::{anyhow, Context};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use search_index::SearchIndex;
use std::path::Path;

const BATCH: usize = 2000;

pub fn rebuild(db: &Db, data_dir: &Path, now: DateTime<Utc>) -> anyhow::Result<(String, u64)> {
    let root = data_dir.join("search");
    std::fs::create_dir_all(&root)?;
    let generation = format!("index-{}", now.format("%Y%m%d%H%M%S%f"));
    let dir = root.join(&generation);
    std::fs::create_dir_all(&dir)?;
    let index = SearchIndex::open_or_create(&dir).map_err(|e| anyhow!("{e}"))?;
    // Everything up to this number is in the documents read below; later
    // changes are applied by the server's sync, which is idempotent.
    let (upto, offering_ids, agency_ids) = db
        .run_now(|conn| {
            let upto: i64 = log_heads::table.select(log_heads::change_seq).first(conn)?;
            let offering_ids: Vec<i64> = offerings::table
                .filter(offerings::status.eq("published"))
                .order(offerings::id.asc())
                .select(offerings::id)
                .load(conn)?;
            let agency_ids: Vec<i64> = agencies::table
                .order(agencies::id.asc())
                .select(agencies::id)
                .load(conn)?;
            Ok((upto, offering_ids, agency_ids))
        })
        .map_err(|e| anyhow!("{e}"))?;
    let bar = ProgressBar::new((offering_ids.len() + agency_ids.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("重建检索索引");
    for chunk in agency_ids.chunks(BATCH) {
        let changes = db
            .run_now(|conn| docs::agency_changes(conn, chunk, now))
            .map_err(|e| anyhow!("{e}"))?;
        index.apply(changes, upto).map_err(|e| anyhow!("{e}"))?;
        bar.inc(chunk.len() as u64);
    }
    for chunk in offering_ids.chunks(BATCH) {
        let changes = db
            .run_now(|conn| docs::offering_changes(conn, chunk, now))
            .map_err(|e| anyhow!("{e}"))?;
        index.apply(changes, upto).map_err(|e| anyhow!("{e}"))?;
        bar.inc(chunk.len() as u64);
    }
    index.apply(Vec::new(), upto).map_err(|e| anyhow!("{e}"))?;
    bar.finish_and_clear();
    let count = index.num_offerings();
    drop(index);
    swap_to(&root, &generation).context("swapping in the new index")?;
    Ok((generation, count))
}
