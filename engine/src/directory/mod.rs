//! The HR directory (annuaire) import format of seed 004: two-phase validation.
//!
//! Phase one checks the whole file (header, column counts, MODE values, reference values); if
//! anything fails, nothing is imported. Phase two then checks each line by mode: C creates,
//! M modifies, S deletes; errors reject the line, warnings keep it. Every message carries its
//! line number (the header is line 1), as the directory's error file does.

pub mod apply;
pub mod format;
pub mod problem;
pub mod reference;
pub mod rights;
pub mod target;

use serde::Serialize;
use std::borrow::Cow;
use thiserror::Error;

use crate::diagnostic::{ColumnRef, Diagnostic};
pub use problem::Problem;
use reference::low;
pub use reference::{Person, References};

/// Why the reference exports cannot be used.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DirectoryError {
    /// A reference export is unreadable.
    #[error("export de référence « {file} » inutilisable : {reason}")]
    BadReference {
        /// Which export.
        file: String,
        /// Why.
        reason: String,
    },
}

/// The three columns that must come first, in this order.
pub const FIRST_COLUMNS: [&str; 3] = ["MODE", "CLE", "PROFIL"];
/// Columns that must be present.
pub const REQUIRED_COLUMNS: [&str; 4] = ["NOM", "PRENOM", "LOGIN", "SERV_NIV1"];
/// Every allowed column name.
pub const ALLOWED_COLUMNS: [&str; 28] = [
    "MODE",
    "CLE",
    "PROFIL",
    "NOM",
    "PRENOM",
    "LOGIN",
    "SERV_NIV1",
    "PRIV",
    "CIVILITE",
    "FONCTION",
    "COMMENTAIRE",
    "VALIDE",
    "TYPE",
    "TEL_FIXE",
    "FAX",
    "MEL",
    "TEL_MOBILE",
    "SERV_NIV2",
    "SERV_NIV3",
    "SERV_NIV4",
    "MISSION1",
    "MISSION2",
    "MISSION3",
    "ADRESSE_1",
    "ADRESSE_2",
    "ADRESSE_3",
    "CODE_POSTAL",
    "VILLE",
];

/// Who imports: the rules depend on the importer's level-1 service.
#[derive(Debug, Clone)]
pub struct Importer {
    /// The importer's level-1 service.
    pub serv_niv1: String,
}

/// A line's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// Create.
    C,
    /// Modify.
    M,
    /// Delete.
    S,
}

/// What happens to a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new record.
    Create,
    /// The record with this key is modified.
    Modify(String),
    /// The record with this key is deleted.
    Delete(String),
    /// Rejected.
    Rejected,
    /// Phase one failed: not analysed.
    NotAnalysed,
}

/// One line's result.
#[derive(Debug, Clone, Serialize)]
pub struct LineOutcome {
    /// Line number.
    pub line: u64,
    /// What happens (or would happen, in a preview).
    pub outcome: Outcome,
}

/// Counts of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Lines creating a record.
    pub created: usize,
    /// Lines modifying one.
    pub modified: usize,
    /// Lines deleting one.
    pub deleted: usize,
    /// Lines rejected.
    pub rejected: usize,
}

/// The result of validating a directory file.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryReport {
    /// File name.
    pub file: String,
    /// Phase one passed: phase two ran and its outcomes are real.
    pub phase_one_ok: bool,
    /// Phase-one diagnostics, then (when phase one passed) phase-two ones, in line order.
    pub diagnostics: Vec<Diagnostic>,
    /// Per line: the outcome (when phase one failed, what phase two would give: a preview).
    pub lines: Vec<LineOutcome>,
    /// When phase one failed: what phase two would report for the lines it could analyse.
    pub preview: Vec<Diagnostic>,
    /// Counts of `lines` (a preview when phase one failed).
    pub counts: Counts,
}

impl DirectoryReport {
    /// The directory's "fichier erreur": one message a line, identified by its line number.
    pub fn error_file_text(&self) -> String {
        let mut out = String::new();
        if !self.phase_one_ok {
            out.push_str("Phase 1 en échec : import annulé, aucune ligne n'est intégrée.\r\n");
        }
        for d in &self.diagnostics {
            out.push_str(&format!(
                "Ligne {} : {} : {}\r\n",
                d.line,
                d.severity.label(crate::diagnostic::Lang::Fr),
                d.message(crate::diagnostic::Lang::Fr)
            ));
        }
        out
    }
}

