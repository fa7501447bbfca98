//! Any bytes, as any kind of file: the reader, recognition, mapping and validation never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use passerelle_engine::check::{check_files, CheckOptions};

fuzz_target!(|data: &[u8]| {
    let names = ["glpi.csv", "Computer.csv", "User.csv", "annuaire.tsv"];
    let name = names[data.first().map_or(0, |b| (*b % 4) as usize)];
    let _ = check_files(
        &[(name.to_string(), data.to_vec())],
        &CheckOptions::default(),
    );
});
