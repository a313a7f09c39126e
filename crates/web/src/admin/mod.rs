//! The admin pages of issue 8 item 4: Roles, Groups (settings and chat), External contacts and
//! the Audit log. Each is a thin handler over the service; what they share lives here: the
//! service errors these pages meet, in the page's language, and the field each concerns.

pub mod audit;
pub mod external;
pub mod groups;
pub mod roles;

use crate::errors;
use crate::i18n;
use roster_domain::language::Language;
use roster_domain::RoleChangeError;
use roster_service::Error;

/// A message after an action: (ok, text).
pub type Notice = (bool, String);

/// A service error in the page's language, covering the role and group refusals the shared
/// [`errors::describe`] leaves in English.
pub fn describe(lang: Language, e: &Error) -> String {
    let t = |k: &str| i18n::text(lang, k).to_owned();
    match e {
        Error::RoleNameTaken(n) => format!("{} ({n})", t("adm.err.role_name_taken")),
        Error::GroupNameTaken(n) => format!("{} ({n})", t("adm.err.group_name_taken")),
        Error::RoleChange(rc) => t(match rc {
            RoleChangeError::OwnRole => "adm.err.own_role",
            RoleChangeError::AdminNeedsOwner => "adm.err.admin_needs_owner",
            RoleChangeError::OwnerIsFixed => "adm.err.owner_fixed",
            RoleChangeError::TransferNeedsOwner => "adm.err.transfer_needs_owner",
            RoleChangeError::MorePrivileges => "adm.err.more_privileges",
            RoleChangeError::NoPrivilege => "err.no_privilege",
        }),
        Error::ContactNotFound(c) => format!("{} ({c})", t("adm.err.contact_not_found")),
        Error::GroupNotFound(_) | Error::RoleNotFound(_) => t("err.not_found"),
        other => errors::describe(lang, other),
    }
}

/// The form field a service error concerns, when it names one.
pub fn field(e: &Error) -> Option<&'static str> {
    match e {
        Error::RoleNameTaken(_) | Error::GroupNameTaken(_) => Some("name"),
        Error::RoleChange(RoleChangeError::MorePrivileges) => Some("privileges"),
        other => errors::field(other),
    }
}

/// A form's error: the field it concerns (`general` for none) and its message.
#[derive(Debug, Default, Clone)]
pub struct FormError {
    pub field: String,
    pub message: String,
}

impl FormError {
    /// Whether the error concerns `field` (shown next to it).
    pub fn at(&self, field: &str) -> bool {
        !self.message.is_empty() && self.field == field
    }

    /// Whether the error concerns none of `fields` (shown at the form's end).
    pub fn elsewhere(&self, fields: &[&str]) -> bool {
        !self.message.is_empty() && !fields.contains(&self.field.as_str())
    }

    pub fn is_some(&self) -> bool {
        !self.message.is_empty()
    }
}

/// A service error for the form: next to the field it names, else at the form's end.
pub fn form_error(lang: Language, e: &Error) -> FormError {
    FormError {
        field: field(e).unwrap_or("general").to_owned(),
        message: describe(lang, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_these_pages_use_exists() {
        let sources = [
            include_str!("../../templates/admin_roles.html"),
            include_str!("../../templates/admin_role.html"),
            include_str!("../../templates/admin_role_fields.html"),
            include_str!("../../templates/admin_groups.html"),
            include_str!("../../templates/admin_group.html"),
            include_str!("../../templates/admin_external.html"),
            include_str!("../../templates/admin_audit.html"),
            include_str!("../../templates/base.html"),
            include_str!("mod.rs"),
            include_str!("roles.rs"),
            include_str!("groups.rs"),
            include_str!("external.rs"),
            include_str!("audit.rs"),
        ];
        for lang in Language::ALL {
            for s in sources {
                for piece in s.split(".t(\"").skip(1) {
                    let key = piece.split('"').next().unwrap_or_default();
                    assert_ne!(i18n::text(lang, key), "?", "{lang:?} {key}");
                }
                for piece in s.split("\"adm.").skip(1) {
                    let key = format!("adm.{}", piece.split('"').next().unwrap_or_default());
                    if !key.ends_with('.') && !key.contains('{') {
                        assert_ne!(i18n::text(lang, &key), "?", "{lang:?} {key}");
                    }
                }
            }
            for c in audit::CATEGORIES {
                let key = format!("adm.audit.cat.{c}");
                assert_ne!(i18n::text(lang, &key), "?", "{lang:?} {key}");
            }
        }
    }

    #[test]
    fn role_refusals_are_localised_and_placed() {
        let e = Error::RoleChange(RoleChangeError::AdminNeedsOwner);
        assert_eq!(
            describe(Language::French, &e),
            "Seul le propriétaire peut accorder ou retirer le rôle Admin."
        );
        assert!(form_error(Language::English, &e).at("general"));
        let taken = form_error(Language::Polish, &Error::RoleNameTaken("X".into()));
        assert!(taken.at("name"));
        assert!(taken.message.contains("już istnieje"));
    }
}
