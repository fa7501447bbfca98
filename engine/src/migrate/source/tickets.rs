//! Tickets with their actors, linked items, followups, tasks and solutions → the Ticket table
//! and the timeline companion table, exactly the inputs the ticket plan reads for files
//! (`plan/ticket.rs`). Owner: the helper `source-tickets`.
//!
//! - The Ticket table has one record per ticket, its line being the ticket's id in the local
//!   GLPI, and its `id` column too: the plan keys the ticket `n°ID` and the timeline companion
//!   names it by that id. Values are as the export's cells are read: dropdowns and trees by
//!   (complete) name, GLPI's stored text as it comes (the check decodes its entities as it does
//!   an export's), actors by login and group complete name, linked items by the key the plan
//!   gives an asset (serial, else name), one a line.
//! - The timeline companion has one row per followup, task and solution of a ticket read, in the
//!   ticket's timeline order (date, then followup < task < solution, then creation order), with
//!   who wrote it (login), its exact text (HTML as typed), privacy, duration, technician, state,
//!   request source, task category and solution type: what the export's history cells cannot
//!   carry. Its rows are numbered in that order: the plan keys entries by their position.
//! - Relations and timeline entries are read with ids (an expanded read replaces the ticket's id
//!   by its title), users and groups named through the people read ([`super::people`]), request
//!   sources, task categories and solution types through their own reads.
//!
//! What the plan cannot carry is counted per type with its reason ([`SkipReason`]).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::{id, number, text, yes_no, Built, Context, Endpoint, SkipReason, SourceRead};
use crate::detect::ItemType;
use crate::glpi::{stored_text, GlpiType};
use crate::migrate::companion::CompanionKind;

/// Tickets, with their dropdowns and trees by name (entity, category, location, request source).
pub const TICKETS: Endpoint = Endpoint {
    itemtype: GlpiType::Ticket,
    expand: true,
};
/// Users of tickets: requesters, assignees, observers (`type` 1, 2, 3).
pub const TICKET_USERS: Endpoint = Endpoint {
    itemtype: GlpiType::TicketUser,
    expand: false,
};
/// Groups of tickets, same types.
pub const GROUP_TICKETS: Endpoint = Endpoint {
    itemtype: GlpiType::GroupTicket,
    expand: false,
};
/// Items linked to tickets.
pub const ITEM_TICKETS: Endpoint = Endpoint {
    itemtype: GlpiType::ItemTicket,
    expand: false,
};
/// Followups (of tickets and of other ITIL objects).
pub const FOLLOWUPS: Endpoint = Endpoint {
    itemtype: GlpiType::ItilFollowup,
    expand: false,
};
/// Ticket tasks.
pub const TASKS: Endpoint = Endpoint {
    itemtype: GlpiType::TicketTask,
    expand: false,
};
/// Solutions (of tickets and of other ITIL objects).
pub const SOLUTIONS: Endpoint = Endpoint {
    itemtype: GlpiType::ItilSolution,
    expand: false,
};
/// Request sources, for a followup's.
pub const REQUEST_TYPES: Endpoint = Endpoint {
    itemtype: GlpiType::RequestType,
    expand: false,
};
/// Task categories (a tree), for a task's.
pub const TASK_CATEGORIES: Endpoint = Endpoint {
    itemtype: GlpiType::TaskCategory,
    expand: false,
};
/// Solution types, for a solution's.
pub const SOLUTION_TYPES: Endpoint = Endpoint {
    itemtype: GlpiType::SolutionType,
    expand: false,
};

/// The collections this family reads, dropdowns first.
pub const ENDPOINTS: &[Endpoint] = &[
    REQUEST_TYPES,
    TASK_CATEGORIES,
    SOLUTION_TYPES,
    TICKETS,
    TICKET_USERS,
    GROUP_TICKETS,
    ITEM_TICKETS,
    FOLLOWUPS,
    TASKS,
    SOLUTIONS,
];

