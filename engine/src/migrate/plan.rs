//! One plan across every checked file: rows become objects in dependency order, references
//! (locations, models, users, groups…) become links to other planned objects or to items that
//! already exist on the target, values with no match are listed for the administrator to map,
//! create or leave empty, and each object is reconciled with the target.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::api::ApiRequest;
use super::companion::{connection_itemtype, CompanionFile, CompanionKind};
use super::model::{
    Decision, DecisionKind, FieldValue, IdMap, ObjectKey, PlannedObject, SourceLine,
};
use super::reconcile::{decide, normalize_key, target_text, ReconcileRules, TargetIndex};
use super::schema::{self, Target};
use crate::detect::ItemType;
use crate::diagnostic::Diagnostic;
use crate::map::{concrete_field, spec_for, FieldKind, Mapping};
use crate::read::{glpi_cell_value, split_multi, Table};

use crate::validate::values::check_value;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    pub keys: BTreeMap<String, Vec<Vec<String>>>,
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
    pub fn keys_for(&self, itemtype: &str) -> Vec<Vec<String>> {
        self.keys
            .get(itemtype)
            .cloned()
            .unwrap_or_else(|| schema::default_keys(itemtype))
    }

    /// The key of a value choice.
    pub fn value_key(itemtype: &str, value: &str) -> String {
        format!("{itemtype}|{}", normalize_key(value))
    }
}

/// A value used by the files that the target does not have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnmatchedValue {
    /// The type it should be.
    pub itemtype: String,
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
    pub items: BTreeMap<String, Vec<Map<String, Value>>>,
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
    /// Options it was made with.
    pub options: PlanOptions,
}

/// Counts of one itemtype.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeCounts {
    /// Itemtype.
    pub itemtype: String,
    /// Per decision.
    pub counts: BTreeMap<DecisionKind, usize>,
}

impl Plan {
    /// Counts per itemtype and decision, in creation order.
    pub fn counts(&self) -> Vec<TypeCounts> {
        let mut out: Vec<TypeCounts> = Vec::new();
        for o in &self.objects {
            let pos = match out.iter().position(|c| c.itemtype == o.key.itemtype) {
                Some(p) => p,
                None => {
                    out.push(TypeCounts {
                        itemtype: o.key.itemtype.clone(),
                        counts: BTreeMap::new(),
                    });
                    out.len() - 1
                }
            };
            *out[pos].counts.entry(o.decision.kind()).or_default() += 1;
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

    /// The requests a run would send, batch by batch (ids of objects not created yet shown as
    /// `{{Type:key}}`).
    pub fn preview_requests(&self, batch_size: usize) -> Vec<ApiRequest> {
        let ids = self.known_ids();
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.objects.len() {
            let first = &self.objects[i];
            let mut j = i;
            while j < self.objects.len()
                && self.objects[j].rank == first.rank
                && self.objects[j].key.itemtype == first.key.itemtype
            {
                j += 1;
            }
            let group = &self.objects[i..j];
            let creates: Vec<Value> = group
                .iter()
                .filter(|o| o.decision == Decision::Create)
                .map(|o| {
                    Value::Object(
                        o.fields
                            .iter()
                            .map(|(k, v)| (k.clone(), v.preview(&ids)))
                            .collect(),
                    )
                })
                .collect();
            for chunk in creates.chunks(batch_size.max(1)) {
                out.push(
                    ApiRequest::new(super::api::Method::Post, format!("/{}", first.key.itemtype))
                        .with_body(json!({ "input": chunk })),
                );
            }
            let updates: Vec<Value> = group
                .iter()
                .filter_map(|o| match &o.decision {
                    Decision::Update { id, changes, .. } => {
                        let mut m: Map<String, Value> = changes
                            .iter()
                            .map(|(k, v)| (k.clone(), v.preview(&ids)))
                            .collect();
                        m.insert("id".into(), json!(id));
                        Some(Value::Object(m))
                    }
                    _ => None,
                })
                .collect();
            for chunk in updates.chunks(batch_size.max(1)) {
                out.push(
                    ApiRequest::new(super::api::Method::Put, format!("/{}", first.key.itemtype))
                        .with_body(json!({ "input": chunk })),
                );
            }
            i = j;
        }
        out
    }
}

/// A reference waiting for the target to be known.
#[derive(Debug, Clone)]
struct Pending {
    object: usize,
    field: String,
    target: Target,
    value: String,
}

/// Objects built from the files, before the target is read.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    objects: Vec<PlannedObject>,
    index: HashMap<(String, String), usize>,
    pending: Vec<Pending>,
    /// Display name (normalised) → planned users.
    user_names: HashMap<String, Vec<ObjectKey>>,
    entity_rows: BTreeMap<String, usize>,
    not_carried: BTreeMap<&'static str, (usize, &'static str, &'static str)>,
    has_connections: bool,
    has_installations: bool,
}

fn rank_of(itemtype: &str, depth: usize) -> u32 {
    schema::stage_rank(itemtype) * 100 + depth as u32
}

fn tree_depth(path: &str) -> usize {
    path.split(" > ").count().saturating_sub(1)
}

fn last_segment(path: &str) -> &str {
    path.rsplit(" > ").next().unwrap_or(path).trim()
}

fn parent_path(path: &str) -> Option<&str> {
    path.rfind(" > ").map(|i| path[..i].trim())
}

impl Draft {
    /// Builds objects from the files and companion files.
    pub fn build(files: &[SourceFile<'_>], companions: &[CompanionFile<'_>]) -> Draft {
        let mut d = Draft::default();
        // Trees and groups first so that references from other files find them.
        let mut ordered: Vec<&SourceFile<'_>> = files.iter().collect();
        ordered.sort_by_key(|f| match f.mapping.item_type {
            ItemType::Location => 0,
            ItemType::Group => 1,
            ItemType::User => 2,
            _ => 3,
        });
        for f in ordered {
            d.add_file(f);
        }
        for c in companions {
            match c.kind {
                CompanionKind::Connections => d.has_connections = true,
                CompanionKind::Installations => d.has_installations = true,
            }
            d.add_companion(c);
        }
        d
    }

