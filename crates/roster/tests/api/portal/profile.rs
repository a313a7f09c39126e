//! My profile: dates follow the user's time zone and the page its language; a refused change
//! shows why and stores nothing.

use super::set_up;
use crate::support::{spawn_app, Backend};

async fn dates_follow_the_profile_time_zone(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut b = set_up(&app).await;
    let page = b.get("/users").await;
    assert!(page.body.contains(" UTC</td>"), "{}", page.body);
    let csrf = page.csrf();

    let long = "O".repeat(65);
    let bad = b
        .post(
            "/profile",
            &[
                ("csrf", csrf.as_str()),
                ("first_name", long.as_str()),
                ("timezone", "Asia/Tokyo"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.body
            .contains("id=\"first_name-error\" role=\"alert\">This text is too long: at most 64"),
        "{}",
        bad.body
    );
    let db = app.db.open().await;
    let mut conn = db.read().await.unwrap();
    let tz: String = conn
        .fetch_one("SELECT timezone FROM users", &[])
        .await
        .unwrap();
    drop(conn);
    db.close().await;
    assert_ne!(tz, "Asia/Tokyo", "a refused profile change stores nothing");

    let ok = b
        .post(
            "/profile",
            &[
                ("csrf", csrf.as_str()),
                ("first_name", "Olga"),
                ("timezone", "Asia/Tokyo"),
                ("language", "pl"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    // The profile's language now chooses the page's, and dates are in Tokyo time.
    let page = b.get("/users").await;
    assert!(page.body.contains("<html lang=\"pl\">"), "{}", page.body);
    assert!(page.body.contains(" JST</td>"), "{}", page.body);
}

both_backends!(dates_follow_the_profile_time_zone);
