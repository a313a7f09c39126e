//! Listing and counting an account's users: search, filters by type, role, group, status and
//! custom attribute, in one WHERE clause shared by [`list`] and [`count`]; sorting by email,
//! name, type, department, creation or a custom attribute, with keyset pages both ways (the
//! sort value and email of the row next to the page).

use super::UserRecord;
use crate::{params, Backend, Conn, FromRow, Param, Result, Row};
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
    /// The order, then email (unique in an account) to break ties.
    pub sort: Sort<'a>,
    /// Keyset: only users after (or, going back, before) this row in `sort`'s order.
    pub cursor: Option<Cursor<'a>>,
    /// Offset paging (Zoom's deprecated `page_number`); ignored with a `cursor`.
    pub offset: u64,
    pub limit: u32,
    /// A custom attribute to filter by (its value equal to `equals`).
    pub attribute: Option<AttributeFilter<'a>>,
    /// Only users of this type (Zoom's numeric code).
    pub user_type: Option<i64>,
    /// Only users in this settings group.
    pub group_id: Option<&'a str>,
    /// Only users of this department (ignoring case).
    pub dept: Option<&'a str>,
}

/// Filtering by a user's value of one custom attribute.
#[derive(Debug, Clone, Copy)]
pub struct AttributeFilter<'a> {
    /// The definition's key.
    pub key: &'a str,
    /// Only users whose value is this (canonical form).
    pub equals: &'a str,
    /// A number attribute: `user_attribute_values.num` holds the value as a number.
    pub numeric: bool,
}

/// What a list is sorted by; email breaks ties (and is the whole order for [`SortKey::Email`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey<'a> {
    #[default]
    Email,
    /// The name as the portal shows it (first and last, else the display name), ignoring case.
    Name,
    /// Zoom's numeric type code.
    Type,
    /// The department, ignoring case.
    Dept,
    /// When the user was added.
    Created,
    /// A custom attribute's value (users without one last in both directions). Numbers
    /// compare as numbers; dates, `YYYY-MM-DD`, as text. Read from `user_attribute_values`.
    Attribute { key: &'a str, numeric: bool },
}

/// An order: a key and a direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sort<'a> {
    pub key: SortKey<'a>,
    pub descending: bool,
}

/// A row's place in an order: its sort value and email. Keyset pages start next to it.
#[derive(Debug, Clone, Copy)]
pub struct Cursor<'a> {
    /// The row's value of the sort key (ignored when sorting by email).
    pub value: CursorValue<'a>,
    pub email: &'a str,
    /// The rows before it, nearest first (a previous page); else the rows after it.
    pub backward: bool,
}

impl<'a> Cursor<'a> {
    /// The rows after `email`, in email order.
    pub fn after_email(email: &'a str) -> Self {
        Self {
            value: CursorValue::Null,
            email,
            backward: false,
        }
    }
}

/// A sort value as the cursor carries it.
#[derive(Debug, Clone, Copy)]
pub enum CursorValue<'a> {
    /// Name, department, a text or date attribute, or a number attribute's canonical text.
    Text(&'a str),
    /// The type code.
    Int(i64),
    /// The time the user was added.
    Time(time::OffsetDateTime),
    /// The user has no value of the attribute sorted by.
    Null,
}

/// How many columns `columns!()` selects; a listed row's sort value follows them.
const COLUMNS: usize = 31;

/// The portal's name, lower-cased: first and last name, else the display name. The migration
/// `0026_users_sort` indexes this very expression (SQLite matches index expressions by text).
const NAME_EXPR: &str = "lower(CASE WHEN first_name = '' AND last_name = '' THEN display_name \
     ELSE trim(first_name || ' ' || last_name) END)";

/// A listed user and the text of its sort value (name, department or attribute; `None` for
/// the other keys, which the record itself carries, and for users without the attribute).
#[derive(Debug, Clone)]
pub struct Listed {
    pub user: UserRecord,
    pub sort_value: Option<String>,
}

