-- Schema v27 (PostgreSQL): fewer index entries per new user, for CSV imports. Keep in step with
-- ../sqlite/0027_import_writes.sql.
--
-- 1. New users' `user_attribute_values` rows are written by the store's insert functions
--    (`users::insert`, `users::insert_many`), a batch at a time, instead of a trigger per row.
--    Updates and deletes are still kept by the triggers of 0026.
-- 2. (SQLite only: `user_attribute_values` becomes WITHOUT ROWID; a PostgreSQL table is a heap
--    with its primary-key index either way.)
-- 3. The unique index on SCIM's externalId holds only users that have one: imported and
--    invited users have none, and a unique index never compared NULLs anyway. The index keeps
--    its name, which the store's uniqueness check reads.

DROP TRIGGER user_attribute_values_insert ON users;

DROP INDEX users_account_external_id;
CREATE UNIQUE INDEX users_account_external_id ON users (account_id, external_id)
    WHERE external_id IS NOT NULL;
