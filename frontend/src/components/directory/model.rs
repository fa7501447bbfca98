//! The directory import's state: the file the check holds (with its corrections), its two
//! phases, the mapping onto GLPI users, the connection, the plan against the target (the
//! phase-2 preview), the run's journal, the error file and undo.
//!
//! Every change goes through [`Model::update`], a pure function tested without a browser; what
//! needs the network or storage comes out as [`Effect`]s that the driver (`driver.rs`) carries
//! out with the engine's code, the same as `passerelle directory`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use passerelle_engine::diagnostic::Severity;
use passerelle_engine::directory::apply::{
    DirectoryMapping, DirectoryPlan, KeyField, LineAction, LineMessage, TextTarget,
};
use passerelle_engine::directory::target::{error_file_text, error_lines};
use passerelle_engine::directory::{validate, DirectoryReport, Importer, Outcome, References};
use passerelle_engine::migrate::journal::Journal;
use passerelle_engine::migrate::model::{Decision, FieldValue};
use passerelle_engine::migrate::run::UndoSummary;

use crate::i18n::Lang;
use crate::worker::RefBytes;

/// What the check hands over: a directory file as corrected, the reference exports and the
/// importer's level-1 service.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// File name.
    pub name: String,
    /// Its bytes with the check's corrections written in.
    pub bytes: Rc<Vec<u8>>,
    /// The four reference exports.
    pub refs: Rc<RefBytes>,
    /// The importer's level-1 service.
    pub service: String,
}

/// The two phases of the file, and what they were run with.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The file.
    pub source: Source,
    /// The reference exports, read.
    pub refs: References,
    /// Phase one and two.
    pub report: DirectoryReport,
}

/// Who is connected.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    /// GLPI's login of the session.
    pub user: String,
    /// GLPI's version.
    pub version: String,
    /// The entities the session sees: (id, complete name).
    pub entities: Vec<(u64, String)>,
    /// The GLPI profiles on the target (names), for the correspondence table.
    pub profiles: Vec<String>,
}

/// A run stored in the browser (the directory's own journal database).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRun {
    /// The plan being carried out.
    pub plan: passerelle_engine::migrate::plan::Plan,
    /// Entity of the run.
    pub entity: u64,
    /// Its journal so far.
    pub journal: Journal,
}

/// What the section is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Busy {
    /// Nothing.
    #[default]
    Idle,
    /// Connecting.
    Connecting,
    /// Reading the target and planning.
    Planning,
    /// Writing to GLPI.
    Running,
    /// Undoing.
    Undoing,
}

/// The storage key of the saved correspondence table.
pub const MAPPING_KEY: &str = "passerelle.directory.mapping";

/// Something the driver carries out; its result comes back as a [`Msg`].
#[derive(Clone, Debug)]
pub enum Effect {
    /// Open a GLPI session with this personal token.
    Connect(String),
    /// Activate the entity, read the target, plan.
    Plan {
        /// The checked file.
        checked: Rc<Checked>,
        /// The mapping.
        mapping: DirectoryMapping,
        /// The entity users go to.
        entity: u64,
    },
    /// Run the plan (or resume the stored run).
    Run {
        /// What to run.
        plan: Rc<passerelle_engine::migrate::plan::Plan>,
        /// Entity.
        entity: u64,
        /// The interrupted run's journal, when resuming.
        resume: Option<Journal>,
        /// Generate a password for each created user (kept by the driver for the
        /// administrator's download only).
        passwords: bool,
    },
    /// Offer the generated passwords for download (the driver holds them, never the model).
    DownloadPasswords,
    /// Undo these runs' journals, in this order (the last run first).
    Undo(Vec<Rc<Journal>>),
    /// Look for an interrupted run in the browser.
    LoadStored,
    /// Keep the correspondence table in the browser.
    SaveMapping(String),
    /// Offer a text file for download.
    Download {
        /// File name.
        name: String,
        /// Content.
        text: String,
        /// MIME type.
        mime: &'static str,
    },
}

