//! Billing rules: money in a currency's minor unit, and what is owed back for the unused part
//! of a paid period.

use time::OffsetDateTime;

/// A price: an amount in the currency's minor unit (cents) and an ISO 4217 code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub cents: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount must be a non-negative number with at most two decimals, e.g. 14.99")]
    Amount,
    #[error("currency must be a three-letter ISO 4217 code, e.g. USD")]
    Currency,
}

impl Money {
    /// Parses `"14.99"` and `"usd"` into 1499 USD.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, MoneyError> {
        let amount = amount.trim();
        let (units, frac) = amount.split_once('.').unwrap_or((amount, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let dotted = amount.contains('.');
        if !digits(units) || (dotted && !digits(frac)) || frac.len() > 2 {
            return Err(MoneyError::Amount);
        }
        let units: i64 = units.parse().map_err(|_| MoneyError::Amount)?;
        let frac: i64 = format!("{frac:0<2}")
            .parse()
            .map_err(|_| MoneyError::Amount)?;
        let cents = units
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac))
            .ok_or(MoneyError::Amount)?;
        let currency = currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(MoneyError::Currency);
        }
        Ok(Self { cents, currency })
    }
}

/// Formats cents as `14.99`.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// What is refunded of `paid` cents for the period `[start, end)` when it ends early at `at`:
/// the unused share, by the millisecond, rounded down to the cent (never more than was paid,
/// never negative).
pub fn prorated_refund(
    paid: i64,
    start: OffsetDateTime,
    end: OffsetDateTime,
    at: OffsetDateTime,
) -> i64 {
    let total = (end - start).whole_milliseconds();
    if paid <= 0 || total <= 0 || at >= end {
        return 0;
    }
    let unused = (end - at.max(start)).whole_milliseconds();
    let refund = i128::from(paid) * unused / total;
    i64::try_from(refund).unwrap_or(0).clamp(0, paid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::{macros::datetime, Duration};

    #[test]
    fn parses_money() {
        assert_eq!(
            Money::parse("14.99", "usd"),
            Ok(Money {
                cents: 1499,
                currency: "USD".into()
            })
        );
        assert_eq!(Money::parse("15", "EUR").map(|m| m.cents), Ok(1500));
        assert_eq!(Money::parse("0.5", "EUR").map(|m| m.cents), Ok(50));
        for bad in ["", "-1", "1.234", "1,00", "abc", ".5", "1."] {
            assert_eq!(Money::parse(bad, "USD"), Err(MoneyError::Amount), "{bad}");
        }
        assert_eq!(Money::parse("1", "US"), Err(MoneyError::Currency));
        assert_eq!(format_cents(1499), "14.99");
        assert_eq!(format_cents(5), "0.05");
    }

    #[test]
    fn refunds_the_unused_share() {
        let start = datetime!(2026-11-01 0:00 UTC);
        let end = datetime!(2026-12-01 0:00 UTC);
        // 30 days paid 30.00: 20 days unused give 20.00 back.
        assert_eq!(
            prorated_refund(3000, start, end, datetime!(2026-11-11 0:00 UTC)),
            2000
        );
        assert_eq!(prorated_refund(3000, start, end, start), 3000);
        assert_eq!(
            prorated_refund(3000, start, end, start - Duration::days(1)),
            3000
        );
        assert_eq!(prorated_refund(3000, start, end, end), 0);
        assert_eq!(
            prorated_refund(3000, start, end, end + Duration::days(3)),
            0
        );
        // Rounded down to the cent.
        assert_eq!(
            prorated_refund(1000, start, end, datetime!(2026-11-21 0:00 UTC)),
            333
        );
    }

    proptest! {
        #[test]
        fn never_more_than_paid_nor_negative(paid in 0i64..10_000_000, days in 1i64..800, used in -10i64..900) {
            let start = datetime!(2026-01-01 0:00 UTC);
            let end = start + Duration::days(days);
            let r = prorated_refund(paid, start, end, start + Duration::days(used));
            prop_assert!((0..=paid).contains(&r));
        }
    }
}
