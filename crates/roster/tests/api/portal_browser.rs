//! The portal in a real browser: Debian's headless Chromium driven by playwright-core
//! (crates/web/e2e/portal.mjs) against the real server, from the first-run setup link to a bulk
//! group move, the Advanced tab and a CSV import; any console error fails it. `scripts/browser-test-deps.sh` installs both.

use crate::support::{spawn_app, Backend};
use std::path::Path;

async fn drives_the_portal_in_chromium(backend: Backend) {
    let e2e = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/e2e");
    assert!(
        e2e.join("node_modules/playwright-core").is_dir()
            && Path::new("/usr/bin/chromium").exists(),
        "the browser tests need chromium and playwright-core: run scripts/browser-test-deps.sh"
    );
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
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("portal e2e: ok"), "{stdout}");
    // What the browser did is in the database.
    // The owner, three added by email, one imported from the CSV.
    assert_eq!(app.db.count("users").await, 5);
    assert_eq!(app.db.count("groups").await, 1);
}

both_backends!(drives_the_portal_in_chromium);
