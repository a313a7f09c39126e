-- Schema v24 (SQLite): the portal's CSV import jobs, kept in the database so that any server
-- answers a job's progress and report, and a restart loses none. Keep in step with
-- ../postgres/0024_import_jobs.sql.

-- One uploaded file and what became of it. `phase` is uploading, previewed, running, done or
-- failed; `done` counts the rows the real run has written; the running server renews
-- `heartbeat_at` after every batch (a running job whose heartbeat stopped lost its server).
-- Jobs untouched for 6 hours are deleted (`updated_at`).
CREATE TABLE import_jobs (
    id              TEXT NOT NULL PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    owner_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_name       TEXT NOT NULL,
    mode            TEXT NOT NULL,
    phase           TEXT NOT NULL,
    file_bytes      INTEGER NOT NULL DEFAULT 0,
    total           INTEGER NOT NULL DEFAULT 0,
    done            INTEGER NOT NULL DEFAULT 0,
    created         INTEGER NOT NULL DEFAULT 0,
    invited_to_join INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    errors          INTEGER NOT NULL DEFAULT 0,
    error           TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    heartbeat_at    INTEGER
);
CREATE INDEX import_jobs_owner ON import_jobs (owner_id);
CREATE INDEX import_jobs_updated ON import_jobs (updated_at);

-- The uploaded file in pieces of at most 1 MiB, in order (`seq` from 0), so no row is large
-- and the import reads the file one piece at a time.
CREATE TABLE import_job_chunks (
    job_id TEXT NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- The per-row report (the dry run's, replaced by the real run's as its batches commit).
CREATE TABLE import_job_rows (
    job_id  TEXT NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    line    INTEGER NOT NULL,
    email   TEXT NOT NULL,
    outcome TEXT NOT NULL,
    user_id TEXT,
    reason  TEXT NOT NULL,
    PRIMARY KEY (job_id, line)
);
