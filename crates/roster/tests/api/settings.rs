//! Meeting settings and locks: a user's own settings, the account's and a settings group's
//! values and locks (where a lock holds, its value wins and the user cannot change it), who may
//! read and change them, and bad input that stores nothing.

use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

/// Every stored settings document and the number of events: what a refused request must not
/// change.
async fn footprint(app: &TestApp) -> (Vec<String>, i64) {
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let mut docs: Vec<String> = conn
        .fetch_all(
            "SELECT id || ':' || settings FROM users UNION ALL \
             SELECT id || ':' || settings || lock_settings FROM accounts UNION ALL \
             SELECT id || ':' || settings || lock_settings FROM groups",
            &[],
        )
        .await
        .unwrap();
    docs.sort();
    let events = conn
        .fetch_one("SELECT COUNT(*) FROM events", &[])
        .await
        .unwrap();
    db.close().await;
    (docs, events)
}

async fn events(app: &TestApp, kind: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM events WHERE type = '{kind}'"
    ))
    .await
}

/// `section.key` of a user's settings, as `GET /v2/users/{id}/settings` shows it.
async fn setting(app: &TestApp, token: &str, user: &str, section: &str, key: &str) -> Value {
    let (s, v) = app.get(&format!("/v2/users/{user}/settings"), token).await;
    assert_eq!(s, 200, "{v}");
    v[section][key].clone()
}

/// Asserts a refusal naming `field`.
fn assert_field_error(s: u16, v: &Value, field: &str) {
    assert_zoom_error(s, v, 400, 300);
    assert_eq!(v["errors"][0]["field"], field, "{v}");
}

