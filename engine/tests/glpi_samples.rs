//! The real GLPI 10.0.11 exports in ../shared/samples, read where they are.

use passerelle_engine::detect::{detect, ItemType};
use passerelle_engine::read::{read_bytes, EncodingSource, ReadOptions};
use std::path::PathBuf;

fn sample(name: &str) -> (String, Vec<u8>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/glpi-10.0.11-export/fr")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (name.to_string(), bytes)
}

#[test]
fn every_export_reads_with_its_type_and_row_count() {
    let expected = [
        ("Computer.csv", ItemType::Computer, 120),
        ("Monitor.csv", ItemType::Monitor, 40),
        ("Printer.csv", ItemType::Printer, 15),
        ("NetworkEquipment.csv", ItemType::NetworkEquipment, 10),
        ("Phone.csv", ItemType::Phone, 10),
        ("Peripheral.csv", ItemType::Peripheral, 10),
        ("Software.csv", ItemType::Software, 8),
        ("User.csv", ItemType::User, 44),
        ("Group.csv", ItemType::Group, 3),
        ("Location.csv", ItemType::Location, 8),
        ("Ticket.csv", ItemType::Ticket, 60),
    ];
    for (file, item_type, rows) in expected {
        let (name, bytes) = sample(file);
        let table = read_bytes(&name, &bytes, &ReadOptions::default()).unwrap();
        assert_eq!(table.encoding, "UTF-8", "{file}");
        assert_eq!(table.encoding_source, EncodingSource::Bom, "{file}");
        assert_eq!(table.delimiter, ';', "{file}");
        assert!(table.quoted && table.trailing_delimiter, "{file}");
        assert_eq!(table.records.len(), rows, "{file}");
        assert!(
            table.diagnostics.is_empty(),
            "{file}: {:?}",
            table.diagnostics
        );
        let d = detect(&name, &table.headers);
        assert_eq!(d.item_type, Some(item_type), "{file}: {d:?}");
        // Without the file name, the headers alone must still say it for distinctive lists.
        let blind = detect("glpi.csv", &table.headers);
        if !matches!(item_type, ItemType::Peripheral | ItemType::NetworkEquipment) {
            assert_eq!(
                blind.item_type,
                Some(item_type),
                "{file} (headers only): {blind:?}"
            );
        }
    }
}

#[test]
fn multi_line_ticket_cells_keep_their_start_line() {
    let (name, bytes) = sample("Ticket.csv");
    let table = read_bytes(&name, &bytes, &ReadOptions::default()).unwrap();
    let mut previous = 1;
    for r in &table.records {
        assert!(r.line > previous, "lines increase");
        previous = r.line;
    }
    let physical_lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    assert!(table.records.last().unwrap().line < physical_lines);
    assert!(physical_lines > 61, "some ticket cells span several lines");
}

fn all_samples() -> Vec<(String, Vec<u8>)> {
    [
        "Computer.csv",
        "Monitor.csv",
        "Printer.csv",
        "NetworkEquipment.csv",
        "Phone.csv",
        "Peripheral.csv",
        "Software.csv",
        "User.csv",
        "Group.csv",
        "Location.csv",
        "Ticket.csv",
    ]
    .iter()
    .map(|f| sample(f))
    .collect()
}

#[test]
fn checking_all_exports_together_locates_the_real_data_damage() {
    use passerelle_engine::check::{check_files, CheckOptions};
    let report = check_files(&all_samples(), &CheckOptions::default());
    // The two "Usager" cells where GLPI stored `GUYANE\n…` as a real line break.
    let damaged: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.file == "Computer.csv" && d.code() == "value.line_break")
        .collect();
    assert_eq!(damaged.len(), 2, "{damaged:#?}");
    for d in damaged {
        assert_eq!(d.column.as_ref().unwrap().name.as_deref(), Some("Usager"));
        let v = d.value.as_ref().unwrap();
        assert!(
            v.starts_with("GUYANE") && (v.contains('\n') || v.contains('\r')),
            "{v:?}"
        );
        assert!(d.line > 1);
    }
    let computer = &report.files[0];
    assert_eq!(computer.summary.rows, 120);
    assert_eq!(computer.encoding.as_deref(), Some("UTF-8"));
}

#[test]
fn homonyms_are_reported_not_guessed() {
    use passerelle_engine::check::{check_files, CheckOptions};
    let report = check_files(&all_samples(), &CheckOptions::default());
    let ambiguous: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code() == "reference.ambiguous_user")
        .collect();
    // The monitor and the tickets have no alternate username: nothing tells which Céline.
    let at: Vec<(&str, u64)> = ambiguous
        .iter()
        .map(|d| (d.file.as_str(), d.line))
        .collect();
    assert_eq!(
        at,
        vec![
            ("Monitor.csv", 15),
            ("Ticket.csv", 15),
            ("Ticket.csv", 28),
            ("Ticket.csv", 87),
            ("Ticket.csv", 95)
        ],
        "{ambiguous:#?}"
    );
    // The two computers say which one in their Usager column (celine.joseph2, celine.joseph).
    let told: Vec<(&str, u64)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code() == "reference.homonym_by_contact")
        .map(|d| (d.file.as_str(), d.line))
        .collect();
    assert_eq!(told, vec![("Computer.csv", 51), ("Computer.csv", 102)]);
    for d in &ambiguous {
        assert_eq!(d.value.as_deref(), Some("Joseph Céline"));
        assert!(
            d.message(passerelle_engine::diagnostic::Lang::Fr)
                .contains("celine.joseph, celine.joseph2"),
            "{}",
            d.message(passerelle_engine::diagnostic::Lang::Fr)
        );
    }
    // Every other value of the samples is valid: no error but the homonyms.
    let other_errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == passerelle_engine::diagnostic::Severity::Error)
        .filter(|d| d.code() != "reference.ambiguous_user")
        .map(|d| d.to_string())
        .collect();
    assert!(other_errors.is_empty(), "{other_errors:#?}");
}