struct Ctx<'a> {
    file: &'a str,
    header: &'a [String],
}

impl Ctx<'_> {
    fn diag(
        &self,
        line: u64,
        column: Option<usize>,
        value: Option<&str>,
        p: Problem,
    ) -> Diagnostic {
        Diagnostic {
            column: column.map(|i| ColumnRef {
                index: i + 1,
                name: self.header.get(i).cloned(),
            }),
            value: value.map(str::to_string),
            blocking: p.blocking(),
            ..Diagnostic::new(self.file, line, p.severity(), p)
        }
    }
}

/// Validates a directory file.
pub fn validate(
    file: &str,
    bytes: &[u8],
    refs: &References,
    importer: &Importer,
) -> DirectoryReport {
    let (text, utf8) = format::decode(bytes);
    let lines = format::split_lines(&text);
    let header: Vec<String> = lines
        .first()
        .map(|h| h.split('\t').map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    let ctx = Ctx {
        file,
        header: &header,
    };
    let mut phase_one = Vec::new();
    if utf8 {
        phase_one.push(ctx.diag(0, None, None, Problem::Utf8Content));
    }

    // Header.
    let mut header_ok = true;
    for (i, expected) in FIRST_COLUMNS.iter().enumerate() {
        let found = header.get(i).cloned().unwrap_or_default();
        if found != *expected {
            header_ok = false;
            phase_one.push(ctx.diag(
                1,
                Some(i),
                Some(&found),
                Problem::HeaderPosition {
                    position: i + 1,
                    expected: Cow::Borrowed(expected),
                    found: found.clone(),
                },
            ));
        }
    }
    for (i, name) in header.iter().enumerate().skip(FIRST_COLUMNS.len()) {
        if !ALLOWED_COLUMNS.contains(&name.as_str()) || FIRST_COLUMNS.contains(&name.as_str()) {
            header_ok = false;
            phase_one.push(ctx.diag(
                1,
                Some(i),
                Some(name),
                Problem::HeaderUnknown {
                    position: i + 1,
                    name: name.clone(),
                },
            ));
        }
    }
    for required in REQUIRED_COLUMNS {
        if !header.iter().any(|h| h == required) {
            header_ok = false;
            phase_one.push(ctx.diag(
                1,
                None,
                None,
                Problem::HeaderMissing(Cow::Borrowed(required)),
            ));
        }
    }
    if !header_ok {
        // « Si l'une des colonnes possède un mauvais intitulé, l'import est annulé »: nothing else is read.
        return DirectoryReport {
            file: file.into(),
            phase_one_ok: false,
            diagnostics: phase_one,
            lines: Vec::new(),
            preview: Vec::new(),
            counts: Counts::default(),
        };
    }

    let col = |name: &str| header.iter().position(|h| h == name);
    let rows: Vec<(u64, Vec<&str>)> = lines
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, l)| ((i + 1) as u64, l.split('\t').collect()))
        .collect();

    // Phase one, line by line. Lines that cannot be previewed (shifted columns, bad references)
    // are remembered.
    let mut not_previewable = Vec::new();
    for (line, cells) in &rows {
        if cells.len() != header.len() {
            phase_one.push(ctx.diag(
                *line,
                None,
                None,
                Problem::ColumnCount {
                    found: cells.len(),
                    expected: header.len(),
                },
            ));
            not_previewable.push(*line);
            continue;
        }
        let get = |name: &str| {
            col(name)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let mode = get("MODE");
        match mode {
            "C" | "M" | "S" => {}
            "" => phase_one.push(ctx.diag(*line, col("MODE"), Some(mode), Problem::ModeEmpty)),
            other => phase_one.push(ctx.diag(
                *line,
                col("MODE"),
                Some(other),
                Problem::ModeUnknown(other.to_string()),
            )),
        }
        let mut bad_reference = false;
        let profil = get("PROFIL");
        if !profil.is_empty() && !refs.profils.iter().any(|p| p == profil) {
            bad_reference = true;
            phase_one.push(ctx.diag(
                *line,
                col("PROFIL"),
                Some(profil),
                Problem::UnknownProfil(profil.into()),
            ));
        }
        let priv_ = get("PRIV");
        if !priv_.is_empty() && !refs.privileges.iter().any(|p| p == priv_) {
            bad_reference = true;
            phase_one.push(ctx.diag(
                *line,
                col("PRIV"),
                Some(priv_),
                Problem::UnknownPriv(priv_.into()),
            ));
        }
        let (n1, n2, n3) = (get("SERV_NIV1"), get("SERV_NIV2"), get("SERV_NIV3"));
        let service_problem = if !n1.is_empty() && !refs.service_exists(n1, "", "") {
            Some(("SERV_NIV1", n1))
        } else if !n2.is_empty() && !refs.service_exists(n1, n2, "") {
            Some(("SERV_NIV2", n2))
        } else if !n3.is_empty() && !refs.service_exists(n1, n2, n3) {
            Some(("SERV_NIV3", n3))
        } else {
            None
        };
        if let Some((column, value)) = service_problem {
            bad_reference = true;
            phase_one.push(ctx.diag(
                *line,
                col(column),
                Some(value),
                Problem::UnknownService {
                    column: Cow::Borrowed(column),
                    value: value.into(),
                },
            ));
        }
        if bad_reference {
            not_previewable.push(*line);
        }
    }
    let phase_one_ok = !phase_one.iter().any(|d| d.blocking);

    // Phase two (or its preview).
    let mut phase_two = Vec::new();
    let mut outcomes = Vec::new();
    for (line, cells) in &rows {
        if not_previewable.contains(line) {
            outcomes.push(LineOutcome {
                line: *line,
                outcome: Outcome::NotAnalysed,
            });
            continue;
        }
        let row = Row {
            header: &header,
            cells,
        };
        let (outcome, diags) = check_line(&ctx, *line, &row, refs, importer);
        phase_two.extend(diags);
        outcomes.push(LineOutcome {
            line: *line,
            outcome,
        });
    }
    let mut counts = Counts::default();
    for o in &outcomes {
        match o.outcome {
            Outcome::Create => counts.created += 1,
            Outcome::Modify(_) => counts.modified += 1,
            Outcome::Delete(_) => counts.deleted += 1,
            Outcome::Rejected => counts.rejected += 1,
            Outcome::NotAnalysed => {}
        }
    }
    let (mut diagnostics, preview) = if phase_one_ok {
        let mut all = phase_one;
        all.extend(phase_two);
        (all, Vec::new())
    } else {
        (phase_one, phase_two)
    };
    crate::sort::sort_by_key(&mut diagnostics, |d| d.line);
    DirectoryReport {
        file: file.into(),
        phase_one_ok,
        diagnostics,
        lines: outcomes,
        preview,
        counts,
    }
}

