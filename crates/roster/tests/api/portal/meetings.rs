//! The portal's Meetings pages over the real server: a user schedules, edits, starts, ends and
//! deletes their meetings (each visible through /v2 afterwards); admins see everyone's
//! meetings with who is live, filter by host and end a live one. Members are refused the admin
//! pages, and every refused form changes nothing.

use super::browser::Browser;
use super::{member, OWNER, PASSWORD};
use crate::support::{spawn_app, Backend, Created, TestApp};
use serde_json::Value;

/// The first account through the setup link, on `plan`; the signed-in owner's browser.
pub(super) async fn set_up_on(app: &TestApp, plan: &str) -> Browser {
    let link = app.setup_link.clone().unwrap();
    let mut b = Browser::new(&app.base);
    let page = b.get(&link).await;
    let token = super::browser::hidden(&page.body, "token").unwrap();
    let csrf = page.csrf();
    let done = b
        .post(
            "/setup",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("name", "Acme School"),
                ("email", OWNER),
                ("password", PASSWORD),
                ("plan", plan),
                // A free plan has no paid seats.
                ("seats", if plan == "free" { "0" } else { "10" }),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    b
}

/// A /v2 token acting as `email` in the portal's account.
async fn api_token(app: &TestApp, email: &str) -> String {
    let account_id: String = {
        let db = app.db.open().await;
        let mut conn = db.read().await.unwrap();
        let id = conn
            .fetch_one("SELECT id FROM accounts", &[])
            .await
            .unwrap();
        drop(conn);
        db.close().await;
        id
    };
    let acct = Created {
        account_id,
        owner_id: String::new(),
        client_id: String::new(),
        client_secret: String::new(),
    };
    app.token_for_user(&acct, email).await
}

/// Schedules a meeting through the page; its id (read back through /v2).
async fn schedule(b: &mut Browser, app: &TestApp, token: &str, topic: &str) -> i64 {
    let csrf = b.get("/meetings").await.csrf();
    let done = b
        .post(
            "/meetings",
            &[
                ("csrf", &csrf),
                ("topic", topic),
                ("start_time", "2030-01-07T09:30"),
                ("duration", "45"),
                ("password", "abc123"),
                ("repeat", "none"),
                ("times", "4"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let (status, list) = app.get("/v2/users/me/meetings", token).await;
    assert_eq!(status, 200, "{list}");
    list["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["topic"] == topic)
        .and_then(|m| m["id"].as_i64())
        .unwrap_or_else(|| panic!("{topic} not in {list}"))
}

async fn meeting(app: &TestApp, token: &str, id: i64) -> (u16, Value) {
    app.get(&format!("/v2/meetings/{id}"), token).await
}

/// Starts a meeting through the page's Start button and opens the start link it leads to.
async fn start(b: &mut Browser, id: i64) {
    let csrf = b.get("/meetings").await.csrf();
    let go = b
        .post(&format!("/meetings/{id}/start"), &[("csrf", &csrf)])
        .await;
    assert_eq!(go.status, 303, "{}", go.body);
    let to = go.location.unwrap();
    let at = to.find("/s/").unwrap();
    assert!(to[at..].starts_with(&format!("/s/{id}?zak=")), "{to}");
    let opened = b.get(&to[at..]).await;
    assert!(opened.status < 400, "{} {}", opened.status, opened.body);
}

async fn users_schedule_edit_start_end_and_delete_their_meetings(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up_on(&app, "business").await;
    let token = api_token(&app, OWNER).await;
    let page = owner.get("/meetings").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("href=\"/meetings\""), "nav entry");
    assert!(page.body.contains("name=\"start_time\""));
    let csrf = page.csrf();

    // Bad input: a start in the past, a bad duration, no form token. Nothing is stored.
    let past = owner
        .post(
            "/meetings",
            &[
                ("csrf", &csrf),
                ("topic", "Old"),
                ("start_time", "2020-01-01T10:00"),
                ("duration", "30"),
            ],
        )
        .await;
    assert_eq!(past.status, 400);
    assert!(past.body.contains("id=\"start-error\""), "{}", past.body);
    assert!(past.body.contains("value=\"Old\""), "typed values are kept");
    let long = owner
        .post(
            "/meetings",
            &[
                ("csrf", &csrf),
                ("topic", "Long"),
                ("start_time", "2030-01-01T10:00"),
                ("duration", "5000"),
            ],
        )
        .await;
    assert_eq!(long.status, 400);
    assert!(long.body.contains("id=\"duration-error\""), "{}", long.body);
    let forged = owner
        .post(
            "/meetings",
            &[
                ("topic", "Forged"),
                ("start_time", "2030-01-01T10:00"),
                ("duration", "30"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(app.db.count("meetings").await, 0);

    // Scheduled, visible on the page with its join link, and through /v2.
    let id = schedule(&mut owner, &app, &token, "Weekly sync").await;
    let list = owner.get("/meetings?done=scheduled").await;
    assert!(list.body.contains("Weekly sync"), "{}", list.body);
    assert!(
        list.body.contains(&format!("/j/{id}?pwd=")),
        "{}",
        list.body
    );
    assert!(list.body.contains("data-copy=\"join-"), "copy button");
    let (_, m) = meeting(&app, &token, id).await;
    assert_eq!(m["duration"], 45);
    assert_eq!(m["password"], "abc123");
    assert_eq!(m["start_time"], "2030-01-07T09:30:00Z");

    // Edit: the form shows what is stored; a bad value changes nothing; a good one saves.
    let edit = owner.get(&format!("/meetings/{id}/edit")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert!(
        edit.body.contains("value=\"2030-01-07T09:30\""),
        "{}",
        edit.body
    );
    let csrf = edit.csrf();
    let bad = owner
        .post(
            &format!("/meetings/{id}/edit"),
            &[
                ("csrf", &csrf),
                ("topic", "Renamed"),
                ("start_time", "2030-01-07T09:30"),
                ("duration", "45"),
                ("password", "not a passcode!"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"password-error\""), "{}", bad.body);
    assert_eq!(meeting(&app, &token, id).await.1["topic"], "Weekly sync");
    let saved = owner
        .post(
            &format!("/meetings/{id}/edit"),
            &[
                ("csrf", &csrf),
                ("topic", "Renamed"),
                ("start_time", "2030-01-08T10:00"),
                ("duration", "30"),
                ("password", ""),
                ("repeat", "weekly"),
                ("times", "3"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (_, m) = meeting(&app, &token, id).await;
    assert_eq!(m["topic"], "Renamed");
    assert_eq!(m["type"], 8);
    assert_eq!(m["recurrence"]["type"], 2);
    assert_eq!(m["occurrences"].as_array().map(Vec::len), Some(3));

    // Start: the host's start link; the meeting is live, cannot be deleted, and ends.
    start(&mut owner, id).await;
    assert_eq!(meeting(&app, &token, id).await.1["status"], "started");
    let live = owner.get("/meetings?show=live").await;
    assert!(live.body.contains("Renamed"), "{}", live.body);
    let csrf = live.csrf();
    let refused = owner
        .post(&format!("/meetings/{id}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("end it first"), "{}", refused.body);
    assert_eq!(meeting(&app, &token, id).await.0, 200);
    let ended = owner
        .post(&format!("/meetings/{id}/end"), &[("csrf", &csrf)])
        .await;
    assert_eq!(ended.location.as_deref(), Some("/meetings?done=ended"));
    assert_ne!(meeting(&app, &token, id).await.1["status"], "started");
    let again = owner
        .post(&format!("/meetings/{id}/end"), &[("csrf", &csrf)])
        .await;
    assert_eq!(again.status, 400, "ending a meeting that is not live");

    let gone = owner
        .post(&format!("/meetings/{id}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(gone.location.as_deref(), Some("/meetings?done=deleted"));
    assert_eq!(meeting(&app, &token, id).await.0, 404);
}

async fn admins_see_everyones_meetings_and_members_only_their_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up_on(&app, "business").await;
    let owner_token = api_token(&app, OWNER).await;
    let mut mia = member(&app, &mut owner, "mia@acme.test").await;
    let mia_token = api_token(&app, "mia@acme.test").await;
    let own_id = schedule(&mut owner, &app, &owner_token, "Board").await;
    let mia_id = schedule(&mut mia, &app, &mia_token, "Mia's class").await;

    // Mia: her meetings with the Basic cap explained; no admin pages or nav.
    let page = mia.get("/meetings").await;
    assert!(page.body.contains("id=\"basic-cap\""), "{}", page.body);
    assert!(page.body.contains("s class"), "{}", page.body);
    assert!(!page.body.contains("Board"));
    assert!(!page.body.contains("href=\"/billing\""));
    assert!(!page.body.contains("href=\"/meetings/all\""));
    assert_eq!(mia.get("/meetings/all").await.status, 403);
    assert_eq!(mia.get("/billing").await.status, 403);
    assert_eq!(
        mia.get(&format!("/meetings/{own_id}/edit")).await.status,
        404
    );
    let csrf = page.csrf();
    let not_hers = mia
        .post(&format!("/meetings/{own_id}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(not_hers.status, 400);
    assert_eq!(meeting(&app, &owner_token, own_id).await.0, 200);

    // The owner sees both, who is live, and filters by host.
    start(&mut mia, mia_id).await;
    let all = owner.get("/meetings/all").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(all.body.contains("Board") && all.body.contains("class"));
    assert!(all.body.contains("Live now: 1") || all.body.contains(": 1</p>"));
    let only = owner.get("/meetings/all?host=mia%40acme.test").await;
    assert!(!only.body.contains("Board"), "{}", only.body);
    let live = owner.get("/meetings/all?live=1").await;
    assert!(!live.body.contains("Board") && live.body.contains("class"));
    let unknown = owner.get("/meetings/all?host=nobody%40acme.test").await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body.contains("id=\"host-error\""),
        "{}",
        unknown.body
    );

    // The owner ends Mia's live meeting from the admin view.
    let csrf = all.csrf();
    let ended = owner
        .post(
            &format!("/meetings/{mia_id}/end"),
            &[("csrf", &csrf), ("back", "all")],
        )
        .await;
    assert_eq!(ended.location.as_deref(), Some("/meetings/all?done=ended"));
    assert_ne!(
        meeting(&app, &mia_token, mia_id).await.1["status"],
        "started"
    );
    let again = owner
        .post(
            &format!("/meetings/{mia_id}/end"),
            &[("csrf", &csrf), ("back", "all")],
        )
        .await;
    assert_eq!(again.status, 400);
}

/// Schedules a meeting through /v2 (several share a start time, so the id breaks ties).
async fn schedule_api(app: &TestApp, token: &str, topic: &str, day: usize) -> i64 {
    let body = serde_json::json!({
        "topic": topic,
        "type": 2,
        "start_time": format!("2030-02-{:02}T10:00:00Z", day % 3 + 1),
        "duration": 30,
    });
    let (status, m) = app.post("/v2/users/me/meetings", token, &body).await;
    assert_eq!(status, 201, "{m}");
    m["id"].as_i64().unwrap()
}

/// The meeting ids a list page shows, in order.
fn ids_on(body: &str) -> Vec<i64> {
    body.split("<span class=\"label\">ID ")
        .skip(1)
        .map(|t| {
            let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().unwrap()
        })
        .collect()
}

/// The Next link of a page, unescaped; `None` on the last page.
fn next_link(body: &str) -> Option<String> {
    let end = body.find("\" rel=\"next\"")?;
    let start = body[..end].rfind("href=\"")? + "href=\"".len();
    // As a browser reads the attribute (askama writes `&` as `&#38;`).
    Some(body[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

/// Follows the Next links from `first`; every id shown, each page's link checked by `keep`.
async fn walk(b: &mut Browser, first: &str, keep: &[&str]) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut at = Some(first.to_owned());
    let mut pages = 0;
    while let Some(path) = at {
        let page = b.get(&path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        seen.extend(ids_on(&page.body));
        at = next_link(&page.body);
        if let Some(next) = &at {
            for k in keep {
                assert!(next.contains(k), "{next} lacks {k}");
            }
            assert!(page.body.contains(">First page<") == (pages > 0));
        }
        pages += 1;
        assert!(pages < 50, "paging does not end");
    }
    seen
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

async fn meeting_lists_page_through_every_meeting_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up_on(&app, "business").await;
    let owner_token = api_token(&app, OWNER).await;
    let mut mia = member(&app, &mut owner, "mia@acme.test").await;
    let mia_token = api_token(&app, "mia@acme.test").await;
    let mut own = Vec::new();
    for i in 0..7 {
        own.push(schedule_api(&app, &owner_token, &format!("Owner {i}"), i).await);
    }
    let mut hers = Vec::new();
    for i in 0..4 {
        hers.push(schedule_api(&app, &mia_token, &format!("Mia {i}"), i).await);
    }
    let live_id = hers[2];
    start(&mut mia, live_id).await;

    // The owner's own upcoming meetings, 3 a page: each once, the tab and size kept.
    let first = owner.get("/meetings?size=3").await;
    assert!(first.body.contains("Meetings: 7"), "{}", first.body);
    let seen = walk(&mut owner, "/meetings?size=3", &["show=upcoming", "size=3"]).await;
    assert_eq!(seen.len(), 7, "{seen:?}");
    assert_eq!(sorted(seen), sorted(own.clone()));

    // Mia pages through only her own (the live one is on the Live tab).
    let seen = walk(&mut mia, "/meetings?size=2", &["size=2"]).await;
    let mut waiting = hers.clone();
    waiting.retain(|&id| id != live_id);
    assert_eq!(sorted(seen), sorted(waiting));
    let live_tab = mia.get("/meetings?show=live").await;
    assert_eq!(ids_on(&live_tab.body), vec![live_id]);

    // Everyone's: the live one first, then the rest a page at a time, each once.
    let all = owner.get("/meetings/all?size=4").await;
    assert!(all.body.contains("Live now: 1"), "{}", all.body);
    assert!(all.body.contains("Meetings: 11"), "{}", all.body);
    assert_eq!(ids_on(&all.body).first(), Some(&live_id));
    let seen = walk(&mut owner, "/meetings/all?size=4", &["size=4"]).await;
    assert_eq!(seen.len(), 11, "{seen:?}");
    let everyone: Vec<i64> = own.iter().chain(&hers).copied().collect();
    assert_eq!(sorted(seen), sorted(everyone));

    // The host filter survives paging; live-only lists the live one alone.
    let seen = walk(
        &mut owner,
        "/meetings/all?host=mia%40acme.test&size=1",
        &["host=mia%40acme.test", "size=1"],
    )
    .await;
    assert_eq!(seen.first(), Some(&live_id));
    assert_eq!(sorted(seen), sorted(hers.clone()));
    let live = owner.get("/meetings/all?live=1&size=1").await;
    assert_eq!(ids_on(&live.body), vec![live_id]);
    assert!(next_link(&live.body).is_none());

    // Bad page links: a clear message (400), never a failure of ours.
    for bad in [
        "/meetings?after=not-a-token",
        "/meetings?size=0",
        "/meetings?size=abc",
        "/meetings?size=301",
        "/meetings/all?after=not-a-token",
        "/meetings/all?size=-1",
        "/meetings/all?host=mia%40acme.test&size=9999",
    ] {
        let page = owner.get(bad).await;
        assert_eq!(page.status, 400, "{bad}: {}", page.body);
        assert!(
            page.body
                .contains("This page link is invalid or has expired"),
            "{bad}: {}",
            page.body
        );
        assert!(page.body.contains(">First page<"), "{bad}: {}", page.body);
    }
    // In the reader's language too.
    owner
        .cookies
        .insert("roster_lang".to_owned(), "fr".to_owned());
    let fr = owner.get("/meetings/all?after=x").await;
    assert_eq!(fr.status, 400);
    assert!(fr.body.contains("Ce lien de page"), "{}", fr.body);
    // The lists read; nothing changed.
    let (_, list) = app
        .get("/v2/users/me/meetings?page_size=300", &owner_token)
        .await;
    assert_eq!(list["total_records"], 7, "{list}");
}

both_backends!(
    users_schedule_edit_start_end_and_delete_their_meetings,
    admins_see_everyones_meetings_and_members_only_their_own,
    meeting_lists_page_through_every_meeting_once,
);
