//! The portal's Integrations pages over the real server: registering, rotating and deleting
//! apps; installing an account-level app from its page without a second sign-in; connected
//! users and disconnecting; a member's own apps; the webhook delivery log and redelivery.
//! Every refused form changes nothing, and what the pages do shows through /v2.

use super::browser::{hidden, Browser, Page};
use super::{member, set_up, OWNER};
use crate::support::receiver::Receiver;
use crate::support::{spawn_app, Backend, Created, TestApp};
use std::time::Duration;

const CB: &str = "https://app.test/cb";

async fn one(app: &TestApp, sql: &str) -> String {
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let v: String = conn.fetch_one(sql, &[]).await.unwrap();
    drop(conn);
    db.close().await;
    v
}

async fn live_installs(app: &TestApp) -> i64 {
    app.db
        .count("oauth_installs WHERE revoked_at IS NULL")
        .await
}

/// A /v2 token acting as the owner of the portal's account.
async fn owner_token(app: &TestApp) -> String {
    let acct = Created {
        account_id: one(app, "SELECT id FROM accounts").await,
        owner_id: String::new(),
        client_id: String::new(),
        client_secret: String::new(),
    };
    app.token_for_user(&acct, OWNER).await
}

/// Registers an app through the form; returns its page and id.
async fn register(
    b: &mut Browser,
    csrf: &str,
    name: &str,
    kind: &str,
    scopes: &[&str],
) -> (Page, String) {
    let mut form = vec![
        ("csrf", csrf),
        ("name", name),
        ("kind", kind),
        ("redirect_uris", CB),
    ];
    for s in scopes {
        form.push(("scope", s));
    }
    let page = b.post("/integrations/apps", &form).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let id = page
        .body
        .split("action=\"/integrations/apps/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    (page, id)
}

/// The "Install for the account" link of an app's page.
fn install_link(page: &Page) -> String {
    page.body
        .split("id=\"install-link\"")
        .next()
        .unwrap()
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// Follows an authorize link with the portal session: the consent page comes straight away.
async fn approve(b: &mut Browser, link: &str, decision: &str) -> Page {
    let link = link.replace("&amp;", "&").replace("&#38;", "&");
    let consent = b.get(&link).await;
    assert_eq!(consent.status, 200, "{link}: {}", consent.body);
    assert!(consent.body.contains("Allow access?"), "{}", consent.body);
    assert!(!consent.body.contains("name=\"password\""));
    let flow = hidden(&consent.body, "flow").unwrap().replace("&amp;", "&");
    b.post(
        "/oauth/authorize/consent",
        &[("flow", &flow), ("decision", decision)],
    )
    .await
}

async fn admins_register_rotate_and_delete_apps(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let page = b.get("/integrations").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Register an app"), "{}", page.body);
    assert!(page.body.contains("See every user of the account"));
    let csrf = page.csrf();
    let apps_before = app.db.count("oauth_apps").await;

    // A forged form, a blank name, an admin scope on a user app: refused, nothing stored.
    let forged = b
        .post("/integrations/apps", &[("name", "X"), ("kind", "account")])
        .await;
    assert_eq!(forged.status, 403);
    let blank = b
        .post(
            "/integrations/apps",
            &[
                ("csrf", &csrf),
                ("name", " "),
                ("kind", "account"),
                ("redirect_uris", CB),
            ],
        )
        .await;
    assert_eq!(blank.status, 400, "{}", blank.body);
    assert!(
        blank.body.contains("id=\"app_name-error\""),
        "{}",
        blank.body
    );
    let admin_scope = b
        .post(
            "/integrations/apps",
            &[
                ("csrf", &csrf),
                ("name", "Mine"),
                ("kind", "user"),
                ("redirect_uris", CB),
                ("scope", "user:read:admin"),
            ],
        )
        .await;
    assert_eq!(admin_scope.status, 400);
    assert!(
        admin_scope.body.contains("id=\"scopes-error\""),
        "{}",
        admin_scope.body
    );
    let bad_uri = b
        .post(
            "/integrations/apps",
            &[
                ("csrf", &csrf),
                ("name", "Mine"),
                ("kind", "user"),
                ("redirect_uris", "ftp://x"),
            ],
        )
        .await;
    assert_eq!(bad_uri.status, 400);
    assert!(
        bad_uri.body.contains("id=\"redirect_uris-error\""),
        "{}",
        bad_uri.body
    );
    assert_eq!(app.db.count("oauth_apps").await, apps_before);

    // Registered: the secret is shown once, and the app is there through /v2.
    let (page, id) = register(
        &mut b,
        &csrf,
        "Roster Sync",
        "account",
        &["user:read:admin"],
    )
    .await;
    assert!(page.body.contains("id=\"client-secret\""), "{}", page.body);
    let secret = page
        .body
        .split("id=\"client-secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let token = owner_token(&app).await;
    let (s, v) = app.get(&format!("/v2/marketplace/apps/{id}"), &token).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["app_name"], "Roster Sync", "{v}");
    let shown = b.get(&format!("/integrations/apps/{id}")).await;
    assert_eq!(shown.status, 200);
    assert!(
        !shown.body.contains("id=\"client-secret\""),
        "the secret is shown once"
    );
    assert!(b.get("/integrations").await.body.contains("Roster Sync"));

    // Rotation shows a new secret; French pages say so in French.
    let rotated = b
        .post(
            &format!("/integrations/apps/{id}/rotate"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    assert!(rotated.body.contains("the old one no longer works"));
    assert!(!rotated.body.contains(&secret));
    let missing = b.get("/integrations/apps/nope").await;
    assert_eq!(missing.status, 404);

    // A forged delete changes nothing; a real one removes it from /v2's list.
    let forged = b
        .post(&format!("/integrations/apps/{id}/delete"), &[])
        .await;
    assert_eq!(forged.status, 403);
    let (_, v) = app.get(&format!("/v2/marketplace/apps/{id}"), &token).await;
    assert_eq!(v["app_name"], "Roster Sync");
    let gone = b
        .post(
            &format!("/integrations/apps/{id}/delete"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    let (s, _) = app.get(&format!("/v2/marketplace/apps/{id}"), &token).await;
    assert_eq!(s, 404);
    assert!(!b.get("/integrations").await.body.contains("Roster Sync"));
}

async fn an_admin_installs_for_the_account_and_disconnects(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let csrf = b.get("/integrations").await.csrf();
    let (page, id) = register(&mut b, &csrf, "Rostering", "account", &["user:read:admin"]).await;
    let link = install_link(&page);
    assert!(link.starts_with("/oauth/authorize?"), "{link}");
    // Signed in to the portal: no second sign-in, straight to consent.
    let done = approve(&mut b, &link, "account").await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done
        .location
        .as_deref()
        .unwrap()
        .starts_with("https://app.test/cb?code="));
    assert_eq!(live_installs(&app).await, 1);
    let page = b.get(&format!("/integrations/apps/{id}")).await;
    assert!(
        page.body.contains("Through the account install"),
        "{}",
        page.body
    );

    // Through /v2 too.
    let token = owner_token(&app).await;
    let (s, v) = app
        .get(
            &format!("/v2/marketplace/apps/{id}/connected_users"),
            &token,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(v.to_string().contains("account"), "{v}");

    // Someone signed out still gets the sign-in form.
    let mut anon = Browser::new(&app.base);
    let form = anon.get(&link.replace("&#38;", "&")).await;
    assert!(form.body.contains("name=\"password\""), "{}", form.body);

    // Disconnecting a personal connection nobody has: a message, nothing changes.
    let none = b
        .post(
            &format!("/integrations/apps/{id}/disconnect"),
            &[("csrf", &csrf), ("user", "nobody")],
        )
        .await;
    assert_eq!(none.status, 400, "{}", none.body);
    assert!(none.body.contains("nothing to disconnect"), "{}", none.body);
    let forged = b
        .post(
            &format!("/integrations/apps/{id}/disconnect"),
            &[("user", "account")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(live_installs(&app).await, 1);

    let off = b
        .post(
            &format!("/integrations/apps/{id}/disconnect"),
            &[("csrf", &csrf), ("user", "account")],
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert!(off.body.contains("Disconnected."));
    assert_eq!(live_installs(&app).await, 0);
}

async fn members_see_and_disconnect_their_own_apps(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up(&app).await;
    let csrf = owner.get("/integrations").await.csrf();
    let (_, id) = register(&mut owner, &csrf, "Calendar", "user", &["meeting:read"]).await;
    let mut mia = member(&app, &mut owner, "mia@acme.test").await;

    // Members reach only their own connections; the nav says Integrations.
    let r = mia.get("/integrations").await;
    assert_eq!(r.location.as_deref(), Some("/integrations/mine"));
    let mine = mia.get("/integrations/mine").await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert!(mine.body.contains("You have no connected apps."));
    assert!(mine.body.contains("href=\"/integrations/mine\""));
    assert_eq!(
        mia.get(&format!("/integrations/apps/{id}")).await.status,
        403
    );
    let mcsrf = mine.csrf();
    let refused = mia
        .post(
            "/integrations/apps",
            &[
                ("csrf", &mcsrf),
                ("name", "Evil"),
                ("kind", "user"),
                ("redirect_uris", CB),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(!owner.get("/integrations").await.body.contains("Evil"));

    // Mia installs it for herself, signed in to the portal only.
    let client_id = one(
        &app,
        &format!("SELECT client_id FROM oauth_apps WHERE id = '{id}'"),
    )
    .await;
    let link = format!("/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=https%3A%2F%2Fapp.test%2Fcb");
    let done = approve(&mut mia, &link, "personal").await;
    assert_eq!(done.status, 303, "{}", done.body);
    let mine = mia.get("/integrations/mine").await;
    assert!(mine.body.contains("Calendar"), "{}", mine.body);
    assert!(mine.body.contains("Personal"));
    let admin_view = owner.get(&format!("/integrations/apps/{id}")).await;
    assert!(admin_view.body.contains("Personal"), "{}", admin_view.body);

    // Disconnecting an app she has no connection to: a message, nothing changes.
    let bad = mia
        .post("/integrations/mine/nope/disconnect", &[("csrf", &mcsrf)])
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.body.contains("does not exist in your account"),
        "{}",
        bad.body
    );
    assert_eq!(live_installs(&app).await, 1);
    let off = mia
        .post(
            &format!("/integrations/mine/{id}/disconnect"),
            &[("csrf", &mcsrf)],
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert!(off.body.contains("You have no connected apps."));
    assert_eq!(live_installs(&app).await, 0);

    // Again, and this time the admin disconnects her personal connection.
    approve(&mut mia, &link, "personal").await;
    assert_eq!(live_installs(&app).await, 1);
    let mia_id = one(&app, "SELECT id FROM users WHERE email = 'mia@acme.test'").await;
    let off = owner
        .post(
            &format!("/integrations/apps/{id}/disconnect"),
            &[("csrf", &csrf), ("user", &mia_id)],
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(live_installs(&app).await, 0);
    let token = owner_token(&app).await;
    let (_, v) = app
        .get(&format!("/v2/marketplace/users/{mia_id}/apps"), &token)
        .await;
    assert!(!v.to_string().contains("Calendar"), "{v}");
}

async fn admins_read_the_delivery_log_and_redeliver(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let csrf = b.get("/integrations").await.csrf();
    let (_, id) = register(&mut b, &csrf, "Hooks", "account", &["user:read:admin"]).await;
    let token = owner_token(&app).await;
    let secret = "whsec-portal-0123456789";
    let rx = Receiver::start(secret).await;
    let (s, v) = app
        .put(
            &format!("/v2/marketplace/apps/{id}/event_subscription"),
            &token,
            &serde_json::json!({"url": rx.url, "secret_token": secret, "events": ["user.created"]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let page = b.get(&format!("/integrations/apps/{id}")).await;
    assert!(page.body.contains(&rx.url), "{}", page.body);
    // Events reach an account-level app once it is installed for the account.
    let done = approve(&mut b, &install_link(&page), "account").await;
    assert_eq!(done.status, 303, "{}", done.body);

    app.add_user(&token, "create", "kim@acme.test", 1).await;
    rx.wait_for(Duration::from_secs(10), |r| !r.is_empty())
        .await;
    let mut log = b.get(&format!("/integrations/apps/{id}/deliveries")).await;
    for _ in 0..100 {
        if log.body.contains("Delivered") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        log = b.get(&format!("/integrations/apps/{id}/deliveries")).await;
    }
    assert_eq!(log.status, 200, "{}", log.body);
    assert!(log.body.contains("user.created"), "{}", log.body);
    assert!(log.body.contains("Delivered"), "{}", log.body);
    let did = log
        .body
        .split(&format!("/integrations/apps/{id}/deliveries/"))
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();

    // A bad filter shows next to the filter; a missing delivery is a 404.
    let bad = b
        .get(&format!("/integrations/apps/{id}/deliveries?status=lost"))
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"status-error\""), "{}", bad.body);
    assert_eq!(
        b.get(&format!("/integrations/apps/{id}/deliveries/999999"))
            .await
            .status,
        404
    );

    let one_page = b
        .get(&format!("/integrations/apps/{id}/deliveries/{did}"))
        .await;
    assert_eq!(one_page.status, 200, "{}", one_page.body);
    assert!(one_page.body.contains("kim@acme.test"), "{}", one_page.body);

    // A forged redelivery changes nothing; a real one sends it again.
    let forged = b
        .post(
            &format!("/integrations/apps/{id}/deliveries/{did}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(rx.received().len(), 1);
    let again = b
        .post(
            &format!("/integrations/apps/{id}/deliveries/{did}/redeliver"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(again.body.contains("will be sent again"), "{}", again.body);
    rx.wait_for(Duration::from_secs(10), |r| r.len() >= 2).await;
    let (s, v) = app
        .get(
            &format!("/v2/marketplace/apps/{id}/webhook_deliveries/{did}"),
            &token,
        )
        .await;
    assert_eq!(s, 200, "{v}");
}

both_backends!(
    admins_register_rotate_and_delete_apps,
    an_admin_installs_for_the_account_and_disconnects,
    members_see_and_disconnect_their_own_apps,
    admins_read_the_delivery_log_and_redeliver,
);
