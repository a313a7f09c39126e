//! Roster extensions (Zoom's API has no batch endpoints): `POST /v2/users/batch` adds many
//! emails with the same settings, each on its own; `POST /v2/users/bulk` changes the role, type
//! or group of many users, all or nothing.

use crate::error::{code, ErrorBody, FieldError};
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use roster_service::users::BulkChange;
use roster_service::NewUser;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BatchBody {
    /// `create`, `autoCreate`, `custCreate` or `ssoCreate`.
    pub action: Option<String>,
    /// Emails separated by commas, semicolons or white space.
    pub emails: Option<String>,
    pub user_info: Option<BatchUserInfo>,
}

/// Settings every added user gets.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BatchUserInfo {
    #[serde(rename = "type")]
    pub user_type: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchResult {
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The Zoom error code, when this email was not added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchResponse {
    pub added: usize,
    pub results: Vec<BatchResult>,
}

#[utoipa::path(post, path = "/v2/users/batch", tag = "users", request_body = BatchBody, security(("bearer" = [])),
    responses((status = 200, description = "What happened to each email, in order", body = BatchResponse),
        (status = 400, description = "No emails (300)", body = ErrorBody)))]
pub async fn add_users(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomJson(body): ZoomJson<BatchBody>,
) -> Result<Json<BatchResponse>, ZoomError> {
    let emails = body
        .emails
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| ZoomError::validation("emails", "emails is required"))?;
    let info = body.user_info.unwrap_or(BatchUserInfo {
        user_type: None,
        first_name: None,
        last_name: None,
        password: None,
    });
    let template = NewUser {
        action: body.action,
        email: None,
        user_type: info.user_type,
        first_name: info.first_name,
        last_name: info.last_name,
        display_name: None,
        password: info.password,
        add_ons: Default::default(),
    };
    let results: Vec<BatchResult> = state
        .service
        .add_users(&p, &emails, template)
        .await
        .into_iter()
        .map(|a| match a.outcome {
            Ok(v) => BatchResult {
                email: v.user.email.to_string(),
                id: Some(v.user.id.to_string()),
                code: None,
                message: None,
            },
            Err(e) => {
                let z = ZoomError::from(e);
                let message = z
                    .errors
                    .first()
                    .map_or(z.message.clone(), |f| format!("{}: {}", f.field, f.message));
                BatchResult {
                    email: a.email,
                    id: None,
                    code: Some(z.code),
                    message: Some(message),
                }
            }
        })
        .collect();
    Ok(Json(BatchResponse {
        added: results.iter().filter(|r| r.id.is_some()).count(),
        results,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BulkBody {
    /// Users by id or email; at most 300.
    #[serde(default)]
    pub users: Vec<String>,
    pub role_id: Option<String>,
    #[serde(rename = "type")]
    pub user_type: Option<i64>,
    /// A settings group id; empty takes the users out of their group.
    pub group_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BulkResult {
    pub user: String,
    pub id: String,
    /// `updated` or `unchanged`.
    pub status: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BulkResponse {
    pub updated: usize,
    pub results: Vec<BulkResult>,
}

#[utoipa::path(post, path = "/v2/users/bulk", tag = "users", request_body = BulkBody, security(("bearer" = [])),
    responses((status = 200, description = "Every user was changed (or already so)", body = BulkResponse),
        (status = 400, description = "Nothing was changed; `errors` names each user that could not be, with its code", body = ErrorBody)))]
pub async fn bulk_update(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomJson(body): ZoomJson<BulkBody>,
) -> Result<Json<BulkResponse>, ZoomError> {
    let change = BulkChange {
        role_id: body.role_id,
        user_type: body.user_type,
        group_id: body.group_id,
    };
    let report = state.service.bulk_update(&p, &body.users, change).await?;
    let total = report.outcomes.len();
    if !report.applied {
        let errors: Vec<FieldError> = report
            .outcomes
            .into_iter()
            .filter_map(|o| {
                o.result.err().map(|e| {
                    let z = ZoomError::from(e);
                    FieldError {
                        field: o.user,
                        message: z.message,
                        code: Some(z.code),
                    }
                })
            })
            .collect();
        return Err(ZoomError {
            status: StatusCode::BAD_REQUEST,
            code: code::VALIDATION,
            message: format!(
                "Nothing was changed: {} of {total} users could not be.",
                errors.len()
            ),
            errors,
        });
    }
    let results: Vec<BulkResult> = report
        .outcomes
        .into_iter()
        .map(|o| BulkResult {
            user: o.user,
            id: o.id.unwrap_or_default(),
            status: if matches!(o.result, Ok(true)) {
                "updated"
            } else {
                "unchanged"
            },
        })
        .collect();
    Ok(Json(BulkResponse {
        updated: results.iter().filter(|r| r.status == "updated").count(),
        results,
    }))
}
