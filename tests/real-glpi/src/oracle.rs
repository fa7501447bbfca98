//! The database oracle: what a GLPI database holds, read where GLPI 10.0.11 keeps it, resolved to
//! names and keyed by natural keys, so that a source and a target database can be compared
//! object by object.
//!
//! Written from GLPI's schema only (never from the engine it checks): an asset's operating system
//! is read in `glpi_items_operatingsystems`, its purchase data in `glpi_infocoms`, software
//! versions in `glpi_softwareversions`, installations in `glpi_items_softwareversions`,
//! connections in `glpi_computers_items`, e-mails in `glpi_useremails`, memberships in
//! `glpi_groups_users`, authorizations in `glpi_profiles_users`, network ports in
//! `glpi_networkports` with their names in `glpi_networknames` and addresses in
//! `glpi_ipaddresses`, documents in `glpi_documents` (category in `glpi_documentcategories`)
//! with their links in `glpi_documents_items`, suppliers in `glpi_suppliers`, contracts in
//! `glpi_contracts` with the items they cover in `glpi_contracts_items` and their suppliers in
//! `glpi_contracts_suppliers`, suppliers on tickets in `glpi_suppliers_tickets`.

use std::collections::BTreeMap;

use crate::Result;

/// The fields of one object, by field name, normalized (`NULL` and empty are both `""`).
pub type Fields = BTreeMap<String, String>;

/// One kind of object: its name, the SQL that reads it (first column the natural key, then the
/// fields), and how it is compared.
#[derive(Debug, Clone)]
pub struct Kind {
    /// Name shown in differences (`Computer`, `Authorization`, …).
    pub name: &'static str,
    /// Names of the fields, in the order of the SQL's columns after the key.
    pub fields: Vec<&'static str>,
    /// The query (`SELECT key, field1, … FROM …`).
    pub sql: String,
    /// Every source object must be on the target, with equal fields.
    pub check_missing: bool,
    /// Whether GLPI's CSV list exports carry it. When they do not (network ports), a missing
    /// object is only reported where the caller's `compared(kind, OBJECT)` says the
    /// migration read a source that has them (the local GLPI's API).
    pub files_carry: bool,
}

/// The pseudo-field [`compare`] asks `compared` about for a kind the files do not carry.
pub const OBJECT: &str = "(object)";

/// Whether GLPI's CSV exports carry `kind` (see [`Kind::files_carry`]).
pub fn files_carry(kind: &str) -> bool {
    kinds()
        .iter()
        .find(|k| k.name == kind)
        .is_none_or(|k| k.files_carry)
}

/// All objects of all kinds of one database: kind → key → every object with that key (more than
/// one is a duplicate).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The objects.
    pub kinds: BTreeMap<&'static str, BTreeMap<String, Vec<Fields>>>,
}

impl Snapshot {
    /// Reads every kind of [`kinds`] from database `db`.
    pub fn read(db: &str) -> Result<Snapshot> {
        let mut snapshot = Snapshot::default();
        for kind in kinds() {
            let mut objects: BTreeMap<String, Vec<Fields>> = BTreeMap::new();
            for row in crate::query(db, &kind.sql)? {
                let mut cells = row.into_iter().map(|c| normalize(c.unwrap_or_default()));
                let key = cells.next().unwrap_or_default();
                let fields = kind
                    .fields
                    .iter()
                    .map(|f| (f.to_string(), cells.next().unwrap_or_default()))
                    .collect();
                objects.entry(key).or_default().push(fields);
            }
            snapshot.kinds.insert(kind.name, objects);
        }
        Ok(snapshot)
    }

    /// The objects of `kind` (empty when none).
    pub fn objects(&self, kind: &str) -> impl Iterator<Item = (&String, &Vec<Fields>)> {
        self.kinds.get(kind).into_iter().flat_map(|m| m.iter())
    }

