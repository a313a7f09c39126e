#!/usr/bin/env bash
# The storage floor of a CSV import on SQLite: what SQLite alone takes to store the rows an
# import of N generated users leaves, with no CSV, no checks and no Rust in the way.
#
#   scripts/bench-import-floor.sh [ROWS] [INDEX…]     (default rows: 100000)
#
# 1. Imports N generated rows as scripts/bench-import.sh does (release build, autoCreate on a
#    managed domain) and times it.
# 2. Copies what that import stored (users, their attribute values, their `user.created`
#    events) into a fresh, migrated database with `INSERT … SELECT`, in email order, committing
#    every 20,000 users as the import does, under the import's bulk settings (64 MiB cache,
#    statement journal in memory, a checkpoint every 10,000 pages on the same connection),
#    and times each part.
# INDEX… names indexes of the fresh database to drop before the copy, to see what each costs.
# SHORT_ACCOUNT=1 gives the account the one-byte id "a" in the copy, to see what the 22-byte
# account id that leads most indexes costs.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
shift || true
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release -q -p roster -p roster-bench
bin=$PWD/target/release/roster
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
roster() { ROSTER_LOG=warn "$bin" --database-url "sqlite://$dir/$1" "${@:2}"; }

account=$(roster base.db account create --name Bench --owner-email owner@bench.test \
  --plan business --json | field account_id)
roster base.db account add-domain "$account" bench.test >/dev/null
roster base.db account add-attribute "$account" --name cost --type number >/dev/null
target/release/roster-bench gen-csv --rows "$rows" --out "$dir/users.csv"
cp "$dir/base.db" "$dir/full.db"
/usr/bin/time -f "%e" -o "$dir/time" env ROSTER_LOG=warn "$bin" --database-url "sqlite://$dir/full.db" \
  users import "$dir/users.csv" --account-id "$account" --mode autoCreate >/dev/null
echo "import of $rows rows: $(cat "$dir/time") s"
cp "$dir/base.db" "$dir/floor.db"
roster floor.db migrate >/dev/null

python3 - "$dir" "${SHORT_ACCOUNT:-0}" "$@" <<'EOF'
import sqlite3, sys, time
d, short, drop = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
step = 20000
c = sqlite3.connect(f"{d}/floor.db", isolation_level=None)
for p in ["journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536",
          "temp_store = MEMORY", "wal_autocheckpoint = 10000"]:
    c.execute("PRAGMA " + p)
account = c.execute("SELECT id FROM accounts").fetchone()[0]
if short:
    # What a one-byte account key in every index would save: the account gets the id "a"
    # everywhere (foreign keys off meanwhile) and the copied rows take it.
    c.execute("PRAGMA foreign_keys = OFF")
    for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        if "account_id" in [r[1] for r in c.execute(f'PRAGMA table_info("{t}")')]:
            c.execute(f'UPDATE "{t}" SET account_id = ? WHERE account_id = ?', ("a", account))
    c.execute("UPDATE accounts SET id = 'a' WHERE id = ?", (account,))
    account = "a"
c.execute("PRAGMA foreign_keys = ON")
c.execute(f"ATTACH '{d}/full.db' AS src")
for ix in drop:
    c.execute(f'DROP INDEX "{ix}"')
def select(table, alias=""):
    cols = [r[1] for r in c.execute(f'PRAGMA table_info("{table}")')]
    return ", ".join("?" if x == "account_id" else alias + x for x in cols), "account_id" in cols
users_sel, _ = select("users")
values_sel, values_account = select("user_attribute_values", "v.")
events_sel, _ = select("events")
lo, hi = c.execute("SELECT min(rowid), max(rowid) FROM src.users WHERE email <> 'owner@bench.test'").fetchone()
users = values = commits = 0.0
start = time.time()
r = lo
while r <= hi:
    c.execute("BEGIN")
    a = time.time()
    c.execute(f"INSERT INTO main.users SELECT {users_sel} FROM src.users WHERE rowid BETWEEN ? AND ? "
              "AND email <> 'owner@bench.test'", (account, r, r + step - 1))
    b = time.time()
    c.execute(f"INSERT INTO main.user_attribute_values SELECT {values_sel} FROM src.user_attribute_values v "
              "JOIN src.users u ON u.id = v.user_id WHERE u.rowid BETWEEN ? AND ? "
              "AND u.email <> 'owner@bench.test'", ((account,) if values_account else ()) + (r, r + step - 1))
    e = time.time()
    c.execute("COMMIT")
    users, values, commits = users + b - a, values + e - b, commits + time.time() - e
    r += step
a = time.time()
c.execute("BEGIN")
c.execute(f"INSERT INTO main.events SELECT {events_sel} FROM src.events WHERE type = 'user.created'", (account,))
c.execute("COMMIT")
events = time.time() - a
a = time.time()
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
checkpoint = time.time() - a
print(f"SQLite alone: users {users:.2f} s, attribute values {values:.2f} s, commits {commits:.2f} s, "
      f"events {events:.2f} s, final checkpoint {checkpoint:.2f} s, total {time.time() - start:.2f} s"
      + (" (one-byte account id)" if short else "")
      + (f" (dropped: {', '.join(drop)})" if drop else ""))
EOF
