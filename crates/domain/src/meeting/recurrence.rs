//! Recurrence of type 8 (and, stored only, type 3) meetings: Zoom's `recurrence` object
//! parsed into a [`Recurrence`] and expanded into occurrence start times. Occurrences keep the
//! first one's wall-clock time in the meeting's zone, so they move across DST changes as
//! people expect ("every Monday at 9:00 in Paris").

use super::{from_timestamp, parse_start, to_timestamp, MeetingError, Zone};
use jiff::civil::{Date, DateTime, Weekday};
use jiff::Span;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

/// Zoom's bound on a meeting's occurrences (and on `end_times`).
pub const MAX_OCCURRENCES: usize = 60;

/// How often a meeting recurs (Zoom's `recurrence.type` 1, 2, 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrenceKind {
    Daily,
    Weekly,
    Monthly,
}

impl RecurrenceKind {
    fn code(self) -> i64 {
        match self {
            Self::Daily => 1,
            Self::Weekly => 2,
            Self::Monthly => 3,
        }
    }

    /// Zoom's largest `repeat_interval`: 90 days, 12 weeks, 3 months.
    fn max_interval(self) -> i64 {
        match self {
            Self::Daily => 90,
            Self::Weekly => 12,
            Self::Monthly => 3,
        }
    }
}

/// When the recurrence stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrenceEnd {
    /// After this many occurrences (1..=60).
    Times(usize),
    /// No occurrence starts after this instant (and never more than 60).
    Until(OffsetDateTime),
}

/// Which day of the month a monthly meeting falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthlyRule {
    /// This day (1..=31; in shorter months, the last day).
    Day(i8),
    /// The `week`-th (1..=4, or -1 for the last) `weekday` (1 = Sunday … 7 = Saturday).
    Week { week: i8, weekday: i8 },
}

/// A parsed `recurrence` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    pub kind: RecurrenceKind,
    pub interval: i64,
    /// Weekly: days 1 (Sunday) … 7 (Saturday), sorted, without repeats.
    pub weekly_days: Vec<i8>,
    pub monthly: Option<MonthlyRule>,
    pub end: RecurrenceEnd,
}

type R<T> = Result<T, MeetingError>;

fn int(obj: &Map<String, Value>, key: &str, err: &'static str) -> R<Option<i64>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(MeetingError::Recurrence(err)),
        // Zoom's clients send some of these as strings ("1").
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| MeetingError::Recurrence(err)),
        Some(_) => Err(MeetingError::Recurrence(err)),
    }
}

fn in_range(v: Option<i64>, lo: i64, hi: i64, err: &'static str) -> R<Option<i8>> {
    match v {
        None => Ok(None),
        Some(n) if (lo..=hi).contains(&n) => i8::try_from(n)
            .map(Some)
            .map_err(|_| MeetingError::Recurrence(err)),
        Some(_) => Err(MeetingError::Recurrence(err)),
    }
}

