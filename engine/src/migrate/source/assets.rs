//! The six asset types (computers, monitors, printers, network equipment, peripherals,
//! phones) with their operating system (`Item_OperatingSystem`), purchase and warranty
//! (`Infocom`), and the items connected to computers (`Computer_Item` → the connections
//! companion).
//!
//! Each asset type is read twice: with names (dropdowns by name, trees by complete name) and as
//! ids (its users, written by login; expanded, GLPI gives their display name, which homonyms
//! share). The operating systems and financial data are read the same way: their `items_id`
//! would be expanded into the asset's name.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{
    date, flag, id, number, text, twins, Built, Context, Endpoint, SkipReason, SourceRead,
};
use crate::detect::ItemType;
use crate::glpi::GlpiType;
use crate::migrate::companion::CompanionKind;

/// The asset types, in the order they are read.
pub const ASSETS: [GlpiType; 6] = [
    GlpiType::Computer,
    GlpiType::Monitor,
    GlpiType::Printer,
    GlpiType::NetworkEquipment,
    GlpiType::Peripheral,
    GlpiType::Phone,
];

const fn pair(itemtype: GlpiType) -> [Endpoint; 2] {
    [
        Endpoint {
            itemtype,
            expand: false,
        },
        Endpoint {
            itemtype,
            expand: true,
        },
    ]
}

/// The collections this family reads.
pub const ENDPOINTS: &[Endpoint] = &{
    let c = pair(GlpiType::Computer);
    let m = pair(GlpiType::Monitor);
    let p = pair(GlpiType::Printer);
    let n = pair(GlpiType::NetworkEquipment);
    let r = pair(GlpiType::Peripheral);
    let t = pair(GlpiType::Phone);
    let o = pair(GlpiType::ItemOperatingSystem);
    let i = pair(GlpiType::Infocom);
    [
        c[0],
        c[1],
        m[0],
        m[1],
        p[0],
        p[1],
        n[0],
        n[1],
        r[0],
        r[1],
        t[0],
        t[1],
        o[0],
        o[1],
        i[0],
        i[1],
        Endpoint {
            itemtype: GlpiType::ComputerItem,
            expand: false,
        },
        KERNEL_VERSIONS,
    ]
};

/// Kernel versions, with names: an operating system's kernel is its kernel version's
/// (`Linux` for `6.1.0-18-amd64`), which the OS link does not name.
const KERNEL_VERSIONS: Endpoint = Endpoint {
    itemtype: GlpiType::OperatingSystemKernelVersion,
    expand: true,
};

/// Columns of the asset itself (those its type keeps are used; `_model`/`_type` are spelled
/// with the type: `computermodels_id`).
const OWN: &[&str] = &[
    "name",
    "entities_id",
    "serial",
    "otherserial",
    "manufacturers_id",
    "_model",
    "_type",
    "states_id",
    "locations_id",
    "users_id",
    "contact",
    "contact_num",
    "uuid",
    "brand",
    "memory_size",
    "init_pages_counter",
    "ram",
    "cpu",
    "groups_id",
    "users_id_tech",
    "groups_id_tech",
    "size",
    "number_line",
    "last_pages_counter",
    "have_serial",
    "have_parallel",
    "have_usb",
    "have_wifi",
    "have_ethernet",
    "have_micro",
    "have_speaker",
    "have_subd",
    "have_bnc",
    "have_dvi",
    "have_pivot",
    "have_hdmi",
    "have_displayport",
    "have_headset",
    "have_hp",
    "comment",
    "date_creation",
];

/// Fields written by login (read as ids).
const USERS: &[&str] = &["users_id", "users_id_tech"];

/// Operating-system columns (`Item_OperatingSystem`).
const OS: &[&str] = &[
    "operatingsystems_id",
    "operatingsystemversions_id",
    "operatingsystemarchitectures_id",
    "operatingsystemkernelversions_id",
    "operatingsystemservicepacks_id",
    "operatingsystemeditions_id",
    "license_number",
    "licenseid",
    "install_date",
    "company",
    "owner",
    "hostid",
    "_os_date_creation",
    "_os_kernel",
];

