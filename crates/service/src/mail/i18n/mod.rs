//! The wording of every message in every language Roster writes. Each language is one file with
//! one `match` over [`Message`]: the compiler refuses a message some language does not word.

mod en;
mod fr;
mod pl;
mod pt;
mod ru;

use super::render::{Body, Message};
use roster_domain::Language;
use time::Date;

/// The wording of `m` in `lang`.
pub(super) fn body(lang: Language, m: &Message<'_>) -> Body {
    match lang {
        Language::English => en::body(m),
        Language::French => fr::body(m),
        Language::Polish => pl::body(m),
        Language::Portuguese => pt::body(m),
        Language::Russian => ru::body(m),
    }
}

/// The month of `d`, named from a table of twelve (January first).
fn month(d: Date, months: &[&'static str; 12]) -> &'static str {
    let i = usize::from(u8::from(d.month())).saturating_sub(1);
    months.get(i).copied().unwrap_or_default()
}
