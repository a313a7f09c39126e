//! Account-wide administration: the users summary ([`summary`]), changing every user of one type
//! ([`types`]), unlinking every user of one type ([`unlink`]), defaults for new users and group
//! switches ([`defaults`]), and custom attribute definitions ([`attributes`]). Each use case is
//! run either by an API caller on their own account or by the operator (the CLI) naming one.

pub mod attributes;
mod billing_view;
mod defaults;
mod summary;
mod types;
mod unlink;

pub use attributes::{AttributeDefinition, NewAttribute};
pub use billing_view::BillingOverview;
pub use defaults::{apply_user_defaults, AppliedDefaults, ChatSwitch, GroupSwitch, UserDefaults};
pub use summary::{PoolUsage, UserSummary};
pub use types::TypeChange;
pub use unlink::{SkippedUser, UnlinkReport, MAX_SKIPPED_LISTED};

use crate::{Actor, Error, Result};
use roster_domain::account::may_manage_users;
use roster_domain::{AccountId, Principal, Privilege};
use roster_store::accounts::{self, AccountRecord};
use roster_store::Conn;

/// Who runs an account-wide action, on which account.
#[derive(Debug, Clone, Copy)]
pub enum Admin<'a> {
    /// The operator at the server (`roster users …`, `roster account …`), naming an account id.
    Operator { account_id: &'a str },
    /// An API caller, naming their own account (`me` or its id). They need the use case's
    /// privilege on the whole account: a role limited to some groups is refused.
    Principal {
        principal: &'a Principal,
        account: &'a str,
    },
}

impl<'a> Admin<'a> {
    /// An API caller acting on their own account.
    pub fn me(principal: &'a Principal) -> Self {
        Self::Principal {
            principal,
            account: "me",
        }
    }

    pub(crate) fn actor(&self) -> Actor<'a> {
        match *self {
            Self::Operator { .. } => Actor::Operator,
            Self::Principal { principal, .. } => Actor::Principal(principal),
        }
    }

    /// The account acted on, after checking the caller may: `privilege` over the whole account.
    fn account_id(&self, privilege: Privilege) -> Result<AccountId> {
        match *self {
            Self::Operator { account_id } => AccountId::parse(account_id.trim())
                .ok_or_else(|| Error::AccountNotFound(account_id.trim().to_owned())),
            Self::Principal { principal, account } => {
                if account != "me" && account != principal.account_id.as_str() {
                    return Err(Error::AccountNotFound(account.to_owned()));
                }
                if !principal.has(privilege) || principal.group_scope.is_some() {
                    return Err(Error::NoPrivilege);
                }
                Ok(principal.account_id.clone())
            }
        }
    }
}

/// The account an action reads, checked as [`Admin::account_id`] says.
pub(crate) async fn readable(
    conn: &mut Conn,
    admin: &Admin<'_>,
    privilege: Privilege,
) -> Result<AccountRecord> {
    let id = admin.account_id(privilege)?;
    accounts::find(conn, &id)
        .await?
        .ok_or_else(|| Error::AccountNotFound(id.to_string()))
}

/// The account an action changes: readable, and past the payment gate (a free account without
/// a verified payment method manages no users, whoever asks).
pub(crate) async fn writable(
    conn: &mut Conn,
    admin: &Admin<'_>,
    privilege: Privilege,
) -> Result<AccountRecord> {
    let account = readable(conn, admin, privilege).await?;
    if !may_manage_users(account.plan, account.payment_verified) {
        return Err(Error::PaymentMethodRequired);
    }
    Ok(account)
}
