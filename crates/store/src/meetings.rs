//! Meetings: the scheduled side of the `meetings` table (schema v15) and users' scheduling
//! assistants. The live columns (schema v16) are the live-state module's; this one reads and
//! writes `status` only as the lists and deletion need it.

use crate::{params, Conn, FromRow, Result, Row};
use roster_domain::{AccountId, UserId};
use time::OffsetDateTime;

/// A meeting row, with its host's email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub id: i64,
    pub uuid: String,
    pub account_id: AccountId,
    pub host_id: UserId,
    /// Read from the host's user row (ignored when writing).
    pub host_email: String,
    pub topic: String,
    /// Zoom's type: 1, 2, 3 or 8.
    pub meeting_type: i64,
    /// `waiting`, `started` or `finished`.
    pub status: String,
    /// The (first) start time; an instant or no-fixed-time meeting's creation time.
    pub start_time: OffsetDateTime,
    pub duration: i64,
    pub timezone: String,
    pub agenda: String,
    pub created_at: OffsetDateTime,
    pub password: String,
    pub encrypted_password: String,
    /// JSON object.
    pub settings: String,
    /// JSON object, for recurring meetings.
    pub recurrence: Option<String>,
    /// JSON object: occurrences deleted or changed one by one.
    pub occurrence_changes: String,
    /// Who scheduled it, when not the host.
    pub created_by: Option<String>,
    pub updated_at: Option<OffsetDateTime>,
    /// When the last occurrence starts; `None` when it never runs out (type 3).
    pub last_start: Option<OffsetDateTime>,
}

impl FromRow for MeetingRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        let created_at = r.time(11)?;
        Ok(Self {
            id: r.int(0)?,
            uuid: r.text(1)?,
            account_id: AccountId::from_stored(r.text(2)?),
            host_id: UserId::from_stored(r.text(3)?),
            host_email: r.opt_text(4)?.unwrap_or_default(),
            topic: r.text(5)?,
            meeting_type: r.int(6)?,
            status: r.text(7)?,
            start_time: r.opt_time(8)?.unwrap_or(created_at),
            duration: r.int(9)?,
            timezone: r.text(10)?,
            agenda: r.text(12)?,
            created_at,
            password: r.text(13)?,
            encrypted_password: r.text(14)?,
            settings: r.text(15)?,
            recurrence: r.opt_text(16)?,
            occurrence_changes: r.text(17)?,
            created_by: r.opt_text(18)?,
            updated_at: r.opt_time(19)?,
            last_start: r.opt_time(20)?,
        })
    }
}

macro_rules! select_meeting {
    ($tail:literal) => {
        concat!(
            "SELECT m.id, m.uuid, m.account_id, m.host_id, u.email, m.topic, m.type, m.status, \
             m.start_time, m.duration, m.timezone, m.created_at, m.agenda, m.password, \
             m.encrypted_password, m.settings, m.recurrence, m.occurrence_changes, m.created_by, \
             m.updated_at, m.last_start FROM meetings m LEFT JOIN users u ON u.id = m.host_id ",
            $tail
        )
    };
}

/// Stores a new meeting. A taken id is [`crate::Error::Unique`]: draw another and retry.
pub async fn insert(conn: &mut Conn, m: &MeetingRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO meetings (id, uuid, account_id, host_id, topic, type, status, start_time, \
         duration, timezone, agenda, created_at, password, encrypted_password, settings, \
         recurrence, occurrence_changes, created_by, updated_at, last_start) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
        params![
            m.id,
            m.uuid.as_str(),
            m.account_id.as_str(),
            m.host_id.as_str(),
            m.topic.as_str(),
            m.meeting_type,
            m.status.as_str(),
            m.start_time,
            m.duration,
            m.timezone.as_str(),
            m.agenda.as_str(),
            m.created_at,
            m.password.as_str(),
            m.encrypted_password.as_str(),
            m.settings.as_str(),
            m.recurrence.as_deref(),
            m.occurrence_changes.as_str(),
            m.created_by.as_deref(),
            m.updated_at,
            m.last_start,
        ],
    )
    .await
    .map(drop)
}

/// A meeting by id, in whatever account (callers check who may see it).
pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<MeetingRecord>> {
    conn.fetch_optional(select_meeting!("WHERE m.id = $1"), params![id])
        .await
}

