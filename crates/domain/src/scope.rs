//! OAuth scopes, named as Zoom names them, and what an endpoint needs of them.
//!
//! Zoom's classic scopes are `{family}:{read|write}` (the caller's own resources: a user-level
//! app acting for its user) and `{family}:{read|write}:admin` (anyone's in the account). Some
//! families have only the `:admin` form (groups, roles, the account, reports). `:admin` covers
//! the plain scope too; `write` does not imply `read` (Zoom lists both on apps that need both).
//! Zoom's granular scopes (`user:read:user:admin` …) name one operation; an endpoint that
//! declares one accepts it (and its plain form for the caller's own resources).

use std::fmt;

/// A family of resources that scopes are named after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    User,
    Meeting,
    /// Settings groups.
    Group,
    /// Chat (IM) groups.
    ImGroup,
    Role,
    /// The account's settings, managed domains, user defaults and custom attributes.
    Account,
    Report,
    ChatContact,
    ChatChannel,
    ChatMessage,
    /// Company contacts (Zoom's `/contacts`).
    Contact,
    /// Roster's own: the app registry, installs, event subscriptions and delivery logs
    /// (`/marketplace/...`).
    App,
}

impl Family {
    pub const ALL: [Family; 12] = [
        Self::User,
        Self::Meeting,
        Self::Group,
        Self::ImGroup,
        Self::Role,
        Self::Account,
        Self::Report,
        Self::ChatContact,
        Self::ChatChannel,
        Self::ChatMessage,
        Self::Contact,
        Self::App,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Meeting => "meeting",
            Self::Group => "group",
            Self::ImGroup => "imgroup",
            Self::Role => "role",
            Self::Account => "account",
            Self::Report => "report",
            Self::ChatContact => "chat_contact",
            Self::ChatChannel => "chat_channel",
            Self::ChatMessage => "chat_message",
            Self::Contact => "contact",
            Self::App => "marketplace_app",
        }
    }

    /// Whether Zoom has a user-level (non-`:admin`) scope for the family.
    pub const fn has_user_level(self) -> bool {
        matches!(
            self,
            Self::User
                | Self::Meeting
                | Self::ChatContact
                | Self::ChatChannel
                | Self::ChatMessage
                | Self::Contact
                | Self::App
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }
}

/// How far a granted scope reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reach {
    /// Only the token's own user (`me`, their id, their email) and what they own.
    Own,
    /// Anyone in the account (role privileges still apply).
    Account,
}

/// What an endpoint needs: read or write access to a family, perhaps only at account level,
/// and the granular scope that also grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub family: Family,
    pub access: Access,
    /// Only the `:admin` scope will do (e.g. listing every user).
    pub admin_only: bool,
    /// Zoom's granular scope for this operation, without `:admin` (e.g. `user:read:user`).
    pub granular: Option<&'static str>,
}

impl Need {
    pub const fn new(family: Family, access: Access) -> Self {
        Self {
            family,
            access,
            admin_only: !family.has_user_level(),
            granular: None,
        }
    }

    pub const fn read(family: Family) -> Self {
        Self::new(family, Access::Read)
    }

    pub const fn write(family: Family) -> Self {
        Self::new(family, Access::Write)
    }

    /// Only the `:admin` scope will do.
    pub const fn admin(self) -> Self {
        Self {
            admin_only: true,
            ..self
        }
    }

    /// Zoom's granular scope (without `:admin`) also grants this.
    pub const fn or_granular(self, name: &'static str) -> Self {
        Self {
            granular: Some(name),
            ..self
        }
    }

    /// The classic scope for `reach`: `meeting:write` or `meeting:write:admin`.
    pub fn classic(&self, reach: Reach) -> String {
        let base = format!("{}:{}", self.family.name(), self.access.name());
        match reach {
            Reach::Own => base,
            Reach::Account => format!("{base}:admin"),
        }
    }

    /// The classic scopes that satisfy this need, narrowest first (for error messages).
    pub fn accepted(&self) -> Vec<String> {
        if self.admin_only {
            vec![self.classic(Reach::Account)]
        } else {
            vec![self.classic(Reach::Own), self.classic(Reach::Account)]
        }
    }
}

