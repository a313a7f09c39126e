//! Russian. Account names are quoted («…») so that sentences need not decline them.

use super::super::render::{Action, Body, InviteKind, Message};
use time::Date;

const COLON: &str = ":";

/// Genitive, as dates need: «23 декабря».
const MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// `23 декабря 2026 г.`
fn date(d: Date) -> String {
    format!("{} {} {} г.", d.day(), super::month(d, &MONTHS), d.year())
}

pub(super) fn body(m: &Message<'_>) -> Body {
    let greeting = "Здравствуйте!";
    match *m {
        Message::Invite {
            kind,
            reminder,
            account,
            email,
            link,
            expires,
        } => {
            let until = format!("Ссылка действует до {}", date(expires));
            let again = "Это письмо заменяет прежние приглашения: действует только ссылка ниже.";
            let prefix = if reminder { "Напоминание: " } else { "" };
            let action = |label| Some(Action {
                        label,
                        colon: COLON,
                        url: link.to_owned(),
                    });
            match kind {
                InviteKind::Activation => Body {
                    subject: if reminder {
                        format!("Напоминание: приглашение в «{account}» в Roster")
                    } else {
                        format!("Приглашение в «{account}» в Roster")
                    },
                    greeting,
                    intro: [format!(
                        "«{account}» приглашает вас ({email}) в свою организацию в Roster."
                    )]
                    .into_iter()
                    .chain(reminder.then(|| again.to_owned()))
                    .collect(),
                    action: action("Активировать учётную запись"),
                    outro: vec![
                        until,
                        "Если вы не ждали этого письма, просто не обращайте на него внимания."
                            .to_owned(),
                    ],
                    ..Body::default()
                },
                InviteKind::Join => Body {
                    subject: format!(
                        "{prefix}«{account}» приглашает вас присоединиться к организации в Roster"
                    ),
                    greeting,
                    intro: [
                        format!(
                            "«{account}» приглашает вас присоединиться к своей организации в Roster."
                        ),
                        format!(
                            "У вас уже есть учётная запись Roster ({email}). Если вы примете \
                             приглашение, она перейдёт в «{account}» вместе со всем, что в ней есть:"
                        ),
                    ]
                    .to_vec(),
                    list: [
                        "профиль",
                        "встречи",
                        "записи",
                        "контакты",
                        "история чатов",
                        "настройки",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    middle: [format!(
                        "После этого вашей учётной записью, как и учётными записями других \
                         пользователей, будут управлять администраторы «{account}»."
                    )]
                    .into_iter()
                    .chain(reminder.then(|| again.to_owned()))
                    .collect(),
                    action: action("Посмотреть и принять приглашение"),
                    outro: vec![
                        until,
                        "Если вы не хотите присоединяться, просто проигнорируйте это письмо: \
                         ваша учётная запись останется как есть."
                            .to_owned(),
                    ],
                },
                InviteKind::Signup => Body {
                    subject: if reminder {
                        "Напоминание: подтвердите адрес электронной почты, чтобы создать учётную \
                         запись Roster"
                            .to_owned()
                    } else {
                        "Подтвердите адрес электронной почты, чтобы создать учётную запись Roster"
                            .to_owned()
                    },
                    greeting,
                    intro: vec![format!(
                        "Для адреса {email} запрошено создание бесплатной учётной записи Roster. \
                         Подтвердите, что это ваш адрес, и учётная запись будет создана."
                    )],
                    action: action("Подтвердить адрес"),
                    outro: vec![
                        until,
                        "Если вы ничего не запрашивали, просто не обращайте внимания на это \
                         письмо: учётная запись создана не будет."
                            .to_owned(),
                    ],
                    ..Body::default()
                },
            }
        }
        Message::PasswordReset { email, link } => Body {
            subject: "Сброс пароля Roster".to_owned(),
            greeting,
            intro: vec![format!("Кто-то (надеемся, вы) попросил задать новый пароль для {email} в Roster.")],
            action: Some(Action {
                label: "Задать новый пароль",
                colon: COLON,
                url: link.to_owned(),
            }),
            outro: vec!["Ссылка работает один раз в течение часа. Если вы этого не просили, просто проигнорируйте письмо: пароль останется прежним.".to_owned()],
            ..Body::default()
        },
        Message::Welcome {
            account,
            email,
            sign_in,
        } => Body {
            subject: format!("Добро пожаловать в «{account}» в Roster"),
            greeting,
            intro: vec![
                format!(
                    "Ваша учётная запись ({email}) готова: теперь вы активный пользователь \
                     «{account}» в Roster."
                ),
                "Для входа укажите свой адрес электронной почты и пароль, который вы выбрали.".to_owned(),
            ],
            action: Some(Action {
                label: "Войти в Roster",
                colon: COLON,
                url: sign_in.to_owned(),
            }),
            outro: vec![format!(
                "Если учётную запись активировали не вы, сообщите об этом администраторам «{account}»."
            )],
            ..Body::default()
        },
    }
}
