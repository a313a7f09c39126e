//! Privileges: what a role allows. Owner and Admin hold every privilege; Member holds none (a
//! member manages only themselves); a custom role holds the ones it names.

use std::fmt;

/// One privilege, named as on the wire (`User:Edit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Privilege {
    UserRead,
    UserAdd,
    UserEdit,
    UserDelete,
    GroupRead,
    GroupEdit,
    RoleRead,
    RoleEdit,
    AuditLogRead,
    AccountSettingRead,
    AccountSettingEdit,
    /// See every meeting of the users one manages (Zoom's `meeting:read:admin`).
    MeetingRead,
    /// Schedule, change and delete meetings for the users one manages.
    MeetingEdit,
}

impl Privilege {
    pub const ALL: [Privilege; 13] = [
        Self::UserRead,
        Self::UserAdd,
        Self::UserEdit,
        Self::UserDelete,
        Self::GroupRead,
        Self::GroupEdit,
        Self::RoleRead,
        Self::RoleEdit,
        Self::AuditLogRead,
        Self::AccountSettingRead,
        Self::AccountSettingEdit,
        Self::MeetingRead,
        Self::MeetingEdit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::UserRead => "User:Read",
            Self::UserAdd => "User:Add",
            Self::UserEdit => "User:Edit",
            Self::UserDelete => "User:Delete",
            Self::GroupRead => "Group:Read",
            Self::GroupEdit => "Group:Edit",
            Self::RoleRead => "Role:Read",
            Self::RoleEdit => "Role:Edit",
            Self::AuditLogRead => "AuditLog:Read",
            Self::AccountSettingRead => "AccountSetting:Read",
            Self::AccountSettingEdit => "AccountSetting:Edit",
            Self::MeetingRead => "Meeting:Read",
            Self::MeetingEdit => "Meeting:Edit",
        }
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A set of privileges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Privileges(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown privilege {0:?}; known privileges: User:Read, User:Add, User:Edit, User:Delete, Group:Read, Group:Edit, Role:Read, Role:Edit, AuditLog:Read, AccountSetting:Read, AccountSetting:Edit, Meeting:Read, Meeting:Edit")]
pub struct UnknownPrivilege(pub String);

impl Privileges {
    pub fn all() -> Self {
        Self(Privilege::ALL.iter().fold(0, |acc, p| acc | p.bit()))
    }

    pub fn none() -> Self {
        Self(0)
    }

    /// Parses names; every one must be known.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, UnknownPrivilege> {
        let mut set = Self::none();
        for name in names {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            let p = Privilege::ALL
                .into_iter()
                .find(|p| p.name().eq_ignore_ascii_case(name))
                .ok_or_else(|| UnknownPrivilege(name.to_owned()))?;
            set.0 |= p.bit();
        }
        Ok(set)
    }

    pub fn has(self, p: Privilege) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn is_subset_of(self, other: Self) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn names(self) -> Vec<&'static str> {
        Privilege::ALL
            .into_iter()
            .filter(|p| self.has(*p))
            .map(Privilege::name)
            .collect()
    }
}

impl fmt::Display for Privileges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        let p = Privileges::parse(["User:Read", "user:edit", ""]).unwrap();
        assert!(p.has(Privilege::UserRead) && p.has(Privilege::UserEdit));
        assert!(!p.has(Privilege::UserDelete));
        assert_eq!(p.to_string(), "User:Read User:Edit");
        assert_eq!(Privileges::parse(p.to_string().split(' ')), Ok(p));
        assert_eq!(
            Privileges::parse(["User:Fly"]),
            Err(UnknownPrivilege("User:Fly".into()))
        );
    }

    #[test]
    fn subsets() {
        let read = Privileges::parse(["User:Read"]).unwrap();
        assert!(read.is_subset_of(Privileges::all()));
        assert!(Privileges::none().is_subset_of(read));
        assert!(!Privileges::all().is_subset_of(read));
    }
}
