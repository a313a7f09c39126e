//! Roster extensions for account-wide administration (Zoom has no API for these), under
//! `/v2/accounts/{accountId}/…` where `accountId` is `me` or the caller's account id: the users
//! summary, changing or unlinking every user of one type, defaults for new users, and moving
//! every user of one group into another.

use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::Json;
use roster_service::admin::{Admin, ChatSwitch, GroupSwitch};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

fn admin<'a>(principal: &'a roster_domain::Principal, account: &'a str) -> Admin<'a> {
    Admin::Principal { principal, account }
}

/// One seat pool.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PoolObject {
    pub total: i64,
    pub used: i64,
    pub free: i64,
}

/// The users summary.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SummaryObject {
    pub total_users: i64,
    /// `basic`, `licensed`, `on_prem`, `unassigned`, `none` → count (any status).
    #[schema(value_type = Object)]
    pub users_by_type: Map<String, Value>,
    /// `active`, `inactive`, `pending` → count.
    #[schema(value_type = Object)]
    pub users_by_status: Map<String, Value>,
    /// `licensed`, `large_meeting`, `webinar` → {total, used, free}.
    #[schema(value_type = Object)]
    pub seats: Map<String, Value>,
}

fn type_name(t: roster_domain::UserType) -> &'static str {
    use roster_domain::UserType as T;
    match t {
        T::Basic => "basic",
        T::Licensed => "licensed",
        T::OnPrem => "on_prem",
        T::Unassigned => "unassigned",
        T::None => "none",
    }
}

fn pool(p: roster_service::admin::PoolUsage) -> Value {
    json!(PoolObject {
        total: p.seats,
        used: p.used,
        free: p.free()
    })
}

#[utoipa::path(get, path = "/v2/accounts/{accountId}/users/summary", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), security(("bearer" = [])),
    responses((status = 200, description = "Users by type and status, seats per pool, from the exact counters", body = SummaryObject),
        (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
) -> Result<Json<SummaryObject>, ZoomError> {
    let s = state.service.user_summary(admin(&p, &account)).await?;
    Ok(Json(SummaryObject {
        total_users: s.total,
        users_by_type: s
            .by_type
            .iter()
            .map(|(t, n)| (type_name(*t).to_owned(), json!(n)))
            .collect(),
        users_by_status: s
            .by_status
            .iter()
            .map(|(st, n)| (st.as_str().to_owned(), json!(n)))
            .collect(),
        seats: Map::from_iter([
            ("licensed".to_owned(), pool(s.licensed)),
            ("large_meeting".to_owned(), pool(s.large_meeting)),
            ("webinar".to_owned(), pool(s.webinar)),
        ]),
    }))
}

/// `POST …/users/change_type`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChangeTypeBody {
    /// The type whose users change (1, 2, 3, 4 or 99).
    pub from: i64,
    /// Their new type.
    pub to: i64,
}

#[utoipa::path(post, path = "/v2/accounts/{accountId}/users/change_type", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), request_body = ChangeTypeBody,
    security(("bearer" = [])),
    responses((status = 200, description = "`{changed, from, to, seats{licensed, large_meeting, webinar}}`: every user of `from` but the Owner and Admins changed", body = Object),
        (status = 400, description = "Seats do not suffice (3412; nothing changed); bad type (300); on-prem not enabled (1108); no privilege (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn change_type(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
    ZoomJson(b): ZoomJson<ChangeTypeBody>,
) -> Result<Json<Value>, ZoomError> {
    let c = state
        .service
        .change_users_type(admin(&p, &account), b.from, b.to)
        .await?;
    Ok(Json(json!({
        "changed": c.changed,
        "from": c.from.code(),
        "to": c.to.code(),
        "seats": {"licensed": c.seats.licensed, "large_meeting": c.seats.large_meeting, "webinar": c.seats.webinar},
    })))
}

/// `POST …/users/unlink`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UnlinkBody {
    /// The type whose users are unlinked.
    #[serde(rename = "type")]
    pub user_type: i64,
}