/// Why a list of scopes is refused (when an app is given chosen scopes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("Unknown scope: {0}. Known scopes are listed in the README (Scopes).")]
    Unknown(String),
    #[error("At least one scope is required.")]
    Empty,
    #[error("A user-managed app cannot request the admin scope {0}: make it an account (admin-managed) app.")]
    AdminForUserApp(String),
}

/// The scopes a token was granted: space-separated on the wire, kept in the order given
/// (duplicates dropped). Unknown names are kept (they grant nothing here).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(Vec<String>);

/// Scopes other than `{family}:{read|write}[:admin]` that Roster knows.
const OTHER_KNOWN: &[&str] = &[
    "user_info:read",
    "scim2",
    "user:read:list_users:admin",
    "user:read:summary:admin",
    "user:write:user:admin",
    "user:read:user",
    "user:read:user:admin",
    "user:update:user",
    "user:update:user:admin",
    "user:delete:user:admin",
    "user:read:email",
    "user:read:email:admin",
    "user:read:settings",
    "user:read:settings:admin",
    "user:update:settings",
    "user:update:settings:admin",
    "meeting:read:list_meetings",
    "meeting:read:list_meetings:admin",
    "meeting:read:meeting",
    "meeting:read:meeting:admin",
    "meeting:write:meeting",
    "meeting:write:meeting:admin",
    "meeting:update:meeting",
    "meeting:update:meeting:admin",
    "meeting:delete:meeting",
    "meeting:delete:meeting:admin",
];

/// Whether Roster knows the scope `name`.
pub fn is_known(name: &str) -> bool {
    OTHER_KNOWN.contains(&name)
        || crate::oauth_grant::KNOWN_SCOPES
            .iter()
            .any(|(known, _)| *known == name)
        || Family::ALL.iter().any(|f| {
            [Access::Read, Access::Write].iter().any(|a| {
                let n = Need::new(*f, *a);
                name == n.classic(Reach::Account)
                    || (f.has_user_level() && name == n.classic(Reach::Own))
            })
        })
}

impl Scopes {
    /// The scopes of a stored grant: lenient, since grants outlive Roster's list of names.
    /// Names are separated by spaces (commas and `+` are accepted too).
    pub fn parse(s: &str) -> Self {
        let mut out: Vec<String> = Vec::new();
        let separator = |c: char| c.is_whitespace() || c == ',' || c == '+';
        for name in s.split(separator).filter(|n| !n.is_empty()) {
            if !out.iter().any(|n| n == name) {
                out.push(name.to_owned());
            }
        }
        Self(out)
    }

