//! Browser adapters around the engine's migration: fetch through the proxy, and the journal in
//! IndexedDB, held by one tab at a time (Web Locks). The engine itself knows none of them.

pub mod fetch_transport;
pub mod journal_db;
pub mod session_slot;
pub mod web_lock;

pub use fetch_transport::FetchTransport;
pub use journal_db::{purge_at, JournalDb, RunMeta, RETENTION_DAYS};
pub use session_slot::{identify, Session, SessionSlot};
