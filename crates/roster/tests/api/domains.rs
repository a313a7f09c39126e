//! Managed domains with proof of ownership: add (pending), verify through a real resolver asking
//! a DNS server on loopback, then autoCreate, defaults, sign-up into the organisation, removal,
//! and every refusal, which changes nothing.

use crate::support::dns::DnsServer;
use crate::support::{assert_zoom_error, spawn_app_with, Backend, TestApp};
use serde_json::{json, Value};

const DOMAINS: &str = "/v2/accounts/me/managed_domains";

async fn app_with_dns(b: Backend) -> (TestApp, DnsServer) {
    let dns = DnsServer::start().await;
    let addr = dns.addr;
    let app = spawn_app_with(b, |c| {
        c.dns_resolver = Some(addr);
        c.allow_signup = true;
    })
    .await;
    (app, dns)
}

/// What a refusal must leave as it was.
async fn footprint(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.scalar("SELECT COUNT(*) FROM managed_domains").await,
        app.scalar("SELECT COUNT(*) FROM managed_domains WHERE status = 'verified'")
            .await,
        app.scalar("SELECT COUNT(*) FROM events").await,
        app.scalar("SELECT COUNT(*) FROM users").await,
    )
}

fn auto(email: &str) -> Value {
    json!({"action": "autoCreate", "user_info": {"email": email, "type": 1, "password": "Secr3tPass"}})
}

async fn events_of(app: &TestApp, kind: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM events WHERE type = '{kind}'"
    ))
    .await
}

async fn add_verify_then_auto_create(b: Backend) {
    let (app, dns) = app_with_dns(b).await;
    let (_, token) = app.account_with_token().await;

    let (s, d) = app
        .post(DOMAINS, &token, &json!({"domain": " School.EDU. "}))
        .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["domain"], "school.edu");
    assert_eq!(d["status"], "pending");
    assert!(d["verified_at"].is_null());
    let record = &d["verification_record"];
    assert_eq!(record["type"], "TXT");
    assert_eq!(record["name"], "_roster-verification.school.edu");
    let value = record["value"].as_str().unwrap().to_owned();
    assert!(value.starts_with("roster-verification="), "{value}");
    assert_eq!(
        record["zone_line"],
        format!("_roster-verification.school.edu. TXT \"{value}\"")
    );
    assert_eq!(events_of(&app, "account.managed_domain_added").await, 1);

    // Pending grants nothing.
    let (s, body) = app.post("/v2/users", &token, &auto("ann@school.edu")).await;
    assert_zoom_error(s, &body, 400, 1116);

    // No record, then a wrong one: refused, saying what was found; nothing changes.
    let verify = format!("{DOMAINS}/school.edu/verify");
    let before = footprint(&app).await;
    let (s, body) = app.post(&verify, &token, &json!({})).await;
    assert_zoom_error(s, &body, 400, 1153);
    let msg = body["message"].as_str().unwrap();
    assert!(msg.contains("found no TXT record"), "{msg}");
    assert!(msg.contains(&value), "{msg}");
    dns.set_txt(
        "_roster-verification.school.edu",
        &["v=spf1 -all", "roster-verification=not-the-token"],
    );
    let (s, body) = app.post(&verify, &token, &json!({})).await;
    assert_zoom_error(s, &body, 400, 1153);
    let msg = body["message"].as_str().unwrap();
    assert!(msg.contains("roster-verification=not-the-token"), "{msg}");
    assert!(msg.contains("v=spf1 -all"), "{msg}");
    assert_eq!(footprint(&app).await, before);
    // A DNS server that fails: 503, and nothing changes.
    dns.fail("_roster-verification.school.edu");
    let (s, body) = app.post(&verify, &token, &json!({})).await;
    assert_zoom_error(s, &body, 503, 1154);
    assert_eq!(footprint(&app).await, before);
    let (_, list) = app.get(DOMAINS, &token).await;
    assert_eq!(list["domains"][0]["status"], "pending", "{list}");

    // Published: verified, through the real resolver.
    dns.set_txt(
        "_roster-verification.school.edu",
        &["v=spf1 -all", value.as_str()],
    );
    let (s, d) = app.post(&verify, &token, &json!({})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["status"], "verified");
    assert!(d["verified_at"].is_string());
    assert_eq!(events_of(&app, "account.managed_domain_verified").await, 1);
    // Verifying again is harmless and records nothing.
    let (s, d) = app.post(&verify, &token, &json!({})).await;
    assert_eq!((s, d["status"].as_str()), (200, Some("verified")));
    assert_eq!(events_of(&app, "account.managed_domain_verified").await, 1);

    let (s, body) = app.post("/v2/users", &token, &auto("ann@School.edu")).await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(body["email"], "ann@school.edu");
    let (s, list) = app.get(DOMAINS, &token).await;
    assert_eq!(s, 200);
    assert_eq!(list["total_records"], 1);
    assert_eq!(list["domains"][0]["status"], "verified");
}

