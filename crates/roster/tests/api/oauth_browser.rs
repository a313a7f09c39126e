//! Helpers for the OAuth suites: a real OAuth client (`oauth2`) as the app, reqwest as the
//! user's browser driving the sign-in and consent forms, and row counts for "nothing granted".

use crate::support::{json_of, Created, TestApp};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenUrl,
};
use serde_json::{json, Value};

pub const REDIRECT: &str = "http://127.0.0.1:9/callback";
pub const PASSWORD: &str = "Corr3ct-Horse";

pub type Client =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// An HTTP client that does not follow redirects (the browser, and the app's token calls).
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Gives `user` (an id or `me`) the password [`PASSWORD`].
pub async fn set_password(app: &TestApp, admin: &str, user: &str) {
    let (s, v) = app
        .put(
            &format!("/v2/users/{user}/password"),
            admin,
            &json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
}

/// Registers an app through the API; returns its JSON (with `client_secret`).
pub async fn register(app: &TestApp, admin: &str, kind: &str, scopes: &str, public: bool) -> Value {
    let (s, v) = app
        .post(
            "/v2/marketplace/apps",
            admin,
            &json!({"app_name": "CRM", "app_type": kind, "redirect_uris": [REDIRECT],
                    "scopes": scopes, "public_client": public}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    v
}

pub fn client_for(app: &TestApp, registered: &Value) -> Client {
    let mut c = BasicClient::new(ClientId::new(
        registered["client_id"].as_str().unwrap().to_owned(),
    ))
    .set_auth_uri(AuthUrl::new(app.url("/oauth/authorize")).unwrap())
    .set_token_uri(TokenUrl::new(app.url("/oauth/token")).unwrap())
    .set_redirect_uri(RedirectUrl::new(REDIRECT.to_owned()).unwrap());
    if let Some(secret) = registered["client_secret"].as_str() {
        c = c.set_client_secret(ClientSecret::new(secret.to_owned()));
    }
    c
}

/// The hidden `flow` field of a form page.
pub fn flow_of(html: &str) -> String {
    let at = html.find("name=\"flow\" value=\"").expect(html) + 19;
    html[at..].split('"').next().unwrap().to_owned()
}

/// GET a URL as a browser; status, body and `Location`.
pub async fn browse(url: &str) -> (u16, String, Option<String>) {
    let res = no_redirects().get(url).send().await.unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (status, res.text().await.unwrap(), location)
}

pub async fn post_form(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, Option<String>) {
    let res = no_redirects()
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (status, res.text().await.unwrap(), location)
}

/// Signs in on the sign-in page at `url`; returns the consent page.
pub async fn sign_in(app: &TestApp, url: &str, email: &str) -> String {
    let (s, page, _) = browse(url).await;
    assert_eq!(s, 200, "{page}");
    let (s, consent, _) = post_form(
        app,
        "/oauth/authorize/signin",
        &[
            ("flow", &flow_of(&page)),
            ("email", email),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(s, 200, "{consent}");
    consent
}

/// A query parameter of a URL.
pub fn param(url: &str, name: &str) -> Option<String> {
    oauth2::url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Runs the browser part for `email` choosing `decision`; returns the code and the verifier.
pub async fn authorize(
    app: &TestApp,
    client: &Client,
    email: &str,
    scopes: &[&str],
    decision: &str,
) -> (String, PkceCodeVerifier) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge);
    for s in scopes {
        req = req.add_scope(Scope::new((*s).to_owned()));
    }
    let (url, csrf) = req.url();
    let consent = sign_in(app, url.as_str(), email).await;
    let (s, body, location) = post_form(
        app,
        "/oauth/authorize/consent",
        &[("flow", &flow_of(&consent)), ("decision", decision)],
    )
    .await;
    assert_eq!(s, 303, "{body}");
    let location = location.unwrap();
    assert!(location.starts_with(REDIRECT), "{location}");
    assert_eq!(
        param(&location, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    (param(&location, "code").expect(&location), verifier)
}

/// Tokens for `email` through the whole flow.
pub async fn tokens(
    app: &TestApp,
    client: &Client,
    email: &str,
    scopes: &[&str],
    decision: &str,
) -> oauth2::basic::BasicTokenResponse {
    let (code, verifier) = authorize(app, client, email, scopes, decision).await;
    client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&no_redirects())
        .await
        .unwrap()
}

/// An account whose owner and a member `mia@acme.test` have passwords; the owner's s2s token.
pub async fn account(app: &TestApp) -> (Created, String, String) {
    let acct = app
        .create_account(
            "Acme",
            "owner@acme.test",
            &["--plan", "business", "--licensed-seats", "10"],
        )
        .await;
    let admin = app.token(&acct).await;
    set_password(app, &admin, "me").await;
    let mia = app.add_user(&admin, "custCreate", "mia@acme.test", 1).await;
    set_password(app, &admin, &mia).await;
    (acct, admin, mia)
}

/// `POST /oauth/token` with a form; status and body.
pub async fn token_call(
    app: &TestApp,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = app.client.post(app.url("/oauth/token")).form(form);
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    json_of(req.send().await.unwrap()).await
}

pub async fn counts(app: &TestApp) -> [i64; 4] {
    [
        app.db.count("oauth_codes").await,
        app.db.count("oauth_installs").await,
        app.db.count("oauth_tokens").await,
        app.db.count("oauth_refresh_tokens").await,
    ]
}
