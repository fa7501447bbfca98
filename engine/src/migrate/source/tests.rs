//! The reader against a recording transport: pages, resume after a cut, GET only, and the
//! values as the plan reads them.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context as TaskContext, Poll, Waker};

use serde_json::{json, Value};

use super::*;
use crate::migrate::api::{ApiRequest, ApiResponse, Credentials, Method, TransportError};
use crate::migrate::client::ClientOptions;
use crate::migrate::model::FieldValue;
use crate::migrate::plan::{PlanOptions, TargetData};

/// A local GLPI in memory: collections by (type, expanded), every request recorded; after
/// `fail_after` requests, every connection fails.
struct LocalGlpi {
    rows: BTreeMap<(String, bool), Vec<Value>>,
    requests: RefCell<Vec<ApiRequest>>,
    fail_after: Cell<Option<usize>>,
}

impl LocalGlpi {
    fn new() -> Self {
        LocalGlpi {
            rows: fixture(),
            requests: RefCell::new(Vec::new()),
            fail_after: Cell::new(None),
        }
    }

    fn answer(&self, req: &ApiRequest) -> ApiResponse {
        let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
        let param = |k: &str| {
            query
                .split('&')
                .find_map(|p| p.strip_prefix(&format!("{k}=")))
        };
        let ok = |status: u16, body: Value, headers: Vec<(String, String)>| ApiResponse {
            status,
            headers,
            body: body.to_string().into_bytes(),
        };
        match path {
            "/initSession" => return ok(200, json!({"session_token": "s"}), vec![]),
            "/getFullSession" => {
                return ok(200, json!({"session": {"glpiactive_entity": 1}}), vec![])
            }
            // The census: a type this GLPI does not have, one the session may not read.
            "/Rack" => {
                return ok(
                    400,
                    json!([
                        "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
                        "resource not found"
                    ]),
                    vec![],
                )
            }
            "/TicketCost" => {
                return ok(
                    401,
                    json!(["ERROR_RIGHT_MISSING", "You don't have permission"]),
                    vec![],
                )
            }
            _ => {}
        }
        let expand = param("expand_dropdowns") == Some("true");
        let all = self
            .rows
            .get(&(path.trim_start_matches('/').to_string(), expand))
            .cloned()
            .unwrap_or_default();
        let (start, end) = param("range")
            .and_then(|r| r.split_once('-'))
            .map(|(a, b)| (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()))
            .unwrap();
        if start >= all.len() {
            return ok(
                400,
                json!(["ERROR_RANGE_EXCEED_TOTAL", "range exceeds total"]),
                vec![],
            );
        }
        let page: Vec<Value> = all
            .iter()
            .skip(start)
            .take(end + 1 - start)
            .cloned()
            .collect();
        let last = start + page.len() - 1;
        ok(
            if page.len() < all.len() { 206 } else { 200 },
            Value::Array(page),
            vec![(
                "content-range".into(),
                format!("{start}-{last}/{}", all.len()),
            )],
        )
    }
}

impl Transport for LocalGlpi {
    async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
        let n = self.requests.borrow().len();
        self.requests.borrow_mut().push(request.clone());
        if self.fail_after.get().is_some_and(|f| n >= f) {
            return Err(TransportError::Connection("coupé".into()));
        }
        Ok(self.answer(request))
    }
    async fn sleep(&self, _ms: u64) {}
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn random(&self) -> f64 {
        0.5
    }
}

/// Rows as ids and with names: `names` replaces the given fields in the named copy.
fn twin(rows: &mut BTreeMap<(String, bool), Vec<Value>>, itemtype: &str, raw: Value, names: Value) {
    let mut named = raw.clone();
    for (k, v) in names.as_object().unwrap() {
        named[k] = v.clone();
    }
    rows.entry((itemtype.into(), false)).or_default().push(raw);
    rows.entry((itemtype.into(), true)).or_default().push(named);
}

