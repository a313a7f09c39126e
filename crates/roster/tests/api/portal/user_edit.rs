//! One user's edit page over the real server: every field (profile, type, role, group, add-ons,
//! chat groups, custom attributes) saved and read back through the page and /v2; refused saves
//! (no seat left, a bad attribute value) store nothing, not even the form's other fields;
//! unlink leaves a standalone account; delete transfers meetings to another user or deletes
//! them; a bad transfer target is refused; members reach none of it.

use super::browser::{Browser, Page};
use super::{member, OWNER, PASSWORD};
use crate::support::{spawn_app, Backend, TestApp};
use serde_json::{json, Value};

/// An account with 10 Licensed seats, one Large Meeting seat and no Webinar seat; the Owner
/// signed in to the portal, and an account token for /v2.
async fn owner(app: &TestApp) -> (Browser, String) {
    let acct = app
        .create_account(
            "Acme School",
            OWNER,
            &[
                "--plan",
                "business",
                "--licensed-seats",
                "10",
                "--large-meeting-seats",
                "1",
            ],
        )
        .await;
    let token = app.token(&acct).await;
    let (s, body) = app
        .put(
            &format!("/v2/users/{}/password", acct.owner_id),
            &token,
            &json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(s, 204, "{body}");
    let mut b = Browser::new(&app.base);
    let csrf = b.get("/signin").await.csrf();
    let signed = b
        .post(
            "/signin",
            &[("csrf", &csrf), ("email", OWNER), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    (b, token)
}

/// An active user of `user_type` added through /v2; their id.
async fn user(app: &TestApp, token: &str, email: &str, user_type: i64) -> String {
    app.add_user(token, "custCreate", email, user_type).await
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (s, v) = app.post(path, token, &body).await;
    assert_eq!(s, 201, "{v}");
    v
}

/// Posts `set` as the edit form of `id` with the page's form token (an empty value of a
/// checkbox is left out, as an unticked box sends nothing).
async fn post_form(b: &mut Browser, id: &str, set: &[(&str, &str)]) -> Page {
    let page = b.get(&format!("/users/edit/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.csrf();
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf)];
    for (k, v) in set {
        if !(v.is_empty() && ["large_meeting", "webinar", "chat_group"].contains(k)) {
            fields.push(((*k).to_owned(), (*v).to_owned()));
        }
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(&format!("/users/edit/{id}"), &refs).await
}

async fn api_user(app: &TestApp, token: &str, id: &str) -> Value {
    let (s, u) = app.get(&format!("/v2/users/{id}"), token).await;
    assert_eq!(s, 200, "{u}");
    u
}

async fn feature(app: &TestApp, token: &str, id: &str) -> Value {
    let (s, v) = app.get(&format!("/v2/users/{id}/settings"), token).await;
    assert_eq!(s, 200, "{v}");
    v["feature"].clone()
}

/// The account's Campus (text: North or South), Grade (number) and Start (date) attributes:
/// their keys.
async fn attributes(app: &TestApp, token: &str) -> [String; 3] {
    let mut keys = Vec::new();
    for body in [
        json!({"name": "Campus", "type": "text", "allowed_values": ["North", "South"]}),
        json!({"name": "Grade", "type": "number"}),
        json!({"name": "Start", "type": "date"}),
    ] {
        let v = created(app, token, "/v2/accounts/me/custom_attributes", body).await;
        keys.push(v["key"].as_str().unwrap().to_owned());
    }
    [keys[0].clone(), keys[1].clone(), keys[2].clone()]
}

async fn every_field_saves_and_reads_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut b, token) = owner(&app).await;
    let group = created(&app, &token, "/v2/groups", json!({"name": "Teachers"})).await;
    let group = group["id"].as_str().unwrap().to_owned();
    let staff = created(&app, &token, "/v2/im/groups", json!({"name": "Staff"})).await;
    let staff = staff["id"].as_str().unwrap().to_owned();
    let clubs = created(&app, &token, "/v2/im/groups", json!({"name": "Clubs"})).await;
    let clubs = clubs["id"].as_str().unwrap().to_owned();
    let [campus, grade, start] = attributes(&app, &token).await;
    let ann = user(&app, &token, "ann@acme.test", 1).await;

    let page = b.get(&format!("/users/edit/{ann}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for want in [
        "<legend>Add-ons</legend>",
        "Staff",
        "Clubs",
        &format!("<label for=\"attr-{campus}\">Campus</label>"),
        &format!("name=\"attr.{start}\" type=\"date\""),
        "<option>North</option>",
        "/users/edit/",
    ] {
        assert!(page.body.contains(want), "{want}: {}", page.body);
    }

    let (ga, sa, ca, st) = (
        format!("attr.{grade}"),
        format!("attr.{start}"),
        format!("attr.{campus}"),
        group.as_str(),
    );
    let saved = post_form(
        &mut b,
        &ann,
        &[
            ("first_name", "Ann"),
            ("last_name", "Lee"),
            ("type", "2"),
            ("role", "1"),
            ("department", "Maths"),
            ("job_title", "Teacher"),
            ("location", "Room 4"),
            ("manager", "Bo Chen"),
            ("group", st),
            ("large_meeting", "on"),
            ("large_meeting_capacity", "1000"),
            ("webinar_capacity", "100"),
            ("chat_groups", "shown"),
            ("chat_group", &staff),
            ("chat_group", &clubs),
            (&ca, "North"),
            (&ga, "7.50"),
            (&sa, "2026-09-01"),
        ],
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("Saved."), "{}", saved.body);

    // The page shows it all back …
    let page = b.get(&format!("/users/edit/{ann}")).await;
    for want in [
        "value=\"Maths\"",
        "value=\"Teacher\"",
        "value=\"Room 4\"",
        "value=\"Bo Chen\"",
        "id=\"large_meeting\" checked",
        "<option value=\"1000\" selected>",
        &format!("value=\"{staff}\" checked"),
        &format!("value=\"{clubs}\" checked"),
        "<option selected>North</option>",
        "value=\"7.5\"",
        "value=\"2026-09-01\"",
        "<option value=\"1\" selected>",
    ] {
        assert!(page.body.contains(want), "{want}: {}", page.body);
    }
    // … and so does /v2.
    let u = api_user(&app, &token, &ann).await;
    assert_eq!(u["first_name"], "Ann");
    assert_eq!(u["type"], 2);
    assert_eq!(u["role_id"], "1");
    assert_eq!(u["dept"], "Maths");
    assert_eq!(u["job_title"], "Teacher");
    assert_eq!(u["location"], "Room 4");
    assert_eq!(u["manager"], "Bo Chen");
    assert_eq!(u["group_ids"], json!([group]));
    let mut chats: Vec<String> = serde_json::from_value(u["im_group_ids"].clone()).unwrap();
    chats.sort();
    let mut want = vec![staff.clone(), clubs.clone()];
    want.sort();
    assert_eq!(chats, want);
    let values: Vec<&str> = u["custom_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["North", "7.5", "2026-09-01"]);
    let f = feature(&app, &token, &ann).await;
    assert_eq!(f["large_meeting"], true);
    assert_eq!(f["large_meeting_capacity"], 1000);
    assert_eq!(f["webinar"], false);
    assert_eq!(
        app.scalar("SELECT large_meeting_used FROM accounts").await,
        1
    );

    // Clearing: an emptied attribute goes, an unticked add-on returns its seat, unticked chat
    // groups are left.
    let cleared = post_form(
        &mut b,
        &ann,
        &[
            ("first_name", "Ann"),
            ("last_name", "Lee"),
            ("type", "2"),
            ("role", "1"),
            ("department", "Maths"),
            ("group", ""),
            ("large_meeting", ""),
            ("chat_groups", "shown"),
            ("chat_group", &clubs),
            (&ca, "North"),
            (&ga, ""),
            (&sa, "2026-09-01"),
        ],
    )
    .await;
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    let u = api_user(&app, &token, &ann).await;
    assert_eq!(u["custom_attributes"].as_array().unwrap().len(), 2, "{u}");
    assert_eq!(u["im_group_ids"], json!([clubs]));
    assert!(u.get("group_ids").is_none_or(|g| g == &json!([])), "{u}");
    assert_eq!(u["job_title"], "", "an emptied field is cleared");
    assert_eq!(feature(&app, &token, &ann).await["large_meeting"], false);
    assert_eq!(
        app.scalar("SELECT large_meeting_used FROM accounts").await,
        0
    );
}

async fn refused_saves_store_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut b, token) = owner(&app).await;
    let [campus, grade, start] = attributes(&app, &token).await;
    let lic = user(&app, &token, "lic@acme.test", 2).await;
    let basic = user(&app, &token, "basic@acme.test", 1).await;
    let (ga, sa, ca) = (
        format!("attr.{grade}"),
        format!("attr.{start}"),
        format!("attr.{campus}"),
    );
    let before = api_user(&app, &token, &lic).await;
    let events = app.db.count("events").await;

    // No Webinar seat: the message next to the add-on, and the department sent with it is not
    // stored either.
    let none_left = post_form(
        &mut b,
        &lic,
        &[
            ("type", "2"),
            ("department", "Physics"),
            ("webinar", "on"),
            ("webinar_capacity", "100"),
            ("large_meeting_capacity", "500"),
        ],
    )
    .await;
    assert_eq!(none_left.status, 400, "{}", none_left.body);
    assert!(
        none_left
            .body
            .contains("id=\"webinar-error\" role=\"alert\">No free seat left"),
        "{}",
        none_left.body
    );
    assert!(
        none_left.body.contains("value=\"Physics\""),
        "the form keeps what was sent"
    );
    assert_eq!(api_user(&app, &token, &lic).await, before);
    assert_eq!(feature(&app, &token, &lic).await["webinar"], false);

    // A Basic user cannot hold an add-on.
    let basic_lm = post_form(
        &mut b,
        &basic,
        &[
            ("type", "1"),
            ("large_meeting", "on"),
            ("large_meeting_capacity", "500"),
        ],
    )
    .await;
    assert_eq!(basic_lm.status, 400, "{}", basic_lm.body);
    assert!(
        basic_lm
            .body
            .contains("id=\"large_meeting-error\" role=\"alert\">Only Licensed or On-Prem users can have the Large Meeting"),
        "{}",
        basic_lm.body
    );

    // Bad custom attribute values: the message next to that input; nothing of the form is
    // stored (department, the Large Meeting seat, the other attributes).
    for (field, value, message) in [
        (&ga, "seven", "Grade: enter a number"),
        (&sa, "2026-02-30", "Start: enter a date as YYYY-MM-DD"),
        (&ca, "East", "Campus: choose one of: North, South"),
    ] {
        let key = field.trim_start_matches("attr.");
        let mut set = vec![
            ("type", "2"),
            ("department", "Physics"),
            ("large_meeting", "on"),
            ("large_meeting_capacity", "500"),
            (ca.as_str(), "South"),
            (ga.as_str(), "3"),
            (sa.as_str(), "2026-01-05"),
        ];
        set.retain(|(k, _)| k != field);
        set.push((field.as_str(), value));
        let bad = post_form(&mut b, &lic, &set).await;
        assert_eq!(bad.status, 400, "{}", bad.body);
        assert!(
            bad.body
                .contains(&format!("id=\"attr-{key}-error\" role=\"alert\">{message}")),
            "{message}: {}",
            bad.body
        );
        assert!(
            bad.body
                .contains(&format!("aria-describedby=\"attr-{key}-error\"")),
            "{}",
            bad.body
        );
        assert_eq!(api_user(&app, &token, &lic).await, before);
        assert_eq!(feature(&app, &token, &lic).await["large_meeting"], false);
        assert_eq!(
            app.scalar("SELECT large_meeting_used FROM accounts").await,
            0
        );
    }
    assert_eq!(app.db.count("events").await, events, "no event either");

    // In the reader's language.
    let csrf = b.get("/users").await.csrf();
    let switched = b
        .post(
            "/language",
            &[("csrf", &csrf), ("lang", "fr"), ("back", "/users")],
        )
        .await;
    assert_eq!(switched.status, 303);
    let fr = post_form(&mut b, &lic, &[("type", "2"), (ga.as_str(), "sept")]).await;
    assert_eq!(fr.status, 400);
    assert!(
        fr.body.contains("Grade: saisissez un nombre"),
        "{}",
        fr.body
    );
}

/// Schedules an upcoming meeting for `host` through /v2; its id.
async fn meeting_of(app: &TestApp, token: &str, host: &str, topic: &str) -> i64 {
    let m = created(
        app,
        token,
        &format!("/v2/users/{host}/meetings"),
        json!({"topic": topic, "type": 2, "start_time": "2030-01-07T09:30:00Z", "duration": 30}),
    )
    .await;
    m["id"].as_i64().unwrap()
}

async fn unlink_and_delete_with_or_without_transfer(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut b, token) = owner(&app).await;
    let ann = user(&app, &token, "ann@acme.test", 1).await;
    let bob = user(&app, &token, "bob@acme.test", 1).await;
    let dan = user(&app, &token, "dan@acme.test", 1).await;
    user(&app, &token, "cy@acme.test", 1).await;
    let ada = user(&app, &token, "ada@acme.test", 1).await;
    let (s, v) = app
        .post(
            "/v2/roles/1/members",
            &token,
            &json!({"members": [{"id": ada}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let bobs = meeting_of(&app, &token, &bob, "Algebra").await;
    let dans = meeting_of(&app, &token, &dan, "Chess").await;
    let ann_meeting = meeting_of(&app, &token, &ann, "Choir").await;

    // Unlink: the confirm page says what happens; the user leaves as a standalone account.
    let ask = b.get(&format!("/users/edit/{ann}/unlink")).await;
    assert_eq!(ask.status, 200, "{}", ask.body);
    assert!(ask.body.contains("standalone free account"), "{}", ask.body);
    let csrf = ask.csrf();
    let done = b
        .post(&format!("/users/edit/{ann}/unlink"), &[("csrf", &csrf)])
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body
            .contains("Unlinked (they keep their data in an account of their own): ann@acme.test"),
        "{}",
        done.body
    );
    assert_eq!(app.get(&format!("/v2/users/{ann}"), &token).await.0, 404);
    assert_eq!(app.db.count("accounts").await, 2);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.email = 'ann@acme.test' AND u.role_id = '0' AND a.plan = 'free'")
            .await,
        1
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM meetings m JOIN users u ON u.id = m.host_id AND u.account_id = m.account_id WHERE m.id = {ann_meeting}"))
            .await,
        1,
        "her meeting went with her"
    );

    // Refused: an Admin, and the Owner; the service's reason on the confirm page.
    for (id, reason) in [
        (ada.clone(), "Admins cannot be unlinked"),
        (
            api_user(&app, &token, OWNER).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            "The Owner cannot be removed",
        ),
    ] {
        let refused = b
            .post(&format!("/users/edit/{id}/unlink"), &[("csrf", &csrf)])
            .await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(refused.body.contains(reason), "{}", refused.body);
        api_user(&app, &token, &id).await;
    }

    // Delete with a bad transfer target: refused next to the field, the user still there.
    let ask = b.get(&format!("/users/edit/{bob}/delete")).await;
    assert_eq!(ask.status, 200, "{}", ask.body);
    for (target, message) in [
        ("nobody@acme.test", "must be an active user of this account"),
        ("bob@acme.test", "must be an active user of this account"),
        ("not an email", "Enter the email of the user who receives"),
        ("", "Enter the email of the user who receives"),
    ] {
        let bad = b
            .post(
                &format!("/users/edit/{bob}/delete"),
                &[
                    ("csrf", &csrf),
                    ("data", "transfer"),
                    ("transfer_email", target),
                ],
            )
            .await;
        assert_eq!(bad.status, 400, "{target}: {}", bad.body);
        assert!(
            bad.body.contains("id=\"transfer_email-error\"") && bad.body.contains(message),
            "{target}: {}",
            bad.body
        );
        api_user(&app, &token, &bob).await;
    }
    let (_, m) = app.get(&format!("/v2/meetings/{bobs}"), &token).await;
    assert_eq!(m["host_id"], bob.as_str(), "{m}");

    // Delete with a transfer: the meeting moves to the target.
    let done = b
        .post(
            &format!("/users/edit/{bob}/delete"),
            &[
                ("csrf", &csrf),
                ("data", "transfer"),
                ("transfer_email", "cy@acme.test"),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body.contains("Deleted: bob@acme.test. Transferred to cy@acme.test: 1 upcoming meetings, 0 recordings"),
        "{}",
        done.body
    );
    assert_eq!(app.get(&format!("/v2/users/{bob}"), &token).await.0, 404);
    let (_, list) = app.get("/v2/users/cy@acme.test/meetings", &token).await;
    assert!(
        list["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == bobs),
        "{list}"
    );

    // Delete without a transfer: the meeting goes with the user.
    let done = b
        .post(
            &format!("/users/edit/{dan}/delete"),
            &[("csrf", &csrf), ("data", "delete"), ("transfer_email", "")],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body.contains("Deleted: dan@acme.test"),
        "{}",
        done.body
    );
    assert_eq!(app.get(&format!("/v2/users/{dan}"), &token).await.0, 404);
    assert_eq!(
        app.get(&format!("/v2/meetings/{dans}"), &token).await.0,
        404
    );
}

async fn members_reach_none_of_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut b, token) = owner(&app).await;
    let bo = user(&app, &token, "bo@acme.test", 1).await;
    let mut mia = member(&app, &mut b, "mia@acme.test").await;
    let me = api_user(&app, &token, "mia@acme.test").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csrf = mia.get("/profile").await.csrf();
    let before = api_user(&app, &token, &bo).await;
    let mine = api_user(&app, &token, &me).await;
    for id in [&bo, &me] {
        for page in ["unlink", "delete"] {
            let r = mia.get(&format!("/users/edit/{id}/{page}")).await;
            assert_eq!(r.status, 403, "{page}: {}", r.body);
        }
        let posts: [(String, Vec<(&str, &str)>); 3] = [
            (
                format!("/users/edit/{id}"),
                vec![
                    ("csrf", csrf.as_str()),
                    ("department", "Hacked"),
                    ("type", "2"),
                ],
            ),
            (
                format!("/users/edit/{id}/unlink"),
                vec![("csrf", csrf.as_str())],
            ),
            (
                format!("/users/edit/{id}/delete"),
                vec![("csrf", csrf.as_str()), ("data", "delete")],
            ),
        ];
        for (path, fields) in posts {
            let r = mia.post(&path, &fields).await;
            assert_eq!(r.status, 403, "{path}: {}", r.body);
        }
    }
    assert_eq!(mia.get(&format!("/users/edit/{bo}")).await.status, 403);
    assert_eq!(api_user(&app, &token, &bo).await, before);
    assert_eq!(api_user(&app, &token, &me).await, mine);
}

both_backends!(
    every_field_saves_and_reads_back,
    refused_saves_store_nothing,
    unlink_and_delete_with_or_without_transfer,
    members_reach_none_of_it,
);
