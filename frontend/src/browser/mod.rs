//! Browser adapters around the engine's migration: fetch through the proxy, and the journal in
//! IndexedDB. The engine itself knows neither.

pub mod fetch_transport;
pub mod journal_db;

pub use fetch_transport::FetchTransport;
pub use journal_db::{JournalDb, RunMeta};
