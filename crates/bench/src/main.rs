//! `roster-bench`: helpers for `scripts/bench-users.sh`.
//!
//! * `seed`: adds N active Basic users (`u0000000@bench.test`, …) to an account through the
//!   store's multi-row insert, and writes their ids to a file for the load generator.
//! * `page-token EMAIL`: a `next_page_token` that starts after EMAIL, to time deep pages.
//! * `gen-csv`: an import file of N generated users, for `scripts/bench-import.sh`.
//! * `seed --varied`: users with varied names, types, departments, join times and a number
//!   attribute, so every sort order of the portal's Users page has something to sort; with
//!   `--owner-password`, the owner can sign in to the portal.
//! * `portal-load`: signs in to a running `roster serve` and times the Users page (first page,
//!   deep keyset pages, search, filters, every sort, the custom-attribute filter): p50 and p95
//!   per case, for `scripts/bench-portal-users.sh`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use roster_domain::paging::PageToken;
use roster_domain::{AccountId, Email, UserId};
use roster_store::users::{self, UserRecord};
use roster_store::{Db, DbOptions};
use std::io::Write;
use std::path::PathBuf;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add users to an account.
    Seed {
        #[arg(long)]
        database_url: String,
        #[arg(long, allow_hyphen_values = true)]
        account_id: String,
        #[arg(long)]
        users: usize,
        /// Where to write the new users' ids, one per line.
        #[arg(long)]
        ids_out: PathBuf,
        /// Vary names, types, departments, join times, and give most users a value of the
        /// number attribute named by `--attribute` (define it first).
        #[arg(long)]
        varied: bool,
        #[arg(long, default_value = "Grade")]
        attribute: String,
        /// Set this password for the account's Owner (to sign in to the portal).
        #[arg(long)]
        owner_password: Option<String>,
    },
    /// Time the portal's Users page on a running server.
    PortalLoad(portal_load::Args),
    /// Print a page token that starts after EMAIL.
    PageToken { email: String },
    /// Write an import file of N generated users (`i0000000@DOMAIN`, …) with every column a
    /// person would fill but group and role.
    GenCsv {
        #[arg(long)]
        rows: usize,
        #[arg(long, default_value = "bench.test")]
        domain: String,
        #[arg(long)]
        out: PathBuf,
    },
}

mod portal_load;

const PER_TRANSACTION: usize = 10_000;

