//! `GET /oauth/authorize` and its two forms (RFC 6749 §4.1, RFC 7636): the request is checked
//! (client and redirect URI first: those errors are shown, never redirected), the user signs in
//! with their Roster password, then approves or denies on a consent page. The request travels
//! between the steps in a signed, short-lived form field (HMAC with a key kept in the database),
//! so no server-side session is needed; it is also the CSRF token. Approval creates (or reuses)
//! the install and a single-use, 10-minute, hashed code bound to the client, the redirect URI,
//! the scopes, the install and the PKCE challenge.

use crate::{hashing, Error, Service};
use roster_domain::oauth_grant::{
    describe_scope, is_s256_challenge, sign_flow, verify_flow, with_query, FlowError,
    CODE_TTL_SECS, FLOW_TTL_SECS,
};
use roster_domain::{AppKind, AppStatus, ClientId, Email, Scopes, Secret, UserId, UserStatus};
use roster_store::oauth::{self, AppRecord};
use roster_store::oauth_installs::{self as installs, CodeRecord, InstallRecord};
use roster_store::users::{self, UserRecord};
use serde::{Deserialize, Serialize};

const KEY_NAME: &str = "oauth_flow";
/// Failed sign-ins allowed per email within [`THROTTLE_WINDOW_SECS`].
const MAX_FAILURES: u32 = 5;
const THROTTLE_WINDOW_SECS: i64 = 15 * 60;

/// The query of `GET /oauth/authorize`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// Why the authorization did not go on.
#[derive(Debug)]
pub enum AuthorizeError {
    /// Shown as an error page with this HTTP status, never redirected (unknown client, redirect
    /// URI mismatch, an expired or forged form, a member approving for everyone).
    Page {
        status: u16,
        refusal: Refusal,
    },
    /// Sent back to the app: the redirect URI with `error=…` and the untouched `state`.
    Redirect(String),
    /// The sign-in failed: show the form again with this refusal.
    SignIn {
        refusal: Refusal,
        flow: String,
    },
    Internal(Error),
}

/// What the authorization pages tell the person; the words are the English ones (pages
/// translate by the variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("This sign-in form is not valid. Start again from the app.")]
    FormInvalid,
    #[error("This sign-in form has expired. Start again from the app.")]
    FormExpired,
    #[error("Unknown client: this app is not registered with Roster (check client_id).")]
    UnknownClient,
    #[error("The redirect_uri does not match any redirect URI registered for this app (they must match exactly).")]
    RedirectMismatch,
    #[error("Wrong email or password.")]
    WrongCredentials,
    #[error("Too many failed sign-ins for this email: wait 15 minutes and try again.")]
    Throttled,
    #[error("Your user is not active.")]
    NotActive,
    #[error("The app's redirect URIs changed: start again from the app.")]
    RedirectsChanged,
    #[error("Sign in first. Start again from the app.")]
    SignInFirst,
    #[error("Only an Owner or Admin of the account can approve this app for everyone. Nothing was granted.")]
    AccountNeedsAdmin,
    #[error(
        "This app was approved at the same moment in another window: start again from the app."
    )]
    ApprovedElsewhere,
}

impl From<FlowError> for Refusal {
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::Invalid => Self::FormInvalid,
            FlowError::Expired => Self::FormExpired,
        }
    }
}

impl From<Error> for AuthorizeError {
    fn from(e: Error) -> Self {
        Self::Internal(e)
    }
}

impl From<roster_store::Error> for AuthorizeError {
    fn from(e: roster_store::Error) -> Self {
        Self::Internal(e.into())
    }
}

type Result<T> = std::result::Result<T, AuthorizeError>;

fn page(status: u16, refusal: Refusal) -> AuthorizeError {
    AuthorizeError::Page { status, refusal }
}

/// The request in flight, as signed into the forms.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Flow {
    c: String,
    r: String,
    s: String,
    #[serde(default)]
    st: Option<String>,
    #[serde(default)]
    p: Option<String>,
    /// The signed-in user, on the consent form.
    #[serde(default)]
    u: Option<String>,
}

impl Flow {
    fn error(&self, error: &str, description: &str) -> AuthorizeError {
        let mut pairs = vec![("error", error), ("error_description", description)];
        if let Some(st) = &self.st {
            pairs.push(("state", st));
        }
        AuthorizeError::Redirect(with_query(&self.r, &pairs))
    }
}