async fn bad_input_and_members_are_refused(b: Backend) {
    let (app, _dns) = app_with_dns(b).await;
    let (acct, token) = app.account_with_token().await;
    app.add_user(&token, "custCreate", "member@gmail.test", 1)
        .await;
    let member = app.token_for_user(&acct, "member@gmail.test").await;
    let (s, _) = app
        .post(DOMAINS, &token, &json!({"domain": "acme.edu"}))
        .await;
    assert_eq!(s, 201);
    let before = footprint(&app).await;
    let cases: Vec<(&str, String, &str, Value, u16, i64)> = vec![
        (
            "POST",
            DOMAINS.into(),
            &token,
            json!({"domain": "not a domain"}),
            400,
            300,
        ),
        (
            "POST",
            DOMAINS.into(),
            &token,
            json!({"domain": ""}),
            400,
            300,
        ),
        (
            "POST",
            DOMAINS.into(),
            &token,
            json!({"domain": "écolé.fr"}),
            400,
            300,
        ),
        ("POST", DOMAINS.into(), &token, json!({}), 400, 300),
        (
            "POST",
            DOMAINS.into(),
            &token,
            json!({"domain": "x.edu", "default_type": 7}),
            400,
            300,
        ),
        (
            "POST",
            DOMAINS.into(),
            &token,
            json!({"domain": "x.edu", "default_type": 3}),
            400,
            300,
        ),
        (
            "POST",
            DOMAINS.into(),
            &token,
            json!({"domain": "x.edu", "default_group_id": "nope"}),
            404,
            4130,
        ),
        (
            "POST",
            DOMAINS.into(),
            &token,
            json!({"domain": "ACME.edu"}),
            409,
            1151,
        ),
        (
            "POST",
            "/v2/accounts/AAAAAAAAAAAAAAAAAAAAAA/managed_domains".into(),
            &token,
            json!({"domain": "y.edu"}),
            404,
            2001,
        ),
        (
            "POST",
            DOMAINS.into(),
            &member,
            json!({"domain": "y.edu"}),
            400,
            200,
        ),
        ("GET", DOMAINS.into(), &member, json!({}), 400, 200),
        (
            "POST",
            format!("{DOMAINS}/acme.edu/verify"),
            &member,
            json!({}),
            400,
            200,
        ),
        (
            "PATCH",
            format!("{DOMAINS}/acme.edu"),
            &member,
            json!({"default_type": 1}),
            400,
            200,
        ),
        (
            "DELETE",
            format!("{DOMAINS}/acme.edu"),
            &member,
            json!({}),
            400,
            200,
        ),
        (
            "POST",
            format!("{DOMAINS}/other.edu/verify"),
            &token,
            json!({}),
            404,
            1152,
        ),
        (
            "PATCH",
            format!("{DOMAINS}/other.edu"),
            &token,
            json!({"default_type": 1}),
            404,
            1152,
        ),
        (
            "PATCH",
            format!("{DOMAINS}/acme.edu"),
            &token,
            json!({"default_type": 0}),
            400,
            300,
        ),
        (
            "PATCH",
            format!("{DOMAINS}/acme.edu"),
            &token,
            json!({"default_group_id": "nope"}),
            404,
            4130,
        ),
        (
            "DELETE",
            format!("{DOMAINS}/other.edu"),
            &token,
            json!({}),
            404,
            1152,
        ),
    ];
    for (method, path, tok, body, status, code) in cases {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let (s, got) = app.send_json(m, &path, tok, &body).await;
        assert_eq!(s, status, "{method} {path} {body}: {got}");
        assert_eq!(
            got["code"].as_i64(),
            Some(code),
            "{method} {path} {body}: {got}"
        );
        assert_eq!(footprint(&app).await, before, "{method} {path} {body}");
    }
}

