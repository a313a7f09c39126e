//! The users API: add, list, update, status, unlink, delete, add-on settings; seats and the
//! payment gate. Every refusal is checked to store nothing.

use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

/// Rows in users, events and invitations, and seats used: what a refusal must leave alone.
async fn footprint(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.db.count("users").await,
        app.db.count("events").await,
        app.db.count("invitations").await,
        app.scalar("SELECT CAST(COALESCE(SUM(licensed_used + large_meeting_used + webinar_used), 0) AS BIGINT) FROM accounts")
            .await,
    )
}

async fn create_invites_a_pending_user(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let (s, body) = app
        .post(
            "/v2/users",
            &token,
            &json!({"action": "create", "user_info": {"email": "Teacher@Acme.test", "type": 1, "first_name": "Ada", "last_name": "Lovelace", "extra": 1}}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(body["email"], "teacher@acme.test");
    assert_eq!(body["type"], 1);
    assert_eq!(body["first_name"], "Ada");
    let id = body["id"].as_str().unwrap();
    let (s, user) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(s, 200);
    assert_eq!(user["status"], "pending");
    assert_eq!(user["display_name"], "Ada Lovelace");
    assert_eq!(user["verified"], 0);
    assert_eq!(user["role_id"], "2");
    // The invitation record, valid for 30 days.
    assert_eq!(app.db.count("invitations").await, 1);
    let days = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM invitations i JOIN users u ON u.id = i.user_id WHERE u.id = '{id}'"
        ))
        .await;
    assert_eq!(days, 1);
    // The event, Zoom-shaped.
    let db = app.db.open().await;
    let (kind, payload): (String, String) = db
        .read()
        .await
        .unwrap()
        .fetch_one("SELECT type, payload FROM events ORDER BY id DESC", &[])
        .await
        .unwrap();
    assert_eq!(kind, "user.created");
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["creation_type"], "create");
    assert_eq!(payload["object"]["email"], "teacher@acme.test");
    assert_eq!(payload["object"]["type"], 1);
}

