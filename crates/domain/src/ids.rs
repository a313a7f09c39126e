//! Opaque identifiers. User and account ids are 22-character URL-safe strings, like Zoom's; an
//! OAuth client id is 22 alphanumerics. Ids are random, so they leak nothing about order or size.

use base64::Engine;
use rand::RngCore;
use std::fmt;

/// Characters in a user or account id.
pub const ID_LEN: usize = 22;

/// 16 random bytes, URL-safe base64. Never starts with `-`, so an id pasted into a command
/// line is not mistaken for a flag.
fn random_id() -> String {
    loop {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        if !id.starts_with('-') {
            return id;
        }
    }
}

fn is_id(s: &str) -> bool {
    s.len() == ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

macro_rules! opaque_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// A fresh random id.
            pub fn generate() -> Self {
                Self(random_id())
            }

            /// Parses an id; `None` when the text cannot be one (so it cannot exist).
            pub fn parse(s: &str) -> Option<Self> {
                is_id(s).then(|| Self(s.to_owned()))
            }

            /// Wraps an id read back from the store, which only ever holds generated ids.
            pub fn from_stored(s: String) -> Self {
                Self(s)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

opaque_id!(
    /// A user's id (`id` in Zoom's user object).
    UserId
);
opaque_id!(
    /// An account's id (`account_id` in Zoom's token request and user object).
    AccountId
);

/// An OAuth app's public client id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    pub fn generate() -> Self {
        Self(crate::secret::random_alphanumeric(ID_LEN))
    }

    /// Any non-empty string of at most 128 characters may be presented as a client id;
    /// whether it exists is the store's question.
    pub fn parse(s: &str) -> Option<Self> {
        (!s.is_empty() && s.len() <= 128).then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back() {
        for _ in 0..1000 {
            let id = UserId::generate();
            assert_eq!(id.as_str().len(), ID_LEN);
            assert!(!id.as_str().starts_with('-'));
            assert_eq!(UserId::parse(id.as_str()), Some(id));
        }
    }

    #[test]
    fn rejects_non_ids() {
        assert!(UserId::parse("me").is_none());
        assert!(UserId::parse("jane@example.com").is_none());
        assert!(AccountId::parse(&"a".repeat(23)).is_none());
        assert!(AccountId::parse("abcdefghijklmnopqrstu!").is_none());
    }

    #[test]
    fn client_ids_are_alphanumeric() {
        let c = ClientId::generate();
        assert_eq!(c.as_str().len(), ID_LEN);
        assert!(c.as_str().bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
