-- Schema v3 (SQLite): groups, chat groups and custom roles. Keep in step with
-- ../postgres/0003_groups_roles.sql.

-- kind 'group': a settings group (a user is in at most one: users.group_id);
-- kind 'chat': a chat group (a user may be in many: chat_group_members).
CREATE TABLE groups (
    id         TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX "groups.account_id, groups.kind, groups.name" ON groups (account_id, kind, name);

CREATE TABLE chat_group_members (
    group_id TEXT NOT NULL REFERENCES groups (id),
    user_id  TEXT NOT NULL REFERENCES users (id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX chat_group_members_user ON chat_group_members (user_id);

CREATE INDEX users_group_email ON users (group_id, email);
CREATE INDEX users_account_role_email ON users (account_id, role_id, email);

-- Custom roles; the built-in Owner ("0"), Admin ("1") and Member ("2") are not stored.
-- privileges: space-separated names; group_scope: space-separated group ids, NULL for the
-- whole account.
CREATE TABLE roles (
    id          TEXT NOT NULL PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    privileges  TEXT NOT NULL DEFAULT '',
    group_scope TEXT,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX "roles.account_id, roles.name" ON roles (account_id, name);
