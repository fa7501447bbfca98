//! Unknown outcomes: a create whose answer was lost (timeout, cut connection, 5xx, a killed
//! process) may have been carried out. Before anything is sent again, the target is read back
//! and the objects are matched by key; and an object of an interrupted batch is journaled with
//! what really happened to it, whatever its fresh decision says.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use crate::glpi::GlpiType;
use crate::migrate::client::{CallError, GlpiClient};
use crate::migrate::journal::{BatchAction, IntentKey, Outcome, RecordReason};
use crate::migrate::model::{Decision, FieldValue, IdMap, PlannedObject};
use crate::migrate::reconcile::{object_key, KeyValue, TargetIndex};

/// An outcome journaled at once, with nothing to send.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Known {
    pub outcome: Outcome,
    pub id: Option<u64>,
    pub reason: RecordReason,
    pub before: Option<Map<String, Value>>,
}

/// A request to send for an object.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ToSend {
    /// Create it.
    Create,
    /// Send its differing fields. `created`: an earlier, interrupted attempt of this run created
    /// it (it is journaled as created already, and undo purges it); only the differences GLPI
    /// left are sent.
    Update {
        id: u64,
        changes: BTreeMap<String, FieldValue>,
        before: Map<String, Value>,
        created: bool,
    },
}

/// What becomes of one object: journaled now, sent, or both (in that order).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Resolution {
    pub known: Option<Known>,
    pub send: Option<ToSend>,
}

fn known(outcome: Outcome, id: Option<u64>, reason: RecordReason) -> Known {
    Known {
        outcome,
        id,
        reason,
        before: None,
    }
}

/// Combines an object's fresh decision (against the target as it is now) with the batch it was
/// in when an earlier attempt was interrupted, if any (`flight`: that batch's action and the
/// before-values it journaled).
///
/// The intent is what counts: an object whose create was in flight and that is found on the
/// target was created by this run, so it is journaled as created (and undo purges it) even when
/// GLPI stored some value differently and the fresh decision is an update; those differences
/// are then sent as an update of the created object.
pub(super) fn resolve(
    fresh: Decision,
    flight: Option<&(BatchAction, Option<Map<String, Value>>)>,
) -> Resolution {
    let action = flight.map(|(a, _)| *a);
    let flight_before = flight.and_then(|(_, b)| b.clone());
    match fresh {
        Decision::Create => Resolution {
            known: None,
            send: Some(ToSend::Create),
        },
        Decision::Skip { id } => Resolution {
            known: Some(match action {
                Some(BatchAction::Create) => {
                    known(Outcome::Created, Some(id), RecordReason::FoundCreated)
                }
                Some(BatchAction::Update) => Known {
                    before: flight_before,
                    ..known(Outcome::Updated, Some(id), RecordReason::FoundUpdated)
                },
                _ => known(Outcome::Skipped, Some(id), RecordReason::Identical),
            }),
            send: None,
        },
        Decision::Update {
            id,
            changes,
            before,
        } => match action {
            Some(BatchAction::Create) => Resolution {
                known: Some(known(
                    Outcome::Created,
                    Some(id),
                    RecordReason::FoundCreatedDifferencesSent,
                )),
                send: Some(ToSend::Update {
                    id,
                    changes,
                    before,
                    created: true,
                }),
            },
            // The values before the interrupted update are the ones to restore, not the
            // half-updated ones read now.
            Some(BatchAction::Update) => Resolution {
                known: None,
                send: Some(ToSend::Update {
                    id,
                    changes,
                    before: flight_before.unwrap_or(before),
                    created: false,
                }),
            },
            _ => Resolution {
                known: None,
                send: Some(ToSend::Update {
                    id,
                    changes,
                    before,
                    created: false,
                }),
            },
        },
        Decision::Conflict { ids } => Resolution {
            known: Some(known(
                Outcome::Rejected,
                None,
                RecordReason::Conflict { ids },
            )),
            send: None,
        },
        Decision::Rejected { rejection } => Resolution {
            known: Some(known(
                Outcome::Rejected,
                None,
                RecordReason::Rejected { rejection },
            )),
            send: None,
        },
    }
}

