//! The checker's state: the dropped files with what the user changed for each, the reference
//! exports, the saved templates, and the check in flight or done.
//!
//! Every change goes through [`Model::apply`], a pure function tested without a browser. A change
//! to the inputs bumps [`Model::job`]; the component sends one request per job to the worker and
//! drops replies to older jobs, so a slow old check never overwrites a newer one.

use std::rc::Rc;

use passerelle_engine::check::{CheckReport, Correction, FileOverrides, Progress};
use passerelle_engine::detect::ItemType;
use passerelle_engine::diagnostic::DiagnosticKind;
use passerelle_engine::map::{Mapping, MappingTemplate};

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

/// What the check holds once files are dropped: the files with the user's changes and the saved
/// templates. The migration takes them as they are, corrections included.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckedFiles {
    /// Files, in the order dropped.
    pub files: Vec<InputFile>,
    /// Saved mapping templates.
    pub templates: Vec<MappingTemplate>,
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
    /// Files to check, in the order dropped.
    pub files: Vec<InputFile>,
    /// Reference exports for HR directory files: (file name, bytes) per [`RefKind`].
    pub refs: [Option<(String, Rc<Vec<u8>>)>; 4],
    /// Dropped files that are not reference exports.
    pub refs_unknown: Vec<String>,
    /// The importer's level-1 service.
    pub service: String,
    /// Saved mapping templates.
    pub templates: Vec<MappingTemplate>,
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
    /// New files to check (replace the previous ones).
    FilesRead(Vec<(String, Vec<u8>)>),
    /// Files could not be read from the browser.
    ReadFailed(Failure),
    /// Encoding forced for a file (`None`: detect).
    SetEncoding(String, Option<String>),
    /// Item type forced for a file (`None`: recognise from the header).
    SetItemType(String, Option<ItemType>),
    /// Mapping edited for a file.
    SetMapping(String, Mapping),
    /// A cell corrected in place.
    Correct(String, Correction),
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
                next.files = files
                    .into_iter()
                    .map(|(name, bytes)| InputFile {
                        name,
                        bytes: Rc::new(bytes),
                        overrides: FileOverrides::default(),
                    })
                    .collect();
                next.report = None;
                rerun = true;
            }
            Msg::ReadFailed(f) => next.failure = Some(f),
            Msg::SetEncoding(file, encoding) => {
                rerun = next.edit(&file, |o| {
                    o.encoding = encoding;
                    // Cells were located in the old decoding: they no longer apply.
                    o.corrections.clear();
                });
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
            Msg::Correct(file, correction) => {
                rerun = next.edit(&file, |o| {
                    o.corrections
                        .retain(|c| (c.line, c.column) != (correction.line, correction.column));
                    o.corrections.push(correction);
                });
            }
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
        }
        next
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
            Reply::Done { id, report } if id == self.job => {
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

    #[test]
    fn a_cell_corrected_twice_keeps_the_last_value() {
        let c = |v: &str| Correction {
            line: 29,
            column: 11,
            value: v.into(),
        };
        let m = with_file()
            .apply(Msg::Correct("a.csv".into(), c("A")))
            .apply(Msg::Correct("a.csv".into(), c("B")));
        assert_eq!(m.files[0].overrides.corrections, vec![c("B")]);
        // A new encoding moves every cell: corrections are dropped.
        let m = m.apply(Msg::SetEncoding("a.csv".into(), None));
        assert!(m.files[0].overrides.corrections.is_empty());
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
        m.apply(Msg::Reply(Reply::Done { id: m.job, report }))
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
            .apply(Msg::Correct(
                "valid.tsv".into(),
                Correction {
                    line: 2,
                    column: 5,
                    value: "Bélizaire-Nord".into(),
                },
            ));
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
