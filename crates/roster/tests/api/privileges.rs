//! Who may do what: a member acting through their own server-to-server app (whose tokens act
//! with the member's role) manages only themselves; every admin action is refused with code 200
//! and changes nothing.

use crate::support::{assert_zoom_error, json_of, spawn_app, Backend};
use serde_json::json;

async fn members_manage_only_themselves(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let me = app
        .add_user(&admin, "custCreate", "member@acme.test", 1)
        .await;
    let other = app
        .add_user(&admin, "custCreate", "other@acme.test", 1)
        .await;
    let token = app.token_for_user(&acct, "member@acme.test").await;

    let (s, v) = app.get("/v2/users/me", &token).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], me.as_str());
    assert_eq!(v["role_name"], "Member");

    let events = app.db.count("events").await;
    let users = app.db.count("users").await;
    let refusals = [
        app.get("/v2/users", &token).await,
        app.get(&format!("/v2/users/{other}"), &token).await,
        app.get("/v2/users/email?email=other@acme.test", &token)
            .await,
        app.post(
            "/v2/users",
            &token,
            &json!({"action": "create", "user_info": {"email": "new@acme.test", "type": 1}}),
        )
        .await,
        app.patch(
            &format!("/v2/users/{other}"),
            &token,
            &json!({"first_name": "Mallory"}),
        )
        .await,
        app.patch("/v2/users/me", &token, &json!({"type": 2})).await,
        app.patch("/v2/users/me", &token, &json!({"custom_attributes": []}))
            .await,
        app.put(
            &format!("/v2/users/{other}/status"),
            &token,
            &json!({"action": "deactivate"}),
        )
        .await,
        app.delete(&format!("/v2/users/{other}?action=delete"), &token)
            .await,
        app.patch(
            "/v2/users/me/settings",
            &token,
            &json!({"feature": {"webinar": true}}),
        )
        .await,
        app.put(
            &format!("/v2/users/{other}/password"),
            &token,
            &json!({"password": "N3wSecret"}),
        )
        .await,
        app.put(
            &format!("/v2/users/{}/password", acct.owner_id),
            &token,
            &json!({"password": "N3wSecret"}),
        )
        .await,
    ];
    for (s, v) in refusals {
        assert_zoom_error(s, &v, 400, 200);
    }
    assert_eq!(
        app.db.count("events").await,
        events,
        "no refusal records anything"
    );
    assert_eq!(app.db.count("users").await, users);
    let (_, other_user) = app.get(&format!("/v2/users/{other}"), &admin).await;
    assert_eq!(other_user["first_name"], "");

    // Their own profile and password are theirs to change.
    let (s, v) = app
        .patch(
            "/v2/users/me",
            &token,
            &json!({"first_name": "Mia", "dept": "Art"}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    let (s, _) = app
        .put(
            "/v2/users/me/password",
            &token,
            &json!({"password": "N3wSecret"}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, mine) = app.get("/v2/users/me", &token).await;
    assert_eq!(mine["display_name"], "Mia");
}

async fn tokens_follow_the_users_state(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let id = app
        .add_user(&admin, "custCreate", "member@acme.test", 1)
        .await;
    let token = app.token_for_user(&acct, "member@acme.test").await;
    // Deactivating the user kills their tokens, and their app gets no new ones.
    let (s, _) = app
        .put(
            &format!("/v2/users/{id}/status"),
            &admin,
            &json!({"action": "deactivate"}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, v) = app.get("/v2/users/me", &token).await;
    assert_zoom_error(s, &v, 401, 124);
    // An app cannot be made for a user who is not active, or not in the account.
    for email in ["member@acme.test", "nobody@acme.test"] {
        let err = app
            .cli(&[
                "app",
                "create",
                "--account-id",
                &acct.account_id,
                "--user",
                email,
            ])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("User does not exist"), "{err}");
    }
    let res = app
        .client
        .post(app.url("/oauth/token"))
        .query(&[
            ("grant_type", "account_credentials"),
            ("account_id", acct.account_id.as_str()),
        ])
        .basic_auth("nobody", Some("nothing"))
        .send()
        .await
        .unwrap();
    let (s, _) = json_of(res).await;
    assert_eq!(s, 401);
}

both_backends!(
    members_manage_only_themselves,
    tokens_follow_the_users_state
);
