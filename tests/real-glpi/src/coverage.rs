//! Column coverage (issue 16): what a migration from the local GLPI keeps of EVERY column of the
//! tables it writes, not only the fields the oracle picks.
//!
//! Written from GLPI's schema (read in `information_schema`), never from the engine: the source
//! rows of the prefecture's entity subtree and the target's rows are matched by the oracle's
//! natural keys; a column `xxx_id` (or `xxx_id_yyy`) is read as the name (or complete name) of
//! the row it points to in `glpi_xxx`, an `items_id` beside an `itemtype` as that item's natural
//! key, `entities_id` as the entity's complete name; then each column's values are compared.

use std::collections::{BTreeMap, BTreeSet};

use crate::oracle::{asset_key, normalize, GLPI_ASSETS};
use crate::Result;

/// The prefecture's entity, the same complete name on both sides.
const PREFECTURE: &str = "Root Entity > Préfecture de Guyane";

/// Columns that cannot be equal by nature, with the reason (`*` for every table).
pub const SKIPPED: &[(&str, &str, &str)] = &[
    ("*", "id", "each database numbers its own rows"),
    ("*", "date_mod", "GLPI stamps it at every write"),
    // Caches of ancestors' and children's ids: ids, which each database numbers its own way
    // (the parents themselves are compared through `completename` and `xxx_id`).
    (
        "*",
        "ancestors_cache",
        "ids of the ancestors, each database's own",
    ),
    (
        "*",
        "sons_cache",
        "ids of the children, each database's own",
    ),
    // Secrets and session state: never carried, and never printed in a report.
    ("glpi_users", "password", "a secret: never read nor written"),
    ("glpi_users", "password_last_update", "follows the password"),
    ("glpi_users", "password_forget_token", "a secret"),
    (
        "glpi_users",
        "password_forget_token_date",
        "follows the secret",
    ),
    ("glpi_users", "personal_token", "a secret"),
    ("glpi_users", "personal_token_date", "follows the secret"),
    ("glpi_users", "api_token", "a secret"),
    ("glpi_users", "api_token_date", "follows the secret"),
    ("glpi_users", "cookie_token", "a secret"),
    ("glpi_users", "cookie_token_date", "follows the secret"),
    (
        "glpi_users",
        "last_login",
        "the user's own sessions on the local GLPI",
    ),
    // A document's file path is where GLPI stored the upload on that server.
    (
        "glpi_documents",
        "filepath",
        "where each GLPI stores its upload",
    ),
];

/// Whether `table.column` is in [`SKIPPED`].
fn skipped(table: &str, column: &str) -> bool {
    SKIPPED
        .iter()
        .any(|(t, c, _)| (*t == "*" || *t == table) && *c == column)
}

/// One table the migration writes: its natural key (over alias `a`) and which source rows are
/// the prefecture's (a condition over `a`).
struct Table {
    name: &'static str,
    key: String,
    scope: String,
}

/// The entity subtree of the prefecture, as a condition on an `entities_id` expression.
fn in_prefecture(entities_id: &str) -> String {
    format!(
        "{entities_id} IN (SELECT id FROM glpi_entities WHERE completename = '{PREFECTURE}' \
         OR completename LIKE '{PREFECTURE} > %')"
    )
}

/// An item's natural key by `itemtype`/`items_id` columns (assets, tickets, users).
fn item_key(itemtype: &str, items_id: &str) -> String {
    let whens = GLPI_ASSETS
        .iter()
        .map(|t| {
            format!(
                "WHEN '{t}' THEN (SELECT {} FROM glpi_{}s x WHERE x.id = {items_id})",
                asset_key("x"),
                t.to_lowercase()
            )
        })
        .chain([
            format!("WHEN 'Ticket' THEN (SELECT {} FROM glpi_tickets x WHERE x.id = {items_id})", ticket_key("x")),
            format!("WHEN 'User' THEN (SELECT x.name FROM glpi_users x WHERE x.id = {items_id})"),
            format!("WHEN 'Software' THEN (SELECT x.name FROM glpi_softwares x WHERE x.id = {items_id})"),
        ])
        .collect::<Vec<_>>()
        .join(" ");
    format!("CONCAT({itemtype}, ' / ', COALESCE(CASE {itemtype} {whens} END, ''))")
}

/// A ticket's natural key: its opening date (to the second) and title.
fn ticket_key(t: &str) -> String {
    format!("CONCAT(DATE_FORMAT({t}.date, '%Y-%m-%d %H:%i:%s'), ' / ', {t}.name)")
}

