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
    // The host's start link carries their host token (see live_meetings).
    assert!(
        m["start_url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/s/{id}?zak=", app.base)),
        "{m}"
    );
    assert_eq!(m["uuid"].as_str().unwrap().len(), 24);

    let (s, mut got) = app.get(&format!("/v2/meetings/{id}"), &ann_token).await;
    assert_eq!(s, 200, "{got}");
    // The start link's host token is minted per answer (it expires two hours on), so two
    // answers a second apart differ there; everything else is the same.
    let mut created = m.clone();
    for v in [&mut got, &mut created] {
        v.as_object_mut().unwrap().remove("start_url");
    }
    assert_eq!(got, created);
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

    // The user object links their personal meeting room.
    let (_, me) = app.get("/v2/users/me", &ann_token).await;
    let pmi = me["pmi"].as_i64().unwrap();
    assert_eq!(
        me["personal_meeting_url"],
        format!("{}/j/{pmi}", app.base).as_str()
    );
    let (s, e) = app.get("/v2/meetings/12345678901", &ann_token).await;
    assert_zoom_error(s, &e, 404, 3001);
    let (s, e) = app.get("/v2/meetings/not-a-number", &ann_token).await;
    assert_zoom_error(s, &e, 404, 3001);
}

async fn recurring_meetings_have_occurrences(b: Backend) {
    let app = spawn_app(b).await;
    let (_, _, ann_token, _, _) = acme(&app).await;
    let start = future(2);
    let (s, m) = app
        .post(
            "/v2/users/me/meetings",
            &ann_token,
            &json!({"topic": "Daily", "type": 8, "start_time": start, "duration": 15,
                    "recurrence": {"type": 1, "end_times": 3}}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    let occ = m["occurrences"].as_array().unwrap();
    assert_eq!(occ.len(), 3);
    assert_eq!(occ[0]["start_time"], start.as_str());
    assert_eq!(occ[0]["status"], "available");
    assert_eq!(occ[0]["duration"], 15);
    assert_eq!(
        m["recurrence"],
        json!({"type": 1, "repeat_interval": 1, "end_times": 3})
    );
    let second = occ[1]["occurrence_id"].as_str().unwrap().to_owned();

    // One occurrence moves, another goes.
    let (s, e) = app
        .patch(
            &format!("/v2/meetings/{id}?occurrence_id={second}"),
            &ann_token,
            &json!({"duration": 50}),
        )
        .await;
    assert_eq!(s, 204, "{e}");
    let (_, one) = app
        .get(
            &format!("/v2/meetings/{id}?occurrence_id={second}"),
            &ann_token,
        )
        .await;
    assert_eq!(one["duration"], 50);
    let third = occ[2]["occurrence_id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .delete(
            &format!("/v2/meetings/{id}?occurrence_id={third}"),
            &ann_token,
        )
        .await;
    assert_eq!(s, 204);
    let (_, m) = app.get(&format!("/v2/meetings/{id}"), &ann_token).await;
    assert_eq!(m["occurrences"].as_array().unwrap().len(), 2);
    assert_eq!(m["occurrences"][1]["duration"], 50);
    let (s, e) = app
        .delete(
            &format!("/v2/meetings/{id}?occurrence_id={third}"),
            &ann_token,
        )
        .await;
    assert_zoom_error(s, &e, 404, 3001);

    // A type 3 meeting has no start time and no occurrences, and is always upcoming.
    let (s, r) = app
        .post(
            "/v2/users/me/meetings",
            &ann_token,
            &json!({"type": 3, "topic": "Any time"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert!(r.get("start_time").is_none(), "{r}");
    assert!(r.get("occurrences").is_none(), "{r}");
    let (_, up) = app
        .get("/v2/users/me/meetings?type=upcoming", &ann_token)
        .await;
    assert_eq!(up["total_records"], 2, "{up}");
}

async fn lists_page_and_split_by_kind(b: Backend) {
    let app = spawn_app(b).await;
    let (_, admin, ann_token, ann, _) = acme(&app).await;
    for d in 1..=5 {
        let (s, m) = app
            .post(
                "/v2/users/me/meetings",
                &ann_token,
                &json!({"topic": format!("m{d}"), "start_time": future(d)}),
            )
            .await;
        assert_eq!(s, 201, "{m}");
    }
    // Instant meetings are not listed as scheduled.
    app.post("/v2/users/me/meetings", &ann_token, &json!({"type": 1}))
        .await;
    // One that ended (part 2 sets the status; here the row says so).
    let db = app.db.open().await;
    {
        let mut tx = db.begin().await.unwrap();
        tx.execute(
            "UPDATE meetings SET status = 'finished' WHERE topic = 'm5'",
            &[],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    db.close().await;

    let (s, p1) = app
        .get("/v2/users/me/meetings?page_size=2", &ann_token)
        .await;
    assert_eq!(s, 200, "{p1}");
    assert_eq!(p1["total_records"], 5);
    assert_eq!(p1["page_size"], 2);
    assert_eq!(p1["page_count"], 3);
    let topics = |v: &serde_json::Value| -> Vec<String> {
        v["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["topic"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(topics(&p1), ["m1", "m2"]);
    let token = p1["next_page_token"].as_str().unwrap();
    let (_, p2) = app
        .get(
            &format!("/v2/users/me/meetings?page_size=2&next_page_token={token}"),
            &ann_token,
        )
        .await;
    assert_eq!(topics(&p2), ["m3", "m4"]);
    let (_, p3) = app
        .get(
            "/v2/users/me/meetings?page_size=2&page_number=3",
            &ann_token,
        )
        .await;
    assert_eq!(topics(&p3), ["m5"]);
    assert_eq!(p3["next_page_token"], "");
    let (_, up) = app
        .get("/v2/users/me/meetings?type=upcoming", &ann_token)
        .await;
    assert_eq!(topics(&up), ["m1", "m2", "m3", "m4"]);
    let (_, prev) = app
        .get("/v2/users/me/meetings?type=previous_meetings", &ann_token)
        .await;
    assert_eq!(topics(&prev), ["m5"]);
    let (_, live) = app.get("/v2/users/me/meetings?type=live", &ann_token).await;
    assert_eq!(live["total_records"], 0);
    // The Owner lists ann's; bad parameters are refused.
    let (s, by_admin) = app.get(&format!("/v2/users/{ann}/meetings"), &admin).await;
    assert_eq!(s, 200);
    assert_eq!(by_admin["total_records"], 5);
    for bad in [
        "type=soon",
        "page_size=301",
        "page_size=0",
        "next_page_token=xyz",
    ] {
        let (s, e) = app
            .get(&format!("/v2/users/me/meetings?{bad}"), &ann_token)
            .await;
        assert_zoom_error(s, &e, 400, 300);
    }
}

async fn patch_and_delete(b: Backend) {
    let app = spawn_app(b).await;
    let (_, _, ann_token, _, _) = acme(&app).await;
    let (_, m) = app
        .post(
            "/v2/users/me/meetings",
            &ann_token,
            &json!({"topic": "Old", "start_time": future(4), "password": "a1"}),
        )
        .await;
    let id = m["id"].as_i64().unwrap();
    let url = format!("/v2/meetings/{id}");
    let (s, e) = app
        .patch(
            &url,
            &ann_token,
            &json!({"topic": "New", "duration": 90, "password": "", "start_time": future(6)}),
        )
        .await;
    assert_eq!(s, 204, "{e}");
    let (_, got) = app.get(&url, &ann_token).await;
    assert_eq!(got["topic"], "New");
    assert_eq!(got["duration"], 90);
    assert_eq!(got["password"], "");
    assert_eq!(got["start_time"], future(6).as_str());
    assert!(!got["join_url"].as_str().unwrap().contains("pwd"));
    assert_eq!(count_events(&app, "meeting.updated").await, 1);

    // A bad change changes nothing.
    for bad in [
        json!({"duration": 0}),
        json!({"start_time": "2001-01-01T00:00:00Z"}),
        json!({"timezone": "Nowhere/Land"}),
        json!({"password": "far too long!"}),
        json!({"type": 8, "recurrence": {"type": 3, "monthly_day": 32}}),
    ] {
        let (s, e) = app.patch(&url, &ann_token, &bad).await;
        assert_zoom_error(s, &e, 400, 300);
    }
    let (_, mut after) = app.get(&url, &ann_token).await;
    // The host token in start_url is minted per read (its expiry moves with the clock).
    let mut got = got;
    for v in [&mut after, &mut got] {
        v.as_object_mut().unwrap().remove("start_url");
    }
    assert_eq!(after, got);
    assert_eq!(count_events(&app, "meeting.updated").await, 1);

    // A live meeting cannot be deleted (3002); once it is not, it can.
    let db = app.db.open().await;
    let set = |status: &'static str| {
        let db = db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            tx.execute(
                &format!("UPDATE meetings SET status = '{status}' WHERE id = {id}"),
                &[],
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
    };
    set("started").await;
    let (s, e) = app.delete(&url, &ann_token).await;
    assert_zoom_error(s, &e, 400, 3002);
    assert_eq!(app.db.count("meetings").await, 1);
    set("waiting").await;
    db.close().await;
    let (s, _) = app.delete(&url, &ann_token).await;
    assert_eq!(s, 204);
    assert_eq!(app.db.count("meetings").await, 0);
    assert_eq!(count_events(&app, "meeting.deleted").await, 1);
    let (s, e) = app.get(&url, &ann_token).await;
    assert_zoom_error(s, &e, 404, 3001);
}

async fn bad_input_stores_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (_, admin, ann_token, ann, bob) = acme(&app).await;
    let ok_start = future(2);
    let cases = [
        json!({"start_time": "2001-01-01T10:00:00Z"}),
        json!({"type": 8, "start_time": "2001-01-01T10:00:00Z", "recurrence": {"type": 1}}),
        json!({"start_time": ok_start, "timezone": "Mars/Olympus"}),
        json!({"start_time": ok_start, "duration": 0}),
        json!({"start_time": ok_start, "duration": -30}),
        json!({"start_time": ok_start, "duration": 100000}),
        json!({"start_time": "next tuesday"}),
        json!({}),
        json!({"type": 5, "start_time": ok_start}),
        json!({"type": 8, "start_time": ok_start}),
        json!({"type": 8, "start_time": ok_start, "recurrence": {"end_times": 2}}),
        json!({"type": 8, "start_time": ok_start, "recurrence": {"type": 2}}),
        json!({"type": 8, "start_time": ok_start, "recurrence": {"type": 3, "monthly_day": 32}}),
        json!({"type": 8, "start_time": ok_start, "recurrence": {"type": 1, "end_times": 0}}),
        json!({"type": 8, "start_time": ok_start, "recurrence": {"type": 1, "end_times": 61}}),
        json!({"type": 8, "start_time": ok_start, "recurrence": {"type": 1, "end_times": 2,
               "end_date_time": "2040-01-01T00:00:00Z"}}),
        json!({"start_time": ok_start, "password": "12345678901"}),
        json!({"start_time": ok_start, "password": "no spaces"}),
        json!({"start_time": ok_start, "settings": "loud"}),
    ];
    for body in &cases {
        let (s, e) = app.post("/v2/users/me/meetings", &ann_token, body).await;
        assert_zoom_error(s, &e, 400, 300);
    }
    let (s, e) = app
        .post(
            "/v2/users/me/meetings",
            &ann_token,
            &json!({"start_time": "x"}),
        )
        .await;
    assert_eq!(e["errors"][0]["field"], "start_time", "{s} {e}");
    // Unknown user, another account's user, a member scheduling for someone else.
    let (s, e) = app
        .post(
            "/v2/users/nobody@acme.test/meetings",
            &admin,
            &json!({"start_time": ok_start}),
        )
        .await;
    assert_zoom_error(s, &e, 404, 1001);
    let other = app
        .create_account(
            "Other",
            "boss@other.test",
            &["--plan", "business", "--licensed-seats", "2"],
        )
        .await;
    let other_token = app.token(&other).await;
    let (s, e) = app
        .post(
            &format!("/v2/users/{ann}/meetings"),
            &other_token,
            &json!({"start_time": ok_start}),
        )
        .await;
    assert_zoom_error(s, &e, 404, 1001);
    let (s, e) = app
        .post(
            &format!("/v2/users/{bob}/meetings"),
            &ann_token,
            &json!({"start_time": ok_start}),
        )
        .await;
    assert_zoom_error(s, &e, 400, 200);
    let (s, e) = app
        .post(
            "/v2/users/me/meetings",
            &ann_token,
            &json!({"start_time": ok_start, "schedule_for": "bob@acme.test"}),
        )
        .await;
    assert_zoom_error(s, &e, 400, 200);
    // A pending host cannot get meetings.
    app.add_user(&admin, "create", "pia@acme.test", 1).await;
    let (s, e) = app
        .post(
            "/v2/users/pia@acme.test/meetings",
            &admin,
            &json!({"start_time": ok_start}),
        )
        .await;
    assert_zoom_error(s, &e, 400, 3010);
    assert_eq!(app.db.count("meetings").await, 0);
    assert_eq!(count_events(&app, "meeting.created").await, 0);
}

both_backends!(
    schedules_and_reads_meetings,
    recurring_meetings_have_occurrences,
    lists_page_and_split_by_kind,
    patch_and_delete,
    bad_input_stores_nothing,
);
