//! Host tokens (Zoom's `zak`): `start_url` carries one so that opening it proves who is
//! starting. The signing key is one random secret in `server_keys`, made by whichever process
//! needs it first and then cached, so any server verifies what another minted.

use crate::{Actor, Error, Result, Service};
use roster_domain::host_token::{sign_host_token, verify_host_token, HOST_TOKEN_TTL_SECS};
use roster_domain::{AccountId, Secret, UserId};
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

    /// Reads (or makes) the host-token key now, so that [`Service::start_url`], which does not
    /// touch the database, can sign. Servers call it at start-up.
    pub async fn prepare_host_tokens(&self) -> Result<()> {
        self.host_token_key().await.map(drop)
    }

    /// A meeting's `start_url` as `viewer` sees it: with the host's token when the viewer may
    /// start it on the host's behalf (the host; an admin of the host's account, since Zoom
    /// hands the host's start link to admin apps that schedule for others; the operator), else
    /// without one (opening it then asks for a token). Without the key loaded (see
    /// [`Service::prepare_host_tokens`]) there is no token either.
    pub fn start_url(
        &self,
        meeting_id: i64,
        host: &UserId,
        host_account: &AccountId,
        viewer: &Actor<'_>,
    ) -> String {
        let base = format!(
            "{}/s/{meeting_id}",
            self.settings.public_url.trim_end_matches('/')
        );
        let may = match viewer {
            Actor::Operator => true,
            Actor::System => false,
            Actor::Host { id, .. } => *id == host.as_str(),
            Actor::Principal(p) => {
                // A user-level scope reaches only the caller, whatever their role.
                p.user_id == *host
                    || (p.account_id == *host_account && p.acts_as.is_admin() && p.reaches_others())
            }
        };
        match self.host_key.get() {
            Some(key) if may => {
                let exp = self.now().unix_timestamp() + HOST_TOKEN_TTL_SECS;
                format!(
                    "{base}?zak={}",
                    sign_host_token(key.as_bytes(), host.as_str(), exp)
                )
            }
            _ => base,
        }
    }
}
