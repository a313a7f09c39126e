-- Schema v23 (PostgreSQL): SCIM Groups. Keep in step with ../sqlite/0023_scim_groups.sql.

-- The identity provider's id for a group, unique in the account (NULLs never clash).
ALTER TABLE groups ADD COLUMN external_id TEXT;
ALTER TABLE groups ADD CONSTRAINT "groups.account_id, groups.kind, groups.external_id"
    UNIQUE (account_id, kind, external_id);
-- meta.version: bumped by every change to the group, its membership included; meta.lastModified.
ALTER TABLE groups ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE groups ADD COLUMN updated_at TIMESTAMPTZ;

-- Membership is users.group_id, written by the REST API, the portal, imports, user deletion and
-- SCIM alike: these triggers bump the version of every group a user joins or leaves, whoever
-- made the change, so an ETag never goes stale.
CREATE FUNCTION groups_member_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.group_id IS NOT NULL THEN
        UPDATE groups SET version = version + 1,
            updated_at = CASE WHEN TG_OP = 'DELETE' THEN updated_at
                ELSE GREATEST(COALESCE(updated_at, created_at), NEW.updated_at) END
        WHERE id = OLD.group_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.group_id IS NOT NULL THEN
        UPDATE groups SET version = version + 1,
            updated_at = GREATEST(COALESCE(updated_at, created_at), NEW.updated_at)
        WHERE id = NEW.group_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER groups_version_user_moved AFTER UPDATE OF group_id ON users
    FOR EACH ROW WHEN (OLD.group_id IS DISTINCT FROM NEW.group_id)
    EXECUTE FUNCTION groups_member_changed();
CREATE TRIGGER groups_version_user_added AFTER INSERT ON users
    FOR EACH ROW WHEN (NEW.group_id IS NOT NULL)
    EXECUTE FUNCTION groups_member_changed();
CREATE TRIGGER groups_version_user_deleted AFTER DELETE ON users
    FOR EACH ROW WHEN (OLD.group_id IS NOT NULL)
    EXECUTE FUNCTION groups_member_changed();