fn fixture() -> BTreeMap<(String, bool), Vec<Value>> {
    let mut r: BTreeMap<(String, bool), Vec<Value>> = BTreeMap::new();
    fn put(r: &mut BTreeMap<(String, bool), Vec<Value>>, t: &str, expand: bool, rows: Vec<Value>) {
        r.insert((t.into(), expand), rows);
    }
    // Of what the migration does not carry: three volumes, one approval request.
    put(
        &mut r,
        "Item_Disk",
        false,
        (1..=3)
            .map(|id| json!({"id": id, "itemtype": "Computer", "items_id": 20, "name": "C:"}))
            .collect(),
    );
    put(
        &mut r,
        "TicketValidation",
        false,
        vec![json!({"id": 1, "tickets_id": 1, "status": 2})],
    );
    put(
        &mut r,
        "Entity",
        false,
        vec![
            json!({"id": 0, "entities_id": 0, "completename": "Root Entity"}),
            json!({"id": 1, "entities_id": 0, "completename": "Root Entity > Préfecture de Guyane"}),
            json!({"id": 2, "entities_id": 0, "completename": "Root Entity > Ailleurs"}),
            json!({"id": 3, "entities_id": 1, "completename": "Root Entity > Préfecture de Guyane > Kourou"}),
        ],
    );
    put(
        &mut r,
        "Profile",
        false,
        vec![
            json!({"id": 1, "name": "Self-Service"}),
            json!({"id": 6, "name": "Technician"}),
        ],
    );
    let pref = "Root Entity > Préfecture de Guyane";
    put(
        &mut r,
        "Location",
        true,
        vec![
            json!({"id": 1, "completename": "Cayenne", "entities_id": pref, "is_recursive": 1, "locations_id": 0, "address": "1 rue Fiedmond", "town": "Cayenne", "postcode": "97300", "building": "", "room": null, "comment": null, "latitude": "4.9372", "longitude": "-52.3260", "altitude": "8"}),
            json!({"id": 2, "completename": "Cayenne &#62; Bâtiment A", "entities_id": "Root Entity &#62; Préfecture de Guyane", "is_recursive": 1, "locations_id": "Cayenne", "town": "Cayenne"}),
            json!({"id": 3, "completename": "Ailleurs", "entities_id": "Root Entity > Ailleurs", "is_recursive": 0}),
            json!({"id": 4, "completename": "Cayenne &#62; Bâtiment A &#62; 1er étage", "entities_id": pref, "is_recursive": 1, "locations_id": "Cayenne &#62; Bâtiment A"}),
        ],
    );
    put(
        &mut r,
        "Group",
        true,
        vec![
            json!({"id": 4, "completename": "SIDSIC > Support", "entities_id": pref, "is_recursive": 1, "is_requester": 1, "is_assign": 1, "is_usergroup": 1, "is_itemgroup": 1, "comment": ""}),
        ],
    );
    put(
        &mut r,
        "User",
        true,
        vec![
            json!({"id": 2, "name": "glpi", "realname": null, "firstname": null, "entities_id": "Root Entity", "is_deleted": 0, "is_active": 1}),
            json!({"id": 10, "name": "kevin.tiburce", "realname": "Tiburce", "firstname": "Kévin", "phone": "05 94 39 57 28", "usertitles_id": "Technicien", "usercategories_id": 0, "locations_id": "Cayenne > Bâtiment A", "is_active": 1, "is_deleted": 0, "date_creation": "2025-12-15 11:14:00", "registration_number": "M1"}),
            json!({"id": 11, "name": "celine.joseph", "realname": "Joseph", "firstname": "Céline", "is_active": 1, "is_deleted": 0, "users_id_supervisor": "Tiburce Kévin"}),
            json!({"id": 12, "name": "celine.joseph2", "realname": "Joseph", "firstname": "Céline", "is_active": 0, "is_deleted": 0}),
            json!({"id": 13, "name": "parti", "realname": "Parti", "firstname": "Déjà", "is_active": 0, "is_deleted": 1}),
        ],
    );
    put(
        &mut r,
        "UserEmail",
        false,
        vec![
            json!({"id": 1, "users_id": 10, "email": "k.t@perso.fr", "is_default": 0}),
            json!({"id": 2, "users_id": 10, "email": "kevin.tiburce@guyane.gouv.fr", "is_default": 1}),
            json!({"id": 3, "users_id": 2, "email": "admin@x.fr", "is_default": 1}),
        ],
    );
    put(
        &mut r,
        "Profile_User",
        false,
        vec![
            json!({"id": 1, "users_id": 2, "profiles_id": 6, "entities_id": 0, "is_recursive": 1}),
            json!({"id": 2, "users_id": 10, "profiles_id": 6, "entities_id": 1, "is_recursive": 1}),
            json!({"id": 3, "users_id": 11, "profiles_id": 1, "entities_id": 1, "is_recursive": 0}),
            json!({"id": 4, "users_id": 12, "profiles_id": 1, "entities_id": 3, "is_recursive": 0}),
            json!({"id": 5, "users_id": 13, "profiles_id": 1, "entities_id": 1, "is_recursive": 0}),
        ],
    );
    put(
        &mut r,
        "Group_User",
        false,
        vec![json!({"id": 1, "users_id": 10, "groups_id": 4, "is_manager": 1})],
    );
    // Computers: 20 and 21 in the prefecture (21 used by the second homonym), 22 in the trash,
    // 23 elsewhere.
    let computer = |id: u64, serial: &str, entity: u64, user: u64, deleted: u8| {
        json!({"id": id, "name": format!("PC-{id}"), "serial": serial, "entities_id": entity,
               "users_id": user, "users_id_tech": 10, "contact": "", "is_deleted": deleted,
               "is_template": 0, "otherserial": "", "manufacturers_id": 3, "computermodels_id": 4,
               "computertypes_id": 0, "states_id": 1, "locations_id": 2, "groups_id": 4,
               "groups_id_tech": 0, "comment": "", "date_creation": "2026-03-02 09:50:00"})
    };
    let names = |entity: &str, user: &str| {
        json!({"entities_id": entity, "users_id": user, "users_id_tech": "Tiburce Kévin",
               "manufacturers_id": "HP Inc.", "computermodels_id": "EliteDesk 800 G6",
               "states_id": "En service", "locations_id": "Cayenne > Bâtiment A",
               "groups_id": "SIDSIC > Support"})
    };
    twin(
        &mut r,
        "Computer",
        computer(20, "CZC1", 1, 11, 0),
        names(pref, "Joseph Céline"),
    );
    twin(
        &mut r,
        "Computer",
        computer(21, "", 3, 12, 0),
        names(
            "Root Entity > Préfecture de Guyane > Kourou",
            "Joseph Céline",
        ),
    );
    twin(
        &mut r,
        "Computer",
        computer(22, "CZC3", 1, 0, 1),
        names(pref, ""),
    );
    twin(
        &mut r,
        "Computer",
        computer(23, "CZC4", 2, 0, 0),
        names("Root Entity > Ailleurs", ""),
    );
    twin(
        &mut r,
        "Monitor",
        json!({"id": 30, "name": "Écran", "serial": "MON1", "entities_id": 1, "users_id": 0, "is_deleted": 0, "is_template": 0, "size": "24.00", "monitormodels_id": 0, "contact_num": "4522"}),
        json!({"entities_id": pref, "users_id": 0, "contact_num": "4522", "groups_id": "SIDSIC > Support"}),
    );
    twin(
        &mut r,
        "Item_OperatingSystem",
        json!({"id": 1, "itemtype": "Computer", "items_id": 20, "operatingsystems_id": 2, "operatingsystemversions_id": 3, "license_number": "X",
               "licenseid": "00330-80000-00016-AA6", "install_date": "2024-01-17", "company": "Préfecture", "owner": "DSI", "hostid": "7f000010",
               "date_creation": "2024-01-17 09:12:00"}),
        json!({"items_id": "PC-20", "operatingsystems_id": "Microsoft Windows 11 Entreprise", "operatingsystemversions_id": "23H2",
               "licenseid": "00330-80000-00016-AA6", "install_date": "2024-01-17", "company": "Préfecture", "owner": "DSI", "hostid": "7f000010"}),
    );
    twin(
        &mut r,
        "Infocom",
        json!({"id": 1, "itemtype": "Computer", "items_id": 20, "buy_date": "2026-02-01", "warranty_date": "2026-02-01", "warranty_duration": 36, "value": "899.0000", "suppliers_id": 2, "order_date": null,
               "date_creation": "2026-02-03 14:30:00", "businesscriticities_id": 2}),
        json!({"items_id": "PC-20", "suppliers_id": "UGAP", "businesscriticities_id": "Critique > Élevée", "sink_time": 5, "sink_type": 2, "sink_coeff": 1.5,
               "comment": "Marché n°16", "alert": 4, "inventory_date": "2026-06-30",
               "decommission_date": "2031-02-01 00:00:00"}),
    );
    put(
        &mut r,
        "Computer_Item",
        false,
        vec![
            json!({"id": 1, "computers_id": 20, "itemtype": "Monitor", "items_id": 30, "is_deleted": 0}),
            json!({"id": 2, "computers_id": 23, "itemtype": "Monitor", "items_id": 30, "is_deleted": 0}),
        ],
    );
    put(
        &mut r,
        "Software",
        true,
        vec![
            json!({"id": 40, "name": "LibreOffice", "entities_id": pref, "manufacturers_id": "The Document Foundation", "softwarecategories_id": "Bureautique", "is_recursive": 0, "is_deleted": 0, "is_template": 0, "comment": ""}),
        ],
    );
    put(
        &mut r,
        "SoftwareVersion",
        false,
        vec![
            json!({"id": 41, "softwares_id": 40, "name": "7.6.4"}),
            json!({"id": 42, "softwares_id": 40, "name": "24.2", "arch": "x64",
                   "comment": "validée", "operatingsystems_id": 5,
                   "date_creation": "2025-09-01 08:00:00"}),
        ],
    );
    put(
        &mut r,
        "OperatingSystem",
        false,
        vec![json!({"id": 5, "name": "Microsoft Windows 11 Entreprise"})],
    );
    put(
        &mut r,
        "Item_SoftwareVersion",
        false,
        vec![
            json!({"id": 1, "itemtype": "Computer", "items_id": 20, "softwareversions_id": 42, "is_deleted": 0}),
            json!({"id": 2, "itemtype": "Computer", "items_id": 21, "softwareversions_id": 41, "is_deleted": 0}),
        ],
    );
    // Network ports as a real GLPI 10.0.11 gives them (`get_hateoas=false`): two on computer
    // 20 (one with two addresses), one without a name on 21, one on 23 (elsewhere), one in the
    // trash.
    let port =
        |id: u64, items_id: u64, number: u64, name: Value, kind: &str, mac: &str, deleted: u8| {
            json!({"id": id, "items_id": items_id, "itemtype": "Computer", "entities_id": 1,
               "is_recursive": 0, "logical_number": number, "name": name,
               "instantiation_type": kind, "mac": mac, "comment": null, "is_deleted": deleted,
               "is_dynamic": 0, "date_mod": "2026-12-02 05:01:37",
               "date_creation": "2026-12-02 05:01:37", "ifmtu": 0, "ifspeed": 0,
               "ifinternalstatus": null, "ifconnectionstatus": 0, "iflastchange": null,
               "ifinbytes": 0, "ifinerrors": 0, "ifoutbytes": 0, "ifouterrors": 0,
               "ifstatus": null, "ifdescr": null, "ifalias": null, "portduplex": null,
               "trunk": 0, "lastup": null})
        };
    put(
        &mut r,
        "NetworkPort",
        false,
        vec![
            {
                let mut p = port(
                    1,
                    20,
                    1,
                    json!("Ethernet"),
                    "NetworkPortEthernet",
                    "a4:bb:6d:a0:1f:51",
                    0,
                );
                p["comment"] = json!("Prise murale B12");
                p["ifmtu"] = json!(1500);
                p["ifspeed"] = json!(1_000_000_000_u64);
                p
            },
            port(
                2,
                20,
                2,
                json!("Wi-Fi"),
                "NetworkPortWifi",
                "f4:26:79:d8:b0:20",
                0,
            ),
            port(
                3,
                21,
                0,
                Value::Null,
                "NetworkPortEthernet",
                "00:1b:54:2c:34:23",
                0,
            ),
            port(
                4,
                23,
                1,
                json!("Ethernet"),
                "NetworkPortEthernet",
                "a4:bb:6d:ad:f7:be",
                0,
            ),
            port(
                5,
                20,
                3,
                json!("Old"),
                "NetworkPortEthernet",
                "a4:bb:6d:00:00:01",
                1,
            ),
        ],
    );
    let name = |id: u64, port: u64, name: &str| {
        json!({"id": id, "entities_id": 1, "items_id": port, "itemtype": "NetworkPort",
               "name": name, "comment": null, "fqdns_id": 0, "ipnetworks_id": 0,
               "is_deleted": 0, "is_dynamic": 0, "date_mod": "2026-12-02 05:01:37",
               "date_creation": "2026-12-02 05:01:37"})
    };
    put(
        &mut r,
        "NetworkName",
        false,
        vec![
            name(1, 1, "pc-cay-0001"),
            name(2, 2, "pc-cay-0001-wifi"),
            name(3, 4, "ailleurs"),
        ],
    );
    let address = |id: u64, name_id: u64, ip: &str, version: u8| {
        json!({"id": id, "entities_id": 1, "items_id": name_id, "itemtype": "NetworkName",
               "version": version, "name": ip, "binary_0": 0, "binary_1": 0,
               "binary_2": 65535, "binary_3": 172558868u64, "is_deleted": 0, "is_dynamic": 0,
               "mainitems_id": 20, "mainitemtype": "Computer"})
    };
    put(
        &mut r,
        "IPAddress",
        false,
        vec![
            address(1, 1, "10.73.10.20", 4),
            address(2, 1, "2001:db8::20", 6),
            address(3, 2, "10.73.50.12", 4),
            address(4, 3, "10.0.0.1", 4),
        ],
    );
    r
}

