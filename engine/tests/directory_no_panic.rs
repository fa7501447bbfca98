//! Broken HR directory files never crash the engine (seed 004's files, read in the page and the
//! CLI): every sample of `../shared/samples/directory` mutated at random, random bytes, and
//! mutated reference exports, through the directory's check, the page's whole check and the plan
//! of what to write. What breaks comes back as diagnostics or a named reference error.

use passerelle_engine::check::{check_files, CheckOptions, DirectoryContext};
use passerelle_engine::directory::apply::{
    plan_directory, DirectoryMapping, DirectoryTarget, PlanInput,
};
use passerelle_engine::directory::format::{decode, split_lines};
use passerelle_engine::directory::rights::RightsRule;
use passerelle_engine::directory::{validate, Importer, References};
use std::path::PathBuf;

fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/directory")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The four reference exports, in `References::from_exports`'s order.
fn reference_exports() -> [Vec<u8>; 4] {
    ["profils", "privileges", "services", "annuaire-export"]
        .map(|n| sample(&format!("reference/{n}.tsv")))
}

fn importer() -> Importer {
    Importer {
        serv_niv1: "Préfecture de Guyane".into(),
    }
}

/// The directory files of the samples (every one EXPECTED.md describes).
const FILES: [&str; 7] = [
    "valid.tsv",
    "valid-but-utf8.tsv",
    "line-errors.tsv",
    "mixed-errors.tsv",
    "invalid-header.tsv",
    "invalid-header-order.tsv",
    "invalid-header-missing.tsv",
];

/// A small deterministic generator (xorshift): reproducible without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `bytes` with a few random edits: a byte changed, a separator or line break inserted, a
    /// byte removed, or the end cut.
    fn mutate(&mut self, mut bytes: Vec<u8>) -> Vec<u8> {
        for _ in 0..1 + self.next() % 4 {
            if bytes.is_empty() {
                break;
            }
            let i = (self.next() % bytes.len() as u64) as usize;
            match self.next() % 5 {
                0 => bytes[i] = self.next() as u8,
                1 => bytes.insert(i, b"\t\r\n;\xc3"[(self.next() % 5) as usize]),
                2 => {
                    bytes.remove(i);
                }
                3 => {
                    // A multi-byte character cut in two, or a cell made very long.
                    let run = vec![
                        b"\xe9x"[(self.next() % 2) as usize];
                        1 + (self.next() % 300) as usize
                    ];
                    bytes.splice(i..i, run);
                }
                _ => bytes.truncate(i),
            }
        }
        bytes
    }
}

/// The directory's check, the page's check with the directory rules, and the plan when the
/// check lets one be built: none may panic; the plan's messages name lines of the file.
fn exercise(name: &str, bytes: &[u8], refs: &References, reference_export: &[u8]) {
    let importer = importer();
    let report = validate(name, bytes, refs, &importer);
    // Lines as the file reads (a UTF-16 file's breaks are not its bytes' 0x0A), header included;
    // an empty file's missing header is said on line 1.
    let lines = (split_lines(&decode(bytes).0).len() as u64).max(1);
    for d in &report.diagnostics {
        assert!(d.line <= lines, "{name}: line {} of {lines}", d.line);
    }
    let options = CheckOptions {
        directory: Some(DirectoryContext {
            references: refs.clone(),
            importer: importer.clone(),
        }),
        ..CheckOptions::default()
    };
    let _ = check_files(&[(name.to_string(), bytes.to_vec())], &options);
    if report.phase_one_ok {
        let plan = plan_directory(
            &PlanInput {
                file: name,
                bytes,
                report: &report,
                refs,
                reference_export,
                importer: &importer,
                entity: 1,
                rights: &RightsRule::above_all(),
            },
            &DirectoryTarget::default(),
            &DirectoryMapping::default(),
        );
        for m in &plan.messages {
            assert!(
                m.line <= lines,
                "{name}: plan message on line {} of {lines}",
                m.line
            );
        }
    }
}

#[test]
fn mutated_directory_files_never_panic() {
    let [profils, privileges, services, existing] = reference_exports();
    let refs = References::from_exports(&profils, &privileges, &services, &existing).unwrap();
    let mut rng = Rng(0x5eed_0004);
    let mut planned = 0;
    for name in FILES {
        let original = sample(name);
        exercise(name, &original, &refs, &existing);
        for _ in 0..150 {
            let bytes = rng.mutate(original.clone());
            if validate(name, &bytes, &refs, &importer()).phase_one_ok {
                planned += 1;
            }
            exercise(name, &bytes, &refs, &existing);
        }
    }
    // The mutations reach the plan, not only the header's refusal.
    assert!(planned > 50, "only {planned} mutated files were planned");
}

#[test]
fn random_bytes_as_a_directory_file_never_panic() {
    let [profils, privileges, services, existing] = reference_exports();
    let refs = References::from_exports(&profils, &privileges, &services, &existing).unwrap();
    let mut rng = Rng(7);
    // The valid header, then random bytes: past the header check, into the lines' rules.
    let valid = sample("valid.tsv");
    let header_end = valid.iter().position(|&b| b == b'\n').unwrap() + 1;
    for len in [0usize, 1, 2, 7, 64, 500, 4096] {
        for _ in 0..30 {
            let noise: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            exercise("annuaire.tsv", &noise, &refs, &existing);
            let mut with_header = valid[..header_end].to_vec();
            with_header.extend(&noise);
            exercise("annuaire.tsv", &with_header, &refs, &existing);
        }
    }
}

#[test]
fn mutated_reference_exports_are_read_or_refused_by_name() {
    let exports = reference_exports();
    let file = sample("mixed-errors.tsv");
    let mut rng = Rng(0x4ef0);
    let (mut read, mut refused) = (0, 0);
    for which in 0..exports.len() {
        for _ in 0..150 {
            let mut mutated = exports.clone();
            mutated[which] = rng.mutate(mutated[which].clone());
            let [p, v, s, e] = &mutated;
            match References::from_exports(p, v, s, e) {
                Ok(refs) => {
                    read += 1;
                    exercise("mixed-errors.tsv", &file, &refs, e);
                }
                Err(error) => {
                    refused += 1;
                    let text = error.to_string();
                    let named = ["profils", "privileges", "services", "annuaire"]
                        .iter()
                        .any(|n| text.contains(n));
                    assert!(named, "a refused reference export names it: {text}");
                }
            }
        }
    }
    assert!(read > 0 && refused > 0, "read {read}, refused {refused}");
}
