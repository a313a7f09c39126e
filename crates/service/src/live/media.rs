//! The media hand-off: where a person admitted to a live meeting goes. Roster schedules and
//! admits; it is not a media server. [`MediaEngine::Builtin`] keeps people on Roster's own
//! lobby page; [`MediaEngine::Jitsi`] sends them to a Jitsi Meet deployment with a JWT in
//! Jitsi's token-authentication format (jitsi-meet `doc/tokens.md`, prosody `mod_auth_token`).
//! Another engine (LiveKit) is one more variant and one more `hand_off` arm.

use roster_domain::host_token::sign_hs256;
use serde::Serialize;
use time::OffsetDateTime;

/// Where admitted people meet.
#[derive(Clone, Default)]
pub enum MediaEngine {
    /// Roster's built-in page is the meeting's lobby.
    #[default]
    Builtin,
    Jitsi(JitsiConfig),
}

/// A Jitsi Meet deployment with token authentication (`--media jitsi`).
#[derive(Clone)]
pub struct JitsiConfig {
    /// The deployment's base URL, e.g. `https://meet.example.com` (`--media-url`).
    pub url: String,
    /// Prosody's `app_id`: the JWT's `iss` (`--media-app-id`).
    pub app_id: String,
    /// Prosody's `app_secret`, the HS256 key (`--media-secret`).
    pub secret: String,
}

impl std::fmt::Debug for MediaEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Builtin => f.write_str("Builtin"),
            Self::Jitsi(j) => f
                .debug_struct("Jitsi")
                .field("url", &j.url)
                .field("app_id", &j.app_id)
                .field("secret", &"***")
                .finish(),
        }
    }
}

/// The person being handed off.
#[derive(Debug, Clone)]
pub struct Person<'a> {
    /// Their user id, or their participant id when they are a guest.
    pub id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    /// The host moderates.
    pub moderator: bool,
}

/// The JWT claims Jitsi's token authentication reads.
#[derive(Debug, Serialize)]
struct JitsiClaims<'a> {
    aud: &'static str,
    iss: &'a str,
    sub: String,
    room: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    moderator: bool,
    context: JitsiContext<'a>,
}

#[derive(Debug, Serialize)]
struct JitsiContext<'a> {
    user: JitsiUser<'a>,
}

/// Every field a string: Jitsi rejects `null` or numbers here.
#[derive(Debug, Serialize)]
struct JitsiUser<'a> {
    id: &'a str,
    name: &'a str,
    email: &'a str,
    avatar: &'a str,
    moderator: &'static str,
    affiliation: &'static str,
}

/// The lowercase host name of `url` (Jitsi's `sub` for conferences at `/ROOM`).
fn domain_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host_port.rsplit_once('@').map_or(host_port, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    host.to_ascii_lowercase()
}

impl MediaEngine {
    /// Where `who` goes to be in meeting `meeting_id`: `None` for the built-in lobby, or the
    /// engine's URL. `exp` is when the meeting's cap ends it.
    pub fn hand_off(
        &self,
        meeting_id: i64,
        who: &Person<'_>,
        now: OffsetDateTime,
        exp: OffsetDateTime,
    ) -> crate::Result<Option<String>> {
        match self {
            Self::Builtin => Ok(None),
            Self::Jitsi(j) => {
                let room = meeting_id.to_string();
                let claims = JitsiClaims {
                    aud: "jitsi",
                    iss: &j.app_id,
                    sub: domain_of(&j.url),
                    room: room.clone(),
                    iat: now.unix_timestamp(),
                    nbf: now.unix_timestamp(),
                    exp: exp.unix_timestamp(),
                    moderator: who.moderator,
                    context: JitsiContext {
                        user: JitsiUser {
                            id: who.id,
                            name: who.name,
                            email: who.email,
                            avatar: "",
                            moderator: if who.moderator { "true" } else { "false" },
                            affiliation: if who.moderator { "owner" } else { "member" },
                        },
                    },
                };
                let jwt = sign_hs256(&claims, j.secret.as_bytes())
                    .map_err(|e| crate::Error::Internal(e.to_string()))?;
                Ok(Some(format!(
                    "{}/{room}?jwt={jwt}",
                    j.url.trim_end_matches('/')
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_is_the_urls_host() {
        assert_eq!(domain_of("https://Meet.Example.com/"), "meet.example.com");
        assert_eq!(domain_of("http://127.0.0.1:8443/x"), "127.0.0.1");
        assert_eq!(domain_of("meet.example.org"), "meet.example.org");
    }
}
