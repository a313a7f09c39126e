//! The catalogue: every meeting setting Roster knows, by Zoom section and key, with its type
//! and Zoom's default. A new setting is one line here.

use serde_json::Value as Json;

/// What values a setting takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// One of these strings.
    OneOf(&'static [&'static str]),
}

/// A setting's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Choice(&'static str),
}

impl Value {
    pub fn to_json(self) -> Json {
        match self {
            Self::Bool(b) => Json::Bool(b),
            Self::Choice(s) => Json::String(s.to_owned()),
        }
    }
}

/// One known setting.
#[derive(Debug)]
pub struct Setting {
    pub section: &'static str,
    pub key: &'static str,
    /// `section.key`, as errors name it.
    pub path: &'static str,
    pub kind: Kind,
    /// Zoom's default.
    pub default: Value,
}

/// The sections Roster knows, in the order they are shown.
pub const SECTIONS: [&str; 4] = [
    "schedule_meeting",
    "in_meeting",
    "recording",
    "email_notification",
];

const AUTO_RECORDING: &[&str] = &["local", "cloud", "none"];

macro_rules! setting {
    ($section:literal, $key:literal, bool $default:literal) => {
        Setting {
            section: $section,
            key: $key,
            path: concat!($section, ".", $key),
            kind: Kind::Bool,
            default: Value::Bool($default),
        }
    };
    ($section:literal, $key:literal, $choices:ident $default:literal) => {
        Setting {
            section: $section,
            key: $key,
            path: concat!($section, ".", $key),
            kind: Kind::OneOf($choices),
            default: Value::Choice($default),
        }
    };
}

/// Every known setting, grouped by section in [`SECTIONS`] order.
pub static CATALOGUE: &[Setting] = &[
    setting!("schedule_meeting", "host_video", bool false),
    setting!("schedule_meeting", "participants_video", bool false),
    setting!("schedule_meeting", "join_before_host", bool false),
    setting!("schedule_meeting", "use_pmi_for_scheduled_meetings", bool false),
    setting!("schedule_meeting", "use_pmi_for_instant_meetings", bool false),
    setting!("schedule_meeting", "mute_upon_entry", bool false),
    setting!("schedule_meeting", "require_password_for_scheduling_new_meetings", bool true),
    setting!("in_meeting", "chat", bool true),
    setting!("in_meeting", "private_chat", bool true),
    setting!("in_meeting", "file_transfer", bool false),
    setting!("in_meeting", "screen_sharing", bool true),
    setting!("in_meeting", "annotation", bool true),
    setting!("in_meeting", "whiteboard", bool true),
    setting!("in_meeting", "breakout_room", bool false),
    setting!("in_meeting", "waiting_room", bool true),
    setting!("in_meeting", "virtual_background", bool true),
    setting!("in_meeting", "polling", bool false),
    setting!("in_meeting", "co_host", bool false),
    setting!("in_meeting", "auto_saving_chat", bool false),
    setting!("recording", "local_recording", bool true),
    setting!("recording", "cloud_recording", bool true),
    setting!("recording", "auto_recording", AUTO_RECORDING "none"),
    setting!("recording", "auto_delete_cmr", bool false),
    setting!("email_notification", "jbh_reminder", bool true),
    setting!("email_notification", "cancel_meeting_reminder", bool false),
    setting!("email_notification", "alternative_host_reminder", bool false),
];

/// The catalogue index of `section.key`.
pub(super) fn index(section: &str, key: &str) -> Option<usize> {
    CATALOGUE
        .iter()
        .position(|s| s.section == section && s.key == key)
}

/// The catalogue entry at `i` (indices come from [`index`], so it is always there).
pub(super) fn spec(i: usize) -> Option<&'static Setting> {
    CATALOGUE.get(i)
}

/// A known section's name as a `'static` string, for errors.
pub(super) fn section_name(section: &str) -> Option<&'static str> {
    SECTIONS.iter().copied().find(|s| *s == section)
}
