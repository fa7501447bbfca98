//! Undo: what the journal's runs created is purged and what they updated gets its
//! before-values back, in reverse dependency order. Resumable: what is undone is journaled,
//! and an item already gone counts as undone.

use crate::sort::CollectOrdered;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::{RunError, Runner};
use crate::glpi::{undo_added_addresses, undo_added_network_name, GlpiType, NETWORK_NAME_INPUTS};
use crate::migrate::client::{BulkResult, CallError, ItemResult};
use crate::migrate::journal::{Event, Outcome, Record};

/// What an undo did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoSummary {
    /// Items removed.
    pub removed: usize,
    /// Items restored to their before-values.
    pub restored: usize,
    /// Failures.
    pub failed: usize,
}

impl Runner<'_, '_> {
    /// Removes what the journal's runs created (reverse dependency order) and restores what they
    /// updated from the before-values. Resumable: what is already undone is left alone.
    pub async fn undo(&self) -> Result<UndoSummary, RunError> {
        let records: Vec<Record> = {
            let j = self.journal.borrow();
            j.records()
                .into_iter()
                .filter(|r| {
                    matches!(r.outcome, Outcome::Created | Outcome::Updated)
                        && !j.is_undone(&r.object)
                })
                .cloned()
                .collect()
        };
        // A later update of an object this migration created (a ticket's status and dates) needs
        // no restoring: the object is removed. Restoring it first would write (and notify) for
        // nothing.
        let created: std::collections::HashSet<(GlpiType, u64)> = records
            .iter()
            .filter(|r| r.outcome == Outcome::Created)
            .filter_map(|r| Some((r.object.itemtype, r.id?)))
            .collect();
        let (records, with_created): (Vec<Record>, Vec<Record>) =
            records.into_iter().partition(|r| {
                r.outcome == Outcome::Created
                    || !r
                        .id
                        .is_some_and(|id| created.contains(&(r.object.itemtype, id)))
            });
        // But a ticket the run closed keeps its timeline: GLPI refuses to purge a closed
        // ticket's tasks, and purging the ticket with them notifies each task's deletion
        // (`CommonITILTask::post_deleteFromDB`). Such tickets are reopened first, quietly.
        let reopen: std::collections::BTreeSet<u64> = with_created
            .iter()
            .filter(|r| r.object.itemtype == GlpiType::Ticket)
            .filter_map(|r| r.id)
            .into_set();
        if !reopen.is_empty() {
            let inputs: Vec<Value> = reopen
                .iter()
                .map(|id| {
                    let mut m = serde_json::Map::new();
                    m.insert("id".into(), json!(id));
                    m.insert(
                        "status".into(),
                        json!(crate::migrate::plan::ticket::INCOMING),
                    );
                    for flag in GlpiType::Ticket.quiet_inputs() {
                        m.insert((*flag).into(), json!(1));
                    }
                    Value::Object(m)
                })
                .collect();
            // A refusal shows later, as the purges that fail.
            let _ = self.client.update(GlpiType::Ticket, inputs).await;
        }
        self.record(
            with_created
                .iter()
                .map(|r| Event::Undone {
                    object: r.object.clone(),
                    ok: true,
                    message: "retiré avec l'objet créé".into(),
                })
                .collect(),
        )
        .await?;
        // Within a rank, a user's authorizations go last: they are what lets a session on
        // another entity than the root see the user (`User::canUpdateItem`), and GLPI refuses
        // to purge the memberships of a user it cannot see.
        let mut by_rank: BTreeMap<(u32, bool, GlpiType), Vec<Record>> = BTreeMap::new();
        for r in records {
            let itemtype = r.object.itemtype;
            by_rank
                .entry((r.rank, itemtype != GlpiType::ProfileUser, itemtype))
                .or_default()
                .push(r);
        }
        let mut summary = UndoSummary::default();
        for ((_, _, itemtype), group) in by_rank.into_iter().rev() {
            let (created, updated): (Vec<Record>, Vec<Record>) = group
                .into_iter()
                .partition(|r| r.outcome == Outcome::Created);
            for chunk in created.chunks(self.options.max_batch_size.max(1)) {
                let ids: Vec<u64> = chunk.iter().filter_map(|r| r.id).collect();
                let result = self.client.purge_quietly(itemtype, &ids).await;
                let n = self.record_undo(chunk, &result, "supprimé").await?;
                summary.removed += n;
                summary.failed += chunk.len() - n;
            }
            // Ports whose update changed their addresses are read again: the undo deletes the
            // ones the update added, and the network name it added, whose ids the journal could
            // not know.
            let ports: Vec<u64> = updated
                .iter()
                .filter(|r| {
                    itemtype == GlpiType::NetworkPort
                        && r.before
                            .as_ref()
                            .is_some_and(|b| b.contains_key(NETWORK_NAME_INPUTS[1]))
                })
                .filter_map(|r| r.id)
                .collect();
            let now = if ports.is_empty() {
                Ok(Default::default())
            } else {
                self.client.read_network_names(&ports).await
            };
            for chunk in updated.chunks(self.options.max_batch_size.max(1)) {
                let inputs: Vec<Value> = chunk
                    .iter()
                    .map(|r| {
                        let mut m = r.before.clone().unwrap_or_default();
                        let port = now.as_ref().ok().and_then(|n| n.get(&r.id?));
                        undo_added_addresses(&mut m, port);
                        undo_added_network_name(&mut m, port);
                        m.insert("id".into(), json!(r.id.unwrap_or(0)));
                        for flag in itemtype.quiet_inputs() {
                            m.insert((*flag).into(), json!(1));
                        }
                        Value::Object(m)
                    })
                    .collect();
                // Ports not read are not restored: their added addresses would stay. A later
                // undo tries again.
                let result = match &now {
                    Err(e) => Err(e.clone()),
                    Ok(_) => self.client.update(itemtype, inputs).await,
                };
                let n = self
                    .record_undo(chunk, &result, "valeurs d'avant rétablies")
                    .await?;
                summary.restored += n;
                summary.failed += chunk.len() - n;
            }
        }
        Ok(summary)
    }

    /// Journals the undo of a chunk; returns how many succeeded. An item already gone (a
    /// resumed undo, or GLPI removed it with its parent) counts as undone.
    async fn record_undo(
        &self,
        chunk: &[Record],
        result: &Result<BulkResult, CallError>,
        done: &str,
    ) -> Result<usize, RunError> {
        let gone = |m: &str| m.eq_ignore_ascii_case("Item Not Found");
        let mut events = Vec::new();
        let mut ok_count = 0;
        for (n, r) in chunk.iter().enumerate() {
            let (ok, message) = match result {
                Ok(b) => match b.items.get(n) {
                    Some(ItemResult::Ok(_)) => (true, done.to_string()),
                    Some(ItemResult::Refused(m)) if gone(m) => (true, "déjà absent".to_string()),
                    Some(ItemResult::Refused(m)) => (false, m.clone()),
                    None => (false, "sans réponse".into()),
                },
                Err(CallError::Glpi { error, .. }) if gone(&error.message) => {
                    (true, "déjà absent".into())
                }
                Err(e) => (false, e.to_string()),
            };
            ok_count += usize::from(ok);
            events.push(Event::Undone {
                object: r.object.clone(),
                ok,
                message,
            });
        }
        self.record(events).await?;
        Ok(ok_count)
    }
}
