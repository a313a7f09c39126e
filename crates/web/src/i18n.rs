//! Message catalogs, one per language (`i18n/*.txt`, `key = text` lines, compiled into the
//! binary), and how a page's language is chosen: the switcher's cookie, else the signed-in
//! user's profile language, else the browser's `Accept-Language`, else English.

use roster_domain::language::Language;
use std::collections::HashMap;
use std::sync::OnceLock;

const SOURCES: [(Language, &str); 5] = [
    (Language::English, include_str!("../i18n/en.txt")),
    (Language::French, include_str!("../i18n/fr.txt")),
    (Language::Polish, include_str!("../i18n/pl.txt")),
    (Language::Portuguese, include_str!("../i18n/pt.txt")),
    (Language::Russian, include_str!("../i18n/ru.txt")),
];

type Catalog = HashMap<&'static str, &'static str>;

fn parse(source: &'static str) -> Catalog {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

fn catalogs() -> &'static HashMap<Language, Catalog> {
    static ALL: OnceLock<HashMap<Language, Catalog>> = OnceLock::new();
    ALL.get_or_init(|| SOURCES.iter().map(|(l, s)| (*l, parse(s))).collect())
}

/// The text of `key` in `lang`; English when the key is missing there, the key itself when it
/// is missing everywhere (the catalog test keeps both from happening).
pub fn text(lang: Language, key: &str) -> &'static str {
    let all = catalogs();
    all.get(&lang)
        .and_then(|c| c.get(key))
        .or_else(|| all.get(&Language::English).and_then(|c| c.get(key)))
        .copied()
        .unwrap_or("?")
}

/// A CLDR plural category (<https://cldr.unicode.org/index/cldr-spec/plural-rules>): which
/// form of a word a count takes in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    One,
    Few,
    Many,
    Other,
}

impl Plural {
    fn suffix(self) -> &'static str {
        match self {
            Self::One => "one",
            Self::Few => "few",
            Self::Many => "many",
            Self::Other => "other",
        }
    }
}

/// The plural category of the whole number `n` in `lang`, by CLDR's rules for integers
/// (Portuguese is pt-PT's: only 1 is "one").
pub fn plural(lang: Language, n: u64) -> Plural {
    let (m10, m100) = (n % 10, n % 100);
    let millions = n != 0 && n.is_multiple_of(1_000_000);
    match lang {
        Language::English => {
            if n == 1 {
                Plural::One
            } else {
                Plural::Other
            }
        }
        Language::French | Language::Portuguese => {
            let one = match lang {
                Language::French => n <= 1,
                _ => n == 1,
            };
            if one {
                Plural::One
            } else if millions {
                Plural::Many
            } else {
                Plural::Other
            }
        }
        Language::Polish | Language::Russian => {
            let one = match lang {
                Language::Polish => n == 1,
                _ => m10 == 1 && m100 != 11,
            };
            if one {
                Plural::One
            } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
                Plural::Few
            } else {
                Plural::Many
            }
        }
    }
}

/// `n` with its word in the right form: the catalog's `KEY.one`, `.few`, `.many` or `.other`
/// (every language has all four), `{n}` replaced by the number.
pub fn count(lang: Language, key: &str, n: u64) -> String {
    let form = plural(lang, n).suffix();
    text(lang, &format!("{key}.{form}")).replace("{n}", &n.to_string())
}

/// The first language of an `Accept-Language` header Roster writes, by quality.
pub fn from_accept_language(header: &str) -> Option<Language> {
    let mut choices: Vec<(f32, Language)> = header
        .split(',')
        .filter_map(|part| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Language::of_tag(tag).map(|l| (q, l))
        })
        .collect();
    choices.sort_by(|a, b| b.0.total_cmp(&a.0));
    choices.first().map(|c| c.1)
}

/// The page's language, by the rule in this module's header.
pub fn choose(cookie: Option<&str>, profile: Option<&str>, accept: Option<&str>) -> Language {
    cookie
        .and_then(Language::of_tag)
        .or_else(|| profile.and_then(Language::of_tag))
        .or_else(|| accept.and_then(from_accept_language))
        .unwrap_or(Language::English)
}

/// The language of a request outside the portal's own pages (activation, OAuth consent):
/// the same rule, from its headers and the signed-in user's profile language if any.
pub fn of_request(headers: &axum::http::HeaderMap, profile: Option<&str>) -> Language {
    let accept = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    choose(
        crate::ctx::cookie(headers, crate::ctx::LANG_COOKIE),
        profile,
        accept,
    )
}

/// `key`'s text with each `{name}` replaced by its value (values are inserted as given: escape
/// them first for HTML).
pub fn fill(lang: Language, key: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(text(lang, key).to_owned(), |s, (name, value)| {
            s.replace(&format!("{{{name}}}"), value)
        })
}

