//! Scheduling a meeting (`POST /v2/users/{userId}/meetings`), for oneself, for a user one
//! manages meetings of, or (`schedule_for`) for a user whose scheduling assistant one is; and
//! reading one (`GET /v2/meetings/{meetingId}`).

use super::{emit, event_object, last_start, may, meeting_for, user_of, MeetingView};
use crate::users::text;
use crate::{Actor, Error, Result, Service};
use roster_domain::meeting::{self, MeetingType, Recurrence, Zone};
use roster_domain::UserStatus;
use roster_store::meetings::{self, MeetingRecord};
use roster_store::users::UserRecord;
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// A meeting's fields as the caller sent them (`POST`, or the changes of a `PATCH`).
#[derive(Debug, Clone, Default)]
pub struct MeetingInput {
    pub topic: Option<String>,
    pub meeting_type: Option<i64>,
    pub start_time: Option<String>,
    pub duration: Option<i64>,
    pub timezone: Option<String>,
    pub password: Option<String>,
    pub agenda: Option<String>,
    /// The host's email or id, when scheduling for someone else.
    pub schedule_for: Option<String>,
    pub recurrence: Option<Value>,
    pub settings: Option<Value>,
}

/// The longest `settings` object stored, serialised.
const MAX_SETTINGS_BYTES: usize = 16 * 1024;
/// Zoom's default scheduled duration when none is given.
const DEFAULT_DURATION: i64 = 60;

/// Applies `input` to `m` (a new meeting's defaults, or the stored one), checking every rule.
/// `timing_changed`: whether to hold the start time to "not in the past".
pub(crate) fn apply(
    m: &mut MeetingRecord,
    input: &MeetingInput,
    host: &UserRecord,
    at: OffsetDateTime,
) -> Result<()> {
    if let Some(t) = &input.topic {
        m.topic = text("topic", t, 200)?;
    }
    if let Some(a) = &input.agenda {
        m.agenda = text("agenda", a, 2000)?;
    }
    let kind = match input.meeting_type {
        Some(code) => MeetingType::from_code(code).ok_or(meeting::MeetingError::Type)?,
        None => MeetingType::from_code(m.meeting_type).ok_or(meeting::MeetingError::Type)?,
    };
    m.meeting_type = kind.code();
    if let Some(d) = input.duration {
        m.duration = meeting::duration(d)?;
    }
    let zone_name = match &input.timezone {
        Some(z) => z.clone(),
        None if m.timezone.is_empty() => host.timezone.clone(),
        None => m.timezone.clone(),
    };
    let zone = Zone::parse(&zone_name)?;
    m.timezone = zone.name().to_owned();
    if let Some(p) = &input.password {
        let p = meeting::passcode(p)?;
        if p != m.password {
            m.encrypted_password = if p.is_empty() {
                String::new()
            } else {
                meeting::passcode_token()
            };
            m.password = p;
        }
    }
    if let Some(s) = &input.settings {
        let Value::Object(patch) = s else {
            return Err(Error::invalid("settings", "settings must be an object"));
        };
        let mut merged: Map<String, Value> = serde_json::from_str(&m.settings).unwrap_or_default();
        merged.extend(patch.clone());
        let raw = Value::Object(merged).to_string();
        if raw.len() > MAX_SETTINGS_BYTES {
            return Err(Error::invalid("settings", "settings are too large"));
        }
        m.settings = raw;
    }
    let timing_changed = input.meeting_type.is_some()
        || input.start_time.is_some()
        || input.recurrence.is_some()
        || input.timezone.is_some();
    match kind {
        MeetingType::Instant => {
            m.recurrence = None;
        }
        MeetingType::RecurringNoFixedTime => {
            if let Some(r) = &input.recurrence {
                m.recurrence = Some(Recurrence::from_json(r, &zone)?.to_json().to_string());
            }
        }
        MeetingType::Scheduled | MeetingType::RecurringFixedTime => {
            if let Some(raw) = &input.start_time {
                m.start_time = meeting::parse_start(raw, &zone)?;
            } else if input.meeting_type.is_some() && m.created_at == at {
                return Err(meeting::MeetingError::StartMissing.into());
            }
            if timing_changed {
                meeting::check_not_past(m.start_time, at)?;
            }
            if kind == MeetingType::Scheduled {
                m.recurrence = None;
            } else {
                let rec = match (&input.recurrence, &m.recurrence) {
                    (Some(r), _) => Recurrence::from_json(r, &zone)?,
                    (None, Some(stored)) => {
                        let v: Value = serde_json::from_str(stored).unwrap_or(Value::Null);
                        Recurrence::from_json(&v, &zone)?
                    }
                    (None, None) => {
                        return Err(Error::invalid(
                            "recurrence",
                            "a recurring meeting with a fixed time (type 8) needs a recurrence",
                        ))
                    }
                };
                if rec.occurrences(m.start_time, &zone).is_empty() {
                    return Err(Error::invalid(
                        "recurrence",
                        "the recurrence ends before the meeting's first start: no occurrence is left",
                    ));
                }
                m.recurrence = Some(rec.to_json().to_string());
            }
        }
    }
    m.last_start = last_start(m);
    Ok(())
}

