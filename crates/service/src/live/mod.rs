//! Live meetings: the host starts a meeting through its `start_url` (`/s/{id}?zak=…`), people
//! arrive through its `join_url` (`/j/{id}`), and it ends through the API or at its cap
//! ([`end`]). The limits come from [`MeetingLimits`]; the database enforces them (see
//! `store::live`): a start takes one of the host's slots in the transaction that marks the
//! meeting started, an admission is one conditional increment.

mod end;
pub mod media;
mod zak;

pub use end::EndReason;
pub use media::{JitsiConfig, MediaEngine};

use crate::events::{self, Event};
use crate::{Actor, Error, Result, Service};
use media::Person;
use roster_domain::{MeetingLimits, UserId};
use roster_store::live::{self, LiveMeeting, NewParticipant, NewSlot};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A meeting as its join page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingPage {
    pub id: i64,
    pub topic: String,
    pub host_name: String,
    /// `waiting`, `started` or `finished`.
    pub status: String,
    pub started_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
    pub participants: i64,
    pub capacity: i64,
    /// Whether joining asks for a passcode.
    pub has_passcode: bool,
}

/// Where someone admitted goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Stay on Roster's page: it is the lobby (no media engine configured).
    Lobby {
        page: MeetingPage,
        display_name: String,
        host: bool,
    },
    /// Go to the media engine.
    Redirect(String),
}

/// Someone asking to join.
#[derive(Debug, Clone, Default)]
pub struct JoinRequest {
    pub display_name: String,
    pub email: String,
    /// The passcode typed, or the `pwd` of the join link.
    pub passcode: String,
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Zoom's `object` of `meeting.started` / `meeting.ended`.
pub(crate) fn meeting_object(m: &LiveMeeting) -> Value {
    json!({
        "id": m.id,
        "uuid": m.uuid,
        "host_id": m.host_id.as_str(),
        "topic": m.topic,
        "type": m.meeting_type,
        "start_time": m.started_at.map(rfc3339),
    })
}

fn page_of(m: &LiveMeeting, has_passcode: bool) -> MeetingPage {
    MeetingPage {
        id: m.id,
        topic: m.topic.clone(),
        host_name: if m.host_name.is_empty() {
            m.host_email.clone()
        } else {
            m.host_name.clone()
        },
        status: m.status.clone(),
        started_at: m.started_at,
        ends_at: m.ends_at,
        participants: m.participants,
        capacity: m.capacity,
        has_passcode,
    }
}

fn display_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "display_name",
            "enter a name of 1 to 64 characters",
        ));
    }
    Ok(name.to_owned())
}

impl Service {
    /// The media engine admitted people are handed to.
    pub fn media(&self) -> &MediaEngine {
        &self.settings.media
    }

    fn admission(&self, m: &LiveMeeting, who: &Person<'_>, page: MeetingPage) -> Result<Admission> {
        let exp = m.ends_at.unwrap_or_else(|| self.now());
        match self.settings.media.hand_off(m.id, who, self.now(), exp)? {
            Some(url) => Ok(Admission::Redirect(url)),
            None => Ok(Admission::Lobby {
                page,
                display_name: who.name.to_owned(),
                host: who.moderator,
            }),
        }
    }

    /// The join page's view of a meeting (anyone with the link may see it).
    pub async fn meeting_page(&self, meeting_id: i64) -> Result<MeetingPage> {
        let mut conn = self.db.read().await?;
        let m = live::find(&mut conn, meeting_id)
            .await?
            .ok_or(Error::MeetingNotFound(meeting_id.to_string()))?;
        let passcode = live::passcode(&mut conn, meeting_id).await?;
        Ok(page_of(&m, !passcode.password.is_empty()))
    }