/// The tables measured.
fn tables() -> Vec<Table> {
    let mut out = Vec::new();
    let entity = in_prefecture("a.entities_id");
    for t in GLPI_ASSETS {
        out.push(Table {
            name: match t {
                "NetworkEquipment" => "glpi_networkequipments",
                "Computer" => "glpi_computers",
                "Monitor" => "glpi_monitors",
                "Printer" => "glpi_printers",
                "Phone" => "glpi_phones",
                _ => "glpi_peripherals",
            },
            key: asset_key("a"),
            scope: format!("{entity} AND a.is_deleted = 0 AND a.is_template = 0"),
        });
    }
    let by_item = |name| Table {
        name,
        key: item_key("a.itemtype", "a.items_id"),
        scope: entity.clone(),
    };
    out.push(by_item("glpi_infocoms"));
    out.push(by_item("glpi_items_operatingsystems"));
    out.push(Table {
        name: "glpi_softwares",
        key: "a.name".into(),
        scope: format!("{entity} AND a.is_deleted = 0 AND a.is_template = 0"),
    });
    out.push(Table {
        name: "glpi_softwareversions",
        key: "CONCAT((SELECT s.name FROM glpi_softwares s WHERE s.id = a.softwares_id), ' / ', a.name)"
            .into(),
        scope: in_prefecture("(SELECT s.entities_id FROM glpi_softwares s WHERE s.id = a.softwares_id)"),
    });
    // Users are global: those with an authorization in the prefecture's subtree.
    let user_in = |users_id: &str| {
        format!(
            "EXISTS (SELECT 1 FROM glpi_profiles_users pu WHERE pu.users_id = {users_id} AND {})",
            in_prefecture("pu.entities_id")
        )
    };
    out.push(Table {
        name: "glpi_users",
        key: "a.name".into(),
        scope: format!("a.is_deleted = 0 AND {}", user_in("a.id")),
    });
    out.push(Table {
        name: "glpi_useremails",
        key: "CONCAT((SELECT u.name FROM glpi_users u WHERE u.id = a.users_id), ' / ', a.email)"
            .into(),
        scope: user_in("a.users_id"),
    });
    for name in ["glpi_groups", "glpi_locations"] {
        out.push(Table {
            name,
            key: "a.completename".into(),
            scope: entity.clone(),
        });
    }
    out.push(Table {
        name: "glpi_tickets",
        key: ticket_key("a"),
        scope: format!("{entity} AND a.is_deleted = 0"),
    });
    // A timeline entry: its ticket, its date and its author.
    let ticket_of = |tickets_id: &str| {
        format!(
            "(SELECT {} FROM glpi_tickets t WHERE t.id = {tickets_id})",
            ticket_key("t")
        )
    };
    let entry = |name, tickets_id: &str, date: &str, scope: String| Table {
        name,
        key: format!(
            "CONCAT({}, ' / ', DATE_FORMAT(a.{date}, '%Y-%m-%d %H:%i:%s'), ' / ', \
             COALESCE((SELECT u.name FROM glpi_users u WHERE u.id = a.users_id), ''))",
            ticket_of(tickets_id)
        ),
        scope,
    };
    let ticket_scope = |tickets_id: &str| {
        format!(
            "EXISTS (SELECT 1 FROM glpi_tickets t WHERE t.id = {tickets_id} AND t.is_deleted = 0 \
             AND {})",
            in_prefecture("t.entities_id")
        )
    };
    out.push(entry(
        "glpi_itilfollowups",
        "a.items_id",
        "date",
        format!("a.itemtype = 'Ticket' AND {}", ticket_scope("a.items_id")),
    ));
    out.push(entry(
        "glpi_tickettasks",
        "a.tickets_id",
        "date",
        ticket_scope("a.tickets_id"),
    ));
    out.push(entry(
        "glpi_itilsolutions",
        "a.items_id",
        "date_creation",
        format!("a.itemtype = 'Ticket' AND {}", ticket_scope("a.items_id")),
    ));
    out.push(Table {
        name: "glpi_networkports",
        key: format!(
            "CONCAT({}, ' / ', a.logical_number, ' / ', COALESCE(a.name, ''))",
            item_key("a.itemtype", "a.items_id")
        ),
        scope: format!("{entity} AND a.is_deleted = 0"),
    });
    out.push(Table {
        name: "glpi_documents",
        key: "CONCAT(LOWER(a.sha1sum), ' / ', a.filename)".into(),
        scope: format!("{entity} AND a.is_deleted = 0"),
    });
    out.push(Table {
        name: "glpi_suppliers",
        key: "a.name".into(),
        scope: format!("{entity} AND a.is_deleted = 0"),
    });
    out.push(Table {
        name: "glpi_budgets",
        key: "a.name".into(),
        scope: format!("{entity} AND a.is_deleted = 0 AND a.is_template = 0"),
    });
    out.push(Table {
        name: "glpi_contracts",
        key: "CONCAT(a.name, ' / ', COALESCE(a.num, ''))".into(),
        scope: format!("{entity} AND a.is_deleted = 0 AND a.is_template = 0"),
    });
    out
}

