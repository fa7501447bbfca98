//! The migration panel's state, as a reducer over the engine's migration session: every change
//! goes through [`Model::update`], a pure function that returns the [`Effect`]s to carry out
//! (connect, draft in the worker, plan, run, verify, undo…). The component hands the effects to
//! the one driver that holds the session (`driver.rs`); the driver answers with more messages.
//! So every transition is tested without a browser.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use passerelle_engine::diagnostic::Diagnostic;
use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::api::Credentials;
use passerelle_engine::migrate::journal::Journal;
use passerelle_engine::migrate::lookup::Found;
use passerelle_engine::migrate::plan::{Draft, Plan, PlanOptions, ValueChoice};
use passerelle_engine::migrate::run::{
    ControlState, MissingRight, Progress, UndoSummary, VerifyReport,
};
use passerelle_engine::migrate::source::{SourceCount, SourceProgress, SourceRead};

use crate::browser::RunMeta;
use crate::components::checker::model::CheckedFiles;
use crate::i18n::Lang;
use crate::worker::{Channel, DraftRequest, DraftSource, Drafted, FileSpec, Reply};

/// What the connection told us.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    /// GLPI version (`getGlpiConfig`).
    pub version: String,
    /// Login of the connected person.
    pub user: String,
    /// Profiles `(id, name)`.
    pub profiles: Vec<(u64, String)>,
    /// Entities `(id, complete name)`.
    pub entities: Vec<(u64, String)>,
    /// Active profile.
    pub profile: u64,
    /// Active entity.
    pub entity: u64,
    /// The GLPI the proxy forwards to (its API address, from the proxy's `/info`).
    pub api_url: String,
}

impl Connection {
    /// An entity's complete name as the session sees it (its id when it is not in the list).
    pub fn entity_name(&self, id: u64) -> String {
        self.entities
            .iter()
            .find(|(e, _)| *e == id)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }
}

/// Where the run is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Phase {
    /// Nothing started.
    #[default]
    Idle,
    /// Running (or paused: see [`Model::paused`]).
    Running,
    /// Ended; `cancelled` when stopped on request.
    Ended {
        /// Stopped on request.
        cancelled: bool,
    },
    /// Stopped by an error (journal, session, target).
    Failed(String),
    /// Undone: what the run wrote is removed or restored (what undo did is in
    /// [`Model::undo`]).
    Undone,
}

/// A write the administrator is asked to confirm first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// Run the plan.
    Run,
    /// Undo the run.
    Undo,
}

/// Something to tell the administrator, rendered in the page's language at the edge.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A message of the engine or the browser (French).
    Text(String),
    /// A message in both languages.
    Both {
        /// French.
        fr: String,
        /// English.
        en: String,
    },
    /// Files that cannot be read or migrated: nothing is planned.
    Stops(Vec<Diagnostic>),
    /// Another tab holds the journal.
    RunningElsewhere,
}

/// The reconciliation keys the page offers for assets (every asset type alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetKey {
    /// Serial number, then name (GLPI's usual key, the default).
    SerialThenName,
    /// Name only.
    Name,
    /// Inventory number, then serial number.
    InventoryThenSerial,
}

impl AssetKey {
    /// Every choice, in the order offered.
    pub const ALL: [AssetKey; 3] = [
        AssetKey::SerialThenName,
        AssetKey::Name,
        AssetKey::InventoryThenSerial,
    ];

    /// The keys (alternatives of field lists) it stands for.
    pub fn keys(self) -> Vec<Vec<String>> {
        let k = |f: &str| vec![f.to_string()];
        match self {
            AssetKey::SerialThenName => vec![k("serial"), k("name")],
            AssetKey::Name => vec![k("name")],
            AssetKey::InventoryThenSerial => vec![k("otherserial"), k("serial")],
        }
    }

    /// The choice in force in `options` (read from the computers' keys, which the page sets
    /// for every asset type), or `None` when the keys are none of the choices.
    pub fn in_force(options: &PlanOptions) -> Option<AssetKey> {
        let keys = options.keys_for(passerelle_engine::glpi::GlpiType::Computer);
        AssetKey::ALL.into_iter().find(|k| k.keys() == keys)
    }

    /// Its code in the page's markup.
    pub fn code(self) -> &'static str {
        match self {
            AssetKey::SerialThenName => "serial",
            AssetKey::Name => "name",
            AssetKey::InventoryThenSerial => "inventory",
        }
    }
}

/// The login form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoginForm {
    /// Login and password rather than a personal token.
    pub use_password: bool,
    /// Personal token.
    pub token: String,
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
}

impl LoginForm {
    /// What it says, as the engine's credentials.
    pub fn credentials(&self) -> Credentials {
        if self.use_password {
            Credentials::Password {
                login: self.login.clone(),
                password: self.password.clone(),
            }
        } else {
            Credentials::UserToken {
                token: self.token.clone(),
            }
        }
    }
}

/// Where the files to migrate come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// The check above: its worker holds them checked.
    Checked,
    /// Picked in the migration section: sent to the worker to be checked and drafted.
    Picked,
    /// Read from the local GLPI through the proxy's `/source-api` (issue 16).
    Api,
}

/// What the session to the local GLPI told us.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceConnection {
    /// Its version (`getGlpiConfig`).
    pub version: String,
    /// Login of the connected person.
    pub user: String,
    /// The session's entities `(id, name)`.
    pub entities: Vec<(u64, String)>,
    /// The session's active entity when it opened.
    pub active: u64,
}

/// How a read of the local GLPI ended.
#[derive(Clone, Debug)]
pub struct ReadEnd {
    /// What is read so far (kept in the journal database too).
    pub read: Rc<SourceRead>,
    /// Per type: read, not carried with why.
    pub counts: Vec<SourceCount>,
    /// `Ok` when every collection is read; stopped on request; or why it stopped.
    pub result: Result<(), Problem>,
    /// Stopped on request.
    pub cancelled: bool,
    /// The draft of a complete read, or the problems that stop it.
    pub draft: Option<Result<Rc<Draft>, Vec<Diagnostic>>>,
}

/// The local GLPI as the migration's source: offered only when the proxy has one.
#[derive(Clone, Debug, Default)]
pub struct SourceSide {
    /// The proxy reads a local GLPI (`/info` gives `source.api_url`).
    pub available: bool,
    /// "GLPI local" is chosen rather than the files.
    pub chosen: bool,
    /// Its login form.
    pub form: LoginForm,
    /// Connecting to it.
    pub busy: bool,
    /// Its session's facts.
    pub connection: Option<SourceConnection>,
    /// The entity to read (with its sub-entities).
    pub entity: Option<u64>,
    /// Reading.
    pub reading: bool,
    /// The latest page read.
    pub progress: Option<SourceProgress>,
    /// What is read so far (from this tab, or kept from an earlier one).
    pub read: Option<Rc<SourceRead>>,
    /// Per type: read, not carried with why (once a read ended).
    pub counts: Vec<SourceCount>,
    /// The last read was stopped on request.
    pub stopped: bool,
}

impl SourceSide {
    /// Objects read so far, every collection together.
    pub fn rows_read(&self) -> usize {
        self.read
            .as_ref()
            .map(|r| r.reads.values().map(|p| p.rows.len()).sum())
            .unwrap_or(0)
    }

    /// Whether a read was started and not finished (kept from an earlier page too).
    pub fn interrupted(&self) -> bool {
        !self.reading
            && self
                .read
                .as_ref()
                .is_some_and(|r| !r.is_complete() && !r.reads.is_empty())
    }
}

/// The files to migrate, as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Sources {
    /// Their names, in order.
    pub names: Vec<String>,
    /// Where they come from.
    pub origin: Origin,
}

/// The plan's draft, built by the worker.
#[derive(Clone, Debug, Default)]
pub enum DraftState {
    /// No files.
    #[default]
    None,
    /// Asked (request number).
    Pending(u32),
    /// Ready to plan.
    Ready(Rc<Draft>),
    /// The files cannot be planned: one problem per such file.
    Stopped(Rc<Vec<Diagnostic>>),
}

/// How long typing must pause before a type-ahead search leaves (milliseconds).
pub const SEARCH_DEBOUNCE_MS: u32 = 300;

/// A type-ahead search of existing target values for one missing value.
#[derive(Clone, Debug, PartialEq)]
pub struct Search {
    /// The type searched.
    pub itemtype: GlpiType,
    /// The text typed.
    pub text: String,
    /// Its number: answers to older ones are dropped.
    pub seq: u32,
    /// Where it is.
    pub state: SearchState,
}

/// Where a type-ahead search is.
#[derive(Clone, Debug, PartialEq)]
pub enum SearchState {
    /// Nothing typed.
    Idle,
    /// Typed: waiting for a pause, or for GLPI's answer.
    Waiting,
    /// GLPI's items named like the text (none: nothing matches).
    Found(Vec<Found>),
    /// The search failed.
    Failed(Problem),
}

