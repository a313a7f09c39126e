//! Store errors, classified by kind so the service layer can turn a unique violation into
//! "email taken" on either backend without matching database text.

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A unique constraint failed; the payload is its `table.column` name, the same on both
    /// backends (PostgreSQL constraints are named that way in the migrations).
    #[error("unique constraint {0} violated")]
    Unique(String),
    #[error("foreign key constraint violated")]
    ForeignKey,
    /// A CHECK constraint failed; the payload is its name.
    #[error("check constraint {0} violated")]
    Check(String),
    /// A row the caller required was not there.
    #[error("row not found")]
    NotFound,
    /// A stored value could not be read back into its type.
    #[error("column {column}: {detail}")]
    Decode { column: usize, detail: String },
    #[error("database URL: {0}")]
    Url(String),
    /// A query was written wrong (a bug, not bad input).
    #[error("query: {0}")]
    Query(String),
    #[error("migration: {0}")]
    Migration(String),
    #[error("timed out waiting for the database")]
    Timeout,
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(sqlx::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn decode(column: usize, detail: impl std::fmt::Display) -> Self {
        Self::Decode {
            column,
            detail: detail.to_string(),
        }
    }

    /// Whether this is a unique violation of `name` (`table.column`).
    pub fn is_unique(&self, name: &str) -> bool {
        matches!(self, Self::Unique(n) if n == name)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        if let rusqlite::Error::SqliteFailure(code, msg) = &e {
            let detail = msg.as_deref().unwrap_or_default();
            let after = |prefix: &str| {
                detail
                    .strip_prefix(prefix)
                    .unwrap_or(detail)
                    .trim()
                    .to_owned()
            };
            match code.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    return Self::Unique(after("UNIQUE constraint failed:"));
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return Self::ForeignKey,
                ffi::SQLITE_CONSTRAINT_CHECK => {
                    return Self::Check(after("CHECK constraint failed:"));
                }
                _ => {}
            }
        }
        Self::Sqlite(e)
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match &e {
            sqlx::Error::Database(db) => {
                let name = db.constraint().unwrap_or_default().to_owned();
                match db.kind() {
                    ErrorKind::UniqueViolation => Self::Unique(name),
                    ErrorKind::ForeignKeyViolation => Self::ForeignKey,
                    ErrorKind::CheckViolation => Self::Check(name),
                    _ => Self::Postgres(e),
                }
            }
            sqlx::Error::PoolTimedOut => Self::Timeout,
            sqlx::Error::RowNotFound => Self::NotFound,
            _ => Self::Postgres(e),
        }
    }
}
