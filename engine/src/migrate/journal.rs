//! The journal of a run: the intent recorded before each batch is sent, then each object's
//! outcome with its target id, GLPI's code and message and its source lines. It is what makes a
//! run resumable (in-flight batches are known), undoable (created ids, before-values) and
//! auditable (CSV and JSON downloads).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

use super::model::{IdMap, ObjectKey, SourceLine};
use crate::export::neutralize;
use crate::glpi::GlpiType;

/// What a batch does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchAction {
    /// Bulk create.
    Create,
    /// Bulk update.
    Update,
    /// Bulk purge (undo).
    Purge,
    /// Restore before-values (undo).
    Restore,
}

/// An object's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Created on the target.
    Created,
    /// Updated on the target.
    Updated,
    /// Already present, nothing sent.
    Skipped,
    /// Not migrated (problem in the source, conflict on the target).
    Rejected,
    /// Sent but refused or not done; a resume tries again.
    Failed,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 5] = [
        Outcome::Created,
        Outcome::Updated,
        Outcome::Skipped,
        Outcome::Rejected,
        Outcome::Failed,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Skipped => "skipped",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
        }
    }

    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Outcome::Created => "créé",
            Outcome::Updated => "mis à jour",
            Outcome::Skipped => "déjà présent",
            Outcome::Rejected => "rejeté",
            Outcome::Failed => "échec",
        }
    }

    /// Whether a resume leaves it alone.
    pub fn is_final(self) -> bool {
        !matches!(self, Outcome::Failed)
    }
}

/// One object's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The object.
    pub object: ObjectKey,
    /// Its creation rank (undo goes in reverse).
    pub rank: u32,
    /// Outcome.
    pub outcome: Outcome,
    /// Target id.
    pub id: Option<u64>,
    /// GLPI's error code or ours.
    pub code: Option<String>,
    /// Message (French).
    pub message: String,
    /// Source lines.
    pub sources: Vec<SourceLine>,
    /// Values before an update (for undo).
    pub before: Option<Map<String, Value>>,
    /// The failed call as cURL, secrets replaced by placeholders.
    pub curl: Option<String>,
    /// Milliseconds since the run started.
    pub at_ms: f64,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// A run (or a resume of it) started.
    Started {
        /// Run identifier.
        run: String,
        /// Objects in the plan.
        objects: usize,
        /// Whether this is a resume.
        resumed: bool,
    },
    /// About to send a batch: recorded before the request leaves.
    Intent {
        /// Batch number, unique in the run.
        batch: u64,
        /// What it does.
        action: BatchAction,
        /// Itemtype.
        itemtype: GlpiType,
        /// Objects in it.
        objects: Vec<ObjectKey>,
        /// For updates: target values before, per object.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        before: Vec<Map<String, Value>>,
        /// For creates: how to find each object on the target, per object. A resume needs it
        /// for an object its new plan no longer holds (a value the plan now finds on the target
        /// and uses by id): it was created by this run all the same, and must be journaled so.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        keys: Vec<IntentKey>,
    },
    /// An object's outcome.
    Done(Record),
    /// A batch is fully accounted for.
    Closed {
        /// Batch number.
        batch: u64,
    },
    /// The run stopped: finished or cancelled.
    Finished {
        /// Cancelled by the administrator.
        cancelled: bool,
    },
    /// Undo of one object.
    Undone {
        /// The object.
        object: ObjectKey,
        /// Whether it was removed or restored.
        ok: bool,
        /// Message.
        message: String,
    },
}

/// How to find a created object on the target without its plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentKey {
    /// Its creation rank (undo goes in reverse).
    pub rank: u32,
    /// The key alternative (fields) its value is for.
    pub fields: Vec<String>,
    /// The key's value, normalised as the target index compares it (empty: no key known).
    pub value: String,
}

/// What the events say, folded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Journal {
    /// Every event, in order.
    pub events: Vec<Event>,
    records: HashMap<ObjectKey, usize>,
    open: BTreeMap<u64, usize>,
    undone: HashMap<ObjectKey, bool>,
    next_batch: u64,
}

impl Journal {
    /// A journal from stored events.
    pub fn from_events(events: Vec<Event>) -> Self {
        let mut j = Journal::default();
        for e in events {
            j.push(e);
        }
        j
    }