async fn auto_and_cust_create(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let auto = |email: &str, password: Option<&str>| {
        let mut info = json!({"email": email, "type": 2});
        if let Some(p) = password {
            info["password"] = json!(p);
        }
        json!({"action": "autoCreate", "user_info": info})
    };
    // Not a managed domain yet.
    let before = footprint(&app).await;
    let (s, body) = app
        .post(
            "/v2/users",
            &token,
            &auto("ann@school.test", Some("Secr3tPass")),
        )
        .await;
    assert_zoom_error(s, &body, 400, 1116);
    assert_eq!(footprint(&app).await, before);

    app.cli(&["account", "add-domain", &acct.account_id, "School.TEST"])
        .await
        .unwrap();
    // Password missing, then weak.
    let (s, body) = app
        .post("/v2/users", &token, &auto("ann@school.test", None))
        .await;
    assert_zoom_error(s, &body, 400, 300);
    assert_eq!(body["errors"][0]["field"], "user_info.password");
    let (s, body) = app
        .post(
            "/v2/users",
            &token,
            &auto("ann@school.test", Some("weakpass")),
        )
        .await;
    assert_zoom_error(s, &body, 400, 300);
    let before = footprint(&app).await;
    assert_eq!(before.0, 1);

    let (s, body) = app
        .post(
            "/v2/users",
            &token,
            &auto("ann@school.test", Some("Secr3tPass")),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let (_, ann) = app.get("/v2/users/ann@school.test", &token).await;
    assert_eq!(ann["status"], "active");
    assert_eq!(ann["type"], 2);
    assert_eq!(ann["login_types"], json!([100]));
    assert_eq!(
        app.db.count("invitations").await,
        0,
        "active users have no invitation"
    );

    let id = app
        .add_user(&token, "custCreate", "bob@elsewhere.test", 1)
        .await;
    let (_, bob) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(bob["status"], "active");
    assert_eq!(
        bob["login_types"],
        json!([]),
        "custCreate users cannot sign in"
    );
}

async fn bad_creates_store_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    app.add_user(&token, "create", "taken@acme.test", 1).await;
    let other = app.create_account("Other", "boss@other.test", &[]).await;
    let _ = other;
    let before = footprint(&app).await;
    let cases: Vec<(Value, u16, i64, &str)> = vec![
        (
            json!({"action": "create", "user_info": {"email": "not-an-email", "type": 1}}),
            400,
            300,
            "user_info.email",
        ),
        (
            json!({"action": "create", "user_info": {"type": 1}}),
            400,
            300,
            "user_info.email",
        ),
        (
            json!({"action": "create", "user_info": {"email": "x@acme.test"}}),
            400,
            300,
            "user_info.type",
        ),
        (
            json!({"action": "create", "user_info": {"email": "x@acme.test", "type": 7}}),
            400,
            300,
            "user_info.type",
        ),
        (
            json!({"action": "create", "user_info": {"email": "x@acme.test", "type": 99}}),
            400,
            300,
            "user_info.type",
        ),
        (
            json!({"action": "invite", "user_info": {"email": "x@acme.test", "type": 1}}),
            400,
            300,
            "action",
        ),
        (
            json!({"user_info": {"email": "x@acme.test", "type": 1}}),
            400,
            300,
            "action",
        ),
        (json!({"action": "create"}), 400, 300, "user_info"),
        (
            json!({"action": "create", "user_info": {"email": "x@acme.test", "type": 1, "first_name": "x".repeat(65)}}),
            400,
            300,
            "user_info.first_name",
        ),
    ];
    for (body, status, code, field) in cases {
        let (s, v) = app.post("/v2/users", &token, &body).await;
        assert_zoom_error(s, &v, status, code);
        assert_eq!(v["errors"][0]["field"], field, "{body} → {v}");
    }
    // On-prem is off for this account.
    let (s, v) = app
        .post(
            "/v2/users",
            &token,
            &json!({"action": "create", "user_info": {"email": "x@acme.test", "type": 3}}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 1108);
    // Taken emails: in this account (any case) and in another account.
    for email in ["TAKEN@acme.test", "boss@other.test"] {
        let (s, v) = app
            .post(
                "/v2/users",
                &token,
                &json!({"action": "create", "user_info": {"email": email, "type": 1}}),
            )
            .await;
        assert_zoom_error(s, &v, 409, 1005);
    }
    // Malformed JSON.
    let res = app
        .client
        .post(app.url("/v2/users"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"action\": \"create\", ")
        .send()
        .await
        .unwrap();
    let (s, v) = crate::support::json_of(res).await;
    assert_zoom_error(s, &v, 400, 300);
    assert_eq!(footprint(&app).await, before);
}

async fn free_accounts_need_a_verified_payment_method(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app.create_account("Free", "o@free.test", &[]).await;
    let token = app.token(&acct).await;
    let before = footprint(&app).await;
    let body = json!({"action": "create", "user_info": {"email": "a@free.test", "type": 1}});
    let (s, v) = app.post("/v2/users", &token, &body).await;
    assert_zoom_error(s, &v, 400, 200);
    assert!(
        v["message"].as_str().unwrap().contains("verify-payment"),
        "{v}"
    );
    assert_eq!(footprint(&app).await, before);
    app.cli(&["account", "verify-payment", &acct.account_id])
        .await
        .unwrap();
    let (s, v) = app.post("/v2/users", &token, &body).await;
    assert_eq!(s, 201, "{v}");
    // Still no paid seats on a free plan.
    let (s, v) = app
        .post(
            "/v2/users",
            &token,
            &json!({"action": "create", "user_info": {"email": "b@free.test", "type": 2}}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 3412);
}

async fn seat_pool_is_never_oversold(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app
        .create_account(
            "Small",
            "o@small.test",
            &[
                "--plan",
                "pro",
                "--licensed-seats",
                "2",
                "--large-meeting-seats",
                "1",
            ],
        )
        .await;
    let token = app.token(&acct).await;
    let used = || app.scalar("SELECT licensed_used FROM accounts WHERE licensed_seats = 2");
    assert_eq!(used().await, 1, "the Owner holds one");
    let lic = app
        .add_user(&token, "custCreate", "lic@small.test", 2)
        .await;
    assert_eq!(used().await, 2);
    let before = footprint(&app).await;
    let (s, v) = app
        .post(
            "/v2/users",
            &token,
            &json!({"action": "create", "user_info": {"email": "more@small.test", "type": 2}}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 3412);
    assert_eq!(footprint(&app).await, before);
    let basic = app
        .add_user(&token, "custCreate", "basic@small.test", 1)
        .await;
    let (s, v) = app
        .patch(&format!("/v2/users/{basic}"), &token, &json!({"type": 2}))
        .await;
    assert_zoom_error(s, &v, 400, 3412);
    // Deactivating returns the seat; the Basic user can take it.
    let (s, _) = app
        .put(
            &format!("/v2/users/{lic}/status"),
            &token,
            &json!({"action": "deactivate"}),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(used().await, 1);
    let (s, v) = app
        .patch(&format!("/v2/users/{basic}"), &token, &json!({"type": 2}))
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(used().await, 2);
    // Reactivation needs the seat back, which is gone.
    let (s, v) = app
        .put(
            &format!("/v2/users/{lic}/status"),
            &token,
            &json!({"action": "activate"}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 3412);
    let (_, u) = app.get(&format!("/v2/users/{lic}"), &token).await;
    assert_eq!(u["status"], "inactive");
    // Downgrading frees a seat again; now reactivation works.
    let (s, _) = app
        .patch(&format!("/v2/users/{basic}"), &token, &json!({"type": 1}))
        .await;
    assert_eq!(s, 204);
    let (s, _) = app
        .put(
            &format!("/v2/users/{lic}/status"),
            &token,
            &json!({"action": "activate"}),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(used().await, 2);
}

async fn add_ons_need_a_licence_and_a_seat(b: Backend) {
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
    let basic = app
        .add_user(&token, "custCreate", "basic@small.test", 1)
        .await;
    let lic = app
        .add_user(&token, "custCreate", "lic@small.test", 2)
        .await;
    let before = footprint(&app).await;
    let lm = json!({"feature": {"large_meeting": true, "large_meeting_capacity": 500}});
    let (s, v) = app
        .patch(&format!("/v2/users/{basic}/settings"), &token, &lm)
        .await;
    assert_zoom_error(s, &v, 400, 1108);
    let (s, v) = app
        .patch(
            &format!("/v2/users/{lic}/settings"),
            &token,
            &json!({"feature": {"large_meeting": true, "large_meeting_capacity": 700}}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 300);
    assert_eq!(footprint(&app).await, before);
    let (s, v) = app
        .patch(&format!("/v2/users/{lic}/settings"), &token, &lm)
        .await;
    assert_eq!(s, 204, "{v}");
    let (_, settings) = app.get(&format!("/v2/users/{lic}/settings"), &token).await;
    assert_eq!(settings["feature"]["large_meeting"], true);
    assert_eq!(settings["feature"]["large_meeting_capacity"], 500);
    let (_, settings) = app
        .get(&format!("/v2/users/{basic}/settings"), &token)
        .await;
    assert_eq!(settings["feature"]["large_meeting"], false);
    assert_eq!(
        settings["feature"]["meeting_duration_limit"], 40,
        "Basic meetings end at 40 minutes"
    );
    // The only Large Meeting seat is taken.
    let (_, owner) = app.get("/v2/users/me", &token).await;
    let (s, v) = app
        .patch(
            &format!("/v2/users/{}/settings", owner["id"].as_str().unwrap()),
            &token,
            &lm,
        )
        .await;
    assert_zoom_error(s, &v, 400, 3412);
    // Downgrading the holder to Basic gives the add-on back.
    let (s, _) = app
        .patch(&format!("/v2/users/{lic}"), &token, &json!({"type": 1}))
        .await;
    assert_eq!(s, 204);
    assert_eq!(
        app.scalar("SELECT large_meeting_used FROM accounts WHERE licensed_seats = 3")
            .await,
        0
    );
    let (_, settings) = app.get(&format!("/v2/users/{lic}/settings"), &token).await;
    assert_eq!(settings["feature"]["large_meeting"], false);
}

async fn list_pages_by_keyset(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    for i in 0..7 {
        app.add_user(&token, "custCreate", &format!("u{i}@acme.test"), 1)
            .await;
    }
    app.add_user(&token, "create", "pending@acme.test", 1).await;
    let mut seen = Vec::new();
    let mut next = String::new();
    loop {
        let (s, page) = app
            .get(
                &format!("/v2/users?page_size=3&next_page_token={next}"),
                &token,
            )
            .await;
        assert_eq!(s, 200, "{page}");
        if next.is_empty() {
            assert_eq!(page["total_records"], 8, "owner + 7 active");
            assert_eq!(page["page_count"], 3);
        }
        assert_eq!(page["page_size"], 3);
        for u in page["users"].as_array().unwrap() {
            seen.push(u["email"].as_str().unwrap().to_owned());
        }
        next = page["next_page_token"].as_str().unwrap().to_owned();
        if next.is_empty() {
            break;
        }
        // A user added between pages does not disturb the paging.
        app.add_user(
            &token,
            "custCreate",
            &format!("late{}@acme.test", seen.len()),
            1,
        )
        .await;
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "ordered by email, no duplicates");
    for i in 0..7 {
        assert!(seen.contains(&format!("u{i}@acme.test")), "{seen:?}");
    }
    // Offset paging, status and role filters, search.
    let (_, page2) = app.get("/v2/users?page_size=3&page_number=2", &token).await;
    assert_eq!(page2["page_number"], 2);
    assert_eq!(page2["users"].as_array().unwrap().len(), 3);
    let (_, pending) = app.get("/v2/users?status=pending", &token).await;
    assert_eq!(pending["total_records"], 1);
    assert_eq!(pending["users"][0]["email"], "pending@acme.test");
    let (_, owners) = app.get("/v2/users?role_id=0", &token).await;
    assert_eq!(owners["total_records"], 1);
    assert_eq!(owners["users"][0]["email"], "owner@acme.test");
    let (_, found) = app.get("/v2/users?search=U3", &token).await;
    assert_eq!(found["total_records"], 1, "{found}");
    let (_, found) = app.get("/v2/users?search=100%25", &token).await;
    assert_eq!(found["total_records"], 0, "LIKE wildcards are literal");
    // Names are found whatever the case of the search's ASCII letters.
    let (s, v) = app
        .patch(
            "/v2/users/u4@acme.test",
            &token,
            &json!({"first_name": "Kasia", "last_name": "Nowak-żak"}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    for search in ["kasia", "KASIA", "nowak-%C5%BC", "NOWAK-%C5%BCAK"] {
        let (_, found) = app.get(&format!("/v2/users?search={search}"), &token).await;
        assert_eq!(found["total_records"], 1, "{search}: {found}");
        assert_eq!(found["users"][0]["email"], "u4@acme.test", "{search}");
    }
    // The total of a search whose first page holds every match is that page's length; one
    // with more matches than a page counts them all, on every page.
    let (_, all) = app.get("/v2/users?search=acme&page_size=300", &token).await;
    let n = all["users"].as_array().unwrap().len();
    assert!(n > 3, "{all}");
    assert_eq!(all["total_records"], n);
    let (_, first) = app.get("/v2/users?search=acme&page_size=3", &token).await;
    assert_eq!(first["total_records"], n, "{first}");
    assert_eq!(first["page_count"], n.div_ceil(3));
    let next = first["next_page_token"].as_str().unwrap();
    let (_, second) = app
        .get(
            &format!("/v2/users?search=acme&page_size=3&next_page_token={next}"),
            &token,
        )
        .await;
    assert_eq!(second["total_records"], n, "{second}");
    let (_, with_attrs) = app
        .get("/v2/users?include_fields=custom_attributes", &token)
        .await;
    assert!(with_attrs["users"][0]["custom_attributes"].is_array());
    let (_, without) = app.get("/v2/users", &token).await;
    assert!(without["users"][0].get("custom_attributes").is_none());
}

async fn list_refuses_bad_parameters(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    for q in [
        "page_size=0",
        "page_size=2001",
        "page_size=abc",
        "page_number=0",
        "status=deleted",
        "next_page_token=bogus",
        "next_page_token=MToxOng",
    ] {
        let (s, v) = app.get(&format!("/v2/users?{q}"), &token).await;
        assert_zoom_error(s, &v, 400, 300);
    }
    let (s, v) = app.get("/v2/users?page_size=2000&unknown=1", &token).await;
    assert_eq!(s, 200, "{v}");
}

async fn email_check(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    app.create_account("Other", "boss@other.test", &[]).await;
    let (s, v) = app
        .get("/v2/users/email?email=OWNER@acme.test", &token)
        .await;
    assert_eq!((s, v["existed_email"].clone()), (200, json!(true)));
    let (_, v) = app
        .get("/v2/users/email?email=boss@other.test", &token)
        .await;
    assert_eq!(
        v["existed_email"], true,
        "emails are unique across the installation"
    );
    let (_, v) = app
        .get("/v2/users/email?email=nobody@acme.test", &token)
        .await;
    assert_eq!(v["existed_email"], false);
    let (s, v) = app.get("/v2/users/email", &token).await;
    assert_zoom_error(s, &v, 400, 300);
    let (s, v) = app.get("/v2/users/email?email=nope", &token).await;
    assert_zoom_error(s, &v, 400, 300);
}

async fn update_profile(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let id = app.add_user(&token, "custCreate", "t@acme.test", 1).await;
    let path = format!("/v2/users/{id}");
    let (_, badge) = app
        .post(
            "/v2/accounts/me/custom_attributes",
            &token,
            &json!({"name": "Badge", "type": "number"}),
        )
        .await;
    let (s, v) = app
        .patch(
            &path,
            &token,
            &json!({"first_name": "Grace", "last_name": "Hopper", "dept": "Maths", "job_title": "Teacher",
                    "location": "Room 4", "manager": "owner@acme.test", "company": "Acme", "phone_number": "+1 555",
                    "timezone": "Europe/Paris", "language": "fr-FR", "use_pmi": true,
                    "custom_attributes": [{"key": badge["key"], "name": "Badge", "value": "42"}], "unknown": true}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    let (_, u) = app.get(&path, &token).await;
    assert_eq!(u["display_name"], "Grace Hopper");
    assert_eq!(u["dept"], "Maths");
    assert_eq!(u["timezone"], "Europe/Paris");
    assert_eq!(u["use_pmi"], true);
    assert_eq!(u["custom_attributes"][0]["value"], "42");
    let db = app.db.open().await;
    let payload: String = db
        .read()
        .await
        .unwrap()
        .fetch_one(
            "SELECT payload FROM events WHERE type = 'user.updated' ORDER BY id DESC",
            &[],
        )
        .await
        .unwrap();
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["object"]["dept"], "Maths");
    assert_eq!(payload["old_object"]["dept"], "");
    assert_eq!(payload["old_object"]["id"], id.as_str());

    // Refusals change nothing.
    let before = footprint(&app).await;
    for (body, status, code) in [
        (json!({"first_name": "x".repeat(65)}), 400, 300),
        (json!({"type": 9}), 400, 300),
        (json!({"pmi": 123}), 400, 300),
        (
            json!({"custom_attributes": [{"key": "a", "value": "1"}, {"key": "b", "value": "1"}, {"key": "c", "value": "1"}, {"key": "d", "value": "1"}, {"key": "e", "value": "1"}, {"key": "f", "value": "1"}]}),
            400,
            300,
        ),
        (json!({"group_id": "nope"}), 404, 4130),
    ] {
        let (s, v) = app.patch(&path, &token, &body).await;
        assert_zoom_error(s, &v, status, code);
    }
    let (_, owner) = app.get("/v2/users/me", &token).await;
    let (s, v) = app
        .patch(&path, &token, &json!({"pmi": owner["pmi"]}))
        .await;
    assert_zoom_error(s, &v, 400, 300);
    assert_eq!(footprint(&app).await, before);
    let (_, again) = app.get(&path, &token).await;
    assert_eq!(again["first_name"], "Grace");
}

async fn status_rules(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let id = app.add_user(&token, "custCreate", "t@acme.test", 2).await;
    let pending = app.add_user(&token, "create", "p@acme.test", 1).await;
    let before = footprint(&app).await;
    for (who, body, status, code) in [
        (
            acct.owner_id.as_str(),
            json!({"action": "deactivate"}),
            400,
            200,
        ),
        (id.as_str(), json!({"action": "suspend"}), 400, 300),
        (id.as_str(), json!({}), 400, 300),
        (pending.as_str(), json!({"action": "deactivate"}), 400, 300),
        (
            "AAAAAAAAAAAAAAAAAAAAAA",
            json!({"action": "deactivate"}),
            404,
            1001,
        ),
    ] {
        let (s, v) = app
            .put(&format!("/v2/users/{who}/status"), &token, &body)
            .await;
        assert_zoom_error(s, &v, status, code);
    }
    assert_eq!(footprint(&app).await, before);
    let (s, _) = app
        .put(
            &format!("/v2/users/{id}/status"),
            &token,
            &json!({"action": "deactivate"}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, u) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(u["status"], "inactive");
    let (_, inactive) = app.get("/v2/users?status=inactive", &token).await;
    assert_eq!(inactive["total_records"], 1);
    let (s, _) = app
        .put(
            &format!("/v2/users/{id}/status"),
            &token,
            &json!({"action": "activate"}),
        )
        .await;
    assert_eq!(s, 204);
    let kinds = app
        .scalar("SELECT COUNT(*) FROM events WHERE type IN ('user.deactivated', 'user.activated')")
        .await;
    assert_eq!(kinds, 2);
}

async fn unlink_and_delete(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    app.cli(&["account", "add-domain", &acct.account_id, "acme.test"])
        .await
        .unwrap();
    let member = app
        .add_user(&token, "custCreate", "leaver@gmail.test", 2)
        .await;
    let managed = app
        .add_user(&token, "custCreate", "staff@acme.test", 1)
        .await;
    let pending = app
        .add_user(&token, "create", "invitee@gmail.test", 2)
        .await;
    let doomed = app
        .add_user(&token, "custCreate", "doomed@gmail.test", 1)
        .await;
    let before = footprint(&app).await;
    for (path, status, code) in [
        (format!("/v2/users/{managed}"), 400, 1107),
        (format!("/v2/users/{}", acct.owner_id), 400, 200),
        (format!("/v2/users/{}?action=delete", acct.owner_id), 400, 200),
        (format!("/v2/users/{doomed}?action=erase"), 400, 300),
        (format!("/v2/users/{doomed}?action=delete&transfer_meeting=true"), 400, 300),
        (format!("/v2/users/{doomed}?action=delete&transfer_email=nobody@acme.test&transfer_meeting=true"), 404, 1001),
        (format!("/v2/users/{doomed}?action=delete&transfer_meeting=maybe"), 400, 300),
        ("/v2/users/AAAAAAAAAAAAAAAAAAAAAA".to_owned(), 404, 1001),
    ] {
        let (s, v) = app.delete(&path, &token).await;
        assert_zoom_error(s, &v, status, code);
    }
    assert_eq!(footprint(&app).await, before);

    // Unlink: the user leaves with their data, as Owner of a new free account; the seat stays.
    let seats = app
        .scalar("SELECT licensed_used FROM accounts WHERE licensed_seats = 10")
        .await;
    let (s, v) = app.delete(&format!("/v2/users/{member}"), &token).await;
    assert_eq!(s, 204, "{v}");
    let (s, _) = app.get(&format!("/v2/users/{member}"), &token).await;
    assert_eq!(s, 404);
    assert_eq!(
        app.scalar("SELECT licensed_used FROM accounts WHERE licensed_seats = 10")
            .await,
        seats - 1
    );
    assert_eq!(app.db.count("accounts").await, 2);
    let moved = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM users u JOIN accounts a ON a.id = u.account_id \
             WHERE u.id = '{member}' AND a.owner_id = u.id AND u.role_id = '0' AND u.type = 1 AND a.plan = 'free'"
        ))
        .await;
    assert_eq!(moved, 1);
    // A pending user: the invitation is withdrawn and the seat returned.
    let (s, _) = app.delete(&format!("/v2/users/{pending}"), &token).await;
    assert_eq!(s, 204);
    assert_eq!(app.db.count("invitations").await, 0);
    assert_eq!(
        app.scalar("SELECT licensed_used FROM accounts WHERE licensed_seats = 10")
            .await,
        seats - 2
    );
    // Delete, transferring to the Owner.
    let (s, v) = app
        .delete(&format!("/v2/users/{doomed}?action=delete&transfer_email=owner@acme.test&transfer_meeting=true&transfer_recording=true"), &token)
        .await;
    assert_eq!(s, 204, "{v}");
    let (s, _) = app.get(&format!("/v2/users/{doomed}"), &token).await;
    assert_eq!(s, 404);
    let (_, list) = app.get("/v2/users", &token).await;
    assert_eq!(
        list["total_records"], 2,
        "owner and the managed-domain user: {list}"
    );
    for kind in ["user.disassociated", "user.deleted"] {
        assert!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM events WHERE type = '{kind}'"
            ))
            .await
                >= 1,
            "{kind}"
        );
    }
}

async fn another_accounts_users_are_invisible(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let other = app
        .create_account(
            "Other",
            "boss@other.test",
            &["--plan", "pro", "--licensed-seats", "2"],
        )
        .await;
    let other_token = app.token(&other).await;
    let theirs = app
        .add_user(&other_token, "custCreate", "theirs@other.test", 1)
        .await;
    let before = footprint(&app).await;
    let p = format!("/v2/users/{theirs}");
    let checks = [
        app.get(&p, &token).await,
        app.patch(&p, &token, &json!({"first_name": "x"})).await,
        app.put(
            &format!("{p}/status"),
            &token,
            &json!({"action": "deactivate"}),
        )
        .await,
        app.delete(&p, &token).await,
        app.delete(&format!("{p}?action=delete"), &token).await,
        app.patch(
            &format!("{p}/settings"),
            &token,
            &json!({"feature": {"webinar": true}}),
        )
        .await,
        app.put(
            &format!("{p}/password"),
            &token,
            &json!({"password": "N3wSecret"}),
        )
        .await,
    ];
    for (s, v) in checks {
        assert_zoom_error(s, &v, 404, 1001);
    }
    let (_, list) = app.get("/v2/users", &token).await;
    assert!(!list.to_string().contains("theirs@other.test"));
    assert_eq!(footprint(&app).await, before);
}

async fn deleting_a_user_removes_their_apps(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let id = app.add_user(&owner, "custCreate", "dev@acme.test", 1).await;
    let dev_token = app.token_for_user(&acct, "dev@acme.test").await;
    assert_eq!(app.db.count("oauth_apps").await, 2);
    let (s, v) = app
        .delete(&format!("/v2/users/{id}?action=delete"), &owner)
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(
        app.db.count("oauth_apps").await,
        1,
        "the app went with its user"
    );
    let (s, v) = app.get("/v2/users/me", &dev_token).await;
    assert_zoom_error(s, &v, 401, 124);
}

both_backends!(
    deleting_a_user_removes_their_apps,
    create_invites_a_pending_user,
    auto_and_cust_create,
    bad_creates_store_nothing,
    free_accounts_need_a_verified_payment_method,
    seat_pool_is_never_oversold,
    add_ons_need_a_licence_and_a_seat,
    list_pages_by_keyset,
    list_refuses_bad_parameters,
    email_check,
    update_profile,
    status_rules,
    unlink_and_delete,
    another_accounts_users_are_invisible,
);
