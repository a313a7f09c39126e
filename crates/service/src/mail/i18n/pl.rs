//! Polish. The account name follows «organizacja» where a sentence would otherwise have to
//! decline it.

use super::super::render::{Action, Body, InviteKind, Message};
use time::Date;

const COLON: &str = ":";

/// Genitive, as dates need: «23 grudnia».
const MONTHS: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

/// `23 grudnia 2026 r.`
fn date(d: Date) -> String {
    format!("{} {} {} r.", d.day(), super::month(d, &MONTHS), d.year())
}

pub(super) fn body(m: &Message<'_>) -> Body {
    let greeting = "Dzień dobry,";
    match *m {
        Message::Invite {
            kind,
            reminder,
            account,
            email,
            link,
            expires,
        } => {
            let until = format!("Link jest ważny do {}", date(expires));
            let again =
                "Ta wiadomość zastępuje wcześniejsze zaproszenia: działa tylko poniższy link.";
            let action = |label| {
                Some(Action {
                    label,
                    colon: COLON,
                    url: link.to_owned(),
                })
            };
            match kind {
                InviteKind::Activation => Body {
                    subject: if reminder {
                        format!("Przypomnienie: zaproszenie do organizacji {account} w Roster")
                    } else {
                        format!("Zaproszenie do organizacji {account} w Roster")
                    },
                    greeting,
                    intro: [format!(
                        "Organizacja {account} zaprasza Cię ({email}) do swojego konta w Roster."
                    )]
                    .into_iter()
                    .chain(reminder.then(|| again.to_owned()))
                    .collect(),
                    action: action("Aktywuj konto"),
                    outro: vec![
                        until,
                        "Jeśli nie spodziewasz się tej wiadomości, możesz ją zignorować."
                            .to_owned(),
                    ],
                    ..Body::default()
                },
                InviteKind::Join => Body {
                    subject: if reminder {
                        format!("Przypomnienie: zaproszenie do dołączenia do organizacji {account} w Roster")
                    } else {
                        format!("Zaproszenie do dołączenia do organizacji {account} w Roster")
                    },
                    greeting,
                    intro: [
                        format!(
                            "Organizacja {account} zaprasza Cię do dołączenia do niej w Roster."
                        ),
                        format!(
                            "Masz już konto Roster ({email}). Jeśli przyjmiesz zaproszenie, konto \
                             zostanie przeniesione do organizacji {account} razem z:"
                        ),
                    ]
                    .to_vec(),
                    list: [
                        "Twoim profilem",
                        "spotkaniami",
                        "nagraniami",
                        "kontaktami",
                        "historią czatów",
                        "ustawieniami",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    middle: [format!(
                        "Od tej chwili Twoim kontem, tak jak kontami innych użytkowników, będą \
                         zarządzać administratorzy organizacji {account}."
                    )]
                    .into_iter()
                    .chain(reminder.then(|| again.to_owned()))
                    .collect(),
                    action: action("Zobacz i przyjmij zaproszenie"),
                    outro: vec![
                        until,
                        "Jeśli nie chcesz dołączyć, zignoruj tę wiadomość: Twoje konto pozostanie \
                         bez zmian."
                            .to_owned(),
                    ],
                },
                InviteKind::Signup => Body {
                    subject: if reminder {
                        "Przypomnienie: potwierdź adres e-mail, aby założyć konto Roster".to_owned()
                    } else {
                        "Potwierdź adres e-mail, aby założyć konto Roster".to_owned()
                    },
                    greeting,
                    intro: vec![format!(
                        "Otrzymaliśmy prośbę o założenie bezpłatnego konta Roster dla adresu \
                         {email}. Potwierdź, że to Twój adres, a konto zostanie utworzone."
                    )],
                    action: action("Potwierdź adres e-mail"),
                    outro: vec![
                        until,
                        "Jeśli to nie Ty, zignoruj tę wiadomość: konto nie zostanie utworzone."
                            .to_owned(),
                    ],
                    ..Body::default()
                },
            }
        }
        Message::PasswordReset { email, link } => Body {
            subject: "Zresetuj hasło do Roster".to_owned(),
            greeting,
            intro: vec![format!("Ktoś (mamy nadzieję, że Ty) poprosił o ustawienie nowego hasła dla {email} w Roster.")],
            action: Some(Action {
                label: "Ustaw nowe hasło",
                colon: COLON,
                url: link.to_owned(),
            }),
            outro: vec!["Link działa raz, przez godzinę. Jeśli to nie Ty, zignoruj tę wiadomość: hasło pozostanie bez zmian.".to_owned()],
            ..Body::default()
        },
        Message::Welcome {
            account,
            email,
            sign_in,
        } => Body {
            subject: format!("Witamy w organizacji {account} w Roster"),
            greeting,
            intro: vec![
                format!(
                    "Twoje konto ({email}) jest gotowe i aktywne w organizacji {account} w Roster."
                ),
                "Zaloguj się, podając swój adres e-mail i wybrane hasło.".to_owned(),
            ],
            action: Some(Action {
                label: "Zaloguj się do Roster",
                colon: COLON,
                url: sign_in.to_owned(),
            }),
            outro: vec![format!(
                "Jeśli konto zostało aktywowane bez Twojej wiedzy, powiadom administratorów \
                 organizacji {account}."
            )],
            ..Body::default()
        },
    }
}
