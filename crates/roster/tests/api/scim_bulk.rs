//! `POST /scim2/Bulk` driven by python-scim's client (tests/scim/bulk_*.py) on both stores:
//! users and groups in one request with bulkId references, per-operation errors, cycles,
//! failOnErrors and limits; results checked through `/v2`.

use crate::scim_groups::Scim;
use crate::scopes::scoped_token;
use crate::support::dns::DnsServer;
use crate::support::{spawn_app_with, Backend};
use serde_json::json;

/// An account whose domain acme.test is verified, so SCIM creates its users active (the
/// identity provider vouches for them) and can deactivate them.
async fn with_managed_domain(b: Backend) -> (Scim, DnsServer) {
    let dns = DnsServer::start().await;
    let addr = dns.addr;
    let app = spawn_app_with(b, |c| c.dns_resolver = Some(addr)).await;
    let (acct, rest) = app.account_with_token().await;
    let id = acct.account_id.as_str();
    let out = app
        .cli(&["account", "domain", "add", id, "acme.test"])
        .await
        .unwrap();
    let line = out
        .lines()
        .find(|l| l.contains("_roster-verification.acme.test."))
        .unwrap()
        .trim()
        .to_owned();
    let value = line.split('"').nth(1).unwrap().to_owned();
    dns.set_txt("_roster-verification.acme.test", &[&value]);
    let resolver = addr.to_string();
    let out = app
        .cli(&[
            "account",
            "domain",
            "verify",
            id,
            "acme.test",
            "--resolver",
            &resolver,
        ])
        .await
        .unwrap();
    assert!(out.contains("is verified"), "{out}");
    let scim = scoped_token(&app, &acct, "owner@acme.test", "scim2").await;
    (
        Scim {
            app,
            acct,
            rest,
            scim,
        },
        dns,
    )
}

async fn bulk_users_and_groups(b: Backend) {
    let t = Scim::new(b).await;
    let before = t.app.scalar("SELECT COUNT(*) FROM events").await;
    let out = t.run("bulk_groups.py", &[]).await;
    let group = out["group"].as_str().unwrap();
    let (_, g) = t.app.get(&format!("/v2/groups/{group}"), &t.rest).await;
    assert_eq!(g["name"], "Bulk team");
    assert_eq!(g["total_members"], 2);
    for u in out["users"].as_array().unwrap() {
        let u = u.as_str().unwrap();
        assert_eq!(t.groups_of(u).await, json!([group]));
    }
    // Exactly two groups were made (Bulk team, Second): no trace of refused operations.
    let (_, list) = t.app.get("/v2/groups", &t.rest).await;
    assert_eq!(list["total_records"], 2, "{list}");
    assert_eq!(t.events("group.created").await, 2);
    assert_eq!(t.events("group.member_added").await, 2);
    assert!(t.app.scalar("SELECT COUNT(*) FROM events").await > before);
}

/// The provisioning run: 1,000 users and 20 groups through Bulk and single requests,
/// members moved and removed, users renamed and deactivated; the result read through /v2.
async fn provisioning_run(b: Backend) {
    let (t, _dns) = with_managed_domain(b).await;
    let out = t.run("bulk_provision.py", &[]).await;

    // Every user, page by page through /v2/users (active and pending, then inactive).
    let mut seen = std::collections::HashMap::new();
    for status in ["active", "pending", "inactive"] {
        let mut token = String::new();
        loop {
            let (s, page) = t
                .app
                .get(
                    &format!("/v2/users?status={status}&page_size=300&next_page_token={token}"),
                    &t.rest,
                )
                .await;
            assert_eq!(s, 200, "{page}");
            for u in page["users"].as_array().unwrap() {
                seen.insert(u["id"].as_str().unwrap().to_owned(), u.clone());
            }
            token = page["next_page_token"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if token.is_empty() {
                break;
            }
        }
    }
    assert_eq!(seen.len(), 1001, "1,000 provisioned and the owner");
    for u in out["deactivated"].as_array().unwrap() {
        assert_eq!(seen[u.as_str().unwrap()]["status"], "inactive");
    }
    let inactive = seen.values().filter(|u| u["status"] == "inactive").count();
    assert_eq!(inactive, 50);
    for u in out["renamed"].as_array().unwrap() {
        assert_eq!(seen[u.as_str().unwrap()]["first_name"], "Renamed");
    }

    // Every group's members through /v2/groups/{id}/members.
    let groups = out["groups"].as_object().unwrap();
    assert_eq!(groups.len(), 20);
    let (_, list) = t.app.get("/v2/groups", &t.rest).await;
    assert_eq!(list["total_records"], 20);
    for (id, want) in groups {
        let (s, page) = t
            .app
            .get(&format!("/v2/groups/{id}/members?page_size=300"), &t.rest)
            .await;
        assert_eq!(s, 200, "{page}");
        let mut got: Vec<&str> = page["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap())
            .collect();
        let mut want: Vec<&str> = want
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "group {id}");
    }
}

both_backends!(bulk_users_and_groups, provisioning_run);
