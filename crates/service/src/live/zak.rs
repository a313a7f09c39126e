//! Host tokens (Zoom's `zak`): `start_url` carries one so that opening it proves who is
//! starting. The signing key is one random secret in `server_keys`, made by whichever process
//! needs it first and then cached, so any server verifies what another minted.

use crate::{Error, Result, Service};
use roster_domain::host_token::{sign_host_token, verify_host_token, HOST_TOKEN_TTL_SECS};
use roster_domain::{Principal, Secret, UserId};
use roster_store::live;

const KEY_NAME: &str = "host_token";

impl Service {
    async fn host_token_key(&self) -> Result<std::sync::Arc<str>> {
        if let Some(k) = self.host_key.get() {
            return Ok(k.clone());
        }
        let mut tx = self.db.begin().await?;
        let fresh = Secret::token();
        let key = live::server_key(&mut tx, KEY_NAME, fresh.expose(), self.now()).await?;
        tx.commit().await?;
        Ok(self.host_key.get_or_init(|| key.into()).clone())
    }

    /// A host token for `user`, valid for two hours.
    pub async fn host_token(&self, user: &UserId) -> Result<String> {
        let key = self.host_token_key().await?;
        let exp = self.now().unix_timestamp() + HOST_TOKEN_TTL_SECS;
        Ok(sign_host_token(key.as_bytes(), user.as_str(), exp))
    }

    /// The user a host token speaks for.
    pub(crate) async fn check_host_token(&self, zak: &str) -> Result<UserId> {
        let key = self.host_token_key().await?;
        verify_host_token(key.as_bytes(), zak, self.now().unix_timestamp())
            .map(UserId::from_stored)
            .map_err(Error::HostToken)
    }

    /// A meeting's `start_url` as `viewer` sees it: with the host's token when the viewer may
    /// start it on the host's behalf (the host, or an admin of the host's account: Zoom hands
    /// the host's start link to admin apps that schedule for others), else without one (opening
    /// it then asks for a token).
    pub async fn start_url(
        &self,
        meeting_id: i64,
        host: &UserId,
        viewer: &Principal,
        host_account: &roster_domain::AccountId,
    ) -> Result<String> {
        let base = format!("{}/s/{meeting_id}", self.settings.public_url);
        let may = viewer.user_id == *host
            || (viewer.account_id == *host_account && viewer.acts_as.is_admin());
        if may {
            Ok(format!("{base}?zak={}", self.host_token(host).await?))
        } else {
            Ok(base)
        }
    }
}