    fn find(&self, itemtype: &str, key: &str) -> Option<usize> {
        self.index
            .get(&(itemtype.to_string(), normalize_key(key)))
            .copied()
    }

    fn push(&mut self, obj: PlannedObject) -> usize {
        let i = self.objects.len();
        self.index
            .insert((obj.key.itemtype.clone(), normalize_key(&obj.key.key)), i);
        self.objects.push(obj);
        i
    }

    fn note(&mut self, code: &'static str, fr: &'static str, en: &'static str) {
        let e = self.not_carried.entry(code).or_insert((0, fr, en));
        e.0 += 1;
    }

    fn reject(&mut self, itemtype: &str, source: SourceLine, code: &str, message: String) {
        let mut o = PlannedObject::new(
            ObjectKey::new(itemtype, format!("{}:{}", source.file, source.line)),
            rank_of(itemtype, 0),
        );
        o.sources.push(source);
        o.decision = Decision::Rejected {
            code: code.into(),
            message,
        };
        self.push(o);
    }

    fn add_file(&mut self, file: &SourceFile<'_>) {
        let item_type = file.mapping.item_type;
        if matches!(item_type, ItemType::Ticket | ItemType::Directory) {
            return;
        }
        let itemtype = item_type.glpi_name();
        let blocking: HashMap<u64, &Diagnostic> = file
            .diagnostics
            .iter()
            .filter(|d| {
                (d.blocking || d.severity == crate::diagnostic::Severity::Error)
                    && d.file == file.table.file
                    && d.line > 1
            })
            .map(|d| (d.line, d))
            .collect();
        for record in &file.table.records {
            let source = SourceLine {
                file: file.table.file.clone(),
                line: record.line as usize,
            };
            if let Some(d) = blocking.get(&record.line) {
                self.reject(
                    itemtype,
                    source,
                    &d.code,
                    format!("ligne rejetée à la vérification : {}", d.message_fr),
                );
                continue;
            }
            self.add_row(file, itemtype, &record.cells, source);
        }
    }

