//! Managed (associated) email domains: the name an account claims, the state of its claim, and
//! the DNS TXT record that proves the account controls the domain. An account adds a domain
//! (pending, with a random token), publishes `_roster-verification.DOMAIN TXT
//! "roster-verification=TOKEN"`, and asks Roster to look; only a verified domain is managed.

use std::fmt;

/// The label under which the verification record is published.
pub const RECORD_LABEL: &str = "_roster-verification";
/// What the TXT record's text starts with; the token follows.
pub const VALUE_PREFIX: &str = "roster-verification=";
/// Longest domain whose record name (`_roster-verification.` + domain) is still a valid name.
pub const MAX_LEN: usize = 253 - RECORD_LABEL.len() - 1;

/// A lower-case ASCII domain name such as `example.edu`, as an email address ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainName(String);

/// Why a string is not a domain name an account may manage; the text is shown to callers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainNameError {
    #[error("domain is required, e.g. example.edu")]
    Empty,
    #[error("domain is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("write an internationalised domain in its ASCII form (xn--…)")]
    NotAscii,
    #[error(
        "not a valid domain name: give what follows the @ of your users' email, e.g. example.edu"
    )]
    Invalid,
}

impl DomainName {
    /// Parses a domain: white space and one trailing dot are dropped, and it is lower-cased.
    pub fn parse(raw: &str) -> Result<Self, DomainNameError> {
        let s = raw.trim();
        let s = s.strip_suffix('.').unwrap_or(s);
        if s.is_empty() {
            return Err(DomainNameError::Empty);
        }
        if !s.is_ascii() {
            return Err(DomainNameError::NotAscii);
        }
        if s.len() > MAX_LEN {
            return Err(DomainNameError::TooLong);
        }
        let s = s.to_ascii_lowercase();
        if !crate::email::valid_domain(&s) {
            return Err(DomainNameError::Invalid);
        }
        Ok(Self(s))
    }

    /// Wraps a name read back from the store, which only holds parsed names.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The fully qualified name the verification TXT record lives at.
    pub fn record_name(&self) -> String {
        format!("{RECORD_LABEL}.{}.", self.0)
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where an account's claim on a domain stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainStatus {
    /// Added; the TXT record has not been found yet. Grants nothing.
    Pending,
    /// Proven (or recorded by the operator): the account manages the domain.
    Verified,
}

impl DomainStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Verified => "verified",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "verified" => Some(Self::Verified),
            _ => None,
        }
    }
}

/// The random token an account publishes to prove it controls a domain. It is published in
/// public DNS, so it is no secret: it only ties the record to this account's claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationToken(String);

impl VerificationToken {
    /// 32 random alphanumerics (~190 bits).
    pub fn generate() -> Self {
        Self(crate::secret::random_alphanumeric(32))
    }

    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The TXT record's text: `roster-verification=TOKEN`.
    pub fn record_value(&self) -> String {
        format!("{VALUE_PREFIX}{}", self.0)
    }

    /// Whether one of the TXT texts found is this token's record (surrounding white space and
    /// quotes ignored, the token compared exactly).
    pub fn found_in(&self, texts: &[String]) -> bool {
        let want = self.record_value();
        texts
            .iter()
            .any(|t| t.trim().trim_matches('"').trim() == want)
    }
}

/// The one-line zone-file form of the record, for people to copy:
/// `_roster-verification.example.edu. TXT "roster-verification=TOKEN"`.
pub fn zone_line(domain: &DomainName, token: &VerificationToken) -> String {
    format!("{} TXT \"{}\"", domain.record_name(), token.record_value())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_normalises() {
        let d = DomainName::parse("  School.EDU. ").unwrap();
        assert_eq!(d.as_str(), "school.edu");
        assert_eq!(d.record_name(), "_roster-verification.school.edu.");
    }

    #[test]
    fn refuses_what_is_no_email_domain() {
        for (bad, err) in [
            ("", DomainNameError::Empty),
            (" . ", DomainNameError::Empty),
            ("écolé.fr", DomainNameError::NotAscii),
            ("localhost", DomainNameError::Invalid),
            ("a@b.edu", DomainNameError::Invalid),
            ("exa mple.edu", DomainNameError::Invalid),
            ("-x.edu", DomainNameError::Invalid),
            ("x..edu", DomainNameError::Invalid),
            ("x.123", DomainNameError::Invalid),
            ("*.example.edu", DomainNameError::Invalid),
        ] {
            assert_eq!(DomainName::parse(bad), Err(err), "{bad:?}");
        }
        let long = format!("{}.edu", "a.".repeat(120));
        assert_eq!(DomainName::parse(&long), Err(DomainNameError::TooLong));
    }

    #[test]
    fn a_token_is_found_only_exactly() {
        let t = VerificationToken::from_stored("AbC123".into());
        assert_eq!(t.record_value(), "roster-verification=AbC123");
        assert!(t.found_in(&["v=spf1 -all".into(), "roster-verification=AbC123".into()]));
        assert!(t.found_in(&["\"roster-verification=AbC123\" ".into()]));
        assert!(!t.found_in(&["roster-verification=abc123".into()]));
        assert!(!t.found_in(&["roster-verification=AbC1234".into()]));
        assert!(!t.found_in(&[]));
        assert_eq!(
            zone_line(&DomainName::parse("x.edu").unwrap(), &t),
            "_roster-verification.x.edu. TXT \"roster-verification=AbC123\""
        );
    }

    #[test]
    fn tokens_are_random() {
        assert_ne!(VerificationToken::generate(), VerificationToken::generate());
        assert_eq!(VerificationToken::generate().as_str().len(), 32);
    }

    proptest! {
        #[test]
        fn every_email_domain_parses_back(dom in "[a-z0-9]{1,20}", tld in "[a-z]{2,6}") {
            let email = crate::Email::parse(&format!("x@{dom}.{tld}")).unwrap();
            let d = DomainName::parse(email.domain()).unwrap();
            prop_assert_eq!(d.as_str(), email.domain());
        }
    }
}
