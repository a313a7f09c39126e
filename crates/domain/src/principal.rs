//! Who is acting, and the access rules that depend only on who they are.

use crate::{AccountId, Email, UserId};

/// A role. The built-in ones have Zoom's well-known ids "0", "1" and "2"; custom roles (a later
/// capability) carry their own id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Role {
    Owner,
    Admin,
    Member,
    Custom(String),
}

impl Role {
    pub fn id(&self) -> &str {
        match self {
            Self::Owner => "0",
            Self::Admin => "1",
            Self::Member => "2",
            Self::Custom(id) => id,
        }
    }

    pub fn from_id(id: &str) -> Self {
        match id {
            "0" => Self::Owner,
            "1" => Self::Admin,
            "2" => Self::Member,
            other => Self::Custom(other.to_owned()),
        }
    }

    /// The built-in role's display name; custom roles are named in the store.
    pub fn builtin_name(&self) -> Option<&'static str> {
        match self {
            Self::Owner => Some("Owner"),
            Self::Admin => Some("Admin"),
            Self::Member => Some("Member"),
            Self::Custom(_) => None,
        }
    }

    /// Owner and Admin manage every user of the account.
    pub fn is_admin(&self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }
}

/// The authenticated caller of an API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: AccountId,
    /// The user `me` resolves to. For a server-to-server app, the user who created it.
    pub user_id: UserId,
    /// That user's email (Zoom's `operator` in event payloads).
    pub email: Email,
    /// The authority the caller acts with. A server-to-server app acts as the account's admin.
    pub acts_as: Role,
    /// Space-separated OAuth scopes the token was granted.
    pub scopes: String,
}

impl Principal {
    /// Whether the caller may read `target`, a user of `target_account`. Callers from another
    /// account see nothing at all: the answer must look like "no such user".
    pub fn may_view_user(&self, target_account: &AccountId, target: &UserId) -> bool {
        &self.account_id == target_account && (self.acts_as.is_admin() || &self.user_id == target)
    }

    /// Whether the caller may change `target` (a user of `target_account` holding `target_role`):
    /// everyone manages themselves; the Owner manages everyone; an Admin manages users who are
    /// not the Owner or an Admin; a Member manages only themselves.
    pub fn may_manage_user(
        &self,
        target_account: &AccountId,
        target: &UserId,
        target_role: &Role,
    ) -> bool {
        if &self.account_id != target_account {
            return false;
        }
        if &self.user_id == target {
            return true;
        }
        match self.acts_as {
            Role::Owner => true,
            Role::Admin => !target_role.is_admin(),
            Role::Member | Role::Custom(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role) -> Principal {
        Principal {
            account_id: AccountId::generate(),
            user_id: UserId::generate(),
            email: Email::parse("someone@example.com").unwrap(),
            acts_as: role,
            scopes: String::new(),
        }
    }

    #[test]
    fn role_ids_round_trip() {
        for r in [
            Role::Owner,
            Role::Admin,
            Role::Member,
            Role::Custom("x1".into()),
        ] {
            assert_eq!(Role::from_id(r.id()), r);
        }
    }

    #[test]
    fn admins_see_their_account_only() {
        let p = principal(Role::Admin);
        let other = UserId::generate();
        assert!(p.may_view_user(&p.account_id, &other));
        assert!(!p.may_view_user(&AccountId::generate(), &other));
    }

    #[test]
    fn who_manages_whom() {
        let owner = principal(Role::Owner);
        let admin = Principal {
            account_id: owner.account_id.clone(),
            ..principal(Role::Admin)
        };
        let member = Principal {
            account_id: owner.account_id.clone(),
            ..principal(Role::Member)
        };
        let acct = &owner.account_id;
        // The Owner manages everyone of the account, and nobody elsewhere.
        assert!(owner.may_manage_user(acct, &admin.user_id, &Role::Admin));
        assert!(!owner.may_manage_user(&AccountId::generate(), &admin.user_id, &Role::Member));
        // An Admin manages members and themselves, not the Owner or other admins.
        assert!(admin.may_manage_user(acct, &member.user_id, &Role::Member));
        assert!(admin.may_manage_user(acct, &admin.user_id, &Role::Admin));
        assert!(!admin.may_manage_user(acct, &owner.user_id, &Role::Owner));
        assert!(!admin.may_manage_user(acct, &UserId::generate(), &Role::Admin));
        // A Member manages only themselves.
        assert!(member.may_manage_user(acct, &member.user_id, &Role::Member));
        assert!(!member.may_manage_user(acct, &UserId::generate(), &Role::Member));
    }

    #[test]
    fn members_see_only_themselves() {
        let p = principal(Role::Member);
        assert!(p.may_view_user(&p.account_id, &p.user_id));
        assert!(!p.may_view_user(&p.account_id, &UserId::generate()));
        assert!(!p.may_view_user(&AccountId::generate(), &p.user_id));
    }
}
