//! The journal of a run: the intent recorded before each batch is sent, then each object's
//! outcome with its target id, its typed reason (GLPI's code and message when GLPI refused it)
//! and its source lines. It is what makes a
//! run resumable (in-flight batches are known), undoable (created ids, before-values) and
//! auditable (CSV and JSON downloads).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

use super::client::CallError;
use super::model::{IdMap, ObjectKey, Rejection, SourceLine};
use crate::diagnostic::Lang;
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

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Skipped => "already there",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
        }
    }

    /// The label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.label_fr(),
            Lang::En => self.label_en(),
        }
    }

    /// Whether a resume leaves it alone.
    pub fn is_final(self) -> bool {
        !matches!(self, Outcome::Failed)
    }
}

/// Why a call for an object did not do what it asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// GLPI refused the object in its answer: GLPI's code and message, as GLPI wrote them.
    Refused {
        /// GLPI's code (`ERROR_GLPI_ADD`…).
        code: String,
        /// GLPI's message.
        message: String,
    },
    /// GLPI's answer held nothing for the object.
    NoAnswer {
        /// The code it is reported under (`ERROR_GLPI_UPDATE`).
        code: String,
    },
    /// The call itself failed (an error, an unexpected answer, no answer after every attempt).
    Call {
        /// The error.
        error: CallError,
    },
    /// A document's file does not have the sha1sum the source stored for it: nothing was sent
    /// (a file altered or cut on its way would be kept on the target as if whole).
    FileAltered {
        /// The sha1sum the source stored.
        expected: String,
        /// The sha1 of the bytes at hand.
        found: String,
    },
}

impl Failure {
    /// GLPI's error code or ours.
    pub fn code(&self) -> String {
        match self {
            Failure::Refused { code, .. } | Failure::NoAnswer { code } => code.clone(),
            Failure::Call { error } => error.code(),
            Failure::FileAltered { .. } => "migrate.document.sha1".into(),
        }
    }

    /// The message in the given language (GLPI's own message is given as GLPI wrote it).
    pub fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (Failure::Refused { message, .. }, _) => message.clone(),
            (Failure::NoAnswer { .. }, Lang::Fr) => "sans réponse de GLPI".into(),
            (Failure::NoAnswer { .. }, Lang::En) => "no answer from GLPI".into(),
            (Failure::Call { error }, _) => error.render(lang),
            (Failure::FileAltered { expected, found }, Lang::Fr) => format!(
                "le fichier téléchargé (sha1 {found}) n'est pas celui que le GLPI local a enregistré (sha1 {expected}) : document non envoyé"
            ),
            (Failure::FileAltered { expected, found }, Lang::En) => format!(
                "the downloaded file (sha1 {found}) is not the one the local GLPI stored (sha1 {expected}): document not sent"
            ),
        }
    }
}

/// Why an object's outcome is what it is: typed, with its values; its code and its text in
/// French or English are rendered from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordReason {
    /// Created.
    Created,
    /// Updated.
    Updated,
    /// Already on the target with the same values.
    Identical,
    /// Found on the target after an interrupted create: created by this run.
    FoundCreated,
    /// Found updated on the target after an interrupted update.
    FoundUpdated,
    /// Made by GLPI itself when this run created its owner (a new user's first authorization).
    MadeWithOwner {
        /// The object this run created.
        owner: ObjectKey,
    },
    /// Found on the target after an interrupted create, with differences still to send.
    FoundCreatedDifferencesSent,
    /// Found on the target after an interrupted create; its differences were then updated.
    FoundCreatedDifferencesUpdated,
    /// Found on the target after an interrupted create; the update of its differences failed.
    FoundCreatedDifferencesFailed {
        /// Why the update failed.
        failure: Failure,
    },
    /// Created: the answer was lost, the object was found on the target.
    AnswerLost {
        /// The code of what lost the answer (`TRANSPORT_TIMEOUT`, `HTTP_502`…).
        error: String,
    },
    /// Rejected by the plan.
    Rejected {
        /// Why.
        rejection: Rejection,
    },
    /// Several target items match the object: none is chosen.
    Conflict {
        /// The matching ids.
        ids: Vec<u64>,
    },
    /// An object it depends on could not be created.
    DependencyFailed {
        /// That object.
        object: ObjectKey,
    },
    /// GLPI refused it, or the call failed.
    Failed {
        /// Why.
        failure: Failure,
    },
    /// A record of a journal written before reasons were typed: its code and French text.
    Recorded {
        /// The code it had.
        code: Option<String>,
        /// Its message, in French.
        message: String,
    },
}

