//! Mapping source columns to GLPI fields: automatic matching, constants, templates.