/// Polls a future whose awaits all end at once.
fn run<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = TaskContext::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn client(glpi: &LocalGlpi) -> GlpiClient<'_> {
    let options = ClientOptions {
        max_attempts: 2,
        page_size: 1000,
        ..ClientOptions::default()
    };
    GlpiClient::new(glpi, Credentials::UserToken { token: "t".into() }, options)
}

fn options() -> SourceOptions {
    SourceOptions {
        entity: Some(1),
        recursive: true,
        page_size: 2,
    }
}

fn read_all(glpi: &LocalGlpi, read: &mut SourceRead) -> Result<Vec<SourceProgress>, SourceError> {
    let c = client(glpi);
    let mut seen = Vec::new();
    run(read_source(&c, &options(), read, &mut |p| seen.push(p)))?;
    Ok(seen)
}

/// A table's rows by source id, as field → value.
fn table(p: &Prepared, item_type: ItemType) -> BTreeMap<u64, BTreeMap<String, String>> {
    let (t, _) = p
        .sources
        .iter()
        .find(|(_, m)| m.item_type == item_type)
        .expect("table");
    t.rows()
        .map(|r| {
            let cells = t
                .headers
                .iter()
                .zip(r.cells.iter())
                .map(|(h, v)| (h.clone(), v.to_string()))
                .collect();
            (r.line, cells)
        })
        .collect()
}

/// The fixture read whole and planned against an empty target.
fn fixture_planned() -> crate::migrate::plan::Plan {
    let glpi = LocalGlpi::new();
    let mut read = SourceRead::default();
    read_all(&glpi, &mut read).unwrap();
    read.prepared()
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default())
}

/// What was read and not carried, per type.
fn counts_by_type(read: &SourceRead) -> BTreeMap<GlpiType, SourceCount> {
    read.counts().into_iter().map(|c| (c.itemtype, c)).collect()
}

fn companion(p: &Prepared, kind: CompanionKind) -> Vec<Vec<String>> {
    let (t, _) = p.companions.iter().find(|(_, k)| *k == kind).unwrap();
    t.rows().map(|r| r.cells.to_vec()).collect()
}

#[test]
fn reads_page_by_page_with_gets_only_and_reports_progress() {
    let glpi = LocalGlpi::new();
    let mut read = SourceRead::default();
    let progress = read_all(&glpi, &mut read).unwrap();
    assert!(read.is_complete());
    let requests = glpi.requests.borrow();
    assert!(
        requests
            .iter()
            .all(|r| r.method == Method::Get && r.body.is_none()),
        "only GETs: {:?}",
        requests
            .iter()
            .filter(|r| r.method != Method::Get)
            .collect::<Vec<_>>()
    );
    let computers: Vec<&str> = requests
        .iter()
        .map(|r| r.path.as_str())
        .filter(|p| p.starts_with("/Computer?") && !p.contains("expand"))
        .collect();
    assert_eq!(
        computers,
        vec![
            "/Computer?range=0-1&get_hateoas=false&sort=id&order=ASC",
            "/Computer?range=2-3&get_hateoas=false&sort=id&order=ASC",
        ]
    );
    let users: Vec<(usize, Option<usize>)> = progress
        .iter()
        .filter(|p| p.itemtype == GlpiType::User)
        .map(|p| (p.read, p.total))
        .collect();
    assert_eq!(users, vec![(2, Some(5)), (4, Some(5)), (5, Some(5))]);
}

/// What the migration does not carry is counted at the end of the read, one row per kind
/// (`range=0-0`, GLPI's total), and told: found ones and those the session may not read; a
/// kind this GLPI does not have, or has none of, is not. A read continued counts nothing again.
#[test]
fn what_is_not_migrated_is_counted_and_told() {
    let glpi = LocalGlpi::new();
    let mut read = SourceRead::default();
    read_all(&glpi, &mut read).unwrap();
    assert_eq!(
        read.not_migrated(),
        vec![
            (NotMigrated::TicketValidation, Census::Counted(1)),
            (NotMigrated::TicketCost, Census::NotCounted),
            (NotMigrated::Disk, Census::Counted(3)),
        ]
    );
    assert_eq!(read.census.len(), NotMigrated::ALL.len());
    assert!(read.census.contains(&(NotMigrated::Rack, Census::Absent)));
    let census: Vec<String> = glpi
        .requests
        .borrow()
        .iter()
        .filter(|r| r.path.starts_with("/Item_Disk") || r.path.starts_with("/Ticket_Ticket"))
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        census,
        vec![
            "/Ticket_Ticket?range=0-0&get_hateoas=false",
            "/Item_Disk?range=0-0&get_hateoas=false"
        ]
    );
    // Kept and read back as the journal keeps it; continued, it asks nothing more.
    let kept: SourceRead = serde_json::from_str(&serde_json::to_string(&read).unwrap()).unwrap();
    assert_eq!(kept, read);
    let before = glpi.requests.borrow().len();
    let mut again = kept;
    read_all(&glpi, &mut again).unwrap();
    let asked: Vec<String> = glpi.requests.borrow()[before..]
        .iter()
        .map(|r| r.path.clone())
        .filter(|p| {
            NotMigrated::ALL
                .iter()
                .any(|k| p.starts_with(&format!("/{}?", k.api_name())))
        })
        .collect();
    assert!(asked.is_empty(), "{asked:?}");
    assert_eq!(again.not_migrated(), read.not_migrated());
}

#[test]
fn a_cut_read_resumes_from_the_next_page_and_reads_the_same() {
    let whole = {
        let glpi = LocalGlpi::new();
        let mut read = SourceRead::default();
        read_all(&glpi, &mut read).unwrap();
        read
    };
    let glpi = LocalGlpi::new();
    glpi.fail_after.set(Some(14));
    let mut read = SourceRead::default();
    let err = read_all(&glpi, &mut read).unwrap_err();
    assert!(matches!(err, SourceError::Read { .. }), "{err:?}");
    assert!(!read.is_complete());
    assert!(err.render(Lang::Fr).starts_with("GLPI local : lecture de "));
    assert!(err.render(Lang::En).starts_with("local GLPI: reading "));
    // What was read travels (a file beside the journal, the page's storage).
    let saved = serde_json::to_string(&read).unwrap();
    let mut read: SourceRead = serde_json::from_str(&saved).unwrap();
    let partial: BTreeMap<String, usize> = read
        .reads
        .iter()
        .map(|(k, r)| (k.clone(), r.next))
        .collect();
    assert!(partial.values().any(|n| *n > 0));

    let again = LocalGlpi::new();
    read_all(&again, &mut read).unwrap();
    assert!(read.is_complete());
    // No page read twice: each collection starts where the cut one stopped.
    for r in again.requests.borrow().iter() {
        let (path, query) = r.path.split_once('?').unwrap_or((&r.path, ""));
        let Some(start) = query
            .strip_prefix("range=")
            .and_then(|q| q.split('-').next())
            .and_then(|s| s.parse::<usize>().ok())
        else {
            continue;
        };
        let key = if query.contains("expand_dropdowns=true") {
            format!("{}+names", &path[1..])
        } else {
            path[1..].to_string()
        };
        if let Some(next) = partial.get(&key) {
            assert!(start >= *next, "{} read again from {start}", r.path);
        }
    }
    assert_eq!(read.reads, whole.reads);
    assert_eq!(
        read.prepared()
            .draft()
            .plan(&TargetData::default(), &PlanOptions::default()),
        whole
            .prepared()
            .draft()
            .plan(&TargetData::default(), &PlanOptions::default())
    );
}

