//! Times the queries of a file on an index built elsewhere (by the server's
//! `zhongjie reindex` or the `search_bench` binary), one thread, after a
//! warm-up pass: a quick loop for profiling the crate without the server.
//!
//!   cargo run --release -p search-index --example latency -- INDEX_DIR QUERIES [ROUNDS]

use std::time::Instant;

use search_index::{OfferingQuery, SearchIndex};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, queries, rest @ ..] = args.as_slice() else {
        return Err("usage: latency INDEX_DIR QUERIES [ROUNDS]".into());
    };
    let rounds: usize = rest.first().map_or(Ok(3), |r| r.parse())?;
    let queries: Vec<String> = std::fs::read_to_string(queries)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let index = SearchIndex::open_or_create(std::path::Path::new(dir))?;
    let run = |text: &str| {
        index.search_offerings(&OfferingQuery {
            text: text.to_owned(),
            per_page: 10,
            ..OfferingQuery::default()
        })
    };
    for q in &queries {
        run(q)?;
    }
    let mut timed: Vec<(f64, &str)> = Vec::new();
    for _ in 0..rounds {
        for q in &queries {
            let started = Instant::now();
            std::hint::black_box(run(q)?);
            timed.push((started.elapsed().as_secs_f64() * 1e3, q));
        }
    }
    let mut ms: Vec<f64> = timed.iter().map(|t| t.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    println!(
        "{} documents, {} queries × {rounds}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, mean {:.2} ms",
        index.num_offerings(),
        queries.len(),
        at(0.5),
        at(0.95),
        at(0.99),
        ms.iter().sum::<f64>() / ms.len() as f64
    );
    timed.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, q) in timed.iter().take(5) {
        println!("  {ms:8.2} ms  {q}");
    }
    Ok(())
}
