//! The admin's view of an account's external contacts (per user, with the channels they share)
//! and removing one from the whole account: from every user's contact list and from every
//! channel and group chat, in one transaction. Messages stay: the person still finds their
//! one-to-one history by their email, the admins keep all of it, and adding the person again
//! later brings the same history back into view.

use super::emit;
use crate::users::{require, resolve};
use crate::{Actor, Error, Result, Service};
use roster_domain::{paging, AccountId, Email, Principal, Privilege};
use roster_store::contacts::{self, ExternalContact, ExternalFilter};
use roster_store::{accounts, chat, users, Conn};
use serde_json::json;

/// Which external contacts to list.
#[derive(Debug, Clone, Default)]
pub struct ExternalQuery {
    /// Only this user's (id or email).
    pub user: Option<String>,
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

/// One page of an account's external contacts.
#[derive(Debug, Clone)]
pub struct ExternalPage {
    pub contacts: Vec<ExternalContact>,
    pub page_size: u32,
    pub total_records: i64,
    pub next_page_token: String,
}

/// What removing an external contact from an account did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalRemoval {
    /// The users whose contact lists it left.
    pub user_ids: Vec<String>,
    /// The channels (and group chats) it left.
    pub channel_ids: Vec<String>,
}

/// An admin over the whole account: the privilege on every user, not a group-limited role.
fn require_all(principal: &Principal, p: Privilege) -> Result<()> {
    require(principal, p)?;
    if principal.may_for_all_groups(p) {
        Ok(())
    } else {
        Err(Error::NoPrivilege)
    }
}

async fn existing_account(conn: &mut Conn, account: &str) -> Result<AccountId> {
    let not_found = || Error::AccountNotFound(account.to_owned());
    let id = AccountId::parse(account).ok_or_else(not_found)?;
    accounts::find(conn, &id).await?.ok_or_else(not_found)?;
    Ok(id)
}

impl Service {
    /// The account's external contacts, per user, each with the number of the account's
    /// channels the user and the contact share. Needs `User:Read` over the whole account.
    pub async fn list_external_contacts(
        &self,
        principal: &Principal,
        q: &ExternalQuery,
    ) -> Result<ExternalPage> {
        require_all(principal, Privilege::UserRead)?;
        let mut conn = self.db.read().await?;
        external_page(&mut conn, Some(principal), &principal.account_id, q).await
    }

    /// The same for the operator at the shell (`roster chat external-contacts`).
    pub async fn list_external_contacts_as_operator(
        &self,
        account: &str,
        q: &ExternalQuery,
    ) -> Result<ExternalPage> {
        let mut conn = self.db.read().await?;
        let account = existing_account(&mut conn, account).await?;
        external_page(&mut conn, None, &account, q).await
    }

    /// Removes an external contact from the account. Needs `User:Edit` over the whole account.
    #[tracing::instrument(skip_all)]
    pub async fn remove_external_contact(
        &self,
        principal: &Principal,
        email: &str,
    ) -> Result<ExternalRemoval> {
        require_all(principal, Privilege::UserEdit)?;
        let mut tx = self.db.begin().await?;
        let removal = remove(
            &mut tx,
            &Actor::Principal(principal),
            &principal.account_id,
            email,
        )
        .await?;
        tx.commit().await?;
        Ok(removal)
    }

    /// The same for the operator at the shell (`roster chat remove-external-contact`).
    #[tracing::instrument(skip_all)]
    pub async fn remove_external_contact_as_operator(
        &self,
        account: &str,
        email: &str,
    ) -> Result<ExternalRemoval> {
        let mut tx = self.db.begin().await?;
        let account = existing_account(&mut tx, account).await?;
        let removal = remove(&mut tx, &Actor::Operator, &account, email).await?;
        tx.commit().await?;
        Ok(removal)
    }
}

async fn external_page(
    conn: &mut Conn,
    principal: Option<&Principal>,
    account: &AccountId,
    q: &ExternalQuery,
) -> Result<ExternalPage> {
    let page_size = paging::page_size(q.page_size).map_err(|e| Error::invalid("page_size", e))?;
    let after = crate::paging::after(q.next_page_token.as_deref())?;
    let after = match &after {
        None => None,
        Some(key) => Some(
            key.split_once(' ')
                .ok_or_else(|| Error::invalid("next_page_token", paging::PagingError::Token))?,
        ),
    };
    let user = match q.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(user_ref) => Some(match principal {
            Some(p) => resolve(conn, p, user_ref).await?,
            None => {
                let not_found = || Error::UserNotFound(user_ref.to_owned());
                let email = Email::parse(user_ref).map_err(|_| not_found())?;
                users::find_by_email(conn, account, &email)
                    .await?
                    .ok_or_else(not_found)?
            }
        }),
    };
    let user_id = user.as_ref().map(|u| &u.id);
    let mut rows = contacts::list_external(
        conn,
        &ExternalFilter {
            account,
            user: user_id,
            after,
            limit: page_size + 1,
        },
    )
    .await?;
    let total_records = contacts::count_external(conn, account, user_id).await?;
    let next_page_token = crate::paging::finish(&mut rows, page_size, |c| {
        format!("{} {}", c.user_email, c.email)
    });
    Ok(ExternalPage {
        contacts: rows,
        page_size,
        total_records,
        next_page_token,
    })
}

async fn remove(
    conn: &mut Conn,
    actor: &Actor<'_>,
    account: &AccountId,
    raw: &str,
) -> Result<ExternalRemoval> {
    let not_found = || Error::ContactNotFound(raw.trim().to_owned());
    let email = Email::parse(raw).map_err(|_| not_found())?;
    // A user of the account is never an external contact of it.
    if users::find_by_email(conn, account, &email).await?.is_some() {
        return Err(not_found());
    }
    let user_ids = contacts::holders(conn, account, &email).await?;
    let channel_ids = chat::channels_with_external(conn, account, &email).await?;
    if user_ids.is_empty() && channel_ids.is_empty() {
        return Err(not_found());
    }
    contacts::delete_from_account(conn, account, &email).await?;
    chat::remove_external_everywhere(conn, account, &email).await?;
    let mut extra = serde_json::Map::new();
    extra.insert("user_ids".into(), json!(user_ids));
    extra.insert("channel_ids".into(), json!(channel_ids));
    emit(
        conn,
        account,
        actor,
        "contact.external_removed",
        email.as_str(),
        json!({"email": email.as_str()}),
        extra,
        crate::record_time(),
    )
    .await?;
    Ok(ExternalRemoval {
        user_ids,
        channel_ids,
    })
}
