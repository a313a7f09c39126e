//! What a host may do live: how many meetings they may run at once, how long each may run, and
//! how many people each may hold. Derived from the host's user type, their add-ons and the
//! account's plan (zoom-api.md, "40-minute limit" and "Concurrent hosting").

use crate::{AddOns, Plan, UserType};
use time::Duration;

/// The most live meetings any host may run at once (the live-slot table's CHECK uses it too).
pub const MAX_CONCURRENT: u32 = 2;

/// The limits that apply to the meetings one host runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingLimits {
    /// Live meetings the host may run at the same time (0: the type hosts none).
    pub max_concurrent: u32,
    /// How long one meeting may run before it is ended (zero: the type hosts none).
    pub cap: Duration,
    /// People (the host included) one meeting may hold.
    pub capacity: u32,
}

impl MeetingLimits {
    /// The limits of a host of `user_type` holding `add_ons`, in an account on `plan`.
    ///
    /// * Basic: one meeting at a time, 40 minutes, 100 people.
    /// * Licensed / On-Prem: 30 hours; two at a time on Business, Education and Enterprise plans
    ///   (one on Free and Pro); the plan's base capacity, or the Large Meeting add-on's.
    /// * Unassigned / None: no meetings.
    pub fn for_host(user_type: UserType, add_ons: AddOns, plan: Plan) -> Self {
        let cap = Duration::minutes(i64::from(user_type.max_meeting_minutes()));
        match user_type {
            UserType::Basic => Self {
                max_concurrent: 1,
                cap,
                capacity: 100,
            },
            UserType::Licensed | UserType::OnPrem => Self {
                max_concurrent: if matches!(
                    plan,
                    Plan::Business | Plan::Education | Plan::Enterprise
                ) {
                    MAX_CONCURRENT
                } else {
                    1
                },
                cap,
                capacity: add_ons
                    .large_meeting
                    .map_or(base_capacity(plan), |c| c.max(base_capacity(plan))),
            },
            UserType::Unassigned | UserType::None => Self {
                max_concurrent: 0,
                cap,
                capacity: 0,
            },
        }
    }

    /// Whether a host with these limits may start a meeting at all.
    pub fn may_host(self) -> bool {
        self.max_concurrent > 0
    }
}

/// Participants a licensed host's meeting holds on `plan` without the Large Meeting add-on
/// (Zoom's plan pages: Pro 100, Business and Education 300, Enterprise 500).
pub fn base_capacity(plan: Plan) -> u32 {
    match plan {
        Plan::Free | Plan::Pro => 100,
        Plan::Business | Plan::Education => 300,
        Plan::Enterprise => 500,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lm(c: Option<u32>) -> AddOns {
        AddOns {
            large_meeting: c,
            webinar: None,
        }
    }

    #[test]
    fn basic_hosts_one_forty_minute_meeting_of_100() {
        for plan in Plan::ALL {
            let l = MeetingLimits::for_host(UserType::Basic, AddOns::default(), plan);
            assert_eq!(l.max_concurrent, 1);
            assert_eq!(l.cap, Duration::minutes(40));
            assert_eq!(l.capacity, 100);
            assert!(l.may_host());
        }
    }

    #[test]
    fn licensed_hosts_two_on_business_plans_one_on_pro() {
        let two = [Plan::Business, Plan::Education, Plan::Enterprise];
        for t in [UserType::Licensed, UserType::OnPrem] {
            for plan in Plan::ALL {
                let l = MeetingLimits::for_host(t, AddOns::default(), plan);
                let want = if two.contains(&plan) { 2 } else { 1 };
                assert_eq!(l.max_concurrent, want, "{t:?} on {plan:?}");
                assert_eq!(l.cap, Duration::hours(30));
                assert_eq!(l.capacity, base_capacity(plan));
            }
        }
    }

    #[test]
    fn large_meeting_add_on_raises_capacity() {
        let l = MeetingLimits::for_host(UserType::Licensed, lm(Some(500)), Plan::Pro);
        assert_eq!(l.capacity, 500);
        let l = MeetingLimits::for_host(UserType::Licensed, lm(Some(1000)), Plan::Business);
        assert_eq!(l.capacity, 1000);
        // The add-on never lowers what the plan gives.
        let l = MeetingLimits::for_host(UserType::Licensed, lm(Some(500)), Plan::Enterprise);
        assert_eq!(l.capacity, 500);
    }

    #[test]
    fn types_without_meetings_host_none() {
        for t in [UserType::Unassigned, UserType::None] {
            let l = MeetingLimits::for_host(t, AddOns::default(), Plan::Enterprise);
            assert!(!l.may_host());
            assert_eq!(l.capacity, 0);
        }
    }

    fn any_type() -> impl Strategy<Value = UserType> {
        prop_oneof![
            Just(UserType::Basic),
            Just(UserType::Licensed),
            Just(UserType::OnPrem),
            Just(UserType::Unassigned),
            Just(UserType::None),
        ]
    }

    proptest! {
        #[test]
        fn limits_stay_in_bounds(
            t in any_type(),
            plan in proptest::sample::select(Plan::ALL.to_vec()),
            cap in proptest::option::of(proptest::sample::select(vec![500u32, 1000])),
        ) {
            let l = MeetingLimits::for_host(t, lm(cap), plan);
            prop_assert!(l.max_concurrent <= MAX_CONCURRENT);
            prop_assert!(l.cap <= Duration::hours(30));
            prop_assert!(l.capacity <= 1000);
            // Hosting at all goes with a positive cap and capacity.
            prop_assert_eq!(l.may_host(), l.cap > Duration::ZERO);
            prop_assert_eq!(l.may_host(), l.capacity > 0);
            // A paid host never has less than a Basic one.
            if t.takes_licensed_seat() {
                let b = MeetingLimits::for_host(UserType::Basic, AddOns::default(), plan);
                prop_assert!(l.cap > b.cap && l.capacity >= b.capacity);
                prop_assert!(l.max_concurrent >= b.max_concurrent);
            }
        }
    }
}
