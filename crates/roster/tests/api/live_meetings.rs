//! Live meetings: the host starts through `start_url`, people join through `join_url`, the API
//! ends; refusals (someone else's meeting, a bad host token, ending what is not live, deleting
//! what is live) change nothing; the Jitsi hand-off's JWT decodes with a real JWT library.

use crate::support::{assert_zoom_error, spawn_app, spawn_app_with, Backend, TestApp};
use serde_json::{json, Value};

/// A meeting as the create call returned it.
pub(crate) struct Meeting {
    pub id: i64,
    pub start_url: String,
    pub join_url: String,
}

/// Schedules a meeting for `user_id` through the API (`type` 2 unless `body` says otherwise).
pub(crate) async fn create_meeting(
    app: &TestApp,
    token: &str,
    user_id: &str,
    body: Value,
) -> Meeting {
    let mut body = body;
    if body.get("type").is_none() {
        body["type"] = json!(2);
        body["start_time"] = json!("2099-01-01T10:00:00Z");
        body["duration"] = json!(30);
    }
    let (s, m) = app
        .post(&format!("/v2/users/{user_id}/meetings"), token, &body)
        .await;
    assert_eq!(s, 201, "{m}");
    Meeting {
        id: m["id"].as_i64().unwrap(),
        start_url: m["start_url"].as_str().unwrap().to_owned(),
        join_url: m["join_url"].as_str().unwrap().to_owned(),
    }
}

/// A client that does not follow redirects (to see the media hand-off).
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Opens a URL as a browser would: status and page.
pub(crate) async fn open(url: &str) -> (u16, String) {
    let res = browser().get(url).send().await.unwrap();
    let s = res.status().as_u16();
    (s, res.text().await.unwrap())
}

/// The Zoom-style code a refusal page carries.
pub(crate) fn page_code(page: &str) -> Option<i64> {
    let (_, rest) = page.split_once("data-code=\"")?;
    rest.split('"').next()?.parse().ok()
}

pub(crate) async fn status_of(app: &TestApp, id: i64) -> String {
    let db = app.db.open().await;
    let s: String = db
        .read()
        .await
        .unwrap()
        .fetch_one(&format!("SELECT status FROM meetings WHERE id = {id}"), &[])
        .await
        .unwrap();
    db.close().await;
    s
}

pub(crate) async fn events(app: &TestApp, kind: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM events WHERE type = '{kind}'"
    ))
    .await
}

async fn join(m: &Meeting, name: &str, pwd: Option<&str>) -> (u16, String) {
    let mut form = vec![("display_name", name)];
    if let Some(p) = pwd {
        form.push(("pwd", p));
    }
    let url = m.join_url.split('?').next().unwrap();
    let res = browser().post(url).form(&form).send().await.unwrap();
    let s = res.status().as_u16();
    (s, res.text().await.unwrap())
}

