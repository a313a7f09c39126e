//! Test support: fresh databases, a spawned server, the CLI entry point, and helpers.
//!
//! PostgreSQL: `ROSTER_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`) is
//! the admin connection; every test creates its own database there and drops it afterwards.
//! Set `TEST_LOG=1` to see the server's logs.

pub mod dns;
pub mod receiver;
pub mod scim_client;

use roster::{Application, Config};
use roster_store::{Db, DbOptions};
use serde_json::Value;
use std::sync::Once;

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates, for each named `async fn NAME(Backend)`, one test per backend:
/// `MODULE::sqlite::NAME` and `MODULE::postgres::NAME`.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::support::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::support::Backend::Postgres).await
                }
            )*
        }
    };
}

fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter("debug,sqlx=warn,hyper=info")
                .with_test_writer()
                .try_init();
        }
    });
}

pub fn pg_admin_url() -> String {
    std::env::var("ROSTER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A fresh, empty database; removed when dropped.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("roster.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let admin = pg_admin_url();
                let name = format!("roster_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = pg_admin_conn(&admin).await;
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                Self {
                    url: format!("{base}/{name}"),
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// A direct handle on the same database, to check what was (not) stored.
    pub async fn open(&self) -> Db {
        Db::connect(
            &self.url,
            &DbOptions {
                max_connections: 2,
                ..DbOptions::default()
            },
        )
        .await
        .unwrap()
    }

    /// Rows in `table`.
    pub async fn count(&self, table: &str) -> i64 {
        let db = self.open().await;
        let mut conn = db.read().await.unwrap();
        let n = conn
            .fetch_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
            .await
            .unwrap();
        db.close().await;
        n
    }
}

async fn pg_admin_conn(url: &str) -> sqlx::postgres::PgConnection {
    use sqlx::Connection;
    sqlx::postgres::PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {url}: {e}. The suite needs it (trust auth); \
                 start it or set ROSTER_TEST_POSTGRES_URL."
            )
        })
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop needs its own runtime: the test's may be shutting down.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::postgres::PgConnection::connect(&pg_admin_url()).await {
                    let _ = sqlx::Executor::execute(
                        &mut conn,
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                    )
                    .await;
                }
            });
        })
        .join();
    }
}

/// A running server over a fresh database.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    /// The server's clock: advancing it moves time for its use cases and workers.
    pub clock: roster_service::Clock,
    /// On an empty database: the one-time `/setup` link `roster serve` prints.
    pub setup_link: Option<String>,
}

/// Credentials printed by `roster account create --json`.
#[derive(Debug, Clone)]
pub struct Created {
    pub account_id: String,
    pub owner_id: String,
    pub client_id: String,
    pub client_secret: String,
}

