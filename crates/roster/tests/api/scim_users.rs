//! `/scim2` discovery and Users, driven by python-scim's real client (scripts in
//! `tests/scim/users_*.py` and `discovery_check.py`) and checked through `/v2/users`, the
//! audit log and the database: every capability, every refusal with nothing changed, the
//! protocol checker, and a 1,000-user provisioning run.

use crate::scopes::scoped_token;
use crate::support::{scim_client, spawn_app, Backend, Created, TestApp};
use serde_json::{json, Value};

const SCIM: &str = "application/scim+json";

/// An account with seats, `acme.test` as a verified managed domain, and a `scim2` token.
async fn setup(app: &TestApp, licensed: &str) -> (Created, String, String) {
    // Add-on licences need as many Licensed seats.
    let add_ons = licensed.parse::<u32>().unwrap().min(50).to_string();
    let acct = app
        .create_account(
            "Acme",
            "owner@acme.test",
            &[
                "--plan",
                "business",
                "--licensed-seats",
                licensed,
                "--large-meeting-seats",
                &add_ons,
                "--webinar-seats",
                &add_ons,
            ],
        )
        .await;
    app.cli(&[
        "account",
        "domain",
        "add",
        &acct.account_id,
        "acme.test",
        "--verified",
    ])
    .await
    .unwrap();
    let scim = scoped_token(app, &acct, "owner@acme.test", "scim2").await;
    let rest = app.token(&acct).await;
    (acct, scim, rest)
}

async fn users_and_events(app: &TestApp) -> (i64, i64) {
    (
        app.scalar("SELECT COUNT(*) FROM users").await,
        app.scalar("SELECT COUNT(*) FROM events").await,
    )
}

async fn lifecycle_through_the_scim_client(b: Backend) {
    let app = spawn_app(b).await;
    let (_, scim, rest) = setup(&app, "20").await;
    let ids = scim_client::run(
        "users_crud.py",
        &app.url("/scim2"),
        &scim,
        &["acme.test", "owner@acme.test"],
    )
    .await;
    let (ann, bob, cy) = (
        ids["ann"].as_str().unwrap(),
        ids["bob"].as_str().unwrap(),
        ids["cy"].as_str().unwrap(),
    );
    // What SCIM did, as the REST API sees it.
    let (s, u) = app.get(&format!("/v2/users/{ann}"), &rest).await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(
        (
            u["status"].as_str(),
            u["job_title"].as_str(),
            u["first_name"].as_str()
        ),
        (Some("active"), Some("Chair"), Some("Anna")),
        "{u}"
    );
    let (_, pending) = app.get("/v2/users?status=pending", &rest).await;
    let pending: Vec<&str> = pending["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(pending, [bob], "outside the managed domain: invited");
    let (s, _) = app.get(&format!("/v2/users/{cy}"), &rest).await;
    assert_eq!(s, 404, "deleted through SCIM");

    // The same events as REST, with the app and interface on each, and the audit log says so.
    for kind in [
        "user.created",
        "user.updated",
        "user.deactivated",
        "user.activated",
        "user.deleted",
    ] {
        let n = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM events WHERE type = '{kind}' AND payload LIKE '%\"interface\":\"scim2\"%'"
            ))
            .await;
        assert!(n > 0, "no SCIM {kind} event");
    }
    let (s, log) = app
        .get("/v2/report/operationlogs?page_size=300", &rest)
        .await;
    assert_eq!(s, 200, "{log}");
    let details: Vec<&str> = log["operation_logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == ann)
        .map(|e| e["operation_detail"].as_str().unwrap())
        .collect();
    assert!(
        !details.is_empty() && details.iter().all(|d| d.contains("through SCIM2 by app")),
        "{details:?}"
    );
}

async fn the_protocol_checker_passes(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, scim, _) = setup(&app, "500").await;
    let report = scim_client::run(
        "users_tester.py",
        &app.url("/scim2"),
        &scim,
        &[&acct.owner_id, "acme.test"],
    )
    .await;
    let passed = report
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "SUCCESS")
        .count();
    assert!(passed >= 70, "{report}");
}

