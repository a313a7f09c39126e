//! Meetings: a signed-in user's own meetings (upcoming, live, previous) with schedule, edit,
//! delete, start and the join link ([`own`], [`edit`]); the account's meetings for admins,
//! with who is live now ([`all`]). Shared here: how a meeting shows in a list, the form's
//! fields, and meeting errors in the page's language.

pub mod all;
pub mod edit;
pub mod own;

use crate::errors;
use crate::form::FormData;
use crate::view::Chrome;
use roster_domain::language::Language;
use roster_service::meetings::{MeetingInput, MeetingView};
use roster_service::Error;
use serde_json::json;
use time::OffsetDateTime;

/// One meeting as a list shows it.
pub struct Row {
    pub id: i64,
    pub topic: String,
    pub host_email: String,
    pub start: Option<OffsetDateTime>,
    pub duration: i64,
    pub live: bool,
    pub recurring: bool,
    pub join_url: String,
}

impl Row {
    pub fn of(v: &MeetingView) -> Self {
        let m = &v.meeting;
        let next = v.occurrences.first().map(|o| o.start_time);
        Self {
            id: m.id,
            topic: m.topic.clone(),
            host_email: m.host_email.clone(),
            start: v.has_start_time().then(|| next.unwrap_or(m.start_time)),
            duration: m.duration,
            live: m.status == "started",
            recurring: v.recurrence.is_some(),
            join_url: v.join_url.clone(),
        }
    }
}

/// Where a list page starts, as the link gave it: `after` (the next-page token) and `size`
/// (rows a page, 1–300).
#[derive(Debug, Clone, Default)]
pub struct Paging {
    pub after: Option<String>,
    pub size: Option<String>,
}

impl Paging {
    pub fn new(after: Option<String>, size: Option<String>) -> Self {
        Self {
            after: after.filter(|a| !a.trim().is_empty()),
            size: size.filter(|s| !s.trim().is_empty()),
        }
    }

    /// Past the first page.
    pub fn paged(&self) -> bool {
        self.after.is_some()
    }

    /// The page size asked for; one that is not a number is 0, which the service refuses.
    pub fn page_size(&self, default: i64) -> Option<i64> {
        Some(
            self.size
                .as_deref()
                .map_or(default, |s| s.trim().parse().unwrap_or(0)),
        )
    }

    /// `&size=N` when a size was asked for, to keep it across pages.
    pub fn size_query(&self) -> String {
        self.size
            .as_deref()
            .map(|s| {
                format!(
                    "&size={}",
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                )
            })
            .unwrap_or_default()
    }
}

/// A list's page size or page token refused: the message to show above the list.
pub fn is_paging_error(e: &Error) -> bool {
    matches!(
        e,
        Error::InvalidInput {
            field: "next_page_token" | "page_size",
            ..
        }
    )
}

/// The schedule / edit form's values, as typed (kept on an error).
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub topic: String,
    /// `YYYY-MM-DDTHH:MM` in the reader's time zone.
    pub start: String,
    pub duration: String,
    pub passcode: String,
    /// `none`, `daily` or `weekly`.
    pub repeat: String,
    pub times: String,
}

impl Fields {
    pub fn from_form(form: &FormData) -> Self {
        Self {
            topic: form.get("topic").to_owned(),
            start: form.get("start_time").to_owned(),
            duration: form.get("duration").to_owned(),
            passcode: form.get("password").to_owned(),
            repeat: form.get("repeat").to_owned(),
            times: form.get("times").to_owned(),
        }
    }

    /// A new meeting's defaults: an hour, not repeating.
    pub fn blank() -> Self {
        Self {
            duration: "60".to_owned(),
            repeat: "none".to_owned(),
            times: "4".to_owned(),
            ..Self::default()
        }
    }

