//! Account-wide administration: the users summary, changing every user of one type (all or
//! nothing on seats), unlinking every user of one type, over the API and the CLI. Refusals
//! store nothing.

use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

/// Users, events, seats in use, and the counters' total.
async fn footprint(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    (
        app.db.count("users").await,
        app.db.count("events").await,
        app.scalar("SELECT CAST(SUM(licensed_used) AS BIGINT) FROM accounts")
            .await,
        app.scalar("SELECT CAST(SUM(large_meeting_used) AS BIGINT) FROM accounts")
            .await,
        app.scalar("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts")
            .await,
    )
}

/// The counters agree with the rows, type by type.
async fn assert_counts_exact(app: &TestApp) {
    for t in [1, 2, 3, 4, 99] {
        for s in ["active", "inactive", "pending"] {
            let rows = app
                .scalar(&format!(
                    "SELECT COUNT(*) FROM users WHERE type = {t} AND status = '{s}'"
                ))
                .await;
            let counted = app
                .scalar(&format!(
                    "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts WHERE type = {t} AND status = '{s}'"
                ))
                .await;
            assert_eq!(rows, counted, "type {t}, {s}");
        }
    }
}

async fn summary_and_type_change(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app
        .create_account(
            "Small",
            "o@small.test",
            &[
                "--plan",
                "pro",
                "--licensed-seats",
                "3",
                "--large-meeting-seats",
                "1",
            ],
        )
        .await;
    let token = app.token(&acct).await;
    let mut ids = Vec::new();
    for e in ["a@small.test", "b@small.test", "c@small.test"] {
        ids.push(app.add_user(&token, "custCreate", e, 1).await);
    }
    ids.push(app.add_user(&token, "create", "d@small.test", 1).await);

    let (s, v) = app.get("/v2/accounts/me/users/summary", &token).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total_users"], 5);
    assert_eq!(v["users_by_type"]["basic"], 4);
    assert_eq!(v["users_by_type"]["licensed"], 1, "the Owner");
    assert_eq!(v["users_by_status"]["active"], 4);
    assert_eq!(v["users_by_status"]["pending"], 1);
    assert_eq!(
        v["seats"]["licensed"],
        json!({"total": 3, "used": 1, "free": 2})
    );
    assert_eq!(
        v["seats"]["large_meeting"],
        json!({"total": 1, "used": 0, "free": 1})
    );

    // Four seat holders (a, b, c and pending d) for two free seats: refused, nothing changed.
    let before = footprint(&app).await;
    let change = json!({"from": 1, "to": 2});
    let (s, v) = app
        .post("/v2/accounts/me/users/change_type", &token, &change)
        .await;
    assert_zoom_error(s, &v, 400, 3412);
    assert_eq!(footprint(&app).await, before);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE type = 1")
            .await,
        4
    );

    // b becomes an Admin (spared), c is deactivated (holds no seat): a and d need two seats.
    let (s, v) = app
        .post(
            "/v2/roles/1/members",
            &token,
            &json!({"members": [{"id": ids[1]}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, _) = app
        .put(
            &format!("/v2/users/{}/status", ids[2]),
            &token,
            &json!({"action": "deactivate"}),
        )
        .await;
    assert!(s == 200 || s == 204);
    let (s, v) = app
        .post(
            &format!("/v2/accounts/{}/users/change_type", acct.account_id),
            &token,
            &change,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["changed"], 3, "a, c and d; not the Admin");
    assert_eq!(v["seats"]["licensed"], 2);
    let (_, sum) = app.get("/v2/accounts/me/users/summary", &token).await;
    assert_eq!(sum["users_by_type"]["licensed"], 4);
    assert_eq!(sum["users_by_type"]["basic"], 1);
    assert_eq!(sum["seats"]["licensed"]["free"], 0);
    let (_, b_user) = app.get(&format!("/v2/users/{}", ids[1]), &token).await;
    assert_eq!(b_user["type"], 1);
    assert_counts_exact(&app).await;
    let payload: String = app
        .db
        .open()
        .await
        .read()
        .await
        .unwrap()
        .fetch_one(
            "SELECT payload FROM events WHERE type = 'account.users_type_changed'",
            &[],
        )
        .await
        .unwrap();
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["object"]["changed"], 3);
    assert_eq!(payload["object"]["from_type"], 1);

    // Back to Basic: a's Large Meeting add-on goes, and its seat comes back.
    let (s, v) = app
        .patch(
            &format!("/v2/users/{}/settings", ids[0]),
            &token,
            &json!({"feature": {"large_meeting": true, "large_meeting_capacity": 500}}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    let out = app
        .cli(&[
            "users",
            "change-type",
            &acct.account_id,
            "--from",
            "2",
            "--to",
            "1",
        ])
        .await
        .unwrap();
    assert!(out.contains("3 user(s) changed"), "{out}");
    let out = app
        .cli(&["users", "summary", &acct.account_id, "--json"])
        .await
        .unwrap();
    let sum: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(sum["seats"]["licensed"]["used"], 1, "the Owner's");
    assert_eq!(sum["seats"]["large_meeting"]["used"], 0);
    assert_eq!(sum["users_by_type"]["1"], 4);
    let (_, a) = app
        .get(&format!("/v2/users/{}/settings", ids[0]), &token)
        .await;
    assert_eq!(a["feature"]["large_meeting"], false);
    assert_counts_exact(&app).await;

    // Bad input changes nothing.
    let member = app.token_for_user(&acct, "a@small.test").await;
    let before = footprint(&app).await;
    for (path, body, status, code) in [
        (
            "/v2/accounts/me/users/change_type",
            json!({"from": 9, "to": 1}),
            400,
            300,
        ),
        (
            "/v2/accounts/me/users/change_type",
            json!({"from": 1, "to": 1}),
            400,
            300,
        ),
        (
            "/v2/accounts/me/users/change_type",
            json!({"from": 1, "to": 3}),
            400,
            1108,
        ),
        (
            "/v2/accounts/someone-else/users/change_type",
            json!({"from": 1, "to": 2}),
            404,
            2001,
        ),
    ] {
        let (s, v) = app.post(path, &token, &body).await;
        assert_zoom_error(s, &v, status, code);
    }
    let (s, v) = app
        .post("/v2/accounts/me/users/change_type", &member, &change)
        .await;
    assert_zoom_error(s, &v, 400, 200);
    let (s, v) = app.get("/v2/accounts/me/users/summary", &member).await;
    assert_zoom_error(s, &v, 400, 200);
    let err = app
        .cli(&["users", "change-type", "nope", "--from", "1", "--to", "2"])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Account does not exist"), "{err}");
    assert_eq!(footprint(&app).await, before);
}

async fn unlink_by_type(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    app.cli(&["account", "add-domain", &acct.account_id, "acme.test"])
        .await
        .unwrap();
    let keep_managed = app
        .add_user(&token, "custCreate", "staff@acme.test", 1)
        .await;
    let admin = app
        .add_user(&token, "custCreate", "admin@else.test", 1)
        .await;
    let (s, _) = app
        .post(
            "/v2/roles/1/members",
            &token,
            &json!({"members": [{"id": admin}]}),
        )
        .await;
    assert_eq!(s, 201);
    let pending = app.add_user(&token, "create", "invited@else.test", 1).await;
    let mut leaving = Vec::new();
    for e in ["x@else.test", "y@else.test"] {
        leaving.push(app.add_user(&token, "custCreate", e, 1).await);
    }
    let licensed = app.add_user(&token, "custCreate", "lic@else.test", 2).await;
    let accounts_before = app.db.count("accounts").await;

    let (s, v) = app
        .post("/v2/accounts/me/users/unlink", &token, &json!({"type": 1}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["unlinked"], 2, "{v}");
    assert_eq!(v["skipped_total"], 3);
    assert_eq!(v["skipped_by_reason"]["managed_domain"], 1);
    assert_eq!(v["skipped_by_reason"]["admin"], 1);
    assert_eq!(v["skipped_by_reason"]["pending"], 1);
    let reasons: Vec<(&str, &str)> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert!(reasons.contains(&(keep_managed.as_str(), "managed_domain")));
    assert!(reasons.contains(&(admin.as_str(), "admin")));
    assert!(reasons.contains(&(pending.as_str(), "pending")));
    assert_eq!(app.db.count("accounts").await, accounts_before + 2);
    for id in &leaving {
        let (s, _) = app.get(&format!("/v2/users/{id}"), &token).await;
        assert_eq!(s, 404, "gone from the organisation");
        let owner_of_own = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM accounts a JOIN users u ON u.account_id = a.id \
                 WHERE u.id = '{id}' AND a.owner_id = u.id AND a.standalone = {}",
                if b == Backend::Sqlite { "1" } else { "TRUE" }
            ))
            .await;
        assert_eq!(owner_of_own, 1, "a standalone account of their own");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM events WHERE type = 'user.disassociated'")
            .await,
        2
    );
    let (s, _) = app.get(&format!("/v2/users/{licensed}"), &token).await;
    assert_eq!(s, 200, "another type stays");
    assert_counts_exact(&app).await;

    // The CLI: nothing left to unlink, the same three skipped; bad input stores nothing.
    let out = app
        .cli(&["users", "unlink", &acct.account_id, "--type", "1", "--json"])
        .await
        .unwrap();
    let r: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(r["unlinked"], 0);
    assert_eq!(r["skipped"].as_array().unwrap().len(), 3);
    let member = app.token_for_user(&acct, "lic@else.test").await;
    let before = footprint(&app).await;
    let (s, v) = app
        .post("/v2/accounts/me/users/unlink", &token, &json!({"type": 7}))
        .await;
    assert_zoom_error(s, &v, 400, 300);
    let (s, v) = app
        .post("/v2/accounts/me/users/unlink", &member, &json!({"type": 2}))
        .await;
    assert_zoom_error(s, &v, 400, 200);
    assert_eq!(footprint(&app).await, before);
}

both_backends!(summary_and_type_change, unlink_by_type);
