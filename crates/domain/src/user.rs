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

    /// The type's name, as CSV files write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Basic => "Basic",
            Self::Licensed => "Licensed",
            Self::OnPrem => "On-Prem",
            Self::Unassigned => "Unassigned",
            Self::None => "None",
        }
    }

    /// A type by name or by Zoom's number, as people write it in a CSV file: case, spaces and
    /// `-` do not matter ("Licensed", "on prem", "2").
    pub fn parse_name(s: &str) -> Option<Self> {
        let key: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        Some(match key.as_str() {
            "basic" | "1" => Self::Basic,
            "licensed" | "2" => Self::Licensed,
            "onprem" | "3" => Self::OnPrem,
            "unassigned" | "4" => Self::Unassigned,
            _ => return None,
        })
    }

    /// Whether a user of this type occupies a seat of the paid pool.
    pub fn takes_licensed_seat(self) -> bool {
        matches!(self, Self::Licensed | Self::OnPrem)
    }

    /// How long a meeting this user hosts may run, in minutes: Basic meetings end at 40 minutes,
    /// paid ones at 30 hours; types without meetings host none.
    pub fn max_meeting_minutes(self) -> u32 {
        match self {
            Self::Basic => 40,
            Self::Licensed | Self::OnPrem => 30 * 60,
            Self::Unassigned | Self::None => 0,
        }
    }

    /// Whether an account may give a user this type when created with `action`.
    pub fn check_allowed(
        self,
        action: CreateAction,
        on_prem_enabled: bool,
    ) -> Result<(), TypeError> {
        match self {
            Self::OnPrem if !on_prem_enabled => Err(TypeError::OnPremDisabled),
            Self::None if action != CreateAction::SsoCreate => Err(TypeError::NoneNeedsSso),
            _ => Ok(()),
        }
    }
}

/// Why a user type cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeError {
    #[error("type must be 1 (Basic), 2 (Licensed), 3 (On-Prem), 4 (Unassigned) or 99 (None)")]
    Unknown,
    #[error(
        "Your account can't set user type as On-prem: on-prem is not enabled for this account."
    )]
    OnPremDisabled,
    #[error("type 99 (None) is only for ssoCreate")]
    NoneNeedsSso,
}

/// How a user is added (Zoom's `action` on `POST /users`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CreateAction {
    /// Invite by email: pending until the invitation is accepted.
    Create,
    /// Active at once with a password; only on the account's managed domains.
    AutoCreate,
    /// Active, no password: cannot sign in, hosts through start URLs.
    CustCreate,
    /// Pre-provisioned for single sign-on: active, signs in through the identity provider.
    SsoCreate,
}

impl CreateAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::AutoCreate => "autoCreate",
            Self::CustCreate => "custCreate",
            Self::SsoCreate => "ssoCreate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "create" => Self::Create,
            "autoCreate" => Self::AutoCreate,
            "custCreate" => Self::CustCreate,
            "ssoCreate" => Self::SsoCreate,
            _ => return None,
        })
    }

    /// A created user's status: invited users wait for acceptance.
    pub fn initial_status(self) -> UserStatus {
        match self {
            Self::Create => UserStatus::Pending,
            Self::AutoCreate | Self::CustCreate | Self::SsoCreate => UserStatus::Active,
        }
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
    fn type_names_round_trip() {
        for t in [
            UserType::Basic,
            UserType::Licensed,
            UserType::OnPrem,
            UserType::Unassigned,
        ] {
            assert_eq!(UserType::parse_name(t.name()), Some(t));
            assert_eq!(UserType::parse_name(&t.code().to_string()), Some(t));
        }
        assert_eq!(UserType::parse_name(" on prem "), Some(UserType::OnPrem));
        assert_eq!(UserType::parse_name("None"), None);
        assert_eq!(UserType::parse_name("gold"), None);
    }

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
    fn meeting_limits() {
        assert_eq!(UserType::Basic.max_meeting_minutes(), 40);
        assert_eq!(UserType::Licensed.max_meeting_minutes(), 1800);
        assert_eq!(UserType::Unassigned.max_meeting_minutes(), 0);
    }

    #[test]
    fn type_rules() {
        use CreateAction::*;
        assert_eq!(
            UserType::OnPrem.check_allowed(Create, false),
            Err(TypeError::OnPremDisabled)
        );
        assert_eq!(UserType::OnPrem.check_allowed(Create, true), Ok(()));
        assert_eq!(
            UserType::None.check_allowed(Create, true),
            Err(TypeError::NoneNeedsSso)
        );
        assert_eq!(UserType::None.check_allowed(SsoCreate, false), Ok(()));
        assert_eq!(UserType::Licensed.check_allowed(CustCreate, false), Ok(()));
    }

    #[test]
    fn actions() {
        for a in [
            CreateAction::Create,
            CreateAction::AutoCreate,
            CreateAction::CustCreate,
            CreateAction::SsoCreate,
        ] {
            assert_eq!(CreateAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(CreateAction::parse("Create"), None);
        assert_eq!(CreateAction::Create.initial_status(), UserStatus::Pending);
        assert_eq!(
            CreateAction::AutoCreate.initial_status(),
            UserStatus::Active
        );
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
