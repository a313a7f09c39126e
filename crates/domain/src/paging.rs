//! Page sizes and keyset page tokens for user lists. A token names the last row of the page
//! before it, so paging is stable while users are added, and each page costs the same at any
//! depth. Tokens expire after 15 minutes, as Zoom's do.

use base64::Engine;

/// Zoom's default page size.
pub const DEFAULT_PAGE_SIZE: u32 = 30;
/// Zoom's current maximum page size.
pub const MAX_PAGE_SIZE: u32 = 2000;
/// How long a `next_page_token` stays valid.
pub const TOKEN_TTL_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    #[error("page_size must be between 1 and {MAX_PAGE_SIZE}")]
    PageSize,
    #[error("page_number must be 1 or more")]
    PageNumber,
    #[error("The next page token is invalid or expired.")]
    Token,
}

/// A page size within Zoom's bounds.
pub fn page_size(requested: Option<i64>) -> Result<u32, PagingError> {
    match requested {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or(PagingError::PageSize),
    }
}

/// A 1-based page number (Zoom's deprecated offset paging).
pub fn page_number(requested: Option<i64>) -> Result<u32, PagingError> {
    match requested {
        None => Ok(1),
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| *n >= 1)
            .ok_or(PagingError::PageNumber),
    }
}

/// Where the next page starts: after this sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageToken {
    pub after: String,
    pub issued_at_ms: i64,
}

impl PageToken {
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("1:{}:{}", self.issued_at_ms, self.after))
    }

    /// Decodes a token a client sent back; refuses anything Roster did not make, or made more
    /// than 15 minutes before `now_ms`.
    pub fn decode(raw: &str, now_ms: i64) -> Result<Self, PagingError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw.trim())
            .map_err(|_| PagingError::Token)?;
        let text = String::from_utf8(bytes).map_err(|_| PagingError::Token)?;
        let mut parts = text.splitn(3, ':');
        let (Some("1"), Some(ts), Some(after)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(PagingError::Token);
        };
        let issued_at_ms: i64 = ts.parse().map_err(|_| PagingError::Token)?;
        if after.is_empty()
            || now_ms - issued_at_ms > TOKEN_TTL_MS
            || issued_at_ms > now_ms + 60_000
        {
            return Err(PagingError::Token);
        }
        Ok(Self {
            after: after.to_owned(),
            issued_at_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn page_sizes() {
        assert_eq!(page_size(None), Ok(30));
        assert_eq!(page_size(Some(1)), Ok(1));
        assert_eq!(page_size(Some(2000)), Ok(2000));
        for bad in [0, -1, 2001, i64::MAX] {
            assert_eq!(page_size(Some(bad)), Err(PagingError::PageSize));
        }
        assert_eq!(page_number(Some(0)), Err(PagingError::PageNumber));
    }

    #[test]
    fn tokens_round_trip_and_expire() {
        let t = PageToken {
            after: "jane@example.com".into(),
            issued_at_ms: 1_000_000,
        };
        let raw = t.encode();
        assert_eq!(PageToken::decode(&raw, 1_000_000 + 60_000), Ok(t.clone()));
        assert_eq!(
            PageToken::decode(&raw, 1_000_000 + TOKEN_TTL_MS + 1),
            Err(PagingError::Token)
        );
        for bogus in [
            "",
            "!!!",
            "abc",
            &base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("2:1:x"),
        ] {
            assert_eq!(PageToken::decode(bogus, 1_000_000), Err(PagingError::Token));
        }
    }

    proptest! {
        #[test]
        fn decode_never_panics(s in ".{0,100}") {
            let _ = PageToken::decode(&s, 0);
        }
    }
}
