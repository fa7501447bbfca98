//! Broken input never crashes the engine: the committed fuzz corpus, mutations of the real
//! exports, random bytes and a 100 MB single line all come back as diagnostics.

use passerelle_engine::check::{check_files, check_owned_files, CheckOptions};
use passerelle_engine::diagnostic::Severity;
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
            let mut bytes = original.clone();
            for _ in 0..(rng.next() % 8 + 1) {
                let i = (rng.next() as usize) % bytes.len();
                match rng.next() % 4 {
                    0 => bytes[i] = rng.next() as u8,
                    1 => bytes.insert(i, b"\";\n\r\t"[(rng.next() % 5) as usize]),
                    2 => {
                        bytes.remove(i);
                    }
                    _ => bytes.truncate(i),
                }
            }
            let _ = check(file, bytes);
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
