-- Schema v23 (SQLite): SCIM Groups. Keep in step with ../postgres/0023_scim_groups.sql.

-- The identity provider's id for a group, unique in the account (NULLs never clash).
ALTER TABLE groups ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX "groups.account_id, groups.kind, groups.external_id"
    ON groups (account_id, kind, external_id);
-- meta.version: bumped by every change to the group, its membership included; meta.lastModified.
ALTER TABLE groups ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE groups ADD COLUMN updated_at INTEGER;

-- Membership is users.group_id, written by the REST API, the portal, imports, user deletion and
-- SCIM alike: these triggers bump the version of every group a user joins or leaves, whoever
-- made the change, so an ETag never goes stale.
CREATE TRIGGER groups_version_user_moved AFTER UPDATE OF group_id ON users
WHEN OLD.group_id IS NOT NEW.group_id
BEGIN
    UPDATE groups SET version = version + 1,
        updated_at = MAX(COALESCE(updated_at, created_at), NEW.updated_at)
    WHERE id = OLD.group_id OR id = NEW.group_id;
END;
CREATE TRIGGER groups_version_user_added AFTER INSERT ON users
WHEN NEW.group_id IS NOT NULL
BEGIN
    UPDATE groups SET version = version + 1,
        updated_at = MAX(COALESCE(updated_at, created_at), NEW.updated_at)
    WHERE id = NEW.group_id;
END;
CREATE TRIGGER groups_version_user_deleted AFTER DELETE ON users
WHEN OLD.group_id IS NOT NULL
BEGIN
    UPDATE groups SET version = version + 1 WHERE id = OLD.group_id;
END;
