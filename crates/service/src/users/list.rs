//! Listing users: `GET /v2/users` with Zoom's status, role and paging parameters (keyset
//! `next_page_token`, or the deprecated `page_number`), plus Roster's name/email search,
//! filters and sort orders for the portal, each paged by keyset both ways.

use super::UserView;
use crate::{Error, Result, Service};
use roster_domain::custom_attribute::{AttributeKind, Definitions};
use roster_domain::paging::{self, PageToken};
use roster_domain::{Principal, UserStatus};
use roster_store::users::{self, Cursor, CursorValue, ListFilter, Listed, Sort, SortKey};

/// The list parameters, as the caller sent them.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// `active` (default), `inactive` or `pending`.
    pub status: Option<String>,
    pub role_id: Option<String>,
    pub page_size: Option<i64>,
    pub page_number: Option<i64>,
    /// Where the page starts: a `next_page_token` or a `previous_page_token` of a page before.
    pub next_page_token: Option<String>,
    /// Text to find in email, first, last or display name (case-insensitive).
    pub search: Option<String>,
    /// Roster: a custom attribute (key or name) whose value must equal `custom_attribute_value`.
    pub custom_attribute: Option<String>,
    pub custom_attribute_value: Option<String>,
    /// Roster: `email` (default), `name`, `type`, `department` or `created`; email breaks ties.
    pub sort_by: Option<String>,
    /// Roster: sort by this custom attribute (key or name; users without a value last), then
    /// email. Not with `sort_by`.
    pub sort_by_custom_attribute: Option<String>,
    /// `asc` (default) or `desc`.
    pub sort_order: Option<String>,
    /// Roster (the portal's filters): only users of this type, in this settings group, or of
    /// this department.
    pub user_type: Option<i64>,
    pub group_id: Option<String>,
    pub dept: Option<String>,
}

fn given(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The custom attribute filter a query asks for, against the account's definitions; `value`
/// receives the canonical value it compares with.
fn attribute_filter<'a>(
    defs: &'a Definitions,
    q: &'a ListQuery,
    value: &'a mut String,
) -> Result<Option<users::AttributeFilter<'a>>> {
    let Some(name) = given(q.custom_attribute.as_deref()) else {
        return Ok(None);
    };
    let def = defs.find(name).ok_or_else(|| {
        Error::invalid(
            "custom_attribute",
            format!("\"{name}\" is not a custom attribute of this account"),
        )
    })?;
    let Some(v) = q.custom_attribute_value.as_deref() else {
        return Err(Error::invalid(
            "custom_attribute_value",
            "custom_attribute_value is required with custom_attribute",
        ));
    };
    *value = def
        .check_value(v)
        .map_err(|e| Error::invalid("custom_attribute_value", e))?;
    Ok(Some(users::AttributeFilter {
        key: &def.key,
        equals: value.as_str(),
        numeric: def.kind == roster_domain::custom_attribute::AttributeKind::Number,
    }))
}

/// The order a query asks for.
fn sort_of<'a>(defs: &'a Definitions, q: &'a ListQuery) -> Result<Sort<'a>> {
    let descending = match given(q.sort_order.as_deref()) {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            return Err(Error::invalid(
                "sort_order",
                "sort_order must be asc or desc",
            ))
        }
    };
    let key = match (
        given(q.sort_by.as_deref()),
        given(q.sort_by_custom_attribute.as_deref()),
    ) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "sort_by",
                "sort_by and sort_by_custom_attribute cannot be used together",
            ))
        }
        (None, None) | (Some("email"), None) => SortKey::Email,
        (Some("name"), None) => SortKey::Name,
        (Some("type"), None) => SortKey::Type,
        (Some("department"), None) => SortKey::Dept,
        (Some("created"), None) => SortKey::Created,
        (Some(_), None) => {
            return Err(Error::invalid(
                "sort_by",
                "sort_by must be email, name, type, department or created",
            ))
        }
        (None, Some(name)) => {
            let def = defs.find(name).ok_or_else(|| {
                Error::invalid(
                    "sort_by_custom_attribute",
                    format!("\"{name}\" is not a custom attribute of this account"),
                )
            })?;
            SortKey::Attribute {
                key: &def.key,
                numeric: def.kind == AttributeKind::Number,
            }
        }
    };
    Ok(Sort { key, descending })
}

