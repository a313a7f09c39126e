//! The seat pool under contention: two `roster serve` processes over one database, many
//! clients racing for the last Licensed seats. The database, not memory, decides: exactly the
//! free seats are taken, every other request is refused with 3412, and nothing is oversold.

use crate::binary::{serve, sigterm_and_wait};
use crate::support::{run_cli, Backend, TestDb};
use serde_json::{json, Value};

async fn racing_for_the_last_seats_never_oversells(b: Backend) {
    let db = TestDb::new(b).await;
    let dir = tempfile::tempdir().unwrap();
    let created = run_cli(
        &db,
        &[
            "account",
            "create",
            "--name",
            "Race",
            "--owner-email",
            "o@race.test",
            "--plan",
            "business",
            "--licensed-seats",
            "6",
            "--json",
        ],
    )
    .await
    .unwrap();
    let acct: Value = serde_json::from_str(created.trim()).unwrap();
    let (one, base_one, _) = serve(&db, dir.path()).await;
    let (two, base_two, _) = serve(&db, dir.path()).await;

    let client = reqwest::Client::new();
    let token = crate::support::token_at(&client, &base_one, &acct).await;

    // 5 seats are free (the Owner holds one); 40 clients ask, alternating between servers.
    let attempts = 40;
    let mut tasks = Vec::new();
    for i in 0..attempts {
        let client = client.clone();
        let base = if i % 2 == 0 {
            base_one.clone()
        } else {
            base_two.clone()
        };
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(format!("{base}/v2/users"))
                .bearer_auth(token)
                .json(&json!({"action": "custCreate", "user_info": {"email": format!("racer{i}@race.test"), "type": 2}}))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            (status, body["code"].as_i64())
        }));
    }
    let mut created = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            (201, _) => created += 1,
            (400, Some(3412)) => refused += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(created, 5, "exactly the free seats are taken");
    assert_eq!(refused, attempts - 5);

    let check = db.open().await;
    let mut conn = check.read().await.unwrap();
    let used: i64 = conn
        .fetch_one("SELECT licensed_used FROM accounts", &[])
        .await
        .unwrap();
    let licensed: i64 = conn
        .fetch_one("SELECT COUNT(*) FROM users WHERE type = 2", &[])
        .await
        .unwrap();
    let counted: i64 = conn
        .fetch_one(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts WHERE type = 2",
            &[],
        )
        .await
        .unwrap();
    assert_eq!((used, licensed, counted), (6, 6, 6));
    drop(conn);
    check.close().await;
    sigterm_and_wait(one).await;
    sigterm_and_wait(two).await;
}

both_backends!(racing_for_the_last_seats_never_oversells);
