//! Carrying a plan out: preflight (rights per item type), bulk creates and updates in adaptive
//! batches with a bounded number of calls in flight, in-flight reconciliation after an unknown
//! outcome or an interruption, pause and cancel, undo, and verification by reading back.

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use thiserror::Error;

use super::api::{ApiRequest, Method, Transport};
use super::client::{BulkResult, CallError, GlpiClient, ItemResult};
use super::journal::{BatchAction, Event, Journal, Outcome, Record};
use super::model::{Decision, FieldValue, IdMap, ObjectKey, PlannedObject};
use super::plan::{Draft, Plan, TargetData};
use super::reconcile::{
    decide, diff, object_key, same_value, target_text, KeyValue, ReconcileRules, TargetIndex,
};
use crate::glpi::{bits, GlpiType};

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

/// Progress of one item type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TypeProgress {
    /// Objects of the type in the plan.
    pub total: usize,
    /// Per outcome.
    pub outcomes: BTreeMap<Outcome, usize>,
}

impl TypeProgress {
    /// Objects with an outcome.
    pub fn done(&self) -> usize {
        self.outcomes.values().sum()
    }
}

/// What the dashboard shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Per itemtype, in creation order.
    pub types: Vec<(GlpiType, TypeProgress)>,
    /// Milliseconds since the start.
    pub elapsed_ms: f64,
    /// Objects sent per second so far.
    pub items_per_second: f64,
    /// Estimated milliseconds left.
    pub remaining_ms: Option<f64>,
    /// Errors per GLPI code.
    pub errors: BTreeMap<String, usize>,
    /// `(elapsed ms, objects done)` samples, for the throughput chart.
    pub samples: Vec<(f64, usize)>,
    /// Current batch size.
    pub batch_size: usize,
    /// Whether paused.
    pub paused: bool,
    /// Calls, retries, re-logins.
    pub calls: u64,
    /// Retries.
    pub retries: u64,
    /// Sessions opened again.
    pub relogins: u64,
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

