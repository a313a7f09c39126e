-- Schema v14 (PostgreSQL): external contacts, chat channels, and the participants of chat messages.
-- Keep in step with ../sqlite/0014_external_contacts.sql.

-- Contacts hold lower-cased emails (as users do). Whether a contact is internal or external is
-- not stored: it is internal while a user of the owner's account holds the email, so it stays
-- right when either person joins or leaves an account. Admins find who holds an address here.
UPDATE contacts SET email = LOWER(TRIM(email))
    WHERE email <> LOWER(TRIM(email))
    AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.user_id = contacts.user_id
                    AND c.email = LOWER(TRIM(contacts.email)));
CREATE INDEX contacts_email ON contacts (email);

-- Chat channels of an account (Zoom's types: 1 private, 2 private to the account's users,
-- 3 public, 4 a group chat).
CREATE TABLE chat_channels (
    id         TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name       TEXT NOT NULL,
    type       BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX chat_channels_account ON chat_channels (account_id);

-- A member is a user of the channel's account (user_id) or an external contact (email), never
-- both.
CREATE TABLE chat_channel_members (
    channel_id TEXT NOT NULL REFERENCES chat_channels (id),
    user_id    TEXT REFERENCES users (id),
    email      TEXT,
    role       TEXT NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT "chat_channel_members.member" CHECK ((user_id IS NULL) <> (email IS NULL))
);
CREATE UNIQUE INDEX "chat_channel_members.user_id" ON chat_channel_members (channel_id, user_id);
CREATE UNIQUE INDEX "chat_channel_members.email" ON chat_channel_members (channel_id, email);
CREATE INDEX chat_channel_members_user ON chat_channel_members (user_id);
CREATE INDEX chat_channel_members_email ON chat_channel_members (email);

-- A message records its participants as they were when it was sent: the sender's email, the
-- recipient's email (to_contact, '' for a channel message) and, when the recipient was a
-- Roster user, their account. So each participant finds it by who they are, wherever they
-- are now, and the admins of both accounts keep it, whatever becomes of the contact.
ALTER TABLE chat_messages ADD COLUMN to_channel TEXT REFERENCES chat_channels (id);
ALTER TABLE chat_messages ADD COLUMN sender_email TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_messages ADD COLUMN to_account_id TEXT;
UPDATE chat_messages SET sender_email = COALESCE((SELECT email FROM users WHERE users.id = chat_messages.user_id), '');
CREATE INDEX chat_messages_to_contact ON chat_messages (to_contact, sent_at);
CREATE INDEX chat_messages_channel ON chat_messages (to_channel, sent_at);
