//! User management → Advanced: the account at a glance (users by type, seats used and free per
//! pool) and the account-wide actions over `roster_service::admin` and the managed domains:
//! change every user of a type, unlink every user of a type (both after a confirm step),
//! defaults for new users, group and chat-group switches, custom attributes and managed domains.
//! Each action's outcome shows next to its section, in the page's language.

mod actions;
mod domains;

pub use actions::{
    attribute_add, attribute_delete, attribute_edit, change_type, defaults, switch_chat,
    switch_group, unlink,
};
pub use domains::{domain_add, domain_remove, domain_update, domain_verify};

use crate::ctx::Ctx;
use crate::errors::{self, refused, signed_in};
use crate::i18n;
use crate::users::{group_choices, Choice};
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::language::Language;
use roster_service::admin::{Admin, AttributeDefinition};
use roster_service::groups::Kind;
use roster_service::Error;

/// An action's outcome, shown in the section it concerns.
pub struct Note {
    pub section: &'static str,
    pub ok: bool,
    pub text: String,
}

impl Note {
    pub fn ok(section: &'static str, text: String) -> Self {
        Self {
            section,
            ok: true,
            text,
        }
    }

    pub fn error(section: &'static str, lang: Language, e: &Error) -> Self {
        Self {
            section,
            ok: false,
            text: describe(lang, e),
        }
    }
}

/// A service error of the account-wide actions, in the page's language.
pub fn describe(lang: Language, e: &Error) -> String {
    let t = |k: &str| i18n::text(lang, k).to_owned();
    match e {
        Error::PaymentMethodRequired => t("adv.err_payment"),
        Error::GroupNotFound(_) => t("adv.err_group"),
        Error::AttributeNotFound(_) | Error::DomainNotFound(_) => t("err.not_found"),
        Error::AttributeNameTaken(n) => format!("{} ({n})", t("adv.err_attr_taken")),
        Error::TooManyAttributes(n) => format!("{} ({n})", t("adv.err_attr_many")),
        Error::DomainClaimed(d) => format!("{} ({d})", t("adv.err_domain_claimed")),
        Error::DomainAlreadyAdded(d) => format!("{} ({d})", t("adv.err_domain_added")),
        other => errors::describe(lang, other),
    }
}

/// One seat pool's line.
pub struct Pool {
    pub key: &'static str,
    pub seats: i64,
    pub used: i64,
    pub free: i64,
}

/// A managed domain's row.
pub struct DomainRow {
    pub domain: String,
    pub verified: bool,
    pub record_name: String,
    pub record_value: String,
    pub default_type: String,
    /// The default group's id, or empty.
    pub default_group: String,
}

#[derive(Template)]
#[template(path = "advanced.html")]
pub struct AdvancedPage {
    pub c: Chrome,
    /// (type code, users of it).
    pub by_type: Vec<(i64, i64)>,
    pub total: i64,
    pub pools: Vec<Pool>,
    pub groups: Vec<Choice>,
    pub chat_groups: Vec<Choice>,
    pub default_group: String,
    pub default_chat_group: String,
    pub attributes: Vec<AttributeDefinition>,
    pub domains: Vec<DomainRow>,
    /// The types a managed domain may default to (what the service accepts): Basic, Licensed,
    /// and On-Prem when the account has it.
    pub domain_types: Vec<i64>,
    pub notes: Vec<Note>,
    /// The tabs' page-wide messages (none here: each section shows its own).
    pub notices: Vec<(bool, String)>,
}

impl AdvancedPage {
    /// The outcomes to show in `section`.
    pub fn notes_of(&self, section: &str) -> Vec<&Note> {
        self.notes.iter().filter(|n| n.section == section).collect()
    }
}

/// The default types a managed domain may have: the service takes Basic (1), Licensed (2) and,
/// when the account has On-Prem users enabled, On-Prem (3).
pub fn domain_types(on_prem: bool) -> Vec<i64> {
    let mut types = vec![1, 2];
    if on_prem {
        types.push(3);
    }
    types
}

/// Renders the Advanced tab with `notes` from an action just done.
pub async fn render(state: &WebState, ctx: &Ctx, notes: Vec<Note>) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let admin = Admin::me(&s.principal);
    let summary = match state.service.user_summary(admin).await {
        Ok(x) => x,
        Err(e) => return refused(ctx, state, &e),
    };
    let defaults = state.service.user_defaults(admin).await.unwrap_or_default();
    let attributes = state
        .service
        .list_custom_attributes(admin)
        .await
        .unwrap_or_default();
    let domains = state
        .service
        .list_domains(&s.principal, "me")
        .await
        .unwrap_or_default();
    let on_prem = state
        .service
        .billing_overview(admin)
        .await
        .is_ok_and(|b| b.on_prem_enabled);
    let domain_types = domain_types(on_prem);
    let groups = group_choices(state, s, Kind::Settings).await;
    let domains = domains
        .iter()
        .map(|d| DomainRow {
            domain: d.domain.clone(),
            verified: d.status.as_str() == "verified",
            record_name: d.record_name.clone(),
            record_value: d.record_value.clone(),
            default_type: d.default_type.map(|t| t.to_string()).unwrap_or_default(),
            default_group: d.default_group_id.clone().unwrap_or_default(),
        })
        .collect();
    let pools = [
        ("adv.pool_licensed", summary.licensed),
        ("adv.pool_large", summary.large_meeting),
        ("adv.pool_webinar", summary.webinar),
    ]
    .into_iter()
    .map(|(key, p)| Pool {
        key,
        seats: p.seats,
        used: p.used,
        free: p.free(),
    })
    .collect();
    let p = AdvancedPage {
        c: Chrome::new(ctx, state, "users.title", "users", "/users/advanced"),
        by_type: summary
            .by_type
            .iter()
            .map(|(t, n)| (t.code(), *n))
            .collect(),
        total: summary.total,
        pools,
        chat_groups: group_choices(state, s, Kind::Chat).await,
        default_group: defaults.group_id.clone().unwrap_or_default(),
        default_chat_group: defaults.chat_group_id.unwrap_or_default(),
        groups,
        attributes,
        domains,
        domain_types,
        notes,
        notices: Vec::new(),
    };
    page(StatusCode::OK, &p, &p.c, &[])
}

/// `GET /users/advanced`
pub async fn show(State(state): State<WebState>, ctx: Ctx) -> Response {
    render(&state, &ctx, Vec::new()).await
}
