//! Roster's store: one set of repository functions over two databases.
//!
//! * **SQLite** (the embedded default) goes through rusqlite: one writer connection behind an
//!   async mutex (SQLite has one writer anyway) and a pool of read-only connections used inline.
//!   A point read costs microseconds, so it runs on the calling task without a thread hop; this is
//!   what makes the read budget in DESIGN.md reachable (sqlx-sqlite hands each query to a worker
//!   thread and tops out well below it).
//! * **PostgreSQL** (the scale-out store) goes through a sqlx pool.
//!
//! Repository functions (in [`accounts`], [`users`], [`settings`], [`invitations`], [`oauth`], [`events`]) take a [`Conn`] and
//! are written once, in portable SQL with `$1`-style parameters, mapping rows through [`Row`].
//! Backend differences live in [`sqlite`], [`postgres`] and the two migration trees.

mod conn;
mod error;
pub mod migrate;
mod postgres;
mod sqlite;
mod value;

pub mod accounts;
pub mod admin;
pub mod attributes;
pub mod billing;
pub mod chat;
pub mod contacts;
pub mod events;
pub mod groups;
pub mod import_jobs;
pub mod invitations;
pub mod live;
pub mod mail;
pub mod managed_domains;
pub mod meetings;
pub mod oauth;
pub mod oauth_installs;
pub mod personal;
pub mod portal;
pub mod roles;
pub mod scim_groups;
pub mod settings;
pub mod users;
pub mod webhooks;

pub use conn::{Conn, Tx};
pub use error::{Error, Result};
pub use value::{FromRow, Param, Row};

use std::sync::Arc;
use std::time::Duration;

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The `VALUES` list of a multi-row insert of `rows` rows of `columns` parameters each, the
/// first being parameter 1: `(?, ?), (?, ?)` on SQLite, `($1, $2), ($3, $4)` on PostgreSQL.
pub(crate) fn value_rows(backend: Backend, rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * (columns * 4 + 4));
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        out.push_str(&placeholders(backend, r * columns + 1, columns));
        out.push(')');
    }
    out
}

/// `n` placeholders for the parameters `first..first + n`, comma-separated: `$first, …` on
/// PostgreSQL, `?, …` on SQLite, for statements with thousands of parameters (the bulk paths).
/// SQLite's parser looks every `$N` up in the list of the names it has seen so far, so preparing
/// a statement of many `$N` takes quadratic time (1.7 s for the 15,500 parameters of a 500-row
/// user insert); a bare `?` is the next position. A statement may use `$N` for its first
/// parameters and these after them.
pub(crate) fn placeholders(backend: Backend, first: usize, n: usize) -> String {
    let mut out = String::with_capacity(n * 4);
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        match backend {
            Backend::Sqlite => out.push('?'),
            Backend::Postgres => {
                out.push('$');
                out.push_str(&(first + i).to_string());
            }
        }
    }
    out
}

/// Connection settings that are not part of the URL.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Largest PostgreSQL pool; SQLite keeps up to this many idle readers.
    pub max_connections: u32,
    /// How long to wait for a connection (PostgreSQL) or a lock (SQLite) before failing.
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub enum Db {
    Sqlite(Arc<sqlite::Shared>),
    Postgres(sqlx::PgPool),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({:?})", self.backend())
    }
}

/// A bulk write under way ([`Db::bulk_write`]). [`BulkWrite::end`] ends it and reports how
/// that went. Dropped without it (an import whose request was dropped because the client hung
/// up, or a server shutting down) it ends on a task of its own: otherwise the writer would stay
/// tuned, and its checkpoint thread running, for a bulk write that nobody runs any more.
#[must_use = "a bulk write lasts until `end` or drop"]
pub struct BulkWrite {
    /// The database to tune back; `None` once ended, and on PostgreSQL.
    shared: Option<Arc<sqlite::Shared>>,
}

impl BulkWrite {
    /// Ends the bulk write: the last one running tunes the writer back and checkpoints.
    pub async fn end(mut self) -> Result<()> {
        match self.shared.take() {
            Some(s) => s.bulk_writes(false).await,
            None => Ok(()),
        }
    }
}

impl Drop for BulkWrite {
    fn drop(&mut self) {
        let Some(shared) = self.shared.take() else {
            return;
        };
        // Without a runtime the process is ending, and the tuning with it.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(e) = shared.bulk_writes(false).await {
                    tracing::warn!(error = %e, "ending an abandoned bulk write");
                }
            });
        }
    }
}

impl Db {
    /// Opens `url`: `sqlite://PATH` (`sqlite:PATH` too; the file is created when missing) or
    /// `postgres://…` / `postgresql://…`. Does not run migrations: see [`Db::migrate`].
    pub async fn connect(url: &str, opts: &DbOptions) -> Result<Self> {
        if let Some(path) = sqlite::path_from_url(url)? {
            Ok(Self::Sqlite(Arc::new(sqlite::Shared::open(&path, opts)?)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(postgres::connect(url, opts).await?))
        } else {
            Err(Error::Url(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://USER@HOST:PORT/DB",
                redact(url)
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// A connection for reads outside a transaction.
    pub async fn read(&self) -> Result<Conn> {
        match self {
            Self::Sqlite(s) => Ok(Conn::sqlite_reader(s.reader()?)),
            Self::Postgres(pool) => Ok(Conn::pg_pool(pool.clone())),
        }
    }

    /// Starts a write transaction. It rolls back when dropped without [`Tx::commit`].
    pub async fn begin(&self) -> Result<Tx> {
        match self {
            Self::Sqlite(s) => Ok(Tx::sqlite(s.begin().await?)),
            Self::Postgres(pool) => Ok(Tx::pg(pool.begin().await.map_err(Error::from)?)),
        }
    }

    /// Tunes the database for a bulk write (the CSV import) until the returned [`BulkWrite`]
    /// ends: on SQLite the writer gets a bigger page cache, statement journals in memory and
    /// checkpoints on a thread of their own (see `sqlite::BULK`); nothing on PostgreSQL. Other
    /// writers share the writer meanwhile, and only gain from it.
    pub async fn bulk_write(&self) -> Result<BulkWrite> {
        let shared = match self {
            Self::Sqlite(s) => {
                s.bulk_writes(true).await?;
                Some(Arc::clone(s))
            }
            Self::Postgres(_) => None,
        };
        Ok(BulkWrite { shared })
    }

    /// Applies pending migrations; see [`migrate`].
    pub async fn migrate(&self) -> Result<migrate::Report> {
        migrate::run(self).await
    }

    /// Closes pooled connections (PostgreSQL); SQLite connections close when dropped.
    pub async fn close(&self) {
        if let Self::Postgres(pool) = self {
            pool.close().await;
        }
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = url.get(scheme + 3..at).unwrap_or_default();
            let user = creds.split(':').next().unwrap_or_default();
            let rest = url.get(at..).unwrap_or_default();
            let head = url.get(..scheme + 3).unwrap_or_default();
            if creds.contains(':') {
                format!("{head}{user}:***{rest}")
            } else {
                url.to_owned()
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://roster.db"), "sqlite://roster.db");
    }

    #[test]
    fn value_rows_number_every_parameter_once() {
        assert_eq!(value_rows(Backend::Sqlite, 2, 3), "(?, ?, ?), (?, ?, ?)");
        assert_eq!(
            value_rows(Backend::Postgres, 2, 3),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(value_rows(Backend::Postgres, 1, 1), "($1)");
    }
}
