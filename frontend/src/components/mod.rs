//! The page's building blocks; each takes the language and the data it shows as props.

pub mod checker;
pub mod choice;
pub mod directory;
pub mod footer;
pub mod header;
pub mod migrate;
pub mod status;
pub mod stepper;

pub use checker::Checker;
pub use choice::Choice;
pub use directory::DirectoryImport;
pub use footer::Footer;
pub use header::Header;
pub use migrate::Migration;
pub use status::StatusPanel;
pub use stepper::Stepper;
