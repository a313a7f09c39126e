//! Every page a portal user can reach speaks the chosen language: the activation page, the
//! OAuth sign-in and consent pages, the reset page, a meeting's join page, the Integrations
//! pages, and the service's refusals shown on them. Each page is fetched in English and in
//! another language; no sentence of the English page may remain in the other.

use super::browser::{hidden, Browser, Page};
use super::{member, set_up, OWNER};
use crate::support::{spawn_app, Backend, TestApp};

const CB: &str = "https://app.test/cb";

/// Words that are the same in every language (names, addresses, codes) and so may remain.
const KEPT: &[&str] = &[
    "Acme School",
    "Languages App",
    OWNER,
    "new@acme.test",
    "mia@acme.test",
    "Mia Lee",
    "Physics",
    CB,
];

/// The English page's sentences: text between tags with at least two words of letters.
fn sentences(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    // Style and script bodies are not text a person reads.
    while let Some(open) = rest.find('<') {
        let text = rest[..open].trim();
        let words = text
            .split_whitespace()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .count();
        if words >= 2 && !KEPT.iter().any(|k| text.contains(k)) {
            out.push(text.to_owned());
        }
        let after = &rest[open..];
        let skip_to = if after.starts_with("<style") {
            after.find("</style>").unwrap_or(after.len())
        } else if after.starts_with("<script") {
            after.find("</script>").unwrap_or(after.len())
        } else {
            0
        };
        let after = &after[skip_to..];
        rest = match after.find('>') {
            Some(close) => &after[close + 1..],
            None => "",
        };
    }
    out
}

/// Asserts `other` (in `lang`) keeps no sentence of `english`.
fn translated(what: &str, lang: &str, english: &Page, other: &Page) {
    assert_eq!(english.status, other.status, "{what}: {}", other.body);
    assert!(
        other.body.contains(&format!("lang=\"{lang}\"")),
        "{what}: {}",
        other.body
    );
    let english_sentences = sentences(&english.body);
    assert!(!english_sentences.is_empty(), "{what}: {}", english.body);
    let left: Vec<&String> = english_sentences
        .iter()
        .filter(|s| other.body.contains(s.as_str()))
        .collect();
    assert!(left.is_empty(), "{what} in {lang} keeps English: {left:?}");
}

/// A browser in `lang`: the switcher's cookie (it wins over a profile) and the header.
fn in_lang(b: &Browser, base: &str, lang: &str) -> Browser {
    let mut other = Browser::new(base);
    other.cookies = b.cookies.clone();
    if lang != "en" {
        other.cookies.insert("roster_lang".into(), lang.into());
    }
    other.accept_language = Some(lang.to_owned());
    other
}

/// GETs `path` in English and in `lang` and compares.
async fn get_both(app: &TestApp, b: &Browser, lang: &str, path: &str) -> Page {
    let english = in_lang(b, &app.base, "en").get(path).await;
    let other = in_lang(b, &app.base, lang).get(path).await;
    translated(path, lang, &english, &other);
    other
}

