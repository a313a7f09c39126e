//! User management → Users: the active users with search, role filter and keyset pages (the
//! service's list and its paging, so a page costs the same at 100k users), the "Add users"
//! dialog (one or many comma-separated emails) and bulk role / type / group changes.

use crate::ctx::Ctx;
use crate::errors::{check_csrf, describe, refused, signed_in};
use crate::form::FormData;
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::AddOns;
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
    pub after: Option<String>,
}

impl UsersQuery {
    /// The filters as a query string (without the page), for the pager's links.
    fn filters(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("role", &self.role),
            ("status", &self.status),
            ("type", &self.user_type),
            ("group", &self.group),
            ("dept", &self.dept),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        q.finish()
    }
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
    /// The filters as a query string, for the pager.
    pub filters: String,
    pub inactive: bool,
    pub rows: Vec<Row>,
    pub total: u64,
    pub next: String,
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

/// Renders the Users tab for `query`, with `notices` from an action just done.
pub async fn render(
    state: &WebState,
    ctx: &Ctx,
    query: UsersQuery,
    notices: Vec<(bool, String)>,
    add: (String, String),
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let inactive = query.status.as_deref() == Some("inactive");
    let list = state
        .service
        .list_users(
            &s.principal,
            ListQuery {
                status: Some(if inactive { "inactive" } else { "active" }.to_owned()),
                role_id: query.role.clone().filter(|r| !r.is_empty()),
                page_size: Some(50),
                next_page_token: query.after.clone().filter(|a| !a.is_empty()),
                search: query.q.clone(),
                user_type: query.user_type.as_deref().and_then(|t| t.parse().ok()),
                group_id: query.group.clone(),
                dept: query.dept.clone(),
                ..ListQuery::default()
            },
        )
        .await;
    let list = match list {
        Ok(l) => l,
        Err(e) => return refused(ctx, state, &e),
    };
    let groups = group_choices(state, s, Kind::Settings).await;
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
        })
        .collect();
    let filters = query.filters();
    let paged = query.after.as_deref().is_some_and(|a| !a.is_empty());
    let p = UsersPage {
        c: Chrome::new(ctx, state, "users.title", "users", "/users"),
        filters,
        q: query.q.unwrap_or_default(),
        role: query.role.unwrap_or_default(),
        user_type: query.user_type.unwrap_or_default(),
        group: query.group.unwrap_or_default(),
        dept: query.dept.unwrap_or_default(),
        inactive,
        rows,
        total: list.total_records,
        next: list.next_page_token,
        paged,
        roles: role_choices(state, ctx, s).await,
        chat_groups: group_choices(state, s, Kind::Chat).await,
        groups,
        notices,
        add_emails: add.0,
        add_error: add.1,
    };
    page(StatusCode::OK, &p, &p.c, &[])
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
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let s = match signed_in(&ctx) {
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
            UsersQuery::default(),
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
    render(
        &state,
        &ctx,
        UsersQuery::default(),
        notices,
        (keep, String::new()),
    )
    .await
}

/// `POST /users/bulk`: the selected users (`user`, repeated) get the role, type or group.
pub async fn bulk(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let users = form.all("user");
    if users.is_empty() {
        let n = vec![(false, ctx.t("users.bulk_none").to_owned())];
        return render(&state, &ctx, UsersQuery::default(), n, Default::default()).await;
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
    render(
        &state,
        &ctx,
        UsersQuery::default(),
        notices,
        Default::default(),
    )
    .await
}
