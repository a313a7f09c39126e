//! Adding many emails at once (each on its own) and bulk edits (all or nothing, with a result
//! for every user).

use crate::support::{assert_zoom_error, spawn_app, Backend};
use serde_json::json;

async fn batch_add_reports_each_email(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let (s, v) = app
        .post(
            "/v2/users/batch",
            &token,
            &json!({"action": "create", "emails": "a@acme.test, b@acme.test;not-an-email\nowner@acme.test A@acme.test",
                    "user_info": {"type": 1, "first_name": "New"}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["added"], 2);
    let r = v["results"].as_array().unwrap();
    assert_eq!(r.len(), 5);
    assert_eq!(r[0]["email"], "a@acme.test");
    assert!(r[0]["id"].is_string());
    assert!(r[1]["id"].is_string());
    assert_eq!(r[2]["code"], 300);
    assert!(
        r[2]["message"]
            .as_str()
            .unwrap()
            .contains("user_info.email"),
        "{v}"
    );
    assert_eq!(r[3]["code"], 1005);
    assert_eq!(r[4]["code"], 1005, "an email listed twice is added once");
    let (_, pending) = app.get("/v2/users?status=pending", &token).await;
    assert_eq!(pending["total_records"], 2);
    assert_eq!(pending["users"][0]["first_name"], "New");
    let (s, v) = app
        .post(
            "/v2/users/batch",
            &token,
            &json!({"action": "create", "emails": " "}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 300);
}

async fn bulk_edit_all_or_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app
        .create_account(
            "Small",
            "o@small.test",
            &["--plan", "pro", "--licensed-seats", "3"],
        )
        .await;
    let token = app.token(&acct).await;
    let ids: Vec<String> = {
        let mut v = Vec::new();
        for e in ["a@small.test", "b@small.test", "c@small.test"] {
            v.push(app.add_user(&token, "custCreate", e, 1).await);
        }
        v
    };
    let (_, g) = app
        .post("/v2/groups", &token, &json!({"name": "Staff"}))
        .await;
    let gid = g["id"].as_str().unwrap().to_owned();

    // Group for everyone, by id and email.
    let (s, v) = app
        .post(
            "/v2/users/bulk",
            &token,
            &json!({"users": [ids[0], "b@small.test", ids[2]], "group_id": gid}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["updated"], 3);
    assert_eq!(v["results"][1]["id"], ids[1].as_str());
    let (_, g) = app.get(&format!("/v2/groups/{gid}"), &token).await;
    assert_eq!(g["total_members"], 3);
    // Again: nothing to do.
    let (_, v) = app
        .post(
            "/v2/users/bulk",
            &token,
            &json!({"users": [ids[0]], "group_id": gid}),
        )
        .await;
    assert_eq!(v["results"][0]["status"], "unchanged");

    // Licensed for three users, with two seats left: nothing changes, and the report says who.
    let seats = || app.scalar("SELECT licensed_used FROM accounts WHERE licensed_seats = 3");
    assert_eq!(seats().await, 1);
    let events = app.db.count("events").await;
    let (s, v) = app
        .post("/v2/users/bulk", &token, &json!({"users": ids, "type": 2}))
        .await;
    assert_zoom_error(s, &v, 400, 300);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Nothing was changed: 1 of 3"),
        "{v}"
    );
    assert_eq!(v["errors"][0]["field"], ids[2].as_str());
    assert_eq!(v["errors"][0]["code"], 3412);
    assert_eq!(seats().await, 1);
    assert_eq!(app.db.count("events").await, events);
    let (_, a) = app.get(&format!("/v2/users/{}", ids[0]), &token).await;
    assert_eq!(a["type"], 1);
    // Two of them fit.
    let (s, v) = app
        .post(
            "/v2/users/bulk",
            &token,
            &json!({"users": [ids[0], ids[1]], "type": 2}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(seats().await, 3);

    // A custom role for two, and the other refusals.
    let (_, role) = app
        .post(
            "/v2/roles",
            &token,
            &json!({"name": "Helpdesk", "privileges": ["User:Read"]}),
        )
        .await;
    let rid = role["id"].as_str().unwrap().to_owned();
    let (s, v) = app
        .post(
            "/v2/users/bulk",
            &token,
            &json!({"users": [ids[0], ids[1]], "role_id": rid}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE role_id = '{rid}'"
        ))
        .await,
        2
    );
    let events = app.db.count("events").await;
    let (s, v) = app
        .post(
            "/v2/users/bulk",
            &token,
            &json!({"users": [ids[2], "ghost@small.test", acct.owner_id], "role_id": "1"}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 300);
    let codes: Vec<i64> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [1001, 200], "{v}");
    for (body, status, code) in [
        (json!({"users": [ids[2]], "role_id": "0"}), 400, 300),
        (json!({"users": [ids[2]]}), 400, 300),
        (json!({"users": [], "type": 1}), 400, 300),
        (json!({"users": [ids[2]], "type": 9}), 400, 300),
        (json!({"users": [ids[2]], "role_id": "nope"}), 404, 1036),
        (json!({"users": [ids[2]], "group_id": "nope"}), 404, 4130),
        (
            json!({"users": vec!["x@small.test"; 301], "type": 1}),
            400,
            300,
        ),
    ] {
        let (s, v) = app.post("/v2/users/bulk", &token, &body).await;
        assert_zoom_error(s, &v, status, code);
    }
    assert_eq!(app.db.count("events").await, events);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE role_id = '1'")
            .await,
        0
    );
}

both_backends!(batch_add_reports_each_email, bulk_edit_all_or_nothing);