/// The plain words for an OAuth scope in `lang` (`scope.NAME`; a granular scope without its
/// own entry gets its family's words, as roster-domain's `describe_scope` makes them).
pub fn scope_words(lang: Language, scope: &str) -> String {
    let own = text(lang, &format!("scope.{scope}"));
    if own != "?" {
        return own.to_owned();
    }
    let mut parts = scope.split(':');
    let family = parts.next().unwrap_or(scope).replace('_', " ");
    let verb = if parts.next() == Some("read") {
        "read"
    } else {
        "write"
    };
    let whose = if roster_domain::oauth_grant::is_admin_scope(scope) {
        "admin"
    } else {
        "own"
    };
    format!(
        "{} ({scope})",
        fill(
            lang,
            &format!("scope.any.{verb}_{whose}"),
            &[("family", &family)]
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_key_is_in_every_language() {
        let all = catalogs();
        let english: BTreeSet<_> = all[&Language::English].keys().copied().collect();
        assert!(english.len() > 50);
        for (lang, catalog) in all {
            let keys: BTreeSet<_> = catalog.keys().copied().collect();
            let missing: Vec<_> = english.difference(&keys).collect();
            let extra: Vec<_> = keys.difference(&english).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
            assert!(extra.is_empty(), "{lang:?} has unknown keys {extra:?}");
            assert!(catalog.values().all(|v| !v.is_empty()), "{lang:?}");
        }
    }

    /// Branches merged by union (see .gitattributes) can bring one key twice; the later line
    /// would silently win.
    #[test]
    fn no_key_is_defined_twice() {
        for (lang, source) in SOURCES {
            let mut seen = BTreeSet::new();
            for line in source.lines().map(str::trim) {
                if line.starts_with('#') {
                    continue;
                }
                if let Some((k, _)) = line.split_once(" = ") {
                    assert!(seen.insert(k.trim()), "{lang:?} defines {k} twice");
                }
            }
        }
    }

    #[test]
    fn every_key_the_code_uses_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let templates: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        assert!(templates.len() > 10, "templates found in {}", dir.display());
        for t in templates {
            for piece in t.split("c.t(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or_default();
                assert_ne!(text(Language::English, key), "?", "{key}");
            }
        }
    }

    #[test]
    fn plural_forms_follow_cldr() {
        use Plural::*;
        let forms = |lang, ns: &[u64]| ns.iter().map(|n| plural(lang, *n)).collect::<Vec<_>>();
        assert_eq!(
            forms(Language::English, &[0, 1, 2, 11, 21]),
            [Other, One, Other, Other, Other]
        );
        assert_eq!(
            forms(Language::French, &[0, 1, 2, 17, 1_000_000, 2_000_001]),
            [One, One, Other, Other, Many, Other]
        );
        assert_eq!(
            forms(Language::Portuguese, &[0, 1, 2, 1_000_000]),
            [Other, One, Other, Many]
        );
        assert_eq!(
            forms(
                Language::Russian,
                &[1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 0]
            ),
            [One, Few, Few, Many, Many, Many, Many, One, Few, Many, One, Many, Many]
        );
        assert_eq!(
            forms(
                Language::Polish,
                &[1, 2, 4, 5, 11, 12, 21, 22, 25, 102, 112, 0]
            ),
            [One, Few, Few, Many, Many, Many, Many, Few, Many, Few, Many, Many]
        );
    }

    #[test]
    fn counts_read_right_in_every_language() {
        assert_eq!(count(Language::English, "users.count", 1), "1 user");
        assert_eq!(count(Language::English, "users.count", 2), "2 users");
        assert_eq!(count(Language::English, "users.count", 0), "0 users");
        assert_eq!(count(Language::French, "users.count", 0), "0 utilisateur");
        assert_eq!(count(Language::French, "users.count", 2), "2 utilisateurs");
        assert_eq!(
            count(Language::Portuguese, "users.count", 1),
            "1 utilizador"
        );
        assert_eq!(
            count(Language::Portuguese, "users.count", 0),
            "0 utilizadores"
        );
        assert_eq!(
            count(Language::Russian, "users.count", 21),
            "21 пользователь"
        );
        assert_eq!(count(Language::Russian, "users.count", 3), "3 пользователя");
        assert_eq!(
            count(Language::Russian, "users.count", 11),
            "11 пользователей"
        );
        assert_eq!(count(Language::Polish, "users.count", 1), "1 użytkownik");
        assert_eq!(
            count(Language::Polish, "users.count", 23),
            "23 użytkowników"
        );
        for lang in Language::ALL {
            for form in ["one", "few", "many", "other"] {
                let t = text(lang, &format!("users.count.{form}"));
                assert!(t.contains("{n}"), "{lang:?} users.count.{form}");
            }
        }
    }

    #[test]
    fn the_language_follows_cookie_then_profile_then_browser() {
        assert_eq!(
            choose(Some("ru"), Some("fr-FR"), Some("pl")),
            Language::Russian
        );
        assert_eq!(choose(None, Some("fr-FR"), Some("pl")), Language::French);
        assert_eq!(
            choose(None, Some("de-DE"), Some("de, pl;q=0.5")),
            Language::Polish
        );
        assert_eq!(
            choose(None, None, Some("pt-BR;q=0.4, fr;q=0.9")),
            Language::French
        );
        assert_eq!(choose(Some("xx"), None, None), Language::English);
        assert_eq!(text(Language::Russian, "signin.submit"), "Войти");
    }
}
