//! Suppliers, contracts and budgets, with what links them: the items a contract covers
//! (`Contract_Item`), its suppliers (`Contract_Supplier`), and the suppliers on tickets
//! (`Supplier_Ticket`) → the suppliers, contracts, contract links and ticket suppliers
//! companions, and the budgets companion (which assets' financial records name), which the plan
//! reads as it reads those files.
//!
//! Suppliers and contracts are read with names (their type, location and state by name, their
//! entity by complete name); the links as ids, joined here on what was read: a link is carried
//! when both its ends are (the asset by the key the plan gives it, serial else name).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::assets::asset_key;
use super::{date, flag, id, number, text, Built, Context, Endpoint, SkipReason, SourceRead};
use crate::glpi::GlpiType;
use crate::migrate::companion::{CompanionKind, BUDGET_FIELDS, CONTRACT_FIELDS, SUPPLIER_FIELDS};

/// Suppliers, with names.
pub const SUPPLIERS: Endpoint = Endpoint {
    itemtype: GlpiType::Supplier,
    expand: true,
};
/// Contracts, with names.
pub const CONTRACTS: Endpoint = Endpoint {
    itemtype: GlpiType::Contract,
    expand: true,
};
/// Budgets, with names.
pub const BUDGETS: Endpoint = Endpoint {
    itemtype: GlpiType::Budget,
    expand: true,
};
/// Items covered by contracts, as ids.
pub const CONTRACT_ITEMS: Endpoint = Endpoint {
    itemtype: GlpiType::ContractItem,
    expand: false,
};
/// Suppliers of contracts, as ids.
pub const CONTRACT_SUPPLIERS: Endpoint = Endpoint {
    itemtype: GlpiType::ContractSupplier,
    expand: false,
};
/// Suppliers on tickets, as ids.
pub const SUPPLIER_TICKETS: Endpoint = Endpoint {
    itemtype: GlpiType::SupplierTicket,
    expand: false,
};

/// The collections this family reads.
pub const ENDPOINTS: &[Endpoint] = &[
    SUPPLIERS,
    CONTRACTS,
    BUDGETS,
    CONTRACT_ITEMS,
    CONTRACT_SUPPLIERS,
    SUPPLIER_TICKETS,
];

/// A flag as the companion writes it.
fn yes(row: &Map<String, Value>, field: &str) -> String {
    if flag(row, field) { "Oui" } else { "Non" }.to_string()
}

/// The objects of a type carried (in the trash, a template or outside the entity: counted and
/// left), as id → name, with their companion rows.
fn carried(
    read: &SourceRead,
    ctx: &Context,
    out: &mut Built,
    endpoint: Endpoint,
    fields: &[&str],
) -> (HashMap<u64, String>, Vec<Vec<String>>) {
    let rows = read.rows(endpoint);
    let itemtype = endpoint.itemtype;
    out.read(itemtype, rows.len());
    let (mut names, mut table) = (HashMap::new(), Vec::new());
    for r in rows {
        let Some(oid) = id(r) else {
            out.skip(itemtype, SkipReason::NoId);
            continue;
        };
        if flag(r, "is_template") {
            out.skip(itemtype, SkipReason::Template);
            continue;
        }
        if flag(r, "is_deleted") {
            out.skip(itemtype, SkipReason::Deleted);
            continue;
        }
        if !ctx.in_scope_named(r) {
            out.skip(itemtype, SkipReason::OutsideEntity);
            continue;
        }
        let cells = fields
            .iter()
            .map(|f| match *f {
                "is_recursive" | "is_active" => yes(r, f),
                "begin_date" | "end_date" => date(r, f),
                // An expanded dropdown GLPI has no value for comes as `&nbsp;`.
                f if f.ends_with("_id") => {
                    let t = text(r, f);
                    if t.trim() == "&nbsp;" || t.trim() == "\u{a0}" {
                        String::new()
                    } else {
                        t
                    }
                }
                f => text(r, f),
            })
            .collect();
        names.insert(oid, text(r, "name"));
        table.push(cells);
    }
    (names, table)
}

/// Builds the five companions.
pub fn build(read: &SourceRead, ctx: &Context, out: &mut Built) {
    let (suppliers, rows) = carried(read, ctx, out, SUPPLIERS, &SUPPLIER_FIELDS);
    out.companion(CompanionKind::Suppliers, rows);
    let (contracts, rows) = carried(read, ctx, out, CONTRACTS, &CONTRACT_FIELDS);
    out.companion(CompanionKind::Contracts, rows);
    let (_, rows) = carried(read, ctx, out, BUDGETS, &BUDGET_FIELDS);
    out.companion(CompanionKind::Budgets, rows);

    // Assets carried, by (type, id): their key as the plan knows it.
    let mut assets: HashMap<(String, u64), String> = HashMap::new();
    for t in GlpiType::ALL.iter().copied().filter(|t| t.is_asset()) {
        for a in read.rows(Endpoint {
            itemtype: t,
            expand: false,
        }) {
            if flag(a, "is_deleted") || flag(a, "is_template") || !ctx.in_scope(a) {
                continue;
            }
            if let Some(aid) = id(a) {
                assets.insert((t.name().to_string(), aid), asset_key(a));
            }
        }
    }
    let mut links = Vec::new();
    for l in read.rows(CONTRACT_ITEMS) {
        let contract = number(l, "contracts_id").and_then(|c| contracts.get(&c));
        let itemtype = text(l, "itemtype");
        let item = number(l, "items_id").and_then(|i| assets.get(&(itemtype.clone(), i)));
        match (contract, item) {
            (Some(c), Some(i)) => {
                out.read(GlpiType::ContractItem, 1);
                links.push(vec![c.clone(), itemtype, i.clone()]);
            }
            _ => out.skip(GlpiType::ContractItem, SkipReason::OutsideRead),
        }
    }
    for l in read.rows(CONTRACT_SUPPLIERS) {
        let contract = number(l, "contracts_id").and_then(|c| contracts.get(&c));
        let supplier = number(l, "suppliers_id").and_then(|s| suppliers.get(&s));
        match (contract, supplier) {
            (Some(c), Some(s)) => {
                out.read(GlpiType::ContractSupplier, 1);
                links.push(vec![c.clone(), "Supplier".into(), s.clone()]);
            }
            _ => out.skip(GlpiType::ContractSupplier, SkipReason::OutsideRead),
        }
    }
    out.companion(CompanionKind::ContractLinks, links);

    // Tickets carried: those of the entities read (as the tickets family decides).
    let tickets: HashSet<u64> = read
        .rows(super::tickets::TICKETS)
        .iter()
        .filter(|t| ctx.in_scope_named(t))
        .filter_map(id)
        .collect();
    let mut actors = Vec::new();
    for a in read.rows(SUPPLIER_TICKETS) {
        let ticket = number(a, "tickets_id").filter(|t| tickets.contains(t));
        let supplier = number(a, "suppliers_id").and_then(|s| suppliers.get(&s));
        match (ticket, supplier, number(a, "type")) {
            (Some(t), Some(s), Some(kind @ 1..=3)) => {
                out.read(GlpiType::SupplierTicket, 1);
                actors.push(vec![t.to_string(), s.clone(), kind.to_string()]);
            }
            _ => out.skip(GlpiType::SupplierTicket, SkipReason::OutsideRead),
        }
    }
    out.companion(CompanionKind::TicketSuppliers, actors);
}
