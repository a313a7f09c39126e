//! Who is acting, and the access rules that depend only on who they are: who may see and
//! manage whom, and who may give whom which role.

use crate::scope::{Reach, Scopes};
use crate::{AccountId, Email, Privilege, Privileges, UserId};

/// A role. The built-in ones have Zoom's well-known ids "0", "1" and "2"; custom roles carry
/// their own id.
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

    pub fn is_builtin(&self) -> bool {
        !matches!(self, Self::Custom(_))
    }

    /// A built-in role's privileges (custom roles' are stored).
    pub fn builtin_privileges(&self) -> Option<Privileges> {
        match self {
            Self::Owner | Self::Admin => Some(Privileges::all()),
            Self::Member => Some(Privileges::none()),
            Self::Custom(_) => None,
        }
    }
}

/// The authenticated caller of an API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: AccountId,
    /// The user `me` resolves to: the user a token acts as.
    pub user_id: UserId,
    /// That user's email (Zoom's `operator` in event payloads).
    pub email: Email,
    /// That user's role, as it is now.
    pub acts_as: Role,
    /// What the role allows.
    pub privileges: Privileges,
    /// For a custom role limited to some groups: those groups. `None`: the whole account.
    pub group_scope: Option<Vec<String>>,
    /// The OAuth scopes the token was granted.
    pub scopes: Scopes,
    /// How far the request may reach, by the scope that admitted it: a user-level scope
    /// (`meeting:write`) reaches only the caller and what they own, whatever their role.
    /// `Account` until an endpoint's scope check narrows it.
    pub reach: Reach,
    /// The OAuth app whose token made the request (`None` for the operator and imports).
    pub app: Option<AppRef>,
}

/// The app behind a request, and the interface it came through when that is worth recording
/// on events (SCIM: the identity provider's changes say so in the audit log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRef {
    pub client_id: String,
    pub name: String,
    /// `Some("scim2")` for requests under `/scim2`; `None` elsewhere.
    pub interface: Option<&'static str>,
}

/// A user as the access rules see them.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub account_id: &'a AccountId,
    pub id: &'a UserId,
    pub role: &'a Role,
    pub group_id: Option<&'a str>,
}

/// Why a role change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleChangeError {
    #[error("Nobody can change their own role.")]
    OwnRole,
    #[error("Only the Owner can grant or revoke the Admin role.")]
    AdminNeedsOwner,
    #[error("The Owner's role changes only by transferring ownership (add another user to the Owner role).")]
    OwnerIsFixed,
    #[error("Only the Owner can transfer ownership.")]
    TransferNeedsOwner,
    #[error("You cannot grant a role holding privileges you do not have.")]
    MorePrivileges,
    #[error("No privilege.")]
    NoPrivilege,
}

impl Principal {
    pub fn has(&self, p: Privilege) -> bool {
        self.privileges.has(p)
    }

    /// Whether the request reaches other users than the caller (see [`Reach`]).
    pub fn reaches_others(&self) -> bool {
        self.reach == Reach::Account
    }

    /// Whether `user_ref` (a path's `userId`: `me`, an id or an email, any case) names the
    /// caller.
    pub fn is_self_ref(&self, user_ref: &str) -> bool {
        user_ref == "me"
            || user_ref == self.user_id.as_str()
            || Email::parse(user_ref).is_ok_and(|e| e == self.email)
    }

    /// Whether a group-scoped caller's scope covers a user in `group`.
    fn covers(&self, group: Option<&str>) -> bool {
        match &self.group_scope {
            None => true,
            Some(scope) => group.is_some_and(|g| scope.iter().any(|s| s == g)),
        }
    }

    /// Whether the caller holds `p` (e.g. `Group:Edit`) for settings group `group`: a custom
    /// role limited to some groups holds it only for those.
    pub fn may_for_group(&self, p: Privilege, group: &str) -> bool {
        self.has(p) && self.covers(Some(group))
    }

