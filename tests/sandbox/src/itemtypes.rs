//! The item types the sandbox knows, with what GLPI does differently for each.

/// How one item type behaves.
#[derive(Debug, Clone, Copy)]
pub struct TypeInfo {
    /// Canonical class name (`Computer`).
    pub name: &'static str,
    /// Database table (for messages such as "sort param is not a field of glpi_computers").
    pub table: &'static str,
    /// Tree dropdown: the parent foreign key (`locations_id`), for `completename`.
    pub tree_parent: Option<&'static str>,
    /// Has an `entities_id` and is restricted to the active entities.
    pub in_entity: bool,
    /// Can go to the trash bin (`is_deleted`); otherwise delete purges.
    pub trashable: bool,
    /// Right family used by profiles.
    pub right: Right,
}

/// Right families, as profiles grant them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Assets (computers, monitors…), software.
    Asset,
    /// Dropdowns, groups, entities.
    Setup,
    /// Users and their authorizations.
    User,
    /// Tickets and their followups.
    Ticket,
}

const fn t(
    name: &'static str,
    table: &'static str,
    tree_parent: Option<&'static str>,
    in_entity: bool,
    trashable: bool,
    right: Right,
) -> TypeInfo {
    TypeInfo {
        name,
        table,
        tree_parent,
        in_entity,
        trashable,
        right,
    }
}

use Right::*;

/// Every supported item type.
pub const TYPES: &[TypeInfo] = &[
    t("Computer", "glpi_computers", None, true, true, Asset),
    t("Monitor", "glpi_monitors", None, true, true, Asset),
    t("Printer", "glpi_printers", None, true, true, Asset),
    t(
        "NetworkEquipment",
        "glpi_networkequipments",
        None,
        true,
        true,
        Asset,
    ),
    t("Peripheral", "glpi_peripherals", None, true, true, Asset),
    t("Phone", "glpi_phones", None, true, true, Asset),
    t("Software", "glpi_softwares", None, true, true, Asset),
    t(
        "SoftwareVersion",
        "glpi_softwareversions",
        None,
        true,
        false,
        Asset,
    ),
    t(
        "Item_SoftwareVersion",
        "glpi_items_softwareversions",
        None,
        true,
        true,
        Asset,
    ),
    t(
        "Computer_Item",
        "glpi_computers_items",
        None,
        false,
        true,
        Asset,
    ),
    t(
        "Entity",
        "glpi_entities",
        Some("entities_id"),
        false,
        false,
        Setup,
    ),
    t(
        "Location",
        "glpi_locations",
        Some("locations_id"),
        true,
        false,
        Setup,
    ),
    t(
        "State",
        "glpi_states",
        Some("states_id"),
        true,
        false,
        Setup,
    ),
    t(
        "ITILCategory",
        "glpi_itilcategories",
        Some("itilcategories_id"),
        true,
        false,
        Setup,
    ),
    t(
        "SoftwareCategory",
        "glpi_softwarecategories",
        Some("softwarecategories_id"),
        false,
        false,
        Setup,
    ),
    t(
        "Group",
        "glpi_groups",
        Some("groups_id"),
        true,
        false,
        Setup,
    ),
    t(
        "Manufacturer",
        "glpi_manufacturers",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "ComputerModel",
        "glpi_computermodels",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "ComputerType",
        "glpi_computertypes",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "MonitorModel",
        "glpi_monitormodels",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "MonitorType",
        "glpi_monitortypes",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "PrinterModel",
        "glpi_printermodels",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "PrinterType",
        "glpi_printertypes",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "NetworkEquipmentModel",
        "glpi_networkequipmentmodels",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "NetworkEquipmentType",
        "glpi_networkequipmenttypes",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "PeripheralModel",
        "glpi_peripheralmodels",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "PeripheralType",
        "glpi_peripheraltypes",
        None,
        false,
        false,
        Setup,
    ),
    t("PhoneModel", "glpi_phonemodels", None, false, false, Setup),
    t("PhoneType", "glpi_phonetypes", None, false, false, Setup),
    t(
        "OperatingSystem",
        "glpi_operatingsystems",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "OperatingSystemVersion",
        "glpi_operatingsystemversions",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "OperatingSystemArchitecture",
        "glpi_operatingsystemarchitectures",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "OperatingSystemServicePack",
        "glpi_operatingsystemservicepacks",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "OperatingSystemKernel",
        "glpi_operatingsystemkernels",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "OperatingSystemKernelVersion",
        "glpi_operatingsystemkernelversions",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "OperatingSystemEdition",
        "glpi_operatingsystemeditions",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "Item_OperatingSystem",
        "glpi_items_operatingsystems",
        None,
        true,
        true,
        Asset,
    ),
    t("Infocom", "glpi_infocoms", None, true, false, Asset),
    t("UserTitle", "glpi_usertitles", None, false, false, Setup),
    t(
        "UserCategory",
        "glpi_usercategories",
        None,
        false,
        false,
        Setup,
    ),
    t(
        "RequestType",
        "glpi_requesttypes",
        None,
        false,
        false,
        Setup,
    ),
    t("Supplier", "glpi_suppliers", None, true, true, Setup),
    t("User", "glpi_users", None, false, true, User),
    t("UserEmail", "glpi_useremails", None, false, false, User),
    t("Profile", "glpi_profiles", None, false, false, User),
    t(
        "Profile_User",
        "glpi_profiles_users",
        None,
        false,
        false,
        User,
    ),
    t("Group_User", "glpi_groups_users", None, false, false, User),
    t("Ticket", "glpi_tickets", None, true, true, Ticket),
    t(
        "Ticket_User",
        "glpi_tickets_users",
        None,
        false,
        false,
        Ticket,
    ),
    t(
        "Group_Ticket",
        "glpi_groups_tickets",
        None,
        false,
        false,
        Ticket,
    ),
    t(
        "Item_Ticket",
        "glpi_items_tickets",
        None,
        false,
        false,
        Ticket,
    ),
    t(
        "ITILFollowup",
        "glpi_itilfollowups",
        None,
        false,
        false,
        Ticket,
    ),
    t("TicketTask", "glpi_tickettasks", None, false, false, Ticket),
    t(
        "ITILSolution",
        "glpi_itilsolutions",
        None,
        false,
        false,
        Ticket,
    ),
];

