//! Meetings' rules: types, ids, passcodes, durations, start times in an IANA time zone, and
//! recurrence expanded into occurrences ([`recurrence`]). Times are `time::OffsetDateTime` at
//! the edges (as everywhere in Roster); zone arithmetic goes through `jiff` and its bundled
//! tz database, so results do not depend on the host's zoneinfo.

pub mod recurrence;

pub use recurrence::{Recurrence, RecurrenceEnd, RecurrenceKind, MAX_OCCURRENCES};

use rand::Rng;
use time::OffsetDateTime;

/// Zoom's meeting types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingType {
    Instant,
    Scheduled,
    RecurringNoFixedTime,
    RecurringFixedTime,
}

impl MeetingType {
    pub fn code(self) -> i64 {
        match self {
            Self::Instant => 1,
            Self::Scheduled => 2,
            Self::RecurringNoFixedTime => 3,
            Self::RecurringFixedTime => 8,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Instant),
            2 => Some(Self::Scheduled),
            3 => Some(Self::RecurringNoFixedTime),
            8 => Some(Self::RecurringFixedTime),
            _ => None,
        }
    }

    /// Types 2 and 8 have a start time the caller chooses (and that must not be past).
    pub fn has_fixed_start(self) -> bool {
        matches!(self, Self::Scheduled | Self::RecurringFixedTime)
    }

    pub fn is_recurring(self) -> bool {
        matches!(self, Self::RecurringNoFixedTime | Self::RecurringFixedTime)
    }
}

/// Why a meeting's input was refused; `field()` names the wire field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error("type must be 1 (instant), 2 (scheduled), 3 (recurring, no fixed time) or 8 (recurring, fixed time)")]
    Type,
    #[error("duration must be a whole number of minutes from 1 to {MAX_DURATION} (24 hours)")]
    Duration,
    #[error("password must be at most 10 characters of a-z, A-Z, 0-9, @, -, _ and *")]
    Passcode,
    #[error("unknown time zone {0:?}: use an IANA name such as Europe/Paris or America/New_York")]
    TimeZone(String),
    #[error("start_time must be yyyy-MM-ddTHH:mm:ssZ (UTC) or yyyy-MM-ddTHH:mm:ss (local time in timezone)")]
    StartFormat,
    #[error("start_time is required for a scheduled meeting")]
    StartMissing,
    #[error("start_time is in the past: a scheduled meeting must start now or later")]
    StartPast,
    #[error("{0}")]
    Recurrence(&'static str),
}

impl MeetingError {
    /// The wire field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Type => "type",
            Self::Duration => "duration",
            Self::Passcode => "password",
            Self::TimeZone(_) => "timezone",
            Self::StartFormat | Self::StartMissing | Self::StartPast => "start_time",
            Self::Recurrence(_) => "recurrence",
        }
    }
}

/// The longest meeting one may schedule, in minutes. Zoom accepts larger numbers but caps
/// every meeting at 30 hours anyway; a day is the bound Roster documents and enforces.
pub const MAX_DURATION: i64 = 1440;

/// A scheduled duration in minutes, 1..=[`MAX_DURATION`].
pub fn duration(minutes: i64) -> Result<i64, MeetingError> {
    if (1..=MAX_DURATION).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(MeetingError::Duration)
    }
}

/// A meeting passcode as Zoom allows it: at most 10 characters of `[a-zA-Z0-9@-_*]`. Empty
/// means no passcode.
pub fn passcode(raw: &str) -> Result<String, MeetingError> {
    let ok = raw.chars().count() <= 10
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '-' | '_' | '*'));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(MeetingError::Passcode)
    }
}

/// The opaque token put in join links (`?pwd=`) instead of the passcode itself, as Zoom's
/// `encrypted_password`: random, 32 URL-safe characters.
pub fn passcode_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..32)
        .map(|_| {
            let i = rng.gen_range(0..ALPHABET.len());
            ALPHABET.get(i).map_or('A', |b| char::from(*b))
        })
        .collect()
}

/// A fresh meeting id: 11 digits. PMIs have 10 (see [`crate::pmi`]), so the two never meet.
pub fn generate_id() -> i64 {
    rand::thread_rng().gen_range(10_000_000_000..=99_999_999_999)
}

/// A fresh meeting uuid as Zoom's look: 16 random bytes, base64 (24 characters).
pub fn generate_uuid() -> String {
    use base64::Engine;
    let bytes: [u8; 16] = rand::thread_rng().gen();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// An IANA time zone, by name. The empty name is UTC.
#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    tz: jiff::tz::TimeZone,
}

impl Zone {
    pub fn parse(name: &str) -> Result<Self, MeetingError> {
        let name = name.trim();
        if name.is_empty() || name == "UTC" {
            return Ok(Self::utc());
        }
        let tz =
            jiff::tz::TimeZone::get(name).map_err(|_| MeetingError::TimeZone(name.to_owned()))?;
        Ok(Self {
            name: tz.iana_name().unwrap_or(name).to_owned(),
            tz,
        })
    }

    pub fn utc() -> Self {
        Self {
            name: "UTC".to_owned(),
            tz: jiff::tz::TimeZone::UTC,
        }
    }

    /// The canonical IANA name (`UTC` for UTC).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn tz(&self) -> &jiff::tz::TimeZone {
        &self.tz
    }
}

/// Reads `start_time`: `yyyy-MM-ddTHH:mm:ssZ` is UTC; without the `Z` it is local time in
/// `zone` (a wall time skipped by a DST change moves forward, an ambiguous one takes the
/// earlier instant, as RFC 5545 does). Seconds may be omitted.
pub fn parse_start(raw: &str, zone: &Zone) -> Result<OffsetDateTime, MeetingError> {
    let raw = raw.trim();
    let (civil, tz) = match raw.strip_suffix('Z').or_else(|| raw.strip_suffix('z')) {
        Some(utc) => (utc, jiff::tz::TimeZone::UTC),
        None => (raw, zone.tz().clone()),
    };
    // Only the plain `date T time` form: no offsets, no zone annotations.
    let shape = civil.len() >= 16
        && civil.get(10..11).is_some_and(|c| c == "T" || c == "t")
        && civil.get(11..).is_some_and(|t| {
            t.chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
        });
    if !shape {
        return Err(MeetingError::StartFormat);
    }
    let dt: jiff::civil::DateTime = civil.parse().map_err(|_| MeetingError::StartFormat)?;
    let zoned = dt
        .to_zoned_datetime(tz)
        .map_err(|_| MeetingError::StartFormat)?;
    from_timestamp(zoned.timestamp()).ok_or(MeetingError::StartFormat)
}

/// A fixed start time must not be in the past. A minute of grace covers clocks and the
/// time a request takes (Zoom's own UI offers the current minute).
pub fn check_not_past(start: OffsetDateTime, now: OffsetDateTime) -> Result<(), MeetingError> {
    if start < now - time::Duration::minutes(1) {
        Err(MeetingError::StartPast)
    } else {
        Ok(())
    }
}

pub(crate) fn to_timestamp(t: OffsetDateTime) -> Option<jiff::Timestamp> {
    let ms = i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()?;
    jiff::Timestamp::from_millisecond(ms).ok()
}

pub(crate) fn from_timestamp(t: jiff::Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.as_millisecond()) * 1_000_000).ok()
}

/// Milliseconds since the epoch: Zoom's `occurrence_id` is this, as a string.
pub fn epoch_ms(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