/// A sort order's name in page tokens, so a token is refused under another order.
fn sort_id(sort: &Sort<'_>) -> String {
    let key = match sort.key {
        SortKey::Email => "email",
        SortKey::Name => "name",
        SortKey::Type => "type",
        SortKey::Dept => "department",
        SortKey::Created => "created",
        SortKey::Attribute { key, .. } => return format!("attr:{key}:{}", sort.descending),
    };
    format!("{key}:{}", sort.descending)
}

/// A keyset position decoded from a token: the row's sort value and email, and the direction.
#[derive(Debug)]
struct Position {
    value: Option<String>,
    email: String,
    backward: bool,
}

/// A position as the `after` of a page token: the email alone for the plain forward email
/// order (as ever, so API clients' tokens keep their shape), else `@2`, the order, `f` or
/// `b`, the email and the value, one per line (no email starts with `@` or holds a newline).
fn encode_position(sort: &Sort<'_>, p: &Position) -> String {
    if sort.key == SortKey::Email && !sort.descending && !p.backward {
        return p.email.clone();
    }
    let value = match &p.value {
        Some(v) => format!("={v}"),
        None => "-".to_owned(),
    };
    format!(
        "@2\n{}\n{}\n{}\n{value}",
        sort_id(sort),
        if p.backward { "b" } else { "f" },
        p.email
    )
}

fn decode_position(sort: &Sort<'_>, raw: &str) -> Result<Position> {
    let other = || {
        Error::invalid(
            "next_page_token",
            "this next_page_token belongs to another sort order",
        )
    };
    let Some(rest) = raw.strip_prefix('@') else {
        return if sort.key == SortKey::Email && !sort.descending {
            Ok(Position {
                value: None,
                email: raw.to_owned(),
                backward: false,
            })
        } else {
            Err(other())
        };
    };
    let mut parts = rest.splitn(5, '\n');
    let (Some("2"), Some(id), Some(dir), Some(email), Some(value)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(other());
    };
    if id != sort_id(sort) || email.is_empty() {
        return Err(other());
    }
    let backward = match dir {
        "f" => false,
        "b" => true,
        _ => return Err(other()),
    };
    let value = match value {
        "-" => None,
        v => Some(v.strip_prefix('=').ok_or_else(other)?.to_owned()),
    };
    Ok(Position {
        value,
        email: email.to_owned(),
        backward,
    })
}

/// The store's cursor for `p` under `sort`; a value the order cannot hold is refused.
fn cursor<'a>(sort: &Sort<'_>, p: &'a Position) -> Result<Cursor<'a>> {
    let bad = || {
        Error::invalid(
            "next_page_token",
            "The next page token is invalid or expired.",
        )
    };
    let value = match (sort.key, p.value.as_deref()) {
        (SortKey::Email, _) => CursorValue::Null,
        (SortKey::Type, Some(v)) => CursorValue::Int(v.parse().map_err(|_| bad())?),
        (SortKey::Created, Some(v)) => CursorValue::Time(
            v.parse::<i128>()
                .ok()
                .and_then(|n| time::OffsetDateTime::from_unix_timestamp_nanos(n).ok())
                .ok_or_else(bad)?,
        ),
        (SortKey::Name | SortKey::Dept | SortKey::Attribute { .. }, Some(v)) => {
            CursorValue::Text(v)
        }
        (SortKey::Attribute { .. }, None) => CursorValue::Null,
        (SortKey::Name | SortKey::Dept | SortKey::Type | SortKey::Created, None) => {
            return Err(bad())
        }
    };
    Ok(Cursor {
        value,
        email: &p.email,
        backward: p.backward,
    })
}

/// The token of a page that starts next to `row`, going `backward` or on.
fn token_at(sort: &Sort<'_>, row: &Listed, backward: bool) -> String {
    let value = match sort.key {
        SortKey::Email => None,
        SortKey::Type => Some(row.user.user_type.code().to_string()),
        SortKey::Created => Some(row.user.created_at.unix_timestamp_nanos().to_string()),
        SortKey::Name | SortKey::Dept | SortKey::Attribute { .. } => row.sort_value.clone(),
    };
    let p = Position {
        value,
        email: row.user.email.to_string(),
        backward,
    };
    PageToken {
        after: encode_position(sort, &p),
        issued_at_ms: crate::paging::now_ms(),
    }
    .encode()
}

/// One page of users.
#[derive(Debug, Clone)]
pub struct UserPage {
    pub users: Vec<UserView>,
    pub page_size: u32,
    pub page_number: u32,
    pub page_count: u64,
    pub total_records: u64,
    /// Empty on the last page.
    pub next_page_token: String,
    /// Roster: the page before this one (pass it as `next_page_token`); empty on the first.
    pub previous_page_token: String,
}

