//! Every service error in the page's language. Each error kind has its catalog key; a refused
//! input (`InvalidInput`) is matched by the domain rule that refused it (the rule's own
//! message), else by the field it names. Only an input error of a field the portal never sends
//! keeps the service's words, after a translated lead.

use crate::i18n;
use roster_domain::addons::AddOnError;
use roster_domain::custom_attribute::ValueError;
use roster_domain::managed_domain::DomainNameError;
use roster_domain::meeting::MeetingError;
use roster_domain::oauth_grant::RedirectUriError;
use roster_domain::password::PasswordError;
use roster_domain::{email::EmailError, language::Language};
use roster_domain::{RoleChangeError, ScopeError, SeatsError, TypeError};
use roster_service::Error;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A service error for the person who caused it, in their language.
pub fn describe(lang: Language, e: &Error) -> String {
    let t = |k: &str| i18n::text(lang, k).to_owned();
    let with = |k: &str, detail: &str| fill(i18n::text(lang, k), detail);
    match e {
        // The delete form's one field: say what it wants, whatever was wrong with it.
        Error::InvalidInput {
            field: "transfer_email",
            ..
        } => t("err.transfer_email"),
        Error::InvalidInput { field, message } => invalid(lang, field, message),
        Error::EmailTaken(email) => with("err.email_taken", email.as_str()),
        Error::NoPrivilege => t("err.no_privilege"),
        Error::SeatsExhausted(pool) => with("err.seats", pool),
        Error::FileNeedsSeats { pool, needed, free } => t("err.import_seats")
            .replace("{0}", &needed.to_string())
            .replace("{1}", pool)
            .replace("{2}", &free.to_string()),
        Error::AccountNotFound(_)
        | Error::UserNotFound(_)
        | Error::RoleNotFound(_)
        | Error::GroupNotFound(_)
        | Error::ChannelNotFound(_)
        | Error::DomainNotFound(_)
        | Error::AttributeNotFound(_) => t("err.not_found"),
        Error::RoleNameTaken(n) => with("adm.err.role_name_taken", n),
        Error::GroupNameTaken(n) => with("adm.err.group_name_taken", n),
        Error::RoleChange(rc) => t(role_change_key(rc)),
        Error::InvitationNotFound => t("err.invitation_not_found"),
        Error::InvitationExpired(on) => with("err.invitation_expired", on),
        Error::JoinUnavailable(who) => with("err.join_unavailable", who),
        Error::SignupClosed => t("err.signup_closed"),
        Error::SettingLocked { field, .. } => with("err.setting_locked", field),
        Error::ContactNotFound(c) => with("adm.err.contact_not_found", c),
        Error::ContactExists(c) => with("err.contact_exists", c),
        Error::HostBusy(n) => with("err.host_busy", &n.to_string()),
        Error::MeetingNotLive { .. } => t("meetings.err_not_live"),
        Error::MeetingFull(n) => with("err.meeting_full", &n.to_string()),
        Error::WrongPasscode => t("err.wrong_passcode"),
        Error::CannotHost(_) => t("err.cannot_host"),
        Error::HostToken(_) => t("err.host_token"),
        Error::TransferUserNotFound(who) => with("err.transfer_user", who),
        Error::PaymentMethodRequired => t("adv.err_payment"),
        Error::AddOn(a) => t(add_on_key(a)),
        Error::UserType(ty) => t(type_key(ty)),
        Error::NotManagedDomain => t("err.not_managed_domain"),
        Error::AdminStatusLocked => t("err.admin_status"),
        Error::CannotUnlinkAdmin => t("err.unlink_admin"),
        Error::CannotUnlinkManaged => t("err.unlink_managed"),
        Error::CannotRemoveOwner => t("err.remove_owner"),
        Error::DomainClaimed(d) => with("adv.err_domain_claimed", d),
        Error::DomainAlreadyAdded(d) => with("adv.err_domain_added", d),
        Error::DomainNotVerified {
            record_name,
            expected,
            ..
        } => format!(
            "{} {record_name} TXT \"{expected}\"",
            t("adv.err_domain_unverified")
        ),
        Error::DnsLookupFailed { name, .. } => with("err.dns_failed", name),
        Error::AttributeNameTaken(n) => with("adv.err_attr_taken", n),
        Error::TooManyAttributes(n) => with("adv.err_attr_many", &n.to_string()),
        Error::MeetingNotFound(_) => t("meetings.err_not_found"),
        Error::NotMeetingHost(_) => t("meetings.err_not_host"),
        Error::MeetingInProgress(_) => t("meetings.err_in_progress"),
        Error::HostNotActive(_) => t("meetings.err_host_inactive"),
        Error::NotAssistant(who) => with("err.not_assistant", who),
        // The token endpoint's and bearer tokens' refusals: API clients meet them, the
        // portal (which signs in with a session) does not.
        Error::ClientCredentialsMissing
        | Error::InvalidClient
        | Error::InvalidClientSecret
        | Error::GrantTypeMissing
        | Error::UnsupportedGrantType(_)
        | Error::InvalidAccountId
        | Error::Grant(_)
        | Error::InvalidToken
        | Error::ExpiredToken => t("err.credentials"),
        Error::AppNotFound(_) | Error::WebhookAppNotFound(_) => t("int.err_app"),
        Error::InstallNotFound(_) => t("int.err_install"),
        Error::WebhookNotSubscribed(_) => t("int.no_subscription"),
        Error::WebhookValidationFailed { url, .. } => with("err.webhook_validation", url),
        Error::WebhookDeliveryNotFound(_) => t("int.err_delivery"),
        // SCIM clients only; the portal has no SCIM form.
        Error::ScimGroup(g) => format!("{} {g}", t("err.invalid")),
        Error::ImportJobNotFound(_) => t("csv.err_job"),
        Error::AttributeValue { name, reason, .. } => {
            format!("{name}: {}", attribute_reason(lang, reason))
        }
        Error::Internal(_) | Error::ShuttingDown => t("common.error"),
    }
}

