//! The `passerelle check` command on real files: exit codes, human and JSON output.

use std::path::PathBuf;
use std::process::Command;

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples")
}

fn passerelle(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(args)
        .output()
        .expect("run passerelle")
}

#[test]
fn clean_file_exits_zero_with_a_summary() {
    let file = samples().join("glpi-10.0.11-export/fr/Location.csv");
    let out = passerelle(&["check", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Location.csv [Lieux, UTF-8, « ; »] : 8 lignes, 8 valides"),
        "{stdout}"
    );
}

#[test]
fn errors_exit_one_and_are_located() {
    let dir = samples().join("glpi-10.0.11-export/fr");
    let out = passerelle(&[
        "check",
        dir.join("Computer.csv").to_str().unwrap(),
        dir.join("Monitor.csv").to_str().unwrap(),
        dir.join("User.csv").to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    // The monitor has nothing that tells the two Céline Joseph apart.
    assert!(
        stdout.contains(
            "Monitor.csv:15:12: ERREUR: « Joseph Céline » désigne plusieurs utilisateurs"
        ),
        "{stdout}"
    );
    // The computer's Usager column names one of them: a warning that says which.
    assert!(
        stdout.contains("Computer.csv:51:11: AVERTISSEMENT: « Joseph Céline » a des homonymes"),
        "{stdout}"
    );
}

#[test]
fn json_output_and_english() {
    let file = samples().join("glpi-10.0.11-export/fr/Ticket.csv");
    let out = passerelle(&["check", "--json", "--lang", "en", file.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["files"][0]["summary"]["rows"], 60);
    assert_eq!(report["files"][0]["summary"]["item_type"], "Ticket");
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    // Each diagnostic: its code and values, and its message rendered in the language asked for.
    for d in diagnostics {
        assert!(d["code"].is_string(), "{d}");
        assert!(d["message"].is_string(), "{d}");
    }
    let out = passerelle(&["check", "--json", "--lang", "en", "/dev/null"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "read.empty", "{d}");
    assert_eq!(
        d["message"],
        "the file is empty (0 bytes): GLPI exports an empty search as an empty file"
    );
}

#[test]
fn unreadable_and_missing_files() {
    let out = passerelle(&["check", "/nonexistent/file.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file.csv"));
    let dir = std::env::temp_dir().join(format!("passerelle-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("glpi.csv");
    std::fs::write(&empty, b"").unwrap();
    let out = passerelle(&["check", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("glpi.csv:0: ERREUR: le fichier est vide")
    );
    let out = passerelle(&["check", "--type", "Spaceship", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("type inconnu « Spaceship »"));
}

#[test]
fn directory_files_with_their_reference_exports() {
    let dir = samples().join("directory");
    let refs = dir.join("reference");
    let run = |file: &str| {
        passerelle(&[
            "check",
            "--refs",
            refs.to_str().unwrap(),
            "--service",
            "Préfecture de Guyane",
            dir.join(file).to_str().unwrap(),
        ])
    };
    let out = run("valid.tsv");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("valid.tsv [Annuaire RH, windows-1252, « TAB »] : 29 lignes, 29 valides"),
        "{stdout}"
    );
    let out = run("line-errors.tsv");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("line-errors.tsv:3:6: ERREUR: mode C : NOM vide"),
        "{stdout}"
    );
    // Without the references, a clear message instead of a guess.
    let out = passerelle(&["check", dir.join("valid.tsv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("fournissez les exports de référence"));
}

/// A file that is not a GLPI export (a supervision tool's alerts): `--save-template` writes the
/// mapping the check made (no title, no description: two errors), the administrator's edited
/// template (title built from three columns, `output` as the description) makes it valid, and
/// recognises it by its header without `--type`.
#[test]
fn a_saved_mapping_template_maps_a_non_glpi_file() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/real-glpi/fixtures");
    let file = fixtures.join("alertes-supervision.csv");
    let saved =
        std::env::temp_dir().join(format!("passerelle-template-{}.json", std::process::id()));
    let first = passerelle(&[
        "check",
        "--type",
        "Ticket",
        "--save-template",
        saved.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(first.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("« name »"), "{stdout}");
    let template: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).expect("the saved template"))
            .expect("JSON");
    let _ = std::fs::remove_file(&saved);
    assert_eq!(template["mapping"]["item_type"], "Ticket");
    assert_eq!(template["mapping"]["columns"][3]["field"], "priority");

    let edited = fixtures.join("alertes-supervision.template.json");
    let second = passerelle(&[
        "check",
        "--mapping-template",
        edited.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert_eq!(second.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("alertes-supervision.csv [Tickets, UTF-8, « ; »] : 6 lignes, 6 valides"),
        "{stdout}"
    );

    let missing = passerelle(&[
        "check",
        "--mapping-template",
        "/nonexistent/template.json",
        file.to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/template.json"));
}

/// An East Asian encoding chosen by hand is refused for that file, by name and located on it,
/// and the check says so (exit 1); an unknown label likewise.
#[test]
fn an_east_asian_encoding_chosen_by_hand_is_refused_by_name() {
    let file = samples().join("glpi-10.0.11-export/fr/Location.csv");
    let out = passerelle(&["check", "--encoding", "shift_jis", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Location.csv:0: ERREUR: encodage « Shift_JIS » non pris en charge"),
        "{stdout}"
    );
    let out = passerelle(&["check", "--encoding", "klingon", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("encodage inconnu « klingon »"), "{stdout}");
}
