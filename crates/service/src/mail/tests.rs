//! Every message renders in every language, escapes what it is given, and loses its token to
//! redaction after delivery.

use super::*;
use time::macros::date;

const TOKEN: &str = "Abc-DEF_123xyz0123456789abcdefghijklmnopqrs";

fn invites() -> Vec<(InviteKind, bool)> {
    [InviteKind::Activation, InviteKind::Join, InviteKind::Signup]
        .into_iter()
        .flat_map(|k| [(k, false), (k, true)])
        .collect()
}

fn link() -> String {
    format!("https://roster.example/activate?token={TOKEN}")
}

fn invite(kind: InviteKind, reminder: bool, link: &str) -> Message<'_> {
    Message::Invite {
        kind,
        reminder,
        account: "Tom & Jerry <School>",
        email: "ann@example.com",
        link,
        expires: date!(2026 - 12 - 23),
    }
}

#[test]
fn every_invitation_renders_in_every_language_and_its_token_is_redacted() {
    let link = link();
    for lang in Language::ALL {
        for (kind, reminder) in invites() {
            let r = render(lang, &invite(kind, reminder, &link)).unwrap();
            let what = format!("{lang:?} {kind:?} reminder={reminder}");
            assert!(!r.subject.is_empty() && !r.subject.contains('\n'), "{what}");
            for body in [&r.text, &r.html] {
                assert!(body.contains(&format!("token={TOKEN}")), "{what}: {body}");
                let redacted = redact_tokens(body);
                assert!(!redacted.contains(TOKEN), "{what}: {redacted}");
                assert!(body.contains("2026"), "{what}: the expiry date");
                assert!(body.contains("ann@example.com"), "{what}");
            }
            if kind != InviteKind::Signup {
                assert!(
                    r.text.contains("Tom & Jerry <School>"),
                    "{what}: text is not escaped"
                );
                assert!(
                    r.html.contains("Tom &#38; Jerry &#60;School&#62;"),
                    "{what}"
                );
            }
            assert!(
                !r.html.contains("<School>") && !r.html.contains("Tom & Jerry"),
                "{what}: HTML is escaped: {}",
                r.html
            );
            assert!(r.html.contains(&format!("<html lang=\"{}\">", lang.code())));
            if kind == InviteKind::Join {
                assert!(r.html.contains("<li>"), "{what}: what moves is listed");
            }
        }
    }
}

#[test]
fn reminders_and_kinds_differ() {
    let link = link();
    for lang in Language::ALL {
        let mut subjects: Vec<String> = invites()
            .into_iter()
            .map(|(k, r)| render(lang, &invite(k, r, &link)).unwrap().subject)
            .collect();
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), 6, "{lang:?}: {subjects:?}");
    }
}

#[test]
fn words_and_dates_are_the_languages_own() {
    let link = link();
    let m = invite(InviteKind::Activation, false, &link);
    let subject = |l| render(l, &m).unwrap().subject;
    let text = |l| render(l, &m).unwrap().text;
    assert_eq!(
        subject(Language::English),
        "You are invited to join Tom & Jerry <School> on Roster"
    );
    assert!(subject(Language::French).starts_with("Invitation à rejoindre"));
    assert!(subject(Language::Russian).starts_with("Приглашение"));
    assert!(subject(Language::Polish).starts_with("Zaproszenie"));
    assert!(subject(Language::Portuguese).starts_with("Convite"));
    assert!(text(Language::English).contains("23 December 2026"));
    assert!(text(Language::French).contains("23 décembre 2026"));
    assert!(text(Language::Russian).contains("23 декабря 2026 г."));
    assert!(text(Language::Polish).contains("23 grudnia 2026 r."));
    assert!(text(Language::Portuguese).contains("23 de dezembro de 2026"));
    let first = Message::Invite {
        kind: InviteKind::Activation,
        reminder: false,
        account: "A",
        email: "a@example.com",
        link: &link,
        expires: date!(2027 - 03 - 01),
    };
    assert!(render(Language::French, &first)
        .unwrap()
        .text
        .contains("1er mars 2027"));
}

#[test]
fn welcome_renders_in_every_language() {
    for lang in Language::ALL {
        let m = Message::Welcome {
            account: "Acme",
            email: "ann@example.com",
            sign_in: "https://roster.example",
        };
        let r = render(lang, &m).unwrap();
        assert!(r.subject.contains("Acme"), "{lang:?}");
        assert!(r.text.contains("https://roster.example"), "{lang:?}");
        assert!(
            r.html.contains("href=\"https://roster.example\""),
            "{lang:?}: {}",
            r.html
        );
        assert!(!r.text.contains("token="));
    }
}

#[test]
fn text_part_is_tidy() {
    let link = link();
    let r = render(Language::English, &invite(InviteKind::Join, true, &link)).unwrap();
    assert!(!r.text.contains("\n\n\n"), "{}", r.text);
    assert!(r.text.starts_with("Hello,\n\n"), "{}", r.text);
    assert!(r.text.contains("\n  - your profile\n"), "{}", r.text);
    assert!(r.text.contains(&format!(":\n{link}\n")), "{}", r.text);
}

#[test]
fn mail_kinds() {
    assert_eq!(InviteKind::Activation.mail_kind(false), "activation");
    assert_eq!(InviteKind::Activation.mail_kind(true), "reminder");
    assert_eq!(InviteKind::Join.mail_kind(true), "join_reminder");
    assert_eq!(InviteKind::Signup.mail_kind(false), "signup");
}

#[test]
fn tokens_are_redacted() {
    let body = "Go to http://x/activate?token=abc-DEF_123 now, or token=zzz.";
    assert_eq!(
        redact_tokens(body),
        "Go to http://x/activate?token=[removed after delivery] now, or token=[removed after delivery]."
    );
    assert_eq!(redact_tokens("no link"), "no link");
}
