//! A host's meetings, one page at a time (`GET /v2/users/{userId}/meetings`), paged as users
//! are: keyset `next_page_token` (by start time, then id), or Zoom's older `page_number`.

use super::{may, user_of, MeetingView};
use crate::{Actor, Error, Result, Service};
use roster_domain::paging;
use roster_store::meetings::{self, ListKind};
use time::OffsetDateTime;

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct MeetingQuery {
    /// `scheduled` (the default), `live`, `upcoming`, `upcoming_meetings`, `previous_meetings`.
    pub kind: Option<String>,
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
    pub page_number: Option<i64>,
}

/// One page of meetings.
#[derive(Debug, Clone)]
pub struct MeetingPage {
    pub meetings: Vec<MeetingView>,
    pub page_size: u32,
    pub page_number: u32,
    pub page_count: i64,
    pub total_records: i64,
    pub next_page_token: String,
}

/// Zoom's largest meeting page.
pub const MAX_PAGE_SIZE: i64 = 300;

fn kind(raw: Option<&str>) -> Result<ListKind> {
    match raw.map(str::trim).unwrap_or("") {
        "" | "scheduled" => Ok(ListKind::Scheduled),
        "live" => Ok(ListKind::Live),
        "upcoming" | "upcoming_meetings" => Ok(ListKind::Upcoming),
        "previous_meetings" | "previous" => Ok(ListKind::Previous),
        _ => Err(Error::invalid(
            "type",
            "type must be scheduled, live, upcoming, upcoming_meetings or previous_meetings",
        )),
    }
}

pub(super) fn token_key(at: OffsetDateTime, id: i64) -> String {
    format!("{}:{id}", roster_domain::meeting::epoch_ms(at))
}

pub(super) fn parse_key(key: &str) -> Result<(OffsetDateTime, i64)> {
    let bad = || {
        Error::invalid(
            "next_page_token",
            "The next page token is invalid or expired.",
        )
    };
    let (ms, id) = key.split_once(':').ok_or_else(bad)?;
    let ms: i64 = ms.parse().map_err(|_| bad())?;
    let id: i64 = id.parse().map_err(|_| bad())?;
    let at =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map_err(|_| bad())?;
    Ok((at, id))
}

impl Service {
    /// A page of the meetings `user_ref` hosts, as the caller may see them.
    #[tracing::instrument(skip_all)]
    pub async fn list_meetings(
        &self,
        actor: &Actor<'_>,
        user_ref: &str,
        q: &MeetingQuery,
    ) -> Result<MeetingPage> {
        let kind = kind(q.kind.as_deref())?;
        if q.page_size.is_some_and(|n| n > MAX_PAGE_SIZE) {
            return Err(Error::invalid(
                "page_size",
                format!("page_size must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let page_size =
            paging::page_size(q.page_size).map_err(|e| Error::invalid("page_size", e))?;
        let page_number =
            paging::page_number(q.page_number).map_err(|e| Error::invalid("page_number", e))?;
        let after = crate::paging::after(q.next_page_token.as_deref())?
            .map(|k| parse_key(&k))
            .transpose()?;
        let mut conn = self.db.read().await?;
        let host = user_of(&mut conn, actor, user_ref).await?;
        if !may(&mut conn, actor, &host, false).await? {
            return Err(Error::NoPrivilege);
        }
        let at = self.now();
        let offset = if after.is_some() {
            0
        } else {
            u64::from(page_number - 1) * u64::from(page_size)
        };
        let mut rows =
            meetings::list(&mut conn, &host.id, kind, at, after, page_size + 1, offset).await?;
        let total_records = meetings::count(&mut conn, &host.id, kind, at).await?;
        let next_page_token =
            crate::paging::finish(&mut rows, page_size, |m| token_key(m.start_time, m.id));
        let size = i64::from(page_size);
        Ok(MeetingPage {
            meetings: rows
                .into_iter()
                .map(|m| self.meeting_view(m, Some(at), &Actor::System))
                .collect(),
            page_size,
            page_number,
            page_count: (total_records + size - 1) / size,
            total_records,
            next_page_token,
        })
    }
}
