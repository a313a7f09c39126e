//! `POST /oauth/token` for installs (RFC 6749 §4.1.3 and §6, RFC 7636) and `POST /oauth/revoke`
//! (RFC 7009). Codes are single-use: a replayed code revokes the tokens issued from it. Refresh
//! tokens rotate within a family: presenting a used one revokes the whole family.

use crate::oauth::{present, IssuedToken};
use crate::{AccountCredentials, Error, Result, Service};
use roster_domain::oauth_grant::{pkce_matches, REFRESH_TTL_SECS};
use roster_domain::{AppKind, AppStatus, ClientId, Role, Scopes, Secret, UserId, UserStatus};
use roster_store::oauth::{self, AppRecord, NewToken};
use roster_store::oauth_installs::{self as installs, RefreshRecord};
use roster_store::Conn;
use time::OffsetDateTime;

/// Why a code or refresh token is refused (RFC 6749 `invalid_grant` unless said otherwise).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("Invalid authorization code.")]
    UnknownCode,
    #[error(
        "The authorization code has expired: codes live 10 minutes. Start the authorization again."
    )]
    ExpiredCode,
    #[error("The authorization code was already used; the tokens issued from it are revoked.")]
    ReusedCode,
    #[error("redirect_uri does not match the one the code was issued for.")]
    RedirectMismatch,
    #[error("code_verifier does not match the code_challenge (PKCE S256).")]
    PkceMismatch,
    #[error("Invalid refresh token.")]
    InvalidRefresh,
    #[error("The refresh token was already used; every token of its family is revoked. Authorize again.")]
    ReusedRefresh,
    #[error("The app was disconnected; authorize it again.")]
    InstallRevoked,
    /// `invalid_scope`: more than was granted.
    #[error("The requested scope exceeds what was granted: {0}.")]
    ScopeEscalation(String),
}

/// A token request as the adapter found it.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub grant_type: Option<String>,
    pub account_id: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
}

/// A revocation request (RFC 7009).
#[derive(Debug, Clone, Default)]
pub struct RevokeRequest {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub token: Option<String>,
    pub token_type_hint: Option<String>,
}

fn grant(e: GrantError) -> Error {
    Error::Grant(e)
}

impl Service {
    /// Authenticates a user- or admin-managed app: a confidential client by its secret, a
    /// public client by its id alone (PKCE then proves the code's owner).
    async fn client_app(&self, id: Option<&str>, secret: Option<&str>) -> Result<AppRecord> {
        let id = present(id).ok_or(Error::ClientCredentialsMissing)?;
        let client_id = ClientId::parse(id).ok_or(Error::InvalidClient)?;
        let mut conn = self.db.read().await?;
        let app = oauth::find_app_by_client_id(&mut conn, &client_id)
            .await?
            .ok_or(Error::InvalidClient)?;
        if !app.public_client {
            let secret = present(secret).ok_or(Error::ClientCredentialsMissing)?;
            if !app.client_secret_hash.matches(&Secret::presented(secret)) {
                return Err(Error::InvalidClientSecret);
            }
        }
        if app.status != AppStatus::Active || app.kind == AppKind::ServerToServer {
            return Err(Error::InvalidClient);
        }
        Ok(app)
    }

    /// Every grant of `POST /oauth/token`.
    #[tracing::instrument(skip_all)]
    pub async fn grant_token(&self, req: TokenRequest) -> Result<IssuedToken> {
        match present(req.grant_type.as_deref()) {
            Some("authorization_code") => self.grant_code(req).await,
            Some("refresh_token") => self.grant_refresh(req).await,
            // account_credentials, a missing grant type and any other: the server-to-server
            // path authenticates the client first, then answers for the grant type.
            _ => {
                self.grant_account_credentials(AccountCredentials {
                    client_id: req.client_id,
                    client_secret: req.client_secret,
                    grant_type: req.grant_type,
                    account_id: req.account_id,
                })
                .await
            }
        }
    }

    async fn grant_code(&self, req: TokenRequest) -> Result<IssuedToken> {
        let app = self
            .client_app(req.client_id.as_deref(), req.client_secret.as_deref())
            .await?;
        let code =
            present(req.code.as_deref()).ok_or_else(|| Error::invalid("code", "is required"))?;
        let hash = Secret::presented(code).hash();
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let c = installs::find_code(&mut tx, &hash)
            .await?
            .filter(|c| c.app_id == app.id)
            .ok_or(grant(GrantError::UnknownCode))?;
        if c.used_at.is_some() {
            // Replay: whoever holds the code now may not be its owner; kill what it issued.
            if let Some(family) = &c.family_id {
                installs::revoke_family(&mut tx, family, at).await?;
            }
            tx.commit().await?;
            return Err(grant(GrantError::ReusedCode));
        }
        if c.expires_at <= at {
            return Err(grant(GrantError::ExpiredCode));
        }
        if present(req.redirect_uri.as_deref()) != Some(c.redirect_uri.as_str()) {
            return Err(grant(GrantError::RedirectMismatch));
        }
        match (&c.code_challenge, present(req.code_verifier.as_deref())) {
            (None, None) => {}
            (Some(ch), Some(v)) if pkce_matches(v, ch) => {}
            _ => return Err(grant(GrantError::PkceMismatch)),
        }
        let family = UserId::generate().to_string();
        if !installs::use_code(&mut tx, &hash, at, &family).await? {
            return Err(grant(GrantError::ReusedCode));
        }
        let issued = self
            .issue_pair(
                &mut tx,
                &app,
                &c.install_id,
                &c.user_id,
                &c.scopes,
                &family,
                at,
            )
            .await?;
        tx.commit().await?;
        Ok(issued)
    }

