//! Everyone's meetings in an account, for its admins (the portal's Meetings → All view): live
//! ones first, optionally one host's, optionally only those live now.

use super::{user_of, MeetingView};
use crate::{Actor, Error, Result, Service};
use roster_domain::{Principal, Privilege};
use roster_store::meetings;

/// The most meetings one answer holds.
pub const ACCOUNT_MEETINGS_LIMIT: u32 = 200;

/// Which of the account's meetings to show.
#[derive(Debug, Clone, Default)]
pub struct AccountMeetingQuery {
    /// A host's id or email; `None` or blank: every host.
    pub host: Option<String>,
    /// Only meetings live now.
    pub live_only: bool,
}

impl Service {
    /// The caller's account's meetings (up to [`ACCOUNT_MEETINGS_LIMIT`]), live first. Needs
    /// `Meeting:Read` over the whole account (Owner, Admin, or a custom role without a group
    /// scope); anyone else is refused. An unknown host is "user not found" (field `host`).
    #[tracing::instrument(skip_all)]
    pub async fn account_meetings(
        &self,
        principal: &Principal,
        q: &AccountMeetingQuery,
    ) -> Result<Vec<MeetingView>> {
        if !principal.has(Privilege::MeetingRead)
            || principal.group_scope.is_some()
            || !principal.reaches_others()
        {
            return Err(Error::NoPrivilege);
        }
        let mut conn = self.db.read().await?;
        let actor = Actor::Principal(principal);
        let host = match q.host.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
            Some(h) => Some(user_of(&mut conn, &actor, h).await?.id),
            None => None,
        };
        let rows = meetings::list_account(
            &mut conn,
            &principal.account_id,
            host.as_ref(),
            q.live_only,
            ACCOUNT_MEETINGS_LIMIT,
        )
        .await?;
        let at = self.now();
        Ok(rows
            .into_iter()
            .map(|m| self.meeting_view(m, Some(at), &Actor::System))
            .collect())
    }
}
