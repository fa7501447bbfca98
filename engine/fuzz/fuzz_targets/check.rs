//! Any bytes, as any kind of file: the reader, recognition, mapping and validation never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use passerelle_engine::check::{check_files, check_owned_files, CheckOptions};

fuzz_target!(|data: &[u8]| {
    let names = ["glpi.csv", "Computer.csv", "User.csv", "annuaire.tsv"];
    let name = names[data.first().map_or(0, |b| (*b % 4) as usize)];
    let inputs = vec![(name.to_string(), data.to_vec())];
    let lent = check_files(&inputs, &CheckOptions::default());
    // Read in place when given the bytes: the same report, always.
    let given = check_owned_files(inputs, &CheckOptions::default());
    assert_eq!(
        serde_json::to_string(&lent).ok(),
        serde_json::to_string(&given).ok()
    );
});