/// Financial columns (`Infocom`); the warranty is given as its expiration, as the exports do.
const INFOCOM: &[&str] = &[
    "buy_date",
    "use_date",
    "order_date",
    "delivery_date",
    "warranty_expiration",
    "value",
    "warranty_value",
    "warranty_info",
    "order_number",
    "delivery_number",
    "immo_number",
    "bill",
    "suppliers_id",
    "sink_time",
    "sink_type",
    "sink_coeff",
    "_infocom_comment",
    "alert",
    "inventory_date",
    "decommission_date",
    "budgets_id",
    "businesscriticities_id",
    "_infocom_date_creation",
];

/// What an asset is known by in companion tables: its serial, else its name (the plan's key).
pub fn asset_key(row: &Map<String, Value>) -> String {
    let serial = text(row, "serial");
    if serial.trim().is_empty() {
        text(row, "name")
    } else {
        serial
    }
}

/// The asset's columns of `itemtype`, as GLPI field names.
fn own_fields(itemtype: GlpiType) -> Vec<String> {
    let lower = itemtype.name().to_lowercase();
    OWN.iter()
        .map(|f| match *f {
            "_model" => format!("{lower}models_id"),
            "_type" => format!("{lower}types_id"),
            f => f.to_string(),
        })
        .filter(|f| itemtype.keeps(f))
        .collect()
}

/// Related rows (OS, infocom) by (itemtype, items_id), as (ids, names).
type Related<'a> = HashMap<(String, u64), super::Twin<'a>>;

/// The related rows of `itemtype`, counted in `out`: read, and not carried when damaged or a
/// second one for the same asset (GLPI lets an asset hold several operating systems; its table
/// carries the first). Whether its asset is carried is counted by [`count_unattached`].
fn related<'a>(read: &'a SourceRead, itemtype: GlpiType, out: &mut Built) -> Related<'a> {
    let mut related = HashMap::new();
    for (raw, named) in twins(read, itemtype, Some(out)) {
        let Some(item) = number(raw, "items_id") else {
            out.skip(itemtype, SkipReason::NoId);
            continue;
        };
        match related.entry((text(raw, "itemtype"), item)) {
            Entry::Vacant(v) => {
                v.insert((raw, named));
            }
            Entry::Occupied(_) => out.skip(itemtype, SkipReason::SecondForItsAsset),
        }
    }
    related
}

/// Counts the related rows whose asset is not carried: with the asset's own reason when it was
/// read and left out (a template, in the trash, another entity), else as linked to an object not
/// read (another type, such as a licence's financial record, or an asset not read).
fn count_unattached(
    related: &Related<'_>,
    itemtype: GlpiType,
    carried: &HashMap<(String, u64), Option<SkipReason>>,
    out: &mut Built,
) {
    for link in related.keys() {
        match carried.get(link) {
            Some(None) => {}
            Some(Some(reason)) => out.skip(itemtype, *reason),
            None => out.skip(itemtype, SkipReason::OutsideRead),
        }
    }
}

