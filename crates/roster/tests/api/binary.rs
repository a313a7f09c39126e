//! The real `roster` binary: `serve` (first-run hint, graceful SIGTERM), `migrate`, errors.

use crate::support::{Backend, TestDb};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

fn roster(db: &TestDb, dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roster"));
    cmd.current_dir(dir)
        .env("ROSTER_DATABASE_URL", &db.url)
        .env("ROSTER_LOG", "warn")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// Starts `roster serve`, returns the child, its base URL and the stdout lines before it.
pub(crate) async fn serve(
    db: &TestDb,
    dir: &std::path::Path,
) -> (tokio::process::Child, String, Vec<String>) {
    serve_with(db, dir, &[]).await
}

/// [`serve`] with extra environment variables.
pub(crate) async fn serve_with(
    db: &TestDb,
    dir: &std::path::Path,
    env: &[(&str, &str)],
) -> (tokio::process::Child, String, Vec<String>) {
    let mut child = roster(db, dir);
    child.envs(env.iter().copied());
    let mut child = child
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let base = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("Roster is listening on ") {
                return url.to_owned();
            }
            seen.push(line);
        }
        panic!("roster serve exited before listening; printed {seen:?}");
    })
    .await
    .expect("roster serve did not start in time");
    (child, base, seen)
}

pub(crate) async fn sigterm_and_wait(mut child: tokio::process::Child) {
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("roster serve did not stop on SIGTERM")
        .unwrap();
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

async fn serve_hints_first_account_and_stops_on_sigterm(b: Backend) {
    let db = TestDb::new(b).await;
    let dir = tempfile::tempdir().unwrap();
    let (child, base, before) = serve(&db, dir.path()).await;
    let hints = before
        .iter()
        .filter(|l| l.contains("No accounts yet"))
        .count();
    assert_eq!(hints, 1, "{before:?}");
    assert!(
        before
            .iter()
            .any(|l| l.contains("roster") && l.contains("account create")),
        "{before:?}"
    );
    // The portal's one-time first-run link, on this server's address.
    let link = before
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.contains("/setup?token=")))
        .unwrap_or_else(|| panic!("no setup link in {before:?}"))
        .to_owned();
    let setup = reqwest::get(&link).await.unwrap();
    assert_eq!(setup.status(), 200, "{link}");
    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    sigterm_and_wait(child).await;

    // With an account, no hint.
    let out = roster(&db, dir.path())
        .args([
            "account",
            "create",
            "--name",
            "Acme",
            "--owner-email",
            "o@acme.test",
            "--json",
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (child, _, before) = serve(&db, dir.path()).await;
    assert!(
        before
            .iter()
            .all(|l| !l.contains("No accounts yet") && !l.contains("/setup?token=")),
        "{before:?}"
    );
    sigterm_and_wait(child).await;
}

async fn migrate_is_idempotent(b: Backend) {
    let db = TestDb::new(b).await;
    let dir = tempfile::tempdir().unwrap();
    let first = roster(&db, dir.path())
        .arg("migrate")
        .output()
        .await
        .unwrap();
    assert!(first.status.success());
    let latest = roster_store::migrate::latest();
    assert!(
        String::from_utf8_lossy(&first.stdout).contains(&format!("schema version is now {latest}")),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    let second = roster(&db, dir.path())
        .arg("migrate")
        .output()
        .await
        .unwrap();
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("up to date"));
}

async fn errors_exit_non_zero_with_a_message(b: Backend) {
    let db = TestDb::new(b).await;
    let dir = tempfile::tempdir().unwrap();
    let out = roster(&db, dir.path())
        .args([
            "account",
            "create",
            "--name",
            "Acme",
            "--owner-email",
            "nope",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: --owner-email: email must have exactly one '@'"),
        "{err}"
    );
    assert_eq!(db.count("accounts").await, 0);
}

/// `roster users import` without a terminal (a script, a pipe): no progress bar, but the rows
/// in error are still listed, with their lines, before the summary.
async fn import_lists_its_errors_without_a_terminal(b: Backend) {
    let db = TestDb::new(b).await;
    let dir = tempfile::tempdir().unwrap();
    let created = roster(&db, dir.path())
        .args(["account", "create", "--name", "Acme"])
        .args(["--owner-email", "owner@acme.test", "--plan", "business"])
        .output()
        .await
        .unwrap();
    assert!(created.status.success());
    std::fs::write(
        dir.path().join("users.csv"),
        "Email,First Name\nzed@acme.test,Zed\nnot-an-email,X\namy@acme.test,Amy\n",
    )
    .unwrap();
    let out = roster(&db, dir.path())
        .args(["users", "import", "users.csv"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3: not-an-email: \"not-an-email\" is not a valid email address"),
        "{err}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 rows: 2 created"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

both_backends!(
    serve_hints_first_account_and_stops_on_sigterm,
    migrate_is_idempotent,
    errors_exit_non_zero_with_a_message,
    import_lists_its_errors_without_a_terminal,
);

#[tokio::test]
async fn unusable_database_urls_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    for (url, expect) in [
        ("mysql://x", "unsupported database URL"),
        ("sqlite:///no/such/dir/roster.db", "does not exist"),
        ("sqlite::memory:", "SQLite needs a file"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_roster"))
            .current_dir(dir.path())
            .args(["--database-url", url, "migrate"])
            .output()
            .await
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{url}: {err}");
    }
}
