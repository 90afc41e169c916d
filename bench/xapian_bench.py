#!/usr/bin/env python3
"""Xapian with CJK n-grams over the documents search_bench exported.

Usage: xapian_bench.py DOCS_JSONL QUERIES_TXT DB_DIR OUT_JSON [ROUNDS]

Indexes title (x3), item name (x2), agency name (x2), category and
description with TermGenerator.FLAG_CJK_NGRAM, parses every query with
QueryParser.FLAG_CJK_NGRAM and the AND default operator (all words must
match, like our first pass), and writes the index time, size, latencies
and top-10 ids as JSON. Measures only; asserts nothing.
"""
import json
import os
import shutil
import sys
import time

import xapian

FIELDS = (("title", 3), ("item", 2), ("agency", 2), ("category", 1), ("description", 1))


def dir_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def main():
    docs_path, queries_path, db_dir, out_path = sys.argv[1:5]
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    queries = [l.strip() for l in open(queries_path, encoding="utf-8") if l.strip()]
    shutil.rmtree(db_dir, ignore_errors=True)

    started = time.perf_counter()
    db = xapian.WritableDatabase(db_dir, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    count = 0
    with open(docs_path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            doc = xapian.Document()
            tg.set_document(doc)
            for field, weight in FIELDS:
                tg.index_text(d[field], weight)
                tg.increase_termpos()
            doc.set_data(str(d["id"]))
            db.replace_document(d["id"], doc)
            count += 1
            if count % 10000 == 0:
                db.commit()
    db.commit()
    index_seconds = time.perf_counter() - started
    db.close()
    size = dir_size(db_dir)
    print(f"xapian: {count} documents in {index_seconds:.1f} s, {size} bytes", file=sys.stderr)

    db = xapian.Database(db_dir)
    qp = xapian.QueryParser()
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_AND)
    flags = xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_CJK_NGRAM
    enquire = xapian.Enquire(db)

    def run(q):
        enquire.set_query(qp.parse_query(q, flags))
        mset = enquire.get_mset(0, 10)
        return [m.docid for m in mset], mset.get_matches_estimated()

    top10, totals = [], []
    for q in queries:
        ids, total = run(q)
        top10.append(ids)
        totals.append(total)
    latencies = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            run(q)
            latencies.append((time.perf_counter() - t) * 1e6)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(
            {
                "index_seconds": index_seconds,
                "size_bytes": size,
                "latencies_us": latencies,
                "top10": top10,
                "totals": totals,
                "note": "Python bindings; totals are Xapian's estimates",
                "version": xapian.version_string(),
            },
            out,
        )


if __name__ == "__main__":
    main()
