//! The in-process half of the search benchmark (`bench/run.sh` runs it).
//!
//! Reads the live offerings of a database the way the server does
//! (`search::docs::offering_changes`), then indexes the same documents in
//! our `search-index` and in an SQLite FTS5 table with the `trigram`
//! tokenizer, and times the queries of `bench/queries.txt` on both. It also
//! writes the documents as JSON lines for `bench/xapian_bench.py`, and all
//! figures and top-10 ids as JSON for `bench/report.py`. It measures and
//! prints; it asserts nothing.

use anyhow::{anyhow, Context};
use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use search_index::{Change, OfferingDoc, OfferingQuery, SearchIndex};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use zhongjie::db::schema::offerings;
use zhongjie::db::Db;

#[derive(Parser, Debug)]
#[command(about = "Search benchmark: our index against SQLite FTS5 (trigram)")]
struct Args {
    /// The database `zhongjie seed generate` filled.
    #[arg(long)]
    database_url: String,
    /// Where the indexes, docs.jsonl and inproc.json go (emptied first).
    #[arg(long)]
    work_dir: PathBuf,
    /// One query per line.
    #[arg(long)]
    queries: PathBuf,
    /// How many times each query is timed (after one untimed warm-up pass).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Documents per commit, for both indexes.
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    /// Time our queries on the index a previous run left in `work-dir`,
    /// without reading the database or building anything (for profiling).
    #[arg(long)]
    reuse: bool,
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

/// The live offerings as the server indexes them.
fn load_docs(db: &Db) -> anyhow::Result<Vec<OfferingDoc>> {
    let now = chrono::Utc::now();
    let ids: Vec<i64> = db
        .run_now(|conn| {
            Ok(offerings::table
                .filter(offerings::status.eq("published"))
                .order(offerings::id.asc())
                .select(offerings::id)
                .load(conn)?)
        })
        .map_err(|e| anyhow!("{e}"))?;
    let mut docs = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(2000) {
        let changes = db
            .run_now(|conn| zhongjie::search::docs::offering_changes(conn, chunk, now))
            .map_err(|e| anyhow!("{e}"))?;
        docs.extend(changes.into_iter().filter_map(|c| match c {
            Change::UpsertOffering(doc) => Some(doc),
            _ => None,
        }));
    }
    Ok(docs)
}

fn write_jsonl(docs: &[OfferingDoc], path: &Path) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for d in docs {
        let line = json!({
            "id": d.id,
            "title": d.title,
            "item": d.service_item_name,
            "category": d.category,
            "agency": d.agency_name,
            "description": d.description,
        });
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}

/// Latencies in microseconds and the top-10 ids of each query.
struct Timed {
    micros: Vec<f64>,
    top10: Vec<Vec<i64>>,
    totals: Vec<u64>,
}

fn time_queries<F>(queries: &[String], rounds: usize, mut run: F) -> anyhow::Result<Timed>
where
    F: FnMut(&str) -> anyhow::Result<(Vec<i64>, u64)>,
{
    let mut top10 = Vec::new();
    let mut totals = Vec::new();
    for q in queries {
        let (ids, total) = run(q)?;
        top10.push(ids);
        totals.push(total);
    }
    let mut micros = Vec::with_capacity(queries.len() * rounds);
    for _ in 0..rounds {
        for q in queries {
            let started = Instant::now();
            let found = run(q)?;
            micros.push(started.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(found);
        }
    }
    Ok(Timed {
        micros,
        top10,
        totals,
    })
}

fn ours(
    docs: &[OfferingDoc],
    dir: &Path,
    queries: &[String],
    args: &Args,
) -> anyhow::Result<serde_json::Value> {
    std::fs::create_dir_all(dir)?;
    let index = SearchIndex::open_or_create(dir).map_err(|e| anyhow!("{e}"))?;
    let started = Instant::now();
    for (n, chunk) in docs.chunks(args.batch).enumerate() {
        let changes = chunk.iter().cloned().map(Change::UpsertOffering).collect();
        index
            .apply(changes, n as i64 + 1)
            .map_err(|e| anyhow!("{e}"))?;
    }
    let index_seconds = started.elapsed().as_secs_f64();
    let size = dir_size(dir);
    eprintln!(
        "ours: {} documents in {index_seconds:.1} s, {size} bytes",
        index.num_offerings()
    );
    let timed = time_ours(&index, queries, args.rounds)?;
    Ok(engine_json(index_seconds, size, timed, None))
}

fn time_ours(index: &SearchIndex, queries: &[String], rounds: usize) -> anyhow::Result<Timed> {
    let timed = time_queries(queries, rounds, |q| {
        let found = index
            .search_offerings(&OfferingQuery {
                text: q.to_owned(),
                per_page: 10,
                ..OfferingQuery::default()
            })
            .map_err(|e| anyhow!("{e}"))?;
        Ok((
            found.hits.iter().map(|h| h.id).collect(),
            found.total as u64,
        ))
    })?;
    let mut sorted = timed.micros.clone();
    sorted.sort_by(f64::total_cmp);
    let at = |p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize] / 1000.0;
    eprintln!(
        "ours: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.95),
        at(0.99),
        at(1.0)
    );
    let mut slowest: Vec<(f64, &str)> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let worst = timed
                .micros
                .iter()
                .skip(i)
                .step_by(queries.len())
                .fold(0.0, |a: f64, b| a.max(*b));
            (worst, q.as_str())
        })
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (micros, q) in slowest.iter().take(8) {
        eprintln!("  {:8.2} ms  {q}", micros / 1000.0);
    }
    Ok(timed)
}

