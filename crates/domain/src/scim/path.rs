//! PATCH operation paths (RFC 7644 §3.5.2) and `sortOrder` (§3.4.2.3).
//!
//! ```text
//! PATH = attrPath / valuePath [subAttr]
//! ```
//! e.g. `active`, `name.givenName`, `members[value eq "2819c223"]`,
//! `emails[type eq "work"].value`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.

use std::fmt;

use super::filter::{value_filter, Filter};
use super::syntax::{is_attr_name, AttrPath, Cursor, SyntaxError, SyntaxErrorKind};

/// A parsed PATCH path.
#[derive(Debug, Clone, PartialEq)]
pub enum PatchPath {
    /// `attr`, `attr.sub`, optionally schema-URN prefixed.
    Attr(AttrPath),
    /// `attr[filter]` or `attr[filter].sub`: the values of the multi-valued `attr` that the
    /// filter selects (its paths are `attr`'s sub-attribute names), or their `sub`.
    Value {
        /// The multi-valued attribute (`sub` is always `None`).
        attr: AttrPath,
        filter: Filter,
        sub: Option<String>,
    },
}

impl PatchPath {
    /// Parses a PATCH `path`, refusing input longer than [`super::MAX_LEN`].
    pub fn parse(src: &str) -> Result<Self, SyntaxError> {
        let mut cur = Cursor::new(src)?;
        cur.skip_ws();
        let start = cur.pos();
        let attr = cur.attr_path()?;
        if cur.peek() != Some('[') {
            cur.expect_end()?;
            return Ok(Self::Attr(attr));
        }
        if attr.sub.is_some() {
            return Err(Cursor::err_at(
                start,
                SyntaxErrorKind::ValueFilterOnSubAttribute,
            ));
        }
        let filter = value_filter(&mut cur)?;
        let sub = if cur.eat('.') {
            let at = cur.pos();
            match cur.word() {
                Some(w) if is_attr_name(w) => Some(w.to_owned()),
                Some(w) => {
                    return Err(Cursor::err_at(
                        at,
                        SyntaxErrorKind::BadAttribute(w.to_owned()),
                    ))
                }
                None => return Err(cur.unexpected_or("a sub-attribute name after `.`")),
            }
        } else {
            None
        };
        cur.expect_end()?;
        Ok(Self::Value { attr, filter, sub })
    }

    /// The attribute the path starts from (`emails` for `emails[type eq "work"].value`).
    pub fn attr(&self) -> &AttrPath {
        match self {
            Self::Attr(a) | Self::Value { attr: a, .. } => a,
        }
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Attr(a) => write!(f, "{a}"),
            Self::Value { attr, filter, sub } => {
                write!(f, "{attr}[{filter}]")?;
                match sub {
                    Some(sub) => write!(f, ".{sub}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// `sortOrder`: ascending unless asked otherwise (§3.4.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

impl SortOrder {
    /// Parses `ascending` / `descending` (case-insensitively); `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("ascending") {
            Some(Self::Ascending)
        } else if s.eq_ignore_ascii_case("descending") {
            Some(Self::Descending)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::{CompValue, CompareOp};

    fn s(v: &str) -> CompValue {
        CompValue::String(v.to_owned())
    }

    #[test]
    fn plain_and_sub_attribute_paths() {
        assert_eq!(
            PatchPath::parse("active").unwrap(),
            PatchPath::Attr(AttrPath::new("active"))
        );
        assert_eq!(
            PatchPath::parse("name.givenName").unwrap(),
            PatchPath::Attr(AttrPath::with_sub("name", "givenName"))
        );
    }

    #[test]
    fn urn_prefixed_paths() {
        let urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        let p = PatchPath::parse(&format!("{urn}:manager.value")).unwrap();
        let PatchPath::Attr(a) = p else {
            panic!("not an attribute path")
        };
        assert_eq!(a.urn.as_deref(), Some(urn));
        assert_eq!(
            (a.name.as_str(), a.sub.as_deref()),
            ("manager", Some("value"))
        );
        let p = PatchPath::parse(&format!("{urn}:department")).unwrap();
        assert_eq!(p.attr().name, "department");
    }

    #[test]
    fn rfc_examples_with_value_filters() {
        let p = PatchPath::parse(r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#)
            .unwrap();
        assert_eq!(
            p,
            PatchPath::Value {
                attr: AttrPath::new("members"),
                filter: Filter::Compare(
                    AttrPath::new("value"),
                    CompareOp::Eq,
                    s("2819c223-7f76-453a-919d-413861904646")
                ),
                sub: None,
            }
        );
        let p = PatchPath::parse(r#"emails[type eq "work"].value"#).unwrap();
        assert_eq!(
            p,
            PatchPath::Value {
                attr: AttrPath::new("emails"),
                filter: Filter::Compare(AttrPath::new("type"), CompareOp::Eq, s("work")),
                sub: Some("value".to_owned()),
            }
        );
        let p = PatchPath::parse(r#"addresses[type eq "work"].streetAddress"#).unwrap();
        assert_eq!(p.to_string(), r#"addresses[type eq "work"].streetAddress"#);
        let p = PatchPath::parse(r#"emails[type eq "work" and value ew "@example.com"]"#);
        assert!(matches!(p, Ok(PatchPath::Value { sub: None, .. })));
    }

    #[test]
    fn bad_paths_are_refused_with_their_position() {
        let cases: &[(&str, usize)] = &[
            ("", 0),
            ("   ", 0),
            ("emails[", 7),
            (r#"emails[type eq "work""#, 21),
            (r#"emails[type eq "work"]value"#, 22),
            (r#"emails[type eq "work"]."#, 23),
            (r#"emails[type eq "work"].9x"#, 23),
            (r#"emails[type eq "work"].value.x"#, 23),
            (r#"name.givenName[type eq "x"]"#, 0),
            ("a.b.c", 0),
            ("1abc", 0),
            ("active extra", 7),
            ("foo:bar", 0),
            (r#"emails[addresses[type eq "x"]]"#, 16),
            (r#"emails[x.type eq "work"]"#, 7),
        ];
        for (src, at) in cases {
            let e = PatchPath::parse(src).expect_err(src);
            assert_eq!(e.position, *at, "{src}: {e}");
        }
    }

    #[test]
    fn paths_round_trip_through_display() {
        for src in [
            "active",
            "name.familyName",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
            r#"members[value eq "x"]"#,
            r#"emails[type eq "work" or not (primary eq true)].display"#,
        ] {
            let p = PatchPath::parse(src).unwrap();
            assert_eq!(p.to_string(), src);
            assert_eq!(PatchPath::parse(&p.to_string()).unwrap(), p);
        }
    }

    #[test]
    fn sort_order() {
        assert_eq!(SortOrder::parse("Descending"), Some(SortOrder::Descending));
        assert_eq!(SortOrder::parse("ascending"), Some(SortOrder::Ascending));
        assert_eq!(SortOrder::parse("up"), None);
        assert_eq!(SortOrder::default(), SortOrder::Ascending);
    }
}
