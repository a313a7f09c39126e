//! The account's billing at a glance, for its owner and admins (the portal's Billing page):
//! plan, the payment gate, and seats used and free in each pool.

use super::{readable, Admin, UserSummary};
use crate::{Result, Service};
use roster_domain::account::may_manage_users;
use roster_domain::{Plan, Privilege, UserType};

/// What the Billing page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingOverview {
    pub account_id: String,
    pub account_name: String,
    pub plan: Plan,
    /// Whether a payment method is on record (paid plans always have one).
    pub payment_verified: bool,
    /// A free account without a verified payment method: it manages no users until the
    /// operator records one (`roster account verify-payment`) or the account moves to a paid plan.
    pub payment_required: bool,
    /// Whether the account may have On-Prem users (the operator's choice; no seat count).
    pub on_prem_enabled: bool,
    /// How many users are On-Prem.
    pub on_prem_users: i64,
    /// Counts and the Licensed, Large Meeting and Webinar pools.
    pub summary: UserSummary,
}

impl Service {
    /// The caller's account's plan, payment status and seat pools. Needs
    /// `AccountSetting:Read` and `User:Read` over the whole account (Owner and Admin).
    #[tracing::instrument(skip_all)]
    pub async fn billing_overview(&self, admin: Admin<'_>) -> Result<BillingOverview> {
        let account = {
            let mut conn = self.db.read().await?;
            readable(&mut conn, &admin, Privilege::AccountSettingRead).await?
        };
        let summary = self.user_summary(admin).await?;
        let on_prem_users = summary
            .by_type
            .iter()
            .filter(|(t, _)| *t == UserType::OnPrem)
            .map(|(_, n)| *n)
            .sum();
        Ok(BillingOverview {
            account_id: account.id.to_string(),
            account_name: account.name,
            plan: account.plan,
            payment_verified: account.payment_verified || account.plan.is_paid(),
            payment_required: !may_manage_users(account.plan, account.payment_verified),
            on_prem_enabled: account.on_prem_enabled,
            on_prem_users,
            summary,
        })
    }
}
