-- Schema v2 (PostgreSQL): what user management needs. Keep in step with ../sqlite/0002_users.sql.

ALTER TABLE accounts ADD COLUMN on_prem_enabled BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE users ADD COLUMN use_pmi BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN creation_type TEXT NOT NULL DEFAULT 'create';
ALTER TABLE users ADD COLUMN large_meeting_capacity BIGINT;
ALTER TABLE users ADD COLUMN webinar_capacity BIGINT;
ALTER TABLE users ADD COLUMN custom_attributes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN group_id TEXT;

DROP INDEX users_account_status;
CREATE INDEX users_account_status_email ON users (account_id, status, email);

CREATE TABLE user_counts (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    status     TEXT NOT NULL,
    type       BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (account_id, status, type),
    CONSTRAINT "user_counts.n" CHECK (n >= 0)
);

INSERT INTO user_counts (account_id, status, type, n)
    SELECT account_id, status, type, COUNT(*) FROM users GROUP BY account_id, status, type;

CREATE TABLE invitations (
    user_id      TEXT NOT NULL PRIMARY KEY REFERENCES users (id),
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    token_hash   TEXT,
    invited_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_sent_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ NOT NULL,
    resend_count BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX invitations_expiry ON invitations (expires_at);

CREATE TABLE managed_domains (
    domain     TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX managed_domains_account ON managed_domains (account_id);
