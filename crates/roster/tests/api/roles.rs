//! `/v2/roles`: built-in and custom roles, who may give which role, group-scoped roles, and
//! ownership transfer. Every refusal changes nobody's role.

use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

async fn role_of(app: &TestApp, token: &str, id: &str) -> String {
    let (_, u) = app.get(&format!("/v2/users/{id}"), token).await;
    u["role_id"].as_str().unwrap_or_default().to_owned()
}

async fn roles_snapshot(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM users WHERE role_id <> '2'")
        .await
}

async fn builtin_roles_and_admins(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let ann = app.add_user(&owner, "custCreate", "ann@acme.test", 1).await;
    let bob = app.add_user(&owner, "custCreate", "bob@acme.test", 1).await;

    let (s, list) = app.get("/v2/roles", &owner).await;
    assert_eq!(s, 200, "{list}");
    let names: Vec<&str> = list["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Owner", "Admin", "Member"]);
    assert_eq!(list["roles"][0]["total_members"], 1);
    assert_eq!(list["roles"][2]["total_members"], 2);

    // The Owner makes Ann an Admin; her own app now acts as an Admin.
    let (s, v) = app
        .post(
            "/v2/roles/1/members",
            &owner,
            &json!({"members": [{"id": ann}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["ids"], ann.as_str());
    assert_eq!(role_of(&app, &owner, &ann).await, "1");
    let admin = app.token_for_user(&acct, "ann@acme.test").await;
    let (s, _) = app.get("/v2/users", &admin).await;
    assert_eq!(s, 200);
    let (_, members) = app.get("/v2/roles/1/members", &owner).await;
    assert_eq!(members["total_records"], 1);
    assert_eq!(members["members"][0]["email"], "ann@acme.test");

    // What an Admin may not do.
    let before = roles_snapshot(&app).await;
    for (s, v) in [
        app.post(
            "/v2/roles/1/members",
            &admin,
            &json!({"members": [{"id": bob}]}),
        )
        .await,
        app.post(
            "/v2/roles/2/members",
            &admin,
            &json!({"members": [{"id": ann}]}),
        )
        .await,
        app.post(
            "/v2/roles/0/members",
            &admin,
            &json!({"members": [{"id": bob}]}),
        )
        .await,
        app.delete(&format!("/v2/roles/0/members/{}", acct.owner_id), &admin)
            .await,
        app.delete(&format!("/v2/roles/1/members/{ann}"), &admin)
            .await,
    ] {
        assert_zoom_error(s, &v, 400, 200);
    }
    assert_eq!(roles_snapshot(&app).await, before);

    // The Owner revokes Admin: Ann is a Member again, and her app's power goes at once.
    let (s, _) = app
        .delete(&format!("/v2/roles/1/members/{ann}"), &owner)
        .await;
    assert_eq!(s, 204);
    assert_eq!(role_of(&app, &owner, &ann).await, "2");
    let (s, v) = app.get("/v2/users", &admin).await;
    assert_zoom_error(s, &v, 400, 200);
}

async fn custom_roles_scoped_to_groups(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let (_, maths) = app
        .post("/v2/groups", &owner, &json!({"name": "Maths"}))
        .await;
    let maths = maths["id"].as_str().unwrap().to_owned();
    let head = app
        .add_user(&owner, "custCreate", "head@acme.test", 1)
        .await;
    let inside = app
        .add_user(&owner, "custCreate", "inside@acme.test", 1)
        .await;
    let outside = app
        .add_user(&owner, "custCreate", "outside@acme.test", 1)
        .await;
    app.post(
        &format!("/v2/groups/{maths}/members"),
        &owner,
        &json!({"members": [{"id": inside}, {"id": head}]}),
    )
    .await;

    let (s, role) = app
        .post(
            "/v2/roles",
            &owner,
            &json!({"name": "Head of Maths", "description": "Runs the maths team",
                    "privileges": ["User:Read", "User:Edit", "Role:Edit"], "group_ids": [maths]}),
        )
        .await;
    assert_eq!(s, 201, "{role}");
    assert_eq!(
        role["privileges"],
        json!(["User:Read", "User:Edit", "Role:Edit"])
    );
    assert_eq!(role["group_ids"], json!([maths]));
    let role_id = role["id"].as_str().unwrap().to_owned();
    let (s, _) = app
        .post(
            &format!("/v2/roles/{role_id}/members"),
            &owner,
            &json!({"members": [{"email": "head@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, r) = app.get(&format!("/v2/roles/{role_id}"), &owner).await;
    assert_eq!(r["total_members"], 1);
    let (_, u) = app.get(&format!("/v2/users/{head}"), &owner).await;
    assert_eq!(u["role_name"], "Head of Maths");

    let token = app.token_for_user(&acct, "head@acme.test").await;
    // Sees and edits only the group's members.
    let (s, list) = app.get("/v2/users", &token).await;
    assert_eq!(s, 200, "{list}");
    let emails: Vec<&str> = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["head@acme.test", "inside@acme.test"]);
    assert_eq!(list["total_records"], 2);
    let (s, _) = app
        .patch(
            &format!("/v2/users/{inside}"),
            &token,
            &json!({"dept": "Maths"}),
        )
        .await;
    assert_eq!(s, 204);
    let before = app.db.count("events").await;
    for (s, v) in [
        app.patch(
            &format!("/v2/users/{outside}"),
            &token,
            &json!({"dept": "Maths"}),
        )
        .await,
        app.get(&format!("/v2/users/{outside}"), &token).await,
        app.post(
            "/v2/users",
            &token,
            &json!({"action": "create", "user_info": {"email": "n@acme.test", "type": 1}}),
        )
        .await,
        app.delete(&format!("/v2/users/{inside}?action=delete"), &token)
            .await,
        // Cannot create or grant a role stronger than their own.
        app.post(
            "/v2/roles",
            &token,
            &json!({"name": "Boss", "privileges": ["User:Delete"]}),
        )
        .await,
        app.post(
            "/v2/roles/1/members",
            &token,
            &json!({"members": [{"id": inside}]}),
        )
        .await,
        app.delete(&format!("/v2/roles/{role_id}/members/{head}"), &token)
            .await,
    ] {
        assert_zoom_error(s, &v, 400, 200);
    }
    assert_eq!(app.db.count("events").await, before);
    // A weaker custom role, within their scope, they may give.
    let (s, weak) = app
        .post(
            "/v2/roles",
            &token,
            &json!({"name": "Reader", "privileges": ["User:Read"]}),
        )
        .await;
    assert_eq!(s, 201, "{weak}");
    let (s, v) = app
        .post(
            &format!("/v2/roles/{}/members", weak["id"].as_str().unwrap()),
            &token,
            &json!({"members": [{"id": inside}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
}

async fn ownership_transfer(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let ann = app.add_user(&owner, "custCreate", "ann@acme.test", 1).await;
    let pending = app.add_user(&owner, "create", "p@acme.test", 1).await;
    let before = roles_snapshot(&app).await;
    for (s, v, code) in [
        {
            let (s, v) = app
                .post(
                    "/v2/roles/0/members",
                    &owner,
                    &json!({"members": [{"id": ann}, {"id": pending}]}),
                )
                .await;
            (s, v, 300)
        },
        {
            let (s, v) = app
                .post(
                    "/v2/roles/0/members",
                    &owner,
                    &json!({"members": [{"id": pending}]}),
                )
                .await;
            (s, v, 300)
        },
        {
            let (s, v) = app
                .post(
                    "/v2/roles/0/members",
                    &owner,
                    &json!({"members": [{"id": acct.owner_id}]}),
                )
                .await;
            (s, v, 200)
        },
    ] {
        assert_zoom_error(s, &v, 400, code);
    }
    assert_eq!(roles_snapshot(&app).await, before);

    let (s, v) = app
        .post(
            "/v2/roles/0/members",
            &owner,
            &json!({"members": [{"id": ann}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    // Exactly one Owner: Ann; the previous Owner is an Admin.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE role_id = '0'")
            .await,
        1
    );
    assert_eq!(role_of(&app, &owner, &ann).await, "0");
    assert_eq!(role_of(&app, &owner, &acct.owner_id).await, "1");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM accounts WHERE owner_id = '{ann}'"
        ))
        .await,
        1
    );
    // The old Owner's app now acts as an Admin: it may no longer grant Admin.
    let (s, v) = app
        .post(
            "/v2/roles/1/members",
            &owner,
            &json!({"members": [{"id": pending}]}),
        )
        .await;
    assert_zoom_error(s, &v, 400, 200);
}

async fn role_refusals_change_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let ann = app.add_user(&owner, "custCreate", "ann@acme.test", 1).await;
    let (_, role) = app
        .post(
            "/v2/roles",
            &owner,
            &json!({"name": "Helpdesk", "privileges": ["User:Read"]}),
        )
        .await;
    let role_id = role["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/v2/roles/{role_id}/members"),
        &owner,
        &json!({"members": [{"id": ann}]}),
    )
    .await;
    let member = app.add_user(&owner, "custCreate", "m@acme.test", 1).await;
    let member_token = app.token_for_user(&acct, "m@acme.test").await;
    let events = app.db.count("events").await;
    let roles = roles_snapshot(&app).await;
    let checks: Vec<((u16, Value), u16, i64)> = vec![
        (
            app.post("/v2/roles", &owner, &json!({"name": "Helpdesk"}))
                .await,
            409,
            1037,
        ),
        (
            app.post("/v2/roles", &owner, &json!({"name": "Admin"}))
                .await,
            409,
            1037,
        ),
        (
            app.patch(
                &format!("/v2/roles/{role_id}"),
                &owner,
                &json!({"name": "Member"}),
            )
            .await,
            409,
            1037,
        ),
        (
            app.post(
                "/v2/roles",
                &owner,
                &json!({"name": "X", "privileges": ["User:Fly"]}),
            )
            .await,
            400,
            300,
        ),
        (
            app.post("/v2/roles", &owner, &json!({"name": ""})).await,
            400,
            300,
        ),
        (
            app.post(
                "/v2/roles",
                &owner,
                &json!({"name": "Y", "group_ids": ["nope"]}),
            )
            .await,
            404,
            4130,
        ),
        (
            app.patch("/v2/roles/1", &owner, &json!({"name": "Boss"}))
                .await,
            400,
            300,
        ),
        (app.delete("/v2/roles/2", &owner).await, 400, 300),
        (
            app.delete(&format!("/v2/roles/{role_id}"), &owner).await,
            400,
            300,
        ),
        (app.get("/v2/roles/nope", &owner).await, 404, 1036),
        (
            app.post(
                "/v2/roles/nope/members",
                &owner,
                &json!({"members": [{"id": member}]}),
            )
            .await,
            404,
            1036,
        ),
        (
            app.post(
                &format!("/v2/roles/{role_id}/members"),
                &owner,
                &json!({"members": [{"id": member}, {"id": "AAAAAAAAAAAAAAAAAAAAAA"}]}),
            )
            .await,
            404,
            1001,
        ),
        (
            app.delete(&format!("/v2/roles/{role_id}/members/{member}"), &owner)
                .await,
            404,
            1001,
        ),
        (app.get("/v2/roles", &member_token).await, 400, 200),
        (
            app.post("/v2/roles", &member_token, &json!({"name": "Mine"}))
                .await,
            400,
            200,
        ),
        (
            app.post(
                "/v2/roles/1/members",
                &member_token,
                &json!({"members": [{"id": member}]}),
            )
            .await,
            400,
            200,
        ),
    ];
    for ((s, v), status, code) in checks {
        assert_zoom_error(s, &v, status, code);
    }
    assert_eq!(app.db.count("events").await, events);
    assert_eq!(roles_snapshot(&app).await, roles);
    assert_eq!(role_of(&app, &owner, &member).await, "2");
    // Emptied, the role may go.
    app.delete(&format!("/v2/roles/{role_id}/members/{ann}"), &owner)
        .await;
    let (s, _) = app.delete(&format!("/v2/roles/{role_id}"), &owner).await;
    assert_eq!(s, 204);
}

both_backends!(
    builtin_roles_and_admins,
    custom_roles_scoped_to_groups,
    ownership_transfer,
    role_refusals_change_nothing,
);
