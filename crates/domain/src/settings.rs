//! Meeting settings, Zoom's model: a catalogue of known settings (section, key, type, Zoom's
//! default), sparse documents of the values set at one level (a user, a settings group, the
//! account), lock documents (`lock_settings`: section → key → `true` when locked), and the rule
//! that resolves a user's effective value. Locks apply whenever settings are read or written, so
//! a value a user brought with them (joining an account) never beats a lock.
//!
//! Wire documents are parsed, not validated: a wrong type or value for a known key is an error
//! naming `section.key`; unknown sections and keys are ignored, like every unknown JSON field
//! in Roster's API.

mod catalogue;
#[cfg(test)]
mod tests;

pub use catalogue::{Kind, Setting, Value, CATALOGUE, SECTIONS};

use catalogue::{index, section_name, spec};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

/// A wire document that does not parse; `field` is `section.key` (or a section).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SettingsError {
    pub field: &'static str,
    pub message: String,
}

fn parse_value(s: &'static Setting, v: &Json) -> Result<Value, SettingsError> {
    let bad = |message: String| SettingsError {
        field: s.path,
        message,
    };
    match (s.kind, v) {
        (Kind::Bool, Json::Bool(b)) => Ok(Value::Bool(*b)),
        (Kind::Bool, _) => Err(bad("must be true or false".to_owned())),
        (Kind::OneOf(choices), Json::String(text)) => choices
            .iter()
            .find(|c| **c == text.as_str())
            .map(|c| Value::Choice(c))
            .ok_or_else(|| bad(format!("must be one of {}", quoted(choices)))),
        (Kind::OneOf(choices), _) => Err(bad(format!("must be one of {}", quoted(choices)))),
    }
}

fn quoted(choices: &[&str]) -> String {
    choices
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Calls `each(index, value)` for every known key of a wire document, in document order.
/// Sections must be objects; unknown sections and keys are skipped.
fn walk(
    doc: &Map<String, Json>,
    mut each: impl FnMut(usize, &Json) -> Result<(), SettingsError>,
) -> Result<(), SettingsError> {
    for (section, body) in doc {
        let Some(name) = section_name(section) else {
            continue;
        };
        let Json::Object(keys) = body else {
            return Err(SettingsError {
                field: name,
                message: "must be an object".to_owned(),
            });
        };
        for (key, v) in keys {
            if let Some(i) = index(name, key) {
                each(i, v)?;
            }
        }
    }
    Ok(())
}

/// The values set at one level (a user, a group or the account); unset keys inherit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings(BTreeMap<usize, Value>);

/// A change to a [`Settings`]: a value per key, or `None` (JSON `null`) to unset it again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsPatch(BTreeMap<usize, Option<Value>>);

/// Which keys a level locks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locks(BTreeSet<usize>);

/// A change to [`Locks`]: `true` locks a key, `false` unlocks it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocksPatch(BTreeMap<usize, bool>);

impl Settings {
    /// The value set for `section.key`, if any.
    pub fn get(&self, section: &str, key: &str) -> Option<Value> {
        index(section, key).and_then(|i| self.0.get(&i).copied())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A stored document. Stored text was written by [`Settings::to_stored`]; entries that no
    /// longer fit the catalogue (a key removed or retyped since) are dropped, not fatal.
    pub fn from_stored(text: &str) -> Self {
        let mut out = Self::default();
        if let Ok(Json::Object(doc)) = serde_json::from_str(text) {
            let _ = walk(&doc, |i, v| {
                if let Some(value) = spec(i).and_then(|s| parse_value(s, v).ok()) {
                    out.0.insert(i, value);
                }
                Ok(())
            });
        }
        out
    }

    pub fn to_stored(&self) -> String {
        Json::Object(self.to_json()).to_string()
    }

    /// The values set, as a sparse wire document (sections with no value set are left out).
    pub fn to_json(&self) -> Map<String, Json> {
        render(self.0.iter().map(|(i, v)| (*i, v.to_json())))
    }

    /// Every known setting, each with its value here or else its default.
    pub fn to_json_full(&self) -> Map<String, Json> {
        render((0..CATALOGUE.len()).filter_map(|i| {
            let value = self.0.get(&i).copied().or(spec(i).map(|s| s.default))?;
            Some((i, value.to_json()))
        }))
    }

    /// These values over `base`: what is set here wins, the rest comes from `base`.
    pub fn over(&self, base: &Settings) -> Settings {
        let mut out = base.clone();
        out.0.extend(self.0.iter().map(|(i, v)| (*i, *v)));
        out
    }

    /// Applies `patch`; returns whether anything changed.
    pub fn apply(&mut self, patch: &SettingsPatch) -> bool {
        let before = self.clone();
        for (i, v) in &patch.0 {
            match v {
                Some(v) => self.0.insert(*i, *v),
                None => self.0.remove(i),
            };
        }
        *self != before
    }
}

impl SettingsPatch {
    /// Parses the known sections of a wire document; `null` unsets a key.
    pub fn parse(doc: &Map<String, Json>) -> Result<Self, SettingsError> {
        let mut out = Self::default();
        walk(doc, |i, v| {
            let value = match (v, spec(i)) {
                (Json::Null, _) | (_, None) => None,
                (v, Some(s)) => Some(parse_value(s, v)?),
            };
            out.0.insert(i, value);
            Ok(())
        })?;
        Ok(out)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first key this patch sets that `locks` holds (a group setting a value its account
    /// locks), as `section.key`.
    pub fn first_locked(&self, locks: &Locks) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(i, v)| v.is_some() && locks.0.contains(*i))
            .and_then(|(i, _)| spec(*i).map(|s| s.path))
    }

    /// This patch as the locks allow it. Changing a key the group or the account locks is
    /// refused with the key and who locks it; setting a locked key to the value already in
    /// effect is no change, so it is dropped (a client may send back what it read). Unsetting
    /// (`null`) is always allowed: it changes nothing in effect.
    pub fn within_locks(
        &self,
        effective: &Settings,
        group: Option<&Locks>,
        account: &Locks,
    ) -> Result<Self, (&'static str, LockedBy)> {
        let mut allowed = Self::default();
        for (i, v) in &self.0 {
            // The account's lock comes first: a group cannot override it.
            let by = if account.0.contains(i) {
                Some(LockedBy::Account)
            } else if group.is_some_and(|g| g.0.contains(i)) {
                Some(LockedBy::Group)
            } else {
                None
            };
            match (by, v) {
                (Some(_), Some(v)) if effective.0.get(i) == Some(v) => {}
                (Some(by), Some(_)) => {
                    return Err((spec(*i).map_or("settings", |s| s.path), by));
                }
                _ => {
                    allowed.0.insert(*i, *v);
                }
            }
        }
        Ok(allowed)
    }
}

/// Which level's lock holds a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockedBy {
    Account,
    Group,
}

impl LockedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Group => "group",
        }
    }
}

