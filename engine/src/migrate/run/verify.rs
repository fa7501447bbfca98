//! Verification: every object the journal says is on the target is read back and compared
//! field by field with the plan (the source as mapped).

use crate::sort::CollectOrdered;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::glpi::GlpiType;
use crate::migrate::client::{CallError, GlpiClient};
use crate::migrate::journal::{Journal, Outcome};
use crate::migrate::model::{Decision, ObjectKey};
use crate::migrate::plan::Plan;
use crate::migrate::reconcile::{diff, same_value, target_text, ReconcileRules};

/// A difference found by verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The object.
    pub object: ObjectKey,
    /// Target id.
    pub id: u64,
    /// Field (`*` when the item is missing).
    pub field: String,
    /// Expected value (source as mapped).
    pub expected: String,
    /// Value read on the target.
    pub actual: String,
}

/// Verification result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Per itemtype: (objects expected, found on the target, identical).
    pub counts: BTreeMap<GlpiType, (usize, usize, usize)>,
    /// Differences.
    pub differences: Vec<Difference>,
}

impl VerifyReport {
    /// Whether everything matches.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Reads back every object the journal says is on the target and compares it field by field
/// with the plan (the source as mapped).
pub async fn verify(
    client: &GlpiClient<'_>,
    plan: &Plan,
    journal: &Journal,
) -> Result<VerifyReport, CallError> {
    let ids = journal.ids();
    let mut report = VerifyReport::default();
    let types: BTreeSet<GlpiType> = plan.objects.iter().map(|o| o.key.itemtype).into_set();
    let mut read: HashMap<GlpiType, HashMap<u64, Map<String, Value>>> = HashMap::new();
    for t in types {
        let wanted = plan
            .objects
            .iter()
            .any(|o| o.key.itemtype == t && ids.contains_key(&o.key));
        if !wanted {
            continue;
        }
        let items = client.read_all(t).await?;
        read.insert(
            t,
            items
                .into_iter()
                .filter_map(|m| m.get("id").and_then(Value::as_u64).map(|id| (id, m)))
                .collect(),
        );
    }
    for o in &plan.objects {
        let Some(id) = ids.get(&o.key).copied() else {
            continue;
        };
        let entry = report.counts.entry(o.key.itemtype).or_default();
        entry.0 += 1;
        let Some(item) = read.get(&o.key.itemtype).and_then(|m| m.get(&id)) else {
            report.differences.push(Difference {
                object: o.key.clone(),
                id,
                field: "*".into(),
                expected: "présent".into(),
                actual: "absent".into(),
            });
            continue;
        };
        entry.1 += 1;
        let created = journal
            .record(&o.key)
            .is_some_and(|r| r.outcome == Outcome::Created);
        let mut identical = true;
        for (field, value) in &o.fields {
            // A port's network name and addresses live on its children, not on the port read.
            if field.starts_with('_')
                || crate::glpi::NETWORK_NAME_INPUTS.contains(&field.as_str())
                || (!created && (field == "entities_id" || field == "is_recursive"))
            {
                continue;
            }
            let Ok(expected) = value.to_json(&ids) else {
                continue;
            };
            let actual = target_text(item.get(field));
            if plan.options.never_overwrite && !created {
                // Non-empty target values were kept on purpose.
                if let Decision::Update { .. } | Decision::Skip { .. } = diff(
                    o,
                    id,
                    item,
                    &ids,
                    ReconcileRules {
                        never_overwrite: true,
                    },
                ) {
                    if !actual.is_empty() && actual != "0" {
                        continue;
                    }
                }
            }
            if !same_value(&expected, &actual) {
                identical = false;
                report.differences.push(Difference {
                    object: o.key.clone(),
                    id,
                    field: field.clone(),
                    expected: target_text(Some(&expected)),
                    actual,
                });
            }
        }
        if identical {
            report.counts.entry(o.key.itemtype).or_default().2 += 1;
        }
    }
    Ok(report)
}
