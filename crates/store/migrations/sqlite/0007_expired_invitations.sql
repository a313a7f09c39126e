-- Schema v7 (SQLite): what remains of an invitation the sweeper removed after 30 days, so its
-- link still says "expired" rather than "not valid". Keep in step with the PostgreSQL file.
CREATE TABLE expired_invitations (
    token_hash TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL,
    email      TEXT NOT NULL,
    expired_at INTEGER NOT NULL
);
CREATE INDEX expired_invitations_at ON expired_invitations (expired_at);