    /// Whether the caller holds `p` for every group: not limited to some settings groups
    /// (creating groups, and chat groups, which no scope names).
    pub fn may_for_all_groups(&self, p: Privilege) -> bool {
        self.has(p) && self.group_scope.is_none()
    }

    /// Whether the caller may read `target`. Callers from another account see nothing at all:
    /// the answer must look like "no such user".
    pub fn may_view_user(&self, t: Target<'_>) -> bool {
        self.account_id == *t.account_id
            && (self.user_id == *t.id
                || (self.reaches_others()
                    && (self.acts_as.is_admin()
                        || (self.has(Privilege::UserRead) && self.covers(t.group_id)))))
    }

    /// Whether the caller may see (`write` = false) or schedule, change and delete (`write` =
    /// true) the meetings `host` hosts: their own, always; anyone's in their account with
    /// `Meeting:Read` / `Meeting:Edit` (Owner and Admin hold both), within a custom role's
    /// group scope. Scheduling assistants are the service's to check (they are stored).
    pub fn may_for_meetings_of(&self, host: Target<'_>, write: bool) -> bool {
        if self.account_id != *host.account_id {
            return false;
        }
        let p = if write {
            Privilege::MeetingEdit
        } else {
            Privilege::MeetingRead
        };
        self.user_id == *host.id
            || (self.reaches_others() && self.has(p) && self.covers(host.group_id))
    }

    /// Whether the caller may change `target`: everyone manages themselves; the Owner manages
    /// everyone; an Admin manages everyone but the Owner and other Admins; a custom role with
    /// `User:Edit` manages non-admin users within its group scope; a Member only themselves.
    pub fn may_manage_user(&self, t: Target<'_>) -> bool {
        if self.account_id != *t.account_id {
            return false;
        }
        if self.user_id == *t.id {
            return true;
        }
        if !self.reaches_others() {
            return false;
        }
        match &self.acts_as {
            Role::Owner => true,
            Role::Admin => !t.role.is_admin(),
            Role::Custom(_) => {
                self.has(Privilege::UserEdit) && !t.role.is_admin() && self.covers(t.group_id)
            }
            Role::Member => false,
        }
    }

