//! `GET /v2/report/operationlogs`: the account's audit log, in the shape of Zoom's
//! operation-logs report.

use super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::State;
use axum::Json;
use roster_service::audit::AuditQuery;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LogParams {
    /// `yyyy-mm-dd`; default 30 days before `to`.
    pub from: Option<String>,
    /// `yyyy-mm-dd`, inclusive; default today.
    pub to: Option<String>,
    /// 1–300, default 30.
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
    /// `all` (default), `user`, `group`, `role`, `account`, `app`.
    pub category_type: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OperationLog {
    pub time: String,
    pub operator: String,
    pub category_type: String,
    pub action: String,
    pub operation_detail: String,
    /// Roster extension: the id of what changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OperationLogs {
    pub from: String,
    pub to: String,
    pub page_size: u32,
    pub next_page_token: String,
    pub operation_logs: Vec<OperationLog>,
}

#[utoipa::path(get, path = "/v2/report/operationlogs", tag = "report", params(LogParams), security(("bearer" = [])),
    responses((status = 200, description = "Newest first", body = OperationLogs),
        (status = 400, description = "Bad parameter (300), no privilege (200)", body = ErrorBody)))]
pub async fn operation_logs(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomQuery(q): ZoomQuery<LogParams>,
) -> Result<Json<OperationLogs>, ZoomError> {
    let page = state
        .service
        .audit_log(
            &p,
            AuditQuery {
                from: q.from,
                to: q.to,
                category_type: q.category_type,
                page_size: q.page_size,
                next_page_token: q.next_page_token,
            },
        )
        .await?;
    Ok(Json(OperationLogs {
        from: page.from.to_string(),
        to: page.to.to_string(),
        page_size: page.page_size,
        next_page_token: page.next_page_token,
        operation_logs: page
            .entries
            .into_iter()
            .map(|e| OperationLog {
                time: zoom_time(e.time),
                operator: e.operator,
                category_type: e.category_type,
                action: e.action,
                operation_detail: e.operation_detail,
                target: e.target,
            })
            .collect(),
    }))
}