/// A run stored in the journal database, with its journal.
pub type Stored = Rc<(RunMeta, Journal)>;

/// The panel's state.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// The login form.
    pub form: LoginForm,
    /// Connecting, or the draft or plan being made.
    pub busy: bool,
    /// The open session's facts.
    pub connection: Option<Connection>,
    /// The files to migrate.
    pub sources: Option<Sources>,
    /// The local GLPI, when the proxy reads one.
    pub source: SourceSide,
    /// Their draft.
    pub draft: DraftState,
    /// Number of the latest draft request.
    pub draft_job: u32,
    /// "Prepare the plan" was pressed before the draft came: plan when it comes.
    pub plan_wanted: bool,
    /// Choices changed while a plan was being made: make it again when it comes.
    pub stale: bool,
    /// The administrator's choices.
    pub options: PlanOptions,
    /// The plan (dry-run).
    pub plan: Option<Rc<Plan>>,
    /// Rights missing for the plan.
    pub missing: Vec<MissingRight>,
    /// The run.
    pub phase: Phase,
    /// Paused on request.
    pub paused: bool,
    /// The run's latest progress.
    pub progress: Option<Progress>,
    /// The journal once the run ended.
    pub journal: Option<Rc<Journal>>,
    /// The read-back.
    pub verify: Option<VerifyReport>,
    /// What undo did.
    pub undo: Option<UndoSummary>,
    /// The confirmation shown, if any.
    pub confirm: Option<Confirm>,
    /// Reading the target back.
    pub verifying: bool,
    /// Undoing.
    pub undoing: bool,
    /// A run interrupted earlier (closed tab, crash), offered for resume.
    pub interrupted: Option<Stored>,
    /// The journal this browser keeps (IndexedDB), with its run: told, exported, purged.
    pub kept: Option<Stored>,
    /// Another tab holds the journal: this one only watches.
    pub elsewhere: bool,
    /// What the other tab's journal says: (objects done, objects planned).
    pub watched: Option<(usize, usize)>,
    /// What went wrong last.
    pub error: Option<Problem>,
    /// Type-ahead searches, per missing value (its [`PlanOptions::value_key`]).
    pub searches: HashMap<String, Search>,
    /// Numbers the searches (answers to older ones are dropped).
    pub search_seq: u32,
    /// The names of the existing values picked, per missing value: shown rather than an id.
    pub picked: HashMap<String, String>,
    /// Effects waiting for the driver (see [`Model::take_effects`]).
    outbox: Outbox,
}

/// Effects produced by the reducer, taken by the component after each render.
#[derive(Clone, Debug, Default)]
struct Outbox(Rc<RefCell<Vec<Effect>>>);

/// A change to the panel.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The panel is shown: look for an interrupted run, watch the journal's lock.
    Mounted,
    /// The login form as typed (token or password mode, token, login, password).
    SetForm(LoginForm),
    /// Connect pressed.
    Connect,
    /// The session opened, or why not.
    Connected(Result<Connection, String>),
    /// Profile or entity chosen.
    ChooseScope {
        /// Profile id.
        profile: u64,
        /// Entity id.
        entity: u64,
    },
    /// The profile and entity are active, or why not.
    ScopeChosen(Result<(u64, u64), Problem>),
    /// Files picked in the migration section.
    FilesPicked(Vec<(String, Rc<Vec<u8>>)>),
    /// Files could not be read from the browser.
    PickFailed(String),
    /// Take the files of the check above.
    UseChecked(Rc<CheckedFiles>),
    /// A reply of the worker on the migration's channel.
    Worker(Reply),
    /// What the proxy says of a local GLPI (`/info`), and what a read left in the journal
    /// database.
    SourceKnown {
        /// The proxy reads one.
        available: bool,
        /// A read kept from an earlier page.
        stored: Option<Rc<SourceRead>>,
    },
    /// Files (`false`) or the local GLPI (`true`) chosen as the source.
    ChooseApi(bool),
    /// The local GLPI's login form as typed.
    SetSourceForm(LoginForm),
    /// Connect to the local GLPI pressed.
    SourceConnect,
    /// Its session opened, or why not.
    SourceConnected(Result<SourceConnection, Problem>),
    /// The local entity to read chosen.
    ChooseSourceEntity(u64),
    /// "Read the local GLPI" pressed (continues a read kept from earlier).
    ReadSource,
    /// Stop the read (what is read is kept).
    CancelRead,
    /// A page of the local GLPI read.
    SourceProgressed(SourceProgress),
    /// The read ended (complete, stopped or failed).
    SourceRead(Box<ReadEnd>),
    /// Options changed.
    SetOptions(PlanOptions),
    /// The assets' reconciliation key chosen.
    SetAssetKey(AssetKey),
    /// One choice for every missing value of a type ("create all", "leave all empty"):
    /// `Create` only where the value may be created.
    ChooseAll {
        /// The type.
        itemtype: passerelle_engine::glpi::GlpiType,
        /// Create or leave empty.
        choice: ValueChoice,
    },
    /// Text typed in a missing value's search of existing target values.
    SearchTyped {
        /// The value's type.
        itemtype: GlpiType,
        /// The missing value.
        value: String,
        /// The text typed.
        text: String,
    },
    /// Typing paused long enough after search `seq`: search, if it is still the latest.
    SearchDue {
        /// The missing value's key.
        key: String,
        /// The search's number.
        seq: u32,
    },
    /// GLPI answered search `seq`.
    SearchFound {
        /// The missing value's key.
        key: String,
        /// The search's number.
        seq: u32,
        /// The items found, or why not.
        result: Result<Vec<Found>, Problem>,
    },
    /// An existing target item picked for a missing value: the plan uses its id.
    PickExisting {
        /// The value's type.
        itemtype: GlpiType,
        /// The missing value.
        value: String,
        /// The item picked.
        found: Found,
    },
    /// "Prepare the plan" pressed.
    Plan,
    /// The plan, or why not.
    Planned(Result<Plan, Problem>),
    /// Show a confirmation (run or undo), or hide it (`None`).
    Ask(Option<Confirm>),
    /// "Run" confirmed.
    Run,
    /// "Resume" pressed on the interrupted run.
    ResumeInterrupted,
    /// The run could not start (lock, readiness, journal).
    RunRefused(Problem),
    /// Rights missing: nothing was written.
    MissingRights(Vec<MissingRight>),
    /// The run holds the journal and starts.
    RunStarted,
    /// The run's progress.
    RunProgress(Progress),
    /// The run ended.
    RunEnded {
        /// The journal, this run included.
        journal: Journal,
        /// `Err` when it stopped on an error.
        result: Result<(), String>,
        /// Stopped on request.
        cancelled: bool,
    },
    /// Pause, resume or cancel.
    Control(ControlState),
    /// "Verify" pressed.
    Verify,
    /// The read-back, or why not.
    Verified(Result<VerifyReport, Problem>),
    /// Undo confirmed.
    Undo,
    /// Undo ended: what it did (or why not) and the journal with it.
    Undone {
        /// What was undone.
        result: Result<UndoSummary, Problem>,
        /// The journal after undo.
        journal: Option<Journal>,
    },
    /// What the journal database holds: a run interrupted earlier, or none.
    Interrupted(Option<Stored>),
    /// Forget the interrupted run.
    Forget,
    /// What the journal database keeps now (after load, a run, an undo, a purge).
    Kept(Option<Stored>),
    /// Purge the kept journal now.
    Purge,
    /// Export the kept journal (JSON, in a language).
    ExportKept(Lang),
    /// What the lock watcher saw.
    LockSeen {
        /// Another tab holds the journal.
        elsewhere: bool,
        /// Its progress.
        watched: Option<(usize, usize)>,
    },
    /// Download the journal (true: JSON, false: CSV), in a language.
    Download(bool, Lang),
}