/// Why a custom attribute value was refused, in `lang`.
fn attribute_reason(lang: Language, r: &ValueError) -> String {
    let t = |k| i18n::text(lang, k);
    match r {
        ValueError::NotNumber(_) => t("err.attr_number").to_owned(),
        ValueError::NotDate(_) => t("err.attr_date").to_owned(),
        ValueError::NotAllowed { allowed, .. } => {
            format!("{} {}", t("err.attr_allowed"), allowed.join(", "))
        }
        ValueError::TooLong(max) => format!("{} {max}", t("err.too_long")),
        ValueError::ControlCharacters => t("err.control").to_owned(),
        ValueError::EmptyAllowed => t("err.invalid").to_owned(),
    }
}

/// `words` with `detail` in place of `{0}`, or after it in brackets.
fn fill(words: &str, detail: &str) -> String {
    if words.contains("{0}") {
        words.replace("{0}", detail)
    } else {
        format!("{words} ({detail})")
    }
}

/// The key of a role change the rules refuse.
pub fn role_change_key(rc: &RoleChangeError) -> &'static str {
    match rc {
        RoleChangeError::OwnRole => "adm.err.own_role",
        RoleChangeError::AdminNeedsOwner => "adm.err.admin_needs_owner",
        RoleChangeError::OwnerIsFixed => "adm.err.owner_fixed",
        RoleChangeError::TransferNeedsOwner => "adm.err.transfer_needs_owner",
        RoleChangeError::MorePrivileges => "adm.err.more_privileges",
        RoleChangeError::NoPrivilege => "err.no_privilege",
    }
}

fn add_on_key(a: &AddOnError) -> &'static str {
    match a {
        AddOnError::LargeMeetingNeedsLicence => "err.addon.large_licence",
        AddOnError::WebinarNeedsLicence => "err.addon.webinar_licence",
        AddOnError::LargeMeetingCapacity => "err.addon.large_capacity",
        AddOnError::WebinarCapacity => "err.addon.webinar_capacity",
    }
}

fn type_key(t: &TypeError) -> &'static str {
    match t {
        TypeError::Unknown => "err.type.unknown",
        TypeError::OnPremDisabled => "err.type.onprem",
        TypeError::NoneNeedsSso => "err.type.none_sso",
    }
}

