-- Schema v8 (PostgreSQL): the account's language, the tag a new user's `language` starts from
-- (and so the language of their mail). Keep in step with the SQLite file.
ALTER TABLE accounts ADD COLUMN language TEXT NOT NULL DEFAULT 'en-US';
