//! Who sees and changes whose meetings: hosts, admins, custom roles with Meeting privileges,
//! scheduling assistants (`schedule_for`), other accounts; and meetings moving with people
//! (transfer on delete, the CLI).

use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use serde_json::json;

fn future(days: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T10:00:00Z",
        t.year(),
        u8::from(t.month()),
        t.day()
    )
}

async fn meeting(app: &TestApp, token: &str, user: &str, topic: &str) -> i64 {
    let (s, m) = app
        .post(
            &format!("/v2/users/{user}/meetings"),
            token,
            &json!({"topic": topic, "start_time": future(3)}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    m["id"].as_i64().unwrap()
}

async fn members_admins_and_other_accounts(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    app.add_user(&admin, "custCreate", "bob@acme.test", 1).await;
    let ann = app.token_for_user(&acct, "ann@acme.test").await;
    let bob = app.token_for_user(&acct, "bob@acme.test").await;
    let id = meeting(&app, &ann, "me", "Ann's").await;
    let url = format!("/v2/meetings/{id}");

    // Bob (a Member) neither sees nor changes Ann's meeting: it is "not found".
    let (s, e) = app.get(&url, &bob).await;
    assert_zoom_error(s, &e, 404, 3001);
    let (s, e) = app.patch(&url, &bob, &json!({"topic": "Mine"})).await;
    assert_zoom_error(s, &e, 404, 3001);
    let (s, e) = app.delete(&url, &bob).await;
    assert_zoom_error(s, &e, 404, 3001);
    let (s, e) = app.get("/v2/users/ann@acme.test/meetings", &bob).await;
    assert_zoom_error(s, &e, 400, 200);

    // Another account sees nothing at all.
    let other = app
        .create_account(
            "Other",
            "boss@other.test",
            &["--plan", "business", "--licensed-seats", "2"],
        )
        .await;
    let other_token = app.token(&other).await;
    let (s, e) = app.get(&url, &other_token).await;
    assert_zoom_error(s, &e, 404, 3001);
    let (s, e) = app.delete(&url, &other_token).await;
    assert_zoom_error(s, &e, 404, 3001);

    // A custom role with Meeting:Read sees but does not change (3003).
    let (s, role) = app
        .post(
            "/v2/roles",
            &admin,
            &json!({"name": "Meeting readers", "privileges": ["Meeting:Read", "User:Read"]}),
        )
        .await;
    assert_eq!(s, 201, "{role}");
    let role_id = role["id"].as_str().unwrap();
    let (s, e) = app
        .post(
            &format!("/v2/roles/{role_id}/members"),
            &admin,
            &json!({"members": [{"email": "bob@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 201, "{e}");
    let bob = app.token_for_user(&acct, "bob@acme.test").await;
    let (s, got) = app.get(&url, &bob).await;
    assert_eq!(s, 200, "{got}");
    let (s, e) = app.patch(&url, &bob, &json!({"topic": "Mine"})).await;
    assert_zoom_error(s, &e, 400, 3003);

    // The Owner changes and deletes anyone's.
    let (s, _) = app
        .patch(&url, &admin, &json!({"topic": "By the owner"}))
        .await;
    assert_eq!(s, 204);
    let (_, got) = app.get(&url, &ann).await;
    assert_eq!(got["topic"], "By the owner");
    let (s, _) = app.delete(&url, &admin).await;
    assert_eq!(s, 204);
    assert_eq!(app.db.count("meetings").await, 0);
}

async fn assistants_schedule_for_their_users(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let ann_id = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    let bob_id = app.add_user(&admin, "custCreate", "bob@acme.test", 1).await;
    let ann = app.token_for_user(&acct, "ann@acme.test").await;
    let bob = app.token_for_user(&acct, "bob@acme.test").await;
    let body =
        json!({"topic": "For Ann", "start_time": future(2), "schedule_for": "ann@acme.test"});

    // Not yet Ann's assistant: refused, nothing stored.
    let (s, e) = app.post("/v2/users/me/meetings", &bob, &body).await;
    assert_zoom_error(s, &e, 400, 200);
    assert_eq!(app.db.count("meetings").await, 0);

    let (s, added) = app
        .post(
            "/v2/users/me/assistants",
            &ann,
            &json!({"assistants": [{"email": "bob@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 201, "{added}");
    assert_eq!(added["ids"], bob_id.as_str());
    let (_, list) = app.get("/v2/users/me/assistants", &ann).await;
    assert_eq!(list["assistants"][0]["email"], "bob@acme.test");
    let (_, sched) = app.get("/v2/users/me/schedulers", &bob).await;
    assert_eq!(sched["schedulers"][0]["id"], ann_id.as_str());

    let (s, m) = app.post("/v2/users/me/meetings", &bob, &body).await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["host_id"], ann_id.as_str());
    let id = m["id"].as_i64().unwrap();
    // The assistant sees and changes it; Ann sees it as hers.
    let (s, _) = app
        .patch(
            &format!("/v2/meetings/{id}"),
            &bob,
            &json!({"agenda": "Budget"}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, mine) = app.get("/v2/users/me/meetings", &ann).await;
    assert_eq!(mine["meetings"][0]["agenda"], "Budget");

    // Removing the assistant ends it.
    let (s, _) = app
        .delete(&format!("/v2/users/me/assistants/{bob_id}"), &ann)
        .await;
    assert_eq!(s, 204);
    let (s, e) = app.post("/v2/users/me/meetings", &bob, &body).await;
    assert_zoom_error(s, &e, 400, 200);
    let (s, e) = app.get(&format!("/v2/meetings/{id}"), &bob).await;
    assert_zoom_error(s, &e, 404, 3001);
    let (s, e) = app
        .delete(&format!("/v2/users/me/assistants/{bob_id}"), &ann)
        .await;
    assert_zoom_error(s, &e, 404, 1001);
    assert_eq!(app.db.count("meetings").await, 1);
    // An admin schedules for anyone.
    let (s, m) = app.post("/v2/users/me/meetings", &admin, &body).await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["host_email"], "ann@acme.test");
}

async fn upcoming_meetings_move_with_a_transfer(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let leaver = app
        .add_user(&admin, "custCreate", "leaver@acme.test", 1)
        .await;
    let heir = app
        .add_user(&admin, "custCreate", "heir@acme.test", 1)
        .await;
    let token = app.token_for_user(&acct, "leaver@acme.test").await;
    let upcoming = meeting(&app, &token, "me", "Upcoming").await;
    let past = meeting(&app, &token, "me", "Past").await;
    // Past: it ended already (part 2 sets the status; the row says so here).
    let db = app.db.open().await;
    let mut tx = db.begin().await.unwrap();
    tx.execute(
        &format!("UPDATE meetings SET status = 'finished' WHERE id = {past}"),
        &[],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    db.close().await;

    let (s, e) = app
        .delete(
            &format!("/v2/users/{leaver}?action=delete&transfer_email=heir@acme.test&transfer_meeting=true"),
            &admin,
        )
        .await;
    assert_eq!(s, 204, "{e}");
    let (s, m) = app.get(&format!("/v2/meetings/{upcoming}"), &admin).await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["host_id"], heir.as_str());
    assert_eq!(m["host_email"], "heir@acme.test");
    let (s, e) = app.get(&format!("/v2/meetings/{past}"), &admin).await;
    assert_zoom_error(s, &e, 404, 3001);
    let (_, list) = app.get("/v2/users/heir@acme.test/meetings", &admin).await;
    assert_eq!(list["total_records"], 1);
}

async fn unlinked_people_keep_their_meetings(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let ann = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    let token = app.token_for_user(&acct, "ann@acme.test").await;
    let id = meeting(&app, &token, "me", "Mine to keep").await;
    let (s, e) = app
        .delete(&format!("/v2/users/{ann}?action=disassociate"), &admin)
        .await;
    assert_eq!(s, 204, "{e}");
    // The organisation no longer sees it; it is still Ann's, in her own account.
    let (s, e) = app.get(&format!("/v2/meetings/{id}"), &admin).await;
    assert_zoom_error(s, &e, 404, 3001);
    let shown = app
        .cli(&["meeting", "show", &id.to_string()])
        .await
        .unwrap();
    let m: serde_json::Value = serde_json::from_str(shown.trim()).unwrap();
    assert_eq!(m["host_id"], ann.as_str());
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM meetings WHERE id = {id} AND account_id <> '{}'",
            acct.account_id
        ))
        .await,
        1
    );
}

async fn the_operator_manages_meetings_from_the_cli(b: Backend) {
    let app = spawn_app(b).await;
    let (_, admin) = app.account_with_token().await;
    app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    let out = app
        .cli(&[
            "meeting",
            "create",
            "--user",
            "ann@acme.test",
            "--topic",
            "From the shell",
            "--start-time",
            &future(5),
            "--duration",
            "30",
            "--json",
        ])
        .await
        .unwrap();
    let m: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let id = m["id"].as_i64().unwrap();
    let listed = app
        .cli(&["meeting", "list", "--user", "ann@acme.test"])
        .await
        .unwrap();
    assert!(listed.contains("From the shell"), "{listed}");
    let shown = app
        .cli(&["meeting", "show", &id.to_string()])
        .await
        .unwrap();
    assert!(shown.contains("ann@acme.test"), "{shown}");
    let err = app
        .cli(&[
            "meeting",
            "create",
            "--user",
            "ann@acme.test",
            "--duration",
            "0",
            "--start-time",
            &future(5),
        ])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("--duration"), "{err}");
    app.cli(&["meeting", "delete", &id.to_string()])
        .await
        .unwrap();
    assert_eq!(app.db.count("meetings").await, 0);
}

both_backends!(
    members_admins_and_other_accounts,
    assistants_schedule_for_their_users,
    upcoming_meetings_move_with_a_transfer,
    unlinked_people_keep_their_meetings,
    the_operator_manages_meetings_from_the_cli,
);
