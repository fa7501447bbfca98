//! Validating mapped rows: field types, duplicates, cross-file references.
