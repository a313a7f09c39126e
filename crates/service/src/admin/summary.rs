//! The users summary: counts by type and by status, and seats used and free per pool, read from
//! the exact counters (`user_counts` and the seat columns of `accounts`), never by scanning users.

use super::{readable, Admin};
use crate::{Result, Service};
use roster_domain::{Privilege, UserStatus, UserType};
use roster_store::users;

/// One seat pool's use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub seats: i64,
    pub used: i64,
}

impl PoolUsage {
    pub fn free(&self) -> i64 {
        (self.seats - self.used).max(0)
    }
}

/// An account's users at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    /// Every type, in code order, with how many users (of any status) have it.
    pub by_type: Vec<(UserType, i64)>,
    /// Active, inactive and pending, with how many users.
    pub by_status: Vec<(UserStatus, i64)>,
    pub total: i64,
    pub licensed: PoolUsage,
    pub large_meeting: PoolUsage,
    pub webinar: PoolUsage,
}

const TYPES: [UserType; 5] = [
    UserType::Basic,
    UserType::Licensed,
    UserType::OnPrem,
    UserType::Unassigned,
    UserType::None,
];
const STATUSES: [UserStatus; 3] = [
    UserStatus::Active,
    UserStatus::Inactive,
    UserStatus::Pending,
];

impl Service {
    /// Counts of the account's users by type and status, and its seat pools' use.
    #[tracing::instrument(skip_all)]
    pub async fn user_summary(&self, admin: Admin<'_>) -> Result<UserSummary> {
        let mut conn = self.db.read().await?;
        let account = readable(&mut conn, &admin, Privilege::UserRead).await?;
        let counts = users::counts(&mut conn, &account.id).await?;
        let by_type = TYPES
            .iter()
            .map(|t| {
                let n = counts
                    .iter()
                    .filter(|c| c.user_type == *t)
                    .map(|c| c.n)
                    .sum();
                (*t, n)
            })
            .collect();
        let by_status = STATUSES
            .iter()
            .map(|s| {
                let n = counts.iter().filter(|c| c.status == *s).map(|c| c.n).sum();
                (*s, n)
            })
            .collect();
        Ok(UserSummary {
            by_type,
            by_status,
            total: counts.iter().map(|c| c.n).sum(),
            licensed: PoolUsage {
                seats: i64::from(account.seats.licensed),
                used: account.licensed_used,
            },
            large_meeting: PoolUsage {
                seats: i64::from(account.seats.large_meeting),
                used: account.large_meeting_used,
            },
            webinar: PoolUsage {
                seats: i64::from(account.seats.webinar),
                used: account.webinar_used,
            },
        })
    }
}
