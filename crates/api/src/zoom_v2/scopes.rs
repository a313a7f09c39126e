//! The OAuth scope every `/v2` endpoint needs, in one table ([`RULES`]), and the one check
//! that enforces it ([`require_scope`], a route layer over all of `/v2`): it authenticates the
//! bearer token, refuses a token without the endpoint's scope (Zoom's 400, code 4711), refuses
//! a user-level scope aimed at another user's `userId` (the same answer, naming the `:admin`
//! scope), and hands the handler its [`Caller`] with the reach the scope grants. A matched
//! route missing from the table is refused too: nothing is served undeclared.

use crate::extract::{bearer, Caller};
use crate::{AppState, ZoomError};
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::{request::Parts, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use roster_domain::{Family, Need, Reach};

/// One endpoint: method, path under `/v2` (as routed), and the scope it needs.
#[derive(Debug, Clone)]
pub struct Rule {
    pub method: Method,
    pub path: &'static str,
    pub need: Need,
}

const fn rule(method: Method, path: &'static str, need: Need) -> Rule {
    Rule { method, path, need }
}

use Family::{
    Account as Acct, App, ChatChannel, ChatContact, ChatMessage, Group, ImGroup, Meeting, Report,
    Role, User,
};
const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PATCH: Method = Method::PATCH;
const PUT: Method = Method::PUT;
const DELETE: Method = Method::DELETE;
const fn read(f: Family) -> Need {
    Need::read(f)
}
const fn write(f: Family) -> Need {
    Need::write(f)
}

/// Every `/v2` endpoint and its scope. A user-level scope (`user:read`, `meeting:write`,
/// `chat_message:read` …) reaches only the caller; `:admin` reaches the whole account.
pub const RULES: &[Rule] = &[
    // Users.
    rule(
        GET,
        "/users",
        read(User).admin().or_granular("user:read:list_users"),
    ),
    rule(
        POST,
        "/users",
        write(User).admin().or_granular("user:write:user"),
    ),
    rule(GET, "/users/email", read(User).admin()),
    rule(POST, "/users/batch", write(User).admin()),
    rule(POST, "/users/bulk", write(User).admin()),
    rule(POST, "/users/import", write(User).admin()),
    rule(GET, "/users/export", read(User).admin()),
    rule(
        GET,
        "/users/{userId}",
        read(User).or_granular("user:read:user"),
    ),
    rule(
        PATCH,
        "/users/{userId}",
        write(User).or_granular("user:update:user"),
    ),
    rule(
        DELETE,
        "/users/{userId}",
        write(User).admin().or_granular("user:delete:user"),
    ),
    rule(PUT, "/users/{userId}/password", write(User)),
    rule(PUT, "/users/{userId}/status", write(User).admin()),
    rule(POST, "/users/{userId}/invitation", write(User).admin()),
    rule(POST, "/users/{userId}/invitation/link", write(User).admin()),
    rule(
        GET,
        "/users/{userId}/settings",
        read(User).or_granular("user:read:settings"),
    ),
    rule(
        PATCH,
        "/users/{userId}/settings",
        write(User).or_granular("user:update:settings"),
    ),
    rule(GET, "/users/{userId}/assistants", read(User)),
    rule(POST, "/users/{userId}/assistants", write(User)),
    rule(DELETE, "/users/{userId}/assistants", write(User)),
    rule(
        DELETE,
        "/users/{userId}/assistants/{assistantId}",
        write(User),
    ),
    rule(GET, "/users/{userId}/schedulers", read(User)),
    // Meetings.
    rule(
        GET,
        "/users/{userId}/meetings",
        read(Meeting).or_granular("meeting:read:list_meetings"),
    ),
    rule(
        POST,
        "/users/{userId}/meetings",
        write(Meeting).or_granular("meeting:write:meeting"),
    ),
    rule(
        GET,
        "/meetings/{meetingId}",
        read(Meeting).or_granular("meeting:read:meeting"),
    ),
    rule(
        PATCH,
        "/meetings/{meetingId}",
        write(Meeting).or_granular("meeting:update:meeting"),
    ),
    rule(
        DELETE,
        "/meetings/{meetingId}",
        write(Meeting).or_granular("meeting:delete:meeting"),
    ),
    rule(
        PUT,
        "/meetings/{meetingId}/status",
        write(Meeting).or_granular("meeting:update:meeting"),
    ),
    // The account.
    rule(GET, "/report/operationlogs", read(Report)),
    rule(GET, "/accounts/{accountId}/settings", read(Acct)),
    rule(PATCH, "/accounts/{accountId}/settings", write(Acct)),
    rule(GET, "/accounts/{accountId}/lock_settings", read(Acct)),
    rule(PATCH, "/accounts/{accountId}/lock_settings", write(Acct)),
    rule(GET, "/accounts/{accountId}/managed_domains", read(Acct)),
    rule(POST, "/accounts/{accountId}/managed_domains", write(Acct)),
    rule(
        PATCH,
        "/accounts/{accountId}/managed_domains/{domain}",
        write(Acct),
    ),
    rule(
        DELETE,
        "/accounts/{accountId}/managed_domains/{domain}",
        write(Acct),
    ),
    rule(
        POST,
        "/accounts/{accountId}/managed_domains/{domain}/verify",
        write(Acct),
    ),
    rule(
        GET,
        "/accounts/{accountId}/users/summary",
        read(User).admin().or_granular("user:read:summary"),
    ),
    rule(
        POST,
        "/accounts/{accountId}/users/change_type",
        write(User).admin(),
    ),
    rule(
        POST,
        "/accounts/{accountId}/users/unlink",
        write(User).admin(),
    ),
    rule(
        POST,
        "/accounts/{accountId}/users/switch_group",
        write(Group),
    ),
    rule(
        POST,
        "/accounts/{accountId}/users/switch_im_group",
        write(ImGroup),
    ),
    rule(GET, "/accounts/{accountId}/user_defaults", read(Acct)),
    rule(PATCH, "/accounts/{accountId}/user_defaults", write(Acct)),
    rule(GET, "/accounts/{accountId}/custom_attributes", read(Acct)),
    rule(POST, "/accounts/{accountId}/custom_attributes", write(Acct)),
    rule(
        PATCH,
        "/accounts/{accountId}/custom_attributes/{key}",
        write(Acct),
    ),
    rule(
        DELETE,
        "/accounts/{accountId}/custom_attributes/{key}",
        write(Acct),
    ),
    // Roles.
    rule(GET, "/roles", read(Role)),
    rule(POST, "/roles", write(Role)),
    rule(GET, "/roles/{roleId}", read(Role)),
    rule(PATCH, "/roles/{roleId}", write(Role)),
    rule(DELETE, "/roles/{roleId}", write(Role)),
    rule(GET, "/roles/{roleId}/members", read(Role)),
    rule(POST, "/roles/{roleId}/members", write(Role)),
    rule(DELETE, "/roles/{roleId}/members/{memberId}", write(Role)),
    // Settings groups.
    rule(GET, "/groups", read(Group)),
    rule(POST, "/groups", write(Group)),
    rule(GET, "/groups/{groupId}", read(Group)),
    rule(PATCH, "/groups/{groupId}", write(Group)),
    rule(DELETE, "/groups/{groupId}", write(Group)),
    rule(GET, "/groups/{groupId}/members", read(Group)),
    rule(POST, "/groups/{groupId}/members", write(Group)),
    rule(DELETE, "/groups/{groupId}/members/{memberId}", write(Group)),
    rule(GET, "/groups/{groupId}/settings", read(Group)),
    rule(PATCH, "/groups/{groupId}/settings", write(Group)),
    rule(GET, "/groups/{groupId}/lock_settings", read(Group)),
    rule(PATCH, "/groups/{groupId}/lock_settings", write(Group)),
    // Chat groups.
    rule(GET, "/im/groups", read(ImGroup)),
    rule(POST, "/im/groups", write(ImGroup)),
    rule(GET, "/im/groups/{groupId}", read(ImGroup)),
    rule(PATCH, "/im/groups/{groupId}", write(ImGroup)),
    rule(DELETE, "/im/groups/{groupId}", write(ImGroup)),
    rule(GET, "/im/groups/{groupId}/members", read(ImGroup)),
    rule(POST, "/im/groups/{groupId}/members", write(ImGroup)),
    rule(
        DELETE,
        "/im/groups/{groupId}/members/{memberId}",
        write(ImGroup),
    ),
    // Chat.
    rule(GET, "/chat/users/{userId}/contacts", read(ChatContact)),
    rule(POST, "/chat/users/{userId}/contacts", write(ChatContact)),
    rule(
        DELETE,
        "/chat/users/{userId}/contacts/{contactEmail}",
        write(ChatContact),
    ),
    rule(POST, "/chat/users/{userId}/channels", write(ChatChannel)),
    rule(
        GET,
        "/chat/users/{userId}/channels/{channelId}/members",
        read(ChatChannel),
    ),
    rule(
        POST,
        "/chat/users/{userId}/channels/{channelId}/members",
        write(ChatChannel),
    ),
    rule(
        DELETE,
        "/chat/users/{userId}/channels/{channelId}/members/{memberId}",
        write(ChatChannel),
    ),
    rule(GET, "/chat/users/{userId}/messages", read(ChatMessage)),
    rule(POST, "/chat/users/{userId}/messages", write(ChatMessage)),
    rule(GET, "/chat/external_contacts", read(ChatContact).admin()),
    rule(
        DELETE,
        "/chat/external_contacts/{email}",
        write(ChatContact).admin(),
    ),
    // Apps: the registry, connections and disconnects (Roster's own `marketplace_app` scopes).
    rule(GET, "/marketplace/apps", read(App).admin()),
    rule(POST, "/marketplace/apps", write(App).admin()),
    rule(GET, "/marketplace/apps/{appId}", read(App).admin()),
    rule(PATCH, "/marketplace/apps/{appId}", write(App).admin()),
    rule(DELETE, "/marketplace/apps/{appId}", write(App).admin()),
    rule(
        POST,
        "/marketplace/apps/{appId}/client_secret",
        write(App).admin(),
    ),
    rule(
        GET,
        "/marketplace/apps/{appId}/connected_users",
        read(App).admin(),
    ),
    rule(
        DELETE,
        "/marketplace/apps/{appId}/installation",
        write(App).admin(),
    ),
    rule(GET, "/marketplace/users/{userId}/apps", read(App)),
    rule(DELETE, "/marketplace/users/me/apps/{appId}", write(App)),
    // Apps: event subscriptions and delivery logs (Roster's own `marketplace_app` scopes).
    rule(
        GET,
        "/marketplace/apps/{appId}/event_subscription",
        read(App).admin(),
    ),
    rule(
        PUT,
        "/marketplace/apps/{appId}/event_subscription",
        write(App).admin(),
    ),
    rule(
        DELETE,
        "/marketplace/apps/{appId}/event_subscription",
        write(App).admin(),
    ),
    rule(
        GET,
        "/marketplace/apps/{appId}/webhook_deliveries",
        read(App).admin(),
    ),
    rule(
        GET,
        "/marketplace/apps/{appId}/webhook_deliveries/{deliveryId}",
        read(App).admin(),
    ),
    rule(
        POST,
        "/marketplace/apps/{appId}/webhook_deliveries/{deliveryId}/redeliver",
        write(App).admin(),
    ),
];

/// The rule for `method` on `path` (a route as matched, with or without the `/v2` prefix).
/// `HEAD` is served by `GET`.
pub fn find(method: &Method, path: &str) -> Option<&'static Rule> {
    let path = path.strip_prefix("/v2").unwrap_or(path);
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    RULES.iter().find(|r| r.method == method && r.path == path)
}

