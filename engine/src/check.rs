//! The whole offline check of a set of files: read, recognise, map, validate. What the page,
//! the `passerelle check` command and the benchmarks call.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::detect::{detect, ItemType};
use crate::diagnostic::{Diagnostic, FileProblem, Severity};
use crate::directory::{self, Importer, References};
use crate::map::{auto_map, Mapping, MappingTemplate};
use crate::migrate::companion::detect_companion;
use crate::read::{
    read_bytes, read_bytes_with_progress, read_owned_with_progress, ReadError, ReadOptions, Table,
};
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

thread_local! {
    /// Bytes read on this thread through [`read_input`] and the checks.
    static BYTES_READ: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Bytes read so far on this thread by [`read_input`] and the checks. In the browser each wasm
/// instance is one thread: the page shows the main thread's count, so a test can tell that
/// planning did not read a file again there (the worker reads them once).
pub fn bytes_read() -> u64 {
    BYTES_READ.with(std::cell::Cell::get)
}

fn count_read(bytes: usize) {
    BYTES_READ.with(|b| b.set(b.get() + bytes as u64));
}

/// Reads one file as the check does: encoding override, then the user's cell corrections.
/// Corrections pointing outside the table are ignored (the file may have changed since).
pub fn read_input(
    input: &CheckInput<'_>,
    read: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Table, ReadError> {
    count_read(input.bytes.len());
    let options = with_overrides(read, input.overrides);
    let mut table = read_bytes_with_progress(input.name, input.bytes, &options, progress)?;
    apply_corrections(&mut table, input.overrides);
    Ok(table)
}

/// [`read_input`] for a file whose bytes are given: UTF-8 text is read in place, not copied.
fn read_owned_input(
    input: OwnedCheckInput,
    read: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Table, ReadError> {
    count_read(input.bytes.len());
    let options = with_overrides(read, &input.overrides);
    let mut table = read_owned_with_progress(&input.name, input.bytes, &options, progress)?;
    apply_corrections(&mut table, &input.overrides);
    Ok(table)
}

/// The reading options with the file's own encoding, when the user chose one.
fn with_overrides(read: &ReadOptions, overrides: &FileOverrides) -> ReadOptions {
    let mut options = read.clone();
    if overrides.encoding.is_some() {
        options.encoding = overrides.encoding.clone();
    }
    options
}

/// The user's cell corrections; those pointing outside the table are ignored.
fn apply_corrections(table: &mut Table, overrides: &FileOverrides) {
    for c in &overrides.corrections {
        table.correct(c.line, c.column, &c.value);
    }
}

/// One file to check, with its bytes given to the check: a large UTF-8 export is then held once
/// (its text becomes the table's cells) instead of twice.
#[derive(Debug, Clone)]
pub struct OwnedCheckInput {
    /// File name.
    pub name: String,
    /// Its bytes, as dropped.
    pub bytes: Vec<u8>,
    /// What the user changed for it.
    pub overrides: FileOverrides,
}

/// [`check_files`] for files whose bytes are given to the check: what `passerelle check` and the
/// page's worker run (a large UTF-8 export is held once, see [`OwnedCheckInput`]).
pub fn check_owned_files(inputs: Vec<(String, Vec<u8>)>, options: &CheckOptions) -> CheckReport {
    let inputs = inputs
        .into_iter()
        .map(|(name, bytes)| OwnedCheckInput {
            name,
            bytes,
            overrides: FileOverrides::default(),
        })
        .collect();
    check_owned_inputs(inputs, options, &mut |_| {})
}

/// [`check_inputs`] for files whose bytes are given to the check (see [`OwnedCheckInput`]).
pub fn check_owned_inputs(
    inputs: Vec<OwnedCheckInput>,
    options: &CheckOptions,
    progress: &mut dyn FnMut(Progress),
) -> CheckReport {
    check_owned_inputs_keeping_tables(inputs, options, progress).report
}

/// A check's report with the tables it read, so that the migration plans from what was checked
/// (see `migrate::inputs::Prepared::from_checked`) without reading the files again.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The report.
    pub report: CheckReport,
    /// Each file's table, in the order given (`None`: unreadable).
    pub tables: Vec<Option<Table>>,
}

/// [`check_owned_inputs`], keeping the tables: what the page's worker runs.
pub fn check_owned_inputs_keeping_tables(
    inputs: Vec<OwnedCheckInput>,
    options: &CheckOptions,
    progress: &mut dyn FnMut(Progress),
) -> Checked {
    let sources = inputs
        .into_iter()
        .map(|input| Source::Owned(Box::new(input)))
        .collect();
    let (report, tables) = check_sources(sources, options, progress);
    Checked { report, tables }
}

/// A file to read, borrowed or given.
enum Source<'a> {
    Borrowed(CheckInput<'a>),
    Owned(Box<OwnedCheckInput>),
}

impl<'a> Source<'a> {
    fn len(&self) -> u64 {
        match self {
            Source::Borrowed(i) => i.bytes.len() as u64,
            Source::Owned(i) => i.bytes.len() as u64,
        }
    }

    fn name(&self) -> &str {
        match self {
            Source::Borrowed(i) => i.name,
            Source::Owned(i) => &i.name,
        }
    }

    fn overrides(&self) -> &FileOverrides {
        match self {
            Source::Borrowed(i) => i.overrides,
            Source::Owned(i) => &i.overrides,
        }
    }

    /// Reads the file; also returns its bytes when the HR directory rules may need them (they
    /// read the file again their own way): a copy only for a given file whose header looks like
    /// the directory format.
    fn read(
        self,
        options: &CheckOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> (Result<Table, ReadError>, Option<Cow<'a, [u8]>>) {
        match self {
            Source::Borrowed(i) => (
                read_input(&i, &options.read, progress),
                Some(Cow::Borrowed(i.bytes)),
            ),
            Source::Owned(i) => {
                let kept = may_be_directory(&i, options).then(|| Cow::Owned(i.bytes.clone()));
                (read_owned_input(*i, &options.read, progress), kept)
            }
        }
    }
}

/// Whether a file is, or may be, in the HR directory format: its type is forced so, it is small
/// (HR directory files are: keeping a copy costs nothing), or the start of the file reads with
/// the directory's header (the header is the first record, read the same way from the start).
fn may_be_directory(input: &OwnedCheckInput, options: &CheckOptions) -> bool {
    const SMALL: usize = 4 << 20;
    match input.overrides.item_type.or(options.item_type) {
        Some(t) => t == ItemType::Directory,
        None if input.bytes.len() <= SMALL => true,
        None => {
            let start = &input.bytes[..input.bytes.len().min(256 * 1024)];
            let options = with_overrides(&options.read, &input.overrides);
            read_bytes(&input.name, start, &options).is_ok_and(|t| {
                detect(&input.name, &t.headers).item_type == Some(ItemType::Directory)
            })
        }
    }
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
    let sources = inputs.iter().map(|i| Source::Borrowed(*i)).collect();
    check_sources(sources, options, progress).0
}

fn check_sources(
    inputs: Vec<Source<'_>>,
    options: &CheckOptions,
    progress: &mut dyn FnMut(Progress),
) -> (CheckReport, Vec<Option<Table>>) {
    struct Loaded {
        table: Table,
        mapping: Option<Mapping>,
        template: Option<String>,
        confidence: f32,
    }
    let total_bytes = inputs.iter().map(Source::len).sum::<u64>().max(1);
    let mut bytes_before = 0u64;
    let mut loaded: Vec<Result<Loaded, (String, Diagnostic)>> = Vec::new();
    // The bytes of each file as the HR directory rules may need them, same order as `loaded`.
    let mut directory_bytes: Vec<Option<Cow<'_, [u8]>>> = Vec::new();
    for input in inputs {
        let name = input.name().to_string();
        let name = name.as_str();
        let len = input.len();
        let overrides = input.overrides().clone();
        let (read, bytes) = input.read(options, &mut |done, total| {
            // Decoded text and bytes differ in length: scale to the file's share of the bytes.
            let part = (len * done).checked_div(total).unwrap_or(0);
            progress(Progress {
                stage: Stage::Reading,
                done: bytes_before + part,
                total: total_bytes,
            });
        });
        bytes_before += len;
        // The directory rules read the bytes: the user's corrections are written into them.
        let bytes = match bytes {
            Some(b) if !overrides.corrections.is_empty() => Some(Cow::Owned(
                directory::format::corrected(&b, &overrides.corrections),
            )),
            other => other,
        };
        directory_bytes.push(bytes);
        progress(Progress {
            stage: Stage::Reading,
            done: bytes_before,
            total: total_bytes,
        });
        match read {
            Err(e) => loaded.push(Err((name.to_string(), e.to_diagnostic(name)))),
            Ok(table) => {
                let forced = overrides.item_type.or(options.item_type);
                let (item_type, confidence) = match forced {
                    Some(t) => (Some(t), 1.0),
                    // A companion file's header is exact: it wins over a guessed item type.
                    None if detect_companion(&table.headers).is_some() => (None, 1.0),
                    None => match saved_type(&options.templates, &table.headers) {
                        Some(t) => (Some(t), 1.0),
                        None => {
                            let d = detect(name, &table.headers);
                            (d.item_type, d.confidence)
                        }
                    },
                };
                let edited = overrides.mapping.as_ref().filter(|m| {
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
    for (l, bytes) in loaded.iter().zip(&directory_bytes) {
        match l {
            Err((name, d)) => {
                files.push(FileReport {
                    summary: FileSummary {
                        file: name.clone(),
                        item_type: None,
                        companion: None,
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
                let bytes = bytes.as_deref().unwrap_or(&[]);
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
                        // A companion file (connections, installations, timelines) has no item
                        // type of its own: recognised by its header, it goes to the migration.
                        let companion = l
                            .mapping
                            .is_none()
                            .then(|| detect_companion(&l.table.headers))
                            .flatten();
                        if l.mapping.is_none() && companion.is_none() {
                            ds.push(unknown_type(file));
                        }
                        let mut s =
                            summarize(&l.table, l.mapping.as_ref().map(|m| m.item_type), &ds);
                        s.companion = companion;
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
    let tables = loaded
        .into_iter()
        .map(|l| l.ok().map(|l| l.table))
        .collect();
    (CheckReport { files, diagnostics }, tables)
}

/// The HR directory rules on one file; without the reference exports, one blocking message.
fn check_directory(
    file: &str,
    bytes: &[u8],
    rows: usize,
    options: &CheckOptions,
) -> (FileSummary, Vec<Diagnostic>) {
    let Some(ctx) = &options.directory else {
        let d = Diagnostic::new(
            file,
            0,
            Severity::Error,
            FileProblem::DirectoryReferencesMissing,
        )
        .blocking();
        let summary = FileSummary {
            file: file.into(),
            item_type: Some(ItemType::Directory),
            companion: None,
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
        companion: None,
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
    Diagnostic::new(file, 1, Severity::Error, FileProblem::UnknownType).blocking()
}

/// The item type of the saved template made for this header, if any: a file the administrator
/// mapped once (a supervision export, a spreadsheet) is recognised by its header as what it was
/// mapped to, however little its names look like GLPI's.
pub fn saved_type(templates: &[MappingTemplate], headers: &[String]) -> Option<ItemType> {
    MappingTemplate::find(templates, headers).map(|t| t.mapping.item_type)
}