#[utoipa::path(post, path = "/v2/accounts/{accountId}/users/unlink", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), request_body = UnlinkBody,
    security(("bearer" = [])),
    responses((status = 200, description = "`{unlinked, skipped_total, skipped_by_reason, skipped[{id, email, reason}]}` (the first 1000 skipped are listed)", body = Object),
        (status = 400, description = "Bad type (300); no privilege (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn unlink(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
    ZoomJson(b): ZoomJson<UnlinkBody>,
) -> Result<Json<Value>, ZoomError> {
    let r = state
        .service
        .unlink_users_of_type(admin(&p, &account), b.user_type)
        .await?;
    Ok(Json(json!({
        "unlinked": r.unlinked,
        "skipped_total": r.skipped.iter().map(|(_, n)| n).sum::<i64>(),
        "skipped_by_reason": r.skipped.iter().map(|(k, n)| (k.as_str().to_owned(), json!(n))).collect::<Map<_, _>>(),
        "skipped": r.skipped_users.iter().map(|s| json!({"id": s.id, "email": s.email, "reason": s.reason.as_str()})).collect::<Vec<_>>(),
    })))
}

/// The account's defaults for new users.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DefaultsObject {
    /// The settings group new users start in; `""` (on PATCH) clears it.
    pub group_id: Option<String>,
    /// The chat group new users join; `""` (on PATCH) clears it.
    pub im_group_id: Option<String>,
}

#[utoipa::path(get, path = "/v2/accounts/{accountId}/user_defaults", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), security(("bearer" = [])),
    responses((status = 200, description = "The groups new users start in", body = DefaultsObject),
        (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn get_defaults(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
) -> Result<Json<DefaultsObject>, ZoomError> {
    let d = state.service.user_defaults(admin(&p, &account)).await?;
    Ok(Json(DefaultsObject {
        group_id: d.group_id,
        im_group_id: d.chat_group_id,
    }))
}

#[utoipa::path(patch, path = "/v2/accounts/{accountId}/user_defaults", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), request_body = DefaultsObject,
    security(("bearer" = [])),
    responses((status = 200, description = "The defaults now", body = DefaultsObject),
        (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "Account (2001) or group (4130) does not exist", body = ErrorBody)))]
pub async fn update_defaults(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
    ZoomJson(b): ZoomJson<DefaultsObject>,
) -> Result<Json<DefaultsObject>, ZoomError> {
    let d = state
        .service
        .set_user_defaults(
            admin(&p, &account),
            b.group_id.as_deref(),
            b.im_group_id.as_deref(),
        )
        .await?;
    Ok(Json(DefaultsObject {
        group_id: d.group_id,
        im_group_id: d.chat_group_id,
    }))
}

/// `POST …/users/switch_group`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SwitchGroupBody {
    /// The settings group whose users move; absent or null: users in no group.
    pub from_group_id: Option<String>,
    pub to_group_id: String,
}

#[utoipa::path(post, path = "/v2/accounts/{accountId}/users/switch_group", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), request_body = SwitchGroupBody,
    security(("bearer" = [])),
    responses((status = 200, description = "`{moved}`", body = Object),
        (status = 400, description = "Same group twice (300); no privilege (200)", body = ErrorBody),
        (status = 404, description = "Account (2001) or group (4130) does not exist", body = ErrorBody)))]
pub async fn switch_group(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
    ZoomJson(b): ZoomJson<SwitchGroupBody>,
) -> Result<Json<Value>, ZoomError> {
    let moved = state
        .service
        .switch_users_group(
            admin(&p, &account),
            GroupSwitch {
                from: b.from_group_id,
                to: b.to_group_id,
            },
        )
        .await?;
    Ok(Json(json!({ "moved": moved })))
}

/// `POST …/users/switch_im_group`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SwitchImGroupBody {
    /// The chat group whose members also join `to_im_group_id`; absent or null: users in no
    /// chat group.
    pub from_im_group_id: Option<String>,
    pub to_im_group_id: String,
    /// Whether they also leave `from_im_group_id` (default false).
    #[serde(default)]
    pub leave: bool,
}

#[utoipa::path(post, path = "/v2/accounts/{accountId}/users/switch_im_group", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), request_body = SwitchImGroupBody,
    security(("bearer" = [])),
    responses((status = 200, description = "`{joined, left}`", body = Object),
        (status = 400, description = "Same group twice, or leave without from (300); no privilege (200)", body = ErrorBody),
        (status = 404, description = "Account (2001) or chat group (4130) does not exist", body = ErrorBody)))]
pub async fn switch_im_group(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
    ZoomJson(b): ZoomJson<SwitchImGroupBody>,
) -> Result<Json<Value>, ZoomError> {
    let (joined, left) = state
        .service
        .switch_users_chat_group(
            admin(&p, &account),
            ChatSwitch {
                from: b.from_im_group_id,
                to: b.to_im_group_id,
                leave: b.leave,
            },
        )
        .await?;
    Ok(Json(json!({ "joined": joined, "left": left })))
}
