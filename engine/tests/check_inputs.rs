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
        .find(|d| d.line == 29 && d.code == "value.line_break")
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
        .any(|d| d.line == 29 && d.code == "value.line_break"));
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
