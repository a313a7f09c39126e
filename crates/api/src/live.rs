//! The meeting links people open in a browser: `/s/{id}?zak=…` (the host starts the meeting)
//! and `/j/{id}` (the join page: topic, host and status; a form for a display name and, when
//! the meeting has one, its passcode). Admitted people see the built-in lobby, or are
//! redirected to the media engine with their token. Refusals are pages with the Zoom-style
//! code and the HTTP status the API would use. In the portal's language (its switcher's
//! cookie, else the browser's).

use crate::activate::page_in;
use crate::zoom_v2::meeting_status::meeting_id;
use crate::{AppState, ZoomError};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use roster_domain::html::escape;
use roster_domain::language::Language;
use roster_service::live::{Admission, JoinRequest, MeetingPage};
use roster_web::describe::describe;
use roster_web::i18n::{fill, of_request, text};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    pub zak: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct JoinQuery {
    pub pwd: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct JoinForm {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub pwd: Option<String>,
}

/// A refusal as a page: the same status and code as the API's, the words in `lang`.
fn refusal(lang: Language, e: ZoomError, words: &str) -> Response {
    let body = format!(
        "<p class=\"error\" role=\"alert\" data-code=\"{}\">{}</p><p>{}</p>",
        e.code,
        escape(words),
        fill(lang, "live.code", &[("code", &e.code.to_string())])
    );
    (
        e.status,
        Html(page_in(lang, text(lang, "live.refused_title"), &body)),
    )
        .into_response()
}

/// A service refusal as a page.
fn refused(lang: Language, e: roster_service::Error) -> Response {
    let words = describe(lang, &e);
    refusal(lang, ZoomError::from(e), &words)
}

/// A meeting id that does not parse: no such meeting.
fn bad_id(lang: Language, e: ZoomError) -> Response {
    refusal(lang, e, text(lang, "meetings.err_not_found"))
}

fn when(t: Option<time::OffsetDateTime>) -> String {
    t.map(crate::zoom_v2::zoom_time).unwrap_or_default()
}

fn summary(lang: Language, m: &MeetingPage) -> String {
    let live = if m.status == "started" {
        format!(
            "<p>{}</p>",
            fill(
                lang,
                "live.since",
                &[
                    ("since", &when(m.started_at)),
                    ("people", &m.participants.to_string()),
                    ("capacity", &m.capacity.to_string()),
                    ("ends", &when(m.ends_at)),
                ]
            )
        )
    } else {
        String::new()
    };
    format!(
        "<p>{} <strong>{}</strong></p><p>{} <strong data-status=\"{}\">{}</strong></p>{live}",
        text(lang, "live.host"),
        escape(&m.host_name),
        text(lang, "live.status"),
        escape(&m.status),
        text(
            lang,
            match m.status.as_str() {
                "started" => "live.started",
                "finished" => "live.finished",
                _ => "live.waiting",
            }
        ),
    )
}

fn admitted(lang: Language, a: Admission) -> Response {
    match a {
        Admission::Redirect(url) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response()
        }
        Admission::Lobby {
            page: m,
            display_name,
            host,
        } => {
            let role = text(
                lang,
                if host {
                    "live.as_host"
                } else {
                    "live.as_guest"
                },
            );
            let body = format!(
                "{}<p data-admitted=\"true\">{}</p>",
                summary(lang, &m),
                fill(
                    lang,
                    "live.lobby",
                    &[("name", &escape(&display_name)), ("role", role)]
                ),
            );
            Html(page_in(lang, &m.topic, &body)).into_response()
        }
    }
}

/// `GET /s/{id}?zak=…`: the host starts (or rejoins) the meeting.
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Query(q): Query<StartQuery>,
) -> Response {
    let lang = of_request(&headers, None);
    let id = match meeting_id(&raw) {
        Ok(id) => id,
        Err(e) => return bad_id(lang, e),
    };
    let Some(zak) = q.zak.filter(|z| !z.trim().is_empty()) else {
        return refused(
            lang,
            roster_service::Error::HostToken(roster_domain::host_token::HostTokenError::Malformed),
        );
    };
    match state.service.start_meeting(id, &zak).await {
        Ok(a) => admitted(lang, a),
        Err(e) => refused(lang, e),
    }
}

fn join_form(lang: Language, m: &MeetingPage, pwd: &str, error: Option<&str>) -> String {
    let t = |k: &str| text(lang, k);
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let passcode = if m.has_passcode {
        format!(
            "<label for=\"pwd\">{}</label><input id=\"pwd\" name=\"pwd\" value=\"{}\" required>",
            t("live.passcode"),
            escape(pwd)
        )
    } else {
        String::new()
    };
    format!(
        "{}{error}<form method=\"post\"><label for=\"display_name\">{}</label>\
         <input id=\"display_name\" name=\"display_name\" maxlength=\"64\" required autocomplete=\"name\">\
         <label for=\"email\">{}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\">\
         {passcode}<button type=\"submit\">{}</button></form>",
        summary(lang, m),
        t("live.name"),
        t("live.email"),
        t("live.join"),
    )
}

/// `GET /j/{id}[?pwd=…]`: the join page.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Query(q): Query<JoinQuery>,
) -> Response {
    let lang = of_request(&headers, None);
    let id = match meeting_id(&raw) {
        Ok(id) => id,
        Err(e) => return bad_id(lang, e),
    };
    match state.service.meeting_page(id).await {
        Ok(m) => Html(page_in(
            lang,
            &m.topic,
            &join_form(lang, &m, q.pwd.as_deref().unwrap_or_default(), None),
        ))
        .into_response(),
        Err(e) => refused(lang, e),
    }
}

/// `POST /j/{id}[?pwd=…]`: join with a display name (and the passcode).
pub async fn join(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Query(q): Query<JoinQuery>,
    Form(f): Form<JoinForm>,
) -> Response {
    let lang = of_request(&headers, None);
    let id = match meeting_id(&raw) {
        Ok(id) => id,
        Err(e) => return bad_id(lang, e),
    };
    let req = JoinRequest {
        display_name: f.display_name.unwrap_or_default(),
        email: f.email.unwrap_or_default(),
        passcode: f.pwd.or(q.pwd).unwrap_or_default(),
    };
    match state.service.join_meeting(id, &req).await {
        Ok(a) => admitted(lang, a),
        Err(e) => {
            let words = describe(lang, &e);
            let z = ZoomError::from(e);
            match state.service.meeting_page(id).await {
                // Still a page the person can correct and send again.
                Ok(m)
                    if z.status == StatusCode::BAD_REQUEST || z.status == StatusCode::FORBIDDEN =>
                {
                    let body = join_form(lang, &m, &req.passcode, Some(&words));
                    (z.status, Html(page_in(lang, &m.topic, &body))).into_response()
                }
                _ => refusal(lang, z, &words),
            }
        }
    }
}
