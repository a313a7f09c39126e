//! The service layer's outcomes that are not success. Each variant is something a caller can
//! act on; interfaces map them to their wire codes (Zoom codes, OAuth errors, CLI messages).

use roster_domain::{AddOnError, Email, RoleChangeError, TypeError};

/// A use case that did not happen, and why. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input did not parse; `field` names it as the wire does (e.g. `user_info.email`).
    #[error("{field}: {message}")]
    InvalidInput {
        field: &'static str,
        message: String,
    },
    #[error("Email \"{0}\" has already been used.")]
    EmailTaken(Email),
    #[error("Account does not exist: {0}.")]
    AccountNotFound(String),
    #[error("User does not exist: {0}.")]
    UserNotFound(String),
    #[error("No privilege.")]
    NoPrivilege,
    #[error("Role does not exist: {0}.")]
    RoleNotFound(String),
    #[error("A role named \"{0}\" already exists.")]
    RoleNameTaken(String),
    #[error("{0}")]
    RoleChange(RoleChangeError),
    /// Zoom's 1120: the invitation is gone (used, replaced, withdrawn) or never was.
    #[error("This activation link is not valid: it may have been used already, replaced by a newer invitation, or withdrawn. Ask your administrator to send a new one.")]
    InvitationNotFound,
    #[error(
        "This activation link expired on {0}. Ask your administrator to send a new invitation."
    )]
    InvitationExpired(String),
    /// An invitation to join for someone whose standalone account is no longer standalone
    /// (they joined another account meanwhile, or added users of their own).
    #[error("This invitation can no longer be accepted: {0} now belongs to another account, or is no longer a single-person account. Nothing was changed. Ask your administrator for a new invitation.")]
    JoinUnavailable(String),
    /// Sign-up is not open on this server (`--allow-signup`).
    #[error("Sign-up is not open on this server: ask an administrator to invite you.")]
    SignupClosed,
    /// A setting the account or the user's settings group locks; `field` is `section.key`.
    #[error("{field} is locked by the {by} settings: only an admin can change it, by unlocking it first.")]
    SettingLocked {
        field: &'static str,
        by: &'static str,
    },
    /// Not among the user's contacts, or (admin) not an external contact of the account.
    #[error("Contact does not exist: {0}.")]
    ContactNotFound(String),
    #[error("{0} is already a contact.")]
    ContactExists(String),
    /// No such channel, or one the user is not a member of (the two look the same).
    #[error("Channel does not exist: {0}.")]
    ChannelNotFound(String),
    #[error("Group does not exist: {0}.")]
    GroupNotFound(String),
    /// The host already runs as many live meetings as their type allows.
    #[error("You are already hosting {0} live meeting(s), as many as your user type allows at a time. End one (PUT /v2/meetings/{{meetingId}}/status with action end) before starting another.")]
    HostBusy(u32),
    /// Ending (or joining) a meeting that is not live.
    #[error("Meeting {id} is not in progress (its status is {status}). Nothing was changed.")]
    MeetingNotLive { id: i64, status: String },
    #[error("This meeting is full: it holds at most {0} people.")]
    MeetingFull(i64),
    #[error("The meeting passcode is wrong.")]
    WrongPasscode,
    /// The host's user type has no meetings (Unassigned, None).
    #[error("Users of type {0} cannot host meetings.")]
    CannotHost(&'static str),
    #[error("{0}")]
    HostToken(roster_domain::host_token::HostTokenError),
    #[error("A group named \"{0}\" already exists.")]
    GroupNameTaken(String),
    /// The user to transfer data to is not an active user of the same account.
    #[error("The transfer user does not exist in this account or is not active: {0}.")]
    TransferUserNotFound(String),
    /// The payment gate: a free account without a verified payment method.
    #[error("This free account has no verified payment method, so it cannot manage users yet. The operator can record one with `roster account verify-payment ACCOUNT_ID`, or the account can move to a paid plan.")]
    PaymentMethodRequired,
    /// A seat pool is full.
    #[error("The account has no free {0} seat left: return a seat (change a user's type, deactivate or remove a user) or buy more.")]
    SeatsExhausted(&'static str),
    /// An import's new users and type changes need more seats of a pool than it has free
    /// (checked for the whole file before anything is written).
    #[error("This file needs {needed} {pool} seats and the account has {free} free, so nothing was imported: remove rows or give some users another type, or free or buy seats.")]
    FileNeedsSeats {
        pool: &'static str,
        needed: i64,
        free: i64,
    },
    #[error("{0}")]
    AddOn(AddOnError),
    #[error("{0}")]
    UserType(TypeError),
    /// `autoCreate` for an email outside the account's managed domains.
    #[error("Email address doesn't match the account's managed domains: autoCreate needs a managed domain; use action \"create\" to invite instead.")]
    NotManagedDomain,
    /// The Owner, and admins, cannot be deactivated.
    #[error("The Owner and Admin users' status cannot be activated or deactivated: make an Admin a Member first; the Owner must first transfer ownership (add another user to role 0).")]
    AdminStatusLocked,
    #[error("Can not disassociate Admin user.")]
    CannotUnlinkAdmin,
    #[error("Can not disassociate the user with managed domain.")]
    CannotUnlinkManaged,
    #[error("The Owner cannot be removed; transfer ownership first.")]
    CannotRemoveOwner,
    /// A domain another account has verified, and so manages.
    #[error("{0} is already managed by another account: a domain belongs to one account only. Nothing was changed.")]
    DomainClaimed(String),
    /// A domain this account has already added (pending or verified).
    #[error("This account already has the domain {0}: change its defaults with PATCH, or verify it with POST …/managed_domains/{0}/verify.")]
    DomainAlreadyAdded(String),
    #[error("This account has no managed domain {0}.")]
    DomainNotFound(String),
    /// The verification record was not found; `found` holds the TXT texts the lookup returned.
    #[error("{}", not_verified(.record_name, .expected, .found))]
    DomainNotVerified {
        record_name: String,
        expected: String,
        found: Vec<String>,
    },
    /// The resolver did not answer (timeout, refused, server failure).
    #[error("The DNS lookup of {name} failed: {detail}. Nothing was changed; try again later.")]
    DnsLookupFailed { name: String, detail: String },
    #[error("Custom attribute does not exist: {0}.")]
    AttributeNotFound(String),
    #[error("A custom attribute named \"{0}\" already exists.")]
    AttributeNameTaken(String),
    /// A user's value for custom attribute `key` does not fit its kind or allowed values
    /// (worded like `InvalidInput` on `custom_attributes`, so wire messages stay the same).
    #[error("custom_attributes: {name}: {reason}")]
    AttributeValue {
        key: String,
        name: String,
        reason: roster_domain::custom_attribute::ValueError,
    },
    /// An account has as many custom attribute definitions as it may.
    #[error("An account can have at most {0} custom attributes: delete one first.")]
    TooManyAttributes(usize),

    /// No such meeting, or one the caller may not see (the two look the same).
    #[error("Meeting {0} is not found or has expired.")]
    MeetingNotFound(String),
    /// The caller sees the meeting but may not change it.
    #[error("Not meeting host: only the host, their scheduling assistants and admins with Meeting:Edit can change meeting {0}.")]
    NotMeetingHost(i64),
    /// A live meeting cannot be deleted (end it first).
    #[error("Meeting {0} is in progress and cannot be deleted: end it first (PUT /v2/meetings/{0}/status {{\"action\":\"end\"}}).")]
    MeetingInProgress(i64),
    /// Only active users host meetings.
    #[error("User {0} is not active (pending or deactivated), so they cannot host meetings: activate them first.")]
    HostNotActive(String),
    /// `schedule_for` someone who has not made the caller their scheduling assistant.
    #[error("You cannot schedule meetings for {0}: they must add you as a scheduling assistant (POST /v2/users/{{userId}}/assistants), or an admin with Meeting:Edit must do it.")]
    NotAssistant(String),

    /// No client id and secret in the request.
    #[error("Client ID or client secret is missing.")]
    ClientCredentialsMissing,
    /// No such client id, or the app is deactivated.
    #[error("Invalid client_id or client_secret.")]
    InvalidClient,
    /// The client id exists but the secret is wrong.
    #[error("Invalid client_id or client_secret.")]
    InvalidClientSecret,
    #[error("grant_type is missing.")]
    GrantTypeMissing,
    #[error("Unsupported grant type: {0}. This endpoint supports account_credentials, authorization_code and refresh_token.")]
    UnsupportedGrantType(String),
    #[error("Invalid account_id: it is missing or is not the account this app belongs to.")]
    InvalidAccountId,

    /// No such app in the caller's account (or a deleted one).
    #[error("App does not exist: {0}.")]
    AppNotFound(String),
    /// The app has no live install of the kind asked for.
    #[error("App {0} is not installed that way: nothing to disconnect.")]
    InstallNotFound(String),
    /// A refused authorization code or refresh token (`POST /oauth/token`).
    #[error("{0}")]
    Grant(crate::grants::GrantError),

    /// No bearer token, or one Roster did not issue or no longer honours.
    #[error("Invalid access token.")]
    InvalidToken,
    #[error("Access token is expired.")]
    ExpiredToken,

    /// Webhooks: no such app, or one of another account (the two look the same).
    #[error("App does not exist: {0}.")]
    WebhookAppNotFound(String),
    /// The app has no event subscription to read or remove.
    #[error("App {0} has no event subscription: set one with PUT /v2/marketplace/apps/{0}/event_subscription.")]
    WebhookNotSubscribed(String),
    /// The URL did not pass Zoom's `endpoint.url_validation` challenge.
    #[error("The endpoint {url} did not pass the endpoint.url_validation challenge: {why}. It must answer 200 with {{\"plainToken\": the plainToken sent, \"encryptedToken\": hex(HMAC-SHA256(secret_token, plainToken))}}. Nothing was changed.")]
    WebhookValidationFailed { url: String, why: String },
    #[error("Webhook delivery does not exist: {0}.")]
    WebhookDeliveryNotFound(String),

    /// The portal's import jobs: no such job, or another user's (the two look the same).
    #[error("Import does not exist: {0}.")]
    ImportJobNotFound(String),

    /// A SCIM Groups request refused for a SCIM-only reason (version, external id, PATCH target).
    #[error("{0}")]
    ScimGroup(crate::scim::groups::GroupRefusal),

    /// The server is shutting down: work it had started was cut off (a blocking task it
    /// waited for was cancelled). Nothing about the request itself failed.
    #[error("The server is shutting down; try again in a moment.")]
    ShuttingDown,

    /// Something failed that the caller could not have caused.
    #[error("internal error: {0}")]
    Internal(String),
}

fn not_verified(record_name: &str, expected: &str, found: &[String]) -> String {
    let saw = if found.is_empty() {
        "found no TXT record there".to_owned()
    } else {
        let texts: Vec<String> = found.iter().map(|t| format!("\"{t}\"")).collect();
        format!("found only {}", texts.join(", "))
    };
    format!(
        "The domain is not verified: the lookup of {record_name} TXT {saw}, not \"{expected}\". \
         Publish the record (it can take a while to reach every DNS server), then try again. Nothing was changed."
    )
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid(field: &'static str, message: impl std::fmt::Display) -> Self {
        Self::InvalidInput {
            field,
            message: message.to_string(),
        }
    }
}

impl From<roster_domain::chat::ChatError> for Error {
    fn from(e: roster_domain::chat::ChatError) -> Self {
        use roster_domain::chat::ChatError as C;
        let field = match e {
            C::SelfContact => "email",
            C::ChannelType => "type",
            C::ChannelName => "name",
            C::Message => "message",
            C::Recipient => "to_contact",
            C::ExternalNotAdmitted(_) => "members",
        };
        Self::invalid(field, e)
    }
}

impl From<roster_domain::settings::SettingsError> for Error {
    fn from(e: roster_domain::settings::SettingsError) -> Self {
        Self::InvalidInput {
            field: e.field,
            message: e.message,
        }
    }
}

impl From<roster_domain::meeting::MeetingError> for Error {
    fn from(e: roster_domain::meeting::MeetingError) -> Self {
        Self::invalid(e.field(), e)
    }
}

impl From<roster_store::Error> for Error {
    fn from(e: roster_store::Error) -> Self {
        Self::Internal(e.to_string())
    }
}
