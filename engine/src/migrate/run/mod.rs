//! Carrying a plan out, in parts of one job each:
//!
//! - `schedule`: the stages (every object of one rank together), one target read per item type
//!   per run kept up to date from the create answers, the fresh decision of each object, and
//!   batches of one type and action spanning every group of the rank;
//! - `send`: the batches themselves (intent journaled before the request leaves, a bounded
//!   number in flight, sizes adapted to the answer time);
//! - `recovery`: what an interrupted or unanswered create really did (read back newer than
//!   the watermark, matched by key), and the outcome an interrupted batch is journaled with;
//! - [`progress`], [`undo`], [`verify`](mod@verify);
//! - [`dry_run`](mod@dry_run): the runner itself over a transport that records the requests and answers
//!   writes with made-up ids, so the preview is what the run would send.
//!
//! Retries wait with the client's backoff ([`GlpiClient::backoff`]): one policy.

use crate::sort::CollectOrdered;
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use thiserror::Error;

use super::api::Transport;
use super::client::{CallError, GlpiClient};
use super::journal::{Event, IntentKey, Journal, Outcome, Record, RecordReason};
use super::model::{Decision, ObjectKey, PlannedObject};
use super::plan::{Draft, Plan, TargetData};
use super::reconcile::TargetIndex;
use crate::glpi::{bits, GlpiType};

pub mod dry_run;
pub mod progress;
mod recovery;
mod schedule;
mod send;
pub mod undo;
pub mod verify;

pub use dry_run::{dry_run, DryRun, MemorySink, RecordingTransport};
pub use progress::{Progress, TypeProgress};
pub use undo::UndoSummary;
pub use verify::{verify, Difference, VerifyReport};

/// How a run sends its batches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunOptions {
    /// First batch size.
    pub batch_size: usize,
    /// Largest batch size.
    pub max_batch_size: usize,
    /// A batch should take about this long; sizes adapt to it (milliseconds).
    pub target_batch_ms: f64,
    /// Calls in flight at once.
    pub in_flight: usize,
    /// API URL shown in cURL commands.
    pub api_url: String,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            batch_size: 50,
            max_batch_size: 400,
            target_batch_ms: 2000.0,
            in_flight: 4,
            api_url: "/api".into(),
        }
    }
}

/// What the administrator asks of a running migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ControlState {
    /// Go on.
    Running,
    /// Finish the calls in flight, then wait.
    Paused,
    /// Finish the calls in flight, then stop.
    Cancelled,
}

/// Where the run asks whether to go on.
pub trait Control {
    /// The current wish.
    fn state(&self) -> ControlState;
}

impl Control for ControlState {
    fn state(&self) -> ControlState {
        *self
    }
}

impl Control for std::cell::Cell<ControlState> {
    fn state(&self) -> ControlState {
        self.get()
    }
}

/// Where the journal's events go as the run goes (IndexedDB in the browser, a file natively).
/// `append` must return only once the events are stored.
#[allow(async_fn_in_trait)]
pub trait JournalSink {
    /// Stores events.
    fn append(&self, events: &[Event]) -> impl Future<Output = Result<(), String>>;
}

/// A [`JournalSink`] behind a pointer, as the [`Runner`] holds it: one runner for every sink (see
/// [`ErasedTransport`](super::api::ErasedTransport)). Implement [`JournalSink`], never this.
pub trait ErasedSink {
    /// [`JournalSink::append`], its future boxed.
    fn append_erased<'a>(&'a self, events: &'a [Event]) -> LocalBoxFuture<'a, Result<(), String>>;
}

impl<S: JournalSink> ErasedSink for S {
    fn append_erased<'a>(&'a self, events: &'a [Event]) -> LocalBoxFuture<'a, Result<(), String>> {
        Box::pin(self.append(events))
    }
}

/// Why a run stopped before its end.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum RunError {
    /// The journal could not be written: nothing more is sent.
    #[error(
        "le journal n'a pas pu être enregistré ({0}) : la migration s'arrête pour ne rien perdre"
    )]
    Journal(String),
    /// Reading the target failed for good.
    #[error("lecture de la cible impossible : {0}")]
    Target(CallError),
    /// The session could not be opened.
    #[error("{0}")]
    Session(CallError),
}

/// Reads, once and in large pages, every target itemtype a draft plan needs (and the entities),
/// `in_flight` types at a time: a prefecture's plan needs some thirty types, most of them a
/// handful of rows, and each read costs GLPI's start-up (tens of milliseconds) whatever its size.
pub async fn read_target(
    client: &GlpiClient<'_>,
    draft: &Draft,
    in_flight: usize,
) -> Result<TargetData, CallError> {
    use futures_util::stream::{self, StreamExt, TryStreamExt};
    let mut types = draft.needed_types();
    types.insert(GlpiType::Entity);
    let items: Vec<(GlpiType, Vec<Map<String, Value>>)> = stream::iter(types)
        .map(|t| async move { client.read_all(t).await.map(|items| (t, items)) })
        .buffer_unordered(in_flight.max(1))
        .try_collect()
        .await?;
    Ok(TargetData {
        items: items.into_iter().collect(),
    })
}

