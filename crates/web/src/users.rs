//! User management → Users: the active users with search, filters (role, type, group,
//! department, a custom attribute), sortable columns and keyset pages both ways (the service's
//! list and its paging, so a page costs the same at 100k users), the "Add users" dialog (one or
//! many comma-separated emails) and bulk role / type / group changes. After an action the page
//! shows the list it was sent from (its filters, sort and page).

use crate::ctx::Ctx;
use crate::errors::{describe, field, refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::AddOns;
use roster_service::admin::{Admin, AttributeDefinition};
use roster_service::groups::Kind;
use roster_service::groups::MemberRef;
use roster_service::portal::Session;
use roster_service::users::BulkChange;
use roster_service::{ListQuery, NewUser, UserPatch, UserView};
use serde::Deserialize;

/// The list's query string.
#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    pub q: Option<String>,
    pub role: Option<String>,
    pub status: Option<String>,
    /// User type code.
    #[serde(rename = "type")]
    pub user_type: Option<String>,
    pub group: Option<String>,
    pub dept: Option<String>,
    /// A custom attribute's key: its column is shown, and with `attr_value` it filters.
    pub attr: Option<String>,
    pub attr_value: Option<String>,
    /// `email` (default), `name`, `type`, `department`, `created` or `attr`.
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    pub order: Option<String>,
    /// Users per page (default 50; the API's bounds, 1–2000).
    pub size: Option<String>,
    /// A page token (next or previous).
    pub after: Option<String>,
}

/// The columns a click sorts by: (the `sort` value, the header's catalog key).
const SORTABLE: [(&str, &str); 5] = [
    ("email", "users.email"),
    ("name", "users.name"),
    ("type", "users.type"),
    ("department", "users.department"),
    ("created", "users.created"),
];

fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|v| !v.is_empty())
}

impl UsersQuery {
    /// The filters and page size as a query string (without sort and page).
    fn filters(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("role", &self.role),
            ("status", &self.status),
            ("type", &self.user_type),
            ("group", &self.group),
            ("dept", &self.dept),
            ("attr", &self.attr),
            ("attr_value", &self.attr_value),
            ("size", &self.size),
        ] {
            if let Some(v) = set(v) {
                q.append_pair(k, v);
            }
        }
        q.finish()
    }

    /// The sort column (`email` unless another is chosen; `attr` only with an attribute).
    fn sort(&self) -> &str {
        match set(&self.sort) {
            Some("attr") if set(&self.attr).is_none() => "email",
            Some(s) => s,
            None => "email",
        }
    }

    fn descending(&self) -> bool {
        self.order.as_deref() == Some("desc")
    }

    /// Filters and sort order as a query string, for the pager's links.
    fn state(&self) -> String {
        self.with_sort(self.sort(), self.descending())
    }

    fn with_sort(&self, sort: &str, descending: bool) -> String {
        let mut q = self.filters();
        if sort != "email" || descending {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&format!(
                "sort={sort}&order={}",
                if descending { "desc" } else { "asc" }
            ));
        }
        q
    }

    /// A column header: its label, link (sorted by it; reversed when it already is),
    /// `aria-sort` and arrow.
    fn header(&self, sort: &str, label: String) -> Header {
        let current = self.sort() == sort;
        let (aria, arrow) = match (current, self.descending()) {
            (false, _) => ("none", ""),
            (true, false) => ("ascending", "▲"),
            (true, true) => ("descending", "▼"),
        };
        Header {
            label,
            href: format!(
                "/users?{}",
                self.with_sort(sort, current && !self.descending())
            ),
            aria,
            arrow,
        }
    }

    /// The service's query for this list.
    fn list_query(&self, inactive: bool) -> ListQuery {
        let sort = self.sort();
        let attr = set(&self.attr);
        ListQuery {
            status: Some(if inactive { "inactive" } else { "active" }.to_owned()),
            role_id: set(&self.role).map(str::to_owned),
            page_size: Some(match set(&self.size) {
                // Not a number: the service's page_size message, by an out-of-range size.
                Some(n) => n.trim().parse().unwrap_or(0),
                None => 50,
            }),
            next_page_token: set(&self.after).map(str::to_owned),
            search: self.q.clone(),
            user_type: self.user_type.as_deref().and_then(|t| t.parse().ok()),
            group_id: self.group.clone(),
            dept: self.dept.clone(),
            custom_attribute: attr
                .filter(|_| set(&self.attr_value).is_some())
                .map(str::to_owned),
            custom_attribute_value: set(&self.attr_value).map(str::to_owned),
            sort_by: (sort != "attr").then(|| sort.to_owned()),
            sort_by_custom_attribute: (sort == "attr").then(|| attr.unwrap_or_default().to_owned()),
            sort_order: set(&self.order).map(str::to_owned),
            ..ListQuery::default()
        }
    }
}

