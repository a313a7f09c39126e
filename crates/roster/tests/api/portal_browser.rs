//! The portal in a real browser: Debian's headless Chromium driven by playwright-core
//! (crates/web/e2e/portal.mjs) against the real server, from the first-run setup link through
//! users, groups, an app install, a CSV import and a meeting to every page of the navigation; any
//! console error, and any serious or critical accessibility violation axe-core finds, fails it.
//! The first run installs what it needs (`scripts/browser-test-deps.sh`: the `chromium` package
//! and the pinned playwright-core and axe-core), as the SCIM suite installs its client.

use crate::support::{spawn_app, Backend};
use std::path::{Path, PathBuf};
use tokio::sync::OnceCell;

static DEPS: OnceCell<PathBuf> = OnceCell::const_new();

/// The e2e directory, with chromium, playwright-core and axe-core installed (once per test run).
async fn e2e_dir() -> PathBuf {
    DEPS.get_or_init(|| async {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let e2e = root.join("crates/web/e2e");
        let ready = || {
            e2e.join("node_modules/playwright-core").is_dir()
                && e2e.join("node_modules/axe-core").is_dir()
                && Path::new("/usr/bin/chromium").exists()
        };
        if !ready() {
            let out = tokio::process::Command::new("bash")
                .arg(root.join("scripts/browser-test-deps.sh"))
                .current_dir(&root)
                .output()
                .await
                .expect("run scripts/browser-test-deps.sh");
            assert!(
                out.status.success() && ready(),
                "scripts/browser-test-deps.sh could not install chromium, playwright-core and axe-core:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        e2e
    })
    .await
    .clone()
}

async fn drives_the_portal_in_chromium(backend: Backend) {
    let e2e = e2e_dir().await;
    let app = spawn_app(backend).await;
    let link = app.setup_link.clone().unwrap();
    let out = tokio::process::Command::new("node")
        .arg(e2e.join("portal.mjs"))
        .arg(&app.base)
        .arg(&link)
        .current_dir(&e2e)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Shown with --nocapture: each step, and the audit's minor findings.
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("portal e2e: ok"), "{stdout}");
    // The accessibility audit ran on the pages (each named in the script).
    let audited = stdout
        .lines()
        .find_map(|l| {
            l.strip_prefix("a11y: ")?
                .split(' ')
                .next()?
                .parse::<u32>()
                .ok()
        })
        .unwrap_or(0);
    assert!(audited >= 20, "{stdout}");
    // What the browser did is in the database.
    // The owner, three added by email, one imported from the CSV.
    assert_eq!(app.db.count("users").await, 5);
    assert_eq!(app.db.count("groups").await, 1);
}

both_backends!(drives_the_portal_in_chromium);
