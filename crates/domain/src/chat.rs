//! Team chat, as far as external contacts need it: whom a contact is (internal or external),
//! channel types and who they admit, and where a message goes. Pure rules; the store and the
//! service apply them.

use crate::Email;

/// Longest channel name Zoom accepts.
pub const MAX_CHANNEL_NAME: usize = 128;
/// Longest chat message Roster stores (Zoom's limit is 4,096 characters).
pub const MAX_MESSAGE: usize = 4096;
/// Most members one request may add to a channel.
pub const MAX_MEMBERS_PER_REQUEST: usize = 30;

/// Why a chat input is refused; the text is shown to API callers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    #[error("you cannot add yourself as a contact")]
    SelfContact,
    #[error("type must be 1 (private), 2 (private, this account's users only), 3 (public) or 4 (group chat)")]
    ChannelType,
    #[error("name is required and must be at most {MAX_CHANNEL_NAME} characters, without control characters")]
    ChannelName,
    #[error("message is required and must be at most {MAX_MESSAGE} characters")]
    Message,
    #[error("give exactly one of to_contact and to_channel")]
    Recipient,
    #[error("this channel admits only users of its account (type 2): {0} is external")]
    ExternalNotAdmitted(String),
}

/// Whether a contact is one of the account's users or a person outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactKind {
    /// A user of the contact owner's account (Zoom's "company" contact).
    Internal,
    /// Anyone else, identified by email.
    External,
}

impl ContactKind {
    /// Zoom's `type` query value for contact lists.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "company" => Some(Self::Internal),
            "external" => Some(Self::External),
            _ => None,
        }
    }
}

/// What a new contact of `owner` is: refuses the owner's own address. `in_account` is whether a
/// user of the owner's account holds `contact`.
pub fn classify_contact(
    owner: &Email,
    contact: &Email,
    in_account: bool,
) -> Result<ContactKind, ChatError> {
    if owner == contact {
        Err(ChatError::SelfContact)
    } else if in_account {
        Ok(ContactKind::Internal)
    } else {
        Ok(ContactKind::External)
    }
}

/// Whether a user may send a one-to-one message to someone outside their account: that person
/// must be among the sender's contacts and, when they are a Roster user elsewhere, have the
/// sender among theirs too (as a contact request must be accepted). So an account that removes
/// an external contact stops messages both ways.
pub fn may_message_external(
    sender_has_them: bool,
    they_are_roster_user: bool,
    they_have_sender: bool,
) -> bool {
    sender_has_them && (!they_are_roster_user || they_have_sender)
}

/// Zoom's channel types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelType {
    /// 1: members must be invited.
    Private,
    /// 2: private, and only users of the channel's account may be members.
    AccountOnly,
    /// 3: public within the account.
    Public,
    /// 4: an instant channel: a group chat.
    GroupChat,
}

impl ChannelType {
    /// Zoom's numeric type; absent means 1 (private), as Zoom defaults.
    pub fn from_code(code: Option<i64>) -> Result<Self, ChatError> {
        match code.unwrap_or(1) {
            1 => Ok(Self::Private),
            2 => Ok(Self::AccountOnly),
            3 => Ok(Self::Public),
            4 => Ok(Self::GroupChat),
            _ => Err(ChatError::ChannelType),
        }
    }

    pub fn code(self) -> i64 {
        match self {
            Self::Private => 1,
            Self::AccountOnly => 2,
            Self::Public => 3,
            Self::GroupChat => 4,
        }
    }

    /// Whether external contacts may be members.
    pub fn admits_external(self) -> bool {
        self != Self::AccountOnly
    }

    /// Refuses an external member where the type admits none.
    pub fn admit(self, member: &Email, kind: ContactKind) -> Result<(), ChatError> {
        if kind == ContactKind::External && !self.admits_external() {
            Err(ChatError::ExternalNotAdmitted(member.to_string()))
        } else {
            Ok(())
        }
    }
}

/// A channel name: trimmed, 1 to [`MAX_CHANNEL_NAME`] characters, no control characters.
pub fn channel_name(raw: &str) -> Result<String, ChatError> {
    let name = raw.trim();
    let len = name.chars().count();
    if len == 0 || len > MAX_CHANNEL_NAME || name.chars().any(char::is_control) {
        return Err(ChatError::ChannelName);
    }
    Ok(name.to_owned())
}