/// Writes the scheduled fields of `m` (not its status, host or account); `false` when the
/// meeting is gone.
pub async fn update(conn: &mut Conn, m: &MeetingRecord) -> Result<bool> {
    Ok(conn
        .execute(
            "UPDATE meetings SET topic = $1, type = $2, start_time = $3, duration = $4, \
             timezone = $5, agenda = $6, password = $7, encrypted_password = $8, settings = $9, \
             recurrence = $10, occurrence_changes = $11, updated_at = $12, last_start = $13 \
             WHERE id = $14",
            params![
                m.topic.as_str(),
                m.meeting_type,
                m.start_time,
                m.duration,
                m.timezone.as_str(),
                m.agenda.as_str(),
                m.password.as_str(),
                m.encrypted_password.as_str(),
                m.settings.as_str(),
                m.recurrence.as_deref(),
                m.occurrence_changes.as_str(),
                m.updated_at,
                m.last_start,
                m.id,
            ],
        )
        .await?
        == 1)
}

/// Deletes a meeting unless it is live; `false` when it was not there or is live.
pub async fn delete_unless_live(conn: &mut Conn, id: i64) -> Result<bool> {
    Ok(conn
        .execute(
            "DELETE FROM meetings WHERE id = $1 AND status <> 'started'",
            params![id],
        )
        .await?
        == 1)
}

/// Which of a host's meetings a list shows (Zoom's `type` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Every meeting but instant ones.
    Scheduled,
    /// Meetings in progress.
    Live,
    /// Not started, and starting (or with an occurrence starting) from now on.
    Upcoming,
    /// Ended, or whose last start has passed unstarted.
    Previous,
}

impl ListKind {
    fn condition(self) -> &'static str {
        match self {
            Self::Scheduled => "m.type <> 1",
            Self::Live => "m.status = 'started'",
            Self::Upcoming => {
                "m.status = 'waiting' AND m.type <> 1 AND (m.last_start IS NULL OR m.last_start >= $2)"
            }
            Self::Previous => {
                "(m.status = 'finished' OR (m.status = 'waiting' AND m.type <> 1 AND m.last_start < $2))"
            }
        }
    }
}

/// One page of a host's meetings by start time then id, after `after` (keyset) and skipping
/// `offset` rows (Zoom's deprecated `page_number`).
pub async fn list(
    conn: &mut Conn,
    host: &UserId,
    kind: ListKind,
    now: OffsetDateTime,
    after: Option<(OffsetDateTime, i64)>,
    limit: u32,
    offset: u64,
) -> Result<Vec<MeetingRecord>> {
    let (at, id) = after.map_or((None, None), |(t, i)| (Some(t), Some(i)));
    let sql = format!(
        "{} WHERE m.host_id = $1 AND $2 = $2 AND {} AND ($3 IS NULL OR m.start_time > $3 \
         OR (m.start_time = $3 AND m.id > $4)) ORDER BY m.start_time, m.id LIMIT $5 OFFSET $6",
        select_meeting!(""),
        kind.condition()
    );
    conn.fetch_all(
        &sql,
        params![
            host.as_str(),
            now,
            at,
            id,
            i64::from(limit),
            i64::try_from(offset).unwrap_or(i64::MAX)
        ],
    )
    .await
}

/// How many of a host's meetings a list holds.
pub async fn count(
    conn: &mut Conn,
    host: &UserId,
    kind: ListKind,
    now: OffsetDateTime,
) -> Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM meetings m WHERE m.host_id = $1 AND $2 = $2 AND {}",
        kind.condition()
    );
    conn.fetch_one(&sql, params![host.as_str(), now]).await
}

/// Gives `from`'s meetings that have not happened yet (waiting, and with a start to come or
/// no fixed time) to `to`. Live and past meetings stay, and go with `from`.
pub async fn transfer_upcoming(
    conn: &mut Conn,
    from: &UserId,
    to: &UserId,
    now: OffsetDateTime,
) -> Result<u64> {
    conn.execute(
        "UPDATE meetings SET host_id = $1 WHERE host_id = $2 AND status = 'waiting' \
         AND type <> 1 AND (last_start IS NULL OR last_start >= $3)",
        params![to.as_str(), from.as_str(), now],
    )
    .await
}

/// A user and their email, as assistant and scheduler lists show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegate {
    pub id: String,
    pub email: String,
}

impl FromRow for Delegate {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            email: r.text(1)?,
        })
    }
}

/// Makes `assistant` a scheduling assistant of `user` (again: no change).
pub async fn add_assistant(
    conn: &mut Conn,
    user: &UserId,
    assistant: &UserId,
    at: OffsetDateTime,
) -> Result<bool> {
    Ok(conn
        .execute(
            "INSERT INTO meeting_assistants (user_id, assistant_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, assistant_id) DO NOTHING",
            params![user.as_str(), assistant.as_str(), at],
        )
        .await?
        == 1)
}

/// `user`'s scheduling assistants.
pub async fn assistants(conn: &mut Conn, user: &UserId) -> Result<Vec<Delegate>> {
    conn.fetch_all(
        "SELECT u.id, u.email FROM meeting_assistants a JOIN users u ON u.id = a.assistant_id \
         WHERE a.user_id = $1 ORDER BY u.email",
        params![user.as_str()],
    )
    .await
}

