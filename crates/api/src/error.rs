//! [`ZoomError`]: every `/v2` refusal, as Zoom shapes it: an HTTP status and a body
//! `{"code": N, "message": "…"}` (plus `errors` for field validation). The table mapping service
//! outcomes to codes is the exhaustive `match` in `From<service::Error>`; internal failures are
//! logged (with the request's id, via the request span) and answered with a generic 500.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use roster_service::Error;
use serde::Serialize;

/// A Zoom-shaped error response.
#[derive(Debug, Clone)]
pub struct ZoomError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
    pub errors: Vec<FieldError>,
}

/// One invalid field, as in Zoom's validation errors.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// The Zoom code of this item's error, where items fail separately (bulk edits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u32>,
}

/// Zoom's error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub code: u32,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Zoom codes Roster answers with (see zoom-api.md).
pub mod code {
    pub const VALIDATION: u32 = 300;
    pub const NO_PRIVILEGE: u32 = 200;
    pub const INVALID_TOKEN: u32 = 124;
    /// "Invalid access token, does not contain scopes:[…]" (HTTP 400).
    pub const MISSING_SCOPES: u32 = 4711;
    pub const USER_NOT_FOUND: u32 = 1001;
    pub const EMAIL_TAKEN: u32 = 1005;
    pub const MANAGED_DOMAIN: u32 = 1107;
    pub const USER_TYPE: u32 = 1108;
    pub const NOT_MANAGED_DOMAIN: u32 = 1116;
    pub const CANNOT_UNLINK_ADMIN: u32 = 1117;
    pub const SEATS_EXHAUSTED: u32 = 3412;
    pub const GROUP_NOT_FOUND: u32 = 4130;
    pub const INVITATION: u32 = 1120;
    pub const GROUP_NAME_TAKEN: u32 = 4132;
    pub const ROLE_NOT_FOUND: u32 = 1036;
    pub const ROLE_NAME_TAKEN: u32 = 1037;
    pub const ACCOUNT_NOT_FOUND: u32 = 2001;
    /// Roster's own: Zoom documents no codes for custom attribute definitions.
    pub const ATTRIBUTE_NOT_FOUND: u32 = 1040;
    pub const ATTRIBUTE_NAME_TAKEN: u32 = 1041;
    pub const TOO_MANY_ATTRIBUTES: u32 = 1042;
    pub const NOT_RECOGNIZED: u32 = 2300;
    // Marketplace apps and installs: Roster's own codes.
    pub const APP_NOT_FOUND: u32 = 4720;
    pub const INSTALL_NOT_FOUND: u32 = 4721;
    // Managed domains: Zoom has no API for them, so these codes are Roster's own.
    pub const DOMAIN_CLAIMED: u32 = 1150;
    pub const DOMAIN_ALREADY_ADDED: u32 = 1151;
    pub const DOMAIN_NOT_FOUND: u32 = 1152;
    pub const DOMAIN_NOT_VERIFIED: u32 = 1153;
    pub const DNS_LOOKUP_FAILED: u32 = 1154;
    pub const CONTACT_NOT_FOUND: u32 = 5401;
    pub const CHANNEL_NOT_FOUND: u32 = 5402;
    pub const CONTACT_EXISTS: u32 = 5403;
    pub const MEETING_NOT_FOUND: u32 = 3001;
    pub const MEETING_IN_PROGRESS: u32 = 3002;
    pub const NOT_MEETING_HOST: u32 = 3003;
    /// The Meeting SDK's code for a wrong passcode.
    pub const WRONG_PASSCODE: u32 = 3004;
    /// Roster's own: Zoom documents no code for a host who is not active.
    pub const HOST_NOT_ACTIVE: u32 = 3010;
    // Live meetings: Zoom documents no API codes for these, so they are Roster's own.
    pub const HOST_BUSY: u32 = 3060;
    pub const MEETING_NOT_LIVE: u32 = 3061;
    pub const MEETING_FULL: u32 = 3062;
    // Webhooks (event subscriptions and deliveries): Roster's own codes.
    pub const WEBHOOK_APP_NOT_FOUND: u32 = 4800;
    pub const WEBHOOK_NOT_SUBSCRIBED: u32 = 4801;
    pub const WEBHOOK_VALIDATION_FAILED: u32 = 4802;
    pub const WEBHOOK_DELIVERY_NOT_FOUND: u32 = 4803;
    pub const INTERNAL: u32 = 500;
}

impl ZoomError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self {
            errors: vec![FieldError {
                field: field.to_owned(),
                message: message.into(),
                code: None,
            }],
            ..Self::new(
                StatusCode::BAD_REQUEST,
                code::VALIDATION,
                "Validation Failed.",
            )
        }
    }

    /// Unknown path (404) or method (405): Zoom's "not recognized".
    pub fn not_recognized(status: StatusCode) -> Self {
        Self::new(
            status,
            code::NOT_RECOGNIZED,
            "This API endpoint is not recognized.",
        )
    }
}