impl Service {
    /// A page of the caller's account's users, ordered by email or as `q` asks. Admins only.
    #[tracing::instrument(skip_all)]
    pub async fn list_users(&self, principal: &Principal, q: ListQuery) -> Result<UserPage> {
        super::require(principal, roster_domain::Privilege::UserRead)?;
        let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => UserStatus::Active,
            Some(s) => UserStatus::parse(s).ok_or_else(|| {
                Error::invalid("status", "status must be active, inactive or pending")
            })?,
        };
        let page_size =
            paging::page_size(q.page_size).map_err(|e| Error::invalid("page_size", e))?;
        let page_number =
            paging::page_number(q.page_number).map_err(|e| Error::invalid("page_number", e))?;
        let after = crate::paging::after(q.next_page_token.as_deref())?;
        let search = q
            .search
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        if q.user_type
            .is_some_and(|t| roster_domain::UserType::from_code(t).is_none())
        {
            return Err(Error::invalid("type", "type must be 1, 2, 3, 4 or 99"));
        }
        let role_id = q
            .role_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let mut conn = self.db.read().await?;
        let defs = if q.custom_attribute.is_some() || q.sort_by_custom_attribute.is_some() {
            crate::admin::attributes::definitions(&mut conn, &principal.account_id).await?
        } else {
            Default::default()
        };
        let mut value = String::new();
        let attribute = attribute_filter(&defs, &q, &mut value)?;
        let sort = sort_of(&defs, &q)?;
        let position = after
            .as_deref()
            .map(|a| decode_position(&sort, a))
            .transpose()?;
        let mut filter = ListFilter {
            account: &principal.account_id,
            status,
            role_id,
            groups: principal.group_scope.as_deref(),
            search: search.as_deref(),
            sort,
            cursor: position.as_ref().map(|p| cursor(&sort, p)).transpose()?,
            offset: u64::from(page_number - 1) * u64::from(page_size),
            // One more than asked, to know whether a page follows.
            limit: page_size + 1,
            attribute,
            user_type: q.user_type,
            group_id: given(q.group_id.as_deref()),
            dept: given(q.dept.as_deref()),
        };
        let size = usize::try_from(page_size).unwrap_or(usize::MAX);
        let mut rows = users::list_sorted(&mut conn, &filter).await?;
        let backward = filter.cursor.is_some_and(|c| c.backward);
        if backward && rows.len() <= size {
            // Back at the start: the first page, whole.
            filter.cursor = None;
            filter.offset = 0;
            rows = users::list_sorted(&mut conn, &filter).await?;
        }
        // A first page with room to spare holds every match: its length is the total, and the
        // count, which reads every match again (all users, for a search), is not needed.
        let whole = filter.cursor.is_none() && filter.offset == 0 && rows.len() <= size;
        let (next_page_token, previous_page_token) = if backward && filter.cursor.is_some() {
            rows.truncate(size);
            rows.reverse();
            (
                rows.last()
                    .map(|r| token_at(&sort, r, false))
                    .unwrap_or_default(),
                rows.first()
                    .map(|r| token_at(&sort, r, true))
                    .unwrap_or_default(),
            )
        } else {
            let more = rows.len() > size;
            rows.truncate(size);
            let next = match rows.last() {
                Some(r) if more => token_at(&sort, r, false),
                _ => String::new(),
            };
            let past_first = filter.cursor.is_some() || filter.offset > 0;
            let previous = match rows.first() {
                Some(r) if past_first => token_at(&sort, r, true),
                _ => String::new(),
            };
            (next, previous)
        };
        let total = if whole {
            rows.len() as u64
        } else {
            u64::try_from(users::count(&mut conn, &filter).await?).unwrap_or(0)
        };
        Ok(UserPage {
            users: super::views(&mut conn, rows.into_iter().map(|r| r.user).collect()).await?,
            page_size,
            page_number,
            page_count: total.div_ceil(u64::from(page_size)),
            total_records: total,
            next_page_token,
            previous_page_token,
        })
    }

    /// Whether an email is registered anywhere in this installation (`GET /users/email`).
    pub async fn email_registered(&self, principal: &Principal, email: &str) -> Result<bool> {
        super::require(principal, roster_domain::Privilege::UserRead)?;
        let email = roster_domain::Email::parse(email).map_err(|e| Error::invalid("email", e))?;
        let mut conn = self.db.read().await?;
        Ok(users::email_exists(&mut conn, &email).await?)
    }
}
