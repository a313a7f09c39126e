//! `GET /v2/users/{userId}` and `PUT /v2/users/{userId}/password`.

use crate::support::{assert_zoom_error, json_of, spawn_app, Backend};
use serde_json::json;

async fn get_me_returns_zoom_user_object(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let (s, me) = app.get("/v2/users/me", &token).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["id"], acct.owner_id.as_str());
    assert_eq!(me["email"], "owner@acme.test");
    assert_eq!(me["type"], 2, "the Owner of a paid account is Licensed");
    assert_eq!(me["role_name"], "Owner");
    assert_eq!(me["role_id"], "0");
    assert_eq!(me["status"], "active");
    assert_eq!(me["verified"], 1);
    assert_eq!(me["account_id"], acct.account_id.as_str());
    assert_eq!(me["language"], "en-US");
    let pmi = me["pmi"].as_i64().unwrap();
    assert_eq!(pmi.to_string().len(), 10);
    let created = me["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == 20, "{created}");
    for field in [
        "first_name",
        "last_name",
        "display_name",
        "timezone",
        "dept",
        "job_title",
        "company",
        "location",
        "manager",
        "phone_number",
    ] {
        assert!(me[field].is_string(), "{field} missing in {me}");
    }
    for field in ["group_ids", "im_group_ids", "login_types"] {
        assert!(me[field].is_array(), "{field} missing in {me}");
    }
}

async fn get_by_id_and_email(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let (s, by_id) = app
        .get(&format!("/v2/users/{}", acct.owner_id), &token)
        .await;
    assert_eq!(s, 200);
    assert_eq!(by_id["email"], "owner@acme.test");
    // Emails match case-insensitively.
    let (s, by_email) = app.get("/v2/users/Owner@ACME.test", &token).await;
    assert_eq!(s, 200);
    assert_eq!(by_email["id"], acct.owner_id.as_str());
    // A trailing slash and unknown query parameters are fine.
    let (s, _) = app
        .get("/v2/users/me/?login_type=100&foo=bar", &token)
        .await;
    assert_eq!(s, 200);
}

async fn unknown_and_foreign_users_are_1001(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let other = app.create_account("Other", "boss@other.test", &[]).await;
    for path in [
        "/v2/users/AAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        "/v2/users/nobody@acme.test".to_owned(),
        "/v2/users/not%20an%20id".to_owned(),
        // Another account's user, by id and by email: exactly like a missing one.
        format!("/v2/users/{}", other.owner_id),
        "/v2/users/boss@other.test".to_owned(),
    ] {
        let (s, body) = app.get(&path, &token).await;
        assert_zoom_error(s, &body, 404, 1001);
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("User does not exist"),
            "{body}"
        );
        assert!(
            !body.to_string().contains("Other"),
            "must not leak the other account: {body}"
        );
    }
}

async fn set_password(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let res = app
        .client
        .put(app.url("/v2/users/me/password"))
        .bearer_auth(&token)
        .json(&json!({"password": "N3wSecret", "id": "ignored-unknown-field"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (_, me) = app.get("/v2/users/me", &token).await;
    assert_eq!(me["login_types"], json!([100]), "{me}");
    let db = app.db.open().await;
    let (kind, payload): (String, String) = db
        .read()
        .await
        .unwrap()
        .fetch_one("SELECT type, payload FROM events ORDER BY id DESC", &[])
        .await
        .unwrap();
    assert_eq!(kind, "user.updated");
    // Zoom's webhook envelope: who did it, to what.
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["account_id"], acct.account_id.as_str());
    assert_eq!(payload["operator"], "owner@acme.test");
    assert_eq!(payload["operator_id"], acct.owner_id.as_str());
    assert_eq!(payload["object"]["id"], acct.owner_id.as_str());
    assert_eq!(payload["operation"], "update");
    assert!(
        !payload.to_string().contains("N3wSecret"),
        "no password in events"
    );
}

/// Malformed JSON, a missing field and a weak password: 400 code 300, and nothing changes.
async fn bad_password_bodies_change_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let put = |body: &'static str, content_type: &'static str| {
        app.client
            .put(app.url("/v2/users/me/password"))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    for (body, ct) in [
        ("{\"password\": ", "application/json"),
        ("not json at all", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ("{\"password\": 12345}", "application/json"),
        ("{\"password\": \"N3wSecret\"}", "text/plain"),
    ] {
        let (s, v) = json_of(put(body, ct).await.unwrap()).await;
        assert_zoom_error(s, &v, 400, 300);
        assert!(
            v["message"].as_str().unwrap().contains("valid JSON"),
            "{body}: {v}"
        );
    }
    for (body, field_msg) in [
        ("{}", "required"),
        ("{\"password\": \"short1A\"}", "8 to 32"),
        ("{\"password\": \"nouppercase1\"}", "upper"),
        ("{\"password\": \"NoDigitsHere\"}", "number"),
    ] {
        let (s, v) = json_of(put(body, "application/json").await.unwrap()).await;
        assert_zoom_error(s, &v, 400, 300);
        assert_eq!(v["errors"][0]["field"], "password", "{v}");
        assert!(
            v["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(field_msg),
            "{v}"
        );
    }
    let (_, me) = app.get("/v2/users/me", &token).await;
    assert_eq!(me["login_types"], json!([]), "no password was set: {me}");
    assert_eq!(app.db.count("events").await, 1, "only account.created");
}

async fn password_of_foreign_user_is_1001(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let other = app.create_account("Other", "boss@other.test", &[]).await;
    let res = app
        .client
        .put(app.url(&format!("/v2/users/{}/password", other.owner_id)))
        .bearer_auth(&token)
        .json(&json!({"password": "N3wSecret"}))
        .send()
        .await
        .unwrap();
    let (s, v) = json_of(res).await;
    assert_zoom_error(s, &v, 404, 1001);
    let db = app.db.open().await;
    let hash: Option<String> = db
        .read()
        .await
        .unwrap()
        .fetch_optional(
            "SELECT password_hash FROM users WHERE id = $1 AND password_hash IS NOT NULL",
            roster_store::params![other.owner_id.as_str()],
        )
        .await
        .unwrap();
    assert!(hash.is_none());
}

both_backends!(
    get_me_returns_zoom_user_object,
    get_by_id_and_email,
    unknown_and_foreign_users_are_1001,
    set_password,
    bad_password_bodies_change_nothing,
    password_of_foreign_user_is_1001,
);
