-- Schema v2 (SQLite): what user management needs. Keep in step with ../postgres/0002_users.sql.

ALTER TABLE accounts ADD COLUMN on_prem_enabled INTEGER NOT NULL DEFAULT 0;

ALTER TABLE users ADD COLUMN use_pmi INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN creation_type TEXT NOT NULL DEFAULT 'create';
-- Add-ons: NULL when not held, else the capacity.
ALTER TABLE users ADD COLUMN large_meeting_capacity INTEGER;
ALTER TABLE users ADD COLUMN webinar_capacity INTEGER;
-- JSON array of {"key","name","value"}.
ALTER TABLE users ADD COLUMN custom_attributes TEXT NOT NULL DEFAULT '[]';
-- The one group whose settings apply to the user.
ALTER TABLE users ADD COLUMN group_id TEXT;

-- Lists page by email within an account and status (keyset), so latency does not grow with size.
DROP INDEX users_account_status;
CREATE INDEX users_account_status_email ON users (account_id, status, email);

-- Exact user counts per account, status and type, kept in the same transaction as every change,
-- so `total_records` and "counts by type" never scan the users table.
CREATE TABLE user_counts (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    status     TEXT NOT NULL,
    type       INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (account_id, status, type),
    CONSTRAINT "user_counts.n" CHECK (n >= 0)
);

INSERT INTO user_counts (account_id, status, type, n)
    SELECT account_id, status, type, COUNT(*) FROM users GROUP BY account_id, status, type;

-- The invitation of a pending user. The activation token is issued when the mail is sent
-- (the invitations capability); only its hash is ever stored.
CREATE TABLE invitations (
    user_id      TEXT NOT NULL PRIMARY KEY REFERENCES users (id),
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    token_hash   TEXT,
    invited_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_sent_at INTEGER,
    expires_at   INTEGER NOT NULL,
    resend_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invitations_expiry ON invitations (expires_at);

-- Email domains an account has proven it owns. Users on them may be created active
-- (autoCreate) and cannot be unlinked.
CREATE TABLE managed_domains (
    domain     TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX managed_domains_account ON managed_domains (account_id);
