//! Native read + validate speed: `check_owned_files` on generated exports, one thread, several runs.
//! `cargo run --release -p passerelle-bench-check --bin native -- --sizes 10,50,200 --runs 5`
//! With `--phases`, also times the phases separately (decode, parse, map, validate) to profile.

use std::time::Instant;

use clap::Parser;
use passerelle_bench_check::generate::{generate, DEFAULT_SEED};
use passerelle_bench_check::{machine, median, parse_sizes, MB};
use passerelle_engine::check::{check_owned_files, CheckOptions};
use passerelle_engine::detect::detect;
use passerelle_engine::map::auto_map;
use passerelle_engine::read::{decode_owned, read_text, ReadOptions};
use passerelle_engine::validate::{validate_files, FileInput};

#[derive(Parser)]
#[command(about = "Times read + validate (check_owned_files) natively on generated GLPI exports")]
struct Args {
    /// Sizes in MB, comma-separated.
    #[arg(long, default_value = "10,50,200")]
    sizes: String,
    /// Timed runs per size (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Also time each phase separately.
    #[arg(long)]
    phases: bool,
    /// Print one machine-readable line per size: `native MB MBPS`.
    #[arg(long)]
    tsv: bool,
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    let sizes = parse_sizes(&args.sizes)?;
    if !args.tsv {
        println!("machine: {}", machine());
        println!("| size | rows | runs | median s | median MB/s | min s | max s |");
        println!("| --- | --- | --- | --- | --- | --- | --- |");
    }
    for mb in sizes {
        let export = generate(mb * MB, DEFAULT_SEED);
        let len = export.bytes.len();
        let inputs = vec![("Computer.csv".to_string(), export.bytes)];
        let options = CheckOptions::default();
        let mut seconds = Vec::new();
        for run in 0..=args.runs {
            // The bytes are given to the check, as `passerelle check` gives them (copied first,
            // outside the timing).
            let given = inputs.clone();
            let start = Instant::now();
            let report = check_owned_files(given, &options);
            let s = start.elapsed().as_secs_f64();
            assert_eq!(report.files[0].summary.rows, export.rows, "every row read");
            drop(report);
            if run > 0 {
                seconds.push(s);
            }
        }
        let m = median(&seconds);
        let mbps = len as f64 / MB as f64 / m;
        if args.tsv {
            println!("native\t{mb}\t{mbps:.1}");
        } else {
            let min = seconds.iter().copied().fold(f64::INFINITY, f64::min);
            let max = seconds.iter().copied().fold(0.0, f64::max);
            println!(
                "| {mb} MB | {} | {} | {m:.3} | **{mbps:.1}** | {min:.3} | {max:.3} |",
                export.rows, args.runs
            );
        }
        if args.phases {
            phases(&inputs[0].0, &inputs[0].1, args.runs);
        }
    }
    Ok(())
}

/// The phases of `check_owned_files`, timed one by one (medians).
fn phases(name: &str, bytes: &[u8], runs: usize) {
    let (mut dec, mut parse, mut map, mut val) = (vec![], vec![], vec![], vec![]);
    for _ in 0..runs.max(1) {
        let given = bytes.to_vec();
        let t = Instant::now();
        let decoded = decode_owned(given, None).expect("decodable");
        dec.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let table = read_text(name, decoded, &ReadOptions::default()).expect("readable");
        parse.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let item_type = detect(name, &table.headers)
            .item_type
            .expect("a Computer list");
        let mapping = auto_map(item_type, &table.headers);
        map.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let (_, diags) = validate_files(&[FileInput {
            table: &table,
            mapping: &mapping,
        }]);
        val.push(t.elapsed().as_secs_f64());
        drop(diags);
    }
    let mbps = |s: &[f64]| bytes.len() as f64 / MB as f64 / median(s);
    println!(
        "  phases (median s, MB/s): decode {:.3} ({:.0}), parse {:.3} ({:.0}), detect+map {:.4}, validate {:.3} ({:.0})",
        median(&dec),
        mbps(&dec),
        median(&parse),
        mbps(&parse),
        median(&map),
        median(&val),
        mbps(&val)
    );
}
