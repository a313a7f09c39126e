//! Webhooks end to end: an app subscribes (the URL passes the validation challenge), events
//! arrive signed at a real receiver on loopback, the delivery log and redelivery, and every
//! refusal storing nothing.

use crate::support::receiver::{Challenge, Receiver};
use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

const SECRET: &str = "whsec-test-0123456789";

fn sub_path(app: &str) -> String {
    format!("/v2/marketplace/apps/{app}/event_subscription")
}

/// Subscribes `app` to `events` at `rx`.
pub async fn subscribe(
    t: &TestApp,
    token: &str,
    app: &str,
    rx: &Receiver,
    events: &[&str],
) -> Value {
    let (s, body) = t
        .put(
            &sub_path(app),
            token,
            &json!({"url": rx.url, "secret_token": SECRET, "events": events}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    body
}

async fn deliveries(t: &TestApp, token: &str, app: &str, query: &str) -> Value {
    let (s, body) = t
        .get(
            &format!("/v2/marketplace/apps/{app}/webhook_deliveries{query}"),
            token,
        )
        .await;
    assert_eq!(s, 200, "{body}");
    body
}

/// Waits until the delivery log of `app` satisfies `pred`.
async fn wait_log(t: &TestApp, token: &str, app: &str, pred: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let log = deliveries(t, token, app, "").await;
        if pred(&log) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "delivery log never matched: {}",
        deliveries(t, token, app, "").await
    );
}

async fn subscribes_and_receives_signed_deliveries(b: Backend) {
    let t = spawn_app(b).await;
    let (acct, token) = t.account_with_token().await;
    let rx = Receiver::start(SECRET).await;
    let body = subscribe(
        &t,
        &token,
        &acct.client_id,
        &rx,
        &["user.created", "meeting.created"],
    )
    .await;
    assert_eq!(rx.challenges(), 1);
    assert_eq!(body["url"], rx.url);
    assert_eq!(body["secret_token"], SECRET);
    assert_eq!(body["events"], json!(["user.created", "meeting.created"]));
    assert!(body["validated_at"].is_string());
    let (s, shown) = t.get(&sub_path(&acct.client_id), &token).await;
    assert_eq!(s, 200);
    assert_eq!(shown["secret_token"], SECRET);

    let user_id = t.add_user(&token, "custCreate", "kim@acme.test", 1).await;
    // Not subscribed: never delivered.
    let (s, _) = t
        .patch(
            &format!("/v2/users/{user_id}"),
            &token,
            &json!({"first_name": "Kim"}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, meeting) = t
        .post(
            "/v2/users/me/meetings",
            &token,
            &json!({"topic": "Sync", "type": 1}),
        )
        .await;
    assert_eq!(s, 201, "{meeting}");

    let got = rx.wait_for(Duration::from_secs(10), |r| r.len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got_all = rx.received();
    assert_eq!(got_all.len(), 2, "only subscribed events: {got_all:?}");
    assert_eq!(rx.bad_signatures(), 0);
    let created = got.iter().find(|r| r.event == "user.created").unwrap();
    assert_eq!(
        created.body["payload"]["account_id"],
        acct.account_id.as_str()
    );
    assert_eq!(created.body["payload"]["object"]["id"], user_id.as_str());
    assert_eq!(created.body["payload"]["object"]["email"], "kim@acme.test");
    assert!(created.body["event_ts"].as_i64().unwrap() > 1_600_000_000_000);
    assert!(created.user_agent.starts_with("Roster-Webhooks/"));
    let m = got.iter().find(|r| r.event == "meeting.created").unwrap();
    assert_eq!(m.body["payload"]["object"]["id"], meeting["id"]);
    assert_ne!(created.key, m.key);
    assert!(!created.key.is_empty());

    // The log: both delivered at the first attempt, newest first.
    let app = acct.client_id.as_str();
    let log = wait_log(&t, &token, app, |l| {
        l["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "delivered")
    })
    .await;
    let list = log["deliveries"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["event"], "meeting.created");
    assert_eq!(list[1]["attempts"], 1);
    assert_eq!(list[1]["last_status_code"], 200);
    let id = list[1]["id"].as_i64().unwrap();
    let (s, detail) = t
        .get(
            &format!("/v2/marketplace/apps/{app}/webhook_deliveries/{id}"),
            &token,
        )
        .await;
    assert_eq!(s, 200, "{detail}");
    assert_eq!(detail["body"]["event"], "user.created");
    assert_eq!(detail["attempt_history"].as_array().unwrap().len(), 1);
    assert_eq!(detail["attempt_history"][0]["status_code"], 200);

    // Filters.
    let only = deliveries(&t, &token, app, "?event=meeting.created").await;
    assert_eq!(only["deliveries"].as_array().unwrap().len(), 1);
    let none = deliveries(&t, &token, app, "?status=failed").await;
    assert_eq!(none["deliveries"].as_array().unwrap().len(), 0);
    let paged = deliveries(&t, &token, app, "?page_size=1").await;
    let next = paged["next_page_token"].as_str().unwrap().to_owned();
    assert!(!next.is_empty());
    let page2 = deliveries(
        &t,
        &token,
        app,
        &format!("?page_size=1&next_page_token={next}"),
    )
    .await;
    assert_eq!(page2["deliveries"][0]["id"], id);

    // Redelivery: the same body and key arrive again.
    let (s, r) = t
        .post(
            &format!("/v2/marketplace/apps/{app}/webhook_deliveries/{id}/redeliver"),
            &token,
            &json!({}),
        )
        .await;
    assert_eq!(s, 202, "{r}");
    assert_eq!(r["status"], "pending");
    let again = rx.wait_for(Duration::from_secs(10), |r| r.len() >= 3).await;
    let copies: Vec<_> = again.iter().filter(|r| r.key == created.key).collect();
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[0].raw, copies[1].raw);
    let log = wait_log(&t, &token, app, |l| {
        l["deliveries"][1]["attempts"] == 2 && l["deliveries"][1]["status"] == "delivered"
    })
    .await;
    assert_eq!(
        log["deliveries"][1]["idempotency_key"],
        created.key.as_str()
    );

    // The CLI sees the same log, and clearing stops new deliveries.
    let out = t
        .cli(&["app", "webhook", "deliveries", app, "--json"])
        .await
        .unwrap();
    assert_eq!(out.lines().count(), 2, "{out}");
    let out = t.cli(&["app", "webhook", "show", app]).await.unwrap();
    assert!(out.contains(SECRET), "{out}");
    let (s, _) = t.delete(&sub_path(app), &token).await;
    assert_eq!(s, 204);
    let (s, body) = t.get(&sub_path(app), &token).await;
    assert_zoom_error(s, &body, 404, 4801);
    t.add_user(&token, "custCreate", "lee@acme.test", 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(rx.received().len(), 3);
}

async fn refusals_store_nothing(b: Backend) {
    let t = spawn_app(b).await;
    let (acct, token) = t.account_with_token().await;
    let app = acct.client_id.as_str();
    let rx = Receiver::start(SECRET).await;
    let put = |url: String, events: Value| {
        let t = &t;
        let token = token.clone();
        async move {
            t.put(
                &sub_path(app),
                &token,
                &json!({"url": url, "secret_token": SECRET, "events": events}),
            )
            .await
        }
    };
    let ev = json!(["user.created"]);
    for url in [
        "ftp://127.0.0.1/hook".to_owned(),
        "not a url".to_owned(),
        format!("http://user:pw@{}", rx.url.trim_start_matches("http://")),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://metadata.google.internal/computeMetadata/v1/".to_owned(),
        "http://[fe80::1]/hook".to_owned(),
        "http://100.100.100.200/".to_owned(),
    ] {
        let (s, body) = put(url.clone(), ev.clone()).await;
        assert_zoom_error(s, &body, 400, 300);
        assert_eq!(body["errors"][0]["field"], "url", "{url}: {body}");
    }
    for events in [
        json!(["user.exploded"]),
        json!([]),
        json!(["endpoint.url_validation"]),
    ] {
        let (s, body) = put(rx.url.clone(), events).await;
        assert_zoom_error(s, &body, 400, 300);
        assert_eq!(body["errors"][0]["field"], "events");
    }
    let (s, body) = t
        .put(
            &sub_path(app),
            &token,
            &json!({"url": rx.url, "secret_token": "short", "events": ev}),
        )
        .await;
    assert_zoom_error(s, &body, 400, 300);
    assert_eq!(rx.challenges(), 0, "nothing refused before was contacted");

    // Failed challenges.
    rx.set_challenge(Challenge::WrongToken);
    let (s, body) = put(rx.url.clone(), ev.clone()).await;
    assert_zoom_error(s, &body, 400, 4802);
    assert!(
        body["message"].as_str().unwrap().contains("encryptedToken"),
        "{body}"
    );
    rx.set_challenge(Challenge::Error500);
    let (s, body) = put(rx.url.clone(), ev.clone()).await;
    assert_zoom_error(s, &body, 400, 4802);
    // Nobody listening.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("http://{}/hook", dead.local_addr().unwrap());
    drop(dead);
    let (s, body) = put(dead_url, ev.clone()).await;
    assert_zoom_error(s, &body, 400, 4802);

    // Not an admin; not this account's app; no such app.
    t.add_user(&token, "custCreate", "mem@acme.test", 1).await;
    let member = t.token_for_user(&acct, "mem@acme.test").await;
    rx.set_challenge(Challenge::Correct);
    let (s, body) = t
        .put(
            &sub_path(app),
            &member,
            &json!({"url": rx.url, "secret_token": SECRET, "events": ev}),
        )
        .await;
    assert_zoom_error(s, &body, 400, 200);
    let (s, body) = t.get(&sub_path(app), &member).await;
    assert_zoom_error(s, &body, 400, 200);
    let other = t
        .create_account(
            "Other",
            "owner@other.test",
            &["--plan", "business", "--licensed-seats", "5"],
        )
        .await;
    let other_token = t.token(&other).await;
    let (s, body) = t
        .put(
            &sub_path(app),
            &other_token,
            &json!({"url": rx.url, "secret_token": SECRET, "events": ev}),
        )
        .await;
    assert_zoom_error(s, &body, 404, 4800);
    let (s, body) = t.get(&sub_path("no-such-app"), &token).await;
    assert_zoom_error(s, &body, 404, 4800);
    let (s, body) = t
        .get(
            &format!("/v2/marketplace/apps/{app}/webhook_deliveries/999"),
            &token,
        )
        .await;
    assert_zoom_error(s, &body, 404, 4803);
    let (s, body) = t
        .get(
            &format!("/v2/marketplace/apps/{app}/webhook_deliveries?status=lost"),
            &token,
        )
        .await;
    assert_zoom_error(s, &body, 400, 300);

    // Nothing was stored by any of it.
    let (s, body) = t.get(&sub_path(app), &token).await;
    assert_zoom_error(s, &body, 404, 4801);
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM oauth_apps WHERE webhook_url IS NOT NULL OR webhook_secret IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM events WHERE type LIKE 'app.event_subscription%'")
            .await,
        0
    );
    // The CLI refuses the same way.
    let err = t
        .cli(&[
            "app",
            "webhook",
            "set",
            app,
            "--url",
            "http://169.254.169.254/",
            "--events",
            "user.created",
        ])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("link-local"), "{err}");
    let err = t
        .cli(&[
            "app",
            "webhook",
            "set",
            app,
            "--url",
            &rx.url,
            "--events",
            "user.nope",
            "--secret-token",
            SECRET,
        ])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unknown event type"), "{err}");
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM oauth_apps WHERE webhook_url IS NOT NULL")
            .await,
        0
    );
    // With a valid endpoint the CLI subscribes; without --secret-token it keeps the current one.
    let out = t
        .cli(&[
            "app",
            "webhook",
            "set",
            app,
            "--url",
            &rx.url,
            "--events",
            "user.created,user.deleted",
            "--secret-token",
            SECRET,
            "--json",
        ])
        .await
        .unwrap();
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["events"], json!(["user.created", "user.deleted"]));
    let (s, body) = t
        .put(
            &sub_path(app),
            &token,
            &json!({"url": rx.url, "events": ["meeting.created"]}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["secret_token"], SECRET);
    let out = t.cli(&["app", "webhook", "clear", app]).await.unwrap();
    assert!(out.contains("removed"), "{out}");
    let (s, body) = t.get(&sub_path(app), &token).await;
    assert_zoom_error(s, &body, 404, 4801);
    assert!(t.cli(&["app", "webhook", "clear", app]).await.is_err());
}

async fn retries_with_backoff_until_delivered(b: Backend) {
    let t = spawn_app(b).await;
    let (acct, token) = t.account_with_token().await;
    let app = acct.client_id.as_str();
    let rx = Receiver::start(SECRET).await;
    subscribe(&t, &token, app, &rx, &["user.created"]).await;
    rx.fail_next(3);
    t.add_user(&token, "custCreate", "kim@acme.test", 1).await;
    let got = rx
        .wait_for(Duration::from_secs(15), |r| !r.is_empty())
        .await;
    let failed = rx.failed();
    assert_eq!(failed.len(), 3);
    // Same body and key on every attempt; the gaps grow (base 200 ms, doubling).
    assert!(failed
        .iter()
        .all(|f| f.key == got[0].key && f.raw == got[0].raw));
    let gaps: Vec<Duration> = failed
        .iter()
        .map(|f| f.at)
        .chain([got[0].at])
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    assert!(gaps[0] >= Duration::from_millis(190), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(390), "{gaps:?}");
    assert!(gaps[2] >= Duration::from_millis(790), "{gaps:?}");
    let log = wait_log(&t, &token, app, |l| {
        l["deliveries"][0]["status"] == "delivered"
    })
    .await;
    let id = log["deliveries"][0]["id"].as_i64().unwrap();
    assert_eq!(log["deliveries"][0]["attempts"], 4);
    let (_, detail) = t
        .get(
            &format!("/v2/marketplace/apps/{app}/webhook_deliveries/{id}"),
            &token,
        )
        .await;
    let codes: Vec<i64> = detail["attempt_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![500, 500, 500, 200]);
}

async fn gives_up_after_a_day(b: Backend) {
    let t = spawn_app(b).await;
    let (acct, token) = t.account_with_token().await;
    let app = acct.client_id.as_str();
    let rx = Receiver::start(SECRET).await;
    subscribe(&t, &token, app, &rx, &["user.created"]).await;
    rx.always_fail(true);
    t.add_user(&token, "custCreate", "kim@acme.test", 1).await;
    wait_log(&t, &token, app, |l| {
        l["deliveries"][0]["attempts"].as_i64() >= Some(2)
    })
    .await;
    assert_eq!(
        deliveries(&t, &token, app, "").await["deliveries"][0]["status"],
        "pending"
    );
    t.clock.advance(time::Duration::hours(25));
    let token = t.token(&acct).await;
    let log = wait_log(&t, &token, app, |l| {
        l["deliveries"][0]["status"] == "failed"
    })
    .await;
    assert_eq!(log["deliveries"][0]["last_status_code"], 500);
    let n = log["deliveries"][0]["attempts"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        deliveries(&t, &token, app, "").await["deliveries"][0]["attempts"],
        n,
        "no attempts after giving up"
    );
    // A manual redelivery starts a new window.
    rx.always_fail(false);
    let id = log["deliveries"][0]["id"].as_i64().unwrap();
    let (s, _) = t
        .post(
            &format!("/v2/marketplace/apps/{app}/webhook_deliveries/{id}/redeliver"),
            &token,
            &json!({}),
        )
        .await;
    assert_eq!(s, 202);
    rx.wait_for(Duration::from_secs(10), |r| r.len() == 1).await;
    let out = t
        .cli(&["app", "webhook", "redeliver", app, &id.to_string()])
        .await
        .unwrap();
    assert!(out.contains("pending again"), "{out}");
    rx.wait_for(Duration::from_secs(10), |r| r.len() == 2).await;
}

async fn a_hanging_receiver_is_cut_off(b: Backend) {
    let t = spawn_app(b).await;
    let (acct, token) = t.account_with_token().await;
    let slow = Receiver::start(SECRET).await;
    let fast = Receiver::start(SECRET).await;
    subscribe(&t, &token, &acct.client_id, &slow, &["user.created"]).await;
    // A second app of the account, with a receiver that answers.
    let out = t
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
    let other: Value = serde_json::from_str(out.trim()).unwrap();
    let other_app = other["client_id"].as_str().unwrap();
    subscribe(&t, &token, other_app, &fast, &["user.created"]).await;
    slow.hang(true);
    let start = std::time::Instant::now();
    t.add_user(&token, "custCreate", "kim@acme.test", 1).await;
    fast.wait_for(Duration::from_secs(5), |r| r.len() == 1)
        .await;
    let log = wait_log(&t, &token, &acct.client_id, |l| {
        l["deliveries"][0]["attempts"].as_i64() >= Some(1)
    })
    .await;
    assert!(start.elapsed() < Duration::from_secs(8));
    let d = &log["deliveries"][0];
    assert_eq!(d["status"], "pending");
    assert!(
        d["last_error"].as_str().unwrap().contains("timed out"),
        "{d}"
    );
    let id = d["id"].as_i64().unwrap();
    let (_, detail) = t
        .get(
            &format!(
                "/v2/marketplace/apps/{}/webhook_deliveries/{id}",
                acct.client_id
            ),
            &token,
        )
        .await;
    let ms = detail["attempt_history"][0]["duration_ms"]
        .as_i64()
        .unwrap();
    assert!(
        (1500..4000).contains(&ms),
        "cut off at the 2 s timeout: {ms} ms"
    );
    assert!(detail["attempt_history"][0]["status_code"].is_null());
}

both_backends!(
    subscribes_and_receives_signed_deliveries,
    refusals_store_nothing,
    retries_with_backoff_until_delivered,
    gives_up_after_a_day,
    a_hanging_receiver_is_cut_off,
);
