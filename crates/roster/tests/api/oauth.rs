//! `POST /oauth/token` (server-to-server) and bearer tokens on `/v2`.

use crate::support::{
    assert_zoom_error, json_of, spawn_app, spawn_app_with, Backend, Created, TestApp,
};
use serde_json::Value;

async fn post_token(
    app: &TestApp,
    req: reqwest::RequestBuilder,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let _ = app;
    let res = req.send().await.unwrap();
    let headers = res.headers().clone();
    let (status, body) = json_of(res).await;
    (status, body, headers)
}

fn token_url(app: &TestApp) -> String {
    app.url("/oauth/token")
}

async fn grant_with_query_string(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app.create_account("Acme", "o@acme.test", &[]).await;
    let req = app
        .client
        .post(format!(
            "{}?grant_type=account_credentials&account_id={}",
            token_url(&app),
            acct.account_id
        ))
        .basic_auth(&acct.client_id, Some(&acct.client_secret));
    let (status, body, headers) = post_token(&app, req).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body["scope"].as_str().unwrap().contains("user:read:admin"));
    assert_eq!(body["api_url"], app.base);
    assert_eq!(headers["cache-control"], "no-store");
    let token = body["access_token"].as_str().unwrap();
    let (status, me) = app.get("/v2/users/me", token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["id"], acct.owner_id.as_str());
    // Only the token's hash is stored.
    assert_eq!(app.db.count("oauth_tokens").await, 1);
    let db = app.db.open().await;
    let stored: String = db
        .read()
        .await
        .unwrap()
        .fetch_one("SELECT token_hash FROM oauth_tokens", &[])
        .await
        .unwrap();
    assert_ne!(stored, token);
}

async fn grant_with_form_body(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app.create_account("Acme", "o@acme.test", &[]).await;
    let req = app
        .client
        .post(token_url(&app))
        .basic_auth(&acct.client_id, Some(&acct.client_secret))
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", acct.account_id.as_str()),
        ]);
    let (status, body, _) = post_token(&app, req).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = app
        .get("/v2/users/me", body["access_token"].as_str().unwrap())
        .await;
    assert_eq!(status, 200);

    // client_secret_post: credentials in the form body work too.
    let req = app.client.post(token_url(&app)).form(&[
        ("grant_type", "account_credentials"),
        ("account_id", acct.account_id.as_str()),
        ("client_id", acct.client_id.as_str()),
        ("client_secret", acct.client_secret.as_str()),
    ]);
    let (status, body, _) = post_token(&app, req).await;
    assert_eq!(status, 200, "{body}");
    // Several live tokens per app are allowed, as in Zoom.
    assert_eq!(app.db.count("oauth_tokens").await, 2);
}

fn assert_oauth_error(status: u16, body: &Value, want_status: u16, error: &str, code: i64) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["code"].as_i64(), Some(code), "{body}");
    assert!(
        body["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{body}"
    );
    assert_eq!(body["reason"], body["error_description"]);
}