    fn add_row(
        &mut self,
        file: &SourceFile<'_>,
        itemtype: &str,
        cells: &crate::read::Cells,
        source: SourceLine,
    ) {
        let item_type = file.mapping.item_type;
        let mut fields: BTreeMap<String, FieldValue> = BTreeMap::new();
        let mut refs: Vec<(String, Target, String)> = Vec::new();
        let mut groups: Vec<String> = Vec::new();
        let mut profiles: Vec<String> = Vec::new();
        let mut completename = String::new();
        let mut entity = String::new();
        for col in &file.mapping.columns {
            let Some(field) = col.field.as_deref() else {
                continue;
            };
            let Some(raw) = cells.get(col.column) else {
                continue;
            };
            self.add_value(
                item_type,
                itemtype,
                field,
                raw,
                &mut fields,
                &mut refs,
                &mut groups,
                &mut profiles,
                &mut completename,
                &mut entity,
            );
        }
        for (field, _) in file
            .mapping
            .templates
            .iter()
            .chain(file.mapping.constants.iter())
        {
            if fields.contains_key(field) {
                continue;
            }
            if let Some(v) = file.mapping.value(field, cells) {
                let v = v.into_owned();
                self.add_value(
                    item_type,
                    itemtype,
                    field,
                    &v,
                    &mut fields,
                    &mut refs,
                    &mut groups,
                    &mut profiles,
                    &mut completename,
                    &mut entity,
                );
            }
        }
        // Identity.
        let is_tree = schema::tree_parent_field(itemtype).is_some();
        let key = if is_tree {
            if completename.is_empty() {
                completename = match fields.get("name") {
                    Some(FieldValue::Text(n)) => n.clone(),
                    _ => String::new(),
                };
            }
            completename.clone()
        } else if item_type == ItemType::User || itemtype == "Software" {
            match fields.get("name") {
                Some(FieldValue::Text(n)) => n.clone(),
                _ => String::new(),
            }
        } else {
            match (fields.get("serial"), fields.get("name")) {
                (Some(FieldValue::Text(s)), _) if !s.is_empty() => format!("serial:{s}"),
                (_, Some(FieldValue::Text(n))) if !n.is_empty() => format!("name:{n}"),
                _ => String::new(),
            }
        };
        if key.is_empty() {
            self.reject(
                itemtype,
                source,
                "migrate.no_key",
                "ni numéro de série ni nom (ni identifiant, ni nom complet) : la ligne ne peut pas être rapprochée de la cible".into(),
            );
            return;
        }
        if let Some(i) = self.find(itemtype, &key) {
            if !self.objects[i].implied {
                let first = self.objects[i].sources.first().map(|s| s.line).unwrap_or(0);
                self.reject(
                    itemtype,
                    source,
                    "migrate.duplicate",
                    format!(
                        "même clé « {key} » que la ligne {first} : seule la première est migrée"
                    ),
                );
                return;
            }
        }
        let depth = if is_tree { tree_depth(&key) } else { 0 };
        let mut obj = PlannedObject::new(
            ObjectKey::new(itemtype, key.clone()),
            rank_of(itemtype, depth),
        );
        if is_tree {
            obj.lookup
                .insert("completename".into(), FieldValue::Text(key.clone()));
            fields.insert(
                "name".into(),
                FieldValue::Text(last_segment(&key).to_string()),
            );
            if let (Some(parent), Some(pf)) =
                (parent_path(&key), schema::tree_parent_field(itemtype))
            {
                let target = if itemtype == "Group" {
                    Target::Group
                } else {
                    Target::Tree(schema_static(itemtype))
                };
                refs.push((pf.to_string(), target, parent.to_string()));
            }
        }
        if schema::has_entity(itemtype) {
            refs.push(("entities_id".into(), Target::Entity, entity.clone()));
            *self.entity_rows.entry(entity).or_default() += 1;
        }
        obj.fields = fields;
        obj.sources.push(source.clone());
        let index = self.push(obj);
        for (field, target, value) in refs {
            self.pending.push(Pending {
                object: index,
                field,
                target,
                value,
            });
        }
        if item_type == ItemType::User {
            let o = &self.objects[index];
            let text = |f: &str| match o.fields.get(f) {
                Some(FieldValue::Text(t)) => t.clone(),
                _ => String::new(),
            };
            let display = format!("{} {}", text("realname"), text("firstname"));
            let login_key = o.key.clone();
            if !display.trim().is_empty() {
                self.user_names
                    .entry(normalize_key(display.trim()))
                    .or_default()
                    .push(login_key.clone());
            }
            for g in groups {
                let mut rel = PlannedObject::new(
                    ObjectKey::new("Group_User", format!("{}|{}", login_key.key, g)),
                    rank_of("Group_User", 0),
                );
                rel.fields
                    .insert("users_id".into(), FieldValue::Ref(login_key.clone()));
                rel.sources.push(source.clone());
                let i = self.push(rel);
                self.pending.push(Pending {
                    object: i,
                    field: "groups_id".into(),
                    target: Target::Group,
                    value: g,
                });
            }
            for p in profiles {
                // "Profile - Entity complete name".
                let (profile, ent) = match p.split_once(" - ") {
                    Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
                    None => (p.trim().to_string(), String::new()),
                };
                let mut rel = PlannedObject::new(
                    ObjectKey::new(
                        "Profile_User",
                        format!("{}|{}|{}", login_key.key, profile, ent),
                    ),
                    rank_of("Profile_User", 0),
                );
                rel.fields
                    .insert("users_id".into(), FieldValue::Ref(login_key.clone()));
                rel.fields
                    .insert("is_recursive".into(), FieldValue::Number(0));
                rel.sources.push(source.clone());
                let i = self.push(rel);
                self.pending.push(Pending {
                    object: i,
                    field: "profiles_id".into(),
                    target: Target::Dropdown("Profile"),
                    value: profile,
                });
                self.pending.push(Pending {
                    object: i,
                    field: "entities_id".into(),
                    target: Target::Entity,
                    value: ent,
                });
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add_value(
        &mut self,
        item_type: ItemType,
        itemtype: &str,
        field: &str,
        raw: &str,
        fields: &mut BTreeMap<String, FieldValue>,
        refs: &mut Vec<(String, Target, String)>,
        groups: &mut Vec<String>,
        profiles: &mut Vec<String>,
        completename: &mut String,
        entity: &mut String,
    ) {
        let Some(spec) = spec_for(item_type, field) else {
            return;
        };
        // Rows with errors were rejected before; a warning (a line break in a name) keeps the
        // value as it is: nothing is altered silently.
        let value = check_value(raw, spec.kind, false).unwrap_or_else(|_| glpi_cell_value(raw));
        let concrete = concrete_field(item_type, field);
        match field {
            "id" | "_parent" | "_entities_profiles" => return,
            "_ips" | "_macs" => {
                if !value.is_empty() {
                    self.note("migrate.not_carried.network", "valeurs d'adresses IP et MAC : elles vivent sur les ports réseau, que cette migration ne crée pas ; elles ne sont pas transférées", "IP and MAC addresses live on network ports, which this migration does not create; they are not transferred");
                }
                return;
            }
            "_monitor_count" => {
                if value.trim().parse::<u64>().unwrap_or(0) > 0 {
                    self.note("migrate.not_carried.connections", "les exports ne donnent que le nombre d'éléments branchés par ordinateur : fournissez le fichier compagnon des liaisons (liaisons-materiels.csv) pour les recréer", "exports only give how many items are connected to each computer: give the connections companion file (liaisons-materiels.csv) to recreate them");
                }
                return;
            }
            "_versions" | "_installations" => {
                if value.trim().parse::<u64>().unwrap_or(0) > 0 && field == "_installations" {
                    self.note("migrate.not_carried.installations", "les exports ne donnent que le nombre d'installations par logiciel : fournissez le fichier compagnon des installations (installations-logiciels.csv) pour les recréer", "exports only give installation counts per software: give the installations companion file (installations-logiciels.csv) to recreate them");
                }
                return;
            }
            "_manager" => {
                if !value.is_empty() {
                    self.note("migrate.not_carried.manager", "responsable de groupe : non transféré (désignez-le dans GLPI après la migration)", "group manager: not transferred (set it in GLPI after the migration)");
                }
                return;
            }
            "_useremails" | "email" if item_type == ItemType::User => {
                let list = split_multi(&value);
                if !list.is_empty() {
                    fields.insert("_useremails".into(), FieldValue::Texts(list));
                }
                return;
            }
            "_groups" => {
                groups.extend(split_multi(&value));
                return;
            }
            "_profiles" => {
                profiles.extend(split_multi(&value));
                return;
            }
            "completename" => {
                *completename = value;
                return;
            }
            "entities_id" => {
                *entity = value;
                return;
            }
            _ => {}
        }
        if concrete.starts_with('_') || value.is_empty() {
            return;
        }
        match spec.kind {
            FieldKind::Ignored | FieldKind::Ips | FieldKind::Macs => {}
            FieldKind::Dropdown
            | FieldKind::TreePath
            | FieldKind::GroupPath
            | FieldKind::UserName => {
                if let Some(target) = schema::field_target(item_type, &concrete) {
                    refs.push((concrete, target, value));
                }
            }
            FieldKind::Integer | FieldKind::YesNo | FieldKind::Enum(_) => {
                match value.parse::<i64>() {
                    Ok(n) => {
                        fields.insert(concrete, FieldValue::Number(n));
                    }
                    Err(_) => {
                        fields.insert(concrete, FieldValue::Text(value));
                    }
                }
            }
            _ => {
                fields.insert(concrete, FieldValue::Text(value));
            }
        }
        let _ = itemtype;
    }

    fn add_companion(&mut self, c: &CompanionFile<'_>) {
        for record in &c.table.records {
            let source = SourceLine {
                file: c.table.file.clone(),
                line: record.line as usize,
            };
            let cell = |i: usize| {
                record
                    .cells
                    .get(i)
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let (computer, second, third) = (cell(0), cell(1), cell(2));
            match c.kind {
                CompanionKind::Connections => {
                    let Some(itemtype) = connection_itemtype(&second) else {
                        self.reject("Computer_Item", source, "migrate.companion.bad_type", format!("type « {second} » inconnu : attendu Moniteur, Périphérique, Imprimante ou Téléphone"));
                        continue;
                    };
                    if computer.is_empty() || third.is_empty() {
                        self.reject(
                            "Computer_Item",
                            source,
                            "migrate.companion.missing",
                            "ordinateur et élément sont obligatoires".into(),
                        );
                        continue;
                    }
                    let key = format!("{computer}|{itemtype}|{third}");
                    if self.find("Computer_Item", &key).is_some() {
                        self.reject(
                            "Computer_Item",
                            source,
                            "migrate.duplicate",
                            format!("liaison « {key} » déjà donnée plus haut"),
                        );
                        continue;
                    }
                    let mut rel = PlannedObject::new(
                        ObjectKey::new("Computer_Item", key),
                        rank_of("Computer_Item", 0),
                    );
                    rel.fields
                        .insert("itemtype".into(), FieldValue::Text(itemtype.into()));
                    rel.sources.push(source);
                    let i = self.push(rel);
                    self.pending.push(Pending {
                        object: i,
                        field: "computers_id".into(),
                        target: Target::Dropdown("Computer"),
                        value: computer,
                    });
                    self.pending.push(Pending {
                        object: i,
                        field: "items_id".into(),
                        target: Target::Dropdown(itemtype),
                        value: third,
                    });
                }
                CompanionKind::Installations => {
                    if computer.is_empty() || second.is_empty() || third.is_empty() {
                        self.reject(
                            "Item_SoftwareVersion",
                            source,
                            "migrate.companion.missing",
                            "ordinateur, logiciel et version sont obligatoires".into(),
                        );
                        continue;
                    }
                    let version_key = format!("{second}|{third}");
                    let version = match self.find("SoftwareVersion", &version_key) {
                        Some(i) => {
                            self.objects[i].sources.push(source.clone());
                            self.objects[i].key.clone()
                        }
                        None => {
                            let mut v = PlannedObject::new(
                                ObjectKey::new("SoftwareVersion", version_key),
                                rank_of("SoftwareVersion", 0),
                            );
                            v.implied = true;
                            v.fields
                                .insert("name".into(), FieldValue::Text(third.clone()));
                            v.sources.push(source.clone());
                            let k = v.key.clone();
                            let i = self.push(v);
                            self.pending.push(Pending {
                                object: i,
                                field: "softwares_id".into(),
                                target: Target::Dropdown("Software"),
                                value: second.clone(),
                            });
                            self.pending.push(Pending {
                                object: i,
                                field: "entities_id".into(),
                                target: Target::Entity,
                                value: String::new(),
                            });
                            k
                        }
                    };
                    let key = format!("{computer}|{second}|{third}");
                    if self.find("Item_SoftwareVersion", &key).is_some() {
                        self.reject(
                            "Item_SoftwareVersion",
                            source,
                            "migrate.duplicate",
                            format!("installation « {key} » déjà donnée plus haut"),
                        );
                        continue;
                    }
                    let mut rel = PlannedObject::new(
                        ObjectKey::new("Item_SoftwareVersion", key),
                        rank_of("Item_SoftwareVersion", 0),
                    );
                    rel.fields
                        .insert("itemtype".into(), FieldValue::Text("Computer".into()));
                    rel.fields
                        .insert("softwareversions_id".into(), FieldValue::Ref(version));
                    rel.sources.push(source);
                    let i = self.push(rel);
                    self.pending.push(Pending {
                        object: i,
                        field: "items_id".into(),
                        target: Target::Dropdown("Computer"),
                        value: computer,
                    });
                }
            }
        }
    }

    /// The target itemtypes the plan must read.
    pub fn needed_types(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .objects
            .iter()
            .map(|o| o.key.itemtype.clone())
            .collect();
        for p in &self.pending {
            match p.target {
                Target::Dropdown(t) | Target::Tree(t) => {
                    out.insert(t.to_string());
                }
                Target::Group => {
                    out.insert("Group".into());
                }
                Target::User => {
                    out.insert("User".into());
                }
                Target::Entity => {}
            }
        }
        out
    }

    /// Resolves references against the target, reconciles every object and orders the plan.
    pub fn plan(&self, target: &TargetData, options: &PlanOptions) -> Plan {
        Resolver::new(self, target, options).run()
    }
}

/// `Location` → `"Location"` with a static lifetime for the few tree types.
fn schema_static(itemtype: &str) -> &'static str {
    match itemtype {
        "Location" => "Location",
        "State" => "State",
        "SoftwareCategory" => "SoftwareCategory",
        "Entity" => "Entity",
        _ => "Group",
    }
}

/// Index of a target type by name, complete name and (for users) display name.
struct TypeLookup {
    by_name: HashMap<String, Vec<u64>>,
}

fn type_lookup(itemtype: &str, items: &[Map<String, Value>]) -> TypeLookup {
    let mut by_name: HashMap<String, Vec<u64>> = HashMap::new();
    for item in items {
        let Some(id) = item.get("id").and_then(Value::as_u64) else {
            continue;
        };
        let mut names: Vec<String> = Vec::new();
        if schema::tree_parent_field(itemtype).is_some() {
            names.push(target_text(item.get("completename")));
        } else {
            names.push(target_text(item.get("name")));
        }
        match itemtype {
            "User" => names.push(format!(
                "{} {}",
                target_text(item.get("realname")),
                target_text(item.get("firstname"))
            )),
            "Computer" | "Monitor" | "Printer" | "Phone" | "Peripheral" | "NetworkEquipment" => {
                names.push(target_text(item.get("serial")))
            }
            _ => {}
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

struct Resolver<'a> {
    draft: &'a Draft,
    target: &'a TargetData,
    options: &'a PlanOptions,
    objects: Vec<PlannedObject>,
    index: HashMap<(String, String), usize>,
    lookups: HashMap<String, TypeLookup>,
    unmatched: BTreeMap<String, UnmatchedValue>,
}

enum Resolved {
    Value(FieldValue),
    Empty(String),
}

impl<'a> Resolver<'a> {
    fn new(draft: &'a Draft, target: &'a TargetData, options: &'a PlanOptions) -> Self {
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

    fn lookup(&mut self, itemtype: &str, value: &str) -> Vec<u64> {
        if !self.lookups.contains_key(itemtype) {
            let items = self
                .target
                .items
                .get(itemtype)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            self.lookups
                .insert(itemtype.to_string(), type_lookup(itemtype, items));
        }
        self.lookups[itemtype]
            .by_name
            .get(&normalize_key(value))
            .cloned()
            .unwrap_or_default()
    }

    /// Counts one more row for a value that has no match on the target.
    fn count_unmatched(&mut self, itemtype: &str, value: &str) {
        if let Some(u) = self
            .unmatched
            .get_mut(&PlanOptions::value_key(itemtype, value))
        {
            u.rows += 1;
        }
    }

    fn planned(&self, itemtype: &str, key: &str) -> Option<ObjectKey> {
        self.index
            .get(&(itemtype.to_string(), normalize_key(key)))
            .map(|i| self.objects[*i].key.clone())
    }

    /// A planned asset by serial or name.
    fn planned_asset(&self, itemtype: &str, value: &str) -> Option<ObjectKey> {
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

    fn unmatched_choice(&mut self, itemtype: &str, value: &str, creatable: bool) -> ValueChoice {
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
            itemtype: itemtype.to_string(),
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
    fn tree(&mut self, itemtype: &'static str, path: &str, source: &[SourceLine]) -> Resolved {
        if let Some(k) = self.planned(itemtype, path) {
            let i = self.index[&(itemtype.to_string(), normalize_key(path))];
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
        let creatable = itemtype != "Group" && schema::is_creatable_dropdown(itemtype);
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
                let parent = parent
                    .and_then(|p| schema::tree_parent_field(itemtype).map(|f| (f.to_string(), p)));
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

    fn dropdown(&mut self, itemtype: &'static str, value: &str, source: &[SourceLine]) -> Resolved {
        let is_asset = matches!(
            itemtype,
            "Computer" | "Monitor" | "Printer" | "Phone" | "Peripheral" | "NetworkEquipment"
        );
        let planned = if is_asset {
            self.planned_asset(itemtype, value)
        } else {
            self.planned(itemtype, value)
        };
        if let Some(k) = planned {
            let i = self.index[&(itemtype.to_string(), normalize_key(&k.key))];
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
        if is_asset || itemtype == "Software" {
            return Resolved::Empty(format!(
                "{itemtype} « {value} » introuvable dans les fichiers et sur la cible"
            ));
        }
        let creatable = schema::is_creatable_dropdown(itemtype);
        match self.unmatched_choice(itemtype, value, creatable) {
            ValueChoice::MapTo(id) => Resolved::Value(FieldValue::Id(id)),
            ValueChoice::Empty => Resolved::Empty(format!(
                "{itemtype} « {value} » absent de la cible : valeur laissée vide"
            )),
            ValueChoice::Create => {
                self.create_implied(itemtype, value, 0, value, None, false, source)
            }
        }
    }

    /// A value the target lacks, created by the plan (dropdowns, tree levels): visible in the
    /// default entity and its sub-entities.
    #[allow(clippy::too_many_arguments)]
    fn create_implied(
        &mut self,
        itemtype: &'static str,
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
        if schema::has_entity(itemtype) {
            o.fields.insert(
                "entities_id".into(),
                FieldValue::Id(self.options.default_entity),
            );
            o.fields
                .insert("is_recursive".into(), FieldValue::Number(1));
        }
        o.sources.extend_from_slice(source);
        let k = o.key.clone();
        self.index.insert(
            (itemtype.to_string(), normalize_key(key)),
            self.objects.len(),
        );
        self.objects.push(o);
        Resolved::Value(FieldValue::Ref(k))
    }

    fn user(&mut self, value: &str) -> Resolved {
        let n = normalize_key(value);
        let planned: Vec<ObjectKey> = self.draft.user_names.get(&n).cloned().unwrap_or_default();
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
        if let Some(k) = self.planned("User", value) {
            return Resolved::Value(FieldValue::Ref(k));
        }
        let found = self.lookup("User", value);
        match found.as_slice() {
            [id] => Resolved::Value(FieldValue::Id(*id)),
            [] => match self.unmatched_choice("User", value, false) {
                ValueChoice::MapTo(id) => Resolved::Value(FieldValue::Id(id)),
                _ => Resolved::Empty(format!("utilisateur « {value} » absent des fichiers et de la cible : valeur laissée vide")),
            },
            many => Resolved::Empty(format!(
                "utilisateur « {value} » : {} homonymes sur la cible, aucun n'est choisi",
                many.len()
            )),
        }
    }

    fn run(mut self) -> Plan {
        for p in self.draft.pending.clone() {
            let sources = self.objects[p.object].sources.clone();
            let resolved = match p.target {
                Target::Entity => Resolved::Value(FieldValue::Id(self.entity(&p.value))),
                Target::Tree(t) => self.tree(t, &p.value, &sources),
                Target::Group => self.tree("Group", &p.value, &sources),
                Target::Dropdown(t) => self.dropdown(t, &p.value, &sources),
                Target::User => self.user(&p.value),
            };
            let is_relation = matches!(
                self.objects[p.object].key.itemtype.as_str(),
                "Group_User"
                    | "Profile_User"
                    | "Computer_Item"
                    | "Item_SoftwareVersion"
                    | "SoftwareVersion"
            );
            match resolved {
                Resolved::Value(v) => {
                    self.objects[p.object].fields.insert(p.field, v);
                }
                Resolved::Empty(w) if is_relation => {
                    self.objects[p.object].decision = Decision::Rejected {
                        code: "migrate.reference_missing".into(),
                        message: w,
                    };
                }
                Resolved::Empty(w) => self.objects[p.object].warnings.push(w),
            }
        }
        // Relations whose computer was rejected cannot be made.
        // Order: by rank, stable within (files order).
        let mut order: Vec<usize> = (0..self.objects.len()).collect();
        order.sort_by_key(|i| (self.objects[*i].rank, *i));
        let mut objects: Vec<PlannedObject> =
            order.into_iter().map(|i| self.objects[i].clone()).collect();
        // Reconcile in order, so references to matched objects are known.
        let mut indexes: HashMap<String, TargetIndex> = HashMap::new();
        let mut ids: IdMap = IdMap::new();
        let rejected: BTreeSet<ObjectKey> = objects
            .iter()
            .filter(|o| matches!(o.decision, Decision::Rejected { .. }))
            .map(|o| o.key.clone())
            .collect();
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
                    code: "migrate.dependency_rejected".into(),
                    message: format!("dépend de {dep}, qui est rejeté"),
                };
                failed.insert(o.key.clone());
                continue;
            }
            let keys = self.options.keys_for(&o.key.itemtype);
            let index = indexes.entry(o.key.itemtype.clone()).or_insert_with(|| {
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
        let not_carried = self
            .draft
            .not_carried
            .iter()
            .filter(|(code, _)| {
                !(**code == "migrate.not_carried.connections" && self.draft.has_connections
                    || **code == "migrate.not_carried.installations"
                        && self.draft.has_installations)
            })
            .map(|(code, (rows, fr, en))| NotCarried {
                code: code.to_string(),
                message_fr: fr.to_string(),
                message_en: en.to_string(),
                rows: *rows,
            })
            .collect();
        Plan {
            objects,
            unmatched: self.unmatched.into_values().collect(),
            entities,
            not_carried,
            options: self.options.clone(),
        }
    }
}
