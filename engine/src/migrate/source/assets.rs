//! Placeholder, filled next.

use super::{Built, Context, Endpoint, SourceRead};

/// The collections this family reads.
pub const ENDPOINTS: &[Endpoint] = &[];

/// Builds the family's tables from what was read.
pub fn build(_read: &SourceRead, _ctx: &Context, _out: &mut Built) {}
