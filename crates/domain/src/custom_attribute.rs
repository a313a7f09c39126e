//! Custom attributes: an account defines up to [`MAX_DEFINITIONS`] (a name, a kind and
//! optionally the values allowed), and each user carries values for them. [`Definitions::check`]
//! is the one rule every way of setting values goes through (PATCH, CSV import, the portal).

use std::fmt;

/// Most custom attribute definitions an account may have.
pub const MAX_DEFINITIONS: usize = 5;
/// Most allowed values one definition may list.
pub const MAX_ALLOWED_VALUES: usize = 100;
const MAX_NAME: usize = 64;
const MAX_VALUE: usize = 256;

/// What a custom attribute holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeKind {
    Text,
    /// A decimal number, e.g. `42` or `-3.5`.
    Number,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
}

impl AttributeKind {
    pub fn parse(s: &str) -> Result<Self, AttributeError> {
        match s.trim() {
            "text" => Ok(Self::Text),
            "number" => Ok(Self::Number),
            "date" => Ok(Self::Date),
            other => Err(AttributeError::UnknownKind(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
        }
    }

    /// `value` in this kind's canonical form (numbers as Rust prints them, dates as given),
    /// or why it is not one.
    pub fn parse_value(self, value: &str) -> Result<String, ValueError> {
        let v = value.trim();
        if v.chars().count() > MAX_VALUE {
            return Err(ValueError::TooLong(MAX_VALUE));
        }
        if v.chars().any(char::is_control) {
            return Err(ValueError::ControlCharacters);
        }
        match self {
            Self::Text => Ok(v.to_owned()),
            Self::Number => match v.parse::<f64>() {
                Ok(n) if n.is_finite() && !v.is_empty() => Ok(n.to_string()),
                _ => Err(ValueError::NotNumber(v.to_owned())),
            },
            Self::Date => {
                let format = time::macros::format_description!("[year]-[month]-[day]");
                time::Date::parse(v, &format)
                    .map(|_| v.to_owned())
                    .map_err(|_| ValueError::NotDate(v.to_owned()))
            }
        }
    }
}

/// Why a value does not fit its attribute: each case on its own, so every interface can say
/// it in its own words (the portal in the user's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueError {
    /// Longer than the given number of characters.
    TooLong(usize),
    ControlCharacters,
    NotNumber(String),
    /// Not a calendar date written `YYYY-MM-DD`.
    NotDate(String),
    /// Not among the definition's allowed values (listed).
    NotAllowed {
        value: String,
        allowed: Vec<String>,
    },
    /// An allowed value may not be empty (definitions only).
    EmptyAllowed,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong(max) => write!(f, "must be at most {max} characters"),
            Self::ControlCharacters => write!(f, "must not contain control characters"),
            Self::NotNumber(v) => write!(f, "\"{v}\" is not a number"),
            Self::NotDate(v) => write!(f, "\"{v}\" is not a date (YYYY-MM-DD)"),
            Self::NotAllowed { value, allowed } => {
                write!(f, "\"{value}\" is not one of {}", allowed.join(", "))
            }
            Self::EmptyAllowed => write!(f, "an allowed value must not be empty"),
        }
    }
}

/// A custom attribute definition, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The key users' values refer to (Zoom's `custom_attributes[].key`).
    pub key: String,
    pub name: String,
    pub kind: AttributeKind,
    /// The values allowed, in canonical form; empty: any value of the kind.
    pub allowed: Vec<String>,
}

impl Definition {
    /// Parses a definition's name, kind and allowed values (`key` is assigned by the caller).
    pub fn parse(
        key: String,
        name: &str,
        kind: &str,
        allowed: &[String],
    ) -> Result<Self, AttributeError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return Err(AttributeError::BadName);
        }
        let kind = AttributeKind::parse(kind)?;
        if allowed.len() > MAX_ALLOWED_VALUES {
            return Err(AttributeError::TooManyAllowed);
        }
        let mut clean: Vec<String> = Vec::with_capacity(allowed.len());
        for a in allowed {
            let v = kind
                .parse_value(a)
                .map_err(AttributeError::BadAllowedValue)?;
            if v.is_empty() {
                return Err(AttributeError::BadAllowedValue(ValueError::EmptyAllowed));
            }
            if !clean.contains(&v) {
                clean.push(v);
            }
        }
        Ok(Self {
            key,
            name: name.to_owned(),
            kind,
            allowed: clean,
        })
    }

    /// `value` checked against this definition, in canonical form. An empty value clears it.
    pub fn check_value(&self, value: &str) -> Result<String, AttributeError> {
        if value.trim().is_empty() {
            return Ok(String::new());
        }
        let v = self
            .kind
            .parse_value(value)
            .map_err(|reason| self.bad(reason))?;
        if !self.allowed.is_empty() && !self.allowed.contains(&v) {
            return Err(self.bad(ValueError::NotAllowed {
                value: v,
                allowed: self.allowed.clone(),
            }));
        }
        Ok(v)
    }

    fn bad(&self, reason: ValueError) -> AttributeError {
        AttributeError::BadValue {
            key: self.key.clone(),
            name: self.name.clone(),
            reason,
        }
    }
}

/// One value a caller sent: by the definition's key, or (when the key is empty) its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub value: &'a str,
}

/// A checked value, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub key: String,
    pub name: String,
    pub value: String,
}

/// An account's definitions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Definitions(pub Vec<Definition>);

impl Definitions {
    /// The definition `key` names (by key, or else by name).
    pub fn find(&self, key_or_name: &str) -> Option<&Definition> {
        let k = key_or_name.trim();
        self.0
            .iter()
            .find(|d| d.key == k)
            .or_else(|| self.0.iter().find(|d| d.name.eq_ignore_ascii_case(k)))
    }

