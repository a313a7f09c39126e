//! The languages Roster writes to people in (mail), and language tags. Zoom's `language` field
//! holds tags such as `en-US`, `fr-FR` or `pt-PT`; an account's language must be one Roster
//! can write, given as such a tag or a bare code (`fr`), and is stored as a tag. A user's
//! language stays free text, as Zoom's is: what Roster cannot write falls back to English.

use std::fmt;

/// A language Roster's mail is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    English,
    French,
    Polish,
    Portuguese,
    Russian,
}

impl Language {
    /// Every supported language, in the order lists show them.
    pub const ALL: [Self; 5] = [
        Self::English,
        Self::French,
        Self::Polish,
        Self::Portuguese,
        Self::Russian,
    ];

    /// The ISO 639-1 code: `en`, `fr`, `pl`, `pt`, `ru`.
    pub fn code(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::French => "fr",
            Self::Polish => "pl",
            Self::Portuguese => "pt",
            Self::Russian => "ru",
        }
    }

    /// The tag a bare code stands for, as Zoom writes it.
    pub fn default_tag(self) -> &'static str {
        match self {
            Self::English => "en-US",
            Self::French => "fr-FR",
            Self::Polish => "pl-PL",
            Self::Portuguese => "pt-PT",
            Self::Russian => "ru-RU",
        }
    }

    /// The language's own name.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::English => "English",
            Self::French => "Français",
            Self::Polish => "Polski",
            Self::Portuguese => "Português",
            Self::Russian => "Русский",
        }
    }

    /// The language of a tag (`fr`, `fr-FR`, `pt_BR`, any case), if Roster writes it.
    pub fn of_tag(tag: &str) -> Option<Self> {
        let code = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The language to write to someone whose tag is `tag`: English when Roster does not write
    /// theirs.
    pub fn for_tag(tag: &str) -> Self {
        Self::of_tag(tag).unwrap_or(Self::English)
    }

    /// `en (English), fr (Français), …` for messages that list the choices.
    pub fn supported_list() -> String {
        Self::ALL
            .iter()
            .map(|l| format!("{} ({})", l.code(), l.native_name()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A supported language as a normalised tag: `fr` becomes `fr-FR`, `pt_br` becomes `pt-BR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageTag {
    tag: String,
    language: Language,
}

/// Why a tag was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language \"{0}\": Roster writes mail in {list}; give one of these codes or a tag such as fr-FR", list = Language::supported_list())]
pub struct LanguageError(pub String);

impl LanguageTag {
    pub fn parse(raw: &str) -> Result<Self, LanguageError> {
        let refuse = || LanguageError(raw.trim().to_owned());
        let trimmed = raw.trim();
        let mut parts = trimmed.split(['-', '_']);
        let code = parts.next().unwrap_or_default();
        let region = parts.next();
        if parts.next().is_some() {
            return Err(refuse());
        }
        let language = Language::of_tag(code).ok_or_else(refuse)?;
        let tag = match region {
            None => language.default_tag().to_owned(),
            Some(r) if r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()) => {
                format!("{}-{}", language.code(), r.to_ascii_uppercase())
            }
            Some(_) => return Err(refuse()),
        };
        Ok(Self { tag, language })
    }

    pub fn as_str(&self) -> &str {
        &self.tag
    }

    pub fn language(&self) -> Language {
        self.language
    }
}

impl Default for LanguageTag {
    fn default() -> Self {
        Self {
            tag: Language::English.default_tag().to_owned(),
            language: Language::English,
        }
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_codes_parse() {
        for (raw, tag, lang) in [
            ("en-US", "en-US", Language::English),
            ("fr", "fr-FR", Language::French),
            ("FR-fr", "fr-FR", Language::French),
            ("pt-BR", "pt-BR", Language::Portuguese),
            ("pt_pt", "pt-PT", Language::Portuguese),
            (" ru-RU ", "ru-RU", Language::Russian),
            ("pl", "pl-PL", Language::Polish),
        ] {
            let t = LanguageTag::parse(raw).unwrap();
            assert_eq!((t.as_str(), t.language()), (tag, lang), "{raw}");
        }
    }

    #[test]
    fn unsupported_tags_are_refused_with_the_list() {
        for raw in ["de-DE", "", "fr-FRA", "fr-F1", "en-US-x", "english"] {
            let e = LanguageTag::parse(raw).unwrap_err();
            assert!(e.to_string().contains("fr (Français)"), "{e}");
        }
    }

    #[test]
    fn unknown_user_languages_fall_back_to_english() {
        assert_eq!(Language::for_tag("de-DE"), Language::English);
        assert_eq!(Language::for_tag(""), Language::English);
        assert_eq!(Language::for_tag("ru-RU"), Language::Russian);
        assert_eq!(Language::for_tag("pt-BR"), Language::Portuguese);
    }
}
