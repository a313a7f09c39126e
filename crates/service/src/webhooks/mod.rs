//! Webhooks: an app's event subscription (set, read, clear), the fan-out of events into
//! deliveries ([`dispatch`]), their delivery over HTTP with Zoom's signatures ([`delivery`]),
//! and the delivery log with manual redelivery ([`log`]).
//!
//! Managing an app's webhooks is for the Owner and Admins of the app's account, and for the
//! operator (CLI). Setting a URL runs Zoom's `endpoint.url_validation` challenge first; a URL
//! that fails it, or that points at a link-local or metadata address, is refused and nothing is
//! stored.

pub mod delivery;
pub mod dispatch;
pub mod http;
pub mod log;

use crate::events::{self, Event};
use crate::{Actor, Error, Result, Service};
use roster_domain::webhook::{self, WebhookError, WebhookUrl};
use roster_domain::AccountId;
use roster_store::webhooks::{self as stored, WebhookApp};
use serde_json::{json, Map};
use time::OffsetDateTime;

/// A subscription as the caller sent it.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionInput {
    pub url: String,
    /// `None`: the current one stays; a first subscription gets a generated one (shown in the
    /// answer).
    pub secret_token: Option<String>,
    pub events: Vec<String>,
}

/// An app's subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionView {
    pub app_id: String,
    pub client_id: String,
    pub url: String,
    pub secret_token: String,
    pub events: Vec<String>,
    pub validated_at: Option<OffsetDateTime>,
}

impl SubscriptionView {
    fn of(app: &WebhookApp) -> Option<Self> {
        Some(Self {
            app_id: app.id.clone(),
            client_id: app.client_id.clone(),
            url: app.url.clone()?,
            secret_token: app.secret.clone().unwrap_or_default(),
            events: app
                .events
                .split(' ')
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
            validated_at: app.validated_at,
        })
    }
}

impl From<WebhookError> for Error {
    fn from(e: WebhookError) -> Self {
        let field = match e {
            WebhookError::NotHttp(_) | WebhookError::Userinfo | WebhookError::Forbidden(_) => "url",
            WebhookError::UnknownEvent(..) | WebhookError::NoEvents => "events",
            WebhookError::Secret => "secret_token",
        };
        Error::invalid(field, e)
    }
}

impl Service {
    /// The app `app_ref` (its id or client id), if `actor` may manage its webhooks: the operator,
    /// or the Owner or an Admin of its account. Apps of other accounts are reported missing.
    pub(crate) async fn webhook_app(&self, actor: &Actor<'_>, app_ref: &str) -> Result<WebhookApp> {
        let mut conn = self.db.read().await?;
        let app = stored::find_app(&mut conn, app_ref.trim()).await?;
        drop(conn);
        let app = match (actor, app) {
            (_, None) => None,
            (Actor::Principal(p), Some(a)) if a.account_id != p.account_id.as_str() => None,
            (_, Some(a)) => Some(a),
        }
        .ok_or_else(|| Error::WebhookAppNotFound(app_ref.to_owned()))?;
        match actor {
            Actor::Operator | Actor::System => Ok(app),
            Actor::Principal(p) if p.acts_as.is_admin() => Ok(app),
            Actor::Principal(_) | Actor::Host { .. } => Err(Error::NoPrivilege),
        }
    }

    /// Sets (or replaces) an app's event subscription, after the URL passed the
    /// `endpoint.url_validation` challenge with the secret token.
    #[tracing::instrument(skip_all, fields(app = %app_ref))]
    pub async fn set_event_subscription(
        &self,
        actor: Actor<'_>,
        app_ref: &str,
        input: SubscriptionInput,
    ) -> Result<SubscriptionView> {
        let app = self.webhook_app(&actor, app_ref).await?;
        let url = WebhookUrl::parse(&input.url)?;
        let events_list = webhook::parse_events(&input.events)?;
        let secret = match input.secret_token.as_deref().map(str::trim) {
            // Omitted: the current token stays (changing the URL or events rotates nothing).
            None | Some("") => app.secret.clone().unwrap_or_else(webhook::generate_secret),
            Some(s) => webhook::parse_secret(s)?,
        };
        let client = http::client(self.settings.webhook_timeout)?;
        http::validate_endpoint(&client, &url, &secret).await?;
        let now = self.now();
        let events_text = events_list.join(" ");
        let mut tx = self.db.begin().await?;
        stored::set_subscription(&mut tx, &app.id, url.as_str(), &secret, &events_text, now)
            .await?;
        let account = account_of(&app)?;
        let object = json!({"id": app.id, "client_id": app.client_id, "url": url.as_str(),
            "events": events_list});
        emit(
            &mut tx,
            &account,
            "app.event_subscription_updated",
            &actor,
            &app.id,
            object,
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(app_id = %app.id, url = %url.as_str(), "event subscription set");
        Ok(SubscriptionView {
            app_id: app.id,
            client_id: app.client_id,
            url: url.as_str().to_owned(),
            secret_token: secret,
            events: events_list,
            validated_at: Some(now),
        })
    }

    /// An app's event subscription, secret token included.
    pub async fn get_event_subscription(
        &self,
        actor: Actor<'_>,
        app_ref: &str,
    ) -> Result<SubscriptionView> {
        let app = self.webhook_app(&actor, app_ref).await?;
        SubscriptionView::of(&app).ok_or_else(|| Error::WebhookNotSubscribed(app_ref.to_owned()))
    }

    /// Removes an app's event subscription: no new deliveries; pending ones fail at their turn.
    pub async fn delete_event_subscription(&self, actor: Actor<'_>, app_ref: &str) -> Result<()> {
        let app = self.webhook_app(&actor, app_ref).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if stored::clear_subscription(&mut tx, &app.id).await? == 0 {
            return Err(Error::WebhookNotSubscribed(app_ref.to_owned()));
        }
        let account = account_of(&app)?;
        let object = json!({"id": app.id, "client_id": app.client_id});
        emit(
            &mut tx,
            &account,
            "app.event_subscription_deleted",
            &actor,
            &app.id,
            object,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn account_of(app: &WebhookApp) -> Result<AccountId> {
    AccountId::parse(&app.account_id)
        .ok_or_else(|| Error::Internal(format!("app {} has a malformed account id", app.id)))
}

async fn emit(
    conn: &mut roster_store::Conn,
    account: &AccountId,
    kind: &'static str,
    actor: &Actor<'_>,
    target: &str,
    object: serde_json::Value,
    at: OffsetDateTime,
) -> Result<()> {
    let event = Event {
        account_id: account,
        kind,
        actor,
        target,
        object,
        extra: Map::new(),
    };
    events::emit(conn, event, at).await
}