    async fn grant_refresh(&self, req: TokenRequest) -> Result<IssuedToken> {
        let app = self
            .client_app(req.client_id.as_deref(), req.client_secret.as_deref())
            .await?;
        let presented = present(req.refresh_token.as_deref())
            .ok_or_else(|| Error::invalid("refresh_token", "is required"))?;
        let hash = Secret::presented(presented).hash();
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let r: RefreshRecord = installs::find_refresh(&mut tx, &hash)
            .await?
            .filter(|r| r.app_id == app.id && r.revoked_at.is_none())
            .ok_or(grant(GrantError::InvalidRefresh))?;
        if r.used_at.is_some() {
            installs::revoke_family(&mut tx, &r.family_id, at).await?;
            tx.commit().await?;
            return Err(grant(GrantError::ReusedRefresh));
        }
        if r.expires_at <= at {
            return Err(grant(GrantError::InvalidRefresh));
        }
        let granted = Scopes::parse(&r.scopes);
        let scopes = match present(req.scope.as_deref()) {
            None => granted,
            Some(asked) => {
                let asked = Scopes::parse_known(asked)
                    .map_err(|e| grant(GrantError::ScopeEscalation(e.to_string())))?;
                if !asked.is_subset_of(&granted) {
                    return Err(grant(GrantError::ScopeEscalation(asked.to_text())));
                }
                asked
            }
        };
        if !installs::use_refresh(&mut tx, &hash, at).await? {
            installs::revoke_family(&mut tx, &r.family_id, at).await?;
            tx.commit().await?;
            return Err(grant(GrantError::ReusedRefresh));
        }
        let issued = self
            .issue_pair(
                &mut tx,
                &app,
                &r.install_id,
                &r.user_id,
                &scopes.to_text(),
                &r.family_id,
                at,
            )
            .await?;
        tx.commit().await?;
        Ok(issued)
    }

    /// An access token and a refresh token in `family`, for a live install and an active user.
    #[allow(clippy::too_many_arguments)]
    async fn issue_pair(
        &self,
        tx: &mut Conn,
        app: &AppRecord,
        install_id: &str,
        user_id: &UserId,
        scopes: &str,
        family: &str,
        at: OffsetDateTime,
    ) -> Result<IssuedToken> {
        let install = installs::find_install(tx, install_id)
            .await?
            .filter(|i| i.revoked_at.is_none())
            .ok_or(grant(GrantError::InstallRevoked))?;
        let user = roster_store::users::find_by_id(tx, &install.account_id, user_id)
            .await?
            .filter(|u| u.status == UserStatus::Active)
            .ok_or(grant(GrantError::InstallRevoked))?;
        let access = Secret::token();
        let refresh = Secret::token();
        let ttl = self.settings.access_token_ttl;
        oauth::delete_expired_tokens(tx, &app.id, at).await?;
        let role: &Role = &user.role;
        oauth::insert_token(
            tx,
            &NewToken {
                hash: &access.hash(),
                app_id: &app.id,
                account_id: &install.account_id,
                user_id,
                acts_as: role,
                scopes,
                created_at: at,
                expires_at: at + ttl,
                install_id: Some(install_id),
                family_id: Some(family),
            },
        )
        .await?;
        installs::insert_refresh(
            tx,
            &RefreshRecord {
                token_hash: refresh.hash(),
                family_id: family.to_owned(),
                app_id: app.id.clone(),
                install_id: install_id.to_owned(),
                account_id: install.account_id.clone(),
                user_id: user_id.clone(),
                scopes: scopes.to_owned(),
                created_at: at,
                expires_at: at + time::Duration::seconds(REFRESH_TTL_SECS),
                used_at: None,
                revoked_at: None,
            },
        )
        .await?;
        tracing::info!(app_id = %app.id, install_id, "token granted");
        Ok(IssuedToken {
            access_token: access,
            expires_in: ttl.as_secs(),
            scope: scopes.to_owned(),
            refresh_token: Some(refresh),
        })
    }

    /// RFC 7009: revokes a refresh token (with its whole family) or an access token of the
    /// authenticated client. Unknown tokens, or another client's, are answered the same way.
    #[tracing::instrument(skip_all)]
    pub async fn revoke_token(&self, req: RevokeRequest) -> Result<()> {
        let app = self
            .client_app(req.client_id.as_deref(), req.client_secret.as_deref())
            .await?;
        let token =
            present(req.token.as_deref()).ok_or_else(|| Error::invalid("token", "is required"))?;
        let hash = Secret::presented(token).hash();
        let at = self.now();
        let mut tx = self.db.begin().await?;
        // The hint only orders the look-ups; both kinds are tried.
        let _ = req.token_type_hint;
        if let Some(r) = installs::find_refresh(&mut tx, &hash).await? {
            if r.app_id == app.id {
                installs::revoke_family(&mut tx, &r.family_id, at).await?;
            }
        } else if let Some((app_id, _family)) = installs::find_access_token(&mut tx, &hash).await? {
            if app_id == app.id {
                installs::delete_access_token(&mut tx, &hash).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
