//! Roster's web portal: server-rendered, localised pages (askama templates, plain forms, htmx
//! only as an enhancement) over the same service layer as the API, so every rule holds on
//! screen too. [`router`] gives the portal's routes; the binary merges them with the API's.
//!
//! Navigation is one list in `templates/base.html`; later pages (Roles, Groups, Audit log,
//! Meetings, …) add a route here, a module, a template and a nav entry.

mod assets;
mod auth;
mod billing;
mod ctx;
mod errors;
mod form;
pub mod i18n;
mod meetings;
mod outbox;
mod pending;
mod profile;
mod setup;
mod user_edit;
mod users;
mod view;

use axum::routing::{get, post};
use axum::Router;
use roster_service::Service;

/// What the portal's handlers reach.
#[derive(Debug, Clone)]
pub struct WebState {
    pub service: Service,
    /// Whether cookies get `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// Whether an SMTP server delivers mail (else the Mail outbox page shows it).
    pub smtp_configured: bool,
}

impl WebState {
    pub fn new(service: Service, public_url: &str, smtp_configured: bool) -> Self {
        Self {
            service,
            secure_cookies: public_url.starts_with("https://"),
            smtp_configured,
        }
    }
}

/// The portal's routes, at `/`.
pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/", get(auth::home))
        .route("/static/{file}", get(assets::file))
        .route("/language", post(auth::set_language))
        .route("/setup", get(setup::show).post(setup::submit))
        .route("/signin", get(auth::show).post(auth::sign_in))
        .route("/signout", post(auth::sign_out))
        .route("/users", get(users::list))
        .route("/users/add", post(users::add))
        .route("/users/bulk", post(users::bulk))
        .route("/users/pending", get(pending::list))
        .route("/users/pending/{userId}/resend", post(pending::resend))
        .route("/users/pending/{userId}/delete", post(pending::delete))
        .route(
            "/users/edit/{userId}",
            get(user_edit::show).post(user_edit::save),
        )
        .route("/users/edit/{userId}/status", post(user_edit::status))
        .route("/profile", get(profile::show).post(profile::save))
        .route("/outbox", get(outbox::list))
        // Meetings and Billing
        .route(
            "/meetings",
            get(meetings::own::list).post(meetings::own::schedule),
        )
        .route("/meetings/all", get(meetings::all::list))
        .route(
            "/meetings/{meetingId}/edit",
            get(meetings::edit::show).post(meetings::edit::save),
        )
        .route("/meetings/{meetingId}/start", post(meetings::own::start))
        .route("/meetings/{meetingId}/end", post(meetings::own::end))
        .route("/meetings/{meetingId}/delete", post(meetings::own::delete))
        .route("/billing", get(billing::show))
        .with_state(state)
}
