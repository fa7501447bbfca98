//! The whole offline check of a set of files: read, recognise, map, validate. What the page,
//! the `passerelle check` command and the benchmarks call.

use serde::{Deserialize, Serialize};

use crate::detect::{detect, ItemType};
use crate::diagnostic::{Diagnostic, Severity};
use crate::directory::{self, Importer, References};
use crate::map::{auto_map, Mapping, MappingTemplate};
use crate::read::{read_bytes_with_progress, ReadError, ReadOptions, Table};
use crate::validate::{summarize, validate_files_with_progress, FileInput, FileSummary};

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

/// What the user changed for one file in the page: every field empty means "as detected".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileOverrides {
    /// WHATWG encoding label forced for this file (over [`CheckOptions::read`]).
    pub encoding: Option<String>,
    /// Item type forced for this file (over [`CheckOptions::item_type`]).
    pub item_type: Option<ItemType>,
    /// Mapping edited by the user; used when its item type is the file's.
    pub mapping: Option<Mapping>,
    /// Cells corrected in place, applied after reading, in order.
    pub corrections: Vec<Correction>,
}

/// One cell corrected by the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// Physical line where the record starts (as in diagnostics).
    pub line: u64,
    /// 0-based column index.
    pub column: usize,
    /// The new value.
    pub value: String,
}

/// One file to check.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    /// File name.
    pub name: &'a str,
    /// Its bytes, as dropped.
    pub bytes: &'a [u8],
    /// What the user changed for it.
    pub overrides: &'a FileOverrides,
}

impl<'a> CheckInput<'a> {
    /// Files as dropped, without any change of the user's.
    pub fn plain(inputs: &'a [(String, Vec<u8>)], none: &'a FileOverrides) -> Vec<CheckInput<'a>> {
        inputs
            .iter()
            .map(|(name, bytes)| CheckInput {
                name,
                bytes,
                overrides: none,
            })
            .collect()
    }
}

/// Which part of the check is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Decoding and splitting files into rows (measured in bytes).
    Reading,
    /// Validating rows (measured in rows).
    Checking,
}

/// How far a check has gone, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The stage.
    pub stage: Stage,
    /// Units done.
    pub done: u64,
    /// Units in all (never 0).
    pub total: u64,
}

/// Reads one file as the check does: encoding override, then the user's cell corrections.
/// Corrections pointing outside the table are ignored (the file may have changed since).
pub fn read_input(
    input: &CheckInput<'_>,
    read: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Table, ReadError> {
    let mut options = read.clone();
    if input.overrides.encoding.is_some() {
        options.encoding = input.overrides.encoding.clone();
    }
    let mut table = read_bytes_with_progress(input.name, input.bytes, &options, progress)?;
    for c in &input.overrides.corrections {
        table.correct(c.line, c.column, &c.value);
    }
    Ok(table)
}

/// What was learnt about one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Name of the saved template the mapping came from, if one matched the header.
    #[serde(default)]
    pub template: Option<String>,
}

/// The result of a check.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    let none = FileOverrides::default();
    check_inputs(&CheckInput::plain(inputs, &none), options, &mut |_| {})
}

/// [`check_files`] with per-file overrides, reporting its [`Progress`] as it goes.
pub fn check_inputs(
    inputs: &[CheckInput<'_>],
    options: &CheckOptions,
    progress: &mut dyn FnMut(Progress),
) -> CheckReport {
    struct Loaded {
        table: Table,
        mapping: Option<Mapping>,
        template: Option<String>,
        confidence: f32,
    }
    let total_bytes = inputs
        .iter()
        .map(|i| i.bytes.len() as u64)
        .sum::<u64>()
        .max(1);
    let mut bytes_before = 0u64;
    let mut loaded: Vec<Result<Loaded, (String, Diagnostic)>> = Vec::new();
    for input in inputs {
        let name = input.name;
        let len = input.bytes.len() as u64;
        let read = read_input(input, &options.read, &mut |done, total| {
            // Decoded text and bytes differ in length: scale to the file's share of the bytes.
            let part = (len * done).checked_div(total).unwrap_or(0);
            progress(Progress {
                stage: Stage::Reading,
                done: bytes_before + part,
                total: total_bytes,
            });
        });
        bytes_before += len;
        progress(Progress {
            stage: Stage::Reading,
            done: bytes_before,
            total: total_bytes,
        });
        match read {
            Err(e) => loaded.push(Err((name.to_string(), e.to_diagnostic(name)))),
            Ok(table) => {
                let forced = input.overrides.item_type.or(options.item_type);
                let (item_type, confidence) = match forced {
                    Some(t) => (Some(t), 1.0),
                    None => {
                        let d = detect(name, &table.headers);
                        (d.item_type, d.confidence)
                    }
                };
                let edited = input.overrides.mapping.as_ref().filter(|m| {
                    Some(m.item_type) == item_type && m.columns.len() == table.headers.len()
                });
                let (mapping, template) = match (item_type, edited) {
                    (None, _) => (None, None),
                    (Some(_), Some(m)) => (Some(m.clone()), None),
                    (Some(t), None) => {
                        match MappingTemplate::find(&options.templates, &table.headers)
                            .filter(|s| s.mapping.item_type == t)
                        {
                            Some(s) => (Some(s.mapping.clone()), Some(s.name.clone())),
                            None => (Some(auto_map(t, &table.headers)), None),
                        }
                    }
                };
                loaded.push(Ok(Loaded {
                    table,
                    mapping,
                    template,
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
    let total_rows = inputs_ok
        .iter()
        .map(|i| i.table.records.len() as u64)
        .sum::<u64>()
        .max(1);
    progress(Progress {
        stage: Stage::Checking,
        done: 0,
        total: total_rows,
    });
    let (summaries, diags) = validate_files_with_progress(&inputs_ok, &mut |done| {
        progress(Progress {
            stage: Stage::Checking,
            done,
            total: total_rows,
        })
    });
    progress(Progress {
        stage: Stage::Checking,
        done: total_rows,
        total: total_rows,
    });

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
                    template: None,
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
                    .find(|i| i.name == l.table.file)
                    .map(|i| i.bytes)
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
                    template: None,
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
                    template: l.template.clone(),
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
