//! Integrations: the account's registered OAuth apps (Owners and Admins register, rotate,
//! delete and install them for the account, see who is connected and disconnect, and read each
//! app's webhook delivery log), and every user's own connected apps ([`mine`]). Everything
//! goes through the service as the signed-in principal; members reaching an admin page get the
//! service's refusal.

pub mod app;
pub mod deliveries;
pub mod mine;

use crate::ctx::Ctx;
use crate::errors::{self, signed_in, signed_in_post};
use crate::form::FormData;
use crate::i18n;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::language::Language;
use roster_domain::oauth_grant::KNOWN_SCOPES;
use roster_service::apps::NewApp;
use roster_service::{Actor, Error};
use serde::Deserialize;

/// A service error in the page's language, with this area's own not-found words.
pub fn describe(lang: Language, e: &Error) -> String {
    let t = |k| i18n::text(lang, k).to_owned();
    match e {
        Error::AppNotFound(_) | Error::WebhookAppNotFound(_) => t("int.err_app"),
        Error::InstallNotFound(_) => t("int.err_install"),
        Error::WebhookNotSubscribed(_) => t("int.no_subscription"),
        Error::WebhookDeliveryNotFound(_) => t("int.err_delivery"),
        other => errors::describe(lang, other),
    }
}

/// A service error that stops the page: missing things are a 404, the rest as the portal
/// shows them.
pub fn stop(ctx: &Ctx, state: &WebState, e: &Error) -> Response {
    match e {
        Error::AppNotFound(_)
        | Error::WebhookAppNotFound(_)
        | Error::WebhookDeliveryNotFound(_) => errors::message(
            ctx,
            state,
            StatusCode::NOT_FOUND,
            "err.not_found",
            &describe(ctx.lang, e),
        ),
        other => errors::refused(ctx, state, other),
    }
}

/// One app in the list.
pub struct AppRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub client_id: String,
}

/// The register form as it was sent (shown again with its error).
#[derive(Default)]
pub struct Draft {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub redirect_uris: String,
    pub scopes: Vec<String>,
    pub public_client: bool,
}

impl Draft {
    /// Whether the form had `scope` ticked.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

#[derive(Template)]
#[template(path = "integrations.html")]
struct AppsPage {
    c: Chrome,
    apps: Vec<AppRow>,
    next: String,
    draft: Draft,
    /// Every known scope with its consent words.
    scopes: Vec<(&'static str, String)>,
    error_field: &'static str,
    error: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub after: Option<String>,
}

/// The kind of an app as the list shows it (a catalog key).
pub fn kind_key(kind: roster_domain::AppKind) -> &'static str {
    match kind {
        roster_domain::AppKind::Account => "int.kind_account",
        roster_domain::AppKind::User => "int.kind_user",
        roster_domain::AppKind::ServerToServer => "int.kind_s2s",
    }
}

async fn render(
    ctx: &Ctx,
    state: &WebState,
    after: Option<String>,
    draft: Draft,
    error: Option<Error>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let p = &s.principal;
    let list = state
        .service
        .list_apps(
            &Actor::Principal(p),
            &p.account_id,
            50,
            after.as_deref().filter(|a| !a.is_empty()),
        )
        .await;
    let list = match list {
        Ok(l) => l,
        Err(e) => return stop(ctx, state, &e),
    };
    let (error_field, error) = match &error {
        Some(e) => (errors::field(e).unwrap_or("form"), describe(ctx.lang, e)),
        None => ("", String::new()),
    };
    let page_data = AppsPage {
        c: Chrome::new(ctx, state, "int.title", "integrations", "/integrations"),
        apps: list
            .apps
            .iter()
            .map(|a| AppRow {
                id: a.id.clone(),
                name: a.name.clone(),
                kind: ctx.t(kind_key(a.kind)),
                client_id: a.client_id.as_str().to_owned(),
            })
            .collect(),
        next: list.next_page_token,
        draft,
        scopes: KNOWN_SCOPES
            .iter()
            .map(|(s, _)| (*s, i18n::scope_words(ctx.lang, s)))
            .collect(),
        error_field,
        error,
    };
    let status = if page_data.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, &page_data, &page_data.c, &[])
}

/// `GET /integrations`: the apps and the register form for admins; members go to their own
/// connected apps.
pub async fn list(State(state): State<WebState>, ctx: Ctx, Query(q): Query<ListQuery>) -> Response {
    match &ctx.session {
        Some(s) if !s.principal.acts_as.is_admin() => see_other("/integrations/mine", &[]),
        _ => render(&ctx, &state, q.after, Draft::default(), None).await,
    }
}

/// `POST /integrations/apps`: registers an app, then shows its page with the secret (once).
pub async fn create(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let draft = Draft {
        name: form.get("name").to_owned(),
        description: form.get("description").to_owned(),
        kind: form.get("kind").to_owned(),
        redirect_uris: form.get("redirect_uris").to_owned(),
        scopes: form.all("scope"),
        public_client: form.get("public_client") == "on",
    };
    let input = NewApp {
        name: Some(draft.name.clone()),
        description: Some(draft.description.clone()),
        kind: Some(draft.kind.clone()),
        redirect_uris: draft
            .redirect_uris
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        scopes: Some(draft.scopes.join(" ")),
        public_client: draft.public_client,
    };
    let p = &s.principal;
    match state
        .service
        .create_app(&Actor::Principal(p), &p.account_id, input)
        .await
    {
        Ok((created, secret)) => {
            let notice = ctx.t("int.registered").to_owned();
            app::render(&ctx, &state, &created.id, secret, vec![(true, notice)]).await
        }
        Err(e) => render(&ctx, &state, None, draft, Some(e)).await,
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::text;
    use roster_domain::language::Language;

    #[test]
    fn every_key_the_integrations_pages_use_exists() {
        let templates = [
            include_str!("../../templates/integrations.html"),
            include_str!("../../templates/integrations_tabs.html"),
            include_str!("../../templates/integrations_app.html"),
            include_str!("../../templates/integrations_deliveries.html"),
            include_str!("../../templates/integrations_delivery.html"),
            include_str!("../../templates/integrations_mine.html"),
        ];
        for t in templates {
            for piece in t.split("t(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or_default();
                assert_ne!(text(Language::English, key), "?", "{key}");
            }
        }
        for s in ["pending", "delivered", "failed"] {
            assert_ne!(text(Language::Polish, &format!("int.st_{s}")), "?");
        }
    }

    #[test]
    fn the_install_link_carries_the_request() {
        let l = super::app::install_link("abc", "https://app.test/cb?x=1");
        assert_eq!(
            l,
            "/oauth/authorize?response_type=code&client_id=abc&redirect_uri=https%3A%2F%2Fapp.test%2Fcb%3Fx%3D1"
        );
    }
}
