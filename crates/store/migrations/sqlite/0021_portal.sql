-- Schema v21 (SQLite): the web portal's sessions, first-run setup link, sign-in throttle and
-- password resets. Keep in step with ../postgres/0021_portal.sql.

-- A signed-in browser. Only the hash of the cookie's session id is kept; `csrf` is the token
-- every form of the session carries.
CREATE TABLE portal_sessions (
    id_hash    TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX portal_sessions_user ON portal_sessions (user_id);

-- One-time links: the first-run `/setup` link (`kind` = 'setup', no user) and password
-- resets (`kind` = 'reset'). Only the token's hash is kept; a used link has `used_at`.
CREATE TABLE portal_links (
    token_hash TEXT NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL,
    user_id    TEXT REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

-- Failed sign-ins, per key (`email:…` or `ip:…`), in the current window: kept in the database
-- so several servers share the throttle.
CREATE TABLE portal_sign_in_failures (
    throttle_key TEXT NOT NULL PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL
);