/// What one column kept.
#[derive(Debug, Clone)]
pub struct ColumnCoverage {
    /// `glpi_xxx.column`.
    pub column: String,
    /// Values compared (rows matched on both sides).
    pub compared: usize,
    /// Of them, neither empty nor 0 in the source (an always empty column proves little).
    pub filled: usize,
    /// Values that differ.
    pub differing: usize,
    /// The first difference: key, source value, target value.
    pub example: Option<(String, String, String)>,
}

/// One table's rows: source rows in scope, matched on the target.
#[derive(Debug, Clone)]
pub struct TableCoverage {
    /// `glpi_xxx`.
    pub table: String,
    /// Source rows of the prefecture's subtree (with a unique key).
    pub source_rows: usize,
    /// Of them, found on the target by their key.
    pub matched: usize,
    /// Per column, in the schema's order.
    pub columns: Vec<ColumnCoverage>,
}

/// The expression that reads `column` of `table` (alias `a`) as a comparable value: a foreign
/// key as the name of what it points to (GLPI's convention `xxx_id[_yyy]` → `glpi_xxx`).
fn column_expr(
    column: &str,
    columns: &BTreeSet<String>,
    schema: &BTreeMap<String, BTreeSet<String>>,
) -> String {
    if column == "entities_id" {
        return "(SELECT e.completename FROM glpi_entities e WHERE e.id = a.entities_id)".into();
    }
    if column == "items_id" && columns.contains("itemtype") {
        return item_key("a.itemtype", "a.items_id");
    }
    if column == "tickets_id" {
        return format!(
            "(SELECT {} FROM glpi_tickets t WHERE t.id = a.tickets_id)",
            ticket_key("t")
        );
    }
    let prefix = column
        .strip_suffix("_id")
        .or_else(|| column.split_once("_id_").map(|(p, _)| p));
    if let Some(prefix) = prefix {
        let target = format!("glpi_{prefix}");
        if let Some(cols) = schema.get(&target) {
            let name = if cols.contains("completename") {
                "completename"
            } else if cols.contains("name") {
                "name"
            } else {
                return format!("a.{column}");
            };
            return format!("(SELECT f.{name} FROM {target} f WHERE f.id = a.{column})");
        }
    }
    format!("a.{column}")
}

/// Every column of every table of `db`, from GLPI's schema.
fn schema(db: &str) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in crate::query(
        "information_schema",
        &format!("SELECT table_name, column_name FROM columns WHERE table_schema = '{db}'"),
    )? {
        if let (Some(Some(t)), Some(Some(c))) = (row.first(), row.get(1)) {
            out.entry(t.clone()).or_default().insert(c.clone());
        }
    }
    Ok(out)
}

/// The ordered columns of `table` in `db`.
fn ordered_columns(db: &str, table: &str) -> Result<Vec<String>> {
    Ok(crate::query(
        "information_schema",
        &format!(
            "SELECT column_name FROM columns WHERE table_schema = '{db}' AND table_name = '{table}' \
             ORDER BY ordinal_position"
        ),
    )?
    .into_iter()
    .filter_map(|r| r.into_iter().next().flatten())
    .collect())
}

/// Rows by key (keys seen twice are dropped: they cannot be matched one to one).
fn rows(db: &str, sql: &str) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    let mut twice = BTreeSet::new();
    for row in crate::query(db, sql)? {
        let mut cells = row.into_iter().map(|c| normalize(c.unwrap_or_default()));
        let key = cells.next().unwrap_or_default();
        if out.insert(key.clone(), cells.collect()).is_some() {
            twice.insert(key);
        }
    }
    for k in twice {
        out.remove(&k);
    }
    Ok(out)
}

