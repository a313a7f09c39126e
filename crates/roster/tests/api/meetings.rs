//! Meetings: scheduling (types 1, 2, 3, 8; time zones; recurrence and occurrences), reading,
//! listing, changing and deleting through `/v2`, who sees whose, scheduling assistants, and
//! every refusal leaving the meetings as they were.

use crate::support::{assert_zoom_error, spawn_app, Backend, Created, TestApp};
use serde_json::json;

/// An account (Owner owner@acme.test) with active Members ann and bob, and tokens for the
/// Owner and for ann.
async fn acme(app: &TestApp) -> (Created, String, String, String, String) {
    let (acct, admin) = app.account_with_token().await;
    let ann = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    let bob = app.add_user(&admin, "custCreate", "bob@acme.test", 1).await;
    let ann_token = app.token_for_user(&acct, "ann@acme.test").await;
    (acct, admin, ann_token, ann, bob)
}

async fn count_events(app: &TestApp, kind: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM events WHERE type = '{kind}'"
    ))
    .await
}

fn future(days: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T10:00:00Z",
        t.year(),
        u8::from(t.month()),
        t.day()
    )
}

async fn schedules_and_reads_meetings(b: Backend) {
    let app = spawn_app(b).await;
    let (_, admin, ann_token, ann, _) = acme(&app).await;
    let start = future(3);
    let (s, m) = app
        .post(
            "/v2/users/me/meetings",
            &ann_token,
            &json!({"topic": "Weekly sync", "type": 2, "start_time": start, "duration": 45,
                    "timezone": "Europe/Paris", "password": "abc123", "agenda": "Plans",
                    "settings": {"waiting_room": true}}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(id.to_string().len(), 11);
    assert_eq!(m["host_id"], ann.as_str());
    assert_eq!(m["host_email"], "ann@acme.test");
    assert_eq!(m["topic"], "Weekly sync");
    assert_eq!(m["type"], 2);
    assert_eq!(m["status"], "waiting");
    assert_eq!(m["start_time"], start.as_str());
    assert_eq!(m["duration"], 45);
    assert_eq!(m["timezone"], "Europe/Paris");
    assert_eq!(m["password"], "abc123");
    assert_eq!(m["settings"]["waiting_room"], true);
    let pwd = m["encrypted_password"].as_str().unwrap();
    assert_eq!(pwd.len(), 32);
    assert_eq!(
        m["join_url"],
        format!("{}/j/{id}?pwd={pwd}", app.base).as_str()
    );
    assert_eq!(m["start_url"], format!("{}/s/{id}", app.base).as_str());
    assert_eq!(m["uuid"].as_str().unwrap().len(), 24);

    let (s, got) = app.get(&format!("/v2/meetings/{id}"), &ann_token).await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got, m);
    // The Owner sees everyone's meetings.
    let (s, got) = app.get(&format!("/v2/meetings/{id}"), &admin).await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got["host_email"], "ann@acme.test");
    assert_eq!(count_events(&app, "meeting.created").await, 1);

    // An instant meeting starts now; a local start time is read in its zone.
    let (s, i) = app
        .post("/v2/users/me/meetings", &ann_token, &json!({"type": 1}))
        .await;
    assert_eq!(s, 201, "{i}");
    assert_eq!(i["password"], "");
    assert!(!i["join_url"].as_str().unwrap().contains("pwd="));
    let local = future(10).replace('Z', "");
    let (s, l) = app
        .post(
            "/v2/users/me/meetings",
            &ann_token,
            &json!({"start_time": local, "timezone": "Asia/Kolkata", "duration": 30}),
        )
        .await;
    assert_eq!(s, 201, "{l}");
    assert!(
        l["start_time"].as_str().unwrap().ends_with("T04:30:00Z"),
        "{l}"
    );

    let (s, e) = app.get("/v2/meetings/12345678901", &ann_token).await;
    assert_zoom_error(s, &e, 404, 3001);
    let (s, e) = app.get("/v2/meetings/not-a-number", &ann_token).await;
    assert_zoom_error(s, &e, 404, 3001);
}

both_backends!(schedules_and_reads_meetings);
