//! The whole offline check of a set of files: read, recognise, map, validate. What the page,
//! the `passerelle check` command and the benchmarks call.

use serde::Serialize;

use crate::detect::{detect, ItemType};
use crate::diagnostic::{Diagnostic, Severity};
use crate::directory::{self, Importer, References};
use crate::map::{auto_map, Mapping, MappingTemplate};
use crate::read::{read_bytes, ReadOptions, Table};
use crate::validate::{summarize, validate_files, FileInput, FileSummary};

/// Choices the user made for the whole check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Reading options applied to every file (encoding override…).
    pub read: ReadOptions,
    /// Item type forced for every file.
    pub item_type: Option<ItemType>,
    /// Saved mapping templates, reused when a file's header matches one.
    pub templates: Vec<MappingTemplate>,
    /// Reference exports and importer for HR directory files (seed 004).
    pub directory: Option<DirectoryContext>,
}

/// What the HR directory rules need besides the file.
#[derive(Debug, Clone)]
pub struct DirectoryContext {
    /// Profiles, privileges, services and the existing directory.
    pub references: References,
    /// Who imports.
    pub importer: Importer,
}

/// What was learnt about one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// Counts.
    pub summary: FileSummary,
    /// Encoding used, when the file could be read.
    pub encoding: Option<String>,
    /// Delimiter used.
    pub delimiter: Option<char>,
    /// Detection confidence (1.0 when forced).
    pub confidence: f32,
    /// The mapping used, when the type is known.
    pub mapping: Option<Mapping>,
}

/// The result of a check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// One entry per file, in the order given.
    pub files: Vec<FileReport>,
    /// Every diagnostic, file by file, in line order.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckReport {
    /// True when any error was found.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Reads, recognises, maps and validates `inputs` (file name, bytes) together.
pub fn check_files(inputs: &[(String, Vec<u8>)], options: &CheckOptions) -> CheckReport {
    struct Loaded {
        table: Table,
        mapping: Option<Mapping>,
        confidence: f32,
    }
    let mut loaded: Vec<Result<Loaded, (String, Diagnostic)>> = Vec::new();
    for (name, bytes) in inputs {
        match read_bytes(name, bytes, &options.read) {
            Err(e) => loaded.push(Err((name.clone(), e.to_diagnostic(name)))),
            Ok(table) => {
                let (item_type, confidence) = match options.item_type {
                    Some(t) => (Some(t), 1.0),
                    None => {
                        let d = detect(name, &table.headers);
                        (d.item_type, d.confidence)
                    }
                };
                let mapping = item_type.map(|t| {
                    MappingTemplate::find(&options.templates, &table.headers)
                        .filter(|s| s.mapping.item_type == t)
                        .map(|s| s.mapping.clone())
                        .unwrap_or_else(|| auto_map(t, &table.headers))
                });
                loaded.push(Ok(Loaded {
                    table,
                    mapping,
                    confidence,
                }));
            }
        }
    }

    let inputs_ok: Vec<FileInput<'_>> = loaded
        .iter()
        .filter_map(|l| l.as_ref().ok())
        .filter_map(|l| {
            l.mapping.as_ref().map(|m| FileInput {
                table: &l.table,
                mapping: m,
            })
        })
        .filter(|i| i.mapping.item_type != ItemType::Directory)
        .collect();
    let (summaries, diags) = validate_files(&inputs_ok);

    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for l in &loaded {
        match l {
            Err((name, d)) => {
                files.push(FileReport {
                    summary: FileSummary {
                        file: name.clone(),
                        item_type: None,
                        rows: 0,
                        valid: 0,
                        warnings: 0,
                        errors: 1,
                    },
                    encoding: None,
                    delimiter: None,
                    confidence: 0.0,
                    mapping: None,
                });
                diagnostics.push(d.clone());
            }
            Ok(l)
                if l.mapping
                    .as_ref()
                    .is_some_and(|m| m.item_type == ItemType::Directory) =>
            {
                let bytes = inputs
                    .iter()
                    .find(|(n, _)| *n == l.table.file)
                    .map(|(_, b)| b.as_slice())
                    .unwrap_or(&[]);
                let (summary, mut file_diags) =
                    check_directory(&l.table.file, bytes, l.table.records.len(), options);
                diagnostics.append(&mut file_diags);
                files.push(FileReport {
                    summary,
                    encoding: Some(l.table.encoding.clone()),
                    delimiter: Some(l.table.delimiter),
                    confidence: l.confidence,
                    mapping: None,
                });
            }
            Ok(l) => {
                let file = &l.table.file;
                let (summary, mut file_diags) = match summaries.iter().find(|s| &s.file == file) {
                    Some(s) => (
                        s.clone(),
                        diags.iter().filter(|d| &d.file == file).cloned().collect(),
                    ),
                    None => {
                        let mut ds = l.table.diagnostics.clone();
                        if l.mapping.is_none() {
                            ds.push(unknown_type(file));
                        }
                        let s = summarize(&l.table, l.mapping.as_ref().map(|m| m.item_type), &ds);
                        (s, ds)
                    }
                };
                diagnostics.append(&mut file_diags);
                files.push(FileReport {
                    summary,
                    encoding: Some(l.table.encoding.clone()),
                    delimiter: Some(l.table.delimiter),
                    confidence: l.confidence,
                    mapping: l.mapping.clone(),
                });
            }
        }
    }
    CheckReport { files, diagnostics }
}

/// The HR directory rules on one file; without the reference exports, one blocking message.
fn check_directory(
    file: &str,
    bytes: &[u8],
    rows: usize,
    options: &CheckOptions,
) -> (FileSummary, Vec<Diagnostic>) {
    let Some(ctx) = &options.directory else {
        let d = Diagnostic {
            file: file.to_string(),
            line: 0,
            column: None,
            value: None,
            code: "directory.references_missing".into(),
            severity: Severity::Error,
            blocking: true,
            message_fr: "fichier d'annuaire : fournissez les exports de référence (profils, privilèges, services, annuaire) et le service de niveau 1 de l'importateur pour le vérifier".into(),
            message_en: "directory file: give the reference exports (profiles, privileges, services, directory) and the importer's level-1 service to check it".into(),
        };
        let summary = FileSummary {
            file: file.into(),
            item_type: Some(ItemType::Directory),
            rows,
            valid: 0,
            warnings: 0,
            errors: 1,
        };
        return (summary, vec![d]);
    };
    let report = directory::validate(file, bytes, &ctx.references, &ctx.importer);
    let c = &report.counts;
    let summary = FileSummary {
        file: file.into(),
        item_type: Some(ItemType::Directory),
        rows: report.lines.len(),
        valid: if report.phase_one_ok {
            c.created + c.modified + c.deleted
        } else {
            0
        },
        warnings: report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
        errors: report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
    };
    (summary, report.diagnostics)
}

fn unknown_type(file: &str) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: 1,
        column: None,
        value: None,
        code: "detect.unknown_type".into(),
        severity: Severity::Error,
        blocking: true,
        message_fr: "type d'objet non reconnu d'après l'en-tête : choisissez-le (ordinateurs, utilisateurs, tickets…)".into(),
        message_en: "item type not recognised from the header: choose it (computers, users, tickets…)".into(),
    }
}
