//! Meetings: scheduling ([`schedule`]), reading and listing ([`list`]), changing and deleting
//! ([`change`]), and scheduling assistants ([`assistants`]). Shared here: who may see or change
//! whose meetings, the meeting as callers see it (links, occurrences), and its events.
//!
//! Access: everyone sees and changes their own meetings; `Meeting:Read` / `Meeting:Edit`
//! (Owner and Admin hold both) cover everyone's in the account (within a custom role's group
//! scope); a user's scheduling assistants see and change theirs. Another account's meeting,
//! or one the caller may not see, is "not found" (Zoom's 3001): its existence never leaks.

mod account;
pub mod assistants;
mod change;
mod list;
mod schedule;

pub use account::{AccountMeetingQuery, AccountMeetings};
pub use change::DeleteOptions;
pub use list::{MeetingPage, MeetingQuery};
pub use schedule::MeetingInput;

use crate::events::{self, Event};
use crate::users::{resolve, target};
use crate::{Actor, Error, Result, Service};
use roster_domain::meeting::{epoch_ms, recurrence::zoom_utc, MeetingType, Recurrence, Zone};
use roster_domain::{AccountId, Email, UserId};
use roster_store::meetings::{self, MeetingRecord};
use roster_store::users::{self, UserRecord};
use roster_store::Conn;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

/// One occurrence of a recurring meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Zoom's `occurrence_id`: the occurrence's original start, in ms since the epoch.
    pub occurrence_id: String,
    pub start_time: OffsetDateTime,
    pub duration: i64,
    /// `available` (deleted occurrences are not shown).
    pub status: &'static str,
}

/// A meeting as its callers see it.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub meeting: MeetingRecord,
    pub join_url: String,
    pub start_url: String,
    pub settings: Value,
    pub recurrence: Option<Value>,
    pub occurrences: Vec<Occurrence>,
}

impl MeetingView {
    pub fn meeting_type(&self) -> i64 {
        self.meeting.meeting_type
    }

    /// Whether the meeting has a start time to show (not type 3).
    pub fn has_start_time(&self) -> bool {
        self.meeting.meeting_type != MeetingType::RecurringNoFixedTime.code()
    }
}

fn parse_json(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or(Value::Null)
}

/// Every occurrence of `m` (deleted ones left out, changed ones as changed), in order.
pub(crate) fn occurrences(m: &MeetingRecord) -> Vec<Occurrence> {
    let Some(rec) = m.recurrence.as_deref() else {
        return Vec::new();
    };
    if m.meeting_type != MeetingType::RecurringFixedTime.code() {
        return Vec::new();
    }
    let zone = Zone::parse(&m.timezone).unwrap_or_else(|_| Zone::utc());
    let Ok(rec) = Recurrence::from_json(&parse_json(rec), &zone) else {
        return Vec::new();
    };
    let changes = parse_json(&m.occurrence_changes);
    let mut out: Vec<Occurrence> = rec
        .occurrences(m.start_time, &zone)
        .into_iter()
        .filter_map(|start| {
            let id = epoch_ms(start).to_string();
            let change = changes.get(&id);
            if change
                .and_then(|c| c.get("deleted"))
                .and_then(Value::as_bool)
                == Some(true)
            {
                return None;
            }
            let start_time = change
                .and_then(|c| c.get("start_time"))
                .and_then(Value::as_i64)
                .and_then(|ms| {
                    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
                })
                .unwrap_or(start);
            let duration = change
                .and_then(|c| c.get("duration"))
                .and_then(Value::as_i64)
                .unwrap_or(m.duration);
            Some(Occurrence {
                occurrence_id: id,
                start_time,
                duration,
                status: "available",
            })
        })
        .collect();
    out.sort_by_key(|o| o.start_time);
    out
}

/// When the last occurrence starts, for the lists; `None` when the meeting never runs out.
pub(crate) fn last_start(m: &MeetingRecord) -> Option<OffsetDateTime> {
    match MeetingType::from_code(m.meeting_type) {
        Some(MeetingType::RecurringNoFixedTime) => None,
        Some(MeetingType::RecurringFixedTime) => {
            Some(occurrences(m).last().map_or(m.start_time, |o| o.start_time))
        }
        _ => Some(m.start_time),
    }
}

impl Service {
    /// The meeting's links as `viewer` sees them, built in this one place: `join_url` =
    /// `{public_url}/j/{id}` (with `?pwd=` and the passcode's token when it has one),
    /// `start_url` = `{public_url}/s/{id}`, with the host's token (`?zak=`) when the viewer may
    /// start it (see [`Service::start_url`]).
    pub fn meeting_links(&self, m: &MeetingRecord, viewer: &Actor<'_>) -> (String, String) {
        let base = self.settings.public_url.trim_end_matches('/');
        let mut join = format!("{base}/j/{}", m.id);
        if !m.encrypted_password.is_empty() {
            join.push_str("?pwd=");
            join.push_str(&m.encrypted_password);
        }
        (
            join,
            self.start_url(m.id, &m.host_id, &m.account_id, viewer),
        )
    }

