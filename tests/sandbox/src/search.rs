//! `/search/{itemtype}` and `/listSearchOptions/{itemtype}` with GLPI's real option ids.

use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::api::{visible, Call};
use crate::collection::{cmp_values, parse_range, with_range_headers};
use crate::itemtypes::{self, TypeInfo};
use crate::reply::{error, json_reply, NO_RIGHT};
use crate::rights::{can, Action};
use crate::state::{Item, Session, State};
use crate::text::{contains_match, fold};

/// Where a search option takes its value.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// The item's own column.
    Column(&'static str),
    /// The item id.
    Id,
    /// A dropdown foreign key: the target's complete name or name.
    Dropdown(&'static str),
    /// A user foreign key: the user id, as a string.
    UserId(&'static str),
    /// The entity's complete name.
    Entity,
    /// The user's e-mails.
    Emails,
    /// The operating system of an asset, through its `Item_OperatingSystem` rows.
    ItemOs,
    /// The user's groups.
    UserGroups,
    /// A ticket's actors of a kind (1 requester, 2 assigned): user ids or group names.
    TicketUsers(u64),
    /// A ticket's groups of a kind.
    TicketGroups(u64),
}

#[derive(Debug, Clone, Copy)]
struct Opt {
    id: u32,
    name: &'static str,
    source: Source,
    datatype: &'static str,
}

const fn o(id: u32, name: &'static str, source: Source, datatype: &'static str) -> Opt {
    Opt {
        id,
        name,
        source,
        datatype,
    }
}

fn options(info: &TypeInfo) -> Vec<Opt> {
    use Source::*;
    let asset = matches!(
        info.name,
        "Computer" | "Monitor" | "Printer" | "NetworkEquipment" | "Peripheral" | "Phone"
    );
    if asset {
        let (model, kind) = match info.name {
            "Computer" => ("computermodels_id", "computertypes_id"),
            "Monitor" => ("monitormodels_id", "monitortypes_id"),
            "Printer" => ("printermodels_id", "printertypes_id"),
            "NetworkEquipment" => ("networkequipmentmodels_id", "networkequipmenttypes_id"),
            "Peripheral" => ("peripheralmodels_id", "peripheraltypes_id"),
            _ => ("phonemodels_id", "phonetypes_id"),
        };
        let mut v = vec![
            o(1, "Name", Column("name"), "itemlink"),
            o(2, "ID", Id, "number"),
            o(3, "Location", Dropdown("locations_id"), "dropdown"),
            o(4, "Type", Dropdown(kind), "dropdown"),
            o(5, "Serial Number", Column("serial"), "string"),
            o(6, "Inventory number", Column("otherserial"), "string"),
            o(7, "Alternate username", Column("contact"), "string"),
            o(16, "Comments", Column("comment"), "text"),
            o(
                17,
                "Alternate username number",
                Column("contact_num"),
                "string",
            ),
            o(19, "Last update", Column("date_mod"), "datetime"),
            o(
                23,
                "Manufacturers",
                Dropdown("manufacturers_id"),
                "dropdown",
            ),
            o(
                24,
                "Technician in charge of the hardware",
                UserId("users_id_tech"),
                "dropdown",
            ),
            o(31, "Status", Dropdown("states_id"), "dropdown"),
            o(40, "Model", Dropdown(model), "dropdown"),
            o(
                49,
                "Group in charge of the hardware",
                Dropdown("groups_id_tech"),
                "dropdown",
            ),
            o(70, "User", UserId("users_id"), "dropdown"),
            o(71, "Group", Dropdown("groups_id"), "dropdown"),
            o(80, "Entity", Entity, "dropdown"),
            o(121, "Creation date", Column("date_creation"), "datetime"),
        ];
        if info.name == "Computer" {
            v.push(o(45, "Operating system - Name", ItemOs, "dropdown"));
        }
        return v;
    }
    match info.name {
        "User" => vec![
            o(1, "Login", Column("name"), "itemlink"),
            o(2, "ID", Id, "number"),
            o(3, "Location", Dropdown("locations_id"), "dropdown"),
            o(5, "Emails", Emails, "email"),
            o(6, "Phone", Column("phone"), "string"),
            o(8, "Active", Column("is_active"), "bool"),
            o(9, "First name", Column("firstname"), "string"),
            o(11, "Mobile phone", Column("mobile"), "string"),
            o(13, "Groups", UserGroups, "dropdown"),
            o(16, "Comments", Column("comment"), "text"),
            o(19, "Last update", Column("date_mod"), "datetime"),
            o(
                22,
                "Administrative number",
                Column("registration_number"),
                "string",
            ),
            o(34, "Last name", Column("realname"), "string"),
            o(80, "Entity", Entity, "dropdown"),
            o(81, "Title", Dropdown("usertitles_id"), "dropdown"),
            o(82, "Category", Dropdown("usercategories_id"), "dropdown"),
        ],
        "Ticket" => vec![
            o(1, "Title", Column("name"), "itemlink"),
            o(2, "ID", Id, "number"),
            o(3, "Priority", Column("priority"), "specific"),
            o(4, "Requester", TicketUsers(1), "dropdown"),
            o(5, "Technician", TicketUsers(2), "dropdown"),
            o(7, "Category", Dropdown("itilcategories_id"), "dropdown"),
            o(8, "Technician group", TicketGroups(2), "dropdown"),
            o(10, "Urgency", Column("urgency"), "specific"),
            o(11, "Impact", Column("impact"), "specific"),
            o(12, "Status", Column("status"), "specific"),
            o(14, "Type", Column("type"), "specific"),
            o(15, "Opening date", Column("date"), "datetime"),
            o(16, "Closing date", Column("closedate"), "datetime"),
            o(17, "Resolution date", Column("solvedate"), "datetime"),
            o(19, "Last update", Column("date_mod"), "datetime"),
            o(21, "Description", Column("content"), "text"),
            o(71, "Requester group", TicketGroups(1), "dropdown"),
            o(80, "Entity", Entity, "dropdown"),
        ],
        _ if info.tree_parent.is_some() => vec![
            o(1, "Complete name", Column("completename"), "itemlink"),
            o(2, "ID", Id, "number"),
            o(14, "Name", Column("name"), "string"),
            o(16, "Comments", Column("comment"), "text"),
            o(19, "Last update", Column("date_mod"), "datetime"),
            o(80, "Entity", Entity, "dropdown"),
        ],
        _ => vec![
            o(1, "Name", Column("name"), "itemlink"),
            o(2, "ID", Id, "number"),
            o(16, "Comments", Column("comment"), "text"),
            o(19, "Last update", Column("date_mod"), "datetime"),
        ],
    }
}

fn default_columns(info: &TypeInfo) -> Vec<u32> {
    match info.name {
        // A stock install's display preferences (glpi_displaypreferences, users_id 0), name first.
        "Computer" => vec![1, 31, 23, 5, 4, 40, 45, 3, 19, 17],
        "Monitor" | "Peripheral" | "Phone" => vec![1, 31, 23, 3, 4, 40, 19, 7],
        "NetworkEquipment" => vec![1, 31, 23, 3, 4, 40, 11, 19],
        "Printer" => vec![1, 31, 23, 3, 4, 40, 19],
        "User" => vec![1, 34, 5, 6, 3, 8],
        "Ticket" => vec![1, 12, 19, 15, 3, 4, 5, 7],
        _ => vec![1],
    }
}

fn name_of(state: &State, itemtype: &str, id: u64) -> Value {
    state
        .get(itemtype, id)
        .and_then(|t| t.get("completename").or_else(|| t.get("name")).cloned())
        .unwrap_or(Value::Null)
}

fn value(state: &State, item: &Item, opt: &Opt) -> Value {
    let id = item.get("id").and_then(Value::as_u64).unwrap_or(0);
    let related = |t: &str, fk: &str, kind: Option<u64>| -> Vec<&Item> {
        state
            .items
            .get(t)
            .map(|m| {
                m.values()
                    .filter(|r| r.get(fk).and_then(Value::as_u64) == Some(id))
                    .filter(|r| {
                        kind.is_none_or(|k| r.get("type").and_then(Value::as_u64) == Some(k))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let multi = |v: Vec<Value>| match v.len() {
        0 => Value::Null,
        1 => v.into_iter().next().unwrap_or(Value::Null),
        _ => Value::Array(v),
    };
    match opt.source {
        Source::Column(c) => match item.get(c) {
            Some(Value::String(s)) if s.is_empty() => Value::Null,
            Some(v) => v.clone(),
            None => Value::Null,
        },
        Source::Id => json!(id),
        Source::ItemOs => {
            let names: Vec<Value> = state
                .items
                .get("Item_OperatingSystem")
                .map(|m| {
                    m.values()
                        .filter(|r| {
                            r.get("items_id").and_then(Value::as_u64) == Some(id)
                                && r.get("itemtype").and_then(Value::as_str) == Some("Computer")
                        })
                        .filter_map(|r| r.get("operatingsystems_id").and_then(Value::as_u64))
                        .filter(|os| *os > 0)
                        .map(|os| name_of(state, "OperatingSystem", os))
                        .collect()
                })
                .unwrap_or_default();
            multi(names)
        }
        Source::Dropdown(fk) => match (
            item.get(fk).and_then(Value::as_u64),
            itemtypes::fk_target(fk),
        ) {
            (Some(fid), Some(t)) if fid > 0 => name_of(state, t, fid),
            _ => Value::Null,
        },
        Source::UserId(fk) => match item.get(fk).and_then(Value::as_u64) {
            Some(uid) if uid > 0 => json!(uid.to_string()),
            _ => Value::Null,
        },
        Source::Entity => name_of(
            state,
            "Entity",
            item.get("entities_id").and_then(Value::as_u64).unwrap_or(0),
        ),
        Source::Emails => multi(
            related("UserEmail", "users_id", None)
                .iter()
                .filter_map(|r| r.get("email").cloned())
                .collect(),
        ),
        Source::UserGroups => multi(
            related("Group_User", "users_id", None)
                .iter()
                .map(|r| {
                    name_of(
                        state,
                        "Group",
                        r.get("groups_id").and_then(Value::as_u64).unwrap_or(0),
                    )
                })
                .collect(),
        ),
        Source::TicketUsers(k) => multi(
            related("Ticket_User", "tickets_id", Some(k))
                .iter()
                .filter_map(|r| {
                    r.get("users_id")
                        .and_then(Value::as_u64)
                        .map(|u| json!(u.to_string()))
                })
                .collect(),
        ),
        Source::TicketGroups(k) => multi(
            related("Group_Ticket", "tickets_id", Some(k))
                .iter()
                .map(|r| {
                    name_of(
                        state,
                        "Group",
                        r.get("groups_id").and_then(Value::as_u64).unwrap_or(0),
                    )
                })
                .collect(),
        ),
    }
}

/// The raw id an `equals` compares with: the item id for option 1, the key for dropdowns.
fn raw_id(item: &Item, opt: &Opt) -> Option<String> {
    match opt.source {
        Source::Column(c) if opt.datatype == "itemlink" => {
            let _ = c;
            item.get("id").map(|v| v.to_string())
        }
        Source::Column(c) => item.get(c).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        Source::Id => item.get("id").map(|v| v.to_string()),
        Source::Dropdown(fk) | Source::UserId(fk) => item.get(fk).map(|v| v.to_string()),
        Source::Entity => item.get("entities_id").map(|v| v.to_string()),
        _ => None,
    }
}

fn texts(v: &Value) -> Vec<String> {
    match v {
        Value::Null => Vec::new(),
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(texts).collect(),
        other => vec![other.to_string()],
    }
}

struct Criterion {
    link: String,
    opt: Opt,
    searchtype: String,
    value: String,
}

fn criteria(call: &Call<'_>, opts: &[Opt]) -> Result<Vec<Criterion>, Response> {
    let doc = Some(call.api_url.as_str());
    let mut by_index: std::collections::BTreeMap<usize, Map<String, Value>> = Default::default();
    for (k, v) in call.params.with_prefix("criteria[") {
        let rest = &k["criteria[".len()..];
        let Some((idx, tail)) = rest.split_once(']') else {
            continue;
        };
        let Ok(idx) = idx.parse::<usize>() else {
            continue;
        };
        let key = tail
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        by_index.entry(idx).or_default().insert(key, json!(v));
    }
    let mut out = Vec::new();
    for (_, c) in by_index {
        let get = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(field), Some(searchtype), Some(value)) =
            (get("field"), get("searchtype"), get("value"))
        else {
            return Err(error(400, "ERROR", "Malformed search criteria", doc));
        };
        let Some(opt) = field
            .parse::<u32>()
            .ok()
            .and_then(|f| opts.iter().find(|o| o.id == f))
        else {
            return Err(error(400, "ERROR", "Bad field ID in search criteria", doc));
        };
        out.push(Criterion {
            link: get("link").unwrap_or_else(|| "AND".into()),
            opt: *opt,
            searchtype,
            value,
        });
    }
    Ok(out)
}

fn matches(state: &State, item: &Item, c: &Criterion) -> bool {
    let value = value(state, item, &c.opt);
    // The engine un-sanitises the searched value, then compares it with the stored (encoded) text.
    let pattern = crate::text::unsanitize(&c.value);
    match c.searchtype.as_str() {
        "contains" | "notcontains" => {
            let p = pattern.trim();
            let hit = if p.is_empty() || p == "^$" {
                texts(&value).iter().all(|t| t.is_empty())
            } else {
                texts(&value).iter().any(|t| contains_match(t, p))
            };
            hit == (c.searchtype == "contains")
        }
        "equals" | "notequals" => {
            let hit = raw_id(item, &c.opt)
                .is_some_and(|r| fold(r.trim_matches('"')) == fold(pattern.trim()));
            hit == (c.searchtype == "equals")
        }
        _ => false,
    }
}

/// `GET /search/{itemtype}`.
pub fn search(state: &State, call: &Call<'_>, session: &Session) -> Response {
    let doc = Some(call.api_url.as_str());
    let Some(info) = call.segments.get(1).and_then(|t| itemtypes::find(t)) else {
        return crate::api::unknown_itemtype(doc);
    };
    if !can(session.profile_id, info.right, Action::Read) {
        return error(403, "ERROR_RIGHT_MISSING", NO_RIGHT, None);
    }
    let opts = options(info);
    let crit = match criteria(call, &opts) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let active = state.active_entities(session);
    let deleted = call.params.flag("is_deleted", false);
    let empty = Default::default();
    let mut rows: Vec<&Item> = state
        .items
        .get(info.name)
        .unwrap_or(&empty)
        .values()
        .filter(|i| visible(state, info, i, &active))
        .filter(|i| {
            !info.trashable || (i.get("is_deleted").and_then(Value::as_u64) == Some(1)) == deleted
        })
        .filter(|i| {
            let mut result: Option<bool> = None;
            for c in &crit {
                let m = matches(state, i, c);
                result = Some(match (result, c.link.as_str()) {
                    (None, "AND NOT" | "OR NOT") => !m,
                    (None, _) => m,
                    (Some(r), "OR") => r || m,
                    (Some(r), "AND NOT") => r && !m,
                    (Some(r), "OR NOT") => r || !m,
                    (Some(r), _) => r && m,
                });
            }
            result.unwrap_or(true)
        })
        .collect();

    let sort_param = call.params.get("sort");
    let sort_id: u32 = sort_param
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let sort_opt = opts
        .iter()
        .find(|o| o.id == sort_id)
        .copied()
        .unwrap_or(opts[0]);
    let order = call.params.get("order").unwrap_or_else(|| "ASC".into());
    rows.sort_by(|a, b| {
        cmp_values(
            Some(&value(state, a, &sort_opt)),
            Some(&value(state, b, &sort_opt)),
        )
    });
    if order == "DESC" {
        rows.reverse();
    }

    // Columns.
    let forced: Vec<u32> = call
        .params
        .with_prefix("forcedisplay")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let mut cols: Vec<u32> = if forced.is_empty() {
        default_columns(info)
    } else {
        vec![1]
    };
    cols.extend(forced.iter().copied());
    cols.extend(crit.iter().map(|c| c.opt.id));
    if sort_param.is_some() {
        cols.push(sort_id);
    }
    if info.in_entity && state.items.get("Entity").is_some_and(|e| e.len() > 1) {
        cols.push(80);
    }
    cols.sort_unstable();
    cols.dedup();
    let col_opts: Vec<Opt> = cols
        .iter()
        .filter_map(|c| opts.iter().find(|o| o.id == *c).copied())
        .collect();

    let list_limit = crate::api::list_limit(state, session.user_id);
    let (start, end) = match call.params.get("range") {
        None => (0, list_limit - 1),
        Some(r) => match parse_range(&r) {
            Some(p) => p,
            None => {
                return error(
                    400,
                    "ERROR",
                    "range must be in format : [start-end] with integers",
                    doc,
                )
            }
        },
    };
    let total = rows.len() as i64;
    if start > total {
        return error(
            400,
            "ERROR_RANGE_EXCEED_TOTAL",
            &format!("Provided range exceed total count of data: {total}"),
            doc,
        );
    }
    let page: Vec<&Item> = if end < start {
        Vec::new()
    } else {
        rows.iter()
            .skip(start.max(0) as usize)
            .take((end - start + 1) as usize)
            .copied()
            .collect()
    };
    let count = page.len() as i64;
    let shown_end = if total == 0 {
        -1
    } else {
        (start + count - 1).max(start.min(total - 1)).min(total - 1)
    };
    let content_range = if total == 0 {
        "0--1/0".to_string()
    } else {
        format!("{start}-{shown_end}/{total}")
    };
    let data: Vec<Value> = page
        .iter()
        .map(|i| {
            let mut row = Map::new();
            for o in &col_opts {
                row.insert(o.id.to_string(), value(state, i, o));
            }
            Value::Object(row)
        })
        .collect();
    let sort_echo = match sort_param {
        Some(_) => json!([sort_id]),
        // GLPI 11 echoes `[0]` when no sort is given, GLPI 10 `["1"]`.
        None if state.is_glpi11() => json!([0]),
        None => json!(["1"]),
    };
    let mut body = json!({"totalcount": total, "count": count, "sort": sort_echo, "order": [order], "content-range": content_range});
    if !data.is_empty() {
        body["data"] = Value::Array(data);
    }
    let status = if count >= total { 200 } else { 206 };
    let header = (total > 0).then_some(content_range);
    with_range_headers(json_reply(status, &body), info.name, header)
}

/// `GET /listSearchOptions/{itemtype}`.
pub fn list_options(call: &Call<'_>) -> Response {
    let doc = Some(call.api_url.as_str());
    let Some(info) = call.segments.get(1).and_then(|t| itemtypes::find(t)) else {
        return crate::api::unknown_itemtype(doc);
    };
    let mut out = Map::new();
    out.insert("common".into(), json!({ "name": "Characteristics" }));
    for o in options(info) {
        // A dropdown option reads the target's table: its complete name for a tree.
        let target = match o.source {
            Source::Dropdown(fk) => itemtypes::fk_target(fk).and_then(itemtypes::find),
            Source::Entity => itemtypes::find("Entity"),
            Source::UserId(_) => itemtypes::find("User"),
            Source::ItemOs => itemtypes::find("OperatingSystem"),
            _ => None,
        };
        let tree = target.is_some_and(|t| t.tree_parent.is_some());
        let searchtypes = match (o.id, o.datatype) {
            (_, "dropdown") if tree => json!([
                "contains",
                "notcontains",
                "equals",
                "notequals",
                "under",
                "notunder"
            ]),
            (_, "dropdown" | "itemlink") => {
                json!(["contains", "notcontains", "equals", "notequals"])
            }
            (_, "specific") => json!(["equals", "notequals"]),
            (_, "number" | "string" | "text") => json!(["contains", "notcontains"]),
            _ => json!(["contains", "notcontains", "equals", "notequals"]),
        };
        let (table, field, uid) = match (target, o.source) {
            (Some(t), _) => {
                let field = if tree { "completename" } else { "name" };
                (
                    t.table,
                    field,
                    format!("{}.{}.{}", info.name, t.name, field),
                )
            }
            (None, Source::Column(c)) => (info.table, c, format!("{}.{}", info.name, c)),
            (None, Source::Id) => (info.table, "id", format!("{}.id", info.name)),
            _ => (info.table, "name", format!("{}.name", info.name)),
        };
        out.insert(
            o.id.to_string(),
            json!({
                "name": o.name, "table": table, "field": field, "datatype": o.datatype,
                "nosearch": false, "nodisplay": false, "available_searchtypes": searchtypes,
                "uid": uid,
            }),
        );
    }
    json_reply(200, &Value::Object(out))
}