/// Zoom's answer to a token without the scopes an endpoint needs.
pub fn missing_scopes(scopes: &[String]) -> ZoomError {
    ZoomError::new(
        StatusCode::BAD_REQUEST,
        crate::error::code::MISSING_SCOPES,
        format!(
            "Invalid access token, does not contain scopes:[{}].",
            scopes.join(", ")
        ),
    )
}

/// The route layer over `/v2`: authenticate, check the endpoint's scope, narrow the caller's
/// reach, and pass the [`Caller`] on to the handler.
pub async fn require_scope(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    match admit(&state, &mut parts).await {
        Ok(caller) => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => e.into_response(),
    }
}

async fn admit(state: &AppState, parts: &mut Parts) -> Result<Caller, ZoomError> {
    let path = parts
        .extensions
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let Some(rule) = find(&parts.method, &path) else {
        tracing::error!(%path, method = %parts.method, "a /v2 route declares no scope");
        return Err(ZoomError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::error::code::INTERNAL,
            "This endpoint declares no OAuth scope, so it is refused; tell the operator.",
        ));
    };
    // Authentication first: a bad token is a 401 whatever the endpoint.
    let mut principal = state.service.authenticate(bearer(parts)).await?;
    let reach = principal
        .scopes
        .allows(&rule.need)
        .ok_or_else(|| missing_scopes(&rule.need.accepted()))?;
    if reach == Reach::Own {
        // A user-level scope names only its own user in the path.
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ZoomError::not_recognized(StatusCode::NOT_FOUND))?;
        let other = params
            .iter()
            .any(|(name, value)| name == "userId" && !principal.is_self_ref(value));
        if other {
            return Err(missing_scopes(&[rule.need.classic(Reach::Account)]));
        }
    }
    principal.reach = reach;
    Ok(Caller(principal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_a_documented_route_and_declared_once() {
        let doc = crate::openapi::document();
        for (i, r) in RULES.iter().enumerate() {
            // Chat groups are the settings groups' handlers, documented once.
            let documented = format!("/v2{}", r.path.strip_prefix("/im").unwrap_or(r.path));
            let item = doc.paths.paths.get(&documented);
            assert!(item.is_some(), "{} {} is not documented", r.method, r.path);
            assert!(
                RULES
                    .iter()
                    .skip(i + 1)
                    .all(|o| o.method != r.method || o.path != r.path),
                "{} {} is declared twice",
                r.method,
                r.path
            );
        }
    }

    #[test]
    fn server_to_server_defaults_reach_every_endpoint() {
        let defaults = roster_domain::Scopes::parse(roster_domain::app::S2S_DEFAULT_SCOPES);
        for r in RULES {
            assert_eq!(
                defaults.allows(&r.need),
                Some(Reach::Account),
                "{} {}",
                r.method,
                r.path
            );
            for scope in r.need.accepted() {
                assert!(roster_domain::scope::is_known(&scope), "{scope}");
            }
        }
    }

    #[test]
    fn finds_rules_as_routed() {
        let r = find(&Method::HEAD, "/v2/users/{userId}").map(|r| r.need);
        assert_eq!(
            r,
            Some(Need::read(Family::User).or_granular("user:read:user"))
        );
        assert!(find(&Method::GET, "/v2/groups/").is_some());
        assert!(find(&Method::PUT, "/v2/users").is_none());
    }
}
