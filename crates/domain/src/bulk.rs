//! Account-wide administration rules: which users a change of every user of one type touches,
//! the seats it moves, and who an unlink of every user of one type must skip.

use crate::{Role, UserStatus, UserType};

/// Owner and Admin are never changed or unlinked by an account-wide action: they are changed one
/// by one, on purpose. Custom roles are ordinary users here.
pub fn spared_by_bulk(role: &Role) -> bool {
    role.is_admin()
}

/// The users of one type an account-wide type change would move, as counted by status and
/// add-on: `holders` occupy seats (active and pending users), inactive ones hold none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Affected {
    pub holders: i64,
    pub inactive: i64,
    /// Seat holders with the Large Meeting add-on, and with the Webinar add-on.
    pub large_meeting_holders: i64,
    pub webinar_holders: i64,
}

/// Seats a change takes (> 0) or returns (< 0), per pool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeatDelta {
    pub licensed: i64,
    pub large_meeting: i64,
    pub webinar: i64,
}

/// What moving every affected user from `from` to `to` does to the seat pools: a paid type takes
/// a Licensed seat per holder, and add-ons (which need a paid type) are dropped, returning their
/// seats, when `to` is not paid.
pub fn type_change_seats(from: UserType, to: UserType, a: Affected) -> SeatDelta {
    let licensed = match (from.takes_licensed_seat(), to.takes_licensed_seat()) {
        (false, true) => a.holders,
        (true, false) => -a.holders,
        _ => 0,
    };
    let (large_meeting, webinar) = if to.takes_licensed_seat() {
        (0, 0)
    } else {
        (-a.large_meeting_holders, -a.webinar_holders)
    };
    SeatDelta {
        licensed,
        large_meeting,
        webinar,
    }
}

/// Why an unlink of every user of a type leaves one of them in the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlinkSkip {
    Owner,
    Admin,
    /// Their email is on a domain the account manages.
    ManagedDomain,
    /// They have not accepted their invitation: there is nothing of theirs to take along.
    Pending,
    /// The caller themselves: nobody unlinks their own user.
    Yourself,
}

impl UnlinkSkip {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::ManagedDomain => "managed_domain",
            Self::Pending => "pending",
            Self::Yourself => "yourself",
        }
    }
}

/// Whether an account-wide unlink must skip a user, and why.
pub fn unlink_skip(role: &Role, status: UserStatus, on_managed_domain: bool) -> Option<UnlinkSkip> {
    match role {
        Role::Owner => Some(UnlinkSkip::Owner),
        Role::Admin => Some(UnlinkSkip::Admin),
        _ if on_managed_domain => Some(UnlinkSkip::ManagedDomain),
        _ if status == UserStatus::Pending => Some(UnlinkSkip::Pending),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Affected = Affected {
        holders: 10,
        inactive: 3,
        large_meeting_holders: 2,
        webinar_holders: 1,
    };

    #[test]
    fn upgrades_take_a_licensed_seat_per_holder() {
        let d = type_change_seats(UserType::Basic, UserType::Licensed, A);
        assert_eq!(
            d,
            SeatDelta {
                licensed: 10,
                ..SeatDelta::default()
            }
        );
    }

    #[test]
    fn downgrades_return_licensed_and_add_on_seats() {
        let d = type_change_seats(UserType::Licensed, UserType::Basic, A);
        assert_eq!(
            d,
            SeatDelta {
                licensed: -10,
                large_meeting: -2,
                webinar: -1
            }
        );
    }

    #[test]
    fn between_paid_types_nothing_moves() {
        assert_eq!(
            type_change_seats(UserType::Licensed, UserType::OnPrem, A),
            SeatDelta::default()
        );
    }

    #[test]
    fn unlink_spares_owner_admins_managed_and_pending() {
        use UserStatus::*;
        assert_eq!(
            unlink_skip(&Role::Owner, Active, false),
            Some(UnlinkSkip::Owner)
        );
        assert_eq!(
            unlink_skip(&Role::Admin, Active, true),
            Some(UnlinkSkip::Admin)
        );
        assert_eq!(
            unlink_skip(&Role::Member, Inactive, true),
            Some(UnlinkSkip::ManagedDomain)
        );
        assert_eq!(
            unlink_skip(&Role::Member, Pending, false),
            Some(UnlinkSkip::Pending)
        );
        assert_eq!(unlink_skip(&Role::Custom("r".into()), Active, false), None);
        assert!(spared_by_bulk(&Role::Admin) && !spared_by_bulk(&Role::Custom("r".into())));
    }
}
