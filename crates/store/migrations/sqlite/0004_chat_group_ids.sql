-- Schema v4 (SQLite): each user's chat groups, kept on the user row (space-separated ids) by
-- every membership change, so reading users needs no extra query. chat_group_members stays the
-- source for listing a group's members. Keep in step with ../postgres/0004_chat_group_ids.sql.
ALTER TABLE users ADD COLUMN chat_group_ids TEXT NOT NULL DEFAULT '';
UPDATE users SET chat_group_ids = COALESCE(
    (SELECT group_concat(group_id, ' ') FROM chat_group_members m WHERE m.user_id = users.id), '');
