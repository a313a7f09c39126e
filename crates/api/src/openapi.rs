//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Roster",
        description = "A self-hosted control plane for video-meeting organisations. `/v2` is wire-compatible with Zoom's REST API v2; `/oauth/token` with Zoom's server-to-server OAuth."
    ),
    paths(
        crate::oauth::token,
        crate::zoom_v2::users::list::list_users,
        crate::zoom_v2::users::create::create_user,
        crate::zoom_v2::users::list::email_exists,
        crate::zoom_v2::users::bulk::add_users,
        crate::zoom_v2::users::bulk::bulk_update,
        crate::zoom_v2::users::import::import_users,
        crate::zoom_v2::users::import::export_users,
        crate::zoom_v2::users::get_user,
        crate::zoom_v2::users::update::update_user,
        crate::zoom_v2::users::remove::delete_user,
        crate::zoom_v2::users::set_password,
        crate::zoom_v2::users::remove::set_status,
        crate::zoom_v2::users::remove::resend_invitation,
        crate::zoom_v2::users::invitation::issue_invitation_link,
        crate::zoom_v2::users::settings::get_settings,
        crate::zoom_v2::users::settings::update_settings,
        crate::zoom_v2::meetings::create_meeting,
        crate::zoom_v2::meetings::get_meeting,
        crate::zoom_v2::meetings::list_meetings,
        crate::zoom_v2::meetings::update_meeting,
        crate::zoom_v2::meetings::delete_meeting,
        crate::zoom_v2::meetings::add_assistants,
        crate::zoom_v2::meetings::list_assistants,
        crate::zoom_v2::meetings::remove_all_assistants,
        crate::zoom_v2::meetings::remove_assistant,
        crate::zoom_v2::meetings::list_schedulers,
        crate::zoom_v2::groups::list,
        crate::zoom_v2::groups::create,
        crate::zoom_v2::groups::read,
        crate::zoom_v2::groups::rename,
        crate::zoom_v2::groups::remove,
        crate::zoom_v2::groups::members,
        crate::zoom_v2::groups::add_members,
        crate::zoom_v2::groups::remove_member,
        crate::zoom_v2::settings::get_account_settings,
        crate::zoom_v2::settings::update_account_settings,
        crate::zoom_v2::settings::get_account_lock_settings,
        crate::zoom_v2::settings::update_account_lock_settings,
        crate::zoom_v2::settings::get_group_settings,
        crate::zoom_v2::settings::update_group_settings,
        crate::zoom_v2::settings::get_group_lock_settings,
        crate::zoom_v2::settings::update_group_lock_settings,
        crate::zoom_v2::domains::list,
        crate::zoom_v2::domains::add,
        crate::zoom_v2::domains::verify,
        crate::zoom_v2::domains::update,
        crate::zoom_v2::domains::remove,
        crate::zoom_v2::webhooks::set_subscription,
        crate::zoom_v2::webhooks::get_subscription,
        crate::zoom_v2::webhooks::delete_subscription,
        crate::zoom_v2::webhooks::list_deliveries,
        crate::zoom_v2::webhooks::get_delivery,
        crate::zoom_v2::webhooks::redeliver,
        crate::zoom_v2::admin::summary,
        crate::zoom_v2::admin::change_type,
        crate::zoom_v2::admin::unlink,
        crate::zoom_v2::admin::get_defaults,
        crate::zoom_v2::admin::update_defaults,
        crate::zoom_v2::admin::switch_group,
        crate::zoom_v2::admin::switch_im_group,
        crate::zoom_v2::attributes::list,
        crate::zoom_v2::attributes::create,
        crate::zoom_v2::attributes::update,
        crate::zoom_v2::attributes::delete,
        crate::zoom_v2::roles::list_roles,
        crate::zoom_v2::roles::create_role,
        crate::zoom_v2::roles::get_role,
        crate::zoom_v2::roles::update_role,
        crate::zoom_v2::roles::delete_role,
        crate::zoom_v2::roles::list_members,
        crate::zoom_v2::roles::add_members,
        crate::zoom_v2::roles::remove_member,
        crate::zoom_v2::report::operation_logs,
        crate::zoom_v2::chat::list_contacts,
        crate::zoom_v2::chat::add_contact,
        crate::zoom_v2::chat::remove_contact,
        crate::zoom_v2::chat::create_channel,
        crate::zoom_v2::chat::list_channel_members,
        crate::zoom_v2::chat::add_channel_members,
        crate::zoom_v2::chat::remove_channel_member,
        crate::zoom_v2::chat::send_message,
        crate::zoom_v2::chat::list_messages,
        crate::zoom_v2::external::list_external_contacts,
        crate::zoom_v2::external::remove_external_contact,
        crate::zoom_v2::meeting_status::update_meeting_status,
        crate::oauth::revoke,
        crate::zoom_v2::apps::create_app,
        crate::zoom_v2::apps::list_apps,
        crate::zoom_v2::apps::get_app,
        crate::zoom_v2::apps::update_app,
        crate::zoom_v2::apps::delete_app,
        crate::zoom_v2::apps::rotate_secret,
        crate::zoom_v2::apps::connected_users,
        crate::zoom_v2::apps::disconnect_account,
        crate::zoom_v2::apps::user_apps,
        crate::zoom_v2::apps::disconnect_personal,
        crate::ops::healthz,
        crate::ops::metrics,
        crate::ops::openapi,
    ),
    modifiers(&Security, &Scopes),
    tags(
        (name = "users", description = "Zoom v2 users"),
        (name = "accounts", description = "Zoom v2 accounts: the caller's account's meeting settings and locks, and (Roster) its managed domains"),
        (name = "roles", description = "Zoom v2 roles: built-in Owner (0), Admin (1), Member (2) and custom roles"),
        (name = "report", description = "The audit log, as Zoom's operation-logs report"),
        (name = "groups", description = "Zoom v2 groups; chat groups are the same under /v2/im/groups"),
        (name = "chat", description = "Zoom v2 Team Chat, as far as external contacts need it: contacts, channels, messages; and Roster's admin view of external contacts"),
        (name = "meetings", description = "Zoom v2 meetings"),
        (name = "oauth", description = "OAuth 2.0"),
        (name = "marketplace", description = "The app registry (user- and admin-managed OAuth apps), installs and connected users"),
        (name = "ops", description = "Health, metrics and this document"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.add_security_scheme(
            "basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
    }
}

/// Each `/v2` operation's OAuth scopes, from the one table the server enforces
/// ([`crate::zoom_v2::scopes::RULES`]): alternatives, any one of which admits the call.
struct Scopes;

impl Modify for Scopes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::SecurityRequirement;
        for rule in crate::zoom_v2::scopes::RULES {
            let Some(item) = doc.paths.paths.get_mut(&format!("/v2{}", rule.path)) else {
                continue;
            };
            let op = match rule.method.as_str() {
                "GET" => item.get.as_mut(),
                "POST" => item.post.as_mut(),
                "PUT" => item.put.as_mut(),
                "PATCH" => item.patch.as_mut(),
                "DELETE" => item.delete.as_mut(),
                _ => None,
            };
            if let Some(op) = op {
                op.security = Some(
                    rule.need
                        .accepted()
                        .into_iter()
                        .map(|scope| SecurityRequirement::new("bearer", [scope]))
                        .collect(),
                );
            }
        }
    }
}

/// The document served at `/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}
