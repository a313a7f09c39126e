//! Human passwords: Zoom's rules on the way in, argon2id at rest.

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::fmt;

/// A password that satisfies Zoom's rules. `Debug` does not print it.
#[derive(Clone)]
pub struct Password(String);

/// Why a password is refused; the text is shown to the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("password must be 8 to 32 characters long")]
    Length,
    #[error("password must contain at least one letter and one number")]
    LetterAndNumber,
    #[error("password must mix upper- and lower-case letters")]
    Case,
    #[error("password must not be one repeated character or a run of consecutive characters")]
    Sequence,
    #[error("password must not contain spaces or control characters")]
    Whitespace,
}

impl Password {
    /// Zoom's rules: 8–32 characters, a letter and a number, upper and lower case, and not one
    /// repeated character or a consecutive run such as `abcdefgh` or `12345678`.
    pub fn parse(raw: &str) -> Result<Self, PasswordError> {
        let chars: Vec<char> = raw.chars().collect();
        if !(8..=32).contains(&chars.len()) {
            return Err(PasswordError::Length);
        }
        if chars.iter().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(PasswordError::Whitespace);
        }
        if !chars.iter().any(|c| c.is_alphabetic()) || !chars.iter().any(|c| c.is_numeric()) {
            return Err(PasswordError::LetterAndNumber);
        }
        if !chars.iter().any(|c| c.is_uppercase()) || !chars.iter().any(|c| c.is_lowercase()) {
            return Err(PasswordError::Case);
        }
        if is_run(&chars) {
            return Err(PasswordError::Sequence);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Hashes with argon2id and a random salt. Costs ~60 ms of CPU: callers run it off the async
    /// threads and never once per row of a bulk operation.
    pub fn hash(&self) -> Result<PasswordHash, argon2::password_hash::Error> {
        let salt = SaltString::generate(&mut OsRng);
        let phc = Argon2::default().hash_password(self.0.as_bytes(), &salt)?;
        Ok(PasswordHash(phc.to_string()))
    }
}

/// Every step between neighbours is the same 0, +1 or -1 (after lower-casing).
fn is_run(chars: &[char]) -> bool {
    let codes: Vec<i64> = chars
        .iter()
        .map(|c| i64::from(u32::from(c.to_ascii_lowercase())))
        .collect();
    let steps: Vec<i64> = codes
        .iter()
        .zip(codes.iter().skip(1))
        .map(|(a, b)| b - a)
        .collect();
    steps
        .first()
        .is_some_and(|first| [0, 1, -1].contains(first) && steps.iter().all(|s| s == first))
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A PHC-format argon2id hash, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `candidate` is the password this hash was made from.
    pub fn verify(&self, candidate: &str) -> bool {
        argon2::PasswordHash::new(&self.0).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_a_good_password() {
        assert!(Password::parse("Secr3tPass").is_ok());
        assert!(Password::parse("aB3$aB3$aB3$aB3$aB3$aB3$aB3$aB3$").is_ok());
    }

    #[test]
    fn refuses_each_rule() {
        assert_eq!(Password::parse("Ab3").unwrap_err(), PasswordError::Length);
        assert_eq!(
            Password::parse(&"aB3".repeat(11)).unwrap_err(),
            PasswordError::Length
        );
        assert_eq!(
            Password::parse("abcdefgH").unwrap_err(),
            PasswordError::LetterAndNumber
        );
        assert_eq!(
            Password::parse("12345678").unwrap_err(),
            PasswordError::LetterAndNumber
        );
        assert_eq!(
            Password::parse("secr3tpass").unwrap_err(),
            PasswordError::Case
        );
        assert_eq!(
            Password::parse("Secr3t pass").unwrap_err(),
            PasswordError::Whitespace
        );
    }

    #[test]
    fn detects_runs() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(is_run(&chars("aaaaaaaa")));
        assert!(is_run(&chars("abcdefgh")));
        assert!(is_run(&chars("87654321")));
        assert!(!is_run(&chars("Secr3tPass")));
    }

    #[test]
    fn hash_verifies() {
        let p = Password::parse("Secr3tPass").unwrap();
        let h = p.hash().unwrap();
        assert!(h.as_str().starts_with("$argon2id$"));
        assert!(h.verify("Secr3tPass"));
        assert!(!h.verify("Secr3tPasS"));
        assert!(!PasswordHash::from_stored("garbage".into()).verify("Secr3tPass"));
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,40}") {
            let _ = Password::parse(&s);
        }
    }
}