impl RecordReason {
    /// GLPI's error code or ours, when the reason has one.
    pub fn code(&self) -> Option<String> {
        match self {
            RecordReason::FoundCreatedDifferencesFailed { failure }
            | RecordReason::Failed { failure } => Some(failure.code()),
            RecordReason::Rejected { rejection } => Some(rejection.code().to_string()),
            RecordReason::Conflict { .. } => Some("migrate.conflict".into()),
            RecordReason::DependencyFailed { .. } => Some("migrate.dependency_failed".into()),
            RecordReason::Recorded { code, .. } => code.clone(),
            _ => None,
        }
    }

    /// The message in the given language.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => self.fr(),
            Lang::En => self.en(),
        }
    }

    fn fr(&self) -> String {
        match self {
            RecordReason::Created => "créé".into(),
            RecordReason::Updated => "mis à jour".into(),
            RecordReason::Identical => "déjà présent sur la cible, identique".into(),
            RecordReason::FoundCreated => "créé (retrouvé sur la cible après interruption)".into(),
            RecordReason::FoundUpdated => "mis à jour (constaté sur la cible après interruption)".into(),
            RecordReason::MadeWithOwner { owner } => {
                format!("créé par GLPI avec {}", owner.render(Lang::Fr))
            }
            RecordReason::FoundCreatedDifferencesSent => "créé (retrouvé sur la cible après interruption) ; écarts envoyés en mise à jour".into(),
            RecordReason::FoundCreatedDifferencesUpdated => "créé (retrouvé sur la cible après interruption), écarts mis à jour".into(),
            RecordReason::FoundCreatedDifferencesFailed { failure } => format!(
                "créé (retrouvé sur la cible après interruption), mais la mise à jour des écarts a échoué : {}",
                failure.render(Lang::Fr)
            ),
            RecordReason::AnswerLost { error } => {
                format!("créé (réponse perdue : {error}, retrouvé sur la cible)")
            }
            RecordReason::Rejected { rejection } => rejection.render(Lang::Fr),
            RecordReason::Conflict { ids } => format!(
                "plusieurs éléments de la cible correspondent (ids {ids:?}) : aucun n'est choisi"
            ),
            RecordReason::DependencyFailed { object } => {
                format!("dépend de {}, qui n'a pas pu être créé", object.render(Lang::Fr))
            }
            RecordReason::Failed { failure } => failure.render(Lang::Fr),
            RecordReason::Recorded { message, .. } => message.clone(),
        }
    }

    fn en(&self) -> String {
        match self {
            RecordReason::Created => "created".into(),
            RecordReason::Updated => "updated".into(),
            RecordReason::Identical => "already on the target, identical".into(),
            RecordReason::FoundCreated => "created (found on the target after an interruption)".into(),
            RecordReason::FoundUpdated => "updated (seen on the target after an interruption)".into(),
            RecordReason::MadeWithOwner { owner } => {
                format!("created by GLPI with {}", owner.render(Lang::En))
            }
            RecordReason::FoundCreatedDifferencesSent => "created (found on the target after an interruption); differences sent as an update".into(),
            RecordReason::FoundCreatedDifferencesUpdated => "created (found on the target after an interruption), differences updated".into(),
            RecordReason::FoundCreatedDifferencesFailed { failure } => format!(
                "created (found on the target after an interruption), but the update of the differences failed: {}",
                failure.render(Lang::En)
            ),
            RecordReason::AnswerLost { error } => {
                format!("created (answer lost: {error}, found on the target)")
            }
            RecordReason::Rejected { rejection } => rejection.render(Lang::En),
            RecordReason::Conflict { ids } => format!(
                "several target items match (ids {ids:?}): none is chosen"
            ),
            RecordReason::DependencyFailed { object } => {
                format!("depends on {}, which could not be created", object.render(Lang::En))
            }
            RecordReason::Failed { failure } => failure.render(Lang::En),
            // Written by an older version, in French only.
            RecordReason::Recorded { message, .. } => message.clone(),
        }
    }
}