fn engine_json(
    index_seconds: f64,
    size: u64,
    timed: Timed,
    note: Option<String>,
) -> serde_json::Value {
    json!({
        "index_seconds": index_seconds,
        "size_bytes": size,
        "latencies_us": timed.micros,
        "top10": timed.top10,
        "totals": timed.totals,
        "note": note,
    })
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn quote(text: &str) -> String {
    text.replace('\'', "''")
}

/// Trigram FTS5 matches only terms of three characters or more; shorter
/// ones (most abbreviations: 环评, 水保) become LIKE filters, which FTS5
/// answers by scanning. Every term must match, like our first pass.
fn fts_sql(query: &str) -> Option<String> {
    let terms: Vec<&str> = query.split_whitespace().collect();
    if terms.is_empty() {
        return None;
    }
    let (long, short): (Vec<&str>, Vec<&str>) =
        terms.into_iter().partition(|t| t.chars().count() >= 3);
    let mut conditions = Vec::new();
    if !long.is_empty() {
        let expr = long
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ");
        conditions.push(format!("fts MATCH '{}'", quote(&expr)));
    }
    for t in &short {
        let like = quote(&format!("%{t}%"));
        conditions.push(format!(
            "(title LIKE '{like}' OR item LIKE '{like}' OR category LIKE '{like}' \
             OR agency LIKE '{like}' OR description LIKE '{like}')"
        ));
    }
    let order = if long.is_empty() {
        ""
    } else {
        " ORDER BY bm25(fts, 3.0, 2.0, 1.0, 2.0, 1.0)"
    };
    Some(format!(
        "SELECT rowid AS id FROM fts WHERE {}{order} LIMIT 10",
        conditions.join(" AND ")
    ))
}

fn fts5(
    docs: &[OfferingDoc],
    file: &Path,
    queries: &[String],
    args: &Args,
) -> anyhow::Result<serde_json::Value> {
    let mut conn = SqliteConnection::establish(&file.display().to_string())?;
    conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    if let Err(e) = conn.batch_execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, item, category, agency, description, \
         tokenize = 'trigram')",
    ) {
        let note = format!("FTS5 with the trigram tokenizer is unavailable: {e}");
        eprintln!("{note}");
        return Ok(json!({ "unavailable": note }));
    }
    let started = Instant::now();
    for chunk in docs.chunks(args.batch) {
        conn.transaction(|conn| {
            for d in chunk {
                diesel::sql_query(
                    "INSERT INTO fts (rowid, title, item, category, agency, description) \
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind::<BigInt, _>(d.id)
                .bind::<Text, _>(&d.title)
                .bind::<Text, _>(&d.service_item_name)
                .bind::<Text, _>(&d.category)
                .bind::<Text, _>(&d.agency_name)
                .bind::<Text, _>(&d.description)
                .execute(conn)?;
            }
            Ok::<(), diesel::result::Error>(())
        })?;
    }
    conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let index_seconds = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(file)?.len();
    eprintln!(
        "fts5: {} documents in {index_seconds:.1} s, {size} bytes",
        docs.len()
    );
    let timed = time_queries(queries, args.rounds, |q| {
        let Some(sql) = fts_sql(q) else {
            return Ok((Vec::new(), 0));
        };
        let rows: Vec<Row> = diesel::sql_query(sql).load(&mut conn)?;
        let ids: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
        let n = ids.len() as u64;
        Ok((ids, n))
    })?;
    Ok(engine_json(
        index_seconds,
        size,
        timed,
        Some(
            "terms under 3 characters are LIKE scans; no ranking when a query has only such terms"
                .into(),
        ),
    ))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let queries: Vec<String> = std::fs::read_to_string(&args.queries)
        .with_context(|| format!("reading {}", args.queries.display()))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if args.reuse {
        let index =
            SearchIndex::open_or_create(&args.work_dir.join("ours")).map_err(|e| anyhow!("{e}"))?;
        eprintln!("ours: {} documents (reused)", index.num_offerings());
        time_ours(&index, &queries, args.rounds)?;
        return Ok(());
    }
    if args.work_dir.exists() {
        std::fs::remove_dir_all(&args.work_dir)?;
    }
    std::fs::create_dir_all(&args.work_dir)?;
    let db = Db::connect(&args.database_url, 2)?;

    let started = Instant::now();
    let docs = load_docs(&db)?;
    let load_seconds = started.elapsed().as_secs_f64();
    eprintln!("{} documents read in {load_seconds:.1} s", docs.len());
    write_jsonl(&docs, &args.work_dir.join("docs.jsonl"))?;

    let ours = ours(&docs, &args.work_dir.join("ours"), &queries, &args)?;
    let fts5 = fts5(&docs, &args.work_dir.join("fts5.sqlite"), &queries, &args)?;
    let report = json!({
        "documents": docs.len(),
        "queries": queries,
        "rounds": args.rounds,
        "batch": args.batch,
        "load_seconds": load_seconds,
        "engines": { "ours": ours, "fts5": fts5 },
    });
    std::fs::write(
        args.work_dir.join("inproc.json"),
        serde_json::to_vec(&report)?,
    )?;
    Ok(())
}