    /// The first object of `kind` with `key`.
    pub fn get(&self, kind: &str, key: &str) -> Option<&Fields> {
        self.kinds.get(kind)?.get(key)?.first()
    }

    /// How many objects of `kind` there are.
    pub fn count(&self, kind: &str) -> usize {
        self.objects(kind).map(|(_, v)| v.len()).sum()
    }
}

/// GLPI 10 stores `&`, `<`, `>` as numeric entities; values are compared decoded and trimmed.
pub fn normalize(value: String) -> String {
    let v = if value.contains("&#") {
        value
            .replace("&#38;", "&")
            .replace("&#60;", "<")
            .replace("&#62;", ">")
            .replace("&#39;", "'")
            .replace("&#34;", "\"")
    } else {
        value
    };
    v.trim().to_string()
}

/// One difference between the source and the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Kind of object.
    pub kind: String,
    /// Natural key.
    pub key: String,
    /// Field, or `(object)` for a missing, extra or duplicate object.
    pub field: String,
    /// What the source holds.
    pub expected: String,
    /// What the target holds.
    pub found: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} « {} » {}: expected {:?}, found {:?}",
            self.kind, self.key, self.field, self.expected, self.found
        )
    }
}

/// Compares `source` with `target`, kind by kind: every source object must be on the target
/// with equal fields (kinds with `check_missing`; only the fields `compared(kind, field)` says a
/// migration can carry), and the target must hold nothing extra: no object whose key the source
/// does not have, no second object with the same key.
pub fn compare(
    source: &Snapshot,
    target: &Snapshot,
    compared: &dyn Fn(&str, &str) -> bool,
) -> Vec<Difference> {
    let mut out = Vec::new();
    let empty = BTreeMap::new();
    for kind in kinds() {
        let src = source.kinds.get(kind.name).unwrap_or(&empty);
        let dst = target.kinds.get(kind.name).unwrap_or(&empty);
        let diff = |key: &str, field: &str, expected: &str, found: &str| Difference {
            kind: kind.name.to_string(),
            key: key.to_string(),
            field: field.to_string(),
            expected: expected.to_string(),
            found: found.to_string(),
        };
        if kind.check_missing && (kind.files_carry || compared(kind.name, OBJECT)) {
            for (key, objects) in src {
                let Some(found) = dst.get(key) else {
                    out.push(diff(key, "(object)", "present", "missing"));
                    continue;
                };
                for field in kind.fields.iter().filter(|f| compared(kind.name, f)) {
                    let e = &objects[0][*field];
                    let f = &found[0][*field];
                    if e != f {
                        out.push(diff(key, field, e, f));
                    }
                }
            }
        }
        for (key, objects) in dst {
            match src.get(key) {
                None => out.push(diff(key, "(object)", "absent", "extra on the target")),
                Some(s) if objects.len() > s.len() => out.push(diff(
                    key,
                    "(object)",
                    &format!("{} object(s)", s.len()),
                    &format!("{} objects (duplicate)", objects.len()),
                )),
                Some(_) => {}
            }
        }
    }
    out
}

/// A dropdown's name, or `""` (joined on its id).
fn name_of(table: &str, alias: &str, column: &str) -> String {
    format!("LEFT JOIN {table} {alias} ON {alias}.id = {column}")
}

/// The natural key of an asset of `table` aliased `a`: serial, else name.
pub(crate) fn asset_key(a: &str) -> String {
    format!("COALESCE(NULLIF(TRIM({a}.serial), ''), {a}.name)")
}

/// GLPI's six asset types.
pub(crate) const GLPI_ASSETS: [&str; 6] = [
    "Computer",
    "Monitor",
    "Printer",
    "NetworkEquipment",
    "Phone",
    "Peripheral",
];

