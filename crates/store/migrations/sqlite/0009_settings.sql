-- Schema v9 (SQLite): meeting settings and locks, as JSON text (section -> key -> value; locks:
-- section -> key -> true). A user's own settings live on their row, so they move with it (a user
-- joining or leaving an account keeps them); locks are applied when settings are read and
-- written, never copied into users. Keep in step with ../postgres/0009_settings.sql.
-- (0008 is left to another change in flight; the runner applies any missing version.)
ALTER TABLE users ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN lock_settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE groups ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE groups ADD COLUMN lock_settings TEXT NOT NULL DEFAULT '{}';
