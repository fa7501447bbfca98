//! Rows to planned objects, before the target is read: identities, field values, references
//! waiting to be resolved, relations carried by user rows and companion files.

use crate::sort::CollectOrdered;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::detect::ItemType;
use crate::diagnostic::Diagnostic;
use crate::glpi::{destination, Destination, GlpiType, NotCarriedReason, Target};
use crate::map::{spec_for, FieldKind};
use crate::migrate::companion::{
    actor_role, connection_itemtype, contract_link_itemtype, port_itemtype, CompanionFile,
    CompanionKind, BUDGET_FIELDS, CONTRACT_FIELDS, SUPPLIER_FIELDS,
};
use crate::migrate::model::{
    Decision, FieldValue, ObjectKey, PlannedObject, Rejection, SourceLine,
};
use crate::migrate::reconcile::normalize_key;
use crate::read::{glpi_cell_value, split_multi};

use super::{ColumnUse, Plan, PlanOptions, SourceFile, TargetData};
use crate::validate::values::check_value;

/// A reference waiting for the target to be known.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Pending {
    pub(super) object: usize,
    pub(super) field: String,
    pub(super) target: Target,
    pub(super) value: String,
}

/// What one row gives, gathered column by column before the objects are built.
#[derive(Default)]
struct RowValues {
    fields: BTreeMap<String, FieldValue>,
    /// (field, what it refers to, the local value).
    refs: Vec<(String, Target, String)>,
    /// Columns of the objects GLPI keeps beside an asset (operating system, financial data).
    related: BTreeMap<GlpiType, BTreeMap<String, FieldValue>>,
    /// References of those objects: (type, field, what it refers to, the local value).
    related_refs: Vec<(GlpiType, String, Target, String)>,
    warranty_expiration: Option<String>,
    versions: Vec<String>,
    /// Per column of a version (its status, architecture, comment, operating system): each
    /// version's value, in the versions' order; empty where none.
    version_columns: BTreeMap<String, Vec<String>>,
    emails: Vec<String>,
    groups: Vec<String>,
    profiles: Vec<String>,
    completename: String,
    entity: String,
    managers: Vec<String>,
    /// The operating system's kernel, given to its kernel version.
    kernel: Option<String>,
}

/// Objects built from the files, before the target is read. Serializable, so that the page's
/// worker, which holds the checked files, builds it and the page only plans it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Draft {
    pub(super) objects: Vec<PlannedObject>,
    #[serde(with = "pairs")]
    pub(super) index: HashMap<(GlpiType, String), usize>,
    pub(super) pending: Vec<Pending>,
    /// Display name (normalised) → planned users.
    pub(super) user_names: HashMap<String, Vec<ObjectKey>>,
    pub(super) entity_rows: BTreeMap<String, usize>,
    /// Code → (rows, French, English).
    pub(super) not_carried: BTreeMap<Cow<'static, str>, NotCarriedNote>,
    pub(super) has_connections: bool,
    pub(super) has_installations: bool,
    /// Where each column of each file goes, with its count of non-empty values.
    pub(super) columns: Vec<ColumnUse>,
    /// Kernel version (normalised name) → its kernel, as the first row naming both gives it:
    /// a kernel version the plan creates is created with its kernel.
    #[serde(default)]
    pub(super) kernels: BTreeMap<String, String>,
    /// (group complete name, manager's display name, source line), joined to memberships once
    /// every file is read.
    #[serde(skip)]
    managers: Vec<(String, String, SourceLine)>,
    /// The companion timeline file's entries by ticket source id, taken by the tickets they
    /// belong to; what is left names no ticket of the files.
    #[serde(skip)]
    pub(super) timelines: HashMap<String, Vec<super::ticket::CompanionEntry>>,
    /// What a connectable asset's row gives for the fields GLPI overwrites when it is
    /// connected to a computer ([`CONNECTION_OVERWRITES`]), by (type, key); empty values kept.
    #[serde(skip)]
    connected_values: HashMap<(GlpiType, String), Vec<(String, String)>>,
    /// The assets the connections companion connects: (type, serial or name).
    #[serde(skip)]
    connected: Vec<(GlpiType, String)>,
    /// Locations with a parent whose row gives coordinates, all empty: GLPI would give them
    /// their parent's ([`Draft::add_coordinate_steps`]).
    #[serde(skip)]
    without_coordinates: Vec<String>,
}

/// A location's coordinates, which GLPI copies from its parent when all are empty
/// (`Location::prepareInputForAdd`).
const COORDINATES: [&str; 3] = ["latitude", "longitude", "altitude"];

/// The fields of a monitor, printer, peripheral or phone that GLPI replaces by its computer's
/// when the two are connected (`Computer_Item::prepareInputForAdd`, under the defaults
/// `is_location_autoupdate`, `is_user_autoupdate`, `is_group_autoupdate`,
/// `is_contact_autoupdate` and `state_autoupdate_mode`): no input turns it off, so the plan
/// writes the asset's own values back once it is connected.
pub const CONNECTION_OVERWRITES: [&str; 6] = [
    "locations_id",
    "users_id",
    "groups_id",
    "contact",
    "contact_num",
    "states_id",
];

/// A reason the files cannot carry some values: rows concerned, French and English texts.
pub(super) type NotCarriedNote = (usize, Cow<'static, str>, Cow<'static, str>);

/// A map whose keys are not strings, as a list of pairs (JSON keys are strings).
mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::HashMap;
    use std::hash::Hash;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &HashMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<HashMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Eq + Hash,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Vec::<(K, V)>::deserialize(d).map(|pairs| pairs.into_iter().collect())
    }
}

