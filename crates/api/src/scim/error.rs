//! [`ScimError`]: RFC 7644 §3.12's error body, `{"schemas": [Error URN], "status": "400",
//! "scimType": "invalidFilter", "detail": "…"}`, sent as `application/scim+json`. Service
//! outcomes map onto it here, in one place; internal failures are logged, never described.

use super::extract::CONTENT_TYPE;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use roster_domain::scim::SyntaxError;
use roster_service::scim::groups::GroupRefusal;
use roster_service::Error;
use serde_json::json;

/// The `scimType` of a 400 or 409 (RFC 7644 Table 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimType {
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidVers,
    Sensitive,
}

impl ScimType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidFilter => "invalidFilter",
            Self::TooMany => "tooMany",
            Self::Uniqueness => "uniqueness",
            Self::Mutability => "mutability",
            Self::InvalidSyntax => "invalidSyntax",
            Self::InvalidPath => "invalidPath",
            Self::NoTarget => "noTarget",
            Self::InvalidValue => "invalidValue",
            Self::InvalidVers => "invalidVers",
            Self::Sensitive => "sensitive",
        }
    }
}

/// A SCIM error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<ScimType>,
    pub detail: String,
}

impl ScimError {
    pub fn new(status: StatusCode, scim_type: Option<ScimType>, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    /// A 400 with a `scimType`.
    pub fn bad(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    /// A 404 naming what was not found.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, detail)
    }

    /// A 409 `uniqueness`.
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some(ScimType::Uniqueness), detail)
    }

    /// A filter that did not parse: `invalidFilter`, saying where.
    pub fn invalid_filter(e: &SyntaxError) -> Self {
        Self::bad(
            ScimType::InvalidFilter,
            format!("The filter is not valid: it {e}."),
        )
    }

    /// A PATCH path that did not parse: `invalidPath`, saying where.
    pub fn invalid_path(e: &SyntaxError) -> Self {
        Self::bad(
            ScimType::InvalidPath,
            format!("The path is not valid: it {e}."),
        )
    }

    /// The JSON body of this error.
    pub fn body(&self) -> serde_json::Value {
        let mut body = json!({
            "schemas": [super::ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let (Some(t), Some(obj)) = (self.scim_type, body.as_object_mut()) {
            obj.insert("scimType".to_owned(), json!(t.as_str()));
        }
        body
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut res = (self.status, self.body().to_string()).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"scim2\""),
            );
        }
        res
    }
}

impl From<Error> for ScimError {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        let detail = e.to_string();
        match e {
            Error::InvalidToken | Error::ExpiredToken => Self::new(S::UNAUTHORIZED, None, detail),
            Error::EmailTaken(_) | Error::GroupNameTaken(_) => Self::uniqueness(detail),
            Error::InvalidInput { .. }
            | Error::AttributeValue { .. }
            | Error::UserType(_)
            | Error::AddOn(_)
            | Error::SettingLocked { .. } => Self::bad(ScimType::InvalidValue, detail),
            Error::UserNotFound(_)
            | Error::GroupNotFound(_)
            | Error::AccountNotFound(_)
            | Error::RoleNotFound(_)
            | Error::TransferUserNotFound(_) => Self::not_found(detail),
            Error::NoPrivilege
            | Error::PaymentMethodRequired
            | Error::AdminStatusLocked
            | Error::CannotRemoveOwner
            | Error::RoleChange(_)
            | Error::CannotUnlinkAdmin
            | Error::CannotUnlinkManaged => Self::new(S::FORBIDDEN, None, detail),
            // A full seat pool is the caller's to fix (free a seat, buy more): a 400 without a
            // scimType, as RFC 7644 has none for it.
            Error::SeatsExhausted(_) | Error::FileNeedsSeats { .. } => {
                Self::new(S::BAD_REQUEST, None, detail)
            }
            Error::ScimGroup(r) => r.into(),
            Error::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(
                    S::INTERNAL_SERVER_ERROR,
                    None,
                    "Internal server error. Try again later; if it persists, tell the operator.",
                )
            }
            // Outcomes of other interfaces (meetings, chat, OAuth, webhooks, domains): should
            // one reach SCIM it is still the request's doing.
            _ => Self::new(S::BAD_REQUEST, None, detail),
        }
    }
}

impl From<GroupRefusal> for ScimError {
    fn from(r: GroupRefusal) -> Self {
        let detail = r.to_string();
        match r {
            GroupRefusal::VersionMismatch { .. } => {
                Self::new(StatusCode::PRECONDITION_FAILED, None, detail)
            }
            GroupRefusal::ExternalIdTaken(_) => Self::uniqueness(detail),
            GroupRefusal::NoTarget(_) => Self::bad(ScimType::NoTarget, detail),
            GroupRefusal::UnknownMember(_) => Self::bad(ScimType::InvalidValue, detail),
        }
    }
}
