//! User management → Advanced and Import / export in the portal, over the real server on both
//! stores: counts and seats, account-wide type change and unlink behind a confirm step,
//! defaults and group switches, custom attributes, managed domains, the CSV import's dry run,
//! background run and report, and the export. Every action is checked through /v2 afterwards
//! and every refused input changes nothing.

use super::browser::{hidden, Browser};
use crate::support::{spawn_app, Backend, Created, TestApp};
use serde_json::{json, Value};

const OWNER: &str = "owner@acme.test";

/// The first account through the setup link, its signed-in owner, and a /v2 token for it.
async fn owner(app: &TestApp) -> (Browser, String) {
    let (b, api, _) = owner_of(app).await;
    (b, api)
}

/// [`owner`], with the account's id.
async fn owner_of(app: &TestApp) -> (Browser, String, String) {
    let link = app.setup_link.clone().expect("a setup link");
    let mut b = Browser::new(&app.base);
    let page = b.get(&link).await;
    let token = hidden(&page.body, "token").unwrap();
    let csrf = page.csrf();
    let done = b
        .post(
            "/setup",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("name", "Acme School"),
                ("email", OWNER),
                ("password", "Secret123"),
                ("plan", "business"),
                ("seats", "10"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let db = app.db.open().await;
    let account_id: String = db
        .read()
        .await
        .unwrap()
        .fetch_one("SELECT id FROM accounts", &[])
        .await
        .unwrap();
    db.close().await;
    let acct = Created {
        account_id: account_id.clone(),
        owner_id: String::new(),
        client_id: String::new(),
        client_secret: String::new(),
    };
    let api = app.token_for_user(&acct, OWNER).await;
    (b, api, account_id)
}

async fn user_type(app: &TestApp, api: &str, id: &str) -> i64 {
    let (s, v) = app.get(&format!("/v2/users/{id}"), api).await;
    assert_eq!(s, 200, "{v}");
    v["type"].as_i64().unwrap()
}

async fn changes_and_unlinks_all_of_a_type_after_confirming(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut b, api) = owner(&app).await;
    let ann = app.add_user(&api, "create", "ann@acme.test", 1).await;
    app.add_user(&api, "create", "bo@acme.test", 1).await;

    let page = b.get("/users/advanced").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("id=\"count-type-1\">2<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Licensed"), "{}", page.body);
    let csrf = page.csrf();

    // No form token: refused, nothing changed.
    let forged = b
        .post(
            "/users/advanced/type",
            &[("from", "1"), ("to", "2"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(user_type(&app, &api, &ann).await, 1);

    // The first step only asks, with the count.
    let ask = b
        .post(
            "/users/advanced/type",
            &[("csrf", &csrf), ("from", "1"), ("to", "2")],
        )
        .await;
    assert_eq!(ask.status, 200, "{}", ask.body);
    assert!(ask.body.contains(": 2 users"), "{}", ask.body);
    assert!(
        ask.body.contains("name=\"confirm\" value=\"yes\""),
        "{}",
        ask.body
    );
    assert_eq!(user_type(&app, &api, &ann).await, 1);

    // The same type twice: the service's error in the section, nothing changed.
    let same = b
        .post(
            "/users/advanced/type",
            &[
                ("csrf", &csrf),
                ("from", "1"),
                ("to", "1"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert!(same.body.contains("id=\"note-type\""), "{}", same.body);
    assert!(
        same.body
            .contains("Choose a target different from the source."),
        "{}",
        same.body
    );
    assert_eq!(user_type(&app, &api, &ann).await, 1);

    let done = b
        .post(
            "/users/advanced/type",
            &[
                ("csrf", &csrf),
                ("from", "1"),
                ("to", "2"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert!(done.body.contains("Users changed: 2"), "{}", done.body);
    assert_eq!(user_type(&app, &api, &ann).await, 2);

    // Unlink asks first and says who is never unlinked; pending users and the Owner stay.
    let ask = b
        .post("/users/advanced/unlink", &[("csrf", &csrf), ("type", "2")])
        .await;
    assert!(ask.body.contains("are never unlinked"), "{}", ask.body);
    let done = b
        .post(
            "/users/advanced/unlink",
            &[("csrf", &csrf), ("type", "2"), ("confirm", "yes")],
        )
        .await;
    assert!(done.body.contains("Users unlinked: 0"), "{}", done.body);
    let (_, list) = app.get("/v2/users?status=pending", &api).await;
    assert_eq!(list["total_records"], 2, "{list}");

    // Signed out: to the sign-in page.
    let mut anon = Browser::new(&app.base);
    assert_eq!(
        anon.get("/users/advanced").await.location.as_deref(),
        Some("/signin")
    );
}

async fn sets_defaults_switches_groups_and_manages_attributes_and_domains(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut b, api) = owner(&app).await;
    let (s, g1) = app
        .post("/v2/groups", &api, &json!({"name": "Staff"}))
        .await;
    assert_eq!(s, 201, "{g1}");
    let g1 = g1["id"].as_str().unwrap().to_owned();
    let ann = app.add_user(&api, "create", "ann@acme.test", 1).await;
    let csrf = b.get("/users/advanced").await.csrf();

    // Defaults: an unknown group is refused next to the section and nothing changes.
    let bad = b
        .post(
            "/users/advanced/defaults",
            &[("csrf", &csrf), ("group", "nope")],
        )
        .await;
    assert!(bad.body.contains("id=\"note-defaults\""), "{}", bad.body);
    assert!(
        bad.body.contains("That group does not exist"),
        "{}",
        bad.body
    );
    let (_, d) = app.get("/v2/accounts/me/user_defaults", &api).await;
    assert!(d["group_id"].is_null() || d["group_id"] == "", "{d}");
    let ok = b
        .post(
            "/users/advanced/defaults",
            &[("csrf", &csrf), ("group", &g1)],
        )
        .await;
    assert!(ok.body.contains("Saved."), "{}", ok.body);
    let (_, d) = app.get("/v2/accounts/me/user_defaults", &api).await;
    assert_eq!(d["group_id"], g1.as_str(), "{d}");

    // Switch: no target is refused; users in no group move into Staff.
    let bad = b
        .post(
            "/users/advanced/switch-group",
            &[("csrf", &csrf), ("to", "")],
        )
        .await;
    assert!(bad.body.contains("id=\"note-switch\""), "{}", bad.body);
    let (_, u) = app.get(&format!("/v2/users/{ann}"), &api).await;
    assert_eq!(u["group_ids"], json!([]), "{u}");
    let moved = b
        .post(
            "/users/advanced/switch-group",
            &[("csrf", &csrf), ("to", &g1)],
        )
        .await;
    assert!(moved.body.contains("Users moved:"), "{}", moved.body);
    let (_, u) = app.get(&format!("/v2/users/{ann}"), &api).await;
    assert_eq!(u["group_ids"], json!([g1]), "{u}");

    // Custom attributes: add, a duplicate name refused, rename, delete.
    let attrs = |v: &Value| {
        v["custom_attributes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let added = b
        .post(
            "/users/advanced/attributes",
            &[
                ("csrf", &csrf),
                ("name", "Campus"),
                ("kind", "text"),
                ("allowed", "North, South"),
            ],
        )
        .await;
    assert!(added.body.contains("Saved."), "{}", added.body);
    let dup = b
        .post(
            "/users/advanced/attributes",
            &[("csrf", &csrf), ("name", "campus"), ("kind", "text")],
        )
        .await;
    assert!(
        dup.body.contains("An attribute already has this name"),
        "{}",
        dup.body
    );
    let (_, v) = app.get("/v2/accounts/me/custom_attributes", &api).await;
    let list = attrs(&v);
    assert_eq!(list.len(), 1, "{v}");
    let key = list[0]["key"].as_str().unwrap().to_owned();
    let renamed = b
        .post(
            &format!("/users/advanced/attributes/{key}"),
            &[("csrf", &csrf), ("name", "Site"), ("allowed", "North")],
        )
        .await;
    assert!(renamed.body.contains("Saved."), "{}", renamed.body);
    let (_, v) = app.get("/v2/accounts/me/custom_attributes", &api).await;
    assert_eq!(attrs(&v)[0]["name"], "Site", "{v}");
    let gone = b
        .post(
            &format!("/users/advanced/attributes/{key}/delete"),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(gone.body.contains("Attribute deleted"), "{}", gone.body);
    let (_, v) = app.get("/v2/accounts/me/custom_attributes", &api).await;
    assert!(attrs(&v).is_empty(), "{v}");

    // Managed domains: a bad name refused; added pending with its TXT record; verify fails
    // without the record and leaves it pending; removed.
    let domains = |v: &Value| v["domains"].as_array().cloned().unwrap_or_default();
    let bad = b
        .post(
            "/users/advanced/domains",
            &[("csrf", &csrf), ("domain", "not a domain")],
        )
        .await;
    assert!(bad.body.contains("id=\"note-domains\""), "{}", bad.body);
    let (_, v) = app.get("/v2/accounts/me/managed_domains", &api).await;
    assert!(domains(&v).is_empty(), "{v}");
    let added = b
        .post(
            "/users/advanced/domains",
            &[
                ("csrf", &csrf),
                ("domain", "acme.test"),
                ("default_type", "1"),
            ],
        )
        .await;
    assert!(
        added.body.contains("roster-verification="),
        "{}",
        added.body
    );
    assert!(
        added.body.contains("_roster-verification.acme.test"),
        "{}",
        added.body
    );
    let (_, v) = app.get("/v2/accounts/me/managed_domains", &api).await;
    assert_eq!(domains(&v).len(), 1, "{v}");
    let removed = b
        .post(
            "/users/advanced/domains/acme.test/remove",
            &[("csrf", &csrf)],
        )
        .await;
    assert!(
        removed.body.contains("Domain removed: acme.test"),
        "{}",
        removed.body
    );
    let (_, v) = app.get("/v2/accounts/me/managed_domains", &api).await;
    assert!(domains(&v).is_empty(), "{v}");
}

/// Posts the import form as a browser does (multipart), with `b`'s cookies.
async fn upload(
    app: &TestApp,
    b: &Browser,
    csrf: &str,
    file: &str,
) -> (u16, Option<String>, String) {
    let cookies = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let body = format!(
        "--BoUnD\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--BoUnD\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\ncreate\r\n--BoUnD\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--BoUnD--\r\n"
    );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(app.url("/users/import"))
        .header("cookie", cookies)
        .header("content-type", "multipart/form-data; boundary=BoUnD")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, location, res.text().await.unwrap())
}

async fn imports_csv_with_a_dry_run_progress_and_report_and_exports(backend: Backend) {
    let app = spawn_app(backend).await;
    let (mut b, api) = owner(&app).await;
    let page = b.get("/users/import").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("enctype=\"multipart/form-data\""),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let users = app.db.count("users").await;
    let file =
        "Email,First Name,Last Name,Type\r\nnew1@acme.test,New,One,1\r\nnot-an-email,Bad,Row,1\r\n";

    // Refused uploads change nothing: no token, no file, a file with an unknown column.
    let (s, _, _) = upload(&app, &b, "wrong", file).await;
    assert_eq!(s, 403);
    let (s, _, body) = upload(&app, &b, &csrf, "").await;
    assert_eq!(s, 400);
    assert!(body.contains("Choose a CSV file"), "{body}");
    let (s, _, body) = upload(&app, &b, &csrf, "Nope\r\nx\r\n").await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("id=\"csv-error\""), "{body}");
    assert_eq!(app.db.count("users").await, users);

    // The dry run: a report, nothing written.
    let (s, location, body) = upload(&app, &b, &csrf, file).await;
    assert_eq!(s, 303, "{body}");
    let job = location.unwrap();
    let preview = b.get(&job).await;
    assert!(preview.body.contains("Dry run done"), "{}", preview.body);
    assert!(preview.body.contains("new1@acme.test"), "{}", preview.body);
    assert_eq!(app.db.count("users").await, users);
    let report = b.get(&format!("{job}/report.csv")).await;
    assert!(
        report.body.starts_with("Line,Email,Outcome,Id,Reason"),
        "{}",
        report.body
    );
    assert!(
        report.body.contains("new1@acme.test,created"),
        "{}",
        report.body
    );
    assert!(report.body.contains(",error,"), "{}", report.body);

    // Signed out, the job is not shown.
    let mut anon = Browser::new(&app.base);
    assert_eq!(anon.get(&job).await.location.as_deref(), Some("/signin"));

    // The real run in the background; the page shows progress, then the report.
    let started = b.post(&format!("{job}/run"), &[("csrf", &csrf)]).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let mut last = String::new();
    for _ in 0..100 {
        last = b.get(&job).await.body;
        if last.contains("The import is done.") {
            break;
        }
        assert!(last.contains("<progress"), "{last}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(last.contains("The import is done."), "{last}");
    let (_, list) = app.get("/v2/users?status=pending", &api).await;
    assert!(list.to_string().contains("new1@acme.test"), "{list}");
    // Running it again from the same page is not possible: it is done.
    let again = b.post(&format!("{job}/run"), &[("csrf", &csrf)]).await;
    assert_eq!(again.status, 303);
    assert_eq!(app.db.count("users").await, users + 1);

    // Export: a CSV download of the chosen status; a bad status is refused.
    let export = b.get("/users/export?status=pending").await;
    assert_eq!(export.status, 200);
    assert!(export.body.starts_with("Email,"), "{}", export.body);
    assert!(export.body.contains("new1@acme.test"), "{}", export.body);
    assert_eq!(b.get("/users/export?status=bogus").await.status, 400);
}

async fn members_are_refused_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api, account_id) = owner_of(&app).await;
    app.cli(&["account", "add-domain", &account_id, "acme.test"])
        .await
        .unwrap();
    let (s, v) = app
        .post(
            "/v2/users",
            &api,
            &json!({"action": "autoCreate", "user_info": {"email": "mia@acme.test", "type": 1, "password": "Member123"}}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let mia_id = v["id"].as_str().unwrap().to_owned();
    let mut mia = Browser::new(&app.base);
    let csrf = mia.get("/signin").await.csrf();
    let signed = mia
        .post(
            "/signin",
            &[
                ("csrf", &csrf),
                ("email", "mia@acme.test"),
                ("password", "Member123"),
            ],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let profile = mia.get("/profile").await;
    assert!(
        !profile.body.contains("/users/advanced"),
        "{}",
        profile.body
    );
    let csrf = profile.csrf();
    assert_eq!(mia.get("/users/advanced").await.status, 403);
    assert_eq!(mia.get("/users/import").await.status, 403);
    assert_eq!(mia.get("/users/export?status=active").await.status, 403);
    let tried = mia
        .post(
            "/users/advanced/type",
            &[
                ("csrf", &csrf),
                ("from", "1"),
                ("to", "2"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert!(
        tried.body.contains("You are not allowed to do this."),
        "{}",
        tried.body
    );
    assert_eq!(user_type(&app, &api, &mia_id).await, 1);
    let tried = mia
        .post(
            "/users/advanced/attributes",
            &[("csrf", &csrf), ("name", "Campus"), ("kind", "text")],
        )
        .await;
    assert!(
        tried.body.contains("You are not allowed to do this."),
        "{}",
        tried.body
    );
    let (_, v) = app.get("/v2/accounts/me/custom_attributes", &api).await;
    assert_eq!(
        v["custom_attributes"].as_array().map_or(0, Vec::len),
        0,
        "{v}"
    );
}

both_backends!(
    members_are_refused_and_change_nothing,
    changes_and_unlinks_all_of_a_type_after_confirming,
    sets_defaults_switches_groups_and_manages_attributes_and_domains,
    imports_csv_with_a_dry_run_progress_and_report_and_exports,
);
