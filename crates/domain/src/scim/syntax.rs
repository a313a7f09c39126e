//! The lexical layer shared by SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, §3.5.2):
//! attribute paths, comparison literals, and [`SyntaxError`] with the offset it points at.

use std::fmt;

use super::{MAX_DEPTH, MAX_LEN};

/// Why a filter or PATCH path did not parse, and where (a byte offset into the input).
/// The API maps it to `scimType: invalidFilter` or `invalidPath`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at offset {position})")]
pub struct SyntaxError {
    pub position: usize,
    pub kind: SyntaxErrorKind,
}

/// What was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxErrorKind {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_LEN} bytes")]
    TooLong,
    #[error("nests parentheses, `not` and value filters deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("expected {what}{}", found.as_ref().map_or_else(|| ", found the end".to_owned(), |f| format!(", found `{f}`")))]
    Expected {
        what: &'static str,
        /// The token found instead; `None` at the end of the input.
        found: Option<String>,
    },
    #[error("`{0}` is not an attribute path (ATTRNAME, ATTRNAME.sub, or a schema URN followed by `:` and one)")]
    BadAttribute(String),
    #[error("`{0}` is not a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)")]
    UnknownOperator(String),
    #[error("string literal is not terminated")]
    UnterminatedString,
    #[error("string literal is not valid JSON: {0}")]
    BadString(String),
    #[error("`{0}` is not a JSON number")]
    BadNumber(String),
    #[error("value filters cannot be nested (RFC 7644 errata 4690)")]
    NestedValueFilter,
    #[error("inside a value filter only sub-attribute names (no `.` or schema URN) are allowed")]
    QualifiedInValueFilter,
    #[error("a value filter applies to an attribute, not to a sub-attribute")]
    ValueFilterOnSubAttribute,
    #[error("unexpected `{0}`")]
    Unexpected(String),
}

/// An attribute path: `[URN ":"] ATTRNAME ["." subAttr]`. Names keep the case they were
/// written in; SCIM compares them case-insensitively (see [`AttrPath::same_as`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN prefix, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.
    pub urn: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

impl AttrPath {
    /// A bare attribute name, e.g. `userName`.
    pub fn new(name: &str) -> Self {
        Self {
            urn: None,
            name: name.to_owned(),
            sub: None,
        }
    }

    /// `name.sub`.
    pub fn with_sub(name: &str, sub: &str) -> Self {
        Self {
            urn: None,
            name: name.to_owned(),
            sub: Some(sub.to_owned()),
        }
    }

    /// Parses a whole attribute path, as `sortBy` and `attributes` carry them (§3.4.2.3).
    pub fn parse(src: &str) -> Result<Self, SyntaxError> {
        let mut cur = Cursor::new(src)?;
        cur.skip_ws();
        let path = cur.attr_path()?;
        cur.expect_end()?;
        Ok(path)
    }

    /// Whether both paths name the same attribute: names and URNs compare case-insensitively.
    pub fn same_as(&self, other: &AttrPath) -> bool {
        let eq = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        self.name.eq_ignore_ascii_case(&other.name)
            && eq(&self.sub, &other.sub)
            && eq(&self.urn, &other.urn)
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// A comparison literal: `false / null / true / number / string` (JSON syntax).
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Number(n) => write!(f, "{n}"),
            Self::String(s) => f.write_str(&serde_json::Value::String(s.clone()).to_string()),
        }
    }
}