/// One object's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "RecordLine")]
pub struct Record {
    /// The object.
    pub object: ObjectKey,
    /// Its creation rank (undo goes in reverse).
    pub rank: u32,
    /// Outcome.
    pub outcome: Outcome,
    /// Target id.
    pub id: Option<u64>,
    /// Why, typed (GLPI's code and message when GLPI refused it).
    pub reason: RecordReason,
    /// Source lines.
    pub sources: Vec<SourceLine>,
    /// Values before an update (for undo).
    pub before: Option<Map<String, Value>>,
    /// The failed call as cURL, secrets replaced by placeholders.
    pub curl: Option<String>,
    /// Milliseconds since the run started.
    pub at_ms: f64,
}

impl Record {
    /// GLPI's error code or ours, when the reason has one.
    pub fn code(&self) -> Option<String> {
        self.reason.code()
    }

    /// The reason's message in the given language.
    pub fn message(&self, lang: Lang) -> String {
        self.reason.render(lang)
    }
}

/// A record as stored: journals written before reasons were typed hold `code` and a French
/// `message` instead of `reason`; they still load (a journal is resumed across versions).
#[derive(Deserialize)]
struct RecordLine {
    object: ObjectKey,
    rank: u32,
    outcome: Outcome,
    id: Option<u64>,
    #[serde(default)]
    reason: Option<RecordReason>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: String,
    sources: Vec<SourceLine>,
    before: Option<Map<String, Value>>,
    curl: Option<String>,
    at_ms: f64,
}

impl From<RecordLine> for Record {
    fn from(l: RecordLine) -> Record {
        let reason = l.reason.unwrap_or(RecordReason::Recorded {
            code: l.code,
            message: l.message,
        });
        Record {
            object: l.object,
            rank: l.rank,
            outcome: l.outcome,
            id: l.id,
            reason,
            sources: l.sources,
            before: l.before,
            curl: l.curl,
            at_ms: l.at_ms,
        }
    }
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

    /// The report as CSV in French: [`Journal::to_csv_in`].
    pub fn to_csv(&self) -> String {
        self.to_csv_in(Lang::Fr)
    }

    /// The report as CSV (UTF-8 with BOM, `;`): one line per source line, formulas neutralised,
    /// headers and messages in the given language.
    pub fn to_csv_in(&self, lang: Lang) -> String {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        let _ = w.write_record(match lang {
            Lang::Fr => [
                "fichier",
                "ligne",
                "type",
                "objet",
                "résultat",
                "id_cible",
                "code",
                "message",
            ],
            Lang::En => [
                "file",
                "line",
                "type",
                "object",
                "result",
                "target_id",
                "code",
                "message",
            ],
        });
        for r in self.records() {
            let lines: Vec<Option<&SourceLine>> = if r.sources.is_empty() {
                vec![None]
            } else {
                r.sources.iter().map(Some).collect()
            };
            for s in lines {
                // A file's line number; `id 17` for an object read from the local GLPI.
                let line = s
                    .map(|s| {
                        if s.file.starts_with(crate::migrate::source::TABLE_PREFIX) {
                            s.place(lang)
                        } else {
                            s.line.to_string()
                        }
                    })
                    .unwrap_or_default();
                let id = r.id.map(|i| i.to_string()).unwrap_or_default();
                let code = r.code().unwrap_or_default();
                let message = r.message(lang);
                let fields = [
                    s.map(|s| s.file.as_str()).unwrap_or(""),
                    line.as_str(),
                    r.object.itemtype.name(),
                    r.object.key.as_str(),
                    // The result in the report's language ("créé", "déjà présent"); the JSON
                    // keeps the stable code beside it.
                    r.outcome.label(lang),
                    id.as_str(),
                    code.as_str(),
                    message.as_str(),
                ];
                let _ = w.write_record(fields.iter().map(|f| neutralize(f).into_owned()));
            }
        }
        let bytes = w.into_inner().unwrap_or_default();
        format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
    }

