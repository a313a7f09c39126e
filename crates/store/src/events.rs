//! The events table: the transactional outbox and audit log. Service functions append an event
//! in the same transaction as the change it records; workers (a later capability) turn undispatched
//! events into mail and webhook deliveries and mark them dispatched.

use crate::{params, Conn, FromRow, Result, Row};
use roster_domain::AccountId;
use time::OffsetDateTime;

/// An event to append. `payload` is JSON text, Zoom's webhook `payload` shape.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub account_id: Option<&'a AccountId>,
    pub kind: &'a str,
    /// Who acted: `operator` (the local CLI), `user:ID` or `app:CLIENT_ID`.
    pub actor: &'a str,
    pub target: Option<&'a str>,
    pub payload: &'a str,
    pub created_at: OffsetDateTime,
}

pub async fn append(conn: &mut Conn, e: &NewEvent<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO events (account_id, type, actor, target, payload, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        params![
            e.account_id.map(AccountId::as_str),
            e.kind,
            e.actor,
            e.target,
            e.payload,
            e.created_at,
        ],
    )
    .await
    .map(drop)
}

/// Appends many events with multi-row statements (the import's path): the same rows as
/// [`append`] one by one.
pub async fn append_many(conn: &mut Conn, events: &[NewEvent<'_>]) -> Result<()> {
    for chunk in events.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO events (account_id, type, actor, target, payload, created_at) VALUES ",
        );
        sql.push_str(&crate::value_rows(conn.backend(), chunk.len(), 6));
        let mut params: Vec<crate::Param<'_>> = Vec::with_capacity(chunk.len() * 6);
        for e in chunk {
            let row: [crate::Param<'_>; 6] = [
                e.account_id.map(AccountId::as_str).into(),
                e.kind.into(),
                e.actor.into(),
                e.target.into(),
                e.payload.into(),
                e.created_at.into(),
            ];
            params.extend(row);
        }
        conn.execute(&sql, &params).await?;
    }
    Ok(())
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub id: i64,
    pub account_id: Option<String>,
    pub kind: String,
    pub actor: String,
    pub target: Option<String>,
    pub payload: String,
    pub created_at: OffsetDateTime,
}

impl FromRow for EventRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.int(0)?,
            account_id: r.opt_text(1)?,
            kind: r.text(2)?,
            actor: r.text(3)?,
            target: r.opt_text(4)?,
            payload: r.text(5)?,
            created_at: r.time(6)?,
        })
    }
}

/// What part of an account's events to read, newest first.
#[derive(Debug, Clone)]
pub struct EventFilter<'a> {
    pub account: &'a AccountId,
    pub from: OffsetDateTime,
    /// Exclusive.
    pub to: OffsetDateTime,
    /// Type prefixes such as `user.` (any of them); empty: every type.
    pub type_prefixes: &'a [&'a str],
    /// Keyset: only events older than this id.
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// A page of an account's events, newest first.
pub async fn page(conn: &mut Conn, f: &EventFilter<'_>) -> Result<Vec<EventRecord>> {
    let patterns: Vec<String> = f.type_prefixes.iter().map(|p| format!("{p}%")).collect();
    let mut sql = String::from(
        "SELECT id, account_id, type, actor, target, payload, created_at FROM events \
         WHERE account_id = $1 AND created_at >= $2 AND created_at < $3",
    );
    let mut params: Vec<crate::Param<'_>> =
        vec![f.account.as_str().into(), f.from.into(), f.to.into()];
    if !patterns.is_empty() {
        let mut any = Vec::with_capacity(patterns.len());
        for p in &patterns {
            params.push(p.as_str().into());
            any.push(format!("type LIKE ${}", params.len()));
        }
        sql.push_str(&format!(" AND ({})", any.join(" OR ")));
    }
    if let Some(id) = f.before_id {
        params.push(id.into());
        sql.push_str(&format!(" AND id < ${}", params.len()));
    }
    params.push(i64::from(f.limit).into());
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", params.len()));
    conn.fetch_all(&sql, &params).await
}
