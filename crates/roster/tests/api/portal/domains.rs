//! The managed domains' default type on the Advanced tab offers exactly the types the service
//! accepts: every offered one is taken, and a type it does not offer (a forged form) is
//! refused next to the section, in the page's language, changing nothing.

use super::browser::Browser;
use super::set_up;
use crate::support::{spawn_app, Backend};

/// The values of the `<select>` with `id`.
fn options(body: &str, id: &str) -> Vec<String> {
    let select = body
        .split(&format!("<select id=\"{id}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no select {id} in {body}"));
    let select = select.split("</select>").next().unwrap();
    select
        .split("<option value=\"")
        .skip(1)
        .map(|o| o.split('"').next().unwrap().to_owned())
        .collect()
}

async fn one(app: &crate::support::TestApp, sql: &str) -> String {
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let v: String = conn.fetch_one(sql, &[]).await.unwrap();
    drop(conn);
    db.close().await;
    v
}

async fn the_default_type_offers_only_what_the_service_takes(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b: Browser = set_up(&app).await;
    let page = b.get("/users/advanced").await;
    // No On-Prem on this account, and never Unassigned (4) or None (99).
    assert_eq!(options(&page.body, "dom-type"), ["", "1", "2"]);
    let csrf = page.csrf();
    let added = b
        .post(
            "/users/advanced/domains",
            &[
                ("csrf", &csrf),
                ("domain", "acme.test"),
                ("default_type", "2"),
            ],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(options(&added.body, "dt-acme.test"), ["", "1", "2"]);
    // Every offered type is taken.
    for t in ["1", "2", ""] {
        let set = b
            .post(
                "/users/advanced/domains/acme.test",
                &[("csrf", &csrf), ("default_type", t), ("default_group", "")],
            )
            .await;
        assert_eq!(set.status, 200, "{t}: {}", set.body);
        assert!(!set.body.contains("class=\"error\""), "{t}: {}", set.body);
    }
    b.post(
        "/users/advanced/domains/acme.test",
        &[
            ("csrf", &csrf),
            ("default_type", "2"),
            ("default_group", ""),
        ],
    )
    .await;
    let stored = "SELECT CAST(default_type AS TEXT) FROM managed_domains";
    assert_eq!(one(&app, stored).await, "2");
    // What it does not offer is refused in the page's language, and nothing changes.
    b.cookies.insert("roster_lang".into(), "pl".into());
    for t in ["4", "3", "99"] {
        let forged = b
            .post(
                "/users/advanced/domains/acme.test",
                &[("csrf", &csrf), ("default_type", t), ("default_group", "")],
            )
            .await;
        let note = forged
            .body
            .split("id=\"note-domains\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{t}: {}", forged.body));
        assert!(
            note.contains("On-Prem") && !note.contains("must be"),
            "{t}: {note}"
        );
        assert_eq!(one(&app, stored).await, "2");
    }
}

both_backends!(the_default_type_offers_only_what_the_service_takes);
