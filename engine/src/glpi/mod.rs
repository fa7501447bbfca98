//! What the engine knows of GLPI 10, in one place: its item types (a typed enum), each type's
//! real columns (read from a real GLPI 10.0.11 database), tree parent, entity, creation rank,
//! reconciliation keys and right; and, for every exported field, where GLPI keeps its value
//! ([`Destination`]): a column of the item, a column of a related object (operating system,
//! financial information), a relation (versions, e-mails, authorizations, memberships), or
//! nowhere, with the reason.
//!
//! A GLPI rule the engine follows has its home here. An unknown type or field is an error, never a
//! silent fallback: GLPI drops unknown fields with a 201, so sending one would lose it unseen.

mod columns;
mod destination;
mod version;
pub mod vocabulary;

pub use destination::{destination, Destination, NotCarriedReason};
pub use version::{decode_entities, item_from_url, stored_text, GlpiVersion, GROUP_FIELDS};

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

use crate::detect::ItemType;

/// An error of the GLPI vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GlpiError {
    /// A type name that is not one of [`GlpiType`].
    #[error("unknown GLPI item type {0:?}")]
    UnknownType(String),
    /// A field that is neither a column of the type's table nor an input GLPI interprets.
    #[error("{field:?} is not a field GLPI keeps for {itemtype}")]
    UnknownField {
        /// The type.
        itemtype: GlpiType,
        /// The field.
        field: String,
    },
    /// A GLPI version the migration does not support (only 10 and 11 are).
    #[error(
        "version de GLPI non prise en charge : {0:?} (GLPI 10 ou 11 attendu) / unsupported GLPI version {0:?} (10 or 11 expected)"
    )]
    UnsupportedVersion(String),
}

macro_rules! glpi_types {
    ($($(#[$doc:meta])* $variant:ident = $name:literal in $table:literal,)*) => {
        /// A GLPI item type the migration reads or writes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum GlpiType {
            $($(#[$doc])* $variant,)*
        }

        impl GlpiType {
            /// Every type.
            pub const ALL: &'static [GlpiType] = &[$(GlpiType::$variant,)*];

            /// GLPI's class name, as the API spells it in URLs (`Computer`, `Item_OperatingSystem`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(GlpiType::$variant => $name,)*
                }
            }

            /// The database table.
            pub const fn table(self) -> &'static str {
                match self {
                    $(GlpiType::$variant => $table,)*
                }
            }
        }
    };
}

