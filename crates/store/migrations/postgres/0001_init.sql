-- Roster schema v1 (PostgreSQL). Keep in step with ../sqlite/0001_init.sql: the same tables,
-- columns and constraint names. Unique constraints are named "table.column", which is how
-- SQLite reports them, so the store classifies violations the same way on both.

CREATE TABLE accounts (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    plan                TEXT NOT NULL,
    payment_verified    BOOLEAN NOT NULL DEFAULT FALSE,
    owner_id            TEXT,
    licensed_seats      BIGINT NOT NULL DEFAULT 0,
    licensed_used       BIGINT NOT NULL DEFAULT 0,
    large_meeting_seats BIGINT NOT NULL DEFAULT 0,
    large_meeting_used  BIGINT NOT NULL DEFAULT 0,
    webinar_seats       BIGINT NOT NULL DEFAULT 0,
    webinar_used        BIGINT NOT NULL DEFAULT 0,
    created_at          TIMESTAMPTZ NOT NULL,
    CONSTRAINT "accounts.licensed_seats" CHECK (licensed_used >= 0 AND licensed_used <= licensed_seats),
    CONSTRAINT "accounts.large_meeting_seats" CHECK (large_meeting_used >= 0 AND large_meeting_used <= large_meeting_seats),
    CONSTRAINT "accounts.webinar_seats" CHECK (webinar_used >= 0 AND webinar_used <= webinar_seats)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    email         TEXT NOT NULL,
    type          BIGINT NOT NULL,
    role_id       TEXT NOT NULL,
    status        TEXT NOT NULL,
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    pmi           BIGINT NOT NULL,
    timezone      TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT 'en-US',
    dept          TEXT NOT NULL DEFAULT '',
    job_title     TEXT NOT NULL DEFAULT '',
    location      TEXT NOT NULL DEFAULT '',
    company       TEXT NOT NULL DEFAULT '',
    manager       TEXT NOT NULL DEFAULT '',
    phone_number  TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ,
    CONSTRAINT "users.email" UNIQUE (email),
    CONSTRAINT "users.pmi" UNIQUE (pmi)
);
CREATE INDEX users_account_status ON users (account_id, status, id);

CREATE TABLE oauth_apps (
    id                 TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL REFERENCES accounts (id),
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    client_id          TEXT NOT NULL,
    client_secret_hash TEXT NOT NULL,
    created_by         TEXT NOT NULL REFERENCES users (id),
    scopes             TEXT NOT NULL,
    status             TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    CONSTRAINT "oauth_apps.client_id" UNIQUE (client_id)
);
CREATE INDEX oauth_apps_account ON oauth_apps (account_id);

CREATE TABLE oauth_tokens (
    token_hash TEXT PRIMARY KEY,
    app_id     TEXT NOT NULL REFERENCES oauth_apps (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    acts_as    TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_tokens_app_expiry ON oauth_tokens (app_id, expires_at);

CREATE TABLE events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    TEXT,
    type          TEXT NOT NULL,
    actor         TEXT NOT NULL,
    target        TEXT,
    payload       TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    dispatched_at TIMESTAMPTZ
);
CREATE INDEX events_account ON events (account_id, id);
CREATE INDEX events_undispatched ON events (id) WHERE dispatched_at IS NULL;
