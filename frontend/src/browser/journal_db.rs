//! The run's journal in IndexedDB: each event is stored (and its transaction completed) before
//! the batch it announces is sent, so a closed tab or a crash loses nothing. The plan is stored
//! with it, so the page can offer to resume after a reload.

use passerelle_engine::migrate::journal::{Event, Journal};
use passerelle_engine::migrate::plan::Plan;
use passerelle_engine::migrate::run::{JournalSink, RunOptions};
use passerelle_engine::migrate::source::SourceRead;
use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::JsValue;

// Its own database: the saved templates live in "passerelle" with their own schema version.
pub(crate) const DB_NAME: &str = "passerelle-journal";
/// The HR directory import's journal: a database of its own, so a directory run and a
/// migration never overwrite each other's journal.
pub(crate) const DIRECTORY_DB_NAME: &str = "passerelle-directory-journal";
const EVENTS: &str = "journal_events";
const META: &str = "journal_meta";
const META_KEY: &str = "current";
/// Beside the run: what was read of the local GLPI so far (issue 16), so a reload continues the
/// read. It holds the read's personal data like the journal, and goes with it when purged.
const SOURCE_READ_KEY: &str = "source-read";

/// How long the browser keeps a migration's journal (it holds the files' personal data:
/// e-mails, phone numbers), counted from the run's start: then the page purges it by itself.
/// The page's own rule, shown to the administrator beside the journal.
pub const RETENTION_DAYS: u32 = 30;

/// When a journal started at `started_ms` is purged (ms since epoch).
pub fn purge_at(started_ms: f64) -> f64 {
    started_ms + f64::from(RETENTION_DAYS) * 86_400_000.0
}

/// What is needed to resume a run after the page was closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// Run identifier.
    pub run: String,
    /// The plan being carried out.
    pub plan: Plan,
    /// How batches are sent.
    pub options: RunOptions,
    /// Target entity chosen at connection.
    pub entity: u64,
    /// When it started (ms since epoch).
    pub started_ms: f64,
}

/// The journal database.
pub struct JournalDb {
    /// Shared with the task each append runs in.
    db: Rc<Rexie>,
}

fn text(e: impl std::fmt::Debug) -> String {
    format!("IndexedDB : {e:?}")
}

impl JournalDb {
    /// Opens (creating) the database.
    pub async fn open() -> Result<JournalDb, String> {
        Self::open_named(DB_NAME).await
    }

    /// Opens (creating) the journal database of this name.
    pub async fn open_named(name: &str) -> Result<JournalDb, String> {
        let db = Rexie::builder(name)
            .version(1)
            .add_object_store(ObjectStore::new(EVENTS).auto_increment(true))
            .add_object_store(ObjectStore::new(META))
            .build()
            .await
            .map_err(text)?;
        Ok(JournalDb { db: Rc::new(db) })
    }

    /// Starts a new run: forgets the previous journal and stores the plan.
    pub async fn start(&self, meta: &RunMeta) -> Result<(), String> {
        let json = serde_json::to_string(meta).map_err(text)?;
        let tx = self
            .db
            .transaction(&[EVENTS, META], TransactionMode::ReadWrite)
            .map_err(text)?;
        tx.store(EVENTS)
            .map_err(text)?
            .clear()
            .await
            .map_err(text)?;
        tx.store(META)
            .map_err(text)?
            .put(
                &JsValue::from_str(&json),
                Some(&JsValue::from_str(META_KEY)),
            )
            .await
            .map_err(text)?;
        tx.done().await.map_err(text)?;
        Ok(())
    }

    /// The stored journal, empty when there is none or it cannot be read: after a run's error,
    /// what was done (the run stores its journal before each batch).
    pub async fn stored_journal(&self) -> Journal {
        match self.load().await {
            Ok(Some((_, journal))) => journal,
            _ => Journal::default(),
        }
    }

