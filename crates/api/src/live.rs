//! The meeting links people open in a browser: `/s/{id}?zak=…` (the host starts the meeting)
//! and `/j/{id}` (the join page: topic, host and status; a form for a display name and, when
//! the meeting has one, its passcode). Admitted people see the built-in lobby, or are
//! redirected to the media engine with their token. Refusals are pages with the Zoom-style
//! code and the HTTP status the API would use.

use crate::activate::page;
use crate::zoom_v2::meeting_status::meeting_id;
use crate::{AppState, ZoomError};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use roster_domain::html::escape;
use roster_service::live::{Admission, JoinRequest, MeetingPage};
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

/// A refusal as a page: the same status and code as the API's.
fn refusal(e: ZoomError) -> Response {
    let body = format!(
        "<p class=\"error\" role=\"alert\" data-code=\"{}\">{}</p><p>Code {}.</p>",
        e.code,
        escape(&e.message),
        e.code
    );
    (e.status, Html(page("Cannot open this meeting", &body))).into_response()
}

fn when(t: Option<time::OffsetDateTime>) -> String {
    t.map(crate::zoom_v2::zoom_time).unwrap_or_default()
}

fn summary(m: &MeetingPage) -> String {
    let live = if m.status == "started" {
        format!(
            "<p>Live since {} · {} of {} people · ends at {} at the latest.</p>",
            when(m.started_at),
            m.participants,
            m.capacity,
            when(m.ends_at)
        )
    } else {
        String::new()
    };
    format!(
        "<p>Host: <strong>{}</strong></p><p>Status: <strong data-status=\"{}\">{}</strong></p>{live}",
        escape(&m.host_name),
        escape(&m.status),
        match m.status.as_str() {
            "started" => "in progress",
            "finished" => "ended",
            _ => "not started yet",
        },
    )
}

fn admitted(a: Admission) -> Response {
    match a {
        Admission::Redirect(url) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response()
        }
        Admission::Lobby {
            page: m,
            display_name,
            host,
        } => {
            let role = if host { "the host" } else { "a participant" };
            let body = format!(
                "{}<p data-admitted=\"true\">You are in the meeting as {} ({role}). This page is \
                 the meeting's lobby: no media engine is configured on this server.</p>",
                summary(&m),
                escape(&display_name),
            );
            Html(page(&m.topic, &body)).into_response()
        }
    }
}

/// `GET /s/{id}?zak=…`: the host starts (or rejoins) the meeting.
pub async fn start(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<StartQuery>,
) -> Response {
    let id = match meeting_id(&raw) {
        Ok(id) => id,
        Err(e) => return refusal(e),
    };
    let Some(zak) = q.zak.filter(|z| !z.trim().is_empty()) else {
        return refusal(ZoomError::from(roster_service::Error::HostToken(
            roster_domain::host_token::HostTokenError::Malformed,
        )));
    };
    match state.service.start_meeting(id, &zak).await {
        Ok(a) => admitted(a),
        Err(e) => refusal(e.into()),
    }
}

fn join_form(m: &MeetingPage, pwd: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let passcode = if m.has_passcode {
        format!(
            "<label for=\"pwd\">Passcode</label><input id=\"pwd\" name=\"pwd\" value=\"{}\" required>",
            escape(pwd)
        )
    } else {
        String::new()
    };
    format!(
        "{}{error}<form method=\"post\"><label for=\"display_name\">Your name</label>\
         <input id=\"display_name\" name=\"display_name\" maxlength=\"64\" required>\
         <label for=\"email\">Email (optional)</label><input id=\"email\" name=\"email\" type=\"email\">\
         {passcode}<button type=\"submit\">Join</button></form>",
        summary(m)
    )
}

/// `GET /j/{id}[?pwd=…]`: the join page.
pub async fn show(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<JoinQuery>,
) -> Response {
    let id = match meeting_id(&raw) {
        Ok(id) => id,
        Err(e) => return refusal(e),
    };
    match state.service.meeting_page(id).await {
        Ok(m) => Html(page(
            &m.topic,
            &join_form(&m, q.pwd.as_deref().unwrap_or_default(), None),
        ))
        .into_response(),
        Err(e) => refusal(e.into()),
    }
}

/// `POST /j/{id}[?pwd=…]`: join with a display name (and the passcode).
pub async fn join(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<JoinQuery>,
    Form(f): Form<JoinForm>,
) -> Response {
    let id = match meeting_id(&raw) {
        Ok(id) => id,
        Err(e) => return refusal(e),
    };
    let req = JoinRequest {
        display_name: f.display_name.unwrap_or_default(),
        email: f.email.unwrap_or_default(),
        passcode: f.pwd.or(q.pwd).unwrap_or_default(),
    };
    match state.service.join_meeting(id, &req).await {
        Ok(a) => admitted(a),
        Err(e) => {
            let z = ZoomError::from(e);
            match state.service.meeting_page(id).await {
                // Still a page the person can correct and send again.
                Ok(m)
                    if z.status == StatusCode::BAD_REQUEST || z.status == StatusCode::FORBIDDEN =>
                {
                    let body = join_form(&m, &req.passcode, Some(&z.message));
                    (z.status, Html(page(&m.topic, &body))).into_response()
                }
                _ => refusal(z),
            }
        }
    }
}
