//! Defaults for new users (settings group, chat group), switches of every user of a group (or
//! of none) into another, and custom attribute definitions with users listed and sorted by
//! them. Refusals store nothing.

use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

async fn footprint(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.db.count("events").await,
        app.db.count("custom_attributes").await,
        app.db.count("chat_group_members").await,
        app.scalar("SELECT COUNT(*) FROM users WHERE group_id IS NOT NULL")
            .await,
    )
}

async fn group(app: &TestApp, token: &str, path: &str, name: &str) -> String {
    let (s, g) = app.post(path, token, &json!({"name": name})).await;
    assert_eq!(s, 201, "{g}");
    g["id"].as_str().unwrap().to_owned()
}

async fn defaults_and_switches(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let staff = group(&app, &token, "/v2/groups", "Staff").await;
    let teachers = group(&app, &token, "/v2/groups", "Teachers").await;
    let lounge = group(&app, &token, "/v2/im/groups", "Lounge").await;
    let news = group(&app, &token, "/v2/im/groups", "News").await;
    let early = app
        .add_user(&token, "custCreate", "early@acme.test", 1)
        .await;

    let (s, v) = app
        .patch(
            "/v2/accounts/me/user_defaults",
            &token,
            &json!({"group_id": staff, "im_group_id": lounge}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, d) = app.get("/v2/accounts/me/user_defaults", &token).await;
    assert_eq!(d, json!({"group_id": staff, "im_group_id": lounge}));
    let new = app.add_user(&token, "create", "new@acme.test", 1).await;
    let (_, u) = app.get(&format!("/v2/users/{new}"), &token).await;
    assert_eq!(u["group_ids"], json!([staff]));
    assert_eq!(u["im_group_ids"], json!([lounge]));
    let (_, members) = app
        .get(&format!("/v2/im/groups/{lounge}/members"), &token)
        .await;
    assert_eq!(members["total_records"], 1);

    // Everyone in no group (the Owner and early) into Teachers; then Staff into Teachers.
    let (s, v) = app
        .post(
            "/v2/accounts/me/users/switch_group",
            &token,
            &json!({"to_group_id": teachers}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["moved"], 2);
    let (_, u) = app.get(&format!("/v2/users/{early}"), &token).await;
    assert_eq!(u["group_ids"], json!([teachers]));
    let out = app
        .cli(&[
            "users",
            "switch-group",
            &acct.account_id,
            "--from",
            &staff,
            "--to",
            &teachers,
        ])
        .await
        .unwrap();
    assert!(out.contains("1 user(s) moved"), "{out}");
    let (_, g) = app.get(&format!("/v2/groups/{teachers}"), &token).await;
    assert_eq!(g["total_members"], 3);

    // Chat: those in no chat group join Lounge; then Lounge's members join News and leave Lounge.
    let (s, v) = app
        .post(
            "/v2/accounts/me/users/switch_im_group",
            &token,
            &json!({"to_im_group_id": lounge}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"joined": 2, "left": 0}));
    let (s, v) = app
        .post(
            "/v2/accounts/me/users/switch_im_group",
            &token,
            &json!({"from_im_group_id": lounge, "to_im_group_id": news, "leave": true}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"joined": 3, "left": 3}));
    let (_, u) = app.get(&format!("/v2/users/{new}"), &token).await;
    assert_eq!(u["im_group_ids"], json!([news]));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM chat_group_members WHERE group_id = '{news}'"
        ))
        .await,
        3
    );
    for kind in [
        "account.user_defaults_updated",
        "account.users_group_switched",
        "account.users_chat_group_switched",
    ] {
        assert!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM events WHERE type = '{kind}'"
            ))
            .await
                > 0,
            "{kind}"
        );
    }

    // Deleting the default group clears the default.
    let (s, _) = app.delete(&format!("/v2/groups/{staff}"), &token).await;
    assert_eq!(s, 204);
    let out = app
        .cli(&["account", "defaults", &acct.account_id])
        .await
        .unwrap();
    assert!(
        out.contains(&format!("settings group: none; chat group: {lounge}")),
        "{out}"
    );

    // Refusals store nothing.
    let before = footprint(&app).await;
    for (path, body, status, code) in [
        (
            "/v2/accounts/me/user_defaults",
            json!({"group_id": "nope"}),
            404,
            4130,
        ),
        (
            "/v2/accounts/me/user_defaults",
            json!({"im_group_id": teachers}),
            404,
            4130,
        ),
        (
            "/v2/accounts/me/users/switch_group",
            json!({"from_group_id": teachers, "to_group_id": teachers}),
            400,
            300,
        ),
        (
            "/v2/accounts/me/users/switch_group",
            json!({"from_group_id": "nope", "to_group_id": teachers}),
            404,
            4130,
        ),
        (
            "/v2/accounts/me/users/switch_im_group",
            json!({"to_im_group_id": news, "leave": true}),
            400,
            300,
        ),
        (
            "/v2/accounts/me/users/switch_im_group",
            json!({"to_im_group_id": teachers}),
            404,
            4130,
        ),
    ] {
        let (s, v) = if path.ends_with("user_defaults") {
            app.patch(path, &token, &body).await
        } else {
            app.post(path, &token, &body).await
        };
        assert_zoom_error(s, &v, status, code);
    }
    assert_eq!(footprint(&app).await, before);
}

