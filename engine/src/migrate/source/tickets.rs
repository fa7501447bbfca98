//! Tickets with their actors, linked items, followups, tasks and solutions → the Ticket table
//! and the timeline companion. Owner: the helper `source-tickets`.
//!
//! Empty for now: it reads nothing and gives no table, so a read of the local GLPI carries no
//! ticket yet.

use super::{Built, Context, Endpoint, SourceRead};

/// The collections this family reads (none yet).
pub const ENDPOINTS: &[Endpoint] = &[];

/// Builds the family's tables from what was read (none yet).
pub fn build(_read: &SourceRead, _ctx: &Context, _out: &mut Built) {}
