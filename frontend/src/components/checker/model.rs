//! The checker's state: the dropped files with what the user changed for each, the reference
//! exports, the saved templates, and the check in flight or done.
//!
//! Every change goes through [`Model::apply`], a pure function tested without a browser. A change
//! to the inputs bumps [`Model::job`]; the component sends one request per job to the worker and
//! drops replies to older jobs, so a slow old check never overwrites a newer one.

use std::collections::HashMap;
use std::rc::Rc;

use passerelle_engine::check::{CheckReport, Correction, FileOverrides, FileReport, Progress};
use passerelle_engine::detect::ItemType;
use passerelle_engine::diagnostic::DiagnosticKind;
use passerelle_engine::map::{Mapping, MappingTemplate};
use passerelle_engine::migrate::inputs::migration_takes;

use crate::worker::{FileSpec, RefBytes, Reply, Request};

/// A dropped file and the user's changes to it.
#[derive(Clone, Debug, PartialEq)]
pub struct InputFile {
    /// File name.
    pub name: String,
    /// Bytes as dropped (shared: never copied between states).
    pub bytes: Rc<Vec<u8>>,
    /// Encoding, type, mapping, corrected cells.
    pub overrides: FileOverrides,
}

/// What the check hands the migration once a check is done: the files the migration can take,
/// with the user's changes, and the saved templates. The migration takes them as they are,
/// corrections included.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckedFiles {
    /// Files the migration takes, in the order dropped.
    pub files: Vec<InputFile>,
    /// Saved mapping templates.
    pub templates: Vec<MappingTemplate>,
    /// Checked files the migration cannot take, left out of `files` (the check shows why beside
    /// each): the other files are migrated without them.
    pub skipped: Vec<SkippedFile>,
}

/// A checked file the migration does not take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedFile {
    /// File name.
    pub name: String,
    /// Why.
    pub reason: SkipReason,
}

/// Why the migration does not take a checked file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// It could not be read (empty, binary, unknown encoding).
    Unreadable,
    /// Not a GLPI export the engine recognises, nor a companion file.
    UnknownType,
    /// An HR directory file: imported on its own, not by the GLPI migration.
    Directory,
}

impl SkipReason {
    /// Why `file` is left out of the migration, or `None` when the migration takes it (the
    /// engine's rule, [`migration_takes`]).
    pub fn of(file: &FileReport) -> Option<SkipReason> {
        if migration_takes(file) {
            None
        } else if file.summary.item_type == Some(ItemType::Directory) {
            Some(SkipReason::Directory)
        } else if file.encoding.is_none() {
            Some(SkipReason::Unreadable)
        } else {
            Some(SkipReason::UnknownType)
        }
    }
}

/// A cell the user corrected, as the corrections list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// File name.
    pub file: String,
    /// Physical line where the record starts.
    pub line: u64,
    /// 0-based column.
    pub column: usize,
    /// The column's header, to show.
    pub column_name: Option<String>,
    /// The cell as the file has it.
    pub before: String,
    /// The cell as corrected (empty only when the user chose an empty cell).
    pub after: String,
}

/// A cell: file, line, 0-based column.
pub type Cell = (String, u64, usize);

impl Edit {
    /// The cell it corrects.
    pub fn cell(&self) -> Cell {
        (self.file.clone(), self.line, self.column)
    }
}

/// `cell` with its value `old` (one of the values of a cell holding several, `A<br>B`, or the
/// whole cell) replaced by `new`; an empty `new` takes the value out with its separator.
pub fn replace_value(cell: &str, old: &str, new: &str) -> String {
    if cell == old || old.is_empty() {
        return new.to_string();
    }
    let mut parts: Vec<String> = cell.split("<br>").map(str::to_string).collect();
    let Some(at) = parts.iter().position(|p| p.trim() == old) else {
        // Not one of its values (a decorated one): replaced where it is, or the cell replaced.
        return match cell.find(old) {
            Some(_) => cell.replacen(old, new, 1),
            None => new.to_string(),
        };
    };
    if new.is_empty() {
        parts.remove(at);
        return parts.join("<br>").trim().to_string();
    }
    parts[at] = parts[at].replacen(old, new, 1);
    parts.join("<br>")
}

/// Which reference export a file is, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// `profils.tsv`.
    Profils,
    /// `privileges.tsv`.
    Privileges,
    /// `services.tsv`.
    Services,
    /// `annuaire-export.tsv`.
    Existing,
}

impl RefKind {
    /// Every kind, in the order the engine takes them.
    pub const ALL: [RefKind; 4] = [
        RefKind::Profils,
        RefKind::Privileges,
        RefKind::Services,
        RefKind::Existing,
    ];

    /// Recognises a reference export by its file name (`profils`, `privileges`, `services`,
    /// `annuaire`), case- and accent-insensitively.
    pub fn of_name(name: &str) -> Option<RefKind> {
        let n = passerelle_engine::detect::normalize_label(name);
        if n.contains("profil") {
            Some(RefKind::Profils)
        } else if n.contains("privil") {
            Some(RefKind::Privileges)
        } else if n.contains("service") {
            Some(RefKind::Services)
        } else if n.contains("annuaire") || n.contains("directory") {
            Some(RefKind::Existing)
        } else {
            None
        }
    }

