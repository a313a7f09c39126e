//! `roster`: run the server, migrate, or administer accounts. See `roster --help`.

use clap::Parser;
use std::process::ExitCode;

// Serving a page of users is allocation-heavy; mimalloc measurably beats the system allocator
// there (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = roster::cli::Cli::parse();
    let config = match roster::cli::load_config(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    roster::telemetry::init(&config);
    let mut stdout = std::io::stdout();
    match roster::cli::execute(cli, config, &mut stdout).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