/// A right missing for the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingRight {
    /// Itemtype.
    pub itemtype: GlpiType,
    /// Right name in the profile.
    pub right: String,
    /// What is needed: `read`, `create`, `update`.
    pub needed: Vec<String>,
}

/// Checks, before anything is written, that the session's profile has the rights each planned
/// itemtype needs (read, create, update, and delete for undo when asked).
pub async fn preflight(
    client: &GlpiClient<'_>,
    plan: &Plan,
    with_delete: bool,
) -> Result<Vec<MissingRight>, CallError> {
    let session = client.full_session().await?;
    let profile = session
        .get("glpiactiveprofile")
        .cloned()
        .unwrap_or(Value::Null);
    let mut needs: BTreeMap<GlpiType, u64> = BTreeMap::new();
    for o in &plan.objects {
        let mut need = bits::READ;
        match o.decision {
            Decision::Create => need |= bits::CREATE,
            Decision::Update { .. } => need |= bits::UPDATE,
            _ => {}
        }
        if with_delete && o.decision == Decision::Create {
            need |= bits::PURGE;
        }
        *needs.entry(o.key.itemtype).or_default() |= need;
    }
    let mut missing = Vec::new();
    for (itemtype, need) in needs {
        let right = itemtype.right();
        let have = profile.get(right).and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        });
        let have = have.unwrap_or(0);
        let mut lacking = Vec::new();
        for (bit, name) in [
            (bits::READ, "read"),
            (bits::CREATE, "create"),
            (bits::UPDATE, "update"),
            (bits::PURGE, "purge"),
        ] {
            if need & bit != 0 && have & itemtype.right_bit(bit) == 0 {
                lacking.push(name.to_string());
            }
        }
        if !lacking.is_empty() {
            missing.push(MissingRight {
                itemtype,
                right: right.to_string(),
                needed: lacking,
            });
        }
    }
    Ok(missing)
}

/// Reads of a type at most, while waiting for an interrupted bulk create to end on the server.
const SETTLE_READS: usize = 30;
/// Pause between two of those reads: longer than GLPI takes for one item of a bulk.
const SETTLE_PAUSE_MS: u64 = 2_000;

/// Runs (or resumes) a plan. `journal` holds what earlier attempts recorded; new events are
/// added to it and stored through `sink` as they happen.
pub struct Runner<'a, 'c> {
    client: &'a GlpiClient<'c>,
    /// Erased, like the client's transport: one runner per program.
    sink: &'a (dyn ErasedSink + 'a),
    control: &'a (dyn Control + 'a),
    options: RunOptions,
    journal: RefCell<Journal>,
    started_ms: f64,
    progress: RefCell<Progress>,
    observer: Box<dyn Fn(&Progress) + 'a>,
    /// Target items read for the plan in this same session, used instead of a second read.
    seed: RefCell<BTreeMap<GlpiType, Vec<Map<String, Value>>>>,
    /// One index per item type, read once per run and kept current from the create answers.
    indexes: RefCell<HashMap<GlpiType, TargetIndex>>,
}

impl<'a, 'c> Runner<'a, 'c> {
    /// A runner.
    pub fn new<S: JournalSink, C: Control>(
        client: &'a GlpiClient<'c>,
        journal: Journal,
        sink: &'a S,
        control: &'a C,
        options: RunOptions,
        observer: Box<dyn Fn(&Progress) + 'a>,
    ) -> Self {
        let now = client.transport().now_ms();
        let batch_size = options.batch_size;
        Runner {
            client,
            sink,
            control,
            options,
            journal: RefCell::new(journal),
            started_ms: now,
            progress: RefCell::new(Progress {
                batch_size,
                ..Progress::default()
            }),
            observer,
            seed: RefCell::new(BTreeMap::new()),
            indexes: RefCell::new(HashMap::new()),
        }
    }

    /// Uses the target items the plan was just made from (same session, nothing written since)
    /// instead of reading each type again: the run then reads nothing it already has. Types
    /// missing from `target` are read when first needed.
    pub fn with_target(self, target: TargetData) -> Self {
        *self.seed.borrow_mut() = target.items;
        self
    }

    /// The journal so far.
    pub fn journal(&self) -> Journal {
        self.journal.borrow().clone()
    }

    /// Hands the journal back.
    pub fn into_journal(self) -> Journal {
        self.journal.into_inner()
    }

    /// The current progress.
    pub fn progress(&self) -> Progress {
        self.progress.borrow().clone()
    }

    fn elapsed(&self) -> f64 {
        self.client.transport().now_ms() - self.started_ms
    }

