//! `passerelle`: the engine as a native command.
use clap::Parser;

/// Passerelle: check GLPI CSV exports and migrate them to a national GLPI.
#[derive(Parser)]
#[command(version = passerelle_engine::VERSION)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
}
