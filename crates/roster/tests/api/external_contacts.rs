//! The admin's view of an account's external contacts (`/v2/chat/external_contacts` and
//! `roster chat …`) and removing one from the account: it leaves every contact list, channel
//! and group chat at once; its one-to-one history stays visible to it and to the admins; it can
//! be added again, history included.

use crate::support::{assert_zoom_error, spawn_app, Backend};
use serde_json::{json, Value};

fn texts(page: &Value) -> Vec<String> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message"].as_str().unwrap().to_owned())
        .collect()
}

async fn admins_list_and_remove_an_external_contact(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, admin) = app.account_with_token().await;
    let ann = app.add_user(&admin, "custCreate", "ann@acme.test", 1).await;
    app.add_user(&admin, "custCreate", "bob@acme.test", 1).await;
    let ann_t = app.token_for_user(&acct, "ann@acme.test").await;
    let bob_t = app.token_for_user(&acct, "bob@acme.test").await;
    // Zoe has a Roster account of her own elsewhere.
    let zoe_acct = app
        .create_account("Else", "zoe@else.test", &["--plan", "business"])
        .await;
    let zoe_t = app.token(&zoe_acct).await;
    let contacts = "/v2/chat/users/me/contacts";
    for t in [&ann_t, &bob_t] {
        let (s, _) = app
            .post(
                contacts,
                t,
                &json!({"email": "zoe@else.test", "first_name": "Zoe"}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (s, _) = app
        .post(contacts, &zoe_t, &json!({"email": "ann@acme.test"}))
        .await;
    assert_eq!(s, 201);

    let channels = "/v2/chat/users/me/channels";
    let (_, project) = app
        .post(
            channels,
            &ann_t,
            &json!({"name": "Project", "members": [{"email": "bob@acme.test"}, {"email": "zoe@else.test"}]}),
        )
        .await;
    let project = project["id"].as_str().unwrap().to_owned();
    let (s, group_chat) = app
        .post(
            channels,
            &ann_t,
            &json!({"name": "Ann and Zoe", "type": 4, "members": [{"email": "zoe@else.test"}]}),
        )
        .await;
    assert_eq!(s, 201, "{group_chat}");
    let group_chat = group_chat["id"].as_str().unwrap().to_owned();

    let messages = "/v2/chat/users/me/messages";
    let send = |t: &str, body: Value| {
        let app = &app;
        let t = t.to_owned();
        async move { app.post(messages, &t, &body).await }
    };
    assert_eq!(
        send(
            &ann_t,
            json!({"message": "hello zoe", "to_contact": "zoe@else.test"})
        )
        .await
        .0,
        201
    );
    // Times are kept to the millisecond: two messages in the same one have no defined order.
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    assert_eq!(
        send(
            &zoe_t,
            json!({"message": "hi ann", "to_contact": "ann@acme.test"})
        )
        .await
        .0,
        201
    );
    // An external member posts in the channel she belongs to.
    assert_eq!(
        send(&zoe_t, json!({"message": "status?", "to_channel": project}))
            .await
            .0,
        201
    );

    // The admin's view: per user, with the channels each shares with the contact.
    let (s, list) = app.get("/v2/chat/external_contacts", &admin).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total_records"], 2);
    let rows: Vec<(String, String, i64)> = list["external_contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["user_email"].as_str().unwrap().to_owned(),
                c["email"].as_str().unwrap().to_owned(),
                c["shared_channels"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("ann@acme.test".to_owned(), "zoe@else.test".to_owned(), 2),
            ("bob@acme.test".to_owned(), "zoe@else.test".to_owned(), 1),
        ]
    );
    assert_eq!(list["external_contacts"][0]["user_id"], ann.as_str());
    assert_eq!(list["external_contacts"][0]["first_name"], "Zoe");
    let (_, page) = app
        .get("/v2/chat/external_contacts?page_size=1", &admin)
        .await;
    let next = page["next_page_token"].as_str().unwrap();
    let (_, page2) = app
        .get(
            &format!("/v2/chat/external_contacts?page_size=1&next_page_token={next}"),
            &admin,
        )
        .await;
    assert_eq!(page2["external_contacts"][0]["user_email"], "bob@acme.test");
    assert_eq!(page2["next_page_token"], "");
    let (_, only_bob) = app
        .get("/v2/chat/external_contacts?user_id=bob@acme.test", &admin)
        .await;
    assert_eq!(only_bob["total_records"], 1);
    let out = app
        .cli(&["chat", "external-contacts", &acct.account_id])
        .await
        .unwrap();
    assert!(
        out.contains("ann@acme.test") && out.contains("2 shared channel(s)"),
        "{out}"
    );

    // A Member may do neither; nothing changes.
    let (s, e) = app.get("/v2/chat/external_contacts", &ann_t).await;
    assert_zoom_error(s, &e, 400, 200);
    let (s, e) = app
        .delete("/v2/chat/external_contacts/zoe@else.test", &ann_t)
        .await;
    assert_zoom_error(s, &e, 400, 200);
    // Unknown, or internal, addresses are not external contacts.
    for who in ["nobody@else.test", "bob@acme.test", "not-an-email"] {
        let (s, e) = app
            .delete(&format!("/v2/chat/external_contacts/{who}"), &admin)
            .await;
        assert_zoom_error(s, &e, 404, 5401);
    }
    assert_eq!(app.db.count("contacts").await, 3);
    assert_eq!(app.db.count("chat_channel_members").await, 5);

    // Removal: every list, channel and group chat at once.
    let (s, _) = app
        .delete("/v2/chat/external_contacts/Zoe@Else.test", &admin)
        .await;
    assert_eq!(s, 204);
    let (_, list) = app.get("/v2/chat/external_contacts", &admin).await;
    assert_eq!(list["total_records"], 0);
    for t in [&ann_t, &bob_t] {
        let (_, ext) = app.get(&format!("{contacts}?type=external"), t).await;
        assert_eq!(ext["contacts"], json!([]));
    }
    for ch in [&project, &group_chat] {
        let (_, m) = app.get(&format!("{channels}/{ch}/members"), &ann_t).await;
        assert!(!m["members"].to_string().contains("zoe@else.test"), "{m}");
    }
    let (s, e) = send(
        &zoe_t,
        json!({"message": "still here?", "to_channel": project}),
    )
    .await;
    assert_zoom_error(s, &e, 404, 5402);
    let (s, e) = send(
        &ann_t,
        json!({"message": "bye", "to_contact": "zoe@else.test"}),
    )
    .await;
    assert_zoom_error(s, &e, 404, 5401);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM events WHERE type = 'contact.external_removed'")
            .await,
        1
    );
    // Zoe's own list is hers: Ann is still in it.
    assert_eq!(app.db.count("contacts").await, 1);

    // The history stays: Zoe still sees the conversation, the admins keep all of it.
    let (_, zoe_view) = app
        .get(&format!("{messages}?to_contact=ann@acme.test"), &zoe_t)
        .await;
    assert_eq!(texts(&zoe_view), ["hi ann", "hello zoe"]);
    let (s, admin_view) = app
        .get(
            &format!("/v2/chat/users/{ann}/messages?to_contact=zoe@else.test"),
            &admin,
        )
        .await;
    assert_eq!(s, 200, "{admin_view}");
    assert_eq!(texts(&admin_view), ["hi ann", "hello zoe"]);
    let (_, channel_view) = app
        .get(
            &format!("/v2/chat/users/{ann}/messages?to_channel={project}"),
            &admin,
        )
        .await;
    assert_eq!(texts(&channel_view), ["status?"]);
    // Zoe's admins see only what concerns their account: not Ann's channel.
    let (s, e) = app
        .get(&format!("{messages}?to_channel={project}"), &zoe_t)
        .await;
    assert_zoom_error(s, &e, 404, 5402);

    // Removing again finds nothing; the CLI says so too.
    let (s, e) = app
        .delete("/v2/chat/external_contacts/zoe@else.test", &admin)
        .await;
    assert_zoom_error(s, &e, 404, 5401);
    let err = app
        .cli(&[
            "chat",
            "remove-external-contact",
            &acct.account_id,
            "zoe@else.test",
        ])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Contact does not exist"), "{err}");

    // Added again: the old history is still there, and the conversation goes on.
    let (s, _) = app
        .post(contacts, &ann_t, &json!({"email": "zoe@else.test"}))
        .await;
    assert_eq!(s, 201);
    assert_eq!(
        send(
            &ann_t,
            json!({"message": "welcome back", "to_contact": "zoe@else.test"})
        )
        .await
        .0,
        201
    );
    let (_, ann_view) = app
        .get(
            &format!("{messages}?to_contact=zoe@else.test&page_size=2"),
            &ann_t,
        )
        .await;
    assert_eq!(texts(&ann_view), ["welcome back", "hi ann"]);
    let next = ann_view["next_page_token"].as_str().unwrap();
    let (_, rest) = app
        .get(
            &format!("{messages}?to_contact=zoe@else.test&page_size=2&next_page_token={next}"),
            &ann_t,
        )
        .await;
    assert_eq!(texts(&rest), ["hello zoe"]);

    // The operator removes it from the shell as well.
    let out = app
        .cli(&[
            "chat",
            "remove-external-contact",
            &acct.account_id,
            "zoe@else.test",
        ])
        .await
        .unwrap();
    assert!(
        out.contains("from 1 user(s)' contacts and 0 channel(s)"),
        "{out}"
    );
}

async fn leaving_or_deleted_users_leave_their_channels(b: Backend) {
    let app = spawn_app(b).await;
    let (_, admin) = app.account_with_token().await;
    let bob = app.add_user(&admin, "custCreate", "bob@acme.test", 1).await;
    let carl = app
        .add_user(&admin, "custCreate", "carl@acme.test", 1)
        .await;
    let (s, ch) = app
        .post(
            "/v2/chat/users/me/channels",
            &admin,
            &json!({"name": "Team", "members": [{"id": carl}, {"email": "bob@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 201, "{ch}");
    let (s, _) = app
        .post(
            "/v2/chat/users/me/messages",
            &admin,
            &json!({"message": "hi", "to_channel": ch["id"]}),
        )
        .await;
    assert_eq!(s, 201);
    assert_eq!(app.db.count("chat_channel_members").await, 3);
    // Bob is unlinked: he leaves the account's channels.
    let (s, _) = app.delete(&format!("/v2/users/{bob}"), &admin).await;
    assert_eq!(s, 204);
    assert_eq!(app.db.count("chat_channel_members").await, 2);
    // Carl is deleted: his memberships go with him; the channel's history stays.
    let (s, _) = app
        .delete(&format!("/v2/users/{carl}?action=delete"), &admin)
        .await;
    assert_eq!(s, 204);
    assert_eq!(app.db.count("chat_channel_members").await, 1);
    assert_eq!(app.db.count("chat_messages").await, 1);
}

/// The same member added by several requests at once: no error, one membership, one event.
async fn one_member_added_by_requests_at_once_is_one_membership(b: Backend) {
    let app = spawn_app(b).await;
    let (_, admin) = app.account_with_token().await;
    let carl = app
        .add_user(&admin, "custCreate", "carl@acme.test", 1)
        .await;
    app.add_user(&admin, "custCreate", "bob@acme.test", 1).await;
    let (s, ch) = app
        .post(
            "/v2/chat/users/me/channels",
            &admin,
            &json!({"name": "Team", "members": [{"id": carl}]}),
        )
        .await;
    assert_eq!(s, 201, "{ch}");
    let path = format!(
        "/v2/chat/users/me/channels/{}/members",
        ch["id"].as_str().unwrap()
    );
    let body = json!({"members": [{"email": "bob@acme.test"}]});
    let invited = "SELECT COUNT(*) FROM events WHERE type = 'chat_channel.member_invited'";
    let before = app.scalar(invited).await;
    let (a1, a2, a3, a4) = tokio::join!(
        app.post(&path, &admin, &body),
        app.post(&path, &admin, &body),
        app.post(&path, &admin, &body),
        app.post(&path, &admin, &body),
    );
    let answers = [a1, a2, a3, a4];
    for (s, v) in &answers {
        assert!((200..300).contains(s), "{s} {v}");
    }
    assert_eq!(app.db.count("chat_channel_members").await, 3);
    assert_eq!(
        app.scalar(invited).await,
        before + 1,
        "bob was invited once"
    );
}

both_backends!(
    one_member_added_by_requests_at_once_is_one_membership,
    admins_list_and_remove_an_external_contact,
    leaving_or_deleted_users_leave_their_channels,
);