/// What the driver does for the reducer.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Load the stored run and watch the journal's lock, for the page's life.
    Watch,
    /// Open a session.
    Connect(Credentials),
    /// Make a profile (when it changed) and an entity active.
    ChooseScope {
        /// The profile.
        profile: u64,
        /// Whether it changed.
        change_profile: bool,
        /// The entity.
        entity: u64,
    },
    /// Ask the worker for a draft (bytes of picked files beside).
    Draft(DraftRequest, Vec<Rc<Vec<u8>>>),
    /// Open a session to the local GLPI.
    SourceConnect(Credentials),
    /// Read the local GLPI's entity, continuing `from` when it is the read of that entity.
    ReadSource {
        /// The entity (its sub-entities too).
        entity: u64,
        /// What was read before.
        from: Option<Rc<SourceRead>>,
    },
    /// Stop the read.
    CancelRead,
    /// Wait for a pause in typing, then answer [`Msg::SearchDue`].
    Debounce {
        /// The missing value's key.
        key: String,
        /// The search's number.
        seq: u32,
    },
    /// Search the target's items of a type named like a text; answer [`Msg::SearchFound`].
    Search {
        /// The missing value's key.
        key: String,
        /// The search's number.
        seq: u32,
        /// The type searched.
        itemtype: GlpiType,
        /// The text.
        text: String,
    },
    /// Read the target and plan.
    Plan {
        /// The draft.
        draft: Rc<Draft>,
        /// The choices.
        options: PlanOptions,
    },
    /// Run the plan, or resume a stored run.
    Run {
        /// The plan.
        plan: Rc<Plan>,
        /// The active entity.
        entity: u64,
        /// The stored run to resume.
        resume: Option<Stored>,
    },
    /// Pause, resume or cancel the run.
    Control(ControlState),
    /// Read back what the journal says was done.
    Verify {
        /// The plan.
        plan: Rc<Plan>,
        /// The journal.
        journal: Rc<Journal>,
    },
    /// Undo what the journal says was done.
    Undo(Rc<Journal>),
    /// Forget the stored run.
    Forget,
    /// Purge the journal database (personal data included).
    Purge,
    /// Offer a file to download.
    Download {
        /// File name.
        name: &'static str,
        /// MIME type.
        mime: &'static str,
        /// Content.
        text: String,
    },
}

