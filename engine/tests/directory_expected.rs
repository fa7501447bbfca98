//! The HR directory samples against ../shared/samples/directory/EXPECTED.md, line by line.

use passerelle_engine::diagnostic::Severity::{self, Error, Info, Warning};
use passerelle_engine::directory::{
    validate, Counts, DirectoryReport, Importer, Outcome, References,
};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/directory")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn check(name: &str) -> DirectoryReport {
    let refs = References::from_exports(
        &read("reference/profils.tsv"),
        &read("reference/privileges.tsv"),
        &read("reference/services.tsv"),
        &read("reference/annuaire-export.tsv"),
    )
    .unwrap();
    validate(
        name,
        &read(name),
        &refs,
        &Importer {
            serv_niv1: "Préfecture de Guyane".into(),
        },
    )
}

/// (line, severity, code, blocking) of a list of diagnostics.
fn keys(d: &[passerelle_engine::diagnostic::Diagnostic]) -> Vec<(u64, Severity, String, bool)> {
    d.iter()
        .map(|d| (d.line, d.severity, d.code().to_string(), d.blocking))
        .collect()
}

fn k(line: u64, s: Severity, code: &str, blocking: bool) -> (u64, Severity, String, bool) {
    (line, s, format!("directory.{code}"), blocking)
}

