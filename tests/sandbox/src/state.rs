//! The sandbox's whole state: items per type, sessions, API clients, faults, counters.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use crate::itemtypes;
use crate::text::{now, sanitize};

/// One stored item: GLPI's columns as JSON.
pub type Item = Map<String, Value>;

/// An API client (Setup > General > API): an address range and an App-Token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiClient {
    /// Name shown in GLPI.
    pub name: String,
    /// First IPv4 address allowed (`None`: any).
    pub ipv4_start: Option<std::net::Ipv4Addr>,
    /// Last IPv4 address allowed.
    pub ipv4_end: Option<std::net::Ipv4Addr>,
    /// IPv6 address allowed (`None`: any).
    pub ipv6: Option<std::net::Ipv6Addr>,
    /// App-Token; `None` accepts calls without one.
    pub app_token: Option<String>,
    /// Inactive clients match nothing.
    pub is_active: bool,
}

impl ApiClient {
    /// Whether the client covers `ip`.
    pub fn matches(&self, ip: IpAddr) -> bool {
        if !self.is_active {
            return false;
        }
        match ip.to_canonical() {
            IpAddr::V4(v4) => match (self.ipv4_start, self.ipv4_end) {
                (None, _) => true,
                (Some(s), e) => v4 >= s && v4 <= e.unwrap_or(s),
            },
            IpAddr::V6(v6) => self.ipv6.is_none_or(|a| a == v6),
        }
    }
}

/// Faults injected through the admin API.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Faults {
    /// Added to every request, in milliseconds.
    pub latency_ms: u64,
    /// Added per single create, in milliseconds (a real GLPI 10 on 2 cores: about 40).
    pub single_create_ms: u64,
    /// Added per item of a bulk create, in milliseconds (about 5).
    pub bulk_item_ms: u64,
    /// Probability (0..1) that a GLPI call answers 500.
    pub error_500: f64,
    /// Probability (0..1) that a GLPI call answers 503.
    pub error_503: f64,
    /// Probability (0..1) that the connection is dropped mid-response (after the work is done).
    pub drop_connection: f64,
    /// A session expires after this many calls.
    pub session_expiry_calls: Option<u64>,
    /// Seed of the fault generator, so a test sees the same faults every run.
    pub seed: u64,
}

impl Faults {
    /// The latency model of a real GLPI 10 on 2 cores, no errors, fitted to what a real GLPI
    /// 10.0.11 measured (`bash bench/migrate/run.sh --real-glpi`, BENCHMARKS.md): every request
    /// costs PHP and GLPI starting up (a small GET 59 ms, reads included: a read of 1,000 items
    /// adds about 80 ms, not modelled per item); a single create about 7 ms more; a bulk create
    /// 1.9 ms per item alone, but the real server on 2 cores does not overlap the calls in
    /// flight (1.6 ms per item of wall time with 4 bulks in flight) while the sandbox sleeps
    /// them side by side, hence 5 ms per item here.
    pub fn realistic() -> Self {
        Faults {
            latency_ms: 40,
            single_create_ms: 10,
            bulk_item_ms: 5,
            ..Faults::default()
        }
    }
}

/// A logged-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// User id.
    pub user_id: u64,
    /// Active profile id.
    pub profile_id: u64,
    /// Active entity id.
    pub entity_id: u64,
    /// `1` (integer) on a fresh session, a JSON boolean after `changeActiveEntities`.
    pub recursive: Value,
    /// Calls made with this session.
    pub calls: u64,
}

impl Session {
    /// Whether the active entity is recursive.
    pub fn is_recursive(&self) -> bool {
        self.recursive
            .as_bool()
            .unwrap_or_else(|| self.recursive.as_i64() == Some(1))
    }
}

/// A notification GLPI would have sent.
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    /// Event (`new`, `add_followup`…).
    pub event: String,
    /// Item type.
    pub itemtype: String,
    /// Item id.
    pub items_id: u64,
}

/// Everything.
#[derive(Debug)]
pub struct State {
    /// Items per canonical type name, by id.
    pub items: BTreeMap<&'static str, BTreeMap<u64, Item>>,
    /// Next id per type.
    pub next_id: HashMap<&'static str, u64>,
    /// Sessions by token.
    pub sessions: HashMap<String, Session>,
    /// API clients.
    pub clients: Vec<ApiClient>,
    /// `enable_api`.
    pub api_enabled: bool,
    /// `enable_api_login_credentials`.
    pub credentials_login: bool,
    /// Injected faults.
    pub faults: Faults,
    /// Calls per "METHOD endpoint".
    pub calls: BTreeMap<String, u64>,
    /// Created / updated / deleted per type.
    pub changes: BTreeMap<String, BTreeMap<&'static str, u64>>,
    /// Notifications GLPI would have sent.
    pub notifications: Vec<Notification>,
    /// What the target does by itself with tickets (rule, survey).
    pub ticket_settings: crate::tickets::TicketSettings,
    /// Business rules GLPI applied to tickets.
    pub rule_applications: Vec<crate::tickets::RuleApplication>,
    /// Satisfaction surveys GLPI created.
    pub surveys: Vec<crate::tickets::Survey>,
    /// Counter for session tokens.
    pub token_counter: u64,
    /// Total latency the sandbox simulated, in milliseconds (checked by tests instead of clocks).
    pub simulated_ms: u64,
    /// Fault generator state.
    pub rng: u64,
    /// The GLPI version reproduced (`getGlpiConfig`): `10.0.11`, or `11.0.6` for the GLPI 11
    /// mode (`../shared/glpi-facts-2.md` section 4); any other string is only reported.
    pub glpi_version: String,
}

