//! From file bytes to what the plan needs: tables with their mappings and the check's
//! diagnostics, and the companion files recognised by their header. The user's choices in the
//! check (forced encoding or type, edited mapping, corrected cells, saved templates) carry over,
//! so what is migrated is what was checked.

use super::companion::{detect_companion, CompanionFile, CompanionKind};
use super::plan::{Draft, SourceFile};
use crate::check::{read_input, CheckInput, Checked, FileOverrides, FileReport};
use crate::detect::{detect, ItemType};
use crate::diagnostic::{Diagnostic, DiagnosticKind, FileProblem, Severity};
use crate::map::{auto_map, Mapping, MappingTemplate};
use crate::read::{ReadError, ReadOptions, Table};
use crate::validate::{validate_files, FileInput};

/// Files read and checked, ready for a plan.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Export files with their mapping.
    pub sources: Vec<(Table, Mapping)>,
    /// Companion files.
    pub companions: Vec<(Table, CompanionKind)>,
    /// Documents read from a local GLPI, with their files and links (files give none).
    pub documents: Vec<crate::migrate::source::documents::SourceDocument>,
    /// Every diagnostic (unreadable files, unknown types, validation).
    pub diagnostics: Vec<Diagnostic>,
}

fn unsupported(name: &str) -> Diagnostic {
    Diagnostic::new(name, 1, Severity::Error, FileProblem::UnsupportedFile).blocking()
}

/// Whether the migration takes a checked file: read, and an export of a known item type other
/// than the HR directory (imported on its own), or a companion file. The page's check hands the
/// migration only these files (the others are skipped with a note), and [`Prepared::from_checked`]
/// refuses the others: one rule for both.
pub fn migration_takes(file: &FileReport) -> bool {
    file.summary.companion.is_some()
        || file
            .mapping
            .as_ref()
            .is_some_and(|m| m.item_type != ItemType::Directory)
}

/// The files' names, made unique by position: two files dropped with one name (two folders'
/// `Computer.csv`) become `Computer.csv` and `Computer.csv (2)`, so that their lines, diagnostics
/// and rejections never mix. The page's worker names files the same way before checking them.
pub fn unique_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    names
        .map(|name| {
            let n = seen.entry(name).or_default();
            *n += 1;
            if *n == 1 {
                name.to_string()
            } else {
                format!("{name} ({n})")
            }
        })
        .collect()
}

impl Prepared {
    /// Reads and checks files as dropped, with automatic recognition and mapping.
    pub fn from_files(inputs: &[(String, Vec<u8>)], read: &ReadOptions) -> Prepared {
        let none = FileOverrides::default();
        Prepared::from_inputs(&CheckInput::plain(inputs, &none), read, &[])
    }

