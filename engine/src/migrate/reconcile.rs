//! Matching planned objects with what the target already holds: an index per item type built
//! from one read of the target, keys compared the way GLPI's database does (case- and
//! accent-insensitive, HTML entities of GLPI 10 decoded), and a decision per object.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

use super::model::{Decision, FieldValue, IdMap, PlannedObject, Rejection};
use crate::detect::normalize_label;

/// Decodes the entities GLPI 10 stores for `<`, `>` and `&` (numeric and named): see
/// [`crate::glpi::decode_entities`].
pub fn decode_glpi_text(s: &str) -> String {
    crate::glpi::decode_entities(s)
}

/// A text with every level of entities decoded: what a reader sees, whether it is a value as
/// sent (HTML typed with `&gt;`) or as GLPI 10 stores it (`&#38;gt;`), so that both compare
/// equal.
fn displayed_text(s: &str) -> String {
    let mut text = decode_glpi_text(s);
    // Each pass removes one level; two are what GLPI 10 and HTML content add.
    for _ in 0..3 {
        if !text.contains('&') {
            break;
        }
        let next = decode_glpi_text(&text);
        if next == text {
            break;
        }
        text = next;
    }
    text
}

/// A key part as GLPI's database compares it.
pub fn normalize_key(s: &str) -> String {
    normalize_label(&displayed_text(s))
}

/// A target value as comparable text (`null`, `0` and `""` are all empty for ids).
pub fn target_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => decode_glpi_text(s).trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => u8::from(*b).to_string(),
        Some(other) => other.to_string(),
    }
}

/// The items of one type on the target, indexed by every key alternative.
#[derive(Debug, Default, Clone)]
pub struct TargetIndex {
    items: HashMap<u64, Map<String, Value>>,
    by_key: HashMap<Vec<String>, HashMap<String, Vec<u64>>>,
    max_id: u64,
}

impl TargetIndex {
    /// Indexes items for the given key alternatives.
    pub fn new(items: Vec<Map<String, Value>>, keys: &[Vec<String>]) -> Self {
        let mut index = TargetIndex::default();
        for fields in keys {
            index.by_key.insert(fields.clone(), HashMap::new());
        }
        for item in items {
            index.add(item);
        }
        index
    }

