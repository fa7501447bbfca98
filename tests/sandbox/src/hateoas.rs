//! The child links GLPI's API adds to every item it returns (`API::getHatoasClasses`): one
//! `{"rel": Child, "href": ".../Type/ID/Child/"}` per class of GLPI's `reservation_types`,
//! `document_types`, `contract_types`, `infocom_types`, `ticket_types`, `project_asset_types`,
//! `networkport_types` and device lists (`inc/define.php`), as the real 10.0.11 answered them for
//! each item type the sandbox serves.

const ASSET: &[&str] = &[
    "ReservationItem",
    "Document_Item",
    "Contract_Item",
    "Infocom",
    "Item_Ticket",
    "Item_Project",
    "NetworkPort",
];

/// Device links of computers, network equipment, peripherals and phones, in GLPI's order.
const DEVICES: &[&str] = &[
    "Item_DeviceMotherboard",
    "Item_DeviceFirmware",
    "Item_DeviceProcessor",
    "Item_DeviceMemory",
    "Item_DeviceHardDrive",
    "Item_DeviceNetworkCard",
    "Item_DeviceDrive",
    "Item_DeviceBattery",
    "Item_DeviceGraphicCard",
    "Item_DeviceSoundCard",
    "Item_DeviceControl",
    "Item_DevicePci",
    "Item_DeviceCase",
    "Item_DevicePowerSupply",
    "Item_DeviceGeneric",
    "Item_DeviceSimcard",
    "Item_DeviceSensor",
    "Item_DeviceCamera",
];

const TICKET: &[&str] = &[
    "Document_Item",
    "TicketTask",
    "TicketValidation",
    "TicketCost",
    "Problem_Ticket",
    "Change_Ticket",
    "Item_Ticket",
    "ITILSolution",
    "ITILFollowup",
    "Ticket_User",
    "Group_Ticket",
    "Supplier_Ticket",
];

/// The child classes linked from an item of `itemtype`, in GLPI's order.
pub fn children(itemtype: &str) -> Vec<&'static str> {
    match itemtype {
        "Computer" | "NetworkEquipment" | "Peripheral" | "Phone" => {
            ASSET.iter().chain(DEVICES).copied().collect()
        }
        // Printers have no power supply (not in `itemdevicepowersupply_types`).
        "Printer" => ASSET
            .iter()
            .chain(DEVICES)
            .copied()
            .filter(|c| *c != "Item_DevicePowerSupply")
            .collect(),
        "Monitor" => ASSET.to_vec(),
        "Software" => ASSET[..6].to_vec(),
        "Ticket" => TICKET.to_vec(),
        "Entity" | "Supplier" | "User" | "ITILFollowup" | "ITILSolution" | "TicketTask" => {
            vec!["Document_Item"]
        }
        _ => Vec::new(),
    }
}
