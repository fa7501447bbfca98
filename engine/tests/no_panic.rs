//! Broken input never crashes the engine: the committed fuzz corpus, mutations of the real
//! exports, random bytes and a 100 MB single line all come back as diagnostics; so do HR
//! directory files (seed 004) and their reference exports, mutated, through the directory's
//! check, the page's check and the plan of what to write.

use passerelle_engine::check::{check_files, check_owned_files, CheckOptions, DirectoryContext};
use passerelle_engine::diagnostic::Severity;
use passerelle_engine::directory::apply::{
    plan_directory, DirectoryMapping, DirectoryTarget, PlanInput,
};
use passerelle_engine::directory::format::{decode, split_lines};
use passerelle_engine::directory::rights::RightsRule;
use passerelle_engine::directory::{validate, Importer, References};
use std::path::PathBuf;

/// The check of one file, lent and given (read in place): both ways, the same report.
fn check(name: &str, bytes: Vec<u8>) -> passerelle_engine::check::CheckReport {
    let inputs = vec![(name.to_string(), bytes)];
    let lent = check_files(&inputs, &CheckOptions::default());
    let given = check_owned_files(inputs, &CheckOptions::default());
    assert_eq!(
        serde_json::to_value(&lent).unwrap(),
        serde_json::to_value(&given).unwrap(),
        "{name}: lent and given differ"
    );
    lent
}

/// A small deterministic generator (xorshift): reproducible without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `bytes` with a few random edits: a byte changed, a quote, separator, line break or a
    /// UTF-8 lead byte inserted, a byte removed, a run of one character inserted (a multi-byte
    /// character cut in two, a very long cell), or the end cut.
    fn mutate(&mut self, mut bytes: Vec<u8>) -> Vec<u8> {
        for _ in 0..1 + self.next() % 4 {
            if bytes.is_empty() {
                break;
            }
            let i = (self.next() % bytes.len() as u64) as usize;
            match self.next() % 5 {
                0 => bytes[i] = self.next() as u8,
                1 => bytes.insert(i, b"\";\t\r\n\xc3"[(self.next() % 6) as usize]),
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

#[test]
fn fuzz_corpus_replays_without_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/check");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for name in ["glpi.csv", "Computer.csv", "annuaire.tsv"] {
            let report = check(name, bytes.clone());
            assert_eq!(report.files.len(), 1);
        }
        n += 1;
    }
    assert!(n >= 10, "corpus has {n} files");
}

#[test]
fn mutated_real_exports_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/glpi-10.0.11-export/fr");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for file in ["Computer.csv", "Ticket.csv", "User.csv"] {
        let original = std::fs::read(dir.join(file)).unwrap();
        for _ in 0..150 {
            let _ = check(file, rng.mutate(original.clone()));
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for len in [1usize, 2, 3, 7, 64, 500, 4096] {
        for _ in 0..50 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = check("glpi.csv", bytes);
        }
    }
}

#[test]
fn broken_files_get_clear_messages() {
    let empty = check("glpi.csv", Vec::new());
    assert_eq!(empty.diagnostics[0].code(), "read.empty");
    let binary = check("x.csv", b"\x00\x01\x02\x03 PK".to_vec());
    assert_eq!(binary.diagnostics[0].code(), "read.binary");
    assert!(binary.diagnostics[0]
        .message(passerelle_engine::diagnostic::Lang::Fr)
        .contains("pas un fichier texte"));
    let header_only = check(
        "Computer.csv",
        b"\"Nom\";\"Num\xc3\xa9ro de s\xc3\xa9rie\";\n".to_vec(),
    );
    assert_eq!(header_only.files[0].summary.rows, 0);
    assert!(!header_only.has_errors());
    let ragged = check("Computer.csv", b"Nom;Type\nPC1;Portable;extra\n".to_vec());
    let d = ragged
        .diagnostics
        .iter()
        .find(|d| d.code() == "read.column_count")
        .unwrap();
    assert_eq!((d.line, d.severity), (2, Severity::Error));
}

