//! Roster's domain: value types that parse on the way in (never "validate and hope"), and the
//! rules of the product as plain functions. Nothing here does I/O or is async, so every rule is
//! unit- and property-tested in isolation and holds the same for every interface.

pub mod account;
pub mod addons;
pub mod app;
pub mod billing;
pub mod bulk;
pub mod chat;
pub mod custom_attribute;
pub mod email;
pub mod host_token;
pub mod html;
pub mod ids;
pub mod language;
pub mod managed_domain;
pub mod meeting;
pub mod meeting_limits;
pub mod oauth_grant;
pub mod paging;
pub mod password;
pub mod pmi;
pub mod principal;
pub mod privilege;
pub mod scim;
pub mod scope;
pub mod seats;
pub mod secret;
pub mod settings;
pub mod user;
pub mod webhook;

pub use account::{AccountName, Plan};
pub use addons::{AddOnError, AddOns};
pub use app::{AppKind, AppStatus};
pub use email::Email;
pub use ids::{AccountId, ClientId, UserId};
pub use language::{Language, LanguageError, LanguageTag};
pub use managed_domain::{DomainName, DomainStatus, VerificationToken};
pub use meeting_limits::MeetingLimits;
pub use password::{Password, PasswordHash};
pub use principal::{Principal, Role, RoleChangeError};
pub use privilege::{Privilege, Privileges};
pub use scope::{Access, Family, Need, Reach, ScopeError, Scopes};
pub use seats::{SeatPools, SeatsError};
pub use secret::{Secret, SecretHash};
pub use user::{CreateAction, TypeError, UserStatus, UserType};
