//! Rows to planned objects, before the target is read: identities, field values, references
//! waiting to be resolved, relations carried by user rows and companion files.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::detect::ItemType;
use crate::diagnostic::Diagnostic;
use crate::map::{concrete_field, spec_for, FieldKind};
use crate::migrate::companion::{connection_itemtype, CompanionFile, CompanionKind};
use crate::migrate::model::{Decision, FieldValue, ObjectKey, PlannedObject, SourceLine};
use crate::migrate::reconcile::normalize_key;
use crate::migrate::schema::{self, Target};
use crate::read::{glpi_cell_value, split_multi};

use super::{Plan, PlanOptions, SourceFile, TargetData};
use crate::validate::values::check_value;

/// A reference waiting for the target to be known.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) object: usize,
    pub(super) field: String,
    pub(super) target: Target,
    pub(super) value: String,
}

/// What one row gives, gathered column by column before the object is built.
#[derive(Default)]
struct RowValues {
    fields: BTreeMap<String, FieldValue>,
    /// (field, what it refers to, the local value).
    refs: Vec<(String, Target, String)>,
    groups: Vec<String>,
    profiles: Vec<String>,
    completename: String,
    entity: String,
}

/// Objects built from the files, before the target is read.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub(super) objects: Vec<PlannedObject>,
    pub(super) index: HashMap<(String, String), usize>,
    pub(super) pending: Vec<Pending>,
    /// Display name (normalised) → planned users.
    pub(super) user_names: HashMap<String, Vec<ObjectKey>>,
    pub(super) entity_rows: BTreeMap<String, usize>,
    pub(super) not_carried: BTreeMap<&'static str, (usize, &'static str, &'static str)>,
    pub(super) has_connections: bool,
    pub(super) has_installations: bool,
}

pub(super) fn rank_of(itemtype: &str, depth: usize) -> u32 {
    schema::stage_rank(itemtype) * 100 + depth as u32
}

pub(super) fn tree_depth(path: &str) -> usize {
    path.split(" > ").count().saturating_sub(1)
}

pub(super) fn last_segment(path: &str) -> &str {
    path.rsplit(" > ").next().unwrap_or(path).trim()
}

pub(super) fn parent_path(path: &str) -> Option<&str> {
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
        for record in file.table.rows() {
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
        cells: &crate::read::Cells<'_>,
        source: SourceLine,
    ) {
        let item_type = file.mapping.item_type;
        let mut row = RowValues::default();
        for col in &file.mapping.columns {
            let Some(field) = col.field.as_deref() else {
                continue;
            };
            let Some(raw) = cells.get(col.column) else {
                continue;
            };
            self.add_value(item_type, itemtype, field, raw, &mut row);
        }
        for (field, _) in file
            .mapping
            .templates
            .iter()
            .chain(file.mapping.constants.iter())
        {
            if row.fields.contains_key(field) {
                continue;
            }
            if let Some(v) = file.mapping.value(field, cells) {
                let v = v.into_owned();
                self.add_value(item_type, itemtype, field, &v, &mut row);
            }
        }
        let RowValues {
            mut fields,
            mut refs,
            groups,
            profiles,
            mut completename,
            entity,
        } = row;
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
                self.wait_for(i, "groups_id", Target::Group, g);
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
                self.wait_for(i, "profiles_id", Target::Dropdown("Profile"), profile);
                self.wait_for(i, "entities_id", Target::Entity, ent);
            }
        }
    }

    fn add_value(
        &mut self,
        item_type: ItemType,
        itemtype: &str,
        field: &str,
        raw: &str,
        row: &mut RowValues,
    ) {
        let Some(spec) = spec_for(item_type, field) else {
            return;
        };
        let RowValues {
            fields,
            refs,
            groups,
            profiles,
            completename,
            entity,
        } = row;
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
        for record in c.table.rows() {
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
                    let Some(mut rel) = self.new_relation("Computer_Item", key, &source) else {
                        continue;
                    };
                    rel.fields
                        .insert("itemtype".into(), FieldValue::Text(itemtype.into()));
                    rel.sources.push(source);
                    let i = self.push(rel);
                    self.wait_for(i, "computers_id", Target::Dropdown("Computer"), computer);
                    self.wait_for(i, "items_id", Target::Dropdown(itemtype), third);
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
                            self.wait_for(
                                i,
                                "softwares_id",
                                Target::Dropdown("Software"),
                                second.clone(),
                            );
                            self.wait_for(i, "entities_id", Target::Entity, String::new());
                            k
                        }
                    };
                    let key = format!("{computer}|{second}|{third}");
                    let Some(mut rel) = self.new_relation("Item_SoftwareVersion", key, &source)
                    else {
                        continue;
                    };
                    rel.fields
                        .insert("itemtype".into(), FieldValue::Text("Computer".into()));
                    rel.fields
                        .insert("softwareversions_id".into(), FieldValue::Ref(version));
                    rel.sources.push(source);
                    let i = self.push(rel);
                    self.wait_for(i, "items_id", Target::Dropdown("Computer"), computer);
                }
            }
        }
    }

    /// Records that field `field` of object `object` waits for `value` to be found as `target`.
    fn wait_for(&mut self, object: usize, field: &str, target: Target, value: String) {
        self.pending.push(Pending {
            object,
            field: field.to_string(),
            target,
            value,
        });
    }

    /// A relation from a companion file, or `None` (and a rejection) when the same one was
    /// given on an earlier line.
    fn new_relation(
        &mut self,
        itemtype: &str,
        key: String,
        source: &SourceLine,
    ) -> Option<PlannedObject> {
        if self.find(itemtype, &key).is_some() {
            self.reject(
                itemtype,
                source.clone(),
                "migrate.duplicate",
                format!("« {key} » déjà donné plus haut dans ce fichier"),
            );
            return None;
        }
        Some(PlannedObject::new(
            ObjectKey::new(itemtype, key),
            rank_of(itemtype, 0),
        ))
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
        super::resolve::Resolver::new(self, target, options).run()
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