/// The tables whose every column [`fill_empty_columns`] gives a value to.
pub const FILLED_TABLES: &[&str] = &["glpi_items_operatingsystems", "glpi_infocoms"];

/// Gives values to the columns of [`FILLED_TABLES`] that the prefecture's database leaves
/// empty (as an agent's inventory and a purchasing office fill them: product id, installation
/// date, amortization, budget, business criticity…), on two rows in three, so that the
/// measurement sees a loss there: a column always empty in the source proves nothing. Written
/// from GLPI's schema, run on the source database before the migration.
pub fn fill_empty_columns(source: &str) -> Result<()> {
    let entity = format!("(SELECT id FROM glpi_entities WHERE completename = '{PREFECTURE}')");
    for sql in [
        format!(
            "INSERT INTO glpi_budgets (name, entities_id, is_recursive, value, begin_date, end_date, \
             comment, date_creation) VALUES ('Budget DSI 2026', {entity}, 1, 50000, '2026-01-01', \
             '2026-12-31', 'Renouvellement du parc', '2025-11-20 10:00:00')"
        ),
        format!(
            "INSERT INTO glpi_businesscriticities (name, completename, entities_id, is_recursive, level) \
             VALUES ('Critique', 'Critique', {entity}, 1, 1)"
        ),
        "INSERT INTO glpi_operatingsystemarchitectures (name) VALUES ('x86_64')".to_string(),
        "INSERT INTO glpi_operatingsystemservicepacks (name) VALUES ('SP1')".to_string(),
        "INSERT INTO glpi_operatingsystemeditions (name) VALUES ('Professionnel')".to_string(),
        "INSERT INTO glpi_operatingsystemkernels (name) VALUES ('Linux')".to_string(),
        "INSERT INTO glpi_operatingsystemkernelversions (name, operatingsystemkernels_id) \
         SELECT '6.1.0-18-amd64', id FROM glpi_operatingsystemkernels WHERE name = 'Linux'"
            .to_string(),
        "UPDATE glpi_items_operatingsystems SET \
         operatingsystemarchitectures_id = (SELECT id FROM glpi_operatingsystemarchitectures WHERE name = 'x86_64'), \
         operatingsystemservicepacks_id = (SELECT id FROM glpi_operatingsystemservicepacks WHERE name = 'SP1'), \
         operatingsystemeditions_id = (SELECT id FROM glpi_operatingsystemeditions WHERE name = 'Professionnel'), \
         operatingsystemkernelversions_id = (SELECT id FROM glpi_operatingsystemkernelversions WHERE name = '6.1.0-18-amd64'), \
         licenseid = CONCAT('00330-80000-', LPAD(id, 5, '0'), '-AA', id % 10), \
         company = 'Préfecture de Guyane', owner = 'DSI', \
         hostid = CONCAT('7f', LPAD(HEX(id), 6, '0')), \
         install_date = DATE_ADD('2024-01-01', INTERVAL id DAY), \
         license_number = CONCAT('W', LPAD(id, 8, '0')) \
         WHERE id % 3 <> 0"
            .to_string(),
        "UPDATE glpi_infocoms SET \
         use_date = DATE_ADD(COALESCE(buy_date, '2025-01-01'), INTERVAL 7 DAY), \
         order_date = DATE_SUB(COALESCE(buy_date, '2025-01-01'), INTERVAL 30 DAY), \
         delivery_date = DATE_SUB(COALESCE(buy_date, '2025-01-01'), INTERVAL 3 DAY), \
         inventory_date = '2026-06-30', \
         decommission_date = IF(id % 4 = 1, '2031-02-01 00:00:00', NULL), \
         warranty_info = 'Sur site J+1', warranty_value = 120.5, \
         order_number = CONCAT('CMD-', id), delivery_number = CONCAT('BL-', id), \
         immo_number = CONCAT('IMM-', LPAD(id, 6, '0')), bill = CONCAT('FAC-', id), \
         sink_time = 5, sink_type = 2, sink_coeff = 1.5, alert = 4, \
         comment = CONCAT('Marché n°', id, ' — lot 2'), \
         budgets_id = (SELECT id FROM glpi_budgets WHERE name = 'Budget DSI 2026'), \
         businesscriticities_id = (SELECT id FROM glpi_businesscriticities WHERE name = 'Critique') \
         WHERE id % 3 <> 0"
            .to_string(),
    ] {
        crate::query(source, &sql)?;
    }
    for sql in SPARSE_FILLS {
        crate::query(source, sql)?;
    }
    Ok(())
}

