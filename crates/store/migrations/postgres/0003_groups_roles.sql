-- Schema v3 (PostgreSQL): groups, chat groups and custom roles. Keep in step with
-- ../sqlite/0003_groups_roles.sql.

CREATE TABLE groups (
    id         TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT "groups.account_id, groups.kind, groups.name" UNIQUE (account_id, kind, name)
);

CREATE TABLE chat_group_members (
    group_id TEXT NOT NULL REFERENCES groups (id),
    user_id  TEXT NOT NULL REFERENCES users (id),
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX chat_group_members_user ON chat_group_members (user_id);

CREATE INDEX users_group_email ON users (group_id, email);
CREATE INDEX users_account_role_email ON users (account_id, role_id, email);

CREATE TABLE roles (
    id          TEXT NOT NULL PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    privileges  TEXT NOT NULL DEFAULT '',
    group_scope TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT "roles.account_id, roles.name" UNIQUE (account_id, name)
);
