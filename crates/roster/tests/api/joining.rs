//! Standalone accounts and joining: a person signs up for a free account of their own
//! (`--allow-signup`), or has one after being unlinked; an organisation that invites their email
//! sends an invitation to join, and accepting moves the person in with their data, closes the
//! old account and records a prorated refund of a paid plan. Every refusal changes nothing.

use crate::support::{spawn_app_with, Backend, TestApp};
use serde_json::{json, Value};

/// The newest mail to `to`: (kind, subject, the raw activation token).
async fn mail_to(app: &TestApp, to: &str) -> (String, String, String) {
    let list = app.cli(&["mail", "list", "--json"]).await.unwrap();
    let m: Value = list
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|m| m["to"] == to)
        .unwrap_or_else(|| panic!("no mail to {to} in {list}"));
    let shown = app
        .cli(&["mail", "show", &m["id"].to_string()])
        .await
        .unwrap();
    let link = shown
        .split_whitespace()
        .find(|w| w.contains("/activate?token="))
        .unwrap();
    let token = link.rsplit('=').next().unwrap().to_owned();
    (
        m["kind"].as_str().unwrap().to_owned(),
        m["subject"].as_str().unwrap().to_owned(),
        token,
    )
}

async fn form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let res = app
        .client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Runs one statement with parameters (test fixtures for data no API writes yet).