/// Builds the six asset tables and the connections companion.
pub fn build(read: &SourceRead, ctx: &Context, out: &mut Built) {
    let os = related(read, GlpiType::ItemOperatingSystem, out);
    let infocoms = related(read, GlpiType::Infocom, out);
    let kernels: HashMap<u64, String> = read
        .rows(KERNEL_VERSIONS)
        .iter()
        .filter_map(|v| Some((number(v, "id")?, text(v, "operatingsystemkernels_id"))))
        .collect();
    // (itemtype, id) → key, for connections.
    let mut keys: HashMap<(GlpiType, u64), String> = HashMap::new();
    // (itemtype, id) → carried (`None`) or why not, for the related rows' counts.
    let mut carried: HashMap<(String, u64), Option<SkipReason>> = HashMap::new();
    for itemtype in ASSETS {
        let own = own_fields(itemtype);
        let mut headers: Vec<&str> = own.iter().map(String::as_str).collect();
        headers.extend(OS);
        headers.extend(INFOCOM);
        let mut rows = Vec::new();
        for (raw, named) in twins(read, itemtype, Some(out)) {
            // Paired by id: every pair has one.
            let Some(aid) = id(raw) else { continue };
            let link = (itemtype.name().to_string(), aid);
            let left_out = if flag(raw, "is_template") {
                Some(SkipReason::Template)
            } else if flag(raw, "is_deleted") {
                Some(SkipReason::Deleted)
            } else if !ctx.in_scope(raw) {
                Some(SkipReason::OutsideEntity)
            } else {
                None
            };
            carried.insert(link.clone(), left_out);
            if let Some(reason) = left_out {
                out.skip(itemtype, reason);
                continue;
            }
            keys.insert((itemtype, aid), asset_key(raw));
            let os = os.get(&link);
            let infocom = infocoms.get(&link);
            let cells = headers
                .iter()
                .map(|f| {
                    if USERS.contains(f) {
                        // A user not read (outside the entity) keeps the name GLPI shows.
                        let login = ctx.login(raw, f);
                        return if login.is_empty() && number(raw, f).unwrap_or(0) > 0 {
                            text(named, f)
                        } else {
                            login
                        };
                    }
                    if OS.contains(f) {
                        let Some((r, n)) = os else {
                            return String::new();
                        };
                        return match *f {
                            "install_date" => date(n, f),
                            "_os_date_creation" => text(n, "date_creation"),
                            "_os_kernel" => number(r, "operatingsystemkernelversions_id")
                                .and_then(|v| kernels.get(&v).cloned())
                                .unwrap_or_default(),
                            _ => text(n, f),
                        };
                    }
                    if INFOCOM.contains(f) {
                        let Some((_, n)) = infocom else {
                            return String::new();
                        };
                        return match *f {
                            "warranty_expiration" => warranty_expiration(n),
                            "buy_date" | "use_date" | "order_date" | "delivery_date" => date(n, f),
                            "value" | "warranty_value" => decimal(n, f),
                            "_infocom_comment" => text(n, "comment"),
                            "_infocom_date_creation" => text(n, "date_creation"),
                            "inventory_date" | "decommission_date" => date(n, f),
                            // GLPI's 0: none (the enumeration starts at 1).
                            "sink_type" if number(n, f) == Some(0) => String::new(),
                            _ => text(n, f),
                        };
                    }
                    text(named, f)
                })
                .collect();
            rows.push((aid, cells));
        }
        let item_type = ItemType::ALL
            .into_iter()
            .find(|t| GlpiType::of_file(*t) == Some(itemtype))
            .unwrap_or(ItemType::Computer);
        out.table(item_type, &headers, rows);
    }
    count_unattached(&os, GlpiType::ItemOperatingSystem, &carried, out);
    count_unattached(&infocoms, GlpiType::Infocom, &carried, out);

    let mut connections = Vec::new();
    for c in read.rows(Endpoint {
        itemtype: GlpiType::ComputerItem,
        expand: false,
    }) {
        if flag(c, "is_deleted") {
            out.skip(GlpiType::ComputerItem, SkipReason::Deleted);
            continue;
        }
        let item_type = GlpiType::from_name(&text(c, "itemtype")).ok();
        let computer = number(c, "computers_id").and_then(|i| keys.get(&(GlpiType::Computer, i)));
        let item = item_type
            .zip(number(c, "items_id"))
            .and_then(|k| keys.get(&k));
        match (computer, item, item_type) {
            (Some(computer), Some(item), Some(t)) => {
                out.read(GlpiType::ComputerItem, 1);
                connections.push(vec![computer.clone(), t.name().to_string(), item.clone()]);
            }
            _ => out.skip(GlpiType::ComputerItem, SkipReason::OutsideRead),
        }
    }
    out.companion(CompanionKind::Connections, connections);
}

/// A decimal as GLPI keeps it (`899.0000` → `899.00`): trailing zeros past two decimals dropped.
fn decimal(row: &Map<String, Value>, field: &str) -> String {
    let t = text(row, field);
    match t.split_once('.') {
        Some((whole, frac)) => {
            let frac = frac.trim_end_matches('0');
            format!("{whole}.{frac:0<2}")
        }
        None => t,
    }
}

/// The warranty's expiration as GLPI computes it: its start plus its duration in months (the
/// day clamped to the month's end); empty without a start or a duration.
pub fn warranty_expiration(row: &Map<String, Value>) -> String {
    let start = date(row, "warranty_date");
    let months = number(row, "warranty_duration").unwrap_or(0);
    let mut parts = start.split('-').map(|p| p.parse::<i64>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next())
    else {
        return String::new();
    };
    if months == 0 {
        return String::new();
    }
    let total = y * 12 + (m - 1) + months as i64;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let last = match nm {
        2 if (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    format!("{ny:04}-{nm:02}-{:02}", d.min(last))
}
