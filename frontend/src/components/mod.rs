//! The page's building blocks; each takes the language and the data it shows as props.

pub mod checker;
pub mod header;
pub mod migrate;
pub mod status;

pub use checker::Checker;
pub use header::Header;
pub use migrate::Migration;
pub use status::StatusPanel;
