//! `/v2`: Zoom's REST API v2, path for path and field for field.

pub mod admin;
pub mod apps;
pub mod attributes;
pub mod chat;
pub mod domains;
pub mod external;
pub mod groups;
pub mod meeting_status;
pub mod meetings;
pub mod report;
pub mod roles;
pub mod scopes;
pub mod settings;
pub mod users;
pub mod webhooks;

use time::OffsetDateTime;

/// Zoom's timestamp format: `2019-06-01T07:58:03Z` (UTC, whole seconds); one implementation,
/// the domain's, shared with the meetings code and the CLI.
pub fn zoom_time(t: OffsetDateTime) -> String {
    roster_service::domain::meeting::recurrence::zoom_utc(t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_like_zoom() {
        let t = time::macros::datetime!(2019-06-01 09:58:03.456 +02:00);
        assert_eq!(super::zoom_time(t), "2019-06-01T07:58:03Z");
    }
}
