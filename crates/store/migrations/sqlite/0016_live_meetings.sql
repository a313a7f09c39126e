-- Schema v16 (SQLite): meetings' live state. Keep in step with ../postgres/0016_live_meetings.sql.
-- `meetings.status` moves 'waiting' -> 'started' -> 'finished' (or back to 'waiting' for
-- recurring and personal meetings); these columns say when and why.

ALTER TABLE meetings ADD COLUMN started_at INTEGER;
-- When the running meeting's cap ends it (its host's type: Basic 40 minutes, paid 30 hours).
ALTER TABLE meetings ADD COLUMN ends_at INTEGER;
ALTER TABLE meetings ADD COLUMN ended_at INTEGER;
-- `host` (ended through the API), `time_limit` (the cap worker).
ALTER TABLE meetings ADD COLUMN end_reason TEXT;

-- One row per running meeting, in one of its host's slots. The primary key is what makes "at
-- most N live meetings per host" hold across any number of server processes: a start inserts
-- into the lowest free slot below the host's limit in the same transaction that marks the
-- meeting started, and two transactions can never both take one slot. The CHECK bounds slots
-- by the largest limit any user type has (domain::meeting_limits::MAX_CONCURRENT).
CREATE TABLE live_meetings (
    host_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    slot         INTEGER NOT NULL,
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    started_at   INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    -- People admitted (the host included) and how many the meeting may hold: an admission is
    -- one `UPDATE ... SET participants = participants + 1 WHERE participants < capacity`.
    participants INTEGER NOT NULL DEFAULT 0,
    capacity     INTEGER NOT NULL,
    PRIMARY KEY (host_id, slot),
    CONSTRAINT "live_meetings.slot" CHECK (slot >= 0 AND slot < 2),
    CONSTRAINT "live_meetings.participants" CHECK (participants >= 0 AND participants <= capacity)
);
-- A meeting holds at most one slot.
CREATE UNIQUE INDEX "live_meetings.meeting_id" ON live_meetings (meeting_id);
-- The cap worker's scan.
CREATE INDEX live_meetings_ends ON live_meetings (ends_at);

-- Who joined a meeting; `left_at` is set when the meeting ends.
CREATE TABLE meeting_participants (
    id           TEXT NOT NULL PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id      TEXT,
    display_name TEXT NOT NULL,
    email        TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL,
    joined_at    INTEGER NOT NULL,
    left_at      INTEGER
);
CREATE INDEX meeting_participants_meeting ON meeting_participants (meeting_id, joined_at);

-- Server-wide secrets shared by every process, created on first use (the key host tokens are
-- signed with).
CREATE TABLE server_keys (
    name       TEXT NOT NULL PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
