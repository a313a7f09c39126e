//! The pure rules of the OAuth 2.0 authorization-code flow (RFC 6749, RFC 7636): which scopes
//! exist and what they mean in plain words, what a registered redirect URI may be, PKCE S256,
//! and the signed, short-lived form that carries an authorization request between the sign-in
//! and consent pages (so no server-side session is needed; it doubles as the CSRF token).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Every scope Roster knows, with the words the consent page shows. Classic scopes first, then
/// Zoom's granular ones (see shared/zoom-api.md). A scope ending in `:admin` (and `scim2`) acts
/// on other users of the account.
pub const KNOWN_SCOPES: &[(&str, &str)] = &[
    ("user:read", "See your profile"),
    ("user:write", "Change your profile"),
    ("user_info:read", "See your name and email"),
    ("user_profile", "See your profile"),
    ("user:read:admin", "See every user of the account"),
    (
        "user:write:admin",
        "Add, change and remove users of the account",
    ),
    ("meeting:read", "See your meetings"),
    ("meeting:write", "Schedule, change and delete your meetings"),
    ("meeting:read:admin", "See every user's meetings"),
    (
        "meeting:write:admin",
        "Schedule, change and delete meetings for any user of the account",
    ),
    ("scim2", "Manage the account's users through SCIM"),
    ("user:read:list_users:admin", "List the account's users"),
    ("user:write:user:admin", "Add users to the account"),
    ("user:read:user", "See your profile"),
    ("user:read:user:admin", "See any user's profile"),
    ("user:update:user", "Change your profile"),
    ("user:update:user:admin", "Change any user's profile"),
    ("user:delete:user", "Delete your user"),
    ("user:delete:user:admin", "Delete any user"),
    ("user:read:email", "See your email address"),
    ("user:read:email:admin", "See any user's email address"),
    ("user:update:settings", "Change your settings"),
    ("user:update:settings:admin", "Change any user's settings"),
    (
        "meeting:read:list_meetings:admin",
        "List any user's meetings",
    ),
    (
        "meeting:read:meeting:admin",
        "See any meeting of the account",
    ),
];

/// Whether a scope acts on other users of the account.
pub fn is_admin_scope(scope: &str) -> bool {
    scope.ends_with(":admin") || scope == "scim2"
}

/// The consent page's words for a known scope (any name [`crate::scope::is_known`] accepts):
/// the table's, or plain words made from the scope's family for the rest.
pub fn describe_scope(scope: &str) -> Option<String> {
    if let Some((_, words)) = KNOWN_SCOPES.iter().find(|(s, _)| *s == scope) {
        return Some((*words).to_owned());
    }
    if !crate::scope::is_known(scope) {
        return None;
    }
    let mut parts = scope.split(':');
    let family = parts.next().unwrap_or(scope).replace('_', " ");
    let verb = match parts.next() {
        Some("read") => "See",
        _ => "Change",
    };
    let whose = if is_admin_scope(scope) {
        "for every user of the account"
    } else {
        "of your own"
    };
    Some(format!("{verb} {family} data {whose} ({scope})"))
}

/// Why a redirect URI cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectUriError {
    #[error("Redirect URI {0} must be absolute https (http only for 127.0.0.1, [::1] or localhost), without a fragment, user info or spaces.")]
    Invalid(String),
    #[error("At least one redirect URI is required for user and account apps.")]
    Empty,
}

fn is_loopback(host_port: &str) -> bool {
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().map(|h| format!("[{h}]"))
    } else {
        host_port.split(':').next().map(str::to_owned)
    };
    matches!(host.as_deref(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

/// Checks one redirect URI: absolute `https://`, or `http://` to a loopback host; no
/// fragment, no user info, no white space. It is then matched exactly, byte for byte.
pub fn parse_redirect_uri(uri: &str) -> Result<String, RedirectUriError> {
    let bad = || RedirectUriError::Invalid(uri.to_owned());
    if uri.len() > 2048
        || uri.contains('#')
        || uri.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad());
    }
    let (secure, rest) = if let Some(r) = uri.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = uri.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(bad());
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(bad());
    }
    if !secure && !is_loopback(authority) {
        return Err(bad());
    }
    Ok(uri.to_owned())
}

/// Parses a list of redirect URIs (at most 10), without repeats.
pub fn parse_redirect_uris<'a>(
    uris: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<String>, RedirectUriError> {
    let mut out: Vec<String> = Vec::new();
    for u in uris {
        let u = parse_redirect_uri(u.trim())?;
        if !out.contains(&u) {
            out.push(u);
        }
    }
    if out.is_empty() {
        return Err(RedirectUriError::Empty);
    }
    if out.len() > 10 {
        return Err(RedirectUriError::Invalid("(more than 10 URIs)".into()));
    }
    Ok(out)
}

