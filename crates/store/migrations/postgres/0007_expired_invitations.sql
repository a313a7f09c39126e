-- Schema v7 (PostgreSQL): what remains of an invitation the sweeper removed. Keep in step with
-- the SQLite file.
CREATE TABLE expired_invitations (
    token_hash TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL,
    email      TEXT NOT NULL,
    expired_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX expired_invitations_at ON expired_invitations (expired_at);