/// Values in columns of the other tables that the prefecture's database leaves empty and that
/// a prefecture's GLPI fills (private followups, task categories, users' validity and supervisor,
/// software owners, locations' coordinates, assets' UUIDs…): the columns of [`FILLED_COLUMNS`].
const SPARSE_FILLS: &[&str] = &[
    "UPDATE glpi_itilfollowups SET is_private = 1 WHERE id % 3 = 1",
    "INSERT INTO glpi_taskcategories (entities_id, is_recursive, name, completename, level) \
     VALUES (1, 1, 'Intervention sur site', 'Intervention sur site', 1)",
    "UPDATE glpi_tickettasks SET is_private = 1, \
     taskcategories_id = (SELECT id FROM glpi_taskcategories WHERE name = 'Intervention sur site'), \
     groups_id_tech = 2 WHERE id % 3 = 1",
    "INSERT INTO glpi_solutiontypes (name, entities_id, is_recursive) VALUES ('Résolu à distance', 1, 1)",
    "UPDATE glpi_itilsolutions SET \
     solutiontypes_id = (SELECT id FROM glpi_solutiontypes WHERE name = 'Résolu à distance') \
     WHERE id % 2 = 0",
    "UPDATE glpi_users SET phone2 = '0594 39 45 00', nickname = CONCAT('n-', name), \
     begin_date = '2020-09-01 00:00:00', end_date = '2030-08-31 00:00:00', groups_id = 1 \
     WHERE id % 3 = 1 AND name NOT IN ('glpi', 'tech', 'normal', 'post-only')",
    "UPDATE glpi_users u JOIN (SELECT MIN(pu.users_id) AS id FROM glpi_profiles_users pu \
     JOIN glpi_users x ON x.id = pu.users_id WHERE pu.entities_id = 1 AND x.name NOT IN \
     ('glpi', 'tech', 'normal', 'post-only')) s SET u.users_id_supervisor = s.id \
     WHERE u.id % 3 = 2 AND u.id <> s.id",
    "UPDATE glpi_softwares SET locations_id = (SELECT MIN(id) FROM glpi_locations), \
     groups_id_tech = 2, groups_id = 1 WHERE id % 2 = 0",
    "UPDATE glpi_softwareversions SET arch = 'x64', comment = 'Version validée par le SIDSIC', \
     operatingsystems_id = 1 WHERE id % 2 = 0",
    "UPDATE glpi_locations SET state = 'Guyane', latitude = '4.9372', longitude = '-52.3260', \
     altitude = '8' WHERE id % 2 = 1",
    "UPDATE glpi_computers SET contact_num = '4521', uuid = CONCAT('4c4c4544-0042-3510-8052-', LPAD(id, 12, '0')) \
     WHERE id % 3 <> 0",
    "UPDATE glpi_monitors SET groups_id_tech = 2, contact_num = '4522' WHERE id % 2 = 0",
    "UPDATE glpi_printers SET memory_size = '512', init_pages_counter = 1200, contact_num = '4523' \
     WHERE id % 2 = 0",
    "UPDATE glpi_networkequipments SET ram = '2048', cpu = 45, contact = 'astreinte réseau', \
     groups_id = 1 WHERE id % 2 = 0",
    "UPDATE glpi_phones SET brand = 'Yealink', contact = 'accueil', have_headset = 1 WHERE id % 2 = 0",
    "UPDATE glpi_peripherals SET brand = 'Logitech', groups_id = 1, groups_id_tech = 2 WHERE id % 2 = 0",
    "UPDATE glpi_networkports SET comment = 'Prise murale B12', ifmtu = 1500, ifspeed = 1000000000 \
     WHERE id % 3 = 1",
];

