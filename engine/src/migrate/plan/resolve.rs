//! References resolved against the target (planned object, existing item, or a value to map,
//! create or leave empty), then every object reconciled, in creation order.

use crate::sort::CollectOrdered;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::glpi::{GlpiType, Target};
use crate::migrate::model::{
    Decision, FieldValue, IdMap, ObjectKey, PlannedObject, Rejection, SourceLine,
};
use crate::migrate::reconcile::{decide, normalize_key, target_text, ReconcileRules, TargetIndex};

use super::draft::{last_segment, parent_path, rank_of, tree_depth, Draft};
use super::{EntityUse, NotCarried, Plan, PlanOptions, TargetData, UnmatchedValue, ValueChoice};

/// Index of a target type by name, complete name and (for users) display name.
struct TypeLookup {
    by_name: HashMap<String, Vec<u64>>,
}

fn type_lookup(itemtype: GlpiType, items: &[Map<String, Value>]) -> TypeLookup {
    let mut by_name: HashMap<String, Vec<u64>> = HashMap::new();
    for item in items {
        let Some(id) = item.get("id").and_then(Value::as_u64) else {
            continue;
        };
        let mut names: Vec<String> = Vec::new();
        if itemtype.tree_parent().is_some() {
            names.push(target_text(item.get("completename")));
        } else {
            names.push(target_text(item.get("name")));
        }
        if itemtype == GlpiType::User {
            names.push(format!(
                "{} {}",
                target_text(item.get("realname")),
                target_text(item.get("firstname"))
            ));
        } else if itemtype.is_asset() {
            names.push(target_text(item.get("serial")));
        }
        for n in names {
            let n = normalize_key(n.trim());
            if !n.is_empty() {
                let ids = by_name.entry(n).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    TypeLookup { by_name }
}

pub(super) struct Resolver<'a> {
    draft: &'a Draft,
    target: &'a TargetData,
    options: &'a PlanOptions,
    objects: Vec<PlannedObject>,
    index: HashMap<(GlpiType, String), usize>,
    lookups: HashMap<GlpiType, TypeLookup>,
    unmatched: BTreeMap<String, UnmatchedValue>,
}

enum Resolved {
    Value(FieldValue),
    Empty(String),
}

impl<'a> Resolver<'a> {
    pub(super) fn new(draft: &'a Draft, target: &'a TargetData, options: &'a PlanOptions) -> Self {
        Resolver {
            draft,
            target,
            options,
            objects: draft.objects.clone(),
            index: draft.index.clone(),
            lookups: HashMap::new(),
            unmatched: BTreeMap::new(),
        }
    }

    fn lookup(&mut self, itemtype: GlpiType, value: &str) -> Vec<u64> {
        if !self.lookups.contains_key(&itemtype) {
            let items = self
                .target
                .items
                .get(&itemtype)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            self.lookups.insert(itemtype, type_lookup(itemtype, items));
        }
        self.lookups[&itemtype]
            .by_name
            .get(&normalize_key(value))
            .cloned()
            .unwrap_or_default()
    }

    /// Counts one more row for a value that has no match on the target.
    fn count_unmatched(&mut self, itemtype: GlpiType, value: &str) {
        if let Some(u) = self
            .unmatched
            .get_mut(&PlanOptions::value_key(itemtype, value))
        {
            u.rows += 1;
        }
    }

    fn planned(&self, itemtype: GlpiType, key: &str) -> Option<ObjectKey> {
        self.index
            .get(&(itemtype, normalize_key(key)))
            .map(|i| self.objects[*i].key.clone())
    }

    /// A planned asset by serial or name.
    fn planned_asset(&self, itemtype: GlpiType, value: &str) -> Option<ObjectKey> {
        self.planned(itemtype, &format!("serial:{value}"))
            .or_else(|| self.planned(itemtype, &format!("name:{value}")))
            .or_else(|| {
                // Named asset whose key is its serial: find by the name field.
                let n = normalize_key(value);
                self.objects
                    .iter()
                    .find(|o| {
                        o.key.itemtype == itemtype
                            && !o.implied
                            && matches!(o.fields.get("name"), Some(FieldValue::Text(t)) if normalize_key(t) == n)
                    })
                    .map(|o| o.key.clone())
            })
    }

    fn unmatched_choice(
        &mut self,
        itemtype: GlpiType,
        value: &str,
        creatable: bool,
    ) -> ValueChoice {
        let key = PlanOptions::value_key(itemtype, value);
        let default = if creatable && self.options.allow_create_dropdowns {
            ValueChoice::Create
        } else {
            ValueChoice::Empty
        };
        let choice = match self.options.values.get(&key).copied() {
            Some(ValueChoice::Create) if !creatable => ValueChoice::Empty,
            Some(c) => c,
            None => default,
        };
        let u = self.unmatched.entry(key).or_insert(UnmatchedValue {
            itemtype,
            value: value.to_string(),
            rows: 0,
            choice,
            creatable,
        });
        u.rows += 1;
        choice
    }

    fn entity(&self, value: &str) -> u64 {
        if let Some(id) = self.options.entities.get(value) {
            return *id;
        }
        let n = normalize_key(value);
        self.options
            .entities
            .iter()
            .find(|(k, _)| normalize_key(k) == n)
            .map(|(_, v)| *v)
            .unwrap_or(self.options.default_entity)
    }

    /// A tree path: planned, on the target, or created level by level.
    fn tree(&mut self, itemtype: GlpiType, path: &str, source: &[SourceLine]) -> Resolved {
        if let Some(k) = self.planned(itemtype, path) {
            let i = self.index[&(itemtype, normalize_key(path))];
            if self.objects[i].implied {
                self.objects[i].sources.extend_from_slice(source);
                self.count_unmatched(itemtype, path);
            }
            return Resolved::Value(FieldValue::Ref(k));
        }
        let found = self.lookup(itemtype, path);
        match found.as_slice() {
            [id] => return Resolved::Value(FieldValue::Id(*id)),
            [] => {}
            many => {
                return Resolved::Empty(format!(
                    "{itemtype} « {path} » existe {} fois sur la cible : valeur laissée vide",
                    many.len()
                ))
            }
        }
        let creatable = itemtype != GlpiType::Group && itemtype.is_creatable_dropdown();
        match self.unmatched_choice(itemtype, path, creatable) {
            ValueChoice::MapTo(id) => Resolved::Value(FieldValue::Id(id)),
            ValueChoice::Empty => Resolved::Empty(format!(
                "{itemtype} « {path} » absent de la cible : valeur laissée vide"
            )),
            ValueChoice::Create => {
                let parent = match parent_path(path) {
                    Some(p) => match self.tree(itemtype, p, source) {
                        Resolved::Value(v) => Some(v),
                        Resolved::Empty(w) => return Resolved::Empty(w),
                    },
                    None => None,
                };
                let parent =
                    parent.and_then(|p| itemtype.tree_parent().map(|f| (f.to_string(), p)));
                self.create_implied(
                    itemtype,
                    path,
                    tree_depth(path),
                    last_segment(path),
                    parent,
                    true,
                    source,
                )
            }
        }
    }

    fn dropdown(&mut self, itemtype: GlpiType, value: &str, source: &[SourceLine]) -> Resolved {
        let is_asset = itemtype.is_asset();
        let planned = if is_asset {
            self.planned_asset(itemtype, value)
        } else {
            self.planned(itemtype, value)
        };
        if let Some(k) = planned {
            let i = self.index[&(itemtype, normalize_key(&k.key))];
            if self.objects[i].implied {
                self.objects[i].sources.extend_from_slice(source);
                self.count_unmatched(itemtype, value);
            }
            return Resolved::Value(FieldValue::Ref(k));
        }
        let found = self.lookup(itemtype, value);
        match found.as_slice() {
            [id] => return Resolved::Value(FieldValue::Id(*id)),
            [] => {}
            many => {
                return Resolved::Empty(format!(
                    "{itemtype} « {value} » : {} éléments de la cible correspondent, aucun n'est choisi",
                    many.len()
                ))
            }
        }
        if is_asset || itemtype == GlpiType::Software {
            return Resolved::Empty(format!(
                "{itemtype} « {value} » introuvable dans les fichiers et sur la cible"
            ));
        }
        let creatable = itemtype.is_creatable_dropdown();
        match self.unmatched_choice(itemtype, value, creatable) {
            ValueChoice::MapTo(id) => Resolved::Value(FieldValue::Id(id)),
            ValueChoice::Empty => Resolved::Empty(format!(
                "{itemtype} « {value} » absent de la cible : valeur laissée vide"
            )),
            ValueChoice::Create => {
                let kernel = self.kernel_of(itemtype, value, source);
                self.create_implied(itemtype, value, 0, value, kernel, false, source)
            }
        }
    }

    /// The kernel of a kernel version the plan creates, when a row names both: found, mapped
    /// or created like any dropdown value (left out if the administrator chose to leave it
    /// empty).
    fn kernel_of(
        &mut self,
        itemtype: GlpiType,
        version: &str,
        source: &[SourceLine],
    ) -> Option<(String, FieldValue)> {
        if itemtype != GlpiType::OperatingSystemKernelVersion {
            return None;
        }
        let kernel = self.draft.kernels.get(&normalize_key(version))?.clone();
        match self.dropdown(GlpiType::OperatingSystemKernel, &kernel, source) {
            Resolved::Value(v) => Some(("operatingsystemkernels_id".into(), v)),
            Resolved::Empty(_) => None,
        }
    }

    /// A value the target lacks, created by the plan (dropdowns, tree levels): visible in the
    /// default entity and its sub-entities.
    #[allow(clippy::too_many_arguments)]
    fn create_implied(
        &mut self,
        itemtype: GlpiType,
        key: &str,
        depth: usize,
        name: &str,
        parent: Option<(String, FieldValue)>,
        tree: bool,
        source: &[SourceLine],
    ) -> Resolved {
        let mut o = PlannedObject::new(ObjectKey::new(itemtype, key), rank_of(itemtype, depth));
        o.implied = true;
        if tree {
            o.lookup
                .insert("completename".into(), FieldValue::Text(key.to_string()));
        }
        o.fields
            .insert("name".into(), FieldValue::Text(name.to_string()));
        if let Some((field, value)) = parent {
            o.fields.insert(field, value);
        }
        if itemtype.has_entity() {
            o.fields.insert(
                "entities_id".into(),
                FieldValue::Id(self.options.default_entity),
            );
            o.fields
                .insert("is_recursive".into(), FieldValue::Number(1));
        }
        o.sources.extend_from_slice(source);
        let k = o.key.clone();
        self.index
            .insert((itemtype, normalize_key(key)), self.objects.len());
        self.objects.push(o);
        Resolved::Value(FieldValue::Ref(k))
    }

    /// An asset of any type by name or serial (a ticket's linked item): planned in the files
    /// first, then on the target. Sets the relation's `itemtype` to the type found.
    fn asset(&mut self, object: usize, value: &str) -> Resolved {
        let types: Vec<GlpiType> = GlpiType::ALL
            .iter()
            .copied()
            .filter(|t| t.is_asset())
            .collect();
        let mut found: Vec<(GlpiType, FieldValue)> = types
            .iter()
            .filter_map(|t| self.planned_asset(*t, value))
            .map(|k| (k.itemtype, FieldValue::Ref(k)))
            .collect();
        if found.is_empty() {
            for t in types {
                for id in self.lookup(t, value) {
                    found.push((t, FieldValue::Id(id)));
                }
            }
        }
        match found.as_slice() {
            [(t, v)] => {
                self.objects[object]
                    .fields
                    .insert("itemtype".into(), FieldValue::Text(t.name().into()));
                Resolved::Value(v.clone())
            }
            [] => Resolved::Empty(format!(
                "élément « {value} » introuvable dans les fichiers et sur la cible"
            )),
            many => Resolved::Empty(format!(
                "élément « {value} » : {} éléments correspondent, aucun n'est choisi",
                many.len()
            )),
        }
    }

    /// A user by display name (or login); `contact` is the row's alternate username, a login
    /// that tells homonyms apart.
    fn user(&mut self, value: &str, contact: Option<&str>) -> Resolved {
        let n = normalize_key(value);
        let planned: Vec<ObjectKey> = self.draft.user_names.get(&n).cloned().unwrap_or_default();
        let by_contact = contact.and_then(|c| {
            planned
                .iter()
                .find(|k| normalize_key(&k.key) == normalize_key(c))
        });
        if let Some(k) = by_contact {
            return Resolved::Value(FieldValue::Ref(k.clone()));
        }
        match planned.as_slice() {
            [k] => return Resolved::Value(FieldValue::Ref(k.clone())),
            [] => {}
            many => {
                return Resolved::Empty(format!(
                    "utilisateur « {value} » : {} homonymes dans les fichiers, aucun n'est choisi",
                    many.len()
                ))
            }
        }
        if let Some(k) = self.planned(GlpiType::User, value) {
            return Resolved::Value(FieldValue::Ref(k));
        }
        let found = self.lookup(GlpiType::User, value);
        match found.as_slice() {
            [id] => Resolved::Value(FieldValue::Id(*id)),
            [] => match self.unmatched_choice(GlpiType::User, value, false) {
                ValueChoice::MapTo(id) => Resolved::Value(FieldValue::Id(id)),
                _ => Resolved::Empty(format!("utilisateur « {value} » absent des fichiers et de la cible : valeur laissée vide")),
            },
            many => Resolved::Empty(format!(
                "utilisateur « {value} » : {} homonymes sur la cible, aucun n'est choisi",
                many.len()
            )),
        }
    }

    pub(super) fn run(mut self) -> Plan {
        for p in self.draft.pending.clone() {
            let sources = self.objects[p.object].sources.clone();
            let resolved = match p.target {
                Target::Entity => Resolved::Value(FieldValue::Id(self.entity(&p.value))),
                Target::Tree(t) => self.tree(t, &p.value, &sources),
                Target::Group => self.tree(GlpiType::Group, &p.value, &sources),
                Target::Dropdown(t) => self.dropdown(t, &p.value, &sources),
                Target::Asset => self.asset(p.object, &p.value),
                Target::User => {
                    let contact = match self.objects[p.object].fields.get("contact") {
                        Some(FieldValue::Text(c)) => Some(c.clone()),
                        _ => None,
                    };
                    self.user(&p.value, contact.as_deref())
                }
            };
            // A relation cannot be made without what it joins; an object's own field is left
            // empty with a warning. What joins an asset to its OS or financial data is the
            // asset itself (planned), so a missing dropdown there only empties the field.
            let is_relation = self.objects[p.object].key.itemtype.is_relation()
                && !matches!(
                    self.objects[p.object].key.itemtype,
                    GlpiType::ItemOperatingSystem | GlpiType::Infocom
                );
            match resolved {
                Resolved::Value(v) => {
                    self.objects[p.object].fields.insert(p.field, v);
                }
                Resolved::Empty(w) if is_relation => {
                    self.objects[p.object].decision = Decision::Rejected {
                        rejection: Rejection::ReferenceMissing { detail: w },
                    };
                }
                Resolved::Empty(w) => self.objects[p.object].warnings.push(w),
            }
        }
        // Values of one list (a ticket's actors), resolved one by one as `field#n`.
        for o in self.objects.iter_mut() {
            let parts: Vec<String> = o
                .fields
                .keys()
                .filter(|k| k.contains('#'))
                .cloned()
                .collect();
            for part in parts {
                let Some(value) = o.fields.remove(&part) else {
                    continue;
                };
                let field = part.split('#').next().unwrap_or_default().to_string();
                if let FieldValue::List(list) = o
                    .fields
                    .entry(field)
                    .or_insert_with(|| FieldValue::List(Vec::new()))
                {
                    list.push(value);
                }
            }
        }
        // GLPI 11 keeps a ticket's source id in `externalid` (GLPI 10 has no such column and
        // drops it): given when the target's tickets show the column.
        let has_externalid = self
            .target
            .items
            .get(&GlpiType::Ticket)
            .is_some_and(|items| items.iter().any(|t| t.contains_key("externalid")));
        if has_externalid {
            for o in self.objects.iter_mut() {
                if o.key.itemtype == GlpiType::Ticket && !o.fields.contains_key("id") {
                    o.fields.insert(
                        "externalid".into(),
                        FieldValue::Text(ticket_external_id(&o.key.key)),
                    );
                }
            }
        }
        // Relations whose computer was rejected cannot be made.
        // Order: by rank, stable within (files order).
        let mut order: Vec<usize> = (0..self.objects.len()).collect();
        crate::sort::sort_by_key(&mut order, |i| (self.objects[*i].rank, *i));
        let mut objects: Vec<PlannedObject> =
            order.into_iter().map(|i| self.objects[i].clone()).collect();
        // Reconcile in order, so references to matched objects are known.
        let mut indexes: HashMap<GlpiType, TargetIndex> = HashMap::new();
        let mut ids: IdMap = IdMap::new();
        let rejected: BTreeSet<ObjectKey> = objects
            .iter()
            .filter(|o| matches!(o.decision, Decision::Rejected { .. }))
            .map(|o| o.key.clone())
            .into_set();
        let rules = ReconcileRules {
            never_overwrite: self.options.never_overwrite,
        };
        let mut failed: BTreeSet<ObjectKey> = rejected;
        for o in objects.iter_mut() {
            if let Decision::Rejected { .. } = o.decision {
                continue;
            }
            let dep = o.dependencies().find(|d| failed.contains(*d)).cloned();
            if let Some(dep) = dep {
                o.decision = Decision::Rejected {
                    rejection: Rejection::DependencyRejected { object: dep },
                };
                failed.insert(o.key.clone());
                continue;
            }
            let keys = self.options.keys_for(o.key.itemtype);
            let index = indexes.entry(o.key.itemtype).or_insert_with(|| {
                TargetIndex::new(
                    self.target
                        .items
                        .get(&o.key.itemtype)
                        .cloned()
                        .unwrap_or_default(),
                    &keys,
                )
            });
            o.decision = decide(o, &keys, index, &ids, rules);
            if let (Decision::Create, Some(FieldValue::Ref(_))) = (&o.decision, o.fields.get("id"))
            {
                // A later step of an object created by this plan (a ticket's status and
                // dates): an update of it, whose id the run knows.
                o.decision = crate::migrate::reconcile::step_update(o, 0);
            }
            match &o.decision {
                Decision::Conflict { .. } | Decision::Rejected { .. } => {
                    failed.insert(o.key.clone());
                }
                d => {
                    if let Some(id) = d.existing_id() {
                        ids.insert(o.key.clone(), id);
                    }
                }
            }
        }
        let entities = self
            .draft
            .entity_rows
            .iter()
            .map(|(source, rows)| EntityUse {
                source: source.clone(),
                rows: *rows,
                target: self.entity(source),
                mapped: self.options.entities.contains_key(source),
            })
            .collect();
        let mut not_carried: Vec<NotCarried> = self
            .draft
            .not_carried
            .iter()
            .filter(|(code, _)| {
                !(*code == "migrate.not_carried.connections" && self.draft.has_connections
                    || *code == "migrate.not_carried.installations" && self.draft.has_installations)
            })
            .map(|(code, (rows, fr, en))| NotCarried {
                code: code.to_string(),
                message_fr: fr.to_string(),
                message_en: en.to_string(),
                rows: *rows,
            })
            .collect();
        not_carried.extend(surveyed_closings(&objects, self.target));
        Plan {
            objects,
            unmatched: self.unmatched.into_values().collect(),
            entities,
            not_carried,
            columns: self.draft.columns.clone(),
            options: self.options.clone(),
        }
    }
}

/// The `externalid` a migrated ticket gets on a GLPI 11 target: its plan key (`n°12`, the
/// source id), under the migration's name.
pub fn ticket_external_id(key: &str) -> String {
    format!("passerelle:{key}")
}

/// The satisfaction survey a target entity uses (`Entity::getUsedConfig('inquest_config', …)`:
/// an entity whose `inquest_config` is -2 takes its parent's): `(rate in percent, delay in
/// days)`.
fn survey_of(target: &TargetData, entity: u64) -> (i64, i64) {
    let entities = target.items.get(&GlpiType::Entity);
    let num = |item: &Map<String, Value>, f: &str| {
        item.get(f).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
    };
    let mut id = entity;
    for _ in 0..64 {
        let Some(item) = entities
            .into_iter()
            .flatten()
            .find(|e| e.get("id").and_then(Value::as_u64) == Some(id))
        else {
            return (0, 0);
        };
        if num(item, "inquest_config") == Some(-2) && id != 0 {
            id = num(item, "entities_id").unwrap_or(0).max(0) as u64;
            continue;
        }
        return (
            num(item, "inquest_rate").unwrap_or(0),
            num(item, "inquest_delay").unwrap_or(0),
        );
    }
    (0, 0)
}

/// Closed tickets the run will close in an entity that surveys satisfaction: GLPI surveys them
/// at the closing update when its delay is 0 (`Ticket::post_updateItem`, no flag skips it), or
/// by its `createinquest` task once the delay has passed, since their closing date is the
/// migration's (a closed ticket's closing date cannot be kept). Named per count, before the run.
fn surveyed_closings(objects: &[PlannedObject], target: &TargetData) -> Vec<NotCarried> {
    let (mut at_once, mut later) = (0, 0);
    for o in objects {
        let closes = o.key.itemtype == GlpiType::Ticket
            && matches!(o.fields.get("status"), Some(FieldValue::Number(6)))
            && matches!(o.decision, Decision::Update { .. });
        let Some(FieldValue::Ref(ticket)) = o.fields.get("id").filter(|_| closes) else {
            continue;
        };
        let entity = objects
            .iter()
            .find(|t| &t.key == ticket)
            .and_then(|t| match t.fields.get("entities_id") {
                Some(FieldValue::Id(e)) => Some(*e),
                _ => None,
            })
            .unwrap_or(0);
        match survey_of(target, entity) {
            (rate, _) if rate <= 0 => {}
            (_, 0) => at_once += 1,
            _ => later += 1,
        }
    }
    let mut out = Vec::new();
    if at_once > 0 {
        out.push(NotCarried {
            code: "migrate.not_carried.ticket_survey_at_closing".into(),
            message_fr: "tickets clos dans une entité cible qui enquête sur la satisfaction dès la clôture : GLPI créera une enquête (et son courriel) pour chacun au moment où la migration le clôt, aucun drapeau ne l'en empêche ; désactivez l'enquête de l'entité le temps de la migration".into(),
            message_en: "closed tickets in a target entity that surveys satisfaction at closing: GLPI will create a survey (and its e-mail) for each when the migration closes it, no flag prevents it; turn the entity's survey off during the migration".into(),
            rows: at_once,
        });
    }
    if later > 0 {
        out.push(NotCarried {
            code: "migrate.not_carried.ticket_survey_later".into(),
            message_fr: "tickets clos dans une entité cible qui enquête sur la satisfaction après un délai : leur date de clôture étant celle de la migration, la tâche automatique « createinquest » de GLPI créera leurs enquêtes une fois le délai passé ; désactivez l'enquête de l'entité ou retirez ces enquêtes avant".into(),
            message_en: "closed tickets in a target entity that surveys satisfaction after a delay: their closing date being the migration's, GLPI's \"createinquest\" task will survey them once the delay has passed; turn the entity's survey off or remove those surveys before".into(),
            rows: later,
        });
    }
    out
}

#[cfg(test)]
mod survey_tests {
    use super::*;
    use crate::migrate::model::ObjectKey;
    use serde_json::json;

    fn target(entities: Value) -> TargetData {
        let items = entities
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_object().cloned().unwrap())
            .collect();
        TargetData {
            items: [(GlpiType::Entity, items)].into_iter().collect(),
        }
    }

    fn closing(n: usize, entity: u64) -> [PlannedObject; 2] {
        let key = ObjectKey::new(GlpiType::Ticket, format!("n°{n}"));
        let mut ticket = PlannedObject::new(key.clone(), 0);
        ticket
            .fields
            .insert("entities_id".into(), FieldValue::Id(entity));
        let mut step =
            PlannedObject::new(ObjectKey::new(GlpiType::Ticket, format!("n°{n}#statut")), 1);
        step.fields.insert("id".into(), FieldValue::Ref(key));
        step.fields.insert("status".into(), FieldValue::Number(6));
        step.decision = Decision::Update {
            id: 0,
            changes: BTreeMap::new(),
            before: Map::new(),
        };
        [ticket, step]
    }

    /// An entity inheriting its parent's survey (-2) is surveyed as the parent is; the plan
    /// names the closed tickets GLPI will survey, at closing (delay 0) or later.
    #[test]
    fn closed_tickets_in_surveyed_entities_are_named() {
        let t = target(json!([
            {"id": 0, "inquest_config": 1, "inquest_rate": 100, "inquest_delay": 0, "entities_id": null},
            {"id": 1, "inquest_config": -2, "inquest_rate": 0, "inquest_delay": 0, "entities_id": 0},
            {"id": 2, "inquest_config": 1, "inquest_rate": 50, "inquest_delay": 3, "entities_id": 0},
            {"id": 3, "inquest_config": 1, "inquest_rate": 0, "inquest_delay": 0, "entities_id": 0},
        ]));
        assert_eq!(survey_of(&t, 1), (100, 0));
        assert_eq!(survey_of(&t, 2), (50, 3));
        let objects: Vec<PlannedObject> =
            [closing(1, 1), closing(2, 2), closing(3, 2), closing(4, 3)]
                .into_iter()
                .flatten()
                .collect();
        let notes = surveyed_closings(&objects, &t);
        let got: Vec<(&str, usize)> = notes.iter().map(|n| (n.code.as_str(), n.rows)).collect();
        assert_eq!(
            got,
            vec![
                ("migrate.not_carried.ticket_survey_at_closing", 1),
                ("migrate.not_carried.ticket_survey_later", 2)
            ]
        );
        // A fresh GLPI surveys nothing.
        let fresh =
            target(json!([{"id": 0, "inquest_config": 1, "inquest_rate": 0, "inquest_delay": 0}]));
        assert!(surveyed_closings(&objects, &fresh).is_empty());
    }
}