    /// Adds (or replaces) one item.
    pub fn add(&mut self, item: Map<String, Value>) {
        let Some(id) = item.get("id").and_then(Value::as_u64) else {
            return;
        };
        self.max_id = self.max_id.max(id);
        for (fields, map) in self.by_key.iter_mut() {
            if let Some(k) = target_key(&item, fields) {
                let ids = map.entry(k).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        self.items.insert(id, item);
    }

    /// The highest id seen: items created later have higher ids.
    pub fn max_id(&self) -> u64 {
        self.max_id
    }

    /// An item by id.
    pub fn get(&self, id: u64) -> Option<&Map<String, Value>> {
        self.items.get(&id)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Ids matching a key alternative's value.
    pub fn lookup(&self, fields: &[String], key: &str) -> &[u64] {
        self.by_key
            .get(fields)
            .and_then(|m| m.get(key))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// Whether a key part is a set of ids GLPI keeps in another table (a ticket's requesters,
/// attached by the client to what it reads as `_users_id_requester`): compared as the sorted
/// ids, the empty set included.
pub fn is_set_part(field: &str) -> bool {
    field.starts_with('_')
}

/// How an empty set of ids reads in a key.
const EMPTY_SET: &str = "-";

/// Ids as one key part: sorted, deduplicated, comma-separated (`-` for none).
fn set_text(mut ids: Vec<String>) -> String {
    crate::sort::sort_by(&mut ids, |a, b| (a.len(), a).cmp(&(b.len(), b)));
    ids.dedup();
    if ids.is_empty() {
        EMPTY_SET.to_string()
    } else {
        ids.join(",")
    }
}

/// A key alternative that not every GLPI has (`externalid` of GLPI 11 tickets): when it finds
/// nothing, the next alternative is tried instead of deciding a create.
pub fn may_fall_through(fields: &[String]) -> bool {
    matches!(fields, [f] if f == "externalid")
}

fn target_key(item: &Map<String, Value>, fields: &[String]) -> Option<String> {
    let mut parts = Vec::with_capacity(fields.len());
    for f in fields {
        if is_set_part(f) {
            let ids = match item.get(f) {
                Some(Value::Array(list)) => list.iter().map(|v| target_text(Some(v))).collect(),
                None | Some(Value::Null) => Vec::new(),
                Some(v) => target_text(Some(v))
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty() && s != "0")
                    .collect(),
            };
            parts.push(set_text(ids));
            continue;
        }
        let t = target_text(item.get(f));
        // 0 is "none" for a foreign key, but the root entity for `entities_id`.
        if t.is_empty() || (t == "0" && f.ends_with("_id") && f != "entities_id") {
            return None;
        }
        parts.push(normalize_key(&t));
    }
    Some(parts.join("\u{1f}"))
}

/// A planned object's key for one alternative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    /// The normalised key.
    Known(String),
    /// A part is empty: try the next alternative.
    Empty,
    /// A part points to an object not created yet, so it cannot be on the target.
    Pending,
}

/// The key of a planned object for one alternative.
pub fn object_key(obj: &PlannedObject, fields: &[String], ids: &IdMap) -> KeyValue {
    let mut parts = Vec::with_capacity(fields.len());
    for f in fields {
        if is_set_part(f) {
            let mut texts = Vec::new();
            let values: &[FieldValue] = match obj.value(f) {
                None => &[],
                Some(FieldValue::List(list)) => list,
                Some(one) => std::slice::from_ref(one),
            };
            for v in values {
                texts.push(match v {
                    FieldValue::Ref(k) => match ids.get(k) {
                        Some(id) => id.to_string(),
                        None => return KeyValue::Pending,
                    },
                    FieldValue::Id(id) => id.to_string(),
                    FieldValue::Number(n) => n.to_string(),
                    FieldValue::Text(t) => t.trim().to_string(),
                    FieldValue::Texts(_)
                    | FieldValue::List(_)
                    | FieldValue::NewChildren(_)
                    | FieldValue::File(_)
                    | FieldValue::Children(_) => return KeyValue::Empty,
                });
            }
            parts.push(set_text(texts));
            continue;
        }
        let text = match obj.value(f) {
            None => return KeyValue::Empty,
            Some(FieldValue::Text(s)) => s.trim().to_string(),
            Some(FieldValue::Number(n)) => n.to_string(),
            Some(FieldValue::Id(id)) => id.to_string(),
            Some(FieldValue::Ref(k)) => match ids.get(k) {
                Some(id) => id.to_string(),
                None => return KeyValue::Pending,
            },
            Some(
                FieldValue::Texts(_)
                | FieldValue::List(_)
                | FieldValue::NewChildren(_)
                | FieldValue::File(_)
                | FieldValue::Children(_),
            ) => return KeyValue::Empty,
        };
        if text.is_empty() {
            return KeyValue::Empty;
        }
        parts.push(normalize_key(&text));
    }
    KeyValue::Known(parts.join("\u{1f}"))
}

/// What reconciliation may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileRules {
    /// Never replace a non-empty target value (only fill empty ones).
    pub never_overwrite: bool,
}

/// Decides create / update / skip / conflict for an object, against the target index.
pub fn decide(
    obj: &PlannedObject,
    keys: &[Vec<String>],
    index: &TargetIndex,
    ids: &IdMap,
    rules: ReconcileRules,
) -> Decision {
    // A later step of another object (an asset's own values put back after its connection, a
    // ticket's status) is that object, whatever the keys: found by its id once it exists.
    if let Some(owner) = obj.step_of() {
        return match ids.get(owner).map(|id| (*id, index.get(*id))) {
            Some((id, Some(item))) => diff(obj, id, item, ids, rules),
            _ => Decision::Create,
        };
    }
    for fields in keys {
        match object_key(obj, fields, ids) {
            KeyValue::Pending => return Decision::Create,
            KeyValue::Empty => continue,
            KeyValue::Known(k) => {
                let found = index.lookup(fields, &k);
                return match found {
                    [] if may_fall_through(fields) => continue,
                    [] => Decision::Create,
                    [id] => match index.get(*id) {
                        Some(item) => diff(obj, *id, item, ids, rules),
                        None => Decision::Skip { id: *id },
                    },
                    many => Decision::Conflict { ids: many.to_vec() },
                };
            }
        }
    }
    Decision::Rejected {
        rejection: Rejection::NoKey {
            keys: keys.to_vec(),
        },
    }
}

/// A later step of another object (its `id` names it: a ticket's status, an asset's own values
/// put back after its connection) that the target index cannot find is never a creation: it
/// updates its owner with every field it sets. `id` is the owner's, 0 until the run knows it.
pub fn step_update(obj: &PlannedObject, id: u64) -> Decision {
    Decision::Update {
        id,
        changes: obj
            .fields
            .iter()
            .filter(|(k, _)| obj.key.itemtype.compares(k) && *k != "id")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        before: Map::new(),
    }
}

/// The fields that differ between an object and its target item.
pub fn diff(
    obj: &PlannedObject,
    id: u64,
    item: &Map<String, Value>,
    ids: &IdMap,
    rules: ReconcileRules,
) -> Decision {
    let mut changes = BTreeMap::new();
    let mut before = Map::new();
    for (field, value) in &obj.fields {
        if !obj.key.itemtype.compares(field) {
            continue;
        }
        let current = item.get(field);
        let current_text = target_text(current);
        let differs = match value.to_json(ids) {
            Err(_) => true,
            Ok(expected) => !same_value(&expected, &current_text),
        };
        if !differs {
            continue;
        }
        let empty = current_text.is_empty() || (field.ends_with("_id") && current_text == "0");
        if rules.never_overwrite && !empty {
            continue;
        }
        changes.insert(field.clone(), value.clone());
        before.insert(field.clone(), current.cloned().unwrap_or(Value::Null));
    }
    if obj.key.itemtype == crate::glpi::GlpiType::NetworkPort {
        port_children(obj, item, rules, &mut changes, &mut before);
    }
    if changes.is_empty() {
        Decision::Skip { id }
    } else {
        Decision::Update {
            id,
            changes,
            before,
        }
    }
}

/// A port whose network name or addresses differ from the source's gets them back in its PUT
/// (`_create_children` with the [`crate::glpi::NETWORK_NAME_ID_INPUT`] of the name the client
/// read): an address of both stays, the other target addresses take the source's in place (an
/// empty value deletes the ones left over), and the rest are added. The before-values give the
/// name and the addresses changed in place back, name the ones kept, and add the deleted ones
/// again; one the PUT added is deleted by the undo, which reads the port again
/// ([`crate::glpi::undo_added_addresses`]): its id is not known before. So is the network name
/// the PUT adds to a port that had none ([`crate::glpi::undo_added_network_name`]).
fn port_children(
    obj: &PlannedObject,
    item: &Map<String, Value>,
    rules: ReconcileRules,
    changes: &mut BTreeMap<String, FieldValue>,
    before: &mut Map<String, Value>,
) {
    use crate::glpi::{NETWORK_NAME_ID_INPUT, NETWORK_NAME_INPUTS};
    let [name_input, addresses_input] = NETWORK_NAME_INPUTS;
    let (Some(FieldValue::Text(name)), Some(FieldValue::NewChildren(wanted))) =
        (obj.fields.get(name_input), obj.fields.get(addresses_input))
    else {
        return;
    };
    let current_name = target_text(item.get(name_input));
    // Addresses on the target, by id (the client's order: ids ascending).
    let mut current: Vec<(i64, String)> = match item.get(addresses_input) {
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, target_text(Some(v)))))
            .collect(),
        _ => Vec::new(),
    };
    current.sort_unstable();
    let norm = |a: &str| a.trim().to_lowercase();
    let mut left: Vec<&String> = wanted.iter().collect();
    let mut free = Vec::new();
    let mut kept = Vec::new();
    for (cid, address) in &current {
        match left.iter().position(|w| norm(w) == norm(address)) {
            Some(i) => {
                left.remove(i);
                kept.push((*cid, address.clone()));
            }
            None => free.push((*cid, address.clone())),
        }
    }
    let same_name = same_value(&Value::String(name.clone()), &current_name);
    if same_name && free.is_empty() && left.is_empty() {
        return;
    }
    if rules.never_overwrite && (!current_name.is_empty() || !current.is_empty()) {
        return;
    }
    let mut set = Vec::new();
    // Every address of the target is named in the before-values, the ones kept too: the undo
    // deletes those it finds that they do not name, the ones this update added.
    let mut restore = Map::new();
    for (cid, old) in &kept {
        restore.insert(cid.to_string(), Value::String(old.clone()));
    }
    let mut added = 0;
    for (n, (cid, old)) in free.iter().enumerate() {
        set.push((*cid, left.get(n).map(|w| (*w).clone()).unwrap_or_default()));
        if n < left.len() {
            restore.insert(cid.to_string(), Value::String(old.clone()));
        } else {
            added += 1;
            restore.insert(format!("-{added}"), Value::String(old.clone()));
        }
    }
    for (n, w) in left.iter().skip(free.len()).enumerate() {
        set.push((-(n as i64) - 1, (*w).clone()));
    }
    changes.insert("_create_children".into(), FieldValue::Number(1));
    before.insert("_create_children".into(), Value::from(1));
    if let Some(name_id) = item.get(NETWORK_NAME_ID_INPUT).filter(|v| !v.is_null()) {
        let name_id = target_text(Some(name_id)).parse().unwrap_or(0);
        changes.insert(NETWORK_NAME_ID_INPUT.into(), FieldValue::Id(name_id));
        before.insert(NETWORK_NAME_ID_INPUT.into(), Value::from(name_id));
    } else {
        // No name: GLPI adds one, whose id the undo learns by reading the port again.
        before.insert(crate::glpi::NETWORK_NAME_ADDED.into(), Value::from(1));
    }
    changes.insert(name_input.into(), FieldValue::Text(name.clone()));
    before.insert(name_input.into(), Value::String(current_name));
    changes.insert(addresses_input.into(), FieldValue::Children(set));
    before.insert(addresses_input.into(), Value::Object(restore));
    before.insert(crate::glpi::EVERY_ADDRESS_NAMED.into(), Value::from(1));
}

