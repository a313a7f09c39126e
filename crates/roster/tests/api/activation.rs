//! Activation: the invited person follows the mailed link, sets name and password, and becomes
//! active. Dead links (tampered, used, expired) get a clear page and change nothing; of two
//! racing accepts exactly one wins.

use crate::smtp::SmtpServer;
use crate::support::{spawn_app, spawn_app_with, Backend, TestApp};

/// The activation link of the newest message in the local outbox.
pub(crate) async fn link_from_outbox(app: &TestApp) -> String {
    let list = app.cli(&["mail", "list"]).await.unwrap();
    let id = list.split_whitespace().next().unwrap().to_owned();
    let shown = app.cli(&["mail", "show", &id]).await.unwrap();
    shown
        .split_whitespace()
        .find(|w| w.contains("/activate?token="))
        .unwrap()
        .to_owned()
}

async fn post_form(app: &TestApp, fields: &[(&str, &str)]) -> (u16, String) {
    let res = app
        .client
        .post(app.url("/activate"))
        .form(fields)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn following_the_mailed_link_activates(b: Backend) {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(b, |c| {
        c.smtp_url = Some(smtp.url());
        c.mail_poll_ms = 50;
    })
    .await;
    let (_, token) = app.account_with_token().await;
    let id = app
        .add_user(&token, "create", "new.teacher@acme.test", 1)
        .await;
    let mail = &smtp.wait_for(1).await[0];
    let unfolded = mail.data.replace("=\n", "").replace("=3D", "=");
    let link = unfolded
        .split_whitespace()
        .find(|w| w.starts_with("http://") && w.contains("/activate?token="))
        .unwrap()
        .to_owned();
    let raw = link.rsplit('=').next().unwrap().to_owned();

    let page = reqwest::get(&link).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("new.teacher@acme.test")
            && html.contains("Acme School")
            && html.contains("<form"),
        "{html}"
    );

    // Refusals keep the user pending and the link alive. (The mail worker logs deliveries
    // meanwhile: `mail.*` events are not the refusals' doing.)
    let changes = "events WHERE type NOT LIKE 'mail.%'";
    let events = app.db.count(changes).await;
    let (s, html) = post_form(
        &app,
        &[
            ("token", &raw),
            ("first_name", "Ada"),
            ("last_name", "L"),
            ("password", "Secr3tPass"),
            ("confirm", "Other1Pass"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("not the same"), "{html}");
    let (s, html) = post_form(
        &app,
        &[
            ("token", &raw),
            ("first_name", "Ada"),
            ("last_name", "L"),
            ("password", "weakpass"),
            ("confirm", "weakpass"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(
        html.contains("letter and one number") || html.contains("upper"),
        "{html}"
    );
    assert!(html.contains("value=\"Ada\""), "what was typed is kept");
    let (s, _) = post_form(
        &app,
        &[
            ("token", &raw),
            ("first_name", ""),
            ("last_name", "L"),
            ("password", "Secr3tPass"),
            ("confirm", "Secr3tPass"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    let (_, u) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(u["status"], "pending");
    assert_eq!(app.db.count(changes).await, events);

    let (s, html) = post_form(
        &app,
        &[
            ("token", &raw),
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("password", "Secr3tPass"),
            ("confirm", "Secr3tPass"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Your account is active"), "{html}");
    let (_, u) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(u["status"], "active");
    assert_eq!(u["display_name"], "Ada Lovelace");
    assert_eq!(u["login_types"], serde_json::json!([100]));
    let (_, pending) = app.get("/v2/users?status=pending", &token).await;
    assert_eq!(pending["total_records"], 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM events WHERE type = 'user.invitation_accepted'")
            .await,
        1
    );

    // The link works once.
    let again = reqwest::get(&link).await.unwrap();
    assert_eq!(again.status(), 404);
    assert!(again.text().await.unwrap().contains("not valid"));
    let (s, _) = post_form(
        &app,
        &[
            ("token", &raw),
            ("first_name", "Eve"),
            ("last_name", "X"),
            ("password", "Secr3tPass"),
            ("confirm", "Secr3tPass"),
        ],
    )
    .await;
    assert_eq!(s, 404);
    let (_, u) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(u["first_name"], "Ada");
}

async fn dead_links_say_why(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let id = app.add_user(&token, "create", "late@acme.test", 1).await;
    let link = link_from_outbox(&app).await;
    // Tampered, missing, and script-y tokens.
    for bad in [
        format!("{link}x"),
        app.url("/activate"),
        app.url("/activate?token=<script>"),
    ] {
        let res = reqwest::get(&bad).await.unwrap();
        assert_eq!(res.status(), 404, "{bad}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("not valid") && !html.contains("<script>"),
            "{html}"
        );
    }
    // Expired: the invitation's 30 days are over.
    let db = app.db.open().await;
    let mut tx = db.begin().await.unwrap();
    tx.execute(
        "UPDATE invitations SET expires_at = $1 WHERE user_id = $2",
        roster_store::params![
            time::OffsetDateTime::now_utc() - time::Duration::days(1),
            id.as_str()
        ],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let res = reqwest::get(&link).await.unwrap();
    assert_eq!(res.status(), 410);
    assert!(res.text().await.unwrap().contains("expired"));
    let raw = link.rsplit('=').next().unwrap();
    let (s, _) = post_form(
        &app,
        &[
            ("token", raw),
            ("first_name", "A"),
            ("last_name", "B"),
            ("password", "Secr3tPass"),
            ("confirm", "Secr3tPass"),
        ],
    )
    .await;
    assert_eq!(s, 410);
    let (_, u) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(u["status"], "pending");
}

async fn racing_accepts_one_wins(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let id = app.add_user(&token, "create", "race@acme.test", 1).await;
    let link = link_from_outbox(&app).await;
    let raw = link.rsplit('=').next().unwrap().to_owned();
    let mut tasks = Vec::new();
    for name in ["One", "Two", "Three"] {
        let client = app.client.clone();
        let url = app.url("/activate");
        let raw = raw.clone();
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .form(&[
                    ("token", raw.as_str()),
                    ("first_name", name),
                    ("last_name", "Racer"),
                    ("password", "Secr3tPass"),
                    ("confirm", "Secr3tPass"),
                ])
                .send()
                .await
                .unwrap();
            res.status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 404, 404], "exactly one wins");
    let (_, u) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(u["status"], "active");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM events WHERE type = 'user.invitation_accepted'")
            .await,
        1
    );
}

both_backends!(
    following_the_mailed_link_activates,
    dead_links_say_why,
    racing_accepts_one_wins
);

mod resend {
    use super::{link_from_outbox, post_form};
    use crate::support::{assert_zoom_error, spawn_app, Backend};
    use serde_json::json;

    async fn resend_replaces_the_link(b: Backend) {
        let app = spawn_app(b).await;
        let (acct, token) = app.account_with_token().await;
        let id = app.add_user(&token, "create", "slow@acme.test", 1).await;
        let first = link_from_outbox(&app).await;
        // Pretend the first mail went out 10 days ago.
        let before = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM invitations WHERE user_id = '{id}' AND resend_count = 0"
            ))
            .await;
        assert_eq!(before, 1);
        let (s, v) = app
            .post(&format!("/v2/users/{id}/invitation"), &token, &json!({}))
            .await;
        assert_eq!(s, 204, "{v}");
        let second = link_from_outbox(&app).await;
        assert_ne!(first, second);
        let list = app.cli(&["mail", "list"]).await.unwrap();
        assert!(list.lines().next().unwrap().contains("reminder"), "{list}");
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM invitations WHERE user_id = '{id}' AND resend_count = 1"
            ))
            .await,
            1
        );
        // The pending list shows the invitation.
        let (_, pending) = app.get("/v2/users?status=pending", &token).await;
        let inv = &pending["users"][0]["invitation"];
        assert_eq!(inv["resend_count"], 1, "{pending}");
        assert!(inv["invited_at"].as_str().unwrap().ends_with('Z'));
        assert!(inv["expires_at"].as_str().unwrap() > inv["invited_at"].as_str().unwrap());
        let (_, one) = app.get(&format!("/v2/users/{id}"), &token).await;
        assert_eq!(one["invitation"]["resend_count"], 1);
        let (_, active) = app.get("/v2/users", &token).await;
        assert!(
            active["users"][0].get("invitation").is_none(),
            "active users have none"
        );
        // The old link is dead, the new one works.
        assert_eq!(reqwest::get(&first).await.unwrap().status(), 404);
        assert_eq!(reqwest::get(&second).await.unwrap().status(), 200);
        let raw = second.rsplit('=').next().unwrap();
        let (s, _) = post_form(
            &app,
            &[
                ("token", raw),
                ("first_name", "Sam"),
                ("last_name", "Slow"),
                ("password", "Secr3tPass"),
                ("confirm", "Secr3tPass"),
            ],
        )
        .await;
        assert_eq!(s, 200);
        // Refusals: not pending any more, unknown user, and a member's token.
        let events = app.db.count("events").await;
        let (s, v) = app
            .post(&format!("/v2/users/{id}/invitation"), &token, &json!({}))
            .await;
        assert_zoom_error(s, &v, 400, 300);
        let (s, v) = app
            .post(
                "/v2/users/AAAAAAAAAAAAAAAAAAAAAA/invitation",
                &token,
                &json!({}),
            )
            .await;
        assert_zoom_error(s, &v, 404, 1001);
        let other = app.add_user(&token, "create", "other@acme.test", 1).await;
        let member = app.token_for_user(&acct, "slow@acme.test").await;
        let events_before_member = app.db.count("events").await;
        let (s, v) = app
            .post(
                &format!("/v2/users/{other}/invitation"),
                &member,
                &json!({}),
            )
            .await;
        assert_zoom_error(s, &v, 400, 200);
        assert_eq!(app.db.count("events").await, events_before_member);
        assert!(events_before_member > events);
    }

    both_backends!(resend_replaces_the_link);
}

mod expiry {
    use super::link_from_outbox;
    use crate::support::{spawn_app_with, Backend};

    async fn expired_invitations_are_swept(b: Backend) {
        let app = spawn_app_with(b, |c| c.invite_sweep_ms = 100).await;
        let (_, token) = app.account_with_token().await;
        let id = app.add_user(&token, "create", "gone@acme.test", 2).await;
        let kept = app
            .add_user(&token, "custCreate", "kept@acme.test", 1)
            .await;
        let link = link_from_outbox(&app).await;
        let seats = || app.scalar("SELECT licensed_used FROM accounts WHERE licensed_seats = 10");
        assert_eq!(seats().await, 2, "the Owner and the Licensed invitee");
        // Thirty days pass for this invitation.
        let db = app.db.open().await;
        let mut tx = db.begin().await.unwrap();
        tx.execute(
            "UPDATE invitations SET expires_at = $1 WHERE user_id = $2",
            roster_store::params![
                time::OffsetDateTime::now_utc() - time::Duration::minutes(1),
                id.as_str()
            ],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        for _ in 0..100 {
            if app
                .scalar(&format!("SELECT COUNT(*) FROM users WHERE id = '{id}'"))
                .await
                == 0
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let (s, _) = app.get(&format!("/v2/users/{id}"), &token).await;
        assert_eq!(s, 404, "off the pending list");
        let (_, pending) = app.get("/v2/users?status=pending", &token).await;
        assert_eq!(pending["total_records"], 0);
        assert_eq!(seats().await, 1, "the seat is back");
        let (s, _) = app.get(&format!("/v2/users/{kept}"), &token).await;
        assert_eq!(s, 200, "nobody else is touched");
        // The link says it expired, not that it never was.
        let res = reqwest::get(&link).await.unwrap();
        assert_eq!(res.status(), 410);
        assert!(res.text().await.unwrap().contains("expired"));
        let (_, log) = app
            .get("/v2/report/operationlogs?category_type=user", &token)
            .await;
        assert_eq!(
            log["operation_logs"][0]["action"],
            "user.invitation_expired"
        );
        assert_eq!(log["operation_logs"][0]["operator"], "system");
        db.close().await;
    }

    both_backends!(expired_invitations_are_swept);
}
