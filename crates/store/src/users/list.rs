//! Listing and counting an account's users: search, filters by type, role, group, status and
//! custom attribute, sorting and paging, in one WHERE clause shared by [`list`] and [`count`].

use super::UserRecord;
use crate::{params, Conn, Param, Result};
use roster_domain::{AccountId, UserStatus};

/// What to list.
#[derive(Debug, Clone)]
pub struct ListFilter<'a> {
    pub account: &'a AccountId,
    pub status: UserStatus,
    pub role_id: Option<&'a str>,
    /// Only users in these settings groups (a group-scoped role's view); `None`: everyone.
    pub groups: Option<&'a [String]>,
    /// Lower-case text to find in email or names.
    pub search: Option<&'a str>,
    /// Keyset: only users whose email sorts after this.
    pub after_email: Option<&'a str>,
    /// Offset paging (Zoom's deprecated `page_number`); ignored with `after_email`.
    pub offset: u64,
    pub limit: u32,
    /// A custom attribute to filter by (its value equal to `value`) or sort by.
    pub attribute: Option<AttributeFilter<'a>>,
    /// Only users of this type (Zoom's numeric code).
    pub user_type: Option<i64>,
    /// Only users in this settings group.
    pub group_id: Option<&'a str>,
    /// Only users of this department (exactly).
    pub dept: Option<&'a str>,
}

/// Filtering or sorting by a user's value of one custom attribute.
#[derive(Debug, Clone, Copy)]
pub struct AttributeFilter<'a> {
    /// The definition's key.
    pub key: &'a str,
    /// Only users whose value is this (canonical form).
    pub equals: Option<&'a str>,
    /// Sort by the value (users without one last), then email; paging is then by offset.
    pub sort: bool,
    pub descending: bool,
    /// Compare as numbers rather than text (dates sort as text, `YYYY-MM-DD`).
    pub numeric: bool,
}

/// `%text%` for LIKE, with LIKE's own wildcards escaped.
fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The WHERE clause and its parameters, numbered from `$1`.
fn where_clause<'a>(
    backend: crate::Backend,
    f: &'a ListFilter<'a>,
    pattern: &'a str,
    sql: &mut String,
    params: &mut Vec<Param<'a>>,
) {
    sql.push_str(" WHERE account_id = $1 AND status = $2");
    params.push(f.account.as_str().into());
    params.push(f.status.as_str().into());
    if let Some(role) = f.role_id {
        params.push(role.into());
        sql.push_str(&format!(" AND role_id = ${}", params.len()));
    }
    if let Some(t) = f.user_type {
        params.push(t.into());
        sql.push_str(&format!(" AND type = ${}", params.len()));
    }
    if let Some(g) = f.group_id {
        params.push(g.into());
        sql.push_str(&format!(" AND group_id = ${}", params.len()));
    }
    if let Some(d) = f.dept {
        params.push(d.into());
        sql.push_str(&format!(" AND dept = ${}", params.len()));
    }
    if let Some(groups) = f.groups {
        if groups.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            let mut list = Vec::with_capacity(groups.len());
            for g in groups {
                params.push(g.as_str().into());
                list.push(format!("${}", params.len()));
            }
            sql.push_str(&format!(" AND group_id IN ({})", list.join(", ")));
        }
    }
    if let Some((key, value)) = f.attribute.as_ref().and_then(|a| Some((a.key, a.equals?))) {
        params.push(key.into());
        let expr = crate::attributes::value_expr(backend, params.len());
        params.push(value.into());
        sql.push_str(&format!(" AND {expr} = ${}", params.len()));
    }
    if f.search.is_some() {
        params.push(pattern.into());
        let n = params.len();
        sql.push_str(&format!(
            " AND (email LIKE ${n} ESCAPE '\\' OR lower(first_name) LIKE ${n} ESCAPE '\\' \
             OR lower(last_name) LIKE ${n} ESCAPE '\\' OR lower(display_name) LIKE ${n} ESCAPE '\\')"
        ));
    }
}

/// One page of users, ordered by email.
pub async fn list(conn: &mut Conn, f: &ListFilter<'_>) -> Result<Vec<UserRecord>> {
    let pattern = f.search.map(like_pattern).unwrap_or_default();
    let mut sql = String::from(concat!("SELECT ", columns!(), " FROM users"));
    let mut params: Vec<Param<'_>> = Vec::with_capacity(6);
    let backend = conn.backend();
    where_clause(backend, f, &pattern, &mut sql, &mut params);
    let sorted = f.attribute.filter(|a| a.sort);
    if let (Some(after), None) = (f.after_email, sorted) {
        params.push(after.into());
        sql.push_str(&format!(" AND email > ${}", params.len()));
    }
    match sorted {
        Some(a) => {
            // The key parameter again, so the sort expression follows the WHERE clause's.
            params.push(a.key.into());
            let mut expr = crate::attributes::value_expr(backend, params.len());
            if a.numeric {
                let real = match backend {
                    crate::Backend::Sqlite => "REAL",
                    crate::Backend::Postgres => "DOUBLE PRECISION",
                };
                expr = format!("CAST({expr} AS {real})");
            }
            let dir = if a.descending { "DESC" } else { "ASC" };
            sql.push_str(&format!(
                " ORDER BY CASE WHEN {expr} IS NULL THEN 1 ELSE 0 END, {expr} {dir}, email"
            ));
        }
        None => sql.push_str(" ORDER BY email"),
    }
    params.push(i64::from(f.limit).into());
    sql.push_str(&format!(" LIMIT ${}", params.len()));
    if (f.after_email.is_none() || sorted.is_some()) && f.offset > 0 {
        params.push(i64::try_from(f.offset).unwrap_or(i64::MAX).into());
        sql.push_str(&format!(" OFFSET ${}", params.len()));
    }
    conn.fetch_all(&sql, &params).await
}

/// How many users match `f` (ignoring its paging). Without a role or search filter this reads
/// the maintained counts, so it costs the same at any size.
pub async fn count(conn: &mut Conn, f: &ListFilter<'_>) -> Result<i64> {
    if f.role_id.is_none()
        && f.search.is_none()
        && f.groups.is_none()
        && f.attribute.is_none()
        && f.user_type.is_none()
        && f.group_id.is_none()
        && f.dept.is_none()
    {
        return conn
            .fetch_one(
                "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts \
                 WHERE account_id = $1 AND status = $2",
                params![f.account.as_str(), f.status.as_str()],
            )
            .await;
    }
    let pattern = f.search.map(like_pattern).unwrap_or_default();
    let mut sql = String::from("SELECT COUNT(*) FROM users");
    let mut params: Vec<Param<'_>> = Vec::with_capacity(4);
    let backend = conn.backend();
    where_clause(backend, f, &pattern, &mut sql, &mut params);
    conn.fetch_one(&sql, &params).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::like_pattern("a_b%c"), "%a\\_b\\%c%");
    }
}