fn message(r: &DirectoryReport, line: u64) -> String {
    r.diagnostics
        .iter()
        .chain(&r.preview)
        .filter(|d| d.line == line)
        .map(|d| d.message(passerelle_engine::diagnostic::Lang::Fr))
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn valid_file_imports_everything_without_error_or_warning() {
    let r = check("valid.tsv");
    assert!(r.phase_one_ok);
    assert_eq!(
        r.counts,
        Counts {
            created: 14,
            modified: 10,
            deleted: 5,
            rejected: 0
        }
    );
    // Only the mission added on line 18 is reported (an information).
    assert_eq!(
        keys(&r.diagnostics),
        vec![k(18, Info, "modify.mission_added", false)]
    );
    assert!(message(&r, 18).contains("Accueil des usagers"));
    // Line 24: BELLONY found by name in lower case; line 30: login in upper case.
    assert_eq!(
        r.lines.iter().find(|l| l.line == 24).unwrap().outcome,
        Outcome::Modify("104563".into())
    );
    assert_eq!(
        r.lines.iter().find(|l| l.line == 25).unwrap().outcome,
        Outcome::Modify("104724".into())
    );
    assert_eq!(
        r.lines.iter().find(|l| l.line == 30).unwrap().outcome,
        Outcome::Delete("104711".into())
    );
    assert_eq!(
        r.lines.iter().find(|l| l.line == 16).unwrap().outcome,
        Outcome::Modify("104531".into())
    );
}

#[test]
fn invalid_header_names_column_15() {
    let r = check("invalid-header.tsv");
    assert!(!r.phase_one_ok);
    assert_eq!(
        keys(&r.diagnostics),
        vec![k(1, Error, "header.unknown_column", true)]
    );
    assert!(
        message(&r, 1).contains("colonne 15 « COURRIEL »"),
        "{}",
        message(&r, 1)
    );
    assert!(
        r.lines.is_empty() && r.preview.is_empty(),
        "lines 2-5 are not analysed"
    );
}

#[test]
fn invalid_header_order_names_both_columns() {
    let r = check("invalid-header-order.tsv");
    assert_eq!(
        keys(&r.diagnostics),
        vec![
            k(1, Error, "header.position", true),
            k(1, Error, "header.position", true)
        ]
    );
    let m = message(&r, 1);
    assert!(
        m.contains("colonne 1 doit se nommer « MODE » (trouvé « CLE »)")
            && m.contains("colonne 2 doit se nommer « CLE » (trouvé « MODE »)"),
        "{m}"
    );
    assert!(r.lines.is_empty());
}

#[test]
fn invalid_header_missing_serv_niv1() {
    let r = check("invalid-header-missing.tsv");
    assert_eq!(
        keys(&r.diagnostics),
        vec![k(1, Error, "header.missing_column", true)]
    );
    assert!(message(&r, 1).contains("« SERV_NIV1 » absente"));
    assert!(r.lines.is_empty());
}

#[test]
fn mixed_errors_phase_one_blocks_and_phase_two_is_a_preview() {
    let r = check("mixed-errors.tsv");
    assert!(!r.phase_one_ok, "nothing is imported");
    assert_eq!(
        keys(&r.diagnostics),
        vec![
            k(3, Error, "mode.unknown", true),
            k(7, Error, "column_count", true),
            k(11, Error, "column_count", true),
            k(12, Error, "reference.service", true),
            k(13, Error, "reference.profil", true),
            k(14, Error, "mode.empty", true),
        ]
    );
    assert!(message(&r, 3).contains("MODE « A » inconnu (valeurs permises : C, M, S)"));
    assert!(message(&r, 7).contains("21 colonnes au lieu de 20"));
    assert!(message(&r, 11).contains("19 colonnes au lieu de 20"));
    assert!(
        message(&r, 12).contains("SERV_NIV3 « Bureau des visas » absent de l'export des services")
    );
    assert!(message(&r, 13).contains("PROFIL « 7 » absent de l'export des profils"));
    assert_eq!(
        keys(&r.preview),
        vec![
            k(3, Error, "mode.not_detected", false),
            k(4, Error, "create.nom_empty", false),
            k(5, Warning, "create.profil_default", false),
            k(6, Warning, "create.priv_default", false),
            k(8, Error, "modify.not_found", false),
            k(9, Error, "modify.ambiguous", false),
            k(10, Error, "delete.field_empty", false),
            k(14, Error, "mode.not_detected", false),
        ]
    );
    let preview_9 = r.preview.iter().find(|d| d.line == 9).unwrap();
    assert!(
        preview_9
            .message(passerelle_engine::diagnostic::Lang::Fr)
            .contains("2 fiches")
            && preview_9
                .message(passerelle_engine::diagnostic::Lang::Fr)
                .contains("104581")
            && preview_9
                .message(passerelle_engine::diagnostic::Lang::Fr)
                .contains("104589")
    );
    let preview_8 = r.preview.iter().find(|d| d.line == 8).unwrap();
    assert!(preview_8
        .message(passerelle_engine::diagnostic::Lang::Fr)
        .contains("CLE 109998 + LOGIN marc.fantome"));
    for l in [7, 11, 12, 13] {
        assert_eq!(
            r.lines.iter().find(|o| o.line == l).unwrap().outcome,
            Outcome::NotAnalysed,
            "line {l}"
        );
    }
    for (l, o) in [
        (2, Outcome::Create),
        (15, Outcome::Modify(String::new())),
        (16, Outcome::Delete(String::new())),
    ] {
        let got = &r.lines.iter().find(|x| x.line == l).unwrap().outcome;
        assert_eq!(
            std::mem::discriminant(got),
            std::mem::discriminant(&o),
            "line {l}: {got:?}"
        );
    }
    assert!(r
        .error_file_text()
        .contains("Ligne 3 : ERREUR : MODE « A » inconnu"));
}

#[test]
fn line_errors_reject_lines_and_keep_warnings() {
    let r = check("line-errors.tsv");
    assert!(r.phase_one_ok);
    assert_eq!(
        keys(&r.diagnostics),
        vec![
            k(3, Error, "create.nom_empty", false),
            k(4, Error, "create.prenom_empty", false),
            k(5, Warning, "create.profil_default", false),
            k(6, Warning, "create.priv_default", false),
            k(7, Warning, "create.profil_default", false),
            k(7, Warning, "create.priv_default", false),
            k(8, Info, "create.login_exists", false),
            k(10, Error, "modify.not_found", false),
            k(11, Error, "modify.key_login_mismatch", false),
            k(12, Error, "modify.ambiguous", false),
            k(13, Error, "modify.not_found_by_name", false),
            k(14, Error, "delete.field_empty", false),
            k(15, Error, "delete.field_empty", false),
            k(16, Error, "delete.not_found", false),
            k(17, Error, "hierarchy", false),
        ]
    );
    assert!(message(&r, 8).contains("« celine.joseph » existe déjà (CLE 104581)"));
    assert!(message(&r, 10).contains("CLE 109999 + LOGIN jean.inconnu"));
    assert!(message(&r, 11).contains("CLE 104620 (loic.bertrand) et LOGIN benoit.therese"));
    assert!(message(&r, 12).contains("« Joseph / Céline / Préfecture de Guyane » correspond à 2 fiches (CLE 104581 celine.joseph et CLE 104589 celine.joseph2)"), "{}", message(&r, 12));
    assert!(message(&r, 13).contains("« Dupont / Marie / Préfecture de Guyane »"));
    assert!(message(&r, 14).contains("LOGIN vide"));
    assert!(message(&r, 15).contains("CLE vide"));
    assert!(message(&r, 16).contains("CLE 104999 / paul.absent"));
    assert!(message(&r, 17).contains("Préfecture de la Martinique"));
    // Totals of EXPECTED.md: 10 rejected, 4 warnings on 3 lines, 1 info, 7 imported.
    assert_eq!(r.counts.rejected, 10);
    assert_eq!(r.counts.created + r.counts.modified + r.counts.deleted, 7);
    assert_eq!(
        r.diagnostics
            .iter()
            .filter(|d| d.severity == Warning)
            .count(),
        4
    );
    assert_eq!(
        r.diagnostics.iter().filter(|d| d.severity == Info).count(),
        1
    );
    assert_eq!(
        r.lines.iter().find(|l| l.line == 18).unwrap().outcome,
        Outcome::Modify("104693".into())
    );
}

#[test]
fn utf8_file_is_detected_and_read_correctly() {
    let r = check("valid-but-utf8.tsv");
    assert_eq!(r.diagnostics[0].code(), "directory.encoding.utf8");
    assert_eq!(r.diagnostics[0].severity, Warning);
    assert!(
        r.phase_one_ok,
        "a warning, not a refusal: the content itself is valid"
    );
    assert_eq!(
        r.counts,
        Counts {
            created: 14,
            modified: 10,
            deleted: 5,
            rejected: 0
        }
    );
}
