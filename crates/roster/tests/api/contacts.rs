//! External contacts: users' own contacts (internal or external), channels with external
//! members, one-to-one and channel messages, and the admin's view and removal of an account's
//! external contacts (API and CLI). Every refusal leaves the data as it was.

use crate::support::{assert_zoom_error, spawn_app, Backend, Created, TestApp};
use serde_json::{json, Value};

/// An account (Owner owner@acme.test) with active Members ann and bob, and tokens for the
/// Owner and for ann.
async fn acme(app: &TestApp) -> (Created, String, String, String, String) {
    let (acct, admin) = app.account_with_token().await;
    let ann = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    let bob = app.add_user(&admin, "custCreate", "bob@acme.test", 1).await;
    let ann_token = app.token_for_user(&acct, "ann@acme.test").await;
    (acct, admin, ann_token, ann, bob)
}

fn emails(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap().to_owned())
        .collect()
}

async fn events_of(app: &TestApp, kind: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM events WHERE type = '{kind}'"
    ))
    .await
}

async fn users_add_and_remove_their_contacts(b: Backend) {
    let app = spawn_app(b).await;
    let (_, admin, ann_token, _ann, bob) = acme(&app).await;
    let me = "/v2/chat/users/me/contacts";

    let (s, c) = app
        .post(me, &ann_token, &json!({"email": "bob@acme.test"}))
        .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["id"], bob.as_str());
    assert_eq!(c["is_external"], false);
    let (s, c) = app
        .post(
            me,
            &ann_token,
            &json!({"email": " Zoe@Else.test ", "first_name": "Zoe", "last_name": "Kay"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["email"], "zoe@else.test");
    assert_eq!(c["id"], "");
    assert_eq!(c["is_external"], true);
    assert_eq!(c["first_name"], "Zoe");

    let (_, ext) = app.get(&format!("{me}?type=external"), &ann_token).await;
    assert_eq!(emails(&ext, "contacts"), ["zoe@else.test"]);
    let (_, company) = app.get(me, &ann_token).await;
    assert_eq!(emails(&company, "contacts"), ["bob@acme.test"]);
    // An admin reads (and manages) another user's list.
    let (s, by_admin) = app
        .get(
            "/v2/chat/users/ann@acme.test/contacts?type=external",
            &admin,
        )
        .await;
    assert_eq!(s, 200, "{by_admin}");
    assert_eq!(emails(&by_admin, "contacts"), ["zoe@else.test"]);
    assert_eq!(events_of(&app, "contact.added").await, 2);

    // Refusals store nothing.
    let (s, e) = app
        .post(me, &ann_token, &json!({"email": "ANN@acme.test"}))
        .await;
    assert_zoom_error(s, &e, 400, 300);
    assert_eq!(e["errors"][0]["field"], "email");
    let (s, e) = app
        .post(me, &ann_token, &json!({"email": "not-an-email"}))
        .await;
    assert_zoom_error(s, &e, 400, 300);
    let (s, e) = app
        .post(me, &ann_token, &json!({"email": "zoe@else.test"}))
        .await;
    assert_zoom_error(s, &e, 409, 5403);
    let (s, e) = app
        .delete(&format!("{me}/nobody@else.test"), &ann_token)
        .await;
    assert_zoom_error(s, &e, 404, 5401);
    let (s, e) = app.get(&format!("{me}?type=everyone"), &ann_token).await;
    assert_zoom_error(s, &e, 400, 300);
    // A Member does not manage another user's contacts.
    let (s, e) = app
        .post(
            "/v2/chat/users/bob@acme.test/contacts",
            &ann_token,
            &json!({"email": "zoe@else.test"}),
        )
        .await;
    assert_zoom_error(s, &e, 400, 200);
    assert_eq!(app.db.count("contacts").await, 2);
    assert_eq!(events_of(&app, "contact.added").await, 2);

    let (s, _) = app.delete(&format!("{me}/ZOE@else.test"), &ann_token).await;
    assert_eq!(s, 204);
    let (_, ext) = app.get(&format!("{me}?type=external"), &ann_token).await;
    assert_eq!(emails(&ext, "contacts"), Vec::<String>::new());
    assert_eq!(events_of(&app, "contact.deleted").await, 1);

    // Deleting bob takes him out of his colleagues' lists (he does not turn external).
    let (s, _) = app
        .delete(&format!("/v2/users/{bob}?action=delete"), &admin)
        .await;
    assert_eq!(s, 204);
    assert_eq!(app.db.count("contacts").await, 0);
}

async fn channels_admit_users_and_contacts_only(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin, ann_token, ann, bob) = acme(&app).await;
    let other = app
        .create_account("Else", "zoe@else.test", &["--plan", "business"])
        .await;
    app.post(
        "/v2/chat/users/me/contacts",
        &ann_token,
        &json!({"email": "zoe@else.test"}),
    )
    .await;
    let channels = "/v2/chat/users/me/channels";

    // Refusals: nothing stored.
    for (body, status, code) in [
        (
            json!({"name": "X", "members": [{"email": "carl@else.test"}]}),
            404,
            5401,
        ),
        (
            json!({"name": "X", "members": [{"id": other.owner_id}]}),
            404,
            1001,
        ),
        (
            json!({"name": "X", "type": 2, "members": [{"email": "zoe@else.test"}]}),
            400,
            300,
        ),
        (json!({"name": "X", "type": 9}), 400, 300),
        (json!({"name": " "}), 400, 300),
    ] {
        let (s, e) = app.post(channels, &ann_token, &body).await;
        assert_zoom_error(s, &e, status, code);
    }
    assert_eq!(app.db.count("chat_channels").await, 0);
    assert_eq!(app.db.count("chat_channel_members").await, 0);

    let (s, ch) = app
        .post(
            channels,
            &ann_token,
            &json!({"name": "Project", "members": [{"email": "bob@acme.test"}, {"email": "zoe@else.test"}]}),
        )
        .await;
    assert_eq!(s, 201, "{ch}");
    assert_eq!(ch["type"], 1);
    let ch = ch["id"].as_str().unwrap().to_owned();
    let members = format!("{channels}/{ch}/members");
    let (s, list) = app.get(&members, &ann_token).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(
        emails(&list, "members"),
        ["ann@acme.test", "bob@acme.test", "zoe@else.test"]
    );
    assert_eq!(list["members"][0]["role"], "owner");
    assert_eq!(list["members"][0]["id"], ann.as_str());
    assert_eq!(list["members"][2]["is_external"], true);

    // Adding: a user of another account, or a stranger, refuses the whole request.
    let (s, e) = app
        .post(
            &members,
            &ann_token,
            &json!({"members": [{"email": "owner@acme.test"}, {"id": other.owner_id}]}),
        )
        .await;
    assert_zoom_error(s, &e, 404, 1001);
    assert_eq!(app.db.count("chat_channel_members").await, 3);
    let (s, added) = app
        .post(
            &members,
            &ann_token,
            &json!({"members": [{"email": "owner@acme.test"}, {"id": bob}]}),
        )
        .await;
    assert_eq!(s, 201, "{added}");
    assert_eq!(added["ids"].as_str().unwrap().split(',').count(), 1);
    let (s, _) = app.delete(&format!("{members}/{bob}"), &ann_token).await;
    assert_eq!(s, 204);
    let (s, e) = app.delete(&format!("{members}/{bob}"), &ann_token).await;
    assert_zoom_error(s, &e, 404, 1001);

    // Messages: to a contact, to a channel one belongs to. Zoe has a Roster account: she
    // must have Ann among her contacts too before Ann can write to her.
    let messages = "/v2/chat/users/me/messages";
    let (s, e) = app
        .post(
            messages,
            &ann_token,
            &json!({"message": "hello", "to_contact": "zoe@else.test"}),
        )
        .await;
    assert_zoom_error(s, &e, 404, 5401);
    let zoe_token = app.token(&other).await;
    app.post(
        "/v2/chat/users/me/contacts",
        &zoe_token,
        &json!({"email": "ann@acme.test"}),
    )
    .await;
    let (s, m) = app
        .post(
            messages,
            &ann_token,
            &json!({"message": "hello", "to_contact": "zoe@else.test"}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let (s, _) = app
        .post(
            messages,
            &ann_token,
            &json!({"message": "hi all", "to_channel": ch}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = app
        .post(
            messages,
            &ann_token,
            &json!({"message": "hi bob", "to_contact": "bob@acme.test"}),
        )
        .await;
    assert_eq!(s, 201, "a colleague needs no contact entry");
    for (body, status, code) in [
        (
            json!({"message": "hey", "to_contact": "carl@else.test"}),
            404,
            5401,
        ),
        (
            json!({"message": "hey", "to_contact": "ann@acme.test"}),
            400,
            300,
        ),
        (
            json!({"message": "hey", "to_contact": "zoe@else.test", "to_channel": ch}),
            400,
            300,
        ),
        (
            json!({"message": " ", "to_contact": "zoe@else.test"}),
            400,
            300,
        ),
        (json!({"message": "hey", "to_channel": "nope"}), 404, 5402),
    ] {
        let (s, e) = app.post(messages, &ann_token, &body).await;
        assert_zoom_error(s, &e, status, code);
    }
    // Bob left the channel: it is not his to post in any more.
    let bob_token = app.token_for_user(&acct, "bob@acme.test").await;
    let (s, e) = app
        .post(
            messages,
            &bob_token,
            &json!({"message": "hey", "to_channel": ch}),
        )
        .await;
    assert_zoom_error(s, &e, 404, 5402);
    // Sending is as oneself only.
    let (s, e) = app
        .post(
            "/v2/chat/users/ann@acme.test/messages",
            &admin,
            &json!({"message": "hey", "to_contact": "bob@acme.test"}),
        )
        .await;
    assert_zoom_error(s, &e, 400, 200);
    assert_eq!(app.db.count("chat_messages").await, 3);
    assert_eq!(events_of(&app, "chat_message.sent").await, 3);

    let (s, page) = app
        .get(&format!("{messages}?to_channel={ch}"), &ann_token)
        .await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["messages"][0]["message"], "hi all");
    assert_eq!(page["messages"][0]["sender"], "ann@acme.test");
}

both_backends!(
    users_add_and_remove_their_contacts,
    channels_admit_users_and_contacts_only,
);