#[test]
fn values_are_written_as_the_plan_reads_them() {
    let glpi = LocalGlpi::new();
    let mut read = SourceRead::default();
    read_all(&glpi, &mut read).unwrap();
    let p = read.prepared();
    assert!(p.stopping_problems().is_empty());
    assert!(
        p.diagnostics
            .iter()
            .all(|d| d.severity != crate::diagnostic::Severity::Error),
        "{:?}",
        p.diagnostics
    );
    assert_eq!(
        p.sources[0].0.file, "GLPI local — Location",
        "tables are named after the local GLPI"
    );

    let computers = table(&p, ItemType::Computer);
    // 22 is in the trash, 23 in another entity; 21 is in a sub-entity.
    assert_eq!(computers.keys().copied().collect::<Vec<_>>(), vec![20, 21]);
    let pc = &computers[&20];
    let get = |f: &str| pc.get(f).map(String::as_str).unwrap_or("<absent>");
    assert_eq!(get("entities_id"), "Root Entity > Préfecture de Guyane");
    assert_eq!(get("locations_id"), "Cayenne > Bâtiment A");
    assert_eq!(get("manufacturers_id"), "HP Inc.");
    assert_eq!(get("computermodels_id"), "EliteDesk 800 G6");
    assert_eq!(get("computertypes_id"), "", "no type: empty, not 0");
    assert_eq!(
        get("users_id"),
        "celine.joseph",
        "users by login: homonyms apart"
    );
    assert_eq!(computers[&21]["users_id"], "celine.joseph2");
    assert_eq!(get("users_id_tech"), "kevin.tiburce");
    assert_eq!(
        get("operatingsystems_id"),
        "Microsoft Windows 11 Entreprise"
    );
    assert_eq!(get("operatingsystemversions_id"), "23H2");
    assert_eq!(get("buy_date"), "2026-02-01");
    assert_eq!(get("warranty_expiration"), "2029-02-01");
    assert_eq!(get("value"), "899.00");
    assert_eq!(get("suppliers_id"), "UGAP");
    // What inventories and purchasing offices fill, beyond the exports' usual columns.
    for (field, value) in [
        ("licenseid", "00330-80000-00016-AA6"),
        ("install_date", "2024-01-17"),
        ("company", "Préfecture"),
        ("owner", "DSI"),
        ("hostid", "7f000010"),
        ("sink_time", "5"),
        ("sink_type", "2"),
        ("sink_coeff", "1.5"),
        ("_infocom_comment", "Marché n°16"),
        ("alert", "4"),
        ("inventory_date", "2026-06-30"),
        ("decommission_date", "2031-02-01"),
    ] {
        assert_eq!(get(field), value, "{field}");
    }
    // A computer without financial data: empty cells, not GLPI's defaults.
    assert_eq!(computers[&21]["sink_type"], "");
    assert_eq!(computers[&21]["sink_time"], "");
    // The plan writes them where GLPI keeps them, the infocom's comment as its `comment`.
    let plan = p
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default());
    let related = |t: GlpiType| {
        plan.objects
            .iter()
            .find(|o| o.key.itemtype == t && o.key.key.contains("CZC1"))
            .unwrap_or_else(|| {
                panic!(
                    "{t} of CZC1: {:?}",
                    plan.objects.iter().map(|o| &o.key).collect::<Vec<_>>()
                )
            })
    };
    let os = related(GlpiType::ItemOperatingSystem);
    for field in ["licenseid", "install_date", "company", "owner", "hostid"] {
        assert!(os.fields.contains_key(field), "{field}: {:?}", os.fields);
    }
    // Their own creation dates, not the computer's (GLPI would stamp the write's time).
    assert_eq!(
        os.fields["date_creation"],
        FieldValue::Text("2024-01-17 09:12:00".into())
    );
    let infocom = related(GlpiType::Infocom);
    for field in [
        "sink_time",
        "sink_type",
        "sink_coeff",
        "comment",
        "inventory_date",
        "decommission_date",
    ] {
        assert!(
            infocom.fields.contains_key(field),
            "{field}: {:?}",
            infocom.fields
        );
    }
    assert_eq!(
        infocom.fields["comment"],
        FieldValue::Text("Marché n°16".into())
    );
    assert_eq!(
        infocom.fields["date_creation"],
        FieldValue::Text("2026-02-03 14:30:00".into())
    );
    // Its business criticity, a tree created level by level where the target lacks it.
    assert!(
        matches!(&infocom.fields["businesscriticities_id"], FieldValue::Ref(k)
            if k.itemtype == GlpiType::BusinessCriticity && k.key == "Critique > Élevée"),
        "{:?}",
        infocom.fields
    );
    let high = plan
        .objects
        .iter()
        .find(|o| o.key.itemtype == GlpiType::BusinessCriticity && o.key.key == "Critique > Élevée")
        .expect("the criticity planned");
    assert!(
        matches!(&high.fields["businesscriticities_id"], FieldValue::Ref(k) if k.key == "Critique"),
        "{:?}",
        high.fields
    );
    // The alert in an update once the record exists (GLPI sets the entity's default at its
    // creation).
    assert!(!infocom.fields.contains_key("alert"));
    let alert = plan
        .objects
        .iter()
        .find(|o| o.step_of() == Some(&infocom.key))
        .expect("the alert's step");
    assert_eq!(alert.fields["alert"], FieldValue::Number(4));
    assert_eq!(get("date_creation"), "2026-03-02 09:50:00");
    assert_eq!(table(&p, ItemType::Monitor)[&30]["size"], "24.00");

    assert_eq!(
        companion(&p, CompanionKind::Connections),
        vec![vec!["CZC1".to_string(), "Monitor".into(), "MON1".into()]],
        "the computer elsewhere is not carried; keys are serials first"
    );
    assert_eq!(
        companion(&p, CompanionKind::Installations),
        vec![
            vec!["CZC1".to_string(), "LibreOffice".into(), "24.2".into()],
            vec!["PC-21".to_string(), "LibreOffice".into(), "7.6.4".into()],
        ]
    );
    let software = table(&p, ItemType::Software);
    assert_eq!(software[&40]["_versions"], "7.6.4<br>24.2");
    assert_eq!(software[&40]["softwarecategories_id"], "Bureautique");

    let users = table(&p, ItemType::User);
    // glpi: only an authorization on the root entity; parti: deleted.
    assert_eq!(users.keys().copied().collect::<Vec<_>>(), vec![10, 11, 12]);
    let kevin = &users[&10];
    assert_eq!(
        kevin["_useremails"], "kevin.tiburce@guyane.gouv.fr<br>k.t@perso.fr",
        "the default e-mail first"
    );
    assert_eq!(
        kevin["_profiles"],
        "Technician - Root Entity > Préfecture de Guyane (R)"
    );
    assert_eq!(
        users[&12]["_profiles"],
        "Self-Service - Root Entity > Préfecture de Guyane > Kourou"
    );
    assert_eq!(kevin["_groups"], "SIDSIC > Support");
    assert_eq!(kevin["usertitles_id"], "Technicien");
    assert_eq!(kevin["usercategories_id"], "");
    assert_eq!(kevin["is_active"], "1");
    let groups = table(&p, ItemType::Group);
    assert_eq!(groups[&4]["_manager"], "Tiburce Kévin");
    let locations = table(&p, ItemType::Location);
    assert_eq!(locations.keys().copied().collect::<Vec<_>>(), vec![1, 2, 4]);
    assert_eq!(locations[&1]["address"], "1 rue Fiedmond");

    // What is not carried is counted with its reason.
    let counts = counts_by_type(&read);
    let computer = &counts[&GlpiType::Computer];
    assert_eq!(computer.read, 4);
    assert_eq!(
        computer.not_carried,
        BTreeMap::from([(SkipReason::Deleted, 1), (SkipReason::OutsideEntity, 1)])
    );
    assert_eq!(
        counts[&GlpiType::ComputerItem].not_carried,
        BTreeMap::from([(SkipReason::OutsideRead, 1)])
    );

    // The plan: the homonyms' computers point at the right planned users, relations planned.
    let plan = p
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default());
    let find = |t: GlpiType, key: &str| {
        plan.objects
            .iter()
            .find(|o| o.key.itemtype == t && o.key.key == key)
            .unwrap_or_else(|| panic!("{t} {key} planned"))
    };
    match find(GlpiType::Computer, "name:PC-21")
        .fields
        .get("users_id")
    {
        Some(FieldValue::Ref(k)) => assert_eq!(k.key, "celine.joseph2"),
        other => panic!("users_id of PC-21: {other:?}"),
    }
    let pc = find(GlpiType::Computer, "serial:CZC1");
    assert_eq!(pc.sources[0].file, "GLPI local — Computer");
    assert_eq!(pc.sources[0].line, 20, "the line is the source id");
    assert_eq!(pc.sources[0].place(Lang::Fr), "id 20");
    assert_eq!(pc.sources[0].place(Lang::En), "id 20");
    let file = crate::migrate::model::SourceLine {
        file: "Computer.csv".into(),
        line: 20,
    };
    assert_eq!(file.place(Lang::Fr), "ligne 20");
    assert!(plan
        .objects
        .iter()
        .any(|o| o.key.itemtype == GlpiType::ComputerItem));
    assert_eq!(
        plan.objects
            .iter()
            .filter(|o| o.key.itemtype == GlpiType::ItemSoftwareVersion)
            .count(),
        2
    );
}

