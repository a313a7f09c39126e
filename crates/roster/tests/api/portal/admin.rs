//! The admin pages over the real server: Roles (custom roles, members, the owner-only rule for
//! Admin), Groups and chat groups (create, rename, delete, members by email), External
//! contacts (list with shared channels, remove from the account) and the Audit log (date
//! range, category, pages, the viewer's time zone). Every action shows through /v2 afterwards;
//! every bad input shows its error and changes nothing; members are refused.

use super::browser::{hidden, Browser};
use super::{set_up, OWNER};
use crate::support::{spawn_app, Backend, Created, TestApp};
use serde_json::{json, Value};

/// A bearer token acting as `email` of the account set up through the portal.
async fn token_as(app: &TestApp, email: &str) -> String {
    let db = app.db.open().await;
    let account_id: String = db
        .read()
        .await
        .unwrap()
        .fetch_one("SELECT id FROM accounts", &[])
        .await
        .unwrap();
    db.close().await;
    let out = app
        .cli(&[
            "app",
            "create",
            "--account-id",
            &account_id,
            "--user",
            email,
            "--json",
        ])
        .await
        .unwrap();
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    let creds = Created {
        account_id,
        owner_id: String::new(),
        client_id: v["client_id"].as_str().unwrap().to_owned(),
        client_secret: v["client_secret"].as_str().unwrap().to_owned(),
    };
    app.token(&creds).await
}

