//! `GET /v2/report/operationlogs`: the audit log of changes, newest first, for admins.

use crate::support::{assert_zoom_error, spawn_app, Backend};
use serde_json::json;

async fn audit_log_lists_changes(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let ann = app.add_user(&token, "custCreate", "ann@acme.test", 1).await;
    app.patch(&format!("/v2/users/{ann}"), &token, &json!({"dept": "Art"}))
        .await;
    app.post("/v2/groups", &token, &json!({"name": "Staff"}))
        .await;

    let (s, log) = app.get("/v2/report/operationlogs", &token).await;
    assert_eq!(s, 200, "{log}");
    let actions: Vec<&str> = log["operation_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "group.created",
            "user.updated",
            "user.created",
            "account.created"
        ]
    );
    let first = &log["operation_logs"][1];
    assert_eq!(first["operator"], "owner@acme.test");
    assert_eq!(first["category_type"], "User");
    assert_eq!(first["target"], ann.as_str());
    assert!(first["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(log["operation_logs"][3]["operator"], "operator", "the CLI");

    // Paging, and the category filter.
    let (_, p1) = app
        .get("/v2/report/operationlogs?page_size=3", &token)
        .await;
    assert_eq!(p1["operation_logs"].as_array().unwrap().len(), 3);
    let next = p1["next_page_token"].as_str().unwrap();
    let (_, p2) = app
        .get(
            &format!("/v2/report/operationlogs?page_size=3&next_page_token={next}"),
            &token,
        )
        .await;
    assert_eq!(p2["operation_logs"][0]["action"], "account.created");
    assert_eq!(p2["next_page_token"], "");
    let (_, users) = app
        .get("/v2/report/operationlogs?category_type=user", &token)
        .await;
    assert_eq!(users["operation_logs"].as_array().unwrap().len(), 2);
    let (_, old) = app
        .get(
            "/v2/report/operationlogs?from=2020-01-01&to=2020-01-31",
            &token,
        )
        .await;
    assert_eq!(old["operation_logs"].as_array().unwrap().len(), 0);

    // Bad parameters and a member's token.
    for q in [
        "from=2026-13-01",
        "from=2030-01-02&to=2030-01-01",
        "category_type=meetings",
        "page_size=301",
        "next_page_token=x",
    ] {
        let (s, v) = app
            .get(&format!("/v2/report/operationlogs?{q}"), &token)
            .await;
        assert_zoom_error(s, &v, 400, 300);
    }
    let member = app.token_for_user(&acct, "ann@acme.test").await;
    let (s, v) = app.get("/v2/report/operationlogs", &member).await;
    assert_zoom_error(s, &v, 400, 200);
}

/// Chat (Zoom's `im`) and meeting changes have categories of their own.
async fn chat_and_meeting_categories(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let (s, c) = app
        .post(
            "/v2/chat/users/me/contacts",
            &token,
            &json!({"email": "zoe@else.test"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let (s, m) = app
        .post(
            "/v2/users/me/meetings",
            &token,
            &json!({"topic": "Sync", "type": 2, "start_time": "2099-01-01T10:00:00Z"}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let actions = |log: &serde_json::Value| -> Vec<String> {
        log["operation_logs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    for category in ["chat", "im"] {
        let (s, log) = app
            .get(
                &format!("/v2/report/operationlogs?category_type={category}"),
                &token,
            )
            .await;
        assert_eq!(s, 200, "{log}");
        assert_eq!(actions(&log), ["contact.added"], "{category}");
        assert_eq!(log["operation_logs"][0]["category_type"], "Contact");
    }
    let (_, log) = app
        .get("/v2/report/operationlogs?category_type=meeting", &token)
        .await;
    assert_eq!(actions(&log), ["meeting.created"]);
}

both_backends!(audit_log_lists_changes, chat_and_meeting_categories);
