//! Sorting by a custom attribute through `user_attribute_values` (migration 0026, kept by
//! triggers and, for new users, by `users::insert_many`): first the users with a value, in the value's order (one index range joined to
//! users by id), then the users without one, by email; each part paged by keyset, both ways.

use super::list::{where_clause, Cursor, CursorValue, ListFilter, Listed};
use crate::{Backend, Conn, Param, Result};

/// Where a part starts: the value and email of the row next to it.
type Start<'a> = Option<(&'a str, &'a str)>;

/// One page in the attribute's order (nearest first when going back).
pub(super) async fn list(
    conn: &mut Conn,
    f: &ListFilter<'_>,
    pattern: &str,
    key: &str,
    numeric: bool,
) -> Result<Vec<Listed>> {
    let limit = usize::try_from(f.limit).unwrap_or(usize::MAX);
    let cursor: Option<Cursor<'_>> = f.cursor;
    let backward = cursor.is_some_and(|c| c.backward);
    // The direction rows are read in.
    let reverse = f.sort.descending != backward;
    let at_value = cursor.and_then(|c| match c.value {
        CursorValue::Text(t) => Some((t, c.email)),
        _ => None,
    });
    let in_values = cursor.is_none() || at_value.is_some();
    let mut rows;
    if !backward && in_values {
        let offset = if cursor.is_none() { f.offset } else { 0 };
        rows = with_value(
            conn, f, pattern, key, numeric, at_value, reverse, limit, offset,
        )
        .await?;
        if rows.len() < limit {
            let skip = if rows.is_empty() && offset > 0 {
                offset.saturating_sub(count_with_value(conn, f, pattern, key).await?)
            } else {
                0
            };
            let rest = limit - rows.len();
            rows.extend(without_value(conn, f, pattern, key, None, reverse, rest, skip).await?);
        }
    } else if !backward {
        let email = cursor.map(|c| c.email);
        rows = without_value(conn, f, pattern, key, email, reverse, limit, 0).await?;
    } else if in_values {
        rows = with_value(conn, f, pattern, key, numeric, at_value, reverse, limit, 0).await?;
    } else {
        let email = cursor.map(|c| c.email);
        rows = without_value(conn, f, pattern, key, email, reverse, limit, 0).await?;
        if rows.len() < limit {
            let rest = limit - rows.len();
            rows.extend(with_value(conn, f, pattern, key, numeric, None, reverse, rest, 0).await?);
        }
    }
    Ok(rows)
}

/// The SQL that joins the values to their users, value rows leading.
fn value_join(backend: Backend, selected: &str) -> String {
    // SQLite's CROSS JOIN keeps the value index as the outer loop (its order is the page's).
    let join = match backend {
        Backend::Sqlite => "CROSS JOIN",
        Backend::Postgres => "JOIN",
    };
    format!(
        concat!(
            "SELECT ",
            columns!(),
            ", {} FROM user_attribute_values v {} users ON users.id = v.user_id"
        ),
        selected, join
    )
}

/// The `v.*` conditions after [`where_clause`], whose first two parameters (`first` and the
/// next) are the account and status.
fn value_scope<'a>(first: usize, key: &'a str, sql: &mut String, params: &mut Vec<Param<'a>>) {
    params.push(key.into());
    sql.push_str(&format!(
        " AND v.account = ${first} AND v.user_status = ${} AND v.attr_key = ${}",
        first + 1,
        params.len()
    ));
}

#[allow(clippy::too_many_arguments)]
async fn with_value(
    conn: &mut Conn,
    f: &ListFilter<'_>,
    pattern: &str,
    key: &str,
    numeric: bool,
    start: Start<'_>,
    reverse: bool,
    limit: usize,
    offset: u64,
) -> Result<Vec<Listed>> {
    let backend = conn.backend();
    let mut params: Vec<Param<'_>> = Vec::with_capacity(10);
    let mut sql = value_join(backend, "v.value");
    where_clause(backend, f, pattern, &mut sql, &mut params);
    value_scope(1, key, &mut sql, &mut params);
    let (op, dir) = if reverse { ("<", "DESC") } else { (">", "ASC") };
    if let Some((value, email)) = start {
        params.push(value.into());
        let v = params.len();
        params.push(email.into());
        let e = params.len();
        let num = super::num_of_value(backend, numeric, &format!("${v}"));
        sql.push_str(&format!(
            " AND (v.num, v.value, v.user_email) {op} ({num}, ${v}, ${e})"
        ));
    }
    sql.push_str(&format!(
        " ORDER BY v.num {dir}, v.value {dir}, v.user_email {dir}"
    ));
    finish(conn, sql, params, limit, offset).await
}

#[allow(clippy::too_many_arguments)]
async fn without_value(
    conn: &mut Conn,
    f: &ListFilter<'_>,
    pattern: &str,
    key: &str,
    after_email: Option<&str>,
    reverse: bool,
    limit: usize,
    offset: u64,
) -> Result<Vec<Listed>> {
    let mut params: Vec<Param<'_>> = Vec::with_capacity(10);
    let mut sql = String::from(concat!(
        "SELECT ",
        columns!(),
        ", CAST(NULL AS TEXT) FROM users"
    ));
    where_clause(conn.backend(), f, pattern, &mut sql, &mut params);
    params.push(key.into());
    sql.push_str(&format!(
        " AND NOT EXISTS (SELECT 1 FROM user_attribute_values v \
         WHERE v.user_id = users.id AND v.attr_key = ${})",
        params.len()
    ));
    let (op, dir) = if reverse { ("<", "DESC") } else { (">", "ASC") };
    if let Some(email) = after_email {
        params.push(email.into());
        sql.push_str(&format!(" AND email {op} ${}", params.len()));
    }
    sql.push_str(&format!(" ORDER BY email {dir}"));
    finish(conn, sql, params, limit, offset).await
}

async fn finish(
    conn: &mut Conn,
    mut sql: String,
    mut params: Vec<Param<'_>>,
    limit: usize,
    offset: u64,
) -> Result<Vec<Listed>> {
    params.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    sql.push_str(&format!(" LIMIT ${}", params.len()));
    if offset > 0 {
        params.push(i64::try_from(offset).unwrap_or(i64::MAX).into());
        sql.push_str(&format!(" OFFSET ${}", params.len()));
    }
    conn.fetch_all(&sql, &params).await
}

/// How many users of `f` have a value (for offset paging past them).
async fn count_with_value(
    conn: &mut Conn,
    f: &ListFilter<'_>,
    pattern: &str,
    key: &str,
) -> Result<u64> {
    let mut params: Vec<Param<'_>> = Vec::with_capacity(10);
    let mut sql = String::from(
        "SELECT COUNT(*) FROM user_attribute_values v JOIN users ON users.id = v.user_id",
    );
    where_clause(conn.backend(), f, pattern, &mut sql, &mut params);
    value_scope(1, key, &mut sql, &mut params);
    let n: i64 = conn.fetch_one(&sql, &params).await?;
    Ok(u64::try_from(n).unwrap_or(0))
}
