//! PostgreSQL through a sqlx pool. Queries are prepared once per connection and cached by sqlx.

use crate::{DbOptions, Error, FromRow, Param, Result, Row};
use sqlx::postgres::{PgArguments, PgPoolOptions};
use sqlx::query::Query;
use sqlx::{PgPool, Postgres};

pub(crate) async fn connect(url: &str, opts: &DbOptions) -> Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(opts.max_connections)
        .acquire_timeout(opts.acquire_timeout)
        .connect(url)
        .await
        .map_err(Error::from)
}

fn bind<'q>(sql: &'q str, params: &'q [Param<'q>]) -> Query<'q, Postgres, PgArguments> {
    params.iter().fold(sqlx::query(sql), |q, p| match *p {
        Param::Text(v) => q.bind(v),
        Param::Int(v) => q.bind(v),
        Param::Bool(v) => q.bind(v),
        Param::Bytes(v) => q.bind(v),
        Param::Real(v) => q.bind(v),
        // Kept to the millisecond, as on SQLite.
        Param::Time(v) => {
            q.bind(v.and_then(|t| crate::value::from_unix_millis(crate::value::unix_millis(t))))
        }
    })
}

pub(crate) async fn fetch_all<'c, T, E>(ex: E, sql: &str, params: &[Param<'_>]) -> Result<Vec<T>>
where
    T: FromRow,
    E: sqlx::Executor<'c, Database = Postgres>,
{
    let rows = bind(sql, params).fetch_all(ex).await?;
    rows.iter().map(|r| T::from_row(&Row::Pg(r))).collect()
}

pub(crate) async fn fetch_optional<'c, T, E>(
    ex: E,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Option<T>>
where
    T: FromRow,
    E: sqlx::Executor<'c, Database = Postgres>,
{
    match bind(sql, params).fetch_optional(ex).await? {
        Some(r) => Ok(Some(T::from_row(&Row::Pg(&r))?)),
        None => Ok(None),
    }
}

pub(crate) async fn execute<'c, E>(ex: E, sql: &str, params: &[Param<'_>]) -> Result<u64>
where
    E: sqlx::Executor<'c, Database = Postgres>,
{
    Ok(bind(sql, params).execute(ex).await?.rows_affected())
}