/// The item the index learns from a create answer: what was sent (with the lookup-only fields,
/// e.g. a tree's complete name, which GLPI computes) and the id GLPI gave.
pub(super) fn created_item(o: &PlannedObject, ids: &IdMap, id: u64) -> Map<String, Value> {
    let mut item = o.payload(ids).unwrap_or_default();
    for (k, v) in &o.lookup {
        if let Ok(j) = v.to_json(ids) {
            item.insert(k.clone(), j);
        }
    }
    item.insert("id".into(), Value::from(id));
    item
}

/// How the journal's intent lets a resume find `o` on the target without a plan: the first
/// key alternative whose value is known.
pub(super) fn intent_key(o: &PlannedObject, keys: &[Vec<String>], ids: &IdMap) -> IntentKey {
    for fields in keys {
        if let KeyValue::Known(value) = object_key(o, fields, ids) {
            return IntentKey {
                rank: o.rank,
                fields: fields.clone(),
                value,
            };
        }
    }
    IntentKey {
        rank: o.rank,
        fields: Vec::new(),
        value: String::new(),
    }
}

/// Reads the items of `itemtype` newer than `watermark` and returns, for each object found
/// among them by key, its position in `objs` and the item.
pub(super) async fn find_created(
    client: &GlpiClient<'_>,
    itemtype: GlpiType,
    watermark: u64,
    objs: &[&PlannedObject],
    keys: &[Vec<String>],
    ids: &IdMap,
) -> Result<Vec<(usize, Map<String, Value>)>, CallError> {
    let newer = client.read_newer(itemtype, watermark).await?;
    let index = TargetIndex::new(newer, keys);
    let mut found = Vec::new();
    for (n, o) in objs.iter().enumerate() {
        let hit = keys.iter().find_map(|k| match object_key(o, k, ids) {
            KeyValue::Known(key) => index.lookup(k, &key).first().copied(),
            _ => None,
        });
        if let Some(item) = hit.and_then(|id| index.get(id)) {
            found.push((n, item.clone()));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update() -> Decision {
        Decision::Update {
            id: 7,
            changes: BTreeMap::from([("comment".to_string(), FieldValue::Text("x".into()))]),
            before: Map::from_iter([("comment".to_string(), Value::from("now"))]),
        }
    }

    #[test]
    fn an_interrupted_create_found_different_is_created_and_its_differences_sent() {
        let r = resolve(update(), Some(&(BatchAction::Create, None)));
        assert_eq!(r.known.as_ref().map(|k| k.outcome), Some(Outcome::Created));
        assert_eq!(r.known.as_ref().and_then(|k| k.id), Some(7));
        assert!(matches!(
            r.send,
            Some(ToSend::Update {
                id: 7,
                created: true,
                ..
            })
        ));
    }

    #[test]
    fn an_interrupted_create_found_identical_is_created() {
        let r = resolve(Decision::Skip { id: 3 }, Some(&(BatchAction::Create, None)));
        assert_eq!(r.known.map(|k| k.outcome), Some(Outcome::Created));
        assert_eq!(r.send, None);
    }

    #[test]
    fn an_interrupted_update_keeps_the_values_from_before_it() {
        let first = Map::from_iter([("comment".to_string(), Value::from("first"))]);
        let r = resolve(update(), Some(&(BatchAction::Update, Some(first.clone()))));
        assert_eq!(r.known, None);
        match r.send {
            Some(ToSend::Update {
                before, created, ..
            }) => {
                assert_eq!(before, first);
                assert!(!created);
            }
            other => panic!("{other:?}"),
        }
        let r = resolve(
            Decision::Skip { id: 7 },
            Some(&(BatchAction::Update, Some(first.clone()))),
        );
        let k = r.known.unwrap();
        assert_eq!((k.outcome, k.before), (Outcome::Updated, Some(first)));
    }

    #[test]
    fn without_interruption_the_fresh_decision_stands() {
        assert_eq!(
            resolve(Decision::Skip { id: 1 }, None)
                .known
                .map(|k| k.outcome),
            Some(Outcome::Skipped)
        );
        assert_eq!(resolve(Decision::Create, None).send, Some(ToSend::Create));
        assert!(matches!(
            resolve(update(), None).send,
            Some(ToSend::Update { created: false, .. })
        ));
    }
}
