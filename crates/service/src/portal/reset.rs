//! Password reset by mail: someone asks with their email; an active user of that email gets a
//! single-use link (only its hash is stored) valid for [`RESET_TTL`] in the mail outbox. The
//! answer is the same whether or not the email is known. Choosing the new password ends the
//! user's portal sessions and lifts the sign-in throttle on their email.

use crate::{hashing, Error, Result, Service};
use roster_domain::{Email, Password, Secret, UserId, UserStatus};
use roster_store::portal;
use roster_store::users;
use time::Duration;

/// How long a reset link works.
pub const RESET_TTL: Duration = Duration::hours(1);
const RESET: &str = "reset";

impl Service {
    /// Mails a reset link to `email` when it is an active user's; silently does nothing else.
    pub async fn portal_request_reset(&self, email: &str) -> Result<()> {
        let Ok(email) = Email::parse(email.trim()) else {
            return Ok(());
        };
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let Some(user) = users::find_registered(&mut tx, &email)
            .await?
            .filter(|u| u.status == UserStatus::Active)
        else {
            return Ok(());
        };
        let token = Secret::token();
        portal::insert_link(
            &mut tx,
            token.hash().as_str(),
            RESET,
            Some(&user.id),
            at,
            at + RESET_TTL,
        )
        .await?;
        let link = format!(
            "{}/reset/new?token={}",
            self.settings.public_url.trim_end_matches('/'),
            token.expose()
        );
        crate::mail::enqueue_password_reset(&mut tx, &user, &link, at).await?;
        tx.commit().await?;
        tracing::info!(user_id = %user.id, "password reset mailed");
        Ok(())
    }

    /// Whether `token` is a usable reset link.
    pub async fn portal_reset_open(&self, token: &str) -> Result<bool> {
        let mut conn = self.db.read().await?;
        let hash = Secret::presented(token).hash();
        Ok(
            portal::find_link(&mut conn, hash.as_str(), RESET, self.now())
                .await?
                .is_some(),
        )
    }

    /// Sets the new password through a reset link and uses the link up. A bad password leaves
    /// the link usable and changes nothing.
    pub async fn portal_reset_password(&self, token: &str, password: &str) -> Result<()> {
        let dead = || {
            Error::invalid(
                "token",
                "this reset link is not valid: it was used already or it expired",
            )
        };
        let password = Password::parse(password).map_err(|e| Error::invalid("password", e))?;
        if !self.portal_reset_open(token).await? {
            return Err(dead());
        }
        let hash = hashing::hash_password(password).await?;
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let link = portal::use_link(&mut tx, Secret::presented(token).hash().as_str(), RESET, at)
            .await?
            .ok_or_else(dead)?;
        let id = UserId::from_stored(link.user_id.ok_or_else(dead)?);
        let user = users::find_by_id_anywhere(&mut tx, &id)
            .await?
            .ok_or_else(dead)?;
        if user.status != UserStatus::Active {
            return Err(dead());
        }
        users::set_password(&mut tx, &user.account_id, &user.id, &hash, at).await?;
        portal::delete_sessions_of(&mut tx, &user.id).await?;
        portal::clear_failures(&mut tx, &format!("email:{}", user.email.as_str())).await?;
        tx.commit().await?;
        Ok(())
    }
}