#[test]
fn what_is_kept_during_the_read_lets_a_killed_read_continue() {
    let whole = {
        let glpi = LocalGlpi::new();
        let mut read = SourceRead::default();
        read_all(&glpi, &mut read).unwrap();
        read
    };
    let glpi = LocalGlpi::new();
    let c = client(&glpi);
    let mut kept: Vec<SourceRead> = Vec::new();
    let mut read = SourceRead::default();
    run(read_source_keeping(
        &c,
        &options(),
        &mut read,
        &mut |_| {},
        &mut |r| kept.push(r.clone()),
    ))
    .unwrap();
    // The clock stands still here: kept once per collection, at its end.
    assert_eq!(kept.len(), endpoints().len());
    // Killed after the tenth collection (what a process saved before SIGKILL): the next read
    // asks only for the collections not yet read, and reads the same.
    let mut after_kill = kept[9].clone();
    assert!(!after_kill.is_complete());
    let again = LocalGlpi::new();
    read_all(&again, &mut after_kill).unwrap();
    let done: Vec<String> = endpoints()[..10]
        .iter()
        .map(|e| e.itemtype.name().to_string())
        .collect();
    for r in again.requests.borrow().iter() {
        let (path, query) = r.path.split_once('?').unwrap_or((&r.path, ""));
        let expand = query.contains("expand_dropdowns=true");
        assert!(
            !endpoints()[..10]
                .iter()
                .any(|e| format!("/{}", e.itemtype.name()) == path && e.expand == expand),
            "{} read again ({done:?} were kept)",
            r.path
        );
    }
    assert_eq!(after_kill.reads, whole.reads);
}

#[test]
fn network_ports_are_read_with_their_names_and_addresses_and_planned_under_their_asset() {
    let glpi = LocalGlpi::new();
    let mut read = SourceRead::default();
    read_all(&glpi, &mut read).unwrap();
    let paths: Vec<String> = glpi
        .requests
        .borrow()
        .iter()
        .filter(|r| r.path.starts_with("/NetworkPort?") || r.path.starts_with("/IPAddress?"))
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        paths,
        vec![
            "/NetworkPort?range=0-1&get_hateoas=false&sort=id&order=ASC",
            "/NetworkPort?range=2-3&get_hateoas=false&sort=id&order=ASC",
            "/NetworkPort?range=4-5&get_hateoas=false&sort=id&order=ASC",
            "/IPAddress?range=0-1&get_hateoas=false&sort=id&order=ASC",
            "/IPAddress?range=2-3&get_hateoas=false&sort=id&order=ASC",
        ],
        "paged, GET only (the first test checks every request's method)"
    );
    let p = read.prepared();
    assert_eq!(
        companion(&p, CompanionKind::NetworkPorts),
        vec![
            vec![
                "CZC1",
                "Computer",
                "1",
                "Ethernet",
                "NetworkPortEthernet",
                "a4:bb:6d:a0:1f:51",
                "pc-cay-0001",
                "10.73.10.20 2001:db8::20",
                "2026-12-02 05:01:37",
                "Prise murale B12",
                "1500",
                "1000000000"
            ],
            vec![
                "CZC1",
                "Computer",
                "2",
                "Wi-Fi",
                "NetworkPortWifi",
                "f4:26:79:d8:b0:20",
                "pc-cay-0001-wifi",
                "10.73.50.12",
                "2026-12-02 05:01:37",
                "",
                "0",
                "0"
            ],
            vec![
                "PC-21",
                "Computer",
                "0",
                "",
                "NetworkPortEthernet",
                "00:1b:54:2c:34:23",
                "",
                "",
                "2026-12-02 05:01:37",
                "",
                "0",
                "0"
            ],
        ],
        "the asset's key as the plan knows it; ports of assets not read and trashed ones left"
    );
    let counts = counts_by_type(&read);
    let ports = &counts[&GlpiType::NetworkPort];
    assert_eq!(ports.read, 3);
    assert_eq!(
        ports.not_carried,
        [(SkipReason::Deleted, 1), (SkipReason::OutsideRead, 1)]
            .into_iter()
            .collect()
    );

    // The plan: one port per row, under its computer, its name and addresses in its POST.
    let draft = p.draft();
    let plan = draft.plan(&TargetData::default(), &PlanOptions::default());
    let planned: Vec<&crate::migrate::model::PlannedObject> = plan
        .objects
        .iter()
        .filter(|o| o.key.itemtype == GlpiType::NetworkPort)
        .collect();
    assert_eq!(planned.len(), 3);
    let first = planned[0];
    assert_eq!(first.key.key, "CZC1|Computer|1|Ethernet|a4:bb:6d:a0:1f:51");
    assert_eq!(
        first.fields["date_creation"],
        FieldValue::Text("2026-12-02 05:01:37".into())
    );
    assert!(matches!(
        first.decision,
        crate::migrate::model::Decision::Create
    ));
    let computer = plan
        .objects
        .iter()
        .find(|o| o.key.itemtype == GlpiType::Computer && o.key.key == "serial:CZC1")
        .unwrap();
    assert_eq!(
        first.fields["items_id"],
        FieldValue::Ref(computer.key.clone())
    );
    assert!(
        plan.objects.iter().position(|o| o.key == computer.key)
            < plan.objects.iter().position(|o| o.key == first.key),
        "the port after its asset"
    );
    let mut ids = crate::migrate::model::IdMap::new();
    ids.insert(computer.key.clone(), 7);
    let body: serde_json::Map<String, Value> = first
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), v.to_json(&ids).unwrap()))
        .collect();
    assert_eq!(
        Value::Object(body),
        json!({"itemtype": "Computer", "items_id": 7, "logical_number": 1, "name": "Ethernet",
               "instantiation_type": "NetworkPortEthernet", "mac": "a4:bb:6d:a0:1f:51",
               "date_creation": "2026-12-02 05:01:37", "comment": "Prise murale B12",
               "ifmtu": 1500, "ifspeed": 1_000_000_000_u64, "_create_children": 1, "NetworkName_name": "pc-cay-0001",
               "NetworkName__ipaddresses": {"-1": "10.73.10.20", "-2": "2001:db8::20"}})
    );
    for (field, _) in first.fields.iter() {
        assert!(GlpiType::NetworkPort.keeps(field), "{field}");
    }
    assert!(
        !planned[2].fields.contains_key("NetworkName_name"),
        "no name, no address: no network name"
    );

    // Against a target holding the computer and its first port with its name and addresses
    // (as the client reads a port): that port is skipped.
    let mut target = TargetData::default();
    target.items.insert(
        GlpiType::Computer,
        vec![
            json!({"id": 7, "name": "PC-20", "serial": "CZC1", "entities_id": 0})
                .as_object()
                .unwrap()
                .clone(),
        ],
    );
    target.items.insert(
        GlpiType::NetworkPort,
        vec![
            json!({"id": 70, "itemtype": "Computer", "items_id": 7, "logical_number": 1,
                    "name": "Ethernet", "mac": "a4:bb:6d:a0:1f:51",
                    "instantiation_type": "NetworkPortEthernet", "entities_id": 0,
                    "date_creation": "2026-12-02 05:01:37", "comment": "Prise murale B12",
                    "ifmtu": 1500, "ifspeed": 1_000_000_000_u64, "NetworkName_id": 5, "NetworkName_name": "pc-cay-0001",
                    "NetworkName__ipaddresses": {"9": "2001:db8::20", "8": "10.73.10.20"}})
            .as_object()
            .unwrap()
            .clone(),
        ],
    );
    let plan = draft.plan(&target, &PlanOptions::default());
    let decisions: Vec<String> = plan
        .objects
        .iter()
        .filter(|o| o.key.itemtype == GlpiType::NetworkPort)
        .map(|o| format!("{:?}", o.decision.kind()))
        .collect();
    assert_eq!(decisions, vec!["Skip", "Create", "Create"]);

    // Its network name renamed on the target: the port is updated, the name put back.
    let port = target.items.get_mut(&GlpiType::NetworkPort).unwrap();
    port[0].insert("NetworkName_name".into(), json!("renamed"));
    let plan = draft.plan(&target, &PlanOptions::default());
    let first = plan
        .objects
        .iter()
        .find(|o| o.key.itemtype == GlpiType::NetworkPort)
        .unwrap();
    match &first.decision {
        crate::migrate::model::Decision::Update { id, changes, .. } => {
            assert_eq!(*id, 70);
            assert_eq!(
                changes["NetworkName_name"],
                FieldValue::Text("pc-cay-0001".into())
            );
            assert_eq!(changes["NetworkName_id"], FieldValue::Id(5));
        }
        other => panic!("{other:?}"),
    }
}

