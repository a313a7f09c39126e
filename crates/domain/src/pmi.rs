//! Personal Meeting IDs: 10 digits, as Zoom's are.

use rand::Rng;

/// A fresh random PMI: 10 digits, never starting with 0 or 1 (which Zoom avoids, since some
/// dial-in systems treat them specially).
pub fn generate() -> i64 {
    rand::thread_rng().gen_range(2_000_000_000..=9_999_999_999)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ten_digits() {
        for _ in 0..1000 {
            let p = super::generate();
            assert_eq!(p.to_string().len(), 10);
            assert!(!p.to_string().starts_with(['0', '1']));
        }
    }
}