async fn start_join_end(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let host = app
        .add_user(&token, "custCreate", "host@acme.test", 1)
        .await;
    let m = create_meeting(&app, &token, &host, json!({"topic": "Weekly sync"})).await;
    assert!(
        m.start_url.contains(&format!("/s/{}?zak=", m.id)),
        "{}",
        m.start_url
    );

    // Before the start: the join page says so, and joining is refused.
    let (s, page) = open(&m.join_url).await;
    assert_eq!(s, 200);
    assert!(page.contains("Weekly sync") && page.contains("data-status=\"waiting\""));
    let (s, page) = join(&m, "Early Bird", None).await;
    assert_eq!((s, page_code(&page)), (400, None), "{page}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM meeting_participants")
            .await,
        0
    );

    let (s, page) = open(&m.start_url).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("data-admitted=\"true\""), "{page}");
    assert_eq!(status_of(&app, m.id).await, "started");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM live_meetings").await, 1);
    assert_eq!(events(&app, "meeting.started").await, 1);
    // Opening the start link again rejoins: no second slot, no second event.
    let (s, _) = open(&m.start_url).await;
    assert_eq!(s, 200);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM live_meetings").await, 1);
    assert_eq!(events(&app, "meeting.started").await, 1);

    let (s, page) = join(&m, "Ada Lovelace", None).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("Ada Lovelace") && page.contains("data-admitted=\"true\""));
    assert_eq!(
        app.scalar("SELECT participants FROM live_meetings").await,
        2
    );
    // A name is required.
    let (s, _) = join(&m, "  ", None).await;
    assert_eq!(s, 400);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM meeting_participants")
            .await,
        2
    );

    let path = format!("/v2/meetings/{}/status", m.id);
    let (s, body) = app.put(&path, &token, &json!({"action": "end"})).await;
    assert_eq!(s, 204, "{body}");
    assert_eq!(status_of(&app, m.id).await, "finished");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM live_meetings").await, 0);
    let reason: String = {
        let db = app.db.open().await;
        let r = db
            .read()
            .await
            .unwrap()
            .fetch_one(
                "SELECT payload FROM events WHERE type = 'meeting.ended'",
                &[],
            )
            .await
            .unwrap();
        db.close().await;
        r
    };
    let payload: Value = serde_json::from_str(&reason).unwrap();
    assert_eq!(payload["reason"], "host");
    assert_eq!(payload["object"]["id"], m.id);

    // Ending it again, or with a bad action: refused, nothing written.
    let (s, body) = app.put(&path, &token, &json!({"action": "end"})).await;
    assert_zoom_error(s, &body, 400, 3061);
    let (s, body) = app.put(&path, &token, &json!({"action": "pause"})).await;
    assert_zoom_error(s, &body, 400, 300);
    assert_eq!(events(&app, "meeting.ended").await, 1);
    assert_eq!(status_of(&app, m.id).await, "finished");
    // A finished one-off meeting cannot start again.
    let (s, page) = open(&m.start_url).await;
    assert_eq!((s, page_code(&page)), (404, Some(3001)), "{page}");
    assert_eq!(events(&app, "meeting.started").await, 1);
}

