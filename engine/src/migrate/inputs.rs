//! From file bytes to what the plan needs: tables with their mappings and the check's
//! diagnostics, and the companion files recognised by their header.

use std::collections::BTreeMap;

use super::companion::{detect_companion, CompanionFile, CompanionKind};
use super::plan::{Draft, SourceFile};
use crate::detect::{detect, ItemType};
use crate::diagnostic::Diagnostic;
use crate::map::{auto_map, Mapping};
use crate::read::{read_bytes, ReadOptions, Table};
use crate::validate::{validate_files, FileInput};

/// Files read and checked, ready for a plan.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Export files with their mapping.
    pub sources: Vec<(Table, Mapping)>,
    /// Companion files.
    pub companions: Vec<(Table, CompanionKind)>,
    /// Every diagnostic (unreadable files, unknown types, validation).
    pub diagnostics: Vec<Diagnostic>,
}

impl Prepared {
    /// Reads and checks files. `mappings` replaces the automatic mapping of a file by name.
    pub fn from_files(
        inputs: &[(String, Vec<u8>)],
        read: &ReadOptions,
        mappings: &BTreeMap<String, Mapping>,
    ) -> Prepared {
        let mut p = Prepared::default();
        for (name, bytes) in inputs {
            let table = match read_bytes(name, bytes, read) {
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
            let mapping = match mappings.get(name) {
                Some(m) => m.clone(),
                None => match detect(name, &table.headers).item_type {
                    Some(t) if !matches!(t, ItemType::Directory | ItemType::Ticket) => {
                        auto_map(t, &table.headers)
                    }
                    _ => {
                        p.diagnostics.push(Diagnostic {
                            file: name.clone(),
                            line: 1,
                            column: None,
                            value: None,
                            code: "migrate.unsupported_file".into(),
                            severity: crate::diagnostic::Severity::Error,
                            blocking: true,
                            message_fr: "type de fichier non pris en charge par la migration (ni export GLPI d'inventaire, d'utilisateurs, de groupes ou de lieux, ni fichier compagnon)".into(),
                            message_en: "file type not supported by the migration (neither a GLPI asset, user, group or location export, nor a companion file)".into(),
                        });
                        continue;
                    }
                },
            };
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
        Draft::build(&sources, &companions)
    }
}
