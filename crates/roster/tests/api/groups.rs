//! `/v2/groups` and `/v2/im/groups`: create, rename, delete, members; a user is in at most one
//! settings group, and in any number of chat groups.

use crate::support::{assert_zoom_error, spawn_app, Backend};
use serde_json::json;

async fn settings_groups(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let ann = app.add_user(&token, "custCreate", "ann@acme.test", 1).await;
    let bob = app.add_user(&token, "custCreate", "bob@acme.test", 1).await;

    let (s, maths) = app
        .post("/v2/groups", &token, &json!({"name": "Maths"}))
        .await;
    assert_eq!(s, 201, "{maths}");
    let maths_id = maths["id"].as_str().unwrap().to_owned();
    assert_eq!(maths["total_members"], 0);
    let (_, art) = app
        .post("/v2/groups", &token, &json!({"name": "Art"}))
        .await;
    let art_id = art["id"].as_str().unwrap().to_owned();

    let (s, added) = app
        .post(
            &format!("/v2/groups/{maths_id}/members"),
            &token,
            &json!({"members": [{"id": ann}, {"email": "bob@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 201, "{added}");
    assert_eq!(added["ids"], format!("{ann},{bob}"));
    let (_, g) = app.get(&format!("/v2/groups/{maths_id}"), &token).await;
    assert_eq!(g["total_members"], 2);
    let (_, u) = app.get(&format!("/v2/users/{ann}"), &token).await;
    assert_eq!(u["group_ids"], json!([maths_id]));

    // At most one settings group: joining Art leaves Maths.
    let (s, _) = app
        .patch(
            &format!("/v2/users/{ann}"),
            &token,
            &json!({"group_id": art_id}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, u) = app.get(&format!("/v2/users/{ann}"), &token).await;
    assert_eq!(u["group_ids"], json!([art_id]));
    let (_, members) = app
        .get(
            &format!("/v2/groups/{maths_id}/members?page_size=1"),
            &token,
        )
        .await;
    assert_eq!(members["total_records"], 1);
    assert_eq!(members["members"][0]["email"], "bob@acme.test");
    assert_eq!(members["next_page_token"], "");

    let (_, list) = app.get("/v2/groups", &token).await;
    assert_eq!(list["total_records"], 2);
    assert_eq!(list["groups"][0]["name"], "Art");

    let (s, _) = app
        .patch(
            &format!("/v2/groups/{maths_id}"),
            &token,
            &json!({"name": "Mathematics"}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = app
        .delete(&format!("/v2/groups/{maths_id}/members/{bob}"), &token)
        .await;
    assert_eq!(s, 204);
    let (s, _) = app.delete(&format!("/v2/groups/{art_id}"), &token).await;
    assert_eq!(s, 204);
    let (_, u) = app.get(&format!("/v2/users/{ann}"), &token).await;
    assert_eq!(
        u["group_ids"],
        json!([]),
        "deleting a group frees its members"
    );
    for kind in [
        "group.created",
        "group.updated",
        "group.deleted",
        "group.member_added",
        "group.member_deleted",
    ] {
        assert!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM events WHERE type = '{kind}'"
            ))
            .await
                >= 1,
            "{kind}"
        );
    }
}

async fn group_refusals_change_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let ann = app.add_user(&token, "custCreate", "ann@acme.test", 1).await;
    let (_, g) = app
        .post("/v2/groups", &token, &json!({"name": "Maths"}))
        .await;
    let gid = g["id"].as_str().unwrap().to_owned();
    let other = app.create_account("Other", "boss@other.test", &[]).await;
    let member_token = app.token_for_user(&acct, "ann@acme.test").await;
    let events = app.db.count("events").await;
    let checks = [
        (
            app.post("/v2/groups", &token, &json!({"name": "Maths"}))
                .await,
            409,
            4132,
        ),
        (
            app.post("/v2/groups", &token, &json!({"name": "  "})).await,
            400,
            300,
        ),
        (app.post("/v2/groups", &token, &json!({})).await, 400, 300),
        (app.get("/v2/groups/nope", &token).await, 404, 4130),
        (
            app.patch("/v2/groups/nope", &token, &json!({"name": "X"}))
                .await,
            404,
            4130,
        ),
        (app.delete("/v2/groups/nope", &token).await, 404, 4130),
        // All or nothing: one unknown member adds nobody.
        (
            app.post(
                &format!("/v2/groups/{gid}/members"),
                &token,
                &json!({"members": [{"id": ann}, {"email": "ghost@acme.test"}]}),
            )
            .await,
            404,
            1001,
        ),
        (
            app.post(
                &format!("/v2/groups/{gid}/members"),
                &token,
                &json!({"members": [{"id": other.owner_id}]}),
            )
            .await,
            404,
            1001,
        ),
        (
            app.post(
                &format!("/v2/groups/{gid}/members"),
                &token,
                &json!({"members": []}),
            )
            .await,
            400,
            300,
        ),
        (
            app.delete(&format!("/v2/groups/{gid}/members/{ann}"), &token)
                .await,
            404,
            1001,
        ),
        (
            app.get(
                &format!("/v2/groups/{gid}/members?next_page_token=bogus"),
                &token,
            )
            .await,
            400,
            300,
        ),
        (
            app.patch(
                &format!("/v2/users/{ann}"),
                &token,
                &json!({"group_id": "nope"}),
            )
            .await,
            404,
            4130,
        ),
        (app.get("/v2/groups", &member_token).await, 400, 200),
        (
            app.post("/v2/groups", &member_token, &json!({"name": "Mine"}))
                .await,
            400,
            200,
        ),
    ];
    for ((s, v), status, code) in checks {
        assert_zoom_error(s, &v, status, code);
    }
    let (_, g) = app.get(&format!("/v2/groups/{gid}"), &token).await;
    assert_eq!(g["total_members"], 0);
    assert_eq!(app.db.count("groups").await, 1);
    assert_eq!(app.db.count("events").await, events);
}

async fn chat_groups(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let ann = app.add_user(&token, "custCreate", "ann@acme.test", 1).await;
    let (_, a) = app
        .post("/v2/im/groups", &token, &json!({"name": "Staff room"}))
        .await;
    let (_, c) = app
        .post("/v2/im/groups", &token, &json!({"name": "Maths"}))
        .await;
    // The same name may be a settings group and a chat group.
    let (s, _) = app
        .post("/v2/groups", &token, &json!({"name": "Maths"}))
        .await;
    assert_eq!(s, 201);
    for g in [&a, &c] {
        let (s, _) = app
            .post(
                &format!("/v2/im/groups/{}/members", g["id"].as_str().unwrap()),
                &token,
                &json!({"members": [{"id": ann}]}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (_, list) = app.get("/v2/im/groups", &token).await;
    assert_eq!(list["total_records"], 2);
    assert_eq!(list["groups"][0]["total_members"], 1);
    let (_, settings) = app.get("/v2/groups", &token).await;
    assert_eq!(
        settings["total_records"], 1,
        "chat groups are not settings groups"
    );
    let (_, u) = app.get(&format!("/v2/users/{ann}"), &token).await;
    assert_eq!(u["group_ids"], json!([]));
    assert_eq!(u["im_group_ids"].as_array().unwrap().len(), 2, "{u}");
    // Leaving one chat group, and one being deleted, show on the user at once.
    let (a_id, c_id) = (a["id"].as_str().unwrap(), c["id"].as_str().unwrap());
    let (s, _) = app
        .delete(&format!("/v2/im/groups/{a_id}/members/{ann}"), &token)
        .await;
    assert_eq!(s, 204);
    let (_, u) = app.get(&format!("/v2/users/{ann}"), &token).await;
    assert_eq!(u["im_group_ids"], json!([c_id]));
    let (_, listed) = app.get("/v2/users?search=ann", &token).await;
    assert_eq!(listed["users"][0]["im_group_ids"], json!([c_id]));
    let (s, _) = app
        .post(
            &format!("/v2/im/groups/{a_id}/members"),
            &token,
            &json!({"members": [{"id": ann}]}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = app.delete(&format!("/v2/im/groups/{c_id}"), &token).await;
    assert_eq!(s, 204);
    let (_, u) = app.get(&format!("/v2/users/{ann}"), &token).await;
    assert_eq!(u["im_group_ids"], json!([a_id]));
    // Deleting a user takes them out of their chat groups.
    let (s, _) = app
        .delete(&format!("/v2/users/{ann}?action=delete"), &token)
        .await;
    assert_eq!(s, 204);
    assert_eq!(app.db.count("chat_group_members").await, 0);
}

async fn group_scoped_roles_reach_only_their_groups(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let mut ids = Vec::new();
    for name in ["Maths", "Physics"] {
        let (_, g) = app.post("/v2/groups", &owner, &json!({"name": name})).await;
        ids.push(g["id"].as_str().unwrap().to_owned());
    }
    let (maths, physics) = (ids[0].clone(), ids[1].clone());
    app.add_user(&owner, "custCreate", "head@acme.test", 1)
        .await;
    app.add_user(&owner, "custCreate", "stray@acme.test", 1)
        .await;
    app.post(
        &format!("/v2/groups/{maths}/members"),
        &owner,
        &json!({"members": [{"email": "head@acme.test"}]}),
    )
    .await;
    let (_, role) = app
        .post(
            "/v2/roles",
            &owner,
            &json!({"name": "Head of Maths", "privileges": ["User:Read", "User:Edit", "Group:Read", "Group:Edit"],
                    "group_ids": [maths]}),
        )
        .await;
    let role_id = role["id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .post(
            &format!("/v2/roles/{role_id}/members"),
            &owner,
            &json!({"members": [{"email": "head@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 201);
    let token = app.token_for_user(&acct, "head@acme.test").await;

    // Their own group, yes.
    let (s, list) = app.get("/v2/groups", &token).await;
    assert_eq!(s, 200);
    let names: Vec<&str> = list["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Maths"]);
    let (s, _) = app
        .patch(
            &format!("/v2/groups/{maths}"),
            &token,
            &json!({"name": "Mathematics"}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = app
        .get(&format!("/v2/groups/{maths}/members"), &token)
        .await;
    assert_eq!(s, 200);

    // Anything else is refused and changes nothing.
    let events = app.db.count("events").await;
    let groups = app.db.count("groups").await;
    let (s, v) = app.get(&format!("/v2/groups/{physics}"), &token).await;
    assert_zoom_error(s, &v, 400, 200);
    let (s, v) = app
        .patch(
            &format!("/v2/groups/{physics}"),
            &token,
            &json!({"name": "Chemistry"}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 200);
    let (s, v) = app.delete(&format!("/v2/groups/{physics}"), &token).await;
    assert_zoom_error(s, &v, 400, 200);
    let (s, v) = app
        .post("/v2/groups", &token, &json!({"name": "Art"}))
        .await;
    assert_zoom_error(s, &v, 400, 200);
    let (s, v) = app
        .post("/v2/im/groups", &token, &json!({"name": "Gossip"}))
        .await;
    assert_zoom_error(s, &v, 400, 200);
    // Pulling in someone from outside the scope.
    let (s, v) = app
        .post(
            &format!("/v2/groups/{maths}/members"),
            &token,
            &json!({"members": [{"email": "stray@acme.test"}]}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 200);
    assert_eq!(app.db.count("events").await, events);
    assert_eq!(app.db.count("groups").await, groups);
    let (_, g) = app.get(&format!("/v2/groups/{physics}"), &owner).await;
    assert_eq!(g["name"], "Physics");
}

both_backends!(
    settings_groups,
    group_refusals_change_nothing,
    chat_groups,
    group_scoped_roles_reach_only_their_groups
);