    /// Whether the caller may move `target` (of the same account) to `new_role`, which holds
    /// `new_privileges`. Ownership transfer (`new_role` = Owner) is its own rule.
    pub fn may_assign_role(
        &self,
        t: Target<'_>,
        new_role: &Role,
        new_privileges: Privileges,
    ) -> Result<(), RoleChangeError> {
        if self.user_id == *t.id {
            return Err(RoleChangeError::OwnRole);
        }
        if *new_role == Role::Owner {
            return if self.acts_as == Role::Owner {
                Ok(())
            } else {
                Err(RoleChangeError::TransferNeedsOwner)
            };
        }
        if *t.role == Role::Owner {
            return Err(RoleChangeError::OwnerIsFixed);
        }
        if (*new_role == Role::Admin || *t.role == Role::Admin) && self.acts_as != Role::Owner {
            return Err(RoleChangeError::AdminNeedsOwner);
        }
        if !self.has(Privilege::RoleEdit) || !self.may_manage_user(t) {
            return Err(RoleChangeError::NoPrivilege);
        }
        if !new_privileges.is_subset_of(self.privileges) {
            return Err(RoleChangeError::MorePrivileges);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, account: &AccountId) -> Principal {
        let privileges = role
            .builtin_privileges()
            .unwrap_or_else(|| Privileges::parse(["User:Read", "User:Edit", "Role:Edit"]).unwrap());
        Principal {
            account_id: account.clone(),
            user_id: UserId::generate(),
            email: Email::parse("someone@example.com").unwrap(),
            acts_as: role,
            privileges,
            group_scope: None,
            scopes: Scopes::default(),
            reach: Reach::Account,
            app: None,
        }
    }

    fn target<'a>(p: &'a Principal, role: &'a Role) -> Target<'a> {
        Target {
            account_id: &p.account_id,
            id: &p.user_id,
            role,
            group_id: None,
        }
    }

    struct World {
        account: AccountId,
        owner: Principal,
        admin: Principal,
        member: Principal,
        helper: Principal,
    }

    fn world() -> World {
        let account = AccountId::generate();
        World {
            owner: principal(Role::Owner, &account),
            admin: principal(Role::Admin, &account),
            member: principal(Role::Member, &account),
            helper: principal(Role::Custom("helpdesk".into()), &account),
            account,
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
    fn who_sees_whom() {
        let w = world();
        let stranger = principal(Role::Owner, &AccountId::generate());
        assert!(w.admin.may_view_user(target(&w.member, &Role::Member)));
        assert!(w.member.may_view_user(target(&w.member, &Role::Member)));
        assert!(!w.member.may_view_user(target(&w.admin, &Role::Admin)));
        assert!(w.helper.may_view_user(target(&w.member, &Role::Member)));
        assert!(!stranger.may_view_user(target(&w.member, &Role::Member)));
        let _ = w.account;
    }

    #[test]
    fn who_sees_and_changes_whose_meetings() {
        let w = world();
        let stranger = principal(Role::Owner, &AccountId::generate());
        let member = target(&w.member, &Role::Member);
        let owner = target(&w.owner, &Role::Owner);
        for write in [false, true] {
            assert!(w.member.may_for_meetings_of(member, write), "their own");
            assert!(w.admin.may_for_meetings_of(member, write));
            assert!(
                w.admin.may_for_meetings_of(owner, write),
                "admins see everyone's"
            );
            assert!(!w.member.may_for_meetings_of(owner, write));
            assert!(!stranger.may_for_meetings_of(member, write));
            // The helpdesk role holds user privileges only.
            assert!(!w.helper.may_for_meetings_of(member, write));
        }
        let mut reader = w.helper.clone();
        reader.privileges = Privileges::parse(["Meeting:Read"]).unwrap_or_default();
        assert!(reader.may_for_meetings_of(member, false));
        assert!(!reader.may_for_meetings_of(member, true));
    }

    #[test]
    fn own_reach_limits_to_oneself() {
        let w = world();
        let mut admin = w.admin.clone();
        admin.reach = Reach::Own;
        let member = target(&w.member, &Role::Member);
        assert!(!admin.may_view_user(member));
        assert!(!admin.may_manage_user(member));
        assert!(!admin.may_for_meetings_of(member, false));
        assert!(admin.may_view_user(target(&admin, &Role::Admin)));
        assert!(admin.may_for_meetings_of(target(&admin, &Role::Admin), true));
        assert!(admin.is_self_ref("me"));
        assert!(admin.is_self_ref("SOMEONE@example.com"));
        assert!(admin.is_self_ref(admin.user_id.as_str()));
        assert!(!admin.is_self_ref(w.member.user_id.as_str()));
        assert!(!admin.is_self_ref("other@example.com"));
    }

    #[test]
    fn who_manages_whom() {
        let w = world();
        fn t<'a>(account: &'a AccountId, p: &'a Principal, r: &'a Role) -> Target<'a> {
            Target {
                account_id: account,
                id: &p.user_id,
                role: r,
                group_id: None,
            }
        }
        let acct = &w.account;
        let t = |p, r| t(acct, p, r);
        static OWNER: Role = Role::Owner;
        static ADMIN: Role = Role::Admin;
        static MEMBER: Role = Role::Member;
        assert!(w.owner.may_manage_user(t(&w.admin, &ADMIN)));
        assert!(w.admin.may_manage_user(t(&w.member, &MEMBER)));
        assert!(w.admin.may_manage_user(t(&w.admin, &ADMIN)), "themselves");
        assert!(!w.admin.may_manage_user(t(&w.owner, &OWNER)));
        assert!(!w.admin.may_manage_user(Target {
            id: &UserId::generate(),
            ..t(&w.admin, &ADMIN)
        }));
        assert!(w.helper.may_manage_user(t(&w.member, &MEMBER)));
        assert!(!w.helper.may_manage_user(t(&w.admin, &ADMIN)));
        assert!(!w.member.may_manage_user(t(&w.helper, &MEMBER)));
        let stranger = principal(Role::Owner, &AccountId::generate());
        assert!(!stranger.may_manage_user(t(&w.member, &MEMBER)));
    }

    #[test]
    fn group_scope_limits_custom_roles() {
        let mut w = world();
        w.helper.group_scope = Some(vec!["g1".into()]);
        let member = Role::Member;
        let inside = Target {
            account_id: &w.account,
            id: &w.member.user_id,
            role: &member,
            group_id: Some("g1"),
        };
        let outside = Target {
            group_id: Some("g2"),
            ..inside
        };
        let none = Target {
            group_id: None,
            ..inside
        };
        assert!(w.helper.may_manage_user(inside) && w.helper.may_view_user(inside));
        assert!(!w.helper.may_manage_user(outside) && !w.helper.may_view_user(outside));
        assert!(!w.helper.may_manage_user(none));
        w.helper.privileges = Privileges::parse(["Group:Edit"]).unwrap();
        assert!(w.helper.may_for_group(Privilege::GroupEdit, "g1"));
        assert!(!w.helper.may_for_group(Privilege::GroupEdit, "g2"));
        assert!(!w.helper.may_for_group(Privilege::GroupRead, "g1"));
        assert!(w.admin.may_for_group(Privilege::GroupEdit, "g2"));
        assert!(!w.member.may_for_group(Privilege::GroupRead, "g1"));
    }

    #[test]
    fn who_assigns_which_role() {
        let w = world();
        let member = Role::Member;
        let admin = Role::Admin;
        let owner = Role::Owner;
        let m = Target {
            account_id: &w.account,
            id: &w.member.user_id,
            role: &member,
            group_id: None,
        };
        let a = Target {
            account_id: &w.account,
            id: &w.admin.user_id,
            role: &admin,
            group_id: None,
        };
        let o = Target {
            account_id: &w.account,
            id: &w.owner.user_id,
            role: &owner,
            group_id: None,
        };
        let all = Privileges::all();
        // Only the Owner grants or revokes Admin.
        assert_eq!(w.owner.may_assign_role(m, &Role::Admin, all), Ok(()));
        assert_eq!(
            w.admin.may_assign_role(m, &Role::Admin, all),
            Err(RoleChangeError::AdminNeedsOwner)
        );
        assert_eq!(
            w.owner
                .may_assign_role(a, &Role::Member, Privileges::none()),
            Ok(())
        );
        // Nobody changes their own role; the Owner's changes only by transfer.
        assert_eq!(
            w.admin
                .may_assign_role(target(&w.admin, &admin), &Role::Member, Privileges::none()),
            Err(RoleChangeError::OwnRole)
        );
        assert_eq!(
            w.owner
                .may_assign_role(target(&w.owner, &owner), &Role::Member, Privileges::none()),
            Err(RoleChangeError::OwnRole)
        );
        let other_admin = principal(Role::Admin, &w.account);
        assert_eq!(
            other_admin.may_assign_role(o, &Role::Member, Privileges::none()),
            Err(RoleChangeError::OwnerIsFixed)
        );
        // Ownership is transferred by the Owner only.
        assert_eq!(w.owner.may_assign_role(a, &Role::Owner, all), Ok(()));
        assert_eq!(
            w.admin.may_assign_role(m, &Role::Owner, all),
            Err(RoleChangeError::TransferNeedsOwner)
        );
        // Nobody grants more than they hold.
        let custom = Role::Custom("c".into());
        assert_eq!(
            w.helper
                .may_assign_role(m, &custom, Privileges::parse(["User:Read"]).unwrap()),
            Ok(())
        );
        assert_eq!(
            w.helper.may_assign_role(m, &custom, all),
            Err(RoleChangeError::MorePrivileges)
        );
        assert_eq!(
            w.member.may_assign_role(
                target(&w.helper, &custom),
                &Role::Member,
                Privileges::none()
            ),
            Err(RoleChangeError::NoPrivilege)
        );
    }
}
