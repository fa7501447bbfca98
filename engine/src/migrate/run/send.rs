//! Sending a stage: batches of one item type and one action, the intent journaled before each
//! request leaves, a bounded number in flight, batch sizes adapted to the server's answer time,
//! and each object's outcome journaled from GLPI's per-item answer.

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;

use super::recovery::{created_item, find_created, intent_key};
use super::{ControlState, RunError, Runner};
use crate::glpi::GlpiType;
use crate::migrate::api::{ApiRequest, Method, Transport};
use crate::migrate::client::{BulkResult, CallError, GlpiClient, ItemResult};
use crate::migrate::journal::{
    BatchAction, Event, Failure, IntentKey, Outcome, Record, RecordReason,
};
use crate::migrate::model::{FieldValue, IdMap, ObjectKey, PlannedObject};
use crate::migrate::plan::Plan;

/// One object's request in a batch.
pub(super) enum Work<'p> {
    /// Create it.
    Create(&'p PlannedObject),
    /// Send its differing fields.
    Update {
        object: &'p PlannedObject,
        id: u64,
        changes: BTreeMap<String, FieldValue>,
        before: Map<String, Value>,
        /// Created by an interrupted attempt of this run: journaled as created whatever the
        /// update's answer, so that undo purges it.
        created: bool,
    },
}

impl<'p> Work<'p> {
    fn object(&self) -> &'p PlannedObject {
        match self {
            Work::Create(o) | Work::Update { object: o, .. } => o,
        }
    }
}

/// The smallest share of a stage one call gets when spreading it: below this, a request's fixed
/// cost (GLPI starting up, tens of milliseconds) outweighs the parallelism.
const MIN_SHARE: usize = 10;

type BatchFuture<'f> = Pin<Box<dyn Future<Output = BatchOutcome> + 'f>>;

struct BatchOutcome {
    batch: u64,
    itemtype: GlpiType,
    records: Vec<Record>,
    /// Items the batch created, as the index of their type learns them.
    created: Vec<Map<String, Value>>,
    elapsed_ms: f64,
    journal_error: Option<String>,
}

