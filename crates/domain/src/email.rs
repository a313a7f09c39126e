//! E-mail addresses. Roster compares addresses case-insensitively (as Zoom does), so an
//! [`Email`] is stored lower-cased and two spellings of one address are equal.

use std::fmt;

/// Longest address Zoom accepts.
pub const MAX_LEN: usize = 128;

/// A syntactically valid, lower-cased e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

/// Why a string is not an e-mail address; the text is shown to API callers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("email is empty")]
    Empty,
    #[error("email is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("email must have exactly one '@' with text on both sides")]
    Shape,
    #[error("email has a character that is not allowed before the '@'")]
    LocalPart,
    #[error("email domain is not a valid domain name")]
    Domain,
}

impl Email {
    /// Parses an address, trimming surrounding white space and lower-casing it.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.chars().count() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Shape)?;
        if local.is_empty() || domain.is_empty() || domain.contains('@') {
            return Err(EmailError::Shape);
        }
        if !valid_local(local) {
            return Err(EmailError::LocalPart);
        }
        if !valid_domain(domain) {
            return Err(EmailError::Domain);
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    /// Wraps an address read back from the store, which only ever holds parsed addresses: reading
    /// a page of users must not re-validate every row.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the '@', e.g. for managed-domain checks.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

fn valid_local(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-.";
    local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

pub(crate) fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
    domain.len() <= 253
        && labels.len() >= 2
        && tld_ok
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_lowercases() {
        let e = Email::parse("  Jane.Doe+zoom@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "jane.doe+zoom@example.com");
        assert_eq!(e.domain(), "example.com");
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "",
            "   ",
            "plain",
            "@example.com",
            "jane@",
            "jane@@example.com",
            "a@b@example.com",
            "jane@example",
            "jane@exa_mple.com",
            "jane@-example.com",
            "jane@example.c",
            "jane@example.123",
            ".jane@example.com",
            "jane.@example.com",
            "ja..ne@example.com",
            "ja ne@example.com",
            "jane@example..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn rejects_too_long() {
        let long = format!("{}@example.com", "a".repeat(120));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    proptest! {
        #[test]
        fn parse_is_idempotent(local in "[a-zA-Z0-9]{1,20}", dom in "[a-zA-Z]{1,10}", tld in "[a-zA-Z]{2,5}") {
            let e = Email::parse(&format!("{local}@{dom}.{tld}")).unwrap();
            let again = Email::parse(e.as_str()).unwrap();
            prop_assert_eq!(&e, &again);
            prop_assert_eq!(e.as_str(), e.as_str().to_ascii_lowercase());
        }

        #[test]
        fn never_panics(s in ".{0,200}") {
            let _ = Email::parse(&s);
        }
    }
}
