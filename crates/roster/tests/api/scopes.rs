//! OAuth scopes on `/v2`: every route declares one (walked from the OpenAPI document), a token
//! without it is refused with Zoom's 400/4711 and nothing changes, user-level scopes reach only
//! the token's own user, `:admin` scopes the whole account and nobody outside it.

use crate::support::{assert_zoom_error, spawn_app, Backend, Created, TestApp};
use roster_domain::Family;
use serde_json::{json, Value};

/// A token for a server-to-server app acting as `email`, holding exactly `scopes`.
pub async fn scoped_token(app: &TestApp, acct: &Created, email: &str, scopes: &str) -> String {
    let out = app
        .cli(&[
            "app",
            "create",
            "--account-id",
            &acct.account_id,
            "--user",
            email,
            "--scopes",
            scopes,
            "--json",
        ])
        .await
        .unwrap();
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    let res = app
        .client
        .post(app.url("/oauth/token"))
        .basic_auth(
            v["client_id"].as_str().unwrap(),
            v["client_secret"].as_str(),
        )
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", acct.account_id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["scope"], scopes, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

pub fn future(days: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T10:00:00Z",
        t.year(),
        u8::from(t.month()),
        t.day()
    )
}

/// Rows that any change through `/v2` would add to or alter.
const WATCHED: &[&str] = &[
    "events",
    "users",
    "meetings",
    "groups",
    "roles",
    "managed_domains",
    "custom_attributes",
    "contacts",
    "chat_messages",
    "chat_channels",
    "meeting_assistants",
];

pub async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for t in WATCHED {
        out.push(app.db.count(t).await);
    }
    out
}

/// Fills a route's path parameters with something plausible.
fn concrete(path: &str) -> String {
    path.replace("{userId}", "me")
        .replace("{meetingId}", "12345678901")
        .replace("{accountId}", "me")
        .replace("{email}", "x@acme.test")
        .replace("{contactEmail}", "x@acme.test")
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "x1".to_owned()
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn every_route_declares_a_scope_and_refuses_without_it(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, _) = app.account_with_token().await;
    // Each token lacks every scope of the other's family.
    let users_only = scoped_token(&app, &acct, "owner@acme.test", "user:read:admin").await;
    let meetings_only = scoped_token(&app, &acct, "owner@acme.test", "meeting:read:admin").await;
    let before = snapshot(&app).await;

    let (s, doc) = app.get("/openapi.json", "").await;
    assert_eq!(s, 200);
    // The document advertises each operation's scopes, from the table the server enforces.
    assert_eq!(
        doc["paths"]["/v2/users/{userId}/meetings"]["post"]["security"],
        json!([{"bearer": ["meeting:write"]}, {"bearer": ["meeting:write:admin"]}])
    );
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(rest) = path.strip_prefix("/v2") else {
            continue;
        };
        for method in item.as_object().unwrap().keys() {
            routes.push((method.to_uppercase(), rest.to_owned()));
            // Chat groups are the settings groups' handlers under /im/groups.
            if rest.starts_with("/groups") && !rest.contains("settings") {
                routes.push((method.to_uppercase(), format!("/im{rest}")));
            }
        }
    }
    assert!(routes.len() > 80, "{} routes", routes.len());
    for (method, path) in &routes {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let rule = roster_api::zoom_v2::scopes::find(&m, path)
            .unwrap_or_else(|| panic!("{method} {path} declares no scope"));
        let token = if rule.need.family == Family::User {
            &meetings_only
        } else {
            &users_only
        };
        let url = format!("/v2{}", concrete(path));
        let (s, body) = app.send_json(m.clone(), &url, token, &json!({})).await;
        assert_zoom_error(s, &body, 400, 4711);
        let msg = body["message"].as_str().unwrap();
        assert!(
            msg.starts_with("Invalid access token, does not contain scopes:[")
                && msg.contains(&rule.need.classic(roster_domain::Reach::Account)),
            "{method} {path}: {msg}"
        );
    }
    assert_eq!(snapshot(&app).await, before, "a refusal changed something");

    // Authentication still comes first: no token is a 401, whatever the scope.
    let (s, body) = app.get("/v2/users", "").await;
    assert_zoom_error(s, &body, 401, 124);
}

