//! The HTTP side of webhooks: one client with bounded connect and total timeouts, no redirects,
//! and a resolver that refuses host names resolving to link-local or metadata addresses (IP
//! literals are checked by [`WebhookUrl::parse`], which every send goes through), so a URL
//! accepted yesterday cannot be turned against the metadata service by a DNS change today.

use crate::{Error, Result};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use roster_domain::webhook::{self, is_forbidden_ip, WebhookUrl};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The User-Agent of every webhook request.
pub const USER_AGENT: &str = concat!("Roster-Webhooks/", env!("CARGO_PKG_VERSION"));

/// The header carrying a delivery's idempotency key: the same on every attempt and redelivery.
pub const IDEMPOTENCY_HEADER: &str = "x-roster-idempotency-key";

/// Resolves with the system resolver and refuses forbidden addresses.
#[derive(Debug, Clone, Copy)]
struct SafeResolver;

impl Resolve for SafeResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| is_forbidden_ip(a.ip())) {
                let msg = format!(
                    "{host} resolves to {}, a link-local or metadata address: refused",
                    bad.ip()
                );
                return Err(msg.into());
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// A client whose every request ends within `timeout` (connecting within half of it, at most
/// five seconds).
pub fn client(timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout((timeout / 2).min(Duration::from_secs(5)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(SafeResolver))
        .build()
        .map_err(|e| Error::Internal(format!("cannot build the webhook HTTP client: {e}")))
}

/// The error chain of a failed request, for logs and the delivery log.
fn describe(e: &reqwest::Error) -> String {
    let mut out = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Zoom's `endpoint.url_validation`: POSTs a random `plainToken` and expects 200 with the same
/// `plainToken` and `encryptedToken` = hex(HMAC-SHA256(secret, plainToken)).
pub async fn validate_endpoint(
    client: &reqwest::Client,
    url: &WebhookUrl,
    secret: &str,
) -> Result<()> {
    let plain = webhook::challenge_token();
    let now_ms = i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
        .unwrap_or(0);
    let body = serde_json::json!({
        "event": "endpoint.url_validation",
        "payload": {"plainToken": plain},
        "event_ts": now_ms,
    })
    .to_string();
    let fail = |why: String| Error::WebhookValidationFailed {
        url: url.as_str().to_owned(),
        why,
    };
    let res = signed_post(client, url, secret, &body, None)
        .await
        .map_err(|e| fail(describe(&e)))?;
    let status = res.status();
    if status != reqwest::StatusCode::OK {
        return Err(fail(format!("it answered HTTP {}", status.as_u16())));
    }
    let text = res
        .text()
        .await
        .map_err(|e| fail(format!("reading its answer: {}", describe(&e))))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| fail("its answer is not a JSON object".to_owned()))?;
    let expected = webhook::encrypted_token(secret, &plain);
    if v.get("plainToken").and_then(|t| t.as_str()) != Some(plain.as_str()) {
        return Err(fail("its answer does not echo plainToken".to_owned()));
    }
    if v.get("encryptedToken").and_then(|t| t.as_str()) != Some(expected.as_str()) {
        return Err(fail(
            "its encryptedToken is not hex(HMAC-SHA256(secret_token, plainToken))".to_owned(),
        ));
    }
    Ok(())
}

/// POSTs `body` signed as Zoom signs it, timestamped now (seconds).
async fn signed_post(
    client: &reqwest::Client,
    url: &WebhookUrl,
    secret: &str,
    body: &str,
    idempotency_key: Option<&str>,
) -> Result<reqwest::Response, reqwest::Error> {
    let ts = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut req = client
        .post(url.as_str())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("x-zm-request-timestamp", ts.to_string())
        .header("x-zm-signature", webhook::signature(secret, ts, body));
    if let Some(key) = idempotency_key {
        req = req.header(IDEMPOTENCY_HEADER, key);
    }
    req.body(body.to_owned()).send().await
}

/// What one delivery attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptResult {
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl AttemptResult {
    pub fn delivered(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Sends one delivery. Never fails: every outcome is an [`AttemptResult`].
pub async fn deliver(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    body: &str,
    idempotency_key: &str,
) -> AttemptResult {
    let start = Instant::now();
    let elapsed = |start: Instant| i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX);
    let url = match WebhookUrl::parse(url) {
        Ok(u) => u,
        Err(e) => {
            return AttemptResult {
                status_code: None,
                error: Some(e.to_string()),
                duration_ms: 0,
            }
        }
    };
    match signed_post(client, &url, secret, body, Some(idempotency_key)).await {
        Ok(res) => {
            let status = i64::from(res.status().as_u16());
            // Read (and drop) the body within the same timeout, so the connection is reusable.
            let _ = res.bytes().await;
            AttemptResult {
                status_code: Some(status),
                error: if (200..300).contains(&status) {
                    None
                } else {
                    Some(format!("HTTP {status}"))
                },
                duration_ms: elapsed(start),
            }
        }
        Err(e) => AttemptResult {
            status_code: e.status().map(|s| i64::from(s.as_u16())),
            error: Some(describe(&e)),
            duration_ms: elapsed(start),
        },
    }
}