/// The Ticket table's columns: catalog fields of [`ItemType::Ticket`].
pub const TICKET_FIELDS: [&str; 29] = [
    "id",
    "name",
    "entities_id",
    "type",
    "status",
    "urgency",
    "impact",
    "priority",
    "itilcategories_id",
    "_users_id_requester",
    "_groups_id_requester",
    "_users_id_assign",
    "_groups_id_assign",
    "_users_id_observer",
    "_groups_id_observer",
    "_items",
    "locations_id",
    "requesttypes_id",
    "date",
    "solvedate",
    "closedate",
    "date_mod",
    "date_creation",
    "content",
    "takeintoaccountdate",
    "takeintoaccount_delay_stat",
    "users_id_recipient",
    "waiting_duration",
    "begin_waiting_date",
];

/// Actor fields by `Ticket_User` / `Group_Ticket` type (1 requester, 2 assigned, 3 observer).
fn actor_field(kind: u64, group: bool) -> Option<&'static str> {
    Some(match (kind, group) {
        (1, false) => "_users_id_requester",
        (2, false) => "_users_id_assign",
        (3, false) => "_users_id_observer",
        (1, true) => "_groups_id_requester",
        (2, true) => "_groups_id_assign",
        (3, true) => "_groups_id_observer",
        _ => return None,
    })
}

/// An expanded dropdown as GLPI shows it (`0`, `""` or `&nbsp;` when none), undecoded: the
/// check decodes a Ticket table's cells as it does an export's.
fn shown(row: &Map<String, Value>, field: &str) -> String {
    match row.get(field) {
        Some(Value::String(s)) if s.trim() != "&nbsp;" => s.clone(),
        _ => String::new(),
    }
}