async fn a_provisioning_run_of_1000_users(b: Backend) {
    let app = spawn_app(b).await;
    let (_, scim, rest) = setup(&app, "5").await;
    let out = scim_client::run(
        "users_provision.py",
        &app.url("/scim2"),
        &scim,
        &["acme.test"],
    )
    .await;
    assert_eq!(
        out,
        json!({"created": 1000, "updated": 100, "deactivated": 50})
    );
    let (_, active) = app.get("/v2/users?page_size=1", &rest).await;
    assert_eq!(
        active["total_records"], 951,
        "the owner and 950 provisioned"
    );
    let (_, inactive) = app
        .get("/v2/users?status=inactive&page_size=300", &rest)
        .await;
    assert_eq!(inactive["total_records"], 50, "{inactive}");
    let (_, one) = app.get("/v2/users/p0007@acme.test", &rest).await;
    assert_eq!(
        (
            one["job_title"].as_str(),
            one["last_name"].as_str(),
            one["type"].as_i64()
        ),
        (Some("Engineer"), Some("Renamed7"), Some(1))
    );
}

async fn discovery_needs_a_scim2_token(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, scim, _) = setup(&app, "5").await;
    let other = scoped_token(&app, &acct, "owner@acme.test", "user:read:admin").await;
    scim_client::run("discovery_check.py", &app.url("/scim2"), &scim, &[&other]).await;
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
    ct: &str,
) -> (u16, Value) {
    let res = app
        .client
        .request(method.parse().unwrap(), app.url(path))
        .bearer_auth(token)
        .header("content-type", ct)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(SCIM),
        "{path}"
    );
    (status, res.json().await.unwrap_or(Value::Null))
}

fn user(email: &str, extra: Value) -> String {
    let mut body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:roster:params:scim:schemas:extension:roster:2.0:User"],
        "userName": email,
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body.to_string()
}

async fn refusals_change_nothing(b: Backend) {
    let app = spawn_app(b).await;
    // One licensed seat: the owner's.
    let (_, scim, _) = setup(&app, "1").await;
    let (s, basic) = send(
        &app,
        "POST",
        "/scim2/Users",
        &scim,
        &user("basic@acme.test", json!({})),
        SCIM,
    )
    .await;
    assert_eq!(s, 201, "{basic}");
    let id = basic["id"].as_str().unwrap().to_owned();
    let other = app
        .create_account(
            "Other",
            "owner@other.test",
            &["--plan", "business", "--licensed-seats", "2"],
        )
        .await;
    let before = users_and_events(&app).await;

    // Oversold seats: a Licensed user, or an upgrade, needs a seat there is not.
    let licensed =
        json!({"urn:roster:params:scim:schemas:extension:roster:2.0:User": {"userType": 2}});
    let (s, e) = send(
        &app,
        "POST",
        "/scim2/Users",
        &scim,
        &user("lic@acme.test", licensed.clone()),
        SCIM,
    )
    .await;
    assert_eq!((s, e["status"].as_str()), (400, Some("400")), "{e}");
    assert!(e["detail"].as_str().unwrap().contains("Licensed"), "{e}");
    let put = user("basic@acme.test", licensed);
    let (s, e) = send(
        &app,
        "PUT",
        &format!("/scim2/Users/{id}"),
        &scim,
        &put,
        SCIM,
    )
    .await;
    assert_eq!(s, 400, "{e}");
    // Bodies that are not SCIM JSON.
    let (s, e) = send(&app, "POST", "/scim2/Users", &scim, "{not json", SCIM).await;
    assert_eq!((s, e["scimType"].as_str()), (400, Some("invalidSyntax")));
    let (s, e) = send(
        &app,
        "POST",
        "/scim2/Users",
        &scim,
        &user("x@acme.test", json!({})),
        "text/plain",
    )
    .await;
    assert_eq!((s, e["scimType"].as_str()), (400, Some("invalidSyntax")));
    // Plain JSON is accepted as SCIM JSON (the body is refused for its own reason here).
    let (s, e) = send(
        &app,
        "POST",
        "/scim2/Users",
        &scim,
        &user("x@acme.test", json!({"bogus": 1})),
        "application/json",
    )
    .await;
    assert_eq!((s, e["scimType"].as_str()), (400, Some("invalidValue")));
    // Another account's user is not found, for reading and for every change.
    let theirs = format!("/scim2/Users/{}", other.owner_id);
    for method in ["GET", "PUT", "PATCH", "DELETE"] {
        let body = match method {
            "PATCH" => json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                              "Operations": [{"op": "replace", "path": "title", "value": "x"}]})
            .to_string(),
            _ => user("owner@other.test", json!({})),
        };
        let (s, e) = send(&app, method, &theirs, &scim, &body, SCIM).await;
        assert_eq!(s, 404, "{method}: {e}");
    }
    assert_eq!(
        users_and_events(&app).await,
        before,
        "a refusal changed something"
    );
}

