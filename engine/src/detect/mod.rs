//! Recognising the GLPI item type of a file from its headers.