/// A text field exactly as GLPI gives it (its stored entities kept): a Ticket table cell is
/// decoded by the check as an export's is, a timeline text by [`stored_text`], once.
fn raw(row: &Map<String, Value>, field: &str) -> String {
    match row.get(field) {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// A nullable date-time field (`NULL` and GLPI's zero date empty).
fn datetime(row: &Map<String, Value>, field: &str) -> String {
    let t = text(row, field);
    if t.starts_with("0000") {
        String::new()
    } else {
        t
    }
}

/// Id → decoded field of a dropdown read.
fn names(read: &SourceRead, endpoint: Endpoint, field: &str) -> HashMap<u64, String> {
    read.rows(endpoint)
        .iter()
        .filter_map(|r| {
            let n = stored_text(&raw(r, field));
            Some((id(r)?, n)).filter(|(_, n)| !n.is_empty())
        })
        .collect()
}

/// (asset type, id) → the key the plan gives the asset: its serial, else its name.
fn asset_keys(read: &SourceRead) -> HashMap<(GlpiType, u64), String> {
    let mut out = HashMap::new();
    for endpoint in super::endpoints() {
        if !endpoint.itemtype.is_asset() {
            continue;
        }
        for r in read.rows(endpoint) {
            let serial = stored_text(raw(r, "serial").trim());
            let key = if serial.is_empty() {
                stored_text(raw(r, "name").trim())
            } else {
                serial
            };
            if let (Some(i), false) = (id(r), key.is_empty()) {
                out.insert((endpoint.itemtype, i), key);
            }
        }
    }
    out
}

/// The ticket a followup or solution belongs to (`itemtype` `Ticket`), or a task's.
fn ticket_of(row: &Map<String, Value>) -> Option<u64> {
    if row.contains_key("tickets_id") {
        return number(row, "tickets_id");
    }
    (text(row, "itemtype") == "Ticket")
        .then(|| number(row, "items_id"))
        .flatten()
}

/// A timeline row before it is numbered: its ticket and place, then its cells.
struct Entry {
    ticket: u64,
    date: String,
    rank: u8,
    id: u64,
    cells: Vec<String>,
}

/// Builds the Ticket table and the timeline companion from what was read.
pub fn build(read: &SourceRead, ctx: &Context, out: &mut Built) {
    let tickets = read.rows(TICKETS);
    out.read(GlpiType::Ticket, tickets.len());
    if tickets.is_empty() {
        return;
    }
    let mut rows: BTreeMap<u64, BTreeMap<&'static str, String>> = BTreeMap::new();
    for t in tickets {
        let Some(ticket) = id(t) else {
            out.skip(GlpiType::Ticket, SkipReason::NoId);
            continue;
        };
        // The session sees the user's entities: only the chosen subtree is carried.
        if !ctx.in_scope_named(t) {
            out.skip(GlpiType::Ticket, SkipReason::OutsideRead);
            continue;
        }
        let mut cells: BTreeMap<&'static str, String> = BTreeMap::new();
        for field in TICKET_FIELDS {
            let value = match field {
                "entities_id" | "itilcategories_id" | "locations_id" | "requesttypes_id" => {
                    shown(t, field)
                }
                "date"
                | "solvedate"
                | "closedate"
                | "date_mod"
                | "date_creation"
                | "takeintoaccountdate"
                | "begin_waiting_date" => datetime(t, field),
                // Expanded: the writer's name as GLPI shows it, resolved as a user by name.
                "users_id_recipient" => shown(t, field),
                "name" | "content" => raw(t, field),
                f if f.starts_with('_') => continue,
                f => text(t, f),
            };
            cells.insert(field, value);
        }
        // What the ticket plan has no field for.
        if ["time_to_resolve", "time_to_own"]
            .iter()
            .any(|f| !datetime(t, f).is_empty())
        {
            out.skip(GlpiType::Ticket, SkipReason::TicketDelays);
        }
        rows.insert(ticket, cells);
    }

    // Actors: logins and group complete names, one a `<br>`, in the order GLPI gave them.
    let groups = names(read, super::people::GROUPS, "completename");
    let mut actors = |endpoint: Endpoint, out: &mut Built| {
        let group = endpoint == GROUP_TICKETS;
        let list = read.rows(endpoint);
        out.read(endpoint.itemtype, list.len());
        for r in list {
            let cells = number(r, "tickets_id").and_then(|t| rows.get_mut(&t));
            let field = number(r, "type").and_then(|k| actor_field(k, group));
            let (Some(cells), Some(field)) = (cells, field) else {
                out.skip(endpoint.itemtype, SkipReason::OutsideRead);
                continue;
            };
            let value = if group {
                number(r, "groups_id")
                    .and_then(|g| groups.get(&g).cloned())
                    .unwrap_or_default()
            } else {
                ctx.login(r, "users_id")
            };
            if value.is_empty() {
                // A requester known by e-mail only, or a user or group not read.
                out.skip(endpoint.itemtype, SkipReason::ActorNotRead);
                continue;
            }
            let cell = cells.entry(field).or_default();
            if !cell.is_empty() {
                cell.push_str("<br>");
            }
            cell.push_str(&value);
        }
    };
    actors(TICKET_USERS, out);
    actors(GROUP_TICKETS, out);

    // Linked items, one a line, by the key the plan gives an asset.
    let assets = asset_keys(read);
    let links = read.rows(ITEM_TICKETS);
    out.read(GlpiType::ItemTicket, links.len());
    for r in links {
        let Some(cells) = number(r, "tickets_id").and_then(|t| rows.get_mut(&t)) else {
            out.skip(GlpiType::ItemTicket, SkipReason::OutsideRead);
            continue;
        };
        let itemtype = GlpiType::from_name(&text(r, "itemtype")).ok();
        let Some(itemtype) = itemtype.filter(|t| t.is_asset()) else {
            out.skip(GlpiType::ItemTicket, SkipReason::NotAnAsset);
            continue;
        };
        let Some(key) = number(r, "items_id").and_then(|i| assets.get(&(itemtype, i))) else {
            out.skip(GlpiType::ItemTicket, SkipReason::OutsideRead);
            continue;
        };
        let cell = cells.entry("_items").or_default();
        if !cell.is_empty() {
            cell.push('\n');
        }
        cell.push_str(key);
    }

    // The timeline.
    let sources = names(read, REQUEST_TYPES, "name");
    let categories = names(read, TASK_CATEGORIES, "completename");
    let solution_types = names(read, SOLUTION_TYPES, "name");
    let named = |map: &HashMap<u64, String>, r: &Map<String, Value>, field: &str| {
        number(r, field)
            .and_then(|i| map.get(&i).cloned())
            .unwrap_or_default()
    };
    let mut entries: Vec<Entry> = Vec::new();
    for (rank, endpoint) in [FOLLOWUPS, TASKS, SOLUTIONS].into_iter().enumerate() {
        let list = read.rows(endpoint);
        out.read(endpoint.itemtype, list.len());
        for r in list {
            let Some(ticket) = ticket_of(r).filter(|t| rows.contains_key(t)) else {
                out.skip(endpoint.itemtype, SkipReason::OutsideRead);
                continue;
            };
            let (kind, date) = match endpoint.itemtype {
                GlpiType::ItilFollowup => ("Suivi", datetime(r, "date")),
                GlpiType::TicketTask => ("Tâche", datetime(r, "date")),
                _ => ("Solution", datetime(r, "date_creation")),
            };
            let content = stored_text(&raw(r, "content"));
            let mut cells = vec![
                ticket.to_string(),
                kind.to_string(),
                date.clone(),
                ctx.login(r, "users_id"),
                content,
            ];
            match endpoint.itemtype {
                GlpiType::ItilFollowup => cells.extend([
                    yes_no(r, "is_private"),
                    String::new(),
                    String::new(),
                    String::new(),
                    named(&sources, r, "requesttypes_id"),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    datetime(r, "date_creation"),
                    String::new(),
                ]),
                GlpiType::TicketTask => cells.extend([
                    yes_no(r, "is_private"),
                    text(r, "actiontime"),
                    ctx.login(r, "users_id_tech"),
                    text(r, "state"),
                    String::new(),
                    named(&categories, r, "taskcategories_id"),
                    String::new(),
                    String::new(),
                    String::new(),
                    datetime(r, "begin"),
                    datetime(r, "end"),
                    named(&groups, r, "groups_id_tech"),
                    datetime(r, "date_creation"),
                    text(r, "uuid"),
                ]),
                _ => {
                    let approver = ctx.login(r, "users_id_approval");
                    if approver.is_empty() && number(r, "users_id_approval").unwrap_or(0) != 0 {
                        out.skip(GlpiType::ItilSolution, SkipReason::SolutionApproval);
                    }
                    cells.extend([
                        String::new(),
                        String::new(),
                        String::new(),
                        text(r, "status"),
                        String::new(),
                        String::new(),
                        named(&solution_types, r, "solutiontypes_id"),
                        datetime(r, "date_approval"),
                        approver,
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ])
                }
            }
            entries.push(Entry {
                ticket,
                date,
                rank: rank as u8,
                id: id(r).unwrap_or(0),
                cells,
            });
        }
    }
    crate::sort::sort_by(&mut entries, |a, b| {
        (a.ticket, &a.date, a.rank, a.id).cmp(&(b.ticket, &b.date, b.rank, b.id))
    });

    let table = rows
        .into_iter()
        .map(|(ticket, mut cells)| {
            let row = TICKET_FIELDS
                .iter()
                .map(|f| cells.remove(f).unwrap_or_default())
                .collect();
            (ticket, row)
        })
        .collect();
    out.table(ItemType::Ticket, &TICKET_FIELDS, table);
    out.companion(
        CompanionKind::Timeline,
        entries.into_iter().map(|e| e.cells).collect(),
    );
}
