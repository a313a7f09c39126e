//! `roster-bench`: helpers for `scripts/bench-users.sh`.
//!
//! * `seed`: adds N active Basic users (`u0000000@bench.test`, …) to an account through the
//!   store's multi-row insert, and writes their ids to a file for the load generator.
//! * `page-token EMAIL`: a `next_page_token` that starts after EMAIL, to time deep pages.
//! * `gen-csv`: an import file of N generated users, for `scripts/bench-import.sh`.

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
    },
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

const PER_TRANSACTION: usize = 10_000;

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
        Command::Seed {
            database_url,
            account_id,
            users: n,
            ids_out,
        } => {
            let account = AccountId::parse(&account_id).context("not an account id")?;
            let db = Db::connect(&database_url, &DbOptions::default()).await?;
            let mut out = std::io::BufWriter::new(std::fs::File::create(&ids_out)?);
            let started = std::time::Instant::now();
            let mut done = 0;
            while done < n {
                let batch: Vec<UserRecord> = (done..n.min(done + PER_TRANSACTION))
                    .map(|i| user(&account, i))
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