/// A message's text: not blank, at most [`MAX_MESSAGE`] characters (line breaks allowed).
pub fn message_text(raw: &str) -> Result<String, ChatError> {
    if raw.trim().is_empty() || raw.chars().count() > MAX_MESSAGE {
        return Err(ChatError::Message);
    }
    Ok(raw.to_owned())
}

/// Where a message goes, or whose conversation to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// One-to-one, with the person holding this email.
    Contact(Email),
    /// A channel, by id.
    Channel(String),
}

/// Zoom's `to_contact` / `to_channel` pair: exactly one, the contact a valid email. Empty
/// strings count as absent.
pub fn recipient(
    to_contact: Option<&str>,
    to_channel: Option<&str>,
) -> Result<Recipient, ChatError> {
    fn present(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    match (present(to_contact), present(to_channel)) {
        (Some(c), None) => Email::parse(c)
            .map(Recipient::Contact)
            .map_err(|_| ChatError::Recipient),
        (None, Some(ch)) => Ok(Recipient::Channel(ch.to_owned())),
        _ => Err(ChatError::Recipient),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[test]
    fn a_contact_is_internal_only_while_the_account_holds_it() {
        let me = email("ann@acme.test");
        assert_eq!(
            classify_contact(&me, &email("bob@acme.test"), true),
            Ok(ContactKind::Internal)
        );
        assert_eq!(
            classify_contact(&me, &email("zoe@else.test"), false),
            Ok(ContactKind::External)
        );
        assert_eq!(
            classify_contact(&me, &email("ANN@acme.test"), true),
            Err(ChatError::SelfContact)
        );
        assert_eq!(ContactKind::parse("external"), Some(ContactKind::External));
        assert_eq!(ContactKind::parse("company"), Some(ContactKind::Internal));
        assert_eq!(ContactKind::parse("all"), None);
    }

    #[test]
    fn external_messages_need_contacts_on_both_sides_that_exist() {
        assert!(
            may_message_external(true, false, false),
            "no Roster account"
        );
        assert!(may_message_external(true, true, true));
        assert!(!may_message_external(true, true, false), "not accepted");
        assert!(!may_message_external(false, false, false));
        assert!(
            !may_message_external(false, true, true),
            "removed on the sender's side"
        );
    }

    #[test]
    fn channel_types_follow_zoom() {
        assert_eq!(ChannelType::from_code(None), Ok(ChannelType::Private));
        for code in 1..=4 {
            assert_eq!(ChannelType::from_code(Some(code)).unwrap().code(), code);
        }
        assert_eq!(ChannelType::from_code(Some(5)), Err(ChatError::ChannelType));
        assert_eq!(ChannelType::from_code(Some(0)), Err(ChatError::ChannelType));
    }

    #[test]
    fn only_account_only_channels_refuse_external_members() {
        let zoe = email("zoe@else.test");
        assert!(ChannelType::AccountOnly
            .admit(&zoe, ContactKind::External)
            .is_err());
        assert!(ChannelType::AccountOnly
            .admit(&zoe, ContactKind::Internal)
            .is_ok());
        for t in [
            ChannelType::Private,
            ChannelType::Public,
            ChannelType::GroupChat,
        ] {
            assert!(t.admit(&zoe, ContactKind::External).is_ok());
        }
    }

    #[test]
    fn names_and_messages_are_bounded() {
        assert_eq!(channel_name("  Sales  "), Ok("Sales".to_owned()));
        assert!(channel_name(" ").is_err());
        assert!(channel_name("a\u{7}b").is_err());
        assert!(channel_name(&"x".repeat(MAX_CHANNEL_NAME + 1)).is_err());
        assert!(channel_name(&"é".repeat(MAX_CHANNEL_NAME)).is_ok());
        assert_eq!(message_text("hi\nthere"), Ok("hi\nthere".to_owned()));
        assert!(message_text("  \n ").is_err());
        assert!(message_text(&"x".repeat(MAX_MESSAGE + 1)).is_err());
    }

    #[test]
    fn exactly_one_recipient() {
        assert_eq!(
            recipient(Some(" Zoe@Else.test "), None),
            Ok(Recipient::Contact(email("zoe@else.test")))
        );
        assert_eq!(
            recipient(Some(""), Some("ch1")),
            Ok(Recipient::Channel("ch1".to_owned()))
        );
        assert_eq!(recipient(None, None), Err(ChatError::Recipient));
        assert_eq!(
            recipient(Some("zoe@else.test"), Some("ch1")),
            Err(ChatError::Recipient)
        );
        assert_eq!(
            recipient(Some("not an email"), None),
            Err(ChatError::Recipient)
        );
    }
}
