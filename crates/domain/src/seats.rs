//! Seat pools: how many Licensed seats and add-on licences an account has bought. The store
//! keeps the counters and enforces them inside transactions; these are the rules for setting
//! the pools up.

use crate::{Plan, UserType};

/// Most seats one pool may hold; far beyond any real organisation, small enough for any column.
pub const MAX_SEATS: u32 = 10_000_000;

/// The sizes of an account's seat pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeatPools {
    pub licensed: u32,
    pub large_meeting: u32,
    pub webinar: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeatsError {
    #[error("a free plan has no paid seats; choose the pro, business, education or enterprise plan to buy Licensed seats or add-ons")]
    FreePlanHasNoSeats,
    #[error("a seat pool may hold at most {MAX_SEATS} seats")]
    TooMany,
    #[error("add-on licences (Large Meeting, Webinar) can only be held by Licensed users: buy at least as many Licensed seats as add-ons")]
    AddOnsExceedLicensed,
}

impl SeatPools {
    pub fn new(
        plan: Plan,
        licensed: u32,
        large_meeting: u32,
        webinar: u32,
    ) -> Result<Self, SeatsError> {
        if [licensed, large_meeting, webinar]
            .iter()
            .any(|n| *n > MAX_SEATS)
        {
            return Err(SeatsError::TooMany);
        }
        if !plan.is_paid() && (licensed > 0 || large_meeting > 0 || webinar > 0) {
            return Err(SeatsError::FreePlanHasNoSeats);
        }
        if large_meeting > licensed || webinar > licensed {
            return Err(SeatsError::AddOnsExceedLicensed);
        }
        Ok(Self {
            licensed,
            large_meeting,
            webinar,
        })
    }

    /// The type a new account's Owner gets: Licensed when a seat is free, else Basic.
    pub fn owner_type(&self) -> UserType {
        if self.licensed > 0 {
            UserType::Licensed
        } else {
            UserType::Basic
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_plan_has_no_seats() {
        assert_eq!(
            SeatPools::new(Plan::Free, 1, 0, 0),
            Err(SeatsError::FreePlanHasNoSeats)
        );
        assert_eq!(
            SeatPools::new(Plan::Free, 0, 0, 0).unwrap().owner_type(),
            UserType::Basic
        );
    }

    #[test]
    fn paid_plan_owner_is_licensed() {
        let p = SeatPools::new(Plan::Business, 10, 2, 1).unwrap();
        assert_eq!(p.owner_type(), UserType::Licensed);
        assert_eq!(
            SeatPools::new(Plan::Pro, 0, 0, 0).unwrap().owner_type(),
            UserType::Basic
        );
    }

    #[test]
    fn add_ons_need_licensed_seats() {
        assert_eq!(
            SeatPools::new(Plan::Pro, 1, 2, 0),
            Err(SeatsError::AddOnsExceedLicensed)
        );
        assert_eq!(
            SeatPools::new(Plan::Pro, MAX_SEATS + 1, 0, 0),
            Err(SeatsError::TooMany)
        );
    }
}
