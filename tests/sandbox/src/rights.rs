//! What each stock profile may do, per right family.

use crate::itemtypes::Right;

/// An action on items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read.
    Read,
    /// Create.
    Create,
    /// Update.
    Update,
    /// Delete or purge.
    Delete,
}

/// Whether `profile` may do `action` on items of the `right` family (stock GLPI 10 profiles).
pub fn can(profile: u64, right: Right, action: Action) -> bool {
    match profile {
        // Super-Admin, Admin: everything.
        4 | 3 => true,
        // Technician, Hotliner, Supervisor: assets and tickets; read setup and users.
        5..=7 => match right {
            Right::Asset | Right::Ticket => true,
            Right::Setup | Right::User => action == Action::Read,
        },
        // Observer, Read-Only: read.
        2 | 8 => action == Action::Read,
        // Self-Service: its own tickets; read a few dropdowns.
        1 => match right {
            Right::Ticket => matches!(action, Action::Read | Action::Create),
            Right::Setup => action == Action::Read,
            _ => false,
        },
        _ => false,
    }
}

/// Whether the profile may set a ticket's priority (otherwise GLPI recomputes it).
pub fn can_change_priority(profile: u64) -> bool {
    matches!(profile, 3 | 4 | 6 | 7)
}
