//! `/scim2/Groups` driven by python-scim's real client (tests/scim/groups_*.py) on both stores,
//! checked through the REST API (`/v2/groups`, `/v2/users`) and the event log: Groups are
//! Roster's settings groups, with the same events as the REST endpoints.

use crate::scopes::scoped_token;
use crate::support::{scim_client, spawn_app, Backend, Created, TestApp};
use serde_json::{json, Value};

pub struct Scim {
    pub app: TestApp,
    pub acct: Created,
    /// A REST token (the account's server-to-server app).
    pub rest: String,
    /// A token of an app granted the scim2 scope.
    pub scim: String,
}

impl Scim {
    pub async fn new(b: Backend) -> Self {
        let app = spawn_app(b).await;
        let (acct, rest) = app.account_with_token().await;
        let scim = scoped_token(&app, &acct, "owner@acme.test", "scim2").await;
        Self {
            app,
            acct,
            rest,
            scim,
        }
    }

    pub fn base(&self) -> String {
        self.app.url("/scim2")
    }

    pub async fn run(&self, script: &str, args: &[&str]) -> Value {
        scim_client::run(script, &self.base(), &self.scim, args).await
    }

    /// Adds basic users through `/v2/users/batch`; returns their ids in order.
    pub async fn users(&self, prefix: &str, n: usize) -> Vec<String> {
        let mut ids = Vec::with_capacity(n);
        let all: Vec<String> = (0..n)
            .map(|i| format!("{prefix}{i:05}@acme.test"))
            .collect();
        for chunk in all.chunks(1000) {
            let (s, v) = self
                .app
                .post(
                    "/v2/users/batch",
                    &self.rest,
                    &json!({"action": "custCreate", "emails": chunk.join(","),
                            "user_info": {"type": 1, "first_name": "Test"}}),
                )
                .await;
            assert_eq!(s, 200, "{v}");
            for r in v["results"].as_array().unwrap() {
                ids.push(r["id"].as_str().expect("created").to_owned());
            }
        }
        ids
    }

    /// The group ids of a user, through `/v2/users/{id}`.
    pub async fn groups_of(&self, user: &str) -> Value {
        let (s, u) = self.app.get(&format!("/v2/users/{user}"), &self.rest).await;
        assert_eq!(s, 200, "{u}");
        u["group_ids"].clone()
    }

    /// Event kinds recorded for a target.
    pub async fn events(&self, kind: &str) -> i64 {
        self.app
            .scalar(&format!(
                "SELECT COUNT(*) FROM events WHERE type = '{kind}'"
            ))
            .await
    }
}

async fn lifecycle_through_the_client(b: Backend) {
    let t = Scim::new(b).await;
    let ids = t.users("u", 3).await;
    let (ann, bob, cid) = (&ids[0], &ids[1], &ids[2]);
    let out = t.run("groups_lifecycle.py", &[ann, bob, cid]).await;
    let maths = out["maths"].as_str().unwrap();

    // The REST API sees what SCIM did.
    let (s, g) = t.app.get(&format!("/v2/groups/{maths}"), &t.rest).await;
    assert_eq!(s, 200, "{g}");
    assert_eq!(g["name"], "Maths");
    assert_eq!(g["total_members"], 2);
    let (_, members) = t
        .app
        .get(&format!("/v2/groups/{maths}/members"), &t.rest)
        .await;
    let mut got: Vec<&str> = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    got.sort();
    let mut want = vec![ann.as_str(), bob.as_str()];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(t.groups_of(ann).await, json!([maths]));
    assert_eq!(t.groups_of(cid).await, json!([]), "Art was deleted");
    let (s, _) = t
        .app
        .get(
            &format!("/v2/groups/{}", out["art"].as_str().unwrap()),
            &t.rest,
        )
        .await;
    assert_eq!(s, 404);

    // The same events as the REST endpoints, with the SCIM app's user as operator.
    assert_eq!(t.events("group.created").await, 2);
    assert_eq!(t.events("group.deleted").await, 1);
    assert!(t.events("group.updated").await >= 2);
    assert!(t.events("group.member_added").await >= 6);
    assert!(t.events("group.member_deleted").await >= 3);
    let payload: String = {
        let db = t.app.db.open().await;
        let v = db
            .read()
            .await
            .unwrap()
            .fetch_one(
                "SELECT payload FROM events WHERE type = 'group.member_added' LIMIT 1",
                &[],
            )
            .await
            .unwrap();
        db.close().await;
        v
    };
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["operator"], "owner@acme.test", "{payload}");
    assert_eq!(payload["object"]["kind"], "group");
    assert!(payload["member"]["email"].is_string(), "{payload}");
    let _ = &t.acct;
}

