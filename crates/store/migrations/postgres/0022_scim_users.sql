-- Schema v22 (PostgreSQL): SCIM Users. Keep in step with ../sqlite/0022_scim_users.sql.

-- The identity provider's own id for the user (SCIM `externalId`), unique within an account.
ALTER TABLE users ADD COLUMN external_id TEXT;
-- The enterprise extension's `employeeNumber` and `manager.value` (a Roster user id).
ALTER TABLE users ADD COLUMN employee_number TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN manager_id TEXT;
-- The user's version (SCIM `meta.version`, the ETag): bumped by the trigger below on every
-- UPDATE of the row, whichever write path made it, so no change can keep an old ETag.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE UNIQUE INDEX users_account_external_id ON users (account_id, external_id);
-- SCIM lists page by id (and sort or filter on these) within an account.
CREATE INDEX users_account_id ON users (account_id, id);
CREATE INDEX users_account_updated ON users (account_id, updated_at);
CREATE INDEX users_account_created ON users (account_id, created_at);

CREATE FUNCTION users_bump_version() RETURNS trigger AS $$
BEGIN
    IF NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER users_version BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_bump_version();

-- What `DELETE /scim2/Users/{id}` does: `delete` the user, or `disassociate` (unlink) them.
ALTER TABLE accounts ADD COLUMN scim_delete_action TEXT NOT NULL DEFAULT 'delete';