    /// Stores events, then folds them into the journal: the journal in memory never holds
    /// what the stored one may not.
    async fn record(&self, events: Vec<Event>) -> Result<(), RunError> {
        if events.is_empty() {
            return Ok(());
        }
        self.sink
            .append_erased(&events)
            .await
            .map_err(RunError::Journal)?;
        let mut j = self.journal.borrow_mut();
        for e in events {
            j.push(e);
        }
        Ok(())
    }

    fn plain_record(
        &self,
        o: &PlannedObject,
        outcome: Outcome,
        id: Option<u64>,
        reason: RecordReason,
    ) -> Record {
        Record {
            object: o.key.clone(),
            rank: o.rank,
            outcome,
            id,
            reason,
            sources: o.sources.clone(),
            before: None,
            curl: None,
            at_ms: self.elapsed(),
        }
    }

    /// Runs the plan to its end (or until cancelled). Safe to call again with the journal of
    /// an interrupted run: nothing is created twice.
    pub async fn run(&self, plan: &Plan, run_id: &str) -> Result<(), RunError> {
        let resumed = self.journal.borrow().started();
        self.record(vec![Event::Started {
            run: run_id.to_string(),
            objects: plan.objects.len(),
            resumed,
        }])
        .await?;
        self.settle_interrupted_creates().await?;
        self.account_for_dropped(plan).await?;
        let mut ids = self.journal.borrow().ids();
        let mut batch_size = self.options.batch_size.max(1);
        let mut cancelled = false;
        self.note_progress(plan);
        for stage in schedule::stages(plan) {
            if self.wait_while_paused().await == ControlState::Cancelled {
                cancelled = true;
                break;
            }
            if self
                .run_stage(plan, &stage, &mut ids, &mut batch_size)
                .await?
            {
                cancelled = true;
                break;
            }
        }
        self.record(vec![Event::Finished { cancelled }]).await?;
        self.note_progress(plan);
        Ok(())
    }

    /// A killed client does not stop the server: GLPI may still be carrying out the bulk create
    /// that was in flight (a 400-item POST takes seconds). Before deciding anything about those
    /// objects, the types of interrupted creates are read until two reads a moment apart find
    /// the same items; what the plan read before is not trusted for them.
    async fn settle_interrupted_creates(&self) -> Result<(), RunError> {
        let types: std::collections::BTreeSet<GlpiType> = self
            .journal
            .borrow()
            .in_flight_creates()
            .into_iter()
            .map(|(o, _)| o.itemtype)
            .into_set();
        for itemtype in types {
            let mut last: Option<Vec<u64>> = None;
            for _ in 0..SETTLE_READS {
                let items = self
                    .client
                    .read_all(itemtype)
                    .await
                    .map_err(RunError::Target)?;
                let mut ids: Vec<u64> = items
                    .iter()
                    .filter_map(|i| i.get("id").and_then(Value::as_u64))
                    .collect();
                ids.sort_unstable();
                if last.as_ref() == Some(&ids) {
                    break;
                }
                last = Some(ids);
                self.client.transport().sleep(SETTLE_PAUSE_MS).await;
            }
            self.seed.borrow_mut().remove(&itemtype);
            self.indexes.borrow_mut().remove(&itemtype);
        }
        Ok(())
    }

    /// Objects an interrupted create batch held that the plan no longer has: the new plan
    /// found them on the target (a value it now uses by id), so they were created by this run.
    /// Journaled as created, found by the key their intent recorded, so that undo removes them.
    async fn account_for_dropped(&self, plan: &Plan) -> Result<(), RunError> {
        let planned: std::collections::HashSet<&ObjectKey> =
            plan.objects.iter().map(|o| &o.key).collect();
        let dropped: Vec<(ObjectKey, IntentKey)> = self
            .journal
            .borrow()
            .in_flight_creates()
            .into_iter()
            .filter(|(o, k)| !planned.contains(o) && !k.value.is_empty())
            .collect();
        let mut events = Vec::new();
        for (object, key) in dropped {
            let itemtype = object.itemtype;
            self.ensure_index(itemtype, &plan.options.keys_for(itemtype))
                .await?;
            let found = self
                .indexes
                .borrow()
                .get(&itemtype)
                .map(|i| i.lookup(&key.fields, &key.value).to_vec())
                .unwrap_or_default();
            if let [id] = found[..] {
                events.push(Event::Done(Record {
                    object,
                    rank: key.rank,
                    outcome: Outcome::Created,
                    id: Some(id),
                    reason: RecordReason::FoundCreated,
                    sources: Vec::new(),
                    before: None,
                    curl: None,
                    at_ms: self.elapsed(),
                }));
            }
        }
        self.record(events).await
    }

    async fn wait_while_paused(&self) -> ControlState {
        loop {
            match self.control.state() {
                ControlState::Paused => {
                    self.progress.borrow_mut().paused = true;
                    (self.observer)(&self.progress.borrow());
                    self.client.transport().sleep(200).await;
                }
                s => {
                    self.progress.borrow_mut().paused = false;
                    return s;
                }
            }
        }
    }
}
