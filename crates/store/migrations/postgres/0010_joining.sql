-- Schema v10 (PostgreSQL): standalone accounts joining an organisation, sign-up, billing, and the
-- personal data that moves with a person (meetings, recordings metadata, contacts, chat
-- history). Keep in step with ../sqlite/0010_joining.sql.

-- An invitation for someone who already has a standalone account is a pending placeholder user
-- in the inviting account that points at their existing user and shares their email. Emails
-- stay unique among all other users; an account holds at most one placeholder per email.
ALTER TABLE users ADD COLUMN joins_user_id TEXT REFERENCES users (id);
-- When the user joined this account from a standalone one; their history from before stays
-- with the old account.
ALTER TABLE users ADD COLUMN joined_at TIMESTAMPTZ;
ALTER TABLE users DROP CONSTRAINT "users.email";
CREATE UNIQUE INDEX "users.email" ON users (email) WHERE joins_user_id IS NULL;
CREATE UNIQUE INDEX "users.joins" ON users (account_id, email) WHERE joins_user_id IS NOT NULL;
-- Lookups by email alone (or by email within an account) cannot use the partial index.
CREATE INDEX users_email ON users (email);

-- A standalone account is one person's own (made by sign-up or by unlinking from an
-- organisation); only its Owner can be invited to join an organisation with their data. Once
-- they have, it is closed, not deleted: its history and billing ledger stay.
ALTER TABLE accounts ADD COLUMN standalone BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN closed_at TIMESTAMPTZ;

-- The paid period of an account's plan, for prorated refunds.
CREATE TABLE subscriptions (
    account_id   TEXT NOT NULL PRIMARY KEY REFERENCES accounts (id),
    plan         TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    period_start TIMESTAMPTZ NOT NULL,
    period_end   TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL,
    ended_at     TIMESTAMPTZ,
    CONSTRAINT "subscriptions.amount_cents" CHECK (amount_cents >= 0),
    CONSTRAINT "subscriptions.period" CHECK (period_end > period_start)
);

-- Money recorded for an account: charges and refunds, amounts in the currency's minor unit.
CREATE TABLE billing_ledger (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    description  TEXT NOT NULL,
    period_start TIMESTAMPTZ,
    period_end   TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT "billing_ledger.amount_cents" CHECK (amount_cents >= 0)
);
CREATE INDEX billing_ledger_account ON billing_ledger (account_id, id);

-- Meetings a user hosts (the meetings capability grows this table).
CREATE TABLE meetings (
    id         BIGINT NOT NULL PRIMARY KEY,
    uuid       TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    host_id    TEXT NOT NULL REFERENCES users (id),
    topic      TEXT NOT NULL DEFAULT '',
    type       BIGINT NOT NULL,
    status     TEXT NOT NULL,
    start_time TIMESTAMPTZ,
    duration   BIGINT NOT NULL DEFAULT 0,
    timezone   TEXT NOT NULL DEFAULT '',
    agenda     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX "meetings.uuid" ON meetings (uuid);
CREATE INDEX meetings_host ON meetings (host_id, start_time);
CREATE INDEX meetings_account ON meetings (account_id, start_time);

-- Cloud recordings' metadata (the files live elsewhere).
CREATE TABLE recordings (
    id         TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    meeting_id BIGINT,
    topic      TEXT NOT NULL DEFAULT '',
    start_time TIMESTAMPTZ NOT NULL,
    duration   BIGINT NOT NULL DEFAULT 0,
    total_size BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX recordings_user ON recordings (user_id, start_time);
CREATE INDEX recordings_account ON recordings (account_id, start_time);

-- A user's personal contacts: theirs wherever they go.
CREATE TABLE contacts (
    user_id    TEXT NOT NULL REFERENCES users (id),
    email      TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, email)
);

-- Chat history. `account_id` is the account the message was sent in: it never changes, so a
-- person who joins another account keeps their history while its new admins do not see it.
CREATE TABLE chat_messages (
    id         TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    to_contact TEXT NOT NULL,
    message    TEXT NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX chat_messages_user ON chat_messages (user_id, sent_at);
CREATE INDEX chat_messages_account ON chat_messages (account_id, sent_at);