glpi_types! {
    /// Computers.
    Computer = "Computer" in "glpi_computers",
    /// Monitors.
    Monitor = "Monitor" in "glpi_monitors",
    /// Printers.
    Printer = "Printer" in "glpi_printers",
    /// Network equipment.
    NetworkEquipment = "NetworkEquipment" in "glpi_networkequipments",
    /// Peripherals.
    Peripheral = "Peripheral" in "glpi_peripherals",
    /// Phones.
    Phone = "Phone" in "glpi_phones",
    /// Software.
    Software = "Software" in "glpi_softwares",
    /// A version of a software.
    SoftwareVersion = "SoftwareVersion" in "glpi_softwareversions",
    /// A software version installed on an item.
    ItemSoftwareVersion = "Item_SoftwareVersion" in "glpi_items_softwareversions",
    /// A network port of an asset, created with its network name and IP addresses
    /// (`NetworkName_*` inputs, see [`NETWORK_NAME_INPUTS`]).
    NetworkPort = "NetworkPort" in "glpi_networkports",
    /// A port's network name (read from a local GLPI; created by GLPI with its port).
    NetworkName = "NetworkName" in "glpi_networknames",
    /// An IP address of a network name (read from a local GLPI; created by GLPI with its port).
    IpAddress = "IPAddress" in "glpi_ipaddresses",
    /// A document: a file uploaded to GLPI (`POST /Document` as `multipart/form-data`), with
    /// its name, category and entity.
    Document = "Document" in "glpi_documents",
    /// A document's link to an item (an asset, a ticket).
    DocumentItem = "Document_Item" in "glpi_documents_items",
    /// Document categories (a tree).
    DocumentCategory = "DocumentCategory" in "glpi_documentcategories",
    /// A monitor, printer, phone or peripheral connected to a computer.
    ComputerItem = "Computer_Item" in "glpi_computers_items",
    /// The operating system of an asset (GLPI 10 keeps it apart from the asset).
    ItemOperatingSystem = "Item_OperatingSystem" in "glpi_items_operatingsystems",
    /// Financial and administrative information of an asset (purchase, warranty, supplier).
    Infocom = "Infocom" in "glpi_infocoms",
    /// Users.
    User = "User" in "glpi_users",
    /// A user's e-mail address.
    UserEmail = "UserEmail" in "glpi_useremails",
    /// Groups (a tree).
    Group = "Group" in "glpi_groups",
    /// A user's group membership.
    GroupUser = "Group_User" in "glpi_groups_users",
    /// Profiles (Self-Service, Technician…).
    Profile = "Profile" in "glpi_profiles",
    /// A user's authorization: a profile on an entity, recursive or not.
    ProfileUser = "Profile_User" in "glpi_profiles_users",
    /// Entities (a tree, never created by the migration).
    Entity = "Entity" in "glpi_entities",
    /// Locations (a tree).
    Location = "Location" in "glpi_locations",
    /// Statuses of items (a tree).
    State = "State" in "glpi_states",
    /// Software categories (a tree).
    SoftwareCategory = "SoftwareCategory" in "glpi_softwarecategories",
    /// Manufacturers (and software publishers).
    Manufacturer = "Manufacturer" in "glpi_manufacturers",
    /// Suppliers.
    Supplier = "Supplier" in "glpi_suppliers",
    /// Supplier types.
    SupplierType = "SupplierType" in "glpi_suppliertypes",
    /// Contracts.
    Contract = "Contract" in "glpi_contracts",
    /// Contract types.
    ContractType = "ContractType" in "glpi_contracttypes",
    /// An item (computer, printer…) covered by a contract.
    ContractItem = "Contract_Item" in "glpi_contracts_items",
    /// A supplier of a contract.
    ContractSupplier = "Contract_Supplier" in "glpi_contracts_suppliers",
    /// User titles.
    UserTitle = "UserTitle" in "glpi_usertitles",
    /// User categories.
    UserCategory = "UserCategory" in "glpi_usercategories",
    /// Operating systems.
    OperatingSystem = "OperatingSystem" in "glpi_operatingsystems",
    /// Operating system versions.
    OperatingSystemVersion = "OperatingSystemVersion" in "glpi_operatingsystemversions",
    /// Operating system architectures.
    OperatingSystemArchitecture = "OperatingSystemArchitecture" in "glpi_operatingsystemarchitectures",
    /// Operating system service packs.
    OperatingSystemServicePack = "OperatingSystemServicePack" in "glpi_operatingsystemservicepacks",
    /// Operating system kernels (a kernel version's kernel: `Linux`).
    OperatingSystemKernel = "OperatingSystemKernel" in "glpi_operatingsystemkernels",
    /// Operating system kernel versions.
    OperatingSystemKernelVersion = "OperatingSystemKernelVersion" in "glpi_operatingsystemkernelversions",
    /// Operating system editions.
    OperatingSystemEdition = "OperatingSystemEdition" in "glpi_operatingsystemeditions",
    /// Computer models.
    ComputerModel = "ComputerModel" in "glpi_computermodels",
    /// Computer types.
    ComputerType = "ComputerType" in "glpi_computertypes",
    /// Monitor models.
    MonitorModel = "MonitorModel" in "glpi_monitormodels",
    /// Monitor types.
    MonitorType = "MonitorType" in "glpi_monitortypes",
    /// Printer models.
    PrinterModel = "PrinterModel" in "glpi_printermodels",
    /// Printer types.
    PrinterType = "PrinterType" in "glpi_printertypes",
    /// Network equipment models.
    NetworkEquipmentModel = "NetworkEquipmentModel" in "glpi_networkequipmentmodels",
    /// Network equipment types.
    NetworkEquipmentType = "NetworkEquipmentType" in "glpi_networkequipmenttypes",
    /// Peripheral models.
    PeripheralModel = "PeripheralModel" in "glpi_peripheralmodels",
    /// Peripheral types.
    PeripheralType = "PeripheralType" in "glpi_peripheraltypes",
    /// Phone models.
    PhoneModel = "PhoneModel" in "glpi_phonemodels",
    /// Phone types.
    PhoneType = "PhoneType" in "glpi_phonetypes",
    /// Tickets.
    Ticket = "Ticket" in "glpi_tickets",
    /// A user on a ticket: requester (1), assigned technician (2) or observer (3).
    TicketUser = "Ticket_User" in "glpi_tickets_users",
    /// A group on a ticket: requester (1), assigned (2) or observer (3).
    GroupTicket = "Group_Ticket" in "glpi_groups_tickets",
    /// An item (computer, printer…) linked to a ticket.
    ItemTicket = "Item_Ticket" in "glpi_items_tickets",
    /// A supplier on a ticket: requester (1), assigned (2) or observer (3).
    SupplierTicket = "Supplier_Ticket" in "glpi_suppliers_tickets",
    /// A followup of a ticket's timeline.
    ItilFollowup = "ITILFollowup" in "glpi_itilfollowups",
    /// A task of a ticket's timeline.
    TicketTask = "TicketTask" in "glpi_tickettasks",
    /// The solution of a ticket.
    ItilSolution = "ITILSolution" in "glpi_itilsolutions",
    /// Ticket categories (a tree).
    ItilCategory = "ITILCategory" in "glpi_itilcategories",
    /// Request sources (Helpdesk, E-Mail, Phone…).
    RequestType = "RequestType" in "glpi_requesttypes",
    /// Task categories (a tree).
    TaskCategory = "TaskCategory" in "glpi_taskcategories",
    /// Solution types.
    SolutionType = "SolutionType" in "glpi_solutiontypes",
    /// Business criticities (a tree), named by an asset's financial record.
    BusinessCriticity = "BusinessCriticity" in "glpi_businesscriticities",
    /// Budgets (an amount over a period), named by an asset's financial record.
    Budget = "Budget" in "glpi_budgets",
    /// Budget types.
    BudgetType = "BudgetType" in "glpi_budgettypes",
}

/// The profile right bits GLPI stores per right name.
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

