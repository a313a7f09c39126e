#!/usr/bin/env bash
# CSV import benchmark: `roster users import` (release build, mode autoCreate on a managed
# domain, so no invitation mail) of N generated rows into a fresh account, timing the whole
# command and its peak RSS (GNU time). Then the same file again (every row unchanged).
#
#   scripts/bench-import.sh sqlite|postgres [ROWS…]     (default rows: 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release -q -p roster -p roster-bench
bin=target/release/roster
bench=target/release/roster-bench
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

echo "| store | rows | run | wall | rows/s | peak RSS | result |"
echo "|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  dir=$(mktemp -d)
  pgdb=""
  case "$backend" in
    sqlite) url="sqlite://$dir/bench.db" ;;
    postgres)
      pgdb="roster_import_$$_$size"
      psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $pgdb"
      url="postgres://postgres@127.0.0.1:5432/$pgdb" ;;
    *) echo "usage: $0 sqlite|postgres [ROWS…]" >&2; exit 2 ;;
  esac
  created=$(ROSTER_LOG=warn "$bin" --database-url "$url" account create --name Bench \
    --owner-email owner@bench.test --plan business --json)
  account=$(field account_id <<<"$created")
  ROSTER_LOG=warn "$bin" --database-url "$url" account add-domain "$account" bench.test >/dev/null
  # The generated rows set the custom attribute `cost`.
  ROSTER_LOG=warn "$bin" --database-url "$url" account add-attribute "$account" --name cost \
    --type number >/dev/null
  "$bench" gen-csv --rows "$size" --out "$dir/users.csv"
  for run in first again; do
    /usr/bin/time -f "%e %M" -o "$dir/time" env ROSTER_LOG=warn "$bin" --database-url "$url" \
      users import "$dir/users.csv" --account-id "$account" --mode autoCreate >"$dir/out" 2>/dev/null
    read -r wall rss <"$dir/time"
    rate=$(python3 -c "print(f'{$size / $wall:,.0f}')")
    printf '| %s | %s | %s | %s s | %s | %s MB | %s |\n' "$backend" "$size" "$run" "$wall" "$rate" \
      "$((rss / 1024))" "$(tr -d '\n' <"$dir/out")"
  done
  [ -n "$pgdb" ] && psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)"
  rm -rf "$dir"
done
