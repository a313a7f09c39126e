//! English.

use super::super::render::{Action, Body, InviteKind, Message};
use time::Date;

const COLON: &str = ":";

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `23 December 2026`: unambiguous on both sides of the Atlantic.
fn date(d: Date) -> String {
    format!("{} {} {}", d.day(), super::month(d, &MONTHS), d.year())
}

pub(super) fn body(m: &Message<'_>) -> Body {
    let greeting = "Hello,";
    match *m {
        Message::Invite {
            kind,
            reminder,
            account,
            email,
            link,
            expires,
        } => {
            let until = format!("The link works until {}.", date(expires));
            let again = "This message replaces any earlier invitation: only the link below works.";
            let prefix = if reminder { "Reminder: " } else { "" };
            let action = |label| Some(Action {
                        label,
                        colon: COLON,
                        url: link.to_owned(),
                    });
            match kind {
                InviteKind::Activation => Body {
                    subject: if reminder {
                        format!("Reminder: you are invited to join {account} on Roster")
                    } else {
                        format!("You are invited to join {account} on Roster")
                    },
                    greeting,
                    intro: [format!("{account} has added you ({email}) to their account on Roster.")]
                        .into_iter()
                        .chain(reminder.then(|| again.to_owned()))
                        .collect(),
                    action: action("Activate your account"),
                    outro: vec![
                        until,
                        "If you did not expect this, you can ignore this message.".to_owned(),
                    ],
                    ..Body::default()
                },
                InviteKind::Join => Body {
                    subject: format!(
                        "{prefix}{account} invites you to join their organisation on Roster"
                    ),
                    greeting,
                    intro: [
                        format!("{account} invites you to join their organisation on Roster."),
                        format!(
                            "You already have a Roster account ({email}). If you accept, it moves \
                             into {account} and brings with it:"
                        ),
                    ]
                    .to_vec(),
                    list: [
                        "your profile",
                        "your meetings",
                        "your recordings",
                        "your contacts",
                        "your chat history",
                        "your settings",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    middle: [format!(
                        "From then on, {account}'s administrators manage your account, as they do \
                         for their other users."
                    )]
                    .into_iter()
                    .chain(reminder.then(|| again.to_owned()))
                    .collect(),
                    action: action("Review and accept the invitation"),
                    outro: vec![
                        until,
                        "If you do not want to join, ignore this message: your account stays as \
                         it is."
                            .to_owned(),
                    ],
                },
                InviteKind::Signup => Body {
                    subject: if reminder {
                        "Reminder: confirm your email to create your Roster account".to_owned()
                    } else {
                        "Confirm your email to create your Roster account".to_owned()
                    },
                    greeting,
                    intro: vec![format!(
                        "Someone, we hope you, asked to create a free Roster account for {email}. \
                         Confirm that this address is yours to create it."
                    )],
                    action: action("Confirm your email"),
                    outro: vec![
                        until,
                        "If you did not ask for this, ignore this message: no account will be \
                         created."
                            .to_owned(),
                    ],
                    ..Body::default()
                },
            }
        }
        Message::PasswordReset { email, link } => Body {
            subject: "Reset your Roster password".to_owned(),
            greeting,
            intro: vec![format!("Someone (we hope you) asked to choose a new password for {email} on Roster.")],
            action: Some(Action {
                label: "Choose a new password",
                colon: COLON,
                url: link.to_owned(),
            }),
            outro: vec!["The link works once, for one hour. If you did not ask for it, ignore this message: your password stays as it is.".to_owned()],
            ..Body::default()
        },
        Message::Welcome {
            account,
            email,
            sign_in,
        } => Body {
            subject: format!("Welcome to {account} on Roster"),
            greeting,
            intro: vec![
                format!("Your account is ready: you ({email}) are now an active user of {account} on Roster."),
                "Sign in with your email address and the password you chose.".to_owned(),
            ],
            action: Some(Action {
                label: "Sign in to Roster",
                colon: COLON,
                url: sign_in.to_owned(),
            }),
            outro: vec![format!(
                "If you did not activate this account yourself, tell the administrators of {account}."
            )],
            ..Body::default()
        },
    }
}
