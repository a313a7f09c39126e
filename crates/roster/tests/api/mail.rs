//! Mail: invitations go through the outbox and a real SMTP server; without one they stay in the
//! local outbox that `roster mail list|show` prints. Delivery retries until the server accepts,
//! and sends each message once.

use crate::smtp::SmtpServer;
use crate::support::{spawn_app, spawn_app_with, Backend};
use roster_domain::Secret;
use serde_json::json;

/// The activation link in a delivered message (quoted-printable soft breaks undone).
fn link_in(data: &str) -> String {
    let unfolded = data.replace("=\n", "").replace("=3D", "=");
    let start = unfolded.find("http://").expect("a link");
    unfolded[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}

async fn invitation_is_mailed_with_a_working_token(b: Backend) {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(b, |c| {
        c.smtp_url = Some(smtp.url());
        c.mail_poll_ms = 50;
        c.mail_from = "Acme Roster <roster@acme.test>".into();
    })
    .await;
    let (_, token) = app.account_with_token().await;
    let id = app
        .add_user(&token, "create", "new.teacher@acme.test", 1)
        .await;
    let got = smtp.wait_for(1).await;
    let m = &got[0];
    assert_eq!(m.to, ["<new.teacher@acme.test>"]);
    assert_eq!(m.from, "<roster@acme.test>");
    assert!(
        m.data
            .contains("Subject: You are invited to join Acme School on Roster"),
        "{}",
        m.data
    );
    assert!(m.data.contains("text/plain") && m.data.contains("text/html"));
    let link = link_in(&m.data);
    assert!(
        link.starts_with(&format!("{}/activate?token=", app.base)),
        "{link}"
    );
    let raw_token = link.rsplit('=').next().unwrap();
    assert!(raw_token.len() >= 43, "at least 256 bits: {raw_token}");

    // The invitation holds the token's hash only; after delivery, the outbox copy has no token.
    let stored = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM invitations WHERE user_id = '{id}' AND token_hash = '{}'",
            Secret::presented(raw_token).hash().as_str()
        ))
        .await;
    assert_eq!(stored, 1);
    for _ in 0..100 {
        if app
            .scalar("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NOT NULL")
            .await
            == 1
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let leaked = app
        .scalar(&format!("SELECT COUNT(*) FROM mail_outbox WHERE text_body LIKE '%{raw_token}%' OR html_body LIKE '%{raw_token}%'"))
        .await;
    assert_eq!(leaked, 0, "no live token in the delivered copy");
    let mid = m
        .data
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        .unwrap();
    assert!(mid.contains(&format!("activation.{id}.")), "{mid}");

    // Users added some other way get no activation mail.
    app.add_user(&token, "custCreate", "direct@acme.test", 1)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 1);
}

async fn delivery_retries_until_accepted_and_sends_once(b: Backend) {
    // A port with nobody listening yet.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let app = spawn_app_with(b, |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail_poll_ms = 50;
        c.mail_retry_base_ms = 200;
    })
    .await;
    let (_, token) = app.account_with_token().await;
    app.add_user(&token, "create", "later@acme.test", 1).await;
    for _ in 0..100 {
        if app
            .scalar(
                "SELECT COUNT(*) FROM mail_outbox WHERE attempts >= 1 AND last_error IS NOT NULL",
            )
            .await
            == 1
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND last_error IS NOT NULL"
        )
        .await,
        1
    );
    // The server comes up: the message goes out, once.
    let smtp = SmtpServer::start_on(port).await;
    smtp.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NOT NULL AND last_error IS NULL"
        )
        .await,
        1
    );
}

async fn without_smtp_mail_stays_in_the_local_outbox(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    app.add_user(&token, "create", "ann@acme.test", 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let list = app.cli(&["mail", "list"]).await.unwrap();
    assert!(
        list.contains("activation") && list.contains("ann@acme.test") && list.contains("not sent"),
        "{list}"
    );
    let id = list.split_whitespace().next().unwrap();
    let shown = app.cli(&["mail", "show", id]).await.unwrap();
    assert!(
        shown.contains(&format!("{}/activate?token=", app.base)),
        "{shown}"
    );
    let json_list = app.cli(&["mail", "list", "--json"]).await.unwrap();
    let first: serde_json::Value = serde_json::from_str(json_list.lines().next().unwrap()).unwrap();
    assert_eq!(first["to"], json!("ann@acme.test"));
    let err = app
        .cli(&["mail", "show", "999"])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("no message 999"), "{err}");
}

both_backends!(
    invitation_is_mailed_with_a_working_token,
    delivery_retries_until_accepted_and_sends_once,
    without_smtp_mail_stays_in_the_local_outbox,
);

mod crash {
    use crate::binary::{serve_with, sigterm_and_wait};
    use crate::smtp::SmtpServer;
    use crate::support::{run_cli, Backend, TestDb};
    use serde_json::{json, Value};

    async fn outbox_count(db: &TestDb, sql: &str) -> i64 {
        db.count(&format!("mail_outbox WHERE {sql}")).await
    }

    /// A message recorded while SMTP is down survives the server being killed, and is
    /// delivered exactly once by the next server.
    async fn nothing_is_lost_when_the_server_is_killed(b: Backend) {
        let db = TestDb::new(b).await;
        let dir = tempfile::tempdir().unwrap();
        let out = run_cli(
            &db,
            &[
                "account",
                "create",
                "--name",
                "Crash",
                "--owner-email",
                "o@crash.test",
                "--plan",
                "pro",
                "--licensed-seats",
                "2",
                "--json",
            ],
        )
        .await
        .unwrap();
        let acct: Value = serde_json::from_str(out.trim()).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let smtp_url = format!("smtp://127.0.0.1:{port}");
        let env = [
            ("ROSTER_SMTP_URL", smtp_url.as_str()),
            ("ROSTER_MAIL_POLL_MS", "50"),
            ("ROSTER_MAIL_RETRY_BASE_MS", "100"),
            ("ROSTER_MAIL_LEASE_MS", "500"),
        ];
        let (mut first, base, _) = serve_with(&db, dir.path(), &env).await;
        let client = reqwest::Client::new();
        let token = crate::support::token_at(&client, &base, &acct).await;
        let res = client
            .post(format!("{base}/v2/users"))
            .bearer_auth(&token)
            .json(&json!({"action": "create", "user_info": {"email": "survivor@crash.test", "type": 1}}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        // Delivery fails (no SMTP server yet); then the server is killed outright.
        for _ in 0..100 {
            if outbox_count(&db, "attempts >= 1").await == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        first.kill().await.unwrap();
        assert_eq!(
            outbox_count(&db, "sent_at IS NULL").await,
            1,
            "recorded, not sent"
        );

        let smtp = SmtpServer::start_on(port).await;
        let (second, _, _) = serve_with(&db, dir.path(), &env).await;
        let got = smtp.wait_for(1).await;
        assert_eq!(got[0].to, ["<survivor@crash.test>"]);
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        assert_eq!(smtp.messages().len(), 1, "delivered exactly once");
        assert_eq!(outbox_count(&db, "sent_at IS NOT NULL").await, 1);
        sigterm_and_wait(second).await;
    }

    both_backends!(nothing_is_lost_when_the_server_is_killed);
}