/// Inputs GLPI interprets on a POST although they are not columns (kept from a request).
const INTERPRETED_INPUTS: &[(GlpiType, &str)] = &[
    // The user's first authorization, made at creation instead of the default Self-Service.
    (GlpiType::User, "_profiles_id"),
    (GlpiType::User, "_entities_id"),
    (GlpiType::User, "_is_recursive"),
    // A migrated ticket's actors, given in its POST: separate posts of an assignee would move it
    // to "assigned" with a notification that `_disablenotif` does not stop (glpi-facts-2 §2).
    (GlpiType::Ticket, "_users_id_requester"),
    (GlpiType::Ticket, "_users_id_observer"),
    (GlpiType::Ticket, "_users_id_assign"),
    (GlpiType::Ticket, "_groups_id_requester"),
    (GlpiType::Ticket, "_groups_id_observer"),
    (GlpiType::Ticket, "_groups_id_assign"),
    // No side effect on people or on GLPI (Ticket::prepareInputForAdd, glpi-facts-2 §2).
    (GlpiType::Ticket, "_disablenotif"),
    (GlpiType::Ticket, "_skip_rules"),
    (GlpiType::Ticket, "_skip_auto_assign"),
    (GlpiType::Ticket, "_skip_sla_assign"),
    (GlpiType::Ticket, "_skip_default_contract"),
    (GlpiType::Ticket, "_do_not_compute_takeintoaccount"),
    (GlpiType::Ticket, "_no_reopen"),
    (GlpiType::TicketUser, "_disablenotif"),
    (GlpiType::GroupTicket, "_disablenotif"),
    // A supplier added to a migrated ticket: no notification, no move of a new ticket to
    // "assigned", no take-into-account computed (`CommonITILActor::post_addItem`).
    (GlpiType::SupplierTicket, "_disablenotif"),
    (GlpiType::SupplierTicket, "_from_object"),
    (GlpiType::SupplierTicket, "_do_not_compute_takeintoaccount"),
    (GlpiType::ItemTicket, "_disablenotif"),
    (GlpiType::ItemTicket, "_do_notif"),
    (GlpiType::ItilFollowup, "_disablenotif"),
    (GlpiType::ItilFollowup, "_no_reopen"),
    (GlpiType::TicketTask, "_disablenotif"),
    (GlpiType::TicketTask, "_no_reopen"),
    // A solution added to a history: no status computation, no ticket update with notifications.
    (GlpiType::ItilSolution, "_disablenotif"),
    (GlpiType::ItilSolution, "_do_not_compute_status"),
    (GlpiType::ItilSolution, "_linked_ticket"),
    // A port's network name and addresses, made by GLPI with the port: `_create_children`
    // has `NetworkPort::prepareInputForAdd` split the `NetworkName_*` inputs off, and
    // `updateDependencies` adds the name, whose `_ipaddresses` (keys < 0: new) become
    // `glpi_ipaddresses` rows (`NetworkName::post_workOnItem`).
    (GlpiType::NetworkPort, "_create_children"),
    (GlpiType::NetworkPort, NETWORK_NAME_INPUTS[0]),
    (GlpiType::NetworkPort, NETWORK_NAME_INPUTS[1]),
    // A document's file, named in the upload's manifest: `Document::prepareInputForAdd` moves
    // it from the upload and sets `filename`, `filepath`, `mime` and `sha1sum` from it.
    (GlpiType::Document, "_filename"),
    // A link to a ticket updates the ticket (its `date_mod`, with a forced notification)
    // unless told not to (`Document_Item::post_addItem`).
    (GlpiType::DocumentItem, "_do_update_ticket"),
    (GlpiType::DocumentItem, "_disablenotif"),
    // On a PUT, the network name to update (without it, `updateDependencies` adds another;
    // left empty, without name or address, it is purged); its `_ipaddresses` keyed by an
    // existing address's id update it ("" deletes it).
    (GlpiType::NetworkPort, NETWORK_NAME_ID_INPUT),
];

/// The inputs of a port's POST that GLPI turns into its network name and its IP addresses.
pub const NETWORK_NAME_INPUTS: [&str; 2] = ["NetworkName_name", "NetworkName__ipaddresses"];

/// The input of a port's PUT naming the network name its [`NETWORK_NAME_INPUTS`] update. The
/// engine's client also gives each port it reads these three (its first network name's id,
/// name, and addresses keyed by id), so that reconciliation compares them with the source's.
pub const NETWORK_NAME_ID_INPUT: &str = "NetworkName_id";

/// A mark in a port update's before-values, never sent to GLPI: they name every address the
/// target had, the kept ones too. Journals written before it name only the addresses changed or
/// deleted: the undo of their updates must not take the others for added ones and delete them.
pub const EVERY_ADDRESS_NAMED: &str = "_passerelle_every_address_named";

/// A mark in a port update's before-values, never sent to GLPI: the target port had no network
/// name, so the update has GLPI add one (`NetworkPort::updateDependencies`, no
/// [`NETWORK_NAME_ID_INPUT`]). Without it (journals written before it), the undo leaves the
/// port's names alone.
pub const NETWORK_NAME_ADDED: &str = "_passerelle_network_name_added";

/// Completes the before-values of a port's update that added its network name
/// ([`NETWORK_NAME_ADDED`]) with the name the port has now (`now`, as for
/// [`undo_added_addresses`]): the undo's PUT names it with an empty name and no address, which
/// has GLPI purge it with its addresses (`NetworkPort::updateDependencies` deletes an empty
/// name with force, `NetworkName::cleanDBonPurge` its addresses). Without it, the PUT would
/// not name the added name, and GLPI would leave it. Left as is without the mark (an older
/// journal), when the port could not be read (`now` is `None`) or has no name now (already
/// undone); the mark itself is always taken out.
pub fn undo_added_network_name(
    before: &mut serde_json::Map<String, serde_json::Value>,
    now: Option<&serde_json::Map<String, serde_json::Value>>,
) {
    use serde_json::Value;
    let added = before.remove(NETWORK_NAME_ADDED).is_some();
    let Some(name_id) = now
        .filter(|_| added)
        .and_then(|n| n.get(NETWORK_NAME_ID_INPUT))
        .filter(|v| !v.is_null())
    else {
        return;
    };
    before.insert(NETWORK_NAME_ID_INPUT.into(), name_id.clone());
    // Empty, whatever the journal holds: GLPI purges only an empty name.
    before.insert(NETWORK_NAME_INPUTS[0].into(), Value::String(String::new()));
    before.insert(
        NETWORK_NAME_INPUTS[1].into(),
        Value::Object(serde_json::Map::new()),
    );
}

