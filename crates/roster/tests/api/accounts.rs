//! `roster account create` / `verify-payment` through the CLI entry point.

use crate::support::{run_cli, spawn_app, Backend, TestDb};
use roster_domain::{AccountId, Plan};
use roster_store::accounts;

async fn creates_account_owner_and_app(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app
        .create_account(
            "Acme School",
            "Owner@Acme.TEST",
            &[
                "--plan",
                "pro",
                "--licensed-seats",
                "5",
                "--large-meeting-seats",
                "1",
            ],
        )
        .await;
    assert_eq!(acct.account_id.len(), 22);
    assert_eq!(acct.owner_id.len(), 22);
    assert_eq!(acct.client_secret.len(), 32);

    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let stored = accounts::find(&mut conn, &AccountId::parse(&acct.account_id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "Acme School");
    assert_eq!(stored.plan, Plan::Pro);
    assert!(stored.payment_verified, "a paid plan has a payment method");
    assert_eq!(stored.seats.licensed, 5);
    assert_eq!(stored.seats.large_meeting, 1);
    assert_eq!(stored.licensed_used, 1, "the Owner takes a Licensed seat");
    assert_eq!(stored.owner_id.unwrap().as_str(), acct.owner_id);

    // The secret is stored only as a hash.
    let hash: String = conn
        .fetch_one("SELECT client_secret_hash FROM oauth_apps", &[])
        .await
        .unwrap();
    assert_ne!(hash, acct.client_secret);
    assert_eq!(hash.len(), 64);
    let secrets: i64 = conn
        .fetch_one(
            "SELECT COUNT(*) FROM oauth_apps WHERE client_secret_hash = $1",
            roster_store::params![acct.client_secret.as_str()],
        )
        .await
        .unwrap();
    assert_eq!(secrets, 0);

    // One event records it.
    let kind: String = conn
        .fetch_one("SELECT type FROM events", &[])
        .await
        .unwrap();
    assert_eq!(kind, "account.created");
}

async fn free_account_owner_is_basic_until_payment_verified(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app.create_account("Free Co", "boss@free.test", &[]).await;
    let (token_status, me) = {
        let token = app.token(&acct).await;
        app.get("/v2/users/me", &token).await
    };
    assert_eq!(token_status, 200);
    assert_eq!(me["type"], 1, "no Licensed seat on a free plan: {me}");

    let db = app.db.open().await;
    let id = AccountId::parse(&acct.account_id).unwrap();
    let before = accounts::find(&mut db.read().await.unwrap(), &id)
        .await
        .unwrap()
        .unwrap();
    assert!(!before.payment_verified);

    let out = app
        .cli(&["account", "verify-payment", &acct.account_id])
        .await
        .unwrap();
    assert!(out.contains("verified"), "{out}");
    let after = accounts::find(&mut db.read().await.unwrap(), &id)
        .await
        .unwrap()
        .unwrap();
    assert!(after.payment_verified);
    // Verifying again is harmless.
    app.cli(&["account", "verify-payment", &acct.account_id])
        .await
        .unwrap();
}

async fn human_output_shows_credentials_once_and_a_curl(b: Backend) {
    let db = TestDb::new(b).await;
    let out = run_cli(
        &db,
        &[
            "account",
            "create",
            "--name",
            "Acme",
            "--owner-email",
            "o@acme.test",
        ],
    )
    .await
    .unwrap();
    for field in [
        "account_id:",
        "owner_id:",
        "client_id:",
        "client_secret:",
        "curl",
        "grant_type=account_credentials",
    ] {
        assert!(out.contains(field), "missing {field} in:\n{out}");
    }
}

/// Each refusal names what is wrong and stores nothing at all.
async fn bad_input_is_refused_and_stores_nothing(b: Backend) {
    let db = TestDb::new(b).await;
    let cases: &[(&[&str], &str)] = &[
        (
            &["--name", "Acme", "--owner-email", "not-an-email"],
            "--owner-email",
        ),
        (&["--name", "   ", "--owner-email", "o@acme.test"], "--name"),
        (
            &[
                "--name",
                "Acme",
                "--owner-email",
                "o@acme.test",
                "--plan",
                "gold",
            ],
            "--plan",
        ),
        (
            &[
                "--name",
                "Acme",
                "--owner-email",
                "o@acme.test",
                "--licensed-seats",
                "3",
            ],
            "free plan",
        ),
        (
            &[
                "--name",
                "Acme",
                "--owner-email",
                "o@acme.test",
                "--plan",
                "pro",
                "--licensed-seats",
                "1",
                "--webinar-seats",
                "2",
            ],
            "add-on",
        ),
        (
            &[
                "--name",
                "Acme",
                "--owner-email",
                "o@acme.test",
                "--owner-password",
                "short",
            ],
            "--owner-password",
        ),
        (
            &[
                "--name",
                "Acme",
                "--owner-email",
                "o@acme.test",
                "--owner-password",
                "alllowercase1",
            ],
            "upper",
        ),
    ];
    // Make sure the schema exists, so "nothing stored" is a real check.
    run_cli(&db, &["migrate"]).await.unwrap();
    for (args, expect) in cases {
        let mut full = vec!["account", "create"];
        full.extend_from_slice(args);
        let err = run_cli(&db, &full).await.unwrap_err().to_string();
        assert!(
            err.contains(expect),
            "{args:?}: expected {expect:?} in {err:?}"
        );
    }
    let err = run_cli(
        &db,
        &[
            "account",
            "create",
            "--name",
            "Acme",
            "--owner-email",
            "o@acme.test",
            "--licensed-seats=-1",
        ],
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("--licensed-seats"), "{err}");
    for table in ["accounts", "users", "oauth_apps", "events"] {
        assert_eq!(db.count(table).await, 0, "{table} should be empty");
    }
}

async fn owner_email_is_unique_across_accounts(b: Backend) {
    let app = spawn_app(b).await;
    app.create_account("First", "owner@acme.test", &[]).await;
    let err = app
        .cli(&[
            "account",
            "create",
            "--name",
            "Second",
            "--owner-email",
            "OWNER@acme.test",
        ])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("already been used"), "{err}");
    assert_eq!(app.db.count("accounts").await, 1);
    assert_eq!(app.db.count("users").await, 1);
    assert_eq!(app.db.count("oauth_apps").await, 1);
}

async fn verify_payment_of_unknown_account_fails(b: Backend) {
    let app = spawn_app(b).await;
    for id in ["nope", "AAAAAAAAAAAAAAAAAAAAAA"] {
        let err = app
            .cli(&["account", "verify-payment", id])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("Account does not exist"), "{err}");
    }
    assert_eq!(app.db.count("events").await, 0);
}

both_backends!(
    creates_account_owner_and_app,
    free_account_owner_is_basic_until_payment_verified,
    human_output_shows_credentials_once_and_a_curl,
    bad_input_is_refused_and_stores_nothing,
    owner_email_is_unique_across_accounts,
    verify_payment_of_unknown_account_fails,
);
