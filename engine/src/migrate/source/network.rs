//! Network ports of the assets read, each with its network name and IP addresses
//! (`NetworkPort`, `NetworkName`, `IPAddress` → the network ports companion).
//!
//! All three are read as ids and joined here: a port belongs to an asset (`itemtype`,
//! `items_id`), a name to a port (`itemtype` `NetworkPort`), an address to a name.

use std::collections::{BTreeMap, HashMap};

use super::assets::asset_key;
use super::{flag, id, number, text, Built, Context, Endpoint, SkipReason, SourceRead};
use crate::glpi::GlpiType;
use crate::migrate::companion::CompanionKind;

/// Ports, as ids.
pub const PORTS: Endpoint = Endpoint {
    itemtype: GlpiType::NetworkPort,
    expand: false,
};
/// Network names, as ids.
pub const NAMES: Endpoint = Endpoint {
    itemtype: GlpiType::NetworkName,
    expand: false,
};
/// IP addresses, as ids.
pub const ADDRESSES: Endpoint = Endpoint {
    itemtype: GlpiType::IpAddress,
    expand: false,
};

/// The collections this family reads.
pub const ENDPOINTS: &[Endpoint] = &[PORTS, NAMES, ADDRESSES];

/// Builds the network ports companion: one row per port of an asset carried.
pub fn build(read: &SourceRead, ctx: &Context, out: &mut Built) {
    // (type, id) → the asset's key as the plan knows it (serial, else name).
    let mut assets: HashMap<(GlpiType, u64), String> = HashMap::new();
    for t in GlpiType::ALL.iter().copied().filter(|t| t.is_asset()) {
        for a in read.rows(Endpoint {
            itemtype: t,
            expand: false,
        }) {
            if flag(a, "is_deleted") || flag(a, "is_template") || !ctx.in_scope(a) {
                continue;
            }
            if let Some(aid) = id(a) {
                assets.insert((t, aid), asset_key(a));
            }
        }
    }
    // Addresses by network name, in id order; names by port (the first one, as GLPI's
    // port form shows one).
    let mut addresses: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for a in read.rows(ADDRESSES) {
        if text(a, "itemtype") != "NetworkName" || flag(a, "is_deleted") {
            continue;
        }
        if let Some(n) = number(a, "items_id") {
            addresses.entry(n).or_default().push(text(a, "name"));
        }
    }
    let mut names: HashMap<u64, (String, Vec<String>)> = HashMap::new();
    for n in read.rows(NAMES) {
        if text(n, "itemtype") != "NetworkPort" || flag(n, "is_deleted") {
            continue;
        }
        let (Some(nid), Some(port)) = (id(n), number(n, "items_id")) else {
            continue;
        };
        names.entry(port).or_insert_with(|| {
            (
                text(n, "name"),
                addresses.get(&nid).cloned().unwrap_or_default(),
            )
        });
    }
    let mut rows = Vec::new();
    for p in read.rows(PORTS) {
        if flag(p, "is_deleted") {
            out.skip(GlpiType::NetworkPort, SkipReason::Deleted);
            continue;
        }
        let asset = GlpiType::from_name(&text(p, "itemtype"))
            .ok()
            .zip(number(p, "items_id"))
            .and_then(|(t, i)| Some((t, assets.get(&(t, i))?)));
        let (Some((itemtype, key)), Some(pid)) = (asset, id(p)) else {
            out.skip(GlpiType::NetworkPort, SkipReason::OutsideRead);
            continue;
        };
        out.read(GlpiType::NetworkPort, 1);
        let (name, ips) = names.get(&pid).cloned().unwrap_or_default();
        rows.push(vec![
            key.clone(),
            itemtype.name().to_string(),
            text(p, "logical_number"),
            text(p, "name"),
            text(p, "instantiation_type"),
            text(p, "mac"),
            name,
            ips.join(" "),
            text(p, "date_creation"),
            text(p, "comment"),
            text(p, "ifmtu"),
            text(p, "ifspeed"),
        ]);
    }
    out.companion(CompanionKind::NetworkPorts, rows);
}