impl FromRow for Listed {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            user: UserRecord::from_row(r)?,
            sort_value: r.opt_text(COLUMNS)?,
        })
    }
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

/// The WHERE clause and its parameters, numbered on from those already in `params`, for a
/// query `FROM users`: a custom attribute filter probes each user's value.
pub(super) fn where_clause<'a>(
    backend: Backend,
    f: &'a ListFilter<'a>,
    pattern: &'a str,
    sql: &mut String,
    params: &mut Vec<Param<'a>>,
) {
    filters(f, pattern, (backend, false), sql, params);
}

/// `FROM` a custom attribute filter's values (alias `fa`), joined to their users, for a list
/// in email order or a count led by the filter: one range of the `user_attribute_values_sort`
/// index (account, key, status, number, value, then email), each row joined to its user by id.
/// Probing every user of the account instead took seconds at 1M users for a rare value or a
/// count (BENCHMARKS.md). SQLite's CROSS JOIN keeps the values as the outer loop.
fn from_attribute(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            " FROM user_attribute_values fa CROSS JOIN users ON users.id = fa.user_id"
        }
        Backend::Postgres => " FROM user_attribute_values fa JOIN users ON users.id = fa.user_id",
    }
}

/// The filter's range of the values' sort index (alias `fa`), for the account and status
/// already bound as the parameters numbered `(account, status)` (SQLite numbers `$N` by first
/// appearance, so they come first here). Equal texts give equal numbers:
/// `num` is converted as it was stored (`users::number_of`), so this is an equality on the
/// index's first five columns.
fn attribute_range<'a>(
    backend: Backend,
    a: AttributeFilter<'a>,
    (account, status): (usize, usize),
    sql: &mut String,
    params: &mut Vec<Param<'a>>,
) {
    params.push(a.key.into());
    let k = params.len();
    params.push(a.equals.into());
    let v = params.len();
    let num = super::num_of_value(backend, a.numeric, &format!("${v}"));
    sql.push_str(&format!(
        "fa.account = ${account} AND fa.user_status = ${status} AND fa.attr_key = ${k} \
         AND fa.num = {num} AND fa.value = ${v}"
    ));
}

/// The conditions of [`where_clause`]; `led` (the query is [`from_attribute`]): the attribute
/// filter is the `fa` range instead of a probe per user.
fn filters<'a>(
    f: &'a ListFilter<'a>,
    pattern: &'a str,
    (backend, led): (Backend, bool),
    sql: &mut String,
    params: &mut Vec<Param<'a>>,
) {
    params.push(f.account.as_str().into());
    params.push(f.status.as_str().into());
    let n = params.len();
    let (account, status) = (n - 1, n);
    sql.push_str(&format!(
        " WHERE account_id = ${account} AND status = ${status}"
    ));
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
        // Case-insensitive, and one range of the `users_sort_dept` index (migration 0026), so
        // the page and its count stay cheap at any size.
        params.push(d.into());
        sql.push_str(&format!(" AND lower(dept) = lower(${})", params.len()));
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
    if let (Some(a), true) = (f.attribute, led) {
        sql.push_str(" AND ");
        attribute_range(backend, a, (account, status), sql, params);
    } else if let Some(a) = f.attribute {
        // The copy of the values that triggers keep (migration 0025): one primary-key probe
        // per user rather than reading the user's JSON.
        params.push(a.key.into());
        let k = params.len();
        params.push(a.equals.into());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM user_attribute_values fv \
             WHERE fv.user_id = users.id AND fv.attr_key = ${k} AND fv.value = ${})",
            params.len()
        ));
    }
    if f.search.is_some() {
        params.push(pattern.into());
        let n = params.len();
        // The pattern is lower-case. SQLite's LIKE ignores ASCII case and its lower() knows
        // ASCII only, so the columns go as they are: the same matches without three calls per
        // user, which took two fifths of a search. PostgreSQL's LIKE minds case.
        let fold = |column: &str| match backend {
            Backend::Sqlite => column.to_owned(),
            Backend::Postgres => format!("lower({column})"),
        };
        let like = |column: &str| format!("{} LIKE ${n} ESCAPE '\\'", fold(column));
        sql.push_str(&format!(
            " AND (email LIKE ${n} ESCAPE '\\' OR {} OR {} OR {})",
            like("first_name"),
            like("last_name"),
            like("display_name")
        ));
    }
}

