//! Roster's HTTP interface, a thin adapter over the service layer: `/v2` (Zoom's REST API v2),
//! `/oauth/token`, and the operational endpoints. Handlers extract the caller and a DTO, call
//! one service function and map its result; no SQL and no rules live here.

pub mod activate;
pub mod authorize;
pub mod error;
pub mod extract;
pub mod live;
pub mod metrics;
pub mod oauth;
pub mod openapi;
pub mod ops;
pub mod scim;
pub mod signup;
pub mod zoom_v2;

pub use error::ZoomError;
pub use metrics::Metrics;

use axum::extract::Request;
use axum::http::{HeaderName, StatusCode};
use axum::routing::{get, post, put};
use axum::Router;
use roster_service::Service;
use std::sync::Arc;
use tower::Layer;
use tower_http::normalize_path::{NormalizePath, NormalizePathLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub service: Service,
    pub metrics: Arc<Metrics>,
    /// The server's public base URL (returned as `api_url` with tokens).
    pub public_url: Arc<str>,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The application's routes with their middleware.
pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// The application's routes merged with `portal` (the web portal's pages, which must not
/// reuse an API path), all behind the same middleware; unknown paths get the API's 404.
pub fn router_with(state: AppState, portal: Router) -> Router {
    use zoom_v2::users;
    let v2 = Router::new()
        .route("/users", get(users::list_users).post(users::create_user))
        .route("/users/email", get(users::email_exists))
        .route("/users/batch", post(users::bulk::add_users))
        .route("/users/bulk", post(users::bulk::bulk_update))
        .route("/users/import", post(users::import::import_users))
        .route("/users/export", get(users::import::export_users))
        .route(
            "/users/{userId}",
            get(users::get_user)
                .patch(users::update_user)
                .delete(users::delete_user),
        )
        .route("/users/{userId}/password", put(users::set_password))
        .route("/users/{userId}/status", put(users::set_status))
        .route(
            "/users/{userId}/invitation",
            post(users::remove::resend_invitation),
        )
        .route(
            "/users/{userId}/invitation/link",
            post(users::invitation::issue_invitation_link),
        )
        .route(
            "/users/{userId}/settings",
            get(users::get_settings).patch(users::update_settings),
        );
    use zoom_v2::roles;
    let v2 = v2
        .route(
            "/report/operationlogs",
            get(zoom_v2::report::operation_logs),
        )
        .route(
            "/accounts/{accountId}/settings",
            get(zoom_v2::settings::get_account_settings)
                .patch(zoom_v2::settings::update_account_settings),
        )
        .route(
            "/accounts/{accountId}/lock_settings",
            get(zoom_v2::settings::get_account_lock_settings)
                .patch(zoom_v2::settings::update_account_lock_settings),
        )
        .route(
            "/accounts/{accountId}/managed_domains",
            get(zoom_v2::domains::list).post(zoom_v2::domains::add),
        )
        .route(
            "/accounts/{accountId}/managed_domains/{domain}",
            axum::routing::patch(zoom_v2::domains::update).delete(zoom_v2::domains::remove),
        )
        .route(
            "/accounts/{accountId}/managed_domains/{domain}/verify",
            post(zoom_v2::domains::verify),
        )
        .route(
            "/accounts/{accountId}/users/summary",
            get(zoom_v2::admin::summary),
        )
        .route(
            "/accounts/{accountId}/users/change_type",
            post(zoom_v2::admin::change_type),
        )
        .route(
            "/accounts/{accountId}/users/unlink",
            post(zoom_v2::admin::unlink),
        )
        .route(
            "/accounts/{accountId}/users/switch_group",
            post(zoom_v2::admin::switch_group),
        )
        .route(
            "/accounts/{accountId}/users/switch_im_group",
            post(zoom_v2::admin::switch_im_group),
        )
        .route(
            "/accounts/{accountId}/user_defaults",
            get(zoom_v2::admin::get_defaults).patch(zoom_v2::admin::update_defaults),
        )
        .route(
            "/accounts/{accountId}/custom_attributes",
            get(zoom_v2::attributes::list).post(zoom_v2::attributes::create),
        )
        .route(
            "/accounts/{accountId}/custom_attributes/{key}",
            axum::routing::patch(zoom_v2::attributes::update).delete(zoom_v2::attributes::delete),
        )
        .route("/roles", get(roles::list_roles).post(roles::create_role))
        .route(
            "/roles/{roleId}",
            get(roles::get_role)
                .patch(roles::update_role)
                .delete(roles::delete_role),
        )
        .route(
            "/roles/{roleId}/members",
            get(roles::list_members).post(roles::add_members),
        )
        .route(
            "/roles/{roleId}/members/{memberId}",
            axum::routing::delete(roles::remove_member),
        )
        .nest(
            "/groups",
            zoom_v2::groups::routes(roster_service::groups::Kind::Settings),
        )
        .nest(
            "/im/groups",
            zoom_v2::groups::routes(roster_service::groups::Kind::Chat),
        );
    use zoom_v2::webhooks;
    let v2 = v2
        .route(
            "/marketplace/apps/{appId}/event_subscription",
            get(webhooks::get_subscription)
                .put(webhooks::set_subscription)
                .delete(webhooks::delete_subscription),
        )
        .route(
            "/marketplace/apps/{appId}/webhook_deliveries",
            get(webhooks::list_deliveries),
        )
        .route(
            "/marketplace/apps/{appId}/webhook_deliveries/{deliveryId}",
            get(webhooks::get_delivery),
        )
        .route(
            "/marketplace/apps/{appId}/webhook_deliveries/{deliveryId}/redeliver",
            post(webhooks::redeliver),
        );
    use zoom_v2::meetings;
    let v2 = v2
        .route(
            "/users/{userId}/meetings",
            get(meetings::list_meetings).post(meetings::create_meeting),
        )
        .route(
            "/meetings/{meetingId}",
            get(meetings::get_meeting)
                .patch(meetings::update_meeting)
                .delete(meetings::delete_meeting),
        )
        .route(
            "/users/{userId}/assistants",
            get(meetings::list_assistants)
                .post(meetings::add_assistants)
                .delete(meetings::remove_all_assistants),
        )
        .route(
            "/users/{userId}/assistants/{assistantId}",
            axum::routing::delete(meetings::remove_assistant),
        )
        .route("/users/{userId}/schedulers", get(meetings::list_schedulers));
    use zoom_v2::apps;
    let v2 = v2
        .route(
            "/marketplace/apps",
            get(apps::list_apps).post(apps::create_app),
        )
        .route(
            "/marketplace/apps/{appId}",
            get(apps::get_app)
                .patch(apps::update_app)
                .delete(apps::delete_app),
        )
        .route(
            "/marketplace/apps/{appId}/client_secret",
            post(apps::rotate_secret),
        )
        .route(
            "/marketplace/apps/{appId}/connected_users",
            get(apps::connected_users),
        )
        .route(
            "/marketplace/apps/{appId}/installation",
            axum::routing::delete(apps::disconnect_account),
        )
        .route("/marketplace/users/{userId}/apps", get(apps::user_apps))
        .route(
            "/marketplace/users/me/apps/{appId}",
            axum::routing::delete(apps::disconnect_personal),
        );
    use zoom_v2::{chat, external};
    let v2 = v2
        .route(
            "/chat/users/{userId}/contacts",
            get(chat::list_contacts).post(chat::add_contact),
        )
        .route(
            "/chat/users/{userId}/contacts/{contactEmail}",
            axum::routing::delete(chat::remove_contact),
        )
        .route("/chat/users/{userId}/channels", post(chat::create_channel))
        .route(
            "/chat/users/{userId}/channels/{channelId}/members",
            get(chat::list_channel_members).post(chat::add_channel_members),
        )
        .route(
            "/chat/users/{userId}/channels/{channelId}/members/{memberId}",
            axum::routing::delete(chat::remove_channel_member),
        )
        .route(
            "/chat/users/{userId}/messages",
            get(chat::list_messages).post(chat::send_message),
        )
        .route(
            "/chat/external_contacts",
            get(external::list_external_contacts),
        )
        .route(
            "/chat/external_contacts/{email}",
            axum::routing::delete(external::remove_external_contact),
        )
        .route(
            "/meetings/{meetingId}/status",
            put(zoom_v2::meeting_status::update_meeting_status),
        );
    // Every /v2 endpoint checks its OAuth scope here, in one place (zoom_v2::scopes::RULES).
    let v2 = v2.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        zoom_v2::scopes::require_scope,
    ));
    let metrics = Arc::clone(&state.metrics);
    Router::new()
        .nest("/v2", v2)
        .nest("/scim2", scim::router())
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/revoke", post(oauth::revoke))
        .route("/oauth/authorize", get(authorize::authorize))
        .route("/oauth/authorize/signin", post(authorize::sign_in))
        .route("/oauth/authorize/consent", post(authorize::decide))
        .route("/activate", get(activate::show).post(activate::submit))
        .route("/signup", get(signup::show).post(signup::submit))
        .route("/s/{meetingId}", get(live::start))
        .route("/j/{meetingId}", get(live::show).post(live::join))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi))
        .fallback(|| async { ZoomError::not_recognized(StatusCode::NOT_FOUND) })
        .method_not_allowed_fallback(|| async {
            ZoomError::not_recognized(StatusCode::METHOD_NOT_ALLOWED)
        })
        .with_state(state)
        .merge(portal)
        .route_layer(axum::middleware::from_fn_with_state(metrics, metrics::track))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// The router behind trailing-slash normalisation (`/v2/users/me/` is `/v2/users/me`). This has
/// to wrap the router from outside, since routing happens inside it.
pub fn app(state: AppState) -> NormalizePath<Router> {
    app_with(state, Router::new())
}

/// [`app`] with the web portal's routes merged in (see [`router_with`]).
pub fn app_with(state: AppState, portal: Router) -> NormalizePath<Router> {
    NormalizePathLayer::trim_trailing_slash().layer(router_with(state, portal))
}