/// Every refused grant: the right status and code, and no token stored.
async fn refusals(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app.create_account("Acme", "o@acme.test", &[]).await;
    let other: Created = app.create_account("Other", "o@other.test", &[]).await;
    let q = |grant: &str, account: &str| {
        format!(
            "{}?grant_type={grant}&account_id={account}",
            token_url(&app)
        )
    };
    let ok_q = q("account_credentials", &acct.account_id);

    // Wrong secret.
    let (s, body, headers) = post_token(
        &app,
        app.client
            .post(&ok_q)
            .basic_auth(&acct.client_id, Some("wrong")),
    )
    .await;
    assert_oauth_error(s, &body, 401, "invalid_client", 4704);
    assert!(headers.contains_key("www-authenticate"));
    // Unknown client.
    let (s, body, _) = post_token(
        &app,
        app.client
            .post(&ok_q)
            .basic_auth("nobody", Some(&acct.client_secret)),
    )
    .await;
    assert_oauth_error(s, &body, 401, "invalid_client", 4702);
    // Another app's secret.
    let (s, body, _) = post_token(
        &app,
        app.client
            .post(&ok_q)
            .basic_auth(&acct.client_id, Some(&other.client_secret)),
    )
    .await;
    assert_oauth_error(s, &body, 401, "invalid_client", 4704);
    // No credentials.
    let (s, body, _) = post_token(&app, app.client.post(&ok_q)).await;
    assert_oauth_error(s, &body, 401, "invalid_client", 4706);
    // Malformed Basic header.
    let (s, body, _) = post_token(
        &app,
        app.client.post(&ok_q).header("authorization", "Basic !!!"),
    )
    .await;
    assert_oauth_error(s, &body, 401, "invalid_client", 4706);
    // Credentials in the query string are not read (they would end up in logs).
    let (s, body, _) = post_token(
        &app,
        app.client.post(format!(
            "{ok_q}&client_id={}&client_secret={}",
            acct.client_id, acct.client_secret
        )),
    )
    .await;
    assert_oauth_error(s, &body, 401, "invalid_client", 4706);
    // Wrong account: another account's id, an unknown one, none.
    for account in [other.account_id.as_str(), "AAAAAAAAAAAAAAAAAAAAAA", ""] {
        let (s, body, _) = post_token(
            &app,
            app.client
                .post(q("account_credentials", account))
                .basic_auth(&acct.client_id, Some(&acct.client_secret)),
        )
        .await;
        assert_oauth_error(s, &body, 400, "invalid_request", 4700);
    }
    // Unsupported and missing grant types.
    let (s, body, _) = post_token(
        &app,
        app.client
            .post(q("client_credentials", &acct.account_id))
            .basic_auth(&acct.client_id, Some(&acct.client_secret)),
    )
    .await;
    assert_oauth_error(s, &body, 400, "unsupported_grant_type", 4705);
    let (s, body, _) = post_token(
        &app,
        app.client
            .post(format!(
                "{}?account_id={}",
                token_url(&app),
                acct.account_id
            ))
            .basic_auth(&acct.client_id, Some(&acct.client_secret)),
    )
    .await;
    assert_oauth_error(s, &body, 400, "invalid_request", 4706);
    // A body that is not a form.
    let (s, body, _) = post_token(
        &app,
        app.client
            .post(token_url(&app))
            .basic_auth(&acct.client_id, Some(&acct.client_secret))
            .header("content-type", "application/json")
            .body("{\"grant_type\":\"account_credentials\"}"),
    )
    .await;
    assert_oauth_error(s, &body, 400, "invalid_request", 4700);

    assert_eq!(
        app.db.count("oauth_tokens").await,
        0,
        "no refused request may store a token"
    );
}

async fn bad_bearer_tokens_get_code_124(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    // No header at all.
    let res = app
        .client
        .get(app.url("/v2/users/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let (s, body) = json_of(res).await;
    assert_zoom_error(s, &body, 401, 124);
    assert_eq!(body["message"], "Invalid access token.");
    // A token Roster never issued, an empty one, and the wrong scheme.
    let (s, body) = app.get("/v2/users/me", "not-a-token").await;
    assert_zoom_error(s, &body, 401, 124);
    let res = app
        .client
        .get(app.url("/v2/users/me"))
        .header("authorization", format!("Basic {token}"))
        .send()
        .await
        .unwrap();
    let (s, body) = json_of(res).await;
    assert_zoom_error(s, &body, 401, 124);
    // The scheme is case-insensitive.
    let res = app
        .client
        .get(app.url("/v2/users/me"))
        .header("authorization", format!("bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn expired_tokens_are_refused(b: Backend) {
    let app = spawn_app_with(b, |c| c.access_token_ttl_secs = 1).await;
    let (acct, token) = app.account_with_token().await;
    let (s, _) = app.get("/v2/users/me", &token).await;
    assert_eq!(s, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (s, body) = app.get("/v2/users/me", &token).await;
    assert_zoom_error(s, &body, 401, 124);
    assert_eq!(body["message"], "Access token is expired.");
    // A new grant clears the app's expired tokens.
    let fresh = app.token(&acct).await;
    assert_eq!(app.db.count("oauth_tokens").await, 1);
    let (s, _) = app.get("/v2/users/me", &fresh).await;
    assert_eq!(s, 200);
}

both_backends!(
    grant_with_query_string,
    grant_with_form_body,
    refusals,
    bad_bearer_tokens_get_code_124,
    expired_tokens_are_refused,
);
