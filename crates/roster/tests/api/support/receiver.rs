//! A webhook receiver on loopback, as an app would run one: it answers Zoom's
//! `endpoint.url_validation` challenge, verifies `x-zm-signature` (its own HMAC, not Roster's
//! code) and the timestamp's freshness, and records every delivery with its idempotency key.
//! It can be told to fail (HTTP 500) a number of times, or to hang.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the receiver answers the URL validation challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Challenge {
    Correct,
    WrongToken,
    Error500,
}

/// One delivery as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub key: String,
    pub event: String,
    pub body: Value,
    pub raw: String,
    pub at: Instant,
    pub user_agent: String,
}

#[derive(Debug)]
struct Inner {
    secret: String,
    challenge: Challenge,
    /// Answer 500 to this many deliveries before answering 200.
    fail_next: usize,
    /// Answer 500 to every delivery.
    always_fail: bool,
    /// Never answer deliveries.
    hang: bool,
    /// Wait this long before answering a delivery.
    delay: Duration,
    challenges: usize,
    received: Vec<Received>,
    /// Deliveries answered 500 (recorded too).
    failed: Vec<Received>,
    bad_signatures: usize,
}

#[derive(Debug, Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

fn hmac_hex(key: &str, msg: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(msg.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw = String::from_utf8(body.to_vec()).unwrap();
    let v: Value = serde_json::from_str(&raw).unwrap_or(Value::Null);
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (secret, challenge) = {
        let g = inner.lock().unwrap();
        (g.secret.clone(), g.challenge)
    };
    // Verify as Zoom tells receivers to: the raw body, a fresh timestamp.
    let ts = header("x-zm-request-timestamp");
    let expected = format!("v0={}", hmac_hex(&secret, &format!("v0:{ts}:{raw}")));
    let fresh = ts
        .parse::<i64>()
        .is_ok_and(|t| (time::OffsetDateTime::now_utc().unix_timestamp() - t).abs() < 300);
    let signed = fresh
        && header("x-zm-signature") == expected
        && header("content-type") == "application/json";
    if v["event"] == "endpoint.url_validation" {
        inner.lock().unwrap().challenges += 1;
        let plain = v["payload"]["plainToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        return match challenge {
            Challenge::Correct => axum::Json(json!({
                "plainToken": plain,
                "encryptedToken": hmac_hex(&secret, &plain),
            }))
            .into_response(),
            Challenge::WrongToken => axum::Json(json!({
                "plainToken": plain,
                "encryptedToken": hmac_hex("not-the-secret", &plain),
            }))
            .into_response(),
            Challenge::Error500 => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
    }
    let rec = Received {
        key: header("x-roster-idempotency-key"),
        event: v["event"].as_str().unwrap_or_default().to_owned(),
        body: v.clone(),
        raw,
        at: Instant::now(),
        user_agent: header("user-agent"),
    };
    let (hang, delay) = {
        let g = inner.lock().unwrap();
        (g.hang, g.delay)
    };
    if hang {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut g = inner.lock().unwrap();
    if !signed {
        g.bad_signatures += 1;
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if g.always_fail || g.fail_next > 0 {
        g.fail_next = g.fail_next.saturating_sub(1);
        g.failed.push(rec);
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    g.received.push(rec);
    StatusCode::OK.into_response()
}

impl Receiver {
    /// Starts a receiver that knows `secret`.
    pub async fn start(secret: &str) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            secret: secret.to_owned(),
            challenge: Challenge::Correct,
            fail_next: 0,
            always_fail: false,
            hang: false,
            delay: Duration::ZERO,
            challenges: 0,
            received: Vec::new(),
            failed: Vec::new(),
            bad_signatures: 0,
        }));
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(handle))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, inner }
    }

    pub fn set_challenge(&self, c: Challenge) {
        self.inner.lock().unwrap().challenge = c;
    }
    pub fn fail_next(&self, n: usize) {
        self.inner.lock().unwrap().fail_next = n;
    }
    pub fn always_fail(&self, on: bool) {
        self.inner.lock().unwrap().always_fail = on;
    }
    pub fn hang(&self, on: bool) {
        self.inner.lock().unwrap().hang = on;
    }
    pub fn delay(&self, d: Duration) {
        self.inner.lock().unwrap().delay = d;
    }
    pub fn challenges(&self) -> usize {
        self.inner.lock().unwrap().challenges
    }
    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }
    pub fn failed(&self) -> Vec<Received> {
        self.inner.lock().unwrap().failed.clone()
    }
    pub fn bad_signatures(&self) -> usize {
        self.inner.lock().unwrap().bad_signatures
    }

    /// Waits (up to `within`) until `pred` holds of the deliveries received so far.
    pub async fn wait_for(
        &self,
        within: Duration,
        pred: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if pred(&got) {
                return got;
            }
            if start.elapsed() > within {
                panic!(
                    "receiver: condition not met within {within:?}; got {:#?}",
                    got.iter().map(|r| (&r.event, &r.key)).collect::<Vec<_>>()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}
