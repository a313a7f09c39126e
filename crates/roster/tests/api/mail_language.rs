//! Mail in the recipient's language: an account's language is where its users start, a user's
//! own language wins, Roster writes English for a language it does not know, and every delivery
//! (or failed attempt) is in the account's audit log.

use crate::smtp::{Received, SmtpServer};
use crate::support::{spawn_app_with, Backend, Created, TestApp};
use serde_json::{json, Value};

async fn app_with_smtp(b: Backend, smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    spawn_app_with(b, |c| {
        c.smtp_url = Some(url);
        c.mail_poll_ms = 50;
    })
    .await
}

async fn account(app: &TestApp, extra: &[&str]) -> (Created, String) {
    let mut args = vec!["--plan", "business", "--licensed-seats", "10"];
    args.extend_from_slice(extra);
    let acct = app
        .create_account("École Dupont", "owner@dupont.test", &args)
        .await;
    let token = app.token(&acct).await;
    (acct, token)
}

async fn activate(app: &TestApp, link: &str) -> (u16, String) {
    let raw = link.rsplit('=').next().unwrap();
    let res = app
        .client
        .post(app.url("/activate"))
        .form(&[
            ("token", raw),
            ("first_name", "Jeanne"),
            ("last_name", "Martin"),
            ("password", "Secr3tPass"),
            ("confirm", "Secr3tPass"),
        ])
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Waits until every recorded message is marked sent (their events are written with it).
async fn all_sent(app: &TestApp) {
    for _ in 0..200 {
        if app
            .scalar("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
            .await
            == 0
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("messages were not marked sent");
}

fn message_id(m: &Received) -> String {
    m.header("Message-ID")
}

async fn french_account_mails_in_french_and_the_link_activates(b: Backend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(b, &smtp).await;
    let (_, token) = account(&app, &["--language", "fr"]).await;
    let id = app
        .add_user(&token, "create", "jeanne@dupont.test", 1)
        .await;
    let (_, user) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(
        user["language"], "fr-FR",
        "a new user starts in the account's language"
    );

    let invite = smtp.wait_for(1).await.remove(0);
    assert_eq!(
        invite.subject(),
        "Invitation à rejoindre École Dupont sur Roster"
    );
    let text = invite.text();
    assert!(text.starts_with("Bonjour,"), "{text}");
    assert!(text.contains("Le lien est valable jusqu’au"), "{text}");
    let html = invite.part("text/html");
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    assert!(html.contains("Activer votre compte"), "{html}");
    let link = invite.activation_link();
    assert!(
        link.starts_with(&format!("{}/activate?token=", app.base)),
        "{link}"
    );

    let (s, page) = activate(&app, &link).await;
    assert_eq!(s, 200, "{page}");
    let (_, user) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(user["status"], "active");

    // The welcome mail follows, in French, pointing at this server.
    let got = smtp.wait_for(2).await;
    let welcome = &got[1];
    assert_eq!(welcome.to, ["<jeanne@dupont.test>"]);
    assert_eq!(welcome.subject(), "Bienvenue dans École Dupont sur Roster");
    assert!(welcome.text().contains(&app.base), "{}", welcome.text());
    assert!(!welcome.text().contains("token="));
    assert!(
        message_id(welcome).contains(&format!("welcome.{id}.")),
        "{}",
        message_id(welcome)
    );

    // Both deliveries are in the audit log, done by the system.
    all_sent(&app).await;
    let (s, log) = app
        .get("/v2/report/operationlogs?category_type=mail", &token)
        .await;
    assert_eq!(s, 200, "{log}");
    let entries = log["operation_logs"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{log}");
    for e in entries {
        assert_eq!(e["action"], "mail.sent");
        assert_eq!(e["operator"], "system");
        assert_eq!(e["category_type"], "Mail");
        assert!(
            e["operation_detail"]
                .as_str()
                .unwrap()
                .contains("jeanne@dupont.test"),
            "{e}"
        );
    }
    let db = app.db.open().await;
    let payload: String = db
        .read()
        .await
        .unwrap()
        .fetch_one(
            "SELECT payload FROM events WHERE type = 'mail.sent' ORDER BY id LIMIT 1",
            &[],
        )
        .await
        .unwrap();
    db.close().await;
    let p: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(p["object"]["kind"], "activation");
    assert_eq!(p["object"]["to"], "jeanne@dupont.test");
    assert_eq!(p["object"]["attempts"], 1);
    assert!(p["object"]["id"].as_i64().is_some());
}

async fn a_users_own_language_wins(b: Backend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(b, &smtp).await;
    let (acct, token) = account(&app, &[]).await;
    // The operator switches the account to Russian: users still in English follow.
    let out = app
        .cli(&["account", "set-language", &acct.account_id, "ru-RU"])
        .await
        .unwrap();
    assert!(out.contains("ru-RU"), "{out}");
    let (_, me) = app.get("/v2/users/me", &token).await;
    assert_eq!(me["language"], "ru-RU");

    let id = app.add_user(&token, "create", "pavel@dupont.test", 1).await;
    let first = smtp.wait_for(1).await.remove(0);
    assert_eq!(first.subject(), "Приглашение в «École Dupont» в Roster");
    assert!(
        first.text().contains("Ссылка действует до"),
        "{}",
        first.text()
    );

    // The user's own language wins over the account's.
    let (s, v) = app
        .patch(
            &format!("/v2/users/{id}"),
            &token,
            &json!({"language": "pl-PL"}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    let (s, v) = app
        .post(&format!("/v2/users/{id}/invitation"), &token, &json!({}))
        .await;
    assert_eq!(s, 204, "{v}");
    let reminder = smtp.wait_for(2).await.remove(1);
    assert_eq!(
        reminder.subject(),
        "Przypomnienie: zaproszenie do organizacji École Dupont w Roster"
    );
    assert!(message_id(&reminder).contains(&format!("reminder.{id}.")));

    // A language Roster does not write falls back to English.
    app.patch(
        &format!("/v2/users/{id}"),
        &token,
        &json!({"language": "de-DE"}),
    )
    .await;
    app.post(&format!("/v2/users/{id}/invitation"), &token, &json!({}))
        .await;
    let english = smtp.wait_for(3).await.remove(2);
    assert_eq!(
        english.subject(),
        "Reminder: you are invited to join École Dupont on Roster"
    );

    // The latest link works; the earlier ones do not.
    let (s, _) = activate(&app, &english.activation_link()).await;
    assert_eq!(s, 200);
    let (s, _) = activate(&app, &first.activation_link()).await;
    assert_eq!(s, 404);
    // Switching the account again leaves a user who chose their own language alone.
    app.cli(&["account", "set-language", &acct.account_id, "pt"])
        .await
        .unwrap();
    let (_, me) = app.get("/v2/users/me", &token).await;
    assert_eq!(me["language"], "pt-PT");
    let (_, user) = app.get(&format!("/v2/users/{id}"), &token).await;
    assert_eq!(user["language"], "de-DE");
}

async fn unsupported_languages_are_refused_and_nothing_is_stored(b: Backend) {
    let app = crate::support::spawn_app(b).await;
    let err = app
        .cli(&[
            "account",
            "create",
            "--name",
            "Schule",
            "--owner-email",
            "o@schule.test",
            "--language",
            "de",
        ])
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unsupported language \"de\"") && err.contains("fr (Français)"),
        "{err}"
    );
    assert_eq!(app.db.count("accounts").await, 0);
    assert_eq!(app.db.count("users").await, 0);

    let (acct, _) = account(&app, &["--language", "pt-BR"]).await;
    let events = app.db.count("events").await;
    for bad in ["xx", "de-DE", "fr-FRANCE", ""] {
        let err = app
            .cli(&["account", "set-language", &acct.account_id, bad])
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unsupported language") && err.contains("ru (Русский)"),
            "{err}"
        );
    }
    let err = app
        .cli(&["account", "set-language", "AAAAAAAAAAAAAAAAAAAAAA", "fr"])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("Account does not exist"), "{err}");
    assert_eq!(app.db.count("events").await, events);
    assert_eq!(app.db.count("accounts WHERE language = 'pt-BR'").await, 1);
    assert_eq!(app.db.count("users WHERE language = 'pt-BR'").await, 1);
}

async fn failed_deliveries_are_in_the_audit_log(b: Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with(b, |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail_poll_ms = 50;
        c.mail_retry_base_ms = 200;
    })
    .await;
    let (_, token) = account(&app, &[]).await;
    app.add_user(&token, "create", "late@dupont.test", 1).await;
    for _ in 0..200 {
        if app.db.count("events WHERE type = 'mail.failed'").await >= 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (_, log) = app
        .get("/v2/report/operationlogs?category_type=mail", &token)
        .await;
    let failed = &log["operation_logs"][0];
    assert_eq!(failed["action"], "mail.failed", "{log}");
    assert_eq!(failed["operator"], "system");
    let db = app.db.open().await;
    let payload: String = db
        .read()
        .await
        .unwrap()
        .fetch_one(
            "SELECT payload FROM events WHERE type = 'mail.failed' ORDER BY id LIMIT 1",
            &[],
        )
        .await
        .unwrap();
    db.close().await;
    let p: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(p["object"]["to"], "late@dupont.test");
    assert_eq!(p["object"]["attempts"], 1);
    assert!(!p["error"].as_str().unwrap().is_empty(), "{p}");
    let next = p["next_attempt_at"].as_str().unwrap();
    assert!(next.ends_with('Z') && next.contains('T'), "{next}");

    // The server comes up: the message goes out, and that is logged too.
    let smtp = SmtpServer::start_on(port).await;
    smtp.wait_for(1).await;
    all_sent(&app).await;
    let (_, log) = app
        .get("/v2/report/operationlogs?category_type=mail", &token)
        .await;
    assert_eq!(log["operation_logs"][0]["action"], "mail.sent", "{log}");
}

both_backends!(
    french_account_mails_in_french_and_the_link_activates,
    a_users_own_language_wins,
    unsupported_languages_are_refused_and_nothing_is_stored,
    failed_deliveries_are_in_the_audit_log,
);