/// Reads, once and in large pages, every target itemtype a draft plan needs (and the entities).
pub async fn read_target<T: Transport>(
    client: &GlpiClient<'_, T>,
    draft: &Draft,
) -> Result<TargetData, CallError> {
    let mut target = TargetData::default();
    let mut types = draft.needed_types();
    types.insert(GlpiType::Entity);
    for t in types {
        let items = client.read_all(t).await?;
        target.items.insert(t, items);
    }
    Ok(target)
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
pub async fn preflight<T: Transport>(
    client: &GlpiClient<'_, T>,
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
            if need & bit != 0 && have & bit == 0 {
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

type BatchFuture<'f> = Pin<Box<dyn Future<Output = BatchOutcome> + 'f>>;

struct BatchOutcome {
    batch: u64,
    records: Vec<Record>,
    elapsed_ms: f64,
    journal_error: Option<String>,
}

/// Runs (or resumes) a plan. `journal` holds what earlier attempts recorded; new events are
/// added to it and stored through `sink` as they happen.
pub struct Runner<'a, 'c, T: Transport, S: JournalSink, C: Control> {
    client: &'a GlpiClient<'c, T>,
    sink: &'a S,
    control: &'a C,
    options: RunOptions,
    journal: RefCell<Journal>,
    started_ms: f64,
    progress: RefCell<Progress>,
    observer: Box<dyn Fn(&Progress) + 'a>,
}

impl<'a, 'c, T: Transport, S: JournalSink, C: Control> Runner<'a, 'c, T, S, C> {
    /// A runner.
    pub fn new(
        client: &'a GlpiClient<'c, T>,
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
        }
    }

    /// The journal so far.
    pub fn journal(&self) -> Journal {
        self.journal.borrow().clone()
    }

    /// Hands the journal back.
    pub fn into_journal(self) -> Journal {
        self.journal.into_inner()
    }

    fn elapsed(&self) -> f64 {
        self.client.transport().now_ms() - self.started_ms
    }

    async fn record(&self, events: Vec<Event>) -> Result<(), RunError> {
        if events.is_empty() {
            return Ok(());
        }
        self.sink.append(&events).await.map_err(RunError::Journal)?;
        let mut j = self.journal.borrow_mut();
        for e in events {
            j.push(e);
        }
        Ok(())
    }

    fn note_progress(&self, plan: &Plan) {
        let journal = self.journal.borrow();
        let mut p = self.progress.borrow_mut();
        let mut types: Vec<(GlpiType, TypeProgress)> = Vec::new();
        for o in &plan.objects {
            let pos = match types.iter().position(|(t, _)| *t == o.key.itemtype) {
                Some(i) => i,
                None => {
                    types.push((o.key.itemtype, TypeProgress::default()));
                    types.len() - 1
                }
            };
            types[pos].1.total += 1;
            if let Some(r) = journal.record(&o.key) {
                *types[pos].1.outcomes.entry(r.outcome).or_default() += 1;
            }
        }
        let done: usize = types.iter().map(|(_, t)| t.done()).sum();
        let total: usize = types.iter().map(|(_, t)| t.total).sum();
        let elapsed = self.elapsed();
        p.types = types;
        p.elapsed_ms = elapsed;
        p.items_per_second = if elapsed > 0.0 {
            done as f64 * 1000.0 / elapsed
        } else {
            0.0
        };
        p.remaining_ms =
            (p.items_per_second > 0.0).then(|| (total - done) as f64 * 1000.0 / p.items_per_second);
        p.errors = BTreeMap::new();
        for r in journal.records() {
            if r.outcome == Outcome::Failed || r.outcome == Outcome::Rejected {
                *p.errors
                    .entry(r.code.clone().unwrap_or_else(|| "?".into()))
                    .or_default() += 1;
            }
        }
        if p.samples.last().is_none_or(|(t, _)| elapsed - t >= 250.0) {
            p.samples.push((elapsed, done));
        }
        let stats = self.client.stats();
        p.calls = stats.calls;
        p.retries = stats.retries;
        p.relogins = stats.relogins;
        (self.observer)(&p);
    }

    /// The current progress.
    pub fn progress(&self) -> Progress {
        self.progress.borrow().clone()
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
        let rules = ReconcileRules {
            never_overwrite: plan.options.never_overwrite,
        };
        let mut ids: IdMap = self.journal.borrow().ids();
        let mut batch_size = self.options.batch_size.max(1);
        let mut cancelled = false;
        let mut i = 0;
        self.note_progress(plan);
        while i < plan.objects.len() {
            let first = &plan.objects[i];
            let mut j = i;
            while j < plan.objects.len()
                && plan.objects[j].rank == first.rank
                && plan.objects[j].key.itemtype == first.key.itemtype
            {
                j += 1;
            }
            let group = &plan.objects[i..j];
            i = j;
            if self.wait_while_paused().await == ControlState::Cancelled {
                cancelled = true;
                break;
            }
            let stop = self
                .run_group(plan, group, &mut ids, rules, &mut batch_size)
                .await?;
            if stop {
                cancelled = true;
                break;
            }
        }
        self.record(vec![Event::Finished { cancelled }]).await?;
        self.note_progress(plan);
        Ok(())
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

    fn plain_record(
        &self,
        o: &PlannedObject,
        outcome: Outcome,
        id: Option<u64>,
        code: Option<String>,
        message: String,
    ) -> Record {
        Record {
            object: o.key.clone(),
            rank: o.rank,
            outcome,
            id,
            code,
            message,
            sources: o.sources.clone(),
            before: None,
            curl: None,
            at_ms: self.elapsed(),
        }
    }

    /// One group (same rank and itemtype): reconcile against a fresh read, then send.
    async fn run_group(
        &self,
        plan: &Plan,
        group: &[PlannedObject],
        ids: &mut IdMap,
        rules: ReconcileRules,
        batch_size: &mut usize,
    ) -> Result<bool, RunError> {
        let itemtype = group[0].key.itemtype;
        let keys = plan.options.keys_for(itemtype);
        let (todo, in_flight) = {
            let journal = self.journal.borrow();
            let todo: Vec<&PlannedObject> = group
                .iter()
                .filter(|o| !journal.record(&o.key).is_some_and(|r| r.outcome.is_final()))
                .collect();
            (todo, journal.in_flight())
        };
        for o in group {
            if let Some(id) = self.journal.borrow().record(&o.key).and_then(|r| r.id) {
                if self
                    .journal
                    .borrow()
                    .record(&o.key)
                    .is_some_and(|r| r.outcome != Outcome::Failed)
                {
                    ids.insert(o.key.clone(), id);
                }
            }
        }
        if todo.is_empty() {
            return Ok(false);
        }
        let needs_target = todo.iter().any(|o| {
            !matches!(
                o.decision,
                Decision::Rejected { .. } | Decision::Conflict { .. }
            )
        });
        let index = if needs_target {
            let items = self
                .client
                .read_all(itemtype)
                .await
                .map_err(RunError::Target)?;
            TargetIndex::new(items, &keys)
        } else {
            TargetIndex::default()
        };
        let mut creates: Vec<&PlannedObject> = Vec::new();
        let mut updates: Vec<Work<'_>> = Vec::new();
        let mut events = Vec::new();
        for o in todo {
            match &o.decision {
                Decision::Rejected { code, message } => {
                    events.push(Event::Done(self.plain_record(
                        o,
                        Outcome::Rejected,
                        None,
                        Some(code.clone()),
                        message.clone(),
                    )));
                    continue;
                }
                Decision::Conflict { ids: many } => {
                    events.push(Event::Done(self.plain_record(o, Outcome::Rejected, None, Some("migrate.conflict".into()), format!("plusieurs éléments de la cible correspondent (ids {many:?}) : aucun n'est choisi"))));
                    continue;
                }
                _ => {}
            }
            if let Some(dep) = o.dependencies().find(|d| !ids.contains_key(*d)) {
                events.push(Event::Done(self.plain_record(
                    o,
                    Outcome::Failed,
                    None,
                    Some("migrate.dependency_failed".into()),
                    format!("dépend de {dep}, qui n'a pas pu être créé"),
                )));
                continue;
            }
            let flight = in_flight.get(&o.key);
            match decide(o, &keys, &index, ids, rules) {
                Decision::Create => creates.push(o),
                Decision::Update {
                    id,
                    changes,
                    before,
                } => {
                    let before = match flight {
                        Some((BatchAction::Update, Some(b))) => b.clone(),
                        _ => before,
                    };
                    updates.push(Work::Update(o, id, changes, before));
                }
                Decision::Skip { id } => {
                    ids.insert(o.key.clone(), id);
                    let mut r = match flight {
                        Some((BatchAction::Create, _)) => self.plain_record(
                            o,
                            Outcome::Created,
                            Some(id),
                            None,
                            "créé (retrouvé sur la cible après interruption)".into(),
                        ),
                        Some((BatchAction::Update, b)) => {
                            let mut r = self.plain_record(
                                o,
                                Outcome::Updated,
                                Some(id),
                                None,
                                "mis à jour (constaté sur la cible après interruption)".into(),
                            );
                            r.before = b.clone();
                            r
                        }
                        _ => self.plain_record(
                            o,
                            Outcome::Skipped,
                            Some(id),
                            None,
                            "déjà présent sur la cible, identique".into(),
                        ),
                    };
                    r.at_ms = self.elapsed();
                    events.push(Event::Done(r));
                }
                Decision::Conflict { ids: many } => {
                    events.push(Event::Done(self.plain_record(o, Outcome::Rejected, None, Some("migrate.conflict".into()), format!("plusieurs éléments de la cible correspondent (ids {many:?}) : aucun n'est choisi"))));
                }
                Decision::Rejected { code, message } => {
                    events.push(Event::Done(self.plain_record(
                        o,
                        Outcome::Rejected,
                        None,
                        Some(code),
                        message,
                    )));
                }
            }
        }
        self.record(events).await?;
        self.note_progress(plan);

        // Creates, then updates, in adaptive batches with a bounded number in flight.
        let watermark = index.max_id();
        let stop = self
            .send_batches(
                plan,
                itemtype,
                creates.into_iter().map(Work::Create).collect(),
                ids,
                &keys,
                watermark,
                batch_size,
            )
            .await?;
        if stop {
            return Ok(true);
        }
        let stop = self
            .send_batches(plan, itemtype, updates, ids, &keys, watermark, batch_size)
            .await?;
        Ok(stop)
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_batches<'w>(
        &self,
        plan: &Plan,
        itemtype: GlpiType,
        mut queue: Vec<Work<'w>>,
        ids: &mut IdMap,
        keys: &[Vec<String>],
        watermark: u64,
        batch_size: &mut usize,
    ) -> Result<bool, RunError> {
        queue.reverse();
        let mut running: FuturesUnordered<BatchFuture<'_>> = FuturesUnordered::new();
        let snapshot = ids.clone();
        let mut stop = false;
        loop {
            while !stop && running.len() < self.options.in_flight.max(1) && !queue.is_empty() {
                match self.control.state() {
                    ControlState::Running => {}
                    ControlState::Paused if running.is_empty() => {
                        if self.wait_while_paused().await == ControlState::Cancelled {
                            stop = true;
                        }
                        continue;
                    }
                    ControlState::Paused => break,
                    ControlState::Cancelled => {
                        stop = true;
                        break;
                    }
                }
                let n = (*batch_size).min(queue.len());
                let chunk: Vec<Work<'w>> = (0..n).filter_map(|_| queue.pop()).collect();
                let batch = self.journal.borrow_mut().next_batch();
                running.push(Box::pin(self.send_one(
                    itemtype,
                    batch,
                    chunk,
                    snapshot.clone(),
                    keys.to_vec(),
                    watermark,
                )));
            }
            let Some(out) = running.next().await else {
                if queue.is_empty() || stop {
                    break;
                }
                continue;
            };
            if let Some(e) = out.journal_error {
                return Err(RunError::Journal(e));
            }
            for r in &out.records {
                if matches!(r.outcome, Outcome::Created | Outcome::Updated) {
                    if let Some(id) = r.id {
                        ids.insert(r.object.clone(), id);
                    }
                }
            }
            let mut events: Vec<Event> = out.records.into_iter().map(Event::Done).collect();
            events.push(Event::Closed { batch: out.batch });
            self.record(events).await?;
            // Adapt the batch size to the server's answer time.
            if out.elapsed_ms < self.options.target_batch_ms / 2.0 {
                *batch_size = (*batch_size * 2).min(self.options.max_batch_size.max(1));
            } else if out.elapsed_ms > self.options.target_batch_ms {
                *batch_size = (*batch_size / 2).max(1);
            }
            self.progress.borrow_mut().batch_size = *batch_size;
            self.note_progress(plan);
        }
        Ok(stop)
    }

    fn send_one<'w>(
        &'w self,
        itemtype: GlpiType,
        batch: u64,
        work: Vec<Work<'w>>,
        ids: IdMap,
        keys: Vec<Vec<String>>,
        watermark: u64,
    ) -> impl Future<Output = BatchOutcome> + 'w {
        async move {
            let start = self.client.transport().now_ms();
            let mut records = Vec::new();
            let action = match work.first() {
                Some(Work::Update(..)) => BatchAction::Update,
                _ => BatchAction::Create,
            };
            let objects: Vec<ObjectKey> = work.iter().map(|w| w.object().key.clone()).collect();
            let before: Vec<Map<String, Value>> = work
                .iter()
                .filter_map(|w| match w {
                    Work::Update(_, _, _, b) => Some(b.clone()),
                    Work::Create(_) => None,
                })
                .collect();
            let intent = Event::Intent {
                batch,
                action,
                itemtype,
                objects,
                before,
            };
            if let Err(e) = self.sink.append(std::slice::from_ref(&intent)).await {
                return BatchOutcome {
                    batch,
                    records,
                    elapsed_ms: 0.0,
                    journal_error: Some(e),
                };
            }
            self.journal.borrow_mut().push(intent);
            match action {
                BatchAction::Create => {
                    let objs: Vec<&PlannedObject> = work.iter().map(|w| w.object()).collect();
                    records = self
                        .create_with_recovery(itemtype, objs, &ids, &keys, watermark)
                        .await;
                }
                _ => {
                    records = self.update_batch(itemtype, &work, &ids).await;
                }
            }
            BatchOutcome {
                batch,
                records,
                elapsed_ms: self.client.transport().now_ms() - start,
                journal_error: None,
            }
        }
    }

    /// Sends creates; on an unknown outcome (5xx, timeout, cut connection) looks for the
    /// objects among items newer than the watermark before sending the rest again.
    async fn create_with_recovery(
        &self,
        itemtype: GlpiType,
        mut objs: Vec<&PlannedObject>,
        ids: &IdMap,
        keys: &[Vec<String>],
        watermark: u64,
    ) -> Vec<Record> {
        let mut records = Vec::new();
        let mut attempt = 0u32;
        loop {
            let payloads: Vec<Value> = objs
                .iter()
                .map(|o| Value::Object(o.payload(ids).unwrap_or_default()))
                .collect();
            let result = self.client.create(itemtype, payloads.clone()).await;
            match result {
                Ok(BulkResult { items, code }) => {
                    for ((o, item), payload) in objs.iter().zip(items).zip(payloads) {
                        records.push(match item {
                            ItemResult::Ok(id) => self.plain_record(
                                o,
                                Outcome::Created,
                                Some(id),
                                None,
                                "créé".into(),
                            ),
                            ItemResult::Refused(message) => {
                                let mut r = self.plain_record(
                                    o,
                                    Outcome::Failed,
                                    None,
                                    Some(code.clone().unwrap_or_else(|| "ERROR_GLPI_ADD".into())),
                                    message,
                                );
                                r.curl = Some(
                                    GlpiClient::<T>::create_request(itemtype, vec![payload])
                                        .to_curl(&self.options.api_url),
                                );
                                r
                            }
                        });
                    }
                    return records;
                }
                Err(e)
                    if e.outcome_unknown() && attempt + 1 < self.client.options().max_attempts =>
                {
                    attempt += 1;
                    // Which of them exist now?
                    let newer = loop {
                        match self.client.read_newer(itemtype, watermark).await {
                            Ok(items) => break Some(items),
                            Err(_) if attempt + 1 < self.client.options().max_attempts => {
                                attempt += 1;
                            }
                            Err(_) => break None,
                        }
                    };
                    let Some(newer) = newer else {
                        return self.fail_all(itemtype, &objs, ids, &e, records);
                    };
                    let index = TargetIndex::new(newer, keys);
                    let mut rest = Vec::new();
                    for o in objs {
                        let found = keys.iter().find_map(|k| match object_key(o, k, ids) {
                            KeyValue::Known(key) => index.lookup(k, &key).first().copied(),
                            _ => None,
                        });
                        match found {
                            Some(id) => records.push(self.plain_record(
                                o,
                                Outcome::Created,
                                Some(id),
                                None,
                                format!(
                                    "créé (réponse perdue : {}, retrouvé sur la cible)",
                                    e.code()
                                ),
                            )),
                            None => rest.push(o),
                        }
                    }
                    if rest.is_empty() {
                        return records;
                    }
                    objs = rest;
                    let wait = self
                        .client
                        .options()
                        .backoff_ms
                        .saturating_mul(1 << attempt.min(6))
                        .min(self.client.options().backoff_cap_ms);
                    self.client
                        .transport()
                        .sleep(
                            (wait as f64 * (0.5 + self.client.transport().random() / 2.0)) as u64,
                        )
                        .await;
                }
                Err(e) => return self.fail_all(itemtype, &objs, ids, &e, records),
            }
        }
    }

    fn fail_all(
        &self,
        itemtype: GlpiType,
        objs: &[&PlannedObject],
        ids: &IdMap,
        e: &CallError,
        mut records: Vec<Record>,
    ) -> Vec<Record> {
        for o in objs {
            let mut r = self.plain_record(o, Outcome::Failed, None, Some(e.code()), e.to_string());
            let payload = Value::Object(o.payload(ids).unwrap_or_default());
            r.curl = Some(
                GlpiClient::<T>::create_request(itemtype, vec![payload])
                    .to_curl(&self.options.api_url),
            );
            records.push(r);
        }
        records
    }

    async fn update_batch(
        &self,
        itemtype: GlpiType,
        work: &[Work<'_>],
        ids: &IdMap,
    ) -> Vec<Record> {
        let mut inputs = Vec::new();
        for w in work {
            if let Work::Update(_, id, changes, _) = w {
                let mut m = Map::new();
                m.insert("id".into(), json!(id));
                for (k, v) in changes.iter() {
                    if let Ok(j) = v.to_json(ids) {
                        m.insert(k.clone(), j);
                    }
                }
                inputs.push(Value::Object(m));
            }
        }
        let result = self.client.update(itemtype, inputs.clone()).await;
        let mut records = Vec::new();
        for (n, w) in work.iter().enumerate() {
            let Work::Update(o, id, _, before) = w else {
                continue;
            };
            let mut r = match &result {
                Ok(b) => match b.items.get(n) {
                    Some(ItemResult::Ok(_)) => {
                        let mut r = self.plain_record(
                            o,
                            Outcome::Updated,
                            Some(*id),
                            None,
                            "mis à jour".into(),
                        );
                        r.before = Some(before.clone());
                        r
                    }
                    Some(ItemResult::Refused(m)) => self.plain_record(
                        o,
                        Outcome::Failed,
                        Some(*id),
                        Some(b.code.clone().unwrap_or_else(|| "ERROR_GLPI_UPDATE".into())),
                        m.clone(),
                    ),
                    None => self.plain_record(
                        o,
                        Outcome::Failed,
                        Some(*id),
                        Some("ERROR_GLPI_UPDATE".into()),
                        "sans réponse de GLPI".into(),
                    ),
                },
                Err(e) => {
                    self.plain_record(o, Outcome::Failed, Some(*id), Some(e.code()), e.to_string())
                }
            };
            if r.outcome == Outcome::Failed {
                r.curl = Some(
                    ApiRequest::new(Method::Put, format!("/{itemtype}"))
                        .with_body(
                            json!({"input": [inputs.get(n).cloned().unwrap_or(Value::Null)]}),
                        )
                        .to_curl(&self.options.api_url),
                );
            }
            records.push(r);
        }
        records
    }

    /// Removes what the journal's runs created (reverse dependency order) and restores what they
    /// updated from the before-values. Resumable: what is already undone is left alone.
    pub async fn undo(&self) -> Result<UndoSummary, RunError> {
        let records: Vec<Record> = {
            let j = self.journal.borrow();
            j.records()
                .into_iter()
                .filter(|r| {
                    matches!(r.outcome, Outcome::Created | Outcome::Updated)
                        && !j.is_undone(&r.object)
                })
                .cloned()
                .collect()
        };
        let mut by_rank: BTreeMap<(u32, GlpiType), Vec<Record>> = BTreeMap::new();
        for r in records {
            by_rank
                .entry((r.rank, r.object.itemtype))
                .or_default()
                .push(r);
        }
        let mut summary = UndoSummary::default();
        for ((_, itemtype), group) in by_rank.into_iter().rev() {
            let (created, updated): (Vec<Record>, Vec<Record>) = group
                .into_iter()
                .partition(|r| r.outcome == Outcome::Created);
            for chunk in created.chunks(self.options.max_batch_size.max(1)) {
                let ids: Vec<u64> = chunk.iter().filter_map(|r| r.id).collect();
                let result = self.client.purge(itemtype, &ids).await;
                let n = self.record_undo(chunk, &result, "supprimé").await?;
                summary.removed += n;
                summary.failed += chunk.len() - n;
            }
            for chunk in updated.chunks(self.options.max_batch_size.max(1)) {
                let inputs: Vec<Value> = chunk
                    .iter()
                    .map(|r| {
                        let mut m = r.before.clone().unwrap_or_default();
                        m.insert("id".into(), json!(r.id.unwrap_or(0)));
                        Value::Object(m)
                    })
                    .collect();
                let result = self.client.update(itemtype, inputs).await;
                let n = self
                    .record_undo(chunk, &result, "valeurs d'avant rétablies")
                    .await?;
                summary.restored += n;
                summary.failed += chunk.len() - n;
            }
        }
        Ok(summary)
    }

    /// Journals the undo of a chunk; returns how many succeeded. An item already gone (a
    /// resumed undo, or GLPI removed it with its parent) counts as undone.
    async fn record_undo(
        &self,
        chunk: &[Record],
        result: &Result<BulkResult, CallError>,
        done: &str,
    ) -> Result<usize, RunError> {
        let gone = |m: &str| m.eq_ignore_ascii_case("Item Not Found");
        let mut events = Vec::new();
        let mut ok_count = 0;
        for (n, r) in chunk.iter().enumerate() {
            let (ok, message) = match result {
                Ok(b) => match b.items.get(n) {
                    Some(ItemResult::Ok(_)) => (true, done.to_string()),
                    Some(ItemResult::Refused(m)) if gone(m) => (true, "déjà absent".to_string()),
                    Some(ItemResult::Refused(m)) => (false, m.clone()),
                    None => (false, "sans réponse".into()),
                },
                Err(CallError::Glpi { error, .. }) if gone(&error.message) => {
                    (true, "déjà absent".into())
                }
                Err(e) => (false, e.to_string()),
            };
            ok_count += usize::from(ok);
            events.push(Event::Undone {
                object: r.object.clone(),
                ok,
                message,
            });
        }
        self.record(events).await?;
        Ok(ok_count)
    }
}

enum Work<'p> {
    Create(&'p PlannedObject),
    Update(
        &'p PlannedObject,
        u64,
        BTreeMap<String, FieldValue>,
        Map<String, Value>,
    ),
}

impl<'p> Work<'p> {
    fn object(&self) -> &'p PlannedObject {
        match self {
            Work::Create(o) | Work::Update(o, ..) => o,
        }
    }
}

/// What an undo did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoSummary {
    /// Items removed.
    pub removed: usize,
    /// Items restored to their before-values.
    pub restored: usize,
    /// Failures.
    pub failed: usize,
}

