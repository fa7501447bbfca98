//! Native adapters: drive the engine's migration against a GLPI over HTTP, keep the journal on disk.
