-- Schema v26 (PostgreSQL): the Users list sorted by name, type, department or when added pages
-- by keyset as it does by email, each page one index range whatever its depth. Keep in step with
-- ../sqlite/0026_users_sort.sql. The name expression is the one `users::list` sorts by.

CREATE INDEX users_sort_name ON users (account_id, status,
    (lower(CASE WHEN first_name = '' AND last_name = '' THEN display_name ELSE trim(first_name || ' ' || last_name) END)),
    email);
CREATE INDEX users_sort_type ON users (account_id, status, type, email);
CREATE INDEX users_sort_dept ON users (account_id, status, (lower(dept)), email);
CREATE INDEX users_sort_created ON users (account_id, status, created_at, email);

-- Sorting by a custom attribute: the values live in each user's JSON, which no index reaches.
-- This table keeps a copy, one row per value, written by the trigger below in the same
-- statement as the user (so every path that writes users keeps it right), with the user's
-- status and email, so a sorted page is one index range joined to users by id. `num` is the
-- value of a number attribute as a number, else 0, so one index serves every kind.
CREATE TABLE user_attribute_values (
    user_id     TEXT NOT NULL,
    account     TEXT NOT NULL,
    attr_key    TEXT NOT NULL,
    user_status TEXT NOT NULL,
    user_email  TEXT NOT NULL,
    num         DOUBLE PRECISION NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (user_id, attr_key)
);
CREATE INDEX user_attribute_values_sort
    ON user_attribute_values (account, attr_key, user_status, num, value, user_email);

CREATE FUNCTION user_attribute_values_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM user_attribute_values WHERE user_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.custom_attributes <> '[]' THEN
        INSERT INTO user_attribute_values (user_id, account, attr_key, user_status, user_email, num, value)
        SELECT NEW.id, NEW.account_id, d.id, NEW.status, NEW.email,
               -- Stored numbers are canonical (the service checks them); anything else sorts as 0.
               CASE WHEN d.kind = 'number' AND e ->> 'value' ~ '^-?[0-9]+(\.[0-9]+)?$'
                    THEN (e ->> 'value')::double precision ELSE 0 END,
               e ->> 'value'
        FROM jsonb_array_elements(NEW.custom_attributes::jsonb) e
        JOIN custom_attributes d ON d.id = e ->> 'key' AND d.account_id = NEW.account_id
        WHERE e ->> 'value' <> '';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER user_attribute_values_insert AFTER INSERT ON users
    FOR EACH ROW WHEN (NEW.custom_attributes <> '[]') EXECUTE FUNCTION user_attribute_values_sync();
CREATE TRIGGER user_attribute_values_update AFTER UPDATE OF custom_attributes, status, email, account_id ON users
    FOR EACH ROW WHEN (OLD.custom_attributes IS DISTINCT FROM NEW.custom_attributes
        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.email IS DISTINCT FROM NEW.email
        OR OLD.account_id IS DISTINCT FROM NEW.account_id)
    EXECUTE FUNCTION user_attribute_values_sync();
CREATE TRIGGER user_attribute_values_delete AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION user_attribute_values_sync();

CREATE FUNCTION user_attribute_values_definition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM user_attribute_values WHERE attr_key = OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER user_attribute_values_definition AFTER DELETE ON custom_attributes
    FOR EACH ROW EXECUTE FUNCTION user_attribute_values_definition();

INSERT INTO user_attribute_values (user_id, account, attr_key, user_status, user_email, num, value)
SELECT u.id, u.account_id, d.id, u.status, u.email,
       CASE WHEN d.kind = 'number' AND e ->> 'value' ~ '^-?[0-9]+(\.[0-9]+)?$'
            THEN (e ->> 'value')::double precision ELSE 0 END,
       e ->> 'value'
FROM users u
CROSS JOIN LATERAL jsonb_array_elements(u.custom_attributes::jsonb) e
JOIN custom_attributes d ON d.id = e ->> 'key' AND d.account_id = u.account_id
WHERE u.custom_attributes <> '[]' AND e ->> 'value' <> '';