/// The domain rules' own messages (as a refused input carries them), each with its key.
fn rule_keys() -> &'static HashMap<String, &'static str> {
    static ALL: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut m = HashMap::new();
        let mut add = |e: &dyn std::fmt::Display, k: &'static str| {
            m.insert(e.to_string(), k);
        };
        for p in [
            (PasswordError::Length, "err.password.length"),
            (PasswordError::LetterAndNumber, "err.password.letter_number"),
            (PasswordError::Case, "err.password.case"),
            (PasswordError::Sequence, "err.password.sequence"),
            (PasswordError::Whitespace, "err.password.whitespace"),
        ] {
            add(&p.0, p.1);
        }
        for p in [
            (EmailError::Empty, "err.email.empty"),
            (EmailError::TooLong, "err.email.too_long"),
            (EmailError::Shape, "err.email.shape"),
            (EmailError::LocalPart, "err.email.local"),
            (EmailError::Domain, "err.email.domain"),
        ] {
            add(&p.0, p.1);
        }
        for ty in [
            TypeError::Unknown,
            TypeError::OnPremDisabled,
            TypeError::NoneNeedsSso,
        ] {
            add(&ty, type_key(&ty));
        }
        for a in [
            AddOnError::LargeMeetingNeedsLicence,
            AddOnError::WebinarNeedsLicence,
            AddOnError::LargeMeetingCapacity,
            AddOnError::WebinarCapacity,
        ] {
            add(&a, add_on_key(&a));
        }
        for p in [
            (MeetingError::Type, "err.meeting.type"),
            (MeetingError::Duration, "err.meeting.duration"),
            (MeetingError::Passcode, "err.meeting.passcode"),
            (MeetingError::StartFormat, "err.meeting.start_format"),
            (MeetingError::StartMissing, "err.meeting.start_missing"),
            (MeetingError::StartPast, "err.meeting.start_past"),
        ] {
            add(&p.0, p.1);
        }
        for p in [
            (DomainNameError::Empty, "err.domain.empty"),
            (DomainNameError::TooLong, "err.domain.too_long"),
            (DomainNameError::NotAscii, "err.domain.not_ascii"),
            (DomainNameError::Invalid, "err.domain.invalid"),
        ] {
            add(&p.0, p.1);
        }
        for p in [
            (SeatsError::FreePlanHasNoSeats, "err.seats.free_plan"),
            (SeatsError::TooMany, "err.seats.too_many"),
            (SeatsError::AddOnsExceedLicensed, "err.seats.add_ons"),
        ] {
            add(&p.0, p.1);
        }
        add(&RedirectUriError::Empty, "err.field.redirect_uris");
        add(&ScopeError::Empty, "err.field.scopes");
        m
    })
}

/// A refused input: the rule's key, else the field's, else a translated lead and the
/// service's words.
fn invalid(lang: Language, field: &str, message: &str) -> String {
    let t = |k: &str| i18n::text(lang, k);
    if let Some(k) = rule_keys().get(message) {
        return t(k).to_owned();
    }
    // The service's checks of free-text fields (see roster-service `users::text`).
    if message == "must not contain control characters" {
        return t("err.text.control").to_owned();
    }
    if let Some(max) = message
        .strip_prefix("must be at most ")
        .and_then(|m| m.strip_suffix(" characters"))
    {
        return fill(t("err.text.too_long"), max);
    }
    let key = format!("err.field.{field}");
    match t(&key) {
        "?" => format!("{} {message}", t("err.invalid")),
        words => words.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_key_exists() {
        for lang in Language::ALL {
            for k in rule_keys().values() {
                assert_ne!(i18n::text(lang, k), "?", "{lang:?} {k}");
            }
        }
    }

    #[test]
    fn refused_inputs_are_in_the_page_language() {
        let e = |field, m: &dyn std::fmt::Display| Error::InvalidInput {
            field,
            message: m.to_string(),
        };
        let ru = Language::Russian;
        let short = describe(ru, &e("password", &PasswordError::Length));
        assert!(short.contains("от 8 до 32"), "{short}");
        let email = describe(ru, &e("user_info.email", &EmailError::Shape));
        assert!(!email.contains("email must"), "{email}");
        let token = describe(
            Language::Polish,
            &e(
                "token",
                &"this reset link is not valid: it was used already",
            ),
        );
        assert!(!token.contains("reset link"), "{token}");
        let long = describe(ru, &e("job_title", &"must be at most 128 characters"));
        assert!(long.contains("128") && !long.contains("must"), "{long}");
        // A field the portal never sends keeps the service's words after the lead.
        let odd = describe(ru, &e("scim_delete_action", &"must be delete"));
        assert!(odd.ends_with("must be delete"), "{odd}");
    }

    #[test]
    fn every_error_kind_has_words_in_every_language() {
        let samples = [
            Error::InvitationNotFound,
            Error::InvitationExpired("2026-12-01".into()),
            Error::SignupClosed,
            Error::HostBusy(1),
            Error::MeetingFull(100),
            Error::WrongPasscode,
            Error::CannotHost("Unassigned"),
            Error::NotManagedDomain,
            Error::CannotUnlinkAdmin,
            Error::CannotUnlinkManaged,
            Error::CannotRemoveOwner,
            Error::InvalidToken,
            Error::ContactExists("a@b.c".into()),
            Error::TransferUserNotFound("a@b.c".into()),
            Error::NotAssistant("a@b.c".into()),
            Error::DnsLookupFailed {
                name: "x".into(),
                detail: "timeout".into(),
            },
            Error::WebhookValidationFailed {
                url: "https://x".into(),
                why: "no".into(),
            },
            Error::AddOn(AddOnError::WebinarCapacity),
            Error::UserType(TypeError::OnPremDisabled),
        ];
        for lang in Language::ALL {
            for e in &samples {
                let words = describe(lang, e);
                assert!(!words.starts_with('?'), "{lang:?} {e:?}");
                if lang != Language::English {
                    assert_ne!(words, describe(Language::English, e), "{lang:?} {e:?}");
                }
            }
        }
    }
}