/// POSTs `fields` to `path` in English and in `lang` and compares.
async fn post_both(
    app: &TestApp,
    b: &Browser,
    lang: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Page {
    let english = in_lang(b, &app.base, "en").post(path, fields).await;
    let other = in_lang(b, &app.base, lang).post(path, fields).await;
    translated(path, lang, &english, &other);
    other
}

/// The newest activation link in the outbox.
async fn activation_token(owner: &mut Browser) -> String {
    let outbox = owner.get("/outbox").await;
    let link = outbox
        .body
        .split('"')
        .find(|w| w.contains("/activate?token="))
        .unwrap()
        .replace("&amp;", "&");
    link.rsplit('=').next().unwrap().to_owned()
}

async fn signed_out_pages_speak_the_browser_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let csrf = owner.get("/users").await.csrf();
    owner
        .post(
            "/users/add",
            &[("csrf", &csrf), ("emails", "new@acme.test"), ("type", "1")],
        )
        .await;
    let token = activation_token(&mut owner).await;
    let anon = Browser::new(&app.base);
    for lang in ["ru", "pl"] {
        let form = get_both(&app, &anon, lang, &format!("/activate?token={token}")).await;
        assert_eq!(form.status, 200, "{}", form.body);
        // Refused inputs: the rule's words, in the language; nothing is stored.
        let weak = [
            ("token", token.as_str()),
            ("first_name", "New"),
            ("last_name", "Person"),
            ("password", "short"),
            ("confirm", "short"),
        ];
        let page = post_both(&app, &anon, lang, "/activate", &weak).await;
        assert_eq!(page.status, 400);
        let mismatch = [
            ("token", token.as_str()),
            ("first_name", "New"),
            ("last_name", "Person"),
            ("password", "Member123"),
            ("confirm", "Member124"),
        ];
        post_both(&app, &anon, lang, "/activate", &mismatch).await;
        let gone = get_both(&app, &anon, lang, "/activate?token=nope").await;
        assert_eq!(gone.status, 404);
        get_both(&app, &anon, lang, "/reset").await;
        get_both(&app, &anon, lang, "/reset/new?token=nope").await;
        get_both(&app, &anon, lang, "/signin").await;
    }
    let ru = in_lang(&anon, &app.base, "ru")
        .post(
            "/activate",
            &[
                ("token", token.as_str()),
                ("first_name", "New"),
                ("last_name", "Person"),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert!(ru.body.contains("от 8 до 32 символов"), "{}", ru.body);
    assert_eq!(app.db.count("users WHERE status = 'active'").await, 1);
}

async fn oauth_and_integrations_pages_speak_the_user_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let csrf = owner.get("/integrations").await.csrf();
    let made = owner
        .post(
            "/integrations/apps",
            &[
                ("csrf", &csrf),
                ("name", "Languages App"),
                ("kind", "account"),
                ("redirect_uris", CB),
                ("scope", "user:read:admin"),
                ("scope", "meeting:read"),
            ],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let id = made
        .body
        .split("action=\"/integrations/apps/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let link = made
        .body
        .split("id=\"install-link\"")
        .next()
        .unwrap()
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let mia = member(&app, &mut owner, "mia@acme.test").await;
    let csrf_m = owner.get("/meetings").await.csrf();
    let scheduled = owner
        .post(
            "/meetings",
            &[
                ("csrf", csrf_m.as_str()),
                ("topic", "Physics"),
                ("start_time", "2035-01-01T10:00"),
                ("duration", "30"),
                ("repeat", "none"),
            ],
        )
        .await;
    assert!(scheduled.status < 400, "{}", scheduled.body);
    let meetings = owner.get("/meetings").await;
    let meeting = meetings
        .body
        .split("action=\"/meetings/")
        .nth(1)
        .unwrap_or_else(|| panic!("{}", meetings.body))
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let anon = Browser::new(&app.base);
    let apps_before = app.db.count("oauth_apps").await;
    for lang in ["ru", "fr"] {
        // The consent page, for the signed-in owner, with the scopes in plain words.
        let consent = get_both(&app, &owner, lang, &link).await;
        assert!(
            consent.body.contains("name=\"decision\""),
            "{}",
            consent.body
        );
        // Signed out: the sign-in form; a wrong password; a forged form; an unknown client.
        let form = get_both(&app, &anon, lang, &link).await;
        let flow = hidden(&form.body, "flow").unwrap().replace("&amp;", "&");
        let wrong = post_both(
            &app,
            &anon,
            lang,
            "/oauth/authorize/signin",
            &[("flow", &flow), ("email", OWNER), ("password", "Wrong1234")],
        )
        .await;
        assert_eq!(wrong.status, 401);
        post_both(
            &app,
            &anon,
            lang,
            "/oauth/authorize/consent",
            &[("flow", "forged"), ("decision", "account")],
        )
        .await;
        get_both(
            &app,
            &anon,
            lang,
            "/oauth/authorize?response_type=code&client_id=nobody",
        )
        .await;
        // A member asked to approve an account app: the admin link, in the language.
        get_both(&app, &mia, lang, &link).await;
        // The meeting's join page, and one for no such meeting.
        get_both(&app, &anon, lang, &format!("/j/{meeting}")).await;
        get_both(&app, &anon, lang, "/j/1234567890").await;
        // The Integrations pages.
        get_both(&app, &owner, lang, "/integrations").await;
        get_both(&app, &owner, lang, &format!("/integrations/apps/{id}")).await;
        get_both(&app, &mia, lang, "/integrations/mine").await;
        // A refused registration: the message next to the field, in the language.
        let csrf = owner.get("/integrations").await.csrf();
        let bad = post_both(
            &app,
            &owner,
            lang,
            "/integrations/apps",
            &[
                ("csrf", &csrf),
                ("name", "Languages App"),
                ("kind", "account"),
                ("redirect_uris", "ftp://nowhere"),
            ],
        )
        .await;
        assert_eq!(bad.status, 400);
    }
    assert_eq!(app.db.count("oauth_apps").await, apps_before);
}

both_backends!(
    signed_out_pages_speak_the_browser_language,
    oauth_and_integrations_pages_speak_the_user_language,
);
