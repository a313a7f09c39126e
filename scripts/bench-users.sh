#!/usr/bin/env bash
# User-management benchmark at several account sizes: GET /v2/users/{id} (random ids), a
# 300-user page at the start and deep in the list, and POST /v2/users, against a release
# `roster serve`, with wrk on the same machine. Also the server's peak RSS.
#
#   scripts/bench-users.sh sqlite|postgres [SIZES…]     (default sizes: 1000 100000 1000000)
#
# Env: DURATION (seconds per run, default 10), CONNECTIONS (default 64).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 100000 1000000)
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
port=18282

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p roster -p roster-bench
bin=target/release/roster
bench=target/release/roster-bench
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '$1 == "99%" {print $2}'; }

run_wrk() { # label, then wrk arguments
  local label=$1; shift
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$@")
  if grep -q "Non-2xx" <<<"$out"; then echo "$out" >&2; echo "FAILED: $label had errors" >&2; exit 1; fi
  printf '| %s | %s | %s | %s | %s |\n' "$backend" "$size" "$label" "$(rps <<<"$out")" "$(p99 <<<"$out")"
}

echo "| store | users | path | req/s | p99 |"
echo "|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  dir=$(mktemp -d)
  pgdb=""
  case "$backend" in
    sqlite) url="sqlite://$dir/bench.db" ;;
    postgres)
      pgdb="roster_bench_$$_$size"
      psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $pgdb"
      url="postgres://postgres@127.0.0.1:5432/$pgdb" ;;
    *) echo "usage: $0 sqlite|postgres [SIZES…]" >&2; exit 2 ;;
  esac
  created=$(ROSTER_LOG=warn "$bin" --database-url "$url" account create --name Bench \
    --owner-email owner@bench.test --plan business --licensed-seats 10 --json)
  "$bench" seed --database-url "$url" --account-id "$(field account_id <<<"$created")" \
    --users $((size - 1)) --ids-out "$dir/ids" 2>"$dir/seed.log"
  echo "<!-- $backend $size: $(cat "$dir/seed.log") -->"
  ROSTER_LOG=warn "$bin" --database-url "$url" serve --listen "127.0.0.1:$port" >/dev/null &
  pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  token=$(curl -sf -X POST -u "$(field client_id <<<"$created"):$(field client_secret <<<"$created")" \
    "http://127.0.0.1:$port/oauth/token?grant_type=account_credentials&account_id=$(field account_id <<<"$created")" \
    | field access_token)
  export TOKEN=$token IDS_FILE=$dir/ids
  base="http://127.0.0.1:$port"
  run_wrk "GET /v2/users/{id}" -s scripts/wrk/get-random.lua "$base/"
  run_wrk "GET /v2/users?page_size=300 (first page)" -s scripts/wrk/get.lua "$base/v2/users?page_size=300"
  deep=$("$bench" page-token "u$(printf '%07d' $((size / 2)))@bench.test")
  run_wrk "GET /v2/users?page_size=300 (middle page)" -s scripts/wrk/get.lua "$base/v2/users?page_size=300&next_page_token=$deep"
  run_wrk "POST /v2/users" -s scripts/wrk/create.lua "$base/"
  rss=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/$pid/status")
  echo "<!-- $backend $size: server peak RSS $rss -->"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ -n "$pgdb" ] && psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)"
  rm -rf "$dir"
done
