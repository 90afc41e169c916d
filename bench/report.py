#!/usr/bin/env python3
"""Merges the JSON of search_bench, xapian_bench.py and http_bench.py into
bench/results.md (and prints it). Usage: report.py WORK_DIR OUT_MD HEADER..."""
import json
import os
import sys


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"unavailable": f"{os.path.basename(path)}: {e}"}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(us):
    return f"{us / 1000:.2f} ms"


def mb(n):
    return f"{n / 1e6:.0f} MB"


def overlap(ours, theirs):
    jaccard, share = [], []
    for a, b in zip(ours, theirs):
        a, b = set(a), set(b)
        share.append(len(a & b) / 10)
        if a or b:
            jaccard.append(len(a & b) / len(a | b))
    return (sum(jaccard) / len(jaccard) if jaccard else 0.0, sum(share) / len(share) if share else 0.0)


def main():
    work, out_md = sys.argv[1:3]
    header = sys.argv[3:]
    inproc = load(f"{work}/inproc.json")
    xap = load(f"{work}/xapian.json")
    http = load(f"{work}/http.json")
    lines = ["# Search benchmark results", ""]
    lines += [f"- {h}" for h in header]
    engines = dict(inproc.get("engines", {}))
    engines["xapian"] = xap
    ours = engines.get("ours", {})
    if "documents" in inproc:
        lines.append(
            f"- {inproc['documents']:,} documents (live offerings, built by "
            f"`search::docs::offering_changes` in {inproc['load_seconds']:.1f} s), "
            f"{len(inproc['queries'])} queries from `bench/queries.txt`, each timed "
            f"{inproc['rounds']} times after a warm-up pass, one thread, in process; "
            f"commits every {inproc['batch']:,} documents"
        )
    lines += [
        "",
        "## In process",
        "",
        "| engine | index time | size on disk | p50 | p95 | p99 | p50 / ours | p99 / ours | queries with hits | top-10 vs ours: mean Jaccard | mean \\|∩\\|/10 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    names = {"ours": "ours (search-index, tantivy + jieba)", "fts5": "SQLite FTS5 trigram", "xapian": "Xapian CJK n-gram (Python)"}
    notes = []
    for key in ("ours", "fts5", "xapian"):
        e = engines.get(key, {})
        if "latencies_us" not in e:
            lines.append(f"| {names[key]} | unavailable: {e.get('unavailable', 'no result')} | | | | | | | | | |")
            continue
        lat = e["latencies_us"]
        p50, p95, p99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
        with_hits = sum(1 for t in e["top10"] if t)
        if key == "ours" or "latencies_us" not in ours:
            r50 = r99 = "1.00" if key == "ours" else ""
            jac = share = "—"
        else:
            o = ours["latencies_us"]
            r50 = f"{p50 / pct(o, 50):.2f}"
            r99 = f"{p99 / pct(o, 99):.2f}"
            j, s = overlap(ours["top10"], e["top10"])
            jac, share = f"{j:.2f}", f"{s:.2f}"
        lines.append(
            f"| {names[key]} | {e['index_seconds']:.1f} s | {mb(e['size_bytes'])} | {ms(p50)} | {ms(p95)} | {ms(p99)} "
            f"| {r50} | {r99} | {with_hits} / {len(e['top10'])} | {jac} | {share} |"
        )
        if e.get("note"):
            notes.append(f"{names[key]}: {e['note']}.")
    lines += [""] + [f"- {n}" for n in notes]
    # Latency on common ground: a query that finds nothing is cheap.
    if "latencies_us" in ours:
        n = len(ours["top10"])
        for key in ("fts5", "xapian"):
            e = engines.get(key, {})
            if "latencies_us" not in e:
                continue
            both = [i for i in range(n) if ours["top10"][i] and e["top10"][i]]
            if not both:
                continue
            rounds = len(e["latencies_us"]) // n

            def sub(lat):
                return [lat[r * n + i] for r in range(rounds) for i in both]

            a, b = sub(ours["latencies_us"]), sub(e["latencies_us"])
            lines.append(
                f"- On the {len(both)} queries where both ours and {names[key]} found something: "
                f"ours p50 {ms(pct(a, 50))}, p99 {ms(pct(a, 99))}; {key} p50 {ms(pct(b, 50))}, p99 {ms(pct(b, 99))}."
            )
    lines += ["", "## HTTP (wrk from loopback, same machine)", ""]
    if "healthz" in http:
        lines += [
            "| endpoint | requests/s | p50 | p99 | non-2xx |",
            "| --- | --- | --- | --- | --- |",
        ]
        for key, label in (("healthz", "`/healthz` (a `SELECT 1` on the pool)"), ("search", "`/api/v1/search/offerings` (the 200 queries in turn, `per_page=10`)")):
            w = http[key]
            fmt = lambda v: f"{v:.2f} ms" if v is not None else "?"
            rps = f"{w['rps']:,.0f}" if w["rps"] is not None else "?"
            lines.append(f"| {label} | {rps} | {fmt(w['p50_ms'])} | {fmt(w['p99_ms'])} | {w['non_2xx']} |")
        if http["healthz"]["rps"] and http["search"]["rps"]:
            lines += ["", f"Search requests/s ÷ healthz requests/s = {http['search']['rps'] / http['healthz']['rps']:.3f}. Command: `{http['search']['command']}`."]
        f = http.get("freshness", {})
        lines += ["", "## Freshness (saved through the API → found by the search API)", ""]
        if "p50_ms" in f:
            lines.append(
                f"{f['samples']} samples: p50 {f['p50_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms, mean {f['mean_ms']:.0f} ms, max {f['max_ms']:.0f} ms, "
                f"{f['misses']} not found within 10 s. Measured from the PATCH answer to the first search answer that holds the offering; "
                "each save comes after a random pause of 0–250 ms; the search API is polled every 5 ms; the server's sync runs every 200 ms."
            )
        else:
            lines.append(f"not measured: {f}")
    else:
        lines.append(f"not measured: {http.get('unavailable')}")
    text = "\n".join(lines) + "\n"
    with open(out_md, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
