-- Schema v22 (SQLite): SCIM Users. Keep in step with ../postgres/0022_scim_users.sql.

-- The identity provider's own id for the user (SCIM `externalId`), unique within an account.
ALTER TABLE users ADD COLUMN external_id TEXT;
-- The enterprise extension's `employeeNumber` and `manager.value` (a Roster user id).
ALTER TABLE users ADD COLUMN employee_number TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN manager_id TEXT;
-- The user's version (SCIM `meta.version`, the ETag): bumped by the trigger below on every
-- UPDATE of the row, whichever write path made it, so no change can keep an old ETag.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- SQLite reports a violation of this index as "users.account_id, users.external_id".
CREATE UNIQUE INDEX users_account_external_id ON users (account_id, external_id);
-- SCIM lists page by id (and sort or filter on these) within an account.
CREATE INDEX users_account_id ON users (account_id, id);
CREATE INDEX users_account_updated ON users (account_id, updated_at);
CREATE INDEX users_account_created ON users (account_id, created_at);

-- Recursive triggers are off, so the inner UPDATE does not fire it again; the WHEN lets a
-- writer that sets the version itself keep it.
CREATE TRIGGER users_version AFTER UPDATE ON users FOR EACH ROW WHEN NEW.version = OLD.version
BEGIN
    UPDATE users SET version = OLD.version + 1 WHERE id = NEW.id;
END;

-- What `DELETE /scim2/Users/{id}` does: `delete` the user, or `disassociate` (unlink) them.
ALTER TABLE accounts ADD COLUMN scim_delete_action TEXT NOT NULL DEFAULT 'delete';