/// The columns [`SPARSE_FILLS`] gives values to, as `glpi_xxx.column`.
pub const FILLED_COLUMNS: &[&str] = &[
    "glpi_itilfollowups.is_private",
    "glpi_tickettasks.is_private",
    "glpi_tickettasks.taskcategories_id",
    "glpi_tickettasks.groups_id_tech",
    "glpi_itilsolutions.solutiontypes_id",
    "glpi_users.phone2",
    "glpi_users.nickname",
    "glpi_users.begin_date",
    "glpi_users.end_date",
    "glpi_users.groups_id",
    "glpi_users.users_id_supervisor",
    "glpi_softwares.locations_id",
    "glpi_softwares.groups_id_tech",
    "glpi_softwares.groups_id",
    "glpi_softwareversions.arch",
    "glpi_softwareversions.comment",
    "glpi_softwareversions.operatingsystems_id",
    "glpi_locations.state",
    "glpi_locations.latitude",
    "glpi_locations.longitude",
    "glpi_locations.altitude",
    "glpi_computers.contact_num",
    "glpi_computers.uuid",
    "glpi_monitors.groups_id_tech",
    "glpi_monitors.contact_num",
    "glpi_printers.memory_size",
    "glpi_printers.init_pages_counter",
    "glpi_printers.contact_num",
    "glpi_networkequipments.ram",
    "glpi_networkequipments.cpu",
    "glpi_networkequipments.contact",
    "glpi_networkequipments.groups_id",
    "glpi_phones.brand",
    "glpi_phones.contact",
    "glpi_phones.have_headset",
    "glpi_peripherals.brand",
    "glpi_peripherals.groups_id",
    "glpi_peripherals.groups_id_tech",
    "glpi_networkports.comment",
    "glpi_networkports.ifmtu",
    "glpi_networkports.ifspeed",
];

/// Measures every table present in the source database `source` against `target`.
pub fn measure(source: &str, target: &str) -> Result<Vec<TableCoverage>> {
    let schema = schema(source)?;
    let mut out = Vec::new();
    for table in tables() {
        let Some(present) = schema.get(table.name) else {
            continue;
        };
        let columns: Vec<String> = ordered_columns(source, table.name)?
            .into_iter()
            .filter(|c| !skipped(table.name, c))
            .collect();
        let exprs = columns
            .iter()
            .map(|c| column_expr(c, present, &schema))
            .collect::<Vec<_>>()
            .join(", ");
        let select = format!("SELECT {}, {exprs} FROM {} a", table.key, table.name);
        let src = rows(source, &format!("{select} WHERE {}", table.scope))?;
        let dst = rows(target, &select)?;
        let mut cols: Vec<ColumnCoverage> = columns
            .iter()
            .map(|c| ColumnCoverage {
                column: format!("{}.{c}", table.name),
                compared: 0,
                filled: 0,
                differing: 0,
                example: None,
            })
            .collect();
        let mut matched = 0;
        for (key, s) in &src {
            let Some(d) = dst.get(key) else { continue };
            matched += 1;
            for (i, col) in cols.iter_mut().enumerate() {
                col.compared += 1;
                let (e, f) = (&s[i], &d[i]);
                if !e.is_empty() && e != "0" {
                    col.filled += 1;
                }
                if e != f {
                    col.differing += 1;
                    col.example
                        .get_or_insert_with(|| (key.clone(), e.clone(), f.clone()));
                }
            }
        }
        out.push(TableCoverage {
            table: table.name.to_string(),
            source_rows: src.len(),
            matched,
            columns: cols,
        });
    }
    Ok(out)
}

/// Cuts a value for a report line.
fn cut(v: &str) -> String {
    let v = v.replace('\n', " ");
    if v.chars().count() > 60 {
        format!("{}…", v.chars().take(60).collect::<String>())
    } else {
        v
    }
}

/// The report: per table its rows, then per column with differences the count and an example,
/// then the equal columns (with how many of their source values are filled).
pub fn report(tables: &[TableCoverage]) -> String {
    let mut s = String::from("| table.column | compared (filled) | differing | example (key: source → target) |\n|---|---|---|---|\n");
    for t in tables {
        s.push_str(&format!(
            "| {} (rows) | {} in the subtree | {} not matched | |\n",
            t.table,
            t.source_rows,
            t.source_rows - t.matched
        ));
        for c in t.columns.iter().filter(|c| c.differing > 0) {
            let example = c
                .example
                .as_ref()
                .map(|(k, e, f)| format!("{}: {:?} → {:?}", cut(k), cut(e), cut(f)))
                .unwrap_or_default();
            s.push_str(&format!(
                "| {} | {} ({}) | {} | {example} |\n",
                c.column, c.compared, c.filled, c.differing
            ));
        }
        let equal: Vec<String> = t
            .columns
            .iter()
            .filter(|c| c.differing == 0)
            .map(|c| {
                let name = c.column.split_once('.').map_or(&*c.column, |(_, n)| n);
                format!("{name} ({})", c.filled)
            })
            .collect();
        s.push_str(&format!(
            "| {} equal: {} of {} | {} | | |\n",
            t.table,
            equal.len(),
            t.columns.len(),
            equal.join(", ")
        ));
    }
    s
}