impl Recurrence {
    /// Parses Zoom's `recurrence` object; `end_date_time` is read like a start time in `zone`.
    pub fn from_json(v: &Value, zone: &Zone) -> R<Self> {
        let obj = v
            .as_object()
            .ok_or(MeetingError::Recurrence("recurrence must be an object"))?;
        let kind = match int(
            obj,
            "type",
            "recurrence.type must be 1 (daily), 2 (weekly) or 3 (monthly)",
        )? {
            Some(1) => RecurrenceKind::Daily,
            Some(2) => RecurrenceKind::Weekly,
            Some(3) => RecurrenceKind::Monthly,
            None => {
                return Err(MeetingError::Recurrence(
                    "recurrence.type is required: 1 (daily), 2 (weekly) or 3 (monthly)",
                ))
            }
            Some(_) => {
                return Err(MeetingError::Recurrence(
                    "recurrence.type must be 1 (daily), 2 (weekly) or 3 (monthly)",
                ))
            }
        };
        let interval = int(
            obj,
            "repeat_interval",
            "recurrence.repeat_interval must be a number",
        )?
        .unwrap_or(1);
        if !(1..=kind.max_interval()).contains(&interval) {
            return Err(MeetingError::Recurrence(
                "recurrence.repeat_interval must be 1-90 days, 1-12 weeks or 1-3 months",
            ));
        }
        let weekly_days = if kind == RecurrenceKind::Weekly {
            weekly_days(obj.get("weekly_days"))?
        } else {
            Vec::new()
        };
        let monthly = if kind == RecurrenceKind::Monthly {
            Some(monthly_rule(obj)?)
        } else {
            None
        };
        let end_times = int(
            obj,
            "end_times",
            "recurrence.end_times must be a number from 1 to 60",
        )?;
        let end_date = obj
            .get("end_date_time")
            .filter(|v| !v.is_null() && v.as_str() != Some(""));
        let end = match (end_times, end_date) {
            (Some(_), Some(_)) => {
                return Err(MeetingError::Recurrence(
                    "recurrence takes end_times or end_date_time, not both",
                ))
            }
            (Some(n), None) => RecurrenceEnd::Times(
                usize::try_from(n)
                    .ok()
                    .filter(|n| (1..=MAX_OCCURRENCES).contains(n))
                    .ok_or(MeetingError::Recurrence(
                        "recurrence.end_times must be a number from 1 to 60",
                    ))?,
            ),
            (None, Some(d)) => {
                let raw = d.as_str().ok_or(MeetingError::Recurrence(
                    "recurrence.end_date_time must be yyyy-MM-ddTHH:mm:ssZ",
                ))?;
                RecurrenceEnd::Until(parse_start(raw, zone).map_err(|_| {
                    MeetingError::Recurrence(
                        "recurrence.end_date_time must be yyyy-MM-ddTHH:mm:ssZ",
                    )
                })?)
            }
            // Zoom's default: one occurrence.
            (None, None) => RecurrenceEnd::Times(1),
        };
        Ok(Self {
            kind,
            interval,
            weekly_days,
            monthly,
            end,
        })
    }

    /// Zoom's `recurrence` object.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("type".into(), json!(self.kind.code()));
        o.insert("repeat_interval".into(), json!(self.interval));
        if self.kind == RecurrenceKind::Weekly {
            let days: Vec<String> = self.weekly_days.iter().map(i8::to_string).collect();
            o.insert("weekly_days".into(), json!(days.join(",")));
        }
        match self.monthly {
            Some(MonthlyRule::Day(d)) => {
                o.insert("monthly_day".into(), json!(d));
            }
            Some(MonthlyRule::Week { week, weekday }) => {
                o.insert("monthly_week".into(), json!(week));
                o.insert("monthly_week_day".into(), json!(weekday));
            }
            None => {}
        }
        match self.end {
            RecurrenceEnd::Times(n) => {
                o.insert("end_times".into(), json!(n));
            }
            RecurrenceEnd::Until(t) => {
                o.insert("end_date_time".into(), json!(zoom_utc(t)));
            }
        }
        Value::Object(o)
    }

    /// The start times of the occurrences of a meeting whose first start is `first`, in
    /// order; at most [`MAX_OCCURRENCES`]. Empty when the end comes before the first one.
    pub fn occurrences(&self, first: OffsetDateTime, zone: &Zone) -> Vec<OffsetDateTime> {
        let Some(ts) = to_timestamp(first) else {
            return Vec::new();
        };
        let local = ts.to_zoned_datetime(zone.tz().clone()).datetime();
        let (d0, t0) = (local.date(), local.time());
        let limit = match self.end {
            RecurrenceEnd::Times(n) => n.min(MAX_OCCURRENCES),
            RecurrenceEnd::Until(_) => MAX_OCCURRENCES,
        };
        let mut out = Vec::new();
        for date in self.candidates(d0) {
            if date < d0 {
                continue;
            }
            // The first day's occurrence is the start itself: its wall time may be one the
            // zone has twice (the hour clocks go back), and resolving it again could pick the
            // other one, before the start.
            let at = if date == d0 {
                first.to_offset(time::UtcOffset::UTC)
            } else {
                let Ok(z) = DateTime::from_parts(date, t0).to_zoned_datetime(zone.tz().clone())
                else {
                    break;
                };
                let Some(at) = from_timestamp(z.timestamp()) else {
                    break;
                };
                at
            };
            if matches!(self.end, RecurrenceEnd::Until(u) if at > u) || out.len() >= limit {
                break;
            }
            out.push(at);
        }
        out
    }

    /// Candidate dates in order, enough to fill [`MAX_OCCURRENCES`] from `d0`.
    fn candidates(&self, d0: Date) -> Vec<Date> {
        let periods = i64::try_from(MAX_OCCURRENCES).unwrap_or(60) + 1;
        let add = |d: Date, span: Span| d.checked_add(span).ok();
        let mut dates = Vec::new();
        match self.kind {
            RecurrenceKind::Daily => {
                for k in 0..periods {
                    dates.extend(add(d0, Span::new().days(k * self.interval)));
                }
            }
            RecurrenceKind::Weekly => {
                let sunday = add(
                    d0,
                    Span::new().days(-i64::from(d0.weekday().to_sunday_zero_offset())),
                );
                for k in 0..periods {
                    let Some(week) =
                        sunday.and_then(|s| add(s, Span::new().weeks(k * self.interval)))
                    else {
                        break;
                    };
                    for day in &self.weekly_days {
                        dates.extend(add(week, Span::new().days(i64::from(*day) - 1)));
                    }
                }
            }
            RecurrenceKind::Monthly => {
                for k in 0..periods {
                    let Some(month) =
                        add(d0.first_of_month(), Span::new().months(k * self.interval))
                    else {
                        break;
                    };
                    let date = match self.monthly {
                        Some(MonthlyRule::Day(d)) => {
                            Date::new(month.year(), month.month(), d.min(month.days_in_month()))
                                .ok()
                        }
                        Some(MonthlyRule::Week { week, weekday }) => {
                            Weekday::from_sunday_one_offset(weekday)
                                .ok()
                                .and_then(|wd| month.nth_weekday_of_month(week, wd).ok())
                        }
                        None => None,
                    };
                    dates.extend(date);
                }
            }
        }
        dates
    }
}