/// The sort key's SQL expression and the expression selected as the row's sort value (the
/// text ones; the others the record carries). Custom attributes sort in [`super::by_attribute`].
fn sort_expr(key: SortKey<'_>) -> (&'static str, &'static str) {
    match key {
        SortKey::Name => (NAME_EXPR, NAME_EXPR),
        SortKey::Dept => ("lower(dept)", "lower(dept)"),
        SortKey::Type => ("type", "CAST(NULL AS TEXT)"),
        SortKey::Created => ("created_at", "CAST(NULL AS TEXT)"),
        SortKey::Email | SortKey::Attribute { .. } => ("email", "CAST(NULL AS TEXT)"),
    }
}

/// One page of users in `f.sort`'s order (read backwards from a backward cursor, so nearest
/// first), each with its sort value.
pub async fn list_sorted(conn: &mut Conn, f: &ListFilter<'_>) -> Result<Vec<Listed>> {
    let pattern = f.search.map(like_pattern).unwrap_or_default();
    if let SortKey::Attribute { key, numeric } = f.sort.key {
        return super::by_attribute::list(conn, f, &pattern, key, numeric).await;
    }
    let mut params: Vec<Param<'_>> = Vec::with_capacity(8);
    let (expr, selected) = sort_expr(f.sort.key);
    // In email order, an attribute filter leads (see `from_attribute`); its index is in email
    // order within the filter's value. In another order it leads when it matches few users,
    // who are then sorted; when it matches many, walking the order's index and probing each
    // user finds a page's matches soon.
    let backend = conn.backend();
    let led = match f.attribute {
        Some(_) if f.sort.key == SortKey::Email => true,
        Some(a) => matches_few(conn, f, a).await?,
        None => false,
    };
    let (email, from) = if led {
        ("fa.user_email", from_attribute(backend))
    } else {
        ("email", " FROM users")
    };
    let mut sql = format!(concat!("SELECT ", columns!(), ", {}{}"), selected, from);
    filters(f, &pattern, (backend, led), &mut sql, &mut params);
    let backward = f.cursor.is_some_and(|c| c.backward);
    // The direction rows are read in: the order's, or its reverse going back.
    let reverse = f.sort.descending != backward;
    let (op, dir) = if reverse { ("<", "DESC") } else { (">", "ASC") };
    if let Some(c) = f.cursor {
        let value = match c.value {
            CursorValue::Text(t) => Some(Param::from(t)),
            CursorValue::Int(i) => Some(i.into()),
            CursorValue::Time(t) => Some(t.into()),
            CursorValue::Null => None,
        };
        match (f.sort.key, value) {
            (SortKey::Name | SortKey::Dept, Some(v)) => {
                // SQLite seeks an index on an expression for a plain range only, not a row
                // value: `expr >= v` bounds the scan, ties are then filtered by email.
                params.push(v);
                let v = params.len();
                params.push(c.email.into());
                let e = params.len();
                sql.push_str(&format!(
                    " AND {expr} {op}= ${v} AND ({expr} {op} ${v} OR email {op} ${e})"
                ));
            }
            (SortKey::Type | SortKey::Created, Some(v)) => {
                params.push(v);
                let v = params.len();
                params.push(c.email.into());
                let e = params.len();
                sql.push_str(&format!(" AND ({expr}, email) {op} (${v}, ${e})"));
            }
            _ => {
                params.push(c.email.into());
                sql.push_str(&format!(" AND {email} {op} ${}", params.len()));
            }
        }
    }
    if expr == "email" {
        sql.push_str(&format!(" ORDER BY {email} {dir}"));
    } else {
        sql.push_str(&format!(" ORDER BY {expr} {dir}, email {dir}"));
    }
    params.push(i64::from(f.limit).into());
    sql.push_str(&format!(" LIMIT ${}", params.len()));
    if f.cursor.is_none() && f.offset > 0 {
        params.push(i64::try_from(f.offset).unwrap_or(i64::MAX).into());
        sql.push_str(&format!(" OFFSET ${}", params.len()));
    }
    conn.fetch_all(&sql, &params).await
}

