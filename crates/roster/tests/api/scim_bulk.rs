//! `POST /scim2/Bulk` driven by python-scim's client (tests/scim/bulk_*.py) on both stores:
//! users and groups in one request with bulkId references, per-operation errors, cycles,
//! failOnErrors and limits; results checked through `/v2`.

use crate::scim_groups::Scim;
use crate::support::Backend;
use serde_json::json;

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

both_backends!(bulk_users_and_groups);
