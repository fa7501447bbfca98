//! Scheduling: the plan in stages of one rank (every type of the rank together), the target read
//! once per item type per run (then kept current from the create answers, never read again),
//! each object's fresh decision against it, and the queue of batches the stage sends.

use std::collections::{BTreeMap, VecDeque};

use super::recovery::{resolve, Known, ToSend};
use super::send::Work;
use super::{RunError, Runner};
use crate::glpi::GlpiType;
use crate::migrate::journal::{Event, Outcome, RecordReason};
use crate::migrate::model::{Decision, IdMap, ObjectKey, PlannedObject};
use crate::migrate::plan::Plan;
use crate::migrate::reconcile::{decide, step_update, ReconcileRules, TargetIndex};

/// The plan's objects by rank, lowest first, in plan order within a rank. Objects of one rank
/// never point to each other (a reference is always to a lower rank), so a whole rank can be
/// sent at once, in batches that span its groups.
pub(super) fn stages(plan: &Plan) -> Vec<Vec<&PlannedObject>> {
    let mut by_rank: BTreeMap<u32, Vec<&PlannedObject>> = BTreeMap::new();
    for o in &plan.objects {
        by_rank.entry(o.rank).or_default().push(o);
    }
    by_rank.into_values().collect()
}

/// The objects of a stage, per item type in order of first appearance.
fn by_type<'p>(stage: &[&'p PlannedObject]) -> Vec<(GlpiType, Vec<&'p PlannedObject>)> {
    let mut out: Vec<(GlpiType, Vec<&'p PlannedObject>)> = Vec::new();
    for o in stage {
        match out.iter_mut().find(|(t, _)| *t == o.key.itemtype) {
            Some((_, list)) => list.push(o),
            None => out.push((o.key.itemtype, vec![o])),
        }
    }
    out
}

impl Runner<'_, '_> {
    /// Makes sure the index of `itemtype` exists: from the seed the plan was made with, or one
    /// read of the whole type. Read again only for the update steps of assets and locations
    /// ([`Runner::run_stage`]).
    pub(super) async fn ensure_index(
        &self,
        itemtype: GlpiType,
        keys: &[Vec<String>],
    ) -> Result<(), RunError> {
        if self.indexes.borrow().contains_key(&itemtype) {
            return Ok(());
        }
        let seeded = self.seed.borrow_mut().remove(&itemtype);
        let items = match seeded {
            Some(items) => items,
            None => self
                .client
                .read_all(itemtype)
                .await
                .map_err(RunError::Target)?,
        };
        self.indexes
            .borrow_mut()
            .insert(itemtype, TargetIndex::new(items, keys));
        Ok(())
    }

    /// The object this journal created that GLPI makes `o` with (a new user for its first
    /// authorization), if any.
    fn owner_created(&self, o: &PlannedObject) -> Option<ObjectKey> {
        let journal = self.journal.borrow();
        o.dependencies()
            .find(|d| {
                d.itemtype.also_creates().contains(&o.key.itemtype)
                    && journal
                        .record(d)
                        .is_some_and(|r| r.outcome == Outcome::Created)
            })
            .cloned()
    }

    /// The highest id of a type known to the run: what a create made later lies above.
    pub(super) fn watermark(&self, itemtype: GlpiType) -> u64 {
        self.indexes
            .borrow()
            .get(&itemtype)
            .map_or(0, TargetIndex::max_id)
    }

    /// One stage: fresh decisions, journaled at once where nothing is to be sent, then the
    /// creates and updates of every type of the rank. Returns whether the run was cancelled.
    pub(super) async fn run_stage<'p>(
        &self,
        plan: &Plan,
        stage: &[&'p PlannedObject],
        ids: &mut IdMap,
        batch_size: &mut usize,
    ) -> Result<bool, RunError> {
        let rules = ReconcileRules {
            never_overwrite: plan.options.never_overwrite,
        };
        let in_flight = self.journal.borrow().in_flight();
        let mut events = Vec::new();
        let mut creates: Vec<(GlpiType, Vec<Work<'p>>)> = Vec::new();
        let mut updates: Vec<(GlpiType, Vec<Work<'p>>)> = Vec::new();
        for (itemtype, objects) in by_type(stage) {
            let keys = plan.options.keys_for(itemtype);
            // GLPI changes a connected asset (its computer's location, user, group…) and a new
            // location (its parent's coordinates) after the run created them, which the index
            // (what the run sent) does not know: their update steps are decided against the
            // target as it is now, read again once for the stage. A ticket's steps set what
            // GLPI ignored at its creation: what the run sent is what it holds.
            if itemtype != GlpiType::Ticket && objects.iter().any(|o| o.step_of().is_some()) {
                self.indexes.borrow_mut().remove(&itemtype);
                // A resumed run may not have used the plan's read of the type yet: older still.
                self.seed.borrow_mut().remove(&itemtype);
            }
            let todo: Vec<&PlannedObject> = {
                let journal = self.journal.borrow();
                objects
                    .into_iter()
                    .filter(|o| !journal.record(&o.key).is_some_and(|r| r.outcome.is_final()))
                    .collect()
            };
            let (mut c, mut u) = (Vec::new(), Vec::new());
            for o in todo {
                let resolution = match &o.decision {
                    // Refused by the plan: no need to look at the target.
                    Decision::Rejected { .. } | Decision::Conflict { .. } => {
                        resolve(o.decision.clone(), None)
                    }
                    _ => {
                        if let Some(dep) = o.dependencies().find(|d| !ids.contains_key(*d)) {
                            events.push(Event::Done(self.plain_record(
                                o,
                                Outcome::Failed,
                                None,
                                RecordReason::DependencyFailed {
                                    object: dep.clone(),
                                },
                            )));
                            continue;
                        }
                        self.ensure_index(itemtype, &keys).await?;
                        let fresh = {
                            let indexes = self.indexes.borrow();
                            let index = indexes.get(&itemtype).expect("index just ensured");
                            match decide(o, &keys, index, ids, rules) {
                                // A step whose owner the index does not hold (a dry run's
                                // target, read again, holds nothing the run created).
                                Decision::Create => match o.step_of().and_then(|w| ids.get(w)) {
                                    Some(&id) => step_update(o, id),
                                    None => Decision::Create,
                                },
                                d => d,
                            }
                        };
                        resolve(fresh, in_flight.get(&o.key))
                    }
                };
                if let Some(Known {
                    outcome,
                    id,
                    reason,
                    before,
                }) = resolution.known
                {
                    if let Some(id) = id {
                        ids.insert(o.key.clone(), id);
                    }
                    let (outcome, reason) = match (outcome, self.owner_created(o)) {
                        // GLPI made it when this run (or the one it resumes) created its owner:
                        // created by the run, so undo removes it.
                        (Outcome::Skipped, Some(owner)) => {
                            (Outcome::Created, RecordReason::MadeWithOwner { owner })
                        }
                        (outcome, _) => (outcome, reason),
                    };
                    let mut r = self.plain_record(o, outcome, id, reason);
                    r.before = before;
                    events.push(Event::Done(r));
                }
                match resolution.send {
                    Some(ToSend::Create) => c.push(Work::Create(o)),
                    Some(ToSend::Update {
                        id,
                        changes,
                        before,
                        created,
                    }) => u.push(Work::Update {
                        object: o,
                        id,
                        changes,
                        before,
                        created,
                    }),
                    None => {}
                }
            }
            if !c.is_empty() {
                creates.push((itemtype, c));
            }
            if !u.is_empty() {
                updates.push((itemtype, u));
            }
        }
        self.record(events).await?;
        self.note_progress(plan);
        let queue: VecDeque<(GlpiType, Vec<Work<'p>>)> =
            creates.into_iter().chain(updates).collect();
        self.send_stage(plan, queue, ids, batch_size).await
    }
}