async fn exec(app: &TestApp, sql: &str, params: &[roster_store::Param<'_>]) {
    let db = app.db.open().await;
    let mut tx = db.begin().await.unwrap();
    tx.execute(sql, params).await.unwrap();
    tx.commit().await.unwrap();
    db.close().await;
}

async fn text(app: &TestApp, sql: &str) -> String {
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let v: String = conn.fetch_one(sql, &[]).await.unwrap();
    drop(conn);
    db.close().await;
    v
}

/// Signs `email` up through `/signup` and the mailed link; returns their user id.
async fn sign_up(app: &TestApp, email: &str, password: &str) -> String {
    let (s, html) = form(app, "/signup", &[("email", email)]).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Check your mail"), "{html}");
    let (kind, subject, token) = mail_to(app, email).await;
    assert_eq!(kind, "signup");
    assert!(subject.contains("Confirm your email"), "{subject}");
    let (s, html) = form(
        app,
        "/activate",
        &[
            ("token", &token),
            ("first_name", "Bo"),
            ("last_name", "Teacher"),
            ("password", password),
            ("confirm", password),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Your own Roster account"), "{html}");
    text(
        app,
        &format!("SELECT id FROM users WHERE email = '{email}' AND joins_user_id IS NULL"),
    )
    .await
}

/// Gives a person some data of their own in their account.
async fn seed_personal_data(app: &TestApp, user: &str, account: &str) {
    let now = time::OffsetDateTime::now_utc();
    exec(
        app,
        "INSERT INTO meetings (id, uuid, account_id, host_id, topic, type, status, start_time, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        roster_store::params![81234567890i64, "uuid-1", account, user, "Algebra", 2i64, "waiting", now, now],
    )
    .await;
    exec(
        app,
        "INSERT INTO recordings (id, account_id, user_id, topic, start_time, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        roster_store::params!["rec-1", account, user, "Algebra", now, now],
    )
    .await;
    exec(
        app,
        "INSERT INTO contacts (user_id, email, first_name, created_at) VALUES ($1, $2, $3, $4)",
        roster_store::params![user, "friend@example.test", "Fred", now],
    )
    .await;
    exec(
        app,
        "INSERT INTO chat_messages (id, account_id, user_id, to_contact, message, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        roster_store::params![
            "msg-1",
            account,
            user,
            "friend@example.test",
            "see you",
            now
        ],
    )
    .await;
}

async fn a_standalone_person_joins_with_their_data(b: Backend) {
    let app = spawn_app_with(b, |c| c.allow_signup = true).await;
    let (org, token) = app.account_with_token().await;
    let bo = sign_up(&app, "bo@home.test", "Secr3tPass").await;
    let home = text(
        &app,
        &format!("SELECT account_id FROM users WHERE id = '{bo}'"),
    )
    .await;
    seed_personal_data(&app, &bo, &home).await;
    let out = app
        .cli(&[
            "account",
            "subscribe",
            &home,
            "--plan",
            "pro",
            "--amount",
            "30.00",
            "--months",
            "1",
        ])
        .await
        .unwrap();
    assert!(out.contains("pro plan, paid 30.00 USD"), "{out}");
    let seats_sql = format!(
        "SELECT licensed_used FROM accounts WHERE id = '{}'",
        org.account_id
    );
    let seats = || app.scalar(&seats_sql);
    assert_eq!(seats().await, 1);
    // Bo's own settings; the organisation locks the waiting room on.
    exec(
        &app,
        "UPDATE users SET settings = $1 WHERE id = $2",
        roster_store::params![
            r#"{"in_meeting":{"chat":false,"waiting_room":false}}"#,
            bo.as_str()
        ],
    )
    .await;
    for (path, body) in [
        (
            "/v2/accounts/me/settings",
            json!({"in_meeting": {"waiting_room": true}}),
        ),
        (
            "/v2/accounts/me/lock_settings",
            json!({"in_meeting": {"waiting_room": true}}),
        ),
    ] {
        let (s, v) = app.patch(path, &token, &body).await;
        assert_eq!(s, 204, "{v}");
    }

    // The organisation invites Bo's email: an invitation to join, not "email taken".
    let (s, body) = app
        .post(
            "/v2/users",
            &token,
            &json!({"action": "create", "user_info": {"email": "bo@home.test", "type": 2}}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let placeholder = body["id"].as_str().unwrap().to_owned();
    assert_ne!(placeholder, bo);
    assert_eq!(seats().await, 2, "the invitation holds its Licensed seat");
    let (_, pending) = app.get("/v2/users?status=pending", &token).await;
    assert_eq!(pending["total_records"], 1);
    assert_eq!(pending["users"][0]["invitation"]["kind"], "join");
    assert_eq!(pending["users"][0]["first_name"], "Bo");
    let (kind, subject, link_token) = mail_to(&app, "bo@home.test").await;
    assert_eq!(kind, "join");
    assert!(subject.contains("invites you to join"), "{subject}");
    // Inviting the same person again is refused; nothing more is stored.
    let users_before = app.db.count("users").await;
    let (s, body) = app
        .post(
            "/v2/users",
            &token,
            &json!({"action": "create", "user_info": {"email": "bo@home.test", "type": 1}}),
        )
        .await;
    crate::support::assert_zoom_error(s, &body, 409, 1005);
    assert_eq!(app.db.count("users").await, users_before);

    // The page says what moves and asks for Bo's password.
    let (s, html) = page(&app, &format!("/activate?token={link_token}")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Join an organisation") && html.contains("Acme School"),
        "{html}"
    );
    assert!(html.contains("refunded") && html.contains("USD"), "{html}");
    assert!(html.contains("current Roster password"), "{html}");
    assert!(
        html.contains("<strong>Bo Teacher</strong>"),
        "the account took Bo's name: {html}"
    );

    // A wrong password, or the new-person form, changes nothing.
    let events = app.db.count("events").await;
    let (s, html) = form(
        &app,
        "/activate",
        &[
            ("token", &link_token),
            ("join", "1"),
            ("password", "Wrong1Pass"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("not the password"), "{html}");
    let (s, html) = form(
        &app,
        "/activate",
        &[
            ("token", &link_token),
            ("first_name", "X"),
            ("last_name", "Y"),
            ("password", "Secr3tPass"),
            ("confirm", "Secr3tPass"),
        ],
    )
    .await;
    assert_eq!(s, 400, "{html}");
    assert_eq!(app.db.count("events").await, events);
    assert_eq!(
        text(
            &app,
            &format!("SELECT account_id FROM users WHERE id = '{bo}'")
        )
        .await,
        home
    );
    assert_eq!(app.db.count("billing_ledger").await, 1, "only the charge");

    // Accepting moves Bo, with their data, into the organisation.
    let (s, html) = form(
        &app,
        "/activate",
        &[
            ("token", &link_token),
            ("join", "1"),
            ("password", "Secr3tPass"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Welcome to your organisation"), "{html}");
    let (s, user) = app.get("/v2/users/bo@home.test", &token).await;
    assert_eq!(s, 200);
    assert_eq!(user["id"], bo.as_str(), "the same user, not a copy");
    assert_eq!(user["status"], "active");
    assert_eq!(user["type"], 2, "the organisation's licence, not their own");
    assert_eq!(user["role_name"], "Member");
    assert_eq!(user["first_name"], "Bo");
    assert_eq!(seats().await, 2, "the invitation's seat became Bo's");
    let (_, settings) = app.get(&format!("/v2/users/{bo}/settings"), &token).await;
    assert_eq!(
        settings["in_meeting"]["chat"], false,
        "Bo's own setting came along"
    );
    assert_eq!(
        settings["in_meeting"]["waiting_room"], true,
        "the lock wins: {settings}"
    );
    let (s, _) = app.get(&format!("/v2/users/{placeholder}"), &token).await;
    assert_eq!(s, 404, "the placeholder is gone");
    let (_, pending) = app.get("/v2/users?status=pending", &token).await;
    assert_eq!(pending["total_records"], 0);
    let in_org = |table: &str, col: &str| {
        format!(
            "SELECT COUNT(*) FROM {table} WHERE {col} = '{bo}' AND account_id = '{}'",
            org.account_id
        )
    };
    assert_eq!(app.scalar(&in_org("meetings", "host_id")).await, 1);
    // Through the API, the organisation's admin now sees the meeting as bo's.
    let (s, m) = app.get("/v2/meetings/81234567890", &token).await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["host_id"], bo.as_str());
    assert_eq!(m["topic"], "Algebra");
    let (_, list) = app.get(&format!("/v2/users/{bo}/meetings"), &token).await;
    assert_eq!(list["total_records"], 1, "{list}");
    assert_eq!(app.scalar(&in_org("recordings", "user_id")).await, 1);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM contacts WHERE user_id = '{bo}'"
        ))
        .await,
        1
    );
    // Chat history stays Bo's, written in the old account: the organisation's admins do not see it.
    assert_eq!(app.scalar(&in_org("chat_messages", "user_id")).await, 0);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM chat_messages WHERE user_id = '{bo}'"
        ))
        .await,
        1
    );
    // The old account is closed, its paid period ended, the unused part refunded.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM accounts WHERE id = '{home}' AND closed_at IS NOT NULL"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM oauth_apps WHERE account_id = '{home}' AND status = 'active'"
        ))
        .await,
        0
    );
    let ledger = app
        .cli(&["account", "ledger", &home, "--json"])
        .await
        .unwrap();
    let entries: Vec<Value> = ledger
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 2, "{ledger}");
    assert_eq!(entries[0]["kind"], "charge");
    assert_eq!(entries[1]["kind"], "prorated_refund");
    let refund = entries[1]["amount_cents"].as_i64().unwrap();
    assert!(
        (2800..=3000).contains(&refund),
        "most of a month unused: {refund}"
    );
    // The organisation's audit log has the join and none of the old account's history.
    let (_, log) = app.get("/v2/report/operationlogs", &token).await;
    let actions: Vec<&str> = log["operation_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions[0], "user.invitation_accepted", "{actions:?}");
    assert!(!actions.contains(&"billing.subscribed"), "{actions:?}");
    // The link worked once.
    let (s, _) = page(&app, &format!("/activate?token={link_token}")).await;
    assert_eq!(s, 404);
}

