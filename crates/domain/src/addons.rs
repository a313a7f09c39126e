//! Add-on licences (Large Meeting, Webinar) and the capacities Zoom sells them in.

use crate::UserType;

/// Large Meeting capacities.
pub const LARGE_MEETING_CAPACITIES: [u32; 2] = [500, 1000];
/// Webinar capacities.
pub const WEBINAR_CAPACITIES: [u32; 6] = [100, 500, 1000, 3000, 5000, 10000];

/// Why an add-on cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddOnError {
    #[error("Only Licensed or On-prem users can enable the large meeting feature.")]
    LargeMeetingNeedsLicence,
    #[error("Only Licensed or On-prem users can enable the webinar feature.")]
    WebinarNeedsLicence,
    #[error("large_meeting_capacity must be one of 500, 1000")]
    LargeMeetingCapacity,
    #[error("webinar_capacity must be one of 100, 500, 1000, 3000, 5000, 10000")]
    WebinarCapacity,
}

/// The add-ons one user holds: `None`, or the capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddOns {
    pub large_meeting: Option<u32>,
    pub webinar: Option<u32>,
}

impl AddOns {
    /// Checks capacities and that the holder's type may hold add-ons at all.
    pub fn check(self, holder: UserType) -> Result<Self, AddOnError> {
        if let Some(c) = self.large_meeting {
            if !LARGE_MEETING_CAPACITIES.contains(&c) {
                return Err(AddOnError::LargeMeetingCapacity);
            }
            if !holder.takes_licensed_seat() {
                return Err(AddOnError::LargeMeetingNeedsLicence);
            }
        }
        if let Some(c) = self.webinar {
            if !WEBINAR_CAPACITIES.contains(&c) {
                return Err(AddOnError::WebinarCapacity);
            }
            if !holder.takes_licensed_seat() {
                return Err(AddOnError::WebinarNeedsLicence);
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_licensed_users_hold_add_ons() {
        let lm = AddOns {
            large_meeting: Some(500),
            webinar: None,
        };
        assert_eq!(lm.check(UserType::Licensed), Ok(lm));
        assert_eq!(lm.check(UserType::OnPrem), Ok(lm));
        assert_eq!(
            lm.check(UserType::Basic),
            Err(AddOnError::LargeMeetingNeedsLicence)
        );
        let w = AddOns {
            large_meeting: None,
            webinar: Some(1000),
        };
        assert_eq!(
            w.check(UserType::Basic),
            Err(AddOnError::WebinarNeedsLicence)
        );
        assert_eq!(
            AddOns::default().check(UserType::Basic),
            Ok(AddOns::default())
        );
    }

    #[test]
    fn capacities_are_checked() {
        let bad = AddOns {
            large_meeting: Some(700),
            webinar: None,
        };
        assert_eq!(
            bad.check(UserType::Licensed),
            Err(AddOnError::LargeMeetingCapacity)
        );
        let bad = AddOns {
            large_meeting: None,
            webinar: Some(50),
        };
        assert_eq!(
            bad.check(UserType::Licensed),
            Err(AddOnError::WebinarCapacity)
        );
    }
}
