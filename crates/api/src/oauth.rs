//! `POST /oauth/token`: Zoom's server-to-server grant. Credentials come as HTTP Basic
//! (`client_id:client_secret`), or as `client_id`/`client_secret` parameters; `grant_type` and
//! `account_id` may be in the query string (as Zoom documents) or in a form body (as many
//! clients send them). Errors are RFC 6749 bodies with Zoom's `reason` and numeric `code` added,
//! so both generic OAuth libraries and Zoom-specific clients understand them.

use crate::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use roster_service::grants::{GrantError, RevokeRequest, TokenRequest};
use roster_service::Error;
use serde::Serialize;

/// The token response, as Zoom sends it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// With the authorization-code and refresh grants: the next refresh token (the one
    /// presented is used up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u64,
    /// Space-separated scopes.
    pub scope: String,
    /// The base URL of the REST API, as in Zoom's response.
    pub api_url: String,
}

/// An OAuth error body (RFC 6749 §5.2, plus Zoom's `reason` and `code`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OAuthErrorBody {
    pub error: &'static str,
    pub error_description: String,
    pub reason: String,
    pub code: u32,
}

/// A refused token request.
#[derive(Debug)]
pub struct OAuthError {
    status: StatusCode,
    error: &'static str,
    code: u32,
    message: String,
}

impl OAuthError {
    fn invalid_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            code: 4700,
            message: message.into(),
        }
    }
}

impl From<Error> for OAuthError {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        let message = e.to_string();
        let (status, error, code) = match e {
            Error::ClientCredentialsMissing => (S::UNAUTHORIZED, "invalid_client", 4706),
            Error::InvalidClient => (S::UNAUTHORIZED, "invalid_client", 4702),
            Error::InvalidClientSecret => (S::UNAUTHORIZED, "invalid_client", 4704),
            Error::GrantTypeMissing => (S::BAD_REQUEST, "invalid_request", 4706),
            Error::UnsupportedGrantType(_) => (S::BAD_REQUEST, "unsupported_grant_type", 4705),
            Error::InvalidAccountId => (S::BAD_REQUEST, "invalid_request", 4700),
            Error::Grant(g) => match g {
                GrantError::UnknownCode | GrantError::ReusedCode | GrantError::PkceMismatch => {
                    (S::BAD_REQUEST, "invalid_grant", 4734)
                }
                GrantError::ExpiredCode => (S::BAD_REQUEST, "invalid_grant", 4733),
                GrantError::RedirectMismatch => (S::BAD_REQUEST, "invalid_grant", 4709),
                GrantError::InvalidRefresh | GrantError::ReusedRefresh => {
                    (S::BAD_REQUEST, "invalid_grant", 4711)
                }
                GrantError::InstallRevoked => (S::BAD_REQUEST, "invalid_grant", 4741),
                GrantError::ScopeEscalation(_) => (S::BAD_REQUEST, "invalid_scope", 4700),
            },
            Error::ShuttingDown => (S::SERVICE_UNAVAILABLE, "temporarily_unavailable", 4700),
            Error::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                return Self {
                    status: S::INTERNAL_SERVER_ERROR,
                    error: "server_error",
                    code: 4700,
                    message: "Internal server error.".into(),
                };
            }
            Error::InvalidInput { .. }
            | Error::AttributeValue { .. }
            | Error::SettingLocked { .. }
            | Error::EmailTaken(_)
            | Error::AccountNotFound(_)
            | Error::UserNotFound(_)
            | Error::NoPrivilege
            | Error::GroupNotFound(_)
            | Error::ContactNotFound(_)
            | Error::ContactExists(_)
            | Error::ChannelNotFound(_)
            | Error::GroupNameTaken(_)
            | Error::ScimGroup(_)
            | Error::InvitationNotFound
            | Error::InvitationExpired(_)
            | Error::JoinUnavailable(_)
            | Error::SignupClosed
            | Error::RoleNotFound(_)
            | Error::RoleNameTaken(_)
            | Error::RoleChange(_)
            | Error::TransferUserNotFound(_)
            | Error::PaymentMethodRequired
            | Error::SeatsExhausted(_)
            | Error::FileNeedsSeats { .. }
            | Error::AddOn(_)
            | Error::UserType(_)
            | Error::NotManagedDomain
            | Error::AdminStatusLocked
            | Error::CannotUnlinkAdmin
            | Error::CannotUnlinkManaged
            | Error::AttributeNotFound(_)
            | Error::AttributeNameTaken(_)
            | Error::TooManyAttributes(_)
            | Error::WebhookAppNotFound(_)
            | Error::WebhookNotSubscribed(_)
            | Error::WebhookValidationFailed { .. }
            | Error::WebhookDeliveryNotFound(_)
            | Error::ImportJobNotFound(_)
            | Error::MeetingNotFound(_)
            | Error::NotMeetingHost(_)
            | Error::MeetingInProgress(_)
            | Error::HostNotActive(_)
            | Error::NotAssistant(_)
            | Error::CannotRemoveOwner
            | Error::HostBusy(_)
            | Error::MeetingNotLive { .. }
            | Error::MeetingFull(_)
            | Error::WrongPasscode
            | Error::CannotHost(_)
            | Error::HostToken(_)
            | Error::DomainClaimed(_)
            | Error::DomainAlreadyAdded(_)
            | Error::DomainNotFound(_)
            | Error::DomainNotVerified { .. }
            | Error::DnsLookupFailed { .. }
            | Error::AppNotFound(_)
            | Error::InstallNotFound(_)
            | Error::InvalidToken
            | Error::ExpiredToken => (S::BAD_REQUEST, "invalid_request", 4700),
        };
        Self {
            status,
            error,
            code,
            message,
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = Json(OAuthErrorBody {
            error: self.error,
            error_description: self.message.clone(),
            reason: self.message,
            code: self.code,
        });
        let no_store = [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ];
        if self.status == StatusCode::UNAUTHORIZED {
            let challenge = [(header::WWW_AUTHENTICATE, "Basic realm=\"roster\"")];
            (self.status, challenge, no_store, body).into_response()
        } else {
            (self.status, no_store, body).into_response()
        }
    }
}