async fn custom_attributes(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let define = |body: Value| {
        let app = &app;
        let token = &token;
        async move {
            app.post("/v2/accounts/me/custom_attributes", token, &body)
                .await
        }
    };
    let (s, campus) =
        define(json!({"name": "Campus", "type": "text", "allowed_values": ["North", "South"]}))
            .await;
    assert_eq!(s, 201, "{campus}");
    let (_, grade) = define(json!({"name": "Grade", "type": "number"})).await;
    let (_, start) = define(json!({"name": "Start", "type": "date"})).await;
    let out = app
        .cli(&[
            "account",
            "add-attribute",
            &acct.account_id,
            "--name",
            "Badge",
            "--type",
            "text",
        ])
        .await
        .unwrap();
    assert!(out.contains("Badge defined"), "{out}");
    let (s, _) = define(json!({"name": "Room", "type": "text"})).await;
    assert_eq!(s, 201);

    // A sixth, a taken name, a bad type or allowed value: refused, nothing stored.
    let before = footprint(&app).await;
    for (body, status, code) in [
        (json!({"name": "Sixth", "type": "text"}), 400, 1042),
        (json!({"name": "grade", "type": "text"}), 409, 1041),
        (json!({"name": "X", "type": "colour"}), 400, 300),
    ] {
        let (s, v) = define(body).await;
        assert_zoom_error(s, &v, status, code);
    }
    let (s, v) = app
        .delete("/v2/accounts/me/custom_attributes/nope", &token)
        .await;
    assert_zoom_error(s, &v, 404, 1040);
    assert_eq!(footprint(&app).await, before);
    let (_, list) = app.get("/v2/accounts/me/custom_attributes", &token).await;
    assert_eq!(list["total_records"], 5);

    // Values are checked against the definitions: by key or by name, of the right kind.
    let key = |d: &Value| d["key"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for (email, grade_v, campus_v) in [
        ("a@acme.test", "10", "North"),
        ("b@acme.test", "9.5", "South"),
        ("c@acme.test", "", ""),
    ] {
        let id = app.add_user(&token, "custCreate", email, 1).await;
        let (s, v) = app
            .patch(
                &format!("/v2/users/{id}"),
                &token,
                &json!({"custom_attributes": [{"key": key(&grade), "value": grade_v}, {"name": "Campus", "value": campus_v}]}),
            )
            .await;
        assert_eq!(s, 204, "{v}");
        ids.push(id);
    }
    let (_, a) = app.get(&format!("/v2/users/{}", ids[0]), &token).await;
    assert_eq!(
        a["custom_attributes"],
        json!([
            {"key": key(&campus), "name": "Campus", "value": "North"},
            {"key": key(&grade), "name": "Grade", "value": "10"},
        ])
    );
    let before = footprint(&app).await;
    let snapshot = app.get(&format!("/v2/users/{}", ids[0]), &token).await.1;
    for attrs in [
        json!([{"key": "unknown", "value": "1"}]),
        json!([{"key": key(&campus), "value": "East"}]),
        json!([{"key": key(&grade), "value": "ten"}]),
        json!([{"key": key(&start), "value": "2024-13-01"}]),
        json!([{"key": key(&grade), "value": "1"}, {"name": "Grade", "value": "2"}]),
    ] {
        let (s, v) = app
            .patch(
                &format!("/v2/users/{}", ids[0]),
                &token,
                &json!({"custom_attributes": attrs}),
            )
            .await;
        assert_zoom_error(s, &v, 400, 300);
    }
    assert_eq!(footprint(&app).await, before);
    assert_eq!(
        app.get(&format!("/v2/users/{}", ids[0]), &token).await.1,
        snapshot
    );

    // Listed by value, and sorted as numbers (10 after 9.5), those without one last, by pages.
    let (s, v) = app
        .get("/v2/users?custom_attribute=Campus&custom_attribute_value=South&include_fields=custom_attributes", &token)
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total_records"], 1);
    assert_eq!(v["users"][0]["email"], "b@acme.test");
    let seen = app
        .user_emails_by_pages(&token, "sort_by_custom_attribute=grade&page_size=2", 4)
        .await;
    assert_eq!(
        seen,
        [
            "b@acme.test",
            "a@acme.test",
            "c@acme.test",
            "owner@acme.test"
        ]
    );
    let (_, v) = app
        .get(
            "/v2/users?sort_by_custom_attribute=Grade&sort_order=desc",
            &token,
        )
        .await;
    assert_eq!(v["users"][0]["email"], "a@acme.test");
    for q in [
        "sort_by_custom_attribute=nope",
        "sort_by_custom_attribute=Grade&sort_order=up",
        "custom_attribute=Campus",
    ] {
        let (s, v) = app.get(&format!("/v2/users?{q}"), &token).await;
        assert_zoom_error(s, &v, 400, 300);
    }

    // Renaming carries to the values; deleting removes them in the same transaction.
    let (s, v) = app
        .patch(
            &format!("/v2/accounts/me/custom_attributes/{}", key(&campus)),
            &token,
            &json!({"name": "Site"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, a) = app.get(&format!("/v2/users/{}", ids[0]), &token).await;
    assert_eq!(a["custom_attributes"][0]["name"], "Site");
    let (s, _) = app
        .delete(
            &format!("/v2/accounts/me/custom_attributes/{}", key(&grade)),
            &token,
        )
        .await;
    assert_eq!(s, 204);
    let (_, a) = app.get(&format!("/v2/users/{}", ids[0]), &token).await;
    assert_eq!(
        a["custom_attributes"],
        json!([{"key": key(&campus), "name": "Site", "value": "North"}])
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM events WHERE type = 'account.custom_attribute_deleted'")
            .await,
        1
    );
    // Its slot is free again.
    let (s, _) = define(json!({"name": "Grade", "type": "number"})).await;
    assert_eq!(s, 201);

    // The CLI lists and deletes them; an unknown key is an error that changes nothing.
    let out = app
        .cli(&["account", "attributes", &acct.account_id])
        .await
        .unwrap();
    assert_eq!(out.lines().count(), 5, "{out}");
    assert!(out.contains("North, South"), "{out}");
    let before = footprint(&app).await;
    let err = app
        .cli(&["account", "delete-attribute", &acct.account_id, "nope"])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert_eq!(footprint(&app).await, before);
    let out = app
        .cli(&[
            "account",
            "delete-attribute",
            &acct.account_id,
            &key(&campus),
        ])
        .await
        .unwrap();
    assert!(
        out.contains("2 user(s) lost their value"),
        "a and b; c had none: {out}"
    );
}

/// A role limited to some groups holds its privileges only there: every account-wide action is
/// refused (code 200) and stores nothing.
async fn group_scoped_roles_are_refused(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let maths = group(&app, &owner, "/v2/groups", "Maths").await;
    app.add_user(&owner, "custCreate", "head@acme.test", 1)
        .await;
    let (_, role) = app
        .post(
            "/v2/roles",
            &owner,
            &json!({"name": "Head of Maths", "group_ids": [maths],
                    "privileges": ["User:Read", "User:Edit", "User:Delete", "AccountSetting:Read", "AccountSetting:Edit"]}),
        )
        .await;
    let (s, _) = app
        .post(
            &format!("/v2/roles/{}/members", role["id"].as_str().unwrap()),
            &owner,
            &json!({"members": [{"email": "head@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 201);
    let token = app.token_for_user(&acct, "head@acme.test").await;
    let before = footprint(&app).await;
    let types_before = app
        .scalar("SELECT COUNT(*) FROM users WHERE type = 1")
        .await;
    for (path, body) in [
        (
            "/v2/accounts/me/users/change_type",
            json!({"from": 1, "to": 2}),
        ),
        ("/v2/accounts/me/users/unlink", json!({"type": 1})),
        (
            "/v2/accounts/me/users/switch_group",
            json!({"to_group_id": maths}),
        ),
        (
            "/v2/accounts/me/custom_attributes",
            json!({"name": "X", "type": "text"}),
        ),
    ] {
        let (s, v) = app.post(path, &token, &body).await;
        assert_zoom_error(s, &v, 400, 200);
    }
    let (s, v) = app.get("/v2/accounts/me/users/summary", &token).await;
    assert_zoom_error(s, &v, 400, 200);
    assert_eq!(footprint(&app).await, before);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE type = 1")
            .await,
        types_before
    );
}

both_backends!(
    defaults_and_switches,
    custom_attributes,
    group_scoped_roles_are_refused
);
