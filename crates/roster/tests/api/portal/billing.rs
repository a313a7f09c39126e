//! The portal's Billing page over the real server: the plan, the payment method's status (and
//! the payment gate of a free plan), and seats used and free per pool; refused to members (see
//! the meetings tests).

use super::meetings::set_up_on;
use crate::support::{spawn_app, Backend};

async fn billing_shows_plan_seats_and_the_payment_gate(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up_on(&app, "business").await;
    let page = owner.get("/billing").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("href=\"/billing\""), "nav entry");
    assert!(
        page.body.contains("<dd id=\"plan\">Business</dd>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<dd id=\"payment\">On record</dd>"));
    assert!(!page.body.contains("payment-required"));
    assert!(
        page.body
            .contains("<th scope=\"row\">Licensed</th><td>10</td><td>1</td><td>9</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Webinar add-on"));
    assert!(page.body.contains("On-Prem"));

    // In French.
    owner.accept_language = Some("fr".to_owned());
    let csrf = page.csrf();
    owner
        .post(
            "/language",
            &[("csrf", &csrf), ("lang", "fr"), ("back", "/billing")],
        )
        .await;
    let fr = owner.get("/billing").await;
    assert!(fr.body.contains("Facturation"), "{}", fr.body);
}

async fn billing_explains_the_payment_gate_on_a_free_plan(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut owner = set_up_on(&app, "free").await;
    let page = owner.get("/billing").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<dd id=\"payment\">None on record</dd>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"payment-required\""));
    assert!(page.body.contains("roster account verify-payment "));
}

both_backends!(
    billing_shows_plan_seats_and_the_payment_gate,
    billing_explains_the_payment_gate_on_a_free_plan,
);
