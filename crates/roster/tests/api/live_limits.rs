//! Limits by user type, enforced by the database: many hosts live at once but each within their
//! concurrent limit, the cap worker ending a Basic host's meeting at 40 minutes (not 39) while a
//! Licensed host's runs on, and two real server processes over one PostgreSQL database admitting
//! exactly one of a host's simultaneous starts.

use crate::binary::serve_with;
use crate::live_meetings::{create_meeting, events, open, page_code, status_of, Meeting};
use crate::support::{run_cli, spawn_app, spawn_app_with, token_at, Backend, TestApp, TestDb};
use serde_json::{json, Value};
use std::time::Duration;

async fn hosts(app: &TestApp, token: &str, n: usize, user_type: i64, tag: &str) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        ids.push(
            app.add_user(
                token,
                "custCreate",
                &format!("{tag}{i}@acme.test"),
                user_type,
            )
            .await,
        );
    }
    ids
}

async fn fifty_hosts_live_at_once_and_none_twice(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let ids = hosts(&app, &token, 50, 1, "host").await;
    let mut firsts: Vec<Meeting> = Vec::new();
    let mut seconds: Vec<Meeting> = Vec::new();
    for id in &ids {
        firsts.push(create_meeting(&app, &token, id, json!({"topic": "one"})).await);
        seconds.push(create_meeting(&app, &token, id, json!({"topic": "two"})).await);
    }
    // All fifty start at the same time.
    let starts: Vec<_> = firsts
        .iter()
        .map(|m| tokio::spawn(open_owned(m.start_url.clone())))
        .collect();
    for s in starts {
        let (status, page) = s.await.unwrap();
        assert_eq!(status, 200, "{page}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM live_meetings").await, 50);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM meetings WHERE status = 'started'")
            .await,
        50
    );
    // A second start by any of them is refused, and changes nothing.
    let starts: Vec<_> = seconds
        .iter()
        .map(|m| tokio::spawn(open_owned(m.start_url.clone())))
        .collect();
    for s in starts {
        let (status, page) = s.await.unwrap();
        assert_eq!((status, page_code(&page)), (409, Some(3060)), "{page}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM live_meetings").await, 50);
    for m in &seconds {
        assert_eq!(status_of(&app, m.id).await, "waiting");
    }
    assert_eq!(events(&app, "meeting.started").await, 50);
}

async fn open_owned(url: String) -> (u16, String) {
    open(&url).await
}

async fn licensed_hosts_on_business_plans_run_two(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await; // a Business account
    let host = app.add_user(&token, "custCreate", "lic@acme.test", 2).await;
    let mut ms = Vec::new();
    for _ in 0..3 {
        ms.push(create_meeting(&app, &token, &host, json!({})).await);
    }
    assert_eq!(open(&ms[0].start_url).await.0, 200);
    assert_eq!(open(&ms[1].start_url).await.0, 200);
    let (s, page) = open(&ms[2].start_url).await;
    assert_eq!((s, page_code(&page)), (409, Some(3060)), "{page}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM live_meetings").await, 2);

    // On a Pro account a Licensed host runs one.
    let pro = app
        .create_account(
            "Pro shop",
            "owner@pro.test",
            &["--plan", "pro", "--licensed-seats", "2"],
        )
        .await;
    let pro_token = app.token(&pro).await;
    let host = app
        .add_user(&pro_token, "custCreate", "lic@pro.test", 2)
        .await;
    let a = create_meeting(&app, &pro_token, &host, json!({})).await;
    let b2 = create_meeting(&app, &pro_token, &host, json!({})).await;
    assert_eq!(open(&a.start_url).await.0, 200);
    let (s, page) = open(&b2.start_url).await;
    assert_eq!((s, page_code(&page)), (409, Some(3060)), "{page}");
    assert_eq!(status_of(&app, b2.id).await, "waiting");
}