async fn the_delete_action_is_an_account_setting(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, scim, rest) = setup(&app, "5").await;
    let show = app
        .cli(&["account", "scim-delete-action", &acct.account_id])
        .await
        .unwrap();
    assert!(show.contains(": delete"), "{show}");
    let out = app
        .cli(&[
            "account",
            "scim-delete-action",
            &acct.account_id,
            "disassociate",
        ])
        .await
        .unwrap();
    assert!(out.contains(": disassociate"), "{out}");
    let err = app
        .cli(&["account", "scim-delete-action", &acct.account_id, "shred"])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("delete or disassociate"), "{err}");
    // Managed-domain users cannot be unlinked: refused, nothing changed.
    let (_, u) = send(
        &app,
        "POST",
        "/scim2/Users",
        &scim,
        &user("m@acme.test", json!({})),
        SCIM,
    )
    .await;
    let id = u["id"].as_str().unwrap();
    let before = users_and_events(&app).await;
    let res = app
        .client
        .delete(app.url(&format!("/scim2/Users/{id}")))
        .bearer_auth(&scim)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(users_and_events(&app).await, before);
    let (s, _) = app.get(&format!("/v2/users/{id}"), &rest).await;
    assert_eq!(s, 200);
}

/// The ETag moves with every change, whichever interface makes it (a trigger bumps the
/// version on every update of the user's row).
async fn rest_changes_move_the_etag(b: Backend) {
    let app = spawn_app(b).await;
    let (_, scim, rest) = setup(&app, "5").await;
    let (_, u) = send(
        &app,
        "POST",
        "/scim2/Users",
        &scim,
        &user("e@acme.test", json!({})),
        SCIM,
    )
    .await;
    let id = u["id"].as_str().unwrap().to_owned();
    let version = |u: &Value| u["meta"]["version"].as_str().unwrap().to_owned();
    let mut seen = vec![version(&u)];
    let (s, _) = app
        .patch(
            &format!("/v2/users/{id}"),
            &rest,
            &json!({"job_title": "Dean"}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, u) = send(&app, "GET", &format!("/scim2/Users/{id}"), &scim, "", SCIM).await;
    assert_eq!(u["title"], "Dean");
    seen.push(version(&u));
    let (s, _) = app
        .put(
            &format!("/v2/users/{id}/status"),
            &rest,
            &json!({"action": "deactivate"}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, u) = send(&app, "GET", &format!("/scim2/Users/{id}"), &scim, "", SCIM).await;
    assert_eq!(u["active"], false);
    seen.push(version(&u));
    let mut distinct = seen.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "{seen:?}");
    // The old tag is refused now, and nothing changes.
    let res = app
        .client
        .delete(app.url(&format!("/scim2/Users/{id}")))
        .bearer_auth(&scim)
        .header("if-match", seen[0].as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 412);
    let (s, _) = app.get(&format!("/v2/users/{id}"), &rest).await;
    assert_eq!(s, 200);
}

both_backends!(
    rest_changes_move_the_etag,
    lifecycle_through_the_scim_client,
    the_protocol_checker_passes,
    a_provisioning_run_of_1000_users,
    discovery_needs_a_scim2_token,
    refusals_change_nothing,
    the_delete_action_is_an_account_setting,
);
