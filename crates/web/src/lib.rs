//! Roster's web portal: server-rendered, localised pages (askama templates, plain forms, htmx
//! only as an enhancement) over the same service layer as the API, so every rule holds on
//! screen too. [`router`] gives the portal's routes; the binary merges them with the API's.
//!
//! Navigation is one list in `templates/base.html`; later pages (Roles, Groups, Audit log,
//! Meetings, …) add a route here, a module, a template and a nav entry.

// Handlers return `Result<_, Response>` to stop early with a finished page, axum's idiom.
#![allow(clippy::result_large_err)]

mod admin;
mod advanced;
mod assets;
mod auth;
mod billing;
mod ctx;
pub mod describe;
mod errors;
mod form;
pub mod i18n;
mod integrations;
mod meetings;
mod outbox;
mod pending;
mod profile;
mod proxies;
mod reset;
mod setup;
mod transfer;
mod user_edit;
mod user_remove;
mod users;
mod view;

use axum::routing::{get, post};
use axum::Router;
pub use proxies::TrustedProxies;
use roster_service::Service;
/// The incremental `multipart/form-data` reader of the portal's import form, which the API's
/// import uses too.
pub use transfer::multipart;

/// What the portal's handlers reach.
#[derive(Debug, Clone)]
pub struct WebState {
    pub service: Service,
    /// Whether cookies get `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// Whether an SMTP server delivers mail (else the Mail outbox page shows it).
    pub smtp_configured: bool,
    /// The reverse proxies whose `X-Forwarded-For` names the client (for the sign-in throttle).
    pub trusted_proxies: std::sync::Arc<TrustedProxies>,
}

impl WebState {
    pub fn new(service: Service, public_url: &str, smtp_configured: bool) -> Self {
        Self {
            service,
            secure_cookies: public_url.starts_with("https://"),
            smtp_configured,
            trusted_proxies: std::sync::Arc::default(),
        }
    }

    /// Believes `X-Forwarded-For` from these proxies.
    #[must_use]
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = std::sync::Arc::new(proxies);
        self
    }
}

/// The portal's routes, at `/`.
pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/", get(auth::home))
        .route("/static/{file}", get(assets::file))
        .route("/favicon.ico", get(assets::favicon))
        .route("/language", post(auth::set_language))
        .route("/setup", get(setup::show).post(setup::submit))
        .route("/signin", get(auth::show).post(auth::sign_in))
        .route("/signout", post(auth::sign_out))
        .route("/reset", get(reset::show).post(reset::request))
        .route("/reset/new", get(reset::show_new).post(reset::choose))
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
        .route(
            "/users/edit/{userId}/unlink",
            get(user_remove::ask_unlink).post(user_remove::unlink),
        )
        .route(
            "/users/edit/{userId}/delete",
            get(user_remove::ask_delete).post(user_remove::delete),
        )
        .route("/profile", get(profile::show).post(profile::save))
        .route("/outbox", get(outbox::list))
        // Integrations
        .route("/integrations", get(integrations::list))
        .route("/integrations/apps", post(integrations::create))
        .route("/integrations/apps/{appId}", get(integrations::app::show))
        .route(
            "/integrations/apps/{appId}/rotate",
            post(integrations::app::rotate),
        )
        .route(
            "/integrations/apps/{appId}/delete",
            post(integrations::app::delete),
        )
        .route(
            "/integrations/apps/{appId}/disconnect",
            post(integrations::app::disconnect),
        )
        .route(
            "/integrations/apps/{appId}/deliveries",
            get(integrations::deliveries::list),
        )
        .route(
            "/integrations/apps/{appId}/deliveries/{deliveryId}",
            get(integrations::deliveries::show),
        )
        .route(
            "/integrations/apps/{appId}/deliveries/{deliveryId}/redeliver",
            post(integrations::deliveries::redeliver),
        )
        .route("/integrations/mine", get(integrations::mine::list))
        .route(
            "/integrations/mine/{appId}/disconnect",
            post(integrations::mine::disconnect),
        )
        // Roles, Groups, External contacts, Audit log (admin pages)
        .route("/roles", get(admin::roles::list).post(admin::roles::create))
        .route(
            "/roles/{roleId}",
            get(admin::roles::show).post(admin::roles::save),
        )
        .route("/roles/{roleId}/delete", post(admin::roles::delete))
        .route("/roles/{roleId}/members", post(admin::roles::add_members))
        .route(
            "/roles/{roleId}/members/{userId}/remove",
            post(admin::roles::remove_member),
        )
        .route(
            "/groups",
            get(admin::groups::list).post(admin::groups::create),
        )
        .route("/groups/{kind}/{groupId}", get(admin::groups::show))
        .route(
            "/groups/{kind}/{groupId}/rename",
            post(admin::groups::rename),
        )
        .route(
            "/groups/{kind}/{groupId}/delete",
            post(admin::groups::delete),
        )
        .route(
            "/groups/{kind}/{groupId}/members",
            post(admin::groups::add_members),
        )
        .route(
            "/groups/{kind}/{groupId}/members/{userId}/remove",
            post(admin::groups::remove_member),
        )
        .route("/external-contacts", get(admin::external::list))
        .route("/external-contacts/remove", post(admin::external::remove))
        .route("/audit", get(admin::audit::list))
        // User management → Advanced, CSV import and export
        .route("/users/advanced", get(advanced::show))
        .route("/users/advanced/type", post(advanced::change_type))
        .route("/users/advanced/unlink", post(advanced::unlink))
        .route("/users/advanced/defaults", post(advanced::defaults))
        .route("/users/advanced/switch-group", post(advanced::switch_group))
        .route("/users/advanced/switch-chat", post(advanced::switch_chat))
        .route("/users/advanced/attributes", post(advanced::attribute_add))
        .route(
            "/users/advanced/attributes/{key}",
            post(advanced::attribute_edit),
        )
        .route(
            "/users/advanced/attributes/{key}/delete",
            post(advanced::attribute_delete),
        )
        .route("/users/advanced/domains", post(advanced::domain_add))
        .route(
            "/users/advanced/domains/{domain}",
            post(advanced::domain_update),
        )
        .route(
            "/users/advanced/domains/{domain}/verify",
            post(advanced::domain_verify),
        )
        .route(
            "/users/advanced/domains/{domain}/remove",
            post(advanced::domain_remove),
        )
        .route("/users/export", get(transfer::export))
        .route("/users/import", get(transfer::show).post(transfer::upload))
        .route("/users/import/{job}", get(transfer::status))
        .route("/users/import/{job}/run", post(transfer::run))
        .route("/users/import/{job}/report.csv", get(transfer::report))
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