    /// The stored run and its journal, if any.
    pub async fn load(&self) -> Result<Option<(RunMeta, Journal)>, String> {
        let tx = self
            .db
            .transaction(&[EVENTS, META], TransactionMode::ReadOnly)
            .map_err(text)?;
        let meta = tx
            .store(META)
            .map_err(text)?
            .get(JsValue::from_str(META_KEY))
            .await
            .map_err(text)?;
        let Some(meta) = meta.and_then(|v| v.as_string()) else {
            return Ok(None);
        };
        let meta: RunMeta = serde_json::from_str(&meta).map_err(text)?;
        let values = tx
            .store(EVENTS)
            .map_err(text)?
            .get_all(None, None)
            .await
            .map_err(text)?;
        let events = values
            .into_iter()
            .filter_map(|v| v.as_string())
            .filter_map(|s| serde_json::from_str::<Event>(&s).ok())
            .collect();
        Ok(Some((meta, Journal::from_events(events))))
    }

    /// Keeps what was read of the local GLPI (partial or complete), replacing what was kept.
    pub async fn save_source_read(&self, read: &SourceRead) -> Result<(), String> {
        let json = serde_json::to_string(read).map_err(text)?;
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadWrite)
            .map_err(text)?;
        tx.store(META)
            .map_err(text)?
            .put(
                &JsValue::from_str(&json),
                Some(&JsValue::from_str(SOURCE_READ_KEY)),
            )
            .await
            .map_err(text)?;
        tx.done().await.map_err(text)?;
        Ok(())
    }

    /// What was kept of the local GLPI's read, if anything.
    pub async fn load_source_read(&self) -> Result<Option<SourceRead>, String> {
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadOnly)
            .map_err(text)?;
        let value = tx
            .store(META)
            .map_err(text)?
            .get(JsValue::from_str(SOURCE_READ_KEY))
            .await
            .map_err(text)?;
        match value.and_then(|v| v.as_string()) {
            Some(json) => serde_json::from_str(&json).map(Some).map_err(text),
            None => Ok(None),
        }
    }

    /// Forgets the stored run (and what was read of the local GLPI).
    pub async fn clear(&self) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[EVENTS, META], TransactionMode::ReadWrite)
            .map_err(text)?;
        tx.store(EVENTS)
            .map_err(text)?
            .clear()
            .await
            .map_err(text)?;
        tx.store(META).map_err(text)?.clear().await.map_err(text)?;
        tx.done().await.map_err(text)?;
        Ok(())
    }
}

/// Stores `events` in one transaction; returns once it is complete.
async fn append_events(db: &Rexie, events: Vec<String>) -> Result<(), String> {
    let tx = db
        .transaction(&[EVENTS], TransactionMode::ReadWrite)
        .map_err(text)?;
    let store = tx.store(EVENTS).map_err(text)?;
    for json in events {
        store
            .add(&JsValue::from_str(&json), None)
            .await
            .map_err(text)?;
    }
    // Only once the transaction is complete is the event on disk.
    tx.done().await.map_err(text)?;
    Ok(())
}

impl JournalSink for JournalDb {
    /// The transaction runs in a task of its own. IndexedDB commits a transaction as soon as
    /// the event loop finds no request pending in it: its continuations (the next `add`, the
    /// wait for `complete`) must run as soon as it wakes them. Inside the runner, an append is
    /// one of several batches in flight, polled only when the runner gets back to them; a
    /// transaction completed meanwhile never told its late listener, and the batch waited
    /// forever with its intent stored and its request never sent (seen against a real GLPI,
    /// whose slower answers let it happen).
    async fn append(&self, events: &[Event]) -> Result<(), String> {
        let events = events
            .iter()
            .map(|e| serde_json::to_string(e).map_err(text))
            .collect::<Result<Vec<String>, String>>()?;
        let db = self.db.clone();
        let (done, stored) = futures_channel::oneshot::channel();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = done.send(append_events(&db, events).await);
        });
        stored
            .await
            .unwrap_or_else(|_| Err("IndexedDB : écriture interrompue".into()))
    }
}
