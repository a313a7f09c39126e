//! Turning a message into its subject, text part and HTML part.
//!
//! Why one askama pair (`templates/mail/message.{txt,html}`) for every message rather than a
//! pair per message and language: the wording of each message is written once per language, in
//! `i18n/{en,fr,pl,pt,ru}.rs`, as a `match` over [`Message`] that the compiler checks is
//! exhaustive, so a new message cannot ship without every translation; the templates give it
//! its two layouts, and askama escapes every value in the HTML part. Separate `.txt`/`.html`
//! files per message and language would be 60 files that each repeat their sentence twice.

use super::i18n;
use crate::{Error, Result};
use askama::Template;
use roster_domain::Language;
use time::Date;

/// Which invitation an activation link carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteKind {
    /// A new person was invited to an account.
    Activation,
    /// Someone who already has a standalone Roster account is invited to join an organisation:
    /// accepting moves their account, with its data, into it.
    Join,
    /// Someone signing up confirms their email to create their own free account.
    Signup,
}

impl InviteKind {
    /// The outbox `kind` (and Message-ID prefix) of the mail, or of its reminder.
    pub fn mail_kind(self, reminder: bool) -> &'static str {
        match (self, reminder) {
            (Self::Activation, false) => "activation",
            (Self::Activation, true) => "reminder",
            (Self::Join, false) => "join",
            (Self::Join, true) => "join_reminder",
            (Self::Signup, false) => "signup",
            (Self::Signup, true) => "signup_reminder",
        }
    }
}

/// The facts a message states.
#[derive(Debug, Clone)]
pub enum Message<'a> {
    /// An invitation with an activation link (or a reminder of it).
    Invite {
        kind: InviteKind,
        reminder: bool,
        account: &'a str,
        email: &'a str,
        link: &'a str,
        expires: Date,
    },
    /// A password reset someone asked for in the portal: a single-use link for an hour.
    PasswordReset { email: &'a str, link: &'a str },
    /// After activation: the person is an active user of `account`.
    Welcome {
        account: &'a str,
        email: &'a str,
        sign_in: &'a str,
    },
}

/// A message's wording, before layout.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub subject: String,
    pub greeting: &'static str,
    /// Paragraphs before the list.
    pub intro: Vec<String>,
    /// Bullet points, e.g. what moves with an account.
    pub list: Vec<String>,
    /// Paragraphs between the list and the button.
    pub middle: Vec<String>,
    pub action: Option<Action>,
    /// Paragraphs after the button.
    pub outro: Vec<String>,
}

/// The message's one link, shown as a button.
#[derive(Debug, Clone)]
pub struct Action {
    pub label: &'static str,
    /// What ends the label before the link in the text part: `:`, or ` :` in French.
    pub colon: &'static str,
    pub url: String,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct Text<'a> {
    b: &'a Body,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct Html<'a> {
    lang: &'a str,
    b: &'a Body,
}

/// A message ready to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Writes `m` in `lang`.
pub fn render(lang: Language, m: &Message<'_>) -> Result<Rendered> {
    let b = i18n::body(lang, m);
    let text = Text { b: &b }
        .render()
        .map_err(|e| Error::Internal(format!("mail text template: {e}")))?;
    let html = Html {
        lang: lang.code(),
        b: &b,
    }
    .render()
    .map_err(|e| Error::Internal(format!("mail HTML template: {e}")))?;
    Ok(Rendered {
        subject: b.subject,
        text,
        html,
    })
}

/// The body with every activation token (`token=…`) blanked: after delivery the stored copy
/// must not hold a live credential.
pub fn redact_tokens(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find("token=") {
        let (head, tail) = rest.split_at(i + "token=".len());
        out.push_str(head);
        out.push_str("[removed after delivery]");
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(tail.len());
        rest = tail.get(end..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}
