//! The Users and Pending tabs, the edit form and what members may do: adding by
//! comma-separated emails, resend and delete, errors next to their field, landing pages.

use super::browser::Browser;
use super::set_up;
use crate::support::{spawn_app, Backend};

async fn admins_add_users_see_them_pending_and_change_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let page = b.get("/users").await;
    let csrf = page.csrf();

    // A forged add changes nothing.
    let forged = b
        .post("/users/add", &[("emails", "x@acme.test"), ("type", "1")])
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(app.db.count("users").await, 1);

    let added = b
        .post(
            "/users/add",
            &[
                ("csrf", &csrf),
                (
                    "emails",
                    "ann@acme.test, bob@acme.test,not-an-email, cy@acme.test",
                ),
                ("type", "1"),
                ("department", "Maths"),
            ],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    for e in ["ann@acme.test", "bob@acme.test", "cy@acme.test"] {
        assert!(
            added.body.contains(&format!("Invited: {e}")),
            "{}",
            added.body
        );
    }
    assert!(
        added.body.contains("Not added: not-an-email"),
        "{}",
        added.body
    );
    assert_eq!(app.db.count("users").await, 4);

    let pending = b.get("/users/pending").await;
    assert_eq!(pending.status, 200);
    for e in ["ann@acme.test", "bob@acme.test", "cy@acme.test"] {
        assert!(pending.body.contains(e), "{}", pending.body);
    }

    // The outbox holds the activation mail with its link.
    let outbox = b.get("/outbox").await;
    assert_eq!(outbox.status, 200);
    assert!(outbox.body.contains("/activate?token="), "{}", outbox.body);

    // Resend and delete from the Pending tab.
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let cy: String = conn
        .fetch_one("SELECT id FROM users WHERE email = 'cy@acme.test'", &[])
        .await
        .unwrap();
    let ann: String = conn
        .fetch_one("SELECT id FROM users WHERE email = 'ann@acme.test'", &[])
        .await
        .unwrap();
    drop(conn);
    db.close().await;
    let resent = b
        .post(&format!("/users/pending/{ann}/resend"), &[("csrf", &csrf)])
        .await;
    assert!(
        resent.body.contains("The invitation was sent again."),
        "{}",
        resent.body
    );
    let deleted = b
        .post(&format!("/users/pending/{cy}/delete"), &[("csrf", &csrf)])
        .await;
    assert!(
        deleted.body.contains("The invitation was withdrawn."),
        "{}",
        deleted.body
    );
    assert_eq!(app.db.count("users").await, 3);

    // Edit: a bad type is refused next to the field and nothing changes.
    let edit = b.get(&format!("/users/edit/{ann}")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    let bad = b
        .post(
            &format!("/users/edit/{ann}"),
            &[("csrf", &csrf), ("type", "7"), ("first_name", "Ann")],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("id=\"type-error\""), "{}", bad.body);

    // The owner's own edits: bulk role change of nobody selected is a clear message.
    let none = b
        .post("/users/bulk", &[("csrf", &csrf), ("type", "2")])
        .await;
    assert!(
        none.body.contains("Select at least one user."),
        "{}",
        none.body
    );
}

async fn members_land_on_their_profile_and_cannot_manage(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let csrf = owner.get("/users").await.csrf();
    owner
        .post(
            "/users/add",
            &[("csrf", &csrf), ("emails", "mia@acme.test"), ("type", "1")],
        )
        .await;
    // Mia activates through the existing /activate page, from the mail in the outbox.
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
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let mut mia = Browser::new(&app.base);
    let csrf = mia.get("/signin").await.csrf();
    let signed = mia
        .post(
            "/signin",
            &[
                ("csrf", &csrf),
                ("email", "mia@acme.test"),
                ("password", "Member123"),
            ],
        )
        .await;
    assert_eq!(
        signed.location.as_deref(),
        Some("/profile"),
        "{}",
        signed.body
    );
    let profile = mia.get("/profile").await;
    assert!(profile.body.contains("mia@acme.test"), "{}", profile.body);
    assert!(
        !profile.body.contains("href=\"/users\""),
        "no admin nav for members"
    );
    assert_eq!(mia.get("/users").await.status, 403);
    assert_eq!(mia.get("/outbox").await.status, 403);

    // The Users tab's filters: type, department, group; a bad type is refused.
    let basic = owner.get("/users?type=1").await;
    assert!(
        basic.body.contains("mia@acme.test") && !basic.body.contains(">owner@acme.test</a>"),
        "{}",
        basic.body
    );
    let licensed = owner.get("/users?type=2").await;
    assert!(
        !licensed.body.contains("mia@acme.test") && licensed.body.contains(">owner@acme.test</a>"),
        "{}",
        licensed.body
    );
    let nowhere = owner.get("/users?dept=Nowhere&type=1").await;
    assert!(nowhere.body.contains("No users match."), "{}", nowhere.body);
    assert!(
        nowhere.body.contains("value=\"Nowhere\"") && !nowhere.body.contains("First page"),
        "the form keeps the filters; page one has no link to itself: {}",
        nowhere.body
    );
    assert_eq!(owner.get("/users?type=7").await.status, 400);

    // A deactivated member's session ends and they cannot sign in again.
    let csrf = owner.get("/users").await.csrf();
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let id: String = conn
        .fetch_one("SELECT id FROM users WHERE email = 'mia@acme.test'", &[])
        .await
        .unwrap();
    drop(conn);
    db.close().await;
    let off = owner
        .post(
            &format!("/users/edit/{id}/status"),
            &[("csrf", &csrf), ("action", "deactivate")],
        )
        .await;
    assert_eq!(off.status, 303, "{}", off.body);
    assert_eq!(
        mia.get("/profile").await.location.as_deref(),
        Some("/signin")
    );
    let csrf = mia.get("/signin").await.csrf();
    let again = mia
        .post(
            "/signin",
            &[
                ("csrf", &csrf),
                ("email", "mia@acme.test"),
                ("password", "Member123"),
            ],
        )
        .await;
    assert_eq!(again.status, 401);
}

both_backends!(
    admins_add_users_see_them_pending_and_change_them,
    members_land_on_their_profile_and_cannot_manage,
);