impl Locks {
    pub fn is_locked(&self, section: &str, key: &str) -> bool {
        index(section, key).is_some_and(|i| self.0.contains(&i))
    }

    /// A stored lock document; like [`Settings::from_stored`], unknown entries are dropped.
    pub fn from_stored(text: &str) -> Self {
        let mut out = Self::default();
        if let Ok(Json::Object(doc)) = serde_json::from_str(text) {
            let _ = walk(&doc, |i, v| {
                if v == &Json::Bool(true) {
                    out.0.insert(i);
                }
                Ok(())
            });
        }
        out
    }

    /// Only the locked keys (each `true`).
    pub fn to_stored(&self) -> String {
        Json::Object(render(self.0.iter().map(|i| (*i, Json::Bool(true))))).to_string()
    }

    /// Every known setting with whether it is locked, as Zoom's `lock_settings`.
    pub fn to_json_full(&self) -> Map<String, Json> {
        render((0..CATALOGUE.len()).map(|i| (i, Json::Bool(self.0.contains(&i)))))
    }

    /// Applies `patch`; returns whether anything changed.
    pub fn apply(&mut self, patch: &LocksPatch) -> bool {
        let before = self.clone();
        for (i, locked) in &patch.0 {
            if *locked {
                self.0.insert(*i);
            } else {
                self.0.remove(i);
            }
        }
        *self != before
    }
}

impl LocksPatch {
    /// Parses a `lock_settings` wire document: every known key's value must be a boolean.
    pub fn parse(doc: &Map<String, Json>) -> Result<Self, SettingsError> {
        let mut out = Self::default();
        walk(doc, |i, v| match (v, spec(i)) {
            (Json::Bool(b), _) => {
                out.0.insert(i, *b);
                Ok(())
            }
            (_, s) => Err(SettingsError {
                field: s.map_or("lock_settings", |s| s.path),
                message: "must be true (locked) or false".to_owned(),
            }),
        })?;
        Ok(out)
    }
}

/// One level's settings and locks.
#[derive(Debug, Clone, Copy)]
pub struct Level<'a> {
    pub settings: &'a Settings,
    pub locks: &'a Locks,
}

/// A user's effective settings (every key set). For each key: if the account locks it, the
/// account's value (or the default), whatever the group says, as in Zoom; else if the user's
/// settings group locks it, the group's value (or the account's when the group sets none, or
/// the default); else the user's own value, else the group's, else the account's, else the
/// default.
pub fn effective(user: &Settings, group: Option<Level<'_>>, account: Level<'_>) -> Settings {
    let mut out = Settings::default();
    for (i, s) in CATALOGUE.iter().enumerate() {
        let group_value = group.and_then(|g| g.settings.0.get(&i));
        let account_value = account.settings.0.get(&i);
        let value = if account.locks.0.contains(&i) {
            account_value
        } else if group.is_some_and(|g| g.locks.0.contains(&i)) {
            group_value.or(account_value)
        } else {
            user.0.get(&i).or(group_value).or(account_value)
        };
        out.0.insert(i, value.copied().unwrap_or(s.default));
    }
    out
}

/// A wire document from `(index, value)` pairs: section → key → value.
fn render(entries: impl Iterator<Item = (usize, Json)>) -> Map<String, Json> {
    let mut doc = Map::new();
    for (i, v) in entries {
        let Some(s) = spec(i) else { continue };
        if let Json::Object(keys) = doc
            .entry(s.section)
            .or_insert_with(|| Json::Object(Map::new()))
        {
            keys.insert(s.key.to_owned(), v);
        }
    }
    doc
}
