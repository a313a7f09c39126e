//! `portal-load`: the Users page of a running `roster serve` under load. Signs in like a
//! browser (form token, session cookie), then for each case sends `--requests` requests from
//! `--concurrency` workers and prints one Markdown row: p50, p95, max and req/s. Deep pages start
//! from a keyset token deep in the list, which the API's offset paging (`page_number`) hands out
//! once before the case runs (the same tokens the portal's links carry).

use anyhow::{bail, Context};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// The server, e.g. http://127.0.0.1:18283
    #[arg(long)]
    base: String,
    #[arg(long)]
    email: String,
    #[arg(long)]
    password: String,
    /// A /v2 token of the same account, to fetch deep page tokens.
    #[arg(long)]
    api_token: String,
    /// The key of the number attribute the seed filled.
    #[arg(long)]
    attribute_key: String,
    /// How many users the account has (for the deep pages: half way).
    #[arg(long)]
    users: u64,
    #[arg(long, default_value_t = 200)]
    requests: usize,
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// The store's name, for the table.
    #[arg(long, default_value = "sqlite")]
    store: String,
}

/// A signed-in portal session's cookie.
async fn sign_in(client: &reqwest::Client, a: &Args) -> anyhow::Result<String> {
    let form = client.get(format!("{}/signin", a.base)).send().await?;
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("roster_csrf="))
        .and_then(|c| c.split(';').next())
        .context("no form cookie")?
        .to_owned();
    let body = form.text().await?;
    let csrf = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .context("no form token")?
        .to_owned();
    let res = client
        .post(format!("{}/signin", a.base))
        .header("cookie", format!("roster_csrf={cookie}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", a.email.as_str()),
            ("password", a.password.as_str()),
        ])
        .send()
        .await?;
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("roster_session="))
        .and_then(|c| c.split(';').next())
        .map(|s| format!("roster_session={s}"))
        .with_context(|| format!("sign-in failed: {}", res.status()))
}

/// A keyset token for the page after position `offset` in the order `sort_query` gives (API
/// parameters), from the API's offset paging.
async fn deep_token(
    client: &reqwest::Client,
    a: &Args,
    sort_query: &str,
    offset: u64,
) -> anyhow::Result<String> {
    let page_number = offset / 50 + 1;
    let url = format!(
        "{}/v2/users?page_size=50&page_number={page_number}&{sort_query}",
        a.base
    );
    let v: serde_json::Value = client
        .get(url)
        .bearer_auth(&a.api_token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    v.get("next_page_token")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .context("no next_page_token")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let last = sorted.len().saturating_sub(1);
    // Nearest rank.
    let at = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
    sorted.get(at.min(last)).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Times `path`; every answer must be a 200 with at least one user row.
async fn case(
    client: &reqwest::Client,
    a: &Args,
    cookie: &str,
    label: &str,
    path: &str,
) -> anyhow::Result<()> {
    let url = format!("{}{path}", a.base);
    // Warm up, and check the page once.
    let body = client
        .get(&url)
        .header("cookie", cookie)
        .send()
        .await?
        .text()
        .await?;
    if !body.contains("href=\"/users/edit/") {
        bail!("{label}: no users on {path}");
    }
    let started = Instant::now();
    let per_worker = a.requests.div_ceil(a.concurrency);
    let mut workers = Vec::new();
    for _ in 0..a.concurrency {
        let (client, url, cookie) = (client.clone(), url.clone(), cookie.to_owned());
        workers.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_worker);
            for _ in 0..per_worker {
                let t = Instant::now();
                let res = client.get(&url).header("cookie", &cookie).send().await?;
                let status = res.status();
                res.bytes().await?;
                if status != 200 {
                    bail!("status {status}");
                }
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut times = Vec::new();
    for w in workers {
        times.extend(w.await??);
    }
    let wall = started.elapsed();
    times.sort();
    println!(
        "| {} | {} | {label} | {} | {} | {} | {:.0} |",
        a.store,
        a.users,
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.95)),
        ms(times.last().copied().unwrap_or_default()),
        times.len() as f64 / wall.as_secs_f64()
    );
    Ok(())
}

pub async fn run(a: Args) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = sign_in(&client, &a).await?;
    let half = a.users / 2;
    let key = &a.attribute_key;
    println!("| store | users | case | p50 | p95 | max | req/s |");
    println!("|---|---|---|---|---|---|---|");
    case(&client, &a, &cookie, "first page (by email)", "/users").await?;
    let t = deep_token(&client, &a, "", half).await?;
    case(
        &client,
        &a,
        &cookie,
        "deep page (by email, half way)",
        &format!("/users?after={t}"),
    )
    .await?;
    case(&client, &a, &cookie, "search \"kasia7\"", "/users?q=kasia7").await?;
    case(
        &client,
        &a,
        &cookie,
        "filter: department",
        "/users?dept=Dept+7",
    )
    .await?;
    case(
        &client,
        &a,
        &cookie,
        "filter: type Licensed",
        "/users?type=2",
    )
    .await?;
    for sort in ["name", "type", "department", "created"] {
        for order in ["asc", "desc"] {
            let q = format!("sort={sort}&order={order}");
            case(
                &client,
                &a,
                &cookie,
                &format!("sort {sort} {order}, first page"),
                &format!("/users?{q}"),
            )
            .await?;
        }
        let t = deep_token(&client, &a, &format!("sort_by={sort}"), half).await?;
        case(
            &client,
            &a,
            &cookie,
            &format!("sort {sort} asc, deep page"),
            &format!("/users?sort={sort}&order=asc&after={t}"),
        )
        .await?;
    }
    for order in ["asc", "desc"] {
        case(
            &client,
            &a,
            &cookie,
            &format!("sort by the attribute {order}, first page"),
            &format!("/users?attr={key}&sort=attr&order={order}"),
        )
        .await?;
    }
    let t = deep_token(
        &client,
        &a,
        &format!("sort_by_custom_attribute={key}"),
        half,
    )
    .await?;
    case(
        &client,
        &a,
        &cookie,
        "sort by the attribute asc, deep page",
        &format!("/users?attr={key}&sort=attr&order=asc&after={t}"),
    )
    .await?;
    case(
        &client,
        &a,
        &cookie,
        "filter: attribute = 42",
        &format!("/users?attr={key}&attr_value=42"),
    )
    .await?;
    case(
        &client,
        &a,
        &cookie,
        "filter: attribute = 42, sort name",
        &format!("/users?attr={key}&attr_value=42&sort=name"),
    )
    .await?;
    Ok(())
}
