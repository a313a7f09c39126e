//! Meetings' live state (schema v16): starting takes one of the host's slots in
//! `live_meetings`, ending gives it back, admissions count against the meeting's capacity, and
//! the cap worker claims the meetings whose time is up. Every rule that must hold across server
//! processes is a constraint or a single conditional statement here, never a read-then-write
//! in the service layer.

use crate::{params, Backend, Conn, Error, FromRow, Result, Row};
use roster_domain::{AccountId, AddOns, Plan, UserId, UserType};
use time::OffsetDateTime;

/// What starting, joining and ending a meeting need to know about it, its host and account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveMeeting {
    pub id: i64,
    pub uuid: String,
    pub account_id: AccountId,
    pub host_id: UserId,
    pub host_email: String,
    pub host_name: String,
    pub host_type: UserType,
    /// Whether the host's user is active (pending and deactivated users host nothing).
    pub host_active: bool,
    pub host_add_ons: AddOns,
    pub plan: Plan,
    pub topic: String,
    pub meeting_type: i64,
    /// `waiting`, `started` or `finished`.
    pub status: String,
    pub started_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub end_reason: Option<String>,
    /// People admitted to the running meeting, and how many it may hold (0 when not live).
    pub participants: i64,
    pub capacity: i64,
}

impl FromRow for LiveMeeting {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        let first = r.text(5)?;
        let last = r.text(6)?;
        let display = r.text(7)?;
        let host_name = if display.trim().is_empty() {
            format!("{first} {last}").trim().to_owned()
        } else {
            display
        };
        Ok(Self {
            id: r.int(0)?,
            uuid: r.text(1)?,
            account_id: AccountId::from_stored(r.text(2)?),
            host_id: UserId::from_stored(r.text(3)?),
            host_email: r.text(4)?,
            host_name,
            host_type: UserType::from_code(r.int(8)?)
                .ok_or_else(|| Error::decode(8, "unknown user type"))?,
            host_add_ons: AddOns {
                large_meeting: r.opt_int(9)?.and_then(|c| u32::try_from(c).ok()),
                webinar: r.opt_int(10)?.and_then(|c| u32::try_from(c).ok()),
            },
            plan: r.parse(11, |s| Plan::parse(s).ok())?,
            topic: r.text(12)?,
            meeting_type: r.int(13)?,
            status: r.text(14)?,
            started_at: r.opt_time(15)?,
            ends_at: r.opt_time(16)?,
            ended_at: r.opt_time(17)?,
            end_reason: r.opt_text(18)?,
            participants: r.opt_int(19)?.unwrap_or(0),
            capacity: r.opt_int(20)?.unwrap_or(0),
            host_active: r.text(21)? == "active",
        })
    }
}

const SELECT: &str = "SELECT m.id, m.uuid, m.account_id, m.host_id, u.email, u.first_name, \
     u.last_name, u.display_name, u.type, u.large_meeting_capacity, \
     u.webinar_capacity, a.plan, m.topic, m.type, m.status, m.started_at, m.ends_at, \
     m.ended_at, m.end_reason, l.participants, l.capacity, u.status \
     FROM meetings m JOIN users u ON u.id = m.host_id JOIN accounts a ON a.id = m.account_id \
     LEFT JOIN live_meetings l ON l.meeting_id = m.id";

/// A meeting with its host and account, for the live paths.
pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<LiveMeeting>> {
    conn.fetch_optional(&format!("{SELECT} WHERE m.id = $1"), params![id])
        .await
}

/// A meeting's passcode and the token its join link carries instead (`pwd`); empty for none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Passcode {
    pub password: String,
    pub encrypted: String,
}

impl FromRow for Passcode {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            password: r.text(0)?,
            encrypted: r.text(1)?,
        })
    }
}

/// The passcode of meeting `id` (schema v15's columns).
pub async fn passcode(conn: &mut Conn, id: i64) -> Result<Passcode> {
    Ok(conn
        .fetch_optional(
            "SELECT password, encrypted_password FROM meetings WHERE id = $1",
            params![id],
        )
        .await?
        .unwrap_or_default())
}

/// Marks a waiting meeting started; `false` when it was not waiting (someone else started or
/// finished it first: on PostgreSQL the row lock makes concurrent starts of one meeting queue
/// here, and the losers see it started).
pub async fn mark_started(
    conn: &mut Conn,
    id: i64,
    at: OffsetDateTime,
    ends_at: OffsetDateTime,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE meetings SET status = 'started', started_at = $1, ends_at = $2, \
             ended_at = NULL, end_reason = NULL WHERE id = $3 AND status = 'waiting'",
            params![at, ends_at, id],
        )
        .await?;
    Ok(n == 1)
}

/// The slot a start takes.
#[derive(Debug, Clone, Copy)]
pub struct NewSlot<'a> {
    pub host_id: &'a UserId,
    pub meeting_id: i64,
    pub account_id: &'a AccountId,
    pub started_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub capacity: i64,
}