/// The fixture with suppliers, contracts, their links, a ticket and its suppliers.
fn with_contracts() -> LocalGlpi {
    let mut rows = fixture();
    let pref = "Root Entity > Préfecture de Guyane";
    let mut put = |t: &str, expand: bool, list: Vec<Value>| {
        rows.insert((t.into(), expand), list);
    };
    put(
        "Supplier",
        true,
        vec![
            json!({"id": 2, "name": "UGAP", "entities_id": pref, "is_recursive": 1,
                   "suppliertypes_id": "Centrale d'achat", "registration_number": "180 043 010",
                   "address": "1 bd Archimède", "postcode": "77444", "town": "Champs-sur-Marne",
                   "state": null, "country": "France", "website": "https://www.ugap.fr",
                   "phonenumber": "01 64 73 20 00", "fax": null, "email": "contact@ugap.fr",
                   "comment": "Union des groupements d&#39;achats publics", "is_active": 1,
                   "is_deleted": 0, "date_creation": "2021-03-03 10:40:00"}),
            json!({"id": 3, "name": "Orange Caraïbe", "entities_id": pref, "is_deleted": 1}),
            json!({"id": 4, "name": "Ailleurs SA", "entities_id": "Root Entity > Ailleurs", "is_deleted": 0}),
        ],
    );
    put(
        "Contract",
        true,
        vec![
            json!({"id": 5, "name": "Maintenance postes", "entities_id": pref, "is_recursive": 0,
                   "num": "MP-2026-01", "contracttypes_id": "Maintenance", "begin_date": "2026-01-01",
                   "duration": 36, "notice": 3, "periodicity": 12, "billing": 12, "renewal": 1,
                   "alert": 0, "accounting_number": "6152", "locations_id": "Cayenne",
                   "states_id": "&nbsp;", "comment": "Postes", "is_template": 0, "is_deleted": 0}),
            json!({"id": 6, "name": "Gabarit", "entities_id": pref, "is_template": 1, "is_deleted": 0}),
        ],
    );
    put(
        "Contract_Item",
        false,
        vec![
            json!({"id": 1, "contracts_id": 5, "itemtype": "Computer", "items_id": 20}),
            json!({"id": 2, "contracts_id": 5, "itemtype": "Computer", "items_id": 23}),
            json!({"id": 3, "contracts_id": 5, "itemtype": "Monitor", "items_id": 30}),
        ],
    );
    put(
        "Contract_Supplier",
        false,
        vec![
            json!({"id": 1, "contracts_id": 5, "suppliers_id": 2}),
            json!({"id": 2, "contracts_id": 5, "suppliers_id": 3}),
        ],
    );
    put(
        "Ticket",
        true,
        vec![
            json!({"id": 51, "name": "Imprimante en panne", "entities_id": pref, "type": 1,
                   "status": 2, "urgency": 3, "impact": 3, "priority": 3,
                   "date": "2026-11-10 08:00:00", "content": "Bourrage", "itilcategories_id": 0,
                   "locations_id": 0, "requesttypes_id": 0, "users_id_recipient": 0}),
        ],
    );
    put(
        "Supplier_Ticket",
        false,
        vec![
            json!({"id": 1, "tickets_id": 51, "suppliers_id": 2, "type": 2}),
            json!({"id": 2, "tickets_id": 99, "suppliers_id": 2, "type": 2}),
        ],
    );
    LocalGlpi {
        rows,
        requests: RefCell::new(Vec::new()),
        fail_after: Cell::new(None),
    }
}

#[test]
fn suppliers_and_contracts_are_read_with_their_links_and_planned_after_what_they_join() {
    let glpi = with_contracts();
    let mut read = SourceRead::default();
    read_all(&glpi, &mut read).unwrap();
    let paths: Vec<String> = glpi
        .requests
        .borrow()
        .iter()
        .filter(|r| r.path.starts_with("/Supplier") || r.path.starts_with("/Contract"))
        .map(|r| r.path.clone())
        .collect();
    let q = "get_hateoas=false&sort=id&order=ASC";
    assert_eq!(
        paths,
        vec![
            format!("/Supplier?range=0-1&{q}&expand_dropdowns=true"),
            format!("/Supplier?range=2-3&{q}&expand_dropdowns=true"),
            format!("/Contract?range=0-1&{q}&expand_dropdowns=true"),
            format!("/Contract_Item?range=0-1&{q}"),
            format!("/Contract_Item?range=2-3&{q}"),
            format!("/Contract_Supplier?range=0-1&{q}"),
            format!("/Supplier_Ticket?range=0-1&{q}"),
        ],
        "paged, GET only (the first test checks every request's method)"
    );
    let p = read.prepared();
    assert_eq!(
        companion(&p, CompanionKind::Suppliers),
        vec![vec![
            "UGAP",
            "Root Entity > Préfecture de Guyane",
            "Oui",
            "Centrale d'achat",
            "180 043 010",
            "1 bd Archimède",
            "77444",
            "Champs-sur-Marne",
            "",
            "France",
            "https://www.ugap.fr",
            "01 64 73 20 00",
            "",
            "contact@ugap.fr",
            "Union des groupements d'achats publics",
            "Oui",
            "2021-03-03 10:40:00"
        ]],
        "trashed suppliers and those of other entities left"
    );
    assert_eq!(
        companion(&p, CompanionKind::Contracts),
        vec![vec![
            "Maintenance postes",
            "Root Entity > Préfecture de Guyane",
            "Non",
            "MP-2026-01",
            "Maintenance",
            "2026-01-01",
            "36",
            "3",
            "12",
            "12",
            "1",
            "0",
            "6152",
            "Cayenne",
            "",
            "Postes"
        ]],
        "templates left; a dropdown GLPI shows as &nbsp; is empty"
    );
    assert_eq!(
        companion(&p, CompanionKind::ContractLinks),
        vec![
            vec!["Maintenance postes", "Computer", "CZC1"],
            vec!["Maintenance postes", "Monitor", "MON1"],
            vec!["Maintenance postes", "Supplier", "UGAP"],
        ]
    );
    assert_eq!(
        companion(&p, CompanionKind::TicketSuppliers),
        vec![vec!["51", "UGAP", "2"]]
    );
    let counts = counts_by_type(&read);
    let skipped = |t: GlpiType| counts[&t].not_carried.clone();
    assert_eq!(counts[&GlpiType::Supplier].read, 3);
    assert_eq!(
        skipped(GlpiType::Supplier),
        [(SkipReason::Deleted, 1), (SkipReason::OutsideEntity, 1)]
            .into_iter()
            .collect()
    );
    assert_eq!(
        skipped(GlpiType::Contract),
        [(SkipReason::Template, 1)].into_iter().collect()
    );
    assert_eq!(
        skipped(GlpiType::ContractItem),
        [(SkipReason::OutsideRead, 1)].into_iter().collect()
    );
    assert_eq!(
        skipped(GlpiType::ContractSupplier),
        [(SkipReason::OutsideRead, 1)].into_iter().collect()
    );
    assert_eq!(
        skipped(GlpiType::SupplierTicket),
        [(SkipReason::OutsideRead, 1)].into_iter().collect()
    );

    // The plan: the supplier and the contract with their fields, the links after them.
    let draft = p.draft();
    let plan = draft.plan(&TargetData::default(), &PlanOptions::default());
    let find = |t: GlpiType, key: &str| {
        plan.objects
            .iter()
            .find(|o| o.key.itemtype == t && o.key.key == key)
            .unwrap_or_else(|| panic!("{t} {key}"))
    };
    let position = |o: &crate::migrate::model::PlannedObject| {
        plan.objects.iter().position(|x| x.key == o.key).unwrap()
    };
    let supplier = find(GlpiType::Supplier, "UGAP");
    let contract = find(GlpiType::Contract, "Maintenance postes");
    let computer = find(GlpiType::Computer, "serial:CZC1");
    let ticket = find(GlpiType::Ticket, "n°51");
    for o in [supplier, contract] {
        assert!(matches!(
            o.decision,
            crate::migrate::model::Decision::Create
        ));
        for field in o.fields.keys() {
            assert!(o.key.itemtype.keeps(field), "{} {field}", o.key.itemtype);
        }
    }
    assert_eq!(
        supplier.fields["town"],
        FieldValue::Text("Champs-sur-Marne".into())
    );
    assert_eq!(supplier.fields["is_active"], FieldValue::Number(1));
    // Its creation date kept (GLPI would stamp the write's time).
    assert_eq!(
        supplier.fields["date_creation"],
        FieldValue::Text("2021-03-03 10:40:00".into())
    );
    assert!(
        matches!(supplier.fields["suppliertypes_id"], FieldValue::Ref(ref k) if k.itemtype == GlpiType::SupplierType)
    );
    assert_eq!(contract.fields["duration"], FieldValue::Number(36));
    assert_eq!(contract.fields["renewal"], FieldValue::Number(1));
    assert_eq!(
        contract.fields["begin_date"],
        FieldValue::Text("2026-01-01".into())
    );
    assert!(!contract.fields.contains_key("states_id"));
    let infocom = plan
        .objects
        .iter()
        .find(|o| o.key.itemtype == GlpiType::Infocom)
        .unwrap();
    assert_eq!(
        infocom.fields["suppliers_id"],
        FieldValue::Ref(supplier.key.clone()),
        "the infocom names the supplier read, not a bare dropdown"
    );
    let item = find(GlpiType::ContractItem, "Maintenance postes|Computer|CZC1");
    let link = find(
        GlpiType::ContractSupplier,
        "Maintenance postes|Supplier|UGAP",
    );
    let actor = find(GlpiType::SupplierTicket, "n°51|UGAP|2");
    assert!(position(contract) < position(item) && position(computer) < position(item));
    assert!(position(supplier) < position(link) && position(contract) < position(link));
    assert!(position(ticket) < position(actor) && position(supplier) < position(actor));
    let mut ids = crate::migrate::model::IdMap::new();
    ids.insert(contract.key.clone(), 8);
    ids.insert(computer.key.clone(), 7);
    ids.insert(supplier.key.clone(), 9);
    ids.insert(ticket.key.clone(), 12);
    let body = |o: &crate::migrate::model::PlannedObject| {
        for field in o.fields.keys() {
            assert!(o.key.itemtype.keeps(field), "{} {field}", o.key.itemtype);
        }
        Value::Object(
            o.fields
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json(&ids).unwrap()))
                .collect(),
        )
    };
    assert_eq!(
        body(item),
        json!({"contracts_id": 8, "itemtype": "Computer", "items_id": 7})
    );
    assert_eq!(body(link), json!({"contracts_id": 8, "suppliers_id": 9}));
    assert_eq!(
        body(actor),
        json!({"tickets_id": 12, "suppliers_id": 9, "type": 2, "_disablenotif": 1,
               "_from_object": 1, "_do_not_compute_takeintoaccount": 1})
    );

    // Against a target holding the supplier, the contract, the computer and its link: those
    // are skipped, what is missing created.
    let mut target = TargetData::default();
    let item_of = |v: Value| v.as_object().unwrap().clone();
    target.items.insert(
        GlpiType::Computer,
        vec![item_of(
            json!({"id": 7, "name": "PC-20", "serial": "CZC1", "entities_id": 0}),
        )],
    );
    target.items.insert(
        GlpiType::Supplier,
        vec![item_of(
            json!({"id": 9, "name": "UGAP", "entities_id": 0, "is_recursive": 1,
            "registration_number": "180 043 010", "address": "1 bd Archimède", "postcode": "77444",
            "town": "Champs-sur-Marne", "country": "France", "website": "https://www.ugap.fr",
            "phonenumber": "01 64 73 20 00", "email": "contact@ugap.fr",
            "comment": "Union des groupements d'achats publics", "is_active": 1,
            "suppliertypes_id": 3, "date_creation": "2021-03-03 10:40:00"}),
        )],
    );
    target.items.insert(
        GlpiType::SupplierType,
        vec![item_of(json!({"id": 3, "name": "Centrale d'achat"}))],
    );
    target.items.insert(
        GlpiType::Contract,
        vec![item_of(
            json!({"id": 8, "name": "Maintenance postes", "entities_id": 0}),
        )],
    );
    target.items.insert(
        GlpiType::ContractItem,
        vec![item_of(
            json!({"id": 80, "contracts_id": 8, "itemtype": "Computer", "items_id": 7}),
        )],
    );
    let plan = draft.plan(&target, &PlanOptions::default());
    let decision = |t: GlpiType| {
        plan.objects
            .iter()
            .filter(|o| o.key.itemtype == t)
            .map(|o| format!("{:?}", o.decision.kind()))
            .collect::<Vec<_>>()
    };
    assert_eq!(decision(GlpiType::Supplier), vec!["Skip"]);
    assert_eq!(decision(GlpiType::ContractItem), vec!["Skip", "Create"]);
    assert_eq!(decision(GlpiType::ContractSupplier), vec!["Create"]);
    assert_eq!(
        decision(GlpiType::Contract),
        vec!["Update"],
        "the contract found by its name, its terms brought up to date"
    );
}

