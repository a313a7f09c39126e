//! The OAuth 2.0 authorization-code flow with PKCE, driven by a real client library (`oauth2`)
//! as the app and by reqwest as the user's browser (sign-in and consent forms); refresh
//! rotation and reuse detection; revocation; and every refusal, each granting nothing.

use crate::oauth_browser::{
    account, authorize, browse, client_for, counts, flow_of, no_redirects, param, post_form,
    register, set_password, token_call, tokens, PASSWORD, REDIRECT,
};
use crate::support::{json_of, spawn_app, Backend};
use oauth2::{RefreshToken, Scope, TokenResponse};
use serde_json::json;

async fn code_flow_with_pkce_refresh_and_revoke(b: Backend) {
    let app = spawn_app(b).await;
    let (_acct, admin, mia) = account(&app).await;
    let reg = register(
        &app,
        &admin,
        "user_managed",
        "user:read meeting:read meeting:write",
        false,
    )
    .await;
    let client = client_for(&app, &reg);

    let t = tokens(
        &app,
        &client,
        "mia@acme.test",
        &["user:read", "meeting:read"],
        "personal",
    )
    .await;
    let access = t.access_token().secret().clone();
    assert_eq!(
        t.scopes()
            .unwrap()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>(),
        ["user:read", "meeting:read"]
    );
    assert_eq!(t.expires_in().unwrap().as_secs(), 3600);
    let (s, me) = app.get("/v2/users/me", &access).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["id"], mia.as_str());
    // Only hashes are stored.
    let stored = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM oauth_tokens WHERE token_hash = '{access}'"
        ))
        .await;
    assert_eq!(stored, 0);

    // Rotation: the refresh token is used up and a new one issued in the same family.
    let r1 = t.refresh_token().unwrap().clone();
    let t2 = client
        .exchange_refresh_token(&r1)
        .request_async(&no_redirects())
        .await
        .unwrap();
    let r2 = t2.refresh_token().unwrap().clone();
    assert_ne!(r1.secret(), r2.secret());
    let access2 = t2.access_token().secret().clone();
    assert_eq!(app.get("/v2/users/me", &access2).await.0, 200);
    // Reuse of the used one: refused (4711) and the whole family dies.
    let cid = reg["client_id"].as_str().unwrap();
    let secret = reg["client_secret"].as_str().unwrap();
    let (s, v) = token_call(
        &app,
        Some((cid, secret)),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", r1.secret()),
        ],
    )
    .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"], "invalid_grant");
    assert_eq!(v["code"], 4711);
    for tok in [&access, &access2] {
        assert_eq!(app.get("/v2/users/me", tok).await.0, 401);
    }
    let (s, _) = token_call(
        &app,
        Some((cid, secret)),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", r2.secret()),
        ],
    )
    .await;
    assert_eq!(s, 400);

    // Revoke (RFC 7009): a refresh token takes its family with it; unknown tokens are fine.
    let t3 = tokens(&app, &client, "mia@acme.test", &[], "personal").await;
    assert_eq!(t3.scopes().unwrap().len(), 3, "the app's scopes by default");
    let revoke = |token: String| {
        app.client
            .post(app.url("/oauth/revoke"))
            .basic_auth(cid, Some(secret))
            .form(&[
                ("token", token.as_str()),
                ("token_type_hint", "refresh_token"),
            ])
            .send()
    };
    let (s, v) = json_of(
        revoke(t3.refresh_token().unwrap().secret().clone())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, &v["status"]), (200, &json!("success")));
    assert_eq!(
        app.get("/v2/users/me", t3.access_token().secret()).await.0,
        401
    );
    let (s, _) = json_of(revoke("never-issued".into()).await.unwrap()).await;
    assert_eq!(s, 200);
    // An access token alone.
    let t4 = tokens(&app, &client, "mia@acme.test", &[], "personal").await;
    json_of(revoke(t4.access_token().secret().clone()).await.unwrap()).await;
    assert_eq!(
        app.get("/v2/users/me", t4.access_token().secret()).await.0,
        401
    );
    // Revoking needs the client's credentials.
    let (s, v) = json_of(
        app.client
            .post(app.url("/oauth/revoke"))
            .basic_auth(cid, Some("wrong"))
            .form(&[("token", "x")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (401, Some("invalid_client")));

    // A public client: no secret, PKCE required.
    let public = register(&app, &admin, "user_managed", "user:read", true).await;
    assert!(public.get("client_secret").is_none());
    let pc = client_for(&app, &public);
    let t5 = tokens(&app, &pc, "mia@acme.test", &[], "personal").await;
    assert_eq!(
        app.get("/v2/users/me", t5.access_token().secret()).await.0,
        200
    );
}

async fn authorize_refusals_grant_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (_acct, admin, _mia) = account(&app).await;
    let reg = register(
        &app,
        &admin,
        "user_managed",
        "user:read meeting:read",
        false,
    )
    .await;
    let public = register(&app, &admin, "user_managed", "user:read", true).await;
    let cid = reg["client_id"].as_str().unwrap();
    let pcid = public["client_id"].as_str().unwrap();
    let before = counts(&app).await;
    let url = |q: &str| app.url(&format!("/oauth/authorize?{q}"));
    let redirect =
        oauth2::url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>();

    // Unknown client and redirect mismatch: an error page, never a redirect.
    for q in [
        format!("response_type=code&client_id=nobody&redirect_uri={redirect}"),
        format!(
            "response_type=code&client_id={cid}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fother"
        ),
        format!("response_type=code&client_id={cid}&redirect_uri={redirect}x"),
    ] {
        let (s, body, location) = browse(&url(&q)).await;
        assert_eq!(s, 400, "{q}: {body}");
        assert!(location.is_none());
    }
    // Other errors go back to the app with the untouched state.
    for (q, error) in [
        (format!("response_type=token&client_id={cid}&redirect_uri={redirect}&state=s%201"), "unsupported_response_type"),
        (format!("client_id={cid}&redirect_uri={redirect}&state=s%201"), "invalid_request"),
        (format!("response_type=code&client_id={cid}&redirect_uri={redirect}&scope=meeting:write&state=s%201"), "invalid_scope"),
        (format!("response_type=code&client_id={cid}&redirect_uri={redirect}&scope=nonsense&state=s%201"), "invalid_scope"),
        (format!("response_type=code&client_id={cid}&redirect_uri={redirect}&code_challenge=abc&code_challenge_method=plain&state=s%201"), "invalid_request"),
        (format!("response_type=code&client_id={pcid}&redirect_uri={redirect}&state=s%201"), "invalid_request"),
    ] {
        let (s, body, location) = browse(&url(&q)).await;
        assert_eq!(s, 303, "{q}: {body}");
        let location = location.unwrap();
        assert!(location.starts_with(REDIRECT));
        assert_eq!(param(&location, "error").as_deref(), Some(error), "{q}");
        assert_eq!(param(&location, "state").as_deref(), Some("s 1"));
    }
    // A wrong password shows the form again; a forged form is refused.
    let (_, page, _) = browse(&url(&format!(
        "response_type=code&client_id={cid}&redirect_uri={redirect}&state=xyz"
    )))
    .await;
    let flow = flow_of(&page);
    let (s, body, _) = post_form(
        &app,
        "/oauth/authorize/signin",
        &[
            ("flow", &flow),
            ("email", "mia@acme.test"),
            ("password", "Wr0ng-pass"),
        ],
    )
    .await;
    assert_eq!(s, 401);
    assert!(body.contains("Wrong email or password"));
    let forged = format!("{}x", &flow);
    let (s, _, _) = post_form(
        &app,
        "/oauth/authorize/signin",
        &[
            ("flow", &forged),
            ("email", "mia@acme.test"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(s, 400);
    // The sign-in form cannot be posted as a consent.
    let (s, _, _) = post_form(
        &app,
        "/oauth/authorize/consent",
        &[("flow", &flow), ("decision", "personal")],
    )
    .await;
    assert_eq!(s, 400);
    // Deny: access_denied, with the state.
    let (_, consent, _) = post_form(
        &app,
        "/oauth/authorize/signin",
        &[
            ("flow", &flow),
            ("email", "mia@acme.test"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let (s, _, location) = post_form(
        &app,
        "/oauth/authorize/consent",
        &[("flow", &flow_of(&consent)), ("decision", "deny")],
    )
    .await;
    assert_eq!(s, 303);
    let location = location.unwrap();
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&location, "state").as_deref(), Some("xyz"));
    // A user of another account cannot install this account's app.
    let other = app.create_account("Other", "boss@other.test", &[]).await;
    let other_admin = app.token(&other).await;
    set_password(&app, &other_admin, "me").await;
    let (s, body, location) = post_form(
        &app,
        "/oauth/authorize/signin",
        &[
            ("flow", &flow),
            ("email", "boss@other.test"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(
        param(&location.unwrap(), "error").as_deref(),
        Some("access_denied")
    );
    // Throttling: after five failures even the right password is refused for a while.
    for _ in 0..5 {
        post_form(
            &app,
            "/oauth/authorize/signin",
            &[
                ("flow", &flow),
                ("email", "mia@acme.test"),
                ("password", "Wr0ng-pass"),
            ],
        )
        .await;
    }
    let (s, body, _) = post_form(
        &app,
        "/oauth/authorize/signin",
        &[
            ("flow", &flow),
            ("email", "mia@acme.test"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(s, 401);
    assert!(body.contains("Too many failed sign-ins"), "{body}");
    // (The other account's server-to-server token is the only new token.)
    let after = counts(&app).await;
    assert_eq!(
        [after[0], after[1], after[3]],
        [before[0], before[1], before[3]]
    );
    assert_eq!(after[2], before[2] + 1, "nothing granted");
}

async fn token_refusals_grant_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin, _mia) = account(&app).await;
    let reg = register(
        &app,
        &admin,
        "user_managed",
        "user:read meeting:read",
        false,
    )
    .await;
    let client = client_for(&app, &reg);
    let cid = reg["client_id"].as_str().unwrap();
    let secret = reg["client_secret"].as_str().unwrap();

    let (code, verifier) =
        authorize(&app, &client, "mia@acme.test", &["user:read"], "personal").await;
    let before = counts(&app).await;
    let exchange = |code: &str, verifier: &str, redirect: &str, secret: &str| {
        let form = vec![
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), code.to_owned()),
            ("code_verifier".to_owned(), verifier.to_owned()),
            ("redirect_uri".to_owned(), redirect.to_owned()),
        ];
        app.client
            .post(app.url("/oauth/token"))
            .basic_auth(cid, Some(secret.to_owned()))
            .form(&form)
            .send()
    };
    let good = verifier.secret().clone();
    for (verifier, redirect, secret, status, error, zoom) in [
        (
            good.as_str(),
            REDIRECT,
            "wrong-secret",
            401,
            "invalid_client",
            4704,
        ),
        (
            good.as_str(),
            "http://127.0.0.1:9/other",
            secret,
            400,
            "invalid_grant",
            4709,
        ),
        (
            "a-wrong-verifier-that-is-long-enough-to-be-well-formed-1234",
            REDIRECT,
            secret,
            400,
            "invalid_grant",
            4734,
        ),
        ("", REDIRECT, secret, 400, "invalid_grant", 4734),
    ] {
        let (s, v) = json_of(exchange(&code, verifier, redirect, secret).await.unwrap()).await;
        assert_eq!(
            (s, v["error"].as_str(), v["code"].as_i64()),
            (status, Some(error), Some(zoom)),
            "{v}"
        );
    }
    let (s, v) = json_of(exchange("unknown", &good, REDIRECT, secret).await.unwrap()).await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(counts(&app).await, before, "nothing granted");

    // The code still works once; replayed, it is refused and what it issued is revoked.
    let (s, v) = json_of(exchange(&code, &good, REDIRECT, secret).await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    let access = v["access_token"].as_str().unwrap().to_owned();
    assert_eq!(v["token_type"], "bearer");
    assert!(v["refresh_token"].is_string());
    assert_eq!(app.get("/v2/users/me", &access).await.0, 200);
    let (s, v) = json_of(exchange(&code, &good, REDIRECT, secret).await.unwrap()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "{v}"
    );
    assert_eq!(app.get("/v2/users/me", &access).await.0, 401);

    // An expired code (10 minutes).
    let (code, verifier) = authorize(&app, &client, "mia@acme.test", &[], "personal").await;
    app.clock.advance(time::Duration::seconds(601));
    let before = counts(&app).await;
    let (s, v) = json_of(
        exchange(&code, verifier.secret(), REDIRECT, secret)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(4733)), "{v}");
    assert_eq!(counts(&app).await, before);

    // Scope escalation on refresh.
    let t = tokens(&app, &client, "mia@acme.test", &["user:read"], "personal").await;
    let before = counts(&app).await;
    let refresh = t.refresh_token().unwrap().secret().clone();
    for scope in ["user:read meeting:read", "user:read:admin"] {
        let (s, v) = token_call(
            &app,
            Some((cid, secret)),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
                ("scope", scope),
            ],
        )
        .await;
        assert_eq!(
            (s, v["error"].as_str()),
            (400, Some("invalid_scope")),
            "{v}"
        );
    }
    // Another client cannot use it.
    let other = register(&app, &admin, "user_managed", "user:read", false).await;
    let (s, v) = token_call(
        &app,
        Some((
            other["client_id"].as_str().unwrap(),
            other["client_secret"].as_str().unwrap(),
        )),
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(4711)), "{v}");
    assert_eq!(counts(&app).await, before, "nothing granted");
    // Narrowing is allowed.
    let narrowed = client
        .exchange_refresh_token(&RefreshToken::new(refresh))
        .add_scope(Scope::new("user:read".into()))
        .request_async(&no_redirects())
        .await
        .unwrap();
    assert_eq!(narrowed.scopes().unwrap().len(), 1);
    // An unsupported grant type.
    let (s, v) = token_call(&app, Some((cid, secret)), &[("grant_type", "password")]).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    // An installed app's credentials do not work as a server-to-server app's.
    let tokens_before = app.db.count("oauth_tokens").await;
    let (s, v) = token_call(
        &app,
        Some((cid, secret)),
        &[
            ("grant_type", "account_credentials"),
            ("account_id", &acct.account_id),
        ],
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("unsupported_grant_type")),
        "{v}"
    );
    assert_eq!(app.db.count("oauth_tokens").await, tokens_before);
}

both_backends!(
    code_flow_with_pkce_refresh_and_revoke,
    authorize_refusals_grant_nothing,
    token_refusals_grant_nothing,
);
