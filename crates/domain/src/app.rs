//! OAuth apps: what kind each is and whether it may still obtain tokens.

/// How an app is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    /// Zoom's "Server-to-Server OAuth": `account_credentials` grant, acts as the account's admin.
    ServerToServer,
    /// User-managed: each user installs it for themselves; it acts for that user.
    User,
    /// Admin-managed: an Owner or Admin installs it for the whole account.
    Account,
}

impl AppKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServerToServer => "s2s",
            Self::User => "user",
            Self::Account => "account",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "s2s" => Some(Self::ServerToServer),
            "user" => Some(Self::User),
            "account" => Some(Self::Account),
            _ => None,
        }
    }
}

/// Whether an app may obtain and use tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppStatus {
    Active,
    Deactivated,
    /// Deleted by its account: kept for the record of its installs, never listed or usable.
    Deleted,
}

impl AppStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Deactivated => "deactivated",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "deactivated" => Some(Self::Deactivated),
            "deleted" => Some(Self::Deleted),
            _ => None,
        }
    }
}

/// The scopes a server-to-server app is created with unless others are chosen: the classic
/// `:admin` scope of every `/v2` endpoint Roster serves (see roster-api's scope table), so such
/// an app reaches everything its creator's role allows. Later capabilities add theirs.
pub const S2S_DEFAULT_SCOPES: &str = "user:read:admin user:write:admin \
     meeting:read:admin meeting:write:admin \
     group:read:admin group:write:admin imgroup:read:admin imgroup:write:admin \
     role:read:admin role:write:admin account:read:admin account:write:admin \
     report:read:admin \
     chat_contact:read:admin chat_contact:write:admin \
     chat_channel:read:admin chat_channel:write:admin \
     chat_message:read:admin chat_message:write:admin \
     marketplace_app:read:admin marketplace_app:write:admin";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for k in [AppKind::ServerToServer, AppKind::User, AppKind::Account] {
            assert_eq!(AppKind::parse(k.as_str()), Some(k));
        }
        for s in [
            AppStatus::Active,
            AppStatus::Deactivated,
            AppStatus::Deleted,
        ] {
            assert_eq!(AppStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AppKind::parse("x"), None);
    }

    #[test]
    fn default_scopes_are_known_admin_scopes() {
        let s = crate::Scopes::parse_known(S2S_DEFAULT_SCOPES).unwrap();
        assert!(s.iter().all(|n| n.ends_with(":admin")));
        assert!(!S2S_DEFAULT_SCOPES.contains("  "));
    }
}