    /// The view of `m` for `viewer`: links, and occurrences from `from` on (all when `None`).
    pub(crate) fn meeting_view(
        &self,
        m: MeetingRecord,
        from: Option<OffsetDateTime>,
        viewer: &Actor<'_>,
    ) -> MeetingView {
        let (join_url, start_url) = self.meeting_links(&m, viewer);
        let occurrences = occurrences(&m)
            .into_iter()
            .filter(|o| from.is_none_or(|f| o.start_time + time::Duration::minutes(o.duration) > f))
            .collect();
        MeetingView {
            settings: parse_json(&m.settings),
            recurrence: m.recurrence.as_deref().map(parse_json),
            occurrences,
            join_url,
            start_url,
            meeting: m,
        }
    }
}

/// A user the caller names, by id, email or `me`: within the caller's account for an API
/// caller; anywhere for the operator (who has no `me`).
pub(crate) async fn user_of(
    conn: &mut Conn,
    actor: &Actor<'_>,
    user_ref: &str,
) -> Result<UserRecord> {
    if let Actor::Principal(p) = actor {
        return resolve(conn, p, user_ref).await;
    }
    let not_found = || Error::UserNotFound(user_ref.to_owned());
    let found = if user_ref.contains('@') {
        let email = Email::parse(user_ref).map_err(|_| not_found())?;
        users::find_registered(conn, &email).await?
    } else {
        let id = UserId::parse(user_ref).ok_or_else(not_found)?;
        match meetings::account_of_user(conn, &id).await? {
            Some(account) => users::find_by_id(conn, &account, &id).await?,
            None => None,
        }
    };
    found.ok_or_else(not_found)
}

/// Whether `actor` may see (`write` = false) or change the meetings `host` hosts.
pub(crate) async fn may(
    conn: &mut Conn,
    actor: &Actor<'_>,
    host: &UserRecord,
    write: bool,
) -> Result<bool> {
    match actor {
        Actor::Principal(p) => Ok(p.may_for_meetings_of(target(host), write)
            || (p.account_id == host.account_id
                && meetings::is_assistant(conn, &host.id, &p.user_id).await?)),
        Actor::Operator | Actor::System => Ok(true),
        // A host proven by their start link sees and changes their own meetings only.
        Actor::Host { id, .. } => Ok(*id == host.id.as_str()),
    }
}

/// A meeting the caller may see (`write` = false) or change, with its host. What the caller
/// may not see is "not found"; what they see but may not change is "not meeting host".
pub(crate) async fn meeting_for(
    conn: &mut Conn,
    actor: &Actor<'_>,
    meeting_ref: &str,
    write: bool,
) -> Result<(MeetingRecord, UserRecord)> {
    let not_found = || Error::MeetingNotFound(meeting_ref.trim().to_owned());
    let id: i64 = meeting_ref.trim().parse().map_err(|_| not_found())?;
    let m = meetings::find(conn, id).await?.ok_or_else(not_found)?;
    if let Actor::Principal(p) = actor {
        if p.account_id != m.account_id {
            return Err(not_found());
        }
    }
    let host = users::find_by_id(conn, &m.account_id, &m.host_id)
        .await?
        .ok_or_else(not_found)?;
    if !may(conn, actor, &host, false).await? {
        return Err(not_found());
    }
    if write && !may(conn, actor, &host, true).await? {
        return Err(Error::NotMeetingHost(m.id));
    }
    Ok((m, host))
}

/// The `object` of meeting events, as Zoom sends it.
pub(crate) fn event_object(v: &MeetingView) -> Value {
    let m = &v.meeting;
    let mut o = Map::new();
    o.insert("uuid".into(), json!(m.uuid));
    o.insert("id".into(), json!(m.id));
    o.insert("host_id".into(), json!(m.host_id.as_str()));
    o.insert("topic".into(), json!(m.topic));
    o.insert("type".into(), json!(m.meeting_type));
    o.insert("duration".into(), json!(m.duration));
    o.insert("timezone".into(), json!(m.timezone));
    o.insert("join_url".into(), json!(v.join_url));
    if v.has_start_time() {
        o.insert("start_time".into(), json!(zoom_utc(m.start_time)));
    }
    if let Some(r) = &v.recurrence {
        o.insert("recurrence".into(), r.clone());
    }
    if !v.occurrences.is_empty() {
        o.insert("occurrences".into(), occurrences_json(&v.occurrences));
    }
    Value::Object(o)
}

pub(crate) fn occurrences_json(list: &[Occurrence]) -> Value {
    Value::Array(
        list.iter()
            .map(|o| {
                json!({"occurrence_id": o.occurrence_id, "start_time": zoom_utc(o.start_time),
                       "duration": o.duration, "status": o.status})
            })
            .collect(),
    )
}

/// Records a meeting event in `account`.
pub(crate) async fn emit(
    conn: &mut Conn,
    account: &AccountId,
    actor: &Actor<'_>,
    kind: &'static str,
    meeting_id: i64,
    object: Value,
    extra: Map<String, Value>,
) -> Result<()> {
    events::emit(
        conn,
        Event {
            account_id: account,
            kind,
            actor,
            target: &meeting_id.to_string(),
            object,
            extra,
        },
        crate::record_time(),
    )
    .await
}
