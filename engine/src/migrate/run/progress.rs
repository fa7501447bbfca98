//! What the dashboard shows while a run goes: per item type, how many objects have which
//! outcome, the throughput, an estimate of the time left, errors per code and call counters.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::Runner;
use crate::glpi::GlpiType;
use crate::migrate::journal::Outcome;
use crate::migrate::plan::Plan;

/// Progress of one item type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TypeProgress {
    /// Objects of the type in the plan.
    pub total: usize,
    /// Per outcome.
    pub outcomes: BTreeMap<Outcome, usize>,
}

impl TypeProgress {
    /// Objects with an outcome.
    pub fn done(&self) -> usize {
        self.outcomes.values().sum()
    }
}

/// What the dashboard shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Per itemtype, in creation order.
    pub types: Vec<(GlpiType, TypeProgress)>,
    /// Milliseconds since the start.
    pub elapsed_ms: f64,
    /// Objects sent per second so far.
    pub items_per_second: f64,
    /// Estimated milliseconds left.
    pub remaining_ms: Option<f64>,
    /// Errors per GLPI code.
    pub errors: BTreeMap<String, usize>,
    /// `(elapsed ms, objects done)` samples, for the throughput chart.
    pub samples: Vec<(f64, usize)>,
    /// Current batch size.
    pub batch_size: usize,
    /// Whether paused.
    pub paused: bool,
    /// Calls, retries, re-logins.
    pub calls: u64,
    /// Retries.
    pub retries: u64,
    /// Sessions opened again.
    pub relogins: u64,
}

impl Progress {
    /// Objects with an outcome, over every type.
    pub fn done(&self) -> usize {
        self.types.iter().map(|(_, t)| t.done()).sum()
    }

    /// Objects in the plan.
    pub fn total(&self) -> usize {
        self.types.iter().map(|(_, t)| t.total).sum()
    }
}

impl Runner<'_, '_> {
    /// Recomputes the progress from the journal and tells the observer.
    pub(super) fn note_progress(&self, plan: &Plan) {
        let journal = self.journal.borrow();
        let mut p = self.progress.borrow_mut();
        let mut types: Vec<(GlpiType, TypeProgress)> = Vec::new();
        for o in &plan.objects {
            let pos = match types.iter().position(|(t, _)| *t == o.key.itemtype) {
                Some(i) => i,
                None => {
                    types.push((o.key.itemtype, TypeProgress::default()));
                    types.len() - 1
                }
            };
            types[pos].1.total += 1;
            if let Some(r) = journal.record(&o.key) {
                *types[pos].1.outcomes.entry(r.outcome).or_default() += 1;
            }
        }
        let elapsed = self.elapsed();
        p.types = types;
        let (done, total) = (p.done(), p.total());
        p.elapsed_ms = elapsed;
        p.items_per_second = if elapsed > 0.0 {
            done as f64 * 1000.0 / elapsed
        } else {
            0.0
        };
        p.remaining_ms = (p.items_per_second > 0.0)
            .then(|| total.saturating_sub(done) as f64 * 1000.0 / p.items_per_second);
        p.errors = BTreeMap::new();
        for r in journal.records() {
            if r.outcome == Outcome::Failed || r.outcome == Outcome::Rejected {
                *p.errors
                    .entry(r.code().unwrap_or_else(|| "?".into()))
                    .or_default() += 1;
            }
        }
        if p.samples.last().is_none_or(|(t, _)| elapsed - t >= 250.0) {
            p.samples.push((elapsed, done));
        }
        let stats = self.client.stats();
        p.calls = stats.calls;
        p.retries = stats.retries;
        p.relogins = stats.relogins;
        (self.observer)(&p);
    }
}