/// Completes the before-values of a port's update (the inputs of the PUT that undoes it) with
/// the port as the target has it now (`now`, read with [`NETWORK_NAME_ID_INPUT`] and
/// [`NETWORK_NAME_INPUTS`]): an address the update added is not among the before-values (its
/// id was not known when the update was journaled, which names every address the target had
/// then), so it gets an empty value, which has GLPI delete it (`NetworkName::post_workOnItem`).
/// Only for the same network name: an id of another name's address would delete that one.
/// Left as is when the before-values carry no addresses, or do not name them all (no
/// [`EVERY_ADDRESS_NAMED`]: an older journal), or the port could not be read (`now` is `None`);
/// the mark itself is always taken out.
pub fn undo_added_addresses(
    before: &mut serde_json::Map<String, serde_json::Value>,
    now: Option<&serde_json::Map<String, serde_json::Value>>,
) {
    use serde_json::Value;
    let every_address_named = before.remove(EVERY_ADDRESS_NAMED).is_some();
    let Some(now) = now.filter(|_| every_address_named) else {
        return;
    };
    let id = |m: &serde_json::Map<String, Value>| {
        m.get(NETWORK_NAME_ID_INPUT).and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
    };
    if id(before).is_none() || id(before) != id(now) {
        return;
    }
    let (Some(Value::Object(restored)), Some(Value::Object(current))) = (
        before.get_mut(NETWORK_NAME_INPUTS[1]),
        now.get(NETWORK_NAME_INPUTS[1]),
    ) else {
        return;
    };
    for address in current.keys() {
        if !restored.contains_key(address) {
            restored.insert(address.clone(), Value::String(String::new()));
        }
    }
}

use GlpiType::*;

impl GlpiType {
    /// The type of a name, exactly as GLPI spells it.
    pub fn from_name(name: &str) -> Result<GlpiType, GlpiError> {
        GlpiType::ALL
            .iter()
            .copied()
            .find(|t| t.name() == name)
            .ok_or_else(|| GlpiError::UnknownType(name.to_string()))
    }

    /// The type a checked file's rows become (`None` for tickets and the HR directory, which
    /// the asset migration does not carry).
    pub fn of_file(item_type: ItemType) -> Option<GlpiType> {
        Some(match item_type {
            ItemType::Computer => Computer,
            ItemType::Monitor => Monitor,
            ItemType::Printer => Printer,
            ItemType::NetworkEquipment => NetworkEquipment,
            ItemType::Peripheral => Peripheral,
            ItemType::Phone => Phone,
            ItemType::Software => Software,
            ItemType::User => User,
            ItemType::Group => Group,
            ItemType::Location => Location,
            ItemType::Ticket | ItemType::Directory => return None,
        })
    }