    /// Scopes chosen for an app: every name must be one Roster knows, and there must be one.
    pub fn parse_known(s: &str) -> Result<Self, ScopeError> {
        let scopes = Self::parse(s);
        if let Some(unknown) = scopes.0.iter().find(|n| !is_known(n)) {
            return Err(ScopeError::Unknown(unknown.clone()));
        }
        if scopes.0.is_empty() {
            return Err(ScopeError::Empty);
        }
        Ok(scopes)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|n| n == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first scope that acts on other users of the account, if any.
    pub fn first_admin(&self) -> Option<&str> {
        self.iter().find(|n| crate::oauth_grant::is_admin_scope(n))
    }

    /// These scopes without the ones acting on others (what a non-admin may be granted).
    pub fn without_admin(&self) -> Self {
        Self(
            self.iter()
                .filter(|n| !crate::oauth_grant::is_admin_scope(n))
                .map(str::to_owned)
                .collect(),
        )
    }

    /// The space-separated form, as stored and as sent in `scope`.
    pub fn to_text(&self) -> String {
        self.0.join(" ")
    }

    /// Whether every scope here is also in `other` (no escalation).
    pub fn is_subset_of(&self, other: &Scopes) -> bool {
        self.0.iter().all(|n| other.contains(n))
    }

    /// How far these scopes satisfy `need`: `None` when they do not.
    pub fn allows(&self, need: &Need) -> Option<Reach> {
        let admin = need.classic(Reach::Account);
        let granular_admin = need.granular.map(|g| format!("{g}:admin"));
        if self.contains(&admin) || granular_admin.is_some_and(|g| self.contains(&g)) {
            return Some(Reach::Account);
        }
        if need.admin_only {
            return None;
        }
        let own = self.contains(&need.classic(Reach::Own))
            || need.granular.is_some_and(|g| self.contains(g))
            // Zoom's `user_info:read`: the caller's own user, read only.
            || (need.family == Family::User
                && need.access == Access::Read
                && self.contains("user_info:read"));
        own.then_some(Reach::Own)
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_scopes_for_apps() {
        let s = Scopes::parse_known("meeting:read user:read,meeting:read").unwrap();
        assert_eq!(s.to_text(), "meeting:read user:read");
        assert!(Scopes::parse_known("meeting:read nope").is_err());
        assert_eq!(Scopes::parse_known(" "), Err(ScopeError::Empty));
        let a = Scopes::parse_known("meeting:write:admin user:read").unwrap();
        assert_eq!(a.first_admin(), Some("meeting:write:admin"));
        assert_eq!(a.without_admin().to_text(), "user:read");
        assert!(Scopes::parse_known("user:read").unwrap().is_subset_of(&a));
    }

    #[test]
    fn parses_and_displays() {
        let s = Scopes::parse("  meeting:read  user:read meeting:read ");
        assert_eq!(s.to_string(), "meeting:read user:read");
        assert!(Scopes::parse("").is_empty());
        assert_eq!(
            Scopes::parse_known("user:read nope"),
            Err(ScopeError::Unknown("nope".into()))
        );
        assert_eq!(Scopes::parse_known(" "), Err(ScopeError::Empty));
        assert!(Scopes::parse_known("group:read:admin user:read:user:admin scim2").is_ok());
        // Admin-only families have no plain scope.
        assert!(Scopes::parse_known("group:read").is_err());
    }

    #[test]
    fn admin_covers_own_and_write_does_not_imply_read() {
        let need = Need::write(Family::Meeting);
        assert_eq!(
            Scopes::parse("meeting:write:admin").allows(&need),
            Some(Reach::Account)
        );
        assert_eq!(
            Scopes::parse("meeting:write").allows(&need),
            Some(Reach::Own)
        );
        assert_eq!(Scopes::parse("meeting:read:admin").allows(&need), None);
        assert_eq!(
            Scopes::parse("meeting:write:admin").allows(&Need::read(Family::Meeting)),
            None
        );
        assert_eq!(Scopes::parse("user:write:admin").allows(&need), None);
    }

    #[test]
    fn admin_only_needs_refuse_plain_scopes() {
        let need = Need::read(Family::User).admin();
        assert_eq!(Scopes::parse("user:read").allows(&need), None);
        assert_eq!(
            Scopes::parse("user:read:admin").allows(&need),
            Some(Reach::Account)
        );
        assert_eq!(need.accepted(), vec!["user:read:admin".to_owned()]);
        assert!(Need::read(Family::Group).admin_only);
        assert_eq!(
            Need::write(Family::Meeting).accepted(),
            vec!["meeting:write".to_owned(), "meeting:write:admin".to_owned()]
        );
    }

    #[test]
    fn granular_and_user_info_scopes() {
        let need = Need::read(Family::User).or_granular("user:read:user");
        assert_eq!(
            Scopes::parse("user:read:user:admin").allows(&need),
            Some(Reach::Account)
        );
        assert_eq!(
            Scopes::parse("user:read:user").allows(&need),
            Some(Reach::Own)
        );
        assert_eq!(
            Scopes::parse("user_info:read").allows(&need),
            Some(Reach::Own)
        );
        assert_eq!(
            Scopes::parse("user_info:read").allows(&Need::write(Family::User)),
            None
        );
        // A granular scope grants only the operation that names it.
        assert_eq!(
            Scopes::parse("user:read:user:admin").allows(&Need::read(Family::User)),
            None
        );
    }

    #[test]
    fn subsets() {
        let all = Scopes::parse("user:read user:read:admin meeting:read");
        assert!(Scopes::parse("user:read meeting:read").is_subset_of(&all));
        assert!(!Scopes::parse("meeting:write").is_subset_of(&all));
    }
}