async fn recurring_meetings_wait_again_after_end(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let host = app.add_user(&token, "custCreate", "rec@acme.test", 1).await;
    let m = create_meeting(&app, &token, &host, json!({"topic": "Standup", "type": 3})).await;
    assert_eq!(open(&m.start_url).await.0, 200);
    let (s, _) = app
        .put(
            &format!("/v2/meetings/{}/status", m.id),
            &token,
            &json!({"action": "end"}),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(status_of(&app, m.id).await, "waiting");
    // And it can run again.
    assert_eq!(open(&m.start_url).await.0, 200);
    assert_eq!(events(&app, "meeting.started").await, 2);
}

async fn refusals_change_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let alice = app
        .add_user(&token, "custCreate", "alice@acme.test", 1)
        .await;
    let _bob = app.add_user(&token, "custCreate", "bob@acme.test", 1).await;
    let bob_token = app.token_for_user(&acct, "bob@acme.test").await;
    let alices = create_meeting(&app, &token, &alice, json!({"topic": "Alice's"})).await;
    let (s, bobs) = app.get("/v2/users/me", &bob_token).await;
    assert_eq!(s, 200);
    let bobs = create_meeting(&app, &bob_token, bobs["id"].as_str().unwrap(), json!({})).await;
    let bob_zak = bobs.start_url.split_once("zak=").unwrap().1.to_owned();

    // Bob's own host token on Alice's meeting: not the host.
    let (s, page) = open(&format!("{}/s/{}?zak={bob_zak}", app.base, alices.id)).await;
    assert_eq!((s, page_code(&page)), (400, Some(3003)), "{page}");
    // No token, a forged one, a tampered one.
    let bare = alices.start_url.split('?').next().unwrap().to_owned();
    for url in [
        bare.clone(),
        format!("{bare}?zak=nonsense"),
        alices.start_url.replacen("zak=", "zak=x", 1),
    ] {
        let (s, page) = open(&url).await;
        assert_eq!((s, page_code(&page)), (401, Some(124)), "{url}: {page}");
    }
    // Not a meeting at all.
    let (s, page) = open(&format!("{}/s/4242424242?zak={bob_zak}", app.base)).await;
    assert_eq!((s, page_code(&page)), (404, Some(3001)));
    assert_eq!(status_of(&app, alices.id).await, "waiting");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM live_meetings").await, 0);
    assert_eq!(events(&app, "meeting.started").await, 0);

    // Ending what is not live; Bob ending Alice's meeting once it is.
    let path = format!("/v2/meetings/{}/status", alices.id);
    let (s, body) = app.put(&path, &token, &json!({"action": "end"})).await;
    assert_zoom_error(s, &body, 400, 3061);
    assert_eq!(open(&alices.start_url).await.0, 200);
    let (s, body) = app.put(&path, &bob_token, &json!({"action": "end"})).await;
    assert!(
        (s, body["code"].as_i64()) == (400, Some(3003))
            || (s, body["code"].as_i64()) == (404, Some(3001)),
        "{s} {body}"
    );
    // Deleting a live meeting: Zoom's 3002.
    let (s, body) = app
        .delete(&format!("/v2/meetings/{}", alices.id), &token)
        .await;
    assert_zoom_error(s, &body, 400, 3002);
    assert_eq!(status_of(&app, alices.id).await, "started");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM live_meetings").await, 1);
    assert_eq!(events(&app, "meeting.ended").await, 0);

    // Another account sees no such meeting.
    let other = app
        .create_account("Other", "owner@other.test", &["--plan", "business"])
        .await;
    let other_token = app.token(&other).await;
    let (s, body) = app
        .put(&path, &other_token, &json!({"action": "end"}))
        .await;
    assert_zoom_error(s, &body, 404, 3001);
    assert_eq!(status_of(&app, alices.id).await, "started");
}

async fn passcode_guards_the_join_page(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let host = app.add_user(&token, "custCreate", "pw@acme.test", 1).await;
    let m = create_meeting(
        &app,
        &token,
        &host,
        json!({"topic": "Secret", "password": "abc123"}),
    )
    .await;
    assert_eq!(open(&m.start_url).await.0, 200);
    let (s, page) = open(m.join_url.split('?').next().unwrap()).await;
    assert_eq!(s, 200);
    assert!(page.contains("name=\"pwd\""), "{page}");
    let (s, page) = join(&m, "Mallory", Some("wrong")).await;
    assert_eq!(s, 403, "{page}");
    assert_eq!(
        app.scalar("SELECT participants FROM live_meetings").await,
        1
    );
    let (s, page) = join(&m, "Trent", Some("abc123")).await;
    assert_eq!(s, 200, "{page}");
    // The join link's own `pwd` works too.
    if let Some((_, pwd)) = m.join_url.split_once("pwd=") {
        let (s, page) = join(&m, "Linked", Some(pwd)).await;
        assert_eq!(s, 200, "{page}");
    }
}

/// A Basic host's meeting admits 100 people (the host included); the 101st is refused with
/// 409 code 3062 and the count does not move.
async fn a_full_meeting_turns_people_away(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let host = app
        .add_user(&token, "custCreate", "full@acme.test", 1)
        .await;
    let m = create_meeting(&app, &token, &host, json!({"topic": "Assembly"})).await;
    assert_eq!(open(&m.start_url).await.0, 200);
    for i in 1..100 {
        let (s, page) = join(&m, &format!("Pupil {i}"), None).await;
        assert_eq!(s, 200, "join {i}: {page}");
    }
    assert_eq!(
        app.scalar("SELECT participants FROM live_meetings").await,
        100
    );
    let (s, page) = join(&m, "One too many", None).await;
    assert_eq!(s, 409, "{page}");
    assert_eq!(page_code(&page), Some(3062), "{page}");
    assert_eq!(
        app.scalar("SELECT participants FROM live_meetings").await,
        100
    );
}

