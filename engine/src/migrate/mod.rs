//! Migration into a GLPI, sans I/O: the plan (objects in dependency order, references remapped,
//! reconciliation with the target), the client logic (sessions, retries, bulk calls) over a
//! [`api::Transport`] the adapters provide, the journal, and run / resume / undo / verify.
//!
//! Data flows one way: checked files → [`plan::Draft`] → (target read) → [`plan::Plan`] →
//! requests → [`journal::Journal`] → report; [`session::MigrationSession`] carries a whole
//! migration through it.

pub mod api;
pub mod client;
pub mod companion;
pub mod inputs;
pub mod journal;
pub mod lookup;
pub mod model;
pub mod plan;
pub mod reconcile;
pub mod run;
pub mod session;
pub mod source;