/// A local GLPI whose answers hold what no field should (a plugin's odd columns, a damaged
/// database): any value of any JSON type in any field, fields missing, rows that are not
/// objects. The read ends and what it read is planned; never a panic (a panic in the page's
/// wasm ends the page).
#[test]
fn odd_values_from_the_local_glpi_never_panic() {
    let odd = [
        Value::Null,
        json!(""),
        json!(-1),
        json!(0),
        json!(1.5e300),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(true),
        json!([]),
        json!([1, "a"]),
        json!({}),
        json!({"id": 1}),
        json!("x\n\t\"é"),
        json!("9".repeat(400)),
        json!("Root Entity > "),
        json!(" > > "),
    ];
    let mut state = 0x0DD_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..120 {
        let mut glpi = LocalGlpi::new();
        for rows in glpi.rows.values_mut() {
            for row in rows.iter_mut() {
                if next(40) == 0 {
                    *row = odd[next(odd.len())].clone();
                    continue;
                }
                let Some(fields) = row.as_object_mut() else {
                    continue;
                };
                let names: Vec<String> = fields.keys().cloned().collect();
                for name in names {
                    match next(12) {
                        0 => {
                            fields.insert(name, odd[next(odd.len())].clone());
                        }
                        1 => {
                            fields.remove(&name);
                        }
                        _ => {}
                    }
                }
            }
        }
        let mut read = SourceRead::default();
        // A damaged answer is read, not refused: what it lacks is counted (see below).
        read_all(&glpi, &mut read).expect("the read ends");
        let prepared = read.prepared();
        let _ = prepared.stopping_problems();
        let _ = prepared.draft();
    }
}

/// GLPI gives a connected monitor its computer's location, user, group, alternate username and
/// number (`Computer_Item::prepareInputForAdd`, no input turns it off): once connected, the
/// monitor gets its own back in an update step, an empty one emptied.
#[test]
fn a_connected_item_gets_its_own_values_back_after_its_connection() {
    let plan = fixture_planned();
    let position = |t: GlpiType, key: &str| {
        plan.objects
            .iter()
            .position(|o| o.key.itemtype == t && o.key.key == key)
            .unwrap_or_else(|| panic!("{t} {key}"))
    };
    let step = &plan.objects[position(GlpiType::Monitor, "serial:MON1#connexion")];
    let monitor = position(GlpiType::Monitor, "serial:MON1");
    assert_eq!(step.step_of(), Some(&plan.objects[monitor].key));
    assert!(
        position(GlpiType::ComputerItem, "CZC1|Monitor|MON1")
            < position(GlpiType::Monitor, "serial:MON1#connexion"),
        "after the connection"
    );
    assert_eq!(step.fields["contact_num"], FieldValue::Text("4522".into()));
    // Its computer has a user and a location, the monitor none: emptied.
    assert_eq!(step.fields["users_id"], FieldValue::Number(0));
    assert_eq!(step.fields["locations_id"], FieldValue::Number(0));
    assert_eq!(step.fields["contact"], FieldValue::Text(String::new()));
    assert!(
        matches!(step.fields["groups_id"], FieldValue::Ref(ref g) if g.key == "SIDSIC > Support"),
        "{:?}",
        step.fields.get("groups_id")
    );
    // A step is counted with its owner, not as an object of its own.
    assert!(matches!(
        step.decision,
        crate::migrate::model::Decision::Update { .. }
    ));
}

/// A version's architecture, comment and operating system ride beside its name, one value per
/// version (an empty one keeps its place), and reach the version planned.
#[test]
fn a_versions_architecture_comment_operating_system_and_creation_date_are_carried() {
    let glpi = LocalGlpi::new();
    let mut read = SourceRead::default();
    read_all(&glpi, &mut read).unwrap();
    let p = read.prepared();
    let software = table(&p, ItemType::Software);
    let office = &software[&40];
    assert_eq!(office["_versions"], "7.6.4<br>24.2");
    assert_eq!(office["_versions_arch"], "<br>x64");
    assert_eq!(office["_versions_comments"], "<br>validée");
    assert_eq!(
        office["_versions_os"],
        "<br>Microsoft Windows 11 Entreprise"
    );
    assert_eq!(office["_versions_dates"], "<br>2025-09-01 08:00:00");
    let plan = p
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default());
    let version = |name: &str| {
        plan.objects
            .iter()
            .find(|o| o.key.itemtype == GlpiType::SoftwareVersion && o.key.key.ends_with(name))
            .unwrap_or_else(|| panic!("{name}"))
    };
    let new = version("|24.2");
    assert_eq!(new.fields["arch"], FieldValue::Text("x64".into()));
    assert_eq!(new.fields["comment"], FieldValue::Text("validée".into()));
    assert_eq!(
        new.fields["date_creation"],
        FieldValue::Text("2025-09-01 08:00:00".into())
    );
    assert!(
        matches!(new.fields["operatingsystems_id"], FieldValue::Ref(ref k) if k.key == "Microsoft Windows 11 Entreprise"),
        "{:?}",
        new.fields
    );
    let old = version("|7.6.4");
    for f in ["arch", "comment", "operatingsystems_id", "date_creation"] {
        assert!(!old.fields.contains_key(f), "{f}");
    }
}

/// A user's supervisor, a user of the same stage, is set by an update of the user once every
/// user exists.
#[test]
fn a_users_supervisor_is_set_once_every_user_exists() {
    let plan = fixture_planned();
    let position = |key: &str| {
        plan.objects
            .iter()
            .position(|o| o.key.itemtype == GlpiType::User && o.key.key == key)
            .unwrap_or_else(|| panic!("{key}"))
    };
    let user = &plan.objects[position("celine.joseph")];
    assert!(!user.fields.contains_key("users_id_supervisor"));
    let step = &plan.objects[position("celine.joseph#responsable")];
    assert_eq!(step.step_of(), Some(&user.key));
    assert!(
        matches!(step.fields["users_id_supervisor"], FieldValue::Ref(ref k) if k.key == "kevin.tiburce"),
        "{:?}",
        step.fields
    );
    // After both users (and every other user) are created.
    assert!(plan
        .objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.key.itemtype == GlpiType::User && o.step_of().is_none())
        .all(|(i, _)| i < position("celine.joseph#responsable")));
}