pub fn test_config(db: &TestDb) -> Config {
    Config {
        database_url: db.url.clone(),
        database_max_connections: 4,
        listen: "127.0.0.1:0".parse().unwrap(),
        // Webhook workers that keep up with a test: short polls, retries and timeouts.
        webhook_poll_ms: 50,
        webhook_retry_base_ms: 200,
        webhook_timeout_ms: 2000,
        webhook_lease_ms: 4000,
        ..Config::default()
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    init_logs();
    let db = TestDb::new(backend).await;
    let mut config = test_config(&db);
    tweak(&mut config);
    let app = Application::build(&config).await.unwrap();
    let base = format!("http://{}", app.address());
    let clock = app.service().clock().clone();
    let setup_link = app.setup_link().map(str::to_owned);
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        base,
        client: reqwest::Client::new(),
        db,
        clock,
        setup_link,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs the CLI entry point (in process) against this app's database.
    pub async fn cli(&self, args: &[&str]) -> anyhow::Result<String> {
        run_cli(&self.db, args).await
    }

    /// Creates an account through the CLI and returns its credentials.
    pub async fn create_account(&self, name: &str, owner_email: &str, extra: &[&str]) -> Created {
        let mut args = vec![
            "account",
            "create",
            "--name",
            name,
            "--owner-email",
            owner_email,
            "--json",
        ];
        args.extend_from_slice(extra);
        let out = self.cli(&args).await.unwrap();
        let v: Value = serde_json::from_str(out.trim()).unwrap();
        Created {
            account_id: v["account_id"].as_str().unwrap().to_owned(),
            owner_id: v["owner_id"].as_str().unwrap().to_owned(),
            client_id: v["client_id"].as_str().unwrap().to_owned(),
            client_secret: v["client_secret"].as_str().unwrap().to_owned(),
        }
    }

    /// A bearer token for `acct`'s server-to-server app.
    pub async fn token(&self, acct: &Created) -> String {
        let res = self
            .client
            .post(self.url("/oauth/token"))
            .basic_auth(&acct.client_id, Some(&acct.client_secret))
            .query(&[
                ("grant_type", "account_credentials"),
                ("account_id", acct.account_id.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let v: Value = res.json().await.unwrap();
        v["access_token"].as_str().unwrap().to_owned()
    }

    /// A token for a server-to-server app created for `email` (it acts as that user).
    pub async fn token_for_user(&self, acct: &Created, email: &str) -> String {
        let out = self
            .cli(&[
                "app",
                "create",
                "--account-id",
                &acct.account_id,
                "--user",
                email,
                "--json",
            ])
            .await
            .unwrap();
        let v: Value = serde_json::from_str(out.trim()).unwrap();
        let app = Created {
            client_id: v["client_id"].as_str().unwrap().to_owned(),
            client_secret: v["client_secret"].as_str().unwrap().to_owned(),
            ..acct.clone()
        };
        self.token(&app).await
    }

    /// An account and a token for it.
    pub async fn account_with_token(&self) -> (Created, String) {
        let acct = self
            .create_account(
                "Acme School",
                "owner@acme.test",
                &["--plan", "business", "--licensed-seats", "10"],
            )
            .await;
        let token = self.token(&acct).await;
        (acct, token)
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: &Value,
    ) -> (u16, Value) {
        let res = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        json_of(res).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        self.send_json(reqwest::Method::POST, path, token, body)
            .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        self.send_json(reqwest::Method::PATCH, path, token, body)
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        self.send_json(reqwest::Method::PUT, path, token, body)
            .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (u16, Value) {
        let res = self
            .client
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        json_of(res).await
    }

    /// Adds a user through the API; returns its id.
    pub async fn add_user(&self, token: &str, action: &str, email: &str, user_type: i64) -> String {
        let (s, body) = self
            .post(
                "/v2/users",
                token,
                &serde_json::json!({"action": action, "user_info": {"email": email, "type": user_type}}),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// An integer from a one-row query.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let db = self.db.open().await;
        let v = db.read().await.unwrap().fetch_one(sql, &[]).await.unwrap();
        db.close().await;
        v
    }

    /// Every page of a `/v2/users` list (`query` without its page token), followed by keyset
    /// tokens: the users' emails in order, each page checked to answer 200 with `total`
    /// records.
    pub async fn user_emails_by_pages(&self, token: &str, query: &str, total: u64) -> Vec<String> {
        let mut seen = Vec::new();
        let mut next = String::new();
        loop {
            let (s, v) = self
                .get(&format!("/v2/users?{query}&next_page_token={next}"), token)
                .await;
            assert_eq!(s, 200, "{v}");
            assert_eq!(v["total_records"], total, "{query}: {v}");
            for u in v["users"].as_array().unwrap() {
                seen.push(u["email"].as_str().unwrap().to_owned());
            }
            next = v["next_page_token"].as_str().unwrap().to_owned();
            if next.is_empty() {
                return seen;
            }
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let res = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        json_of(res).await
    }
}

pub async fn run_cli(db: &TestDb, args: &[&str]) -> anyhow::Result<String> {
    let mut full = vec!["roster", "--database-url", db.url.as_str()];
    full.extend_from_slice(args);
    let mut out = Vec::new();
    roster::cli::run(full, &mut out).await?;
    Ok(String::from_utf8(out).unwrap())
}

/// A token from a server at `base` (e.g. a spawned `roster serve`) for the credentials that
/// `roster account create --json` printed.
pub async fn token_at(client: &reqwest::Client, base: &str, acct: &Value) -> String {
    let v: Value = client
        .post(format!("{base}/oauth/token"))
        .basic_auth(
            acct["client_id"].as_str().unwrap(),
            acct["client_secret"].as_str(),
        )
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", acct["account_id"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["access_token"].as_str().unwrap().to_owned()
}

/// Status and JSON body (`Value::Null` when the body is empty or not JSON).
pub async fn json_of(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts a Zoom error body.
pub fn assert_zoom_error(status: u16, body: &Value, want_status: u16, want_code: i64) {
    assert_eq!(status, want_status, "body: {body}");
    assert_eq!(body["code"].as_i64(), Some(want_code), "body: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "body: {body}"
    );
}
