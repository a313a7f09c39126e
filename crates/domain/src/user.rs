//! A user's type (licence) and status, with Zoom's numeric and textual wire values.

use std::fmt;

/// Zoom's user `type`. 3 (On-Prem) is legacy in Zoom's current docs but still accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserType {
    Basic,
    Licensed,
    OnPrem,
    /// 4: "Unassigned without Meetings Basic".
    Unassigned,
    /// 99: "None" (SSO pre-provisioning only).
    None,
}

impl UserType {
    pub fn code(self) -> i64 {
        match self {
            Self::Basic => 1,
            Self::Licensed => 2,
            Self::OnPrem => 3,
            Self::Unassigned => 4,
            Self::None => 99,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Some(match code {
            1 => Self::Basic,
            2 => Self::Licensed,
            3 => Self::OnPrem,
            4 => Self::Unassigned,
            99 => Self::None,
            _ => return None,
        })
    }

    /// Whether a user of this type occupies a seat of the paid pool.
    pub fn takes_licensed_seat(self) -> bool {
        matches!(self, Self::Licensed | Self::OnPrem)
    }
}

/// Zoom's user `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserStatus {
    Active,
    Inactive,
    Pending,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Pending => "pending",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "active" => Self::Active,
            "inactive" => Self::Inactive,
            "pending" => Self::Pending,
            _ => return None,
        })
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_codes_round_trip() {
        for t in [
            UserType::Basic,
            UserType::Licensed,
            UserType::OnPrem,
            UserType::Unassigned,
            UserType::None,
        ] {
            assert_eq!(UserType::from_code(t.code()), Some(t));
        }
        assert_eq!(UserType::from_code(0), None);
        assert_eq!(UserType::from_code(5), None);
    }

    #[test]
    fn only_paid_types_take_seats() {
        assert!(UserType::Licensed.takes_licensed_seat());
        assert!(UserType::OnPrem.takes_licensed_seat());
        assert!(!UserType::Basic.takes_licensed_seat());
    }

    #[test]
    fn status_round_trips() {
        for s in [
            UserStatus::Active,
            UserStatus::Inactive,
            UserStatus::Pending,
        ] {
            assert_eq!(UserStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(UserStatus::parse("ACTIVE"), None);
    }
}
