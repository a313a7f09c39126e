-- Schema v27 (SQLite): fewer bytes and fewer index entries per new user, for CSV imports.
-- Keep in step with ../postgres/0027_import_writes.sql.
--
-- 1. New users' `user_attribute_values` rows are written by the store's insert functions
--    (`users::insert`, `users::insert_many`), a batch at a time, instead of a trigger per row
--    that parsed the user's JSON in SQL (a fifth of an import's time). Updates and deletes are
--    still kept by the triggers of 0026.
-- 2. `user_attribute_values` becomes a WITHOUT ROWID table: its primary key is the table, so a
--    value is one B-tree entry, not a row plus a copy of its key in a separate index.
-- 3. The unique index on SCIM's externalId holds only users that have one: imported and
--    invited users have none, and SQLite's UNIQUE never compared NULLs anyway. A lookup by
--    `external_id = ?` still uses it (the equality implies IS NOT NULL).

DROP TRIGGER user_attribute_values_insert;
DROP TRIGGER user_attribute_values_update;
DROP TRIGGER user_attribute_values_delete;
DROP TRIGGER user_attribute_values_definition;

CREATE TABLE user_attribute_values_27 (
    user_id     TEXT NOT NULL,
    account     TEXT NOT NULL,
    attr_key    TEXT NOT NULL,
    user_status TEXT NOT NULL,
    user_email  TEXT NOT NULL,
    num         REAL NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (user_id, attr_key)
) WITHOUT ROWID;
INSERT INTO user_attribute_values_27 SELECT user_id, account, attr_key, user_status, user_email, num, value
    FROM user_attribute_values;
DROP TABLE user_attribute_values;
ALTER TABLE user_attribute_values_27 RENAME TO user_attribute_values;
CREATE INDEX user_attribute_values_sort
    ON user_attribute_values (account, attr_key, user_status, num, value, user_email);

CREATE TRIGGER user_attribute_values_update AFTER UPDATE OF custom_attributes, status, email, account_id ON users
WHEN OLD.custom_attributes IS NOT NEW.custom_attributes OR OLD.status IS NOT NEW.status
  OR OLD.email IS NOT NEW.email OR OLD.account_id IS NOT NEW.account_id
BEGIN
    DELETE FROM user_attribute_values WHERE user_id = OLD.id;
    INSERT INTO user_attribute_values (user_id, account, attr_key, user_status, user_email, num, value)
    SELECT NEW.id, NEW.account_id, d.id, NEW.status, NEW.email,
           CASE WHEN d.kind = 'number' THEN CAST(json_extract(e.value, '$.value') AS REAL) ELSE 0 END,
           json_extract(e.value, '$.value')
    FROM json_each(NEW.custom_attributes) e
    JOIN custom_attributes d ON d.id = json_extract(e.value, '$.key') AND d.account_id = NEW.account_id
    WHERE json_extract(e.value, '$.value') <> '';
END;

CREATE TRIGGER user_attribute_values_delete AFTER DELETE ON users
BEGIN
    DELETE FROM user_attribute_values WHERE user_id = OLD.id;
END;

CREATE TRIGGER user_attribute_values_definition AFTER DELETE ON custom_attributes
BEGIN
    DELETE FROM user_attribute_values WHERE attr_key = OLD.id;
END;

DROP INDEX users_account_external_id;
CREATE UNIQUE INDEX users_account_external_id ON users (account_id, external_id)
    WHERE external_id IS NOT NULL;
