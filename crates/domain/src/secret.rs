//! High-entropy secrets Roster hands out (OAuth client secrets, access tokens) and their stored
//! form. These are random, so a plain SHA-256 is the right hash: it is fast, and there is nothing
//! to brute-force. Human passwords use argon2id instead (see [`crate::password`]).

use base64::Engine;
use rand::{distributions::Alphanumeric, Rng, RngCore};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

pub(crate) fn random_alphanumeric(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A secret in the clear, as shown to its holder exactly once. `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// An OAuth client secret: 32 alphanumerics (~190 bits).
    pub fn client_secret() -> Self {
        Self(random_alphanumeric(32))
    }

    /// A bearer token: 32 random bytes, URL-safe base64 (43 characters).
    pub fn token() -> Self {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Wraps a secret presented by a caller, so it can be hashed and compared.
    pub fn presented(s: &str) -> Self {
        Self(s.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> SecretHash {
        SecretHash(hex::encode(Sha256::digest(self.0.as_bytes())))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The stored form of a [`Secret`]: lower-case hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHash(String);

impl SecretHash {
    /// Wraps a hash read back from the store.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `presented` hashes to this value, compared in constant time.
    pub fn matches(&self, presented: &Secret) -> bool {
        presented
            .hash()
            .0
            .as_bytes()
            .ct_eq(self.0.as_bytes())
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_well_formed() {
        let a = Secret::client_secret();
        let b = Secret::client_secret();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 32);
        let t = Secret::token();
        assert_eq!(t.expose().len(), 43);
    }

    #[test]
    fn hash_matches_only_its_secret() {
        let s = Secret::client_secret();
        let h = s.hash();
        assert!(h.matches(&s));
        assert!(!h.matches(&Secret::presented("wrong")));
        assert_eq!(h.as_str().len(), 64);
        assert!(!format!("{s:?}").contains(s.expose()));
    }
}
