//! Webhooks, the pure part: which URLs an app may receive events at (http(s), no userinfo, never
//! a link-local or cloud-metadata address), which event names exist, Zoom's signatures, the
//! delivery envelope, and which events concern which user.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::IpAddr;

/// Every event type an app may subscribe to: what Roster emits (Zoom's names where Zoom has
/// them). `app_deauthorized` is not here: it always goes to the app it names.
pub const EVENT_TYPES: &[&str] = &[
    "user.created",
    "user.updated",
    "user.activated",
    "user.deactivated",
    "user.deleted",
    "user.disassociated",
    "user.invitation_accepted",
    "user.invitation_expired",
    "user.invitation_link_issued",
    "user.invitation_resent",
    "user.settings_updated",
    "meeting.created",
    "meeting.updated",
    "meeting.deleted",
    "meeting.started",
    "meeting.ended",
    "group.created",
    "group.updated",
    "group.deleted",
    "group.member_added",
    "group.member_deleted",
    "group.settings_updated",
    "group.lock_settings_updated",
    "role.created",
    "role.updated",
    "role.deleted",
    "account.settings_updated",
    "account.lock_settings_updated",
    "account.user_defaults_updated",
    "account.users_type_changed",
    "account.users_group_switched",
    "account.users_chat_group_switched",
    "account.language_changed",
    "account.managed_domain_added",
    "account.managed_domain_verified",
    "account.managed_domain_updated",
    "account.managed_domain_removed",
    "account.custom_attribute_created",
    "account.custom_attribute_updated",
    "account.custom_attribute_deleted",
    "contact.added",
    "contact.deleted",
    "contact.external_removed",
    "chat_channel.created",
    "chat_channel.member_invited",
    "chat_channel.member_removed",
    "chat_message.sent",
];

/// The event an app receives when it is disconnected; sent whether or not it subscribed.
pub const DEAUTHORIZED: &str = "app_deauthorized";

/// Why a webhook setting was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("url must be an absolute http:// or https:// URL: {0}")]
    NotHttp(String),
    #[error("url must not carry a user name or password")]
    Userinfo,
    #[error("url points at a link-local or cloud metadata address ({0}); Roster never sends events there")]
    Forbidden(String),
    #[error("unknown event type {0:?}; subscribable events: {1}")]
    UnknownEvent(String, String),
    #[error("events must name at least one event type")]
    NoEvents,
    #[error("secret_token must be 8 to 128 printable ASCII characters without spaces")]
    Secret,
}

/// Host names of cloud metadata services, refused whatever they resolve to.
const METADATA_HOSTS: &[&str] = &[
    "metadata.google.internal",
    "metadata",
    "metadata.internal",
    "instance-data",
    "instance-data.ec2.internal",
];

/// Whether `ip` is an address events must never go to: IPv4 link-local (169.254.0.0/16, home of
/// the AWS, GCP and Azure metadata services), IPv6 link-local (fe80::/10), Alibaba's metadata
/// address 100.100.100.200, AWS's IPv6 metadata address fd00:ec2::254, and the same behind an
/// IPv4-mapped IPv6 address. Loopback and private addresses are allowed: self-hosted receivers
/// live there.
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local() || v4.octets() == [100, 100, 100, 200],
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_forbidden_ip(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            (seg[0] & 0xffc0) == 0xfe80 || seg == [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254]
        }
    }
}

/// A URL events may be sent to, as far as can be told without resolving it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(raw: &str) -> Result<Self, WebhookError> {
        let raw = raw.trim();
        let url = url::Url::parse(raw).map_err(|_| WebhookError::NotHttp(raw.to_owned()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WebhookError::NotHttp(raw.to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebhookError::Userinfo);
        }
        match url.host() {
            None => return Err(WebhookError::NotHttp(raw.to_owned())),
            Some(url::Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip))?,
            Some(url::Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip))?,
            Some(url::Host::Domain(d)) => {
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                if METADATA_HOSTS.contains(&d.as_str()) {
                    return Err(WebhookError::Forbidden(d));
                }
            }
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_ip(ip: IpAddr) -> Result<(), WebhookError> {
    if is_forbidden_ip(ip) {
        Err(WebhookError::Forbidden(ip.to_string()))
    } else {
        Ok(())
    }
}

/// A subscription's event types: known names, no duplicates, in the order given.
pub fn parse_events<S: AsRef<str>>(names: &[S]) -> Result<Vec<String>, WebhookError> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let n = n.as_ref().trim();
        if !EVENT_TYPES.contains(&n) {
            return Err(WebhookError::UnknownEvent(
                n.to_owned(),
                EVENT_TYPES.join(", "),
            ));
        }
        if !out.iter().any(|o| o == n) {
            out.push(n.to_owned());
        }
    }
    if out.is_empty() {
        return Err(WebhookError::NoEvents);
    }
    Ok(out)
}