    /// The columns of its table, as a real GLPI 10.0.11 has them.
    pub fn columns(self) -> &'static [&'static str] {
        columns::TABLE_COLUMNS
            .iter()
            .find(|(t, _)| *t == self.table())
            .map(|(_, c)| *c)
            .unwrap_or(&[])
    }

    /// Whether GLPI keeps `field` when it is sent for this type (a column, or an input it
    /// interprets). Anything else is dropped by GLPI without a word.
    pub fn keeps(self, field: &str) -> bool {
        self.columns().contains(&field) || INTERPRETED_INPUTS.contains(&(self, field))
    }

    /// `Ok` when GLPI keeps the field, the typed error otherwise.
    pub fn check_field(self, field: &str) -> Result<(), GlpiError> {
        if self.keeps(field) {
            Ok(())
        } else {
            Err(GlpiError::UnknownField {
                itemtype: self,
                field: field.to_string(),
            })
        }
    }

    /// The six asset types.
    pub fn is_asset(self) -> bool {
        matches!(
            self,
            Computer | Monitor | Printer | NetworkEquipment | Peripheral | Phone
        )
    }

    /// A type that joins two items (its identity is the items it joins).
    pub fn is_relation(self) -> bool {
        matches!(
            self,
            TicketUser
                | GroupTicket
                | ItemTicket
                | SupplierTicket
                | ContractItem
                | ContractSupplier
                | ItemSoftwareVersion
                | ComputerItem
                | NetworkPort
                | ItemOperatingSystem
                | Infocom
                | UserEmail
                | GroupUser
                | ProfileUser
                | SoftwareVersion
                | DocumentItem
        )
    }

    /// The model dropdown of an asset type.
    pub fn model(self) -> Option<GlpiType> {
        Some(match self {
            Computer => ComputerModel,
            Monitor => MonitorModel,
            Printer => PrinterModel,
            NetworkEquipment => NetworkEquipmentModel,
            Peripheral => PeripheralModel,
            Phone => PhoneModel,
            _ => return None,
        })
    }

    /// The type dropdown of an asset type.
    pub fn kind(self) -> Option<GlpiType> {
        Some(match self {
            Computer => ComputerType,
            Monitor => MonitorType,
            Printer => PrinterType,
            NetworkEquipment => NetworkEquipmentType,
            Peripheral => PeripheralType,
            Phone => PhoneType,
            _ => return None,
        })
    }

    /// The parent foreign key of a tree type.
    pub fn tree_parent(self) -> Option<&'static str> {
        Some(match self {
            Location => "locations_id",
            State => "states_id",
            Group => "groups_id",
            SoftwareCategory => "softwarecategories_id",
            Entity => "entities_id",
            ItilCategory => "itilcategories_id",
            TaskCategory => "taskcategories_id",
            DocumentCategory => "documentcategories_id",
            BusinessCriticity => "businesscriticities_id",
            _ => return None,
        })
    }

    /// Whether the plan sets its `entities_id` (items visible per entity). Users, relations and
    /// global dropdowns (manufacturers, models…) have none to set.
    pub fn has_entity(self) -> bool {
        self.is_asset()
            || matches!(
                self,
                Software
                    | SoftwareVersion
                    | Location
                    | State
                    | Group
                    | Supplier
                    | Contract
                    | Ticket
                    | ItilCategory
                    | TaskCategory
                    | SolutionType
                    | Document
                    | BusinessCriticity
                    | Budget
            )
    }

    /// Creation stage: what an object points to is created in an earlier stage.
    pub fn stage(self) -> u32 {
        match self {
            Location
            | State
            | SoftwareCategory
            | ItilCategory
            | TaskCategory
            | DocumentCategory
            | SupplierType
            | BusinessCriticity
            | OperatingSystemKernel => 0,
            Manufacturer
            | UserTitle
            | UserCategory
            | OperatingSystem
            | OperatingSystemVersion
            | OperatingSystemArchitecture
            | OperatingSystemServicePack
            | OperatingSystemKernelVersion
            | OperatingSystemEdition
            | Supplier
            | ContractType
            | ComputerModel
            | ComputerType
            | MonitorModel
            | MonitorType
            | PrinterModel
            | PrinterType
            | NetworkEquipmentModel
            | NetworkEquipmentType
            | PeripheralModel
            | PeripheralType
            | PhoneModel
            | PhoneType
            | Profile
            | RequestType
            | SolutionType
            | BudgetType
            | Entity => 1,
            Group | Contract | Budget => 2,
            User => 3,
            GroupUser | ProfileUser | UserEmail | ContractSupplier => 4,
            Computer | Monitor | Printer | NetworkEquipment | Peripheral | Phone => 5,
            Software | ItemOperatingSystem | Infocom | NetworkPort | NetworkName | IpAddress
            | Document => 6,
            SoftwareVersion => 7,
            ComputerItem | ItemSoftwareVersion | ContractItem => 8,
            Ticket => 9,
            // A document's links with a ticket's timeline: before its solution and closing,
            // GLPI adds no document to a closed ticket (`Document_Item::prepareInputForAdd`).
            TicketUser | GroupTicket | ItemTicket | SupplierTicket | ItilFollowup | TicketTask
            | DocumentItem => 10,
            ItilSolution => 11,
        }
    }

    /// The types GLPI writes by itself when an item of this type is created: a new user gets
    /// its first authorization (`_profiles_id`, or the default Self-Service one) from
    /// `User::post_addItem`. An index of those types is stale after such a create.
    pub fn also_creates(self) -> &'static [GlpiType] {
        match self {
            User => &[ProfileUser],
            _ => &[],
        }
    }

    /// Inputs of an object sent with every write of it, updates included: the flags that keep
    /// GLPI from notifying or reopening (glpi-facts-2 §2).
    pub fn quiet_inputs(self) -> &'static [&'static str] {
        match self {
            Ticket | ItilFollowup | TicketTask => &["_disablenotif", "_no_reopen"],
            TicketUser | GroupTicket | ItemTicket | SupplierTicket | ItilSolution => {
                &["_disablenotif"]
            }
            _ => &[],
        }
    }

    /// Whether the administrator may let the plan create its missing values.
    pub fn is_creatable_dropdown(self) -> bool {
        self.stage() <= 1 && !matches!(self, Profile | Entity)
    }

    /// Default reconciliation keys, in order of preference: the first whose fields are all
    /// filled in a row is used. One definition for the check (duplicates) and the migration.
    pub fn default_keys(self) -> Vec<Vec<String>> {
        let k = |fields: &[&str]| fields.iter().map(|f| f.to_string()).collect::<Vec<_>>();
        match self {
            t if t.is_asset() => vec![k(&["serial"]), k(&["name"])],
            t if t.tree_parent().is_some() => vec![k(&["completename"])],
            GroupUser => vec![k(&["users_id", "groups_id"])],
            ProfileUser => vec![k(&["users_id", "profiles_id", "entities_id"])],
            UserEmail => vec![k(&["users_id", "email"])],
            SoftwareVersion => vec![k(&["softwares_id", "name"])],
            ItemSoftwareVersion => vec![k(&["itemtype", "items_id", "softwareversions_id"])],
            ComputerItem => vec![k(&["computers_id", "itemtype", "items_id"])],
            // A port of an asset: its number, name and MAC address, as many as are filled.
            NetworkPort => vec![
                k(&["itemtype", "items_id", "logical_number", "name", "mac"]),
                k(&["itemtype", "items_id", "logical_number", "mac"]),
                k(&["itemtype", "items_id", "logical_number", "name"]),
                k(&["itemtype", "items_id", "logical_number"]),
            ],
            ItemOperatingSystem | Infocom => vec![k(&["itemtype", "items_id"])],
            // The status and date steps of a migrated ticket name it by its id. GLPI 11's
            // `externalid` when the target has it (a key that finds nothing falls through);
            // GLPI 10 has no external id on tickets: the opening date, the title and the
            // requesters (the client attaches them to the tickets it reads).
            Ticket => vec![
                k(&["id"]),
                k(&["externalid"]),
                k(&["date", "name", "_users_id_requester"]),
            ],
            TicketUser => vec![k(&["tickets_id", "users_id", "type"])],
            GroupTicket => vec![k(&["tickets_id", "groups_id", "type"])],
            ItemTicket => vec![k(&["tickets_id", "itemtype", "items_id"])],
            SupplierTicket => vec![k(&["tickets_id", "suppliers_id", "type"])],
            ContractItem => vec![k(&["contracts_id", "itemtype", "items_id"])],
            ContractSupplier => vec![k(&["contracts_id", "suppliers_id"])],
            ItilFollowup => vec![k(&["itemtype", "items_id", "date", "content"])],
            // A task's `uuid` is set by the migration from the source ticket and position.
            TicketTask => vec![k(&["uuid"]), k(&["tickets_id", "date", "content"])],
            ItilSolution => vec![k(&["itemtype", "items_id", "content"])],
            // The same file under the same name: the check GLPI itself makes before storing
            // one file twice (`Document::getFromDBbyContent` compares the sha1sum).
            Document => vec![k(&["sha1sum", "filename"])],
            DocumentItem => vec![k(&["documents_id", "itemtype", "items_id"])],
            _ => vec![k(&["name"])],
        }
    }

    /// Whether reconciliation compares (and updates) this field. The entity is never moved by
    /// a migration, except an authorization's, which is its meaning (the directory's entities
    /// option moves it to the user's service); `is_recursive` likewise is compared where it is
    /// the meaning of the object (an authorization), not on dropdowns the plan creates
    /// recursive for convenience.
    pub fn compares(self, field: &str) -> bool {
        // A port's name and addresses are its children's, not columns read back with it.
        if field.starts_with('_')
            || (field == "entities_id" && self != ProfileUser)
            || NETWORK_NAME_INPUTS.contains(&field)
        {
            return false;
        }
        field != "is_recursive" || self == ProfileUser
    }

    /// The bit of the type's profile right that grants a generic [`bits`] right: tasks and
    /// followups have their own (`CommonITILTask::ADDALLITEM`/`UPDATEALL`,
    /// `ITILFollowup::ADDALLTICKET`/`UPDATEALL`: a Super-Admin's `task` right has no bit 4).
    pub fn right_bit(self, generic: u64) -> u64 {
        match (self, generic) {
            (TicketTask | ItilFollowup, bits::CREATE) => 4096,
            (TicketTask | ItilFollowup, bits::UPDATE) => 1024,
            _ => generic,
        }
    }

    /// The profile right that guards the type (`glpiactiveprofile` keys in the full session).
    pub fn right(self) -> &'static str {
        match self {
            Computer | ComputerItem | ItemOperatingSystem => "computer",
            Monitor => "monitor",
            Printer => "printer",
            NetworkEquipment | NetworkPort => "networking",
            NetworkName | IpAddress => "internet",
            Peripheral => "peripheral",
            Phone => "phone",
            Software | SoftwareVersion | ItemSoftwareVersion => "software",
            User | ProfileUser | UserEmail => "user",
            Group | GroupUser => "group",
            Location => "location",
            State => "state",
            Entity => "entity",
            Supplier => "contact_enterprise",
            Contract | ContractItem | ContractSupplier => "contract",
            SupplierTicket => "ticket",
            Infocom => "infocom",
            Profile => "profile",
            Ticket | TicketUser | GroupTicket | ItemTicket | ItilSolution => "ticket",
            ItilFollowup => "followup",
            TicketTask => "task",
            ItilCategory => "itilcategory",
            Document | DocumentItem => "document",
            _ => "dropdown",
        }
    }
}

