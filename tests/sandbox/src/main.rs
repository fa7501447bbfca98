//! `glpi-sandbox`: the GLPI sandbox as a server, for the run command and end-to-end tests.

use clap::{Parser, ValueEnum};
use glpi_sandbox::{spawn, Faults, SandboxConfig, DEMO_APP_TOKEN, DEMO_USER_TOKEN};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
enum Latency {
    /// Answers at once.
    None,
    /// A real GLPI 10 on 2 cores: about 40 ms per single create, 5 ms per item in a bulk.
    Realistic,
}

/// An in-memory GLPI 10 legacy REST API.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:9080")]
    listen: SocketAddr,
    /// Latency model.
    #[arg(long, value_enum, default_value_t = Latency::None)]
    latency: Latency,
    /// JSON file of items to load at start (as POST /sandbox/seed).
    #[arg(long)]
    seed: Option<PathBuf>,
    /// GLPI version reproduced: 10 (10.0.11) or 11 (11.0.6: raw text, asset groups as lists,
    /// api.php/v1 URLs); default from PASSERELLE_SANDBOX_GLPI_VERSION, else 10.
    #[arg(long, env = "PASSERELLE_SANDBOX_GLPI_VERSION", default_value = "10")]
    glpi_version: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let seed = match &args.seed {
        None => None,
        Some(p) => match std::fs::read(p)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        {
            Ok(v) => Some(v),
            Err(e) => {
                eprintln!("glpi-sandbox: {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
    };
    let faults = match args.latency {
        Latency::None => Faults::default(),
        Latency::Realistic => Faults::realistic(),
    };
    let sandbox = match spawn(
        SandboxConfig {
            faults,
            seed,
            glpi_version: glpi_sandbox::glpi_version(&args.glpi_version),
            ..SandboxConfig::default()
        },
        args.listen,
    )
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("glpi-sandbox: cannot listen on {}: {e}", args.listen);
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "GLPI sandbox listening on {}", sandbox.api_url());

    let _ = writeln!(out, "  App-Token (held by the proxy): {DEMO_APP_TOKEN}");
    let _ = writeln!(
        out,
        "  Jeton utilisateur / user token (glpi, Super-Admin): {DEMO_USER_TOKEN}"
    );
    let _ = writeln!(
        out,
        "  Identifiants / logins: glpi/glpi, tech/tech, normal/normal, post-only/postonly"
    );
    let _ = writeln!(out, "  Admin API: {}", sandbox.admin_url());
    let _ = out.flush();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