    /// Reads and checks files with what the user set in the check: encoding, item type, edited
    /// mapping, corrected cells; a saved template applies when the header matches.
    pub fn from_inputs(
        inputs: &[CheckInput<'_>],
        read: &ReadOptions,
        templates: &[MappingTemplate],
    ) -> Prepared {
        let mut p = Prepared::default();
        let names = unique_names(inputs.iter().map(|i| i.name));
        for (input, name) in inputs.iter().zip(&names) {
            let input = &CheckInput { name, ..*input };
            let name = input.name;
            let table = match read_input(input, read, &mut |_, _| {}) {
                Ok(t) => t,
                Err(e) => {
                    p.diagnostics.push(e.to_diagnostic(name));
                    continue;
                }
            };
            if let Some(kind) = detect_companion(&table.headers) {
                p.diagnostics.extend(table.diagnostics.iter().cloned());
                p.companions.push((table, kind));
                continue;
            }
            let item_type = input
                .overrides
                .item_type
                .or_else(|| crate::check::saved_type(templates, &table.headers))
                .or_else(|| detect(name, &table.headers).item_type);
            let Some(item_type) = item_type.filter(|t| !matches!(t, ItemType::Directory)) else {
                p.diagnostics.push(unsupported(name));
                continue;
            };
            let mapping = input
                .overrides
                .mapping
                .clone()
                .filter(|m| m.item_type == item_type)
                .or_else(|| {
                    MappingTemplate::find(templates, &table.headers)
                        .filter(|t| t.mapping.item_type == item_type)
                        .map(|t| t.mapping.clone())
                })
                .unwrap_or_else(|| auto_map(item_type, &table.headers));
            p.sources.push((table, mapping));
        }
        let inputs: Vec<FileInput<'_>> = p
            .sources
            .iter()
            .map(|(table, mapping)| FileInput { table, mapping })
            .collect();
        let (_, diags) = validate_files(&inputs);
        p.diagnostics.extend(diags);
        p
    }

    /// What a check read and found, as it is: the tables with the mapping the check used (the
    /// user's edits and templates included) and the check's diagnostics. Nothing is read,
    /// recognised, mapped or validated again; companion files are told by their header. The
    /// files keep the names they were checked with (make them unique first: [`unique_names`]).
    pub fn from_checked(checked: Checked) -> Prepared {
        let Checked { report, tables } = checked;
        let mut p = Prepared {
            diagnostics: report.diagnostics,
            ..Prepared::default()
        };
        for (file, table) in report.files.into_iter().zip(tables) {
            // Unreadable: the check's diagnostic says why.
            let Some(table) = table else { continue };
            if !migration_takes(&file) {
                p.diagnostics.push(unsupported(&table.file));
                continue;
            }
            if let Some(kind) = detect_companion(&table.headers) {
                p.companions.push((table, kind));
                continue;
            }
            match file.mapping {
                Some(mapping) => p.sources.push((table, mapping)),
                None => p.diagnostics.push(unsupported(&table.file)),
            }
        }
        p
    }

    /// Problems that stop the migration before anything is planned or sent: a file that cannot
    /// be read or is not a migratable export. Migrating the rest would silently lose its rows.
    pub fn stopping_problems(&self) -> Vec<&Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| {
                matches!(
                    d.kind,
                    DiagnosticKind::Read(
                        ReadError::Empty
                            | ReadError::Binary { .. }
                            | ReadError::UnknownEncoding(_)
                            | ReadError::UnsupportedEncoding(_)
                            | ReadError::NoLines
                    ) | DiagnosticKind::File(FileProblem::UnsupportedFile)
                )
            })
            .collect()
    }

    /// The draft plan of these files.
    pub fn draft(&self) -> Draft {
        let sources: Vec<SourceFile<'_>> = self
            .sources
            .iter()
            .map(|(table, mapping)| SourceFile {
                table,
                mapping,
                diagnostics: &self.diagnostics,
            })
            .collect();
        let companions: Vec<CompanionFile<'_>> = self
            .companions
            .iter()
            .map(|(table, kind)| CompanionFile { table, kind: *kind })
            .collect();
        let mut draft = Draft::build(&sources, &companions);
        draft.add_documents(&self.documents);
        draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Correction;
    use crate::migrate::model::{Decision, DecisionKind, FieldValue};
    use crate::migrate::plan::{PlanOptions, TargetData};

    const CSV: &str = "\u{feff}\"Nom\";\"Numéro de série\";\"Usager\"\n\"pc-1\";\"SN1\";\"GUYANE\nnoel\"\n\"pc-2\";\"SN2\";\"\"\n";

    #[test]
    fn unreadable_or_unsupported_files_stop_the_migration_with_their_name() {
        let files = vec![
            ("Computer.csv".to_string(), CSV.as_bytes().to_vec()),
            (
                "photo.csv".to_string(),
                vec![0u8, 159, 146, 150, 0, 0, 1, 2, 3],
            ),
            ("notes.csv".to_string(), b"a;b\n1;2\n".to_vec()),
        ];
        let p = Prepared::from_files(&files, &ReadOptions::default());
        let stops: Vec<(&str, &str)> = p
            .stopping_problems()
            .iter()
            .map(|d| (d.file.as_str(), d.code()))
            .collect();
        assert_eq!(
            stops,
            vec![
                ("photo.csv", "read.binary"),
                ("notes.csv", "migrate.unsupported_file")
            ]
        );
        let clean = Prepared::from_files(&files[..1], &ReadOptions::default());
        assert!(clean.stopping_problems().is_empty());
    }

    /// The plan of the sample file as the check's overrides leave it, against an empty target.
    fn plan_of(overrides: &FileOverrides) -> crate::migrate::plan::Plan {
        let input = CheckInput {
            name: "Computer.csv",
            bytes: CSV.as_bytes(),
            overrides,
        };
        Prepared::from_inputs(&[input], &ReadOptions::default(), &[])
            .draft()
            .plan(&TargetData::default(), &PlanOptions::default())
    }

    #[test]
    fn two_files_with_one_name_never_mix_their_lines() {
        let bad = "Nom;Numéro de série;Date de création\nPC-1;SN1;2024-01-01 10:00\nPC-2;SN2;pas une date\n";
        let good = "Nom;Numéro de série;Date de création\nPC-3;SN3;2024-01-01 10:00\nPC-4;SN4;2024-01-01 10:00\n";
        let none = FileOverrides::default();
        let inputs = [
            CheckInput {
                name: "Computer.csv",
                bytes: bad.as_bytes(),
                overrides: &none,
            },
            CheckInput {
                name: "Computer.csv",
                bytes: good.as_bytes(),
                overrides: &none,
            },
        ];
        let plan = Prepared::from_inputs(&inputs, &ReadOptions::default(), &[])
            .draft()
            .plan(&TargetData::default(), &PlanOptions::default());
        let decision = |key: &str| {
            plan.objects
                .iter()
                .find(|o| o.key.key == key)
                .map(|o| o.decision.kind())
        };
        // Line 3 of the first file is wrong; line 3 of the second is not.
        assert_eq!(decision("Computer.csv:3"), Some(DecisionKind::Rejected));
        assert_eq!(decision("serial:SN4"), Some(DecisionKind::Create));
        assert_eq!(decision("serial:SN1"), Some(DecisionKind::Create));
        let sources: Vec<&str> = plan
            .objects
            .iter()
            .find(|o| o.key.key == "serial:SN4")
            .map(|o| o.sources.iter().map(|s| s.file.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(sources, vec!["Computer.csv (2)"]);
    }

    #[test]
    fn the_check_s_tables_give_the_same_plan_as_reading_again_and_the_draft_travels_as_json() {
        use crate::check::{check_owned_inputs_keeping_tables, CheckOptions, OwnedCheckInput};
        let bad = "Nom;Numéro de série;Date de création\nPC-1;SN1;2024-01-01 10:00\nPC-2;SN2;pas une date\n";
        let companion = "ordinateur;type;element\nSN1;Moniteur;M-1\n";
        let files = [
            ("Computer.csv", CSV),
            ("Computer.csv", bad),
            ("liaisons.csv", companion),
            ("notes.csv", "a;b\n1;2\n"),
        ];
        let mut corrections = FileOverrides::default();
        corrections.corrections.push(Correction {
            line: 2,
            column: 2,
            value: "GUYANE-noel".into(),
        });
        let overrides = [
            corrections,
            FileOverrides::default(),
            FileOverrides::default(),
            FileOverrides::default(),
        ];
        let inputs: Vec<CheckInput<'_>> = files
            .iter()
            .zip(&overrides)
            .map(|((name, text), overrides)| CheckInput {
                name,
                bytes: text.as_bytes(),
                overrides,
            })
            .collect();
        let before = crate::check::bytes_read();
        let read_again = Prepared::from_inputs(&inputs, &ReadOptions::default(), &[]);
        // Reading again is counted (the page shows this count for its main thread).
        let total: usize = files.iter().map(|f| f.1.len()).sum();
        assert_eq!(crate::check::bytes_read() - before, total as u64);

        let names = unique_names(files.iter().map(|f| f.0));
        assert_eq!(names[1], "Computer.csv (2)");
        let owned = files
            .iter()
            .zip(&overrides)
            .zip(names)
            .map(|(((_, text), overrides), name)| OwnedCheckInput {
                name,
                bytes: text.as_bytes().to_vec(),
                overrides: overrides.clone(),
            })
            .collect();
        let checked =
            check_owned_inputs_keeping_tables(owned, &CheckOptions::default(), &mut |_| {});
        let before = crate::check::bytes_read();
        let from_check = Prepared::from_checked(checked);
        assert_eq!(crate::check::bytes_read(), before, "nothing read again");
        let stops = |p: &Prepared| -> Vec<(String, String)> {
            p.stopping_problems()
                .iter()
                .map(|d| (d.file.clone(), d.code().to_string()))
                .collect()
        };
        assert_eq!(stops(&from_check), stops(&read_again));
        assert_eq!(stops(&from_check).len(), 1, "{:?}", stops(&from_check));
        assert_eq!(
            (from_check.sources.len(), from_check.companions.len()),
            (2, 1)
        );

        let target = TargetData::default();
        let options = PlanOptions::default();
        let expected = read_again.draft().plan(&target, &options);
        let draft = from_check.draft();
        assert_eq!(draft.plan(&target, &options), expected);
        // The worker sends the draft to the page as JSON: the same plan comes out.
        let json = serde_json::to_string(&draft).unwrap();
        let back: Draft = serde_json::from_str(&json).unwrap();
        assert_eq!(back.plan(&target, &options), expected);
        assert!(expected
            .objects
            .iter()
            .any(|o| o.fields.get("contact") == Some(&FieldValue::Text("GUYANE-noel".into()))));
    }

    #[test]
    fn corrections_and_edited_mappings_from_the_check_are_what_is_planned() {
        let mut overrides = FileOverrides::default();
        overrides.corrections.push(Correction {
            line: 2,
            column: 2,
            value: "GUYANE-noel".into(),
        });
        let plan = plan_of(&overrides);
        let pc1 = plan
            .objects
            .iter()
            .find(|o| o.key.key == "serial:SN1")
            .unwrap();
        assert_eq!(
            pc1.fields.get("contact"),
            Some(&FieldValue::Text("GUYANE-noel".into()))
        );
        assert_eq!(pc1.decision, Decision::Create);

        // The user ignores the "Usager" column: it is not sent.
        let mut mapping = auto_map(
            ItemType::Computer,
            &["Nom".into(), "Numéro de série".into(), "Usager".into()],
        );
        mapping.set(2, None).unwrap();
        let overrides = FileOverrides {
            mapping: Some(mapping),
            ..FileOverrides::default()
        };
        let plan = plan_of(&overrides);
        assert!(plan
            .objects
            .iter()
            .all(|o| !o.fields.contains_key("contact")));
    }
}