    /// The expected file name, shown while it is missing.
    pub fn file_name(self) -> &'static str {
        match self {
            RefKind::Profils => "profils.tsv",
            RefKind::Privileges => "privileges.tsv",
            RefKind::Services => "services.tsv",
            RefKind::Existing => "annuaire-export.tsv",
        }
    }

    fn index(self) -> usize {
        match self {
            RefKind::Profils => 0,
            RefKind::Privileges => 1,
            RefKind::Services => 2,
            RefKind::Existing => 3,
        }
    }
}

/// A failure to show, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

/// The checker's state.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Files to check, in the order dropped; never two with one name.
    pub files: Vec<InputFile>,
    /// Files dropped under the name of a file already there, waiting for the user to say
    /// whether they replace it.
    pub to_replace: Vec<(String, Rc<Vec<u8>>)>,
    /// Reference exports for HR directory files: (file name, bytes) per [`RefKind`].
    pub refs: [Option<(String, Rc<Vec<u8>>)>; 4],
    /// Dropped files that are not reference exports.
    pub refs_unknown: Vec<String>,
    /// The importer's level-1 service.
    pub service: String,
    /// Saved mapping templates.
    pub templates: Vec<MappingTemplate>,
    /// The cells corrected, in the order corrected (each file's corrections are made of them).
    pub edits: Vec<Edit>,
    /// A cell the user emptied: not corrected until they say the cell is to be empty.
    pub empty_asked: Option<Cell>,
    /// Whole cells of the problems naming one value of a cell holding several (latest check).
    pub whole_cells: Rc<HashMap<Cell, String>>,
    /// Number of the latest request; 0 before any.
    pub job: u32,
    /// Whether the latest request is still running.
    pub busy: bool,
    /// Latest progress of the running request.
    pub progress: Option<Progress>,
    /// Result of the latest finished request.
    pub report: Option<Rc<CheckReport>>,
    /// Why the latest request failed, or a file could not be read.
    pub failure: Option<Failure>,
}

/// A change to the checker's state.
#[derive(Clone, Debug)]
pub enum Msg {
    /// Files dropped: added to those checked; one with the name of a file already there waits
    /// for [`Msg::AnswerReplace`].
    FilesRead(Vec<(String, Vec<u8>)>),
    /// The user's answer about the files waiting to replace others: `true` replaces them (their
    /// changes go with the old content), `false` keeps the files already checked.
    AnswerReplace(bool),
    /// A file taken out of the check (and of what the migration takes).
    RemoveFile(String),
    /// Files could not be read from the browser.
    ReadFailed(Failure),
    /// Encoding forced for a file (`None`: detect).
    SetEncoding(String, Option<String>),
    /// Item type forced for a file (`None`: recognise from the header).
    SetItemType(String, Option<ItemType>),
    /// Mapping edited for a file.
    SetMapping(String, Mapping),
    /// A value typed in a problem's cell (`before`: the value the problem shows; `after`:
    /// typed). Empty: not a correction, the user is asked ([`Model::empty_asked`]).
    Typed(Edit),
    /// A problem's value corrected, empty included (chosen explicitly).
    Correct(Edit),
    /// The same correction for every problem of the file and column showing the same value.
    CorrectAll(Edit),
    /// A correction undone.
    Undo(Cell),
    /// The question about an emptied cell dismissed.
    KeepValue,
    /// Reference exports dropped.
    RefsRead(Vec<(String, Vec<u8>)>),
    /// Importer's level-1 service typed.
    SetService(String),
    /// Templates loaded from the browser's storage; those saved meanwhile in this page win.
    /// Re-checks the files so they are applied.
    SetTemplates(Vec<MappingTemplate>),
    /// Templates saved or imported (replacing those of the same name); re-checks the files.
    AddTemplates(Vec<MappingTemplate>),
    /// A template deleted.
    RemoveTemplate(String),
    /// A reply of the worker.
    Reply(Reply),
}

