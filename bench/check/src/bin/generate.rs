//! Writes a deterministic GLPI 10.0.11 Computer export of a given size.
//! `cargo run --release -p passerelle-bench-check --bin generate -- --mb 50 --out /tmp/x.csv`

use clap::Parser;
use passerelle_bench_check::generate::{generate, DEFAULT_SEED};
use passerelle_bench_check::MB;

#[derive(Parser)]
#[command(
    about = "Writes a deterministic GLPI-style Computer export (French, GLPI 10.0.11 format)"
)]
struct Args {
    /// Size in MB (10^6 bytes); the file stops at the first whole row that reaches it.
    #[arg(long)]
    mb: usize,
    /// Where to write the file.
    #[arg(long)]
    out: std::path::PathBuf,
    /// PRNG seed: the same seed and size give the same bytes.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let export = generate(args.mb * MB, args.seed);
    if let Err(e) = std::fs::write(&args.out, &export.bytes) {
        eprintln!("cannot write {}: {e}", args.out.display());
        return std::process::ExitCode::from(2);
    }
    println!(
        "{}: {} bytes, {} rows ({} with a damaged login)",
        args.out.display(),
        export.bytes.len(),
        export.rows,
        export.damaged_logins
    );
    std::process::ExitCode::SUCCESS
}
