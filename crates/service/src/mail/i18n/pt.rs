//! Portuguese, as written in Portugal (Zoom's `pt-PT`), worded to read naturally in Brazil too.

use super::super::render::{Action, Body, InviteKind, Message};
use time::Date;

const COLON: &str = ":";

const MONTHS: [&str; 12] = [
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
];

/// `23 de dezembro de 2026`.
fn date(d: Date) -> String {
    format!(
        "{} de {} de {}",
        d.day(),
        super::month(d, &MONTHS),
        d.year()
    )
}

pub(super) fn body(m: &Message<'_>) -> Body {
    let greeting = "Olá,";
    match *m {
        Message::Invite {
            kind,
            reminder,
            account,
            email,
            link,
            expires,
        } => {
            let until = format!("O link é válido até {}.", date(expires));
            let again = "Esta mensagem substitui convites anteriores: só o link abaixo funciona.";
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
                        format!("Lembrete: convite para se juntar a {account} no Roster")
                    } else {
                        format!("Convite para se juntar a {account} no Roster")
                    },
                    greeting,
                    intro: [format!(
                        "O endereço {email} foi adicionado à conta de {account} no Roster."
                    )]
                    .into_iter()
                    .chain(reminder.then(|| again.to_owned()))
                    .collect(),
                    action: action("Ativar a conta"),
                    outro: vec![
                        until,
                        "Se não esperava esta mensagem, pode ignorá-la.".to_owned(),
                    ],
                    ..Body::default()
                },
                InviteKind::Join => Body {
                    subject: if reminder {
                        format!("Lembrete: convite de {account} para se juntar à organização no Roster")
                    } else {
                        format!("Convite de {account} para se juntar à organização no Roster")
                    },
                    greeting,
                    intro: [
                        format!("Recebeu um convite de {account} para se juntar à organização no Roster."),
                        format!(
                            "Já tem uma conta Roster ({email}). Se aceitar, a conta passa para \
                             {account}, levando consigo:"
                        ),
                    ]
                    .to_vec(),
                    list: [
                        "o perfil",
                        "as reuniões",
                        "as gravações",
                        "os contactos",
                        "o histórico de chat",
                        "as definições",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    middle: [format!(
                        "A partir daí, a conta passa a ser gerida pelos administradores de \
                         {account}, tal como a dos restantes utilizadores."
                    )]
                    .into_iter()
                    .chain(reminder.then(|| again.to_owned()))
                    .collect(),
                    action: action("Ver e aceitar o convite"),
                    outro: vec![
                        until,
                        "Se não quiser juntar-se, ignore esta mensagem: a sua conta fica como está."
                            .to_owned(),
                    ],
                },
                InviteKind::Signup => Body {
                    subject: if reminder {
                        "Lembrete: confirme o seu email para criar a sua conta Roster".to_owned()
                    } else {
                        "Confirme o seu email para criar a sua conta Roster".to_owned()
                    },
                    greeting,
                    intro: vec![format!(
                        "Foi pedida a criação de uma conta Roster gratuita para o endereço \
                         {email}. Confirme que este endereço é seu para criar a conta."
                    )],
                    action: action("Confirmar o email"),
                    outro: vec![
                        until,
                        "Se não fez este pedido, ignore esta mensagem: nenhuma conta será criada."
                            .to_owned(),
                    ],
                    ..Body::default()
                },
            }
        }
        Message::PasswordReset { email, link } => Body {
            subject: "Redefinir a sua palavra-passe do Roster".to_owned(),
            greeting,
            intro: vec![format!("Alguém (esperamos que tenha sido você) pediu para escolher uma nova palavra-passe para {email} no Roster.")],
            action: Some(Action {
                label: "Escolher uma nova palavra-passe",
                colon: COLON,
                url: link.to_owned(),
            }),
            outro: vec!["A ligação funciona uma vez, durante uma hora. Se não foi você, ignore esta mensagem: a sua palavra-passe não muda.".to_owned()],
            ..Body::default()
        },
        Message::Welcome {
            account,
            email,
            sign_in,
        } => Body {
            subject: format!("Boas-vindas a {account} no Roster"),
            greeting,
            intro: vec![
                format!("A sua conta ({email}) está pronta e ativa em {account} no Roster."),
                "Inicie sessão com o seu endereço de email e a palavra-passe que escolheu."
                    .to_owned(),
            ],
            action: Some(Action {
                label: "Iniciar sessão no Roster",
                colon: COLON,
                url: sign_in.to_owned(),
            }),
            outro: vec![format!(
                "Se esta conta foi ativada sem o seu conhecimento, avise os administradores de \
                 {account}."
            )],
            ..Body::default()
        },
    }
}
