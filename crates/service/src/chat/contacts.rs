//! A user's own contacts: add (internal or external), remove, list by kind.

use super::{chat_user, emit};
use crate::users::text;
use crate::{Actor, Error, Result, Service};
use roster_domain::chat::{classify_contact, ContactKind};
use roster_domain::{paging, Email, Principal};
use roster_store::contacts::{self, ContactRecord};
use roster_store::users;
use serde_json::{json, Map};

/// A contact to add.
#[derive(Debug, Clone, Default)]
pub struct NewContact {
    pub email: Option<String>,
    /// Names for an external contact (an internal one shows the user's own).
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// One page of a user's contacts.
#[derive(Debug, Clone)]
pub struct ContactPage {
    pub contacts: Vec<ContactRecord>,
    pub page_size: u32,
    pub next_page_token: String,
}

fn kind_name(c: &ContactRecord) -> &'static str {
    if c.user_id.is_some() {
        "company"
    } else {
        "external"
    }
}

impl Service {
    /// Adds a contact to a user's list: a user of their account (internal), or anyone else by
    /// email (external). Refuses their own address, a bad email, and a contact already there.
    #[tracing::instrument(skip_all)]
    pub async fn add_contact(
        &self,
        principal: &Principal,
        user_ref: &str,
        new: &NewContact,
    ) -> Result<ContactRecord> {
        let email = Email::parse(new.email.as_deref().unwrap_or_default())
            .map_err(|e| Error::invalid("email", e))?;
        let first_name = text(
            "first_name",
            new.first_name.as_deref().unwrap_or_default(),
            64,
        )?;
        let last_name = text(
            "last_name",
            new.last_name.as_deref().unwrap_or_default(),
            64,
        )?;
        let mut tx = self.db.begin().await?;
        let owner = chat_user(&mut tx, principal, user_ref).await?;
        let in_account = users::find_by_email(&mut tx, &owner.account_id, &email)
            .await?
            .is_some();
        let kind = classify_contact(&owner.email, &email, in_account)?;
        if contacts::find(&mut tx, &owner.account_id, &owner.id, &email)
            .await?
            .is_some()
        {
            return Err(Error::ContactExists(email.to_string()));
        }
        // An internal contact's names are the user's own, read when listed.
        let (first, last) = match kind {
            ContactKind::Internal => ("", ""),
            ContactKind::External => (first_name.as_str(), last_name.as_str()),
        };
        let at = self.now();
        // A concurrent add of the same contact loses on the primary key, under whatever name
        // the backend gives it.
        contacts::insert(&mut tx, &owner.id, &email, first, last, at)
            .await
            .map_err(|e| match e {
                roster_store::Error::Unique(_) => Error::ContactExists(email.to_string()),
                other => other.into(),
            })?;
        let contact = contacts::find(&mut tx, &owner.account_id, &owner.id, &email)
            .await?
            .ok_or_else(|| Error::Internal("contact vanished after insert".into()))?;
        let mut extra = Map::new();
        extra.insert("user_id".into(), json!(owner.id.as_str()));
        emit(
            &mut tx,
            &owner.account_id,
            &Actor::Principal(principal),
            "contact.added",
            owner.id.as_str(),
            json!({"email": email.as_str(), "first_name": contact.first_name,
                   "last_name": contact.last_name, "type": kind_name(&contact)}),
            extra,
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(contact)
    }

    /// Removes one of a user's contacts; an address not on their list is 404.
    #[tracing::instrument(skip_all)]
    pub async fn remove_contact(
        &self,
        principal: &Principal,
        user_ref: &str,
        contact: &str,
    ) -> Result<()> {
        let not_found = || Error::ContactNotFound(contact.trim().to_owned());
        let email = Email::parse(contact).map_err(|_| not_found())?;
        let mut tx = self.db.begin().await?;
        let owner = chat_user(&mut tx, principal, user_ref).await?;
        let found = contacts::find(&mut tx, &owner.account_id, &owner.id, &email)
            .await?
            .ok_or_else(not_found)?;
        contacts::delete(&mut tx, &owner.id, &email).await?;
        let mut extra = Map::new();
        extra.insert("user_id".into(), json!(owner.id.as_str()));
        emit(
            &mut tx,
            &owner.account_id,
            &Actor::Principal(principal),
            "contact.deleted",
            owner.id.as_str(),
            json!({"email": email.as_str(), "type": kind_name(&found)}),
            extra,
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of a user's contacts of one kind: `company` (the default, as Zoom's) or
    /// `external`.
    pub async fn list_contacts(
        &self,
        principal: &Principal,
        user_ref: &str,
        kind: Option<&str>,
        page_size: Option<i64>,
        next_page_token: Option<&str>,
    ) -> Result<ContactPage> {
        let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
            None => ContactKind::Internal,
            Some(k) => ContactKind::parse(k)
                .ok_or_else(|| Error::invalid("type", "type must be company or external"))?,
        };
        let page_size = paging::page_size(page_size).map_err(|e| Error::invalid("page_size", e))?;
        let after = crate::paging::after(next_page_token)?.unwrap_or_default();
        let mut conn = self.db.read().await?;
        let owner = chat_user(&mut conn, principal, user_ref).await?;
        let mut rows = contacts::list(
            &mut conn,
            &owner.account_id,
            &owner.id,
            kind == ContactKind::External,
            &after,
            page_size + 1,
        )
        .await?;
        let next_page_token = crate::paging::finish(&mut rows, page_size, |c| c.email.clone());
        Ok(ContactPage {
            contacts: rows,
            page_size,
            next_page_token,
        })
    }
}
