//! Passerelle's engine: everything that turns files into diagnostics, plans and journals.
//!
//! Data flows one way: file -> rows -> diagnostics -> plan -> requests -> journal -> report.
//! This crate has no browser or network dependency: it is tested natively and compiled into the page.
#![warn(missing_docs)]

pub mod check;
pub mod detect;
pub mod diagnostic;
pub mod directory;
pub mod export;
pub mod glpi;
pub mod map;
pub mod migrate;
pub mod read;
pub mod sort;
pub mod validate;
mod wire;

/// The product's version, shown by every front end.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