const FIRST: [&str; 16] = [
    "Ada", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hugo", "Ines", "Jan", "Kasia",
    "Luis", "Mia", "Noah", "Olga", "Piotr",
];
const LAST: [&str; 12] = [
    "Adams", "Baker", "Costa", "Dubois", "Evans", "Ferreira", "Górski", "Hill", "Ivanova", "Jones",
    "Kowalski", "Lefèvre",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::GenCsv { rows, domain, out } => {
            let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
            writeln!(
                w,
                "Email,First Name,Last Name,Type,Department,Job Title,Location,Manager,Custom Attributes"
            )?;
            for i in 0..rows {
                writeln!(
                    w,
                    "i{i:07}@{domain},First{i},Last{},Basic,Dept {},Teacher,Room {},boss{}@{domain},cost={}",
                    i % 1000,
                    i % 50,
                    i % 300,
                    i % 100,
                    i % 17
                )?;
            }
            w.flush()?;
            Ok(())
        }
        Command::PageToken { email } => {
            let now = time::OffsetDateTime::now_utc();
            let ms = i64::try_from(now.unix_timestamp_nanos() / 1_000_000)?;
            println!(
                "{}",
                PageToken {
                    after: email,
                    issued_at_ms: ms
                }
                .encode()
            );
            Ok(())
        }
        Command::PortalLoad(args) => portal_load::run(args).await,
        Command::Seed {
            database_url,
            account_id,
            users: n,
            ids_out,
            varied,
            attribute,
            owner_password,
        } => {
            let account = AccountId::parse(&account_id).context("not an account id")?;
            let db = Db::connect(&database_url, &DbOptions::default()).await?;
            let attribute_key = if varied {
                let mut conn = db.read().await?;
                let key: String = conn
                    .fetch_one(
                        "SELECT id FROM custom_attributes WHERE account_id = $1 AND name = $2",
                        &[account.as_str().into(), attribute.as_str().into()],
                    )
                    .await
                    .with_context(|| format!("no custom attribute named {attribute}"))?;
                Some((key, attribute))
            } else {
                None
            };
            if let Some(p) = owner_password {
                let hash = roster_domain::Password::parse(&p)
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .hash()
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let mut tx = db.begin().await?;
                tx.execute(
                    "UPDATE users SET password_hash = $1 WHERE account_id = $2 AND role_id = '0'",
                    &[hash.as_str().into(), account.as_str().into()],
                )
                .await?;
                tx.commit().await?;
            }
            let mut out = std::io::BufWriter::new(std::fs::File::create(&ids_out)?);
            let started = std::time::Instant::now();
            let mut done = 0;
            while done < n {
                let batch: Vec<UserRecord> = (done..n.min(done + PER_TRANSACTION))
                    .map(|i| match &attribute_key {
                        Some(a) => varied_user(&account, i, a),
                        None => user(&account, i),
                    })
                    .collect::<anyhow::Result<_>>()?;
                let mut tx = db.begin().await?;
                users::insert_many(&mut tx, &batch).await?;
                tx.commit().await?;
                for u in &batch {
                    writeln!(out, "{}", u.id)?;
                }
                done += batch.len();
            }
            out.flush()?;
            db.close().await;
            eprintln!("seeded {n} users in {:.2?}", started.elapsed());
            Ok(())
        }
    }
}

fn user(account: &AccountId, i: usize) -> anyhow::Result<UserRecord> {
    Ok(UserRecord {
        first_name: format!("User{i}"),
        last_name: "Bench".into(),
        display_name: format!("User{i} Bench"),
        timezone: "Europe/London".into(),
        dept: "Benchmarks".into(),
        ..UserRecord::new(
            UserId::generate(),
            account.clone(),
            Email::parse(&format!("u{i:07}@bench.test"))?,
            3_000_000_000 + i64::try_from(i)?,
            time::OffsetDateTime::now_utc(),
        )
    })
}

/// A user whose every sortable column varies: names from small lists plus a number, a third
/// Licensed, 50 departments, one join time per minute (in a shuffled order), and nine in ten
/// with a value 0–99 of the number attribute `attribute` (key, name).
fn varied_user(
    account: &AccountId,
    i: usize,
    attribute: &(String, String),
) -> anyhow::Result<UserRecord> {
    let mut u = user(account, i)?;
    let n = i64::try_from(i)?;
    let first = FIRST.get(i % FIRST.len()).copied().unwrap_or_default();
    u.first_name = format!("{first}{}", i % 97);
    u.last_name = LAST
        .get((i / 7) % LAST.len())
        .copied()
        .unwrap_or_default()
        .to_owned();
    u.display_name = format!("{} {}", u.first_name, u.last_name);
    u.dept = format!("Dept {}", (i * 7) % 50);
    if i.is_multiple_of(3) {
        u.user_type = roster_domain::UserType::Licensed;
    }
    // A permutation of 0..n (multiplying by a large odd number, modulo 2^20), one minute apart.
    let minute = (n.wrapping_mul(1_000_003)) & 0xF_FFFF;
    u.created_at = time::OffsetDateTime::from_unix_timestamp(1_700_000_000 + minute * 60)?;
    if !i.is_multiple_of(10) {
        u.custom_attributes = serde_json::json!([
            {"key": attribute.0, "name": attribute.1, "value": (i % 100).to_string()}
        ])
        .to_string();
    }
    Ok(u)
}