impl Runner<'_, '_> {
    /// Sends a stage's queue (creates first, then updates, each a list per item type).
    /// Returns whether the run was cancelled.
    pub(super) async fn send_stage<'p>(
        &self,
        plan: &Plan,
        mut queue: VecDeque<(GlpiType, Vec<Work<'p>>)>,
        ids: &mut IdMap,
        batch_size: &mut usize,
    ) -> Result<bool, RunError> {
        for (_, list) in queue.iter_mut() {
            // Taken from the end: reversed once so that batches go in plan order.
            list.reverse();
        }
        let mut running: FuturesUnordered<BatchFuture<'_>> = FuturesUnordered::new();
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
                // Guided self-scheduling: never more than an even share of what the stage has
                // left per call in flight, so that the last large type of a stage is spread over
                // every call in flight instead of going as one long request (GLPI answers one
                // request on one PHP worker).
                let left: usize = queue.iter().map(|(_, l)| l.len()).sum();
                let share = left.div_ceil(self.options.in_flight.max(1)).max(MIN_SHARE);
                let Some((itemtype, list)) = queue.front_mut() else {
                    break;
                };
                let itemtype = *itemtype;
                let n = (*batch_size).min(share).min(list.len());
                let chunk: Vec<Work<'p>> = (0..n).filter_map(|_| list.pop()).collect();
                if list.is_empty() {
                    queue.pop_front();
                }
                let batch = self.journal.borrow_mut().next_batch();
                let keys = plan.options.keys_for(itemtype);
                let watermark = self.watermark(itemtype);
                running.push(Box::pin(self.send_batch(
                    itemtype,
                    batch,
                    chunk,
                    ids.clone(),
                    keys,
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
            if let Some(index) = self.indexes.borrow_mut().get_mut(&out.itemtype) {
                for item in out.created.iter().cloned() {
                    index.add(item);
                }
            }
            // What GLPI wrote by itself for these creates (a new user's first authorization) is
            // in no answer: that type is read again when its stage comes.
            if !out.created.is_empty() {
                for made in out.itemtype.also_creates() {
                    self.indexes.borrow_mut().remove(made);
                    self.seed.borrow_mut().remove(made);
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

    fn send_batch<'w>(
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
            let action = match work.first() {
                Some(Work::Update { .. }) => BatchAction::Update,
                _ => BatchAction::Create,
            };
            let objects: Vec<ObjectKey> = work.iter().map(|w| w.object().key.clone()).collect();
            let before: Vec<Map<String, Value>> = work
                .iter()
                .filter_map(|w| match w {
                    Work::Update { before, .. } => Some(before.clone()),
                    Work::Create(_) => None,
                })
                .collect();
            let intent_keys: Vec<IntentKey> = match action {
                BatchAction::Create => work
                    .iter()
                    .map(|w| intent_key(w.object(), &keys, &ids))
                    .collect(),
                _ => Vec::new(),
            };
            let intent = Event::Intent {
                batch,
                action,
                itemtype,
                objects,
                before,
                keys: intent_keys,
            };
            let mut out = BatchOutcome {
                batch,
                itemtype,
                records: Vec::new(),
                created: Vec::new(),
                elapsed_ms: 0.0,
                journal_error: None,
            };
            // The intent is stored before the request leaves: a resume knows what may exist.
            if let Err(e) = self.sink.append_erased(std::slice::from_ref(&intent)).await {
                out.journal_error = Some(e);
                return out;
            }
            self.journal.borrow_mut().push(intent);
            match action {
                BatchAction::Create => {
                    let objs: Vec<&PlannedObject> = work.iter().map(|w| w.object()).collect();
                    (out.records, out.created) = self
                        .create_with_recovery(itemtype, objs, &ids, &keys, watermark)
                        .await;
                }
                _ => out.records = self.update_batch(itemtype, &work, &ids).await,
            }
            out.elapsed_ms = self.client.transport().now_ms() - start;
            out
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
    ) -> (Vec<Record>, Vec<Map<String, Value>>) {
        if itemtype == GlpiType::Document {
            return self.upload_documents(objs, ids, keys, watermark).await;
        }
        let mut records = Vec::new();
        let mut created = Vec::new();
        let mut attempt = 0u32;
        let max_attempts = self.client.options().max_attempts;
        loop {
            let payloads: Vec<Value> = objs
                .iter()
                .map(|o| Value::Object(o.payload(ids).unwrap_or_default()))
                .collect();
            let e = match self.client.create(itemtype, payloads.clone()).await {
                Ok(BulkResult { items, code }) => {
                    for ((o, item), payload) in objs.iter().zip(items).zip(payloads) {
                        match item {
                            ItemResult::Ok(id) => {
                                created.push(created_item(o, ids, id));
                                records.push(self.plain_record(
                                    o,
                                    Outcome::Created,
                                    Some(id),
                                    RecordReason::Created,
                                ));
                            }
                            ItemResult::Refused(message) => {
                                let mut r = self.plain_record(
                                    o,
                                    Outcome::Failed,
                                    None,
                                    RecordReason::Failed {
                                        failure: Failure::Refused {
                                            code: code
                                                .clone()
                                                .unwrap_or_else(|| "ERROR_GLPI_ADD".into()),
                                            message,
                                        },
                                    },
                                );
                                r.curl = Some(
                                    GlpiClient::create_request(itemtype, vec![payload])
                                        .to_curl(&self.options.api_url),
                                );
                                records.push(r);
                            }
                        }
                    }
                    return (records, created);
                }
                Err(e) => e,
            };
            if !e.outcome_unknown() || attempt + 1 >= max_attempts {
                self.fail_all(itemtype, &objs, ids, &e, &mut records);
                return (records, created);
            }
            attempt += 1;
            // Which of them exist now? Those are created; only the others are sent again.
            let found = match find_created(self.client, itemtype, watermark, &objs, keys, ids).await
            {
                Ok(found) => found,
                Err(_) => {
                    self.fail_all(itemtype, &objs, ids, &e, &mut records);
                    return (records, created);
                }
            };
            let mut rest = Vec::new();
            for (n, o) in objs.into_iter().enumerate() {
                match found.iter().find(|(m, _)| *m == n) {
                    Some((_, item)) => {
                        let id = item.get("id").and_then(Value::as_u64);
                        created.push(item.clone());
                        records.push(self.plain_record(
                            o,
                            Outcome::Created,
                            id,
                            RecordReason::AnswerLost { error: e.code() },
                        ));
                    }
                    None => rest.push(o),
                }
            }
            if rest.is_empty() {
                return (records, created);
            }
            objs = rest;
            self.client.backoff(attempt).await;
        }
    }

    /// Documents go one upload each (GLPI takes one file per `multipart/form-data` request),
    /// each file checked against the sha1sum the source stored before anything leaves; an
    /// unknown outcome is looked for on the target (same sha1sum and file name) before the
    /// file is sent again.
    async fn upload_documents(
        &self,
        objs: Vec<&PlannedObject>,
        ids: &IdMap,
        keys: &[Vec<String>],
        watermark: u64,
    ) -> (Vec<Record>, Vec<Map<String, Value>>) {
        let itemtype = GlpiType::Document;
        let mut records = Vec::new();
        let mut created = Vec::new();
        let max_attempts = self.client.options().max_attempts;
        for o in objs {
            let payload = o.payload(ids).unwrap_or_default();
            let request = match document_upload(o, &payload) {
                Ok(request) => request,
                Err(failure) => {
                    records.push(self.plain_record(
                        o,
                        Outcome::Failed,
                        None,
                        RecordReason::Failed { failure },
                    ));
                    continue;
                }
            };
            let mut attempt = 0u32;
            loop {
                let e = match self.client.call_json(request.clone()).await {
                    Ok((_, body, _)) => {
                        match body.get("id").and_then(Value::as_u64) {
                            Some(id) => {
                                created.push(created_item(o, ids, id));
                                records.push(self.plain_record(
                                    o,
                                    Outcome::Created,
                                    Some(id),
                                    RecordReason::Created,
                                ));
                            }
                            None => records.push(self.plain_record(
                                o,
                                Outcome::Failed,
                                None,
                                RecordReason::Failed {
                                    failure: Failure::Refused {
                                        code: "ERROR_GLPI_ADD".into(),
                                        message: body.to_string(),
                                    },
                                },
                            )),
                        }
                        break;
                    }
                    Err(e) => e,
                };
                if !e.outcome_unknown() || attempt + 1 >= max_attempts {
                    self.fail_all(itemtype, &[o], ids, &e, &mut records);
                    break;
                }
                attempt += 1;
                match find_created(self.client, itemtype, watermark, &[o], keys, ids).await {
                    Ok(found) if !found.is_empty() => {
                        let item = found[0].1.clone();
                        let id = item.get("id").and_then(Value::as_u64);
                        created.push(item);
                        records.push(self.plain_record(
                            o,
                            Outcome::Created,
                            id,
                            RecordReason::AnswerLost { error: e.code() },
                        ));
                        break;
                    }
                    Ok(_) => self.client.backoff(attempt).await,
                    Err(_) => {
                        self.fail_all(itemtype, &[o], ids, &e, &mut records);
                        break;
                    }
                }
            }
        }
        (records, created)
    }

    fn fail_all(
        &self,
        itemtype: GlpiType,
        objs: &[&PlannedObject],
        ids: &IdMap,
        e: &CallError,
        records: &mut Vec<Record>,
    ) {
        for o in objs {
            let mut r = self.plain_record(
                o,
                Outcome::Failed,
                None,
                RecordReason::Failed {
                    failure: Failure::Call { error: e.clone() },
                },
            );
            let payload = Value::Object(o.payload(ids).unwrap_or_default());
            r.curl = Some(
                GlpiClient::create_request(itemtype, vec![payload]).to_curl(&self.options.api_url),
            );
            records.push(r);
        }
    }

    async fn update_batch(
        &self,
        itemtype: GlpiType,
        work: &[Work<'_>],
        ids: &IdMap,
    ) -> Vec<Record> {
        let mut inputs = Vec::new();
        for w in work {
            if let Work::Update {
                object,
                id,
                changes,
                ..
            } = w
            {
                let mut m = Map::new();
                m.insert("id".into(), json!(id));
                for flag in itemtype.quiet_inputs() {
                    if let Some(j) = object.fields.get(*flag).and_then(|v| v.to_json(ids).ok()) {
                        m.insert(flag.to_string(), j);
                    }
                }
                for (k, v) in changes {
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
            let Work::Update {
                object: o,
                id,
                before,
                created,
                ..
            } = w
            else {
                continue;
            };
            let failure: Option<Failure> = match &result {
                Ok(b) => match b.items.get(n) {
                    Some(ItemResult::Ok(_)) => None,
                    Some(ItemResult::Refused(m)) => Some(Failure::Refused {
                        code: b.code.clone().unwrap_or_else(|| "ERROR_GLPI_UPDATE".into()),
                        message: m.clone(),
                    }),
                    None => Some(Failure::NoAnswer {
                        code: "ERROR_GLPI_UPDATE".into(),
                    }),
                },
                Err(e) => Some(Failure::Call { error: e.clone() }),
            };
            let mut r = match (&failure, created) {
                (None, false) => {
                    let mut r =
                        self.plain_record(o, Outcome::Updated, Some(*id), RecordReason::Updated);
                    r.before = Some(before.clone());
                    r
                }
                (None, true) => self.plain_record(
                    o,
                    Outcome::Created,
                    Some(*id),
                    RecordReason::FoundCreatedDifferencesUpdated,
                ),
                // Still created by this run: undo must purge it, whatever the update did.
                (Some(failure), true) => self.plain_record(
                    o,
                    Outcome::Created,
                    Some(*id),
                    RecordReason::FoundCreatedDifferencesFailed {
                        failure: failure.clone(),
                    },
                ),
                (Some(failure), false) => self.plain_record(
                    o,
                    Outcome::Failed,
                    Some(*id),
                    RecordReason::Failed {
                        failure: failure.clone(),
                    },
                ),
            };
            if failure.is_some() {
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
}

/// The upload that creates a planned document: its fields as the manifest's input (GLPI sets
/// `filename`, `mime`, `sha1sum` and `filepath` from the file itself), the file in the
/// request's file part. Refused, with nothing sent, when the file's sha1 is not the one the
/// source stored.
pub(crate) fn document_upload(
    o: &PlannedObject,
    payload: &Map<String, Value>,
) -> Result<ApiRequest, Failure> {
    let Some(FieldValue::File(file)) = o.fields.get("_filename") else {
        return Err(Failure::FileAltered {
            expected: payload
                .get("sha1sum")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            found: String::new(),
        });
    };
    let expected = payload
        .get("sha1sum")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_lowercase();
    let found = file.sha1();
    if found != expected {
        return Err(Failure::FileAltered { expected, found });
    }
    let mut input = payload.clone();
    for computed in ["filename", "sha1sum"] {
        input.remove(computed);
    }
    Ok(
        ApiRequest::new(Method::Post, format!("/{}", GlpiType::Document)).with_upload(
            crate::migrate::api::Upload {
                manifest: json!({ "input": input }),
                filename: file.filename.clone(),
                mime: if file.mime.is_empty() {
                    "application/octet-stream".into()
                } else {
                    file.mime.clone()
                },
                bytes: file.bytes.clone(),
            },
        ),
    )
}