async fn wait_for_status(app: &TestApp, id: i64, want: &str) {
    for _ in 0..500 {
        if status_of(app, id).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("meeting {id} never became {want}");
}

async fn caps_end_basic_meetings_at_forty_minutes(b: Backend) {
    let app = spawn_app_with(b, |c| c.meeting_cap_sweep_ms = 20).await;
    let (_, token) = app.account_with_token().await;
    let basic = app
        .add_user(&token, "custCreate", "basic@acme.test", 1)
        .await;
    let licensed = app
        .add_user(&token, "custCreate", "paid@acme.test", 2)
        .await;
    let bm = create_meeting(&app, &token, &basic, json!({"topic": "free"})).await;
    let lm = create_meeting(&app, &token, &licensed, json!({"topic": "paid"})).await;
    assert_eq!(open(&bm.start_url).await.0, 200);
    assert_eq!(open(&lm.start_url).await.0, 200);

    app.clock.advance(time::Duration::minutes(39));
    // Let the worker sweep several times at 39 minutes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(status_of(&app, bm.id).await, "started");
    assert_eq!(events(&app, "meeting.ended").await, 0);

    app.clock.advance(time::Duration::minutes(1));
    wait_for_status(&app, bm.id, "finished").await;
    assert_eq!(status_of(&app, lm.id).await, "started");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM live_meetings").await, 1);
    let db = app.db.open().await;
    let payload: String = db
        .read()
        .await
        .unwrap()
        .fetch_one(
            "SELECT payload FROM events WHERE type = 'meeting.ended'",
            &[],
        )
        .await
        .unwrap();
    db.close().await;
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["reason"], "time_limit");
    assert_eq!(payload["object"]["id"], bm.id);
    assert_eq!(events(&app, "meeting.ended").await, 1);
    // The slot is free again.
    let next = create_meeting(&app, &token, &basic, json!({})).await;
    assert_eq!(open(&next.start_url).await.0, 200);

    // Thirty hours end the paid one.
    app.clock.advance(time::Duration::hours(30));
    wait_for_status(&app, lm.id, "finished").await;
}

/// Two `roster serve` processes over one PostgreSQL database; for each of ten hosts, two of its
/// meetings are started at the same moment, one on each process: exactly one is admitted.
async fn two_processes_admit_exactly_one_start(b: Backend) {
    if b != Backend::Postgres {
        return; // SQLite is one process's file: the in-process tests cover it.
    }
    let db = TestDb::new(b).await;
    let dir = tempfile::tempdir().unwrap();
    let out = run_cli(
        &db,
        &[
            "account",
            "create",
            "--name",
            "Twin",
            "--owner-email",
            "o@twin.test",
            "--plan",
            "business",
            "--json",
        ],
    )
    .await
    .unwrap();
    let acct: Value = serde_json::from_str(out.trim()).unwrap();
    let (one, base_one, _) = serve_with(&db, dir.path(), &[]).await;
    let (two, base_two, _) = serve_with(&db, dir.path(), &[]).await;
    let client = reqwest::Client::new();
    let token = token_at(&client, &base_one, &acct).await;
    let post = |path: String, body: Value| {
        let req = client
            .post(format!("{base_one}{path}"))
            .bearer_auth(&token)
            .json(&body);
        async move {
            let res = req.send().await.unwrap();
            let s = res.status().as_u16();
            (s, res.json::<Value>().await.unwrap())
        }
    };
    let mut pairs = Vec::new();
    for i in 0..10 {
        let (s, u) = post(
            "/v2/users".into(),
            json!({"action": "custCreate", "user_info": {"email": format!("h{i}@twin.test"), "type": 1}}),
        )
        .await;
        assert_eq!(s, 201, "{u}");
        let id = u["id"].as_str().unwrap().to_owned();
        let mut urls = Vec::new();
        for _ in 0..2 {
            let (s, m) = post(
                format!("/v2/users/{id}/meetings"),
                json!({"type": 2, "start_time": "2099-01-01T10:00:00Z", "duration": 30}),
            )
            .await;
            assert_eq!(s, 201, "{m}");
            urls.push(m["start_url"].as_str().unwrap().to_owned());
        }
        // The first on process one, the second on process two.
        let second = urls[1].replacen(&base_one, &base_two, 1);
        pairs.push((urls[0].clone(), second));
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(pairs.len() * 2));
    let mut tasks = Vec::new();
    for (a, b2) in &pairs {
        for url in [a.clone(), b2.clone()] {
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                open(&url).await
            }));
        }
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    for (i, pair) in results.chunks(2).enumerate() {
        let mut statuses: Vec<u16> = pair.iter().map(|(s, _)| *s).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, vec![200, 409], "host {i}: {pair:?}");
        let refused = pair.iter().find(|(s, _)| *s == 409).unwrap();
        assert_eq!(page_code(&refused.1), Some(3060));
    }
    let handle = db.open().await;
    let mut conn = handle.read().await.unwrap();
    let live: i64 = conn
        .fetch_one("SELECT COUNT(*) FROM live_meetings", &[])
        .await
        .unwrap();
    let started: i64 = conn
        .fetch_one(
            "SELECT COUNT(*) FROM meetings WHERE status = 'started'",
            &[],
        )
        .await
        .unwrap();
    let events: i64 = conn
        .fetch_one(
            "SELECT COUNT(*) FROM events WHERE type = 'meeting.started'",
            &[],
        )
        .await
        .unwrap();
    drop(conn);
    handle.close().await;
    assert_eq!((live, started, events), (10, 10, 10));
    crate::binary::sigterm_and_wait(one).await;
    crate::binary::sigterm_and_wait(two).await;
}

both_backends!(
    fifty_hosts_live_at_once_and_none_twice,
    licensed_hosts_on_business_plans_run_two,
    caps_end_basic_meetings_at_forty_minutes,
    two_processes_admit_exactly_one_start,
);
