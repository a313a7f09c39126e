//! One user's edit form (User management): type, role (for the Owner), profile fields, group,
//! add-ons, chat groups and custom attributes, saved all or nothing through the service's
//! `edit_user`; deactivate and reactivate. Errors show next to the field they concern, and a
//! refused form shows what was sent, so nothing typed is lost.

use crate::admin::describe;
use crate::ctx::Ctx;
use crate::errors::{refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::users::{group_choices, Choice};
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::addons::{LARGE_MEETING_CAPACITIES, WEBINAR_CAPACITIES};
use roster_domain::{AddOnError, Role, UserStatus};
use roster_service::admin::{Admin, AttributeDefinition};
use roster_service::groups::Kind;
use roster_service::users::CustomAttribute;
use roster_service::{Error, FeaturePatch, UserEdit, UserPatch, UserView};

/// One add-on: its form name, its label's key, whether held, its capacity, and the
/// capacities offered.
pub struct AddOnField {
    pub name: &'static str,
    pub label: &'static str,
    pub held: bool,
    pub capacity: u32,
    pub capacities: &'static [u32],
}

/// One custom attribute's input.
pub struct AttrField {
    pub key: String,
    pub name: String,
    /// `text`, `number` or `date`.
    pub kind: &'static str,
    pub value: String,
    /// Non-empty: a select of these (plus the current value, should it no longer be one).
    pub allowed: Vec<String>,
}

impl AttrField {
    /// Whether the value is not among the allowed ones (the definition changed since).
    pub fn off_list(&self) -> bool {
        !self.value.is_empty() && !self.allowed.is_empty() && !self.allowed.contains(&self.value)
    }
}

#[derive(Template)]
#[template(path = "user_edit.html")]
struct EditPage {
    c: Chrome,
    id: String,
    email: String,
    active: bool,
    pending: bool,
    type_code: i64,
    role_id: String,
    /// Only the Owner changes roles here.
    may_change_role: bool,
    first_name: String,
    last_name: String,
    dept: String,
    job_title: String,
    location: String,
    manager: String,
    group_id: String,
    groups: Vec<Choice>,
    /// Large Meeting, then Webinar.
    add_ons: [AddOnField; 2],
    /// The account's chat groups: (id, name, whether the user is in it); `None` when the
    /// caller may not list them (the form then leaves the user's chat groups alone).
    chat_groups: Option<Vec<(String, String, bool)>>,
    attributes: Vec<AttrField>,
    /// The field the error concerns (`form` when none); for a custom attribute, `attr` and
    /// `error_attr` holds its key.
    error_field: &'static str,
    error_attr: String,
    error: String,
    saved: bool,
}

/// The page field a service error concerns: a form field's name, `attr` for a custom
/// attribute, else `form`.
fn error_field(e: &Error) -> &'static str {
    match e {
        Error::InvalidInput { field, .. } => match *field {
            "type" | "user_type" | "user_info.type" => "type",
            "dept" => "department",
            "role_id" => "role",
            "group_id" => "group",
            f @ ("first_name" | "last_name" | "job_title" | "location" | "manager") => f,
            _ => "form",
        },
        Error::UserType(_) => "type",
        Error::SeatsExhausted("Large Meeting") => "large_meeting",
        Error::SeatsExhausted("Webinar") => "webinar",
        Error::SeatsExhausted(_) => "type",
        Error::AddOn(AddOnError::LargeMeetingNeedsLicence | AddOnError::LargeMeetingCapacity) => {
            "large_meeting"
        }
        Error::AddOn(AddOnError::WebinarNeedsLicence | AddOnError::WebinarCapacity) => "webinar",
        Error::AttributeValue { .. } => "attr",
        Error::RoleChange(_) | Error::RoleNotFound(_) => "role",
        _ => "form",
    }
}

fn add_on(
    name: &'static str,
    label: &'static str,
    held: Option<u32>,
    capacities: &'static [u32],
) -> AddOnField {
    AddOnField {
        name,
        label,
        held: held.is_some(),
        capacity: held.unwrap_or_default(),
        capacities,
    }
}

fn attr_field(d: AttributeDefinition, stored: &[CustomAttribute]) -> AttrField {
    let value = stored
        .iter()
        .find(|v| v.key == d.key)
        .map(|v| v.value.clone())
        .unwrap_or_default();
    AttrField {
        key: d.key,
        name: d.name,
        kind: d.kind,
        value,
        allowed: d.allowed_values,
    }
}

impl EditPage {
    /// Whether the error concerns the form field `name`.
    fn err(&self, name: &str) -> bool {
        self.error_field == name
    }

    /// Shows what a refused form sent instead of what is stored.
    fn take_posted(&mut self, form: &FormData) {
        self.type_code = form.get("type").parse().unwrap_or(self.type_code);
        if let Some(r) = form.opt("role") {
            self.role_id = r;
        }
        for (name, slot) in [
            ("first_name", &mut self.first_name),
            ("last_name", &mut self.last_name),
            ("department", &mut self.dept),
            ("job_title", &mut self.job_title),
            ("location", &mut self.location),
            ("manager", &mut self.manager),
            ("group", &mut self.group_id),
        ] {
            form.get(name).clone_into(slot);
        }
        for a in &mut self.add_ons {
            a.held = form.get(a.name) == "on";
            a.capacity = form
                .get(&format!("{}_capacity", a.name))
                .parse()
                .unwrap_or(a.capacity);
        }
        let chat = form.all("chat_group");
        for g in self.chat_groups.iter_mut().flatten() {
            g.2 = chat.contains(&g.0);
        }
        for a in &mut self.attributes {
            form.get(&format!("attr.{}", a.key))
                .clone_into(&mut a.value);
        }
    }
}