impl Model {
    /// The state after `msg`.
    pub fn apply(&self, msg: Msg) -> Model {
        let mut next = self.clone();
        let mut rerun = false;
        match msg {
            Msg::FilesRead(files) => {
                for (name, bytes) in files {
                    let bytes = Rc::new(bytes);
                    if next.file(&name).is_some() {
                        // Asked first: replacing drops the corrections made to the old one.
                        next.to_replace.retain(|(n, _)| *n != name);
                        next.to_replace.push((name, bytes));
                    } else {
                        next.files.push(InputFile {
                            name,
                            bytes,
                            overrides: FileOverrides::default(),
                        });
                        rerun = true;
                    }
                }
            }
            Msg::AnswerReplace(replace) => {
                for (name, bytes) in std::mem::take(&mut next.to_replace) {
                    if let Some(f) = next
                        .files
                        .iter_mut()
                        .find(|f| f.name == name)
                        .filter(|_| replace)
                    {
                        // In place: the files keep the order they were dropped in.
                        next.edits.retain(|e| e.file != name);
                        *f = InputFile {
                            name,
                            bytes,
                            overrides: FileOverrides::default(),
                        };
                        rerun = true;
                    }
                }
            }
            Msg::RemoveFile(name) => {
                next.files.retain(|f| f.name != name);
                next.to_replace.retain(|(n, _)| *n != name);
                next.edits.retain(|e| e.file != name);
                rerun = next.files.len() != self.files.len();
            }
            Msg::ReadFailed(f) => next.failure = Some(f),
            Msg::SetEncoding(file, encoding) => {
                rerun = next.edit(&file, |o| o.encoding = encoding);
                // Cells were located in the old decoding: they no longer apply.
                next.edits.retain(|e| e.file != file);
                next.sync_corrections(&file);
            }
            Msg::SetItemType(file, item_type) => {
                rerun = next.edit(&file, |o| {
                    o.item_type = item_type;
                    o.mapping = None;
                });
            }
            Msg::SetMapping(file, mapping) => {
                rerun = next.edit(&file, |o| o.mapping = Some(mapping));
            }
            Msg::Typed(edit) if edit.after.trim().is_empty() => {
                next.empty_asked = Some(edit.cell());
            }
            Msg::Typed(edit) | Msg::Correct(edit) => {
                let file = edit.file.clone();
                next.record(edit);
                rerun = next.sync_corrections(&file);
            }
            Msg::CorrectAll(edit) => {
                let file = edit.file.clone();
                let lines: Vec<u64> = self
                    .report
                    .iter()
                    .flat_map(|r| r.diagnostics.iter())
                    .filter(|d| {
                        d.file == edit.file
                            && d.line > 1
                            && d.value.as_deref() == Some(edit.before.as_str())
                            && d.column.as_ref().map(|c| c.index) == Some(edit.column + 1)
                    })
                    .map(|d| d.line)
                    .collect();
                for line in lines {
                    next.record(Edit {
                        line,
                        ..edit.clone()
                    });
                }
                next.record(edit);
                rerun = next.sync_corrections(&file);
            }
            Msg::Undo(cell) => {
                next.edits.retain(|e| e.cell() != cell);
                rerun = next.sync_corrections(&cell.0);
            }
            Msg::KeepValue => next.empty_asked = None,
            Msg::RefsRead(files) => {
                next.refs_unknown.clear();
                for (name, bytes) in files {
                    match RefKind::of_name(&name) {
                        Some(kind) => next.refs[kind.index()] = Some((name, Rc::new(bytes))),
                        None => next.refs_unknown.push(name),
                    }
                }
                rerun = !next.files.is_empty();
            }
            Msg::SetService(service) => {
                rerun = !next.files.is_empty() && service.trim() != self.service.trim();
                next.service = service;
            }
            Msg::SetTemplates(templates) => {
                next.templates = crate::templates::merge(&templates, self.templates.clone());
                rerun = !next.files.is_empty();
            }
            Msg::AddTemplates(templates) => {
                next.templates = crate::templates::merge(&self.templates, templates);
                rerun = !next.files.is_empty();
            }
            Msg::RemoveTemplate(name) => {
                next.templates.retain(|t| t.name != name);
            }
            Msg::Reply(reply) => next.on_reply(reply),
        }
        if rerun {
            next.job = self.job.wrapping_add(1);
            next.busy = true;
            next.progress = None;
            next.failure = None;
            if next.files.is_empty() {
                // Nothing left to check: no request, and nothing shown of the old check.
                next.busy = false;
                next.report = None;
            }
        }
        next
    }

    /// Records a correction of the value a problem shows: the whole cell before and after (a
    /// value of a cell holding several is replaced within it); a cell corrected again keeps what
    /// the file had, and one brought back to it is no longer corrected.
    fn record(&mut self, edit: Edit) {
        let cell = edit.cell();
        if self.empty_asked.as_ref() == Some(&cell) {
            self.empty_asked = None;
        }
        let shown = self.whole_cells.get(&cell).cloned();
        let current = shown.clone().unwrap_or_else(|| edit.before.clone());
        let after = match &shown {
            // Typed with its separators, the value is the whole cell.
            Some(whole) if !edit.after.contains("<br>") => {
                replace_value(whole, &edit.before, &edit.after)
            }
            _ => edit.after.clone(),
        };
        let original = match self.edits.iter().position(|e| e.cell() == cell) {
            Some(i) => self.edits.remove(i).before,
            None => current,
        };
        if after != original {
            self.edits.push(Edit {
                before: original,
                after,
                ..edit
            });
        }
    }