/// Whether an expected JSON value equals a target value's text (numbers, dates with or without
/// seconds, decimals `12.50` vs `12.5`).
pub fn same_value(expected: &Value, current: &str) -> bool {
    let e = target_text(Some(expected));
    if e == current {
        return true;
    }
    if let (Ok(a), Ok(b)) = (e.parse::<f64>(), current.parse::<f64>()) {
        return (a - b).abs() < 1e-9;
    }
    if e.is_empty() && (current.is_empty() || current == "0") {
        return true;
    }
    // GLPI keeps text as entered; the comparison ignores case only for keys, not here.
    if e.trim() == current.trim() {
        return true;
    }
    // HTML content sent with its own entities (`&gt;`, `&amp;`): GLPI 10 stores them encoded
    // once more, and the text shown is the same.
    let sent = match expected {
        Value::String(s) => s.as_str(),
        _ => return false,
    };
    displayed_text(sent).trim() == displayed_text(current).trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glpi::GlpiType;
    use crate::migrate::model::ObjectKey;
    use serde_json::json;

    fn ticket(requesters: &[u64]) -> PlannedObject {
        let mut o = PlannedObject::new(ObjectKey::new(GlpiType::Ticket, "n°1"), 0);
        o.fields.insert(
            "date".into(),
            FieldValue::Text("2026-03-01 09:00:00".into()),
        );
        o.fields
            .insert("name".into(), FieldValue::Text("Imprimante HS".into()));
        if !requesters.is_empty() {
            o.fields.insert(
                "_users_id_requester".into(),
                FieldValue::List(requesters.iter().map(|id| FieldValue::Id(*id)).collect()),
            );
        }
        o
    }

    fn target(items: Vec<serde_json::Value>) -> TargetIndex {
        let items = items
            .into_iter()
            .map(|v| v.as_object().cloned().unwrap())
            .collect();
        TargetIndex::new(items, &GlpiType::Ticket.default_keys())
    }

    /// Two tickets of the same minute and title are told apart by their requesters (in any
    /// order), and a ticket without a requester matches only the one without.
    #[test]
    fn html_sent_with_its_own_entities_matches_what_glpi_10_stores() {
        // A ticket's description read from a local GLPI 10 and sent again as typed.
        let stored = json!("&#60;p&#62;lenteurs (&#38;gt; 30 s) &#38;amp; pertes&#60;/p&#62;");
        let current = target_text(Some(&stored));
        assert!(same_value(
            &json!("<p>lenteurs (&gt; 30 s) &amp; pertes</p>"),
            &current
        ));
        assert!(!same_value(&json!("<p>lenteurs</p>"), &current));
        assert_eq!(
            normalize_key("<p>Poste &amp; redémarrage</p>"),
            normalize_key("&#60;p&#62;Poste &#38;amp; redémarrage&#60;/p&#62;")
        );
    }

    #[test]
    fn a_ticket_is_recognised_by_date_title_and_requesters() {
        let index = target(vec![
            json!({"id": 10, "date": "2026-03-01 09:00:00", "name": "Imprimante HS", "_users_id_requester": [7, 9]}),
            json!({"id": 11, "date": "2026-03-01 09:00:00", "name": "Imprimante HS", "_users_id_requester": [8]}),
            json!({"id": 12, "date": "2026-03-01 09:00:00", "name": "Imprimante HS", "_users_id_requester": []}),
        ]);
        let keys = GlpiType::Ticket.default_keys();
        let ids = IdMap::new();
        let rules = ReconcileRules::default();
        let found = |o: &PlannedObject| decide(o, &keys, &index, &ids, rules).existing_id();
        assert_eq!(found(&ticket(&[9, 7])), Some(10));
        assert_eq!(found(&ticket(&[8])), Some(11));
        assert_eq!(found(&ticket(&[])), Some(12));
        assert_eq!(
            decide(&ticket(&[7]), &keys, &index, &ids, rules),
            Decision::Create
        );
    }

    /// A port whose network name and an address were changed on the target gets the source's
    /// back in place (same name id, same address id), the before-values holding the target's;
    /// a port whose addresses only come in another order is left alone.
    #[test]
    fn a_port_gets_its_network_name_and_addresses_back() {
        use crate::glpi::{NETWORK_NAME_ID_INPUT, NETWORK_NAME_INPUTS};
        let mut port = PlannedObject::new(ObjectKey::new(GlpiType::NetworkPort, "PC-1|eth0"), 0);
        port.fields
            .insert("name".into(), FieldValue::Text("eth0".into()));
        port.fields.insert(
            NETWORK_NAME_INPUTS[0].into(),
            FieldValue::Text("pc-1".into()),
        );
        port.fields.insert(
            NETWORK_NAME_INPUTS[1].into(),
            FieldValue::NewChildren(vec!["10.0.0.1".into(), "fe80::1".into()]),
        );
        let item = |name: &str, ips: Value| {
            json!({"id": 7, "name": "eth0", NETWORK_NAME_ID_INPUT: 3,
                   NETWORK_NAME_INPUTS[0]: name, NETWORK_NAME_INPUTS[1]: ips})
            .as_object()
            .cloned()
            .unwrap()
        };
        let rules = ReconcileRules::default();
        let ids = IdMap::new();
        let same = item("pc-1", json!({"12": "fe80::1", "11": "10.0.0.1"}));
        assert_eq!(diff(&port, 7, &same, &ids, rules), Decision::Skip { id: 7 });
        let altered = item("renamed", json!({"11": "10.0.0.1", "12": "10.9.9.9"}));
        match diff(&port, 7, &altered, &ids, rules) {
            Decision::Update {
                id,
                changes,
                before,
            } => {
                assert_eq!(id, 7);
                let sent: Map<String, Value> = changes
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json(&ids).unwrap()))
                    .collect();
                assert_eq!(
                    Value::Object(sent),
                    json!({"_create_children": 1, NETWORK_NAME_ID_INPUT: 3,
                           NETWORK_NAME_INPUTS[0]: "pc-1",
                           NETWORK_NAME_INPUTS[1]: {"12": "fe80::1"}})
                );
                assert_eq!(
                    Value::Object(before),
                    json!({"_create_children": 1, NETWORK_NAME_ID_INPUT: 3,
                           NETWORK_NAME_INPUTS[0]: "renamed",
                           NETWORK_NAME_INPUTS[1]: {"11": "10.0.0.1", "12": "10.9.9.9"},
                           crate::glpi::EVERY_ADDRESS_NAMED: 1})
                );
            }
            other => panic!("{other:?}"),
        }
        // A port without a network name on the target: GLPI adds one, the before-values say so
        // (and name no name, whose id is not known yet).
        let unnamed = json!({"id": 7, "name": "eth0"})
            .as_object()
            .cloned()
            .unwrap();
        match diff(&port, 7, &unnamed, &ids, rules) {
            Decision::Update {
                changes, before, ..
            } => {
                assert!(!changes.contains_key(NETWORK_NAME_ID_INPUT));
                assert_eq!(
                    Value::Object(before),
                    json!({"_create_children": 1, NETWORK_NAME_INPUTS[0]: "",
                           NETWORK_NAME_INPUTS[1]: {},
                           crate::glpi::EVERY_ADDRESS_NAMED: 1,
                           crate::glpi::NETWORK_NAME_ADDED: 1})
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// GLPI 11's `externalid` is used when the object carries one; when no target ticket holds
    /// it (tickets migrated before, or by hand), the date, title and requesters still find it.
    #[test]
    fn an_external_id_that_finds_nothing_falls_through_to_the_natural_key() {
        let index = target(vec![
            json!({"id": 20, "externalid": "passerelle:n°5", "date": "2025-01-08 08:00:00", "name": "Autre", "_users_id_requester": []}),
            json!({"id": 21, "externalid": null, "date": "2026-03-01 09:00:00", "name": "Imprimante HS", "_users_id_requester": [8]}),
        ]);
        let keys = GlpiType::Ticket.default_keys();
        let ids = IdMap::new();
        let rules = ReconcileRules::default();
        let mut by_external = ticket(&[]);
        by_external.fields.insert(
            "externalid".into(),
            FieldValue::Text("passerelle:n°5".into()),
        );
        let mut by_natural = ticket(&[8]);
        by_natural.fields.insert(
            "externalid".into(),
            FieldValue::Text("passerelle:n°1".into()),
        );
        assert_eq!(
            decide(&by_external, &keys, &index, &ids, rules).existing_id(),
            Some(20)
        );
        match decide(&by_natural, &keys, &index, &ids, rules) {
            Decision::Update { id, changes, .. } => {
                assert_eq!(id, 21);
                assert_eq!(changes.keys().collect::<Vec<_>>(), vec!["externalid"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
