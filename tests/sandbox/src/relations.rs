//! What GLPI 10 keeps outside an asset's own table, as its classes add and purge them:
//! `Infocom` (purchase and warranty, one per item), `Item_OperatingSystem` (operating systems
//! of an item), `SoftwareVersion` (versions of a software).

use serde_json::{json, Map, Value};

use crate::itemtypes;
use crate::state::State;

fn int(v: Option<&Value>) -> Option<u64> {
    match v {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The item an `itemtype`/`items_id` input points to, with its canonical type name.
fn attached<'a>(
    state: &'a State,
    input: &Map<String, Value>,
) -> Option<(&'static str, &'a Map<String, Value>)> {
    let info = input
        .get("itemtype")
        .and_then(Value::as_str)
        .and_then(itemtypes::find)?;
    let item = state.get(info.name, int(input.get("items_id"))?)?;
    Some((info.name, item))
}

fn copy_entity(input: &mut Map<String, Value>, from: &Map<String, Value>) {
    for k in ["entities_id", "is_recursive"] {
        input.insert(k.into(), from.get(k).cloned().unwrap_or(json!(0)));
    }
}

/// Checks and completes the input of a relation before it is stored. `Ok(message)` is the
/// creation message GLPI answers, `Err` its refusal message; `None` for other item types.
pub fn prepare_add(
    state: &State,
    itemtype: &str,
    input: &mut Map<String, Value>,
) -> Option<Result<Option<String>, String>> {
    match itemtype {
        // Infocom::prepareInputForAdd: refused (with no message) when the item already has one or
        // does not exist; entity of the item; `alert` from the entity's configuration (0).
        "Infocom" => Some((|| {
            let (name, item) = attached(state, input).ok_or_else(String::new)?;
            let id = int(input.get("items_id")).unwrap_or(0);
            let taken = state.items.get("Infocom").is_some_and(|m| {
                m.values().any(|i| {
                    i.get("itemtype").and_then(Value::as_str) == Some(name)
                        && int(i.get("items_id")) == Some(id)
                })
            });
            if taken {
                return Err(String::new());
            }
            let item = item.clone();
            input.insert("itemtype".into(), json!(name));
            copy_entity(input, &item);
            input.insert("alert".into(), json!(0));
            // An infocom has no name: GLPI's message is empty.
            Ok(Some(String::new()))
        })()),
        // Item_OperatingSystem::prepareInputForAdd: entity and recursion of the item; several
        // per item are allowed. The message names the item as "<type plural> <name>".
        "Item_OperatingSystem" => Some((|| {
            let (name, item) = attached(state, input).ok_or_else(String::new)?;
            let item = item.clone();
            input.insert("itemtype".into(), json!(name));
            copy_entity(input, &item);
            Ok(Some(format!(
                "Item Successfully Added: {} {}",
                plural(name),
                item.get("name").and_then(Value::as_str).unwrap_or("")
            )))
        })()),
        _ => None,
    }
}

/// GLPI's English plural type names of the assets (`getTypeName(2)`).
fn plural(itemtype: &str) -> &'static str {
    match itemtype {
        "Computer" => "Computers",
        "Monitor" => "Monitors",
        "Printer" => "Printers",
        "NetworkEquipment" => "Network devices",
        "Peripheral" => "Devices",
        "Phone" => "Phones",
        "Software" => "Software",
        _ => "Items",
    }
}

/// The rows purging an item of `itemtype` takes with it (`cleanDBonPurge` and
/// `cleanRelationTable`), as (child type, how the child points to the item).
pub fn dependents(itemtype: &str) -> Vec<(&'static str, Link)> {
    let mut out = Vec::new();
    match itemtype {
        "User" => {
            out.push(("Profile_User", Link::Field("users_id")));
            out.push(("Group_User", Link::Field("users_id")));
            out.push(("UserEmail", Link::Field("users_id")));
        }
        "Group" => out.push(("Group_User", Link::Field("groups_id"))),
        "Computer" => {
            out.push(("Computer_Item", Link::Field("computers_id")));
            out.push(("Item_SoftwareVersion", Link::Item));
        }
        "Monitor" | "Printer" | "Phone" | "Peripheral" => {
            out.push(("Computer_Item", Link::Item));
        }
        "SoftwareVersion" => {
            out.push(("Item_SoftwareVersion", Link::Field("softwareversions_id")));
        }
        "Software" => out.push(("SoftwareVersion", Link::Field("softwares_id"))),
        "Ticket" => {
            out.push(("Ticket_User", Link::Field("tickets_id")));
            out.push(("Group_Ticket", Link::Field("tickets_id")));
            out.push(("Item_Ticket", Link::Field("tickets_id")));
        }
        _ => {}
    }
    if matches!(
        itemtype,
        "Computer" | "Monitor" | "Printer" | "NetworkEquipment" | "Peripheral" | "Phone"
    ) {
        out.push(("Item_OperatingSystem", Link::Item));
        out.push(("Item_Ticket", Link::Item));
    }
    if crate::hateoas::children(itemtype).contains(&"Infocom") {
        out.push(("Infocom", Link::Item));
    }
    out
}

/// How a dependent row points to its item.
#[derive(Debug, Clone, Copy)]
pub enum Link {
    /// Through a foreign key column (`users_id`).
    Field(&'static str),
    /// Through `itemtype` + `items_id`.
    Item,
}

/// Purges what depends on the item (recursively: a software's versions take their
/// installations with them).
pub fn purge_dependents(state: &mut State, itemtype: &str, id: u64) {
    for (child, link) in dependents(itemtype) {
        let ids: Vec<u64> = state
            .items
            .get(child)
            .map(|m| {
                m.iter()
                    .filter(|(_, row)| match link {
                        Link::Field(f) => int(row.get(f)) == Some(id),
                        Link::Item => {
                            row.get("itemtype").and_then(Value::as_str) == Some(itemtype)
                                && int(row.get("items_id")) == Some(id)
                        }
                    })
                    .map(|(k, _)| *k)
                    .collect()
            })
            .unwrap_or_default();
        for dependent in ids {
            if let Some(m) = state.items.get_mut(child) {
                m.remove(&dependent);
            }
            purge_dependents(state, child, dependent);
        }
    }
}
