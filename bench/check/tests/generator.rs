//! The generated exports are deterministic and read by the engine as GLPI's own exports are.

use passerelle_bench_check::generate::{generate, DEFAULT_SEED};
use passerelle_engine::check::{check_files, CheckOptions};
use passerelle_engine::detect::ItemType;
use passerelle_engine::diagnostic::Severity;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/samples/glpi-10.0.11-export/fr/Computer.csv"
);

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = generate(300_000, DEFAULT_SEED);
    let b = generate(300_000, DEFAULT_SEED);
    assert_eq!(a, b);
    assert!(a.bytes.len() >= 300_000 && a.bytes.len() < 301_000);
    let c = generate(300_000, DEFAULT_SEED + 1);
    assert_ne!(a.bytes, c.bytes);
}

#[test]
fn header_and_line_format_are_glpi_10_0_11s() {
    let sample = std::fs::read(SAMPLE).expect("the real export in ../shared/samples");
    let header_end = sample.iter().position(|&b| b == b'\n').unwrap() + 1;
    let generated = generate(50_000, DEFAULT_SEED).bytes;
    assert_eq!(&generated[..header_end], &sample[..header_end]);
    assert!(generated.ends_with(b"\";\n"));
}

#[test]
fn the_engine_reads_every_row_and_finds_only_the_planted_problems() {
    let export = generate(2_000_000, DEFAULT_SEED);
    let text = std::str::from_utf8(&export.bytes).unwrap();
    assert!(text.contains(" > "), "tree paths");
    assert!(text.contains("<br>"), "multi-valued cells");
    assert!(text.contains("''Maroni''"), "quotes written GLPI's way");
    let bytes = text.as_bytes();
    assert!(
        text.match_indices("\"\"").all(|(i, _)| bytes[i + 2] == b';'
            && (i == 0 || bytes[i - 1] == b';' || bytes[i - 1] == b'\n')),
        "\"\" only as an empty cell: GLPI writes a quote as ''"
    );
    assert!(export.damaged_logins > 0);

    let inputs = vec![("Computer.csv".to_string(), export.bytes.clone())];
    let report = check_files(&inputs, &CheckOptions::default());
    let file = &report.files[0];
    assert_eq!(file.summary.item_type, Some(ItemType::Computer));
    assert_eq!(file.summary.rows, export.rows);
    assert_eq!(file.delimiter, Some(';'));
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code().starts_with("read.")),
        "no read error"
    );
    assert_eq!(
        file.summary.errors,
        0,
        "{:?}",
        report.diagnostics.iter().take(3).collect::<Vec<_>>()
    );
    assert_eq!(file.summary.valid, export.rows);
    let line_breaks: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code() == "value.line_break")
        .collect();
    assert_eq!(line_breaks.len(), export.damaged_logins);
    assert!(line_breaks.iter().all(|d| d.severity == Severity::Warning));
}