    /// The host starts their meeting (`GET /s/{id}?zak=…`): it becomes live, in one of their
    /// slots, until its cap. Opening the link of a meeting already live rejoins it.
    pub async fn start_meeting(&self, meeting_id: i64, zak: &str) -> Result<Admission> {
        let user = self.check_host_token(zak).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let m = live::find(&mut tx, meeting_id)
            .await?
            .ok_or(Error::MeetingNotFound(meeting_id.to_string()))?;
        if m.host_id != user {
            return Err(Error::NotMeetingHost(meeting_id));
        }
        let host = Person {
            id: m.host_id.as_str(),
            name: &m.host_name,
            email: &m.host_email,
            moderator: true,
        };
        if m.status == "started" {
            drop(tx);
            return self.admission(&m, &host, page_of(&m, false));
        }
        if m.status != "waiting" {
            return Err(Error::MeetingNotFound(meeting_id.to_string()));
        }
        if !m.host_active {
            return Err(Error::HostNotActive(m.host_email.clone()));
        }
        let limits = MeetingLimits::for_host(m.host_type, m.host_add_ons, m.plan);
        if !limits.may_host() {
            return Err(Error::CannotHost(m.host_type.name()));
        }
        let ends_at = now + limits.cap;
        if !live::mark_started(&mut tx, m.id, now, ends_at).await? {
            // Started (or ended) by another request meanwhile; PostgreSQL waited for it.
            drop(tx);
            let mut conn = self.db.read().await?;
            return match live::find(&mut conn, meeting_id).await? {
                Some(m) if m.status == "started" => self.admission(&m, &host, page_of(&m, false)),
                _ => Err(Error::MeetingNotFound(meeting_id.to_string())),
            };
        }
        let slot = NewSlot {
            host_id: &m.host_id,
            meeting_id: m.id,
            account_id: &m.account_id,
            started_at: now,
            ends_at,
            capacity: i64::from(limits.capacity),
        };
        if live::take_slot(&mut tx, slot, limits.max_concurrent)
            .await?
            .is_none()
        {
            return Err(Error::HostBusy(limits.max_concurrent));
        }
        live::admit(&mut tx, m.id).await?;
        live::insert_participant(
            &mut tx,
            NewParticipant {
                id: &UserId::generate().to_string(),
                meeting_id: m.id,
                user_id: Some(m.host_id.as_str()),
                display_name: &host_name_or_email(&m),
                email: &m.host_email,
                role: "host",
                joined_at: now,
            },
        )
        .await?;
        let started = LiveMeeting {
            status: "started".to_owned(),
            started_at: Some(now),
            ends_at: Some(ends_at),
            participants: 1,
            capacity: i64::from(limits.capacity),
            ..m.clone()
        };
        let target = m.id.to_string();
        let actor_email = m.host_email.clone();
        let actor = Actor::Host {
            id: m.host_id.as_str(),
            email: &actor_email,
        };
        let event = Event {
            account_id: &m.account_id,
            kind: "meeting.started",
            actor: &actor,
            target: &target,
            object: meeting_object(&started),
            extra: Map::new(),
        };
        events::emit(&mut tx, event, now).await?;
        tx.commit().await?;
        self.admission(&started, &host, page_of(&started, false))
    }

    /// Someone joins through the join page: admitted while the meeting is live and has room,
    /// with the right passcode when it has one.
    pub async fn join_meeting(&self, meeting_id: i64, req: &JoinRequest) -> Result<Admission> {
        let name = display_name(&req.display_name)?;
        let email = req.email.trim();
        if !email.is_empty() {
            roster_domain::Email::parse(email).map_err(|e| Error::invalid("email", e))?;
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let m = live::find(&mut tx, meeting_id)
            .await?
            .ok_or(Error::MeetingNotFound(meeting_id.to_string()))?;
        let passcode = live::passcode(&mut tx, meeting_id).await?;
        if !passcode.password.is_empty() && !passcode_matches(&passcode, &req.passcode) {
            return Err(Error::WrongPasscode);
        }
        if m.status != "started" {
            return Err(Error::MeetingNotLive {
                id: m.id,
                status: m.status,
            });
        }
        if !live::admit(&mut tx, m.id).await? {
            return Err(Error::MeetingFull(m.capacity));
        }
        let id = UserId::generate().to_string();
        live::insert_participant(
            &mut tx,
            NewParticipant {
                id: &id,
                meeting_id: m.id,
                user_id: None,
                display_name: &name,
                email,
                role: "attendee",
                joined_at: now,
            },
        )
        .await?;
        tx.commit().await?;
        let who = Person {
            id: &id,
            name: &name,
            email,
            moderator: false,
        };
        let page = MeetingPage {
            participants: m.participants + 1,
            ..page_of(&m, true)
        };
        self.admission(&m, &who, page)
    }
}

fn host_name_or_email(m: &LiveMeeting) -> String {
    if m.host_name.is_empty() {
        m.host_email.clone()
    } else {
        m.host_name.clone()
    }
}

/// Whether `given` is the passcode, or the token join links carry instead (`pwd`). Hashes are
/// compared, so the time taken says nothing about how much of the passcode was right.
fn passcode_matches(expected: &live::Passcode, given: &str) -> bool {
    use roster_domain::Secret;
    let given = Secret::presented(given.trim()).hash();
    [&expected.password, &expected.encrypted]
        .iter()
        .any(|p| !p.is_empty() && Secret::presented(p).hash() == given)
}
