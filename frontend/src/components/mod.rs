//! The page's building blocks; each takes the language and the data it shows as props.

pub mod header;
pub mod status;

pub use header::Header;
pub use status::StatusPanel;