#[test]
fn a_100_mb_single_line_is_read_without_crash() {
    let mut bytes = b"Nom;Commentaires\nPC;".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 100 * 1024 * 1024));
    bytes.push(b'\n');
    let report = check("Computer.csv", bytes);
    assert_eq!(report.files[0].summary.rows, 1);
}

/// A saved mapping template edited by hand (templates are shared between prefectures as JSON
/// files): columns past the file's end, repeated or unknown fields, another item type, broken
/// `%…%` placeholders, odd constants. Applied to the file whose header it names, it may make
/// the check refuse rows, never crash it; the report says which template was applied.
#[test]
fn hand_edited_templates_never_panic() {
    use passerelle_engine::check::{CheckInput, FileOverrides};
    use passerelle_engine::detect::ItemType;
    use passerelle_engine::map::{header_signature, MappingTemplate};
    use passerelle_engine::migrate::inputs::Prepared;
    use passerelle_engine::read::ReadOptions;

    let bytes = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/samples/glpi-10.0.11-export/fr/Computer.csv"),
    )
    .unwrap();
    let detected = check("Computer.csv", bytes.clone()).files[0]
        .mapping
        .clone()
        .expect("a mapping for the computers");
    let headers: Vec<String> = detected.columns.iter().map(|c| c.header.clone()).collect();
    let fields = [
        "name",
        "serial",
        "otherserial",
        "locations_id",
        "users_id",
        "states_id",
        "comment",
        "entities_id",
        "id",
        "date_mod",
        "no_such_field",
        "",
    ];
    let texts = [
        "",
        "%",
        "%%",
        "%Nom%",
        "%nope%",
        "a%Nom",
        "%Nom% %Numéro de série%",
        "-1",
        "99999999999999999999999",
        "é\u{0}\n",
    ];
    let types = [
        ItemType::Computer,
        ItemType::Monitor,
        ItemType::User,
        ItemType::Ticket,
    ];
    let mut rng = Rng(0x7E57_1A7E);
    let mut pick = |n: usize| (rng.next() % n as u64) as usize;
    for round in 0..250 {
        let mut mapping = detected.clone();
        if pick(4) == 0 {
            mapping.item_type = types[pick(types.len())];
        }
        for c in &mut mapping.columns {
            match pick(6) {
                0 => c.column = pick(64),
                1 => c.field = Some(fields[pick(fields.len())].to_string()),
                2 => c.field = None,
                _ => {}
            }
        }
        if pick(3) == 0 {
            let mut extra = mapping.columns[0].clone();
            extra.column = headers.len() + pick(5);
            mapping.columns.push(extra);
        }
        if pick(3) == 0 {
            mapping.columns.truncate(pick(headers.len()));
        }
        for _ in 0..pick(3) {
            let field = fields[pick(fields.len())].to_string();
            mapping
                .constants
                .insert(field, texts[pick(texts.len())].to_string());
            let field = fields[pick(fields.len())].to_string();
            mapping
                .templates
                .insert(field, texts[pick(texts.len())].to_string());
        }
        let name = format!("edited {round}");
        let options = CheckOptions {
            templates: vec![MappingTemplate {
                name: name.clone(),
                signature: header_signature(&headers),
                mapping,
            }],
            ..CheckOptions::default()
        };
        let inputs = [("Computer.csv".to_string(), bytes.clone())];
        let report = check_files(&inputs, &options);
        assert_eq!(report.files.len(), 1);
        assert_eq!(report.files[0].template.as_deref(), Some(name.as_str()));
        // The migration's draft of the same file with the same template.
        let none = FileOverrides::default();
        let prepared = Prepared::from_inputs(
            &CheckInput::plain(&inputs, &none),
            &ReadOptions::default(),
            &options.templates,
        );
        let _ = prepared.draft();
    }
}

// ----- HR directory files -----

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