/// Takes the lowest free slot below `max` for the host; `None` when all are taken. A slot
/// another transaction is taking right now counts as taken once it commits (PostgreSQL waits on
/// its key, then `DO NOTHING`), so two processes never both admit into one slot.
pub async fn take_slot(conn: &mut Conn, s: NewSlot<'_>, max: u32) -> Result<Option<i64>> {
    for slot in 0..i64::from(max) {
        let n = conn
            .execute(
                "INSERT INTO live_meetings (host_id, slot, meeting_id, account_id, started_at, \
                 ends_at, participants, capacity) VALUES ($1, $2, $3, $4, $5, $6, 0, $7) \
                 ON CONFLICT DO NOTHING",
                params![
                    s.host_id.as_str(),
                    slot,
                    s.meeting_id,
                    s.account_id.as_str(),
                    s.started_at,
                    s.ends_at,
                    s.capacity
                ],
            )
            .await?;
        if n == 1 {
            return Ok(Some(slot));
        }
    }
    Ok(None)
}

/// Admits one person if the running meeting has room; `false` when it is full or not live.
pub async fn admit(conn: &mut Conn, meeting_id: i64) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE live_meetings SET participants = participants + 1 \
             WHERE meeting_id = $1 AND participants < capacity",
            params![meeting_id],
        )
        .await?;
    Ok(n == 1)
}

/// Someone admitted to a meeting.
#[derive(Debug, Clone, Copy)]
pub struct NewParticipant<'a> {
    pub id: &'a str,
    pub meeting_id: i64,
    pub user_id: Option<&'a str>,
    pub display_name: &'a str,
    pub email: &'a str,
    /// `host` or `attendee`.
    pub role: &'a str,
    pub joined_at: OffsetDateTime,
}

pub async fn insert_participant(conn: &mut Conn, p: NewParticipant<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO meeting_participants (id, meeting_id, user_id, display_name, email, role, \
         joined_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        params![
            p.id,
            p.meeting_id,
            p.user_id,
            p.display_name,
            p.email,
            p.role,
            p.joined_at
        ],
    )
    .await
    .map(drop)
}

/// Frees the meeting's slot; `false` when it held none (it was not live, or someone else ended
/// it first: whoever deletes the row is the one that ends the meeting).
pub async fn free_slot(conn: &mut Conn, meeting_id: i64) -> Result<bool> {
    let n = conn
        .execute(
            "DELETE FROM live_meetings WHERE meeting_id = $1",
            params![meeting_id],
        )
        .await?;
    Ok(n == 1)
}

/// Records the end of a meeting whose slot was just freed: `status` is `finished`, or
/// `waiting` for meetings that run again (recurring, personal); participants leave.
pub async fn mark_ended(
    conn: &mut Conn,
    meeting_id: i64,
    status: &str,
    reason: &str,
    at: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "UPDATE meetings SET status = $1, ended_at = $2, end_reason = $3, ends_at = NULL \
         WHERE id = $4",
        params![status, at, reason, meeting_id],
    )
    .await?;
    conn.execute(
        "UPDATE meeting_participants SET left_at = $1 WHERE meeting_id = $2 AND left_at IS NULL",
        params![at, meeting_id],
    )
    .await
    .map(drop)
}

/// Whether any running meeting's cap has passed at `now` (a read, so an idle sweep takes no
/// write lock).
pub async fn any_expired(conn: &mut Conn, now: OffsetDateTime) -> Result<bool> {
    let n: Option<i64> = conn
        .fetch_optional(
            "SELECT meeting_id FROM live_meetings WHERE ends_at <= $1 LIMIT 1",
            params![now],
        )
        .await?;
    Ok(n.is_some())
}

/// Claims up to `limit` running meetings whose cap has passed at `now`, for the caller's
/// transaction to end. PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several workers split the rows
/// and none waits on another; SQLite: the caller's transaction holds the single write lock.
pub async fn claim_expired(conn: &mut Conn, now: OffsetDateTime, limit: i64) -> Result<Vec<i64>> {
    let sql = match conn.backend() {
        Backend::Postgres => {
            "SELECT meeting_id FROM live_meetings WHERE ends_at <= $1 ORDER BY ends_at \
             LIMIT $2 FOR UPDATE SKIP LOCKED"
        }
        Backend::Sqlite => {
            "SELECT meeting_id FROM live_meetings WHERE ends_at <= $1 ORDER BY ends_at LIMIT $2"
        }
    };
    conn.fetch_all(sql, params![now, limit]).await
}

/// The server-wide secret named `name`, created from `fresh` by whichever process asks first.
pub async fn server_key(
    conn: &mut Conn,
    name: &str,
    fresh: &str,
    at: OffsetDateTime,
) -> Result<String> {
    conn.execute(
        "INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
        params![name, fresh, at],
    )
    .await?;
    conn.fetch_one(
        "SELECT secret FROM server_keys WHERE name = $1",
        params![name],
    )
    .await
}
