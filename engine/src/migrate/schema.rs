//! What the migration must know about GLPI's item types: which dropdown a field points to,
//! which types form trees, the order objects are created in, the default reconciliation keys
//! and the profile right that guards each type.

use crate::detect::ItemType;

/// Where a field of a source row points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A plain dropdown, matched and created by name.
    Dropdown(&'static str),
    /// A tree dropdown, matched by complete name `A > B`, created level by level.
    Tree(&'static str),
    /// A group (tree), created only from the groups file.
    Group,
    /// A user, by display name `Nom Prénom`.
    User,
    /// An entity: mapped by the administrator, never created.
    Entity,
}

/// The GLPI dropdown (or other referenced type) behind a concrete field name.
pub fn field_target(item_type: ItemType, field: &str) -> Option<Target> {
    let asset = item_type.glpi_name();
    Some(match field {
        "entities_id" => Target::Entity,
        "locations_id" => Target::Tree("Location"),
        "states_id" => Target::Tree("State"),
        "groups_id" | "groups_id_tech" => Target::Group,
        "users_id" | "users_id_tech" => Target::User,
        "manufacturers_id" => Target::Dropdown("Manufacturer"),
        "operatingsystems_id" => Target::Dropdown("OperatingSystem"),
        "operatingsystemversions_id" => Target::Dropdown("OperatingSystemVersion"),
        "suppliers_id" => Target::Dropdown("Supplier"),
        "usertitles_id" => Target::Dropdown("UserTitle"),
        "usercategories_id" => Target::Dropdown("UserCategory"),
        "softwarecategories_id" => Target::Tree("SoftwareCategory"),
        f if f.ends_with("models_id") => Target::Dropdown(leak_name(asset, "Model")),
        f if f.ends_with("types_id") && f != "requesttypes_id" => {
            Target::Dropdown(leak_name(asset, "Type"))
        }
        _ => return None,
    })
}

/// `ComputerModel`, `MonitorType`… as static strings.
fn leak_name(asset: &str, suffix: &str) -> &'static str {
    const NAMES: &[(&str, &str, &str)] = &[
        ("Computer", "Model", "ComputerModel"),
        ("Computer", "Type", "ComputerType"),
        ("Monitor", "Model", "MonitorModel"),
        ("Monitor", "Type", "MonitorType"),
        ("Printer", "Model", "PrinterModel"),
        ("Printer", "Type", "PrinterType"),
        ("NetworkEquipment", "Model", "NetworkEquipmentModel"),
        ("NetworkEquipment", "Type", "NetworkEquipmentType"),
        ("Peripheral", "Model", "PeripheralModel"),
        ("Peripheral", "Type", "PeripheralType"),
        ("Phone", "Model", "PhoneModel"),
        ("Phone", "Type", "PhoneType"),
    ];
    NAMES
        .iter()
        .find(|(a, s, _)| *a == asset && *s == suffix)
        .map(|(_, _, n)| *n)
        .unwrap_or("Manufacturer")
}

/// The parent foreign key of a tree type.
pub fn tree_parent_field(itemtype: &str) -> Option<&'static str> {
    Some(match itemtype {
        "Location" => "locations_id",
        "State" => "states_id",
        "Group" => "groups_id",
        "SoftwareCategory" => "softwarecategories_id",
        "Entity" => "entities_id",
        _ => return None,
    })
}

/// Whether items of this type carry an `entities_id` the plan must set.
pub fn has_entity(itemtype: &str) -> bool {
    matches!(
        itemtype,
        "Computer"
            | "Monitor"
            | "Printer"
            | "NetworkEquipment"
            | "Peripheral"
            | "Phone"
            | "Software"
            | "SoftwareVersion"
            | "Location"
            | "State"
            | "Group"
            | "Supplier"
    )
}

/// The creation order: what an object points to is created before it. Lower first.
pub fn stage_rank(itemtype: &str) -> u32 {
    match itemtype {
        "Location" | "State" | "SoftwareCategory" => 0,
        "Manufacturer"
        | "UserTitle"
        | "UserCategory"
        | "OperatingSystem"
        | "OperatingSystemVersion"
        | "Supplier" => 1,
        t if t.ends_with("Model") || t.ends_with("Type") => 1,
        "Group" => 2,
        "User" => 3,
        "Group_User" | "Profile_User" => 4,
        "Computer" | "Monitor" | "Printer" | "NetworkEquipment" | "Peripheral" | "Phone" => 5,
        "Software" => 6,
        "SoftwareVersion" => 7,
        "Computer_Item" | "Item_SoftwareVersion" => 8,
        _ => 9,
    }
}

/// Whether the administrator may let the plan create missing values of this type.
pub fn is_creatable_dropdown(itemtype: &str) -> bool {
    stage_rank(itemtype) <= 1
}

/// Default reconciliation keys, in order of preference: the first whose fields are all filled
/// in a row is used. Assets: serial, then name; users: login; trees: complete name; relations:
/// the ids they join; other types: name.
pub fn default_keys(itemtype: &str) -> Vec<Vec<String>> {
    let k = |fields: &[&str]| fields.iter().map(|f| f.to_string()).collect::<Vec<_>>();
    match itemtype {
        "Computer" | "Monitor" | "Printer" | "NetworkEquipment" | "Peripheral" | "Phone" => {
            vec![k(&["serial"]), k(&["name"])]
        }
        "Location" | "State" | "Group" | "SoftwareCategory" => vec![k(&["completename"])],
        "Group_User" => vec![k(&["users_id", "groups_id"])],
        "Profile_User" => vec![k(&["users_id", "profiles_id", "entities_id"])],
        "SoftwareVersion" => vec![k(&["softwares_id", "name"])],
        "Item_SoftwareVersion" => vec![k(&["itemtype", "items_id", "softwareversions_id"])],
        "Computer_Item" => vec![k(&["computers_id", "itemtype", "items_id"])],
        _ => vec![k(&["name"])],
    }
}

/// The profile right that guards a type (`glpiactiveprofile` keys in the full session).
pub fn right_name(itemtype: &str) -> &'static str {
    match itemtype {
        "Computer" | "Computer_Item" => "computer",
        "Monitor" => "monitor",
        "Printer" => "printer",
        "NetworkEquipment" => "networking",
        "Peripheral" => "peripheral",
        "Phone" => "phone",
        "Software" | "SoftwareVersion" | "Item_SoftwareVersion" => "software",
        "User" | "Profile_User" | "UserEmail" => "user",
        "Group" | "Group_User" => "group",
        "Location" => "location",
        "State" => "state",
        "Entity" => "entity",
        "Supplier" => "contact_enterprise",
        _ => "dropdown",
    }
}

/// GLPI's right bits.
pub mod bits {
    /// Read.
    pub const READ: u64 = 1;
    /// Update.
    pub const UPDATE: u64 = 2;
    /// Create.
    pub const CREATE: u64 = 4;
    /// Delete (trash).
    pub const DELETE: u64 = 8;
    /// Purge.
    pub const PURGE: u64 = 16;
}
