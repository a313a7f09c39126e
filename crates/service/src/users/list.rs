//! Listing users: `GET /v2/users` with Zoom's status, role and paging parameters (keyset
//! `next_page_token`, or the deprecated `page_number`), plus a name/email search for the portal.

use super::UserView;
use crate::{Error, Result, Service};
use roster_domain::paging;
use roster_domain::{Principal, UserStatus};
use roster_store::users::{self, ListFilter};

/// The list parameters, as the caller sent them.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// `active` (default), `inactive` or `pending`.
    pub status: Option<String>,
    pub role_id: Option<String>,
    pub page_size: Option<i64>,
    pub page_number: Option<i64>,
    pub next_page_token: Option<String>,
    /// Text to find in email, first, last or display name (case-insensitive).
    pub search: Option<String>,
    /// Roster: a custom attribute (key or name) whose value must equal `custom_attribute_value`.
    pub custom_attribute: Option<String>,
    pub custom_attribute_value: Option<String>,
    /// Roster: sort by this custom attribute (key or name; users without a value last), then
    /// email. Paging is then by position: the `next_page_token` carries an offset.
    pub sort_by_custom_attribute: Option<String>,
    /// `asc` (default) or `desc`, with `sort_by_custom_attribute`.
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

/// The custom attribute filter and sort a query asks for, against the account's definitions.
fn attribute_filter<'a>(
    defs: &'a roster_domain::custom_attribute::Definitions,
    q: &'a ListQuery,
    value: &'a mut String,
) -> Result<Option<users::AttributeFilter<'a>>> {
    use roster_domain::custom_attribute::AttributeKind;
    let filter = given(q.custom_attribute.as_deref());
    let sort = given(q.sort_by_custom_attribute.as_deref());
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
    if filter.is_some() && sort.is_some() && filter != sort {
        return Err(Error::invalid(
            "sort_by_custom_attribute",
            "filter and sort by the same custom attribute",
        ));
    }
    let Some(name) = filter.or(sort) else {
        return Ok(None);
    };
    let def = defs.find(name).ok_or_else(|| {
        let field = if filter.is_some() {
            "custom_attribute"
        } else {
            "sort_by_custom_attribute"
        };
        Error::invalid(
            field,
            format!("\"{name}\" is not a custom attribute of this account"),
        )
    })?;
    let equals = match (filter, q.custom_attribute_value.as_deref()) {
        (Some(_), Some(v)) => {
            *value = def
                .check_value(v)
                .map_err(|e| Error::invalid("custom_attribute_value", e))?;
            true
        }
        (Some(_), None) => {
            return Err(Error::invalid(
                "custom_attribute_value",
                "custom_attribute_value is required with custom_attribute",
            ))
        }
        _ => false,
    };
    Ok(Some(users::AttributeFilter {
        key: &def.key,
        equals: equals.then_some(value.as_str()),
        sort: sort.is_some(),
        descending,
        numeric: def.kind == AttributeKind::Number,
    }))
}

/// A position token (sorted lists page by offset): `@` and the offset (no email starts with `@`).
fn offset_of(after: Option<&str>) -> Result<Option<u64>> {
    match after {
        None => Ok(None),
        Some(a) => a
            .strip_prefix('@')
            .and_then(|n| n.parse().ok())
            .map(Some)
            .ok_or_else(|| {
                Error::invalid(
                    "next_page_token",
                    "this next_page_token belongs to another sort order",
                )
            }),
    }
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
}

impl Service {
    /// A page of the caller's account's users, ordered by email. Admins only.
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
        let sorted = attribute.is_some_and(|a| a.sort);
        let mut offset = u64::from(page_number - 1) * u64::from(page_size);
        if sorted {
            if let Some(o) = offset_of(after.as_deref())? {
                offset = o;
            }
        } else if after.as_deref().is_some_and(|a| a.starts_with('@')) {
            return Err(Error::invalid(
                "next_page_token",
                "this next_page_token belongs to another sort order",
            ));
        }
        let filter = ListFilter {
            account: &principal.account_id,
            status,
            role_id,
            groups: principal.group_scope.as_deref(),
            search: search.as_deref(),
            after_email: after.as_deref(),
            offset,
            // One more than asked, to know whether a next page exists.
            limit: page_size + 1,
            attribute,
            user_type: q.user_type,
            group_id: given(q.group_id.as_deref()),
            dept: given(q.dept.as_deref()),
        };
        let mut rows = users::list(&mut conn, &filter).await?;
        let total = u64::try_from(users::count(&mut conn, &filter).await?).unwrap_or(0);
        let next_offset = offset + u64::from(page_size);
        let next_page_token = crate::paging::finish(&mut rows, page_size, |u| {
            if sorted {
                format!("@{next_offset}")
            } else {
                u.email.to_string()
            }
        });
        Ok(UserPage {
            users: super::views(&mut conn, rows).await?,
            page_size,
            page_number,
            page_count: total.div_ceil(u64::from(page_size)),
            total_records: total,
            next_page_token,
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