async fn account_locks_win_for_every_user(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let mia = app.add_user(&owner, "custCreate", "mia@acme.test", 1).await;
    let mia_token = app.token_for_user(&acct, "mia@acme.test").await;

    // Defaults, beside the feature object.
    let (s, v) = app.get("/v2/users/me/settings", &mia_token).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["in_meeting"]["chat"], true);
    assert_eq!(v["recording"]["auto_recording"], "none");
    assert_eq!(v["feature"]["large_meeting"], false);

    // A member changes their own settings, and sees them.
    let (s, v) = app
        .patch(
            "/v2/users/me/settings",
            &mia_token,
            &json!({"in_meeting": {"chat": false}, "recording": {"auto_recording": "local"}}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(
        setting(&app, &mia_token, "me", "in_meeting", "chat").await,
        false
    );
    assert_eq!(
        setting(&app, &owner, &mia, "recording", "auto_recording").await,
        "local"
    );
    assert_eq!(events(&app, "user.settings_updated").await, 1);

    // An unlocked account value does not beat the user's own.
    let (s, v) = app
        .patch(
            "/v2/accounts/me/settings",
            &owner,
            &json!({"in_meeting": {"chat": true}}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(
        setting(&app, &owner, &mia, "in_meeting", "chat").await,
        false
    );
    let (_, a) = app.get("/v2/accounts/me/settings", &owner).await;
    assert_eq!(a["in_meeting"]["chat"], true);
    assert_eq!(a["in_meeting"]["polling"], false, "defaults fill the rest");

    // Locked: the account's value, for every user.
    let (s, v) = app
        .patch(
            &format!("/v2/accounts/{}/lock_settings", acct.account_id),
            &owner,
            &json!({"in_meeting": {"chat": true}}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    let (_, l) = app.get("/v2/accounts/me/lock_settings", &owner).await;
    assert_eq!(l["in_meeting"]["chat"], true);
    assert_eq!(l["in_meeting"]["polling"], false);
    assert_eq!(
        setting(&app, &mia_token, "me", "in_meeting", "chat").await,
        true
    );
    assert_eq!(
        setting(&app, &owner, "me", "in_meeting", "chat").await,
        true
    );
    // Unlocked keys still show the user's own value.
    assert_eq!(
        setting(&app, &mia_token, "me", "recording", "auto_recording").await,
        "local"
    );

    // Changing the locked key is refused, and nothing is stored (not even the unlocked key).
    let before = footprint(&app).await;
    let (s, v) = app
        .patch(
            "/v2/users/me/settings",
            &mia_token,
            &json!({"recording": {"auto_recording": "none"}, "in_meeting": {"chat": false}}),
        )
        .await;
    assert_field_error(s, &v, "in_meeting.chat");
    assert!(v["message"].as_str().unwrap().contains("locked"), "{v}");
    // Not even an admin changes it for a user: only unlocking does.
    let (s, v) = app
        .patch(
            &format!("/v2/users/{mia}/settings"),
            &owner,
            &json!({"in_meeting": {"chat": false}}),
        )
        .await;
    assert_field_error(s, &v, "in_meeting.chat");
    // Sending back the value in effect is no change.
    let (s, _) = app
        .patch(
            "/v2/users/me/settings",
            &mia_token,
            &json!({"in_meeting": {"chat": true}}),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(footprint(&app).await, before);

    // Unlocked again, the user's own value (kept on their row) is back.
    let (s, _) = app
        .patch(
            "/v2/accounts/me/lock_settings",
            &owner,
            &json!({"in_meeting": {"chat": false}}),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(
        setting(&app, &mia_token, "me", "in_meeting", "chat").await,
        false
    );
    assert_eq!(events(&app, "account.settings_updated").await, 1);
    assert_eq!(events(&app, "account.lock_settings_updated").await, 2);
    assert_eq!(events(&app, "user.settings_updated").await, 1);
}

async fn group_locks_win_for_members_only(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    app.add_user(&owner, "custCreate", "in@acme.test", 1).await;
    let outside = app.add_user(&owner, "custCreate", "out@acme.test", 1).await;
    let (_, g) = app
        .post("/v2/groups", &owner, &json!({"name": "Maths"}))
        .await;
    let maths = g["id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .post(
            &format!("/v2/groups/{maths}/members"),
            &owner,
            &json!({"members": [{"email": "in@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 201);
    let inside = app.token_for_user(&acct, "in@acme.test").await;
    let out = app.token_for_user(&acct, "out@acme.test").await;

    let auto = json!({"recording": {"auto_recording": "local"}});
    app.patch("/v2/accounts/me/settings", &owner, &auto).await;
    let (s, v) = app
        .patch(
            &format!("/v2/groups/{maths}/settings"),
            &owner,
            &json!({"recording": {"auto_recording": "cloud"}}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    // Unlocked, the group's value is what its members inherit.
    assert_eq!(
        setting(&app, &inside, "me", "recording", "auto_recording").await,
        "cloud"
    );
    let (s, v) = app
        .patch(
            &format!("/v2/groups/{maths}/lock_settings"),
            &owner,
            &json!({"recording": {"auto_recording": true}}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    let (_, gs) = app
        .get(&format!("/v2/groups/{maths}/settings"), &owner)
        .await;
    assert_eq!(gs["recording"]["auto_recording"], "cloud");
    let (_, gl) = app
        .get(&format!("/v2/groups/{maths}/lock_settings"), &owner)
        .await;
    assert_eq!(gl["recording"]["auto_recording"], true);

    // The group's lock holds its members; the rest of the account is free.
    let none = json!({"recording": {"auto_recording": "none"}});
    let before = footprint(&app).await;
    let (s, v) = app.patch("/v2/users/me/settings", &inside, &none).await;
    assert_field_error(s, &v, "recording.auto_recording");
    assert!(v["message"].as_str().unwrap().contains("group"), "{v}");
    assert_eq!(footprint(&app).await, before);
    let (s, _) = app.patch("/v2/users/me/settings", &out, &none).await;
    assert_eq!(s, 204);
    assert_eq!(
        setting(&app, &out, "me", "recording", "auto_recording").await,
        "none"
    );
    assert_eq!(
        setting(&app, &inside, "me", "recording", "auto_recording").await,
        "cloud"
    );

    // An account lock holds everyone to the account's value, the group's members too: a group
    // cannot override the account (Zoom's hierarchy), and cannot change the locked value.
    app.patch(
        "/v2/accounts/me/lock_settings",
        &owner,
        &json!({"recording": {"auto_recording": true}}),
    )
    .await;
    assert_eq!(
        setting(&app, &owner, &outside, "recording", "auto_recording").await,
        "local"
    );
    assert_eq!(
        setting(&app, &inside, "me", "recording", "auto_recording").await,
        "local"
    );
    let before = footprint(&app).await;
    let (s, v) = app
        .patch(
            &format!("/v2/groups/{maths}/settings"),
            &owner,
            &json!({"recording": {"auto_recording": "none"}}),
        )
        .await;
    assert_field_error(s, &v, "recording.auto_recording");
    assert!(v["message"].as_str().unwrap().contains("account"), "{v}");
    assert_eq!(footprint(&app).await, before);

    // Leaving the group, a member falls under the account's lock.
    let (s, _) = app
        .delete(&format!("/v2/groups/{maths}/members/in@acme.test"), &owner)
        .await;
    assert_eq!(s, 204);
    assert_eq!(
        setting(&app, &inside, "me", "recording", "auto_recording").await,
        "local"
    );
    assert_eq!(events(&app, "group.settings_updated").await, 1);
    assert_eq!(events(&app, "group.lock_settings_updated").await, 1);

    // Chat groups have no settings.
    let (_, chat) = app
        .post("/v2/im/groups", &owner, &json!({"name": "Chat"}))
        .await;
    let (s, v) = app
        .get(
            &format!("/v2/im/groups/{}/settings", chat["id"].as_str().unwrap()),
            &owner,
        )
        .await;
    assert_zoom_error(s, &v, 404, 2300);
    let (s, v) = app
        .get(
            &format!("/v2/groups/{}/settings", chat["id"].as_str().unwrap()),
            &owner,
        )
        .await;
    assert_zoom_error(s, &v, 404, 4130);
}

async fn bad_settings_store_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (_, owner) = app.account_with_token().await;
    let (_, g) = app
        .post("/v2/groups", &owner, &json!({"name": "Maths"}))
        .await;
    let maths = g["id"].as_str().unwrap().to_owned();
    let before = footprint(&app).await;
    let bad = [
        (
            "/v2/users/me/settings".to_owned(),
            json!({"in_meeting": {"polling": true, "chat": "yes"}}),
            "in_meeting.chat",
        ),
        (
            "/v2/users/me/settings".to_owned(),
            json!({"in_meeting": 3}),
            "in_meeting",
        ),
        (
            "/v2/accounts/me/settings".to_owned(),
            json!({"recording": {"auto_recording": "tape"}}),
            "recording.auto_recording",
        ),
        (
            "/v2/accounts/me/settings".to_owned(),
            json!({"schedule_meeting": {"host_video": 1}}),
            "schedule_meeting.host_video",
        ),
        (
            "/v2/accounts/me/lock_settings".to_owned(),
            json!({"in_meeting": {"chat": "locked"}}),
            "in_meeting.chat",
        ),
        (
            format!("/v2/groups/{maths}/settings"),
            json!({"email_notification": {"jbh_reminder": null, "cancel_meeting_reminder": "no"}}),
            "email_notification.cancel_meeting_reminder",
        ),
        (
            format!("/v2/groups/{maths}/lock_settings"),
            json!({"recording": {"cloud_recording": null}}),
            "recording.cloud_recording",
        ),
    ];
    for (path, body, field) in &bad {
        let (s, v) = app.patch(path, &owner, body).await;
        assert_field_error(s, &v, field);
    }
    let (s, v) = app
        .patch(
            "/v2/users/me/settings",
            &owner,
            &json!({"feature": {"webinar": "yes"}}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 300);
    // Unknown sections and keys are ignored: nothing to store.
    let (s, _) = app
        .patch(
            "/v2/accounts/me/settings",
            &owner,
            &json!({"telephony": {"third_party_audio": true}, "in_meeting": {"teleport": true}}),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(footprint(&app).await, before);
}

async fn who_may_read_and_change_settings(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let other = app
        .create_account("Other", "owner@other.test", &["--plan", "business"])
        .await;
    app.add_user(&owner, "custCreate", "mia@acme.test", 1).await;
    app.add_user(&owner, "custCreate", "aud@acme.test", 1).await;
    app.add_user(&owner, "custCreate", "head@acme.test", 1)
        .await;
    let (_, g) = app
        .post("/v2/groups", &owner, &json!({"name": "Maths"}))
        .await;
    let maths = g["id"].as_str().unwrap().to_owned();
    let (_, g) = app
        .post("/v2/groups", &owner, &json!({"name": "Art"}))
        .await;
    let art = g["id"].as_str().unwrap().to_owned();
    for (name, privileges, groups) in [
        ("Auditor", json!(["AccountSetting:Read"]), Value::Null),
        ("Head", json!(["Group:Read", "Group:Edit"]), json!([maths])),
    ] {
        let (s, role) = app
            .post(
                "/v2/roles",
                &owner,
                &json!({"name": name, "privileges": privileges, "group_ids": groups}),
            )
            .await;
        assert_eq!(s, 201, "{role}");
        let email = if name == "Auditor" {
            "aud@acme.test"
        } else {
            "head@acme.test"
        };
        let (s, _) = app
            .post(
                &format!("/v2/roles/{}/members", role["id"].as_str().unwrap()),
                &owner,
                &json!({"members": [{"email": email}]}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let member = app.token_for_user(&acct, "mia@acme.test").await;
    let auditor = app.token_for_user(&acct, "aud@acme.test").await;
    let head = app.token_for_user(&acct, "head@acme.test").await;
    let change = json!({"in_meeting": {"chat": false}});
    let lock = json!({"in_meeting": {"chat": true}});

    let before = footprint(&app).await;
    for path in ["/v2/accounts/me/settings", "/v2/accounts/me/lock_settings"] {
        let (s, v) = app.get(path, &member).await;
        assert_zoom_error(s, &v, 400, 200);
        let (s, v) = app.patch(path, &member, &lock).await;
        assert_zoom_error(s, &v, 400, 200);
        // AccountSetting:Read reads, but does not change.
        let (s, v) = app.get(path, &auditor).await;
        assert_eq!(s, 200, "{v}");
        let (s, v) = app.patch(path, &auditor, &lock).await;
        assert_zoom_error(s, &v, 400, 200);
    }
    // Another account, or one that does not exist, is not found, whoever asks.
    for id in [other.account_id.as_str(), "nosuchaccount"] {
        for path in ["settings", "lock_settings"] {
            let p = format!("/v2/accounts/{id}/{path}");
            let (s, v) = app.get(&p, &owner).await;
            assert_zoom_error(s, &v, 404, 2001);
            let (s, v) = app.patch(&p, &owner, &lock).await;
            assert_zoom_error(s, &v, 404, 2001);
        }
    }
    // Group settings: Group:Read/Group:Edit, within a group-scoped role's groups only.
    for path in ["settings", "lock_settings"] {
        let (s, v) = app
            .get(&format!("/v2/groups/{maths}/{path}"), &member)
            .await;
        assert_zoom_error(s, &v, 400, 200);
        let (s, v) = app
            .patch(&format!("/v2/groups/{art}/{path}"), &head, &lock)
            .await;
        assert_zoom_error(s, &v, 400, 200);
        let (s, v) = app.get(&format!("/v2/groups/{art}/{path}"), &head).await;
        assert_zoom_error(s, &v, 400, 200);
        let (s, v) = app
            .patch(&format!("/v2/groups/nosuchgroup/{path}"), &owner, &lock)
            .await;
        assert_zoom_error(s, &v, 404, 4130);
    }
    assert_eq!(footprint(&app).await, before);
    let (s, v) = app
        .patch(&format!("/v2/groups/{maths}/settings"), &head, &change)
        .await;
    assert_eq!(s, 204, "{v}");
    let (s, v) = app
        .get(&format!("/v2/groups/{maths}/settings"), &head)
        .await;
    assert_eq!((s, &v["in_meeting"]["chat"]), (200, &json!(false)), "{v}");
    let (s, v) = app
        .get(
            &format!("/v2/accounts/{}/settings", acct.account_id),
            &owner,
        )
        .await;
    assert_eq!(s, 200, "{v}");
}

both_backends!(
    account_locks_win_for_every_user,
    group_locks_win_for_members_only,
    bad_settings_store_nothing,
    who_may_read_and_change_settings,
);
