-- Schema v15 (SQLite): scheduled meetings. Keep in step with ../postgres/0015_meetings.sql.
-- The live state (who started a meeting, when, why it ended) is schema v16's.

-- The passcode, and the opaque token join links carry instead of it (Zoom's
-- `encrypted_password`); '' for none.
ALTER TABLE meetings ADD COLUMN password TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN encrypted_password TEXT NOT NULL DEFAULT '';
-- Zoom's `settings` object as sent (JSON), and `recurrence` (JSON; NULL when not recurring).
ALTER TABLE meetings ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE meetings ADD COLUMN recurrence TEXT;
-- Occurrences deleted or changed one by one: JSON {"<occurrence_id>": {"deleted": true} |
-- {"start_time": ms, "duration": min}}. The rest follow from the recurrence.
ALTER TABLE meetings ADD COLUMN occurrence_changes TEXT NOT NULL DEFAULT '{}';
-- Who scheduled the meeting when it is not the host (`schedule_for`).
ALTER TABLE meetings ADD COLUMN created_by TEXT;
ALTER TABLE meetings ADD COLUMN updated_at INTEGER;
-- When the last occurrence starts (the start time for a one-off meeting); NULL for a
-- recurring meeting with no fixed time, which never runs out. Lists split upcoming from
-- previous meetings on it.
ALTER TABLE meetings ADD COLUMN last_start INTEGER;
-- Every meeting sorts by its start time (an instant or no-fixed-time meeting's is its creation).
UPDATE meetings SET start_time = created_at WHERE start_time IS NULL;
UPDATE meetings SET last_start = start_time WHERE type <> 3;
CREATE INDEX meetings_host_status ON meetings (host_id, status, start_time);

-- Scheduling assistants: `assistant_id` may schedule meetings for `user_id` (schedule_for).
CREATE TABLE meeting_assistants (
    user_id      TEXT NOT NULL REFERENCES users (id),
    assistant_id TEXT NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, assistant_id)
);
CREATE INDEX meeting_assistants_assistant ON meeting_assistants (assistant_id);