pub(super) fn rank_of(itemtype: GlpiType, depth: usize) -> u32 {
    itemtype.stage() * 100 + depth as u32
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

/// An authorization as the User export writes it: `Profile - Entity (D)(R)`, `(R)` for
/// recursive, `(D)` for dynamic.
fn parse_authorization(text: &str) -> (String, String, bool) {
    let mut rest = text.trim();
    let mut recursive = false;
    loop {
        if let Some(r) = rest.strip_suffix("(R)") {
            recursive = true;
            rest = r.trim_end();
        } else if let Some(r) = rest.strip_suffix("(D)") {
            rest = r.trim_end();
        } else {
            break;
        }
    }
    match rest.split_once(" - ") {
        Some((p, e)) => (p.trim().to_string(), e.trim().to_string(), recursive),
        None => (rest.to_string(), String::new(), recursive),
    }
}

/// Adds `months` to a date as MySQL's `DATE_ADD(d, INTERVAL m MONTH)` does (the day is clamped
/// to the month's last day): how GLPI computes a warranty's expiration.
fn add_months(date: (i32, u32, u32), months: i32) -> (i32, u32, u32) {
    let (y, m, d) = date;
    let total = y * 12 + (m as i32 - 1) + months;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let last = match nm {
        2 if (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (ny, nm, d.min(last))
}

fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.get(..10)?.split('-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    Some((y, m, d))
}

fn format_date((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The warranty GLPI can keep for an expiration date: a start date (the purchase date when
/// known) and a whole number of months, with a warning when GLPI's expiration will differ.
fn warranty(buy_date: Option<&str>, expiration: &str) -> (String, i64, Option<String>) {
    let Some(end) = parse_date(expiration) else {
        return (expiration.to_string(), 0, None);
    };
    let Some(start) = buy_date.and_then(parse_date) else {
        return (
            format_date(end),
            0,
            Some(format!("garantie : sans date d'achat, GLPI garde l'expiration {expiration} comme début de garantie avec une durée de 0 mois")),
        );
    };
    let months = (end.0 - start.0) * 12 + end.1 as i32 - start.1 as i32;
    let months = if add_months(start, months) > end {
        months - 1
    } else {
        months
    }
    .max(0);
    let computed = add_months(start, months);
    let warning = (computed != end).then(|| {
        format!(
            "garantie : l'expiration {expiration} ne tombe pas un nombre entier de mois après l'achat ; GLPI gardera {months} mois, soit une expiration au {}",
            format_date(computed)
        )
    });
    (format_date(start), months as i64, warning)
}

impl Draft {
    /// Builds objects from the files and companion files.
    pub fn build(files: &[SourceFile<'_>], companions: &[CompanionFile<'_>]) -> Draft {
        let mut d = Draft::default();
        // The timeline companion first: each ticket row takes its entries.
        for c in companions
            .iter()
            .filter(|c| c.kind == CompanionKind::Timeline)
        {
            let (entries, rejected) = super::ticket::timeline_from_companion(c);
            for (itemtype, source, rejection) in rejected {
                d.reject(itemtype, source, rejection);
            }
            for e in entries {
                d.timelines.entry(e.ticket.clone()).or_default().push(e);
            }
        }
        // Trees and groups first so that references from other files find them.
        let mut ordered: Vec<&SourceFile<'_>> = files.iter().collect();
        crate::sort::sort_by_key(&mut ordered, |f| match f.mapping.item_type {
            ItemType::Location => 0,
            ItemType::Group => 1,
            ItemType::User => 2,
            // Tickets last: the assets they name are planned before them.
            ItemType::Ticket => 4,
            _ => 3,
        });
        for f in ordered {
            d.add_file(f);
        }
        d.add_managers();
        let mut orphans: Vec<super::ticket::CompanionEntry> = std::mem::take(&mut d.timelines)
            .into_values()
            .flatten()
            .collect();
        crate::sort::sort_by(&mut orphans, |a, b| {
            (&a.source.file, a.source.line).cmp(&(&b.source.file, b.source.line))
        });
        for e in orphans {
            let itemtype = match e.entry.kind {
                super::ticket::EntryKind::Followup => GlpiType::ItilFollowup,
                super::ticket::EntryKind::Task => GlpiType::TicketTask,
                super::ticket::EntryKind::Solution => GlpiType::ItilSolution,
            };
            d.reject(
                itemtype,
                e.source,
                Rejection::TimelineTicketUnknown { ticket: e.ticket },
            );
        }
        for c in companions {
            match c.kind {
                CompanionKind::Connections => d.has_connections = true,
                CompanionKind::Installations => d.has_installations = true,
                CompanionKind::Timeline => continue,
                CompanionKind::NetworkPorts
                | CompanionKind::Suppliers
                | CompanionKind::Contracts
                | CompanionKind::Budgets
                | CompanionKind::ContractLinks
                | CompanionKind::TicketSuppliers => {}
            }
            d.add_companion(c);
        }
        d.add_connection_steps();
        d.add_coordinate_steps();
        d
    }

    /// A location created without coordinates under a parent that has some gets them from
    /// GLPI; an update step once it is created (`…#coordonnees`) empties them again. Only
    /// where the file gives the three columns (else what the source held is not known).
    fn add_coordinate_steps(&mut self) {
        for key in std::mem::take(&mut self.without_coordinates) {
            // What the parent holds when this one is created: its own coordinates, or, when it
            // has none, those GLPI gave it from its own parent (the steps come after every
            // location is created). Up to an ancestor with coordinates, or one not planned here
            // (the target's may have some); none when no ancestor has any.
            let mut inherits = false;
            let mut ancestor = parent_path(&key);
            while let Some(path) = ancestor {
                let Some(p) = self.find(GlpiType::Location, path) else {
                    inherits = true;
                    break;
                };
                let has = |f: &str| matches!(self.objects[p].fields.get(f), Some(FieldValue::Text(t)) if !t.is_empty());
                if COORDINATES.iter().any(|f| has(f)) {
                    inherits = true;
                    break;
                }
                ancestor = parent_path(path);
            }
            if !inherits {
                continue;
            }
            let Some(i) = self.find(GlpiType::Location, &key) else {
                continue;
            };
            let owner = self.objects[i].key.clone();
            let mut step = PlannedObject::new(
                ObjectKey::new(GlpiType::Location, format!("{key}#coordonnees")),
                rank_of(GlpiType::Location, 50),
            );
            step.fields.insert("id".into(), FieldValue::Ref(owner));
            for f in COORDINATES {
                step.fields
                    .insert(f.into(), FieldValue::Text(String::new()));
            }
            step.sources = self.objects[i].sources.clone();
            self.push(step);
        }
    }

    /// After each connection, the connected asset's own values of [`CONNECTION_OVERWRITES`]
    /// (an update step of the asset, `…#connexion`): an empty one empties what GLPI copied.
    fn add_connection_steps(&mut self) {
        let mut done = BTreeSet::new();
        for (itemtype, value) in std::mem::take(&mut self.connected) {
            let found = ["serial:", "name:"]
                .iter()
                .find_map(|p| self.find(itemtype, &format!("{p}{value}")));
            let Some(item) = found else { continue };
            let owner = self.objects[item].key.clone();
            let Some(values) = self
                .connected_values
                .get(&(itemtype, owner.key.clone()))
                .cloned()
            else {
                continue;
            };
            if !done.insert(owner.clone()) {
                continue;
            }
            let mut step = PlannedObject::new(
                ObjectKey::new(itemtype, format!("{}#connexion", owner.key)),
                rank_of(GlpiType::ComputerItem, 1),
            );
            step.fields
                .insert("id".into(), FieldValue::Ref(owner.clone()));
            step.sources = self.objects[item].sources.clone();
            let mut refs = Vec::new();
            for (field, value) in values {
                match itemtype.field_target(&field) {
                    Some(target) if !value.is_empty() => refs.push((field, target, value)),
                    Some(_) => {
                        step.fields.insert(field, FieldValue::Number(0));
                    }
                    None => {
                        step.fields.insert(field, FieldValue::Text(value));
                    }
                }
            }
            let i = self.push(step);
            for (field, target, value) in refs {
                self.wait_for(i, &field, target, value);
            }
        }
    }

    pub(super) fn find(&self, itemtype: GlpiType, key: &str) -> Option<usize> {
        self.index.get(&(itemtype, normalize_key(key))).copied()
    }

    pub(super) fn push(&mut self, obj: PlannedObject) -> usize {
        let i = self.objects.len();
        self.index
            .insert((obj.key.itemtype, normalize_key(&obj.key.key)), i);
        self.objects.push(obj);
        i
    }

    pub(super) fn note(&mut self, code: &'static str, fr: &'static str, en: &'static str) {
        let e = self.not_carried.entry(Cow::Borrowed(code)).or_insert((
            0,
            Cow::Borrowed(fr),
            Cow::Borrowed(en),
        ));
        e.0 += 1;
    }

    pub(super) fn reject(&mut self, itemtype: GlpiType, source: SourceLine, rejection: Rejection) {
        let mut o = PlannedObject::new(
            ObjectKey::new(itemtype, format!("{}:{}", source.file, source.line)),
            rank_of(itemtype, 0),
        );
        o.sources.push(source);
        o.decision = Decision::Rejected { rejection };
        self.push(o);
    }

    fn add_file(&mut self, file: &SourceFile<'_>) {
        let item_type = file.mapping.item_type;
        let Some(itemtype) = GlpiType::of_file(item_type)
            .or((item_type == ItemType::Ticket).then_some(GlpiType::Ticket))
        else {
            return;
        };
        self.count_columns(file);
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
                if itemtype == GlpiType::Ticket {
                    self.reject_timeline_of(file, &record.cells, &source);
                }
                self.reject(
                    itemtype,
                    source,
                    Rejection::Check {
                        diagnostic: d.kind.clone(),
                    },
                );
                continue;
            }
            if itemtype == GlpiType::Ticket {
                self.add_ticket_row(file, &record.cells, source);
                continue;
            }
            self.add_row(file, itemtype, &record.cells, source);
        }
    }

    /// Where each column of a file goes, and how many of its cells hold a value.
    fn count_columns(&mut self, file: &SourceFile<'_>) {
        let item_type = file.mapping.item_type;
        let mut uses: Vec<ColumnUse> = file
            .mapping
            .columns
            .iter()
            .map(|col| ColumnUse {
                file: file.table.file.clone(),
                header: col.header.clone(),
                field: col.field.clone(),
                destination: col.field.as_deref().and_then(|f| destination(item_type, f)),
                values: 0,
            })
            .collect();
        for record in file.table.rows() {
            for (use_, col) in uses.iter_mut().zip(&file.mapping.columns) {
                let filled = record.cells.get(col.column).is_some_and(|c| {
                    let v = glpi_cell_value(c);
                    !v.trim().is_empty()
                });
                if filled {
                    use_.values += 1;
                }
            }
        }
        self.columns.extend(uses);
    }

    fn add_row(
        &mut self,
        file: &SourceFile<'_>,
        itemtype: GlpiType,
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
            mut related,
            related_refs,
            warranty_expiration,
            versions,
            version_columns,
            emails,
            groups,
            profiles,
            mut completename,
            entity,
            managers,
            kernel,
        } = row;
        // Identity.
        let is_tree = itemtype.tree_parent().is_some();
        let text = |fields: &BTreeMap<String, FieldValue>, f: &str| match fields.get(f) {
            Some(FieldValue::Text(t)) => t.clone(),
            _ => String::new(),
        };
        let key = if is_tree {
            if completename.is_empty() {
                completename = text(&fields, "name");
            }
            completename.clone()
        } else if itemtype == GlpiType::User || itemtype == GlpiType::Software {
            text(&fields, "name")
        } else {
            match (text(&fields, "serial"), text(&fields, "name")) {
                (s, _) if !s.is_empty() => format!("serial:{s}"),
                (_, n) if !n.is_empty() => format!("name:{n}"),
                _ => String::new(),
            }
        };
        if key.is_empty() {
            self.reject(itemtype, source, Rejection::RowWithoutKey);
            return;
        }
        if let Some(i) = self.find(itemtype, &key) {
            if !self.objects[i].implied {
                let first = self.objects[i].sources.first().map(|s| s.line).unwrap_or(0);
                self.reject(
                    itemtype,
                    source,
                    Rejection::SameKeyAs {
                        key,
                        first_line: first,
                    },
                );
                return;
            }
        }
        if matches!(
            itemtype,
            GlpiType::Monitor | GlpiType::Printer | GlpiType::Peripheral | GlpiType::Phone
        ) {
            let values: Vec<(String, String)> = file
                .mapping
                .columns
                .iter()
                .filter_map(|col| {
                    let field = col.field.as_deref()?;
                    CONNECTION_OVERWRITES.contains(&field).then(|| {
                        let value = cells.get(col.column).unwrap_or_default().trim();
                        (field.to_string(), value.to_string())
                    })
                })
                .collect();
            if !values.is_empty() {
                self.connected_values
                    .insert((itemtype, key.clone()), values);
            }
        }
        if itemtype == GlpiType::Location && parent_path(&key).is_some() {
            let mapped_empty = |f: &str| {
                file.mapping.columns.iter().any(|col| {
                    col.field.as_deref() == Some(f)
                        && cells.get(col.column).unwrap_or_default().trim().is_empty()
                })
            };
            if COORDINATES.iter().all(|f| mapped_empty(f)) {
                self.without_coordinates.push(key.clone());
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
            if let (Some(parent), Some(pf)) = (parent_path(&key), itemtype.tree_parent()) {
                let target = if itemtype == GlpiType::Group {
                    Target::Group
                } else {
                    Target::Tree(itemtype)
                };
                refs.push((pf.to_string(), target, parent.to_string()));
            }
        }
        if itemtype.has_entity() {
            refs.push(("entities_id".into(), Target::Entity, entity.clone()));
            *self.entity_rows.entry(entity.clone()).or_default() += 1;
        } else if itemtype == GlpiType::User && !entity.is_empty() {
            // A user's default entity (a preference, not a restriction), where one is given
            // (the local GLPI's read): mapped like any other entity.
            refs.push(("entities_id".into(), Target::Entity, entity.clone()));
            *self.entity_rows.entry(entity.clone()).or_default() += 1;
        }
        // The first authorization is made with the user: GLPI then gives no default
        // Self-Service one (User::post_addItem).
        let authorizations: Vec<(String, String, bool)> =
            profiles.iter().map(|p| parse_authorization(p)).collect();
        if let Some((profile, ent, recursive)) = authorizations.first() {
            fields.insert(
                "_is_recursive".into(),
                FieldValue::Number(i64::from(*recursive)),
            );
            refs.push((
                "_profiles_id".into(),
                Target::Dropdown(GlpiType::Profile),
                profile.clone(),
            ));
            refs.push(("_entities_id".into(), Target::Entity, ent.clone()));
        }
        obj.fields = fields;
        obj.sources.push(source.clone());
        // A version is as recursive as its software: what GLPI gives it when no entity is sent
        // (CommonDBChild::addNeededInfoToInput), but the plan sends the entity.
        let recursive = obj.fields.get("is_recursive").cloned();
        let owner = obj.key.clone();
        // A user's supervisor is a user of the same stage, maybe later in the file: set in an
        // update once every user exists (`…#responsable`).
        let supervisor = refs
            .iter()
            .position(|(f, _, _)| f == "users_id_supervisor")
            .map(|i| refs.remove(i));
        let index = self.push(obj);
        for (field, target, value) in refs {
            self.wait_for(index, &field, target, value);
        }
        if let Some((field, target, value)) = supervisor {
            let mut step = PlannedObject::new(
                ObjectKey::new(itemtype, format!("{}#responsable", owner.key)),
                rank_of(itemtype, 1),
            );
            step.fields
                .insert("id".into(), FieldValue::Ref(owner.clone()));
            step.sources.push(source.clone());
            let i = self.push(step);
            self.wait_for(i, &field, target, value);
        }
        // Objects GLPI keeps beside an asset: one of each type per asset.
        if let Some(expiration) = warranty_expiration {
            let infocom = related.entry(GlpiType::Infocom).or_default();
            let buy = match infocom.get("buy_date") {
                Some(FieldValue::Text(t)) => Some(t.clone()),
                _ => None,
            };
            let (start, months, warning) = warranty(buy.as_deref(), &expiration);
            infocom.insert("warranty_date".into(), FieldValue::Text(start));
            infocom.insert("warranty_duration".into(), FieldValue::Number(months));
            if let Some(w) = warning {
                self.objects[index].warnings.push(w);
            }
        }
        if let Some(kernel) = kernel {
            let version = related_refs.iter().find(|r| {
                r.0 == GlpiType::ItemOperatingSystem && r.1 == "operatingsystemkernelversions_id"
            });
            // GLPI keeps a kernel only on a kernel version: one named without a version, or
            // a second kernel for a version, is said, not dropped unseen.
            let warning = match version {
                None => Some(format!(
                    "noyau « {kernel} » sans version de noyau : GLPI ne le garde que sur une version, non transféré"
                )),
                Some((.., version)) => match self.kernels.entry(normalize_key(version)) {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(kernel);
                        None
                    }
                    std::collections::btree_map::Entry::Occupied(o)
                        if normalize_key(o.get()) != normalize_key(&kernel) =>
                    {
                        Some(format!(
                            "noyau « {kernel} » : la version de noyau « {version} » est déjà donnée au noyau « {} », gardé",
                            o.get()
                        ))
                    }
                    std::collections::btree_map::Entry::Occupied(_) => None,
                },
            };
            if let Some(w) = warning {
                self.objects[index].warnings.push(w);
            }
        }
        let related_types: BTreeSet<GlpiType> = related
            .keys()
            .copied()
            .chain(related_refs.iter().map(|r| r.0))
            .into_set();
        for rel_type in related_types {
            let mut rel = PlannedObject::new(
                ObjectKey::new(rel_type, owner.key.clone()),
                rank_of(rel_type, 0),
            );
            rel.fields = related.remove(&rel_type).unwrap_or_default();
            rel.fields
                .insert("itemtype".into(), FieldValue::Text(itemtype.name().into()));
            rel.fields
                .insert("items_id".into(), FieldValue::Ref(owner.clone()));
            // GLPI gives a new financial record the entity's default alert whatever it is sent
            // (`Infocom::prepareInputForAdd`): the alert comes in an update once it exists.
            let alert = match rel_type {
                GlpiType::Infocom => rel.fields.remove("alert"),
                _ => None,
            };
            rel.sources.push(source.clone());
            let rel_key = rel.key.clone();
            let i = self.push(rel);
            for (_, field, target, value) in related_refs.iter().filter(|r| r.0 == rel_type) {
                self.wait_for(i, field, *target, value.clone());
            }
            if let Some(alert) = alert {
                let mut step = PlannedObject::new(
                    ObjectKey::new(rel_type, format!("{}#alerte", rel_key.key)),
                    rank_of(rel_type, 1),
                );
                step.fields.insert("id".into(), FieldValue::Ref(rel_key));
                step.fields.insert("alert".into(), alert);
                step.sources.push(source.clone());
                self.push(step);
            }
        }
        for (n, version) in versions.into_iter().enumerate() {
            let version_key = format!("{}|{}", owner.key, version);
            if self.find(GlpiType::SoftwareVersion, &version_key).is_some() {
                continue;
            }
            let mut v = PlannedObject::new(
                ObjectKey::new(GlpiType::SoftwareVersion, version_key),
                rank_of(GlpiType::SoftwareVersion, 0),
            );
            v.fields.insert("name".into(), FieldValue::Text(version));
            v.fields
                .insert("softwares_id".into(), FieldValue::Ref(owner.clone()));
            if let Some(r) = &recursive {
                v.fields.insert("is_recursive".into(), r.clone());
            }
            v.sources.push(source.clone());
            let i = self.push(v);
            self.wait_for(i, "entities_id", Target::Entity, entity.clone());
            for (column, values) in &version_columns {
                let Some(value) = values.get(n).filter(|s| !s.is_empty()) else {
                    continue;
                };
                match GlpiType::SoftwareVersion.field_target(column) {
                    Some(target) => self.wait_for(i, column, target, value.clone()),
                    None => {
                        self.objects[i]
                            .fields
                            .insert(column.clone(), FieldValue::Text(value.clone()));
                    }
                }
            }
        }
        if itemtype == GlpiType::User {
            self.add_user_relations(index, &source, emails, groups, authorizations);
        }
        for manager in managers {
            self.managers.push((key.clone(), manager, source.clone()));
        }
    }

    /// A group's manager is the `is_manager` flag of a membership: the one the users file gives,
    /// or a membership of its own when the manager is not listed in the group.
    fn add_managers(&mut self) {
        for (group, manager, source) in std::mem::take(&mut self.managers) {
            let planned = self
                .user_names
                .get(&normalize_key(&manager))
                .cloned()
                .unwrap_or_default();
            let membership = match planned.as_slice() {
                [login] => self.find(GlpiType::GroupUser, &format!("{}|{}", login.key, group)),
                _ => None,
            };
            let i = match membership {
                Some(i) => i,
                None => {
                    let mut rel = PlannedObject::new(
                        ObjectKey::new(GlpiType::GroupUser, format!("{manager}|{group}")),
                        rank_of(GlpiType::GroupUser, 0),
                    );
                    rel.sources.push(source.clone());
                    let i = self.push(rel);
                    match planned.as_slice() {
                        [login] => {
                            self.objects[i]
                                .fields
                                .insert("users_id".into(), FieldValue::Ref(login.clone()));
                        }
                        _ => self.wait_for(i, "users_id", Target::User, manager),
                    }
                    self.wait_for(i, "groups_id", Target::Group, group);
                    i
                }
            };
            let o = &mut self.objects[i];
            o.fields.insert("is_manager".into(), FieldValue::Number(1));
            if !o.sources.contains(&source) {
                o.sources.push(source);
            }
        }
    }

    /// A user's e-mails, memberships and authorizations, each an object of its own: GLPI keeps
    /// only the last of several `_useremails` posted with a new user on an empty e-mail table.
    fn add_user_relations(
        &mut self,
        user: usize,
        source: &SourceLine,
        emails: Vec<String>,
        groups: Vec<String>,
        authorizations: Vec<(String, String, bool)>,
    ) {
        let o = &self.objects[user];
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
        for (n, email) in emails.into_iter().enumerate() {
            let mut rel = PlannedObject::new(
                ObjectKey::new(GlpiType::UserEmail, format!("{}|{}", login_key.key, email)),
                rank_of(GlpiType::UserEmail, 0),
            );
            rel.fields
                .insert("users_id".into(), FieldValue::Ref(login_key.clone()));
            rel.fields.insert("email".into(), FieldValue::Text(email));
            rel.fields
                .insert("is_default".into(), FieldValue::Number(i64::from(n == 0)));
            rel.sources.push(source.clone());
            self.push(rel);
        }
        for g in groups {
            let mut rel = PlannedObject::new(
                ObjectKey::new(GlpiType::GroupUser, format!("{}|{}", login_key.key, g)),
                rank_of(GlpiType::GroupUser, 0),
            );
            rel.fields
                .insert("users_id".into(), FieldValue::Ref(login_key.clone()));
            rel.sources.push(source.clone());
            let i = self.push(rel);
            self.wait_for(i, "groups_id", Target::Group, g);
        }
        for (profile, ent, recursive) in authorizations {
            let mut rel = PlannedObject::new(
                ObjectKey::new(
                    GlpiType::ProfileUser,
                    format!("{}|{}|{}", login_key.key, profile, ent),
                ),
                rank_of(GlpiType::ProfileUser, 0),
            );
            rel.fields
                .insert("users_id".into(), FieldValue::Ref(login_key.clone()));
            rel.fields.insert(
                "is_recursive".into(),
                FieldValue::Number(i64::from(recursive)),
            );
            rel.sources.push(source.clone());
            let i = self.push(rel);
            self.wait_for(
                i,
                "profiles_id",
                Target::Dropdown(GlpiType::Profile),
                profile,
            );
            self.wait_for(i, "entities_id", Target::Entity, ent);
        }
    }

    fn add_value(
        &mut self,
        item_type: ItemType,
        itemtype: GlpiType,
        field: &str,
        raw: &str,
        row: &mut RowValues,
    ) {
        let Some(spec) = spec_for(item_type, field) else {
            return;
        };
        // Rows with errors were rejected before; a warning (a line break in a name) keeps the
        // value as it is: nothing is altered silently.
        let value = check_value(raw, spec.kind, false).unwrap_or_else(|_| glpi_cell_value(raw));
        // GLPI's CSV export writes a `"` of the data as `''` (and never `""`): the value GLPI held
        // had a `"`. Two apostrophes in a row are not written by people, so text gets its `"`
        // back; nothing else is touched.
        let value =
            if matches!(spec.kind, FieldKind::Text | FieldKind::LongText) && value.contains("''") {
                value.replace("''", "\"")
            } else {
                value
            };
        let Some(dest) = destination(item_type, field) else {
            return;
        };
        match dest {
            Destination::NotCarried { reason } => {
                self.note_not_carried(reason, &value);
                return;
            }
            Destination::Entity => {
                row.entity = value;
                return;
            }
            Destination::TreePath => {
                row.completename = value;
                return;
            }
            Destination::Objects { itemtype: t } => {
                let list = split_multi(&value);
                match t {
                    GlpiType::SoftwareVersion => row.versions.extend(list),
                    GlpiType::UserEmail => row.emails.extend(list),
                    GlpiType::GroupUser => row.groups.extend(list),
                    _ => row.profiles.extend(list),
                }
                return;
            }
            Destination::GroupManager => {
                row.managers.extend(split_multi(&value));
                return;
            }
            // A value per version, by position: an empty one keeps its place.
            Destination::Related {
                itemtype: GlpiType::SoftwareVersion,
                column,
            } => {
                let values = value.split("<br>").map(|s| s.trim().to_string()).collect();
                row.version_columns.insert(column, values);
                return;
            }
            Destination::WarrantyExpiration => {
                if !value.is_empty() {
                    row.warranty_expiration = Some(value);
                }
                return;
            }
            Destination::Related {
                itemtype: GlpiType::OperatingSystemKernelVersion,
                ..
            } => {
                if !value.is_empty() {
                    row.kernel = Some(value);
                }
                return;
            }
            Destination::Related { .. } | Destination::Column { .. } => {}
        }
        if value.is_empty() {
            return;
        }
        let (owner, column) = match dest {
            Destination::Related { itemtype, column } => (itemtype, column),
            Destination::Column { column } => (itemtype, column),
            _ => return,
        };
        let column = column.as_str();
        let is_reference = matches!(
            spec.kind,
            FieldKind::Dropdown | FieldKind::TreePath | FieldKind::GroupPath | FieldKind::UserName
        );
        if is_reference {
            if let Some(target) = owner.field_target(column) {
                if owner == itemtype {
                    row.refs.push((column.to_string(), target, value));
                } else {
                    row.related_refs
                        .push((owner, column.to_string(), target, value));
                }
            }
            return;
        }
        let v = match spec.kind {
            FieldKind::Integer | FieldKind::YesNo | FieldKind::Enum(_) => {
                match value.parse::<i64>() {
                    Ok(n) => FieldValue::Number(n),
                    Err(_) => FieldValue::Text(value),
                }
            }
            FieldKind::Ignored | FieldKind::Ips | FieldKind::Macs => return,
            _ => FieldValue::Text(value),
        };
        if owner == itemtype {
            row.fields.insert(column.to_string(), v);
        } else {
            row.related
                .entry(owner)
                .or_default()
                .insert(column.to_string(), v);
        }
    }

    /// The plan's notes on what the files cannot carry, once per reason.
    fn note_not_carried(&mut self, reason: NotCarriedReason, value: &str) {
        let filled = match reason {
            NotCarriedReason::CountOfConnections | NotCarriedReason::CountOfInstallations => {
                value.trim().replace(' ', "").parse::<u64>().unwrap_or(0) > 0
            }
            _ => !value.trim().is_empty(),
        };
        if !filled {
            return;
        }
        match reason {
            NotCarriedReason::NetworkPorts => self.note("migrate.not_carried.network", "valeurs d'adresses IP et MAC : elles vivent sur les ports réseau, que les exports ne décrivent pas ; fournissez le fichier compagnon des ports réseau (ports-reseau.csv) ou lisez le GLPI local pour les recréer", "IP and MAC addresses live on network ports, which exports do not describe: give the network ports companion file (ports-reseau.csv) or read the local GLPI to recreate them"),
            NotCarriedReason::CountOfConnections => self.note("migrate.not_carried.connections", "les exports ne donnent que le nombre d'éléments branchés par ordinateur : fournissez le fichier compagnon des liaisons (liaisons-materiels.csv) pour les recréer", "exports only give how many items are connected to each computer: give the connections companion file (liaisons-materiels.csv) to recreate them"),
            NotCarriedReason::CountOfInstallations => self.note("migrate.not_carried.installations", "les exports ne donnent que le nombre d'installations par logiciel : fournissez le fichier compagnon des installations (installations-logiciels.csv) pour les recréer", "exports only give installation counts per software: give the installations companion file (installations-logiciels.csv) to recreate them"),
            _ => {}
        }
    }

    fn add_companion(&mut self, c: &CompanionFile<'_>) {
        // Optional columns may come in any order or be left out: each is read where the header
        // row puts it (the required ones lead, in order).
        let positions = c.kind.positions(&c.table.headers);
        let columns = c.kind.columns_as_written(&c.table.headers);
        for record in c.table.rows() {
            let source = SourceLine {
                file: c.table.file.clone(),
                line: record.line as usize,
            };
            let cell = |i: usize| {
                positions
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|p| record.cells.get(p))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let (computer, second, third) = (cell(0), cell(1), cell(2));
            match c.kind {
                CompanionKind::Connections => {
                    let Some(itemtype) = connection_itemtype(&second) else {
                        self.reject(
                            GlpiType::ComputerItem,
                            source,
                            Rejection::CompanionBadType {
                                found: second.to_string(),
                            },
                        );
                        continue;
                    };
                    if computer.is_empty() || third.is_empty() {
                        self.reject(
                            GlpiType::ComputerItem,
                            source,
                            Rejection::ConnectionIncomplete,
                        );
                        continue;
                    }
                    let key = format!("{computer}|{itemtype}|{third}");
                    let Some(mut rel) = self.new_relation(GlpiType::ComputerItem, key, &source)
                    else {
                        continue;
                    };
                    rel.fields
                        .insert("itemtype".into(), FieldValue::Text(itemtype.name().into()));
                    rel.sources.push(source);
                    let i = self.push(rel);
                    self.wait_for(
                        i,
                        "computers_id",
                        Target::Dropdown(GlpiType::Computer),
                        computer,
                    );
                    self.connected.push((itemtype, third.clone()));
                    self.wait_for(i, "items_id", Target::Dropdown(itemtype), third);
                }
                CompanionKind::Timeline => {}
                CompanionKind::NetworkPorts => {
                    let cells: Vec<String> = (0..positions.len()).map(cell).collect();
                    self.add_port(&cells, &columns, source)
                }
                CompanionKind::Suppliers => {
                    let cells: Vec<String> = (0..SUPPLIER_FIELDS.len()).map(cell).collect();
                    self.add_described(
                        GlpiType::Supplier,
                        &SUPPLIER_FIELDS,
                        &cells,
                        &columns,
                        source,
                    )
                }
                CompanionKind::Contracts => {
                    let cells: Vec<String> = (0..CONTRACT_FIELDS.len()).map(cell).collect();
                    self.add_described(
                        GlpiType::Contract,
                        &CONTRACT_FIELDS,
                        &cells,
                        &columns,
                        source,
                    )
                }
                CompanionKind::Budgets => {
                    let cells: Vec<String> = (0..BUDGET_FIELDS.len()).map(cell).collect();
                    self.add_described(GlpiType::Budget, &BUDGET_FIELDS, &cells, &columns, source)
                }
                CompanionKind::ContractLinks => {
                    self.add_contract_link(computer, second, third, source)
                }
                CompanionKind::TicketSuppliers => {
                    self.add_ticket_supplier(computer, second, third, source)
                }
                CompanionKind::Installations => {
                    if computer.is_empty() || second.is_empty() || third.is_empty() {
                        self.reject(
                            GlpiType::ItemSoftwareVersion,
                            source,
                            Rejection::InstallationIncomplete,
                        );
                        continue;
                    }
                    let version_key = format!("{second}|{third}");
                    let version = match self.find(GlpiType::SoftwareVersion, &version_key) {
                        Some(i) => {
                            self.objects[i].sources.push(source.clone());
                            self.objects[i].key.clone()
                        }
                        None => {
                            let mut v = PlannedObject::new(
                                ObjectKey::new(GlpiType::SoftwareVersion, version_key),
                                rank_of(GlpiType::SoftwareVersion, 0),
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
                                Target::Dropdown(GlpiType::Software),
                                second.clone(),
                            );
                            self.wait_for(i, "entities_id", Target::Entity, String::new());
                            k
                        }
                    };
                    let key = format!("{computer}|{second}|{third}");
                    let Some(mut rel) =
                        self.new_relation(GlpiType::ItemSoftwareVersion, key, &source)
                    else {
                        continue;
                    };
                    rel.fields
                        .insert("itemtype".into(), FieldValue::Text("Computer".into()));
                    rel.fields
                        .insert("softwareversions_id".into(), FieldValue::Ref(version));
                    rel.sources.push(source);
                    let i = self.push(rel);
                    self.wait_for(
                        i,
                        "items_id",
                        Target::Dropdown(GlpiType::Computer),
                        computer,
                    );
                }
            }
        }
    }

    /// A network port of an asset, with its network name and addresses given in its POST
    /// ([`crate::glpi::NETWORK_NAME_INPUTS`]): GLPI makes them with the port and purges them
    /// with it.
    fn add_port(&mut self, cells: &[String], columns: &[String], source: SourceLine) {
        let cell = |i: usize| {
            cells
                .get(i)
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let (asset, kind, number) = (cell(0), cell(1), cell(2));
        let Some(itemtype) = port_itemtype(&kind) else {
            self.reject(
                GlpiType::NetworkPort,
                source,
                Rejection::CompanionBadType { found: kind },
            );
            return;
        };
        let Ok(number) = number.parse::<i64>() else {
            self.reject(
                GlpiType::NetworkPort,
                source,
                Rejection::ConnectionIncomplete,
            );
            return;
        };
        if asset.is_empty() {
            self.reject(
                GlpiType::NetworkPort,
                source,
                Rejection::ConnectionIncomplete,
            );
            return;
        }
        // What the old GLPI's inventory measured: whole numbers, or the row is rejected with
        // its column (never dropped).
        let mut measured = Vec::new();
        for (field, i) in [("ifmtu", 10), ("ifspeed", 11)] {
            let value = cell(i);
            if value.is_empty() {
                continue;
            }
            match value.parse::<i64>() {
                Ok(n) if n >= 0 => measured.push((field, n)),
                _ => {
                    let column = columns[i].clone();
                    self.reject(
                        GlpiType::NetworkPort,
                        source,
                        Rejection::CompanionBadValue { column, value },
                    );
                    return;
                }
            }
        }
        let (name, mac) = (cell(3), cell(5).to_lowercase());
        let key = format!("{asset}|{itemtype}|{number}|{name}|{mac}");
        let Some(mut port) = self.new_relation(GlpiType::NetworkPort, key, &source) else {
            return;
        };
        port.fields
            .insert("itemtype".into(), FieldValue::Text(itemtype.name().into()));
        port.fields
            .insert("logical_number".into(), FieldValue::Number(number));
        for (field, value) in [
            ("name", name),
            ("instantiation_type", cell(4)),
            ("mac", mac),
            ("date_creation", cell(8)),
            ("comment", cell(9)),
        ] {
            if !value.is_empty() {
                port.fields.insert(field.into(), FieldValue::Text(value));
            }
        }
        for (field, n) in measured {
            port.fields.insert(field.into(), FieldValue::Number(n));
        }
        let network_name = cell(6);
        let addresses: Vec<String> = cell(7).split_whitespace().map(String::from).collect();
        if !network_name.is_empty() || !addresses.is_empty() {
            port.fields
                .insert("_create_children".into(), FieldValue::Number(1));
            port.fields.insert(
                crate::glpi::NETWORK_NAME_INPUTS[0].into(),
                FieldValue::Text(network_name),
            );
            port.fields.insert(
                crate::glpi::NETWORK_NAME_INPUTS[1].into(),
                FieldValue::NewChildren(addresses),
            );
        }
        port.sources.push(source);
        let i = self.push(port);
        self.wait_for(i, "items_id", Target::Dropdown(itemtype), asset);
    }

    /// An object described column by column (a supplier, a contract): keyed by its name, its
    /// references (entity, dropdowns, trees) waiting for the target, flags and counts as
    /// numbers, the rest as text.
    fn add_described(
        &mut self,
        itemtype: GlpiType,
        fields: &[&str],
        cells: &[String],
        columns: &[String],
        source: SourceLine,
    ) {
        let name = cells.first().cloned().unwrap_or_default();
        if name.is_empty() {
            self.reject(itemtype, source, Rejection::RowWithoutKey);
            return;
        }
        let Some(mut o) = self.new_relation(itemtype, name, &source) else {
            return;
        };
        let mut refs = Vec::new();
        let mut entity = String::new();
        for ((field, value), column) in fields.iter().zip(cells).zip(columns) {
            // Numbers and dates read as the check reads them (units, French decimals, dates as
            // GLPI exports them); a value that is none is the row's rejection, never dropped.
            let typed = match *field {
                "duration" | "notice" | "periodicity" | "billing" | "renewal" | "alert" => {
                    Some(FieldKind::Integer)
                }
                "value" => Some(FieldKind::Decimal),
                "begin_date" | "end_date" => Some(FieldKind::Date),
                _ => None,
            };
            let value = match typed {
                Some(k) if !value.is_empty() => match check_value(value, k, false) {
                    Ok(v) => v,
                    Err(_) => {
                        self.reject(
                            itemtype,
                            source,
                            Rejection::CompanionBadValue {
                                column: column.to_string(),
                                value: value.clone(),
                            },
                        );
                        return;
                    }
                },
                _ => value.clone(),
            };
            let value = &value;
            match *field {
                "entities_id" => entity = value.clone(),
                _ if value.is_empty() => {}
                "is_recursive" | "is_active" => {
                    let yes = matches!(
                        crate::detect::normalize_label(value).as_str(),
                        "1" | "oui" | "yes" | "vrai" | "true"
                    );
                    o.fields
                        .insert(field.to_string(), FieldValue::Number(i64::from(yes)));
                }
                "duration" | "notice" | "periodicity" | "billing" | "renewal" | "alert" => {
                    if let Ok(n) = value.parse::<i64>() {
                        o.fields.insert(field.to_string(), FieldValue::Number(n));
                    }
                }
                f => match itemtype.field_target(f) {
                    Some(target) => refs.push((f.to_string(), target, value.clone())),
                    None => {
                        o.fields
                            .insert(f.to_string(), FieldValue::Text(value.clone()));
                    }
                },
            }
        }
        o.sources.push(source);
        let i = self.push(o);
        *self.entity_rows.entry(entity.clone()).or_default() += 1;
        self.wait_for(i, "entities_id", Target::Entity, entity);
        for (field, target, value) in refs {
            self.wait_for(i, &field, target, value);
        }
    }

    /// An item covered by a contract, or a supplier of a contract.
    fn add_contract_link(
        &mut self,
        contract: String,
        kind: String,
        element: String,
        source: SourceLine,
    ) {
        let Some(itemtype) = contract_link_itemtype(&kind) else {
            self.reject(
                GlpiType::ContractItem,
                source,
                Rejection::CompanionBadType { found: kind },
            );
            return;
        };
        let relation = if itemtype == GlpiType::Supplier {
            GlpiType::ContractSupplier
        } else {
            GlpiType::ContractItem
        };
        if contract.is_empty() || element.is_empty() {
            self.reject(relation, source, Rejection::ConnectionIncomplete);
            return;
        }
        let key = format!("{contract}|{itemtype}|{element}");
        let Some(mut rel) = self.new_relation(relation, key, &source) else {
            return;
        };
        let field = if relation == GlpiType::ContractSupplier {
            "suppliers_id"
        } else {
            rel.fields
                .insert("itemtype".into(), FieldValue::Text(itemtype.name().into()));
            "items_id"
        };
        rel.sources.push(source);
        let i = self.push(rel);
        self.wait_for(
            i,
            "contracts_id",
            Target::Dropdown(GlpiType::Contract),
            contract,
        );
        self.wait_for(i, field, Target::Dropdown(itemtype), element);
    }

    /// A supplier on a ticket: added after the ticket, quietly (no notification, no status
    /// change, no take-into-account date).
    fn add_ticket_supplier(
        &mut self,
        ticket: String,
        supplier: String,
        role: String,
        source: SourceLine,
    ) {
        let Some(kind) = actor_role(&role) else {
            self.reject(
                GlpiType::SupplierTicket,
                source,
                Rejection::CompanionBadType { found: role },
            );
            return;
        };
        let ticket = super::ticket::ticket_source_id(&ticket);
        if ticket.is_empty() || supplier.is_empty() {
            self.reject(
                GlpiType::SupplierTicket,
                source,
                Rejection::ConnectionIncomplete,
            );
            return;
        }
        let key = format!("n°{ticket}|{supplier}|{kind}");
        let Some(mut rel) = self.new_relation(GlpiType::SupplierTicket, key, &source) else {
            return;
        };
        rel.fields.insert("type".into(), FieldValue::Number(kind));
        for quiet in [
            "_disablenotif",
            "_from_object",
            "_do_not_compute_takeintoaccount",
        ] {
            rel.fields.insert(quiet.into(), FieldValue::Number(1));
        }
        rel.sources.push(source);
        let i = self.push(rel);
        self.wait_for(
            i,
            "tickets_id",
            Target::Dropdown(GlpiType::Ticket),
            format!("n°{ticket}"),
        );
        self.wait_for(
            i,
            "suppliers_id",
            Target::Dropdown(GlpiType::Supplier),
            supplier,
        );
    }

    /// Records that field `field` of object `object` waits for `value` to be found as `target`.
    pub(super) fn wait_for(&mut self, object: usize, field: &str, target: Target, value: String) {
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
        itemtype: GlpiType,
        key: String,
        source: &SourceLine,
    ) -> Option<PlannedObject> {
        if self.find(itemtype, &key).is_some() {
            self.reject(
                itemtype,
                source.clone(),
                Rejection::GivenAbove {
                    key: key.to_string(),
                },
            );
            return None;
        }
        Some(PlannedObject::new(
            ObjectKey::new(itemtype, key),
            rank_of(itemtype, 0),
        ))
    }

    /// The target itemtypes the plan must read.
    pub fn needed_types(&self) -> BTreeSet<GlpiType> {
        let mut out: BTreeSet<GlpiType> = self.objects.iter().map(|o| o.key.itemtype).into_set();
        for p in &self.pending {
            match p.target {
                Target::Dropdown(t) | Target::Tree(t) => {
                    out.insert(t);
                }
                Target::Group => {
                    out.insert(GlpiType::Group);
                }
                Target::User => {
                    out.insert(GlpiType::User);
                }
                Target::Asset => out.extend(GlpiType::ALL.iter().filter(|t| t.is_asset())),
                Target::Entity => {}
            }
        }
        // Kernels are looked up when a kernel version is created with its kernel.
        if !self.kernels.is_empty() {
            out.insert(GlpiType::OperatingSystemKernel);
        }
        out
    }

    /// Resolves references against the target, reconciles every object and orders the plan.
    pub fn plan(&self, target: &TargetData, options: &PlanOptions) -> Plan {
        super::resolve::Resolver::new(self, target, options).run()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorizations_keep_their_recursion() {
        assert_eq!(
            parse_authorization("Technician - Root Entity > Préfecture de Guyane (R)"),
            (
                "Technician".into(),
                "Root Entity > Préfecture de Guyane".into(),
                true
            )
        );
        assert_eq!(
            parse_authorization("Self-Service - Root Entity > Préfecture de Guyane"),
            (
                "Self-Service".into(),
                "Root Entity > Préfecture de Guyane".into(),
                false
            )
        );
        assert_eq!(
            parse_authorization("Super-Admin - Root Entity (D)(R)"),
            ("Super-Admin".into(), "Root Entity".into(), true)
        );
    }

    #[test]
    fn a_warranty_expiration_becomes_a_start_and_whole_months() {
        assert_eq!(
            warranty(Some("2026-02-01"), "2029-02-01"),
            ("2026-02-01".into(), 36, None)
        );
        // MySQL clamps to the month's end, as GLPI's expiration does.
        assert_eq!(add_months((2024, 1, 31), 1), (2024, 2, 29));
        let (start, months, warning) = warranty(Some("2026-02-01"), "2029-02-15");
        assert_eq!((start.as_str(), months), ("2026-02-01", 36));
        assert!(warning.unwrap().contains("2029-02-01"));
        let (start, months, warning) = warranty(None, "2029-02-15");
        assert_eq!((start.as_str(), months), ("2029-02-15", 0));
        assert!(warning.is_some());
    }
}

#[cfg(test)]
mod glpi_fidelity {
    use crate::glpi::GlpiType;
    use crate::migrate::inputs::Prepared;
    use crate::migrate::model::{FieldValue, ObjectKey};
    use crate::migrate::plan::{PlanOptions, TargetData};
    use crate::read::ReadOptions;

    const COMPUTERS: &str = "\u{feff}\"Nom\";\"Numéro de série\";\"Système d'exploitation - Nom\";\"Système d'exploitation - Architecture\";\"Informations financières et administratives - Date d'achat\";\"Informations financières et administratives - Date d'expiration de la garantie\";\"Informations financières et administratives - Numéro de commande\";\"Commentaires\";\n\
        \"PC-1\";\"SN1\";\"Windows 11\";\"64-bit\";\"2026-02-01\";\"2029-02-01\";\"CMD-42\";\"poste ''VIP''\";\n\
        \"PC-2\";\"SN2\";\"\";\"\";\"\";\"\";\"\";\"\";\n";

    #[test]
    fn every_value_goes_where_glpi_keeps_it_and_every_field_sent_is_one_glpi_keeps() {
        let prepared = Prepared::from_files(
            &[("Computer.csv".into(), COMPUTERS.as_bytes().to_vec())],
            &ReadOptions::default(),
        );
        let plan = prepared
            .draft()
            .plan(&TargetData::default(), &PlanOptions::default());
        let find = |t: GlpiType, key: &str| {
            plan.objects
                .iter()
                .find(|o| o.key == ObjectKey::new(t, key))
                .unwrap_or_else(|| panic!("no {t} {key}: {:#?}", plan.objects))
        };
        let pc = find(GlpiType::Computer, "serial:SN1");
        assert!(!pc.fields.contains_key("operatingsystems_id"));
        assert_eq!(
            pc.fields.get("comment"),
            Some(&FieldValue::Text("poste \"VIP\"".into()))
        );
        let os = find(GlpiType::ItemOperatingSystem, "serial:SN1");
        assert_eq!(
            os.fields.get("itemtype"),
            Some(&FieldValue::Text("Computer".into()))
        );
        assert!(matches!(os.fields.get("items_id"), Some(FieldValue::Ref(k)) if k == &pc.key));
        for f in ["operatingsystems_id", "operatingsystemarchitectures_id"] {
            assert!(matches!(os.fields.get(f), Some(FieldValue::Ref(_))), "{f}");
        }
        let infocom = find(GlpiType::Infocom, "serial:SN1");
        assert_eq!(
            infocom.fields.get("warranty_date"),
            Some(&FieldValue::Text("2026-02-01".into()))
        );
        assert_eq!(
            infocom.fields.get("warranty_duration"),
            Some(&FieldValue::Number(36))
        );
        assert_eq!(
            infocom.fields.get("order_number"),
            Some(&FieldValue::Text("CMD-42".into()))
        );
        // A computer with no operating system and no financial data gets neither object.
        assert!(plan.objects.iter().all(|o| o.key.key != "serial:SN2"
            || !matches!(
                o.key.itemtype,
                GlpiType::ItemOperatingSystem | GlpiType::Infocom
            )));
        // GLPI drops unknown fields with a 201: the plan never sends one.
        for o in &plan.objects {
            for field in o.fields.keys() {
                assert_eq!(o.key.itemtype.check_field(field), Ok(()), "{}", o.key);
            }
        }
    }
}
