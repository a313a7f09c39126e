//! Activation: a person invited by email follows the link, sets their name and password, and
//! becomes an active user. The token is 256 random bits, stored only as a hash and compared by
//! exact hash lookup; accepting removes it in one statement, so a link works once and, of two
//! racing requests, exactly one wins. The new user gets a welcome mail in the same transaction.

use crate::events::{self, Event};
use crate::users::{event_object, text};
use crate::{hashing, Actor, Error, Result, Service};
use roster_domain::{Email, Password, Secret, UserStatus};
use roster_store::invitations::{self, Pending};
use roster_store::{accounts, users, Conn};
use serde_json::Map;

/// What the activation page shows.
#[derive(Debug, Clone)]
pub struct ActivationInfo {
    pub email: Email,
    pub account_name: String,
    pub first_name: String,
    pub last_name: String,
    /// For someone who already has a standalone account: what joining means for them.
    pub joining: Option<crate::joining::JoinInfo>,
    /// A sign-up: the person becomes the Owner of their own account.
    pub signup: bool,
}

async fn info(conn: &mut Conn, p: &Pending) -> Result<ActivationInfo> {
    let user = users::find_by_id(conn, &p.account_id, &p.user_id)
        .await?
        .filter(|u| u.status == UserStatus::Pending)
        .ok_or(Error::InvitationNotFound)?;
    let account = accounts::find(conn, &p.account_id)
        .await?
        .ok_or(Error::InvitationNotFound)?;
    let joining = match user.joins_user_id {
        Some(_) => Some(crate::joining::join_info(conn, &user).await?),
        None => None,
    };
    Ok(ActivationInfo {
        email: user.email,
        account_name: account.name,
        first_name: user.first_name,
        last_name: user.last_name,
        joining,
        signup: user.role == roster_domain::Role::Owner,
    })
}

impl Service {
    /// Whether an activation link can be used, and for whom.
    pub async fn check_activation(&self, token: &str) -> Result<ActivationInfo> {
        let hash = Secret::presented(token.trim()).hash();
        let mut conn = self.db.read().await?;
        let Some(p) = invitations::find_by_token(&mut conn, &hash).await? else {
            // Swept after 30 days: still say it expired, not that it never was.
            return Err(match invitations::expired_at(&mut conn, &hash).await? {
                Some(at) => Error::InvitationExpired(at.date().to_string()),
                None => Error::InvitationNotFound,
            });
        };
        if p.expires_at <= self.now() {
            return Err(Error::InvitationExpired(p.expires_at.date().to_string()));
        }
        info(&mut conn, &p).await
    }

    /// Accepts an invitation: the pending user becomes active with this name and password.
    #[tracing::instrument(skip_all)]
    pub async fn accept_invitation(
        &self,
        token: &str,
        first_name: &str,
        last_name: &str,
        password: &str,
    ) -> Result<ActivationInfo> {
        let first_name = text("first_name", first_name, 64)?;
        let last_name = text("last_name", last_name, 64)?;
        if first_name.is_empty() || last_name.is_empty() {
            return Err(Error::invalid(
                "first_name",
                "first and last name are required",
            ));
        }
        let password = Password::parse(password).map_err(|e| Error::invalid("password", e))?;
        // Refuse a dead link before spending a password hash on it.
        if self.check_activation(token).await?.joining.is_some() {
            return Err(Error::invalid(
                "token",
                "this link moves an existing account: confirm with its password instead",
            ));
        }
        let password_hash = hashing::hash_password(password).await?;
        let hash = Secret::presented(token.trim()).hash();
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let Some(p) = invitations::take_by_token(&mut tx, &hash, at).await? else {
            return Err(Error::InvitationNotFound);
        };
        let old = users::find_by_id(&mut tx, &p.account_id, &p.user_id)
            .await?
            .filter(|u| u.status == UserStatus::Pending && u.joins_user_id.is_none())
            .ok_or(Error::InvitationNotFound)?;
        let mut new = old.clone();
        new.status = UserStatus::Active;
        new.display_name = format!("{first_name} {last_name}");
        new.first_name = first_name;
        new.last_name = last_name;
        new.password_hash = Some(password_hash);
        new.updated_at = at;
        users::update(&mut tx, &old, &new).await?;
        if new.role == roster_domain::Role::Owner {
            // A sign-up: the account, named after the email until now, takes the person's name.
            accounts::set_name(&mut tx, &new.account_id, &new.display_name).await?;
        }
        let actor = Actor::Operator;
        let event = Event {
            account_id: &new.account_id,
            kind: "user.invitation_accepted",
            actor: &actor,
            target: new.id.as_str(),
            object: event_object(&new),
            extra: Map::new(),
        };
        events::emit(&mut tx, event, at).await?;
        let shown = info_after(&mut tx, &new).await?;
        crate::mail::enqueue_welcome(
            &mut tx,
            &self.settings.public_url,
            &new,
            &shown.account_name,
            at,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(user_id = %new.id, "invitation accepted");
        Ok(shown)
    }
}

impl Service {
    /// Removes invitations more than 30 days after their last send: the pending user leaves
    /// the pending list and returns any seat they held; the link will say it expired. Safe with
    /// several servers sweeping at once. Returns how many were removed.
    #[tracing::instrument(skip_all)]
    pub async fn sweep_expired_invitations(&self, limit: i64) -> Result<usize> {
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let expired = invitations::lock_expired(&mut tx, at, limit).await?;
        for e in &expired {
            let Some(user) = users::find_by_id(&mut tx, &e.account_id, &e.user_id).await? else {
                continue;
            };
            if let Some(hash) = &e.token_hash {
                invitations::remember_expired(
                    &mut tx,
                    hash,
                    &e.account_id,
                    user.email.as_str(),
                    e.expires_at,
                )
                .await?;
            }
            if user.status != UserStatus::Pending {
                // Only pending users are removed; a stray invitation of anyone else just goes.
                tx.execute(
                    "DELETE FROM invitations WHERE user_id = $1",
                    roster_store::params![user.id.as_str()],
                )
                .await?;
                continue;
            }
            crate::users::move_seats(&mut tx, &user, -1).await?;
            users::delete(&mut tx, &user).await?;
            if user.role == roster_domain::Role::Owner {
                // A sign-up nobody confirmed: its account never had anyone in it.
                accounts::delete_unused(&mut tx, &user.account_id).await?;
            }
            let actor = Actor::System;
            let event = Event {
                account_id: &user.account_id,
                kind: "user.invitation_expired",
                actor: &actor,
                target: user.id.as_str(),
                object: event_object(&user),
                extra: Map::new(),
            };
            events::emit(&mut tx, event, at).await?;
        }
        invitations::prune_expired(&mut tx, at - time::Duration::days(90)).await?;
        tx.commit().await?;
        if !expired.is_empty() {
            tracing::info!(count = expired.len(), "expired invitations removed");
        }
        Ok(expired.len())
    }
}

async fn info_after(conn: &mut Conn, u: &users::UserRecord) -> Result<ActivationInfo> {
    let account = accounts::find(conn, &u.account_id)
        .await?
        .ok_or(Error::InvitationNotFound)?;
    Ok(ActivationInfo {
        email: u.email.clone(),
        account_name: account.name,
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        joining: None,
        signup: u.role == roster_domain::Role::Owner,
    })
}
