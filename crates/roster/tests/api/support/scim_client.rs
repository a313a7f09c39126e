//! Driving `/scim2` with a real SCIM client: python-scim's `scim2-client` (and its checker
//! `scim2-tester`), installed on first use into a virtualenv under the build's temporary
//! directory from `tests/scim/requirements.txt`. A test runs one of the scripts in
//! `tests/scim/` against the live server; the script prints JSON on stdout and exits non-zero
//! (with its reason on stderr) when a check fails.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use tokio::sync::OnceCell;

static VENV: OnceCell<PathBuf> = OnceCell::const_new();

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scim")
}

/// The virtualenv's python, made (once per test run) when missing or out of date.
pub async fn python() -> PathBuf {
    VENV.get_or_init(|| async {
        tokio::task::spawn_blocking(make_venv)
            .await
            .expect("virtualenv setup panicked")
    })
    .await
    .clone()
}

fn make_venv() -> PathBuf {
    let requirements = scripts_dir().join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).expect("tests/scim/requirements.txt");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scim-venv");
    let python = dir.join("bin/python");
    let stamp = dir.join("requirements.installed");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&wanted) {
        return python;
    }
    let run = |cmd: &mut Command, what: &str| {
        let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            out.status.success(),
            "{what} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let _ = std::fs::remove_dir_all(&dir);
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&dir),
        "python3 -m venv (install python3 and python3-venv)",
    );
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
        "pip install -r tests/scim/requirements.txt",
    );
    std::fs::write(&stamp, wanted).expect("write the virtualenv stamp");
    python
}

/// Runs `tests/scim/{script}` against `base` (the server's `/scim2` URL) with `token`, passing
/// `args`; panics with the script's output unless it exits 0; returns its stdout as JSON
/// (`null` when it printed nothing).
pub async fn run(script: &str, base: &str, token: &str, args: &[&str]) -> Value {
    let python = python().await;
    let path = scripts_dir().join(script);
    let out = tokio::process::Command::new(python)
        .arg(&path)
        .args(args)
        .env("SCIM_BASE_URL", base)
        .env("SCIM_TOKEN", token)
        .output()
        .await
        .unwrap_or_else(|e| panic!("running {script}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{script} printed non-JSON ({e}):\n{stdout}"))
    }
}
