//! `passerelle-proxy [--config FILE]`: configuration from the file, a `.env` file and the
//! environment; prints `Passerelle proxy listening on http://ADDR` first, logs to stderr.

use clap::Parser;
use passerelle_proxy::{spawn, Config, LogFormat};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Passerelle's intranet proxy in front of the national GLPI API.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// TOML configuration file (default: passerelle.toml in the current folder, if present).
    #[arg(long)]
    config: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let _ = dotenvy::dotenv();
    let file = args.config.or_else(|| {
        let p = PathBuf::from("passerelle.toml");
        p.is_file().then_some(p)
    });
    let config = match Config::load(file.as_deref(), &|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("passerelle-proxy : {e}");
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PASSERELLE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
    tracing::info!(config = ?config, "starting");
    let proxy = match spawn(config).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("passerelle-proxy : {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "Passerelle proxy listening on {}", proxy.url());
    let _ = out.flush();

    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("stopping: finishing calls in flight");
    proxy.shutdown().await;
    ExitCode::SUCCESS
}