/// The users `assistant` schedules for.
pub async fn schedulers(conn: &mut Conn, assistant: &UserId) -> Result<Vec<Delegate>> {
    conn.fetch_all(
        "SELECT u.id, u.email FROM meeting_assistants a JOIN users u ON u.id = a.user_id \
         WHERE a.assistant_id = $1 ORDER BY u.email",
        params![assistant.as_str()],
    )
    .await
}

/// Whether `assistant` schedules for `user`.
pub async fn is_assistant(conn: &mut Conn, user: &UserId, assistant: &UserId) -> Result<bool> {
    let n: i64 = conn
        .fetch_one(
            "SELECT COUNT(*) FROM meeting_assistants WHERE user_id = $1 AND assistant_id = $2",
            params![user.as_str(), assistant.as_str()],
        )
        .await?;
    Ok(n > 0)
}

/// Removes one of `user`'s assistants (`Some`) or all of them (`None`); how many went.
pub async fn remove_assistants(
    conn: &mut Conn,
    user: &UserId,
    assistant: Option<&UserId>,
) -> Result<u64> {
    match assistant {
        Some(a) => {
            conn.execute(
                "DELETE FROM meeting_assistants WHERE user_id = $1 AND assistant_id = $2",
                params![user.as_str(), a.as_str()],
            )
            .await
        }
        None => {
            conn.execute(
                "DELETE FROM meeting_assistants WHERE user_id = $1",
                params![user.as_str()],
            )
            .await
        }
    }
}

/// Ends every assistant relation `user` is part of, either way (they leave the account or go).
pub async fn forget_delegations(conn: &mut Conn, user: &UserId) -> Result<()> {
    conn.execute(
        "DELETE FROM meeting_assistants WHERE user_id = $1 OR assistant_id = $1",
        params![user.as_str()],
    )
    .await
    .map(drop)
}

/// The account a user id belongs to (for the operator, who names users across accounts).
pub async fn account_of_user(conn: &mut Conn, user: &UserId) -> Result<Option<AccountId>> {
    let found: Option<String> = conn
        .fetch_optional(
            "SELECT account_id FROM users WHERE id = $1",
            params![user.as_str()],
        )
        .await?;
    Ok(found.map(AccountId::from_stored))
}

/// The meetings of an account live now (only `host`'s when given), latest start first. They
/// are few (each holds one of its host's slots in `live_meetings`), so this has no limit.
pub async fn list_account_live(
    conn: &mut Conn,
    account: &AccountId,
    host: Option<&UserId>,
) -> Result<Vec<MeetingRecord>> {
    let sql = select_meeting!(
        "WHERE m.id IN (SELECT l.meeting_id FROM live_meetings l WHERE l.account_id = $1 \
         AND ($2 IS NULL OR l.host_id = $2)) AND m.status = 'started' \
         ORDER BY m.start_time DESC, m.id DESC"
    );
    conn.fetch_all(sql, params![account.as_str(), host.map(UserId::as_str)])
        .await
}

/// One page of an account's meetings that are not live (instant ones too), latest start first
/// then by id (descending), after the keyset `after`; only `host`'s when given. The indexes
/// `meetings_account` and `meetings_host` (account or host, then start time) serve it.
pub async fn list_account_rest(
    conn: &mut Conn,
    account: &AccountId,
    host: Option<&UserId>,
    after: Option<(OffsetDateTime, i64)>,
    limit: u32,
) -> Result<Vec<MeetingRecord>> {
    let (at, id) = after.map_or((None, None), |(t, i)| (Some(t), Some(i)));
    let sql = select_meeting!(
        "WHERE m.account_id = $1 AND ($2 IS NULL OR m.host_id = $2) AND m.status <> 'started' \
         AND ($3 IS NULL OR m.start_time < $3 OR (m.start_time = $3 AND m.id < $4)) \
         ORDER BY m.start_time DESC, m.id DESC LIMIT $5"
    );
    conn.fetch_all(
        sql,
        params![
            account.as_str(),
            host.map(UserId::as_str),
            at,
            id,
            i64::from(limit)
        ],
    )
    .await
}

/// How many of an account's meetings are not live (only `host`'s when given).
pub async fn count_account_rest(
    conn: &mut Conn,
    account: &AccountId,
    host: Option<&UserId>,
) -> Result<i64> {
    conn.fetch_one(
        "SELECT COUNT(*) FROM meetings m WHERE m.account_id = $1 \
         AND ($2 IS NULL OR m.host_id = $2) AND m.status <> 'started'",
        params![account.as_str(), host.map(UserId::as_str)],
    )
    .await
}