impl From<Error> for ZoomError {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        let msg = e.to_string();
        match e {
            Error::InvalidInput { field, message } => Self::validation(field, message),
            Error::AttributeValue { name, reason, .. } => {
                Self::validation("custom_attributes", format!("{name}: {reason}"))
            }
            // Zoom documents no code for a locked setting: a validation failure naming it.
            Error::SettingLocked { field, .. } => Self {
                message: msg.clone(),
                ..Self::validation(field, msg)
            },
            Error::EmailTaken(_) => Self::new(S::CONFLICT, code::EMAIL_TAKEN, msg),
            Error::UserNotFound(_) => Self::new(S::NOT_FOUND, code::USER_NOT_FOUND, msg),
            Error::AccountNotFound(_) => Self::new(S::NOT_FOUND, code::ACCOUNT_NOT_FOUND, msg),
            Error::NoPrivilege
            | Error::PaymentMethodRequired
            | Error::AdminStatusLocked
            | Error::CannotRemoveOwner => Self::new(S::BAD_REQUEST, code::NO_PRIVILEGE, msg),
            Error::GroupNotFound(_) => Self::new(S::NOT_FOUND, code::GROUP_NOT_FOUND, msg),
            // Zoom documents no codes for these: Roster's own.
            Error::ContactNotFound(_) => Self::new(S::NOT_FOUND, code::CONTACT_NOT_FOUND, msg),
            Error::ChannelNotFound(_) => Self::new(S::NOT_FOUND, code::CHANNEL_NOT_FOUND, msg),
            Error::ContactExists(_) => Self::new(S::CONFLICT, code::CONTACT_EXISTS, msg),
            Error::InvitationNotFound | Error::InvitationExpired(_) | Error::JoinUnavailable(_) => {
                Self::new(S::BAD_REQUEST, code::INVITATION, msg)
            }
            Error::SignupClosed => Self::new(S::NOT_FOUND, code::NOT_RECOGNIZED, msg),
            // The portal's; should one reach /v2 it is still a not-found.
            Error::ImportJobNotFound(_) => Self::new(S::NOT_FOUND, code::NOT_RECOGNIZED, msg),
            Error::RoleNotFound(_) => Self::new(S::NOT_FOUND, code::ROLE_NOT_FOUND, msg),
            Error::RoleNameTaken(_) => Self::new(S::CONFLICT, code::ROLE_NAME_TAKEN, msg),
            Error::RoleChange(_) => Self::new(S::BAD_REQUEST, code::NO_PRIVILEGE, msg),
            Error::GroupNameTaken(_) => Self::new(S::CONFLICT, code::GROUP_NAME_TAKEN, msg),
            Error::TransferUserNotFound(_) => Self::new(S::NOT_FOUND, code::USER_NOT_FOUND, msg),
            Error::SeatsExhausted(_) | Error::FileNeedsSeats { .. } => {
                Self::new(S::BAD_REQUEST, code::SEATS_EXHAUSTED, msg)
            }
            Error::AddOn(
                e @ (roster_domain::AddOnError::LargeMeetingCapacity
                | roster_domain::AddOnError::WebinarCapacity),
            ) => Self::validation("feature", e.to_string()),
            Error::AddOn(_) => Self::new(S::BAD_REQUEST, code::USER_TYPE, msg),
            Error::UserType(roster_domain::TypeError::OnPremDisabled) => {
                Self::new(S::BAD_REQUEST, code::USER_TYPE, msg)
            }
            Error::UserType(e) => Self::validation("user_info.type", e.to_string()),
            Error::NotManagedDomain => Self::new(S::BAD_REQUEST, code::NOT_MANAGED_DOMAIN, msg),
            Error::CannotUnlinkAdmin => Self::new(S::BAD_REQUEST, code::CANNOT_UNLINK_ADMIN, msg),
            Error::CannotUnlinkManaged => Self::new(S::BAD_REQUEST, code::MANAGED_DOMAIN, msg),
            Error::DomainClaimed(_) => Self::new(S::CONFLICT, code::DOMAIN_CLAIMED, msg),
            Error::DomainAlreadyAdded(_) => Self::new(S::CONFLICT, code::DOMAIN_ALREADY_ADDED, msg),
            Error::DomainNotFound(_) => Self::new(S::NOT_FOUND, code::DOMAIN_NOT_FOUND, msg),
            Error::DomainNotVerified { .. } => {
                Self::new(S::BAD_REQUEST, code::DOMAIN_NOT_VERIFIED, msg)
            }
            Error::DnsLookupFailed { .. } => {
                Self::new(S::SERVICE_UNAVAILABLE, code::DNS_LOOKUP_FAILED, msg)
            }
            Error::AttributeNotFound(_) => Self::new(S::NOT_FOUND, code::ATTRIBUTE_NOT_FOUND, msg),
            Error::AttributeNameTaken(_) => Self::new(S::CONFLICT, code::ATTRIBUTE_NAME_TAKEN, msg),
            Error::TooManyAttributes(_) => {
                Self::new(S::BAD_REQUEST, code::TOO_MANY_ATTRIBUTES, msg)
            }
            Error::MeetingNotFound(_) => Self::new(S::NOT_FOUND, code::MEETING_NOT_FOUND, msg),
            Error::MeetingInProgress(_) => {
                Self::new(S::BAD_REQUEST, code::MEETING_IN_PROGRESS, msg)
            }
            Error::NotMeetingHost(_) => Self::new(S::BAD_REQUEST, code::NOT_MEETING_HOST, msg),
            Error::HostNotActive(_) => Self::new(S::BAD_REQUEST, code::HOST_NOT_ACTIVE, msg),
            Error::NotAssistant(_) => Self::new(S::BAD_REQUEST, code::NO_PRIVILEGE, msg),
            Error::HostBusy(_) => Self::new(S::CONFLICT, code::HOST_BUSY, msg),
            Error::MeetingNotLive { .. } => Self::new(S::BAD_REQUEST, code::MEETING_NOT_LIVE, msg),
            Error::MeetingFull(_) => Self::new(S::CONFLICT, code::MEETING_FULL, msg),
            Error::WrongPasscode => Self::new(S::FORBIDDEN, code::WRONG_PASSCODE, msg),
            Error::CannotHost(_) => Self::new(S::BAD_REQUEST, code::USER_TYPE, msg),
            Error::HostToken(_) => Self::new(S::UNAUTHORIZED, code::INVALID_TOKEN, msg),
            Error::InvalidToken | Error::ExpiredToken => {
                Self::new(S::UNAUTHORIZED, code::INVALID_TOKEN, msg)
            }
            Error::AppNotFound(_) => Self::new(S::NOT_FOUND, code::APP_NOT_FOUND, msg),
            Error::InstallNotFound(_) => Self::new(S::NOT_FOUND, code::INSTALL_NOT_FOUND, msg),
            // OAuth outcomes belong to /oauth (see `OAuthError`); should one reach /v2 it is
            // still the caller's doing, so a 400, never a 500.
            Error::ClientCredentialsMissing
            | Error::InvalidClient
            | Error::InvalidClientSecret
            | Error::GrantTypeMissing
            | Error::UnsupportedGrantType(_)
            | Error::Grant(_)
            | Error::InvalidAccountId => Self::new(S::BAD_REQUEST, code::VALIDATION, msg),
            Error::WebhookAppNotFound(_) => {
                Self::new(S::NOT_FOUND, code::WEBHOOK_APP_NOT_FOUND, msg)
            }
            Error::WebhookNotSubscribed(_) => {
                Self::new(S::NOT_FOUND, code::WEBHOOK_NOT_SUBSCRIBED, msg)
            }
            Error::WebhookValidationFailed { .. } => {
                Self::new(S::BAD_REQUEST, code::WEBHOOK_VALIDATION_FAILED, msg)
            }
            Error::WebhookDeliveryNotFound(_) => {
                Self::new(S::NOT_FOUND, code::WEBHOOK_DELIVERY_NOT_FOUND, msg)
            }
            // A SCIM outcome (see `ScimError`); should one reach /v2 it is the caller's doing.
            Error::ScimGroup(_) => Self::new(S::BAD_REQUEST, code::VALIDATION, msg),
            Error::ShuttingDown => Self::new(S::SERVICE_UNAVAILABLE, code::INTERNAL, msg),
            Error::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(
                    S::INTERNAL_SERVER_ERROR,
                    code::INTERNAL,
                    "Internal server error. Try again later; if it persists, tell the operator.",
                )
            }
        }
    }
}

impl From<JsonRejection> for ZoomError {
    fn from(r: JsonRejection) -> Self {
        let message = match r {
            JsonRejection::MissingJsonContentType(_) => {
                "Request Body should be a valid JSON object. Send it with Content-Type: application/json."
                    .to_owned()
            }
            JsonRejection::JsonDataError(e) => format!(
                "Request Body should be a valid JSON object. {}",
                e.body_text()
            ),
            _ => "Request Body should be a valid JSON object.".to_owned(),
        };
        Self::new(StatusCode::BAD_REQUEST, code::VALIDATION, message)
    }
}

impl From<QueryRejection> for ZoomError {
    fn from(r: QueryRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            code::VALIDATION,
            format!("Invalid query parameters: {}", r.body_text()),
        )
    }
}

impl IntoResponse for ZoomError {
    fn into_response(self) -> Response {
        let status = self.status;
        let body = Json(ErrorBody {
            code: self.code,
            message: self.message,
            errors: self.errors,
        });
        if status == StatusCode::UNAUTHORIZED {
            (status, [(header::WWW_AUTHENTICATE, "Bearer")], body).into_response()
        } else {
            (status, body).into_response()
        }
    }
}
