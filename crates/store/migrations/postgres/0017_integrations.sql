-- Schema v17 (PostgreSQL): integrations. Apps that users and accounts install through OAuth 2.0,
-- what they were granted, and the webhooks they receive. Keep in step with
-- ../sqlite/0017_integrations.sql.

-- `oauth_apps.kind` gains 'user' (user-managed: acts for the user who installs it) and 'account'
-- (admin-managed: an Owner or Admin installs it for the whole account); 's2s' stays.
ALTER TABLE oauth_apps ADD COLUMN description TEXT NOT NULL DEFAULT '';
-- Registered redirect URIs, one per line; `/oauth/authorize` matches them exactly.
ALTER TABLE oauth_apps ADD COLUMN redirect_uris TEXT NOT NULL DEFAULT '';
-- A public client has no usable secret and must use PKCE (S256).
ALTER TABLE oauth_apps ADD COLUMN public_client BOOLEAN NOT NULL DEFAULT FALSE;
-- The event subscription: where events go, the secret token that signs them (kept in clear: it
-- is an HMAC key Roster must use, as Zoom shows it to the developer), the subscribed event types
-- (space-separated) and when the URL last passed the `endpoint.url_validation` challenge.
ALTER TABLE oauth_apps ADD COLUMN webhook_url TEXT;
ALTER TABLE oauth_apps ADD COLUMN webhook_secret TEXT;
ALTER TABLE oauth_apps ADD COLUMN webhook_events TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_apps ADD COLUMN webhook_validated_at TIMESTAMPTZ;

-- One install of an app: account-level (`user_id` NULL; `approved_by` is the Owner or Admin who
-- approved it) or personal (`user_id` = `approved_by`, the user who installed it). Disconnecting
-- sets `revoked_at`; the row stays for the record. At most one live install of each kind.
CREATE TABLE oauth_installs (
    id            TEXT NOT NULL PRIMARY KEY,
    app_id        TEXT NOT NULL REFERENCES oauth_apps (id),
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    -- No foreign key: the install outlives a deleted user as a record.
    user_id       TEXT,
    approved_by   TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ,
    -- `admin`, `user`, `approver_removed`, `app_deleted`, ...
    revoke_reason TEXT
);
CREATE UNIQUE INDEX "oauth_installs.account" ON oauth_installs (app_id, account_id)
    WHERE user_id IS NULL AND revoked_at IS NULL;
CREATE UNIQUE INDEX "oauth_installs.user" ON oauth_installs (app_id, user_id)
    WHERE user_id IS NOT NULL AND revoked_at IS NULL;
CREATE INDEX oauth_installs_account ON oauth_installs (account_id, app_id);
CREATE INDEX oauth_installs_approver ON oauth_installs (approved_by) WHERE revoked_at IS NULL;

-- Authorization codes: single use (`used_at`), short-lived, bound to the client, the exact
-- redirect URI and the PKCE challenge. Stored only as hashes.
CREATE TABLE oauth_codes (
    code_hash      TEXT NOT NULL PRIMARY KEY,
    app_id         TEXT NOT NULL REFERENCES oauth_apps (id),
    install_id     TEXT NOT NULL REFERENCES oauth_installs (id),
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    scopes         TEXT NOT NULL,
    code_challenge TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    used_at        TIMESTAMPTZ,
    -- The refresh-token family the code was redeemed into: a replayed code revokes it.
    family_id      TEXT
);

-- Refresh tokens rotate: each use marks the old one used and issues a new one in the same
-- family. Presenting a used one is reuse: the whole family (its refresh and access tokens) is
-- revoked.
CREATE TABLE oauth_refresh_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    family_id  TEXT NOT NULL,
    app_id     TEXT NOT NULL REFERENCES oauth_apps (id),
    install_id TEXT NOT NULL REFERENCES oauth_installs (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX oauth_refresh_tokens_family ON oauth_refresh_tokens (family_id);
CREATE INDEX oauth_refresh_tokens_install ON oauth_refresh_tokens (install_id);

-- Access tokens from an install carry it (and their refresh family), so disconnecting kills them
-- at once; server-to-server tokens have neither.
ALTER TABLE oauth_tokens ADD COLUMN install_id TEXT REFERENCES oauth_installs (id);
ALTER TABLE oauth_tokens ADD COLUMN family_id TEXT;
CREATE INDEX oauth_tokens_install ON oauth_tokens (install_id) WHERE install_id IS NOT NULL;
CREATE INDEX oauth_tokens_family ON oauth_tokens (family_id) WHERE family_id IS NOT NULL;

-- One delivery of one event to one app: the envelope is fixed when the event is fanned out, so
-- every attempt and every manual redelivery sends the same body and idempotency key
-- (`x-zm-...` headers are signed per attempt). (app_id, event_id) is unique, so fanning out
-- twice can never deliver twice. `event_id` is NULL for deliveries not fed by an event.
CREATE TABLE webhook_deliveries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    app_id          TEXT NOT NULL REFERENCES oauth_apps (id),
    account_id      TEXT,
    event_id        BIGINT REFERENCES events (id),
    event_type      TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body            TEXT NOT NULL,
    -- `pending`, `delivered`, `failed` (gave up after the retry window).
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ,
    delivered_at    TIMESTAMPTZ,
    last_status     BIGINT,
    last_error      TEXT
);
CREATE UNIQUE INDEX "webhook_deliveries.event" ON webhook_deliveries (app_id, event_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_app ON webhook_deliveries (app_id, id);

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at TIMESTAMPTZ NOT NULL,
    -- The receiver's HTTP status; NULL when there was none (refused, timed out, ...).
    status_code  BIGINT,
    error        TEXT,
    duration_ms  BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
