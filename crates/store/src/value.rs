//! The two halves of a portable query: [`Param`]s bound the same way on both backends, and
//! [`Row`], read by column index the same way on both. Booleans are INTEGER 0/1 in SQLite and
//! BOOLEAN in PostgreSQL; times are INTEGER Unix milliseconds in SQLite and TIMESTAMPTZ in
//! PostgreSQL; bytes are BLOB in SQLite and BYTEA in PostgreSQL. Those are the only type
//! differences, and they are handled here.

use crate::{Error, Result};
use sqlx::Row as _;
use time::OffsetDateTime;

/// A query parameter. `None` binds a typed NULL (PostgreSQL needs the type).
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Bool(bool),
    Time(Option<OffsetDateTime>),
    /// BLOB in SQLite, BYTEA in PostgreSQL.
    Bytes(&'a [u8]),
    /// REAL in SQLite, DOUBLE PRECISION in PostgreSQL.
    Real(f64),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Self::Text(Some(v))
    }
}
impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Self::Text(Some(v))
    }
}
impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Self::Text(v)
    }
}
impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Param<'_> {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(v: &'a [u8]) -> Self {
        Self::Bytes(v)
    }
}
impl From<f64> for Param<'_> {
    fn from(v: f64) -> Self {
        Self::Real(v)
    }
}

impl From<bool> for Param<'_> {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
impl From<OffsetDateTime> for Param<'_> {
    fn from(v: OffsetDateTime) -> Self {
        Self::Time(Some(v))
    }
}
impl From<Option<OffsetDateTime>> for Param<'_> {
    fn from(v: Option<OffsetDateTime>) -> Self {
        Self::Time(v)
    }
}

/// Builds a `&[Param]` from expressions: `params![id.as_str(), 42_i64, now]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { &[$($crate::Param::from($v)),*] };
}

/// Times are kept to the millisecond on both backends, so what is read back equals what was
/// written.
pub(crate) fn unix_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub(crate) fn from_unix_millis(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match *self {
            Self::Text(Some(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Self::Int(Some(i)) => ToSqlOutput::Owned(Value::Integer(i)),
            Self::Bool(b) => ToSqlOutput::Owned(Value::Integer(i64::from(b))),
            Self::Time(Some(t)) => ToSqlOutput::Owned(Value::Integer(unix_millis(t))),
            Self::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Self::Real(r) => ToSqlOutput::Owned(Value::Real(r)),
            Self::Text(None) | Self::Int(None) | Self::Time(None) => {
                ToSqlOutput::Owned(Value::Null)
            }
        })
    }
}

/// One result row, from either backend.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Pg(&'r sqlx::postgres::PgRow),
}

impl Row<'_> {
    pub fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| Error::decode(i, "unexpected NULL"))
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self {
            Self::Sqlite(r) => r.get(i).map_err(|e| Error::decode(i, e)),
            Self::Pg(r) => r.try_get(i).map_err(|e| Error::decode(i, e)),
        }
    }

    /// A text column parsed into a domain type; a stored value that does not parse is a
    /// [`Error::Decode`] naming it.
    pub fn parse<T>(&self, i: usize, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
        let text = self.text(i)?;
        parse(&text).ok_or_else(|| Error::decode(i, format!("unexpected value {text:?}")))
    }

    pub fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| Error::decode(i, "unexpected NULL"))
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self {
            Self::Sqlite(r) => r.get(i).map_err(|e| Error::decode(i, e)),
            // Columns are BIGINT, but expressions such as `SELECT 1` are INT4.
            Self::Pg(r) => r
                .try_get::<Option<i64>, _>(i)
                .or_else(|_| r.try_get::<Option<i32>, _>(i).map(|v| v.map(i64::from)))
                .map_err(|e| Error::decode(i, e)),
        }
    }

    /// A BLOB (SQLite) or BYTEA (PostgreSQL) column.
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>> {
        match self {
            Self::Sqlite(r) => r.get(i).map_err(|e| Error::decode(i, e)),
            Self::Pg(r) => r.try_get(i).map_err(|e| Error::decode(i, e)),
        }
    }

    pub fn bool(&self, i: usize) -> Result<bool> {
        match self {
            Self::Sqlite(r) => r.get::<_, i64>(i).map(|v| v != 0),
            Self::Pg(r) => return r.try_get(i).map_err(|e| Error::decode(i, e)),
        }
        .map_err(|e| Error::decode(i, e))
    }

    pub fn time(&self, i: usize) -> Result<OffsetDateTime> {
        self.opt_time(i)?
            .ok_or_else(|| Error::decode(i, "unexpected NULL"))
    }

    pub fn opt_time(&self, i: usize) -> Result<Option<OffsetDateTime>> {
        match self {
            Self::Sqlite(r) => match r.get::<_, Option<i64>>(i) {
                Ok(None) => Ok(None),
                Ok(Some(ms)) => from_unix_millis(ms)
                    .map(Some)
                    .ok_or_else(|| Error::decode(i, "time out of range")),
                Err(e) => Err(Error::decode(i, e)),
            },
            Self::Pg(r) => r.try_get(i).map_err(|e| Error::decode(i, e)),
        }
    }
}

/// A type read from one row by column index, in the order of its `SELECT` list.
pub trait FromRow: Sized {
    fn from_row(row: &Row<'_>) -> Result<Self>;
}

impl FromRow for i64 {
    fn from_row(row: &Row<'_>) -> Result<Self> {
        row.int(0)
    }
}

impl FromRow for String {
    fn from_row(row: &Row<'_>) -> Result<Self> {
        row.text(0)
    }
}

impl FromRow for (String, i64) {
    fn from_row(row: &Row<'_>) -> Result<Self> {
        Ok((row.text(0)?, row.int(1)?))
    }
}

impl FromRow for (String, String) {
    fn from_row(row: &Row<'_>) -> Result<Self> {
        Ok((row.text(0)?, row.text(1)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_trip() {
        let t = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(from_unix_millis(unix_millis(t)), Some(t));
    }
}
