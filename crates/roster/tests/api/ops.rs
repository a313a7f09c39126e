//! `/healthz`, `/metrics`, `/openapi.json`, unknown routes and request ids.

use crate::support::{assert_zoom_error, json_of, spawn_app, Backend};

async fn healthz_checks_the_database(b: Backend) {
    let app = spawn_app(b).await;
    let (s, body) = json_of(app.client.get(app.url("/healthz")).send().await.unwrap()).await;
    assert_eq!(s, 200);
    assert_eq!(body["status"], "ok");
}

async fn metrics_count_requests(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    app.get("/v2/users/me", &token).await;
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("openmetrics-text"));
    let text = res.text().await.unwrap();
    assert!(
        text.contains(
            r#"roster_http_requests_total{method="GET",route="/v2/users/{userId}",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains("roster_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("roster_build_info"), "{text}");
}

async fn openapi_describes_the_routes(b: Backend) {
    let app = spawn_app(b).await;
    let (s, doc) = json_of(
        app.client
            .get(app.url("/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/oauth/token",
        "/v2/users/{userId}",
        "/v2/users/{userId}/password",
        "/v2/users/{userId}/invitation",
        "/v2/users/{userId}/invitation/link",
        "/v2/users/{userId}/settings",
        "/v2/accounts/{accountId}/settings",
        "/v2/accounts/{accountId}/lock_settings",
        "/v2/groups/{groupId}/settings",
        "/v2/groups/{groupId}/lock_settings",
        "/healthz",
        "/metrics",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["UserObject"].is_object());
    assert!(doc["components"]["schemas"]["InvitationLinkObject"].is_object());
    assert!(
        doc["paths"]["/v2/users/{userId}/invitation/link"]["post"]["responses"]["201"].is_object()
    );
}

async fn unknown_routes_are_zoom_errors(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let (s, body) = app.get("/v2/no/such/thing", &token).await;
    assert_zoom_error(s, &body, 404, 2300);
    let (s, body) = json_of(app.client.get(app.url("/nope")).send().await.unwrap()).await;
    assert_zoom_error(s, &body, 404, 2300);
    let (s, body) = json_of(app.client.delete(app.url("/healthz")).send().await.unwrap()).await;
    assert_zoom_error(s, &body, 405, 2300);
}

async fn responses_carry_a_request_id(b: Backend) {
    let app = spawn_app(b).await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"].len(), 36);
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "mine-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "mine-123");
}

both_backends!(
    healthz_checks_the_database,
    metrics_count_requests,
    openapi_describes_the_routes,
    unknown_routes_are_zoom_errors,
    responses_carry_a_request_id,
);