    /// Reads a JSON-lines journal; a truncated last line (a crash mid-write) is ignored, as the
    /// request it announced was not sent.
    pub fn from_json_lines(text: &str) -> Self {
        let events = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| serde_json::from_str::<Event>(l).ok())
            .collect();
        Journal::from_events(events)
    }

    /// One event as a JSON line (with its newline).
    pub fn json_line(event: &Event) -> String {
        let mut s = serde_json::to_string(event).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Adds an event.
    pub fn push(&mut self, e: Event) {
        let i = self.events.len();
        match &e {
            Event::Intent { batch, .. } => {
                self.open.insert(*batch, i);
                self.next_batch = self.next_batch.max(batch + 1);
            }
            Event::Closed { batch } => {
                self.open.remove(batch);
            }
            Event::Done(r) => {
                self.records.insert(r.object.clone(), i);
            }
            Event::Undone { object, ok, .. } => {
                self.undone.insert(object.clone(), *ok);
            }
            _ => {}
        }
        self.events.push(e);
    }

    /// A fresh batch number.
    pub fn next_batch(&mut self) -> u64 {
        let b = self.next_batch;
        self.next_batch += 1;
        b
    }

    /// The latest record of an object.
    pub fn record(&self, key: &ObjectKey) -> Option<&Record> {
        match self.records.get(key).map(|i| &self.events[*i]) {
            Some(Event::Done(r)) => Some(r),
            _ => None,
        }
    }

    /// Latest records, in journal order.
    pub fn records(&self) -> Vec<&Record> {
        let mut idx: Vec<usize> = self.records.values().copied().collect();
        idx.sort_unstable();
        idx.into_iter()
            .filter_map(|i| match &self.events[i] {
                Event::Done(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    /// Batches sent whose outcome is not fully known (the run was interrupted): their objects
    /// must be looked for on the target before anything is sent again.
    pub fn in_flight(&self) -> HashMap<ObjectKey, (BatchAction, Option<Map<String, Value>>)> {
        let mut out = HashMap::new();
        for i in self.open.values() {
            if let Event::Intent {
                action,
                objects,
                before,
                ..
            } = &self.events[*i]
            {
                for (n, o) in objects.iter().enumerate() {
                    let done = self.record(o).is_some_and(|r| r.outcome.is_final());
                    if !done {
                        out.insert(o.clone(), (*action, before.get(n).cloned()));
                    }
                }
            }
        }
        out
    }

    /// Objects of interrupted create batches with no final outcome, with their keys (for
    /// journals that recorded them).
    pub fn in_flight_creates(&self) -> Vec<(ObjectKey, IntentKey)> {
        let mut out = Vec::new();
        for i in self.open.values() {
            if let Event::Intent {
                action: BatchAction::Create,
                objects,
                keys,
                ..
            } = &self.events[*i]
            {
                for (o, k) in objects.iter().zip(keys) {
                    if !self.record(o).is_some_and(|r| r.outcome.is_final()) {
                        out.push((o.clone(), k.clone()));
                    }
                }
            }
        }
        out
    }

    /// Target ids of objects created, updated or found.
    pub fn ids(&self) -> IdMap {
        self.records()
            .into_iter()
            .filter(|r| {
                matches!(
                    r.outcome,
                    Outcome::Created | Outcome::Updated | Outcome::Skipped
                )
            })
            .filter_map(|r| r.id.map(|id| (r.object.clone(), id)))
            .collect()
    }

    /// Whether an object's undo is done.
    pub fn is_undone(&self, key: &ObjectKey) -> bool {
        self.undone.get(key).copied().unwrap_or(false)
    }

    /// Whether a run was started.
    pub fn started(&self) -> bool {
        self.events
            .iter()
            .any(|e| matches!(e, Event::Started { .. }))
    }

    /// Whether the last run ended (finished or cancelled), as opposed to interrupted.
    pub fn finished(&self) -> bool {
        matches!(
            self.events
                .iter()
                .rev()
                .find(|e| matches!(e, Event::Started { .. } | Event::Finished { .. })),
            Some(Event::Finished { .. })
        )
    }

    /// Counts per itemtype and outcome.
    pub fn counts(&self) -> BTreeMap<GlpiType, BTreeMap<Outcome, usize>> {
        let mut out: BTreeMap<GlpiType, BTreeMap<Outcome, usize>> = BTreeMap::new();
        for r in self.records() {
            *out.entry(r.object.itemtype)
                .or_default()
                .entry(r.outcome)
                .or_default() += 1;
        }
        out
    }

    /// The report as CSV (UTF-8 with BOM, `;`): one line per source line, formulas neutralised.
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        let _ = w.write_record([
            "fichier", "ligne", "type", "objet", "resultat", "id_cible", "code", "message",
        ]);
        for r in self.records() {
            let lines: Vec<Option<&SourceLine>> = if r.sources.is_empty() {
                vec![None]
            } else {
                r.sources.iter().map(Some).collect()
            };
            for s in lines {
                let line = s.map(|s| s.line.to_string()).unwrap_or_default();
                let id = r.id.map(|i| i.to_string()).unwrap_or_default();
                let fields = [
                    s.map(|s| s.file.as_str()).unwrap_or(""),
                    line.as_str(),
                    r.object.itemtype.name(),
                    r.object.key.as_str(),
                    r.outcome.code(),
                    id.as_str(),
                    r.code.as_deref().unwrap_or(""),
                    r.message.as_str(),
                ];
                let _ = w.write_record(fields.iter().map(|f| neutralize(f).into_owned()));
            }
        }
        let bytes = w.into_inner().unwrap_or_default();
        format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
    }

    /// The whole journal as a JSON array of events.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.events).unwrap_or_else(|_| "[]".into())
    }
}
