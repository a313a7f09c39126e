//! `roster app webhook …`: an app's event subscription and its delivery log, for the operator
//! (acting locally, with any account's powers). APP is the app's id or client id.

use super::cli_error;
use clap::Subcommand;
use roster_service::store::webhooks::DeliveryRecord;
use roster_service::webhooks::log::DeliveryQuery;
use roster_service::webhooks::{SubscriptionInput, SubscriptionView};
use roster_service::{Actor, Service};
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Subscribe the app to events at a URL. The URL must answer Zoom's endpoint.url_validation
    /// challenge first; nothing changes when it does not.
    Set {
        /// The app's id or client id.
        app: String,
        /// Where events are POSTed (http or https).
        #[arg(long)]
        url: String,
        /// The event types, comma-separated, e.g. user.created,meeting.created.
        #[arg(long, value_delimiter = ',', required = true)]
        events: Vec<String>,
        /// The secret token that signs deliveries (default: a generated one, printed).
        #[arg(long)]
        secret_token: Option<String>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show the app's subscription, secret token included.
    Show {
        app: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove the app's subscription.
    Clear { app: String },
    /// The app's deliveries, newest first; with --id, one delivery with its attempts.
    Deliveries {
        app: String,
        /// pending, delivered or failed.
        #[arg(long)]
        status: Option<String>,
        /// An event type.
        #[arg(long)]
        event: Option<String>,
        /// How many (default 20).
        #[arg(long, default_value_t = 20)]
        limit: i64,
        /// One delivery in full.
        #[arg(long)]
        id: Option<String>,
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Send a delivery again now (same body and idempotency key).
    Redeliver { app: String, id: String },
}

fn line(d: &DeliveryRecord) -> String {
    format!(
        "{:>6}  {:<24}  {:<9}  attempts {:<3}  {}",
        d.id,
        d.event_type,
        d.status,
        d.attempts,
        match (d.last_status, &d.last_error) {
            (_, Some(e)) => format!("last: {e}"),
            (Some(s), None) => format!("last: HTTP {s}"),
            (None, None) => String::new(),
        }
    )
}

fn json_of(d: &DeliveryRecord) -> serde_json::Value {
    serde_json::json!({
        "id": d.id, "event": d.event_type, "event_id": d.event_id, "status": d.status,
        "attempts": d.attempts, "idempotency_key": d.idempotency_key,
        "last_status_code": d.last_status, "last_error": d.last_error,
    })
}

/// A subscription as JSON (one object) or as lines of text.
fn print_subscription(
    out: &mut (dyn Write + Send),
    v: &SubscriptionView,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        let j = serde_json::json!({"app_id": v.app_id, "url": v.url,
            "secret_token": v.secret_token, "events": v.events});
        writeln!(out, "{j}")?;
    } else {
        writeln!(
            out,
            "  url:          {}\n  events:       {}\n  secret_token: {}",
            v.url,
            v.events.join(", "),
            v.secret_token
        )?;
    }
    Ok(())
}

pub(crate) async fn run(
    service: &Service,
    cmd: WebhookCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match cmd {
        WebhookCommand::Set {
            app,
            url,
            events,
            secret_token,
            json,
        } => {
            let input = SubscriptionInput {
                url,
                secret_token,
                events,
            };
            let v = service
                .set_event_subscription(Actor::Operator, &app, input)
                .await
                .map_err(cli_error)?;
            if !json {
                writeln!(
                    out,
                    "Subscribed: the endpoint passed the URL validation challenge."
                )?;
            }
            print_subscription(out, &v, json)?;
        }
        WebhookCommand::Show { app, json } => {
            let v = service
                .get_event_subscription(Actor::Operator, &app)
                .await
                .map_err(cli_error)?;
            print_subscription(out, &v, json)?;
        }
        WebhookCommand::Clear { app } => {
            service
                .delete_event_subscription(Actor::Operator, &app)
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Subscription removed; no new events will be delivered."
            )?;
        }
        WebhookCommand::Deliveries {
            app,
            status,
            event,
            limit,
            id: Some(id),
            json,
        } => {
            let _ = (status, event, limit);
            let (d, attempts) = service
                .get_webhook_delivery(Actor::Operator, &app, &id)
                .await
                .map_err(cli_error)?;
            if json {
                let history: Vec<serde_json::Value> = attempts
                    .iter()
                    .map(|a| serde_json::json!({"status_code": a.status_code, "error": a.error, "duration_ms": a.duration_ms}))
                    .collect();
                let mut j = json_of(&d);
                if let Some(o) = j.as_object_mut() {
                    o.insert(
                        "body".into(),
                        serde_json::from_str(&d.body).unwrap_or_default(),
                    );
                    o.insert("attempt_history".into(), history.into());
                }
                writeln!(out, "{j}")?;
            } else {
                writeln!(
                    out,
                    "{}\nidempotency key: {}\n{}",
                    line(&d),
                    d.idempotency_key,
                    d.body
                )?;
                for a in attempts {
                    writeln!(
                        out,
                        "  attempt {}  {}  {} ms",
                        a.id,
                        a.status_code
                            .map(|s| format!("HTTP {s}"))
                            .or(a.error)
                            .unwrap_or_default(),
                        a.duration_ms
                    )?;
                }
            }
        }
        WebhookCommand::Deliveries {
            app,
            status,
            event,
            limit,
            id: None,
            json,
        } => {
            let page = service
                .list_webhook_deliveries(
                    Actor::Operator,
                    &app,
                    DeliveryQuery {
                        status,
                        event,
                        page_size: Some(limit.clamp(1, 2000)),
                        next_page_token: None,
                    },
                )
                .await
                .map_err(cli_error)?;
            if page.deliveries.is_empty() && !json {
                writeln!(out, "No deliveries.")?;
            }
            for d in &page.deliveries {
                if json {
                    writeln!(out, "{}", json_of(d))?;
                } else {
                    writeln!(out, "{}", line(d))?;
                }
            }
        }
        WebhookCommand::Redeliver { app, id } => {
            let d = service
                .redeliver_webhook(Actor::Operator, &app, &id)
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Delivery {} is pending again and will be sent now (idempotency key {}).",
                d.id, d.idempotency_key
            )?;
        }
    }
    Ok(())
}