    /// Makes a file's corrections those of [`Model::edits`]; true when they changed.
    fn sync_corrections(&mut self, file: &str) -> bool {
        let corrections: Vec<Correction> = self
            .edits
            .iter()
            .filter(|e| e.file == file)
            .map(|e| Correction {
                line: e.line,
                column: e.column,
                value: e.after.clone(),
            })
            .collect();
        match self.files.iter_mut().find(|f| f.name == file) {
            Some(f) if f.overrides.corrections != corrections => {
                f.overrides.corrections = corrections;
                true
            }
            _ => false,
        }
    }

    /// How many other problems of `edit`'s file and column show the value it corrected and are
    /// not corrected yet: what "apply to all" would correct.
    pub fn same_value_elsewhere(&self, edit: &Edit) -> usize {
        let Some(report) = &self.report else { return 0 };
        let mut lines: Vec<u64> = report
            .diagnostics
            .iter()
            .filter(|d| {
                d.file == edit.file
                    && d.line > 1
                    && d.line != edit.line
                    && d.column.as_ref().map(|c| c.index) == Some(edit.column + 1)
                    && d.value.as_deref() == Some(edit.before.as_str())
                    && !self
                        .edits
                        .iter()
                        .any(|e| e.cell() == (d.file.clone(), d.line, edit.column))
            })
            .map(|d| d.line)
            .collect();
        lines.dedup();
        lines.len()
    }

    fn edit(&mut self, file: &str, change: impl FnOnce(&mut FileOverrides)) -> bool {
        match self.files.iter_mut().find(|f| f.name == file) {
            Some(f) => {
                change(&mut f.overrides);
                true
            }
            None => false,
        }
    }

    fn on_reply(&mut self, reply: Reply) {
        match reply {
            Reply::Progress { id, progress } if id == self.job && self.busy => {
                self.progress = Some(progress);
            }
            Reply::Done { id, report, cells } if id == self.job => {
                self.whole_cells = Rc::new(
                    cells
                        .into_iter()
                        .map(|c| ((c.file, c.line, c.column), c.text))
                        .collect(),
                );
                self.report = Some(Rc::new(report));
                self.busy = false;
                self.progress = None;
            }
            // id 0: the worker itself failed; whatever was running is lost.
            Reply::Failed {
                id,
                message_fr,
                message_en,
            } if id == self.job || id == 0 => {
                self.failure = Some(Failure {
                    fr: message_fr,
                    en: message_en,
                });
                self.busy = false;
                self.progress = None;
            }
            // A reply to an older request.
            _ => {}
        }
    }

    /// The reference exports, when all four are there.
    pub fn ref_bytes(&self) -> Option<RefBytes> {
        let [Some(p), Some(v), Some(s), Some(e)] = &self.refs else {
            return None;
        };
        Some(RefBytes {
            profils: p.1.as_ref().clone(),
            privileges: v.1.as_ref().clone(),
            services: s.1.as_ref().clone(),
            existing: e.1.as_ref().clone(),
        })
    }

    /// The reference export of a kind, if dropped.
    pub fn reference(&self, kind: RefKind) -> Option<&str> {
        self.refs[kind.index()].as_ref().map(|(n, _)| n.as_str())
    }

    /// The request for the current job.
    pub fn request(&self) -> Request {
        let service = self.service.trim();
        Request {
            id: self.job,
            files: self
                .files
                .iter()
                .map(|f| FileSpec {
                    name: f.name.clone(),
                    overrides: f.overrides.clone(),
                })
                .collect(),
            templates: self.templates.clone(),
            service: (!service.is_empty()).then(|| service.to_string()),
        }
    }

    /// A file by name.
    pub fn file(&self, name: &str) -> Option<&InputFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// Whether the latest check asks for the directory's reference exports or service (a
    /// directory file was checked without them): the reference panel then opens by itself.
    pub fn refs_wanted(&self) -> bool {
        self.report
            .as_ref()
            .is_some_and(|r| r.diagnostics.iter().any(|d| d.code() == REFERENCES_MISSING))
    }

    /// The directory files whose phase one failed in the latest check: nothing of them may be
    /// imported (seed 004: « la seconde phase n'est pas appelée »).
    pub fn phase_one_failed(&self) -> Vec<String> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        let mut files: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.blocking && matches!(d.kind, DiagnosticKind::Directory(_)))
            .map(|d| d.file.clone())
            .collect();
        files.dedup();
        files
    }

    /// Why the latest check says the migration cannot take `name`, if it says so.
    pub fn skip_reason(&self, name: &str) -> Option<SkipReason> {
        let report = self.report.as_ref()?;
        report
            .files
            .iter()
            .find(|f| f.summary.file == name)
            .and_then(SkipReason::of)
    }

    /// What the migration is handed: every file but those the latest check found it cannot
    /// take. Meant for when the check is done (not [`Model::busy`]): the worker drafts the plan
    /// from the tables of its latest check, and refuses files other than those.
    pub fn checked_files(&self) -> CheckedFiles {
        let (mut files, mut skipped) = (Vec::new(), Vec::new());
        for f in &self.files {
            match self.skip_reason(&f.name) {
                Some(reason) => skipped.push(SkippedFile {
                    name: f.name.clone(),
                    reason,
                }),
                None => files.push(f.clone()),
            }
        }
        CheckedFiles {
            files,
            templates: self.templates.clone(),
            skipped,
        }
    }
}