/// Every kind of object the oracle compares.
pub fn kinds() -> Vec<Kind> {
    let mut kinds = Vec::new();
    for (itemtype, table, model, typ, extra) in [
        (
            "Computer",
            "glpi_computers",
            "computermodels",
            "computertypes",
            &[][..],
        ),
        (
            "Monitor",
            "glpi_monitors",
            "monitormodels",
            "monitortypes",
            &[
                ("size", "CAST(a.size AS DECIMAL(10,2))"),
                ("have_micro", "a.have_micro"),
                ("have_speaker", "a.have_speaker"),
                ("have_subd", "a.have_subd"),
                ("have_bnc", "a.have_bnc"),
                ("have_dvi", "a.have_dvi"),
                ("have_pivot", "a.have_pivot"),
                ("have_hdmi", "a.have_hdmi"),
                ("have_displayport", "a.have_displayport"),
            ][..],
        ),
        (
            "Printer",
            "glpi_printers",
            "printermodels",
            "printertypes",
            &[
                ("last_pages_counter", "a.last_pages_counter"),
                ("have_serial", "a.have_serial"),
                ("have_parallel", "a.have_parallel"),
                ("have_usb", "a.have_usb"),
                ("have_wifi", "a.have_wifi"),
                ("have_ethernet", "a.have_ethernet"),
            ][..],
        ),
        (
            "NetworkEquipment",
            "glpi_networkequipments",
            "networkequipmentmodels",
            "networkequipmenttypes",
            &[][..],
        ),
        (
            "Phone",
            "glpi_phones",
            "phonemodels",
            "phonetypes",
            &[
                ("number_line", "a.number_line"),
                ("have_headset", "a.have_headset"),
                ("have_hp", "a.have_hp"),
            ][..],
        ),
        (
            "Peripheral",
            "glpi_peripherals",
            "peripheralmodels",
            "peripheraltypes",
            &[][..],
        ),
    ] {
        kinds.push(asset_kind(itemtype, table, model, typ, extra));
    }
    kinds.push(Kind {
        name: "User",
        fields: vec![
            "realname",
            "firstname",
            "phone",
            "mobile",
            "registration_number",
            "title",
            "category",
            "location",
            "is_active",
            "comment",
            "date_creation",
            "entity",
            "language",
        ],
        // `entity` is the user's default entity (`glpi_users.entities_id`, a preference).
        sql: format!(
            "SELECT u.name, u.realname, u.firstname, u.phone, u.mobile, u.registration_number, \
             t.name, c.name, l.completename, u.is_active, u.comment, \
             DATE_FORMAT(u.date_creation, '%Y-%m-%d %H:%i'), ue.completename, u.language \
             FROM glpi_users u {} {} {} {} WHERE u.is_deleted = 0",
            name_of("glpi_usertitles", "t", "u.usertitles_id"),
            name_of("glpi_usercategories", "c", "u.usercategories_id"),
            name_of("glpi_locations", "l", "u.locations_id"),
            name_of("glpi_entities", "ue", "u.entities_id"),
        ),
        check_missing: true,
        files_carry: true,
    });
    kinds.push(Kind {
        name: "UserEmail",
        fields: vec!["is_default"],
        sql: "SELECT CONCAT(u.name, ' / ', e.email), e.is_default FROM glpi_useremails e \
              JOIN glpi_users u ON u.id = e.users_id"
            .into(),
        check_missing: true,
        files_carry: true,
    });
    kinds.push(Kind {
        name: "GroupMembership",
        fields: vec!["is_manager"],
        sql:
            "SELECT CONCAT(u.name, ' / ', g.completename), gu.is_manager FROM glpi_groups_users gu \
              JOIN glpi_users u ON u.id = gu.users_id JOIN glpi_groups g ON g.id = gu.groups_id"
                .into(),
        check_missing: true,
        files_carry: true,
    });
    kinds.push(Kind {
        name: "Authorization",
        fields: vec!["is_recursive"],
        sql: "SELECT CONCAT(u.name, ' / ', p.name, ' / ', e.completename), pu.is_recursive \
              FROM glpi_profiles_users pu JOIN glpi_users u ON u.id = pu.users_id \
              JOIN glpi_profiles p ON p.id = pu.profiles_id \
              JOIN glpi_entities e ON e.id = pu.entities_id"
            .into(),
        check_missing: true,
        files_carry: true,
    });
    kinds.push(Kind {
        name: "Group",
        fields: vec![
            "name",
            "parent",
            "entity",
            "is_recursive",
            "is_requester",
            "is_assign",
            "is_usergroup",
            "is_itemgroup",
            "comment",
            "date_creation",
        ],
        sql: format!(
            "SELECT g.completename, g.name, p.completename, e.completename, g.is_recursive, \
             g.is_requester, g.is_assign, g.is_usergroup, g.is_itemgroup, g.comment, \
             DATE_FORMAT(g.date_creation, '%Y-%m-%d %H:%i') FROM glpi_groups g {} {}",
            name_of("glpi_groups", "p", "g.groups_id"),
            name_of("glpi_entities", "e", "g.entities_id"),
        ),
        check_missing: true,
        files_carry: true,
    });
    kinds.push(Kind {
        name: "Location",
        fields: vec![
            "name",
            "parent",
            "entity",
            "is_recursive",
            "address",
            "postcode",
            "town",
            "building",
            "room",
            "comment",
            "date_creation",
            "state",
            "country",
            "latitude",
            "longitude",
            "altitude",
        ],
        sql: format!(
            "SELECT l.completename, l.name, p.completename, e.completename, l.is_recursive, \
             l.address, l.postcode, l.town, l.building, l.room, l.comment, \
             DATE_FORMAT(l.date_creation, '%Y-%m-%d %H:%i'), l.state, l.country, l.latitude, \
             l.longitude, l.altitude FROM glpi_locations l {} {}",
            name_of("glpi_locations", "p", "l.locations_id"),
            name_of("glpi_entities", "e", "l.entities_id"),
        ),
        check_missing: true,
        files_carry: true,
    });
    kinds.push(Kind {
        name: "Software",
        fields: vec![
            "entity",
            "publisher",
            "category",
            "is_recursive",
            "comment",
            "date_creation",
        ],
        sql: format!(
            "SELECT s.name, e.completename, m.name, c.completename, s.is_recursive, s.comment, \
             DATE_FORMAT(s.date_creation, '%Y-%m-%d %H:%i') FROM glpi_softwares s {} {} {} WHERE s.is_deleted = 0 AND s.is_template = 0",
            name_of("glpi_entities", "e", "s.entities_id"),
            name_of("glpi_manufacturers", "m", "s.manufacturers_id"),
            name_of("glpi_softwarecategories", "c", "s.softwarecategories_id"),
        ),
        check_missing: true,
        files_carry: true,
    });
    kinds.push(Kind {
        name: "SoftwareVersion",
        fields: vec!["is_recursive", "state"],
        sql: format!(
            "SELECT CONCAT(s.name, ' / ', v.name), v.is_recursive, st.completename \
             FROM glpi_softwareversions v JOIN glpi_softwares s ON s.id = v.softwares_id {}",
            name_of("glpi_states", "st", "v.states_id"),
        ),
        check_missing: true,
        files_carry: true,
    });
    kinds.push(Kind {
        name: "Installation",
        fields: vec![],
        sql: format!(
            "SELECT CONCAT({}, ' / ', s.name, ' / ', v.name) FROM glpi_items_softwareversions i \
             JOIN glpi_computers a ON i.itemtype = 'Computer' AND a.id = i.items_id \
             JOIN glpi_softwareversions v ON v.id = i.softwareversions_id \
             JOIN glpi_softwares s ON s.id = v.softwares_id WHERE i.is_deleted = 0",
            asset_key("a")
        ),
        check_missing: true,
        files_carry: true,
    });
    let item_key = ["Monitor", "Printer", "Phone", "Peripheral"]
        .iter()
        .map(|t| {
            format!(
                "WHEN '{t}' THEN (SELECT {} FROM glpi_{}s x WHERE x.id = ci.items_id)",
                asset_key("x"),
                t.to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    kinds.push(Kind {
        name: "Connection",
        fields: vec![],
        sql: format!(
            "SELECT CONCAT({}, ' / ', ci.itemtype, ' / ', CASE ci.itemtype {item_key} END) \
             FROM glpi_computers_items ci JOIN glpi_computers a ON a.id = ci.computers_id \
             WHERE ci.is_deleted = 0",
            asset_key("a")
        ),
        check_missing: true,
        files_carry: true,
    });
    // Network ports of assets, keyed by the asset (type and natural key) and the port's
    // logical number and name; their network names and addresses, sorted.
    let port_asset = GLPI_ASSETS
        .iter()
        .map(|t| {
            format!(
                "WHEN '{t}' THEN (SELECT {} FROM glpi_{}s x WHERE x.id = p.items_id)",
                asset_key("x"),
                t.to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let port_key = format!(
        "CONCAT(p.itemtype, ' / ', CASE p.itemtype {port_asset} END, ' / ', p.logical_number, \
         ' / ', COALESCE(p.name, ''))"
    );
    kinds.push(Kind {
        name: "NetworkPort",
        fields: vec!["mac", "instantiation_type", "network_name", "ip_addresses"],
        sql: format!(
            "SELECT {port_key}, LOWER(p.mac), p.instantiation_type, \
             (SELECT GROUP_CONCAT(n.name ORDER BY n.name SEPARATOR ' ') FROM glpi_networknames n \
              WHERE n.itemtype = 'NetworkPort' AND n.items_id = p.id AND n.is_deleted = 0), \
             (SELECT GROUP_CONCAT(ip.name ORDER BY ip.name SEPARATOR ' ') FROM glpi_networknames n \
              JOIN glpi_ipaddresses ip ON ip.itemtype = 'NetworkName' AND ip.items_id = n.id \
              WHERE n.itemtype = 'NetworkPort' AND n.items_id = p.id AND n.is_deleted = 0 \
              AND ip.is_deleted = 0) \
             FROM glpi_networkports p WHERE p.is_deleted = 0"
        ),
        check_missing: true,
        files_carry: false,
    });
    kinds.push(Kind {
        name: "IPAddress",
        fields: vec!["version", "network_name", "main_item"],
        sql: format!(
            "SELECT CONCAT({port_key}, ' / ', ip.name), ip.version, n.name, \
             CONCAT(ip.mainitemtype, ' / ', CASE ip.mainitemtype {} END) \
             FROM glpi_ipaddresses ip JOIN glpi_networknames n ON ip.itemtype = 'NetworkName' \
             AND n.id = ip.items_id JOIN glpi_networkports p ON n.itemtype = 'NetworkPort' \
             AND p.id = n.items_id WHERE ip.is_deleted = 0 AND n.is_deleted = 0",
            port_asset.replace("p.items_id", "ip.mainitems_id")
        ),
        check_missing: true,
        files_carry: false,
    });
    // Documents, keyed by their file (sha1sum) and its name; their links by the document and
    // the item's natural key (an asset's serial or name, a ticket's opening date and title).
    let document_key = "CONCAT(LOWER(d.sha1sum), ' / ', d.filename)";
    kinds.push(Kind {
        name: "Document",
        fields: vec!["name", "mime", "comment", "category", "entity"],
        sql: format!(
            "SELECT {document_key}, d.name, d.mime, d.comment, dc.completename, e.completename \
             FROM glpi_documents d {} {} WHERE d.is_deleted = 0",
            name_of("glpi_documentcategories", "dc", "d.documentcategories_id"),
            name_of("glpi_entities", "e", "d.entities_id"),
        ),
        check_missing: true,
        files_carry: false,
    });
    let linked_item = GLPI_ASSETS
        .iter()
        .map(|t| {
            format!(
                "WHEN '{t}' THEN (SELECT {} FROM glpi_{}s x WHERE x.id = di.items_id)",
                asset_key("x"),
                t.to_lowercase()
            )
        })
        .chain(std::iter::once(
            "WHEN 'Ticket' THEN (SELECT CONCAT(t.date, ' ', t.name) FROM glpi_tickets t \
             WHERE t.id = di.items_id)"
                .to_string(),
        ))
        .collect::<Vec<_>>()
        .join(" ");
    kinds.push(Kind {
        name: "Document_Item",
        fields: vec![],
        sql: format!(
            "SELECT CONCAT({document_key}, ' / ', di.itemtype, ' / ', \
             COALESCE(CASE di.itemtype {linked_item} END, CONCAT('id ', di.items_id))) \
             FROM glpi_documents_items di JOIN glpi_documents d ON d.id = di.documents_id \
             WHERE d.is_deleted = 0"
        ),
        check_missing: true,
        files_carry: false,
    });
    // Suppliers and contracts (CSV exports carry a supplier's name only, through purchase data).
    kinds.push(Kind {
        name: "Supplier",
        fields: vec![
            "entity",
            "is_recursive",
            "type",
            "registration_number",
            "address",
            "postcode",
            "town",
            "state",
            "country",
            "website",
            "phonenumber",
            "fax",
            "email",
            "comment",
            "is_active",
        ],
        sql: format!(
            "SELECT s.name, e.completename, s.is_recursive, t.name, s.registration_number, \
             s.address, s.postcode, s.town, s.state, s.country, s.website, s.phonenumber, s.fax, \
             s.email, s.comment, s.is_active FROM glpi_suppliers s {} {} WHERE s.is_deleted = 0",
            name_of("glpi_entities", "e", "s.entities_id"),
            name_of("glpi_suppliertypes", "t", "s.suppliertypes_id"),
        ),
        check_missing: true,
        files_carry: false,
    });
    kinds.push(Kind {
        name: "Contract",
        fields: vec![
            "entity",
            "is_recursive",
            "type",
            "begin_date",
            "duration",
            "notice",
            "periodicity",
            "billing",
            "renewal",
            "alert",
            "accounting_number",
            "location",
            "state",
            "comment",
        ],
        sql: format!(
            "SELECT CONCAT(c.name, ' / ', COALESCE(c.num, '')), e.completename, c.is_recursive, \
             t.name, c.begin_date, c.duration, c.notice, c.periodicity, c.billing, c.renewal, \
             c.alert, c.accounting_number, l.completename, st.completename, c.comment \
             FROM glpi_contracts c {} {} {} {} WHERE c.is_deleted = 0 AND c.is_template = 0",
            name_of("glpi_entities", "e", "c.entities_id"),
            name_of("glpi_contracttypes", "t", "c.contracttypes_id"),
            name_of("glpi_locations", "l", "c.locations_id"),
            name_of("glpi_states", "st", "c.states_id"),
        ),
        check_missing: true,
        files_carry: false,
    });
    let covered = GLPI_ASSETS
        .iter()
        .map(|t| {
            format!(
                "WHEN '{t}' THEN (SELECT {} FROM glpi_{}s x WHERE x.id = ci.items_id)",
                asset_key("x"),
                t.to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    kinds.push(Kind {
        name: "Contract_Item",
        fields: vec![],
        sql: format!(
            "SELECT CONCAT(c.name, ' / ', COALESCE(c.num, ''), ' / ', ci.itemtype, ' / ', \
             CASE ci.itemtype {covered} END) FROM glpi_contracts_items ci \
             JOIN glpi_contracts c ON c.id = ci.contracts_id WHERE c.is_deleted = 0"
        ),
        check_missing: true,
        files_carry: false,
    });
    kinds.push(Kind {
        name: "Contract_Supplier",
        fields: vec![],
        sql: "SELECT CONCAT(c.name, ' / ', COALESCE(c.num, ''), ' / ', s.name) \
              FROM glpi_contracts_suppliers cs JOIN glpi_contracts c ON c.id = cs.contracts_id \
              JOIN glpi_suppliers s ON s.id = cs.suppliers_id \
              WHERE c.is_deleted = 0 AND s.is_deleted = 0"
            .into(),
        check_missing: true,
        files_carry: false,
    });
    // A ticket by its opening date (to the minute) and title; the actor's type (1 requester,
    // 2 assigned, 3 observer).
    kinds.push(Kind {
        name: "Supplier_Ticket",
        fields: vec![],
        sql: "SELECT CONCAT(DATE_FORMAT(t.date, '%Y-%m-%d %H:%i'), ' / ', t.name, ' / ', s.name, \
              ' / ', st.type) FROM glpi_suppliers_tickets st \
              JOIN glpi_tickets t ON t.id = st.tickets_id \
              JOIN glpi_suppliers s ON s.id = st.suppliers_id WHERE t.is_deleted = 0"
            .into(),
        check_missing: true,
        files_carry: false,
    });
    // Dropdowns: only "nothing extra, nothing twice" (a value no exported row uses cannot be
    // carried; the values the rows use are compared through the rows' fields).
    for (name, table, key) in [
        ("Manufacturer", "glpi_manufacturers", "name"),
        ("State", "glpi_states", "completename"),
        ("SupplierType", "glpi_suppliertypes", "name"),
        ("ContractType", "glpi_contracttypes", "name"),
        ("OperatingSystem", "glpi_operatingsystems", "name"),
        (
            "OperatingSystemVersion",
            "glpi_operatingsystemversions",
            "name",
        ),
        ("UserTitle", "glpi_usertitles", "name"),
        ("UserCategory", "glpi_usercategories", "name"),
        (
            "SoftwareCategory",
            "glpi_softwarecategories",
            "completename",
        ),
        ("ComputerModel", "glpi_computermodels", "name"),
        ("ComputerType", "glpi_computertypes", "name"),
        ("MonitorModel", "glpi_monitormodels", "name"),
        ("MonitorType", "glpi_monitortypes", "name"),
        ("PrinterModel", "glpi_printermodels", "name"),
        ("PrinterType", "glpi_printertypes", "name"),
        (
            "NetworkEquipmentModel",
            "glpi_networkequipmentmodels",
            "name",
        ),
        ("NetworkEquipmentType", "glpi_networkequipmenttypes", "name"),
        ("PhoneModel", "glpi_phonemodels", "name"),
        ("PhoneType", "glpi_phonetypes", "name"),
        ("PeripheralModel", "glpi_peripheralmodels", "name"),
        ("PeripheralType", "glpi_peripheraltypes", "name"),
    ] {
        kinds.push(Kind {
            name,
            fields: vec![],
            sql: format!("SELECT {key} FROM {table}"),
            check_missing: false,
            files_carry: true,
        });
    }
    kinds
}

fn asset_kind(
    itemtype: &'static str,
    table: &str,
    model: &str,
    typ: &str,
    extra: &[(&'static str, &str)],
) -> Kind {
    let mut fields = vec![
        "name",
        "entity",
        "serial",
        "otherserial",
        "manufacturer",
        "model",
        "type",
        "state",
        "location",
        "user",
        "contact",
        "group",
        "user_tech",
        "group_tech",
        "comment",
        "date_creation",
    ];
    let mut columns = vec![
        "a.name".to_string(),
        "e.completename".into(),
        "a.serial".into(),
        "a.otherserial".into(),
        "m.name".into(),
        "mo.name".into(),
        "ty.name".into(),
        "st.completename".into(),
        "l.completename".into(),
        "u.name".into(),
        "a.contact".into(),
        "g.completename".into(),
        "ut.name".into(),
        "gt.completename".into(),
        "a.comment".into(),
        "DATE_FORMAT(a.date_creation, '%Y-%m-%d %H:%i')".into(),
    ];
    for (field, column) in extra {
        fields.push(field);
        columns.push(column.to_string());
    }
    // Where GLPI keeps what a POST of the asset cannot: the operating system and the purchase data.
    let os = |field: &'static str, table: &str, column: &str| {
        (
            field,
            format!(
                "(SELECT GROUP_CONCAT(COALESCE(d.name, '') ORDER BY io.id SEPARATOR '<br>') \
                 FROM glpi_items_operatingsystems io LEFT JOIN {table} d ON d.id = io.{column} \
                 WHERE io.itemtype = '{itemtype}' AND io.items_id = a.id)"
            ),
        )
    };
    let infocom = |field: &'static str, expr: &str| {
        (
            field,
            format!(
                "(SELECT GROUP_CONCAT(COALESCE({expr}, '') ORDER BY ic.id SEPARATOR '<br>') \
                 FROM glpi_infocoms ic LEFT JOIN glpi_suppliers sup ON sup.id = ic.suppliers_id \
                 WHERE ic.itemtype = '{itemtype}' AND ic.items_id = a.id)"
            ),
        )
    };
    for (field, column) in [
        os("os_name", "glpi_operatingsystems", "operatingsystems_id"),
        os(
            "os_version",
            "glpi_operatingsystemversions",
            "operatingsystemversions_id",
        ),
        os(
            "os_architecture",
            "glpi_operatingsystemarchitectures",
            "operatingsystemarchitectures_id",
        ),
        os(
            "os_servicepack",
            "glpi_operatingsystemservicepacks",
            "operatingsystemservicepacks_id",
        ),
        os(
            "os_kernel_version",
            "glpi_operatingsystemkernelversions",
            "operatingsystemkernelversions_id",
        ),
        os(
            "os_edition",
            "glpi_operatingsystemeditions",
            "operatingsystemeditions_id",
        ),
        infocom("buy_date", "ic.buy_date"),
        infocom("value", "CAST(ic.value AS DECIMAL(20,2))"),
        infocom("supplier", "sup.name"),
        infocom(
            "warranty_expiration",
            "IF(ic.warranty_date IS NULL OR ic.warranty_duration = 0, NULL, \
             DATE_ADD(ic.warranty_date, INTERVAL ic.warranty_duration MONTH))",
        ),
    ] {
        fields.push(field);
        columns.push(column);
    }
    let lower = itemtype.to_lowercase();
    let sql = format!(
        "SELECT {key}, {columns} FROM {table} a {} {} {} {} {} {} {} {} {} {} \
         WHERE a.is_deleted = 0 AND a.is_template = 0",
        name_of("glpi_entities", "e", "a.entities_id"),
        name_of("glpi_manufacturers", "m", "a.manufacturers_id"),
        name_of(
            &format!("glpi_{model}"),
            "mo",
            &format!("a.{lower}models_id")
        ),
        name_of(&format!("glpi_{typ}"), "ty", &format!("a.{lower}types_id")),
        name_of("glpi_states", "st", "a.states_id"),
        name_of("glpi_locations", "l", "a.locations_id"),
        name_of("glpi_users", "u", "a.users_id"),
        name_of("glpi_groups", "g", "a.groups_id"),
        name_of("glpi_users", "ut", "a.users_id_tech"),
        name_of("glpi_groups", "gt", "a.groups_id_tech"),
        key = asset_key("a"),
        columns = columns.join(", "),
    );
    Kind {
        name: itemtype,
        fields,
        sql,
        check_missing: true,
        files_carry: true,
    }
}
