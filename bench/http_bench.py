#!/usr/bin/env python3
"""The HTTP half of the search benchmark (standard library only).

Usage: http_bench.py BASE_URL QUERIES_TXT DATABASE_FILE WORK_DIR OUT_JSON

1. wrk (loopback, -t2 -c16 -d10s --latency) on /healthz and on
   /api/v1/search/offerings, the latter cycling through the 200 queries;
2. freshness: an agency's offering title is changed through the API to
   carry a new nonsense word, and the search API is polled every 5 ms until
   it finds the offering (at most 10 s a sample), 50 samples, each after a
   random pause of up to 250 ms.
Measures only; asserts nothing.
"""
import http.cookiejar
import json
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

WRK = ["wrk", "-t2", "-c16", "-d10s", "--latency"]
SAMPLES = 50
PASSWORD = "demo-agency-2026"
USER = "bench_agency_0000001"


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return None
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(url, script=None):
    cmd = WRK + (["-s", script] if script else []) + [url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    result = {"command": " ".join(cmd), "raw": out}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    result["rps"] = float(m.group(1)) if m else None
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        result[f"p{pct}_ms"] = to_ms(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result["non_2xx"] = int(m.group(1)) if m else 0
    return result


def lua_script(queries, path):
    paths = [
        "/api/v1/search/offerings?per_page=10&q=" + urllib.parse.quote(q) for q in queries
    ]
    with open(path, "w", encoding="utf-8") as f:
        f.write("local paths = {\n")
        for p in paths:
            f.write(f'  "{p}",\n')
        f.write("}\nlocal i = 0\n")
        f.write("request = function()\n  i = i % #paths + 1\n")
        f.write('  return wrk.format("GET", paths[i])\nend\n')


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def freshness(base, database_file):
    db = sqlite3.connect(database_file)
    row = db.execute(
        "SELECT o.id, o.title FROM offerings o JOIN agencies a ON a.id = o.agency_id "
        "JOIN users u ON u.id = a.owner_user_id WHERE u.username = ? "
        "AND o.status = 'published' ORDER BY o.id LIMIT 1",
        (USER,),
    ).fetchone()
    db.close()
    if row is None:
        return {"error": f"no published offering of {USER}"}
    offering_id, title = row
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        with opener.open(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    session = call("POST", "/api/v1/sessions", {"username": USER, "password": PASSWORD})
    csrf = session["session"]["csrf_token"]
    delays, misses = [], 0
    rng = random.Random(1)
    for n in range(SAMPLES):
        word = f"zqprobe{n}x{rng.randrange(10**6)}"
        # A random pause, so the saves do not fall in step with the server's sync ticks.
        time.sleep(rng.uniform(0, 0.25))
        call("PATCH", f"/api/v1/offerings/{offering_id}",
             {"title": f"{title} {word}"}, {"X-CSRF-Token": csrf})
        saved = time.perf_counter()
        found = None
        while time.perf_counter() - saved < 10:
            hits = call("GET", "/api/v1/search/offerings?per_page=5&q=" + word)["hits"]
            if any(h["offering"]["id"] == offering_id for h in hits):
                found = time.perf_counter() - saved
                break
            time.sleep(0.005)
        if found is None:
            misses += 1
        else:
            delays.append(found * 1000)
    call("PATCH", f"/api/v1/offerings/{offering_id}", {"title": title}, {"X-CSRF-Token": csrf})
    if not delays:
        return {"samples": SAMPLES, "misses": misses}
    return {
        "samples": SAMPLES,
        "misses": misses,
        "p50_ms": pct(delays, 50),
        "p99_ms": pct(delays, 99),
        "mean_ms": statistics.mean(delays),
        "max_ms": max(delays),
    }


def main():
    base, queries_path, database_file, work_dir, out_path = sys.argv[1:6]
    queries = [l.strip() for l in open(queries_path, encoding="utf-8") if l.strip()]
    script = f"{work_dir}/search.lua"
    lua_script(queries, script)
    result = {
        "healthz": run_wrk(base + "/healthz"),
        "search": run_wrk(base + "/api/v1/search/offerings", script),
    }
    print("wrk done", file=sys.stderr)
    result["freshness"] = freshness(base, database_file)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