/// A change to the section.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The section is shown: look for a stored run and a saved mapping.
    Mounted(Option<String>),
    /// The check's directory file changed (or there is none).
    SetSource(Option<Source>),
    /// Token typed.
    SetToken(String),
    /// Connect.
    Connect,
    /// Connected, or why not.
    Connected(Result<Connection, String>),
    /// Target entity chosen.
    SetEntity(u64),
    /// Mapping edited (every field of it).
    SetMapping(DirectoryMapping),
    /// A saved correspondence table imported (JSON).
    ImportMapping(String),
    /// Save the correspondence table (browser and download).
    SaveMapping,
    /// Plan against the target.
    Plan,
    /// The plan, or why not.
    Planned(Result<Rc<DirectoryPlan>, String>),
    /// Run the plan.
    Run,
    /// Resume the stored run.
    Resume,
    /// A run ended (to its end or not): its journal.
    RunEnded(Journal, Result<(), String>),
    /// A stored run was found (or none).
    Stored(Option<Rc<StoredRun>>),
    /// Undo the last run.
    Undo,
    /// Undone, or why not.
    Undone(Result<(UndoSummary, Journal), String>),
    /// Download the error file.
    DownloadErrors,
    /// The option: generate passwords for the created users.
    SetPasswords(bool),
    /// The driver set passwords: how many it holds for download, and the refusals (for the
    /// error file; no password in them).
    PasswordsSet {
        /// Passwords ready for download.
        count: usize,
        /// GLPI's refusals, on the lines that created the users.
        failures: Vec<LineMessage>,
    },
    /// Download the generated passwords.
    DownloadPasswords,
}

/// What a line of the preview does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A user is created.
    Create,
    /// A user is modified.
    Modify,
    /// A user goes to GLPI's trash.
    Delete,
    /// Already done by an earlier run: nothing to write.
    AlreadyDone,
    /// Rejected.
    Rejected,
    /// Phase one failed: what phase two would give (nothing is imported).
    Preview,
}

/// One line of the phase-2 preview.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewLine {
    /// Line number (the header is line 1).
    pub line: u64,
    /// What happens.
    pub kind: LineKind,
    /// What it would be without the target (check only), when `kind` is [`LineKind::Preview`].
    pub would: Option<LineKind>,
    /// The GLPI login concerned, once planned.
    pub login: Option<String>,
    /// What changes: (field, new value), once planned.
    pub changes: Vec<(String, String)>,
    /// Every message of the line: check, plan and run.
    pub messages: Vec<(Severity, String)>,
}

/// Effects produced by the reducer, taken by the component after each render.
#[derive(Clone, Debug, Default)]
struct Outbox(Rc<RefCell<Vec<Effect>>>);

/// The section's state.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// The file, its references and its two phases.
    pub checked: Option<Rc<Checked>>,
    /// Why the reference exports could not be read.
    pub refs_error: Option<String>,
    /// The mapping onto GLPI users and the PROFIL/PRIV correspondence table.
    pub mapping: DirectoryMapping,
    /// Why the mapping cannot be used with these references (or an import failed).
    pub mapping_error: Option<String>,
    /// The personal token typed (never stored, never shown again).
    pub token: String,
    /// The session, once connected.
    pub connection: Option<Connection>,
    /// The entity users go to.
    pub entity: u64,
    /// The plan against the target.
    pub plan: Option<Rc<DirectoryPlan>>,
    /// The last run's journal (its messages go to the preview and the error file).
    pub journal: Option<Rc<Journal>>,
    /// Every run of this page not undone yet, first to last: undo takes them all back, the
    /// last first.
    pub runs: Vec<Rc<Journal>>,
    /// The last run ended with everything done.
    pub run_clean: Option<bool>,
    /// An interrupted run, offered for resume.
    pub stored: Option<Rc<StoredRun>>,
    /// What undo did.
    pub undone: Option<UndoSummary>,
    /// What the section is doing.
    pub busy: Busy,
    /// What went wrong last.
    pub error: Option<String>,
    /// The option: generate a password for each created user.
    pub passwords: bool,
    /// How many generated passwords the driver holds for download (never the passwords).
    pub passwords_ready: usize,
    /// The passwords GLPI refused (error file).
    pub password_failures: Vec<LineMessage>,
    outbox: Outbox,
}

