//! Billing as the operator records it: an account's paid period (`roster account subscribe`),
//! with a charge in its ledger, and the ledger itself (`roster account ledger`). Refunds are
//! recorded by the use cases that owe them (joining another account).

use crate::events::{self, Event};
use crate::{Actor, Error, Result, Service};
use roster_domain::billing::{format_cents, Money};
use roster_domain::{AccountId, Plan};
use roster_store::accounts;
use roster_store::billing::{self, Entry, NewEntry, Subscription};
use serde_json::{json, Map};

/// A paid period to record, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewSubscription {
    pub account_id: String,
    pub plan: String,
    /// `14.99`.
    pub amount: String,
    pub currency: String,
    /// Length of the period in months (1–36).
    pub months: u32,
}

impl Service {
    /// Records that an account paid `amount` for a plan from now for `months` months: the
    /// plan changes, the period is kept for prorated refunds, and the ledger gets a charge.
    #[tracing::instrument(skip_all)]
    pub async fn subscribe(
        &self,
        actor: Actor<'_>,
        input: NewSubscription,
    ) -> Result<Subscription> {
        let id = AccountId::parse(input.account_id.trim())
            .ok_or_else(|| Error::AccountNotFound(input.account_id.clone()))?;
        let plan = Plan::parse(&input.plan).map_err(|e| Error::invalid("plan", e))?;
        if !plan.is_paid() {
            return Err(Error::invalid(
                "plan",
                "a paid period needs a paid plan (pro, business, education or enterprise)",
            ));
        }
        let money = Money::parse(&input.amount, &input.currency).map_err(|e| match e {
            roster_domain::billing::MoneyError::Amount => Error::invalid("amount", e),
            roster_domain::billing::MoneyError::Currency => Error::invalid("currency", e),
        })?;
        if !(1..=36).contains(&input.months) {
            return Err(Error::invalid("months", "months must be between 1 and 36"));
        }
        let at = self.now();
        let end = add_months(at, input.months)
            .ok_or_else(|| Error::invalid("months", "the period ends too far in the future"))?;
        let mut tx = self.db.begin().await?;
        if accounts::find(&mut tx, &id).await?.is_none()
            || accounts::is_closed(&mut tx, &id).await?
        {
            return Err(Error::AccountNotFound(input.account_id.clone()));
        }
        let sub = Subscription {
            account_id: id.clone(),
            plan: plan.as_str().to_owned(),
            amount_cents: money.cents,
            currency: money.currency.clone(),
            period_start: at,
            period_end: end,
            status: "active".to_owned(),
            ended_at: None,
        };
        billing::put_subscription(&mut tx, &sub).await?;
        accounts::set_plan(&mut tx, &id, plan).await?;
        let description = format!(
            "{} plan, {} month(s): {} {}",
            plan.as_str(),
            input.months,
            format_cents(money.cents),
            money.currency
        );
        billing::record(
            &mut tx,
            &NewEntry {
                account_id: &id,
                kind: "charge",
                amount_cents: money.cents,
                currency: &money.currency,
                description: &description,
                period: Some((at, end)),
                at,
            },
        )
        .await?;
        let mut extra = Map::new();
        extra.insert(
            "subscription".into(),
            json!({"plan": plan.as_str(), "amount_cents": money.cents, "currency": money.currency,
                   "period_start": at.unix_timestamp(), "period_end": end.unix_timestamp()}),
        );
        events::emit(
            &mut tx,
            Event {
                account_id: &id,
                kind: "billing.subscribed",
                actor: &actor,
                target: id.as_str(),
                object: json!({"id": id.as_str()}),
                extra,
            },
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(sub)
    }

    /// An account's billing ledger, oldest first.
    pub async fn billing_ledger(&self, account_id: &str) -> Result<Vec<Entry>> {
        let id = AccountId::parse(account_id.trim())
            .ok_or_else(|| Error::AccountNotFound(account_id.to_owned()))?;
        let mut conn = self.db.read().await?;
        if accounts::find(&mut conn, &id).await?.is_none() {
            return Err(Error::AccountNotFound(account_id.to_owned()));
        }
        Ok(billing::ledger(&mut conn, &id).await?)
    }
}

/// `at` plus whole calendar months, on the same day (or the month's last day).
fn add_months(at: time::OffsetDateTime, months: u32) -> Option<time::OffsetDateTime> {
    let total = i64::from(at.month() as u8) - 1 + i64::from(months);
    let year = at.year() + i32::try_from(total / 12).ok()?;
    let month = time::Month::try_from(u8::try_from(total % 12 + 1).ok()?).ok()?;
    let day = at.day().min(month.length(year));
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(at.replace_date(date))
}

#[cfg(test)]
mod tests {
    use super::add_months;
    use time::macros::datetime;

    #[test]
    fn months_keep_the_day_or_the_last_one() {
        assert_eq!(
            add_months(datetime!(2026-01-31 10:00 UTC), 1),
            Some(datetime!(2026-02-28 10:00 UTC))
        );
        assert_eq!(
            add_months(datetime!(2026-11-23 10:00 UTC), 2),
            Some(datetime!(2027-01-23 10:00 UTC))
        );
        assert_eq!(
            add_months(datetime!(2026-11-23 10:00 UTC), 12),
            Some(datetime!(2027-11-23 10:00 UTC))
        );
    }
}
