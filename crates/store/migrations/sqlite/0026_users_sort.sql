-- Schema v26 (SQLite): the Users list sorted by name, type, department or when added pages by
-- keyset as it does by email, each page one index range whatever its depth. Keep in step with
-- ../postgres/0026_users_sort.sql. The name expression is the one `users::list` sorts by,
-- character for character (SQLite uses an index on an expression only for the same expression).

CREATE INDEX users_sort_name ON users (account_id, status,
    lower(CASE WHEN first_name = '' AND last_name = '' THEN display_name ELSE trim(first_name || ' ' || last_name) END),
    email);
CREATE INDEX users_sort_type ON users (account_id, status, type, email);
CREATE INDEX users_sort_dept ON users (account_id, status, lower(dept), email);
CREATE INDEX users_sort_created ON users (account_id, status, created_at, email);

-- Sorting by a custom attribute: the values live in each user's JSON, which no index reaches.
-- This table keeps a copy, one row per value, written by the triggers below in the same
-- statement as the user (so every path that writes users keeps it right), with the user's
-- status and email, so a sorted page is one index range joined to users by id. `num` is the
-- value of a number attribute as a number, else 0, so one index serves every kind.
CREATE TABLE user_attribute_values (
    user_id     TEXT NOT NULL,
    account     TEXT NOT NULL,
    attr_key    TEXT NOT NULL,
    user_status TEXT NOT NULL,
    user_email  TEXT NOT NULL,
    num         REAL NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (user_id, attr_key)
);
CREATE INDEX user_attribute_values_sort
    ON user_attribute_values (account, attr_key, user_status, num, value, user_email);

CREATE TRIGGER user_attribute_values_insert AFTER INSERT ON users
WHEN NEW.custom_attributes <> '[]'
BEGIN
    INSERT INTO user_attribute_values (user_id, account, attr_key, user_status, user_email, num, value)
    SELECT NEW.id, NEW.account_id, d.id, NEW.status, NEW.email,
           CASE WHEN d.kind = 'number' THEN CAST(json_extract(e.value, '$.value') AS REAL) ELSE 0 END,
           json_extract(e.value, '$.value')
    FROM json_each(NEW.custom_attributes) e
    JOIN custom_attributes d ON d.id = json_extract(e.value, '$.key') AND d.account_id = NEW.account_id
    WHERE json_extract(e.value, '$.value') <> '';
END;

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

INSERT INTO user_attribute_values (user_id, account, attr_key, user_status, user_email, num, value)
SELECT u.id, u.account_id, d.id, u.status, u.email,
       CASE WHEN d.kind = 'number' THEN CAST(json_extract(e.value, '$.value') AS REAL) ELSE 0 END,
       json_extract(e.value, '$.value')
FROM users u, json_each(u.custom_attributes) e
JOIN custom_attributes d ON d.id = json_extract(e.value, '$.key') AND d.account_id = u.account_id
WHERE u.custom_attributes <> '[]' AND json_extract(e.value, '$.value') <> '';
