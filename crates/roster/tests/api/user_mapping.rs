//! Mapping users by email (issue 7, capability 7): every `/users/{userId}/…` route takes an
//! email, in any case, for apps that keep no Roster ids; another account's user is "does not
//! exist", exactly like nobody at all, and nothing changes.

use crate::scopes::{future, scoped_token, snapshot};
use crate::support::{assert_zoom_error, spawn_app, Backend};
use serde_json::json;

async fn users_are_reached_by_email_in_any_case(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let ann_id = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    let email = "Ann@ACME.Test";

    let (s, ann) = app.get(&format!("/v2/users/{email}"), &admin).await;
    assert_eq!(
        (s, ann["id"].as_str()),
        (200, Some(ann_id.as_str())),
        "{ann}"
    );
    let (s, e) = app
        .patch(
            &format!("/v2/users/{email}"),
            &admin,
            &json!({"first_name": "Annie"}),
        )
        .await;
    assert_eq!(s, 204, "{e}");
    let (_, ann) = app.get(&format!("/v2/users/{ann_id}"), &admin).await;
    assert_eq!(ann["first_name"], "Annie");

    let (s, v) = app
        .get(&format!("/v2/users/{email}/settings"), &admin)
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app
        .patch(
            &format!("/v2/users/{email}/settings"),
            &admin,
            &json!({"in_meeting": {"chat": false}}),
        )
        .await;
    assert_eq!(s, 204, "{v}");

    let (s, m) = app
        .post(
            &format!("/v2/users/{email}/meetings"),
            &admin,
            &json!({"topic": "Lesson", "start_time": future(2)}),
        )
        .await;
    assert_eq!(
        (s, m["host_id"].as_str()),
        (201, Some(ann_id.as_str())),
        "{m}"
    );
    let (s, list) = app
        .get(&format!("/v2/users/{email}/meetings"), &admin)
        .await;
    assert_eq!(
        (s, list["total_records"].as_i64()),
        (200, Some(1)),
        "{list}"
    );
    let (s, v) = app
        .get(&format!("/v2/users/{email}/assistants"), &admin)
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app
        .get(&format!("/v2/chat/users/{email}/contacts"), &admin)
        .await;
    assert_eq!(s, 200, "{v}");

    // Ann's own user-level app maps her by her email too.
    let ann_app = scoped_token(
        &app,
        &acct,
        "ann@acme.test",
        "user:read meeting:read meeting:write",
    )
    .await;
    let (s, me) = app.get(&format!("/v2/users/{email}"), &ann_app).await;
    assert_eq!((s, me["id"].as_str()), (200, Some(ann_id.as_str())));
    let (s, list) = app
        .get(&format!("/v2/users/{email}/meetings"), &ann_app)
        .await;
    assert_eq!((s, list["total_records"].as_i64()), (200, Some(1)));
}

async fn other_accounts_users_do_not_exist(b: Backend) {
    let app = spawn_app(b).await;
    let (_, admin) = app.account_with_token().await;
    let other = app
        .create_account(
            "Other",
            "boss@other.test",
            &["--plan", "business", "--licensed-seats", "2"],
        )
        .await;
    let other_token = app.token(&other).await;
    let before = snapshot(&app).await;

    for who in [
        "boss@other.test",
        "BOSS@other.test",
        other.owner_id.as_str(),
    ] {
        let (s, e) = app.get(&format!("/v2/users/{who}"), &admin).await;
        assert_zoom_error(s, &e, 404, 1001);
        assert_eq!(e["message"], format!("User does not exist: {who}."));
        let (s, e) = app
            .patch(
                &format!("/v2/users/{who}"),
                &admin,
                &json!({"first_name": "Hacked"}),
            )
            .await;
        assert_zoom_error(s, &e, 404, 1001);
        let (s, e) = app
            .patch(
                &format!("/v2/users/{who}/settings"),
                &admin,
                &json!({"in_meeting": {"chat": false}}),
            )
            .await;
        assert_zoom_error(s, &e, 404, 1001);
        let (s, e) = app
            .post(
                &format!("/v2/users/{who}/meetings"),
                &admin,
                &json!({"topic": "Sneaky", "start_time": future(2)}),
            )
            .await;
        assert_zoom_error(s, &e, 404, 1001);
        let (s, e) = app.delete(&format!("/v2/users/{who}"), &admin).await;
        assert_zoom_error(s, &e, 404, 1001);
    }
    // Exactly as for nobody at all.
    let (s, e) = app.get("/v2/users/nobody@acme.test", &admin).await;
    assert_zoom_error(s, &e, 404, 1001);
    assert_eq!(e["message"], "User does not exist: nobody@acme.test.");

    assert_eq!(snapshot(&app).await, before);
    let (s, boss) = app.get("/v2/users/me", &other_token).await;
    assert_eq!(s, 200);
    assert_ne!(boss["first_name"], "Hacked");
}

/// User-level chat and `user_info:read` tokens: the caller's own user, by `me` or email only.
async fn user_level_chat_and_user_info_reach_only_oneself(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let ann_id = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    let chat = scoped_token(&app, &acct, "ann@acme.test", "chat_contact:read").await;
    let info = scoped_token(&app, &acct, "ann@acme.test", "user_info:read").await;
    let before = snapshot(&app).await;
    for who in ["me", "ann@acme.test", ann_id.as_str()] {
        let (s, v) = app
            .get(&format!("/v2/chat/users/{who}/contacts"), &chat)
            .await;
        assert_eq!(s, 200, "{who}: {v}");
        let (s, v) = app.get(&format!("/v2/users/{who}"), &info).await;
        assert_eq!((s, v["id"].as_str()), (200, Some(ann_id.as_str())), "{v}");
    }
    let (s, e) = app
        .get("/v2/chat/users/owner@acme.test/contacts", &chat)
        .await;
    assert_zoom_error(s, &e, 400, 4711);
    assert_eq!(
        e["message"],
        "Invalid access token, does not contain scopes:[chat_contact:read:admin]."
    );
    let (s, e) = app
        .post(
            "/v2/chat/users/me/contacts",
            &chat,
            &json!({"email": "friend@elsewhere.test"}),
        )
        .await;
    assert_zoom_error(s, &e, 400, 4711);
    let (s, e) = app.get("/v2/users/owner@acme.test", &info).await;
    assert_zoom_error(s, &e, 400, 4711);
    let (s, e) = app
        .patch("/v2/users/me", &info, &json!({"first_name": "Annie"}))
        .await;
    assert_zoom_error(s, &e, 400, 4711);
    assert_eq!(
        e["message"],
        "Invalid access token, does not contain scopes:[user:write, user:write:admin]."
    );
    assert_eq!(snapshot(&app).await, before);
}

both_backends!(
    users_are_reached_by_email_in_any_case,
    other_accounts_users_do_not_exist,
    user_level_chat_and_user_info_reach_only_oneself,
);
