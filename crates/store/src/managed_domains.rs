//! Managed (associated) email domains, one row per account and domain. A claim is pending until
//! its DNS record is found, then verified. Several accounts may have a domain pending; the
//! partial unique index `"managed_domains.domain"` lets only one have it verified, so racing
//! verifications cannot both win. Only verified domains count ([`crate::accounts::managing_account`]).

use crate::{params, Conn, FromRow, Result, Row};
use roster_domain::{AccountId, DomainName, DomainStatus, UserType, VerificationToken};
use time::OffsetDateTime;

/// A domain an account has added, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRecord {
    pub account_id: AccountId,
    pub domain: DomainName,
    pub status: DomainStatus,
    pub token: VerificationToken,
    /// The type new users on the domain get when the request names none.
    pub default_type: Option<UserType>,
    /// The settings group new users on the domain are put in.
    pub default_group_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub verified_at: Option<OffsetDateTime>,
}

const COLUMNS: &str = "account_id, domain, status, token, default_type, default_group_id, \
                       created_at, verified_at";

impl FromRow for DomainRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            account_id: AccountId::from_stored(r.text(0)?),
            domain: DomainName::from_stored(r.text(1)?),
            status: r.parse(2, DomainStatus::parse)?,
            token: VerificationToken::from_stored(r.text(3)?),
            default_type: r
                .opt_int(4)?
                .map(|c| UserType::from_code(c).ok_or_else(|| crate::Error::decode(4, "type")))
                .transpose()?,
            default_group_id: r.opt_text(5)?,
            created_at: r.time(6)?,
            verified_at: r.opt_time(7)?,
        })
    }
}

/// An account's domains, by name.
pub async fn list(conn: &mut Conn, account: &AccountId) -> Result<Vec<DomainRecord>> {
    conn.fetch_all(
        &format!("SELECT {COLUMNS} FROM managed_domains WHERE account_id = $1 ORDER BY domain"),
        params![account.as_str()],
    )
    .await
}

/// One of an account's domains, pending or verified.
pub async fn find(
    conn: &mut Conn,
    account: &AccountId,
    domain: &DomainName,
) -> Result<Option<DomainRecord>> {
    conn.fetch_optional(
        &format!("SELECT {COLUMNS} FROM managed_domains WHERE account_id = $1 AND domain = $2"),
        params![account.as_str(), domain.as_str()],
    )
    .await
}

/// The account that has `domain` verified, if any.
pub async fn verified_by(conn: &mut Conn, domain: &str) -> Result<Option<AccountId>> {
    crate::accounts::managing_account(conn, domain).await
}

/// The defaults of `domain` when `account` has it verified: `None` when it does not.
pub async fn verified_defaults(
    conn: &mut Conn,
    account: &AccountId,
    domain: &str,
) -> Result<Option<DomainRecord>> {
    conn.fetch_optional(
        &format!(
            "SELECT {COLUMNS} FROM managed_domains WHERE domain = $1 AND status = 'verified' \
             AND account_id = $2"
        ),
        params![domain, account.as_str()],
    )
    .await
}

/// Records a claim; `false` when the account already has this domain (nothing changes). A
/// verified row for a domain another account has verified fails with
/// [`crate::Error::Unique`] `"managed_domains.domain"`.
pub async fn insert(conn: &mut Conn, d: &DomainRecord) -> Result<bool> {
    let n = conn
        .execute(
            "INSERT INTO managed_domains (account_id, domain, status, token, default_type, \
             default_group_id, created_at, verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (account_id, domain) DO NOTHING",
            params![
                d.account_id.as_str(),
                d.domain.as_str(),
                d.status.as_str(),
                d.token.as_str(),
                d.default_type.map(UserType::code),
                d.default_group_id.as_deref(),
                d.created_at,
                d.verified_at,
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Marks a pending claim verified, provided it is still pending with `token`. `false` when it is
/// not (removed, or verified meanwhile). Another account holding it verified fails with
/// [`crate::Error::Unique`] `"managed_domains.domain"`.
pub async fn mark_verified(
    conn: &mut Conn,
    account: &AccountId,
    domain: &DomainName,
    token: &VerificationToken,
    at: OffsetDateTime,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE managed_domains SET status = 'verified', verified_at = $1 \
             WHERE account_id = $2 AND domain = $3 AND status = 'pending' AND token = $4",
            params![at, account.as_str(), domain.as_str(), token.as_str()],
        )
        .await?;
    Ok(n == 1)
}

/// Sets a domain's defaults; `false` when the account has no such domain.
pub async fn set_defaults(
    conn: &mut Conn,
    account: &AccountId,
    domain: &DomainName,
    default_type: Option<UserType>,
    default_group_id: Option<&str>,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE managed_domains SET default_type = $1, default_group_id = $2 \
             WHERE account_id = $3 AND domain = $4",
            params![
                default_type.map(UserType::code),
                default_group_id,
                account.as_str(),
                domain.as_str(),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Removes an account's claim; `false` when it had none.
pub async fn delete(conn: &mut Conn, account: &AccountId, domain: &DomainName) -> Result<bool> {
    let n = conn
        .execute(
            "DELETE FROM managed_domains WHERE account_id = $1 AND domain = $2",
            params![account.as_str(), domain.as_str()],
        )
        .await?;
    Ok(n == 1)
}
