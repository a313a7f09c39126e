//! Issue 7's story end to end, as a CRM meets it: the CRM is registered as an admin-managed app
//! with an event subscription; an admin approves it for the whole account through the real
//! authorization-code + PKCE flow (the `oauth2` crate is the app); the CRM maps its staff to
//! users by email and schedules a meeting for each; each user, through their own personal
//! connection, lists only their own meetings; the CRM's receiver gets the signed
//! `meeting.created` events; the admin disconnects, the account-level tokens fail, the
//! receiver gets `app_deauthorized`, and the personal connections live on.

use crate::oauth_browser::{account, client_for, register, set_password, tokens};
use crate::support::receiver::Receiver;
use crate::support::{assert_zoom_error, spawn_app, Backend};
use oauth2::TokenResponse;
use serde_json::json;
use std::time::Duration;

const SECRET: &str = "crm-webhook-secret-0123";
const SCOPES: &str =
    "user:read:admin meeting:read:admin meeting:write:admin user:read meeting:read";

async fn crm_connects_schedules_for_two_users_and_disconnects(b: Backend) {
    let app = spawn_app(b).await;
    let (_acct, admin, mia) = account(&app).await;
    let ben = app.add_user(&admin, "custCreate", "ben@acme.test", 1).await;
    set_password(&app, &admin, &ben).await;

    // The CRM is registered, and subscribes to meeting events at its receiver.
    let reg = register(&app, &admin, "admin_managed", SCOPES, false).await;
    let app_id = reg["app_id"].as_str().unwrap().to_owned();
    let rx = Receiver::start(SECRET).await;
    let (s, v) = app
        .put(
            &format!("/v2/marketplace/apps/{app_id}/event_subscription"),
            &admin,
            &json!({"url": rx.url, "secret_token": SECRET, "events": ["meeting.created"]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let client = client_for(&app, &reg);

    // The owner approves it for everyone.
    let crm = tokens(&app, &client, "owner@acme.test", &[], "account").await;
    let crm_token = crm.access_token().secret().clone();

    // The CRM maps its staff by email and schedules one meeting for each.
    let mut ids = Vec::new();
    for (email, id) in [("Mia@Acme.test", &mia), ("ben@acme.test", &ben)] {
        let (s, v) = app.get(&format!("/v2/users/{email}"), &crm_token).await;
        assert_eq!((s, v["id"].as_str()), (200, Some(id.as_str())), "{v}");
        let (s, v) = app
            .post(
                &format!("/v2/users/{email}/meetings"),
                &crm_token,
                &json!({"topic": format!("Call with {email}"), "type": 2,
                        "start_time": "2031-01-10T10:00:00Z", "duration": 30}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["host_id"].as_str(), Some(id.as_str()));
        ids.push(v["id"].as_i64().unwrap());
    }

    // Each user connects personally (a member gets the plain scopes only) and sees only
    // their own meeting; reaching the other's is refused.
    for (email, own, other) in [
        ("mia@acme.test", ids[0], &ben),
        ("ben@acme.test", ids[1], &mia),
    ] {
        let personal = tokens(&app, &client, email, &[], "personal").await;
        let token = personal.access_token().secret().clone();
        let (s, v) = app.get("/v2/users/me/meetings", &token).await;
        assert_eq!(s, 200, "{v}");
        let listed: Vec<i64> = v["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        assert_eq!(listed, [own], "{email}: {v}");
        let (s, v) = app
            .get(&format!("/v2/users/{other}/meetings"), &token)
            .await;
        assert_zoom_error(s, &v, 400, 4711);
    }

    // The receiver got both meetings, signed (it checks every signature itself).
    let got = rx
        .wait_for(Duration::from_secs(20), |r| {
            r.iter().filter(|d| d.event == "meeting.created").count() >= 2
        })
        .await;
    let mut hosts: Vec<String> = got
        .iter()
        .filter(|d| d.event == "meeting.created")
        .map(|d| {
            d.body["payload"]["object"]["host_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    hosts.sort();
    let mut want = vec![mia.clone(), ben.clone()];
    want.sort();
    assert_eq!(hosts, want);
    assert_eq!(rx.bad_signatures(), 0);

    // The admin disconnects the account-level install: its tokens fail at once, the refresh
    // token too, and the app is told; the personal connections live on.
    let (s, v) = app
        .delete(
            &format!("/v2/marketplace/apps/{app_id}/installation"),
            &admin,
        )
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(app.get("/v2/users/me", &crm_token).await.0, 401);
    let (s, _) = app
        .post(
            &format!("/v2/users/{mia}/meetings"),
            &crm_token,
            &json!({"type": 1}),
        )
        .await;
    assert_eq!(s, 401);
    assert!(client
        .exchange_refresh_token(crm.refresh_token().unwrap())
        .request_async(&crate::oauth_browser::no_redirects())
        .await
        .is_err());
    let got = rx
        .wait_for(Duration::from_secs(20), |r| {
            r.iter().any(|d| d.event == "app_deauthorized")
        })
        .await;
    let deauth = got.iter().find(|d| d.event == "app_deauthorized").unwrap();
    assert_eq!(deauth.body["payload"]["client_id"], reg["client_id"]);
    let (s, v) = app
        .get(
            &format!("/v2/marketplace/apps/{app_id}/connected_users?page_size=300"),
            &admin,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    for u in v["users"].as_array().unwrap() {
        let want = if u["email"] == "owner@acme.test" {
            "none"
        } else {
            "personal"
        };
        assert_eq!(u["connection"], want, "{u}");
    }
}

both_backends!(crm_connects_schedules_for_two_users_and_disconnects);