async fn meeting_read_lists_but_does_not_create(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let (s, m) = app
        .post(
            "/v2/users/me/meetings",
            &admin,
            &json!({"topic": "Standup", "start_time": future(2)}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let reader = scoped_token(&app, &acct, "owner@acme.test", "meeting:read").await;
    let (s, list) = app.get("/v2/users/me/meetings", &reader).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total_records"], 1);
    let (s, one) = app.get(&format!("/v2/meetings/{}", m["id"]), &reader).await;
    assert_eq!(s, 200, "{one}");

    let writer = scoped_token(&app, &acct, "owner@acme.test", "meeting:write:admin").await;
    let before = snapshot(&app).await;
    let (s, e) = app
        .post(
            "/v2/users/me/meetings",
            &reader,
            &json!({"topic": "Nope", "start_time": future(2)}),
        )
        .await;
    assert_zoom_error(s, &e, 400, 4711);
    assert_eq!(
        e["message"],
        "Invalid access token, does not contain scopes:[meeting:write, meeting:write:admin]."
    );
    let (s, e) = app
        .patch(
            &format!("/v2/meetings/{}", m["id"]),
            &reader,
            &json!({"topic": "Renamed"}),
        )
        .await;
    assert_zoom_error(s, &e, 400, 4711);
    let (s, e) = app
        .delete(&format!("/v2/meetings/{}", m["id"]), &reader)
        .await;
    assert_zoom_error(s, &e, 400, 4711);
    // Write does not imply read.
    let (s, e) = app.get("/v2/users/me/meetings", &writer).await;
    assert_zoom_error(s, &e, 400, 4711);
    assert_eq!(snapshot(&app).await, before);
    let (_, one) = app.get(&format!("/v2/meetings/{}", m["id"]), &admin).await;
    assert_eq!(one["topic"], "Standup");
}

async fn user_level_scopes_reach_only_their_user(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let ann_id = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    let ann = scoped_token(&app, &acct, "ann@acme.test", "meeting:read meeting:write").await;
    // Ann creates for herself by `me`, by id and by email (any case).
    for who in ["me", ann_id.as_str(), "Ann@ACME.test"] {
        let (s, m) = app
            .post(
                &format!("/v2/users/{who}/meetings"),
                &ann,
                &json!({"topic": who, "start_time": future(3)}),
            )
            .await;
        assert_eq!(s, 201, "{who}: {m}");
        assert_eq!(m["host_id"], ann_id.as_str());
    }
    let (s, list) = app.get("/v2/users/ann@acme.test/meetings", &ann).await;
    assert_eq!(
        (s, list["total_records"].as_i64()),
        (200, Some(3)),
        "{list}"
    );

    // The Owner's meeting, and the Owner's list, are beyond a user-level scope…
    let (s, owners) = app
        .post(
            "/v2/users/me/meetings",
            &admin,
            &json!({"topic": "Board", "start_time": future(3)}),
        )
        .await;
    assert_eq!(s, 201);
    let owner_own = scoped_token(&app, &acct, "owner@acme.test", "meeting:write user:read").await;
    let before = snapshot(&app).await;
    for who in [acct.owner_id.as_str(), "owner@acme.test", "OWNER@acme.test"] {
        let (s, e) = app
            .post(
                &format!("/v2/users/{who}/meetings"),
                &ann,
                &json!({"topic": "For the boss", "start_time": future(3)}),
            )
            .await;
        assert_zoom_error(s, &e, 400, 4711);
        assert_eq!(
            e["message"],
            "Invalid access token, does not contain scopes:[meeting:write:admin]."
        );
        let (s, e) = app.get(&format!("/v2/users/{who}/meetings"), &ann).await;
        assert_zoom_error(s, &e, 400, 4711);
    }
    let url = format!("/v2/meetings/{}", owners["id"]);
    let (s, e) = app.get(&url, &ann).await;
    assert_zoom_error(s, &e, 404, 3001);
    let (s, e) = app.delete(&url, &ann).await;
    assert_zoom_error(s, &e, 404, 3001);
    assert_eq!(snapshot(&app).await, before);

    // … even for the Owner: a user-level scope narrows the role, never widens it.
    let (s, e) = app
        .post(
            &format!("/v2/users/{ann_id}/meetings"),
            &owner_own,
            &json!({"topic": "For Ann", "start_time": future(3)}),
        )
        .await;
    assert_zoom_error(s, &e, 400, 4711);
    let (s, e) = app.get(&format!("/v2/users/{ann_id}"), &owner_own).await;
    assert_zoom_error(s, &e, 400, 4711);
    assert_eq!(
        e["message"],
        "Invalid access token, does not contain scopes:[user:read:admin]."
    );
    let (s, me) = app.get("/v2/users/me", &owner_own).await;
    assert_eq!((s, me["email"].as_str()), (200, Some("owner@acme.test")));
    // Listing every user is an admin scope's alone.
    let (s, e) = app.get("/v2/users", &owner_own).await;
    assert_zoom_error(s, &e, 400, 4711);
    assert_eq!(
        e["message"],
        "Invalid access token, does not contain scopes:[user:read:admin]."
    );
    assert_eq!(snapshot(&app).await, before);
}

async fn admin_scopes_reach_the_account_and_nobody_outside(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let ann_id = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    let other = app
        .create_account(
            "Other",
            "boss@other.test",
            &["--plan", "business", "--licensed-seats", "2"],
        )
        .await;
    let app_token = scoped_token(
        &app,
        &acct,
        "owner@acme.test",
        "meeting:write:admin meeting:read:admin",
    )
    .await;
    for who in [ann_id.as_str(), "ANN@acme.test"] {
        let (s, m) = app
            .post(
                &format!("/v2/users/{who}/meetings"),
                &app_token,
                &json!({"topic": "Lesson", "start_time": future(3)}),
            )
            .await;
        assert_eq!(s, 201, "{m}");
        assert_eq!(m["host_id"], ann_id.as_str());
    }
    let (s, list) = app
        .get(&format!("/v2/users/{ann_id}/meetings"), &app_token)
        .await;
    assert_eq!((s, list["total_records"].as_i64()), (200, Some(2)));

    // Another account's user is "does not exist", by email or id, and nothing is stored.
    let ann_admin = scoped_token(&app, &acct, "ann@acme.test", "meeting:write:admin").await;
    let before = snapshot(&app).await;
    for who in ["boss@other.test", other.owner_id.as_str()] {
        let (s, e) = app
            .post(
                &format!("/v2/users/{who}/meetings"),
                &app_token,
                &json!({"topic": "Sneaky", "start_time": future(3)}),
            )
            .await;
        assert_zoom_error(s, &e, 404, 1001);
        let (s, e) = app
            .get(&format!("/v2/users/{who}/meetings"), &app_token)
            .await;
        assert_zoom_error(s, &e, 404, 1001);
    }
    assert_eq!(snapshot(&app).await, before);

    // A Member's `:admin` scopes stay within what the Member role allows.
    let (s, e) = app
        .post(
            "/v2/users/owner@acme.test/meetings",
            &ann_admin,
            &json!({"topic": "For the boss", "start_time": future(3)}),
        )
        .await;
    assert_ne!(s, 201, "{e}");
    assert_eq!(snapshot(&app).await, before);
}

async fn scopes_of_every_family_are_checked(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, _) = app.account_with_token().await;
    // Holding everything but one family: that family's endpoints refuse, the others serve.
    let all: Vec<&str> = roster_domain::app::S2S_DEFAULT_SCOPES
        .split_whitespace()
        .collect();
    let cases: &[(&str, reqwest::Method, &str, Value)] = &[
        ("user:", reqwest::Method::GET, "/v2/users", json!(null)),
        (
            "meeting:",
            reqwest::Method::GET,
            "/v2/users/me/meetings",
            json!(null),
        ),
        (
            "group:",
            reqwest::Method::POST,
            "/v2/groups",
            json!({"name": "Teachers"}),
        ),
        (
            "imgroup:",
            reqwest::Method::POST,
            "/v2/im/groups",
            json!({"name": "Chatters"}),
        ),
        (
            "role:",
            reqwest::Method::POST,
            "/v2/roles",
            json!({"name": "Helpers", "privileges": ["User:Read"]}),
        ),
        (
            "account:",
            reqwest::Method::PATCH,
            "/v2/accounts/me/settings",
            json!({"schedule_meeting": {"host_video": true}}),
        ),
        (
            "report:",
            reqwest::Method::GET,
            "/v2/report/operationlogs",
            json!(null),
        ),
        (
            "chat_contact:",
            reqwest::Method::GET,
            "/v2/chat/users/me/contacts",
            json!(null),
        ),
        (
            "chat_message:",
            reqwest::Method::GET,
            "/v2/chat/users/me/messages",
            json!(null),
        ),
        (
            "account:",
            reqwest::Method::POST,
            "/v2/accounts/me/managed_domains",
            json!({"domain": "acme.test"}),
        ),
    ];
    for (family, method, path, body) in cases {
        let without: Vec<&str> = all
            .iter()
            .copied()
            .filter(|s| !s.starts_with(family))
            .collect();
        let token = scoped_token(&app, &acct, "owner@acme.test", &without.join(" ")).await;
        let before = snapshot(&app).await;
        let (s, e) = app.send_json(method.clone(), path, &token, body).await;
        assert_zoom_error(s, &e, 400, 4711);
        assert_eq!(snapshot(&app).await, before, "{method} {path}");
        // The same request with the full set passes the scope check.
        let full = scoped_token(&app, &acct, "owner@acme.test", &all.join(" ")).await;
        let (s, e) = app.send_json(method.clone(), path, &full, body).await;
        assert_ne!(e["code"], 4711, "{method} {path}: {s} {e}");
    }
}

async fn apps_take_only_known_scopes(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, _) = app.account_with_token().await;
    let apps = app.db.count("oauth_apps").await;
    for bad in ["meeting:read nonsense:read", "group:read", "   ", ""] {
        let err = app
            .cli(&[
                "app",
                "create",
                "--account-id",
                &acct.account_id,
                "--user",
                "owner@acme.test",
                "--scopes",
                bad,
            ])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("scope"), "{bad:?}: {err}");
    }
    assert_eq!(app.db.count("oauth_apps").await, apps);
    // Without --scopes an app gets every :admin scope Roster serves.
    let out = app
        .cli(&[
            "app",
            "create",
            "--account-id",
            &acct.account_id,
            "--user",
            "owner@acme.test",
            "--json",
        ])
        .await
        .unwrap();
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["scopes"], roster_domain::app::S2S_DEFAULT_SCOPES);
}

