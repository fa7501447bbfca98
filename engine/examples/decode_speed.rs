//! The decoding of a legacy (Windows-1252) export: the engine's table decoder against
//! `encoding_rs`'s, on the same 49 MB, three rounds (BENCHMARKS.md, "one runner, the diagnostics
//! read by hand, the decoders"). `cargo run --release -p passerelle-engine --example decode_speed`

// Compared with encoding_rs's own decoding, which the engine does not call.
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

fn main() {
    let line = "Bélizaire;Océane;Préfecture de la Guyane;Hôtel de Région;cœur;12,5 €\r\n";
    let text = line.repeat(700_000);
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    println!("{} bytes of Windows-1252", bytes.len());
    for round in 1..=3 {
        let start = Instant::now();
        let theirs = encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(&bytes)
            .0;
        let theirs_time = start.elapsed();
        let start = Instant::now();
        let ours = passerelle_engine::read::decode_as(encoding_rs::WINDOWS_1252, &bytes)
            .expect("a single-byte encoding");
        let ours_time = start.elapsed();
        assert_eq!(ours, theirs, "same text");
        println!("round {round}: encoding_rs {theirs_time:?}, passerelle {ours_time:?}");
    }
}
