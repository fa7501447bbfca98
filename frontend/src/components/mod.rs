//! The page's building blocks; each takes the language and the data it shows as props.

pub mod checker;
pub mod header;
pub mod status;

pub use checker::Checker;
pub use header::Header;
pub use status::StatusPanel;