/// An active user with a password (role `role_id`), signed in to the portal.
async fn signed_in_user(app: &TestApp, token: &str, email: &str, role_id: &str) -> Browser {
    let (s, body) = app
        .post(
            "/v2/users",
            token,
            &json!({"action": "custCreate", "user_info": {"email": email, "type": 1}}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    let (s, body) = app
        .put(
            &format!("/v2/users/{id}/password"),
            token,
            &json!({"password": "Member123"}),
        )
        .await;
    assert_eq!(s, 204, "{body}");
    if role_id != "2" {
        let (s, body) = app
            .post(
                &format!("/v2/roles/{role_id}/members"),
                token,
                &json!({"members": [{"id": id}]}),
            )
            .await;
        assert_eq!(s, 201, "{body}");
    }
    let mut b = Browser::new(&app.base);
    let csrf = b.get("/signin").await.csrf();
    let signed = b
        .post(
            "/signin",
            &[("csrf", &csrf), ("email", email), ("password", "Member123")],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    b
}

async fn user_id(app: &TestApp, email: &str) -> String {
    let db = app.db.open().await;
    let id: String = db
        .read()
        .await
        .unwrap()
        .fetch_one(
            &format!("SELECT id FROM users WHERE email = '{email}'"),
            &[],
        )
        .await
        .unwrap();
    db.close().await;
    id
}

fn role_named<'a>(roles: &'a Value, name: &str) -> Option<&'a Value> {
    roles["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
}

async fn roles_page_creates_edits_assigns_and_deletes(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let token = token_as(&app, OWNER).await;
    app.add_user(&token, "custCreate", "ann@acme.test", 1).await;

    let list = b.get("/roles").await;
    assert_eq!(list.status, 200, "{}", list.body);
    for word in ["Owner", "Admin", "Member", "User:Read", "href=\"/roles\""] {
        assert!(list.body.contains(word), "{word}: {}", list.body);
    }
    let csrf = list.csrf();

    // Bad inputs: each shows next to its field and stores nothing.
    let no_name = b
        .post(
            "/roles",
            &[("csrf", &csrf), ("name", ""), ("privileges", "User:Read")],
        )
        .await;
    assert_eq!(no_name.status, 400, "{}", no_name.body);
    assert!(
        no_name.body.contains("id=\"name-error\""),
        "{}",
        no_name.body
    );
    let bad_privilege = b
        .post(
            "/roles",
            &[
                ("csrf", &csrf),
                ("name", "Helpdesk"),
                ("privileges", "User:Fly"),
            ],
        )
        .await;
    assert_eq!(bad_privilege.status, 400);
    assert!(
        bad_privilege.body.contains("id=\"privileges-error\""),
        "{}",
        bad_privilege.body
    );
    let builtin_name = b
        .post("/roles", &[("csrf", &csrf), ("name", "Admin")])
        .await;
    assert!(
        builtin_name
            .body
            .contains("A role with this name already exists."),
        "{}",
        builtin_name.body
    );
    let no_csrf = b.post("/roles", &[("name", "Helpdesk")]).await;
    assert_eq!(no_csrf.status, 403);
    assert_eq!(app.db.count("roles").await, 0);

    // Create, then see it through /v2.
    let created = b
        .post(
            "/roles",
            &[
                ("csrf", &csrf),
                ("name", "Helpdesk"),
                ("description", "First line"),
                ("privileges", "User:Read"),
                ("privileges", "User:Edit"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let at = created.location.unwrap();
    let id = at
        .trim_start_matches("/roles/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (_, roles) = app.get("/v2/roles", &token).await;
    let r = role_named(&roles, "Helpdesk").unwrap();
    assert_eq!(r["privileges"], json!(["User:Read", "User:Edit"]));
    let page = b.get(&at).await;
    assert!(page.body.contains("The role was created."), "{}", page.body);

    // Edit: a taken name is refused next to the field, nothing changes; then a real edit.
    let (s, body) = app
        .post("/v2/roles", &token, &json!({"name": "Teachers"}))
        .await;
    assert_eq!(s, 201, "{body}");
    let taken = b
        .post(
            &format!("/roles/{id}"),
            &[
                ("csrf", &csrf),
                ("name", "Teachers"),
                ("privileges", "User:Read"),
            ],
        )
        .await;
    assert_eq!(taken.status, 400, "{}", taken.body);
    assert!(taken.body.contains("id=\"name-error\""), "{}", taken.body);
    let (_, r) = app.get(&format!("/v2/roles/{id}"), &token).await;
    assert_eq!(r["name"], "Helpdesk");
    let saved = b
        .post(
            &format!("/roles/{id}"),
            &[
                ("csrf", &csrf),
                ("name", "Support"),
                ("description", "Second line"),
                ("privileges", "User:Read"),
            ],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let (_, r) = app.get(&format!("/v2/roles/{id}"), &token).await;
    assert_eq!(r["name"], "Support");
    assert_eq!(r["privileges"], json!(["User:Read"]));

    // Members: an unknown email refuses all, nothing changes; then Ann gets the role.
    let unknown = b
        .post(
            &format!("/roles/{id}/members"),
            &[
                ("csrf", &csrf),
                ("emails", "ann@acme.test, nobody@acme.test"),
            ],
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body.contains("id=\"member-error\""),
        "{}",
        unknown.body
    );
    let (_, m) = app.get(&format!("/v2/roles/{id}/members"), &token).await;
    assert_eq!(m["total_records"], 0, "{m}");
    let added = b
        .post(
            &format!("/roles/{id}/members"),
            &[("csrf", &csrf), ("emails", "ann@acme.test")],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(added.body.contains("ann@acme.test"), "{}", added.body);
    let (_, m) = app.get(&format!("/v2/roles/{id}/members"), &token).await;
    assert_eq!(m["members"][0]["email"], "ann@acme.test", "{m}");

    // A held role cannot be deleted: the message shows, the role stays.
    let held = b
        .post(&format!("/roles/{id}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(held.status, 400);
    assert!(held.body.contains("id=\"form-error\""), "{}", held.body);
    assert_eq!(app.db.count("roles").await, 2);
    let ann = user_id(&app, "ann@acme.test").await;
    let removed = b
        .post(
            &format!("/roles/{id}/members/{ann}/remove"),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(
        removed.body.contains("The member was removed."),
        "{}",
        removed.body
    );
    let gone = b
        .post(&format!("/roles/{id}/delete"), &[("csrf", &csrf)])
        .await;
    assert!(gone.body.contains("The role was deleted."), "{}", gone.body);
    let (_, roles) = app.get("/v2/roles", &token).await;
    assert!(role_named(&roles, "Support").is_none());
}

async fn only_the_owner_grants_admin_and_members_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let _owner = set_up(&app).await;
    let token = token_as(&app, OWNER).await;
    let mut admin = signed_in_user(&app, &token, "ada@acme.test", "1").await;
    app.add_user(&token, "custCreate", "bo@acme.test", 1).await;

    // An Admin may not grant Admin: the refusal shows as a message and Bo stays a Member.
    let page = admin.get("/roles/1").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.csrf();
    let refused = admin
        .post(
            "/roles/1/members",
            &[("csrf", &csrf), ("emails", "bo@acme.test")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Only the Owner can grant or revoke the Admin role."),
        "{}",
        refused.body
    );
    let (_, bo) = app.get("/v2/users/bo@acme.test", &token).await;
    assert_eq!(bo["role_id"], "2", "{bo}");
    // A member sees no admin entries and is refused every admin page.
    let mut member = signed_in_user(&app, &token, "mo@acme.test", "2").await;
    let profile = member.get("/profile").await;
    for link in ["/roles", "/groups", "/external-contacts", "/audit"] {
        assert!(
            !profile.body.contains(&format!("href=\"{link}\"")),
            "{link} shown to a member"
        );
        assert_eq!(member.get(link).await.status, 403, "{link}");
    }
    let csrf = profile.csrf();
    let denied = member
        .post(
            "/groups",
            &[("csrf", &csrf), ("kind", "settings"), ("name", "Mine")],
        )
        .await;
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert_eq!(app.db.count("groups").await, 0);
}

async fn groups_pages_manage_groups_and_members(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let token = token_as(&app, OWNER).await;
    app.add_user(&token, "custCreate", "ann@acme.test", 1).await;
    app.add_user(&token, "custCreate", "bob@acme.test", 1).await;

    for (kind, api) in [("settings", "/v2/groups"), ("chat", "/v2/im/groups")] {
        let list = b.get(&format!("/groups?kind={kind}")).await;
        assert_eq!(list.status, 200, "{}", list.body);
        let csrf = list.csrf();
        let empty = b
            .post("/groups", &[("csrf", &csrf), ("kind", kind), ("name", " ")])
            .await;
        assert_eq!(empty.status, 400);
        assert!(empty.body.contains("id=\"name-error\""), "{}", empty.body);
        assert_eq!(app.db.count("groups").await, 0, "{kind}");

        let created = b
            .post(
                "/groups",
                &[("csrf", &csrf), ("kind", kind), ("name", "Teachers")],
            )
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
        let at = created.location.unwrap();
        let id = at
            .rsplit('/')
            .next()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let again = b
            .post(
                "/groups",
                &[("csrf", &csrf), ("kind", kind), ("name", "Teachers")],
            )
            .await;
        assert!(
            again
                .body
                .contains("A group with this name already exists."),
            "{}",
            again.body
        );
        let (_, groups) = app.get(api, &token).await;
        assert_eq!(groups["groups"].as_array().unwrap().len(), 1, "{groups}");

        let base = format!("/groups/{kind}/{id}");
        let page = b.get(&at).await;
        assert!(
            page.body.contains("The group was created."),
            "{}",
            page.body
        );
        let renamed = b
            .post(
                &format!("{base}/rename"),
                &[("csrf", &csrf), ("name", "Staff")],
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.body);
        let (_, g) = app.get(&format!("{api}/{id}"), &token).await;
        assert_eq!(g["name"], "Staff", "{g}");

        // An unknown email refuses the whole list: nobody added.
        let unknown = b
            .post(
                &format!("{base}/members"),
                &[("csrf", &csrf), ("emails", "ann@acme.test,ghost@acme.test")],
            )
            .await;
        assert_eq!(unknown.status, 400);
        assert!(
            unknown.body.contains("id=\"member-error\""),
            "{}",
            unknown.body
        );
        let (_, m) = app.get(&format!("{api}/{id}/members"), &token).await;
        assert_eq!(m["total_records"], 0, "{m}");

        let added = b
            .post(
                &format!("{base}/members"),
                &[("csrf", &csrf), ("emails", "ann@acme.test, bob@acme.test")],
            )
            .await;
        assert!(added.body.contains("bob@acme.test"), "{}", added.body);
        let (_, m) = app.get(&format!("{api}/{id}/members"), &token).await;
        assert_eq!(m["total_records"], 2, "{m}");
        let list = b.get(&format!("/groups?kind={kind}")).await;
        assert!(list.body.contains("<td>2</td>"), "{}", list.body);

        let ann = user_id(&app, "ann@acme.test").await;
        b.post(&format!("{base}/members/{ann}/remove"), &[("csrf", &csrf)])
            .await;
        let (_, m) = app.get(&format!("{api}/{id}/members"), &token).await;
        assert_eq!(m["total_records"], 1, "{m}");

        let deleted = b.post(&format!("{base}/delete"), &[("csrf", &csrf)]).await;
        assert!(
            deleted.body.contains("The group was deleted."),
            "{}",
            deleted.body
        );
        let (_, groups) = app.get(api, &token).await;
        assert_eq!(groups["groups"].as_array().unwrap().len(), 0, "{groups}");
    }
    assert_eq!(b.get("/groups?kind=nope").await.status, 404);
}

async fn external_contacts_are_listed_and_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let token = token_as(&app, OWNER).await;
    app.add_user(&token, "custCreate", "ann@acme.test", 1).await;
    let ann_t = token_as(&app, "ann@acme.test").await;
    app.create_account("Else", "zoe@else.test", &["--plan", "business"])
        .await;
    let (s, body) = app
        .post(
            "/v2/chat/users/me/contacts",
            &ann_t,
            &json!({"email": "zoe@else.test", "first_name": "Zoe"}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let (s, body) = app
        .post(
            "/v2/chat/users/me/channels",
            &ann_t,
            &json!({"name": "Project", "members": [{"email": "zoe@else.test"}]}),
        )
        .await;
    assert_eq!(s, 201, "{body}");

    let page = b.get("/external-contacts").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("zoe@else.test"), "{}", page.body);
    assert!(
        page.body.contains("<td>1</td>"),
        "shared channels: {}",
        page.body
    );
    let csrf = page.csrf();
    let filtered = b.get("/external-contacts?user=nobody%40acme.test").await;
    assert_eq!(filtered.status, 400);
    assert!(
        filtered.body.contains("id=\"user-error\""),
        "{}",
        filtered.body
    );

    // Not an external contact: the message shows and nothing changes.
    let bad = b
        .post(
            "/external-contacts/remove",
            &[("csrf", &csrf), ("email", "ann@acme.test")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body
            .contains("This is not an external contact of the account."),
        "{}",
        bad.body
    );
    let (_, list) = app.get("/v2/chat/external_contacts", &token).await;
    assert_eq!(list["total_records"], 1, "{list}");

    let removed = b
        .post(
            "/external-contacts/remove",
            &[("csrf", &csrf), ("email", "zoe@else.test")],
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert!(
        removed.body.contains("Removed from the account"),
        "{}",
        removed.body
    );
    let (_, list) = app.get("/v2/chat/external_contacts", &token).await;
    assert_eq!(list["total_records"], 0, "{list}");
}

async fn audit_log_filters_pages_and_uses_the_viewers_time_zone(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let token = token_as(&app, OWNER).await;
    let (s, body) = app
        .patch("/v2/users/me", &token, &json!({"timezone": "Asia/Tokyo"}))
        .await;
    assert!(s == 204 || s == 200, "{s} {body}");
    for i in 0..55 {
        let (s, body) = app
            .post("/v2/groups", &token, &json!({"name": format!("G{i:02}")}))
            .await;
        assert_eq!(s, 201, "{body}");
    }
    let (s, body) = app
        .post(
            "/v2/roles",
            &token,
            &json!({"name": "Auditor", "privileges": ["AuditLog:Read"]}),
        )
        .await;
    assert_eq!(s, 201, "{body}");

    let all = b.get("/audit").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(all.body.contains("role.created"), "{}", all.body);
    assert!(all.body.contains("Asia/Tokyo"), "{}", all.body);
    assert!(all.body.contains(" JST</td>"), "{}", all.body);
    let next = all
        .body
        .split("href=\"")
        .find(|p| p.starts_with("/audit?") && p.contains("after="))
        .map(|p| p.split('"').next().unwrap().replace("&amp;", "&"))
        .expect("a next page link");
    let second = b.get(&next).await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert!(second.body.contains("group.created"), "{}", second.body);

    let roles = b.get("/audit?category=role").await;
    assert!(roles.body.contains("role.created"), "{}", roles.body);
    assert!(!roles.body.contains("group.created"), "{}", roles.body);
    let (_, api) = app
        .get("/v2/report/operationlogs?category_type=role", &token)
        .await;
    assert_eq!(api["operation_logs"].as_array().unwrap().len(), 1, "{api}");

    let bad = b.get("/audit?from=2026-13-01").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"audit-error\""), "{}", bad.body);
    assert!(bad.body.contains("aria-invalid"), "{}", bad.body);
    let reversed = b.get("/audit?from=2026-12-02&to=2026-01-01").await;
    assert_eq!(reversed.status, 400);
    let future = b.get("/audit?from=2000-01-01&to=2000-01-02").await;
    assert!(
        future.body.contains("Nothing was logged"),
        "{}",
        future.body
    );
    assert!(hidden(&all.body, "csrf").is_some());
}

both_backends!(
    roles_page_creates_edits_assigns_and_deletes,
    only_the_owner_grants_admin_and_members_are_refused,
    groups_pages_manage_groups_and_members,
    external_contacts_are_listed_and_removed,
    audit_log_filters_pages_and_uses_the_viewers_time_zone,
);
