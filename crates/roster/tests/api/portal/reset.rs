//! Password reset by mail: same answer for unknown emails, single use, old sessions end.

use super::browser::Browser;
use super::{set_up, OWNER, PASSWORD};
use crate::support::{spawn_app, Backend, TestApp};

/// The newest mailed link containing `needle`, as the CLI shows the outbox.
async fn mailed_link(app: &TestApp, needle: &str) -> String {
    let list = app.cli(&["mail", "list"]).await.unwrap();
    let id = list.split_whitespace().next().unwrap().to_owned();
    let shown = app.cli(&["mail", "show", &id]).await.unwrap();
    shown
        .split_whitespace()
        .find(|w| w.contains(needle))
        .unwrap_or_else(|| panic!("no {needle} in {shown}"))
        .to_owned()
}

async fn password_reset_by_mail_is_single_use(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let mut b = Browser::new(&app.base);
    let csrf = b.get("/reset").await.csrf();
    let mails = app.db.count("mail_outbox").await;

    // An unknown email gets the same answer, and no mail.
    let unknown = b
        .post("/reset", &[("csrf", &csrf), ("email", "nobody@acme.test")])
        .await;
    assert_eq!(unknown.status, 200);
    assert!(
        unknown.body.contains("a message with a link is on its way"),
        "{}",
        unknown.body
    );
    assert_eq!(app.db.count("mail_outbox").await, mails);
    // A forged request mails nothing.
    assert_eq!(b.post("/reset", &[("email", OWNER)]).await.status, 403);
    assert_eq!(app.db.count("mail_outbox").await, mails);

    let sent = b.post("/reset", &[("csrf", &csrf), ("email", OWNER)]).await;
    assert!(sent.body.contains("a message with a link is on its way"));
    assert_eq!(app.db.count("mail_outbox").await, mails + 1);
    let link = mailed_link(&app, "/reset/new?token=").await;
    let token = link.rsplit('=').next().unwrap().to_owned();

    let form = b.get(&link).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let weak = b
        .post(
            "/reset/new",
            &[("csrf", &csrf), ("token", &token), ("password", "weak")],
        )
        .await;
    assert_eq!(weak.status, 400);
    assert!(weak.body.contains("id=\"password-error\""), "{}", weak.body);

    let done = b
        .post(
            "/reset/new",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", "NewSecret456"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/signin?done=1"));
    // Used once; the owner's old session is over; only the new password works.
    assert_eq!(b.get(&link).await.status, 404);
    assert_eq!(
        owner.get("/users").await.location.as_deref(),
        Some("/signin")
    );
    let old = b
        .post(
            "/signin",
            &[("csrf", &csrf), ("email", OWNER), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(old.status, 401);
    let new = b
        .post(
            "/signin",
            &[
                ("csrf", &csrf),
                ("email", OWNER),
                ("password", "NewSecret456"),
            ],
        )
        .await;
    assert_eq!(new.status, 303);
}

both_backends!(password_reset_by_mail_is_single_use);