/// The demo App-Token (the API client for 127.0.0.1 and ::1).
pub const DEMO_APP_TOKEN: &str = "passerelle-demo-app-token";
/// The API token of user `glpi` (Super-Admin).
pub const DEMO_USER_TOKEN: &str = "passerelle-demo-user-token";
/// The API token of user `tech` (Technician).
pub const DEMO_TECH_TOKEN: &str = "passerelle-demo-tech-token";
/// The API token of user `post-only` (Self-Service).
pub const DEMO_POSTONLY_TOKEN: &str = "passerelle-demo-postonly-token";

impl State {
    /// Whether the GLPI 11 mode is on (`glpi_version` 11.x).
    pub fn is_glpi11(&self) -> bool {
        self.glpi_version.starts_with("11.")
    }

    /// A fresh GLPI 10 install.
    pub fn fresh(faults: Faults, credentials_login: bool) -> State {
        let mut s = State {
            items: BTreeMap::new(),
            next_id: HashMap::new(),
            sessions: HashMap::new(),
            clients: vec![ApiClient {
                name: "full access from localhost".into(),
                ipv4_start: Some(std::net::Ipv4Addr::LOCALHOST),
                ipv4_end: Some(std::net::Ipv4Addr::LOCALHOST),
                ipv6: Some(std::net::Ipv6Addr::LOCALHOST),
                app_token: Some(DEMO_APP_TOKEN.into()),
                is_active: true,
            }],
            api_enabled: true,
            credentials_login,
            rng: faults.seed.max(1),
            glpi_version: crate::api::GLPI_VERSION.to_string(),
            faults,
            calls: BTreeMap::new(),
            changes: BTreeMap::new(),
            notifications: Vec::new(),
            ticket_settings: Default::default(),
            rule_applications: Vec::new(),
            surveys: Vec::new(),
            token_counter: 0,
            simulated_ms: 0,
        };
        let ts = now();
        s.put("Entity", 0, json!({"name":"Root Entity","completename":"Root Entity","entities_id":0,"level":1,"comment":null,"date_mod":ts,"date_creation":ts}));
        for (id, name, interface) in [
            (1, "Self-Service", "helpdesk"),
            (2, "Observer", "central"),
            (3, "Admin", "central"),
            (4, "Super-Admin", "central"),
            (5, "Hotliner", "central"),
            (6, "Technician", "central"),
            (7, "Supervisor", "central"),
            (8, "Read-Only", "central"),
        ] {
            s.put("Profile", id, json!({"name":name,"interface":interface,"is_default":u8::from(id==1),"date_mod":ts}));
        }
        for (id, login, password, token, profile) in [
            (2, "glpi", "glpi", Some(DEMO_USER_TOKEN), Some(4)),
            (
                3,
                "post-only",
                "postonly",
                Some(DEMO_POSTONLY_TOKEN),
                Some(1),
            ),
            (4, "tech", "tech", Some(DEMO_TECH_TOKEN), Some(6)),
            (5, "normal", "normal", None, Some(2)),
            (6, "glpi-system", "", None, None),
        ] {
            s.put("User", id, json!({
                "name": login, "realname": if id == 6 { json!("Support") } else { Value::Null }, "firstname": null,
                "password": password, "api_token": token, "is_active": 1, "authtype": 1,
                "entities_id": 0, "profiles_id": profile.unwrap_or(0), "list_limit": 20,
                "phone": null, "mobile": null, "registration_number": null, "comment": null,
                "locations_id": 0, "usertitles_id": 0, "usercategories_id": 0,
                "password_forget_token": null, "password_last_update": ts, "api_token_date": ts,
                "is_deleted": 0, "date_mod": ts, "date_creation": ts
            }));
            if let Some(p) = profile {
                let pu = s.alloc("Profile_User");
                s.put("Profile_User", pu, json!({"users_id":id,"profiles_id":p,"entities_id":0,"is_recursive":1,"is_dynamic":0,"is_default_profile":0}));
            }
        }
        s.put("RequestType", 1, json!({"name":"Helpdesk","is_active":1}));
        s.put("RequestType", 2, json!({"name":"E-Mail","is_active":1}));
        s.put("RequestType", 3, json!({"name":"Phone","is_active":1}));
        s
    }