/// Apps and tokens from before scopes were checked (the old four-scope default) keep reaching
/// everything: migration 19 gives them the new default.
async fn apps_from_before_scopes_keep_working(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    const OLD: &str = "user:read:admin user:write:admin meeting:read:admin meeting:write:admin";
    let db = app.db.open().await;
    let mut tx = db.begin().await.unwrap();
    for sql in [
        format!("UPDATE oauth_apps SET scopes = '{OLD}'"),
        format!("UPDATE oauth_tokens SET scopes = '{OLD}'"),
        "DELETE FROM roster_migrations WHERE version = 19".to_owned(),
    ] {
        tx.execute(&sql, &[]).await.unwrap();
    }
    tx.commit().await.unwrap();
    db.close().await;
    let (s, e) = app.get("/v2/roles", &token).await;
    assert_zoom_error(s, &e, 400, 4711);

    let db = app.db.open().await;
    assert_eq!(db.migrate().await.unwrap().applied, [19]);
    db.close().await;
    let (s, roles) = app.get("/v2/roles", &token).await;
    assert_eq!(s, 200, "{roles}");
    let n = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM oauth_apps WHERE scopes = '{}'",
            roster_domain::app::S2S_DEFAULT_SCOPES
        ))
        .await;
    assert_eq!(n, 1);
}

both_backends!(
    apps_from_before_scopes_keep_working,
    apps_take_only_known_scopes,
    every_route_declares_a_scope_and_refuses_without_it,
    meeting_read_lists_but_does_not_create,
    user_level_scopes_reach_only_their_user,
    admin_scopes_reach_the_account_and_nobody_outside,
    scopes_of_every_family_are_checked,
);