/// The sign-in page's content.
#[derive(Debug, Clone)]
pub struct SignInPage {
    pub app_name: String,
    pub flow: String,
}

/// The consent page's content.
#[derive(Debug, Clone)]
pub struct ConsentPage {
    pub app_name: String,
    pub app_description: String,
    pub account_level: bool,
    pub email: String,
    /// The scopes asked for, each with its plain words.
    pub scopes: Vec<(String, String)>,
    /// Whether this user may approve for the whole account (an Owner or Admin, account app).
    pub may_approve_account: bool,
    /// Whether the user may install it just for themselves (scopes their role allows remain).
    pub may_approve_personal: bool,
    /// For a member facing an account app: the link to send to an admin.
    pub admin_link: Option<String>,
    pub flow: String,
}

/// What the user chose on the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// "Approve for everyone in the account".
    Account,
    /// "Just for me".
    Personal,
    Deny,
}

impl Service {
    async fn flow_key(&self) -> std::result::Result<std::sync::Arc<str>, Error> {
        if let Some(k) = self.flow_key.get() {
            return Ok(k.clone());
        }
        let mut tx = self.db.begin().await?;
        let fresh = Secret::token();
        let key =
            roster_store::live::server_key(&mut tx, KEY_NAME, fresh.expose(), self.now()).await?;
        tx.commit().await?;
        Ok(self.flow_key.get_or_init(|| key.into()).clone())
    }

    async fn sign(&self, flow: &Flow) -> Result<String> {
        let key = self.flow_key().await?;
        let json = serde_json::to_string(flow).map_err(|e| Error::Internal(e.to_string()))?;
        let exp = self.now().unix_timestamp() + FLOW_TTL_SECS;
        Ok(sign_flow(key.as_bytes(), &json, exp))
    }

    async fn open(&self, signed: &str) -> Result<Flow> {
        let key = self.flow_key().await?;
        let json = verify_flow(key.as_bytes(), signed, self.now().unix_timestamp())
            .map_err(|e| page(400, e.into()))?;
        serde_json::from_str(&json).map_err(|_| page(400, Refusal::FormInvalid))
    }

    async fn installable_app(&self, client_id: Option<&str>) -> Result<AppRecord> {
        let unknown = || page(400, Refusal::UnknownClient);
        let id = client_id
            .map(str::trim)
            .and_then(ClientId::parse)
            .ok_or_else(unknown)?;
        let mut conn = self.db.read().await?;
        oauth::find_app_by_client_id(&mut conn, &id)
            .await?
            .filter(|a| a.status == AppStatus::Active && a.kind != AppKind::ServerToServer)
            .ok_or_else(unknown)
    }

