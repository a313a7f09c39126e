//! Installs: account-level (only an Owner or Admin approves; a member gets a link to send),
//! personal ("just for me"), connected users, disconnects with `app_deauthorized`, the
//! approver-removed revocation; and the app registry over the API and the CLI.

use crate::oauth_browser::{
    account, client_for, flow_of, post_form, register, set_password, sign_in, tokens, REDIRECT,
};
use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use oauth2::{CsrfToken, PkceCodeChallenge, Scope, TokenResponse};
use serde_json::{json, Value};

const SCOPES: &str =
    "user:read user:read:admin meeting:read meeting:write meeting:write:admin marketplace_app:read \
     marketplace_app:write";

async fn connections(app: &TestApp, admin: &str, app_id: &str) -> Vec<(String, String)> {
    let (s, v) = app
        .get(
            &format!("/v2/marketplace/apps/{app_id}/connected_users?page_size=300"),
            admin,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let mut out: Vec<(String, String)> = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["email"].as_str().unwrap().to_owned(),
                u["connection"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn deauthorized(app: &TestApp) -> Vec<Value> {
    let db = app.db.open().await;
    let rows: Vec<String> = db
        .read()
        .await
        .unwrap()
        .fetch_all(
            "SELECT payload FROM events WHERE type = 'app_deauthorized' ORDER BY id",
            &[],
        )
        .await
        .unwrap();
    db.close().await;
    rows.iter()
        .map(|r| serde_json::from_str(r).unwrap())
        .collect()
}

fn pair(e: &str, c: &str) -> (String, String) {
    (e.to_owned(), c.to_owned())
}

async fn account_install_personal_and_disconnects(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin, mia) = account(&app).await;
    let ann = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    set_password(&app, &admin, &ann).await;
    let (s, v) = app
        .post(
            "/v2/roles/1/members",
            &admin,
            &json!({"members": [{"id": ann}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let reg = register(&app, &admin, "admin_managed", SCOPES, false).await;
    let app_id = reg["app_id"].as_str().unwrap().to_owned();
    let client = client_for(&app, &reg);

    // A member who starts the account install gets a link for an admin, and cannot approve
    // for everyone even by posting the form.
    let (challenge, _verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("meeting:write:admin".into()))
        .add_scope(Scope::new("meeting:read".into()))
        .set_pkce_challenge(challenge)
        .url();
    let consent = sign_in(&app, url.as_str(), "mia@acme.test").await;
    assert!(!consent.contains("value=\"account\""), "{consent}");
    assert!(consent.contains("Send this link"));
    assert!(consent.contains("/oauth/authorize?response_type=code"));
    let before = app.db.count("oauth_installs").await;
    let (s, body, location) = post_form(
        &app,
        "/oauth/authorize/consent",
        &[("flow", &flow_of(&consent)), ("decision", "account")],
    )
    .await;
    assert_eq!(s, 403, "{body}");
    assert!(location.is_none());
    assert_eq!(app.db.count("oauth_installs").await, before);
    assert_eq!(app.db.count("oauth_codes").await, 0);

    // The admin approves for everyone; the token acts as her and for any user.
    let t = tokens(&app, &client, "ann@acme.test", &[], "account").await;
    let account_token = t.access_token().secret().clone();
    let (s, me) = app.get("/v2/users/me", &account_token).await;
    assert_eq!((s, me["id"].as_str()), (200, Some(ann.as_str())));
    for user in ["mia@acme.test", "owner@acme.test"] {
        let (s, v) = app
            .post(
                &format!("/v2/users/{user}/meetings"),
                &account_token,
                &json!({"type": 1}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
    }
    assert_eq!(
        connections(&app, &admin, &app_id).await,
        [
            pair("ann@acme.test", "account"),
            pair("mia@acme.test", "account"),
            pair("owner@acme.test", "account")
        ]
    );

    // Mia installs it just for herself: a member gets no admin scope.
    let p = tokens(&app, &client, "mia@acme.test", &[], "personal").await;
    let personal = p.access_token().secret().clone();
    let scopes: Vec<&str> = p.scopes().unwrap().iter().map(|s| s.as_str()).collect();
    assert_eq!(
        scopes,
        [
            "user:read",
            "meeting:read",
            "meeting:write",
            "marketplace_app:read",
            "marketplace_app:write"
        ]
    );
    let (s, me) = app.get("/v2/users/me", &personal).await;
    assert_eq!((s, me["id"].as_str()), (200, Some(mia.as_str())));
    assert_eq!(
        connections(&app, &admin, &app_id).await,
        [
            pair("ann@acme.test", "account"),
            pair("mia@acme.test", "personal"),
            pair("owner@acme.test", "account")
        ]
    );
    let (s, v) = app.get("/v2/marketplace/users/me/apps", &personal).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["apps"][0]["connection"], "personal");
    assert_eq!(v["apps"][0]["app_id"], app_id.as_str());
    // A member may not see the connected users: her token has no admin scope for it.
    let (s, v) = app
        .get(
            &format!("/v2/marketplace/apps/{app_id}/connected_users"),
            &personal,
        )
        .await;
    assert_zoom_error(s, &v, 400, 4711);

    // Ann loses the Admin role: the account install she approved is revoked for everyone
    // (approver_removed), its tokens die; Mia's personal install survives.
    let (s, v) = app
        .delete(&format!("/v2/roles/1/members/{ann}"), &admin)
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(app.get("/v2/users/me", &account_token).await.0, 401);
    assert_eq!(app.get("/v2/users/me", &personal).await.0, 200);
    let refresh = t.refresh_token().unwrap();
    let refused = client
        .exchange_refresh_token(refresh)
        .request_async(&crate::oauth_browser::no_redirects())
        .await;
    assert!(refused.is_err());
    let events = deauthorized(&app).await;
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["account_id"], acct.account_id.as_str());
    assert_eq!(e["user_id"], "");
    assert_eq!(e["client_id"], reg["client_id"]);
    assert_eq!(e["reason"], "approver_removed");
    assert!(e["signature"].as_str().is_some_and(|s| s.len() == 64));
    assert!(e["deauthorization_time"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert_eq!(
        connections(&app, &admin, &app_id).await,
        [
            pair("ann@acme.test", "none"),
            pair("mia@acme.test", "personal"),
            pair("owner@acme.test", "none")
        ]
    );

    // The operator sees the same list.
    let out = app
        .cli(&[
            "app",
            "connected-users",
            "--account-id",
            &acct.account_id,
            &app_id,
        ])
        .await
        .unwrap();
    assert!(out.contains("mia@acme.test  personal"), "{out}");
    assert!(out.contains("owner@acme.test  none"), "{out}");
    let err = app
        .cli(&[
            "app",
            "disconnect",
            "--account-id",
            &acct.account_id,
            &app_id,
        ])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not installed"), "{err}");

    // The owner installs it for everyone again, then disconnects it.
    let o = tokens(&app, &client, "owner@acme.test", &[], "account").await;
    let owner_token = o.access_token().secret().clone();
    assert_eq!(app.get("/v2/users/me", &owner_token).await.0, 200);
    let (s, v) = app
        .delete(
            &format!("/v2/marketplace/apps/{app_id}/installation"),
            &admin,
        )
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(app.get("/v2/users/me", &owner_token).await.0, 401);
    let (s, v) = app
        .delete(
            &format!("/v2/marketplace/apps/{app_id}/installation"),
            &admin,
        )
        .await;
    assert_zoom_error(s, &v, 404, 4721);
    // Once more, disconnected by the operator this time.
    let o2 = tokens(&app, &client, "owner@acme.test", &[], "account").await;
    app.cli(&[
        "app",
        "disconnect",
        "--account-id",
        &acct.account_id,
        &app_id,
    ])
    .await
    .unwrap();
    assert_eq!(
        app.get("/v2/users/me", o2.access_token().secret()).await.0,
        401
    );

    // Mia disconnects her personal install.
    let (s, v) = app
        .delete(
            &format!("/v2/marketplace/users/me/apps/{app_id}"),
            &personal,
        )
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(app.get("/v2/users/me", &personal).await.0, 401);
    let events = deauthorized(&app).await;
    let reasons: Vec<&str> = events
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["approver_removed", "admin", "admin", "user"]);
    assert_eq!(events[3]["user_id"], mia.as_str());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM oauth_installs WHERE revoked_at IS NULL")
            .await,
        0
    );
    let _ = REDIRECT;
}

async fn approver_deleted_revokes_account_install(b: Backend) {
    let app = spawn_app(b).await;
    let (_acct, admin, _mia) = account(&app).await;
    let ann = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    set_password(&app, &admin, &ann).await;
    app.post(
        "/v2/roles/1/members",
        &admin,
        &json!({"members": [{"id": ann}]}),
    )
    .await;
    let reg = register(&app, &admin, "admin_managed", SCOPES, false).await;
    let client = client_for(&app, &reg);
    let t = tokens(&app, &client, "ann@acme.test", &[], "account").await;
    let p = tokens(&app, &client, "mia@acme.test", &[], "personal").await;
    let (s, v) = app
        .delete(&format!("/v2/users/{ann}?action=delete"), &admin)
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(
        app.get("/v2/users/me", t.access_token().secret()).await.0,
        401
    );
    assert_eq!(
        app.get("/v2/users/me", p.access_token().secret()).await.0,
        200
    );
    let events = deauthorized(&app).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["reason"], "approver_removed");
}

async fn app_registry_over_api_and_cli(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin, mia) = account(&app).await;
    let before = app.db.count("oauth_apps").await;
    let events_before = app.db.count("events").await;
    // Refusals store nothing.
    for body in [
        json!({"app_name": "X", "app_type": "user_managed", "redirect_uris": ["http://crm.example/cb"], "scopes": "user:read"}),
        json!({"app_name": "X", "app_type": "user_managed", "redirect_uris": ["https://crm.example/cb#x"], "scopes": "user:read"}),
        json!({"app_name": "X", "app_type": "user_managed", "redirect_uris": [], "scopes": "user:read"}),
        json!({"app_name": "X", "app_type": "user_managed", "redirect_uris": ["https://crm.example/cb"], "scopes": "meeting:write:admin"}),
        json!({"app_name": "X", "app_type": "user_managed", "redirect_uris": ["https://crm.example/cb"], "scopes": "nope"}),
        json!({"app_name": "X", "app_type": "s2s", "redirect_uris": ["https://crm.example/cb"], "scopes": "user:read"}),
        json!({"app_name": "", "app_type": "user_managed", "redirect_uris": ["https://crm.example/cb"], "scopes": "user:read"}),
    ] {
        let (s, v) = app.post("/v2/marketplace/apps", &admin, &body).await;
        assert_zoom_error(s, &v, 400, 300);
    }
    // A member cannot register apps.
    let reg = register(&app, &admin, "user_managed", "user:read", false).await;
    let client = client_for(&app, &reg);
    let member = tokens(&app, &client, "mia@acme.test", &[], "personal").await;
    let member = member.access_token().secret().clone();
    let body = json!({"app_name": "X", "app_type": "user_managed", "redirect_uris": [REDIRECT], "scopes": "user:read"});
    // Her personal token never carries the admin scope registering needs ...
    let (s, v) = app.post("/v2/marketplace/apps", &member, &body).await;
    assert_zoom_error(s, &v, 400, 4711);
    // ... and a token that does (a server-to-server app acting as her) meets her role.
    let member_s2s = app.token_for_user(&acct, "mia@acme.test").await;
    let (s, v) = app.post("/v2/marketplace/apps", &member_s2s, &body).await;
    assert_zoom_error(s, &v, 400, 200);
    // The registered app and the server-to-server one; their two app.created events.
    assert_eq!(app.db.count("oauth_apps").await, before + 2);
    assert_eq!(
        app.db.count("events").await,
        events_before + 2,
        "only app.created"
    );
    let _ = mia;

    let id = reg["app_id"].as_str().unwrap();
    assert_eq!(reg["app_type"], "user_managed");
    assert_eq!(reg["redirect_uris"], json!([REDIRECT]));
    // List, paged: the account's s2s app, Mia's and this one.
    let (s, page) = app.get("/v2/marketplace/apps?page_size=2", &admin).await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["apps"].as_array().unwrap().len(), 2);
    let next = page["next_page_token"].as_str().unwrap();
    assert!(!next.is_empty());
    let (_, page2) = app
        .get(
            &format!("/v2/marketplace/apps?page_size=2&next_page_token={next}"),
            &admin,
        )
        .await;
    assert_eq!(page2["apps"].as_array().unwrap().len(), 1);
    assert_eq!(page2["next_page_token"], "");
    assert!(page2["apps"][0].get("client_secret").is_none());
    // Change it.
    let (s, v) = app
        .patch(
            &format!("/v2/marketplace/apps/{id}"),
            &admin,
            &json!({"app_name": "CRM 2", "scopes": ["user:read", "meeting:read"]}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    let (_, got) = app.get(&format!("/v2/marketplace/apps/{id}"), &admin).await;
    assert_eq!(got["app_name"], "CRM 2");
    assert_eq!(got["scopes"], json!(["user:read", "meeting:read"]));
    let (s, v) = app
        .patch(
            &format!("/v2/marketplace/apps/{id}"),
            &admin,
            &json!({"redirect_uris": ["ftp://x"]}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 300);
    // Rotate the secret: the old one stops working.
    let (s, rotated) = app
        .post(
            &format!("/v2/marketplace/apps/{id}/client_secret"),
            &admin,
            &json!({}),
        )
        .await;
    assert_eq!(s, 201, "{rotated}");
    assert_ne!(rotated["client_secret"], reg["client_secret"]);
    let cid = reg["client_id"].as_str().unwrap();
    let (s, v) = crate::oauth_browser::token_call(
        &app,
        Some((cid, reg["client_secret"].as_str().unwrap())),
        &[("grant_type", "refresh_token"), ("refresh_token", "x")],
    )
    .await;
    assert_eq!((s, v["code"].as_i64()), (401, Some(4704)), "{v}");
    // Delete: installs revoked (app_deleted), tokens dead, the app gone from the registry.
    let (s, v) = app
        .delete(&format!("/v2/marketplace/apps/{id}"), &admin)
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(app.get("/v2/users/me", &member).await.0, 401);
    let (s, v) = app.get(&format!("/v2/marketplace/apps/{id}"), &admin).await;
    assert_zoom_error(s, &v, 404, 4720);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM events WHERE type = 'app_deauthorized' AND payload LIKE '%app_deleted%'")
            .await,
        1
    );
    // Another account cannot see it either way.
    let other = app.create_account("Other", "boss@other.test", &[]).await;
    let other_token = app.token(&other).await;
    let (s, v) = app
        .get(&format!("/v2/marketplace/apps/{id}"), &other_token)
        .await;
    assert_zoom_error(s, &v, 404, 4720);

    // The CLI.
    let out = app
        .cli(&[
            "app",
            "create",
            "--account-id",
            &acct.account_id,
            "--kind",
            "account",
            "--name",
            "Booking",
            "--redirect-uri",
            "https://booking.example/cb",
            "--scopes",
            "meeting:write:admin",
            "--json",
        ])
        .await
        .unwrap();
    let created: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(created["type"], "account");
    assert!(created["client_secret"].is_string());
    let cli_id = created["app_id"].as_str().unwrap();
    let out = app
        .cli(&["app", "list", "--account-id", &acct.account_id])
        .await
        .unwrap();
    assert!(out.contains("Booking"), "{out}");
    let out = app
        .cli(&[
            "app",
            "show",
            "--account-id",
            &acct.account_id,
            cli_id,
            "--json",
        ])
        .await
        .unwrap();
    assert!(out.contains("meeting:write:admin"));
    let out = app
        .cli(&[
            "app",
            "rotate-secret",
            "--account-id",
            &acct.account_id,
            cli_id,
            "--json",
        ])
        .await
        .unwrap();
    let rotated: Value = serde_json::from_str(out.trim()).unwrap();
    assert_ne!(rotated["client_secret"], created["client_secret"]);
    let err = app
        .cli(&[
            "app",
            "create",
            "--account-id",
            &acct.account_id,
            "--kind",
            "user",
            "--name",
            "Bad",
            "--redirect-uri",
            "https://b.example/cb",
            "--scopes",
            "meeting:write:admin",
        ])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("admin scope"), "{err}");
    app.cli(&["app", "delete", "--account-id", &acct.account_id, cli_id])
        .await
        .unwrap();
    let err = app
        .cli(&["app", "show", "--account-id", &acct.account_id, cli_id])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}

async fn member_gets_no_admin_scope_and_users_page(b: Backend) {
    let app = spawn_app(b).await;
    let (_acct, admin, _mia) = account(&app).await;
    let reg = register(&app, &admin, "admin_managed", "meeting:write:admin", false).await;
    let app_id = reg["app_id"].as_str().unwrap().to_owned();
    let client = client_for(&app, &reg);
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let (url, _) = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge)
        .url();
    // Every scope needs an admin: a member can neither approve for everyone nor for herself.
    let consent = sign_in(&app, url.as_str(), "mia@acme.test").await;
    assert!(!consent.contains("value=\"personal\""), "{consent}");
    assert!(!consent.contains("value=\"account\""), "{consent}");
    let (s, body, location) = post_form(
        &app,
        "/oauth/authorize/consent",
        &[("flow", &flow_of(&consent)), ("decision", "personal")],
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(
        crate::oauth_browser::param(&location.unwrap(), "error").as_deref(),
        Some("invalid_scope")
    );
    assert_eq!(app.db.count("oauth_installs").await, 0);
    assert_eq!(app.db.count("oauth_codes").await, 0);
    // Connected users come in pages.
    let (s, page) = app
        .get(
            &format!("/v2/marketplace/apps/{app_id}/connected_users?page_size=1"),
            &admin,
        )
        .await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["users"].as_array().unwrap().len(), 1);
    assert_eq!(page["users"][0]["connection"], "none");
    let next = page["next_page_token"].as_str().unwrap();
    let (_, page2) = app
        .get(
            &format!(
                "/v2/marketplace/apps/{app_id}/connected_users?page_size=1&next_page_token={next}"
            ),
            &admin,
        )
        .await;
    assert_eq!(page2["users"].as_array().unwrap().len(), 1);
    assert_ne!(page2["users"][0]["id"], page["users"][0]["id"]);
    assert_eq!(page2["next_page_token"], "");
    let (s, v) = app
        .get("/v2/marketplace/apps/unknown/connected_users", &admin)
        .await;
    assert_zoom_error(s, &v, 404, 4720);
}

both_backends!(
    account_install_personal_and_disconnects,
    approver_deleted_revokes_account_install,
    app_registry_over_api_and_cli,
    member_gets_no_admin_scope_and_users_page,
);
