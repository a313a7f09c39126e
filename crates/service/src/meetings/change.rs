//! Changing (`PATCH /v2/meetings/{meetingId}`, optionally one occurrence) and deleting
//! (`DELETE /v2/meetings/{meetingId}`, optionally one occurrence) a meeting.

use super::schedule::{apply, MeetingInput};
use super::{emit, event_object, last_start, meeting_for, occurrences, occurrences_json};
use crate::{Actor, Error, Result, Service};
use roster_domain::meeting::{self, Zone};
use roster_store::meetings;
use serde_json::{json, Map, Value};

/// What a delete removes.
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// One occurrence of a recurring meeting, by `occurrence_id`; `None`: the whole meeting.
    pub occurrence_id: Option<String>,
}

impl Service {
    /// Changes a meeting the caller may change; with `occurrence_id`, only that occurrence's
    /// `start_time` and `duration` (other fields are the whole series').
    #[tracing::instrument(skip_all)]
    pub async fn update_meeting(
        &self,
        actor: &Actor<'_>,
        meeting_ref: &str,
        occurrence_id: Option<&str>,
        input: &MeetingInput,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (old, host) = meeting_for(&mut tx, actor, meeting_ref, true).await?;
        let at = self.now();
        let mut m = old.clone();
        match occurrence_id.map(str::trim).filter(|o| !o.is_empty()) {
            None => apply(&mut m, input, &host, at)?,
            Some(occ) => {
                let one = occurrences(&m)
                    .into_iter()
                    .find(|o| o.occurrence_id == occ)
                    .ok_or_else(|| {
                        Error::MeetingNotFound(format!("{meeting_ref} (occurrence {occ})"))
                    })?;
                let zone = Zone::parse(&m.timezone)?;
                let start = match &input.start_time {
                    Some(raw) => {
                        let s = meeting::parse_start(raw, &zone)?;
                        meeting::check_not_past(s, at)?;
                        s
                    }
                    None => one.start_time,
                };
                let duration = match input.duration {
                    Some(d) => meeting::duration(d)?,
                    None => one.duration,
                };
                let mut changes: Map<String, Value> =
                    serde_json::from_str(&m.occurrence_changes).unwrap_or_default();
                changes.insert(
                    occ.to_owned(),
                    json!({"start_time": meeting::epoch_ms(start), "duration": duration}),
                );
                m.occurrence_changes = Value::Object(changes).to_string();
                m.last_start = last_start(&m);
            }
        }
        m.updated_at = Some(at);
        meetings::update(&mut tx, &m).await?;
        let old_view = self.meeting_view(old, None, actor);
        let view = self.meeting_view(m, None, actor);
        let mut extra = Map::new();
        extra.insert("old_object".into(), event_object(&old_view));
        extra.insert("time_stamp".into(), json!(meeting::epoch_ms(at)));
        emit(
            &mut tx,
            &view.meeting.account_id,
            actor,
            "meeting.updated",
            view.meeting.id,
            event_object(&view),
            extra,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a meeting the caller may change, or one occurrence of it. A live meeting cannot
    /// be deleted (Zoom's 3002): end it first.
    #[tracing::instrument(skip_all)]
    pub async fn delete_meeting(
        &self,
        actor: &Actor<'_>,
        meeting_ref: &str,
        opts: &DeleteOptions,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (m, _) = meeting_for(&mut tx, actor, meeting_ref, true).await?;
        if m.status == "started" {
            return Err(Error::MeetingInProgress(m.id));
        }
        let view = self.meeting_view(m.clone(), None, actor);
        let mut object = event_object(&view);
        match opts
            .occurrence_id
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            None => {
                if !meetings::delete_unless_live(&mut tx, m.id).await? {
                    return Err(Error::MeetingInProgress(m.id));
                }
            }
            Some(occ) => {
                let one = occurrences(&m)
                    .into_iter()
                    .find(|o| o.occurrence_id == occ)
                    .ok_or_else(|| {
                        Error::MeetingNotFound(format!("{meeting_ref} (occurrence {occ})"))
                    })?;
                let mut changed = m.clone();
                let mut changes: Map<String, Value> =
                    serde_json::from_str(&m.occurrence_changes).unwrap_or_default();
                changes.insert(occ.to_owned(), json!({"deleted": true}));
                changed.occurrence_changes = Value::Object(changes).to_string();
                changed.last_start = last_start(&changed);
                changed.updated_at = Some(self.now());
                meetings::update(&mut tx, &changed).await?;
                if let Value::Object(o) = &mut object {
                    o.insert("occurrences".into(), occurrences_json(&[one]));
                }
            }
        }
        emit(
            &mut tx,
            &m.account_id,
            actor,
            "meeting.deleted",
            m.id,
            object,
            Map::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
