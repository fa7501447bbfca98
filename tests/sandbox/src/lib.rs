//! GLPI sandbox: an in-memory reproduction of GLPI 10's legacy REST API.