/// What a field's value names, to be found (or created) on the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// A plain dropdown (or any item), matched by name.
    Dropdown(GlpiType),
    /// A tree dropdown, matched by complete name `A > B`, created level by level.
    Tree(GlpiType),
    /// A group (tree), created only from the groups file.
    Group,
    /// A user, by display name `Nom Prénom`.
    User,
    /// An entity: mapped by the administrator, never created.
    Entity,
    /// An asset of any type (a ticket's linked item), by name or serial: the type is the one
    /// of the asset found.
    Asset,
}

impl GlpiType {
    /// What the foreign key `field` of this type points to.
    pub fn field_target(self, field: &str) -> Option<Target> {
        Some(match field {
            "entities_id" | "_entities_id" => Target::Entity,
            "locations_id" => Target::Tree(Location),
            "states_id" => Target::Tree(State),
            "softwarecategories_id" => Target::Tree(SoftwareCategory),
            "groups_id" | "groups_id_tech" => Target::Group,
            "users_id" | "users_id_tech" | "users_id_supervisor" => Target::User,
            "manufacturers_id" => Target::Dropdown(Manufacturer),
            "operatingsystems_id" => Target::Dropdown(OperatingSystem),
            "operatingsystemversions_id" => Target::Dropdown(OperatingSystemVersion),
            "operatingsystemarchitectures_id" => Target::Dropdown(OperatingSystemArchitecture),
            "operatingsystemservicepacks_id" => Target::Dropdown(OperatingSystemServicePack),
            "operatingsystemkernelversions_id" => Target::Dropdown(OperatingSystemKernelVersion),
            "operatingsystemkernels_id" => Target::Dropdown(OperatingSystemKernel),
            "operatingsystemeditions_id" => Target::Dropdown(OperatingSystemEdition),
            "suppliers_id" => Target::Dropdown(Supplier),
            "suppliertypes_id" => Target::Dropdown(SupplierType),
            "contracttypes_id" => Target::Dropdown(ContractType),
            "contracts_id" => Target::Dropdown(Contract),
            "usertitles_id" => Target::Dropdown(UserTitle),
            "usercategories_id" => Target::Dropdown(UserCategory),
            "profiles_id" | "_profiles_id" => Target::Dropdown(Profile),
            "itilcategories_id" => Target::Tree(ItilCategory),
            "taskcategories_id" => Target::Tree(TaskCategory),
            "businesscriticities_id" => Target::Tree(BusinessCriticity),
            "budgets_id" => Target::Dropdown(Budget),
            "budgettypes_id" => Target::Dropdown(BudgetType),
            "requesttypes_id" => Target::Dropdown(RequestType),
            "solutiontypes_id" => Target::Dropdown(SolutionType),
            "tickets_id" => Target::Dropdown(Ticket),
            "documentcategories_id" => Target::Tree(DocumentCategory),
            "documents_id" => Target::Dropdown(Document),
            f if self.model().is_some_and(|m| f == model_field(m)) => {
                Target::Dropdown(self.model()?)
            }
            f if self.kind().is_some_and(|k| f == model_field(k)) => Target::Dropdown(self.kind()?),
            _ => return None,
        })
    }
}

