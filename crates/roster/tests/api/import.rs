//! CSV import and export: created / updated / unchanged / error rows, dry runs, whole-file
//! refusals (seats, encoding, malformed files, unknown columns) that store nothing, formula
//! escaping, the round trip, the CLI, and a server killed mid-import.

use crate::support::{assert_zoom_error, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

/// POSTs a CSV body to the import; returns the status and the JSON answer.
pub(crate) async fn import(app: &TestApp, token: &str, query: &str, csv: &[u8]) -> (u16, Value) {
    import_as(app, token, query, Some("text/csv"), csv.to_vec()).await
}

/// `POST /v2/users/import` with this content type (none: no header) and body.
async fn import_as(
    app: &TestApp,
    token: &str,
    query: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut req = app
        .client
        .post(app.url(&format!("/v2/users/import{query}")))
        .bearer_auth(token);
    if let Some(t) = content_type {
        req = req.header("content-type", t);
    }
    let res = req.body(body).send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

/// The account's custom attribute `campus` (text).
async fn define_campus(app: &TestApp, token: &str) {
    let (s, v) = app
        .post(
            "/v2/accounts/me/custom_attributes",
            token,
            &json!({"name": "campus", "type": "text"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
}

/// The account's custom attribute `cost` (a number), which the files below set.
async fn define_cost(app: &TestApp, token: &str) {
    let (s, v) = app
        .post(
            "/v2/accounts/me/custom_attributes",
            token,
            &serde_json::json!({"name": "cost", "type": "number"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
}

async fn text(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn outcomes(v: &Value) -> Vec<(u64, String, String)> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["outcome"].as_str().unwrap().to_owned(),
                r["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const MIXED: &str = "Email,First Name,Last Name,Type,Department,Group,Role,Custom Attributes
new1@acme.test,Ann,Lee,Licensed,Math,Staff,Member,cost=42
old@acme.test,Oldie,,,,,,
owner@acme.test,,,,,,,
bad-email,,,,,,,
NEW1@acme.test,Dup,,,,,,
x@acme.test,,,Gold,,,,
y@acme.test,,,,,Nope,,
z@acme.test,Zed,,,,,Admin,
";

async fn creates_updates_and_reports_each_row(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    define_cost(&app, &token).await;
    app.post("/v2/groups", &token, &json!({"name": "Staff"}))
        .await;
    app.add_user(&token, "custCreate", "old@acme.test", 1).await;
    let users_before = app.db.count("users").await;

    let (s, v) = import(&app, &token, "", MIXED.as_bytes()).await;
    assert_eq!(s, 200, "{v}");
    let o = outcomes(&v);
    let kinds: Vec<&str> = o.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "updated",
            "unchanged",
            "error",
            "error",
            "error",
            "error",
            "created"
        ],
        "{v}"
    );
    assert_eq!(o[0].0, 2, "line numbers count the header");
    assert!(o[3].2.contains("not a valid email"), "{v}");
    assert!(
        o[4].2.contains("line 2"),
        "duplicate names the first line: {v}"
    );
    assert!(o[5].2.contains("Gold"), "{v}");
    assert!(o[6].2.contains("Nope"), "{v}");
    assert_eq!(
        (&v["created"], &v["updated"], &v["unchanged"], &v["errors"]),
        (&json!(2), &json!(1), &json!(1), &json!(4))
    );
    assert_eq!(app.db.count("users").await, users_before + 2);

    // The new users are invitations (pending), with their columns.
    let (_, u) = app.get("/v2/users/new1@acme.test", &token).await;
    assert_eq!(u["status"], "pending");
    assert_eq!(u["type"], 2);
    assert_eq!(u["dept"], "Math");
    assert_eq!(u["display_name"], "Ann Lee");
    assert_eq!(u["group_ids"].as_array().unwrap().len(), 1);
    assert_eq!(u["custom_attributes"][0]["name"], "cost");
    assert_eq!(u["custom_attributes"][0]["value"], "42");
    let (_, z) = app.get("/v2/users/z@acme.test", &token).await;
    assert_eq!(z["role_id"], "1", "the Owner may grant Admin");
    let (_, old) = app.get("/v2/users/old@acme.test", &token).await;
    assert_eq!(old["first_name"], "Oldie");
    assert_eq!(app.db.count("invitations").await, 2);
    assert_eq!(
        app.db
            .count("events WHERE type = 'user.created' AND payload LIKE '%\"creation_type\":\"create\"%'")
            .await,
        2
    );
    assert_eq!(
        app.db
            .count("events WHERE type = 'user.updated' AND payload LIKE '%Oldie%'")
            .await,
        1
    );

    // The same file again: nothing new, and the report as CSV.
    let res = app
        .client
        .post(app.url("/v2/users/import"))
        .bearer_auth(&token)
        .header("accept", "text/csv")
        .body(MIXED)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let report = res.text().await.unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "Line,Email,Outcome,Id,Reason");
    assert!(
        lines[1].starts_with("2,new1@acme.test,unchanged,"),
        "{report}"
    );
    assert!(
        lines[2].starts_with("3,old@acme.test,unchanged,"),
        "{report}"
    );
    assert!(lines[4].starts_with("5,bad-email,error,,"), "{report}");
    assert_eq!(app.db.count("users").await, users_before + 2);
}

async fn dry_run_stores_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    define_cost(&app, &token).await;
    app.post("/v2/groups", &token, &json!({"name": "Staff"}))
        .await;
    app.add_user(&token, "custCreate", "old@acme.test", 1).await;
    let (users, events, mail) = (
        app.db.count("users").await,
        app.db.count("events").await,
        app.db.count("mail_outbox").await,
    );
    let (s, v) = import(&app, &token, "?dry_run=true", MIXED.as_bytes()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["dry_run"], true);
    assert_eq!(
        (&v["created"], &v["updated"], &v["unchanged"], &v["errors"]),
        (&json!(2), &json!(1), &json!(1), &json!(4))
    );
    assert_eq!(app.db.count("users").await, users);
    assert_eq!(app.db.count("events").await, events);
    assert_eq!(app.db.count("mail_outbox").await, mail);
    let (_, old) = app.get("/v2/users/old@acme.test", &token).await;
    assert_eq!(old["first_name"], "", "not updated");
    // Existing users are reported with their ids; users not created yet with none.
    let ids: Vec<(&str, &Value)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["outcome"].as_str().unwrap(), &r["id"]))
        .collect();
    for (outcome, id) in ids {
        match outcome {
            "created" | "error" => assert!(id.is_null(), "{outcome}: {id}"),
            _ => assert!(id.is_string(), "{outcome}: {id}"),
        }
    }
    assert_eq!(v["rows"][1]["id"], old["id"]);
}

async fn overselling_refuses_the_whole_file(b: Backend) {
    let app = spawn_app(b).await;
    let acct = app
        .create_account(
            "Small",
            "o@small.test",
            &["--plan", "pro", "--licensed-seats", "2"],
        )
        .await;
    let token = app.token(&acct).await;
    let users = app.db.count("users").await;
    let used = app
        .scalar("SELECT licensed_used FROM accounts WHERE name = 'Small'")
        .await;
    let csv = "email,type\na@small.test,Basic\nb@small.test,Licensed\nc@small.test,Licensed\nd@small.test,Licensed\n";
    let (s, v) = import(&app, &token, "", csv.as_bytes()).await;
    assert_zoom_error(s, &v, 400, 3412);
    let free = 2 - used;
    assert!(
        v["message"].as_str().unwrap().starts_with(&format!(
            "This file needs 3 Licensed seats and the account has {free} free, so nothing was \
             imported"
        )),
        "{v}"
    );
    assert_eq!(app.db.count("users").await, users, "nothing was written");
    assert_eq!(
        app.scalar("SELECT licensed_used FROM accounts WHERE name = 'Small'")
            .await,
        used
    );
    // What fits is imported.
    let csv = "email,type\nb@small.test,Licensed\n";
    let (s, v) = import(&app, &token, "", csv.as_bytes()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["created"], 1);
}

async fn bom_semicolons_crlf_quotes_and_auto_create(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    app.cli(&["account", "add-domain", &acct.account_id, "acme.test"])
        .await
        .unwrap();
    let mut csv = b"\xEF\xBB\xBF E-mail ; FIRST name;Job_Title\r\n".to_vec();
    csv.extend_from_slice(
        b"\"ann@acme.test\";\"Ann; the \"\"first\"\"\";\"Head of Maths, \"\"Senior\"\"\"\r\n",
    );
    csv.extend_from_slice(b"bob@elsewhere.test;Bob;\r\n");
    let (s, v) = import(&app, &token, "?mode=autoCreate", &csv).await;
    assert_eq!(s, 200, "{v}");
    let o = outcomes(&v);
    assert_eq!(o[0].1, "created", "{v}");
    assert_eq!(o[1].0, 3, "{v}");
    assert_eq!(o[1].1, "error");
    assert!(o[1].2.contains("managed domains"), "{v}");
    let (_, u) = app.get("/v2/users/ann@acme.test", &token).await;
    assert_eq!(u["status"], "active", "autoCreate adds active users");
    assert_eq!(u["first_name"], "Ann; the \"first\"");
    assert_eq!(u["job_title"], "Head of Maths, \"Senior\"");
    assert_eq!(
        u["login_types"],
        json!([]),
        "no password: never a hash per row"
    );
    assert_eq!(
        app.db
            .count("events WHERE payload LIKE '%\"creation_type\":\"autoCreate\"%'")
            .await,
        1
    );
    assert_eq!(app.db.count("mail_outbox").await, 0, "no invitation mail");
}

async fn bad_files_are_refused_and_store_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let users = app.db.count("users").await;
    let events = app.db.count("events").await;
    let cases: [(&[u8], &str); 7] = [
        (b"email,first name\na@acme.test,\xff\xfeAnn\n", "line 2"),
        (
            b"email,first name\na@acme.test,A\nb@acme.test,B,extra\n",
            "line 3: this row has 3 cells but the header has 2 columns",
        ),
        (
            b"email,first name\na@acme.test,\"Ann\nb@acme.test,Bob\n",
            "line 2: a quoted cell runs on over the next lines: a closing \" is missing",
        ),
        (
            b"email,shoe size,Favourite Colour\na@acme.test,9,red\n",
            "\"shoe size\", \"Favourite Colour\"",
        ),
        (b"", "empty"),
        (b"first name\nAnn\n", "no Email column"),
        (b"\xFF\xFEe\x00m\x00", "UTF-16"),
    ];
    for (body, says) in cases {
        let (s, v) = import(&app, &token, "", body).await;
        assert_zoom_error(s, &v, 400, 300);
        let message = v["message"].as_str().unwrap();
        assert!(message.contains(says), "{message} should say {says}");
    }
    let (s, v) = import(&app, &token, "?mode=ssoCreate", b"email\na@acme.test\n").await;
    assert_zoom_error(s, &v, 400, 300);
    assert_eq!(app.db.count("users").await, users);
    assert_eq!(app.db.count("events").await, events);
}

async fn emails_of_other_accounts_are_error_rows(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    app.create_account("Other", "boss@other.test", &[]).await;
    let (s, v) = import(
        &app,
        &token,
        "",
        b"email,first name\nboss@other.test,Stolen\nfine@acme.test,Fine\n",
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let o = outcomes(&v);
    assert_eq!(o[0].1, "error");
    assert!(o[0].2.contains("another account"), "{v}");
    assert_eq!(o[1].1, "created");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE first_name = 'Stolen'")
            .await,
        0
    );
}

async fn privileges_and_role_rules_hold(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let admin_id = app
        .add_user(&token, "custCreate", "admin@acme.test", 1)
        .await;
    app.add_user(&token, "custCreate", "member@acme.test", 1)
        .await;
    let (s, v) = app
        .post(
            "/v2/roles/1/members",
            &token,
            &json!({"members": [{"id": admin_id}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let member = app.token_for_user(&acct, "member@acme.test").await;
    let (s, v) = import(&app, &member, "", b"email\nx@acme.test\n").await;
    assert_zoom_error(s, &v, 400, 200);
    let (s, v) = text(&app, &member, "/v2/users/export").await;
    assert_eq!(s, 400, "{v}");

    // An Admin may not grant Admin, nor change the Owner.
    let admin = app.token_for_user(&acct, "admin@acme.test").await;
    let (s, v) = import(
        &app,
        &admin,
        "",
        b"email,role,first name\nmember@acme.test,Admin,\nowner@acme.test,,Renamed\nnew@acme.test,Admin,\n",
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let o = outcomes(&v);
    assert_eq!(o[0].1, "error", "{v}");
    assert!(o[0].2.contains("Only the Owner"), "{v}");
    assert_eq!(o[1].1, "error", "{v}");
    assert_eq!(o[2].1, "error", "{v}");
    let (_, m) = app.get("/v2/users/member@acme.test", &token).await;
    assert_eq!(m["role_id"], "2");
}

async fn export_escapes_formulas_and_round_trips(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    define_cost(&app, &token).await;
    let (_, g) = app
        .post("/v2/groups", &token, &json!({"name": "Staff"}))
        .await;
    let id = app.add_user(&token, "custCreate", "eve@acme.test", 2).await;
    let (s, v) = app
        .patch(
            &format!("/v2/users/{id}"),
            &token,
            &json!({"first_name": "=HYPERLINK(\"x\")", "last_name": "@sum", "dept": "-5", "job_title": "+1",
                    "group_id": g["id"],
                    "custom_attributes": [{"key": "cost", "name": "Cost", "value": "7"}]}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    app.add_user(&token, "create", "pending@acme.test", 1).await;

    let (s, csv) = text(&app, &token, "/v2/users/export").await;
    assert_eq!(s, 200, "{csv}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "Email,First Name,Last Name,Type,Department,Job Title,Location,Manager,Group,Role,Custom Attributes"
    );
    let eve = lines.iter().find(|l| l.starts_with("eve@")).unwrap();
    assert_eq!(
        *eve,
        "eve@acme.test,\"'=HYPERLINK(\"\"x\"\")\",'@sum,Licensed,'-5,'+1,,,Staff,Member,cost=7"
    );
    assert!(!csv.contains("pending@acme.test"), "active users only");
    let (_, pending) = text(&app, &token, "/v2/users/export?status=pending").await;
    assert!(pending.contains("pending@acme.test,"), "{pending}");
    let (s, v) = text(&app, &token, "/v2/users/export?status=gone").await;
    assert_eq!(s, 400, "{v}");

    // Re-imported, the export changes nothing.
    let events = app.db.count("events").await;
    let (s, v) = import(&app, &token, "", csv.as_bytes()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["unchanged"], 2, "{v}");
    assert_eq!(v["total_rows"], 2, "{v}");
    assert_eq!(app.db.count("events").await, events);
}

async fn cli_imports_with_a_report_and_exports(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.csv");
    std::fs::write(&file, "email,first name\nc1@acme.test,C\nnope,\n").unwrap();
    let report = dir.path().join("report.csv");
    let out = app
        .cli(&[
            "users",
            "import",
            file.to_str().unwrap(),
            "--account-id",
            &acct.account_id,
            "--report",
            report.to_str().unwrap(),
        ])
        .await
        .unwrap();
    assert!(
        out.contains("2 rows: 1 created, 0 updated, 0 unchanged, 1 errors"),
        "{out}"
    );
    let r = std::fs::read_to_string(&report).unwrap();
    assert!(
        r.starts_with("Line,Email,Outcome,Id,Reason\n2,c1@acme.test,created,"),
        "{r}"
    );
    assert!(r.contains("3,nope,error,,"), "{r}");
    let (_, u) = app.get("/v2/users/c1@acme.test", &token).await;
    assert_eq!(u["status"], "pending");
    assert_eq!(
        app.db
            .count("events WHERE type = 'user.created' AND actor = 'operator'")
            .await,
        1
    );

    let out_file = dir.path().join("out.csv");
    app.cli(&[
        "users",
        "export",
        "--account-id",
        &acct.account_id,
        "--status",
        "pending",
        "--out",
        out_file.to_str().unwrap(),
    ])
    .await
    .unwrap();
    let exported = std::fs::read_to_string(&out_file).unwrap();
    assert!(exported.contains("c1@acme.test,C,,Basic"), "{exported}");
    let err = app
        .cli(&[
            "users",
            "import",
            "/nonexistent.csv",
            "--account-id",
            &acct.account_id,
        ])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no such file"), "{err}");
}

async fn group_scoped_roles_and_the_payment_gate(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, owner) = app.account_with_token().await;
    let (_, staff) = app
        .post("/v2/groups", &owner, &json!({"name": "Staff"}))
        .await;
    let (_, other) = app
        .post("/v2/groups", &owner, &json!({"name": "Other"}))
        .await;
    for (email, group) in [("s@acme.test", &staff), ("o@acme.test", &other)] {
        let id = app.add_user(&owner, "custCreate", email, 1).await;
        app.patch(
            &format!("/v2/users/{id}"),
            &owner,
            &json!({"group_id": group["id"]}),
        )
        .await;
    }
    app.add_user(&owner, "custCreate", "head@acme.test", 1)
        .await;
    let (_, role) = app
        .post(
            "/v2/roles",
            &owner,
            &json!({"name": "Staff desk", "privileges": ["User:Read", "User:Add", "User:Edit"],
                    "group_ids": [staff["id"]]}),
        )
        .await;
    let (s, v) = app
        .post(
            &format!("/v2/roles/{}/members", role["id"].as_str().unwrap()),
            &owner,
            &json!({"members": [{"email": "head@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let head = app.token_for_user(&acct, "head@acme.test").await;
    let (s, v) = import(
        &app,
        &head,
        "",
        b"email,group,first name\nnew1@acme.test,Staff,A\nnew2@acme.test,,B\no@acme.test,,Renamed\ns@acme.test,,Renamed\n",
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let kinds: Vec<String> = outcomes(&v).into_iter().map(|(_, k, _)| k).collect();
    assert_eq!(kinds, ["created", "error", "error", "updated"], "{v}");
    let (_, o) = app.get("/v2/users/o@acme.test", &owner).await;
    assert_eq!(o["first_name"], "", "outside the role's groups");
    let (s, csv) = text(&app, &head, "/v2/users/export").await;
    assert_eq!(s, 200, "{csv}");
    assert!(
        csv.contains("s@acme.test,") && !csv.contains("o@acme.test"),
        "{csv}"
    );

    // A free account without a verified payment method manages no users, by file either.
    let free = app.create_account("Free", "f@free.test", &[]).await;
    let token = app.token(&free).await;
    let (s, v) = import(&app, &token, "", b"email\nn@free.test\n").await;
    assert_zoom_error(s, &v, 400, 200);
    assert!(
        v["message"].as_str().unwrap().contains("verify-payment"),
        "{v}"
    );
}

async fn managed_domain_defaults_apply_to_new_rows(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    let (_, g) = app
        .post("/v2/groups", &token, &serde_json::json!({"name": "Staff"}))
        .await;
    let staff = g["id"].as_str().unwrap().to_owned();
    app.cli(&[
        "account",
        "domain",
        "add",
        &acct.account_id,
        "acme.test",
        "--verified",
        "--default-type",
        "2",
        "--default-group",
        &staff,
    ])
    .await
    .unwrap();
    let csv = b"Email,Type\nlic@acme.test,\nbasic@acme.test,Basic\nout@other.test,\n";
    let (s, report) = import(&app, &token, "?mode=create", csv).await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["created"], 3, "{report}");
    let (_, u) = app.get("/v2/users/lic@acme.test", &token).await;
    assert_eq!(
        (u["type"].as_i64(), u["group_ids"][0].as_str()),
        (Some(2), Some(staff.as_str()))
    );
    let (_, u) = app.get("/v2/users/basic@acme.test", &token).await;
    assert_eq!(u["type"], 1, "the row's own type wins");
    let (_, u) = app.get("/v2/users/out@other.test", &token).await;
    assert_eq!(
        (u["type"].as_i64(), u["group_ids"].as_array().map(Vec::len)),
        (Some(1), Some(0))
    );
}

/// An email of the Owner of a single-person standalone account is an invitation to join, as in
/// `POST /v2/users`: counted by the seat check and the dry run, refused in `autoCreate`.
async fn standalone_owners_are_invited_to_join(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    // Unlinking gives the user a standalone account of their own.
    let leaver = app
        .add_user(&token, "custCreate", "leaver@acme.test", 1)
        .await;
    let (s, _) = app.delete(&format!("/v2/users/{leaver}"), &token).await;
    assert_eq!(s, 204);
    let beta = app
        .create_account(
            "Beta Clinic",
            "owner@beta.test",
            &["--plan", "business", "--licensed-seats", "2"],
        )
        .await;
    let token_b = app.token(&beta).await;
    app.add_user(&token_b, "custCreate", "taken@beta.test", 2)
        .await;
    let counts = || async {
        (
            app.db.count("users").await,
            app.db.count("events").await,
            app.db.count("mail_outbox").await,
            app.db.count("invitations").await,
        )
    };
    let before = counts().await;

    // Two Licensed rows where one seat is free: the join counts, the whole file is refused.
    let file = b"email,type\nleaver@acme.test,Licensed\nnew@beta.test,Licensed\n";
    let (s, v) = import(&app, &token_b, "", file).await;
    assert_zoom_error(s, &v, 400, 3412);
    assert_eq!(counts().await, before);

    let file = b"email,first name\nleaver@acme.test,\nnew@beta.test,New\n";
    let (s, v) = import(&app, &token_b, "?dry_run=true", file).await;
    assert_eq!(s, 200, "{v}");
    let o = outcomes(&v);
    assert_eq!(
        (o[0].1.as_str(), o[1].1.as_str()),
        ("invited_to_join", "created")
    );
    assert_eq!(
        (&v["invited_to_join"], &v["created"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(counts().await, before);

    // autoCreate cannot invite anyone to join (and leaver@acme.test is on no managed domain).
    let (s, v) = import(
        &app,
        &token_b,
        "?mode=autoCreate",
        b"email\nleaver@acme.test\n",
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(outcomes(&v)[0].1, "error", "{v}");
    assert_eq!(counts().await, before);

    let (s, v) = import(&app, &token_b, "", file).await;
    assert_eq!(s, 200, "{v}");
    let o = outcomes(&v);
    assert_eq!(
        (o[0].1.as_str(), o[1].1.as_str()),
        ("invited_to_join", "created")
    );
    let placeholder = v["rows"][0]["id"].as_str().unwrap();
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE id = '{placeholder}' AND joins_user_id = '{leaver}' \
             AND status = 'pending' AND email = 'leaver@acme.test'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'leaver@acme.test' AND kind = 'join'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM events WHERE type = 'user.created' AND target = '{placeholder}'"
        ))
        .await,
        1
    );
    // Running the file again changes nothing: the invitation is there.
    let (s, v) = import(&app, &token_b, "", file).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (&v["unchanged"], &v["invited_to_join"]),
        (&json!(2), &json!(0)),
        "{v}"
    );
}

/// Imported users' attribute values are written by the store's batch insert (not a trigger,
/// since migration 27): sorting and filtering by an attribute find them at once.
async fn imported_attribute_values_sort_and_filter(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    define_cost(&app, &token).await;
    define_campus(&app, &token).await;
    let csv = "Email,Custom Attributes\n\
               a@acme.test,cost=10;campus=North\n\
               b@acme.test,cost=9.5\n\
               c@acme.test,cost=-2;campus=South\n\
               d@acme.test,campus=North\n";
    let (s, v) = import(&app, &token, "", csv.as_bytes()).await;
    assert_eq!((s, &v["created"]), (200, &json!(4)), "{v}");
    assert_eq!(
        app.db.count("user_attribute_values").await,
        6,
        "one row per value set"
    );

    let emails = |v: &Value| -> Vec<String> {
        v["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect()
    };
    let (s, v) = app
        .get(
            "/v2/users?status=pending&sort_by_custom_attribute=cost",
            &token,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        emails(&v),
        ["c@acme.test", "b@acme.test", "a@acme.test", "d@acme.test"],
        "numbers sort as numbers, users without a value last: {v}"
    );
    let (_, v) = app
        .get(
            "/v2/users?status=pending&custom_attribute=campus&custom_attribute_value=North",
            &token,
        )
        .await;
    assert_eq!(emails(&v), ["a@acme.test", "d@acme.test"], "{v}");

    // A later change goes through the update trigger, as before.
    let (s, v) = import(
        &app,
        &token,
        "",
        b"Email,Custom Attributes\nd@acme.test,cost=1\n",
    )
    .await;
    assert_eq!((s, &v["updated"]), (200, &json!(1)), "{v}");
    let (_, v) = app
        .get(
            "/v2/users?status=pending&sort_by_custom_attribute=cost",
            &token,
        )
        .await;
    assert_eq!(
        emails(&v),
        ["c@acme.test", "d@acme.test", "b@acme.test", "a@acme.test"],
        "{v}"
    );
}

/// Filtering by a number attribute finds every user with the value, page after page and in
/// the count, whether an import wrote the value (the store's batch insert) or a change did
/// (the update trigger): both convert the text to a number in the database, and SQLite's
/// conversion differs from Rust's in the last bit for values such as these.
async fn attribute_filters_find_every_writer_s_values(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    define_cost(&app, &token).await;
    let tricky = [
        "43.8027091729336",
        "-6.974726262892466",
        "-0.004801983966795442",
    ];
    let mut csv = String::from("Email,Custom Attributes\n");
    for (i, value) in tricky.iter().enumerate() {
        for n in 0..3 {
            csv.push_str(&format!("v{i}-{n}@acme.test,cost={value}\n"));
        }
        // Imported without a value; given one below, by an update.
        csv.push_str(&format!("v{i}-late@acme.test,\n"));
    }
    csv.push_str("other@acme.test,cost=7\n");
    let (s, v) = import(&app, &token, "", csv.as_bytes()).await;
    assert_eq!((s, &v["created"]), (200, &json!(13)), "{v}");
    let mut update = String::from("Email,Custom Attributes\n");
    for (i, value) in tricky.iter().enumerate() {
        update.push_str(&format!("v{i}-late@acme.test,cost={value}\n"));
    }
    let (s, v) = import(&app, &token, "", update.as_bytes()).await;
    assert_eq!((s, &v["updated"]), (200, &json!(3)), "{v}");

    for (i, value) in tricky.iter().enumerate() {
        let query = format!(
            "status=pending&custom_attribute=cost&custom_attribute_value={value}&page_size=3"
        );
        let seen = app.user_emails_by_pages(&token, &query, 4).await;
        let expected: Vec<String> = ["0", "1", "2", "late"]
            .iter()
            .map(|n| format!("v{i}-{n}@acme.test"))
            .collect();
        assert_eq!(seen, expected, "in email order, by pages: {value}");
        // With another filter too (the count then joins the users): members, admins.
        for (role, total) in [(2, 4), (1, 0)] {
            let (_, v) = app
                .get(
                    &format!(
                        "/v2/users?status=pending&role_id={role}&custom_attribute=cost\
                         &custom_attribute_value={value}"
                    ),
                    &token,
                )
                .await;
            assert_eq!(v["total_records"], total, "{value}, role {role}: {v}");
        }
    }
    // A database from before migration 28 holds Rust's conversion of imported values; the
    // migration converts them again, as the filter does.
    let value = tricky[0];
    let migration = match b {
        Backend::Sqlite => {
            include_str!("../../../store/migrations/sqlite/0028_attribute_numbers.sql")
        }
        Backend::Postgres => {
            include_str!("../../../store/migrations/postgres/0028_attribute_numbers.sql")
        }
    };
    let db = app.db.open().await;
    let mut tx = db.begin().await.unwrap();
    let rust: f64 = value.parse().unwrap();
    tx.execute(
        "UPDATE user_attribute_values SET num = $1 WHERE value = $2",
        &[rust.into(), value.into()],
    )
    .await
    .unwrap();
    tx.execute(migration, &[]).await.unwrap();
    tx.commit().await.unwrap();
    db.close().await;
    let (_, v) = app
        .get(
            &format!(
                "/v2/users?status=pending&custom_attribute=cost&custom_attribute_value={value}"
            ),
            &token,
        )
        .await;
    assert_eq!(v["total_records"], 4, "{v}");
    assert_eq!(v["users"].as_array().unwrap().len(), 4, "{v}");

    // Nobody has this value; no active user has any.
    for query in [
        "status=pending&custom_attribute=cost&custom_attribute_value=43.8",
        "status=active&custom_attribute=cost&custom_attribute_value=7",
    ] {
        let (s, v) = app.get(&format!("/v2/users?{query}"), &token).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            (&v["total_records"], &v["users"]),
            (&json!(0), &json!([])),
            "{query}: {v}"
        );
    }
}

/// A file in any order is written in email order (most indexes of `users` end in the email),
/// through more temporary runs than one, and its report still lists the rows in the file's
/// order.
async fn written_in_email_order_reported_in_file_order(b: Backend) {
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    app.cli(&["account", "add-domain", &acct.account_id, "acme.test"])
        .await
        .unwrap();
    // 5,000 rows in email order (more than two batches: they are read again once the file
    // turns out not to be in order), then 45,000 descending with every third row moved to the
    // end: no order the import could keep.
    let descending = || (0..45_000u64).rev().enumerate();
    let file: Vec<String> = (0..5_000u64)
        .map(|e| format!("a{e:05}@acme.test"))
        .chain(
            descending()
                .filter(|(i, _)| i % 3 != 0)
                .chain(descending().filter(|(i, _)| i % 3 == 0))
                .map(|(_, e)| format!("u{e:05}@acme.test")),
        )
        .collect();
    let n = file.len() as u64;
    let mut csv = String::from("Email,First Name\n");
    for email in &file {
        csv.push_str(&format!("{email},Someone\n"));
    }
    let (s, v) = import(&app, &token, "?mode=autoCreate", csv.as_bytes()).await;
    assert_eq!((s, &v["created"]), (200, &json!(n)), "{}", v["errors"]);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, n);
    for (i, (row, email)) in rows.iter().zip(&file).enumerate() {
        assert_eq!(
            row["line"],
            i as u64 + 2,
            "the report is in the file's order"
        );
        assert_eq!(row["email"], email.as_str());
        assert_eq!(row["outcome"], "created");
    }
    // The users' events were written with them: in email order.
    let out_of_order = app
        .scalar(
            "SELECT COUNT(*) FROM (SELECT u.email, LAG(u.email) OVER (ORDER BY e.id) AS prev \
             FROM events e JOIN users u ON u.id = e.target WHERE e.type = 'user.created') w \
             WHERE w.prev > w.email",
        )
        .await;
    assert_eq!(out_of_order, 0);
    assert_eq!(
        app.db
            .count("users WHERE email LIKE '%@acme.test' AND email <> 'owner@acme.test'")
            .await,
        n as i64
    );
}

/// The file as the body (with any type but JSON, or none), or as the part named `file` of a
/// form (`curl -F file=@users.csv`); a JSON body and a form without a well-formed `file` part
/// are refused and write nothing.
async fn uploads_as_the_body_or_a_form_part(b: Backend) {
    let app = spawn_app(b).await;
    let (_, token) = app.account_with_token().await;
    let part = |name: &str, file: &str, text: &str| {
        format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n{text}\r\n")
    };
    let form = format!(
        "{}{}{}--XyZ--\r\n",
        part("note", "", "not a file"),
        part(
            "file",
            "; filename=\"people.csv\"\r\nContent-Type: text/csv",
            "Email,First Name\r\nf1@acme.test,Fay\r\nf2@acme.test,Flo"
        ),
        part(
            "file",
            "; filename=\"other.csv\"",
            "Email\r\nignored@acme.test"
        )
    );
    let users = app.db.count("users").await;
    let multipart = "multipart/form-data; boundary=XyZ";

    // Refusals first: nothing is written by any of them.
    let refusals: [(Option<&str>, String, &str); 5] = [
        (Some("application/json"), "{}".into(), "CSV file itself"),
        (
            Some(multipart),
            format!("{}--XyZ--\r\n", part("note", "", "x")),
            "no part named file",
        ),
        (
            Some(multipart),
            form.replace("--XyZ--", "--XyZ"),
            "malformed",
        ),
        (Some("multipart/form-data"), form.clone(), "no boundary"),
        (
            Some("application/json; charset=utf-8"),
            "Email\nj@acme.test\n".into(),
            "CSV file itself",
        ),
    ];
    for (content_type, body, says) in refusals {
        let (s, v) = import_as(&app, &token, "", content_type, body.into_bytes()).await;
        assert_zoom_error(s, &v, 400, 300);
        assert!(v["message"].as_str().unwrap().contains(says), "{v}");
        assert_eq!(app.db.count("users").await, users);
    }

    let (s, v) = import_as(&app, &token, "", Some(multipart), form.into_bytes()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((&v["total_rows"], &v["created"]), (&json!(2), &json!(2)));
    let (_, fay) = app.get("/v2/users/f1@acme.test", &token).await;
    assert_eq!(fay["first_name"], "Fay");
    assert_eq!(app.db.count("users").await, users + 2);

    // No content type at all, or another label for a CSV file: the body is the file.
    for content_type in [None, Some("application/vnd.ms-excel")] {
        let csv = b"Email\ng1@acme.test\n".to_vec();
        let (s, v) = import_as(&app, &token, "?dry_run=true", content_type, csv).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["created"], 1, "{v}");
    }
}

fn emails_sorted(emails: &[String]) -> Vec<String> {
    let mut sorted = emails.to_vec();
    sorted.sort();
    sorted
}

/// Filtered by an attribute and sorted by name or join date: a value few users have is read
/// from the values' index and sorted (at most `LEAD_AT_MOST` users), a common one by walking
/// the order's index; both give the same order, ties broken by email, page after page, up and
/// down.
async fn attribute_filters_in_other_orders(b: Backend) {
    use roster_store::users::LEAD_AT_MOST;
    let app = spawn_app(b).await;
    let (acct, token) = app.account_with_token().await;
    app.cli(&["account", "add-domain", &acct.account_id, "acme.test"])
        .await
        .unwrap();
    define_campus(&app, &token).await;
    // Names run against the emails' order, with ties; 60 users in the south.
    let common = usize::try_from(LEAD_AT_MOST).unwrap() + 40;
    let mut csv = String::from("Email,First Name,Last Name,Custom Attributes\n");
    let mut south = Vec::new();
    let mut north = Vec::new();
    for i in 0..common + 60 {
        let email = format!("u{i:05}@acme.test");
        let first = format!("N{:03}", (7919 * i) % 500);
        let campus = if i % 36 == 5 && south.len() < 60 {
            "South"
        } else {
            "North"
        };
        csv.push_str(&format!("{email},{first},Lee,campus={campus}\n"));
        let key = (format!("{} lee", first.to_lowercase()), email);
        if campus == "South" {
            south.push(key);
        } else {
            north.push(key);
        }
    }
    let (s, v) = import(&app, &token, "?mode=autoCreate", csv.as_bytes()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["errors"], 0, "{v}");
    south.sort();
    north.sort();
    assert!(south.len() <= usize::try_from(LEAD_AT_MOST).unwrap());
    assert!(north.len() > usize::try_from(LEAD_AT_MOST).unwrap());
    for (value, expected, page) in [("South", &south, 7), ("North", &north, 300)] {
        let emails: Vec<String> = expected.iter().map(|(_, e)| e.clone()).collect();
        let total = emails.len() as u64;
        let filter = format!("custom_attribute=campus&custom_attribute_value={value}");
        let asc = app
            .user_emails_by_pages(
                &token,
                &format!("{filter}&sort_by=name&page_size={page}"),
                total,
            )
            .await;
        assert_eq!(asc, emails, "{value} by name");
        let mut desc = app
            .user_emails_by_pages(
                &token,
                &format!("{filter}&sort_by=name&sort_order=desc&page_size={page}"),
                total,
            )
            .await;
        desc.reverse();
        assert_eq!(desc, emails, "{value} by name, descending");
        // By join date: every user once, and the same order both ways.
        let by = |order: &'static str| {
            format!("{filter}&sort_by=created&sort_order={order}&page_size={page}")
        };
        let created = app.user_emails_by_pages(&token, &by("asc"), total).await;
        let mut back = app.user_emails_by_pages(&token, &by("desc"), total).await;
        back.reverse();
        assert_eq!(created, back, "{value} by join date");
        let mut sorted = created.clone();
        sorted.sort();
        assert_eq!(sorted, emails_sorted(&emails), "{value} by join date");
    }
}

both_backends!(
    attribute_filters_in_other_orders,
    uploads_as_the_body_or_a_form_part,
    written_in_email_order_reported_in_file_order,
    attribute_filters_find_every_writer_s_values,
    imported_attribute_values_sort_and_filter,
    managed_domain_defaults_apply_to_new_rows,
    standalone_owners_are_invited_to_join,
    group_scoped_roles_and_the_payment_gate,
    creates_updates_and_reports_each_row,
    dry_run_stores_nothing,
    overselling_refuses_the_whole_file,
    bom_semicolons_crlf_quotes_and_auto_create,
    bad_files_are_refused_and_store_nothing,
    emails_of_other_accounts_are_error_rows,
    privileges_and_role_rules_hold,
    export_escapes_formulas_and_round_trips,
    cli_imports_with_a_report_and_exports,
);

mod crash {
    use crate::binary::{serve_with, sigterm_and_wait};
    use crate::support::{run_cli, token_at, Backend, TestDb};
    use roster_service::users::import::IMPORT_BATCH;
    use serde_json::Value;
    use std::time::Duration;

    const ROWS: usize = 40_000;

    async fn imported(db: &TestDb) -> i64 {
        db.count("users WHERE email LIKE 'c%@crash.test'").await
    }

    async fn post(
        client: &reqwest::Client,
        base: &str,
        token: &str,
        csv: &str,
    ) -> reqwest::Result<Value> {
        client
            .post(format!("{base}/v2/users/import?mode=autoCreate"))
            .bearer_auth(token)
            .body(csv.to_owned())
            .send()
            .await?
            .json()
            .await
    }

    /// A server killed mid-import keeps exactly the batches it committed (with their events and
    /// counts); the same file run again completes the import without duplicates.
    async fn a_killed_import_keeps_whole_batches_and_resumes(b: Backend) {
        let db = TestDb::new(b).await;
        let dir = tempfile::tempdir().unwrap();
        let out = run_cli(
            &db,
            &[
                "account",
                "create",
                "--name",
                "Crash",
                "--owner-email",
                "o@crash.test",
                "--plan",
                "business",
                "--json",
            ],
        )
        .await
        .unwrap();
        let acct: Value = serde_json::from_str(out.trim()).unwrap();
        run_cli(
            &db,
            &[
                "account",
                "add-domain",
                acct["account_id"].as_str().unwrap(),
                "crash.test",
            ],
        )
        .await
        .unwrap();
        let mut csv = String::from("email,first name,last name,department\n");
        for i in 0..ROWS {
            csv.push_str(&format!(
                "c{i:06}@crash.test,First{i},Last,Dept {}\n",
                i % 7
            ));
        }

        let (mut first, base, _) = serve_with(&db, dir.path(), &[]).await;
        let client = reqwest::Client::new();
        let token = token_at(&client, &base, &acct).await;
        let request = tokio::spawn({
            let (client, base, token, csv) =
                (client.clone(), base.clone(), token.clone(), csv.clone());
            async move { post(&client, &base, &token, &csv).await }
        });
        let mut seen = 0;
        for _ in 0..3000 {
            seen = imported(&db).await;
            if seen >= 2 * IMPORT_BATCH as i64 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        first.kill().await.unwrap();
        assert!(
            request.await.unwrap().is_err(),
            "the request died with the server"
        );
        let committed = imported(&db).await;
        assert!(
            committed >= seen && committed < ROWS as i64,
            "killed mid-import: {committed}"
        );
        assert_eq!(
            committed % IMPORT_BATCH as i64,
            0,
            "whole batches only: {committed}"
        );
        let created_events = db
            .count("events WHERE type = 'user.created' AND target IN (SELECT id FROM users WHERE email LIKE 'c%@crash.test')")
            .await;
        assert_eq!(
            created_events, committed,
            "each committed user has its event"
        );
        let counted = db.count("users").await;
        let db2 = db.open().await;
        let mut conn = db2.read().await.unwrap();
        let n: i64 = conn
            .fetch_one("SELECT CAST(SUM(n) AS BIGINT) FROM user_counts", &[])
            .await
            .unwrap();
        assert_eq!(n, counted, "counts stayed exact");
        drop(conn);
        db2.close().await;

        let (second, base, _) = serve_with(&db, dir.path(), &[]).await;
        let token = token_at(&client, &base, &acct).await;
        let v = post(&client, &base, &token, &csv).await.unwrap();
        assert_eq!(v["unchanged"], committed, "{}", v["errors"]);
        assert_eq!(v["created"], ROWS as i64 - committed);
        assert_eq!(v["errors"], 0);
        assert_eq!(imported(&db).await, ROWS as i64);
        assert_eq!(
            db.count("(SELECT DISTINCT email FROM users WHERE email LIKE 'c%@crash.test') AS d")
                .await,
            ROWS as i64
        );
        sigterm_and_wait(second).await;
    }

    both_backends!(a_killed_import_keeps_whole_batches_and_resumes);
}