fn weekly_days(v: Option<&Value>) -> R<Vec<i8>> {
    const ERR: &str = "recurrence.weekly_days is required for a weekly meeting: days 1 (Sunday) to 7 (Saturday), comma-separated, e.g. \"2,4\"";
    let raw = match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(MeetingError::Recurrence(ERR)),
    };
    let mut days = Vec::new();
    for part in raw.split(',') {
        let d: i8 = part
            .trim()
            .parse()
            .map_err(|_| MeetingError::Recurrence(ERR))?;
        if !(1..=7).contains(&d) {
            return Err(MeetingError::Recurrence(ERR));
        }
        days.push(d);
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

fn monthly_rule(obj: &Map<String, Value>) -> R<MonthlyRule> {
    let day = in_range(
        int(obj, "monthly_day", "recurrence.monthly_day must be 1 to 31")?,
        1,
        31,
        "recurrence.monthly_day must be 1 to 31",
    )?;
    let week = int(
        obj,
        "monthly_week",
        "recurrence.monthly_week must be -1, 1, 2, 3 or 4",
    )?;
    let week = match week {
        None => None,
        Some(w @ (-1 | 1..=4)) => i8::try_from(w).ok(),
        Some(_) => {
            return Err(MeetingError::Recurrence(
                "recurrence.monthly_week must be -1, 1, 2, 3 or 4",
            ))
        }
    };
    let weekday = in_range(
        int(
            obj,
            "monthly_week_day",
            "recurrence.monthly_week_day must be 1 (Sunday) to 7 (Saturday)",
        )?,
        1,
        7,
        "recurrence.monthly_week_day must be 1 (Sunday) to 7 (Saturday)",
    )?;
    match (day, week, weekday) {
        (Some(d), None, None) => Ok(MonthlyRule::Day(d)),
        (None, Some(week), Some(weekday)) => Ok(MonthlyRule::Week { week, weekday }),
        _ => Err(MeetingError::Recurrence(
            "a monthly meeting needs either monthly_day, or monthly_week with monthly_week_day",
        )),
    }
}

/// Zoom's timestamp format, `yyyy-MM-ddTHH:mm:ssZ` (UTC, whole seconds). Written by hand: it
/// runs for every row of a page, and `time`'s format descriptions cost more.
pub fn zoom_utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