/// Finds a type by name, case-insensitively (GLPI restores the canonical case).
pub fn find(name: &str) -> Option<&'static TypeInfo> {
    TYPES.iter().find(|t| t.name.eq_ignore_ascii_case(name))
}

/// The item type a foreign key points to (`locations_id` -> `Location`).
pub fn fk_target(field: &str) -> Option<&'static str> {
    // GLPI's isForeignKeyField: `xxx_id` or `xxx_id_suffix`.
    let base = match field.strip_suffix("_id") {
        Some(b) => b.split("_id_").next().unwrap_or(b),
        None => field.split_once("_id_")?.0,
    };
    let base = match base {
        "default_requesttypes" => "requesttypes",
        b => b,
    };
    TYPES
        .iter()
        .find(|t| t.table.trim_start_matches("glpi_") == base)
        .map(|t| t.name)
}

/// The item type an `items_id` points to, or a foreign key otherwise (`users_id_tech` ->
/// `User`), as GLPI's API reads a row's keys for its links and expanded dropdowns.
pub fn link_target(
    item: &serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'static str> {
    if key == "items_id" {
        return item
            .get("itemtype")
            .and_then(serde_json::Value::as_str)
            .and_then(find)
            .map(|t| t.name);
    }
    fk_target(key)
}

/// Fields never returned by GET (secrets).
pub const UNDISCLOSED: [&str; 4] = ["password", "api_token", "cookie_token", "personal_token"];