/// A sortable column's header.
pub struct Header {
    pub label: String,
    pub href: String,
    /// `ascending`, `descending` or `none`.
    pub aria: &'static str,
    pub arrow: &'static str,
}

/// One row of the table.
pub struct Row {
    pub id: String,
    pub email: String,
    pub name: String,
    pub type_code: i64,
    pub role: String,
    pub dept: String,
    pub group: String,
    pub created: time::OffsetDateTime,
    /// The chosen custom attribute's value.
    pub attr_value: String,
}

/// A choice in a select: (value, label).
pub type Choice = (String, String);

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub c: Chrome,
    pub q: String,
    pub role: String,
    pub user_type: String,
    pub group: String,
    pub dept: String,
    /// Filters and sort as a query string, for the pager; the same with the page, for forms.
    pub state: String,
    pub here: String,
    pub sort: String,
    pub order: String,
    /// The page size asked for in the address, kept by the filter form.
    pub size: String,
    /// Email, name, type, department, created; then the attribute's, when one is chosen.
    pub headers: Vec<Header>,
    pub attr_header: Option<Header>,
    pub attrs: Vec<AttributeDefinition>,
    pub attr: String,
    pub attr_value: String,
    /// Why the attribute filter was refused (the list then ignores it).
    pub attr_error: String,
    pub inactive: bool,
    pub rows: Vec<Row>,
    pub total: u64,
    pub next: String,
    pub previous: String,
    /// Past the first page (so "First page" leads somewhere).
    pub paged: bool,
    pub roles: Vec<Choice>,
    pub groups: Vec<Choice>,
    pub chat_groups: Vec<Choice>,
    /// Messages after an action: (ok, text).
    pub notices: Vec<(bool, String)>,
    /// The Add users form's values and its error, when it failed as a whole.
    pub add_emails: String,
    pub add_error: String,
}

impl UsersPage {
    /// The attribute value field's ARIA attributes when its filter was refused.
    pub fn attr_invalid(&self) -> &'static str {
        if self.attr_error.is_empty() {
            ""
        } else {
            " aria-invalid=\"true\" aria-describedby=\"attr-error\""
        }
    }

    /// The chosen attribute's definition.
    pub fn attr_def(&self) -> Option<&AttributeDefinition> {
        self.attrs.iter().find(|a| a.key == self.attr)
    }
}

pub fn display_name(v: &UserView) -> String {
    let u = &v.user;
    let full = format!("{} {}", u.first_name, u.last_name);
    let full = full.trim();
    if full.is_empty() {
        u.display_name.clone()
    } else {
        full.to_owned()
    }
}

/// The account's settings and chat groups, for filters and selects.
pub async fn group_choices(state: &WebState, s: &Session, kind: Kind) -> Vec<Choice> {
    state
        .service
        .list_groups(&s.principal, kind)
        .await
        .map(|gs| gs.into_iter().map(|g| (g.id, g.name)).collect())
        .unwrap_or_default()
}

async fn role_choices(state: &WebState, ctx: &Ctx, s: &Session) -> Vec<Choice> {
    let mut out: Vec<Choice> = ["0", "1", "2"]
        .iter()
        .map(|id| ((*id).to_owned(), ctx.t(&format!("role.{id}")).to_owned()))
        .collect();
    if let Ok(roles) = state.service.list_roles(&s.principal).await {
        out.extend(
            roles
                .into_iter()
                .filter(|r| !["0", "1", "2"].contains(&r.id.as_str()))
                .map(|r| (r.id, r.name)),
        );
    }
    out
}

/// The message for a refused attribute filter, by what the attribute holds.
fn attr_message(ctx: &Ctx, def: Option<&AttributeDefinition>) -> String {
    let key = match def {
        None => "users.attr_unknown",
        Some(d) if !d.allowed_values.is_empty() => "users.attr_bad_choice",
        Some(d) if d.kind == "number" => "users.attr_bad_number",
        Some(d) if d.kind == "date" => "users.attr_bad_date",
        Some(_) => "users.attr_bad",
    };
    ctx.t(key).to_owned()
}

