#!/usr/bin/env bash
# The search benchmark: our search-index against SQLite FTS5 (trigram) and
# Xapian (CJK n-grams) in process, then the HTTP search endpoint under wrk and
# the freshness of a saved offering, on `zhongjie seed generate` data.
# Writes bench/results.md and prints it. Loopback only; every step is bounded.
#
#   bench/run.sh [--offerings N] [--rounds R]      (default 1,000,000 and 3)
#   BENCH_DIR=/tmp/zj-bench BENCH_PORT=18731 bench/run.sh --offerings 100000
set -euo pipefail

OFFERINGS=1000000
ROUNDS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --offerings) OFFERINGS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "usage: $0 [--offerings N] [--rounds R]" >&2; exit 2 ;;
  esac
done
AGENCIES=$(( (OFFERINGS + 49) / 50 ))
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/zhongjie-bench}"
PORT="${BENCH_PORT:-18731}"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results.md}"
BASE="http://127.0.0.1:$PORT"
unset DATABASE_URL ZHONGJIE_DATA_DIR ZHONGJIE_BIND
export ZHONGJIE_LOG=warn
# Debian's python3-xapian is for the system Python, not a pyenv or venv one.
PY="${BENCH_PYTHON:-/usr/bin/python3}"

missing=()
command -v wrk >/dev/null || missing+=(wrk)
"$PY" -c 'import xapian' 2>/dev/null || missing+=(python3-xapian)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
fi

echo "== building (release)"
cd "$ROOT"
cargo build --release ${CARGO_BUILD_JOBS:+-j "$CARGO_BUILD_JOBS"} --bin zhongjie --bin search_bench
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}/release"

case "$BENCH_DIR" in /|/tmp|/tmp/|"$HOME"|"") echo "refusing BENCH_DIR=$BENCH_DIR" >&2; exit 2 ;; esac
rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR/data"
DB="$BENCH_DIR/data/zhongjie.db"
ZJ=("$TARGET/zhongjie" --data-dir "$BENCH_DIR/data" --database-url "sqlite://$DB")

echo "== seed generate: $AGENCIES agencies, $OFFERINGS offerings"
"${ZJ[@]}" seed generate --agencies "$AGENCIES" --offerings "$OFFERINGS" --seed 1 2>/dev/null | tee "$BENCH_DIR/seed.txt"

echo "== in process: ours and SQLite FTS5"
"$TARGET/search_bench" --database-url "sqlite://$DB" --work-dir "$BENCH_DIR/inproc" \
  --queries "$ROOT/bench/queries.txt" --rounds "$ROUNDS"

echo "== in process: Xapian"
timeout 3600 "$PY" "$ROOT/bench/xapian_bench.py" "$BENCH_DIR/inproc/docs.jsonl" \
  "$ROOT/bench/queries.txt" "$BENCH_DIR/inproc/xapian" "$BENCH_DIR/inproc/xapian.json" "$ROUNDS" \
  || echo "xapian benchmark failed" >&2

echo "== zhongjie reindex (the server's own index)"
start=$(date +%s.%N)
"${ZJ[@]}" reindex | tee "$BENCH_DIR/reindex.txt"
REINDEX_S=$(echo "$(date +%s.%N) - $start" | bc)

echo "== serve on $BASE"
"${ZJ[@]}" serve --bind "127.0.0.1:$PORT" >"$BENCH_DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited; see $BENCH_DIR/serve.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs "$BASE/healthz" >/dev/null

echo "== HTTP: wrk and freshness"
timeout 900 "$PY" "$ROOT/bench/http_bench.py" "$BASE" "$ROOT/bench/queries.txt" "$DB" \
  "$BENCH_DIR/inproc" "$BENCH_DIR/inproc/http.json" || echo "HTTP benchmark failed" >&2

kill "$SERVER" 2>/dev/null || true
wait "$SERVER" 2>/dev/null || true
trap - EXIT

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
"$PY" "$ROOT/bench/report.py" "$BENCH_DIR/inproc" "$RESULTS" \
  "run $(date -u +'%Y-%m-%d %H:%M UTC') with \`bench/run.sh --offerings $OFFERINGS\` on $(nproc) cores ($CPU), $(free -g | awk '/Mem:/ {print $2}') GB RAM, release build" \
  "data: \`zhongjie seed generate --agencies $AGENCIES --offerings $OFFERINGS --seed 1\` into SQLite: $(tail -n1 "$BENCH_DIR/seed.txt" | sed 's/.*(//; s/)$//')" \
  "the server's own rebuild, \`zhongjie reindex\` (documents from the database, commits every 2,000): $(printf '%.1f' "$REINDEX_S") s, index $(du -sb "$BENCH_DIR/data/search" | cut -f1 | awk '{printf "%.0f MB", $1/1e6}')"
