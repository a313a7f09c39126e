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
        let role_id = q
            .role_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let filter = ListFilter {
            account: &principal.account_id,
            status,
            role_id,
            groups: principal.group_scope.as_deref(),
            search: search.as_deref(),
            after_email: after.as_deref(),
            offset: u64::from(page_number - 1) * u64::from(page_size),
            // One more than asked, to know whether a next page exists.
            limit: page_size + 1,
        };
        let mut conn = self.db.read().await?;
        let mut rows = users::list(&mut conn, &filter).await?;
        let total = u64::try_from(users::count(&mut conn, &filter).await?).unwrap_or(0);
        let next_page_token = crate::paging::finish(&mut rows, page_size, |u| u.email.to_string());
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
