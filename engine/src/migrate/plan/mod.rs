//! One plan across every checked file: rows become objects in dependency order, references
//! (locations, models, users, groups…) become links to other planned objects or to items that
//! already exist on the target, values with no match are listed for the administrator to map,
//! create or leave empty, and each object is reconciled with the target.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::model::{DecisionKind, IdMap, ObjectKey, PlannedObject};
use super::reconcile::normalize_key;
use crate::diagnostic::Diagnostic;
use crate::glpi::{Destination, GlpiType};
use crate::map::Mapping;
use crate::read::Table;

mod document;
mod draft;
mod resolve;
pub mod ticket;

pub use document::document_key;
pub use draft::Draft;

/// A checked file given to the plan.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// The rows.
    pub table: &'a Table,
    /// Its mapping (item type included).
    pub mapping: &'a Mapping,
    /// The check's diagnostics: rows with a blocking one are rejected.
    pub diagnostics: &'a [Diagnostic],
}

/// What to do with a value that has no match on the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "choice", content = "id")]
pub enum ValueChoice {
    /// Create it (dropdowns only, when allowed).
    Create,
    /// Use this existing target item.
    MapTo(u64),
    /// Leave the field empty, with a warning.
    Empty,
}

/// The administrator's choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Target entity for rows whose source entity is not mapped.
    pub default_entity: u64,
    /// Source entity (complete name) → target entity id.
    pub entities: BTreeMap<String, u64>,
    /// `Itemtype|value` → choice, for values with no match on the target.
    pub values: BTreeMap<String, ValueChoice>,
    /// Whether missing dropdown values may be created.
    pub allow_create_dropdowns: bool,
    /// Never replace a non-empty value on the target.
    pub never_overwrite: bool,
    /// Reconciliation keys per itemtype (alternatives of field lists), replacing the defaults.
    pub keys: BTreeMap<GlpiType, Vec<Vec<String>>>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            default_entity: 0,
            entities: BTreeMap::new(),
            values: BTreeMap::new(),
            allow_create_dropdowns: true,
            never_overwrite: false,
            keys: BTreeMap::new(),
        }
    }
}

impl PlanOptions {
    /// The keys used for an itemtype.
    pub fn keys_for(&self, itemtype: GlpiType) -> Vec<Vec<String>> {
        self.keys
            .get(&itemtype)
            .cloned()
            .unwrap_or_else(|| itemtype.default_keys())
    }

    /// The key of a value choice.
    pub fn value_key(itemtype: GlpiType, value: &str) -> String {
        format!("{itemtype}|{}", normalize_key(value))
    }
}

/// A value used by the files that the target does not have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnmatchedValue {
    /// The type it should be.
    pub itemtype: GlpiType,
    /// The value as written in the files.
    pub value: String,
    /// Rows using it.
    pub rows: usize,
    /// What the plan does with it.
    pub choice: ValueChoice,
    /// Whether it may be created.
    pub creatable: bool,
}

/// A source entity and where its rows go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityUse {
    /// Complete name in the source.
    pub source: String,
    /// Rows.
    pub rows: usize,
    /// Target entity id.
    pub target: u64,
    /// Whether the administrator mapped it (otherwise the default entity).
    pub mapped: bool,
}

/// A relation the given files cannot carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotCarried {
    /// Stable code.
    pub code: String,
    /// French explanation, with what to do.
    pub message_fr: String,
    /// English explanation.
    pub message_en: String,
    /// Rows concerned.
    pub rows: usize,
}

/// The items of the target the plan was made against, per itemtype.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetData {
    /// Items as GLPI returns them.
    pub items: BTreeMap<GlpiType, Vec<Map<String, Value>>>,
}