    /// Checks an authorization request and returns the sign-in page for it.
    pub async fn begin_authorize(&self, p: AuthorizeParams) -> Result<SignInPage> {
        let app = self.installable_app(p.client_id.as_deref()).await?;
        let redirect = match p.redirect_uri.as_deref() {
            Some(r) if app.redirect_uris.iter().any(|u| u == r) => r.to_owned(),
            None if app.redirect_uris.len() == 1 => app.redirect_uris.concat(),
            _ => return Err(page(400, Refusal::RedirectMismatch)),
        };
        let mut flow = Flow {
            c: app.client_id.as_str().to_owned(),
            r: redirect,
            s: String::new(),
            st: p.state.clone(),
            p: None,
            u: None,
        };
        match p.response_type.as_deref() {
            Some("code") => {}
            None => return Err(flow.error("invalid_request", "response_type is required")),
            Some(_) => {
                return Err(flow.error(
                    "unsupported_response_type",
                    "only response_type=code is supported",
                ))
            }
        }
        let registered = Scopes::parse(&app.scopes);
        let scopes = match p.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => registered,
            Some(asked) => match Scopes::parse_known(asked) {
                Ok(s) if s.is_subset_of(&registered) => s,
                _ => {
                    return Err(flow.error(
                        "invalid_scope",
                        "the requested scope is unknown or not registered for this app",
                    ))
                }
            },
        };
        flow.s = scopes.to_text();
        match (
            p.code_challenge.as_deref(),
            p.code_challenge_method.as_deref(),
        ) {
            (None, None) if !app.public_client => {}
            (None, _) => {
                return Err(flow.error(
                    "invalid_request",
                    "code_challenge (PKCE, S256) is required for this client",
                ))
            }
            (Some(c), Some("S256")) if is_s256_challenge(c) => flow.p = Some(c.to_owned()),
            (Some(_), Some("S256")) => {
                return Err(flow.error("invalid_request", "code_challenge is not a S256 challenge"))
            }
            (Some(_), _) => {
                return Err(flow.error(
                    "invalid_request",
                    "code_challenge_method must be S256 (plain is not supported)",
                ))
            }
        }
        Ok(SignInPage {
            app_name: app.name,
            flow: self.sign(&flow).await?,
        })
    }

    fn throttled(&self, email: &str) -> bool {
        let now = self.now().unix_timestamp();
        let map = self
            .sign_in_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.get(email)
            .is_some_and(|(n, since)| *n >= MAX_FAILURES && now - since < THROTTLE_WINDOW_SECS)
    }

    fn record_failure(&self, email: &str) {
        let now = self.now().unix_timestamp();
        let mut map = self
            .sign_in_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| now - *since < THROTTLE_WINDOW_SECS);
        }
        let e = map.entry(email.to_owned()).or_insert((0, now));
        if now - e.1 >= THROTTLE_WINDOW_SECS {
            *e = (0, now);
        }
        e.0 += 1;
    }

    /// Signs the user in (email and Roster password) and returns the consent page.
    pub async fn authorize_sign_in(
        &self,
        signed: &str,
        email: &str,
        password: &str,
    ) -> Result<ConsentPage> {
        let flow = self.open(signed).await?;
        if flow.u.is_some() {
            return Err(page(400, Refusal::FormInvalid));
        }
        let retry = |refusal: Refusal| AuthorizeError::SignIn {
            refusal,
            flow: signed.to_owned(),
        };
        let Ok(email) = Email::parse(email.trim()) else {
            return Err(retry(Refusal::WrongCredentials));
        };
        if self.throttled(email.as_str()) {
            return Err(retry(Refusal::Throttled));
        }
        let user = {
            let mut conn = self.db.read().await?;
            users::find_registered(&mut conn, &email).await?
        };
        let hash = user
            .as_ref()
            .filter(|u| u.status == UserStatus::Active)
            .and_then(|u| u.password_hash.clone());
        let ok = match hash {
            Some(h) => hashing::verify_password(h, password.to_owned()).await?,
            None => false,
        };
        let Some(user) = user.filter(|_| ok) else {
            self.record_failure(email.as_str());
            return Err(retry(Refusal::WrongCredentials));
        };
        self.consent_for(flow, user).await
    }

    /// For a user already signed in to the portal: checks the request like
    /// [`Service::begin_authorize`] and goes straight to the consent page (no second sign-in).
    pub async fn authorize_signed_in(
        &self,
        p: AuthorizeParams,
        user: &UserRecord,
    ) -> Result<ConsentPage> {
        let signed = self.begin_authorize(p).await?.flow;
        let flow = self.open(&signed).await?;
        if user.status != UserStatus::Active {
            return Err(page(403, Refusal::NotActive));
        }
        self.consent_for(flow, user.clone()).await
    }

    /// The consent page for `user`, who proved who they are, with the flow now naming them.
    async fn consent_for(&self, mut flow: Flow, user: UserRecord) -> Result<ConsentPage> {
        let app = self.flow_app(&flow).await?;
        if user.account_id != app.account_id {
            return Err(flow.error(
                "access_denied",
                "this app can be installed only by users of the account that registered it",
            ));
        }
        flow.u = Some(user.id.to_string());
        let scopes = Scopes::parse(&flow.s);
        let admin = user.role.is_admin();
        let account_level = app.kind == AppKind::Account;
        let admin_link = (account_level && !admin).then(|| {
            let mut pairs = vec![
                ("response_type", "code"),
                ("client_id", flow.c.as_str()),
                ("redirect_uri", flow.r.as_str()),
                ("scope", flow.s.as_str()),
            ];
            if let Some(st) = &flow.st {
                pairs.push(("state", st));
            }
            if let Some(pk) = &flow.p {
                pairs.push(("code_challenge", pk));
                pairs.push(("code_challenge_method", "S256"));
            }
            with_query(
                &format!(
                    "{}/oauth/authorize",
                    self.settings.public_url.trim_end_matches('/')
                ),
                &pairs,
            )
        });
        Ok(ConsentPage {
            app_name: app.name,
            app_description: app.description,
            account_level,
            email: user.email.to_string(),
            scopes: scopes
                .iter()
                .map(|s| (s.to_owned(), describe_scope(s).unwrap_or_default()))
                .collect(),
            may_approve_account: account_level && admin,
            may_approve_personal: admin || !personal_scopes(&scopes, &user).is_empty(),
            admin_link,
            flow: self.sign(&flow).await?,
        })
    }

    async fn flow_app(&self, flow: &Flow) -> Result<AppRecord> {
        let app = self.installable_app(Some(&flow.c)).await?;
        if !app.redirect_uris.contains(&flow.r) {
            return Err(page(400, Refusal::RedirectsChanged));
        }
        Ok(app)
    }

    /// Carries out the user's decision; returns where to send the browser.
    pub async fn authorize_decide(&self, signed: &str, decision: Decision) -> Result<String> {
        let flow = self.open(signed).await?;
        let Some(user_id) = flow.u.clone() else {
            return Err(page(400, Refusal::SignInFirst));
        };
        let app = self.flow_app(&flow).await?;
        if decision == Decision::Deny {
            return Err(flow.error("access_denied", "the user denied the request"));
        }
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let user = users::find_by_id(&mut tx, &app.account_id, &UserId::from_stored(user_id))
            .await?
            .filter(|u| u.status == UserStatus::Active)
            .ok_or_else(|| flow.error("access_denied", "the user can no longer sign in"))?;
        let asked = Scopes::parse(&flow.s);
        let (install_user, scopes) = match decision {
            Decision::Account if app.kind == AppKind::Account && user.role.is_admin() => {
                (None, asked)
            }
            Decision::Account => return Err(page(403, Refusal::AccountNeedsAdmin)),
            _ => {
                let s = personal_scopes(&asked, &user);
                if s.is_empty() {
                    return Err(
                        flow.error("invalid_scope", "every requested scope needs an admin role")
                    );
                }
                (Some(&user.id), s)
            }
        };
        let install =
            match installs::find_live_install(&mut tx, &app.id, &app.account_id, install_user)
                .await?
            {
                Some(i) => {
                    installs::set_install_scopes(&mut tx, &i.id, &scopes.to_text()).await?;
                    i
                }
                None => {
                    let i = InstallRecord {
                        id: UserId::generate().to_string(),
                        app_id: app.id.clone(),
                        account_id: app.account_id.clone(),
                        user_id: install_user.cloned(),
                        approved_by: user.id.clone(),
                        scopes: scopes.to_text(),
                        created_at: at,
                        revoked_at: None,
                        revoke_reason: None,
                    };
                    if let Err(e) = installs::insert_install(&mut tx, &i).await {
                        if matches!(e, roster_store::Error::Unique(_)) {
                            // Another approval of the same install won the race; it stands.
                            return Err(page(409, Refusal::ApprovedElsewhere));
                        }
                        return Err(e.into());
                    }
                    i
                }
            };
        let code = Secret::token();
        installs::insert_code(
            &mut tx,
            &CodeRecord {
                code_hash: code.hash(),
                app_id: app.id.clone(),
                install_id: install.id.clone(),
                account_id: app.account_id.clone(),
                user_id: user.id.clone(),
                redirect_uri: flow.r.clone(),
                scopes: scopes.to_text(),
                code_challenge: flow.p.clone(),
                created_at: at,
                expires_at: at + time::Duration::seconds(CODE_TTL_SECS),
                used_at: None,
                family_id: None,
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(app_id = %app.id, install_id = %install.id, "authorization approved");
        let mut pairs = vec![("code", code.expose())];
        if let Some(st) = &flow.st {
            pairs.push(("state", st));
        }
        Ok(with_query(&flow.r, &pairs))
    }
}

/// What a user may be granted personally: everything for an Owner or Admin, the non-admin
/// scopes for anyone else.
fn personal_scopes(asked: &Scopes, user: &UserRecord) -> Scopes {
    if user.role.is_admin() {
        asked.clone()
    } else {
        asked.without_admin()
    }
}