/// One data line, read by column name.
struct Row<'a> {
    header: &'a [String],
    cells: &'a [&'a str],
}

impl<'a> Row<'a> {
    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn get(&self, name: &str) -> &'a str {
        self.col(name)
            .and_then(|i| self.cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

fn check_line(
    ctx: &Ctx<'_>,
    line: u64,
    row: &Row<'_>,
    refs: &References,
    importer: &Importer,
) -> (Outcome, Vec<Diagnostic>) {
    let get = |name: &str| row.get(name);
    let col = |name: &str| row.col(name);
    let mut out = Vec::new();
    let mut push = |c: Option<&str>, v: Option<&str>, p: Problem| {
        out.push(ctx.diag(line, c.and_then(col), v, p))
    };
    let mine = |serv: &str| low(serv) == low(&importer.serv_niv1);
    let outcome = match get("MODE") {
        "C" => {
            let mut rejected = false;
            if get("NOM").is_empty() {
                push(Some("NOM"), None, Problem::NomEmpty);
                rejected = true;
            }
            if get("PRENOM").is_empty() {
                push(Some("PRENOM"), None, Problem::PrenomEmpty);
                rejected = true;
            }
            if !rejected && !get("SERV_NIV1").is_empty() && !mine(get("SERV_NIV1")) {
                push(
                    Some("SERV_NIV1"),
                    Some(get("SERV_NIV1")),
                    Problem::OutOfHierarchy(get("SERV_NIV1").into()),
                );
                rejected = true;
            }
            if rejected {
                Outcome::Rejected
            } else {
                if get("PROFIL").is_empty() {
                    push(Some("PROFIL"), None, Problem::ProfilDefault);
                }
                if get("PRIV").is_empty() {
                    push(Some("PRIV"), None, Problem::PrivDefault);
                }
                let login = get("LOGIN");
                if let Some(p) = refs
                    .people
                    .iter()
                    .find(|p| !login.is_empty() && low(&p.login) == low(login))
                {
                    push(
                        Some("LOGIN"),
                        Some(login),
                        Problem::LoginExists {
                            login: login.into(),
                            cle: p.cle.clone(),
                        },
                    );
                }
                Outcome::Create
            }
        }
        "M" => {
            let (cle, login) = (get("CLE"), get("LOGIN"));
            let (nom, prenom, serv) = (get("NOM"), get("PRENOM"), get("SERV_NIV1"));
            let found: Result<&Person, Problem> = if !cle.is_empty() && !login.is_empty() {
                match refs.people.iter().find(|p| p.cle == cle) {
                    Some(p) if low(&p.login) == low(login) => Ok(p),
                    Some(p) => Err(Problem::KeyLoginMismatch {
                        cle: cle.into(),
                        cle_login: p.login.clone(),
                        login: login.into(),
                    }),
                    None => Err(Problem::NotFoundByKey {
                        cle: cle.into(),
                        login: login.into(),
                    }),
                }
            } else if !nom.is_empty() && !prenom.is_empty() && !serv.is_empty() {
                let matches: Vec<&Person> = refs
                    .people
                    .iter()
                    .filter(|p| {
                        low(&p.nom) == low(nom)
                            && low(&p.prenom) == low(prenom)
                            && low(&p.serv_niv1) == low(serv)
                    })
                    .collect();
                match matches.as_slice() {
                    [one] => Ok(*one),
                    [] => Err(Problem::NotFoundByName {
                        nom: nom.into(),
                        prenom: prenom.into(),
                        serv: serv.into(),
                    }),
                    many => Err(Problem::Ambiguous {
                        nom: nom.into(),
                        prenom: prenom.into(),
                        serv: serv.into(),
                        count: many.len(),
                        list: many
                            .iter()
                            .map(|p| format!("CLE {} {}", p.cle, p.login))
                            .collect::<Vec<_>>()
                            .join(" et "),
                    }),
                }
            } else {
                Err(Problem::NoIdentification)
            };
            match found {
                Err(p) => {
                    push(Some("CLE"), None, p);
                    Outcome::Rejected
                }
                Ok(p) if !mine(&p.serv_niv1) => {
                    push(
                        Some("SERV_NIV1"),
                        Some(&p.serv_niv1),
                        Problem::OutOfHierarchy(p.serv_niv1.clone()),
                    );
                    Outcome::Rejected
                }
                Ok(p) => {
                    for m in ["MISSION1", "MISSION2", "MISSION3"] {
                        let v = get(m);
                        if !v.is_empty() && !p.missions.iter().any(|x| low(x) == low(v)) {
                            push(Some(m), Some(v), Problem::MissionAdded(v.into()));
                        }
                    }
                    Outcome::Modify(p.cle.clone())
                }
            }
        }
        "S" => {
            let (cle, login) = (get("CLE"), get("LOGIN"));
            if cle.is_empty() {
                push(Some("CLE"), None, Problem::DeleteFieldEmpty("CLE".into()));
                Outcome::Rejected
            } else if login.is_empty() {
                push(
                    Some("LOGIN"),
                    None,
                    Problem::DeleteFieldEmpty("LOGIN".into()),
                );
                Outcome::Rejected
            } else {
                match refs
                    .people
                    .iter()
                    .find(|p| p.cle == cle && low(&p.login) == low(login))
                {
                    None => {
                        push(
                            Some("CLE"),
                            Some(cle),
                            Problem::DeleteNotFound {
                                cle: cle.into(),
                                login: login.into(),
                            },
                        );
                        Outcome::Rejected
                    }
                    Some(p) if !mine(&p.serv_niv1) => {
                        push(
                            Some("SERV_NIV1"),
                            Some(&p.serv_niv1),
                            Problem::OutOfHierarchy(p.serv_niv1.clone()),
                        );
                        Outcome::Rejected
                    }
                    Some(p) => Outcome::Delete(p.cle.clone()),
                }
            }
        }
        _ => {
            push(Some("MODE"), None, Problem::ModeNotDetected);
            Outcome::Rejected
        }
    };
    (outcome, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs() -> References {
        References::from_exports(
            b"PROFIL\tLIBELLE\r\n1\tUtilisateur\r\n2\tCorrespondant\r\n",
            b"PRIV\tLIBELLE\r\n0\tUtilisateur\r\n1\tGestionnaire\r\n",
            b"SERV_NIV1\tSERV_NIV2\tSERV_NIV3\r\nPref\t\t\r\nPref\tSIC\t\r\nAutre\t\t\r\n",
            b"MODE\tCLE\tPROFIL\tNOM\tPRENOM\tLOGIN\tSERV_NIV1\tMISSION1\r\n\t10\t1\tDupont\tJean\tjean.dupont\tPref\tAccueil\r\n\t11\t1\tMartin\tJo\tjo.martin\tAutre\t\r\n",
        )
        .unwrap()
    }

    const HEADER: &str =
        "MODE\tCLE\tPROFIL\tPRIV\tNOM\tPRENOM\tLOGIN\tSERV_NIV1\tSERV_NIV2\tMISSION1\r\n";

    fn run(lines: &str) -> DirectoryReport {
        validate(
            "t.tsv",
            format!("{HEADER}{lines}").as_bytes(),
            &refs(),
            &Importer {
                serv_niv1: "Pref".into(),
            },
        )
    }

    fn codes(r: &DirectoryReport) -> Vec<(u64, &str)> {
        r.diagnostics.iter().map(|d| (d.line, d.code())).collect()
    }

    #[test]
    fn create_defaults_and_rejections() {
        let r = run("C\t\t\t\tNew\tAnn\tann\tPref\t\t\r\nC\t\t1\t0\t\tBob\t\tPref\t\t\r\nC\t\t1\t0\tX\tY\tjean.dupont\tPref\tSIC\t\r\n");
        assert!(r.phase_one_ok);
        assert_eq!(
            codes(&r),
            vec![
                (2, "directory.create.profil_default"),
                (2, "directory.create.priv_default"),
                (3, "directory.create.nom_empty"),
                (4, "directory.create.login_exists")
            ]
        );
        assert_eq!(
            r.counts,
            Counts {
                created: 2,
                modified: 0,
                deleted: 0,
                rejected: 1
            }
        );
    }

    #[test]
    fn modify_and_delete_are_case_insensitive_and_respect_the_hierarchy() {
        let r = run("M\t10\t\t\t\t\tJEAN.DUPONT\t\t\tNouveau\r\nM\t\t\t\tdupont\tjean\t\tpref\t\t\r\nS\t11\t\t\t\t\tjo.martin\t\t\t\r\nS\t10\t\t\t\t\tnobody\t\t\t\r\n");
        assert_eq!(r.lines[0].outcome, Outcome::Modify("10".into()));
        assert_eq!(r.lines[1].outcome, Outcome::Modify("10".into()));
        assert_eq!(r.lines[2].outcome, Outcome::Rejected);
        assert_eq!(
            codes(&r),
            vec![
                (2, "directory.modify.mission_added"),
                (4, "directory.hierarchy"),
                (5, "directory.delete.not_found")
            ]
        );
    }

    #[test]
    fn phase_one_blocks_and_previews() {
        let r = run("X\t\t1\t0\tA\tB\t\tPref\t\t\r\nC\t\t9\t0\tA\tB\t\tPref\t\t\r\nC\t\t1\t0\tA\tB\r\nC\t\t1\t0\t\tB\t\tPref\t\t\r\n");
        assert!(!r.phase_one_ok);
        assert_eq!(
            codes(&r),
            vec![
                (2, "directory.mode.unknown"),
                (3, "directory.reference.profil"),
                (4, "directory.column_count")
            ]
        );
        let preview: Vec<(u64, &str)> = r.preview.iter().map(|d| (d.line, d.code())).collect();
        assert_eq!(
            preview,
            vec![
                (2, "directory.mode.not_detected"),
                (5, "directory.create.nom_empty")
            ]
        );
        assert!(r.error_file_text().starts_with("Phase 1 en échec"));
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed = 1u64;
        for len in [0usize, 1, 5, 50, 500] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    b"\t\r\nCMS\xe9\xc3a"[(seed >> 33) as usize % 9]
                })
                .collect();
            let _ = validate(
                "g.tsv",
                &bytes,
                &refs(),
                &Importer {
                    serv_niv1: "Pref".into(),
                },
            );
        }
    }
}