/// Where one column of a source file goes in GLPI, and how many of its cells hold a value: what
/// the dry-run and the page show for every column, carried or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnUse {
    /// Source file.
    pub file: String,
    /// The column's header.
    pub header: String,
    /// The field it is mapped to (`None`: not recognised, not carried).
    pub field: Option<String>,
    /// Where GLPI keeps it.
    pub destination: Option<Destination>,
    /// Cells holding a value.
    pub values: usize,
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Objects in creation order.
    pub objects: Vec<PlannedObject>,
    /// Values with no match on the target.
    pub unmatched: Vec<UnmatchedValue>,
    /// Source entities.
    pub entities: Vec<EntityUse>,
    /// Relations the files cannot carry.
    pub not_carried: Vec<NotCarried>,
    /// Every column of every file: where it goes, with its count of values.
    pub columns: Vec<ColumnUse>,
    /// Options it was made with.
    pub options: PlanOptions,
}

/// Counts of one itemtype.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeCounts {
    /// Itemtype.
    pub itemtype: GlpiType,
    /// Per decision.
    pub counts: BTreeMap<DecisionKind, usize>,
}

impl Plan {
    /// Counts per itemtype and decision, in creation order: one per object the user knows.
    /// The later steps of an object (a ticket's status and closing dates, sent once its
    /// timeline is in) are not objects of their own: they count with their object, which is
    /// "to update" when a step changes an object already on the target.
    pub fn counts(&self) -> Vec<TypeCounts> {
        let updated: std::collections::HashSet<&ObjectKey> = self
            .objects
            .iter()
            .filter(|o| o.decision.kind() == DecisionKind::Update)
            .filter_map(PlannedObject::step_of)
            .collect();
        let mut out: Vec<TypeCounts> = Vec::new();
        for o in self.objects.iter().filter(|o| o.step_of().is_none()) {
            let pos = match out.iter().position(|c| c.itemtype == o.key.itemtype) {
                Some(p) => p,
                None => {
                    out.push(TypeCounts {
                        itemtype: o.key.itemtype,
                        counts: BTreeMap::new(),
                    });
                    out.len() - 1
                }
            };
            let kind = match o.decision.kind() {
                DecisionKind::Skip if updated.contains(&o.key) => DecisionKind::Update,
                kind => kind,
            };
            *out[pos].counts.entry(kind).or_default() += 1;
        }
        out
    }

    /// Ids already known (matched items).
    pub fn known_ids(&self) -> IdMap {
        self.objects
            .iter()
            .filter_map(|o| o.decision.existing_id().map(|id| (o.key.clone(), id)))
            .collect()
    }
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(ValueChoice, tag = "choice", content = "id" {
    "create" => Create,
    "map_to" => MapTo(_),
    "empty" => Empty,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::model::{Decision, FieldValue};

    fn ticket(key: &str, decision: Decision) -> PlannedObject {
        let mut o = PlannedObject::new(ObjectKey::new(GlpiType::Ticket, key), 0);
        o.decision = decision;
        o
    }

    fn status_step(owner: &str) -> PlannedObject {
        let mut o = ticket(
            &format!("{owner}#statut"),
            Decision::Update {
                id: 0,
                changes: BTreeMap::new(),
                before: Map::new(),
            },
        );
        let owner = ObjectKey::new(GlpiType::Ticket, owner);
        o.fields.insert("id".into(), FieldValue::Ref(owner));
        o
    }

    /// 60 tickets were once shown as "56 à créer, 63 à mettre à jour": the closing steps were
    /// counted as tickets of their own.
    #[test]
    fn a_ticket_and_its_closing_steps_count_once() {
        let plan = Plan {
            objects: vec![
                ticket("n°1", Decision::Create),
                ticket("n°2", Decision::Skip { id: 7 }),
                ticket("n°3", Decision::Skip { id: 8 }),
                status_step("n°1"),
                status_step("n°2"),
            ],
            unmatched: Vec::new(),
            entities: Vec::new(),
            not_carried: Vec::new(),
            columns: Vec::new(),
            options: PlanOptions::default(),
        };
        let counts = plan.counts();
        assert_eq!(counts.len(), 1);
        assert_eq!(
            counts[0].counts,
            [
                (DecisionKind::Create, 1),
                (DecisionKind::Update, 1),
                (DecisionKind::Skip, 1)
            ]
            .into_iter()
            .collect()
        );
        assert!(plan.objects[3].step_of().is_some() && plan.objects[0].step_of().is_none());
    }
}
