-- Roster schema v1 (SQLite). Keep in step with ../postgres/0001_init.sql: the same tables,
-- columns and constraint names. Booleans are INTEGER 0/1; times are INTEGER Unix milliseconds.
-- Primary keys say NOT NULL: SQLite would otherwise accept NULL in a non-INTEGER primary key.

CREATE TABLE accounts (
    id                  TEXT NOT NULL PRIMARY KEY,
    name                TEXT NOT NULL,
    plan                TEXT NOT NULL,
    payment_verified    INTEGER NOT NULL DEFAULT 0,
    owner_id            TEXT,
    licensed_seats      INTEGER NOT NULL DEFAULT 0,
    licensed_used       INTEGER NOT NULL DEFAULT 0,
    large_meeting_seats INTEGER NOT NULL DEFAULT 0,
    large_meeting_used  INTEGER NOT NULL DEFAULT 0,
    webinar_seats       INTEGER NOT NULL DEFAULT 0,
    webinar_used        INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    -- Seat pools can never be oversold: the database refuses, whatever the caller checked.
    CONSTRAINT "accounts.licensed_seats" CHECK (licensed_used >= 0 AND licensed_used <= licensed_seats),
    CONSTRAINT "accounts.large_meeting_seats" CHECK (large_meeting_used >= 0 AND large_meeting_used <= large_meeting_seats),
    CONSTRAINT "accounts.webinar_seats" CHECK (webinar_used >= 0 AND webinar_used <= webinar_seats)
);

CREATE TABLE users (
    id            TEXT NOT NULL PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    email         TEXT NOT NULL,
    type          INTEGER NOT NULL,
    role_id       TEXT NOT NULL,
    status        TEXT NOT NULL,
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    pmi           INTEGER NOT NULL,
    timezone      TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT 'en-US',
    dept          TEXT NOT NULL DEFAULT '',
    job_title     TEXT NOT NULL DEFAULT '',
    location      TEXT NOT NULL DEFAULT '',
    company       TEXT NOT NULL DEFAULT '',
    manager       TEXT NOT NULL DEFAULT '',
    phone_number  TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_login_at INTEGER
);
-- SQLite reports a unique violation as "users.email" whatever the index is called.
CREATE UNIQUE INDEX "users.email" ON users (email);
CREATE UNIQUE INDEX "users.pmi" ON users (pmi);
CREATE INDEX users_account_status ON users (account_id, status, id);

CREATE TABLE oauth_apps (
    id                 TEXT NOT NULL PRIMARY KEY,
    account_id         TEXT NOT NULL REFERENCES accounts (id),
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    client_id          TEXT NOT NULL,
    client_secret_hash TEXT NOT NULL,
    created_by         TEXT NOT NULL REFERENCES users (id),
    scopes             TEXT NOT NULL,
    status             TEXT NOT NULL,
    created_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX "oauth_apps.client_id" ON oauth_apps (client_id);
CREATE INDEX oauth_apps_account ON oauth_apps (account_id);

CREATE TABLE oauth_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    app_id     TEXT NOT NULL REFERENCES oauth_apps (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    acts_as    TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX oauth_tokens_app_expiry ON oauth_tokens (app_id, expires_at);

CREATE TABLE events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    TEXT,
    type          TEXT NOT NULL,
    actor         TEXT NOT NULL,
    target        TEXT,
    payload       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    dispatched_at INTEGER
);
CREATE INDEX events_account ON events (account_id, id);
CREATE INDEX events_undispatched ON events (id) WHERE dispatched_at IS NULL;