/// A difference found by verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The object.
    pub object: ObjectKey,
    /// Target id.
    pub id: u64,
    /// Field (`*` when the item is missing).
    pub field: String,
    /// Expected value (source as mapped).
    pub expected: String,
    /// Value read on the target.
    pub actual: String,
}

/// Verification result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Per itemtype: (objects expected, found on the target, identical).
    pub counts: BTreeMap<GlpiType, (usize, usize, usize)>,
    /// Differences.
    pub differences: Vec<Difference>,
}

impl VerifyReport {
    /// Whether everything matches.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Reads back every object the journal says is on the target and compares it field by field
/// with the plan (the source as mapped).
pub async fn verify<T: Transport>(
    client: &GlpiClient<'_, T>,
    plan: &Plan,
    journal: &Journal,
) -> Result<VerifyReport, CallError> {
    let ids = journal.ids();
    let mut report = VerifyReport::default();
    let types: BTreeSet<GlpiType> = plan.objects.iter().map(|o| o.key.itemtype).collect();
    let mut read: HashMap<GlpiType, HashMap<u64, Map<String, Value>>> = HashMap::new();
    for t in types {
        let wanted = plan
            .objects
            .iter()
            .any(|o| o.key.itemtype == t && ids.contains_key(&o.key));
        if !wanted {
            continue;
        }
        let items = client.read_all(t).await?;
        read.insert(
            t,
            items
                .into_iter()
                .filter_map(|m| m.get("id").and_then(Value::as_u64).map(|id| (id, m)))
                .collect(),
        );
    }
    for o in &plan.objects {
        let Some(id) = ids.get(&o.key).copied() else {
            continue;
        };
        let entry = report.counts.entry(o.key.itemtype).or_default();
        entry.0 += 1;
        let Some(item) = read.get(&o.key.itemtype).and_then(|m| m.get(&id)) else {
            report.differences.push(Difference {
                object: o.key.clone(),
                id,
                field: "*".into(),
                expected: "présent".into(),
                actual: "absent".into(),
            });
            continue;
        };
        entry.1 += 1;
        let created = journal
            .record(&o.key)
            .is_some_and(|r| r.outcome == Outcome::Created);
        let mut identical = true;
        for (field, value) in &o.fields {
            if field.starts_with('_')
                || (!created && (field == "entities_id" || field == "is_recursive"))
            {
                continue;
            }
            let Ok(expected) = value.to_json(&ids) else {
                continue;
            };
            let actual = target_text(item.get(field));
            if plan.options.never_overwrite && !created {
                // Non-empty target values were kept on purpose.
                if let Decision::Update { .. } | Decision::Skip { .. } = diff(
                    o,
                    id,
                    item,
                    &ids,
                    ReconcileRules {
                        never_overwrite: true,
                    },
                ) {
                    if !actual.is_empty() && actual != "0" {
                        continue;
                    }
                }
            }
            if !same_value(&expected, &actual) {
                identical = false;
                report.differences.push(Difference {
                    object: o.key.clone(),
                    id,
                    field: field.clone(),
                    expected: target_text(Some(&expected)),
                    actual,
                });
            }
        }
        if identical {
            report.counts.entry(o.key.itemtype).or_default().2 += 1;
        }
    }
    Ok(report)
}
