//! The web portal over the real server: first-run setup through the one-time link, sign-in
//! (sessions, CSRF, throttling, sign-out), languages, and the Users and Pending tabs. Every
//! refused form changes nothing.

mod admin;
mod advanced;
mod billing;
mod browser;
mod domains;
mod import_jobs;
mod integrations;
mod languages;
mod meetings;
mod profile;
mod reset;
mod user_edit;
mod users;

use crate::support::{spawn_app, Backend, TestApp};
use browser::{hidden, Browser};

pub(crate) const OWNER: &str = "owner@acme.test";
pub(crate) const PASSWORD: &str = "Secret123";

/// Sets up the first account through the setup link; returns the signed-in owner's browser.
pub(crate) async fn set_up(app: &TestApp) -> Browser {
    let link = app
        .setup_link
        .clone()
        .expect("an empty database gets a setup link");
    let mut b = Browser::new(&app.base);
    let page = b.get(&link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = hidden(&page.body, "token").unwrap();
    let csrf = page.csrf();
    let done = b
        .post(
            "/setup",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("name", "Acme School"),
                ("email", OWNER),
                ("password", PASSWORD),
                ("plan", "business"),
                ("seats", "10"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/users"));
    b
}

async fn setup_creates_the_owner_once_and_signs_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let link = app.setup_link.clone().unwrap();
    assert!(link.contains("/setup?token="), "{link}");
    let token = link.rsplit('=').next().unwrap().to_owned();
    // Only the token's hash is stored.
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let stored: String = conn
        .fetch_one("SELECT token_hash FROM portal_links", &[])
        .await
        .unwrap();
    drop(conn);
    db.close().await;
    assert_ne!(stored, token);

    let mut b = Browser::new(&app.base);
    let page = b.get(&link).await;
    assert!(page.body.contains("<html lang=\"en\">"), "{}", page.body);
    assert!(page
        .set_cookies
        .iter()
        .any(|c| c.contains("HttpOnly") && c.contains("SameSite=Lax")));
    let csrf = page.csrf();

    // No form token: refused with a 403 page, nothing stored.
    let refused = b
        .post(
            "/setup",
            &[
                ("token", &token),
                ("name", "Acme"),
                ("email", OWNER),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body.contains("This form has expired"),
        "{}",
        refused.body
    );
    assert_eq!(app.db.count("accounts").await, 0);

    // A bad password: the message next to the field, nothing stored, the link still works.
    let bad = b
        .post(
            "/setup",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("name", "Acme"),
                ("email", OWNER),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("id=\"password-error\""), "{}", bad.body);
    assert_eq!(app.db.count("accounts").await, 0);
    assert_eq!(app.db.count("users").await, 0);

    let b = set_up(&app).await;
    assert_eq!(app.db.count("accounts").await, 1);
    assert_eq!(app.db.count("portal_sessions").await, 1);
    let session = b.cookies.get("roster_session").unwrap().clone();
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let hash: String = conn
        .fetch_one("SELECT id_hash FROM portal_sessions", &[])
        .await
        .unwrap();
    drop(conn);
    db.close().await;
    assert_ne!(hash, session);

    let mut b = b;
    let users = b.get("/users").await;
    assert_eq!(users.status, 200, "{}", users.body);
    assert!(users.body.contains(OWNER), "{}", users.body);

    // The link is used up.
    let again = Browser::new(&app.base).get(&link).await;
    assert_eq!(again.status, 404);
}

async fn sign_in_throttles_and_sign_out_ends_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let _owner = set_up(&app).await;
    let mut b = Browser::new(&app.base);
    let form = b.get("/signin").await;
    assert_eq!(form.status, 200);
    let csrf = form.csrf();

    let wrong = b
        .post(
            "/signin",
            &[("csrf", &csrf), ("email", OWNER), ("password", "Wrong1234")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("Wrong email or password."),
        "{}",
        wrong.body
    );
    assert!(!b.cookies.contains_key("roster_session"));

    // A forged form (no token) is refused before the password is even checked.
    let forged = b
        .post("/signin", &[("email", OWNER), ("password", PASSWORD)])
        .await;
    assert_eq!(forged.status, 403);

    let ok = b
        .post(
            "/signin",
            &[("csrf", &csrf), ("email", OWNER), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/users"));
    let cookie = ok
        .set_cookies
        .iter()
        .find(|c| c.starts_with("roster_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http gets no Secure: {cookie}"
    );

    // Signing out ends the session in the database too.
    let page = b.get("/users").await;
    let csrf = page.csrf();
    let before = app.db.count("portal_sessions").await;
    let out = b.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(app.db.count("portal_sessions").await, before - 1);
    assert_eq!(b.get("/users").await.location.as_deref(), Some("/signin"));

    // Five failures lock this email for 15 minutes, even with the right password.
    let mut t = Browser::new(&app.base);
    let csrf = t.get("/signin").await.csrf();
    for _ in 0..5 {
        let r = t
            .post(
                "/signin",
                &[("csrf", &csrf), ("email", OWNER), ("password", "Wrong1234")],
            )
            .await;
        assert_eq!(r.status, 401);
    }
    let locked = t
        .post(
            "/signin",
            &[("csrf", &csrf), ("email", OWNER), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert!(locked.body.contains("Too many failed sign-ins"));
    assert!(!t.cookies.contains_key("roster_session"));
}

async fn pages_follow_the_chosen_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let _owner = set_up(&app).await;
    let mut b = Browser::new(&app.base);
    b.accept_language = Some("de-DE, fr;q=0.8, en;q=0.5".to_owned());
    let page = b.get("/signin").await;
    assert!(page.body.contains("<html lang=\"fr\">"), "{}", page.body);
    assert!(page.body.contains("Connexion"));
    // The switcher wins over the browser.
    let csrf = page.csrf();
    let switched = b
        .post(
            "/language",
            &[("csrf", &csrf), ("lang", "ru"), ("back", "/signin")],
        )
        .await;
    assert_eq!(switched.status, 303);
    assert_eq!(switched.location.as_deref(), Some("/signin"));
    let page = b.get("/signin").await;
    assert!(page.body.contains("<html lang=\"ru\">"), "{}", page.body);
    assert!(page.body.contains("Войти"));
    // Never an open redirect.
    let out = b
        .post(
            "/language",
            &[("csrf", &csrf), ("lang", "pl"), ("back", "//evil.test/")],
        )
        .await;
    assert_eq!(out.location.as_deref(), Some("/"));
}

/// The Mail outbox shows the account's own messages, however many another account sent since.
async fn the_outbox_shows_only_the_accounts_own_mail(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let csrf = owner.get("/users").await.csrf();
    owner
        .post(
            "/users/add",
            &[("csrf", &csrf), ("emails", "mine@acme.test"), ("type", "1")],
        )
        .await;
    // Another account then invites more people than the outbox page shows.
    let other = app
        .create_account("Other", "boss@other-owner.test", &["--plan", "business"])
        .await;
    let token = app.token(&other).await;
    for i in 0..201 {
        let (status, body) = app
            .post(
                "/v2/users",
                &token,
                &serde_json::json!({"action": "create",
                    "user_info": {"email": format!("u{i}@other.test"), "type": 1}}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let page = owner.get("/outbox").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("mine@acme.test"), "{}", page.body);
    assert!(!page.body.contains("@other.test"), "{}", page.body);
}

/// Thirty failed sign-ins from one address lock that address out (with any email).
async fn fail_from(app: &TestApp, forwarded_for: &str) -> Browser {
    let mut t = Browser::new(&app.base);
    t.forwarded_for = Some(forwarded_for.to_owned());
    let csrf = t.get("/signin").await.csrf();
    for i in 0..30 {
        let email = format!("nobody{i}@acme.test");
        let r = t
            .post(
                "/signin",
                &[
                    ("csrf", &csrf),
                    ("email", &email),
                    ("password", "Wrong1234"),
                ],
            )
            .await;
        assert_eq!(r.status, 401, "{}", r.body);
    }
    t
}

async fn sign_in_status(b: &mut Browser) -> u16 {
    let csrf = b.get("/signin").await.csrf();
    b.post(
        "/signin",
        &[("csrf", &csrf), ("email", OWNER), ("password", PASSWORD)],
    )
    .await
    .status
}

/// Behind a trusted reverse proxy the throttle counts the forwarded client address; from anyone
/// else, `X-Forwarded-For` is ignored, so forging it escapes nothing.
async fn the_throttle_sees_clients_through_trusted_proxies(backend: Backend) {
    let app = crate::support::spawn_app_with(backend, |c| {
        c.trusted_proxies = "127.0.0.1, ::1".to_owned();
    })
    .await;
    let _owner = set_up(&app).await;
    let mut locked = fail_from(&app, "203.0.113.5").await;
    assert_eq!(sign_in_status(&mut locked).await, 429);
    let mut neighbour = Browser::new(&app.base);
    neighbour.forwarded_for = Some("203.0.113.6".to_owned());
    assert_eq!(sign_in_status(&mut neighbour).await, 303);
    // The proxy adds its own view on the right; a forged entry on the left changes nothing.
    let mut forged = Browser::new(&app.base);
    forged.forwarded_for = Some("198.51.100.1, 203.0.113.5".to_owned());
    assert_eq!(sign_in_status(&mut forged).await, 429);

    let plain = spawn_app(backend).await;
    let _owner = set_up(&plain).await;
    let _ = fail_from(&plain, "203.0.113.5").await;
    let mut forged = Browser::new(&plain.base);
    forged.forwarded_for = Some("203.0.113.77".to_owned());
    assert_eq!(sign_in_status(&mut forged).await, 429);
}

both_backends!(
    the_throttle_sees_clients_through_trusted_proxies,
    the_outbox_shows_only_the_accounts_own_mail,
    setup_creates_the_owner_once_and_signs_in,
    sign_in_throttles_and_sign_out_ends_the_session,
    pages_follow_the_chosen_language,
);

/// Adds a Basic member through the portal and activates them; their signed-in browser.
pub async fn member(app: &TestApp, owner: &mut Browser, email: &str) -> Browser {
    let csrf = owner.get("/users").await.csrf();
    owner
        .post(
            "/users/add",
            &[("csrf", &csrf), ("emails", email), ("type", "1")],
        )
        .await;
    let outbox = owner.get("/outbox").await;
    let link = outbox
        .body
        .split('"')
        .find(|w| w.contains("/activate?token="))
        .unwrap()
        .replace("&amp;", "&");
    let token = link.rsplit('=').next().unwrap().to_owned();
    let res = app
        .client
        .post(app.url("/activate"))
        .form(&[
            ("token", token.as_str()),
            ("first_name", "Mia"),
            ("last_name", "Lee"),
            ("password", "Member123"),
            ("confirm", "Member123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut b = Browser::new(&app.base);
    let csrf = b.get("/signin").await.csrf();
    let signed = b
        .post(
            "/signin",
            &[("csrf", &csrf), ("email", email), ("password", "Member123")],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    b
}