/// GLPI gives a location created without coordinates its parent's
/// (`Location::prepareInputForAdd`): an update step empties them again once it is created; a
/// location with coordinates of its own, or under ancestors without any, gets none.
#[test]
fn a_location_without_coordinates_does_not_keep_its_parents() {
    let plan = fixture_planned();
    let steps: Vec<&str> = plan
        .objects
        .iter()
        .filter(|o| o.key.itemtype == GlpiType::Location && o.step_of().is_some())
        .map(|o| o.key.key.as_str())
        .collect();
    // The floor: its parent has none of its own, but holds Cayenne's when the floor is made.
    assert_eq!(
        steps,
        vec![
            "Cayenne > Bâtiment A#coordonnees",
            "Cayenne > Bâtiment A > 1er étage#coordonnees"
        ]
    );
    let position = |key: &str| plan.objects.iter().position(|o| o.key.key == key).unwrap();
    assert!(position("Cayenne > Bâtiment A") < position("Cayenne > Bâtiment A#coordonnees"));
    let step = &plan.objects[position("Cayenne > Bâtiment A#coordonnees")];
    for f in ["latitude", "longitude", "altitude"] {
        assert_eq!(step.fields[f], FieldValue::Text(String::new()), "{f}");
    }
}

/// Nothing read disappears unsaid: a computer whose id GLPI's answer damaged, and one created
/// between the read as ids and the read with names, are counted as read and not carried, each
/// with its reason; the others are carried as before. So are a user, a version and a
/// membership without their ids.
#[test]
fn a_row_with_no_id_or_no_named_twin_is_counted_with_its_reason() {
    let mut glpi = LocalGlpi::new();
    let raw = glpi.rows.get_mut(&("Computer".to_string(), false)).unwrap();
    raw[0]["id"] = json!("abc");
    let mut newcomer = raw[1].clone();
    newcomer["id"] = json!(99);
    raw.push(newcomer);
    // A user, a software version and a group membership without their ids.
    for (itemtype, field) in [
        ("User", "id"),
        ("SoftwareVersion", "id"),
        ("Group_User", "groups_id"),
    ] {
        for rows in glpi
            .rows
            .iter_mut()
            .filter(|((t, _), _)| t == itemtype)
            .map(|(_, rows)| rows)
        {
            rows[0][field] = Value::Null;
        }
    }
    let mut read = SourceRead::default();
    read_all(&glpi, &mut read).unwrap();
    let counts = counts_by_type(&read);
    let computer = &counts[&GlpiType::Computer];
    assert_eq!(computer.read, 5);
    assert_eq!(
        computer.not_carried,
        BTreeMap::from([
            (SkipReason::Deleted, 1),
            (SkipReason::OutsideEntity, 1),
            (SkipReason::NoId, 1),
            (SkipReason::ChangedDuringRead, 1),
        ])
    );
    for itemtype in [
        GlpiType::User,
        GlpiType::SoftwareVersion,
        GlpiType::GroupUser,
    ] {
        assert_eq!(
            counts[&itemtype].not_carried.get(&SkipReason::NoId),
            Some(&1),
            "{itemtype}: {:?}",
            counts[&itemtype]
        );
    }
    // Computer 20 lost its id: 21 alone is carried.
    let p = read.prepared();
    assert_eq!(
        table(&p, ItemType::Computer)
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        vec![21]
    );
    assert_eq!(
        SkipReason::ChangedDuringRead.render(Lang::Fr),
        "créé ou supprimé dans le GLPI local pendant la lecture : repris à la prochaine lecture"
    );
}

/// Operating systems and financial records are counted like what they belong to: read, and not
/// carried with their reason. A second operating system of one computer (GLPI lets an asset
/// hold several; its table carries one) is named as such; the first read stays the one carried.
/// The OS of a computer in the trash shares its reason; a licence's financial record (a type not
/// migrated) is linked to an object not read; a row whose asset id is damaged has no id.
#[test]
fn every_operating_system_and_financial_record_is_counted_with_its_reason() {
    let mut glpi = LocalGlpi::new();
    let os = |id: u64, item: Value, name: &str| {
        (
            json!({"id": id, "itemtype": "Computer", "items_id": item, "operatingsystems_id": 9}),
            json!({"items_id": "PC", "operatingsystems_id": name}),
        )
    };
    for (raw, names) in [
        os(2, json!(20), "Debian GNU/Linux 12"),
        os(3, json!(22), "Microsoft Windows 10"),
        os(4, Value::Null, "Microsoft Windows 10"),
    ] {
        twin(&mut glpi.rows, "Item_OperatingSystem", raw, names);
    }
    twin(
        &mut glpi.rows,
        "Infocom",
        json!({"id": 2, "itemtype": "SoftwareLicense", "items_id": 7, "value": "120.0000"}),
        json!({"items_id": "Office 2021"}),
    );
    let mut read = SourceRead::default();
    read_all(&glpi, &mut read).unwrap();
    let counts = counts_by_type(&read);
    let os = &counts[&GlpiType::ItemOperatingSystem];
    assert_eq!(os.read, 4);
    assert_eq!(
        os.not_carried,
        BTreeMap::from([
            (SkipReason::Deleted, 1),
            (SkipReason::NoId, 1),
            (SkipReason::SecondForItsAsset, 1),
        ])
    );
    let infocom = &counts[&GlpiType::Infocom];
    assert_eq!(infocom.read, 2);
    assert_eq!(
        infocom.not_carried,
        BTreeMap::from([(SkipReason::OutsideRead, 1)])
    );
    // The first operating system read stays the one carried.
    let p = read.prepared();
    assert_eq!(
        table(&p, ItemType::Computer)[&20]["operatingsystems_id"],
        "Microsoft Windows 11 Entreprise"
    );
    assert_eq!(
        SkipReason::SecondForItsAsset.render(Lang::Fr),
        "second pour le même matériel (plusieurs systèmes d'exploitation) : seul le premier est repris"
    );
}

/// Budgets are read with their amount, period, type and location, those in the trash counted
/// and left; the plan creates each and the financial record names it.
#[test]
fn budgets_are_read_with_their_amount_and_named_by_the_financial_record() {
    let mut glpi = LocalGlpi::new();
    let pref = "Root Entity > Préfecture de Guyane";
    glpi.rows.insert(
        ("Budget".into(), true),
        vec![
            json!({"id": 7, "name": "Budget DSI 2026", "entities_id": pref, "is_recursive": 1,
                   "value": "50000.0000", "begin_date": "2026-01-01", "end_date": "2026-12-31",
                   "budgettypes_id": "Fonctionnement", "locations_id": "&nbsp;",
                   "comment": "Parc", "is_deleted": 0, "is_template": 0,
                   "date_creation": "2025-11-20 10:00:00"}),
            json!({"id": 8, "name": "Budget 2019", "entities_id": pref, "is_deleted": 1,
                   "is_template": 0}),
        ],
    );
    for (expand, value) in [(false, json!(7)), (true, json!("Budget DSI 2026"))] {
        let infocoms = glpi.rows.get_mut(&("Infocom".to_string(), expand)).unwrap();
        infocoms[0]["budgets_id"] = value;
    }
    let mut read = SourceRead::default();
    read_all(&glpi, &mut read).unwrap();
    let budgets = &counts_by_type(&read)[&GlpiType::Budget];
    assert_eq!(budgets.read, 2);
    assert_eq!(
        budgets.not_carried,
        BTreeMap::from([(SkipReason::Deleted, 1)])
    );
    let p = read.prepared();
    assert_eq!(
        companion(&p, CompanionKind::Budgets),
        vec![vec![
            "Budget DSI 2026",
            pref,
            "Oui",
            "Fonctionnement",
            "2026-01-01",
            "2026-12-31",
            "50000.0000",
            "",
            "Parc",
            "2025-11-20 10:00:00"
        ]]
    );
    let plan = p
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default());
    let budget = plan
        .objects
        .iter()
        .find(|o| o.key.itemtype == GlpiType::Budget)
        .expect("the budget planned");
    assert_eq!(
        budget.fields["value"],
        FieldValue::Text("50000.0000".into())
    );
    assert_eq!(
        budget.fields["date_creation"],
        FieldValue::Text("2025-11-20 10:00:00".into())
    );
    let infocom = plan
        .objects
        .iter()
        .find(|o| o.key.itemtype == GlpiType::Infocom && o.key.key.contains("CZC1"))
        .expect("the financial record");
    assert_eq!(
        infocom.fields["budgets_id"],
        FieldValue::Ref(budget.key.clone())
    );
}
