//! Everyone's meetings in an account, for its admins (the portal's Meetings → All view): those
//! live now in full, then the rest one page at a time (keyset by start time, then id, latest
//! first); optionally one host's, optionally only those live now.

use super::list::{parse_key, token_key, MAX_PAGE_SIZE};
use super::{user_of, MeetingView};
use crate::{Actor, Error, Result, Service};
use roster_domain::{paging, Principal, Privilege};
use roster_store::meetings;

/// Which of the account's meetings to show.
#[derive(Debug, Clone, Default)]
pub struct AccountMeetingQuery {
    /// A host's id or email; `None` or blank: every host.
    pub host: Option<String>,
    /// Only meetings live now (no page of the rest).
    pub live_only: bool,
    /// How many of the rest a page holds: 1 to 300, 30 by default.
    pub page_size: Option<i64>,
    /// Where the page of the rest starts (a previous answer's `next_page_token`).
    pub next_page_token: Option<String>,
}

/// The live meetings and one page of the rest.
#[derive(Debug, Clone)]
pub struct AccountMeetings {
    /// Every meeting live now (of the host, when filtered), latest start first.
    pub live: Vec<MeetingView>,
    /// One page of the meetings not live (empty when `live_only`).
    pub rest: Vec<MeetingView>,
    /// How many meetings are not live (0 when `live_only`).
    pub rest_total: i64,
    /// The token for the next page of the rest; empty on the last page.
    pub next_page_token: String,
}

impl Service {
    /// The caller's account's meetings: all the live ones, then a page of the rest. Needs
    /// `Meeting:Read` over the whole account (Owner, Admin, or a custom role without a group
    /// scope); anyone else is refused. An unknown host is "user not found" (field `host`); a bad
    /// page size or token is invalid input (fields `page_size`, `next_page_token`).
    #[tracing::instrument(skip_all)]
    pub async fn account_meetings(
        &self,
        principal: &Principal,
        q: &AccountMeetingQuery,
    ) -> Result<AccountMeetings> {
        if !principal.has(Privilege::MeetingRead)
            || principal.group_scope.is_some()
            || !principal.reaches_others()
        {
            return Err(Error::NoPrivilege);
        }
        if q.page_size.is_some_and(|n| n > MAX_PAGE_SIZE) {
            return Err(Error::invalid(
                "page_size",
                format!("page_size must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let page_size =
            paging::page_size(q.page_size).map_err(|e| Error::invalid("page_size", e))?;
        let after = crate::paging::after(q.next_page_token.as_deref())?
            .map(|k| parse_key(&k))
            .transpose()?;
        let mut conn = self.db.read().await?;
        let actor = Actor::Principal(principal);
        let host = match q.host.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
            Some(h) => Some(user_of(&mut conn, &actor, h).await?.id),
            None => None,
        };
        let account = &principal.account_id;
        let live = meetings::list_account_live(&mut conn, account, host.as_ref()).await?;
        let (mut rest, rest_total) = if q.live_only {
            (Vec::new(), 0)
        } else {
            let rows = meetings::list_account_rest(
                &mut conn,
                account,
                host.as_ref(),
                after,
                page_size + 1,
            )
            .await?;
            let total = meetings::count_account_rest(&mut conn, account, host.as_ref()).await?;
            (rows, total)
        };
        let next_page_token =
            crate::paging::finish(&mut rest, page_size, |m| token_key(m.start_time, m.id));
        let at = self.now();
        let view = |rows: Vec<meetings::MeetingRecord>| {
            rows.into_iter()
                .map(|m| self.meeting_view(m, Some(at), &Actor::System))
                .collect()
        };
        Ok(AccountMeetings {
            live: view(live),
            rest: view(rest),
            rest_total,
            next_page_token,
        })
    }
}
