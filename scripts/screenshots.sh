#!/usr/bin/env bash
# Saves screenshots of the portal's main pages into docs/screenshots/: boots `roster serve` on a
# fresh SQLite database, then runs the browser script (crates/web/e2e/portal.mjs) with a
# screenshot directory. Needs scripts/browser-test-deps.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/browser-test-deps.sh >/dev/null
cargo build -q -p roster
dir=$(mktemp -d)
out=docs/screenshots
mkdir -p "$out"
log="$dir/serve.log"
ROSTER_DATABASE_URL="sqlite://$dir/roster.db" ROSTER_LISTEN=127.0.0.1:0 target/debug/roster serve >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
base=$(grep -o 'listening on http://[^ ]*' "$log" | head -n1 | sed 's/listening on //')
link=$(grep -o 'http://[^ ]*/setup?token=[^ ]*' "$log" | head -n1)
if [ -z "$base" ] || [ -z "$link" ]; then
  echo "roster serve did not print its address and setup link:" >&2
  cat "$log" >&2
  exit 1
fi
node crates/web/e2e/portal.mjs "$base" "$link" "$out"
ls "$out"
