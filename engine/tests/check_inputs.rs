//! Per-file overrides of the check (what the page's selectors, mapping editor and cell
//! corrections send) and its progress reports, on the real GLPI exports.

use passerelle_engine::check::{
    check_inputs, CheckInput, CheckOptions, Correction, FileOverrides, Progress, Stage,
};
use passerelle_engine::detect::ItemType;
use passerelle_engine::map::{auto_map, header_signature, MappingTemplate};
use std::path::PathBuf;

fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/glpi-10.0.11-export/fr")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn one(
    name: &str,
    bytes: &[u8],
    overrides: &FileOverrides,
    options: &CheckOptions,
) -> (passerelle_engine::check::CheckReport, Vec<Progress>) {
    let mut seen = Vec::new();
    let report = check_inputs(
        &[CheckInput {
            name,
            bytes,
            overrides,
        }],
        options,
        &mut |p| seen.push(p),
    );
    (report, seen)
}

#[test]
fn encoding_and_item_type_overrides_apply_to_that_file() {
    let bytes = sample("Computer.csv");
    let forced = FileOverrides {
        encoding: Some("windows-1252".into()),
        item_type: Some(ItemType::Monitor),
        ..Default::default()
    };
    let (report, _) = one("Computer.csv", &bytes, &forced, &CheckOptions::default());
    let f = &report.files[0];
    assert_eq!(f.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(f.summary.item_type, Some(ItemType::Monitor));
    assert_eq!(f.confidence, 1.0);
}

#[test]
fn a_corrected_cell_is_revalidated() {
    let bytes = sample("Computer.csv");
    let (before, _) = one(
        "Computer.csv",
        &bytes,
        &FileOverrides::default(),
        &CheckOptions::default(),
    );
    let flagged = before
        .diagnostics
        .iter()
        .find(|d| d.line == 29 && d.code() == "value.line_break")
        .expect("the GUYANE\\n cell of line 29");
    let column = flagged.column.as_ref().unwrap().index - 1;
    let fixed = FileOverrides {
        corrections: vec![Correction {
            line: 29,
            column,
            value: "GUYANE\\noel.sylvestre".into(),
        }],
        ..Default::default()
    };
    let (after, _) = one("Computer.csv", &bytes, &fixed, &CheckOptions::default());
    assert!(!after
        .diagnostics
        .iter()
        .any(|d| d.line == 29 && d.code() == "value.line_break"));
    assert_eq!(
        after.files[0].summary.warnings,
        before.files[0].summary.warnings - 1
    );
    // A correction outside the table is ignored, not a panic.
    let stray = FileOverrides {
        corrections: vec![Correction {
            line: 9999,
            column: 99,
            value: String::new(),
        }],
        ..Default::default()
    };
    one("Computer.csv", &bytes, &stray, &CheckOptions::default());
}

#[test]
fn edited_mapping_wins_over_templates_which_win_over_auto_map() {
    let bytes = sample("Computer.csv");
    let (auto, _) = one(
        "Computer.csv",
        &bytes,
        &FileOverrides::default(),
        &CheckOptions::default(),
    );
    let headers: Vec<String> = auto.files[0]
        .mapping
        .as_ref()
        .unwrap()
        .columns
        .iter()
        .map(|c| c.header.clone())
        .collect();
    let mut saved = auto_map(ItemType::Computer, &headers);
    saved.set(11, None).unwrap(); // "Usager" ignored: its line-break warnings go.
    let options = CheckOptions {
        templates: vec![MappingTemplate {
            name: "Parc Guyane".into(),
            signature: header_signature(&headers),
            mapping: saved.clone(),
        }],
        ..Default::default()
    };
    let (templated, _) = one("Computer.csv", &bytes, &FileOverrides::default(), &options);
    assert_eq!(templated.files[0].template.as_deref(), Some("Parc Guyane"));
    assert_eq!(templated.files[0].summary.warnings, 0);

    let mut edited = saved;
    edited.set(11, Some("contact")).unwrap();
    let overrides = FileOverrides {
        mapping: Some(edited),
        ..Default::default()
    };
    let (report, _) = one("Computer.csv", &bytes, &overrides, &options);
    assert_eq!(report.files[0].template, None);
    assert_eq!(report.files[0].summary.warnings, 2);
}

#[test]
fn progress_goes_through_reading_then_checking_to_the_end() {
    let mut big = sample("Computer.csv");
    let body: Vec<u8> = {
        let first_record = big.iter().position(|&b| b == b'\n').unwrap() + 1;
        big[first_record..].to_vec()
    };
    for _ in 0..40 {
        big.extend_from_slice(&body);
    }
    let (_, seen) = one(
        "Computer.csv",
        &big,
        &FileOverrides::default(),
        &CheckOptions::default(),
    );
    let reading: Vec<&Progress> = seen.iter().filter(|p| p.stage == Stage::Reading).collect();
    let checking: Vec<&Progress> = seen.iter().filter(|p| p.stage == Stage::Checking).collect();
    assert!(reading.len() > 2, "{reading:?}");
    assert!(checking.len() > 2, "{checking:?}");
    let first_checking = seen
        .iter()
        .position(|p| p.stage == Stage::Checking)
        .unwrap();
    assert!(seen[first_checking..]
        .iter()
        .all(|p| p.stage == Stage::Checking));
    for w in seen.windows(2).filter(|w| w[0].stage == w[1].stage) {
        assert!(w[0].done <= w[1].done && w[1].done <= w[1].total, "{w:?}");
    }
    let last = seen.last().unwrap();
    assert_eq!(last.done, last.total);
}

#[test]
fn files_given_to_the_check_give_the_same_report_as_files_lent_to_it() {
    use passerelle_engine::check::{check_owned_inputs, DirectoryContext, OwnedCheckInput};
    use passerelle_engine::directory::{Importer, References};
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples");
    let read = |p: &str| std::fs::read(shared.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let mut files: Vec<(String, Vec<u8>)> =
        std::fs::read_dir(shared.join("glpi-10.0.11-export/fr"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
    files.sort();
    for name in [
        "valid.tsv",
        "invalid-header.tsv",
        "line-errors.tsv",
        "valid-but-utf8.tsv",
    ] {
        files.push((name.to_string(), read(&format!("directory/{name}"))));
    }
    // A directory file too large to be kept whole just in case, after blank lines: recognised
    // from its start, its bytes kept for the directory rules.
    let valid = read("directory/valid.tsv");
    let text = String::from_utf8_lossy(&valid).into_owned();
    let (header, body) = text.split_once('\n').unwrap();
    let mut large = format!("\n\n{header}\n");
    while large.len() <= 5 << 20 {
        large.push_str(body);
    }
    files.push(("annuaire-complet.tsv".into(), large.into_bytes()));
    // A Latin-1 file and a corrected cell: the paths that decode and correct.
    let latin1: Vec<u8> = "Nom;Numéro de série\nPC-é;SN1\n"
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    files.push(("Computer-latin1.csv".into(), latin1));
    let mut corrected = FileOverrides::default();
    corrected.corrections.push(Correction {
        line: 2,
        column: 0,
        value: "PC-corrigé".into(),
    });
    let options = CheckOptions {
        directory: Some(DirectoryContext {
            references: References::from_exports(
                &read("directory/reference/profils.tsv"),
                &read("directory/reference/privileges.tsv"),
                &read("directory/reference/services.tsv"),
                &read("directory/reference/annuaire-export.tsv"),
            )
            .unwrap(),
            importer: Importer {
                serv_niv1: "Préfecture de Guyane".into(),
            },
        }),
        ..CheckOptions::default()
    };
    let overrides = |name: &str| {
        if name == "Computer-latin1.csv" {
            corrected.clone()
        } else {
            FileOverrides::default()
        }
    };
    let lent: Vec<FileOverrides> = files.iter().map(|(n, _)| overrides(n)).collect();
    let inputs: Vec<CheckInput<'_>> = files
        .iter()
        .zip(&lent)
        .map(|((name, bytes), overrides)| CheckInput {
            name,
            bytes,
            overrides,
        })
        .collect();
    let (mut lent_progress, mut given_progress) = (Vec::new(), Vec::new());
    let lent_report = check_inputs(&inputs, &options, &mut |p| lent_progress.push(p));
    let given: Vec<OwnedCheckInput> = files
        .iter()
        .map(|(name, bytes)| OwnedCheckInput {
            name: name.clone(),
            bytes: bytes.clone(),
            overrides: overrides(name),
        })
        .collect();
    let given_report = check_owned_inputs(given, &options, &mut |p| given_progress.push(p));
    assert!(
        lent_report
            .diagnostics
            .iter()
            .any(|d| d.code().starts_with("directory.")),
        "the directory rules ran"
    );
    assert!(
        lent_report
            .diagnostics
            .iter()
            .any(|d| d.file == "annuaire-complet.tsv" && d.code().starts_with("directory.")),
        "the directory rules ran on the large file"
    );
    assert!(lent_report
        .files
        .iter()
        .any(|f| f.summary.file == "Computer-latin1.csv"
            && f.encoding.as_deref() == Some("windows-1252")));
    assert_eq!(
        serde_json::to_value(&given_report).unwrap(),
        serde_json::to_value(&lent_report).unwrap()
    );
    assert_eq!(given_progress, lent_progress);
}

/// A companion file dropped with the exports is recognised by its header, named in the summary
/// and raises no "unknown type" error (the page hands it to the migration with the exports);
/// a file with an unknown header still does.
#[test]
fn companion_files_are_recognised_by_the_check() {
    use passerelle_engine::migrate::companion::CompanionKind;
    let none = FileOverrides::default();
    for kind in CompanionKind::ALL {
        let template = kind.template();
        let (report, _) = one(
            kind.template_name(),
            template.as_bytes(),
            &none,
            &CheckOptions::default(),
        );
        let s = &report.files[0].summary;
        assert_eq!(s.companion, Some(kind), "{}", kind.template_name());
        assert_eq!(s.item_type, None);
        assert!(
            !report
                .diagnostics
                .iter()
                .any(|d| d.code() == "detect.unknown_type"),
            "{:?}",
            report.diagnostics
        );
    }
    let (report, _) = one(
        "autre.csv",
        b"colonne;inconnue\na;b\n",
        &none,
        &CheckOptions::default(),
    );
    assert_eq!(report.files[0].summary.companion, None);
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code() == "detect.unknown_type"));
}