/// `client_id:client_secret` from an `Authorization: Basic …` header.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || OAuthError {
        status: StatusCode::UNAUTHORIZED,
        error: "invalid_client",
        code: 4706,
        message: "The Authorization header must be HTTP Basic: base64 of client_id:client_secret."
            .into(),
    };
    let value = value.to_str().map_err(|_| bad())?;
    let (scheme, encoded) = value.split_once(' ').ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(bad());
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    Ok(Some((id.to_owned(), secret.to_owned())))
}

fn parse_pairs(text: &str, what: &str) -> Result<Vec<(String, String)>, OAuthError> {
    serde_urlencoded::from_str(text)
        .map_err(|_| OAuthError::invalid_request(format!("The {what} is not valid URL encoding.")))
}

fn body_pairs(headers: &HeaderMap, body: &Bytes) -> Result<Vec<(String, String)>, OAuthError> {
    if body.is_empty() {
        return Ok(Vec::new());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/x-www-form-urlencoded");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(OAuthError::invalid_request(
            "Send token request parameters as application/x-www-form-urlencoded.",
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| OAuthError::invalid_request("The request body is not UTF-8."))?;
    parse_pairs(text, "request body")
}

/// A token endpoint's parameters: the query string's and the form body's.
struct Params {
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
}

impl Params {
    fn read(headers: &HeaderMap, query: Option<&str>, body: &Bytes) -> Result<Self, OAuthError> {
        Ok(Self {
            query: parse_pairs(query.unwrap_or_default(), "query string")?,
            form: body_pairs(headers, body)?,
        })
    }

    fn find(pairs: &[(String, String)], name: &str) -> Option<String> {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// From the form body only.
    fn form(&self, name: &str) -> Option<String> {
        Self::find(&self.form, name)
    }

    /// From the query string, else the form body.
    fn any(&self, name: &str) -> Option<String> {
        Self::find(&self.query, name).or_else(|| self.form(name))
    }

    /// The client's id and secret, from the Basic header or the form body, never the query
    /// string, which ends up in logs.
    fn client(&self, headers: &HeaderMap) -> Result<(Option<String>, Option<String>), OAuthError> {
        Ok(match basic_credentials(headers)? {
            Some((id, secret)) => (Some(id), Some(secret)),
            None => (self.form("client_id"), self.form("client_secret")),
        })
    }
}

#[utoipa::path(
    post, path = "/oauth/token", tag = "oauth",
    params(
        ("grant_type" = String, Query, description = "account_credentials, authorization_code or refresh_token (may also be sent in a form body)"),
        ("account_id" = String, Query, description = "The account the app belongs to (may also be sent in a form body)"),
    ),
    security(("basic" = [])),
    responses(
        (status = 200, description = "A bearer token", body = TokenResponse),
        (status = 400, description = "Bad grant", body = OAuthErrorBody),
        (status = 401, description = "Bad client credentials", body = OAuthErrorBody),
    )
)]
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let params = Params::read(&headers, query.as_deref(), &body)?;
    let param = |name: &str| params.any(name);
    let (client_id, client_secret) = params.client(&headers)?;
    let issued = state
        .service
        .grant_token(TokenRequest {
            client_id,
            client_secret,
            grant_type: param("grant_type"),
            account_id: param("account_id"),
            code: param("code"),
            redirect_uri: param("redirect_uri"),
            code_verifier: param("code_verifier"),
            refresh_token: param("refresh_token"),
            scope: param("scope"),
        })
        .await?;
    let body = Json(TokenResponse {
        access_token: issued.access_token.expose().to_owned(),
        refresh_token: issued.refresh_token.map(|r| r.expose().to_owned()),
        token_type: "bearer",
        expires_in: issued.expires_in,
        scope: issued.scope,
        api_url: state.public_url.to_string(),
    });
    Ok((
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        body,
    )
        .into_response())
}

/// `POST /oauth/revoke` (RFC 7009): `token` (and optional `token_type_hint`) in a form body;
/// the client authenticates as for `/oauth/token`. Revoking a refresh token revokes its family.
/// An unknown token is answered like a revoked one.
#[utoipa::path(
    post, path = "/oauth/revoke", tag = "oauth",
    security(("basic" = [])),
    responses(
        (status = 200, description = "Revoked (or never valid): `{\"status\":\"success\"}`"),
        (status = 401, description = "Bad client credentials", body = OAuthErrorBody),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let params = Params::read(&headers, query.as_deref(), &body)?;
    let (client_id, client_secret) = params.client(&headers)?;
    state
        .service
        .revoke_token(RevokeRequest {
            client_id,
            client_secret,
            token: params.any("token"),
            token_type_hint: params.form("token_type_hint"),
        })
        .await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "status": "success" })),
    )
        .into_response())
}
