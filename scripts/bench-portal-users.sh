#!/usr/bin/env bash
# The portal's Users page at 100k users: first page, deep keyset pages, search, filters, every
# sort order and the custom-attribute filter, against a release `roster serve`, timed by
# `roster-bench portal-load` (p50 / p95 per case) on the same machine.
#
#   scripts/bench-portal-users.sh sqlite|postgres [USERS]     (default 100000)
#
# Env: REQUESTS per case (default 200), CONCURRENCY (default 4).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
size=${2:-100000}
port=18283
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p roster -p roster-bench
bin=$target/release/roster
bench=$target/release/roster-bench
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

dir=$(mktemp -d)
pgdb=""
case "$backend" in
  sqlite) url="sqlite://$dir/bench.db" ;;
  postgres)
    pgdb="roster_bench_portal_$$"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $pgdb"
    url="postgres://postgres@127.0.0.1:5432/$pgdb" ;;
  *) echo "usage: $0 sqlite|postgres [USERS]" >&2; exit 2 ;;
esac
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "$pgdb" ] && psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)"
  rm -rf "$dir"
}
trap cleanup EXIT

created=$(ROSTER_LOG=warn "$bin" --database-url "$url" account create --name Bench \
  --owner-email owner@bench.test --plan business --licensed-seats 10 --json)
account=$(field account_id <<<"$created")
ROSTER_LOG=warn "$bin" --database-url "$url" account add-attribute "$account" --name Grade --type number >/dev/null
"$bench" seed --database-url "$url" --account-id "$account" --users $((size - 1)) \
  --ids-out "$dir/ids" --varied --attribute Grade --owner-password Bench12345 2>"$dir/seed.log"
echo "<!-- $backend $size: $(cat "$dir/seed.log") -->"
ROSTER_LOG=warn "$bin" --database-url "$url" serve --listen "127.0.0.1:$port" >/dev/null &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -X POST -u "$(field client_id <<<"$created"):$(field client_secret <<<"$created")" \
  "http://127.0.0.1:$port/oauth/token?grant_type=account_credentials&account_id=$account" \
  | field access_token)
key=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v2/accounts/me/custom_attributes" \
  | python3 -c "import json,sys; print(json.load(sys.stdin)['custom_attributes'][0]['key'])")
"$bench" portal-load --base "http://127.0.0.1:$port" --email owner@bench.test --password Bench12345 \
  --api-token "$token" --attribute-key "$key" --users "$size" --store "$backend" \
  --requests "${REQUESTS:-200}" --concurrency "${CONCURRENCY:-4}"
