#!/usr/bin/env bash
# Read-path benchmark: GET /v2/users/{id} (bearer-token check + user point read) against a
# release `roster serve`, driven by wrk on the same machine. Results go in BENCHMARKS.md.
#
#   scripts/bench-read.sh sqlite|postgres [DURATION_SECS] [CONNECTIONS]
#
# PostgreSQL: uses postgres://postgres@127.0.0.1:5432 and a throw-away database.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
duration=${2:-10}
connections=${3:-64}
port=18181

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p roster
bin=target/release/roster

dir=$(mktemp -d)
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ -n "${pgdb:-}" ] && psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" || true
  rm -rf "$dir"
}
trap cleanup EXIT
case "$backend" in
  sqlite) url="sqlite://$dir/bench.db" ;;
  postgres)
    pgdb="roster_bench_$$"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $pgdb"
    url="postgres://postgres@127.0.0.1:5432/$pgdb" ;;
  *) echo "usage: $0 sqlite|postgres [DURATION_SECS] [CONNECTIONS]" >&2; exit 2 ;;
esac

field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
created=$(ROSTER_LOG=warn "$bin" --database-url "$url" account create --name Bench \
  --owner-email bench@example.com --plan business --licensed-seats 10 --json)
ROSTER_LOG=warn "$bin" --database-url "$url" serve --listen "127.0.0.1:$port" >/dev/null &
pid=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -X POST -u "$(field client_id <<<"$created"):$(field client_secret <<<"$created")" \
  "http://127.0.0.1:$port/oauth/token?grant_type=account_credentials&account_id=$(field account_id <<<"$created")" \
  | field access_token)
owner=$(field owner_id <<<"$created")

echo "== $backend: GET /v2/users/{id}, wrk -t2 -c$connections -d${duration}s"
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/v2/users/$owner"
echo "== $backend: GET /healthz (HTTP stack + one trivial query)"
wrk -t2 -c"$connections" -d"${duration}s" "http://127.0.0.1:$port/healthz"