impl Service {
    /// Schedules a meeting hosted by `user_ref` (id, email or `me`), or by `schedule_for`
    /// when the caller schedules for someone else. Refuses bad input, a host who is not
    /// active, and scheduling for someone the caller may not schedule for.
    #[tracing::instrument(skip_all)]
    pub async fn schedule_meeting(
        &self,
        actor: &Actor<'_>,
        user_ref: &str,
        input: &MeetingInput,
    ) -> Result<MeetingView> {
        let mut tx = self.db.begin().await?;
        let owner = user_of(&mut tx, actor, user_ref).await?;
        if !may(&mut tx, actor, &owner, true).await? {
            return Err(Error::NoPrivilege);
        }
        let host = match input.schedule_for.as_deref().map(str::trim) {
            None | Some("") => owner.clone(),
            Some(other) => {
                let host = user_of(&mut tx, actor, other).await?;
                if host.account_id != owner.account_id {
                    return Err(Error::UserNotFound(other.to_owned()));
                }
                let delegated = host.id == owner.id
                    || may(&mut tx, actor, &host, true).await?
                    || meetings::is_assistant(&mut tx, &host.id, &owner.id).await?;
                if !delegated {
                    return Err(Error::NotAssistant(host.email.to_string()));
                }
                host
            }
        };
        if host.status != UserStatus::Active {
            return Err(Error::HostNotActive(host.email.to_string()));
        }
        let at = self.now();
        let mut m = MeetingRecord {
            id: 0,
            uuid: meeting::generate_uuid(),
            account_id: host.account_id.clone(),
            host_id: host.id.clone(),
            host_email: host.email.to_string(),
            topic: String::new(),
            meeting_type: input.meeting_type.unwrap_or(MeetingType::Scheduled.code()),
            status: "waiting".to_owned(),
            start_time: at,
            duration: DEFAULT_DURATION,
            timezone: String::new(),
            agenda: String::new(),
            created_at: at,
            password: String::new(),
            encrypted_password: String::new(),
            settings: "{}".to_owned(),
            recurrence: None,
            occurrence_changes: "{}".to_owned(),
            created_by: (host.id != owner.id).then(|| owner.id.to_string()),
            updated_at: None,
            last_start: None,
        };
        let mut input = input.clone();
        input.meeting_type = Some(m.meeting_type);
        if input.start_time.is_none()
            && MeetingType::from_code(m.meeting_type).is_some_and(MeetingType::has_fixed_start)
        {
            return Err(meeting::MeetingError::StartMissing.into());
        }
        apply(&mut m, &input, &host, at)?;
        // Eleven random digits rarely collide; when they do, draw again.
        for attempt in 0..5 {
            m.id = meeting::generate_id();
            match meetings::insert(&mut tx, &m).await {
                Ok(()) => break,
                Err(roster_store::Error::Unique(_)) if attempt < 4 => continue,
                Err(e) => return Err(e.into()),
            }
        }
        let view = self.meeting_view(m, None, actor);
        let mut extra = Map::new();
        if let Some(by) = &view.meeting.created_by {
            extra.insert("scheduled_by".into(), Value::String(by.clone()));
        }
        emit(
            &mut tx,
            &view.meeting.account_id,
            actor,
            "meeting.created",
            view.meeting.id,
            event_object(&view),
            extra,
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A meeting the caller may see. `occurrence_id` narrows it to one occurrence (its start
    /// and duration); `show_previous_occurrences` keeps the occurrences already over.
    #[tracing::instrument(skip_all)]
    pub async fn get_meeting(
        &self,
        actor: &Actor<'_>,
        meeting_ref: &str,
        occurrence_id: Option<&str>,
        show_previous_occurrences: bool,
    ) -> Result<MeetingView> {
        let mut conn = self.db.read().await?;
        let (m, _) = meeting_for(&mut conn, actor, meeting_ref, false).await?;
        let from = (!show_previous_occurrences).then(|| self.now());
        let mut view = self.meeting_view(m, from, actor);
        if let Some(occ) = occurrence_id.map(str::trim).filter(|o| !o.is_empty()) {
            let all = super::occurrences(&view.meeting);
            let one = all
                .into_iter()
                .find(|o| o.occurrence_id == occ)
                .ok_or_else(|| {
                    Error::MeetingNotFound(format!("{meeting_ref} (occurrence {occ})"))
                })?;
            view.meeting.start_time = one.start_time;
            view.meeting.duration = one.duration;
            view.occurrences = vec![one];
        }
        Ok(view)
    }
}