/// A secret token the app chose: it keys the HMAC, so it must be reasonably long.
pub fn parse_secret(raw: &str) -> Result<String, WebhookError> {
    let ok = (8..=128).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(WebhookError::Secret)
    }
}

/// A fresh secret token: 32 alphanumerics.
pub fn generate_secret() -> String {
    crate::secret::random_alphanumeric(32)
}

/// A random `plainToken` for the URL validation challenge.
pub fn challenge_token() -> String {
    crate::secret::random_alphanumeric(22)
}

/// hex(HMAC-SHA256(key, message)).
pub fn hmac_hex(key: &str, message: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Zoom's `x-zm-signature` for a body sent at `timestamp`: `v0=` + hex(HMAC-SHA256(secret,
/// `v0:{timestamp}:{body}`)).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!("v0={}", hmac_hex(secret, &format!("v0:{timestamp}:{body}")))
}

/// The answer a receiver owes to the URL validation challenge: hex(HMAC-SHA256(secret,
/// plainToken)).
pub fn encrypted_token(secret: &str, plain_token: &str) -> String {
    hmac_hex(secret, plain_token)
}

/// Zoom's envelope `{"event", "event_ts" (ms), "payload"}` around a stored payload (kept
/// byte for byte).
pub fn envelope(event: &str, event_ts_ms: i64, payload: &str) -> String {
    let event = serde_json::Value::String(event.to_owned());
    format!(r#"{{"event":{event},"event_ts":{event_ts_ms},"payload":{payload}}}"#)
}

/// The idempotency key of the delivery of event `event_id` to app `app_id`: the same on every
/// attempt and every redelivery.
pub fn idempotency_key(event_id: i64, app_id: &str) -> String {
    format!("{event_id}-{app_id}")
}

/// The users an event concerns: its target and the payload's `object.id`, `object.host_id` and
/// `user_id` (where present). A personal install receives only events about its user.
pub fn concerned_users(target: Option<&str>, payload: &str) -> Vec<String> {
    let mut out: Vec<String> = target.map(str::to_owned).into_iter().collect();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(payload) {
        let object = v.get("object");
        for id in [
            object.and_then(|o| o.get("id")),
            object.and_then(|o| o.get("host_id")),
            v.get("user_id"),
        ]
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        {
            out.push(id.to_owned());
        }
    }
    out
}

/// Whether a space-separated subscription list names `event`.
pub fn subscribed(events: &str, event: &str) -> bool {
    events.split(' ').any(|e| e == event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(WebhookUrl::parse("http://127.0.0.1:9000/hook").is_ok());
        assert!(WebhookUrl::parse("https://10.0.0.5/hook").is_ok());
        assert!(WebhookUrl::parse("https://crm.example.com/zoom").is_ok());
        for bad in [
            "ftp://example.com/",
            "example.com/hook",
            "javascript:alert(1)",
            "http://",
            "https://:443/",
        ] {
            assert!(
                matches!(WebhookUrl::parse(bad), Err(WebhookError::NotHttp(_))),
                "{bad}"
            );
        }
        assert_eq!(
            WebhookUrl::parse("http://u:p@example.com/"),
            Err(WebhookError::Userinfo)
        );
        for bad in [
            "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://METADATA.google.internal./",
            "http://100.100.100.200/",
            "http://[::ffff:169.254.169.254]/",
            "http://[fd00:ec2::254]/",
            "http://0xa9fea9fe/",
        ] {
            assert!(
                matches!(WebhookUrl::parse(bad), Err(WebhookError::Forbidden(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn events() {
        assert_eq!(
            parse_events(&["user.created", "meeting.created", "user.created"]).unwrap(),
            vec!["user.created", "meeting.created"]
        );
        assert!(matches!(
            parse_events(&["user.exploded"]),
            Err(WebhookError::UnknownEvent(..))
        ));
        assert_eq!(parse_events::<&str>(&[]), Err(WebhookError::NoEvents));
        assert!(subscribed(
            "user.created meeting.created",
            "meeting.created"
        ));
        assert!(!subscribed("user.created", "user.create"));
    }

    #[test]
    fn signatures_match_zoom() {
        // Zoom's sample: HMAC-SHA256 keyed with the secret token, hex-encoded.
        let sig = signature("secret", 1_700_000_000, r#"{"a":1}"#);
        assert!(sig.starts_with("v0="));
        assert_eq!(sig.len(), 3 + 64);
        assert_eq!(
            hmac_hex("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn envelopes_and_users() {
        assert_eq!(
            envelope("user.created", 5, r#"{"x":1}"#),
            r#"{"event":"user.created","event_ts":5,"payload":{"x":1}}"#
        );
        let users = concerned_users(Some("m1"), r#"{"object":{"id":"m1","host_id":"u1"}}"#);
        assert!(users.contains(&"u1".to_owned()));
    }
}