/// The claims Roster puts in a Jitsi JWT.
#[derive(Debug, serde::Deserialize)]
struct Claims {
    aud: String,
    iss: String,
    sub: String,
    room: String,
    exp: i64,
    nbf: i64,
    moderator: bool,
    context: Value,
}

fn decode(location: &str, secret: &str) -> Claims {
    let jwt = location.split_once("?jwt=").unwrap().1;
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.set_audience(&["jitsi"]);
    v.set_issuer(&["roster-app"]);
    v.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
    jsonwebtoken::decode::<Claims>(
        jwt,
        &jsonwebtoken::DecodingKey::from_secret(secret.as_bytes()),
        &v,
    )
    .unwrap()
    .claims
}

async fn jitsi_hand_off_carries_a_signed_jwt(b: Backend) {
    let app = spawn_app_with(b, |c| {
        c.media.engine = roster::config::MediaKind::Jitsi;
        c.media.url = Some("https://Meet.Example.com/".to_owned());
        c.media.app_id = Some("roster-app".to_owned());
        c.media.secret = Some("jitsi-secret".to_owned());
    })
    .await;
    let (_, token) = app.account_with_token().await;
    let host = app.add_user(&token, "custCreate", "jh@acme.test", 1).await;
    let m = create_meeting(&app, &token, &host, json!({"topic": "Jitsi"})).await;

    let res = browser().get(&m.start_url).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("https://Meet.Example.com/{}?jwt=", m.id)),
        "{location}"
    );
    let c = decode(&location, "jitsi-secret");
    assert_eq!((c.aud.as_str(), c.iss.as_str()), ("jitsi", "roster-app"));
    assert_eq!(c.sub, "meet.example.com");
    assert_eq!(c.room, m.id.to_string());
    assert!(c.moderator);
    assert_eq!(c.context["user"]["email"], "jh@acme.test");
    assert_eq!(c.context["user"]["id"], host.as_str());
    assert_eq!(c.context["user"]["moderator"], "true");
    // The token expires when the meeting's cap ends it: Basic, 40 minutes after the start.
    let ends_at = app
        .scalar(if b == Backend::Sqlite {
            "SELECT ends_at / 1000 FROM live_meetings"
        } else {
            "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM ends_at)) AS BIGINT) FROM live_meetings"
        })
        .await;
    assert_eq!(c.exp, ends_at);
    assert!((c.exp - c.nbf - 40 * 60).abs() <= 1, "{c:?}");

    // A participant: their own name, not a moderator.
    let res = browser()
        .post(m.join_url.split('?').next().unwrap())
        .form(&[
            ("display_name", "Grace Hopper"),
            ("email", "grace@guest.test"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let c = decode(&location, "jitsi-secret");
    assert!(!c.moderator);
    assert_eq!(c.context["user"]["name"], "Grace Hopper");
    assert_eq!(c.context["user"]["email"], "grace@guest.test");
    assert_eq!(c.context["user"]["moderator"], "false");

    // Signed with the configured secret, and only with it.
    let jwt = location.split_once("?jwt=").unwrap().1;
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.set_audience(&["jitsi"]);
    assert!(jsonwebtoken::decode::<Claims>(
        jwt,
        &jsonwebtoken::DecodingKey::from_secret(b"another-secret"),
        &v
    )
    .is_err());
}

both_backends!(
    start_join_end,
    recurring_meetings_wait_again_after_end,
    refusals_change_nothing,
    passcode_guards_the_join_page,
    a_full_meeting_turns_people_away,
    jitsi_hand_off_carries_a_signed_jwt,
);
