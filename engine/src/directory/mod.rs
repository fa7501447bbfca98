//! The HR directory (annuaire) import format of seed 004: two-phase validation.