impl Model {
    /// Whether phase one passed (nothing can be imported otherwise).
    pub fn phase_one_ok(&self) -> bool {
        self.checked.as_ref().is_some_and(|c| c.report.phase_one_ok)
    }

    /// Whether the plan may be made.
    pub fn can_plan(&self) -> bool {
        self.connection.is_some()
            && self.phase_one_ok()
            && self.mapping_error.is_none()
            && self.busy == Busy::Idle
    }

    /// Whether the plan may be run: phase one passed and the plan is the current one.
    pub fn can_run(&self) -> bool {
        self.plan.is_some() && self.can_plan() && self.journal.is_none()
    }

    /// The effects produced since the last call.
    pub fn take_effects(&self) -> Vec<Effect> {
        std::mem::take(&mut *self.outbox.0.borrow_mut())
    }

    /// The state after `msg`, and the effects it asks for.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Mounted(saved) => {
                if let Some(text) = saved {
                    if let Ok(m) = serde_json::from_str::<DirectoryMapping>(&text) {
                        self.mapping = m;
                        self.check_mapping();
                    }
                }
                return vec![Effect::LoadStored];
            }
            Msg::SetSource(source) => {
                let same = match (&self.checked, &source) {
                    (Some(c), Some(s)) => c.source == *s,
                    (None, None) => true,
                    _ => false,
                };
                if !same {
                    self.set_source(source);
                }
            }
            Msg::SetToken(t) => self.token = t,
            Msg::Connect => {
                if self.busy == Busy::Idle && !self.token.trim().is_empty() {
                    self.busy = Busy::Connecting;
                    self.error = None;
                    return vec![Effect::Connect(self.token.trim().to_string())];
                }
            }
            Msg::Connected(result) => {
                self.busy = Busy::Idle;
                match result {
                    Ok(c) => {
                        if !c.entities.iter().any(|(id, _)| *id == self.entity) {
                            self.entity = c.entities.first().map_or(0, |(id, _)| *id);
                        }
                        self.connection = Some(c);
                        self.token.clear();
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Msg::SetEntity(e) => {
                if e != self.entity {
                    self.entity = e;
                    self.plan = None;
                }
            }
            Msg::SetMapping(m) => {
                if m != self.mapping {
                    self.mapping = m;
                    self.plan = None;
                    self.check_mapping();
                }
            }
            Msg::ImportMapping(text) => match serde_json::from_str::<DirectoryMapping>(&text) {
                Ok(m) => {
                    self.mapping = m;
                    self.plan = None;
                    self.check_mapping();
                }
                Err(e) => self.mapping_error = Some(e.to_string()),
            },
            Msg::SaveMapping => {
                let text = self.mapping.to_template();
                return vec![
                    Effect::SaveMapping(text.clone()),
                    Effect::Download {
                        name: "correspondance-annuaire.json".into(),
                        text,
                        mime: "application/json",
                    },
                ];
            }
            Msg::Plan => {
                if let (true, Some(checked)) = (self.can_plan(), &self.checked) {
                    self.busy = Busy::Planning;
                    self.error = None;
                    // The old plan no longer describes the target.
                    self.plan = None;
                    return vec![Effect::Plan {
                        checked: checked.clone(),
                        mapping: self.mapping.clone(),
                        entity: self.entity,
                    }];
                }
            }
            Msg::Planned(result) => {
                self.busy = Busy::Idle;
                match result {
                    Ok(p) => {
                        self.plan = Some(p);
                        self.journal = None;
                        self.run_clean = None;
                        self.undone = None;
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Msg::Run => {
                if let (true, Some(plan)) = (self.can_run(), &self.plan) {
                    self.busy = Busy::Running;
                    self.error = None;
                    self.run_clean = None;
                    self.passwords_ready = 0;
                    self.password_failures.clear();
                    return vec![Effect::Run {
                        plan: Rc::new(plan.plan.clone()),
                        entity: self.entity,
                        resume: None,
                        passwords: self.passwords,
                    }];
                }
            }
            Msg::Resume => {
                if let (Busy::Idle, Some(s), Some(_)) = (self.busy, &self.stored, &self.connection)
                {
                    self.busy = Busy::Running;
                    self.error = None;
                    return vec![Effect::Run {
                        plan: Rc::new(s.plan.clone()),
                        entity: s.entity,
                        resume: Some(s.journal.clone()),
                        passwords: self.passwords,
                    }];
                }
            }
            Msg::RunEnded(journal, result) => {
                self.busy = Busy::Idle;
                self.stored = None;
                let done = result.is_ok()
                    && journal.records().iter().all(|r| {
                        !matches!(
                            r.outcome,
                            passerelle_engine::migrate::journal::Outcome::Failed
                                | passerelle_engine::migrate::journal::Outcome::Rejected
                        )
                    });
                self.run_clean = Some(done);
                let journal = Rc::new(journal);
                if journal.started() {
                    self.runs.push(journal.clone());
                }
                self.journal = Some(journal);
                if let Err(e) = result {
                    self.error = Some(e);
                }
            }
            Msg::Stored(s) => self.stored = s,
            Msg::Undo => {
                if self.busy == Busy::Idle && self.connection.is_some() && !self.runs.is_empty() {
                    self.busy = Busy::Undoing;
                    self.error = None;
                    return vec![Effect::Undo(self.runs.iter().rev().cloned().collect())];
                }
            }
            Msg::Undone(result) => {
                self.busy = Busy::Idle;
                match result {
                    Ok((summary, journal)) => {
                        self.undone = Some(summary);
                        self.runs.clear();
                        self.journal = Some(Rc::new(journal));
                        // What the plan read is no longer the target.
                        self.plan = None;
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Msg::SetPasswords(on) => self.passwords = on,
            Msg::PasswordsSet { count, failures } => {
                self.passwords_ready = count;
                self.password_failures = failures;
            }
            Msg::DownloadPasswords => {
                if self.passwords_ready > 0 {
                    return vec![Effect::DownloadPasswords];
                }
            }
            Msg::DownloadErrors => {
                if let Some((name, text)) = self.error_file() {
                    return vec![Effect::Download {
                        name,
                        text,
                        mime: "text/plain;charset=utf-8",
                    }];
                }
            }
        }
        Vec::new()
    }

    fn set_source(&mut self, source: Option<Source>) {
        self.plan = None;
        self.journal = None;
        self.run_clean = None;
        self.undone = None;
        self.refs_error = None;
        self.checked = None;
        let Some(source) = source else { return };
        let r = &source.refs;
        match References::from_exports(&r.profils, &r.privileges, &r.services, &r.existing) {
            Ok(refs) => {
                let report = validate(
                    &source.name,
                    &source.bytes,
                    &refs,
                    &Importer {
                        serv_niv1: source.service.trim().to_string(),
                    },
                );
                self.checked = Some(Rc::new(Checked {
                    source,
                    refs,
                    report,
                }));
            }
            Err(e) => self.refs_error = Some(e.to_string()),
        }
        self.check_mapping();
    }

    fn check_mapping(&mut self) {
        self.mapping_error = self
            .checked
            .as_ref()
            .and_then(|c| self.mapping.check(&c.refs).err())
            .map(|e| e.to_string());
    }

    /// The seed-004 error file (name, text): every message of the check, the plan and the run.
    pub fn error_file(&self) -> Option<(String, String)> {
        let checked = self.checked.as_ref()?;
        let lines = error_lines(
            &checked.report,
            self.plan.as_deref(),
            self.journal.as_deref(),
            &self.password_failures,
        );
        Some((
            format!("{}.erreurs.txt", checked.source.name),
            error_file_text(&checked.report, &lines),
        ))
    }

    /// The phase-2 preview, line by line: from the check alone, then from the plan against
    /// the target (what changes on which user), then with the run's messages.
    pub fn preview(&self, lang: Lang) -> Vec<PreviewLine> {
        let Some(checked) = &self.checked else {
            return Vec::new();
        };
        let report = &checked.report;
        let mut out: BTreeMap<u64, PreviewLine> = BTreeMap::new();
        for l in &report.lines {
            let by_check = match &l.outcome {
                Outcome::Create => LineKind::Create,
                Outcome::Modify(_) => LineKind::Modify,
                Outcome::Delete(_) => LineKind::Delete,
                Outcome::Rejected | Outcome::NotAnalysed => LineKind::Rejected,
            };
            let (kind, would) = if report.phase_one_ok {
                (by_check, None)
            } else {
                (LineKind::Preview, Some(by_check))
            };
            out.insert(
                l.line,
                PreviewLine {
                    line: l.line,
                    kind,
                    would,
                    login: None,
                    changes: Vec::new(),
                    messages: Vec::new(),
                },
            );
        }
        // Phase one failed: the preview of phase two is in `preview`.
        for d in report.diagnostics.iter().chain(&report.preview) {
            if let Some(p) = out.get_mut(&d.line) {
                p.messages.push((d.severity, d.message(lang)));
            }
        }
        if let Some(plan) = &self.plan {
            for (line, action) in &plan.lines {
                let Some(p) = out.get_mut(line) else { continue };
                let (kind, login) = match action {
                    LineAction::Create { login } => (LineKind::Create, Some(login)),
                    LineAction::Modify { login } => (LineKind::Modify, Some(login)),
                    LineAction::Trash { login } => (LineKind::Delete, Some(login)),
                    LineAction::AlreadyCreated { login } | LineAction::AlreadyTrashed { login } => {
                        (LineKind::AlreadyDone, Some(login))
                    }
                    LineAction::Rejected => (LineKind::Rejected, None),
                };
                p.kind = kind;
                p.login = login.cloned();
            }
            for o in &plan.plan.objects {
                let changes: Vec<(String, String)> = match &o.decision {
                    Decision::Create => o
                        .fields
                        .iter()
                        .filter(|(_, v)| !matches!(v, FieldValue::Ref(_)))
                        .map(|(k, v)| (k.clone(), shown(v)))
                        .collect(),
                    Decision::Update { changes, .. } => {
                        changes.iter().map(|(k, v)| (k.clone(), shown(v))).collect()
                    }
                    _ => continue,
                };
                for s in o.sources.iter().filter(|s| s.file == checked.source.name) {
                    if let Some(p) = out.get_mut(&(s.line as u64)) {
                        let what = o.key.itemtype.to_string();
                        p.changes.extend(
                            changes
                                .iter()
                                .map(|(k, v)| (format!("{what}.{k}"), v.clone())),
                        );
                        if changes.is_empty() {
                            p.changes.push((what, o.key.key.clone()));
                        }
                    }
                }
            }
            for m in &plan.messages {
                if let Some(p) = out.get_mut(&m.line) {
                    p.messages
                        .push((m.problem.severity(), m.problem.render(lang)));
                }
            }
        }
        if let Some(journal) = &self.journal {
            // The run's messages: those the journal adds to the check's.
            let mut from_check = error_lines(report, None, None, &[]);
            for e in error_lines(report, None, Some(journal), &[]) {
                if let Some(i) = from_check.iter().position(|c| *c == e) {
                    from_check.swap_remove(i);
                    continue;
                }
                if let Some(p) = out.get_mut(&e.line) {
                    p.messages.push((e.severity, e.message));
                }
            }
        }
        out.into_values().collect()
    }

    /// The mapping with one text target changed.
    pub fn with_text_target(&self, fonction: bool, target: TextTarget) -> DirectoryMapping {
        let mut m = self.mapping.clone();
        if fonction {
            m.fonction = target;
        } else {
            m.civilite = target;
        }
        m
    }

    /// The mapping with the key field changed.
    pub fn with_key_field(&self, key: KeyField) -> DirectoryMapping {
        DirectoryMapping {
            key_field: key,
            ..self.mapping.clone()
        }
    }
}

/// A planned value as shown: objects of the plan by their key.
fn shown(v: &FieldValue) -> String {
    match v {
        FieldValue::Text(s) => s.clone(),
        FieldValue::Number(n) => n.to_string(),
        FieldValue::Id(id) => format!("#{id}"),
        FieldValue::Ref(k) => k.key.clone(),
        FieldValue::Texts(list) | FieldValue::NewChildren(list) => list.join(", "),
        FieldValue::Children(list) => list
            .iter()
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        FieldValue::List(list) => list.iter().map(shown).collect::<Vec<_>>().join(", "),
        FieldValue::File(file) => file.filename.clone(),
    }
}

impl yew::Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        let effects = next.update(msg);
        next.outbox.0.borrow_mut().extend(effects);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use passerelle_engine::directory::apply::{plan_directory, DirectoryTarget, PlanInput};

    fn sample(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/samples/directory")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn source(name: &str) -> Source {
        let r = |n: &str| sample(&format!("reference/{n}"));
        Source {
            name: name.into(),
            bytes: Rc::new(sample(name)),
            refs: Rc::new(RefBytes {
                profils: r("profils.tsv"),
                privileges: r("privileges.tsv"),
                services: r("services.tsv"),
                existing: r("annuaire-export.tsv"),
            }),
            service: "Préfecture de Guyane".into(),
        }
    }

    fn connection() -> Connection {
        Connection {
            user: "glpi".into(),
            version: "10.0.11".into(),
            entities: vec![(0, "Entité racine".into()), (1, "Préfecture".into())],
            profiles: vec!["Admin".into()],
        }
    }

    fn with(name: &str) -> Model {
        let mut m = Model::default();
        assert!(m.update(Msg::SetSource(Some(source(name)))).is_empty());
        m
    }

    fn kinds(m: &Model) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for p in m.preview(Lang::Fr) {
            let k = match p.kind {
                LineKind::Create => "C",
                LineKind::Modify => "M",
                LineKind::Delete => "S",
                LineKind::AlreadyDone => "done",
                LineKind::Rejected => "rejected",
                LineKind::Preview => "preview",
            };
            *out.entry(k).or_insert(0) += 1;
        }
        out
    }

    /// The plan against a target without users, as the driver makes it (the engine's code).
    fn planned(m: &Model) -> Rc<DirectoryPlan> {
        let c = m.checked.as_ref().unwrap();
        let importer = Importer {
            serv_niv1: c.source.service.clone(),
        };
        Rc::new(plan_directory(
            &PlanInput {
                file: &c.source.name,
                bytes: &c.source.bytes,
                report: &c.report,
                refs: &c.refs,
                reference_export: &c.source.refs.existing,
                importer: &importer,
                entity: m.entity,
                rights: &passerelle_engine::directory::rights::RightsRule::above_all(),
            },
            &target(),
            &m.mapping,
        ))
    }

    /// A target with GLPI's default profiles and no user.
    fn target() -> DirectoryTarget {
        let profiles = [
            "Self-Service",
            "Observer",
            "Admin",
            "Super-Admin",
            "Hotliner",
            "Technician",
            "Supervisor",
        ]
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            serde_json::json!({"id": i + 1, "name": n})
                .as_object()
                .cloned()
        })
        .collect();
        DirectoryTarget {
            items: BTreeMap::from([(passerelle_engine::glpi::GlpiType::Profile, profiles)]),
            trashed_users: Vec::new(),
        }
    }

    #[test]
    fn the_check_alone_previews_phase_two() {
        let m = with("valid.tsv");
        assert!(m.phase_one_ok());
        // EXPECTED.md: 14 creations, 10 modifications, 5 deletions.
        assert_eq!(kinds(&m), BTreeMap::from([("C", 14), ("M", 10), ("S", 5)]));
        let m = with("line-errors.tsv");
        assert_eq!(kinds(&m)["rejected"], 10);
        let line3 = m
            .preview(Lang::En)
            .into_iter()
            .find(|p| p.line == 3)
            .unwrap();
        assert!(line3.messages.iter().any(|(s, _)| *s == Severity::Error));
    }

    #[test]
    fn phase_one_failing_blocks_plan_and_run_but_still_previews() {
        let mut m = with("mixed-errors.tsv");
        assert!(!m.phase_one_ok());
        let preview = m.preview(Lang::Fr);
        assert!(preview.iter().all(|p| p.kind == LineKind::Preview));
        // Line 2 would be a creation, line 4 a rejection (NOM vide).
        assert_eq!(preview[0].would, Some(LineKind::Create));
        assert_eq!(
            preview.iter().find(|p| p.line == 4).unwrap().would,
            Some(LineKind::Rejected)
        );
        m.update(Msg::Connected(Ok(connection())));
        assert!(!m.can_plan() && !m.can_run());
        assert!(m.update(Msg::Plan).is_empty());
        assert!(m.update(Msg::Run).is_empty());
        let (name, text) = m.error_file().unwrap();
        assert_eq!(name, "mixed-errors.tsv.erreurs.txt");
        assert!(text.starts_with("Phase 1 en échec"), "{text}");
    }

    #[test]
    fn connect_plan_run_undo() {
        let mut m = with("valid.tsv");
        assert!(m.update(Msg::Connect).is_empty(), "no token, no call");
        m.update(Msg::SetToken(" t0ken ".into()));
        let e = m.update(Msg::Connect);
        assert!(matches!(e.as_slice(), [Effect::Connect(t)] if t == "t0ken"));
        assert_eq!(m.busy, Busy::Connecting);
        m.update(Msg::Connected(Ok(connection())));
        assert!(m.token.is_empty(), "the token is not kept once connected");
        assert_eq!(m.entity, 0);
        m.update(Msg::SetEntity(1));
        assert!(m.can_plan() && !m.can_run());
        let e = m.update(Msg::Plan);
        assert!(matches!(e.as_slice(), [Effect::Plan { entity: 1, .. }]));
        assert!(!m.can_plan(), "one operation at a time");
        let plan = planned(&m);
        m.update(Msg::Planned(Ok(plan.clone())));
        assert!(m.can_run());
        // The plan against the target: logins, what changes, and its messages.
        let preview = m.preview(Lang::Fr);
        let line2 = &preview[0];
        assert_eq!(
            (line2.kind, line2.login.as_deref()),
            (LineKind::Create, Some("oceane.belizaire"))
        );
        assert!(line2
            .changes
            .iter()
            .any(|(k, v)| k == "User.realname" && v == "Bélizaire"));
        // Nobody in the target: M and S lines are rejected, with the plan's reason.
        let line16 = preview.iter().find(|p| p.line == 16).unwrap();
        assert_eq!(line16.kind, LineKind::Rejected);
        assert!(!line16.messages.is_empty());
        let e = m.update(Msg::Run);
        assert!(matches!(
            e.as_slice(),
            [Effect::Run {
                resume: None,
                entity: 1,
                ..
            }]
        ));
        assert_eq!(m.busy, Busy::Running);
        m.update(Msg::RunEnded(journal("first"), Ok(())));
        assert_eq!(m.run_clean, Some(true));
        assert!(!m.can_run(), "a plan runs once");
        // A second run (plan again first): undo takes both back, the last first.
        m.update(Msg::Planned(Ok(planned(&m))));
        m.update(Msg::Run);
        m.update(Msg::RunEnded(journal("second"), Ok(())));
        let e = m.update(Msg::Undo);
        let [Effect::Undo(runs)] = e.as_slice() else {
            panic!("{e:?}")
        };
        assert_eq!(
            runs.as_slice(),
            [Rc::new(journal("second")), Rc::new(journal("first"))]
        );
        m.update(Msg::Undone(Ok((
            UndoSummary {
                removed: 3,
                restored: 2,
                failed: 0,
            },
            Journal::default(),
        ))));
        assert_eq!(m.undone.as_ref().map(|u| u.removed), Some(3));
        assert!(m.plan.is_none(), "the target changed: plan again");
        // The error file names the file and carries the plan's messages.
        let e = m.update(Msg::DownloadErrors);
        assert!(
            matches!(e.as_slice(), [Effect::Download { name, .. }] if name == "valid.tsv.erreurs.txt")
        );
    }

    /// A journal with one started run.
    fn journal(run: &str) -> Journal {
        use passerelle_engine::migrate::journal::Event;
        Journal::from_events(vec![Event::Started {
            run: run.into(),
            objects: 1,
            resumed: false,
        }])
    }

    #[test]
    fn the_error_file_has_the_plan_s_messages() {
        let mut m = with("line-errors.tsv");
        m.update(Msg::Connected(Ok(connection())));
        let plan = planned(&m);
        let before = m.error_file().unwrap().1;
        m.update(Msg::Planned(Ok(plan)));
        let after = m.error_file().unwrap().1;
        assert!(before.contains("Ligne 3 : ERREUR"), "{before}");
        assert!(after.len() > before.len(), "{after}");
    }

    #[test]
    fn the_mapping_is_edited_checked_saved_and_imported() {
        let mut m = with("valid.tsv");
        m.update(Msg::Connected(Ok(connection())));
        m.update(Msg::Planned(Ok(planned(&m))));
        let edited = m.with_text_target(true, TextTarget::Category);
        m.update(Msg::SetMapping(edited.clone()));
        assert_eq!(m.mapping.fonction, TextTarget::Category);
        assert!(m.plan.is_none(), "a new mapping needs a new plan");
        // A PROFIL of the references without a GLPI profile: the mapping cannot be used.
        let mut missing = edited.clone();
        missing.profils.remove("2");
        m.update(Msg::SetMapping(missing));
        assert!(m.mapping_error.is_some() && !m.can_plan());
        let e = m.update(Msg::SaveMapping);
        assert!(matches!(
            e.as_slice(),
            [Effect::SaveMapping(_), Effect::Download { .. }]
        ));
        m.update(Msg::ImportMapping(edited.to_template()));
        assert!(m.mapping_error.is_none() && m.can_plan());
        m.update(Msg::ImportMapping("{".into()));
        assert!(m.mapping_error.is_some());
        // A saved table is taken back when the section is shown.
        let mut fresh = Model::default();
        let e = fresh.update(Msg::Mounted(Some(
            edited.with_key(KeyField::RegistrationNumber),
        )));
        assert!(matches!(e.as_slice(), [Effect::LoadStored]));
        assert_eq!(fresh.mapping.key_field, KeyField::RegistrationNumber);
    }

    trait WithKey {
        fn with_key(&self, k: KeyField) -> String;
    }

    impl WithKey for DirectoryMapping {
        fn with_key(&self, k: KeyField) -> String {
            DirectoryMapping {
                key_field: k,
                ..self.clone()
            }
            .to_template()
        }
    }
}
