//! `/v2`: Zoom's REST API v2, path for path and field for field.

pub mod groups;
pub mod report;
pub mod roles;
pub mod users;

use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

const ZOOM_TIME: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Zoom's timestamp format: `2019-06-01T07:58:03Z` (UTC, whole seconds).
pub fn zoom_time(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(ZOOM_TIME)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_like_zoom() {
        let t = time::macros::datetime!(2019-06-01 09:58:03.456 +02:00);
        assert_eq!(super::zoom_time(t), "2019-06-01T07:58:03Z");
    }
}