/// The PKCE S256 challenge of a verifier: `BASE64URL(SHA256(verifier))`.
pub fn pkce_s256(verifier: &str) -> String {
    B64.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether a `code_challenge` has the S256 form (43 URL-safe base64 characters).
pub fn is_s256_challenge(c: &str) -> bool {
    c.len() == 43
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `verifier` is a well-formed PKCE verifier (RFC 7636 §4.1) whose challenge is
/// `challenge`, compared in constant time.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    use subtle::ConstantTimeEq;
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    well_formed && bool::from(pkce_s256(verifier).as_bytes().ct_eq(challenge.as_bytes()))
}

/// How long the sign-in and consent pages' signed form stays valid.
pub const FLOW_TTL_SECS: i64 = 15 * 60;
/// How long an authorization code lives (10 minutes).
pub const CODE_TTL_SECS: i64 = 10 * 60;
/// How long a refresh token lives (Zoom: 90 days).
pub const REFRESH_TTL_SECS: i64 = 90 * 24 * 60 * 60;

/// Why a signed flow form is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    #[error("This sign-in form is not valid. Start again from the app.")]
    Invalid,
    #[error("This sign-in form has expired. Start again from the app.")]
    Expired,
}

fn flow_mac(key: &[u8], body: &str) -> Hmac<Sha256> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
    m.update(b"oauth-flow:v1:");
    m.update(body.as_bytes());
    m
}

/// Signs `payload` (any text, e.g. JSON) until `exp` (Unix seconds): `BODY.SIG`, where BODY is
/// URL-safe base64 of `EXP:payload`.
pub fn sign_flow(key: &[u8], payload: &str, exp: i64) -> String {
    let body = B64.encode(format!("{exp}:{payload}"));
    let sig = flow_mac(key, &body).finalize().into_bytes();
    format!("{body}.{}", B64.encode(sig))
}

/// The payload of a genuine, unexpired signed form.
pub fn verify_flow(key: &[u8], token: &str, now: i64) -> Result<String, FlowError> {
    let (body, sig) = token.trim().split_once('.').ok_or(FlowError::Invalid)?;
    let sig = B64.decode(sig).map_err(|_| FlowError::Invalid)?;
    flow_mac(key, body)
        .verify_slice(&sig)
        .map_err(|_| FlowError::Invalid)?;
    let text = String::from_utf8(B64.decode(body).map_err(|_| FlowError::Invalid)?)
        .map_err(|_| FlowError::Invalid)?;
    let (exp, payload) = text.split_once(':').ok_or(FlowError::Invalid)?;
    let exp: i64 = exp.parse().map_err(|_| FlowError::Invalid)?;
    if exp <= now {
        return Err(FlowError::Expired);
    }
    Ok(payload.to_owned())
}

/// `application/x-www-form-urlencoded` encoding of one value (RFC 3986 unreserved kept).
pub fn form_encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `base` with `pairs` appended to its query string.
pub fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = base.to_owned();
    let mut sep = if base.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        url.push(sep);
        url.push_str(&form_encode(k));
        url.push('=');
        url.push_str(&form_encode(v));
        sep = '&';
    }
    url
}

/// Zoom's `app_deauthorized` `signature`: hex HMAC-SHA256 of `body` with the app's webhook
/// secret token (empty when the app has none).
pub fn deauth_signature(key: &str, body: &str) -> String {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
    m.update(body.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris() {
        assert!(parse_redirect_uri("https://crm.example/cb?x=1").is_ok());
        assert!(parse_redirect_uri("http://127.0.0.1:8080/cb").is_ok());
        assert!(parse_redirect_uri("http://localhost/cb").is_ok());
        assert!(parse_redirect_uri("http://[::1]:9/cb").is_ok());
        for bad in [
            "http://crm.example/cb",
            "https://crm.example/cb#frag",
            "ftp://x/cb",
            "/cb",
            "https:///cb",
            "https://user@crm.example/cb",
            "http://localhost.evil.example/cb",
            "https://a b",
        ] {
            assert!(parse_redirect_uri(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_redirect_uris([]), Err(RedirectUriError::Empty));
    }

    #[test]
    fn pkce_rfc7636_example() {
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(pkce_s256(v), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert!(pkce_matches(v, &pkce_s256(v)));
        assert!(!pkce_matches("short", &pkce_s256("short")));
        assert!(is_s256_challenge(&pkce_s256(v)));
    }

    #[test]
    fn query_building() {
        assert_eq!(
            with_query("https://a/cb?x=1", &[("code", "a b&c"), ("state", "é")]),
            "https://a/cb?x=1&code=a%20b%26c&state=%C3%A9"
        );
        assert_eq!(
            with_query("https://a/cb", &[("e", "1")]),
            "https://a/cb?e=1"
        );
    }

    #[test]
    fn flow_forms_are_signed_and_expire() {
        let t = sign_flow(b"k", "{\"a\":1}", 100);
        assert_eq!(verify_flow(b"k", &t, 99).unwrap(), "{\"a\":1}");
        assert_eq!(verify_flow(b"k", &t, 100), Err(FlowError::Expired));
        assert_eq!(verify_flow(b"other", &t, 1), Err(FlowError::Invalid));
        assert_eq!(verify_flow(b"k", "x.y", 1), Err(FlowError::Invalid));
    }
}
