//! OAuth apps and the tokens they were granted. Client secrets and tokens are stored only as
//! SHA-256 hashes.

use crate::{params, Conn, FromRow, Result, Row};
use roster_domain::{
    AccountId, AppKind, AppStatus, ClientId, Email, Role, SecretHash, UserId, UserStatus,
};
use time::OffsetDateTime;

/// An OAuth app as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRecord {
    pub id: String,
    pub account_id: AccountId,
    pub name: String,
    pub kind: AppKind,
    pub client_id: ClientId,
    pub client_secret_hash: SecretHash,
    pub created_by: UserId,
    pub scopes: String,
    pub status: AppStatus,
    pub created_at: OffsetDateTime,
    pub description: String,
    /// Registered redirect URIs (user and account apps), matched exactly.
    pub redirect_uris: Vec<String>,
    /// A public client has no usable secret and must use PKCE.
    pub public_client: bool,
}

/// The columns [`AppRecord`] reads, in order.
pub const APP_COLUMNS: &str =
    "id, account_id, name, kind, client_id, client_secret_hash, created_by, \
     scopes, status, created_at, description, redirect_uris, public_client";

impl FromRow for AppRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            account_id: r.parse(1, AccountId::parse)?,
            name: r.text(2)?,
            kind: r.parse(3, AppKind::parse)?,
            client_id: r.parse(4, ClientId::parse)?,
            client_secret_hash: SecretHash::from_stored(r.text(5)?),
            created_by: r.parse(6, UserId::parse)?,
            scopes: r.text(7)?,
            status: r.parse(8, AppStatus::parse)?,
            created_at: r.time(9)?,
            description: r.text(10)?,
            redirect_uris: r
                .text(11)?
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            public_client: r.bool(12)?,
        })
    }
}

pub async fn insert_app(conn: &mut Conn, a: &AppRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO oauth_apps (id, account_id, name, kind, client_id, client_secret_hash, created_by, \
         scopes, status, created_at, description, redirect_uris, public_client) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        params![
            a.id.as_str(),
            a.account_id.as_str(),
            a.name.as_str(),
            a.kind.as_str(),
            a.client_id.as_str(),
            a.client_secret_hash.as_str(),
            a.created_by.as_str(),
            a.scopes.as_str(),
            a.status.as_str(),
            a.created_at,
            a.description.as_str(),
            a.redirect_uris.join("\n").as_str(),
            a.public_client,
        ],
    )
    .await
    .map(drop)
}

pub async fn find_app_by_client_id(
    conn: &mut Conn,
    client: &ClientId,
) -> Result<Option<AppRecord>> {
    conn.fetch_optional(
        &format!("SELECT {APP_COLUMNS} FROM oauth_apps WHERE client_id = $1"),
        params![client.as_str()],
    )
    .await
}

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub hash: &'a SecretHash,
    pub app_id: &'a str,
    pub account_id: &'a AccountId,
    pub user_id: &'a UserId,
    pub acts_as: &'a Role,
    pub scopes: &'a str,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The install and refresh family of a token from the authorization-code flow.
    pub install_id: Option<&'a str>,
    pub family_id: Option<&'a str>,
}

pub async fn insert_token(conn: &mut Conn, t: &NewToken<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO oauth_tokens (token_hash, app_id, account_id, user_id, acts_as, scopes, created_at, \
         expires_at, install_id, family_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        params![
            t.hash.as_str(),
            t.app_id,
            t.account_id.as_str(),
            t.user_id.as_str(),
            t.acts_as.id(),
            t.scopes,
            t.created_at,
            t.expires_at,
            t.install_id,
            t.family_id,
        ],
    )
    .await
    .map(drop)
}

/// Drops an app's tokens that expired before `now`, so the table holds live tokens only.
pub async fn delete_expired_tokens(
    conn: &mut Conn,
    app_id: &str,
    now: OffsetDateTime,
) -> Result<u64> {
    conn.execute(
        "DELETE FROM oauth_tokens WHERE app_id = $1 AND expires_at < $2",
        params![app_id, now],
    )
    .await
}

/// A stored token with what decides whether it may still be used. `acts_as` is the acting
/// user's role *now*, so demoting a user reduces what their apps' tokens may do at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub account_id: AccountId,
    pub user_id: UserId,
    pub acts_as: Role,
    pub scopes: String,
    pub expires_at: OffsetDateTime,
    pub app_status: AppStatus,
    pub user_status: UserStatus,
    pub user_email: Email,
    /// A custom role's space-separated privileges, and its group scope (space-separated ids).
    pub role_privileges: Option<String>,
    pub role_scope: Option<String>,
    /// The app the token was issued to.
    pub client_id: String,
    pub app_name: String,
}

impl FromRow for TokenGrant {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            account_id: r.parse(0, AccountId::parse)?,
            user_id: r.parse(1, UserId::parse)?,
            acts_as: Role::from_id(&r.text(2)?),
            scopes: r.text(3)?,
            expires_at: r.time(4)?,
            app_status: r.parse(5, AppStatus::parse)?,
            user_status: r.parse(6, UserStatus::parse)?,
            user_email: r.parse(7, |s| Email::parse(s).ok())?,
            role_privileges: r.opt_text(8)?,
            role_scope: r.opt_text(9)?,
            client_id: r.text(10)?,
            app_name: r.text(11)?,
        })
    }
}

/// The grant behind a token hash, in one indexed read. A token of a disconnected install is
/// not found (revoking deletes such tokens too; the join makes it certain).
pub async fn find_token(conn: &mut Conn, hash: &SecretHash) -> Result<Option<TokenGrant>> {
    conn.fetch_optional(
        "SELECT t.account_id, t.user_id, u.role_id, t.scopes, t.expires_at, a.status, u.status, u.email, \
         r.privileges, r.group_scope, a.client_id, a.name \
         FROM oauth_tokens t JOIN oauth_apps a ON a.id = t.app_id JOIN users u ON u.id = t.user_id \
         LEFT JOIN roles r ON r.id = u.role_id AND r.account_id = u.account_id \
         LEFT JOIN oauth_installs i ON i.id = t.install_id \
         WHERE t.token_hash = $1 AND (t.install_id IS NULL OR i.revoked_at IS NULL)",
        params![hash.as_str()],
    )
    .await
}