impl Model {
    /// The last directory file of the latest check, as corrected, with its reference exports
    /// and the importer's service: what the directory import section carries out. `None` until
    /// all of them are there.
    pub fn directory_source(&self) -> Option<crate::components::directory::model::Source> {
        let report = self.report.as_ref()?;
        let service = self.service.trim();
        let refs = self.ref_bytes()?;
        if service.is_empty() {
            return None;
        }
        // The last one: the file dropped most recently.
        let name = &report
            .files
            .iter()
            .rfind(|f| f.summary.item_type == Some(ItemType::Directory))?
            .summary
            .file;
        let file = self.file(name)?;
        Some(crate::components::directory::model::Source {
            name: name.clone(),
            bytes: Rc::new(passerelle_engine::directory::format::corrected(
                &file.bytes,
                &file.overrides.corrections,
            )),
            refs: Rc::new(refs),
            service: service.to_string(),
        })
    }
}

/// The code of the message a directory file gets when checked without its references.
const REFERENCES_MISSING: &str = "directory.references_missing";

impl yew::Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        Rc::new(self.apply(msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::WholeCell;
    use passerelle_engine::check::{CheckReport, Stage};

    fn report() -> CheckReport {
        CheckReport {
            files: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    fn with_file() -> Model {
        Model::default().apply(Msg::FilesRead(vec![("a.csv".into(), b"x".to_vec())]))
    }

    #[test]
    fn each_input_change_starts_a_new_job() {
        let m = with_file();
        assert_eq!((m.job, m.busy), (1, true));
        let m = m.apply(Msg::Reply(Reply::Done {
            id: 1,
            report: report(),
            cells: Vec::new(),
        }));
        assert!(!m.busy && m.report.is_some());
        let m = m.apply(Msg::SetEncoding(
            "a.csv".into(),
            Some("windows-1252".into()),
        ));
        assert_eq!((m.job, m.busy), (2, true));
        assert_eq!(
            m.request().files[0].overrides.encoding.as_deref(),
            Some("windows-1252")
        );
        // The old report stays shown while the new check runs.
        assert!(m.report.is_some());
        // Unknown file: nothing to re-run.
        let same = m.apply(Msg::SetItemType("nope.csv".into(), None));
        assert_eq!(same.job, 2);
    }

    #[test]
    fn replies_to_older_jobs_are_dropped() {
        let m = with_file().apply(Msg::SetItemType("a.csv".into(), Some(ItemType::Monitor)));
        assert_eq!(m.job, 2);
        let stale = m.apply(Msg::Reply(Reply::Done {
            id: 1,
            report: report(),
            cells: Vec::new(),
        }));
        assert!(stale.busy && stale.report.is_none());
        let p = Progress {
            stage: Stage::Reading,
            done: 5,
            total: 10,
        };
        let m = m.apply(Msg::Reply(Reply::Progress { id: 2, progress: p }));
        assert_eq!(m.progress, Some(p));
        let failed = m.apply(Msg::Reply(Reply::Failed {
            id: 0,
            message_fr: "x".into(),
            message_en: "y".into(),
        }));
        assert!(!failed.busy && failed.failure.is_some());
    }

    fn edit(line: u64, before: &str, after: &str) -> Edit {
        Edit {
            file: "a.csv".into(),
            line,
            column: 11,
            column_name: Some("Utilisateur".into()),
            before: before.into(),
            after: after.into(),
        }
    }

    fn correction(line: u64, value: &str) -> Correction {
        Correction {
            line,
            column: 11,
            value: value.into(),
        }
    }

    #[test]
    fn a_cell_corrected_twice_keeps_the_last_value_and_what_the_file_had() {
        let m = with_file()
            .apply(Msg::Correct(edit(29, "Z", "A")))
            .apply(Msg::Correct(edit(29, "A", "B")));
        assert_eq!(m.files[0].overrides.corrections, vec![correction(29, "B")]);
        assert_eq!(m.edits.len(), 1);
        assert_eq!(
            (m.edits[0].before.as_str(), m.edits[0].after.as_str()),
            ("Z", "B")
        );
        // Brought back to what the file has: no longer a correction.
        let back = m.apply(Msg::Correct(edit(29, "B", "Z")));
        assert!(back.edits.is_empty());
        assert!(back.files[0].overrides.corrections.is_empty());
        // A new encoding moves every cell: corrections are dropped.
        let m = m.apply(Msg::SetEncoding("a.csv".into(), None));
        assert!(m.files[0].overrides.corrections.is_empty());
        assert!(m.edits.is_empty());
    }

    #[test]
    fn a_correction_is_undone_alone() {
        let m = with_file()
            .apply(Msg::Correct(edit(3, "x", "1")))
            .apply(Msg::Correct(edit(4, "y", "2")));
        let job = m.job;
        let m = m.apply(Msg::Undo(("a.csv".into(), 3, 11)));
        assert_eq!(m.files[0].overrides.corrections, vec![correction(4, "2")]);
        assert_eq!(m.job, job + 1, "checked again without it");
        // Undoing what is not corrected changes nothing.
        let same = m.apply(Msg::Undo(("a.csv".into(), 3, 11)));
        assert_eq!(same.job, m.job);
    }

    #[test]
    fn an_emptied_cell_is_not_a_correction_until_empty_is_chosen() {
        let m = with_file();
        let job = m.job;
        let asked = m.apply(Msg::Typed(edit(5, "Joseph Céline", "  ")));
        assert!(asked.edits.is_empty());
        assert_eq!(asked.job, job, "nothing checked again");
        assert_eq!(asked.empty_asked, Some(("a.csv".into(), 5, 11)));
        assert!(asked.apply(Msg::KeepValue).empty_asked.is_none());
        // Chosen: the cell is corrected to empty.
        let chosen = asked.apply(Msg::Correct(edit(5, "Joseph Céline", "")));
        assert_eq!(
            chosen.files[0].overrides.corrections,
            vec![correction(5, "")]
        );
        assert!(chosen.empty_asked.is_none());
        // A typed value is a correction at once.
        let typed = m.apply(Msg::Typed(edit(5, "Joseph Céline", "celine.joseph")));
        assert_eq!(
            typed.files[0].overrides.corrections,
            vec![correction(5, "celine.joseph")]
        );
    }

    fn with_problems(problems: &[(u64, &str)], cells: Vec<WholeCell>) -> Model {
        let diagnostics = problems
            .iter()
            .map(|(line, value)| passerelle_engine::diagnostic::Diagnostic {
                column: Some(passerelle_engine::diagnostic::ColumnRef {
                    index: 12,
                    name: Some("Utilisateur".into()),
                }),
                value: Some(value.to_string()),
                ..passerelle_engine::diagnostic::Diagnostic::new(
                    "a.csv",
                    *line,
                    passerelle_engine::diagnostic::Severity::Error,
                    passerelle_engine::validate::ValueProblem::NotDate,
                )
            })
            .collect();
        with_file().apply(Msg::Reply(Reply::Done {
            id: 1,
            report: CheckReport {
                files: Vec::new(),
                diagnostics,
            },
            cells,
        }))
    }

    #[test]
    fn apply_to_all_corrects_the_same_value_in_the_same_column_only() {
        let m = with_problems(
            &[
                (2, "Joseph Céline"),
                (3, "Autre"),
                (4, "Joseph Céline"),
                (9, "Joseph Céline"),
            ],
            Vec::new(),
        );
        let first = m.apply(Msg::Correct(edit(2, "Joseph Céline", "celine.joseph")));
        assert_eq!(first.same_value_elsewhere(&first.edits[0]), 2);
        let all = first.apply(Msg::CorrectAll(edit(2, "Joseph Céline", "celine.joseph")));
        let lines: Vec<u64> = all.edits.iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 9, 2]);
        assert!(all.edits.iter().all(|e| e.after == "celine.joseph"));
        assert_eq!(all.same_value_elsewhere(&all.edits[0]), 0);
        // Each one is still undone alone.
        let undone = all.apply(Msg::Undo(("a.csv".into(), 4, 11)));
        assert_eq!(undone.edits.len(), 2);
    }

    #[test]
    fn a_value_of_a_cell_holding_several_is_replaced_within_it() {
        let m = with_problems(
            &[(87, "Joseph Céline")],
            vec![WholeCell {
                file: "a.csv".into(),
                line: 87,
                column: 11,
                text: "Lefèbvre Émilie <br>Joseph Céline".into(),
            }],
        );
        let m = m.apply(Msg::Correct(edit(87, "Joseph Céline", "celine.joseph2")));
        assert_eq!(
            m.files[0].overrides.corrections,
            vec![correction(87, "Lefèbvre Émilie <br>celine.joseph2")]
        );
        assert_eq!(m.edits[0].before, "Lefèbvre Émilie <br>Joseph Céline");
        // A whole cell typed (with its separators) is taken as it is.
        let whole = m.apply(Msg::Correct(edit(87, "Joseph Céline", "A<br>B")));
        assert_eq!(
            whole.files[0].overrides.corrections,
            vec![correction(87, "A<br>B")]
        );
        assert_eq!(replace_value("a<br>b", "b", ""), "a");
        assert_eq!(replace_value("a <br>b", "a", ""), "b");
        assert_eq!(replace_value("x", "x", ""), "");
    }

    fn file_report(name: &str, item_type: Option<ItemType>, readable: bool) -> FileReport {
        FileReport {
            summary: passerelle_engine::validate::FileSummary {
                file: name.into(),
                item_type,
                companion: None,
                rows: 1,
                valid: 1,
                warnings: 0,
                errors: 0,
            },
            encoding: readable.then(|| "UTF-8".to_string()),
            delimiter: None,
            confidence: 1.0,
            mapping: item_type
                .filter(|t| *t != ItemType::Directory)
                .map(|t| passerelle_engine::map::auto_map(t, &[])),
            template: None,
        }
    }

    fn done(m: Model, files: Vec<FileReport>) -> Model {
        let id = m.job;
        m.apply(Msg::Reply(Reply::Done {
            id,
            report: CheckReport {
                files,
                diagnostics: Vec::new(),
            },
            cells: Vec::new(),
        }))
    }

    #[test]
    fn dropped_files_are_added_and_one_of_the_same_name_replaces_the_old_only_when_confirmed() {
        let m = with_file().apply(Msg::Correct(edit(2, "old", "x")));
        let job = m.job;
        // A new name is added; the same name waits for the user's answer, and starts nothing.
        let m = m.apply(Msg::FilesRead(vec![
            ("b.csv".into(), b"b".to_vec()),
            ("a.csv".into(), b"new".to_vec()),
        ]));
        let names: Vec<&str> = m.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a.csv", "b.csv"]);
        assert_eq!(m.job, job + 1);
        assert_eq!(m.to_replace.len(), 1);
        assert_eq!(m.files[0].bytes.as_slice(), b"x");
        // Kept: nothing changes, nothing re-runs.
        let kept = m.apply(Msg::AnswerReplace(false));
        assert!(kept.to_replace.is_empty());
        assert_eq!(kept.job, m.job);
        assert_eq!(kept.files[0].bytes.as_slice(), b"x");
        assert_eq!(kept.files[0].overrides.corrections.len(), 1);
        // Replaced: in place, its old corrections gone, checked again; never two "a.csv".
        let replaced = m.apply(Msg::AnswerReplace(true));
        let names: Vec<&str> = replaced.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a.csv", "b.csv"]);
        assert_eq!(replaced.files[0].bytes.as_slice(), b"new");
        assert!(replaced.files[0].overrides.corrections.is_empty());
        assert_eq!(replaced.job, m.job + 1);
        assert!(replaced.to_replace.is_empty());
        // Dropped twice before answering: the last one waits.
        let twice = m.apply(Msg::FilesRead(vec![("a.csv".into(), b"newer".to_vec())]));
        assert_eq!(twice.to_replace.len(), 1);
        assert_eq!(twice.to_replace[0].1.as_slice(), b"newer");
    }

    #[test]
    fn a_removed_file_leaves_the_check_and_the_last_one_leaves_nothing_to_run() {
        let m = done(
            with_file().apply(Msg::FilesRead(vec![("b.csv".into(), b"b".to_vec())])),
            vec![
                file_report("a.csv", Some(ItemType::Computer), true),
                file_report("b.csv", Some(ItemType::Monitor), true),
            ],
        );
        let m = m.apply(Msg::RemoveFile("a.csv".into()));
        assert_eq!(m.files.len(), 1);
        assert_eq!(m.request().files[0].name, "b.csv");
        assert!(m.busy);
        // Unknown name: nothing to do.
        let same = m.apply(Msg::RemoveFile("zzz.csv".into()));
        assert_eq!(same.job, m.job);
        let empty = m.apply(Msg::RemoveFile("b.csv".into()));
        assert!(empty.files.is_empty());
        assert!(!empty.busy, "no request for no file");
        assert!(empty.report.is_none());
        assert_eq!(empty.job, m.job + 1);
        assert_eq!(empty.checked_files(), CheckedFiles::default());
    }

    #[test]
    fn files_the_migration_cannot_take_are_skipped_with_their_reason() {
        let m = Model::default().apply(Msg::FilesRead(
            ["Computer.csv", "notes.csv", "photo.csv", "annuaire.tsv"]
                .iter()
                .map(|n| (n.to_string(), b"x".to_vec()))
                .collect(),
        ));
        // Before any check, nothing is known to be skipped.
        assert_eq!(m.checked_files().files.len(), 4);
        let m = done(
            m,
            vec![
                file_report("Computer.csv", Some(ItemType::Computer), true),
                file_report("notes.csv", None, true),
                file_report("photo.csv", None, false),
                file_report("annuaire.tsv", Some(ItemType::Directory), true),
            ],
        );
        let checked = m.checked_files();
        let taken: Vec<&str> = checked.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(taken, ["Computer.csv"]);
        let skipped: Vec<(&str, SkipReason)> = checked
            .skipped
            .iter()
            .map(|s| (s.name.as_str(), s.reason))
            .collect();
        assert_eq!(
            skipped,
            [
                ("notes.csv", SkipReason::UnknownType),
                ("photo.csv", SkipReason::Unreadable),
                ("annuaire.tsv", SkipReason::Directory)
            ]
        );
        assert_eq!(m.skip_reason("Computer.csv"), None);
    }

    #[test]
    fn reference_exports_are_recognised_by_name() {
        assert_eq!(RefKind::of_name("profils.tsv"), Some(RefKind::Profils));
        assert_eq!(
            RefKind::of_name("PRIVILÈGES.TSV"),
            Some(RefKind::Privileges)
        );
        assert_eq!(RefKind::of_name("services.tsv"), Some(RefKind::Services));
        assert_eq!(
            RefKind::of_name("annuaire-export.tsv"),
            Some(RefKind::Existing)
        );
        assert_eq!(RefKind::of_name("Computer.csv"), None);
        let m = Model::default().apply(Msg::RefsRead(
            RefKind::ALL
                .iter()
                .map(|k| (k.file_name().to_string(), vec![1]))
                .chain([("x.csv".to_string(), vec![])])
                .collect(),
        ));
        assert!(m.ref_bytes().is_some());
        assert_eq!(m.refs_unknown, vec!["x.csv".to_string()]);
        // No file yet: nothing to check.
        assert_eq!(m.job, 0);
        let m = m.apply(Msg::SetService(" Préfecture de Guyane ".into()));
        assert_eq!(m.request().service.as_deref(), Some("Préfecture de Guyane"));
    }

    /// A sample of ../shared/samples/directory.
    fn directory_sample(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/samples/directory")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The engine's check of directory files, with the references or without.
    fn checked(files: &[&str], with_refs: bool) -> Model {
        use passerelle_engine::check::{check_files, CheckOptions, DirectoryContext};
        use passerelle_engine::directory::{Importer, References};
        let inputs: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|n| (n.to_string(), directory_sample(n)))
            .collect();
        let r = |n: &str| directory_sample(&format!("reference/{n}"));
        let directory = with_refs.then(|| DirectoryContext {
            references: References::from_exports(
                &r("profils.tsv"),
                &r("privileges.tsv"),
                &r("services.tsv"),
                &r("annuaire-export.tsv"),
            )
            .unwrap(),
            importer: Importer {
                serv_niv1: "Préfecture de Guyane".into(),
            },
        });
        let report = check_files(
            &inputs,
            &CheckOptions {
                directory,
                ..CheckOptions::default()
            },
        );
        let m = Model::default().apply(Msg::FilesRead(inputs));
        m.apply(Msg::Reply(Reply::Done {
            id: m.job,
            report,
            cells: Vec::new(),
        }))
    }

    #[test]
    fn the_reference_panel_is_wanted_while_a_directory_file_lacks_its_references() {
        assert!(!Model::default().refs_wanted());
        assert!(checked(&["valid.tsv"], false).refs_wanted());
        assert!(!checked(&["valid.tsv"], true).refs_wanted());
    }

    #[test]
    fn phase_one_failing_is_told_per_file() {
        let m = checked(
            &["mixed-errors.tsv", "valid.tsv", "invalid-header.tsv"],
            true,
        );
        assert_eq!(
            m.phase_one_failed(),
            vec!["mixed-errors.tsv".to_string(), "invalid-header.tsv".into()]
        );
        // Phase-two errors alone do not block the file.
        assert!(checked(&["line-errors.tsv"], true)
            .phase_one_failed()
            .is_empty());
        // Without references nothing was analysed: the panel is wanted, no phase failed.
        assert!(checked(&["mixed-errors.tsv"], false)
            .phase_one_failed()
            .is_empty());
    }

    #[test]
    fn the_directory_file_goes_to_the_import_with_its_corrections() {
        let refs: Vec<(String, Vec<u8>)> = RefKind::ALL
            .iter()
            .map(|k| {
                (
                    k.file_name().to_string(),
                    directory_sample(&format!("reference/{}", k.file_name())),
                )
            })
            .collect();
        let m = checked(&["valid.tsv"], true);
        // The references and the service are the checker's own.
        assert!(m.directory_source().is_none());
        let m = m
            .apply(Msg::RefsRead(refs))
            .apply(Msg::SetService(" Préfecture de Guyane".into()))
            .apply(Msg::Correct(Edit {
                file: "valid.tsv".into(),
                line: 2,
                column: 5,
                column_name: None,
                before: "Cayenne".into(),
                after: "Bélizaire-Nord".into(),
            }));
        let s = m.directory_source().expect("a source");
        assert_eq!(s.name, "valid.tsv");
        assert_eq!(s.service, "Préfecture de Guyane");
        let (text, _) = passerelle_engine::directory::format::decode(&s.bytes);
        assert!(
            text.lines().nth(1).unwrap().contains("\tBélizaire-Nord\t"),
            "{text}"
        );
        // Not a directory file: nothing.
        let m = Model {
            report: Some(Rc::new(report())),
            ..m
        };
        assert!(m.directory_source().is_none());
    }

    #[test]
    fn the_service_applies_as_typed() {
        let m = checked(&["valid.tsv"], true);
        let job = m.job;
        let m = m.apply(Msg::SetService("P".into()));
        assert_eq!((m.job, m.busy), (job + 1, true));
        let m = m.apply(Msg::SetService("Pr".into()));
        assert_eq!(m.job, job + 2);
        // Spaces around it change nothing.
        assert_eq!(m.apply(Msg::SetService(" Pr ".into())).job, job + 2);
    }
}