/// The foreign key naming a type (`ComputerModel` → `computermodels_id`).
pub fn model_field(t: GlpiType) -> String {
    format!("{}s_id", t.name().to_lowercase())
}

impl fmt::Display for GlpiType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for GlpiType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for GlpiType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        GlpiType::from_name(&name).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_its_real_table_and_round_trips_by_name() {
        for t in GlpiType::ALL {
            assert!(!t.columns().is_empty(), "{t}: no columns for {}", t.table());
            assert_eq!(GlpiType::from_name(t.name()), Ok(*t));
            let json = serde_json::to_string(t).unwrap();
            assert_eq!(serde_json::from_str::<GlpiType>(&json).unwrap(), *t);
        }
        assert!(GlpiType::from_name("Computers").is_err());
    }

    #[test]
    fn glpi_keeps_operating_system_and_purchase_data_apart_from_the_computer() {
        for dropped in ["operatingsystems_id", "buy_date", "value", "suppliers_id"] {
            assert!(!Computer.keeps(dropped), "{dropped}");
        }
        assert!(ItemOperatingSystem.keeps("operatingsystems_id"));
        assert!(Infocom.keeps("buy_date") && Infocom.keeps("warranty_duration"));
        assert!(!Infocom.keeps("warranty_expiration"));
        assert!(User.keeps("_profiles_id") && !User.keeps("_useremails_list"));
        assert_eq!(
            Computer.check_field("warranty_expiration"),
            Err(GlpiError::UnknownField {
                itemtype: Computer,
                field: "warranty_expiration".into()
            })
        );
    }

    #[test]
    fn what_an_object_points_to_is_created_first() {
        for t in GlpiType::ALL {
            if let Some(m) = t.model() {
                assert!(m.stage() < t.stage());
            }
        }
        assert!(User.stage() < ProfileUser.stage());
        assert!(Computer.stage() < ItemOperatingSystem.stage());
        assert!(Software.stage() < SoftwareVersion.stage());
        assert!(SoftwareVersion.stage() < ItemSoftwareVersion.stage());
        for t in [
            TicketUser,
            GroupTicket,
            ItemTicket,
            ItilFollowup,
            TicketTask,
        ] {
            assert!(Ticket.stage() < t.stage() && t.stage() < ItilSolution.stage());
        }
        for t in [
            ItilCategory,
            RequestType,
            TaskCategory,
            SolutionType,
            User,
            Group,
        ] {
            assert!(t.stage() < Ticket.stage());
        }
    }

    #[test]
    fn a_ticket_takes_its_actors_and_the_flags_that_keep_glpi_quiet() {
        for f in [
            "_users_id_assign",
            "_groups_id_observer",
            "_disablenotif",
            "_skip_rules",
            "_skip_auto_assign",
            "_skip_sla_assign",
            "_skip_default_contract",
            "_do_not_compute_takeintoaccount",
            "takeintoaccountdate",
        ] {
            assert_eq!(Ticket.check_field(f), Ok(()), "{f}");
        }
        assert!(ItilSolution.keeps("_do_not_compute_status") && ItilSolution.keeps("users_id"));
        assert!(TicketTask.keeps("uuid") && TicketTask.keeps("actiontime"));
        assert!(
            !Ticket.keeps("externalid"),
            "GLPI 10 has no external id on tickets"
        );
        assert_eq!(ItilCategory.tree_parent(), Some("itilcategories_id"));
        assert_eq!(
            Ticket.field_target("itilcategories_id"),
            Some(Target::Tree(ItilCategory))
        );
    }

    /// The undo of a port's update deletes the addresses the update added (ids the target has
    /// now that the before-values do not name), keeps the others' before-values, and touches
    /// nothing when the port's network name is another one or the update left addresses alone.
    #[test]
    fn undoing_a_port_update_deletes_the_addresses_it_added() {
        use serde_json::{json, Map, Value};
        let obj = |v: Value| -> Map<String, Value> { v.as_object().cloned().unwrap() };
        let before = obj(json!({"_create_children": 1, NETWORK_NAME_ID_INPUT: 3,
            EVERY_ADDRESS_NAMED: 1, NETWORK_NAME_INPUTS[0]: "renamed",
            NETWORK_NAME_INPUTS[1]: {"11": "10.0.0.1", "12": "10.9.9.9", "-1": "fe80::9"}}));
        // 11 kept, 12 updated in place, the one "-1" restores deleted by the update; 14 added.
        let now = obj(json!({"id": 7, NETWORK_NAME_ID_INPUT: "3",
            NETWORK_NAME_INPUTS[0]: "pc-1",
            NETWORK_NAME_INPUTS[1]: {"11": "10.0.0.1", "12": "10.0.0.2", "14": "10.0.0.3"}}));
        let mut restored = before.clone();
        undo_added_addresses(&mut restored, Some(&now));
        assert_eq!(
            restored[NETWORK_NAME_INPUTS[1]],
            json!({"11": "10.0.0.1", "12": "10.9.9.9", "-1": "fe80::9", "14": ""})
        );
        assert!(!restored.contains_key(EVERY_ADDRESS_NAMED), "never sent");
        // A journal written before the mark names only what the update changed: nothing is
        // deleted (11, kept by the update, would be taken for an added address).
        let mut older = before.clone();
        older.remove(EVERY_ADDRESS_NAMED);
        let mut restored = older.clone();
        undo_added_addresses(&mut restored, Some(&now));
        assert_eq!(restored, older);
        // The port could not be read again: the before-values as journaled, the mark out.
        let mut restored = before.clone();
        undo_added_addresses(&mut restored, None);
        assert_eq!(restored, older);
        // Undone again (a resumed undo): what the first one re-added is deleted and added once.
        let again = obj(json!({NETWORK_NAME_ID_INPUT: 3,
            NETWORK_NAME_INPUTS[1]: {"11": "10.0.0.1", "12": "10.9.9.9", "15": "fe80::9"}}));
        let mut restored = before.clone();
        undo_added_addresses(&mut restored, Some(&again));
        assert_eq!(
            restored[NETWORK_NAME_INPUTS[1]],
            json!({"11": "10.0.0.1", "12": "10.9.9.9", "-1": "fe80::9", "15": ""})
        );
        let other_name = obj(json!({NETWORK_NAME_ID_INPUT: 4,
            NETWORK_NAME_INPUTS[1]: {"20": "10.0.0.1"}}));
        let mut restored = before.clone();
        undo_added_addresses(&mut restored, Some(&other_name));
        assert_eq!(restored, older);
        let plain = obj(json!({"name": "eth0"}));
        let mut restored = plain.clone();
        undo_added_addresses(&mut restored, Some(&now));
        assert_eq!(restored, plain);
    }

    /// The undo of an update that gave a nameless port its network name names the port's name
    /// read again, emptied (GLPI purges it with its addresses); an older journal (no mark), a
    /// port not read, or a port with no name any more (a resumed undo) keep the before-values.
    #[test]
    fn undoing_a_port_update_purges_the_network_name_it_added() {
        use serde_json::{json, Map, Value};
        let obj = |v: Value| -> Map<String, Value> { v.as_object().cloned().unwrap() };
        let before = obj(json!({"_create_children": 1, NETWORK_NAME_INPUTS[0]: "",
            NETWORK_NAME_INPUTS[1]: {}, EVERY_ADDRESS_NAMED: 1, NETWORK_NAME_ADDED: 1}));
        let now = obj(json!({"id": 7, NETWORK_NAME_ID_INPUT: 149,
            NETWORK_NAME_INPUTS[0]: "pc-1", NETWORK_NAME_INPUTS[1]: {"153": "10.0.0.1"}}));
        // As the undo completes them: the addresses first, then the name.
        let undone = |before: &Map<String, Value>, now: Option<&Map<String, Value>>| {
            let mut restored = before.clone();
            undo_added_addresses(&mut restored, now);
            undo_added_network_name(&mut restored, now);
            restored
        };
        assert_eq!(
            Value::Object(undone(&before, Some(&now))),
            json!({"_create_children": 1, NETWORK_NAME_ID_INPUT: 149,
                NETWORK_NAME_INPUTS[0]: "", NETWORK_NAME_INPUTS[1]: {}}),
            "the added name named, empty; the marks never sent"
        );
        let as_journaled = obj(json!({"_create_children": 1, NETWORK_NAME_INPUTS[0]: "",
            NETWORK_NAME_INPUTS[1]: {}}));
        // A journal written before the mark: the name is left (no name id: GLPI adds none).
        let mut older = before.clone();
        older.remove(NETWORK_NAME_ADDED);
        assert_eq!(undone(&older, Some(&now)), as_journaled);
        // The port could not be read again: the before-values as journaled, the marks out.
        assert_eq!(undone(&before, None), as_journaled);
        // Undone again (a resumed undo) once the name is gone: nothing named, nothing purged.
        let nameless = obj(json!({"id": 7}));
        assert_eq!(undone(&before, Some(&nameless)), as_journaled);
        // A port that had a name keeps it: its before-values carry no mark.
        let named = obj(json!({"_create_children": 1, NETWORK_NAME_ID_INPUT: 149,
            NETWORK_NAME_INPUTS[0]: "old", NETWORK_NAME_INPUTS[1]: {"153": "10.0.0.1"},
            EVERY_ADDRESS_NAMED: 1}));
        let mut expected = named.clone();
        expected.remove(EVERY_ADDRESS_NAMED);
        assert_eq!(undone(&named, Some(&now)), expected);
    }
}