    /// Checks a user's values: each names a defined attribute (an unknown one is refused), at
    /// most once, with a value of its kind (and among its allowed values). Empty values are
    /// dropped, so sending `""` clears an attribute. The result is in definition order.
    pub fn check(&self, values: &[RawValue<'_>]) -> Result<Vec<Value>, AttributeError> {
        let mut out: Vec<Value> = Vec::with_capacity(values.len());
        let mut seen: Vec<&str> = Vec::with_capacity(values.len());
        for raw in values {
            let wanted = if raw.key.trim().is_empty() {
                raw.name
            } else {
                raw.key
            };
            let def = self
                .find(wanted)
                .ok_or_else(|| AttributeError::Unknown(wanted.trim().to_owned()))?;
            if seen.contains(&def.key.as_str()) {
                return Err(AttributeError::Repeated(def.name.clone()));
            }
            seen.push(&def.key);
            let value = def.check_value(raw.value)?;
            if !value.is_empty() {
                out.push(Value {
                    key: def.key.clone(),
                    name: def.name.clone(),
                    value,
                });
            }
        }
        out.sort_by_key(|v| self.0.iter().position(|d| d.key == v.key));
        Ok(out)
    }
}

/// Why a definition or a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeError {
    BadName,
    UnknownKind(String),
    TooManyAllowed,
    BadAllowedValue(ValueError),
    Unknown(String),
    Repeated(String),
    /// A user's value for the attribute `key` (named `name`) does not fit it.
    BadValue {
        key: String,
        name: String,
        reason: ValueError,
    },
}

impl fmt::Display for AttributeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadName => write!(
                f,
                "name is required: 1 to {MAX_NAME} characters, no control characters"
            ),
            Self::UnknownKind(k) => {
                write!(f, "type \"{k}\" is not one of text, number or date")
            }
            Self::TooManyAllowed => write!(f, "at most {MAX_ALLOWED_VALUES} allowed values"),
            Self::BadAllowedValue(reason) => write!(f, "allowed value: {reason}"),
            Self::Unknown(k) => write!(
                f,
                "\"{k}\" is not a custom attribute of this account: define it first"
            ),
            Self::Repeated(n) => write!(f, "{n} is given more than once"),
            Self::BadValue { name, reason, .. } => write!(f, "{name}: {reason}"),
        }
    }
}

impl std::error::Error for AttributeError {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn defs() -> Definitions {
        Definitions(vec![
            Definition::parse(
                "k1".into(),
                "Campus",
                "text",
                &["North".into(), "South".into()],
            )
            .unwrap(),
            Definition::parse("k2".into(), "Grade", "number", &[]).unwrap(),
            Definition::parse("k3".into(), "Start", "date", &[]).unwrap(),
        ])
    }

    fn raw<'a>(key: &'a str, value: &'a str) -> RawValue<'a> {
        RawValue {
            key,
            name: "",
            value,
        }
    }

    #[test]
    fn definitions_parse_their_kind_and_allowed_values() {
        assert_eq!(
            Definition::parse("k".into(), " ", "text", &[]),
            Err(AttributeError::BadName)
        );
        assert!(matches!(
            Definition::parse("k".into(), "A", "colour", &[]),
            Err(AttributeError::UnknownKind(_))
        ));
        assert!(matches!(
            Definition::parse("k".into(), "A", "number", &["x".into()]),
            Err(AttributeError::BadAllowedValue(_))
        ));
        let d = Definition::parse("k".into(), "A", "number", &["1".into(), "1.0".into()]).unwrap();
        assert_eq!(
            d.allowed,
            vec!["1".to_owned()],
            "canonical and deduplicated"
        );
    }

    #[test]
    fn values_are_checked_by_kind_and_allowed_values() {
        let d = defs();
        let ok = d
            .check(&[
                raw("k3", "2024-02-29"),
                raw("k1", "North"),
                raw("k2", "7.50"),
            ])
            .unwrap();
        assert_eq!(
            ok.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(),
            ["North", "7.5", "2024-02-29"]
        );
        assert_eq!(ok[0].name, "Campus");
        assert!(matches!(
            d.check(&[raw("k1", "East")]),
            Err(AttributeError::BadValue { .. })
        ));
        assert!(matches!(
            d.check(&[raw("k2", "seven")]),
            Err(AttributeError::BadValue { key, reason: ValueError::NotNumber(_), .. }) if key == "k2"
        ));
        assert_eq!(
            d.check(&[raw("k1", "East")]).unwrap_err().to_string(),
            "Campus: \"East\" is not one of North, South"
        );
        assert!(d.check(&[raw("k2", "inf")]).is_err());
        assert!(d.check(&[raw("k3", "2023-02-29")]).is_err());
        assert_eq!(
            d.check(&[raw("nope", "1")]),
            Err(AttributeError::Unknown("nope".into()))
        );
        assert!(matches!(
            d.check(&[raw("k2", "1"), raw("k2", "2")]),
            Err(AttributeError::Repeated(_))
        ));
    }

    #[test]
    fn values_may_name_their_attribute_and_empty_clears() {
        let d = defs();
        let by_name = RawValue {
            key: "",
            name: "grade",
            value: "3",
        };
        assert_eq!(d.check(&[by_name]).unwrap()[0].key, "k2");
        assert!(d.check(&[raw("k1", "")]).unwrap().is_empty());
        assert!(Definitions::default().check(&[]).unwrap().is_empty());
    }
}