async fn a_domain_another_account_verified_is_refused(b: Backend) {
    let (app, dns) = app_with_dns(b).await;
    let (_, token_a) = app.account_with_token().await;
    let b_acct = app
        .create_account(
            "Beta College",
            "owner@beta.test",
            &["--plan", "business", "--licensed-seats", "5"],
        )
        .await;
    let token_b = app.token(&b_acct).await;

    // Both may have it pending.
    let (s, a) = app
        .post(DOMAINS, &token_a, &json!({"domain": "shared.edu"}))
        .await;
    assert_eq!(s, 201);
    let (s, bd) = app
        .post(DOMAINS, &token_b, &json!({"domain": "shared.edu"}))
        .await;
    assert_eq!(s, 201);
    assert_ne!(
        a["verification_record"]["value"],
        bd["verification_record"]["value"]
    );
    // A proves it first; B's own record does not help B any more.
    dns.set_txt(
        "_roster-verification.shared.edu",
        &[
            a["verification_record"]["value"].as_str().unwrap(),
            bd["verification_record"]["value"].as_str().unwrap(),
        ],
    );
    let (s, _) = app
        .post(
            &format!("{DOMAINS}/shared.edu/verify"),
            &token_a,
            &json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let before = footprint(&app).await;
    let (s, body) = app
        .post(
            &format!("{DOMAINS}/shared.edu/verify"),
            &token_b,
            &json!({}),
        )
        .await;
    assert_zoom_error(s, &body, 409, 1150);
    let (s, body) = app
        .post(DOMAINS, &token_b, &json!({"domain": "Shared.edu"}))
        .await;
    assert_zoom_error(s, &body, 409, 1150);
    let (s, body) = app
        .post(DOMAINS, &token_b, &json!({"domain": "shared.edu"}))
        .await;
    assert_zoom_error(s, &body, 409, 1150);
    // Nor can the operator hand it to B.
    let err = app
        .cli(&["account", "add-domain", &b_acct.account_id, "shared.edu"])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another account"), "{err}");
    assert_eq!(footprint(&app).await, before);
}

async fn of_two_accounts_verifying_at_once_one_wins(b: Backend) {
    let (app, dns) = app_with_dns(b).await;
    let (_, token_a) = app.account_with_token().await;
    let b_acct = app
        .create_account("Beta College", "owner@beta.test", &["--plan", "business"])
        .await;
    let token_b = app.token(&b_acct).await;
    let mut values = Vec::new();
    for t in [&token_a, &token_b] {
        let (s, d) = app.post(DOMAINS, t, &json!({"domain": "race.edu"})).await;
        assert_eq!(s, 201);
        values.push(
            d["verification_record"]["value"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let texts: Vec<&str> = values.iter().map(String::as_str).collect();
    dns.set_txt("_roster-verification.race.edu", &texts);
    let path = format!("{DOMAINS}/race.edu/verify");
    let empty = json!({});
    let (ra, rb) = tokio::join!(
        app.post(&path, &token_a, &empty),
        app.post(&path, &token_b, &empty)
    );
    let mut statuses = [ra.0, rb.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", ra.1, rb.1);
    let loser = if ra.0 == 409 { ra.1 } else { rb.1 };
    assert_eq!(loser["code"], 1150, "{loser}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM managed_domains WHERE domain = 'race.edu' AND status = 'verified'")
            .await,
        1
    );
    assert_eq!(events_of(&app, "account.managed_domain_verified").await, 1);
}

async fn domain_defaults_apply_to_new_users(b: Backend) {
    let (app, dns) = app_with_dns(b).await;
    let (_, token) = app.account_with_token().await;
    let (s, g) = app
        .post("/v2/groups", &token, &json!({"name": "Staff"}))
        .await;
    assert_eq!(s, 201, "{g}");
    let group = g["id"].as_str().unwrap().to_owned();
    let (s, d) = app
        .post(
            DOMAINS,
            &token,
            &json!({"domain": "staff.edu", "default_type": 2, "default_group_id": group}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(
        (d["default_type"].as_i64(), d["default_group_id"].as_str()),
        (Some(2), Some(group.as_str()))
    );
    // Defaults count only once the domain is verified.
    let invite = |email: &str, ty: Option<i64>| {
        let mut info = json!({"email": email});
        if let Some(t) = ty {
            info["type"] = json!(t);
        }
        json!({"action": "create", "user_info": info})
    };
    let (s, body) = app
        .post("/v2/users", &token, &invite("early@staff.edu", None))
        .await;
    assert_zoom_error(s, &body, 400, 300);
    dns.set_txt(
        "_roster-verification.staff.edu",
        &[d["verification_record"]["value"].as_str().unwrap()],
    );
    let (s, _) = app
        .post(&format!("{DOMAINS}/staff.edu/verify"), &token, &json!({}))
        .await;
    assert_eq!(s, 200);

    let (s, u) = app
        .post("/v2/users", &token, &invite("ann@staff.edu", None))
        .await;
    assert_eq!(s, 201, "{u}");
    assert_eq!(u["type"], 2);
    let (_, got) = app
        .get(&format!("/v2/users/{}", u["id"].as_str().unwrap()), &token)
        .await;
    assert_eq!(got["group_ids"], json!([group]), "{got}");
    // The request's own type wins; the group still comes from the domain.
    let (s, u) = app
        .post("/v2/users", &token, &invite("bob@staff.edu", Some(1)))
        .await;
    assert_eq!(s, 201, "{u}");
    assert_eq!(u["type"], 1);
    let (_, got) = app
        .get(&format!("/v2/users/{}", u["id"].as_str().unwrap()), &token)
        .await;
    assert_eq!(got["group_ids"], json!([group]), "{got}");
    // Another domain has no defaults.
    let (s, body) = app
        .post("/v2/users", &token, &invite("cy@else.test", None))
        .await;
    assert_zoom_error(s, &body, 400, 300);

    // PATCH: clear the type, keep the group; absent fields stay.
    let (s, d) = app
        .patch(
            &format!("{DOMAINS}/staff.edu"),
            &token,
            &json!({"default_type": null}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert!(d["default_type"].is_null());
    assert_eq!(d["default_group_id"], group.as_str());
    assert_eq!(events_of(&app, "account.managed_domain_updated").await, 1);
    let (s, body) = app
        .post("/v2/users", &token, &invite("dee@staff.edu", None))
        .await;
    assert_zoom_error(s, &body, 400, 300);
    // Deleting the group takes it out of the defaults.
    let (s, _) = app.delete(&format!("/v2/groups/{group}"), &token).await;
    assert_eq!(s, 204);
    let (_, list) = app.get(DOMAINS, &token).await;
    assert!(list["domains"][0]["default_group_id"].is_null(), "{list}");
}

async fn signing_up_on_a_verified_domain_joins_the_organisation(b: Backend) {
    let (app, _dns) = app_with_dns(b).await;
    let (acct, token) = app.account_with_token().await;
    let (_, g) = app
        .post("/v2/groups", &token, &json!({"name": "Pupils"}))
        .await;
    let group = g["id"].as_str().unwrap().to_owned();
    app.cli(&[
        "account",
        "domain",
        "add",
        &acct.account_id,
        "pupils.edu",
        "--verified",
        "--default-type",
        "2",
        "--default-group",
        &group,
    ])
    .await
    .unwrap();
    let accounts = app.db.count("accounts").await;

    let res = app
        .client
        .post(app.url("/signup"))
        .form(&[("email", "Kid@Pupils.edu")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Check your mail"));
    assert_eq!(
        app.db.count("accounts").await,
        accounts,
        "no account of their own"
    );
    let (_, list) = app.get("/v2/users?status=pending", &token).await;
    let kid = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "kid@pupils.edu")
        .unwrap_or_else(|| panic!("{list}"))
        .clone();
    assert_eq!(kid["type"], 2);
    assert_eq!(kid["group_ids"], json!([group]));
    let mail = app.cli(&["mail", "list", "--json"]).await.unwrap();
    let m: Value = mail
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|m| m["to"] == "kid@pupils.edu")
        .unwrap_or_else(|| panic!("{mail}"));
    assert_eq!(m["kind"], "activation");
    let created = app
        .scalar("SELECT COUNT(*) FROM events WHERE type = 'user.created' AND payload LIKE '%\"sign_up\":true%'")
        .await;
    assert_eq!(created, 1);

    // Asking again changes nothing and says nothing more.
    let before = footprint(&app).await;
    let res = app
        .client
        .post(app.url("/signup"))
        .form(&[("email", "kid@pupils.edu")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(footprint(&app).await, before);
}

async fn removing_a_domain_ends_its_management(b: Backend) {
    let (app, _dns) = app_with_dns(b).await;
    let (acct, token) = app.account_with_token().await;
    app.cli(&["account", "add-domain", &acct.account_id, "gone.edu"])
        .await
        .unwrap();
    let staff = app
        .add_user(&token, "custCreate", "staff@gone.edu", 1)
        .await;
    let (s, body) = app.delete(&format!("/v2/users/{staff}"), &token).await;
    assert_zoom_error(s, &body, 400, 1107);

    let (s, _) = app.delete(&format!("{DOMAINS}/gone.edu"), &token).await;
    assert_eq!(s, 204);
    assert_eq!(events_of(&app, "account.managed_domain_removed").await, 1);
    assert_eq!(app.db.count("managed_domains").await, 0);
    let (s, body) = app.post("/v2/users", &token, &auto("new@gone.edu")).await;
    assert_zoom_error(s, &body, 400, 1116);
    // Its users stay, and may now be unlinked.
    let (s, _) = app.delete(&format!("/v2/users/{staff}"), &token).await;
    assert_eq!(s, 204);
    let (s, body) = app.delete(&format!("{DOMAINS}/gone.edu"), &token).await;
    assert_zoom_error(s, &body, 404, 1152);
}

async fn the_cli_adds_verifies_lists_and_removes(b: Backend) {
    let (app, dns) = app_with_dns(b).await;
    let (acct, _) = app.account_with_token().await;
    let id = acct.account_id.as_str();
    let out = app
        .cli(&["account", "domain", "add", id, "cli.edu"])
        .await
        .unwrap();
    assert!(out.contains("pending"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("_roster-verification.cli.edu."))
        .unwrap()
        .trim()
        .to_owned();
    let value = line.split('"').nth(1).unwrap().to_owned();
    let resolver = dns.addr.to_string();

    let err = app
        .cli(&[
            "account",
            "domain",
            "verify",
            id,
            "cli.edu",
            "--resolver",
            &resolver,
        ])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("found no TXT record"), "{err}");
    dns.set_txt("_roster-verification.cli.edu", &[&value]);
    let out = app
        .cli(&[
            "account",
            "domain",
            "verify",
            id,
            "cli.edu",
            "--resolver",
            &resolver,
        ])
        .await
        .unwrap();
    assert!(out.contains("is verified"), "{out}");
    let out = app
        .cli(&["account", "domain", "list", id, "--json"])
        .await
        .unwrap();
    let d: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (d["domain"].as_str(), d["status"].as_str()),
        (Some("cli.edu"), Some("verified"))
    );
    // Defaults: set, refused (nothing changes), cleared.
    let out = app
        .cli(&[
            "account",
            "domain",
            "set-defaults",
            id,
            "cli.edu",
            "--default-type",
            "1",
        ])
        .await
        .unwrap();
    assert!(out.contains("defaults: type 1"), "{out}");
    for bad in ["7", "two"] {
        let err = app
            .cli(&[
                "account",
                "domain",
                "set-defaults",
                id,
                "cli.edu",
                "--default-type",
                bad,
            ])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("--default-type"), "{err}");
    }
    let err = app
        .cli(&[
            "account",
            "domain",
            "set-defaults",
            id,
            "cli.edu",
            "--default-group",
            "nope",
        ])
        .await
        .unwrap_err();
    assert!(!err.to_string().is_empty());
    let out = app
        .cli(&["account", "domain", "list", id, "--json"])
        .await
        .unwrap();
    let d: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(d["default_type"], 1, "refusals changed nothing");
    assert_eq!(d["default_group_id"], Value::Null);
    assert_eq!(events_of(&app, "account.managed_domain_updated").await, 1);
    app.cli(&[
        "account",
        "domain",
        "set-defaults",
        id,
        "cli.edu",
        "--default-type",
        "none",
    ])
    .await
    .unwrap();
    let out = app
        .cli(&["account", "domain", "list", id, "--json"])
        .await
        .unwrap();
    let d: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(d["default_type"], Value::Null);
    let err = app
        .cli(&["account", "domain", "add", id, "bad domain"])
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("DOMAIN:"), "{err}");
    app.cli(&["account", "domain", "remove", id, "cli.edu"])
        .await
        .unwrap();
    let out = app.cli(&["account", "domain", "list", id]).await.unwrap();
    assert!(out.contains("no domains"), "{out}");
}

/// Domains recorded before proof existed (schema v2's table) stay managed: they migrate as
/// verified.
async fn domains_from_before_proof_stay_verified(b: Backend) {
    let (app, _dns) = app_with_dns(b).await;
    let (acct, token) = app.account_with_token().await;
    let db = app.db.open().await;
    let time_type = match b {
        Backend::Sqlite => "INTEGER",
        Backend::Postgres => "TIMESTAMPTZ",
    };
    let mut tx = db.begin().await.unwrap();
    for sql in [
        "DROP TABLE managed_domains".to_owned(),
        format!(
            "CREATE TABLE managed_domains (domain TEXT NOT NULL PRIMARY KEY, \
             account_id TEXT NOT NULL REFERENCES accounts (id), created_at {time_type} NOT NULL)"
        ),
        "DELETE FROM roster_migrations WHERE version = 13".to_owned(),
    ] {
        tx.execute(&sql, &[]).await.unwrap();
    }
    tx.execute(
        "INSERT INTO managed_domains (domain, account_id, created_at) VALUES ($1, $2, $3)",
        roster_store::params![
            "old.edu",
            acct.account_id.as_str(),
            time::OffsetDateTime::now_utc()
        ],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.migrate().await.unwrap().applied, [13]);
    db.close().await;

    let (_, list) = app.get(DOMAINS, &token).await;
    assert_eq!(list["domains"][0]["domain"], "old.edu", "{list}");
    assert_eq!(list["domains"][0]["status"], "verified", "{list}");
    let (s, body) = app.post("/v2/users", &token, &auto("ann@old.edu")).await;
    assert_eq!(s, 201, "{body}");
}

both_backends!(
    domains_from_before_proof_stay_verified,
    add_verify_then_auto_create,
    bad_input_and_members_are_refused,
    a_domain_another_account_verified_is_refused,
    of_two_accounts_verifying_at_once_one_wins,
    domain_defaults_apply_to_new_users,
    signing_up_on_a_verified_domain_joins_the_organisation,
    removing_a_domain_ends_its_management,
    the_cli_adds_verifies_lists_and_removes,
);
