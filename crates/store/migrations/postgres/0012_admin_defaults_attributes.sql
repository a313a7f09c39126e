-- Schema v12 (PostgreSQL): account-wide administration. Keep in step with
-- ../sqlite/0012_admin_defaults_attributes.sql.

-- The settings group and chat group every new user of the account starts in (NULL: none).
ALTER TABLE accounts ADD COLUMN default_group_id TEXT;
ALTER TABLE accounts ADD COLUMN default_chat_group_id TEXT;
-- How many custom attribute definitions the account has: taken with a conditional UPDATE
-- (like a seat), so racing servers cannot store a sixth.
ALTER TABLE accounts ADD COLUMN custom_attribute_count BIGINT NOT NULL DEFAULT 0;

-- Custom attribute definitions (at most 5 per account). kind: text, number or date;
-- allowed_values: a JSON array of strings, empty for any value of the kind.
CREATE TABLE custom_attributes (
    id             TEXT NOT NULL PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    allowed_values TEXT NOT NULL DEFAULT '[]',
    created_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT "custom_attributes.account_id, custom_attributes.name" UNIQUE (account_id, name)
);
