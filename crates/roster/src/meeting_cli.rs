//! `roster meeting …`: the operator schedules, lists, shows and deletes meetings for any user
//! (the same use cases as `/v2/users/{userId}/meetings` and `/v2/meetings/{meetingId}`, acting
//! as the operator, who may act on every account's meetings).

use clap::Subcommand;
use roster_service::meetings::{DeleteOptions, MeetingInput, MeetingQuery, MeetingView};
use roster_service::{Actor, Service};
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum MeetingCommand {
    /// Schedule a meeting hosted by a user (email or id). Types: 1 instant, 2 scheduled (the
    /// default), 3 recurring with no fixed time, 8 recurring with a fixed time (give
    /// --recurrence as Zoom's JSON, e.g. '{"type":2,"weekly_days":"2","end_times":4}').
    Create {
        /// The host: an email or user id.
        #[arg(long, value_name = "USER")]
        user: String,
        #[arg(long)]
        topic: Option<String>,
        /// 1, 2, 3 or 8.
        #[arg(long = "type", value_name = "N")]
        meeting_type: Option<i64>,
        /// yyyy-MM-ddTHH:mm:ssZ (UTC), or yyyy-MM-ddTHH:mm:ss local time in --timezone.
        #[arg(long, value_name = "TIME")]
        start_time: Option<String>,
        /// Minutes, 1 to 1440.
        #[arg(long, value_name = "MIN", allow_hyphen_values = true)]
        duration: Option<i64>,
        /// An IANA time zone, e.g. Europe/Paris (default: the host's).
        #[arg(long, value_name = "ZONE")]
        timezone: Option<String>,
        /// Passcode: up to 10 of a-z A-Z 0-9 @ - _ *.
        #[arg(long)]
        password: Option<String>,
        #[arg(long)]
        agenda: Option<String>,
        /// Zoom's recurrence object, as JSON.
        #[arg(long, value_name = "JSON")]
        recurrence: Option<String>,
        /// Print the meeting as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List a user's meetings: scheduled (the default), live, upcoming or previous_meetings.
    List {
        /// The host: an email or user id.
        #[arg(long, value_name = "USER")]
        user: String,
        #[arg(long = "type", value_name = "KIND")]
        kind: Option<String>,
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show one meeting with its links and occurrences, as JSON.
    Show { meeting_id: String },
    /// Delete a meeting (or, with --occurrence-id, one occurrence). A live one is refused.
    Delete {
        meeting_id: String,
        #[arg(long, value_name = "ID")]
        occurrence_id: Option<String>,
    },
}

fn json_of(v: &MeetingView) -> serde_json::Value {
    let m = &v.meeting;
    serde_json::json!({
        "id": m.id, "uuid": m.uuid, "host_id": m.host_id.as_str(), "host_email": m.host_email,
        "topic": m.topic, "type": m.meeting_type, "status": m.status,
        "start_time": roster_service::domain::meeting::recurrence::zoom_utc(m.start_time),
        "duration": m.duration, "timezone": m.timezone, "password": m.password,
        "join_url": v.join_url, "start_url": v.start_url, "recurrence": v.recurrence,
        "occurrences": v.occurrences.iter().map(|o| serde_json::json!({
            "occurrence_id": o.occurrence_id,
            "start_time": roster_service::domain::meeting::recurrence::zoom_utc(o.start_time),
            "duration": o.duration})).collect::<Vec<_>>(),
    })
}

pub async fn run(
    service: &Service,
    cmd: MeetingCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    let actor = Actor::Operator;
    match cmd {
        MeetingCommand::Create {
            user,
            topic,
            meeting_type,
            start_time,
            duration,
            timezone,
            password,
            agenda,
            recurrence,
            json,
        } => {
            let recurrence = recurrence
                .map(|r| serde_json::from_str(&r))
                .transpose()
                .map_err(|e| anyhow::anyhow!("--recurrence: not JSON: {e}"))?;
            let input = MeetingInput {
                topic,
                meeting_type,
                start_time,
                duration,
                timezone,
                password,
                agenda,
                recurrence,
                ..MeetingInput::default()
            };
            let v = service
                .schedule_meeting(&actor, &user, &input)
                .await
                .map_err(crate::cli::cli_error)?;
            if json {
                writeln!(out, "{}", json_of(&v))?;
            } else {
                writeln!(
                    out,
                    "Scheduled meeting {} for {}.",
                    v.meeting.id, v.meeting.host_email
                )?;
                writeln!(out, "Join: {}", v.join_url)?;
                writeln!(out, "Start: {}", v.start_url)?;
            }
        }
        MeetingCommand::List { user, kind, json } => {
            let mut q = MeetingQuery {
                kind,
                page_size: Some(300),
                ..MeetingQuery::default()
            };
            loop {
                let page = service
                    .list_meetings(&actor, &user, &q)
                    .await
                    .map_err(crate::cli::cli_error)?;
                for v in &page.meetings {
                    if json {
                        writeln!(out, "{}", json_of(v))?;
                    } else {
                        writeln!(
                            out,
                            "{}\t{}\t{}\t{}",
                            v.meeting.id,
                            roster_service::domain::meeting::recurrence::zoom_utc(
                                v.meeting.start_time
                            ),
                            v.meeting.status,
                            v.meeting.topic
                        )?;
                    }
                }
                if page.next_page_token.is_empty() {
                    break;
                }
                q.next_page_token = Some(page.next_page_token);
            }
        }
        MeetingCommand::Show { meeting_id } => {
            let v = service
                .get_meeting(&actor, &meeting_id, None, true)
                .await
                .map_err(crate::cli::cli_error)?;
            writeln!(out, "{}", json_of(&v))?;
        }
        MeetingCommand::Delete {
            meeting_id,
            occurrence_id,
        } => {
            service
                .delete_meeting(&actor, &meeting_id, &DeleteOptions { occurrence_id })
                .await
                .map_err(crate::cli::cli_error)?;
            writeln!(out, "Deleted meeting {meeting_id}.")?;
        }
    }
    Ok(())
}
