//! Migration: plan, reconcile with the target, requests, journal, resume, undo, verify (sans I/O).
