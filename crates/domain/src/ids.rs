//! Opaque identifiers. User and account ids are 22-character URL-safe strings, like Zoom's; an
//! OAuth client id is 22 alphanumerics. A user or account id begins with the millisecond it was
//! made (which the user object's `created_at` shows anyway) and ends with 90 random bits: it
//! cannot be guessed, and ids made later sort after earlier ones, so the primary-key index
//! grows at its right edge instead of being written at random (what keeps an import of a
//! million users within the page cache).

use rand::RngCore;
use std::fmt;

/// Characters in a user or account id.
pub const ID_LEN: usize = 22;

/// The 64 URL-safe characters in byte order, so that ids compare as the numbers they encode.
const SORTED: &[u8; 64] = b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/// The character for the low 6 bits of `v`.
fn sorted_char(v: u64) -> char {
    let i = usize::try_from(v & 63).unwrap_or(0);
    char::from(SORTED.get(i).copied().unwrap_or(b'A'))
}

/// Characters that encode the time: 42 bits of milliseconds since 1970, enough until 2109.
const TIME_CHARS: usize = 7;

/// A new id: the time in [`TIME_CHARS`] characters, then random ones. Never starts with `-`,
/// so an id pasted into a command line is not mistaken for a flag.
fn random_id() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let mut id = String::with_capacity(ID_LEN);
    for i in (0..TIME_CHARS).rev() {
        let digit = (ms >> (6 * i)) & 63;
        // Only a clock set before 1972 gives a leading 0 (`-`).
        let digit = if i == TIME_CHARS - 1 {
            digit.max(1)
        } else {
            digit
        };
        id.push(sorted_char(digit));
    }
    let mut bytes = [0u8; ID_LEN - TIME_CHARS];
    rand::thread_rng().fill_bytes(&mut bytes);
    for b in bytes {
        id.push(sorted_char(u64::from(b)));
    }
    id
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
            /// A fresh id: time-ordered, then random.
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
    fn later_ids_sort_after_earlier_ones() {
        let mut last = UserId::generate();
        for _ in 0..5 {
            std::thread::sleep(std::time::Duration::from_millis(2));
            let next = UserId::generate();
            assert!(next > last, "{next} after {last}");
            last = next;
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
