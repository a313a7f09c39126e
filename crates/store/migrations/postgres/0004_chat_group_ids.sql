-- Schema v4 (PostgreSQL): each user's chat groups, kept on the user row (space-separated ids).
-- Keep in step with ../sqlite/0004_chat_group_ids.sql.
ALTER TABLE users ADD COLUMN chat_group_ids TEXT NOT NULL DEFAULT '';
UPDATE users SET chat_group_ids = COALESCE(
    (SELECT string_agg(group_id, ' ') FROM chat_group_members m WHERE m.user_id = users.id), '');