    fn put(&mut self, itemtype: &'static str, id: u64, fields: Value) {
        let item = match fields {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let mut item = Self::row(itemtype, item);
        item.insert("id".into(), json!(id));
        self.items.entry(itemtype).or_default().insert(id, item);
        let next = self.next_id.entry(itemtype).or_insert(1);
        *next = (*next).max(id + 1);
    }

    /// Reserves the next id of a type.
    pub fn alloc(&mut self, itemtype: &'static str) -> u64 {
        let next = self.next_id.entry(itemtype).or_insert(1);
        let id = *next;
        *next += 1;
        id
    }

    /// One item.
    pub fn get(&self, itemtype: &str, id: u64) -> Option<&Item> {
        self.items.get(itemtype).and_then(|m| m.get(&id))
    }

    /// A new row of `itemtype`'s table: its columns with their defaults, the values of `input`
    /// that are columns (the rest is dropped, as GLPI does), creation and modification dates.
    fn row(itemtype: &str, input: Item) -> Item {
        let table = itemtypes::find(itemtype).map_or("", |t| t.table);
        let mut item = crate::schema::new_row(table, input);
        let ts = now();
        for date in ["date_creation", "date_mod"] {
            if item.get(date).is_some_and(Value::is_null) {
                item.insert(date.into(), json!(ts));
            }
        }
        item
    }

    /// Inserts a new item (keeping only its table's columns, sanitising its strings) and
    /// returns its id.
    pub fn insert(&mut self, itemtype: &'static str, item: Item) -> u64 {
        let id = self.alloc(itemtype);
        let mut item = Self::row(itemtype, item);
        for v in item.values_mut() {
            if let Value::String(s) = v {
                *s = sanitize(s);
            }
        }
        item.insert("id".into(), json!(id));
        self.items.entry(itemtype).or_default().insert(id, item);
        self.refresh_completename(itemtype, id);
        *self
            .changes
            .entry("created".into())
            .or_default()
            .entry(itemtype)
            .or_default() += 1;
        id
    }

    /// Recomputes `completename` for a tree dropdown item from its parents.
    pub fn refresh_completename(&mut self, itemtype: &'static str, id: u64) {
        let Some(info) = itemtypes::find(itemtype) else {
            return;
        };
        let Some(parent_fk) = info.tree_parent else {
            return;
        };
        let mut names = Vec::new();
        let mut cursor = Some(id);
        let mut guard = 0;
        while let Some(cur) = cursor {
            guard += 1;
            let Some(item) = self.get(itemtype, cur) else {
                break;
            };
            names.push(
                item.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            );
            let parent = item.get(parent_fk).and_then(Value::as_u64).unwrap_or(0);
            // The root entity is its own parent.
            cursor = (parent != 0 && parent != cur && guard < 64).then_some(parent);
        }
        names.reverse();
        let level = names.len();
        if let Some(item) = self.items.get_mut(itemtype).and_then(|m| m.get_mut(&id)) {
            item.insert("completename".into(), json!(names.join(" > ")));
            item.insert("level".into(), json!(level));
        }
    }

    /// Draws a number in [0, 1) from the seeded generator (xorshift).
    pub fn draw(&mut self) -> f64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Counts a call.
    pub fn count(&mut self, key: String) {
        *self.calls.entry(key).or_default() += 1;
    }

    /// Entity ids a session sees: the active one, plus its descendants when recursive.
    pub fn active_entities(&self, session: &Session) -> Vec<u64> {
        let mut out = vec![session.entity_id];
        if session.is_recursive() {
            let mut i = 0;
            while i < out.len() {
                let parent = out[i];
                if let Some(es) = self.items.get("Entity") {
                    for (id, e) in es {
                        if *id != 0
                            && e.get("entities_id").and_then(Value::as_u64) == Some(parent)
                            && !out.contains(id)
                        {
                            out.push(*id);
                        }
                    }
                }
                i += 1;
            }
        }
        out
    }

    /// Profiles of a user with their entities.
    pub fn user_profiles(&self, user_id: u64) -> Vec<(u64, u64, bool)> {
        self.items
            .get("Profile_User")
            .map(|m| {
                m.values()
                    .filter(|pu| pu.get("users_id").and_then(Value::as_u64) == Some(user_id))
                    .map(|pu| {
                        (
                            pu.get("profiles_id").and_then(Value::as_u64).unwrap_or(0),
                            pu.get("entities_id").and_then(Value::as_u64).unwrap_or(0),
                            pu.get("is_recursive").and_then(Value::as_u64) == Some(1),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
