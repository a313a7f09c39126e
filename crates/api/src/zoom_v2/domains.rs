//! Roster extension: an account's managed (associated) domains, under
//! `/v2/accounts/{accountId}/managed_domains` (`accountId` is `me` or the caller's account id).
//! Zoom manages these through its support staff; Roster lets the Owner and Admins add a domain,
//! prove it with a DNS TXT record, set its defaults and remove it.

use super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_service::domains::{DomainPatch, DomainView, NewDomain};
use serde::{Deserialize, Deserializer, Serialize};

/// The DNS record that proves the account controls the domain.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerificationRecord {
    /// Always `TXT`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// e.g. `_roster-verification.example.edu`
    pub name: String,
    /// e.g. `roster-verification=3kTq…`
    pub value: String,
    /// The same as one zone-file line.
    pub zone_line: String,
}

/// A managed domain.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DomainObject {
    pub domain: String,
    /// `pending` (added, not yet proven) or `verified` (the account manages it).
    pub status: &'static str,
    pub verification_record: VerificationRecord,
    /// The type new users on the domain get when the request names none (1, 2 or 3).
    pub default_type: Option<i64>,
    /// The settings group new users on the domain are put in.
    pub default_group_id: Option<String>,
    pub created_at: String,
    pub verified_at: Option<String>,
}

impl From<DomainView> for DomainObject {
    fn from(v: DomainView) -> Self {
        Self {
            domain: v.domain,
            status: v.status.as_str(),
            verification_record: VerificationRecord {
                kind: "TXT",
                name: v.record_name,
                value: v.record_value,
                zone_line: v.record,
            },
            default_type: v.default_type,
            default_group_id: v.default_group_id,
            created_at: zoom_time(v.created_at),
            verified_at: v.verified_at.map(zoom_time),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DomainList {
    pub total_records: usize,
    pub domains: Vec<DomainObject>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AddDomain {
    pub domain: String,
    pub default_type: Option<i64>,
    pub default_group_id: Option<String>,
}

/// Present and `null` clears a default; absent leaves it.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PatchDomain {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub default_type: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub default_group_id: Option<Option<String>>,
}

#[utoipa::path(get, path = "/v2/accounts/{accountId}/managed_domains", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), security(("bearer" = [])),
    responses((status = 200, description = "The account's domains, pending and verified", body = DomainList),
        (status = 400, description = "Not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
) -> Result<Json<DomainList>, ZoomError> {
    let list = state.service.list_domains(&p, &account).await?;
    Ok(Json(DomainList {
        total_records: list.len(),
        domains: list.into_iter().map(DomainObject::from).collect(),
    }))
}

#[utoipa::path(post, path = "/v2/accounts/{accountId}/managed_domains", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")),
    request_body = AddDomain, security(("bearer" = [])),
    responses((status = 201, description = "Added, pending: publish `verification_record`, then verify", body = DomainObject),
        (status = 400, description = "Invalid domain or default (300); not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "Account (2001) or group (4130) does not exist", body = ErrorBody),
        (status = 409, description = "Managed by another account (1150); already added (1151)", body = ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
    ZoomJson(body): ZoomJson<AddDomain>,
) -> Result<(StatusCode, Json<DomainObject>), ZoomError> {
    let input = NewDomain {
        domain: body.domain,
        default_type: body.default_type,
        default_group_id: body.default_group_id,
    };
    let view = state.service.add_domain(&p, &account, input).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

#[utoipa::path(post, path = "/v2/accounts/{accountId}/managed_domains/{domain}/verify", tag = "accounts",
    params(("accountId" = String, Path), ("domain" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "Verified: the account manages the domain", body = DomainObject),
        (status = 400, description = "The TXT record was not found; the message says what was (1153). Not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "No such domain on this account (1152)", body = ErrorBody),
        (status = 409, description = "Another account verified it first (1150)", body = ErrorBody),
        (status = 503, description = "The DNS lookup failed (1154)", body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((account, domain)): Path<(String, String)>,
) -> Result<Json<DomainObject>, ZoomError> {
    let view = state.service.verify_domain(&p, &account, &domain).await?;
    Ok(Json(view.into()))
}

#[utoipa::path(patch, path = "/v2/accounts/{accountId}/managed_domains/{domain}", tag = "accounts",
    params(("accountId" = String, Path), ("domain" = String, Path)),
    request_body = PatchDomain, security(("bearer" = [])),
    responses((status = 200, description = "The domain with its new defaults", body = DomainObject),
        (status = 400, description = "Invalid default (300); not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "No such domain (1152) or group (4130)", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((account, domain)): Path<(String, String)>,
    ZoomJson(body): ZoomJson<PatchDomain>,
) -> Result<Json<DomainObject>, ZoomError> {
    let patch = DomainPatch {
        default_type: body.default_type,
        default_group_id: body.default_group_id,
    };
    let view = state
        .service
        .update_domain(&p, &account, &domain, patch)
        .await?;
    Ok(Json(view.into()))
}

#[utoipa::path(delete, path = "/v2/accounts/{accountId}/managed_domains/{domain}", tag = "accounts",
    params(("accountId" = String, Path), ("domain" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Removed; its users stay, no longer managed"),
        (status = 400, description = "Not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "No such domain on this account (1152)", body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((account, domain)): Path<(String, String)>,
) -> Result<StatusCode, ZoomError> {
    state.service.remove_domain(&p, &account, &domain).await?;
    Ok(StatusCode::NO_CONTENT)
}