    /// The whole journal as JSON in French: [`Journal::to_json_in`].
    pub fn to_json(&self) -> String {
        self.to_json_in(Lang::Fr)
    }

    /// The whole journal as a JSON array of events; each outcome carries its typed reason, and
    /// its code and message rendered in the given language.
    pub fn to_json_in(&self, lang: Lang) -> String {
        let events: Vec<Value> = self
            .events
            .iter()
            .map(|e| {
                // Through text, not `to_value`: a second serialiser for every journal type
                // would weigh some 25 KB in the page, for an export.
                let mut v = serde_json::to_string(e)
                    .and_then(|text| serde_json::from_str(&text))
                    .unwrap_or(Value::Null);
                if let (Event::Done(r), Some(map)) = (e, v.as_object_mut()) {
                    map.insert("code".into(), r.code().into());
                    map.insert("message".into(), r.message(lang).into());
                }
                v
            })
            .collect();
        serde_json::to_string_pretty(&events).unwrap_or_else(|_| "[]".into())
    }
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(Failure, tag = "kind" {
    "refused" => Refused { code, message },
    "no_answer" => NoAnswer { code },
    "call" => Call { error },
    "file_altered" => FileAltered { expected, found },
});

crate::wire::read_tagged!(RecordReason, tag = "kind" {
    "created" => Created,
    "updated" => Updated,
    "identical" => Identical,
    "found_created" => FoundCreated,
    "found_updated" => FoundUpdated,
    "made_with_owner" => MadeWithOwner { owner },
    "found_created_differences_sent" => FoundCreatedDifferencesSent,
    "found_created_differences_updated" => FoundCreatedDifferencesUpdated,
    "found_created_differences_failed" => FoundCreatedDifferencesFailed { failure },
    "answer_lost" => AnswerLost { error },
    "rejected" => Rejected { rejection },
    "conflict" => Conflict { ids },
    "dependency_failed" => DependencyFailed { object },
    "failed" => Failed { failure },
    "recorded" => Recorded { code: optional, message },
});

crate::wire::read_tagged!(Event, tag = "event" {
    "started" => Started { run, objects, resumed },
    "intent" => Intent { batch, action, itemtype, objects, before: or_default, keys: or_default },
    "done" => Done(_),
    "closed" => Closed { batch },
    "finished" => Finished { cancelled },
    "undone" => Undone { object, ok, message },
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::api::{GlpiError, TransportError};
    use crate::validate::ValueProblem;

    fn pc(key: &str) -> ObjectKey {
        ObjectKey::new(GlpiType::Computer, key)
    }

    fn record(reason: RecordReason) -> Record {
        Record {
            object: pc("PC-1"),
            rank: 3,
            outcome: Outcome::Failed,
            id: None,
            reason,
            sources: vec![SourceLine {
                file: "Computer.csv".into(),
                line: 2,
            }],
            before: None,
            curl: None,
            at_ms: 1.0,
        }
    }

    /// Every reason with the code and the French text the runner journaled before reasons were
    /// typed (each old site's string or `format!`, with sample values).
    fn old_records() -> Vec<(RecordReason, Option<&'static str>, String)> {
        let ids = vec![4u64, 9];
        let dep = pc("PC-0");
        let refused = Failure::Refused {
            code: "ERROR_GLPI_ADD".into(),
            message: "Vous n'avez pas la permission".into(),
        };
        let call = CallError::Transport(TransportError::Timeout);
        let e = call.clone();
        let message = "Vous n'avez pas la permission";
        let keys = [vec!["serial".to_string()], vec!["name".to_string()]];
        let (key, first) = ("abc", 2);
        let second = "Scanner";
        let d = ValueProblem::NotDate;
        vec![
            (RecordReason::Created, None, "créé".into()),
            (RecordReason::Updated, None, "mis à jour".into()),
            (
                RecordReason::Identical,
                None,
                "déjà présent sur la cible, identique".into(),
            ),
            (
                RecordReason::FoundCreated,
                None,
                "créé (retrouvé sur la cible après interruption)".into(),
            ),
            (
                RecordReason::FoundUpdated,
                None,
                "mis à jour (constaté sur la cible après interruption)".into(),
            ),
            (
                RecordReason::FoundCreatedDifferencesSent,
                None,
                "créé (retrouvé sur la cible après interruption) ; écarts envoyés en mise à jour"
                    .into(),
            ),
            (
                RecordReason::FoundCreatedDifferencesUpdated,
                None,
                "créé (retrouvé sur la cible après interruption), écarts mis à jour".into(),
            ),
            (
                RecordReason::FoundCreatedDifferencesFailed {
                    failure: refused.clone(),
                },
                Some("ERROR_GLPI_ADD"),
                format!("créé (retrouvé sur la cible après interruption), mais la mise à jour des écarts a échoué : {message}"),
            ),
            (
                RecordReason::AnswerLost { error: e.code() },
                None,
                format!(
                    "créé (réponse perdue : {}, retrouvé sur la cible)",
                    e.code()
                ),
            ),
            (
                RecordReason::Conflict { ids: ids.clone() },
                Some("migrate.conflict"),
                format!(
                    "plusieurs éléments de la cible correspondent (ids {ids:?}) : aucun n'est choisi"
                ),
            ),
            (
                RecordReason::DependencyFailed {
                    object: dep.clone(),
                },
                Some("migrate.dependency_failed"),
                format!("dépend de {dep}, qui n'a pas pu être créé"),
            ),
            (
                RecordReason::Failed { failure: refused },
                Some("ERROR_GLPI_ADD"),
                message.to_string(),
            ),
            (
                RecordReason::Failed {
                    failure: Failure::NoAnswer {
                        code: "ERROR_GLPI_UPDATE".into(),
                    },
                },
                Some("ERROR_GLPI_UPDATE"),
                "sans réponse de GLPI".into(),
            ),
            (
                RecordReason::Failed {
                    failure: Failure::Call { error: call },
                },
                Some("TRANSPORT_TIMEOUT"),
                e.to_string(),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::Check {
                        diagnostic: d.clone().into(),
                    },
                },
                Some("value.date"),
                format!("ligne rejetée à la vérification : {}", d),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::ReferenceMissing {
                        detail: "lieu « X » absent".into(),
                    },
                },
                Some("migrate.reference_missing"),
                "lieu « X » absent".into(),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::DependencyRejected {
                        object: dep.clone(),
                    },
                },
                Some("migrate.dependency_rejected"),
                format!("dépend de {dep}, qui est rejeté"),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::NoKey {
                        keys: keys.to_vec(),
                    },
                },
                Some("migrate.no_key"),
                format!(
                    "aucune clé de rapprochement renseignée ({}) : la ligne ne peut pas être migrée sans risque de doublon",
                    keys.iter()
                        .map(|k| k.join("+"))
                        .collect::<Vec<_>>()
                        .join(", puis ")
                ),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::RowWithoutKey,
                },
                Some("migrate.no_key"),
                "ni numéro de série ni nom (ni identifiant, ni nom complet) : la ligne ne peut pas être rapprochée de la cible".into(),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::SameKeyAs {
                        key: key.into(),
                        first_line: first,
                    },
                },
                Some("migrate.duplicate"),
                format!("même clé « {key} » que la ligne {first} : seule la première est migrée"),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::GivenAbove { key: key.into() },
                },
                Some("migrate.duplicate"),
                format!("« {key} » déjà donné plus haut dans ce fichier"),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::CompanionBadType {
                        found: second.into(),
                    },
                },
                Some("migrate.companion.bad_type"),
                format!("type « {second} » inconnu : attendu Moniteur, Périphérique, Imprimante ou Téléphone"),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::ConnectionIncomplete,
                },
                Some("migrate.companion.missing"),
                "ordinateur et élément sont obligatoires".into(),
            ),
            (
                RecordReason::Rejected {
                    rejection: Rejection::InstallationIncomplete,
                },
                Some("migrate.companion.missing"),
                "ordinateur, logiciel et version sont obligatoires".into(),
            ),
        ]
    }

    #[test]
    fn every_reason_keeps_its_old_code_and_french_text_and_has_english() {
        for (reason, code, fr) in old_records() {
            assert_eq!(reason.code().as_deref(), code, "{reason:?}");
            assert_eq!(reason.render(Lang::Fr), fr, "{reason:?}");
            let en = reason.render(Lang::En);
            assert!(!en.is_empty(), "{reason:?}");
            let glpi_text = matches!(
                reason,
                RecordReason::Failed {
                    failure: Failure::Refused { .. }
                } | RecordReason::Rejected {
                    rejection: Rejection::ReferenceMissing { .. }
                }
            );
            assert!(glpi_text || en != fr, "not translated: {reason:?}");
            // A journal line and back.
            let line = Journal::json_line(&Event::Done(record(reason.clone())));
            let back = Journal::from_json_lines(&line);
            assert_eq!(back.records()[0].reason, reason, "{line}");
        }
        let e = CallError::Glpi {
            status: 400,
            error: GlpiError {
                code: "ERROR_BAD".into(),
                message: "bad".into(),
                details: Value::Null,
            },
        };
        assert_eq!(
            Failure::Call { error: e }.render(Lang::En),
            "GLPI answered 400 ERROR_BAD: bad"
        );
    }

    #[test]
    fn a_journal_written_before_typed_reasons_still_loads() {
        let old = r#"{"event":"done","object":{"itemtype":"Computer","key":"PC-1"},"rank":3,"outcome":"rejected","id":null,"code":"migrate.conflict","message":"plusieurs éléments de la cible correspondent (ids [4, 9]) : aucun n'est choisi","sources":[{"file":"Computer.csv","line":2}],"before":null,"curl":null,"at_ms":1.0}
{"event":"done","object":{"itemtype":"Computer","key":"PC-2"},"rank":3,"outcome":"created","id":7,"code":null,"message":"créé","sources":[],"before":null,"curl":null,"at_ms":2.0}
"#;
        let j = Journal::from_json_lines(old);
        let records = j.records();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].code().as_deref(), Some("migrate.conflict"));
        assert_eq!(
            records[0].message(Lang::En),
            "plusieurs éléments de la cible correspondent (ids [4, 9]) : aucun n'est choisi"
        );
        assert_eq!(records[1].code(), None);
        assert_eq!(records[1].message(Lang::Fr), "créé");
        assert_eq!(j.ids().get(&pc("PC-2")), Some(&7));
    }

    #[test]
    fn reports_render_the_reason_per_language() {
        let j = Journal::from_events(vec![Event::Done(record(RecordReason::Conflict {
            ids: vec![4, 9],
        }))]);
        let fr = j.to_csv();
        assert!(fr.starts_with("\u{feff}fichier;ligne;"), "{fr}");
        assert!(
            fr.contains("migrate.conflict;plusieurs éléments de la cible correspondent (ids [4, 9]) : aucun n'est choisi"),
            "{fr}"
        );
        let created = Journal::from_events(vec![Event::Done(Record {
            outcome: Outcome::Created,
            ..record(RecordReason::Created)
        })]);
        assert!(created.to_csv().contains(";créé;"), "{}", created.to_csv());
        assert!(created.to_csv_in(Lang::En).contains(";created;"));
        assert!(
            fr.starts_with("\u{feff}fichier;ligne;type;objet;résultat;"),
            "{fr}"
        );
        let en = j.to_csv_in(Lang::En);
        assert!(en.starts_with("\u{feff}file;line;"), "{en}");
        assert!(
            en.contains("migrate.conflict;several target items match (ids [4, 9]): none is chosen"),
            "{en}"
        );
        let json: Value = serde_json::from_str(&j.to_json_in(Lang::En)).unwrap();
        assert_eq!(json[0]["code"], "migrate.conflict");
        assert_eq!(
            json[0]["message"],
            "several target items match (ids [4, 9]): none is chosen"
        );
        assert_eq!(json[0]["reason"]["kind"], "conflict");
        assert_eq!(json[0]["reason"]["ids"], serde_json::json!([4, 9]));
    }
}
