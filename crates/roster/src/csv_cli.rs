//! `roster users import` and `roster users export`: CSV files in and out through the service
//! layer, as the operator. The import shows a progress bar (rows per second) on a terminal and
//! can write its per-row report to a CSV file.

use crate::cli::{cli_error, UserCommand};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use roster_service::users::import::{
    escape_cell, ImportOptions, ImportSink, Outcome, Pass, ReportRow,
};
use roster_service::Service;
use std::io::Write;

struct CliSink {
    report: Option<csv::Writer<std::fs::File>>,
    bar: ProgressBar,
    pass: Option<Pass>,
    errors_shown: usize,
}

impl ImportSink for CliSink {
    fn row(&mut self, r: &ReportRow) -> std::io::Result<()> {
        if r.outcome == Outcome::Error && self.errors_shown < 20 {
            self.errors_shown += 1;
            let line = format!("line {}: {}: {}", r.line, r.email, r.reason);
            // Without a terminal the bar is hidden, and so would be what it prints.
            if self.bar.is_hidden() {
                eprintln!("{line}");
            } else {
                self.bar.println(line);
            }
        }
        if let Some(w) = &mut self.report {
            let line = r.line.to_string();
            w.write_record([
                line.as_str(),
                &escape_cell(&r.email),
                r.outcome.as_str(),
                r.id.as_deref().unwrap_or_default(),
                &escape_cell(&r.reason),
            ])?;
        }
        Ok(())
    }

    fn progress(&mut self, pass: Pass, rows: u64) {
        if self.pass != Some(pass) {
            self.pass = Some(pass);
            self.bar.reset();
            self.bar.set_message(match pass {
                Pass::Check => "checking",
                Pass::Write => "writing",
            });
        }
        self.bar.set_position(rows);
    }
}

async fn account(service: &Service, account_id: Option<String>) -> anyhow::Result<String> {
    match account_id {
        Some(id) => Ok(id),
        None => service.sole_account_id().await.map_err(cli_error),
    }
}

/// Runs `users import` or `users export`.
pub async fn run(
    service: &Service,
    cmd: UserCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Import {
            file,
            account_id,
            mode,
            dry_run,
            report,
        } => {
            let account_id = account(service, account_id).await?;
            let report = match &report {
                Some(path) => {
                    let mut w = csv::WriterBuilder::new()
                        .from_path(path)
                        .with_context(|| format!("creating {}", path.display()))?;
                    w.write_record(["Line", "Email", "Outcome", "Id", "Reason"])?;
                    Some(w)
                }
                None => None,
            };
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg} {human_pos} rows ({per_sec}) {elapsed}",
                )
                .context("progress style")?,
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            let mut sink = CliSink {
                report,
                bar,
                pass: None,
                errors_shown: 0,
            };
            if !file.exists() {
                anyhow::bail!("{}: no such file", file.display());
            }
            let options = ImportOptions { mode, dry_run };
            let summary = service
                .import_users_as_operator(&account_id, &file, &options, &mut sink)
                .await
                .map_err(|e| match e {
                    roster_service::Error::InvalidInput {
                        field: "file",
                        message,
                    } => anyhow::anyhow!("{}: {message}", file.display()),
                    other => cli_error(other),
                });
            sink.bar.finish_and_clear();
            if let Some(w) = &mut sink.report {
                w.flush()?;
            }
            let s = summary?;
            let joins = if s.invited_to_join > 0 {
                format!("{} invited to join, ", s.invited_to_join)
            } else {
                String::new()
            };
            writeln!(
                out,
                "{}{} rows: {} created, {}{} updated, {} unchanged, {} errors.",
                if s.dry_run {
                    "Dry run (nothing changed): "
                } else {
                    ""
                },
                s.rows,
                s.created,
                joins,
                s.updated,
                s.unchanged,
                s.errors
            )?;
            Ok(())
        }
        UserCommand::Export {
            account_id,
            status,
            out: path,
        } => {
            let account_id = account(service, account_id).await?;
            let mut exporter = service
                .export_users_as_operator(&account_id, status.as_deref())
                .await
                .map_err(cli_error)?;
            let mut file = match &path {
                Some(p) => Some(std::io::BufWriter::new(
                    std::fs::File::create(p)
                        .with_context(|| format!("creating {}", p.display()))?,
                )),
                None => None,
            };
            while let Some(chunk) = exporter.next_chunk().await.map_err(cli_error)? {
                match &mut file {
                    Some(f) => f.write_all(&chunk)?,
                    None => out.write_all(&chunk)?,
                }
            }
            if let Some(f) = &mut file {
                f.flush()?;
            }
            Ok(())
        }
        UserCommand::InvitationLink { .. } => {
            anyhow::bail!("not a CSV command")
        }
    }
}