    /// The form of a stored meeting, its start in `c`'s time zone.
    pub fn of(v: &MeetingView, c: &Chrome) -> Self {
        let m = &v.meeting;
        let rec = v.recurrence.as_ref();
        let repeat = match rec.and_then(|r| r.get("type")).and_then(|t| t.as_i64()) {
            Some(1) => "daily",
            Some(2) => "weekly",
            _ => "none",
        };
        Self {
            topic: m.topic.clone(),
            start: local_input(&m.start_time, &c.tz),
            duration: m.duration.to_string(),
            passcode: m.password.clone(),
            repeat: repeat.to_owned(),
            times: rec
                .and_then(|r| r.get("end_times"))
                .and_then(|t| t.as_i64())
                .unwrap_or(4)
                .to_string(),
        }
    }

    /// The service's input: a one-off (type 2) or a recurring meeting with a fixed time
    /// (type 8, daily or weekly on the start's weekday, ending after `times`), in `tz`.
    /// Numbers that do not parse are the service's to refuse, next to their field.
    pub fn input(&self, tz: &str) -> Result<MeetingInput, Error> {
        let duration = self
            .duration
            .parse::<i64>()
            .map_err(|_| Error::InvalidInput {
                field: "duration",
                message: "duration must be a number of minutes".to_owned(),
            })?;
        let recurrence = match self.repeat.as_str() {
            "" | "none" => None,
            kind @ ("daily" | "weekly") => {
                let times: i64 = self.times.parse().map_err(|_| Error::InvalidInput {
                    field: "recurrence",
                    message: "the number of occurrences must be a number".to_owned(),
                })?;
                let r = if kind == "weekly" {
                    let day = weekday(&self.start).unwrap_or(2).to_string();
                    json!({"type": 2, "repeat_interval": 1, "end_times": times, "weekly_days": day})
                } else {
                    json!({"type": 1, "repeat_interval": 1, "end_times": times})
                };
                Some(r)
            }
            _ => {
                return Err(Error::InvalidInput {
                    field: "recurrence",
                    message: "choose none, daily or weekly".to_owned(),
                })
            }
        };
        Ok(MeetingInput {
            topic: Some(self.topic.clone()),
            meeting_type: Some(if recurrence.is_some() { 8 } else { 2 }),
            start_time: Some(self.start.clone()),
            duration: Some(duration),
            timezone: Some(tz.to_owned()),
            password: Some(self.passcode.clone()),
            recurrence,
            ..MeetingInput::default()
        })
    }
}

/// Zoom's weekday (1 Sunday … 7 Saturday) of a typed local start.
fn weekday(start: &str) -> Option<i64> {
    let dt: jiff::civil::DateTime = start.trim().parse().ok()?;
    Some(i64::from(dt.weekday().to_sunday_one_offset()))
}

/// `t` as a `datetime-local` input's value in `tz`.
fn local_input(t: &OffsetDateTime, tz: &str) -> String {
    jiff::Timestamp::from_second(t.unix_timestamp())
        .ok()
        .and_then(|ts| ts.in_tz(tz).ok())
        .map(|z| z.strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// A service error about a meeting, in `lang`.
pub fn describe(lang: Language, e: &Error) -> String {
    let t = |k| crate::i18n::text(lang, k).to_owned();
    match e {
        Error::MeetingNotFound(_) => t("meetings.err_not_found"),
        Error::NotMeetingHost(_) => t("meetings.err_not_host"),
        Error::MeetingInProgress(_) => t("meetings.err_in_progress"),
        Error::MeetingNotLive { .. } => t("meetings.err_not_live"),
        Error::HostNotActive(_) => t("meetings.err_host_inactive"),
        other => errors::describe(lang, other),
    }
}

/// Where a meeting error shows: the field it names, else the form as a whole.
pub fn field_of(e: &Error) -> &'static str {
    match errors::field(e) {
        Some("start_time" | "timezone") => "start_time",
        Some("password") => "password",
        Some("duration") => "duration",
        Some("topic") => "topic",
        Some("recurrence") => "recurrence",
        _ => "form",
    }
}
