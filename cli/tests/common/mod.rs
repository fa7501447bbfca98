//! What the command's integration tests share: the real GLPI 10.0.11 sample exports they migrate.

use std::path::{Path, PathBuf};

/// The ten non-ticket sample exports, in the order an administrator would give them.
pub const SAMPLE_FILES: [&str; 10] = [
    "Location.csv",
    "Group.csv",
    "User.csv",
    "Computer.csv",
    "Monitor.csv",
    "Printer.csv",
    "Phone.csv",
    "Peripheral.csv",
    "NetworkEquipment.csv",
    "Software.csv",
];

/// Where the sample exports are (read where they are, never copied).
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/glpi-10.0.11-export/fr")
}
