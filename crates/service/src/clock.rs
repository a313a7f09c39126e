//! The service's clock. Every time the service layer and its workers read comes from here, so a
//! test can move time forward (a meeting's 40-minute cap, an invitation's expiry) without
//! waiting: [`Clock::advance`] shifts it for every clone of the same clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// The system clock plus an offset shared by every clone (zero unless a test advances it).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// The current time.
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every clone of it) forward by `by` (backward when negative).
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.whole_milliseconds()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_offset() {
        let a = Clock::system();
        let b = a.clone();
        let before = b.now();
        a.advance(Duration::minutes(40));
        let after = b.now();
        assert!(after - before >= Duration::minutes(40));
        assert!(after - before < Duration::minutes(41));
    }
}