/// Whether `s` is an ATTRNAME (`ALPHA *(ALPHA / DIGIT / "-" / "_")`); `$ref` is allowed too,
/// as RFC 7643 names it so.
pub(crate) fn is_attr_name(s: &str) -> bool {
    let body = s.strip_prefix('$').unwrap_or(s);
    let mut chars = body.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A cursor over the input with the token readers both grammars use.
pub(crate) struct Cursor<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(src: &'a str) -> Result<Self, SyntaxError> {
        if src.len() > MAX_LEN {
            return Err(SyntaxError {
                position: MAX_LEN,
                kind: SyntaxErrorKind::TooLong,
            });
        }
        if src.trim().is_empty() {
            return Err(SyntaxError {
                position: 0,
                kind: SyntaxErrorKind::Empty,
            });
        }
        Ok(Self {
            src,
            pos: 0,
            depth: 0,
        })
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    pub(crate) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(crate) fn err(&self, kind: SyntaxErrorKind) -> SyntaxError {
        SyntaxError {
            position: self.pos,
            kind,
        }
    }

    pub(crate) fn err_at(position: usize, kind: SyntaxErrorKind) -> SyntaxError {
        SyntaxError { position, kind }
    }

    pub(crate) fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Consumes `c` if it is next.
    pub(crate) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    pub(crate) fn expect(&mut self, c: char, what: &'static str) -> Result<(), SyntaxError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.unexpected_or(what))
        }
    }

    /// "expected WHAT, found X" at the cursor.
    pub(crate) fn unexpected_or(&self, what: &'static str) -> SyntaxError {
        let found = self.peek().map(|c| {
            self.peek_word()
                .map_or_else(|| c.to_string(), str::to_owned)
        });
        self.err(SyntaxErrorKind::Expected { what, found })
    }

    /// After the last token: only whitespace may follow.
    pub(crate) fn expect_end(&mut self) -> Result<(), SyntaxError> {
        self.skip_ws();
        match self.peek() {
            None => Ok(()),
            Some(c) => {
                let token = self
                    .peek_word()
                    .map_or_else(|| c.to_string(), str::to_owned);
                Err(self.err(SyntaxErrorKind::Unexpected(token)))
            }
        }
    }

    /// Enters one level of nesting (parentheses, `not`, a value filter).
    pub(crate) fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(SyntaxErrorKind::TooDeep));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The maximal run of name characters (letters, digits, `-_.:$`) at the cursor, unconsumed.
    pub(crate) fn peek_word(&self) -> Option<&'a str> {
        let rest = self.rest();
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.:$".contains(c)))
            .unwrap_or(rest.len());
        rest.get(..end).filter(|w| !w.is_empty())
    }

    /// Consumes and returns the word at the cursor.
    pub(crate) fn word(&mut self) -> Option<&'a str> {
        let w = self.peek_word()?;
        self.pos += w.len();
        Some(w)
    }

    /// Consumes `kw` (case-insensitively) if it is the next whole word.
    pub(crate) fn keyword(&mut self, kw: &str) -> bool {
        match self.peek_word() {
            Some(w) if w.eq_ignore_ascii_case(kw) => {
                self.pos += w.len();
                true
            }
            _ => false,
        }
    }

    /// Reads an attribute path (the whole word at the cursor).
    pub(crate) fn attr_path(&mut self) -> Result<AttrPath, SyntaxError> {
        let start = self.pos;
        let Some(word) = self.word() else {
            return Err(self.unexpected_or("an attribute path"));
        };
        let bad = || Self::err_at(start, SyntaxErrorKind::BadAttribute(word.to_owned()));
        let (urn, rest) = match word.rfind(':') {
            Some(i) => {
                let urn = word.get(..i).unwrap_or("");
                let ok = urn.len() > 4
                    && urn.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
                    && !urn.contains("::");
                if !ok {
                    return Err(bad());
                }
                (Some(urn.to_owned()), word.get(i + 1..).unwrap_or(""))
            }
            None => (None, word),
        };
        let mut parts = rest.split('.');
        let name = parts.next().filter(|n| is_attr_name(n)).ok_or_else(bad)?;
        let sub = match parts.next() {
            None => None,
            Some(s) if is_attr_name(s) => Some(s.to_owned()),
            Some(_) => return Err(bad()),
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(AttrPath {
            urn,
            name: name.to_owned(),
            sub,
        })
    }

    /// Reads a comparison literal.
    pub(crate) fn comp_value(&mut self) -> Result<CompValue, SyntaxError> {
        let start = self.pos;
        match self.peek() {
            Some('"') => self.string().map(CompValue::String),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let rest = self.rest();
                let end = rest
                    .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
                    .unwrap_or(rest.len());
                let text = rest.get(..end).unwrap_or("");
                self.pos += end;
                let bad = || Self::err_at(start, SyntaxErrorKind::BadNumber(text.to_owned()));
                // serde_json checks the JSON grammar; its float parsing may be off by one ulp,
                // so a float is re-read with Rust's correctly rounded parser.
                let n = serde_json::from_str::<serde_json::Number>(text).map_err(|_| bad())?;
                if n.is_f64() {
                    let f = text.parse::<f64>().map_err(|_| bad())?;
                    return serde_json::Number::from_f64(f)
                        .map(CompValue::Number)
                        .ok_or_else(bad);
                }
                Ok(CompValue::Number(n))
            }
            _ => {
                if self.keyword("true") {
                    Ok(CompValue::Bool(true))
                } else if self.keyword("false") {
                    Ok(CompValue::Bool(false))
                } else if self.keyword("null") {
                    Ok(CompValue::Null)
                } else {
                    Err(self.unexpected_or("a value (a \"string\", a number, true, false or null)"))
                }
            }
        }
    }

    /// Reads a JSON string literal, escapes and all.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        let rest = self.rest();
        let mut escaped = false;
        let mut end = None;
        for (i, c) in rest.char_indices().skip(1) {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                end = Some(i + 1);
                break;
            }
        }
        let end = end.ok_or_else(|| Self::err_at(start, SyntaxErrorKind::UnterminatedString))?;
        let text = rest.get(..end).unwrap_or("");
        self.pos += end;
        serde_json::from_str::<String>(text)
            .map_err(|e| Self::err_at(start, SyntaxErrorKind::BadString(e.to_string())))
    }
}
