//! Copying a pending user's activation link: a fresh link for an admin (or the operator) to hand
//! over when mail does not arrive. The previous link dies, the new one lives 30 days, and no
//! mail is sent. The same refusals as a resend, with nothing stored.

use crate::activation::link_from_outbox;
use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

async fn status_of(link: &str) -> (u16, String) {
    let res = reqwest::get(link).await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn accept(app: &TestApp, link: &str) -> u16 {
    let raw = link.rsplit('=').next().unwrap();
    app.client
        .post(app.url("/activate"))
        .form(&[
            ("token", raw),
            ("first_name", "Ann"),
            ("last_name", "Lee"),
            ("password", "Secr3tPass"),
            ("confirm", "Secr3tPass"),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// What a refusal must leave as it was.
async fn snapshot(app: &TestApp) -> (i64, i64, i64) {
    (
        app.db.count("events").await,
        app.db.count("mail_outbox").await,
        app.scalar("SELECT COALESCE(SUM(LENGTH(token_hash)), 0) FROM invitations")
            .await,
    )
}

async fn the_copied_link_works_and_the_mailed_one_dies(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let id = app.add_user(&token, "create", "ann@acme.test", 1).await;
    let mailed = link_from_outbox(&app).await;
    let outbox = app.db.count("mail_outbox").await;

    let (s, v) = app
        .post(
            &format!("/v2/users/{id}/invitation/link"),
            &token,
            &json!({}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let copied = v["activation_url"].as_str().unwrap().to_owned();
    assert!(
        copied.starts_with(&format!("{}/activate?token=", app.base)),
        "{v}"
    );
    assert_ne!(copied, mailed);
    let expires = time::OffsetDateTime::parse(
        v["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let in_days = (expires - time::OffsetDateTime::now_utc()).whole_hours();
    assert!((29 * 24..=30 * 24).contains(&in_days), "{v}");
    assert_eq!(app.db.count("mail_outbox").await, outbox, "no mail is sent");
    let (_, user) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(user["invitation"]["resend_count"], 0, "nothing was resent");
    assert_eq!(
        user["invitation"]["expires_at"].as_str().unwrap(),
        v["expires_at"].as_str().unwrap()
    );

    // The mailed link is dead; the copied one works, once.
    let (s, page) = status_of(&mailed).await;
    assert_eq!(s, 404);
    assert!(page.contains("not valid"), "{page}");
    assert_eq!(status_of(&copied).await.0, 200);

    // By email too; each call replaces the previous link.
    let (s, again) = app
        .post(
            "/v2/users/ann@acme.test/invitation/link",
            &token,
            &json!({}),
        )
        .await;
    assert_eq!(s, 201, "{again}");
    let latest = again["activation_url"].as_str().unwrap();
    assert_eq!(status_of(&copied).await.0, 404);
    assert_eq!(accept(&app, latest).await, 200);
    let (_, user) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(user["status"], "active");

    let (_, log) = app
        .get("/v2/report/operationlogs?category_type=user", &token)
        .await;
    let actions: Vec<&str> = log["operation_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "user.invitation_link_issued")
            .count(),
        2,
        "{actions:?}"
    );
    assert_eq!(log["operation_logs"][1]["operator"], "owner@acme.test");
}

async fn refusals_store_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let pending = app.add_user(&token, "create", "pending@acme.test", 1).await;
    let active = app
        .add_user(&token, "custCreate", "member@acme.test", 1)
        .await;
    let member = app.token_for_user(&acct, "member@acme.test").await;
    let before = snapshot(&app).await;

    // Not pending: an active user, and the Owner.
    for who in [active.as_str(), "me"] {
        let (s, v) = app
            .post(
                &format!("/v2/users/{who}/invitation/link"),
                &token,
                &json!({}),
            )
            .await;
        assert_zoom_error(s, &v, 400, 300);
    }
    // Unknown users, and another account's.
    let other = app
        .create_account("Other", "owner@other.test", &["--plan", "pro"])
        .await;
    for who in [
        "AAAAAAAAAAAAAAAAAAAAAA",
        "nobody@acme.test",
        other.owner_id.as_str(),
    ] {
        let (s, v) = app
            .post(
                &format!("/v2/users/{who}/invitation/link"),
                &token,
                &json!({}),
            )
            .await;
        assert_zoom_error(s, &v, 404, 1001);
    }
    let before = (before.0 + 1, before.1, before.2); // `account.created` of the other account
                                                     // A member may not.
    let (s, v) = app
        .post(
            &format!("/v2/users/{pending}/invitation/link"),
            &member,
            &json!({}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 200);
    assert_eq!(snapshot(&app).await, before);
}

async fn the_operator_copies_a_link_at_the_shell(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let id = app.add_user(&token, "create", "ann@acme.test", 1).await;
    let mailed = link_from_outbox(&app).await;

    let out = app
        .cli(&["user", "invitation-link", "Ann@Acme.test", "--json"])
        .await
        .unwrap();
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    let url = v["activation_url"].as_str().unwrap();
    assert!(url.contains("/activate?token="), "{out}");
    assert!(v["expires_at"].as_str().unwrap().ends_with('Z'), "{out}");
    // The CLI does not know the test server's port: follow the token on it.
    let raw = url.rsplit('=').next().unwrap();
    let here = app.url(&format!("/activate?token={raw}"));
    assert_eq!(status_of(&mailed).await.0, 404);
    assert_eq!(status_of(&here).await.0, 200);

    let text = app
        .cli(&["user", "invitation-link", "ann@acme.test"])
        .await
        .unwrap();
    assert!(
        text.contains("/activate?token=") && text.contains("no mail was sent"),
        "{text}"
    );
    assert_eq!(status_of(&here).await.0, 404, "replaced by the newer link");
    let (_, log) = app
        .get("/v2/report/operationlogs?category_type=user", &token)
        .await;
    assert_eq!(
        log["operation_logs"][0]["action"],
        "user.invitation_link_issued"
    );
    assert_eq!(log["operation_logs"][0]["operator"], "operator");
    assert_eq!(log["operation_logs"][0]["target"], id.as_str());

    // Refusals: unknown and active users.
    let before = snapshot(&app).await;
    let err = app
        .cli(&["user", "invitation-link", "nobody@acme.test"])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("User does not exist"), "{err}");
    let err = app
        .cli(&["user", "invitation-link", "owner@acme.test"])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("only a pending user"), "{err}");
    assert_eq!(snapshot(&app).await, before);
}

both_backends!(
    the_copied_link_works_and_the_mailed_one_dies,
    refusals_store_nothing,
    the_operator_copies_a_link_at_the_shell,
);