impl Model {
    /// Applies `msg`; returns what the driver must do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Mounted => return vec![Effect::Watch],
            Msg::SetForm(f) => self.form = f,
            Msg::Connect => {
                if self.busy || self.connection.is_some() {
                    return Vec::new();
                }
                self.busy = true;
                return vec![Effect::Connect(self.form.credentials())];
            }
            Msg::Connected(result) => {
                self.busy = false;
                match result {
                    Ok(c) => {
                        self.connection = Some(c);
                        self.error = None;
                    }
                    Err(e) => self.error = Some(Problem::Text(e)),
                }
            }
            Msg::ChooseScope { profile, entity } => {
                let Some(c) = &self.connection else {
                    return Vec::new();
                };
                return vec![Effect::ChooseScope {
                    profile,
                    change_profile: c.profile != profile,
                    entity,
                }];
            }
            Msg::ScopeChosen(Ok((profile, entity))) => {
                if let Some(c) = &mut self.connection {
                    c.profile = profile;
                    c.entity = entity;
                }
                self.options.default_entity = entity;
                self.error = None;
            }
            Msg::ScopeChosen(Err(e)) => self.error = Some(e),
            Msg::FilesPicked(files) => {
                let specs = files
                    .iter()
                    .map(|(name, _)| FileSpec {
                        name: name.clone(),
                        overrides: Default::default(),
                    })
                    .collect();
                let names = files.iter().map(|(n, _)| n.clone()).collect();
                let bytes = files.into_iter().map(|(_, b)| b).collect();
                return self.new_sources(
                    names,
                    Origin::Picked,
                    DraftSource::Files {
                        files: specs,
                        templates: Vec::new(),
                    },
                    bytes,
                );
            }
            Msg::PickFailed(e) => self.error = Some(Problem::Text(e)),
            Msg::UseChecked(checked) => {
                let specs: Vec<FileSpec> = checked
                    .files
                    .iter()
                    .map(|f| FileSpec {
                        name: f.name.clone(),
                        overrides: f.overrides.clone(),
                    })
                    .collect();
                let names = specs.iter().map(|s| s.name.clone()).collect();
                return self.new_sources(
                    names,
                    Origin::Checked,
                    DraftSource::Checked {
                        of: Channel::Check,
                        files: specs,
                        templates: checked.templates.clone(),
                    },
                    Vec::new(),
                );
            }
            Msg::Worker(reply) => return self.on_worker(reply),
            Msg::SourceKnown { available, stored } => {
                self.source.available = available;
                if self.source.read.is_none() && !self.source.reading {
                    self.source.entity = stored.as_ref().and_then(|r| r.entity);
                    self.source.read = stored;
                }
            }
            Msg::ChooseApi(api) => {
                if !self.source.available
                    || api == self.source.chosen
                    || self.phase == Phase::Running
                {
                    return Vec::new();
                }
                self.source.chosen = api;
                // The other source's draft and plan no longer apply.
                self.sources = None;
                self.draft = DraftState::None;
                self.plan = None;
                self.plan_wanted = false;
                self.draft_job = self.draft_job.wrapping_add(1);
                self.error = None;
            }
            Msg::SetSourceForm(f) => self.source.form = f,
            Msg::SourceConnect => {
                if self.source.busy || self.source.connection.is_some() {
                    return Vec::new();
                }
                self.source.busy = true;
                return vec![Effect::SourceConnect(self.source.form.credentials())];
            }
            Msg::SourceConnected(result) => {
                self.source.busy = false;
                match result {
                    Ok(c) => {
                        // A kept read's entity stays chosen: reading it again continues it.
                        if self.source.entity.is_none() {
                            self.source.entity = Some(c.active);
                        }
                        self.source.connection = Some(c);
                        self.error = None;
                    }
                    Err(p) => self.error = Some(p),
                }
            }
            Msg::ChooseSourceEntity(id) => {
                if !self.source.reading {
                    self.source.entity = Some(id);
                }
            }
            Msg::ReadSource => {
                let (Some(_), Some(entity)) = (&self.source.connection, self.source.entity) else {
                    return Vec::new();
                };
                if self.source.reading || self.phase == Phase::Running {
                    return Vec::new();
                }
                self.source.reading = true;
                self.source.progress = None;
                self.error = None;
                // What is read now replaces the plan of what was read before.
                self.sources = None;
                self.draft = DraftState::None;
                self.plan = None;
                return vec![Effect::ReadSource {
                    entity,
                    from: self.source.read.clone(),
                }];
            }
            Msg::CancelRead => {
                if self.source.reading {
                    return vec![Effect::CancelRead];
                }
            }
            Msg::SourceProgressed(p) => {
                if self.source.reading {
                    self.source.progress = Some(p);
                }
            }
            Msg::SourceRead(end) => {
                let ReadEnd {
                    read,
                    counts,
                    result,
                    cancelled,
                    draft,
                } = *end;
                self.source.reading = false;
                self.source.stopped = cancelled;
                self.source.read = Some(read);
                self.source.counts = counts;
                if let Err(p) = result {
                    self.error = Some(p);
                }
                match draft {
                    Some(Ok(draft)) if self.source.chosen => {
                        let name = match (&self.source.connection, self.source.entity) {
                            (Some(c), Some(e)) => c
                                .entities
                                .iter()
                                .find(|(id, _)| *id == e)
                                .map(|(_, n)| n.clone())
                                .unwrap_or_else(|| format!("#{e}")),
                            _ => String::new(),
                        };
                        self.sources = Some(Sources {
                            names: vec![format!("GLPI local — {name}")],
                            origin: Origin::Api,
                        });
                        self.draft = DraftState::Ready(draft);
                    }
                    Some(Err(problems)) => {
                        self.error = Some(Problem::Stops(problems.clone()));
                        self.draft = DraftState::Stopped(Rc::new(problems));
                    }
                    _ => {}
                }
            }
            Msg::SetOptions(o) => {
                self.options = o;
                return self.replan();
            }
            Msg::SetAssetKey(key) => {
                for t in passerelle_engine::glpi::GlpiType::ALL
                    .iter()
                    .filter(|t| t.is_asset())
                {
                    self.options.keys.insert(*t, key.keys());
                }
                return self.replan();
            }
            Msg::ChooseAll { itemtype, choice } => {
                let Some(plan) = &self.plan else {
                    return Vec::new();
                };
                for u in plan.unmatched.iter().filter(|u| u.itemtype == itemtype) {
                    let choice = match choice {
                        ValueChoice::Create if !u.creatable => continue,
                        other => other,
                    };
                    self.options
                        .values
                        .insert(PlanOptions::value_key(itemtype, &u.value), choice);
                }
                return self.replan();
            }
            Msg::SearchTyped {
                itemtype,
                value,
                text,
            } => {
                let key = PlanOptions::value_key(itemtype, &value);
                self.search_seq = self.search_seq.wrapping_add(1);
                let seq = self.search_seq;
                let blank = text.trim().is_empty();
                self.searches.insert(
                    key.clone(),
                    Search {
                        itemtype,
                        text,
                        seq,
                        state: if blank {
                            SearchState::Idle
                        } else {
                            SearchState::Waiting
                        },
                    },
                );
                if blank || self.connection.is_none() {
                    return Vec::new();
                }
                return vec![Effect::Debounce { key, seq }];
            }
            Msg::SearchDue { key, seq } => {
                // Typing went on meanwhile: a later search replaces this one.
                let Some(search) = self.searches.get(&key).filter(|s| s.seq == seq) else {
                    return Vec::new();
                };
                return vec![Effect::Search {
                    key,
                    seq,
                    itemtype: search.itemtype,
                    text: search.text.clone(),
                }];
            }
            Msg::SearchFound { key, seq, result } => {
                if let Some(search) = self.searches.get_mut(&key).filter(|s| s.seq == seq) {
                    search.state = match result {
                        Ok(found) => SearchState::Found(found),
                        Err(p) => SearchState::Failed(p),
                    };
                }
            }
            Msg::PickExisting {
                itemtype,
                value,
                found,
            } => {
                let key = PlanOptions::value_key(itemtype, &value);
                self.searches.remove(&key);
                self.options
                    .values
                    .insert(key.clone(), ValueChoice::MapTo(found.id));
                self.picked.insert(key, found.name);
                return self.replan();
            }
            Msg::Plan => {
                if self.connection.is_none() || self.busy || self.phase == Phase::Running {
                    return Vec::new();
                }
                match &self.draft {
                    DraftState::None => {}
                    DraftState::Pending(_) => {
                        self.plan_wanted = true;
                        self.busy = true;
                    }
                    DraftState::Ready(draft) => {
                        self.busy = true;
                        return vec![Effect::Plan {
                            draft: draft.clone(),
                            options: self.options.clone(),
                        }];
                    }
                    // Nothing is planned; the problems are shown again.
                    DraftState::Stopped(problems) => {
                        self.error = Some(Problem::Stops(problems.as_ref().clone()));
                    }
                }
            }
            Msg::Planned(result) => {
                self.busy = false;
                match result {
                    Ok(p) => {
                        self.plan = Some(Rc::new(p));
                        self.missing.clear();
                        self.error = None;
                        // Choices made while it was being made: planned again with them.
                        if std::mem::take(&mut self.stale) {
                            return self.replan();
                        }
                    }
                    Err(e) => {
                        self.stale = false;
                        self.error = Some(e);
                    }
                }
            }
            Msg::Ask(confirm) => {
                self.confirm = match confirm {
                    Some(Confirm::Run) if !self.can_run() => None,
                    Some(Confirm::Undo) if !self.can_undo() => None,
                    other => other,
                };
            }
            Msg::Run => {
                // Nothing is written before the administrator confirmed it.
                if self.confirm.take() != Some(Confirm::Run) || !self.can_run() {
                    return Vec::new();
                }
                let (Some(plan), Some(c)) = (&self.plan, &self.connection) else {
                    return Vec::new();
                };
                return vec![Effect::Run {
                    plan: plan.clone(),
                    entity: c.entity,
                    resume: None,
                }];
            }
            Msg::ResumeInterrupted => {
                let (Some(stored), Some(c)) = (&self.interrupted, &self.connection) else {
                    return Vec::new();
                };
                if self.phase == Phase::Running || self.elsewhere {
                    return Vec::new();
                }
                let plan = Rc::new(stored.0.plan.clone());
                self.plan = Some(plan.clone());
                return vec![Effect::Run {
                    plan,
                    entity: c.entity,
                    resume: Some(stored.clone()),
                }];
            }
            Msg::RunRefused(problem) => {
                if problem == Problem::RunningElsewhere {
                    self.elsewhere = true;
                }
                self.error = Some(problem);
            }
            Msg::MissingRights(m) => self.missing = m,
            Msg::RunStarted => {
                self.confirm = None;
                self.missing.clear();
                self.interrupted = None;
                self.phase = Phase::Running;
                self.paused = false;
                self.progress = None;
                self.journal = None;
                self.verify = None;
                self.undo = None;
                self.error = None;
            }
            Msg::RunProgress(p) => {
                if self.phase == Phase::Running {
                    self.progress = Some(p);
                }
            }
            Msg::RunEnded {
                journal,
                result,
                cancelled,
            } => {
                self.journal = Some(Rc::new(journal));
                self.paused = false;
                self.phase = match result {
                    Ok(()) => Phase::Ended { cancelled },
                    Err(e) => Phase::Failed(e),
                };
            }
            Msg::Control(state) => {
                if self.phase != Phase::Running {
                    return Vec::new();
                }
                self.paused = state == ControlState::Paused;
                return vec![Effect::Control(state)];
            }
            Msg::Verify => {
                // Nothing to read back once undone, and one read-back at a time.
                if self.verifying || self.undoing || self.phase == Phase::Undone {
                    return Vec::new();
                }
                if let (Some(plan), Some(journal)) = (&self.plan, &self.journal) {
                    self.verifying = true;
                    self.verify = None;
                    return vec![Effect::Verify {
                        plan: plan.clone(),
                        journal: journal.clone(),
                    }];
                }
            }
            Msg::Verified(result) => {
                self.verifying = false;
                match result {
                    Ok(r) => {
                        self.verify = Some(r);
                        self.error = None;
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Msg::Undo => {
                if self.confirm.take() != Some(Confirm::Undo) || !self.can_undo() {
                    return Vec::new();
                }
                if let Some(journal) = &self.journal {
                    self.undoing = true;
                    return vec![Effect::Undo(journal.clone())];
                }
            }
            Msg::Undone { result, journal } => {
                self.undoing = false;
                if let Some(j) = journal {
                    self.journal = Some(Rc::new(j));
                }
                match result {
                    Ok(s) => {
                        // The target is back as it was: the run's end and its read-back no
                        // longer describe it.
                        self.undo = Some(s);
                        self.verify = None;
                        self.phase = Phase::Undone;
                        self.error = None;
                    }
                    Err(Problem::RunningElsewhere) => {
                        self.elsewhere = true;
                        self.error = Some(Problem::RunningElsewhere);
                    }
                    Err(p) => self.error = Some(p),
                }
            }
            Msg::Interrupted(stored) => {
                self.interrupted = stored
                    .filter(|s| s.1.started() && !s.1.finished() && self.phase != Phase::Running);
            }
            Msg::Forget => {
                if self.elsewhere {
                    return Vec::new();
                }
                self.interrupted = None;
                return vec![Effect::Forget];
            }
            Msg::Kept(kept) => self.kept = kept,
            Msg::Purge => {
                if self.elsewhere || self.phase == Phase::Running || self.undoing {
                    return Vec::new();
                }
                // What the page holds goes with it: nothing personal stays in this tab either
                // (undo needs the journal, so it is no longer offered).
                self.kept = None;
                self.interrupted = None;
                self.journal = None;
                return vec![Effect::Purge];
            }
            Msg::ExportKept(lang) => {
                let Some(kept) = &self.kept else {
                    return Vec::new();
                };
                return vec![Effect::Download {
                    name: "journal-migration.json",
                    mime: "application/json",
                    text: kept.1.to_json_in(lang),
                }];
            }
            Msg::LockSeen { elsewhere, watched } => {
                self.elsewhere = elsewhere;
                self.watched = if elsewhere { watched } else { None };
            }
            Msg::Download(json, lang) => {
                let Some(j) = &self.journal else {
                    return Vec::new();
                };
                return vec![if json {
                    Effect::Download {
                        name: "journal-migration.json",
                        mime: "application/json",
                        text: j.to_json_in(lang),
                    }
                } else {
                    Effect::Download {
                        name: "journal-migration.csv",
                        mime: "text/csv;charset=utf-8",
                        text: j.to_csv_in(lang),
                    }
                }];
            }
        }
        Vec::new()
    }

    /// The administrator's choices changed: the plan on screen is made again with them, so what
    /// it shows (and what a run sends) is always what is chosen. While a plan is being made,
    /// it is made again once it arrives.
    fn replan(&mut self) -> Vec<Effect> {
        if self.plan.is_none() || self.connection.is_none() || self.phase != Phase::Idle {
            return Vec::new();
        }
        if self.busy {
            self.stale = true;
            return Vec::new();
        }
        let DraftState::Ready(draft) = &self.draft else {
            return Vec::new();
        };
        self.busy = true;
        vec![Effect::Plan {
            draft: draft.clone(),
            options: self.options.clone(),
        }]
    }

    /// New files: the old plan goes, the worker is asked for their draft.
    fn new_sources(
        &mut self,
        names: Vec<String>,
        origin: Origin,
        source: DraftSource,
        bytes: Vec<Rc<Vec<u8>>>,
    ) -> Vec<Effect> {
        self.sources = Some(Sources { names, origin });
        self.plan = None;
        self.plan_wanted = false;
        self.error = None;
        self.draft_job = self.draft_job.wrapping_add(1);
        self.draft = DraftState::Pending(self.draft_job);
        let request = DraftRequest {
            id: self.draft_job,
            source,
        };
        vec![Effect::Draft(request, bytes)]
    }

    fn on_worker(&mut self, reply: Reply) -> Vec<Effect> {
        let DraftState::Pending(job) = self.draft else {
            return Vec::new();
        };
        let wanted = std::mem::take(&mut self.plan_wanted);
        match reply {
            Reply::Draft { id, drafted } if id == job => match drafted {
                Drafted::Ready { draft } => {
                    let draft: Rc<Draft> = Rc::from(draft);
                    self.draft = DraftState::Ready(draft.clone());
                    if wanted && self.connection.is_some() {
                        return vec![Effect::Plan {
                            draft,
                            options: self.options.clone(),
                        }];
                    }
                    self.busy = false;
                }
                Drafted::Stopped { problems } => {
                    self.error = Some(Problem::Stops(problems.clone()));
                    self.draft = DraftState::Stopped(Rc::new(problems));
                    self.busy = false;
                }
            },
            // id 0: the worker itself failed; whatever was asked is lost.
            Reply::Failed {
                id,
                message_fr,
                message_en,
            } if id == job || id == 0 => {
                self.draft = DraftState::None;
                self.error = Some(Problem::Both {
                    fr: message_fr,
                    en: message_en,
                });
                self.busy = false;
            }
            // Progress of the check of picked files, or a reply to an older request.
            _ => self.plan_wanted = wanted,
        }
        Vec::new()
    }

    /// Whether the plan on screen may be run: planned, connected, nothing running or being
    /// re-planned (the plan on screen is about to be replaced), the journal not held elsewhere.
    pub fn can_run(&self) -> bool {
        self.plan.is_some()
            && self.connection.is_some()
            && self.phase == Phase::Idle
            && !self.elsewhere
            && !self.busy
    }

    /// Whether the run may be undone: it ended (or stopped) with a journal, nothing else is
    /// going on, and it is not undone already.
    pub fn can_undo(&self) -> bool {
        self.journal.is_some()
            && matches!(self.phase, Phase::Ended { .. } | Phase::Failed(_))
            && !self.elsewhere
            && !self.undoing
            && !self.verifying
    }

    /// Whether the plan can be asked for.
    pub fn can_plan(&self) -> bool {
        self.connection.is_some()
            && self.sources.is_some()
            && !self.busy
            && self.phase != Phase::Running
    }

    /// The effects produced since the last call (the component runs them after each render).
    pub fn take_effects(&self) -> Vec<Effect> {
        std::mem::take(&mut *self.outbox.0.borrow_mut())
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
    use passerelle_engine::check::FileOverrides;
    use passerelle_engine::migrate::journal::Event;
    use passerelle_engine::migrate::plan::TargetData;
    use passerelle_engine::migrate::run::RunOptions;

    use crate::components::checker::model::InputFile;

    fn connection() -> Connection {
        Connection {
            version: "10.0.11".into(),
            user: "glpi".into(),
            profiles: vec![(4, "Super-Admin".into())],
            entities: vec![(0, "Root entity".into()), (3, "Guyane".into())],
            profile: 4,
            entity: 0,
            api_url: "http://glpi.example/apirest.php".into(),
        }
    }

    fn connected() -> Model {
        let mut m = Model::default();
        m.update(Msg::SetForm(LoginForm {
            token: "t0ken".into(),
            ..LoginForm::default()
        }));
        let effects = m.update(Msg::Connect);
        assert!(
            matches!(effects.as_slice(), [Effect::Connect(Credentials::UserToken { token })] if token == "t0ken")
        );
        assert!(m.busy);
        // A second press while connecting does nothing.
        assert!(m.update(Msg::Connect).is_empty());
        m.update(Msg::Connected(Ok(connection())));
        assert!(!m.busy && m.connection.is_some());
        m
    }

    fn draft_of(csv: &str) -> Draft {
        let prepared = passerelle_engine::migrate::inputs::Prepared::from_files(
            &[("Computer.csv".into(), csv.as_bytes().to_vec())],
            &Default::default(),
        );
        prepared.draft()
    }

    const CSV: &str = "Nom;Numéro de série\nPC-1;SN1\nPC-2;SN2\n";

    fn draft_request(effects: &[Effect]) -> (u32, DraftSource, usize) {
        match effects {
            [Effect::Draft(r, bytes)] => (r.id, r.source.clone(), bytes.len()),
            other => panic!("a draft request, not {other:?}"),
        }
    }

    fn planned(m: &mut Model) -> Rc<Plan> {
        let effects = m.update(Msg::Plan);
        let [Effect::Plan { draft, options }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        let plan = draft.plan(&TargetData::default(), options);
        m.update(Msg::Planned(Ok(plan)));
        m.plan.clone().expect("a plan")
    }

    fn ready(m: &mut Model, id: u32) {
        m.update(Msg::Worker(Reply::Draft {
            id,
            drafted: Drafted::Ready {
                draft: Box::new(draft_of(CSV)),
            },
        }));
    }

    fn journal_with_one_created() -> Journal {
        let mut j = Journal::default();
        j.push(Event::Started {
            run: "run-1".into(),
            objects: 1,
            resumed: false,
        });
        j
    }

    #[test]
    fn a_failed_connection_says_why_and_allows_another_try() {
        let mut m = Model::default();
        m.update(Msg::SetForm(LoginForm {
            use_password: true,
            login: "glpi".into(),
            password: "secret".into(),
            ..LoginForm::default()
        }));
        let effects = m.update(Msg::Connect);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Connect(Credentials::Password { login, password })] if login == "glpi" && password == "secret"
        ));
        m.update(Msg::Connected(Err("connexion : 401".into())));
        assert!(!m.busy && m.connection.is_none());
        assert_eq!(m.error, Some(Problem::Text("connexion : 401".into())));
        assert_eq!(m.update(Msg::Connect).len(), 1);
    }

