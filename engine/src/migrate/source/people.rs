//! Placeholder, filled next.

use super::{Built, Context, Endpoint, SourceRead};
use crate::glpi::GlpiType;

/// Users, as ids (their login is `name`).
pub const USERS: Endpoint = Endpoint {
    itemtype: GlpiType::User,
    expand: false,
};

/// The collections this family reads.
pub const ENDPOINTS: &[Endpoint] = &[USERS];

/// Builds the family's tables from what was read.
pub fn build(_read: &SourceRead, _ctx: &Context, _out: &mut Built) {}
