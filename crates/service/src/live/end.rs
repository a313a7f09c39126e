//! Ending live meetings: by the host or an admin (`PUT /v2/meetings/{id}/status`), or by the
//! cap worker when a meeting's time is up. Whoever deletes the meeting's `live_meetings` row is
//! the one that ends it, so the API and any number of workers can race without ending a meeting
//! twice or writing two `meeting.ended` events.

use super::meeting_object;
use crate::events::{self, Event};
use crate::meetings::meeting_for;
use crate::{Actor, Error, Result, Service};
use roster_domain::Principal;
use roster_store::live::{self, LiveMeeting};
use roster_store::Conn;
use serde_json::{json, Map};

/// Why a meeting ended (`reason` on `meeting.ended`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The host or an admin ended it.
    Host,
    /// Its cap (Basic 40 minutes, paid 30 hours) ran out.
    TimeLimit,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::TimeLimit => "time_limit",
        }
    }
}

/// What a meeting becomes when it ends: recurring (3, 8) and personal (4) meetings can run
/// again; instant and scheduled ones are over.
fn status_after_end(meeting_type: i64) -> &'static str {
    match meeting_type {
        3 | 4 | 8 => "waiting",
        _ => "finished",
    }
}

/// Ends `m` in the caller's transaction; `false` when it was not live (any more).
async fn end_in(
    conn: &mut Conn,
    m: &LiveMeeting,
    actor: &Actor<'_>,
    reason: EndReason,
    at: time::OffsetDateTime,
) -> Result<bool> {
    if !live::free_slot(conn, m.id).await? {
        return Ok(false);
    }
    live::mark_ended(
        conn,
        m.id,
        status_after_end(m.meeting_type),
        reason.as_str(),
        at,
    )
    .await?;
    let mut object = meeting_object(m);
    if let Some(o) = object.as_object_mut() {
        o.insert("end_time".into(), json!(super::rfc3339(at)));
    }
    let mut extra = Map::new();
    extra.insert("reason".into(), json!(reason.as_str()));
    let target = m.id.to_string();
    let event = Event {
        account_id: &m.account_id,
        kind: "meeting.ended",
        actor,
        target: &target,
        object,
        extra,
    };
    events::emit(conn, event, at).await?;
    Ok(true)
}

impl Service {
    /// Ends a live meeting (`PUT /v2/meetings/{id}/status {"action":"end"}`): whoever may
    /// change it (its host, their scheduling assistants, admins with `Meeting:Edit`). Ending one that is not live is refused; nothing changes.
    pub async fn end_meeting(&self, principal: &Principal, meeting_id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let actor = Actor::Principal(principal);
        // Who may end it is who may change it: the host, their assistants, admins.
        meeting_for(&mut tx, &actor, &meeting_id.to_string(), true).await?;
        let m = live::find(&mut tx, meeting_id)
            .await?
            .ok_or(Error::MeetingNotFound(meeting_id.to_string()))?;
        if !end_in(&mut tx, &m, &actor, EndReason::Host, self.now()).await? {
            return Err(Error::MeetingNotLive {
                id: meeting_id,
                status: m.status,
            });
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends up to `limit` live meetings whose cap has passed (the cap worker's job); returns how
    /// many it ended. Safe with several processes: rows are claimed (PostgreSQL `FOR UPDATE SKIP
    /// LOCKED`; SQLite's single writer) in the transaction that ends them.
    pub async fn end_expired_meetings(&self, limit: i64) -> Result<usize> {
        let now = self.now();
        if !live::any_expired(&mut self.db.read().await?, now).await? {
            return Ok(0);
        }
        let mut tx = self.db.begin().await?;
        let ids = live::claim_expired(&mut tx, now, limit).await?;
        let mut ended = 0;
        for id in ids {
            let Some(m) = live::find(&mut tx, id).await? else {
                continue;
            };
            if end_in(&mut tx, &m, &Actor::System, EndReason::TimeLimit, now).await? {
                ended += 1;
            }
        }
        tx.commit().await?;
        if ended > 0 {
            tracing::info!(ended, "meetings ended at their time limit");
        }
        Ok(ended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recurring_and_personal_meetings_wait_again() {
        assert_eq!(status_after_end(1), "finished");
        assert_eq!(status_after_end(2), "finished");
        assert_eq!(status_after_end(3), "waiting");
        assert_eq!(status_after_end(4), "waiting");
        assert_eq!(status_after_end(8), "waiting");
    }
}
