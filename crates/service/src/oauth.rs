//! Server-to-server OAuth, as Zoom does it: an app trades its client credentials for an
//! account-scoped bearer token (`grant_type=account_credentials`), and every API call presents
//! that token. Tokens are random and stored only as hashes.

use crate::{Error, Result, Service};
use roster_domain::{AppStatus, ClientId, Principal, Privileges, Secret, UserStatus};
use roster_store::oauth::{self, NewToken};

/// A token request, as the HTTP adapter found it. Every part may be missing.
#[derive(Debug, Clone, Default)]
pub struct AccountCredentials {
    /// From HTTP Basic authentication.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub grant_type: Option<String>,
    pub account_id: Option<String>,
}

/// A granted access token; `access_token` is shown once.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub access_token: Secret,
    pub expires_in: u64,
    pub scope: String,
    /// With the authorization-code and refresh grants: the (rotated) refresh token.
    pub refresh_token: Option<Secret>,
}

pub(crate) const ACCOUNT_CREDENTIALS: &str = "account_credentials";

pub(crate) fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

impl Service {
    /// Grants an access token for `grant_type=account_credentials`. The client is authenticated
    /// first (401s), then the grant is checked (400s).
    #[tracing::instrument(skip_all)]
    pub async fn grant_account_credentials(&self, req: AccountCredentials) -> Result<IssuedToken> {
        let (Some(client_id), Some(secret)) = (
            present(req.client_id.as_deref()),
            present(req.client_secret.as_deref()),
        ) else {
            return Err(Error::ClientCredentialsMissing);
        };
        let client_id = ClientId::parse(client_id).ok_or(Error::InvalidClient)?;
        let mut conn = self.db.read().await?;
        let app = oauth::find_app_by_client_id(&mut conn, &client_id)
            .await?
            .ok_or(Error::InvalidClient)?;
        drop(conn);
        if !app.client_secret_hash.matches(&Secret::presented(secret)) {
            return Err(Error::InvalidClientSecret);
        }
        if app.status != AppStatus::Active {
            return Err(Error::InvalidClient);
        }
        match present(req.grant_type.as_deref()) {
            None => return Err(Error::GrantTypeMissing),
            Some(ACCOUNT_CREDENTIALS) => {}
            Some(other) => return Err(Error::UnsupportedGrantType(other.to_owned())),
        }
        // Installed (user and account) apps get tokens only through their users' approval.
        if app.kind != roster_domain::AppKind::ServerToServer {
            return Err(Error::UnsupportedGrantType(format!(
                "{ACCOUNT_CREDENTIALS} (this app is installed by users: use authorization_code)"
            )));
        }
        if present(req.account_id.as_deref()) != Some(app.account_id.as_str()) {
            return Err(Error::InvalidAccountId);
        }

        // The app acts with its creator's role; a creator who may no longer sign in gets no token.
        let mut conn = self.db.read().await?;
        let creator = roster_store::users::find_by_id(&mut conn, &app.account_id, &app.created_by)
            .await?
            .filter(|u| u.status == UserStatus::Active)
            .ok_or(Error::InvalidClient)?;
        drop(conn);
        let token = Secret::token();
        let hash = token.hash();
        let issued = self.now();
        let ttl = self.settings.access_token_ttl;
        let expires_at = issued + ttl;
        let mut tx = self.db.begin().await?;
        oauth::delete_expired_tokens(&mut tx, &app.id, issued).await?;
        oauth::insert_token(
            &mut tx,
            &NewToken {
                hash: &hash,
                app_id: &app.id,
                account_id: &app.account_id,
                user_id: &app.created_by,
                acts_as: &creator.role,
                scopes: &app.scopes,
                created_at: issued,
                expires_at,
                install_id: None,
                family_id: None,
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(client_id = %app.client_id, account_id = %app.account_id, "token granted");
        Ok(IssuedToken {
            access_token: token,
            expires_in: ttl.as_secs(),
            scope: app.scopes,
            refresh_token: None,
        })
    }

    /// The principal behind a bearer token: one indexed read.
    pub async fn authenticate(&self, bearer: Option<&str>) -> Result<Principal> {
        let token = present(bearer).ok_or(Error::InvalidToken)?;
        let mut conn = self.db.read().await?;
        let grant = oauth::find_token(&mut conn, &Secret::presented(token).hash())
            .await?
            .ok_or(Error::InvalidToken)?;
        if grant.expires_at <= self.now() {
            return Err(Error::ExpiredToken);
        }
        if grant.app_status != AppStatus::Active || grant.user_status != UserStatus::Active {
            return Err(Error::InvalidToken);
        }
        let privileges = match grant.acts_as.builtin_privileges() {
            Some(p) => p,
            // A custom role's stored names; one that no longer parses grants nothing.
            None => grant
                .role_privileges
                .as_deref()
                .and_then(|p| Privileges::parse(p.split(' ')).ok())
                .unwrap_or_default(),
        };
        let group_scope = grant.role_scope.map(|s| {
            s.split(' ')
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect()
        });
        Ok(Principal {
            account_id: grant.account_id,
            user_id: grant.user_id,
            email: grant.user_email,
            acts_as: grant.acts_as,
            privileges,
            group_scope,
            scopes: roster_domain::Scopes::parse(&grant.scopes),
            // Narrowed per request by the endpoint's scope check (roster-api).
            reach: roster_domain::Reach::Account,
            app: Some(roster_domain::principal::AppRef {
                client_id: grant.client_id,
                name: grant.app_name,
                interface: None,
            }),
        })
    }
}