/// A user's value of the custom attribute `key`, from the stored JSON.
fn attribute_value(stored: &str, key: &str) -> String {
    #[derive(Deserialize)]
    struct Value {
        key: String,
        value: String,
    }
    serde_json::from_str::<Vec<Value>>(stored)
        .unwrap_or_default()
        .into_iter()
        .find(|v| v.key == key)
        .map(|v| v.value)
        .unwrap_or_default()
}

/// Renders the Users tab for `query`, with `notices` from an action just done.
pub async fn render(
    state: &WebState,
    ctx: &Ctx,
    mut query: UsersQuery,
    notices: Vec<(bool, String)>,
    add: (String, String),
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let inactive = query.status.as_deref() == Some("inactive");
    let attrs = state
        .service
        .list_custom_attributes(Admin::me(&s.principal))
        .await
        .unwrap_or_default();
    let mut status = StatusCode::OK;
    let mut attr_error = String::new();
    let mut list = state
        .service
        .list_users(&s.principal, query.list_query(inactive))
        .await;
    let retry = list.as_ref().err().and_then(field).filter(|f| {
        matches!(
            *f,
            "next_page_token"
                | "custom_attribute"
                | "custom_attribute_value"
                | "sort_by_custom_attribute"
        )
    });
    if let Some(f) = retry {
        match f {
            // A stale page token (they last 15 minutes): the first page instead.
            "next_page_token" => query.after = None,
            // A refused attribute filter: said next to it; the list without it.
            _ => {
                let def = attrs
                    .iter()
                    .find(|a| Some(a.key.as_str()) == set(&query.attr));
                attr_error = attr_message(ctx, def);
                status = StatusCode::BAD_REQUEST;
                if def.is_none() {
                    query.attr = None;
                }
                query.attr_value = None;
                query.after = None;
            }
        }
        list = state
            .service
            .list_users(&s.principal, query.list_query(inactive))
            .await;
    }
    let list = match list {
        Ok(l) => l,
        Err(e) => return refused(ctx, state, &e),
    };
    let groups = group_choices(state, s, Kind::Settings).await;
    let attr = set(&query.attr).unwrap_or_default().to_owned();
    let rows = list
        .users
        .iter()
        .map(|v| Row {
            id: v.user.id.to_string(),
            email: v.user.email.to_string(),
            name: display_name(v),
            type_code: v.user.user_type.code(),
            role: match v.user.role.builtin_name() {
                Some(_) => ctx.t(&format!("role.{}", v.user.role.id())).to_owned(),
                None => v.role_name.clone(),
            },
            dept: v.user.dept.clone(),
            group: v
                .user
                .group_id
                .as_ref()
                .and_then(|g| groups.iter().find(|(id, _)| id == g))
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            created: v.user.created_at,
            attr_value: if attr.is_empty() {
                String::new()
            } else {
                attribute_value(&v.user.custom_attributes, &attr)
            },
        })
        .collect();
    let headers = SORTABLE
        .iter()
        .map(|(sort, label)| query.header(sort, ctx.t(label).to_owned()))
        .collect();
    let attr_header = attrs
        .iter()
        .find(|a| a.key == attr)
        .map(|a| query.header("attr", a.name.clone()));
    let state_qs = query.state();
    let here = match set(&query.after) {
        Some(a) if !state_qs.is_empty() => format!("{state_qs}&after={}", enc(a)),
        Some(a) => format!("after={}", enc(a)),
        None => state_qs.clone(),
    };
    let p = UsersPage {
        c: Chrome::new(ctx, state, "users.title", "users", "/users"),
        sort: query.sort().to_owned(),
        order: if query.descending() { "desc" } else { "asc" }.to_owned(),
        size: set(&query.size).unwrap_or_default().to_owned(),
        state: state_qs,
        here,
        headers,
        attr_header,
        attrs,
        attr,
        attr_value: query.attr_value.clone().unwrap_or_default(),
        attr_error,
        paged: !list.previous_page_token.is_empty(),
        q: query.q.unwrap_or_default(),
        role: query.role.unwrap_or_default(),
        user_type: query.user_type.unwrap_or_default(),
        group: query.group.unwrap_or_default(),
        dept: query.dept.unwrap_or_default(),
        inactive,
        rows,
        total: list.total_records,
        next: list.next_page_token,
        previous: list.previous_page_token,
        roles: role_choices(state, ctx, s).await,
        chat_groups: group_choices(state, s, Kind::Chat).await,
        groups,
        notices,
        add_emails: add.0,
        add_error: add.1,
    };
    page(status, &p, &p.c, &[])
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The list a form was sent from (its `list` field: the page's query string), to show again.
fn list_of(form: &FormData) -> UsersQuery {
    format!("/users?{}", form.get("list"))
        .parse::<axum::http::Uri>()
        .ok()
        .and_then(|uri| Query::<UsersQuery>::try_from_uri(&uri).ok())
        .map(|q| q.0)
        .unwrap_or_default()
}

/// `GET /users`
pub async fn list(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<UsersQuery>,
) -> Response {
    render(&state, &ctx, q, Vec::new(), Default::default()).await
}

fn capacity(v: &str) -> Option<u32> {
    v.trim().parse().ok()
}

/// `POST /users/add`: invites every email of the list with the same settings; each succeeds
/// or fails on its own, and the page says which, with the reason next to the email.
pub async fn add(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let template = NewUser {
        action: Some("create".to_owned()),
        user_type: form.get("type").parse().ok(),
        add_ons: AddOns {
            large_meeting: capacity(form.get("large_meeting")),
            webinar: capacity(form.get("webinar")),
        },
        ..NewUser::default()
    };
    let emails = form.get("emails");
    let added = state
        .service
        .add_users(&s.principal, emails, template)
        .await;
    if added.is_empty() {
        let error = describe(
            ctx.lang,
            &roster_service::Error::InvalidInput {
                field: "emails",
                message: "?".to_owned(),
            },
        );
        return render(
            &state,
            &ctx,
            list_of(&form),
            Vec::new(),
            (String::new(), error.trim_end_matches('?').trim().to_owned()),
        )
        .await;
    }
    let profile = UserPatch {
        dept: form.opt("department"),
        manager: form.opt("manager"),
        job_title: form.opt("job_title"),
        location: form.opt("location"),
        group_id: form.opt("group"),
        ..UserPatch::default()
    };
    let chat_group = form.opt("chat_group");
    let mut notices = Vec::new();
    for a in added {
        let result = match a.outcome {
            Ok(v) => {
                let id = v.user.id.to_string();
                let mut r = state
                    .service
                    .update_user(&s.principal, &id, profile.clone())
                    .await;
                if let (Ok(()), Some(g)) = (&r, &chat_group) {
                    let member = MemberRef {
                        id: Some(id),
                        email: None,
                    };
                    r = state
                        .service
                        .add_group_members(&s.principal, Kind::Chat, g, &[member])
                        .await
                        .map(drop);
                }
                r
            }
            Err(e) => Err(e),
        };
        notices.push(match result {
            Ok(()) => (true, format!("{} {}", ctx.t("users.add_added"), a.email)),
            Err(e) => (
                false,
                format!(
                    "{} {}: {}",
                    ctx.t("users.add_failed"),
                    a.email,
                    describe(ctx.lang, &e)
                ),
            ),
        });
    }
    let keep = if notices.iter().all(|n| n.0) {
        String::new()
    } else {
        emails.to_owned()
    };
    render(&state, &ctx, list_of(&form), notices, (keep, String::new())).await
}

/// `POST /users/bulk`: the selected users (`user`, repeated) get the role, type or group.
pub async fn bulk(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let users = form.all("user");
    if users.is_empty() {
        let n = vec![(false, ctx.t("users.bulk_none").to_owned())];
        return render(&state, &ctx, list_of(&form), n, Default::default()).await;
    }
    let change = BulkChange {
        role_id: form.opt("role"),
        user_type: form.get("type").parse().ok(),
        group_id: form.opt("group"),
    };
    let notices = match state
        .service
        .bulk_update(&s.principal, &users, change)
        .await
    {
        Ok(report) => report
            .outcomes
            .into_iter()
            .map(|o| match o.result {
                Ok(_) => (true, format!("{} {}", ctx.t("users.bulk_done"), o.user)),
                Err(e) => (false, format!("{}: {}", o.user, describe(ctx.lang, &e))),
            })
            .collect(),
        Err(e) => vec![(false, describe(ctx.lang, &e))],
    };
    render(&state, &ctx, list_of(&form), notices, Default::default()).await
}
