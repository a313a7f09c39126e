//! The Mail outbox: without an SMTP server, the messages Roster would have sent (to the
//! account's people), with the links in them. Owners and Admins only.

use crate::ctx::Ctx;
use crate::errors::{refused, signed_in};
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use time::OffsetDateTime;

pub struct Mail {
    pub to: String,
    pub subject: String,
    pub when: OffsetDateTime,
    pub body: String,
    pub links: Vec<String>,
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    c: Chrome,
    mails: Vec<Mail>,
}

/// The http(s) links of a plain-text body.
fn links(body: &str) -> Vec<String> {
    let mut out: Vec<String> = body
        .split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|w| w.trim_end_matches(['.', ',', ')']).to_owned())
        .collect();
    out.dedup();
    out
}

/// `GET /outbox`
pub async fn list(State(state): State<WebState>, ctx: Ctx) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mails = match state.service.portal_outbox(&s.principal, 200).await {
        Ok(m) => m,
        Err(e) => return refused(&ctx, &state, &e),
    };
    let p = OutboxPage {
        c: Chrome::new(&ctx, &state, "outbox.title", "outbox", "/outbox"),
        mails: mails
            .into_iter()
            .map(|m| Mail {
                links: links(&m.text_body),
                to: m.to,
                subject: m.subject,
                when: m.created_at,
                body: m.text_body,
            })
            .collect(),
    };
    page(StatusCode::OK, &p, &p.c, &[])
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_are_found_in_text() {
        let body = "Hello,\nactivate: https://r.example/activate?token=abc.\nor <http://x/y>";
        assert_eq!(
            super::links(body),
            vec!["https://r.example/activate?token=abc", "http://x/y"]
        );
    }
}
