//! Keyset paging shared by every list: decode the caller's `next_page_token`, and after fetching
//! one row more than the page, cut the page and make the token for the next one.

use crate::{Error, Result};
use roster_domain::paging::PageToken;

/// Milliseconds since the epoch, for page-token issue times.
pub(crate) fn now_ms() -> i64 {
    i64::try_from(crate::record_time().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Where the page starts: the key after which rows follow; `None` for the first page.
pub(crate) fn after(token: Option<&str>) -> Result<Option<String>> {
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(raw) => PageToken::decode(raw, now_ms())
            .map(|t| Some(t.after))
            .map_err(|e| Error::invalid("next_page_token", e)),
    }
}

/// Cuts `rows` (fetched with one extra) to `page_size` and returns the token for the next page,
/// or an empty string on the last page.
pub(crate) fn finish<T>(rows: &mut Vec<T>, page_size: u32, key: impl Fn(&T) -> String) -> String {
    let size = usize::try_from(page_size).unwrap_or(usize::MAX);
    let more = rows.len() > size;
    rows.truncate(size);
    match rows.last() {
        Some(last) if more => PageToken {
            after: key(last),
            issued_at_ms: now_ms(),
        }
        .encode(),
        _ => String::new(),
    }
}