async fn refusals_change_nothing(b: Backend) {
    let t = Scim::new(b).await;
    let ann = t.users("u", 1).await.remove(0);
    let other = t
        .app
        .create_account("Other", "owner@other.test", &["--plan", "business"])
        .await;
    let other_token = t.app.token(&other).await;
    let spy = t
        .app
        .add_user(&other_token, "custCreate", "spy@other.test", 1)
        .await;
    let (s, og) = t
        .app
        .post("/v2/groups", &other_token, &json!({"name": "Theirs"}))
        .await;
    assert_eq!(s, 201, "{og}");
    let og = og["id"].as_str().unwrap();
    let before = t.app.scalar("SELECT COUNT(*) FROM events").await;

    let out = t.run("groups_errors.py", &[&ann, &spy, og]).await;

    // Only the two groups the script made, Maths holding ann; the other account untouched.
    let (_, list) = t.app.get("/v2/groups", &t.rest).await;
    assert_eq!(list["total_records"], 2, "{list}");
    assert_eq!(t.groups_of(&ann).await, json!([out["maths"]]));
    let (_, theirs) = t
        .app
        .get(&format!("/v2/groups/{og}/members"), &other_token)
        .await;
    assert_eq!(theirs["total_records"], 0);
    let (_, spy_user) = t.app.get(&format!("/v2/users/{spy}"), &other_token).await;
    assert_eq!(spy_user["group_ids"], json!([]));
    // Events: the two creations and ann joining, nothing for the refusals.
    let after = t.app.scalar("SELECT COUNT(*) FROM events").await;
    assert_eq!(after - before, 3);

    // A token without the scim2 scope reaches nothing, and changes nothing.
    let res = t
        .app
        .client
        .post(t.app.url("/scim2/Groups"))
        .bearer_auth(&t.rest)
        .json(&json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Sneaky"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = t
        .app
        .client
        .get(t.app.url("/scim2/Groups"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let (_, list) = t.app.get("/v2/groups", &t.rest).await;
    assert_eq!(list["total_records"], 2, "{list}");
}

/// Thousands of members added, removed and replaced by single PATCH requests.
async fn large_group(b: Backend) {
    let t = Scim::new(b).await;
    let n = 3000;
    let ids = t.users("m", n).await;
    let args: Vec<&str> = ids.iter().map(String::as_str).collect();
    let out = t.run("groups_large.py", &args).await;
    let group = out["group"].as_str().unwrap();
    let (third, keep) = (n / 3, n - 2 * (n / 6));
    assert_eq!(out["members"], keep, "{out}");
    let (_, g) = t.app.get(&format!("/v2/groups/{group}"), &t.rest).await;
    assert_eq!(g["total_members"], keep, "{g}");
    // Events as the REST API writes them, one per member who joined or left.
    let left_by_replace = n - third - keep + third / 2;
    assert_eq!(t.events("group.member_added").await, (n + third / 2) as i64);
    assert_eq!(
        t.events("group.member_deleted").await,
        (third + left_by_replace) as i64
    );
    assert_eq!(t.groups_of(&ids[0]).await, json!([]));
    assert_eq!(t.groups_of(&ids[n / 2]).await, json!([group]));
    eprintln!("large group timings: {}", out["timings"]);
}

/// python-scim's protocol checker passes every Groups check.
async fn checker_passes(b: Backend) {
    let t = Scim::new(b).await;
    let report = t.run("groups_tester.py", &[]).await;
    assert!(!report.as_array().unwrap().is_empty(), "{report}");
}

both_backends!(
    checker_passes,
    lifecycle_through_the_client,
    refusals_change_nothing,
    large_group
);