async fn render(
    state: &WebState,
    ctx: &Ctx,
    id: &str,
    outcome: Result<bool, (Error, Option<&FormData>)>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let v: UserView = match state.service.get_user(&s.principal, id).await {
        Ok(v) => v,
        Err(e) => return refused(ctx, state, &e),
    };
    let u = v.user;
    let stored: Vec<CustomAttribute> =
        serde_json::from_str(&u.custom_attributes).unwrap_or_default();
    let definitions = state
        .service
        .list_custom_attributes(Admin::me(&s.principal))
        .await
        .unwrap_or_default();
    let mut p = EditPage {
        c: Chrome::new(
            ctx,
            state,
            "users.edit",
            "users",
            &format!("/users/edit/{id}"),
        ),
        id: u.id.to_string(),
        email: u.email.to_string(),
        active: u.status == UserStatus::Active,
        pending: u.status == UserStatus::Pending,
        type_code: u.user_type.code(),
        role_id: u.role.id().to_owned(),
        may_change_role: s.principal.acts_as == Role::Owner && u.role != Role::Owner,
        first_name: u.first_name,
        last_name: u.last_name,
        dept: u.dept,
        job_title: u.job_title,
        location: u.location,
        manager: u.manager,
        group_id: u.group_id.unwrap_or_default(),
        groups: group_choices(state, s, Kind::Settings).await,
        add_ons: [
            add_on(
                "large_meeting",
                "users.lm",
                u.add_ons.large_meeting,
                &LARGE_MEETING_CAPACITIES,
            ),
            add_on(
                "webinar",
                "users.wb",
                u.add_ons.webinar,
                &WEBINAR_CAPACITIES,
            ),
        ],
        chat_groups: state
            .service
            .list_groups(&s.principal, Kind::Chat)
            .await
            .ok()
            .map(|gs| {
                gs.into_iter()
                    .map(|g| {
                        let member = u.chat_group_ids.contains(&g.id);
                        (g.id, g.name, member)
                    })
                    .collect()
            }),
        attributes: definitions
            .into_iter()
            .map(|d| attr_field(d, &stored))
            .collect(),
        error_field: "",
        error_attr: String::new(),
        error: String::new(),
        saved: matches!(outcome, Ok(true)),
    };
    if let Err((e, form)) = outcome {
        if let Some(form) = form {
            p.take_posted(form);
        }
        p.error_field = error_field(&e);
        if let Error::AttributeValue { key, .. } = &e {
            p.error_attr.clone_from(key);
        }
        p.error = describe(ctx.lang, &e);
    }
    let status = if p.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, &p, &p.c, &[])
}

/// `GET /users/edit/{userId}`
pub async fn show(State(state): State<WebState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    render(&state, &ctx, &id, Ok(false)).await
}

/// An add-on's change from the form: `{name}` checked or not, `{name}_capacity`.
fn feature(form: &FormData) -> FeaturePatch {
    let cap = |name: &str| form.get(&format!("{name}_capacity")).parse::<i64>().ok();
    let held = |name: &str| form.get(name) == "on";
    FeaturePatch {
        large_meeting: Some(held("large_meeting")),
        large_meeting_capacity: cap("large_meeting").filter(|_| held("large_meeting")),
        webinar: Some(held("webinar")),
        webinar_capacity: cap("webinar").filter(|_| held("webinar")),
    }
}

/// `POST /users/edit/{userId}`: saves the whole form, or (refused) nothing of it.
pub async fn save(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    // Exactly the attributes the form showed: an empty one is cleared.
    let attributes: Vec<CustomAttribute> = form
        .0
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("attr.").map(|key| CustomAttribute {
                key: key.to_owned(),
                name: String::new(),
                value: v.trim().to_owned(),
            })
        })
        .collect();
    let edit = UserEdit {
        patch: UserPatch {
            first_name: Some(form.get("first_name").to_owned()),
            last_name: Some(form.get("last_name").to_owned()),
            user_type: form.get("type").parse().ok(),
            dept: Some(form.get("department").to_owned()),
            job_title: Some(form.get("job_title").to_owned()),
            location: Some(form.get("location").to_owned()),
            manager: Some(form.get("manager").to_owned()),
            group_id: Some(form.get("group").to_owned()),
            custom_attributes: Some(attributes).filter(|a| !a.is_empty()),
            ..UserPatch::default()
        },
        feature: Some(feature(&form)),
        // Only when the page listed them (`chat_groups=shown`).
        chat_groups: (form.get("chat_groups") == "shown").then(|| form.all("chat_group")),
        role_id: form.opt("role"),
    };
    match state.service.edit_user(&s.principal, &id, edit).await {
        Ok(()) => render(&state, &ctx, &id, Ok(true)).await,
        Err(e @ (Error::NoPrivilege | Error::UserNotFound(_) | Error::Internal(_))) => {
            refused(&ctx, &state, &e)
        }
        Err(e) => render(&state, &ctx, &id, Err((e, Some(&form)))).await,
    }
}

/// `POST /users/edit/{userId}/status`: `action` = `activate` or `deactivate`.
pub async fn status(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state
        .service
        .set_user_status(&s.principal, &id, Some(form.get("action")))
        .await
    {
        Ok(()) => see_other(&format!("/users/edit/{id}"), &[]),
        Err(e @ (Error::NoPrivilege | Error::UserNotFound(_) | Error::Internal(_))) => {
            refused(&ctx, &state, &e)
        }
        Err(e) => render(&state, &ctx, &id, Err((e, None))).await,
    }
}
