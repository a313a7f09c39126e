-- Schema v9 (PostgreSQL): meeting settings and locks, as JSON text. Keep in step with
-- ../sqlite/0009_settings.sql. TEXT rather than JSONB: Roster parses the documents itself and
-- never queries inside them, and both backends then store the same bytes. A constant default
-- makes each ADD COLUMN a catalogue change, not a table rewrite.
ALTER TABLE users ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN lock_settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE groups ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE groups ADD COLUMN lock_settings TEXT NOT NULL DEFAULT '{}';