async fn a_join_is_refused_once_the_person_joined_elsewhere(b: Backend) {
    let app = spawn_app_with(b, |c| c.allow_signup = true).await;
    let (_, token_a) = app.account_with_token().await;
    let other = app
        .create_account(
            "Beta Clinic",
            "owner@beta.test",
            &["--plan", "business", "--licensed-seats", "5"],
        )
        .await;
    let token_b = app.token(&other).await;
    let bo = sign_up(&app, "bo@home.test", "Secr3tPass").await;
    let invite = |t: String| {
        let app = &app;
        async move {
            let (s, body) = app
                .post(
                    "/v2/users",
                    &t,
                    &json!({"action": "create", "user_info": {"email": "bo@home.test", "type": 1}}),
                )
                .await;
            assert_eq!(s, 201, "{body}");
            mail_to(app, "bo@home.test").await.2
        }
    };
    let link_a = invite(token_a.clone()).await;
    let link_b = invite(token_b.clone()).await;
    let (s, html) = form(
        &app,
        "/activate",
        &[
            ("token", &link_a),
            ("join", "1"),
            ("password", "Secr3tPass"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");

    // Beta's link now says clearly that it cannot be used, and nothing moves.
    let (s, html) = page(&app, &format!("/activate?token={link_b}")).await;
    assert_eq!(s, 409);
    assert!(html.contains("now belongs to another account"), "{html}");
    let events = app.db.count("events").await;
    let (s, _) = form(
        &app,
        "/activate",
        &[
            ("token", &link_b),
            ("join", "1"),
            ("password", "Secr3tPass"),
        ],
    )
    .await;
    assert_eq!(s, 409);
    assert_eq!(app.db.count("events").await, events);
    let (s, user) = app.get("/v2/users/bo@home.test", &token_a).await;
    assert_eq!((s, user["id"].as_str()), (200, Some(bo.as_str())));
    // Beta's invitation is still there to delete; a new invitation to Bo is now simply taken.
    let (_, pending) = app.get("/v2/users?status=pending", &token_b).await;
    assert_eq!(pending["total_records"], 1);
    let (_, token_other) = (0, token_b);
    let (s, body) = app
        .post(
            "/v2/users",
            &token_a,
            &json!({"action": "create", "user_info": {"email": "owner@beta.test", "type": 1}}),
        )
        .await;
    crate::support::assert_zoom_error(s, &body, 409, 1005);
    let (s, _) = app.delete("/v2/users/bo@home.test", &token_other).await;
    assert_eq!(s, 204);
}

async fn only_single_person_owners_can_be_invited_to_join(b: Backend) {
    let app = spawn_app_with(b, |_| {}).await;
    let (_, token) = app.account_with_token().await;
    let other = app
        .create_account(
            "Beta Clinic",
            "owner@beta.test",
            &["--plan", "business", "--licensed-seats", "5"],
        )
        .await;
    let token_b = app.token(&other).await;
    app.add_user(&token_b, "custCreate", "member@beta.test", 1)
        .await;
    let users = app.db.count("users").await;
    let mails = app.db.count("mail_outbox").await;
    for (action, email) in [
        ("create", "member@beta.test"), // a member of another organisation
        ("create", "owner@beta.test"),  // the Owner of an account with other people in it
        ("custCreate", "member@beta.test"),
    ] {
        let (s, body) = app
            .post(
                "/v2/users",
                &token,
                &json!({"action": action, "user_info": {"email": email, "type": 1}}),
            )
            .await;
        crate::support::assert_zoom_error(s, &body, 409, 1005);
    }
    // An unlinked user has a standalone account, but autoCreate cannot join anyone.
    let id = app
        .add_user(&token, "custCreate", "leaver@acme.test", 1)
        .await;
    let (s, _) = app.delete(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(s, 204);
    let (s, body) = app
        .post(
            "/v2/users",
            &token_b,
            &json!({"action": "autoCreate", "user_info": {"email": "leaver@acme.test", "type": 1, "password": "Secr3tPass"}}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(app.db.count("users").await, users + 1);
    assert_eq!(app.db.count("mail_outbox").await, mails);
    // …while create invites them to join, and they need no password they never had.
    let (s, body) = app
        .post(
            "/v2/users",
            &token_b,
            &json!({"action": "create", "user_info": {"email": "leaver@acme.test", "type": 1}}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let link = mail_to(&app, "leaver@acme.test").await.2;
    let (s, html) = page(&app, &format!("/activate?token={link}")).await;
    assert_eq!(s, 200);
    assert!(!html.contains("current Roster password"), "{html}");
    let (s, html) = form(&app, "/activate", &[("token", &link), ("join", "1")]).await;
    assert_eq!(s, 200, "{html}");
    let (s, user) = app.get(&format!("/v2/users/{id}"), &token_b).await;
    assert_eq!((s, user["status"].as_str()), (200, Some("active")));
}

async fn sign_up_is_closed_unless_allowed_and_refuses_bad_input(b: Backend) {
    let closed = spawn_app_with(b, |_| {}).await;
    let (s, html) = page(&closed, "/signup").await;
    assert_eq!(s, 404);
    assert!(html.contains("not open"), "{html}");
    let (s, _) = form(&closed, "/signup", &[("email", "bo@home.test")]).await;
    assert_eq!(s, 404);
    assert_eq!(closed.db.count("accounts").await, 0);
    drop(closed);

    let app = spawn_app_with(b, |c| c.allow_signup = true).await;
    let (s, html) = page(&app, "/signup").await;
    assert_eq!(s, 200);
    assert!(html.contains("<form"), "{html}");
    let (s, html) = form(&app, "/signup", &[("email", "not-an-email")]).await;
    assert_eq!(s, 400);
    assert!(html.contains("role=\"alert\""), "{html}");
    assert_eq!(app.db.count("accounts").await, 0);
    assert_eq!(app.db.count("mail_outbox").await, 0);

    // A managed domain belongs to its organisation: the person is invited into it instead
    // (see domains.rs).
    let (acct, _) = app.account_with_token().await;
    app.cli(&["account", "add-domain", &acct.account_id, "acme.test"])
        .await
        .unwrap();
    let (s, html) = form(&app, "/signup", &[("email", "someone@acme.test")]).await;
    assert_eq!(s, 200);
    assert!(html.contains("Check your mail"), "{html}");
    assert_eq!(app.db.count("accounts").await, 1);
    assert_eq!(mail_to(&app, "someone@acme.test").await.0, "activation");

    // Someone who has an account gets the same answer and no mail.
    app.create_account("Beta Clinic", "owner@beta.test", &[])
        .await;
    let (s, html) = form(&app, "/signup", &[("email", "owner@beta.test")]).await;
    assert_eq!(s, 200);
    assert!(html.contains("Check your mail"), "{html}");
    assert_eq!(app.db.count("mail_outbox").await, 1, "only the one above");

    // Asking twice sends a new link; the first one dies.
    form(&app, "/signup", &[("email", "bo@home.test")]).await;
    let first = mail_to(&app, "bo@home.test").await.2;
    form(&app, "/signup", &[("email", "Bo@Home.test")]).await;
    let second = mail_to(&app, "bo@home.test").await.2;
    assert_ne!(first, second);
    assert_eq!(app.db.count("accounts").await, 3, "one sign-up account");
    let (s, _) = page(&app, &format!("/activate?token={first}")).await;
    assert_eq!(s, 404);
    let (s, _) = page(&app, &format!("/activate?token={second}")).await;
    assert_eq!(s, 200);
}

async fn an_unconfirmed_sign_up_expires_with_its_account(b: Backend) {
    let app = spawn_app_with(b, |c| {
        c.allow_signup = true;
        c.invite_sweep_ms = 100;
    })
    .await;
    form(&app, "/signup", &[("email", "bo@home.test")]).await;
    assert_eq!(app.db.count("accounts").await, 1);
    exec(
        &app,
        "UPDATE invitations SET expires_at = $1",
        roster_store::params![time::OffsetDateTime::now_utc() - time::Duration::minutes(1)],
    )
    .await;
    for _ in 0..100 {
        if app.db.count("accounts").await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app.db.count("accounts").await, 0);
    assert_eq!(app.db.count("users").await, 0);
    // The email is free again.
    let (s, _) = form(&app, "/signup", &[("email", "bo@home.test")]).await;
    assert_eq!(s, 200);
    assert_eq!(app.db.count("accounts").await, 1);
}

async fn subscribe_refuses_bad_input_and_stores_nothing(b: Backend) {
    let app = spawn_app_with(b, |_| {}).await;
    let (acct, _) = app.account_with_token().await;
    let id = acct.account_id.as_str();
    for (args, needle) in [
        (vec!["--plan", "free", "--amount", "10"], "--plan"),
        (vec!["--plan", "gold", "--amount", "10"], "--plan"),
        (vec!["--plan", "pro", "--amount", "-1"], "--amount"),
        (vec!["--plan", "pro", "--amount", "1.999"], "--amount"),
        (
            vec!["--plan", "pro", "--amount", "10", "--currency", "dollars"],
            "--currency",
        ),
        (
            vec!["--plan", "pro", "--amount", "10", "--months", "0"],
            "--months",
        ),
    ] {
        let mut all = vec!["account", "subscribe", id];
        all.extend(args);
        let err = app.cli(&all).await.unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
    }
    let err = app
        .cli(&[
            "account",
            "subscribe",
            "AAAAAAAAAAAAAAAAAAAAAA",
            "--plan",
            "pro",
            "--amount",
            "10",
        ])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not exist"), "{err}");
    assert_eq!(app.db.count("subscriptions").await, 0);
    assert_eq!(app.db.count("billing_ledger").await, 0);
    let out = app.cli(&["account", "ledger", id]).await.unwrap();
    assert!(out.contains("No billing entries"), "{out}");
}

async fn deleting_a_user_transfers_or_removes_their_data(b: Backend) {
    let app = spawn_app_with(b, |_| {}).await;
    let (acct, token) = app.account_with_token().await;
    let leaver = app
        .add_user(&token, "custCreate", "leaver@acme.test", 1)
        .await;
    seed_personal_data(&app, &leaver, &acct.account_id).await;
    let (s, _) = app
        .delete(
            &format!("/v2/users/{leaver}?action=delete&transfer_email=owner@acme.test&transfer_meeting=true"),
            &token,
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM meetings WHERE host_id = '{}'",
            acct.owner_id
        ))
        .await,
        1,
        "meetings went to the Owner"
    );
    assert_eq!(
        app.db.count("recordings").await,
        0,
        "recordings were not transferred: deleted"
    );
    assert_eq!(app.db.count("contacts").await, 0);
    assert_eq!(app.db.count("chat_messages").await, 0);
}

async fn of_two_joins_accepted_at_once_exactly_one_wins(b: Backend) {
    let app = spawn_app_with(b, |c| c.allow_signup = true).await;
    let (org_a, token_a) = app.account_with_token().await;
    let org_b = app
        .create_account(
            "Beta Clinic",
            "owner@beta.test",
            &["--plan", "business", "--licensed-seats", "5"],
        )
        .await;
    let token_b = app.token(&org_b).await;
    let bo = sign_up(&app, "bo@home.test", "Secr3tPass").await;
    let home = text(
        &app,
        &format!("SELECT account_id FROM users WHERE id = '{bo}'"),
    )
    .await;
    app.cli(&[
        "account",
        "subscribe",
        &home,
        "--plan",
        "pro",
        "--amount",
        "30",
    ])
    .await
    .unwrap();
    let mut links = Vec::new();
    for t in [&token_a, &token_b] {
        let (s, body) = app
            .post(
                "/v2/users",
                t,
                &json!({"action": "create", "user_info": {"email": "bo@home.test", "type": 2}}),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        links.push(mail_to(&app, "bo@home.test").await.2);
    }
    let accept = |link: String| {
        let app = &app;
        async move {
            form(
                app,
                "/activate",
                &[("token", &link), ("join", "1"), ("password", "Secr3tPass")],
            )
            .await
            .0
        }
    };
    let (a, b2) = tokio::join!(accept(links[0].clone()), accept(links[1].clone()));
    let mut got = [a, b2];
    got.sort_unstable();
    assert_eq!(got, [200, 409], "exactly one join wins");
    let (joined, other) = if a == 200 {
        (&org_a, &org_b)
    } else {
        (&org_b, &org_a)
    };
    assert_eq!(
        text(
            &app,
            &format!("SELECT account_id FROM users WHERE id = '{bo}'")
        )
        .await,
        joined.account_id
    );
    let licensed = |acct: &str| format!("SELECT licensed_used FROM accounts WHERE id = '{acct}'");
    assert_eq!(app.scalar(&licensed(&joined.account_id)).await, 2);
    assert_eq!(
        app.scalar(&licensed(&other.account_id)).await,
        2,
        "the other invitation still waits"
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM billing_ledger WHERE kind = 'prorated_refund' AND account_id = '{home}'"))
            .await,
        1,
        "refunded once"
    );
}

async fn sign_up_and_join_mail_speak_the_persons_language(b: Backend) {
    let app = spawn_app_with(b, |c| c.allow_signup = true).await;
    let (_, token) = app.account_with_token().await;
    let res = app
        .client
        .post(app.url("/signup"))
        .header("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")
        .form(&[("email", "lea@maison.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (kind, subject, link) = mail_to(&app, "lea@maison.test").await;
    assert_eq!(kind, "signup");
    assert!(subject.starts_with("Confirmez votre adresse"), "{subject}");
    let (s, _) = form(
        &app,
        "/activate",
        &[
            ("token", &link),
            ("first_name", "Léa"),
            ("last_name", "Martin"),
            ("password", "Secr3tPass"),
            ("confirm", "Secr3tPass"),
        ],
    )
    .await;
    assert_eq!(s, 200);
    // The organisation writes English; the person reads French.
    let (s, body) = app
        .post(
            "/v2/users",
            &token,
            &json!({"action": "create", "user_info": {"email": "lea@maison.test", "type": 1}}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let (kind, subject, link) = mail_to(&app, "lea@maison.test").await;
    assert_eq!(kind, "join");
    assert!(subject.contains("vous invite à rejoindre"), "{subject}");
    let (s, _) = form(
        &app,
        "/activate",
        &[("token", &link), ("join", "1"), ("password", "Secr3tPass")],
    )
    .await;
    assert_eq!(s, 200);
    let (kind, subject, _) = {
        let list = app.cli(&["mail", "list", "--json"]).await.unwrap();
        let m: Value = serde_json::from_str(list.lines().next().unwrap()).unwrap();
        (
            m["kind"].clone(),
            m["subject"].as_str().unwrap().to_owned(),
            (),
        )
    };
    assert_eq!(kind, "welcome");
    assert!(subject.contains("Bienvenue dans Acme School"), "{subject}");
}

both_backends!(
    sign_up_and_join_mail_speak_the_persons_language,
    of_two_joins_accepted_at_once_exactly_one_wins,
    a_standalone_person_joins_with_their_data,
    a_join_is_refused_once_the_person_joined_elsewhere,
    only_single_person_owners_can_be_invited_to_join,
    sign_up_is_closed_unless_allowed_and_refuses_bad_input,
    an_unconfirmed_sign_up_expires_with_its_account,
    subscribe_refuses_bad_input_and_stores_nothing,
    deleting_a_user_transfers_or_removes_their_data,
);
