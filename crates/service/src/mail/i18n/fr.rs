//! French.

use super::super::render::{Action, Body, InviteKind, Message};
use time::Date;

const COLON: &str = " :";

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `23 décembre 2026`, `1er mars 2027`.
fn date(d: Date) -> String {
    let day = if d.day() == 1 {
        "1er".to_owned()
    } else {
        d.day().to_string()
    };
    format!("{day} {} {}", super::month(d, &MONTHS), d.year())
}

pub(super) fn body(m: &Message<'_>) -> Body {
    let greeting = "Bonjour,";
    match *m {
        Message::Invite {
            kind,
            reminder,
            account,
            email,
            link,
            expires,
        } => {
            let until = format!("Le lien est valable jusqu’au {}.", date(expires));
            let again =
                "Ce message remplace les invitations précédentes : seul le lien ci-dessous est valable.";
            let prefix = if reminder { "Rappel : " } else { "" };
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
                        format!("Rappel : invitation à rejoindre {account} sur Roster")
                    } else {
                        format!("Invitation à rejoindre {account} sur Roster")
                    },
                    greeting,
                    intro: [format!(
                        "{account} vous invite à rejoindre son compte Roster avec l’adresse {email}."
                    )]
                    .into_iter()
                    .chain(reminder.then(|| again.to_owned()))
                    .collect(),
                    action: action("Activer votre compte"),
                    outro: vec![
                        until,
                        "Si vous ne vous attendiez pas à ce message, vous pouvez l’ignorer."
                            .to_owned(),
                    ],
                    ..Body::default()
                },
                InviteKind::Join => Body {
                    subject: format!(
                        "{prefix}{account} vous invite à rejoindre son organisation sur Roster"
                    ),
                    greeting,
                    intro: [
                        format!("{account} vous invite à rejoindre son organisation sur Roster."),
                        format!(
                            "Vous avez déjà un compte Roster ({email}). Si vous acceptez, il sera \
                             transféré dans l’organisation {account}, avec :"
                        ),
                    ]
                    .to_vec(),
                    list: [
                        "votre profil",
                        "vos réunions",
                        "vos enregistrements",
                        "vos contacts",
                        "votre historique de discussion",
                        "vos paramètres",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    middle: [format!(
                        "Votre compte sera ensuite géré par les administrateurs de l’organisation {account}, comme \
                         ceux de ses autres utilisateurs."
                    )]
                    .into_iter()
                    .chain(reminder.then(|| again.to_owned()))
                    .collect(),
                    action: action("Voir et accepter l’invitation"),
                    outro: vec![
                        until,
                        format!(
                            "Si vous ne souhaitez pas rejoindre {account}, ignorez ce message : \
                             votre compte reste tel quel."
                        ),
                    ],
                },
                InviteKind::Signup => Body {
                    subject: if reminder {
                        "Rappel : confirmez votre adresse e-mail pour créer votre compte Roster"
                            .to_owned()
                    } else {
                        "Confirmez votre adresse e-mail pour créer votre compte Roster".to_owned()
                    },
                    greeting,
                    intro: vec![format!(
                        "Une demande de création de compte Roster gratuit a été faite pour \
                         l’adresse {email}. Confirmez que cette adresse est bien la vôtre pour \
                         créer le compte."
                    )],
                    action: action("Confirmer mon adresse e-mail"),
                    outro: vec![
                        until,
                        "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : \
                         aucun compte ne sera créé."
                            .to_owned(),
                    ],
                    ..Body::default()
                },
            }
        }
        Message::PasswordReset { email, link } => Body {
            subject: "Réinitialiser votre mot de passe Roster".to_owned(),
            greeting,
            intro: vec![format!("Quelqu'un (vous, espérons-le) a demandé à choisir un nouveau mot de passe pour {email} sur Roster.")],
            action: Some(Action {
                label: "Choisir un nouveau mot de passe",
                colon: COLON,
                url: link.to_owned(),
            }),
            outro: vec!["Le lien fonctionne une seule fois, pendant une heure. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.".to_owned()],
            ..Body::default()
        },
        Message::Welcome {
            account,
            email,
            sign_in,
        } => Body {
            subject: format!("Bienvenue dans {account} sur Roster"),
            greeting,
            intro: vec![
                format!(
                    "Votre compte est prêt : vous ({email}) faites désormais partie des \
                     utilisateurs actifs de l’organisation {account} sur Roster."
                ),
                "Connectez-vous avec votre adresse e-mail et le mot de passe que vous avez choisi."
                    .to_owned(),
            ],
            action: Some(Action {
                label: "Se connecter à Roster",
                colon: COLON,
                url: sign_in.to_owned(),
            }),
            outro: vec![format!(
                "Si ce n’est pas vous qui avez activé ce compte, prévenez les administrateurs de \
                 l’organisation {account}."
            )],
            ..Body::default()
        },
    }
}
