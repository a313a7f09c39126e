//! Webhook fan-out at store level (recipients through installs, `app_deauthorized`, fan-out
//! twice adds nothing, accounts without webhook apps) and the restart test: a server killed
//! mid-way loses no event, and a duplicate carries the same idempotency key.

use crate::support::receiver::Receiver;
use crate::support::{run_cli, test_config, token_at, Backend, TestDb};
use roster::{Application, Config};
use roster_service::{Service, Settings};
use roster_store::{params, Db};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use time::OffsetDateTime;

async fn create_account(db: &TestDb, name: &str, email: &str) -> Value {
    let out = run_cli(
        db,
        &[
            "account",
            "create",
            "--name",
            name,
            "--owner-email",
            email,
            "--plan",
            "business",
            "--licensed-seats",
            "50",
            "--json",
        ],
    )
    .await
    .unwrap();
    serde_json::from_str(out.trim()).unwrap()
}

/// An app with a subscription, written straight to the store (no challenge).
async fn app(db: &Db, id: &str, account: &str, owner: &str, kind: &str, events: &str) {
    let mut tx = db.begin().await.unwrap();
    tx.execute(
        "INSERT INTO oauth_apps (id, account_id, name, kind, client_id, client_secret_hash, created_by, \
         scopes, status, created_at, webhook_url, webhook_secret, webhook_events) \
         VALUES ($1, $2, $1, $3, $4, 'x', $5, '', 'active', $6, 'http://127.0.0.1:9/hook', 'secret-secret', $7)",
        params![id, account, kind, format!("client-{id}").as_str(), owner, OffsetDateTime::now_utc(), events],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn install(db: &Db, id: &str, app: &str, account: &str, user: Option<&str>, revoked: bool) {
    let now = OffsetDateTime::now_utc();
    let mut tx = db.begin().await.unwrap();
    tx.execute(
        "INSERT INTO oauth_installs (id, app_id, account_id, user_id, approved_by, scopes, created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, 'someone', '', $5, $6)",
        params![id, app, account, user, now, revoked.then_some(now)],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn event(db: &Db, account: &str, kind: &str, target: &str, payload: Value) -> i64 {
    let mut tx = db.begin().await.unwrap();
    tx.execute(
        "INSERT INTO events (account_id, type, actor, target, payload, created_at) VALUES ($1, $2, 'operator', $3, $4, $5)",
        params![account, kind, target, payload.to_string().as_str(), OffsetDateTime::now_utc()],
    )
    .await
    .unwrap();
    let id: i64 = tx
        .fetch_one("SELECT MAX(id) FROM events", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// (app, event) pairs of every delivery.
async fn pairs(db: &Db) -> Vec<(String, i64)> {
    #[derive(Debug)]
    struct P(String, i64);
    impl roster_store::FromRow for P {
        fn from_row(r: &roster_store::Row<'_>) -> roster_store::Result<Self> {
            Ok(P(r.text(0)?, r.int(1)?))
        }
    }
    let rows: Vec<P> = db
        .read()
        .await
        .unwrap()
        .fetch_all(
            "SELECT app_id, event_id FROM webhook_deliveries ORDER BY event_id, app_id",
            &[],
        )
        .await
        .unwrap();
    rows.into_iter().map(|p| (p.0, p.1)).collect()
}

async fn fan_out_reaches_exactly_the_recipients(b: Backend) {
    let tdb = TestDb::new(b).await;
    let one = create_account(&tdb, "One", "owner@one.test").await;
    let two = create_account(&tdb, "Two", "owner@two.test").await;
    let (a1, a2) = (
        one["account_id"].as_str().unwrap(),
        two["account_id"].as_str().unwrap(),
    );
    let owner = one["owner_id"].as_str().unwrap();
    let db = tdb.open().await;
    let (u, v) = ("user-u", "user-v");
    app(&db, "s2s", a1, owner, "s2s", "user.created user.updated").await;
    app(
        &db,
        "personal",
        a1,
        owner,
        "user",
        "user.created meeting.created",
    )
    .await;
    install(&db, "i1", "personal", a1, Some(u), false).await;
    app(&db, "whole", a1, owner, "account", "user.created").await;
    install(&db, "i2", "whole", a1, None, false).await;
    app(&db, "revoked", a1, owner, "account", "user.created").await;
    install(&db, "i3", "revoked", a1, None, true).await;
    app(&db, "gone", a1, owner, "user", "").await;
    install(&db, "i4", "gone", a1, Some(u), true).await;
    app(&db, "never", a1, owner, "user", "user.created").await;

    let e1 = event(
        &db,
        a1,
        "user.created",
        u,
        json!({"account_id": a1, "object": {"id": u}}),
    )
    .await;
    let e2 = event(
        &db,
        a1,
        "user.created",
        v,
        json!({"account_id": a1, "object": {"id": v}}),
    )
    .await;
    let e3 = event(
        &db,
        a1,
        "meeting.created",
        "81234567890",
        json!({"account_id": a1, "object": {"id": 81234567890_i64, "host_id": u}}),
    )
    .await;
    let e4 = event(
        &db,
        a1,
        "app_deauthorized",
        "gone",
        json!({"account_id": a1, "user_id": u, "client_id": "client-gone"}),
    )
    .await;
    let e5 = event(
        &db,
        a2,
        "user.created",
        "w",
        json!({"account_id": a2, "object": {"id": "w"}}),
    )
    .await;
    let e6 = event(
        &db,
        a1,
        "user.deleted",
        u,
        json!({"account_id": a1, "object": {"id": u}}),
    )
    .await;

    let service = Service::new(db.clone(), Settings::default());
    while service.dispatch_events(3).await.unwrap() > 0 {}
    let s = |a: &str, e: i64| (a.to_owned(), e);
    let mut want = vec![
        s("personal", e1),
        s("s2s", e1),
        s("whole", e1),
        s("s2s", e2),
        s("whole", e2),
        s("personal", e3),
        s("gone", e4),
    ];
    want.sort_by(|x, y| (x.1, &x.0).cmp(&(y.1, &y.0)));
    assert_eq!(pairs(&db).await, want, "e5 {e5} and e6 {e6} reach no one");
    let undispatched: i64 = db
        .read()
        .await
        .unwrap()
        .fetch_one(
            "SELECT COUNT(*) FROM events WHERE dispatched_at IS NULL",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(undispatched, 0);

    // The body is fixed: Zoom's envelope around the stored payload; the key is per (event, app).
    let body: String = db
        .read()
        .await
        .unwrap()
        .fetch_one(
            "SELECT body FROM webhook_deliveries WHERE app_id = 's2s' AND event_id = $1",
            params![e1],
        )
        .await
        .unwrap();
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["event"], "user.created");
    assert_eq!(v["payload"]["object"]["id"], u);
    assert!(v["event_ts"].as_i64().unwrap() > 1_600_000_000_000);

    // Fanning out again (a crash after inserting, before marking) adds nothing.
    let mut tx = db.begin().await.unwrap();
    tx.execute("UPDATE events SET dispatched_at = NULL", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    while service.dispatch_events(500).await.unwrap() > 0 {}
    assert_eq!(pairs(&db).await, want);

    // An account without webhook apps: a bulk of events is dispatched with no delivery.
    let mut tx = db.begin().await.unwrap();
    let payload = json!({"account_id": a2, "object": {"id": "x"}}).to_string();
    let now = OffsetDateTime::now_utc();
    let acct2 = roster_domain::AccountId::parse(a2).unwrap();
    let bulk: Vec<roster_store::events::NewEvent<'_>> = (0..3000)
        .map(|_| roster_store::events::NewEvent {
            account_id: Some(&acct2),
            kind: "user.created",
            actor: "operator",
            target: Some("x"),
            payload: &payload,
            created_at: now,
        })
        .collect();
    roster_store::events::append_many(&mut tx, &bulk)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let start = std::time::Instant::now();
    while service.dispatch_events(500).await.unwrap() > 0 {}
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(pairs(&db).await, want);
    db.close().await;
}

/// A server on its own runtime, so that killing it ends its workers mid-flight, as a crash does.
struct Server {
    base: String,
    kill: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    async fn start(config: Config) -> Self {
        let (base_tx, base_rx) = tokio::sync::oneshot::channel();
        let (kill, killed) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let app = Application::build(&config).await.unwrap();
                base_tx.send(format!("http://{}", app.address())).unwrap();
                let _server = tokio::spawn(app.run_until(std::future::pending()));
                let _ = killed.await;
            });
            // No graceful shutdown: in-flight deliveries die with their leases held.
            rt.shutdown_background();
        });
        Self {
            base: base_rx.await.unwrap(),
            kill: Some(kill),
            thread: Some(thread),
        }
    }

    fn kill(mut self) {
        let _ = self.kill.take().unwrap().send(());
        self.thread.take().unwrap().join().unwrap();
    }
}

async fn no_event_is_lost_across_a_restart(b: Backend) {
    let tdb = TestDb::new(b).await;
    let mut config = test_config(&tdb);
    config.webhook_timeout_ms = 1000;
    config.webhook_lease_ms = 2000;
    let acct = create_account(&tdb, "Acme", "owner@acme.test").await;
    let rx = Receiver::start("whsec-restart-secret").await;
    // Slow answers, so deliveries are in flight when the server dies.
    rx.delay(Duration::from_millis(150));
    let client = reqwest::Client::new();
    let server = Server::start(config.clone()).await;
    let token = token_at(&client, &server.base, &acct).await;
    let app_id = acct["client_id"].as_str().unwrap();
    let res = client
        .put(format!("{}/v2/marketplace/apps/{app_id}/event_subscription", server.base))
        .bearer_auth(&token)
        .json(&json!({"url": rx.url, "secret_token": "whsec-restart-secret", "events": ["user.created"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let n = 25;
    for i in 0..n {
        let res = client
            .post(format!("{}/v2/users", server.base))
            .bearer_auth(&token)
            .json(&json!({"action": "custCreate", "user_info": {"email": format!("u{i}@acme.test"), "type": 1}}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    rx.wait_for(Duration::from_secs(10), |r| !r.is_empty())
        .await;
    server.kill();
    let before = rx.received().len();

    // Events written while no server runs are delivered too.
    let csv = tdb_csv(&tdb);
    run_cli(
        &tdb,
        &[
            "users",
            "import",
            csv.to_str().unwrap(),
            "--account-id",
            acct["account_id"].as_str().unwrap(),
            "--mode",
            "create",
        ],
    )
    .await
    .unwrap();

    let server = Server::start(config).await;
    let got = rx
        .wait_for(Duration::from_secs(30), |r| {
            r.iter()
                .map(|x| &x.key)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                >= n + 2
        })
        .await;
    let mut by_key: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &got {
        assert_eq!(r.event, "user.created");
        by_key.entry(&r.key).or_default().push(&r.raw);
    }
    assert_eq!(by_key.len(), n + 2, "every event delivered at least once");
    for (key, bodies) in &by_key {
        assert!(
            bodies.iter().all(|b| b == &bodies[0]),
            "a duplicate of {key} differs"
        );
    }
    let emails: std::collections::BTreeSet<String> = got
        .iter()
        .map(|r| {
            r.body["payload"]["object"]["email"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(emails.len(), n + 2);
    assert_eq!(rx.bad_signatures(), 0);
    eprintln!(
        "restart: {before} received before the kill, {} in all (duplicates: {})",
        got.len(),
        got.len() - by_key.len()
    );
    server.kill();
    let _ = std::fs::remove_file(csv);
}

async fn two_servers_share_the_work(b: Backend) {
    let tdb = TestDb::new(b).await;
    let config = test_config(&tdb);
    let acct = create_account(&tdb, "Acme", "owner@acme.test").await;
    let rx = Receiver::start("whsec-two-servers").await;
    rx.delay(Duration::from_millis(20));
    let client = reqwest::Client::new();
    let (one, two) = (
        Server::start(config.clone()).await,
        Server::start(config).await,
    );
    let token = token_at(&client, &one.base, &acct).await;
    let app_id = acct["client_id"].as_str().unwrap();
    let res = client
        .put(format!("{}/v2/marketplace/apps/{app_id}/event_subscription", two.base))
        .bearer_auth(&token)
        .json(&json!({"url": rx.url, "secret_token": "whsec-two-servers", "events": ["user.created"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let n = 30;
    for i in 0..n {
        let base = if i % 2 == 0 { &one.base } else { &two.base };
        let res = client
            .post(format!("{base}/v2/users"))
            .bearer_auth(&token)
            .json(&json!({"action": "custCreate", "user_info": {"email": format!("u{i}@acme.test"), "type": 1}}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let got = rx.wait_for(Duration::from_secs(20), |r| r.len() >= n).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_all = rx.received();
    let keys: std::collections::BTreeSet<&str> = got.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys.len(), n);
    assert_eq!(
        got_all.len(),
        n,
        "no delivery sent twice while both servers live"
    );
    one.kill();
    two.kill();
}

fn tdb_csv(tdb: &TestDb) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "roster-webhooks-{}.csv",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(
        &path,
        "Email,First Name,Last Name,Type\nlate1@acme.test,Late,One,1\nlate2@acme.test,Late,Two,1\n",
    )
    .unwrap();
    let _ = tdb;
    path
}

both_backends!(
    fan_out_reaches_exactly_the_recipients,
    no_event_is_lost_across_a_restart,
    two_servers_share_the_work,
);
