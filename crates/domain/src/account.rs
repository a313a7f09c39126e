//! Accounts: the organisation's name and plan.

use std::fmt;

/// An account's display name: 1–128 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("account name must be 1 to 128 characters with no control characters")]
pub struct AccountNameError;

impl AccountName {
    pub fn parse(raw: &str) -> Result<Self, AccountNameError> {
        let s = raw.trim();
        let len = s.chars().count();
        if len == 0 || len > 128 || s.chars().any(char::is_control) {
            return Err(AccountNameError);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The account's plan. Only `Free` has no paid seats and needs a verified payment method before
/// it may manage users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Plan {
    Free,
    Pro,
    Business,
    Education,
    Enterprise,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plan must be one of free, pro, business, education, enterprise")]
pub struct PlanError;

impl Plan {
    pub const ALL: [Plan; 5] = [
        Plan::Free,
        Plan::Pro,
        Plan::Business,
        Plan::Education,
        Plan::Enterprise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Pro => "pro",
            Self::Business => "business",
            Self::Education => "education",
            Self::Enterprise => "enterprise",
        }
    }

    pub fn parse(s: &str) -> Result<Self, PlanError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or(PlanError)
    }

    pub fn is_paid(self) -> bool {
        self != Self::Free
    }
}

/// The payment gate: a free account manages users only once a payment method is verified.
pub fn may_manage_users(plan: Plan, payment_verified: bool) -> bool {
    plan.is_paid() || payment_verified
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(AccountName::parse("  Acme  ").unwrap().as_str(), "Acme");
        assert!(AccountName::parse("   ").is_err());
        assert!(AccountName::parse("a\nb").is_err());
        assert!(AccountName::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn plans() {
        for p in Plan::ALL {
            assert_eq!(Plan::parse(p.as_str()), Ok(p));
        }
        assert_eq!(Plan::parse("Pro"), Ok(Plan::Pro));
        assert!(Plan::parse("gold").is_err());
        assert!(!Plan::Free.is_paid());
    }
}
