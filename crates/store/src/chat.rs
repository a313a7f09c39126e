//! Chat channels, their members (users of the channel's account, or external contacts by
//! email) and chat messages. A message records its participants as they were when it was
//! sent (sender's email, recipient's email and account), so each side finds it by who they are
//! and the admins of both accounts keep it, whatever becomes of the contact afterwards.

use crate::{params, Conn, FromRow, Param, Result, Row};
use roster_domain::{AccountId, Email, UserId};
use time::OffsetDateTime;

/// A channel as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRecord {
    pub id: String,
    pub account_id: AccountId,
    pub name: String,
    /// Zoom's type code (1–4).
    pub channel_type: i64,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

impl FromRow for ChannelRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            account_id: r.parse(1, AccountId::parse)?,
            name: r.text(2)?,
            channel_type: r.int(3)?,
            created_by: r.text(4)?,
            created_at: r.time(5)?,
        })
    }
}

pub async fn insert_channel(conn: &mut Conn, c: &ChannelRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO chat_channels (id, account_id, name, type, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        params![
            c.id.as_str(),
            c.account_id.as_str(),
            c.name.as_str(),
            c.channel_type,
            c.created_by.as_str(),
            c.created_at
        ],
    )
    .await
    .map(drop)
}

/// A channel by id, whatever its account (the caller decides who may see it).
pub async fn find_channel(conn: &mut Conn, id: &str) -> Result<Option<ChannelRecord>> {
    conn.fetch_optional(
        "SELECT id, account_id, name, type, created_by, created_at FROM chat_channels WHERE id = $1",
        params![id],
    )
    .await
}

/// Who a channel member is.
#[derive(Debug, Clone, Copy)]
pub enum Member<'a> {
    /// A user of the channel's account.
    User(&'a UserId),
    /// An external contact.
    External(&'a Email),
}

/// Whether `user` (by id) or the holder of `email` (as an external member) is in the channel.
pub async fn is_member(
    conn: &mut Conn,
    channel: &str,
    user: &UserId,
    email: &Email,
) -> Result<bool> {
    let found: Option<i64> = conn
        .fetch_optional(
            "SELECT 1 FROM chat_channel_members WHERE channel_id = $1 AND (user_id = $2 OR email = $3)",
            params![channel, user.as_str(), email.as_str()],
        )
        .await?;
    Ok(found.is_some())
}

/// Adds a member; `false` when they already were one.
pub async fn add_member(
    conn: &mut Conn,
    channel: &str,
    member: Member<'_>,
    role: &str,
    at: OffsetDateTime,
) -> Result<bool> {
    let (user, email) = match member {
        Member::User(u) => (Some(u.as_str()), None),
        Member::External(e) => (None, Some(e.as_str())),
    };
    // One statement, so two requests adding the same member at once cannot both pass a check
    // and then collide on the unique index: the second waits for the first and inserts nothing.
    let n = conn
        .execute(
            "INSERT INTO chat_channel_members (channel_id, user_id, email, role, added_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            params![channel, user, email, role, at],
        )
        .await?;
    Ok(n > 0)
}

/// Removes a member; `false` when they were not one.
pub async fn remove_member(conn: &mut Conn, channel: &str, member: Member<'_>) -> Result<bool> {
    let n = match member {
        Member::User(u) => {
            conn.execute(
                "DELETE FROM chat_channel_members WHERE channel_id = $1 AND user_id = $2",
                params![channel, u.as_str()],
            )
            .await?
        }
        Member::External(e) => {
            conn.execute(
                "DELETE FROM chat_channel_members WHERE channel_id = $1 AND email = $2",
                params![channel, e.as_str()],
            )
            .await?
        }
    };
    Ok(n == 1)
}

/// A channel member as member lists show them (external members have no id or names here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub user_id: Option<String>,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
}

impl FromRow for MemberRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            user_id: r.opt_text(0)?,
            email: r.text(1)?,
            first_name: r.text(2)?,
            last_name: r.text(3)?,
            role: r.text(4)?,
        })
    }
}

/// A page of a channel's members ordered by email, after `after`.
pub async fn members(
    conn: &mut Conn,
    channel: &str,
    after: &str,
    limit: u32,
) -> Result<Vec<MemberRecord>> {
    conn.fetch_all(
        "SELECT m.user_id, COALESCE(u.email, m.email), COALESCE(u.first_name, ''), \
         COALESCE(u.last_name, ''), m.role FROM chat_channel_members m \
         LEFT JOIN users u ON u.id = m.user_id \
         WHERE m.channel_id = $1 AND COALESCE(u.email, m.email) > $2 \
         ORDER BY COALESCE(u.email, m.email) LIMIT $3",
        params![channel, after, i64::from(limit)],
    )
    .await
}