    #[test]
    fn choosing_an_entity_changes_the_plan_s_default_entity_once_glpi_agrees() {
        let mut m = connected();
        let effects = m.update(Msg::ChooseScope {
            profile: 4,
            entity: 3,
        });
        assert!(matches!(
            effects.as_slice(),
            [Effect::ChooseScope {
                profile: 4,
                change_profile: false,
                entity: 3
            }]
        ));
        assert_eq!(m.options.default_entity, 0);
        m.update(Msg::ScopeChosen(Ok((4, 3))));
        assert_eq!(m.options.default_entity, 3);
        assert_eq!(m.connection.as_ref().map(|c| c.entity), Some(3));
        m.update(Msg::ScopeChosen(Err(Problem::Text("refusé".into()))));
        assert_eq!(m.error, Some(Problem::Text("refusé".into())));
    }

    #[test]
    fn checked_files_are_drafted_by_the_worker_from_what_it_checked_by_position() {
        let mut m = Model::default();
        let file = |name: &str| InputFile {
            name: name.into(),
            bytes: Rc::new(b"x".to_vec()),
            overrides: FileOverrides::default(),
        };
        let checked = Rc::new(CheckedFiles {
            files: vec![file("Computer.csv"), file("Computer.csv")],
            ..CheckedFiles::default()
        });
        let effects = m.update(Msg::UseChecked(checked));
        let (id, source, bytes) = draft_request(&effects);
        // No bytes go back to the worker: it holds the checked tables.
        assert_eq!(bytes, 0);
        match source {
            DraftSource::Checked { of, files, .. } => {
                assert_eq!(of, Channel::Check);
                assert_eq!(files.len(), 2, "two files with one name are two files");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(m.draft, DraftState::Pending(p) if p == id));
        assert_eq!(
            m.sources.as_ref().map(|s| s.names.clone()),
            Some(vec!["Computer.csv".to_string(), "Computer.csv".to_string()])
        );
    }

    #[test]
    fn picked_files_go_to_the_worker_and_a_plan_asked_early_waits_for_the_draft() {
        let mut m = connected();
        let effects = m.update(Msg::FilesPicked(vec![(
            "Computer.csv".into(),
            Rc::new(CSV.as_bytes().to_vec()),
        )]));
        let (id, source, bytes) = draft_request(&effects);
        assert!(matches!(source, DraftSource::Files { .. }));
        assert_eq!(bytes, 1);
        // "Prepare the plan" before the draft came: it waits.
        assert!(m.update(Msg::Plan).is_empty());
        assert!(m.busy && m.plan_wanted);
        // Progress of the worker's check, and a reply to an older request, change nothing.
        m.update(Msg::Worker(Reply::Progress {
            id,
            progress: passerelle_engine::check::Progress {
                stage: passerelle_engine::check::Stage::Reading,
                done: 1,
                total: 2,
            },
        }));
        let stale = m.update(Msg::Worker(Reply::Draft {
            id: id.wrapping_sub(1),
            drafted: Drafted::Ready {
                draft: Box::new(draft_of(CSV)),
            },
        }));
        assert!(stale.is_empty() && m.plan_wanted);
        let effects = m.update(Msg::Worker(Reply::Draft {
            id,
            drafted: Drafted::Ready {
                draft: Box::new(draft_of(CSV)),
            },
        }));
        let [Effect::Plan { draft, options }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert!(m.busy, "planning");
        let plan = draft.plan(&TargetData::default(), options);
        m.update(Msg::Planned(Ok(plan)));
        assert!(!m.busy);
        assert_eq!(m.plan.as_ref().map(|p| p.objects.len()), Some(2));
        // New files: the plan goes.
        m.update(Msg::FilesPicked(Vec::new()));
        assert!(m.plan.is_none());
    }

    #[test]
    fn files_that_cannot_be_migrated_stop_the_plan_with_their_name() {
        let mut m = connected();
        let effects = m.update(Msg::FilesPicked(vec![(
            "photo.csv".into(),
            Rc::new(vec![0, 159, 146]),
        )]));
        let (id, _, _) = draft_request(&effects);
        let problem =
            passerelle_engine::read::ReadError::Binary { offset: 0 }.to_diagnostic("photo.csv");
        m.update(Msg::Worker(Reply::Draft {
            id,
            drafted: Drafted::Stopped {
                problems: vec![problem.clone()],
            },
        }));
        assert_eq!(m.error, Some(Problem::Stops(vec![problem.clone()])));
        // Pressing "prepare the plan" plans nothing and shows the problems again.
        m.error = None;
        assert!(m.update(Msg::Plan).is_empty());
        assert_eq!(m.error, Some(Problem::Stops(vec![problem])));
        assert!(m.plan.is_none());
        // The worker failing loses the request, with its reason in both languages.
        let effects = m.update(Msg::FilesPicked(Vec::new()));
        let (id, _, _) = draft_request(&effects);
        m.update(Msg::Worker(Reply::Failed {
            id,
            message_fr: "arrêté".into(),
            message_en: "stopped".into(),
        }));
        assert!(matches!(m.draft, DraftState::None));
        assert_eq!(
            m.error,
            Some(Problem::Both {
                fr: "arrêté".into(),
                en: "stopped".into()
            })
        );
    }

    #[test]
    fn run_pause_resume_cancel_verify_and_undo() {
        let mut m = connected();
        let (id, _, _) = draft_request(&m.update(Msg::FilesPicked(Vec::new())));
        ready(&mut m, id);
        let plan = planned(&mut m);
        // While the plan is being made again (options changed), "run" does nothing: the plan on
        // screen is about to be replaced.
        m.update(Msg::Plan);
        assert!(m.busy);
        assert!(m.update(Msg::Run).is_empty());
        m.update(Msg::Planned(Ok((*plan).clone())));
        let plan = m.plan.clone().expect("planned again");
        // Nothing is written unconfirmed: "run" alone does nothing.
        assert!(m.update(Msg::Run).is_empty());
        m.update(Msg::Ask(Some(Confirm::Run)));
        assert_eq!(m.confirm, Some(Confirm::Run));
        // Cancelled: the confirmation goes, nothing runs.
        m.update(Msg::Ask(None));
        assert!(m.update(Msg::Run).is_empty());
        // Confirmed: one run, with the connection's entity.
        m.update(Msg::Ask(Some(Confirm::Run)));
        let effects = m.update(Msg::Run);
        assert!(m.confirm.is_none());
        assert!(
            matches!(effects.as_slice(), [Effect::Run { plan: p, entity: 0, resume: None }] if Rc::ptr_eq(p, &plan))
        );
        // Undo cannot be asked before a run ended.
        m.update(Msg::Ask(Some(Confirm::Undo)));
        assert!(m.confirm.is_none());
        // Rights missing: nothing starts, they are listed.
        let missing = MissingRight {
            itemtype: passerelle_engine::glpi::GlpiType::Computer,
            right: "computer".into(),
            needed: vec!["create".into()],
        };
        m.update(Msg::MissingRights(vec![missing]));
        assert_eq!(m.missing.len(), 1);
        assert_eq!(m.phase, Phase::Idle);
        // Pause means nothing while nothing runs.
        assert!(m.update(Msg::Control(ControlState::Paused)).is_empty());

        m.update(Msg::Ask(Some(Confirm::Run)));
        m.update(Msg::Run);
        m.update(Msg::RunStarted);
        assert_eq!(m.phase, Phase::Running);
        assert!(m.missing.is_empty());
        // Running: no second run (not even its confirmation), no plan.
        m.update(Msg::Ask(Some(Confirm::Run)));
        assert!(m.confirm.is_none());
        assert!(m.update(Msg::Run).is_empty());
        assert!(!m.can_plan());
        let effects = m.update(Msg::Control(ControlState::Paused));
        assert!(matches!(
            effects.as_slice(),
            [Effect::Control(ControlState::Paused)]
        ));
        assert!(m.paused);
        m.update(Msg::Control(ControlState::Running));
        assert!(!m.paused);
        m.update(Msg::RunProgress(Progress::default()));
        assert!(m.progress.is_some());
        m.update(Msg::Control(ControlState::Cancelled));
        m.update(Msg::RunEnded {
            journal: journal_with_one_created(),
            result: Ok(()),
            cancelled: true,
        });
        assert_eq!(m.phase, Phase::Ended { cancelled: true });
        assert!(m.journal.is_some());

        // Downloads of the journal.
        let effects = m.update(Msg::Download(true, Lang::Fr));
        assert!(matches!(
            effects.as_slice(),
            [Effect::Download {
                name: "journal-migration.json",
                ..
            }]
        ));
        let effects = m.update(Msg::Download(false, Lang::En));
        assert!(matches!(
            effects.as_slice(),
            [Effect::Download { name: "journal-migration.csv", mime, .. }] if mime.starts_with("text/csv")
        ));

        // Verify: busy while reading back (one read-back at a time), red when not clean.
        let effects = m.update(Msg::Verify);
        assert!(matches!(effects.as_slice(), [Effect::Verify { .. }]));
        assert!(m.verifying);
        assert!(m.update(Msg::Verify).is_empty());
        let report = VerifyReport {
            counts: Default::default(),
            differences: vec![passerelle_engine::migrate::run::Difference {
                object: passerelle_engine::migrate::model::ObjectKey::new(
                    passerelle_engine::glpi::GlpiType::Computer,
                    "serial:SN1",
                ),
                id: 7,
                field: "name".into(),
                expected: "PC-1".into(),
                actual: "PC-9".into(),
            }],
        };
        m.update(Msg::Verified(Ok(report)));
        assert!(!m.verifying);
        assert!(m.verify.as_ref().is_some_and(|v| !v.is_clean()));

        // Undo asks first, then goes, busy meanwhile.
        assert!(m.update(Msg::Undo).is_empty());
        m.update(Msg::Ask(Some(Confirm::Undo)));
        assert_eq!(m.confirm, Some(Confirm::Undo));
        let effects = m.update(Msg::Undo);
        assert!(m.confirm.is_none());
        assert!(matches!(effects.as_slice(), [Effect::Undo(_)]));
        assert!(m.undoing);
        assert!(
            m.update(Msg::Verify).is_empty(),
            "no read-back while undoing"
        );
        let mut after = journal_with_one_created();
        after.push(Event::Finished { cancelled: true });
        m.update(Msg::Undone {
            result: Ok(UndoSummary::default()),
            journal: Some(after.clone()),
        });
        assert!(m.undo.is_some() && !m.undoing);
        assert_eq!(m.journal.as_deref(), Some(&after));
        // The page follows what happened: undone, the run's end and its read-back are gone,
        // and neither verify nor a second undo is offered.
        assert_eq!(m.phase, Phase::Undone);
        assert!(m.verify.is_none());
        assert!(m.update(Msg::Verify).is_empty());
        m.update(Msg::Ask(Some(Confirm::Undo)));
        assert!(m.confirm.is_none());
        // A failed undo keeps the phase and says why.
        let mut m2 = Model {
            phase: Phase::Ended { cancelled: false },
            journal: Some(Rc::new(journal_with_one_created())),
            ..connected()
        };
        m2.update(Msg::Ask(Some(Confirm::Undo)));
        m2.update(Msg::Undo);
        m2.update(Msg::Undone {
            result: Err(Problem::Text("refusé".into())),
            journal: None,
        });
        assert_eq!(m2.phase, Phase::Ended { cancelled: false });
        assert!(!m2.undoing && m2.error.is_some());
    }

    #[test]
    fn a_run_stopped_by_an_error_fails_and_keeps_its_journal() {
        let mut m = connected();
        let (id, _, _) = draft_request(&m.update(Msg::FilesPicked(Vec::new())));
        ready(&mut m, id);
        planned(&mut m);
        m.update(Msg::Ask(Some(Confirm::Run)));
        m.update(Msg::Run);
        m.update(Msg::RunStarted);
        m.update(Msg::RunEnded {
            journal: journal_with_one_created(),
            result: Err("le journal n'a pas pu être enregistré".into()),
            cancelled: false,
        });
        assert!(matches!(&m.phase, Phase::Failed(e) if e.contains("journal")));
        assert!(m.journal.is_some());
        // A refused plan or verify says why.
        m.update(Msg::Verified(Err(Problem::Text("lecture".into()))));
        assert_eq!(m.error, Some(Problem::Text("lecture".into())));
    }

    fn stored(started: bool) -> Stored {
        let meta = RunMeta {
            run: "run-1".into(),
            plan: draft_of(CSV).plan(&TargetData::default(), &PlanOptions::default()),
            options: RunOptions::default(),
            entity: 3,
            started_ms: 0.0,
        };
        let j = if started {
            journal_with_one_created()
        } else {
            Journal::default()
        };
        Rc::new((meta, j))
    }

    #[test]
    fn an_interrupted_run_is_offered_and_resumed_with_its_own_plan() {
        let mut m = Model::default();
        assert!(matches!(m.update(Msg::Mounted).as_slice(), [Effect::Watch]));
        // A journal never started is no interrupted run.
        m.update(Msg::Interrupted(Some(stored(false))));
        assert!(m.interrupted.is_none());
        m.update(Msg::Interrupted(Some(stored(true))));
        assert!(m.interrupted.is_some());
        // Not connected: nothing to resume with.
        assert!(m.update(Msg::ResumeInterrupted).is_empty());
        let mut m = Model {
            interrupted: m.interrupted.clone(),
            ..connected()
        };
        let effects = m.update(Msg::ResumeInterrupted);
        let [Effect::Run {
            plan,
            resume: Some(s),
            ..
        }] = effects.as_slice()
        else {
            panic!("{effects:?}")
        };
        assert_eq!(s.0.run, "run-1");
        assert_eq!(**plan, s.0.plan);
        assert_eq!(
            m.plan.as_deref(),
            Some(&s.0.plan),
            "verify uses the run's plan"
        );
        m.update(Msg::RunStarted);
        assert!(m.interrupted.is_none());
    }

    #[test]
    fn another_tab_holding_the_journal_only_lets_this_one_watch() {
        let mut m = connected();
        m.update(Msg::Interrupted(Some(stored(true))));
        m.update(Msg::LockSeen {
            elsewhere: true,
            watched: Some((5, 120)),
        });
        assert!(m.elsewhere);
        assert_eq!(m.watched, Some((5, 120)));
        assert!(m.update(Msg::ResumeInterrupted).is_empty());
        assert!(m.update(Msg::Forget).is_empty());
        let (id, _, _) = draft_request(&m.update(Msg::FilesPicked(Vec::new())));
        ready(&mut m, id);
        planned(&mut m);
        assert!(m.update(Msg::Run).is_empty());
        // Released: this tab may run again; the watched progress goes.
        m.update(Msg::LockSeen {
            elsewhere: false,
            watched: Some((5, 120)),
        });
        assert!(!m.elsewhere && m.watched.is_none());
        m.update(Msg::Ask(Some(Confirm::Run)));
        assert_eq!(m.update(Msg::Run).len(), 1);
        // The lock taken by another tab between the press and the run: refused, told so.
        m.update(Msg::RunRefused(Problem::RunningElsewhere));
        assert!(m.elsewhere);
        assert_eq!(m.error, Some(Problem::RunningElsewhere));
        // An undo refused the same way.
        m.elsewhere = false;
        m.update(Msg::Undone {
            result: Err(Problem::RunningElsewhere),
            journal: None,
        });
        assert!(m.elsewhere);
        // Forget clears the stored run.
        m.elsewhere = false;
        assert!(matches!(m.update(Msg::Forget).as_slice(), [Effect::Forget]));
        assert!(m.interrupted.is_none());
    }

    #[test]
    fn choices_on_missing_values_plan_again_per_type_and_in_force() {
        let mut m = connected();
        let (id, _, _) = draft_request(&m.update(Msg::FilesPicked(Vec::new())));
        ready(&mut m, id);
        planned(&mut m);
        // A plan with missing values of two types, one not creatable.
        let unmatched =
            |itemtype, value: &str, creatable| passerelle_engine::migrate::plan::UnmatchedValue {
                itemtype,
                value: value.into(),
                rows: 2,
                choice: ValueChoice::Empty,
                creatable,
            };
        use passerelle_engine::glpi::GlpiType::{Location, Manufacturer, User};
        let mut plan = (**m.plan.as_ref().unwrap()).clone();
        plan.unmatched = vec![
            unmatched(Manufacturer, "Dell Inc.", true),
            unmatched(Manufacturer, "HP", true),
            unmatched(User, "j.dupont", false),
            unmatched(Location, "Cayenne > A", true),
        ];
        m.plan = Some(Rc::new(plan));
        // "Create all" for manufacturers: both, nothing else; then planned again.
        let effects = m.update(Msg::ChooseAll {
            itemtype: Manufacturer,
            choice: ValueChoice::Create,
        });
        let [Effect::Plan { options, .. }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        let key = |t, v| PlanOptions::value_key(t, v);
        assert_eq!(
            options.values.get(&key(Manufacturer, "HP")),
            Some(&ValueChoice::Create)
        );
        assert_eq!(
            options.values.get(&key(Manufacturer, "Dell Inc.")),
            Some(&ValueChoice::Create)
        );
        assert_eq!(options.values.len(), 2);
        assert!(
            m.busy && !m.can_run(),
            "no run while the plan is made again"
        );
        // Chosen again while planning: planned once more when the plan comes.
        assert!(m
            .update(Msg::ChooseAll {
                itemtype: User,
                choice: ValueChoice::Create,
            })
            .is_empty());
        assert!(m.stale);
        assert!(
            !m.options.values.contains_key(&key(User, "j.dupont")),
            "a user is never created here"
        );
        let effects = m.update(Msg::ChooseAll {
            itemtype: Location,
            choice: ValueChoice::Empty,
        });
        assert!(effects.is_empty());
        let draft = match &m.draft {
            DraftState::Ready(d) => d.clone(),
            _ => panic!(),
        };
        let plan = draft.plan(&TargetData::default(), &PlanOptions::default());
        let effects = m.update(Msg::Planned(Ok(plan.clone())));
        let [Effect::Plan { options, .. }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(
            options.values.get(&key(Location, "Cayenne > A")),
            Some(&ValueChoice::Empty)
        );
        m.update(Msg::Planned(Ok(plan)));
        assert!(!m.busy && !m.stale && m.can_run());
        // A source entity mapped to a target entity: planned again too.
        let mut o = m.options.clone();
        o.entities.insert("Root entity > Guyane".into(), 3);
        assert_eq!(m.update(Msg::SetOptions(o)).len(), 1);
    }

    #[test]
    fn an_existing_value_is_searched_after_a_pause_and_picked_by_name() {
        use passerelle_engine::glpi::GlpiType::Manufacturer;
        let mut m = connected();
        let (id, _, _) = draft_request(&m.update(Msg::FilesPicked(Vec::new())));
        ready(&mut m, id);
        planned(&mut m);
        let typed = |m: &mut Model, text: &str| {
            m.update(Msg::SearchTyped {
                itemtype: Manufacturer,
                value: "Dell Inc.".into(),
                text: text.into(),
            })
        };
        let key = PlanOptions::value_key(Manufacturer, "Dell Inc.");
        // Each keystroke waits for a pause; only the latest search leaves.
        let first = typed(&mut m, "De");
        let [Effect::Debounce { seq: s1, .. }] = first.as_slice() else {
            panic!("{first:?}")
        };
        let second = typed(&mut m, "Del");
        let [Effect::Debounce { seq: s2, .. }] = second.as_slice() else {
            panic!("{second:?}")
        };
        assert_eq!(m.searches[&key].state, SearchState::Waiting);
        assert!(m
            .update(Msg::SearchDue {
                key: key.clone(),
                seq: *s1
            })
            .is_empty());
        let due = m.update(Msg::SearchDue {
            key: key.clone(),
            seq: *s2,
        });
        let [Effect::Search {
            itemtype,
            text,
            seq,
            ..
        }] = due.as_slice()
        else {
            panic!("{due:?}")
        };
        assert_eq!((*itemtype, text.as_str(), *seq), (Manufacturer, "Del", *s2));
        // An older answer is dropped; the latest one is shown.
        let dell = Found {
            id: 12,
            name: "Dell".into(),
        };
        m.update(Msg::SearchFound {
            key: key.clone(),
            seq: *s1,
            result: Ok(Vec::new()),
        });
        assert_eq!(m.searches[&key].state, SearchState::Waiting);
        m.update(Msg::SearchFound {
            key: key.clone(),
            seq: *s2,
            result: Ok(vec![dell.clone()]),
        });
        assert_eq!(
            m.searches[&key].state,
            SearchState::Found(vec![dell.clone()])
        );
        // Emptied: nothing is searched.
        assert!(typed(&mut m, "  ").is_empty());
        assert_eq!(m.searches[&key].state, SearchState::Idle);
        // Picked: the plan is made again with its id, its name kept to be shown.
        let effects = m.update(Msg::PickExisting {
            itemtype: Manufacturer,
            value: "Dell Inc.".into(),
            found: dell,
        });
        let [Effect::Plan { options, .. }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(options.values.get(&key), Some(&ValueChoice::MapTo(12)));
        assert_eq!(m.picked.get(&key).map(String::as_str), Some("Dell"));
        assert!(!m.searches.contains_key(&key));
    }

    #[test]
    fn the_kept_journal_is_exported_and_purged_never_while_running() {
        let mut m = connected();
        assert!(m.update(Msg::ExportKept(Lang::Fr)).is_empty());
        m.update(Msg::Kept(Some(stored(true))));
        let effects = m.update(Msg::ExportKept(Lang::En));
        assert!(
            matches!(effects.as_slice(), [Effect::Download { name: "journal-migration.json", text, .. }] if text.contains("run-1"))
        );
        m.phase = Phase::Running;
        assert!(m.update(Msg::Purge).is_empty());
        assert!(m.kept.is_some());
        m.phase = Phase::Ended { cancelled: false };
        m.journal = Some(Rc::new(journal_with_one_created()));
        assert!(matches!(m.update(Msg::Purge).as_slice(), [Effect::Purge]));
        assert!(m.kept.is_none() && m.journal.is_none());
        assert!(!m.can_undo());
        // Purged 30 days after the run started.
        assert_eq!(crate::browser::purge_at(0.0), 30.0 * 86_400_000.0);
    }

    #[test]
    fn the_asset_key_shown_is_the_one_in_force() {
        let mut m = Model::default();
        assert_eq!(
            AssetKey::in_force(&m.options),
            Some(AssetKey::SerialThenName),
            "GLPI's default key"
        );
        m.update(Msg::SetAssetKey(AssetKey::InventoryThenSerial));
        assert_eq!(
            AssetKey::in_force(&m.options),
            Some(AssetKey::InventoryThenSerial)
        );
        assert_eq!(
            m.options
                .keys_for(passerelle_engine::glpi::GlpiType::Monitor),
            vec![vec!["otherserial".to_string()], vec!["serial".to_string()]]
        );
        // Keys set otherwise (none of the choices) are not shown as one of them.
        m.options.keys.insert(
            passerelle_engine::glpi::GlpiType::Computer,
            vec![vec!["uuid".into()]],
        );
        assert_eq!(AssetKey::in_force(&m.options), None);
    }

    #[test]
    fn the_reducer_queues_effects_for_the_component() {
        use yew::Reducible;
        let m = Rc::new(Model::default());
        let m = m.reduce(Msg::Mounted);
        let m = m.reduce(Msg::SetForm(LoginForm {
            token: "x".into(),
            ..LoginForm::default()
        }));
        let m = m.reduce(Msg::Connect);
        let effects = m.take_effects();
        assert!(matches!(
            effects.as_slice(),
            [Effect::Watch, Effect::Connect(_)]
        ));
        assert!(m.take_effects().is_empty());
    }

    fn source_connection() -> SourceConnection {
        SourceConnection {
            version: "10.0.11".into(),
            user: "glpi".into(),
            entities: vec![(0, "Entité racine".into()), (2, "Préfecture".into())],
            active: 0,
        }
    }

    fn ended(read: SourceRead, draft: Option<Result<Rc<Draft>, Vec<Diagnostic>>>) -> Msg {
        Msg::SourceRead(Box::new(ReadEnd {
            counts: read.counts(),
            read: Rc::new(read),
            result: Ok(()),
            cancelled: false,
            draft,
        }))
    }

    /// Without a local GLPI behind the proxy, the page offers files only.
    #[test]
    fn the_local_glpi_is_offered_only_when_the_proxy_reads_one() {
        let mut m = connected();
        m.update(Msg::SourceKnown {
            available: false,
            stored: None,
        });
        m.update(Msg::ChooseApi(true));
        assert!(!m.source.chosen);
        m.update(Msg::SourceKnown {
            available: true,
            stored: None,
        });
        m.update(Msg::ChooseApi(true));
        assert!(m.source.chosen);
    }

    /// The local GLPI's own login (same form, its own credentials), its entity, a read that
    /// continues what was read before, then the same plan as for files.
    #[test]
    fn the_local_glpi_is_read_then_planned_like_files() {
        let mut m = connected();
        m.update(Msg::SourceKnown {
            available: true,
            stored: None,
        });
        // Files were drafted: choosing the local GLPI drops them.
        let effects = m.update(Msg::FilesPicked(vec![(
            "Computer.csv".into(),
            Rc::new(CSV.as_bytes().to_vec()),
        )]));
        assert_eq!(effects.len(), 1);
        m.update(Msg::ChooseApi(true));
        assert!(m.sources.is_none() && matches!(m.draft, DraftState::None));
        assert!(!m.can_plan());
        // Nothing is read before the local login.
        assert!(m.update(Msg::ReadSource).is_empty());
        m.update(Msg::SetSourceForm(LoginForm {
            use_password: true,
            login: "lecteur".into(),
            password: "pw".into(),
            ..LoginForm::default()
        }));
        let effects = m.update(Msg::SourceConnect);
        assert!(matches!(
            effects.as_slice(),
            [Effect::SourceConnect(Credentials::Password { login, .. })] if login == "lecteur"
        ));
        // The national session is untouched.
        assert_eq!(m.form.token, "t0ken");
        m.update(Msg::SourceConnected(Ok(source_connection())));
        assert_eq!(m.source.entity, Some(0));
        m.update(Msg::ChooseSourceEntity(2));
        let effects = m.update(Msg::ReadSource);
        assert!(matches!(
            effects.as_slice(),
            [Effect::ReadSource {
                entity: 2,
                from: None
            }]
        ));
        assert!(m.source.reading);
        // One read at a time; the entity stays while reading.
        assert!(m.update(Msg::ReadSource).is_empty());
        m.update(Msg::ChooseSourceEntity(0));
        assert_eq!(m.source.entity, Some(2));
        m.update(Msg::SourceProgressed(SourceProgress {
            itemtype: GlpiType::Computer,
            read: 1000,
            total: Some(1500),
        }));
        assert_eq!(m.source.progress.as_ref().map(|p| p.read), Some(1000));
        assert!(matches!(
            m.update(Msg::CancelRead).as_slice(),
            [Effect::CancelRead]
        ));
        // Stopped: what is read is kept, and the next read continues it.
        let partial = SourceRead {
            entity: Some(2),
            recursive: true,
            ..SourceRead::default()
        };
        m.update(Msg::SourceRead(Box::new(ReadEnd {
            read: Rc::new(partial.clone()),
            counts: Vec::new(),
            result: Ok(()),
            cancelled: true,
            draft: None,
        })));
        assert!(!m.source.reading && m.source.stopped);
        assert!(!m.can_plan());
        let effects = m.update(Msg::ReadSource);
        assert!(matches!(
            effects.as_slice(),
            [Effect::ReadSource { entity: 2, from: Some(r) }] if **r == partial
        ));
        // Complete: its draft is planned as the files' would be.
        let complete = SourceRead {
            complete: true,
            ..partial
        };
        m.update(ended(complete, Some(Ok(Rc::new(draft_of(CSV))))));
        assert_eq!(
            m.sources
                .as_ref()
                .map(|s| (s.names.clone(), s.origin.clone())),
            Some((vec!["GLPI local — Préfecture".to_string()], Origin::Api))
        );
        assert!(m.can_plan());
        let plan = planned(&mut m);
        assert_eq!(plan.objects.len(), 2);
    }

    /// A read kept from an earlier page is offered again, for its entity, once logged in.
    #[test]
    fn a_read_kept_from_an_earlier_page_is_continued() {
        let mut m = connected();
        let kept = Rc::new(SourceRead {
            entity: Some(2),
            recursive: true,
            reads: [("User".to_string(), Default::default())]
                .into_iter()
                .collect(),
            complete: false,
            ..SourceRead::default()
        });
        m.update(Msg::SourceKnown {
            available: true,
            stored: Some(kept.clone()),
        });
        assert!(m.source.interrupted());
        m.update(Msg::ChooseApi(true));
        m.update(Msg::SourceConnected(Ok(source_connection())));
        assert_eq!(m.source.entity, Some(2), "the kept read's entity");
        let effects = m.update(Msg::ReadSource);
        assert!(matches!(
            effects.as_slice(),
            [Effect::ReadSource { entity: 2, from: Some(r) }] if Rc::ptr_eq(r, &kept)
        ));
    }
}
