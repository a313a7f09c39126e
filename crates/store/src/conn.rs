//! [`Conn`]: the one type repository functions run on, whichever backend and whether or not a
//! transaction is open. [`Tx`] is a `Conn` inside a write transaction.

use crate::sqlite::{self, Reader, Writer};
use crate::{postgres, Error, FromRow, Param, Result};
use std::ops::{Deref, DerefMut};

enum Inner {
    SqliteRead(Reader),
    SqliteWrite(Writer),
    PgPool(sqlx::PgPool),
    PgTx(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// A database connection for repository functions.
pub struct Conn(Inner);

impl Conn {
    pub(crate) fn sqlite_reader(r: Reader) -> Self {
        Self(Inner::SqliteRead(r))
    }

    pub(crate) fn pg_pool(p: sqlx::PgPool) -> Self {
        Self(Inner::PgPool(p))
    }

    /// Which database this connection talks to (for the few statements that differ).
    pub fn backend(&self) -> crate::Backend {
        match self.0 {
            Inner::SqliteRead(_) | Inner::SqliteWrite(_) => crate::Backend::Sqlite,
            Inner::PgPool(_) | Inner::PgTx(_) => crate::Backend::Postgres,
        }
    }

    /// Every row of the result.
    pub async fn fetch_all<T: FromRow>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<T>> {
        match &mut self.0 {
            Inner::SqliteRead(r) => sqlite::fetch_all(r.conn()?, sql, params),
            Inner::SqliteWrite(w) => sqlite::fetch_all(w.conn(), sql, params),
            Inner::PgPool(p) => postgres::fetch_all(&*p, sql, params).await,
            Inner::PgTx(tx) => postgres::fetch_all(&mut **tx, sql, params).await,
        }
    }

    /// The first row of the result, if any.
    pub async fn fetch_optional<T: FromRow>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<T>> {
        match &mut self.0 {
            Inner::SqliteRead(r) => sqlite::fetch_optional(r.conn()?, sql, params),
            Inner::SqliteWrite(w) => sqlite::fetch_optional(w.conn(), sql, params),
            Inner::PgPool(p) => postgres::fetch_optional(&*p, sql, params).await,
            Inner::PgTx(tx) => postgres::fetch_optional(&mut **tx, sql, params).await,
        }
    }

    /// The first row of the result; [`Error::NotFound`] when there is none.
    pub async fn fetch_one<T: FromRow>(&mut self, sql: &str, params: &[Param<'_>]) -> Result<T> {
        self.fetch_optional(sql, params)
            .await?
            .ok_or(Error::NotFound)
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        match &mut self.0 {
            Inner::SqliteRead(r) => sqlite::execute(r.conn()?, sql, params),
            Inner::SqliteWrite(w) => sqlite::execute(w.conn(), sql, params),
            Inner::PgPool(p) => postgres::execute(&*p, sql, params).await,
            Inner::PgTx(tx) => postgres::execute(&mut **tx, sql, params).await,
        }
    }

    /// Runs several `;`-separated statements without parameters (migrations).
    pub(crate) async fn execute_script(&mut self, sql: &str) -> Result<()> {
        match &mut self.0 {
            Inner::SqliteRead(r) => Ok(r.conn()?.execute_batch(sql)?),
            Inner::SqliteWrite(w) => Ok(w.conn().execute_batch(sql)?),
            Inner::PgPool(p) => sqlx::raw_sql(sql)
                .execute(&*p)
                .await
                .map(drop)
                .map_err(Error::from),
            Inner::PgTx(tx) => sqlx::raw_sql(sql)
                .execute(&mut **tx)
                .await
                .map(drop)
                .map_err(Error::from),
        }
    }
}

/// A write transaction. Rolls back when dropped without [`Tx::commit`].
pub struct Tx(Conn);

impl Tx {
    pub(crate) fn sqlite(w: Writer) -> Self {
        Self(Conn(Inner::SqliteWrite(w)))
    }

    pub(crate) fn pg(tx: sqlx::Transaction<'static, sqlx::Postgres>) -> Self {
        Self(Conn(Inner::PgTx(tx)))
    }

    pub async fn commit(self) -> Result<()> {
        match self.0 .0 {
            Inner::SqliteWrite(w) => w.commit(),
            Inner::PgTx(tx) => tx.commit().await.map_err(Error::from),
            Inner::SqliteRead(_) | Inner::PgPool(_) => Ok(()),
        }
    }
}

impl Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}