/// The channels of `account` that have `email` as an external member.
pub async fn channels_with_external(
    conn: &mut Conn,
    account: &AccountId,
    email: &Email,
) -> Result<Vec<String>> {
    conn.fetch_all(
        "SELECT m.channel_id FROM chat_channel_members m JOIN chat_channels ch ON ch.id = m.channel_id \
         WHERE ch.account_id = $1 AND m.email = $2 ORDER BY m.channel_id",
        params![account.as_str(), email.as_str()],
    )
    .await
}

/// Takes the external member `email` out of every channel of `account`.
pub async fn remove_external_everywhere(
    conn: &mut Conn,
    account: &AccountId,
    email: &Email,
) -> Result<u64> {
    conn.execute(
        "DELETE FROM chat_channel_members WHERE email = $1 AND channel_id IN \
         (SELECT id FROM chat_channels WHERE account_id = $2)",
        params![email.as_str(), account.as_str()],
    )
    .await
}

/// A chat message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: String,
    /// The account it was written in.
    pub account_id: String,
    pub user_id: String,
    pub sender_email: String,
    /// The recipient's email; empty for a channel message.
    pub to_contact: String,
    pub to_channel: Option<String>,
    /// The recipient's account when they were a Roster user.
    pub to_account_id: Option<String>,
    pub message: String,
    pub sent_at: OffsetDateTime,
}

impl FromRow for MessageRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            account_id: r.text(1)?,
            user_id: r.text(2)?,
            sender_email: r.text(3)?,
            to_contact: r.text(4)?,
            to_channel: r.opt_text(5)?,
            to_account_id: r.opt_text(6)?,
            message: r.text(7)?,
            sent_at: r.time(8)?,
        })
    }
}

pub async fn insert_message(conn: &mut Conn, m: &MessageRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO chat_messages (id, account_id, user_id, sender_email, to_contact, to_channel, \
         to_account_id, message, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![
            m.id.as_str(),
            m.account_id.as_str(),
            m.user_id.as_str(),
            m.sender_email.as_str(),
            m.to_contact.as_str(),
            m.to_channel.as_deref(),
            m.to_account_id.as_deref(),
            m.message.as_str(),
            m.sent_at
        ],
    )
    .await
    .map(drop)
}

/// Which messages to list, newest first.
#[derive(Debug, Clone)]
pub enum Thread<'a> {
    /// One-to-one between a user (by id, and by email for what they received) and `with`.
    Contact {
        user: &'a UserId,
        user_email: &'a Email,
        with: &'a Email,
    },
    Channel(&'a str),
}

/// A page of messages, newest first.
#[derive(Debug, Clone)]
pub struct MessageFilter<'a> {
    pub thread: Thread<'a>,
    /// For an admin's view: only messages written in, or received in, this account.
    pub account: Option<&'a AccountId>,
    /// Keyset: older than this (sent_at, id).
    pub before: Option<(OffsetDateTime, &'a str)>,
    pub limit: u32,
}

pub async fn messages(conn: &mut Conn, f: &MessageFilter<'_>) -> Result<Vec<MessageRecord>> {
    let mut sql = String::from(
        "SELECT id, account_id, user_id, sender_email, to_contact, to_channel, to_account_id, \
         message, sent_at FROM chat_messages WHERE ",
    );
    let mut params: Vec<Param<'_>> = Vec::new();
    match &f.thread {
        Thread::Contact {
            user,
            user_email,
            with,
        } => {
            params.extend([
                Param::from(user.as_str()),
                Param::from(with.as_str()),
                Param::from(user_email.as_str()),
            ]);
            sql.push_str(
                "to_channel IS NULL AND ((user_id = $1 AND to_contact = $2) \
                 OR (sender_email = $2 AND to_contact = $3))",
            );
        }
        Thread::Channel(id) => {
            params.push((*id).into());
            sql.push_str("to_channel = $1");
        }
    }
    if let Some(a) = f.account {
        params.push(a.as_str().into());
        let k = params.len();
        sql.push_str(&format!(" AND (account_id = ${k} OR to_account_id = ${k})"));
    }
    if let Some((at, id)) = f.before {
        params.push(at.into());
        let k = params.len();
        params.push(id.into());
        sql.push_str(&format!(
            " AND (sent_at < ${k} OR (sent_at = ${k} AND id < ${}))",
            k + 1
        ));
    }
    params.push(i64::from(f.limit).into());
    sql.push_str(&format!(
        " ORDER BY sent_at DESC, id DESC LIMIT ${}",
        params.len()
    ));
    conn.fetch_all(&sql, &params).await
}
