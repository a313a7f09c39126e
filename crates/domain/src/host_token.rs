//! Host tokens (Zoom's `zak`) and HS256 JSON Web Tokens: the signatures behind `start_url` and
//! the media hand-off. Pure functions over a key; the key itself lives in the database.
//!
//! A host token is `USER_ID.EXPIRY.SIGNATURE`: the user it speaks for, its expiry (Unix
//! seconds) and `HMAC-SHA256(key, "zak:v1:" USER_ID ":" EXPIRY)` in URL-safe base64. Nothing is
//! stored per token, so minting one whenever a meeting is shown costs no write.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

/// How long a host token lives: 2 hours, as Zoom's `zak`.
pub const HOST_TOKEN_TTL_SECS: i64 = 2 * 60 * 60;

/// Why a host token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HostTokenError {
    #[error("The host token (zak) is malformed.")]
    Malformed,
    #[error("The host token (zak) is not valid.")]
    BadSignature,
    #[error("The host token (zak) has expired; open the meeting again for a fresh start link.")]
    Expired,
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this never fails.
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
    for p in parts {
        m.update(p);
    }
    m
}

fn host_message(user_id: &str, exp: i64) -> String {
    format!("zak:v1:{user_id}:{exp}")
}

/// A host token for `user_id` that expires at `exp` (Unix seconds).
pub fn sign_host_token(key: &[u8], user_id: &str, exp: i64) -> String {
    let sig = mac(key, &[host_message(user_id, exp).as_bytes()])
        .finalize()
        .into_bytes();
    format!("{user_id}.{exp}.{}", B64.encode(sig))
}

/// The user a host token speaks for, if it is genuine and not expired at `now` (Unix seconds).
pub fn verify_host_token(key: &[u8], token: &str, now: i64) -> Result<String, HostTokenError> {
    let mut parts = token.trim().rsplitn(3, '.');
    let (Some(sig), Some(exp), Some(user)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(HostTokenError::Malformed);
    };
    let exp: i64 = exp.parse().map_err(|_| HostTokenError::Malformed)?;
    let sig = B64.decode(sig).map_err(|_| HostTokenError::Malformed)?;
    if user.is_empty() {
        return Err(HostTokenError::Malformed);
    }
    mac(key, &[host_message(user, exp).as_bytes()])
        .verify_slice(&sig)
        .map_err(|_| HostTokenError::BadSignature)?;
    if exp <= now {
        return Err(HostTokenError::Expired);
    }
    Ok(user.to_owned())
}

/// A compact JWS (RFC 7515) over `claims`, signed with HS256 (HMAC-SHA256 with `secret`).
pub fn sign_hs256(claims: &impl Serialize, secret: &[u8]) -> Result<String, serde_json::Error> {
    let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = B64.encode(serde_json::to_vec(claims)?);
    let signing_input = format!("{header}.{payload}");
    let sig = mac(secret, &[signing_input.as_bytes()])
        .finalize()
        .into_bytes();
    Ok(format!("{signing_input}.{}", B64.encode(sig)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_host_token_round_trips_until_it_expires() {
        let t = sign_host_token(b"k", "abcDEF_-12", 1000);
        assert_eq!(
            verify_host_token(b"k", &t, 999),
            Ok("abcDEF_-12".to_owned())
        );
        assert_eq!(
            verify_host_token(b"k", &t, 1000),
            Err(HostTokenError::Expired)
        );
        assert_eq!(
            verify_host_token(b"other", &t, 0),
            Err(HostTokenError::BadSignature)
        );
    }

    #[test]
    fn tampering_is_refused() {
        let t = sign_host_token(b"k", "alice", 1000);
        let forged = t.replacen("alice", "bob", 1);
        assert_eq!(
            verify_host_token(b"k", &forged, 0),
            Err(HostTokenError::BadSignature)
        );
        let later = t.replacen("1000", "9999", 1);
        assert_eq!(
            verify_host_token(b"k", &later, 0),
            Err(HostTokenError::BadSignature)
        );
        for bad in ["", "x", "a.b", "a.1.!!", ".1.AAAA"] {
            assert_eq!(
                verify_host_token(b"k", bad, 0),
                Err(HostTokenError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn hs256_matches_rfc_7515_shape() {
        let jwt = sign_hs256(&serde_json::json!({"a": 1}), b"s").unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(
            B64.decode(parts[0]).unwrap(),
            br#"{"alg":"HS256","typ":"JWT"}"#
        );
        assert_eq!(B64.decode(parts[1]).unwrap(), br#"{"a":1}"#);
    }

    proptest! {
        #[test]
        fn only_the_signed_user_verifies(user in "[A-Za-z0-9_-]{1,22}", exp in 1i64..1<<40) {
            let t = sign_host_token(b"key", &user, exp);
            prop_assert_eq!(verify_host_token(b"key", &t, exp - 1), Ok(user));
        }
    }
}