/// An attribute filter matching at most this many users leads a list in an order other than
/// email's: its matches are read from the values' index and sorted. With more, the list walks
/// the order's index and probes each user's value, which finds a page of common values soon
/// (at 100k users, a value nobody has took 120-175 ms that way).
pub const LEAD_AT_MOST: i64 = 2000;

/// Whether `a` matches at most [`LEAD_AT_MOST`] of the listed status's users (a bounded walk
/// of its index range).
async fn matches_few(conn: &mut Conn, f: &ListFilter<'_>, a: AttributeFilter<'_>) -> Result<bool> {
    let mut sql =
        String::from("SELECT COUNT(*) FROM (SELECT 1 FROM user_attribute_values fa WHERE ");
    let mut params: Vec<Param<'_>> = vec![f.account.as_str().into(), f.status.as_str().into()];
    attribute_range(conn.backend(), a, (1, 2), &mut sql, &mut params);
    params.push((LEAD_AT_MOST + 1).into());
    sql.push_str(&format!(" LIMIT ${}) AS few", params.len()));
    let n: i64 = conn.fetch_one(&sql, &params).await?;
    Ok(n <= LEAD_AT_MOST)
}

/// One page of users in `f.sort`'s order.
pub async fn list(conn: &mut Conn, f: &ListFilter<'_>) -> Result<Vec<UserRecord>> {
    Ok(list_sorted(conn, f)
        .await?
        .into_iter()
        .map(|l| l.user)
        .collect())
}

/// How many users match `f` (ignoring its paging). Without filters this reads the maintained
/// counts, and with only an attribute filter one index range of the values, so both cost the
/// same at any size.
pub async fn count(conn: &mut Conn, f: &ListFilter<'_>) -> Result<i64> {
    let others = f.role_id.is_some()
        || f.search.is_some()
        || f.groups.is_some()
        || f.user_type.is_some()
        || f.group_id.is_some()
        || f.dept.is_some();
    if let (Some(a), false) = (f.attribute, others) {
        let mut sql = String::from("SELECT COUNT(*) FROM user_attribute_values fa WHERE ");
        let mut params: Vec<Param<'_>> = vec![f.account.as_str().into(), f.status.as_str().into()];
        attribute_range(conn.backend(), a, (1, 2), &mut sql, &mut params);
        return conn.fetch_one(&sql, &params).await;
    }
    if f.attribute.is_none() && !others {
        return conn
            .fetch_one(
                "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts \
                 WHERE account_id = $1 AND status = $2",
                params![f.account.as_str(), f.status.as_str()],
            )
            .await;
    }
    let pattern = f.search.map(like_pattern).unwrap_or_default();
    let backend = conn.backend();
    let led = f.attribute.is_some();
    // A search reads every user of the account: in id order on SQLite, which is the table's
    // own order (ids are time-ordered), not in the order of an index SQLite might pick, such
    // as join dates set out of order, which reads the table at random (250 ms against 80 ms
    // for 100k users seeded with varied join dates).
    let from = match (led, f.search.is_some(), backend) {
        (true, _, _) => from_attribute(backend),
        (false, true, Backend::Sqlite) => " FROM users INDEXED BY users_account_id",
        (false, _, _) => " FROM users",
    };
    let mut sql = format!("SELECT COUNT(*){from}");
    let mut params: Vec<Param<'_>> = Vec::with_capacity(4);
    filters(f, &pattern, (backend, led), &mut sql, &mut params);
    conn.fetch_one(&sql, &params).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sort_value_follows_every_column() {
        assert_eq!(columns!().split(',').count(), super::COLUMNS);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::like_pattern("a_b%c"), "%a\\_b\\%c%");
    }
}
