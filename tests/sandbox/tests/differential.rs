//! Differential tests: the same scenarios run against the sandbox and a freshly installed REAL
//! GLPI 10.0.11 (`real-glpi` harness, instance "differential" on port 8093); what each answered
//! and stored (read back through the API: items, sub-items) must be the same once ids, dates and
//! URLs are normalised.
//!
//! Both servers start from a fresh install and run the scenarios in the same order, so id
//! counters (which GLPI's e-mail handling depends on) evolve alike.

use glpi_sandbox::{spawn, SandboxConfig, DEMO_APP_TOKEN, DEMO_USER_TOKEN};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// A GLPI legacy API client with an open session.
struct Client {
    http: reqwest::Client,
    api: String,
    app_token: String,
    session: String,
}

impl Client {
    async fn open(api: &str, app_token: &str, user_token: &str) -> Client {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let res = http
            .get(format!("{api}/initSession"))
            .header("App-Token", app_token)
            .header("Authorization", format!("user_token {user_token}"))
            .send()
            .await
            .unwrap();
        let body: Value = res.json().await.unwrap();
        let session = body["session_token"]
            .as_str()
            .unwrap_or_else(|| panic!("initSession on {api}: {body}"))
            .to_string();
        Client {
            http,
            api: api.to_string(),
            app_token: app_token.to_string(),
            session,
        }
    }

    /// One call: `(status, body)`.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}/{}", self.api, path),
            )
            .header("App-Token", &self.app_token)
            .header("Session-Token", &self.session);
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(json!(text)))
    }

    /// POSTs one item and returns its id (0 when refused) with the answer.
    async fn add(&self, itemtype: &str, input: Value, log: &mut Vec<Value>) -> u64 {
        let (status, body) = self
            .call("POST", itemtype, Some(json!({ "input": input })))
            .await;
        log.push(json!({"POST": itemtype, "status": status, "body": body.clone()}));
        body["id"].as_u64().unwrap_or(0)
    }

    /// Reads a path into the log (status and body).
    async fn read(&self, path: &str, log: &mut Vec<Value>) {
        let (status, body) = self.call("GET", path, None).await;
        log.push(json!({"GET": path_shape(path), "status": status, "body": body}));
    }
}

/// A path with its numbers taken out (ids differ between the servers before normalisation).
fn path_shape(path: &str) -> String {
    path.split('/')
        .map(|s| if s.parse::<u64>().is_ok() { "N" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// The scenarios, in order; each appends what the server answered and stored to its log.
async fn run_scenarios(c: &Client, tag: &str) -> Vec<(&'static str, Vec<Value>)> {
    let mut out = Vec::new();

    // A computer posted with operating system and purchase fields (dropped by GLPI), then its
    // operating system and its purchase information where GLPI keeps them; then purged.
    let mut log = Vec::new();
    let os = c
        .add(
            "OperatingSystem",
            json!({"name": format!("{tag}-Debian")}),
            &mut log,
        )
        .await;
    let version = c
        .add(
            "OperatingSystemVersion",
            json!({"name": format!("{tag}-12")}),
            &mut log,
        )
        .await;
    let arch = c
        .add(
            "OperatingSystemArchitecture",
            json!({"name": format!("{tag}-x86_64")}),
            &mut log,
        )
        .await;
    let supplier = c
        .add("Supplier", json!({"name": format!("{tag}-Dell")}), &mut log)
        .await;
    let pc = c
        .add(
            "Computer",
            json!({"name": format!("{tag}-pc"), "serial": "SN-1",
                "operatingsystems_id": os, "operatingsystemversions_id": version,
                "buy_date": "2021-03-04", "value": "899.90", "suppliers_id": supplier,
                "warranty_expiration": "2024-03-04", "made_up_field": "x"}),
            &mut log,
        )
        .await;
    c.read(&format!("Computer/{pc}?get_hateoas=false"), &mut log)
        .await;
    let ios = c
        .add(
            "Item_OperatingSystem",
            json!({"itemtype": "Computer", "items_id": pc, "operatingsystems_id": os,
                "operatingsystemversions_id": version, "operatingsystemarchitectures_id": arch,
                "license_number": "LIC-1", "not_a_column": 1}),
            &mut log,
        )
        .await;
    let infocom = c
        .add(
            "Infocom",
            json!({"itemtype": "Computer", "items_id": pc, "buy_date": "2021-03-04",
                "value": "899.90", "warranty_date": "2021-03-04", "warranty_duration": 36,
                "suppliers_id": supplier, "order_number": "PO-7", "warranty_expiration": "x"}),
            &mut log,
        )
        .await;
    // GLPI keeps one infocom per item.
    c.add(
        "Infocom",
        json!({"itemtype": "Computer", "items_id": pc, "value": "1"}),
        &mut log,
    )
    .await;
    c.read(&format!("Computer/{pc}/Item_OperatingSystem"), &mut log)
        .await;
    c.read(&format!("Computer/{pc}/Infocom"), &mut log).await;
    c.read(&format!("Computer/{pc}"), &mut log).await;
    let (status, body) = c
        .call("DELETE", &format!("Computer/{pc}?force_purge=true"), None)
        .await;
    log.push(json!({"DELETE": "Computer", "status": status, "body": body}));
    c.read(&format!("Item_OperatingSystem/{ios}"), &mut log)
        .await;
    c.read(&format!("Infocom/{infocom}"), &mut log).await;
    out.push(("computer with operating system and purchase", log));

    // A software version.
    let mut log = Vec::new();
    let soft = c
        .add(
            "Software",
            json!({"name": format!("{tag}-Firefox")}),
            &mut log,
        )
        .await;
    let v = c
        .add(
            "SoftwareVersion",
            json!({"softwares_id": soft, "name": "115.0", "bogus": 1}),
            &mut log,
        )
        .await;
    c.read(&format!("SoftwareVersion/{v}"), &mut log).await;
    c.read(&format!("Software/{soft}/SoftwareVersion"), &mut log)
        .await;
    out.push(("software version", log));

    // A user with two e-mails (the e-mail table is still empty on both servers).
    let mut log = Vec::new();
    let u = c
        .add(
            "User",
            json!({"name": format!("{tag}-two-mails"), "_useremails": ["a@example.com", "b@example.com"]}),
            &mut log,
        )
        .await;
    c.read(&format!("User/{u}/UserEmail"), &mut log).await;
    out.push(("user with two _useremails", log));

    // A user without profile: GLPI's dynamic Self-Service authorization.
    let mut log = Vec::new();
    let u = c
        .add(
            "User",
            json!({"name": format!("{tag}-plain"), "realname": "Plain"}),
            &mut log,
        )
        .await;
    c.read(&format!("User/{u}?get_hateoas=false"), &mut log)
        .await;
    c.read(&format!("User/{u}/Profile_User"), &mut log).await;
    out.push(("user without profile", log));

    // Profile_User with and without is_recursive.
    let mut log = Vec::new();
    let u = c
        .add("User", json!({"name": format!("{tag}-rights")}), &mut log)
        .await;
    c.add(
        "Profile_User",
        json!({"users_id": u, "profiles_id": 6, "entities_id": 0, "is_recursive": 1}),
        &mut log,
    )
    .await;
    c.add(
        "Profile_User",
        json!({"users_id": u, "profiles_id": 2, "entities_id": 0}),
        &mut log,
    )
    .await;
    c.read(&format!("User/{u}/Profile_User"), &mut log).await;
    out.push(("Profile_User with is_recursive", log));

    // A user posted with _profiles_id/_entities_id/_is_recursive by a Super-Admin.
    let mut log = Vec::new();
    let u = c
        .add(
            "User",
            json!({"name": format!("{tag}-tech"), "_profiles_id": 6, "_entities_id": 0, "_is_recursive": 1,
                "_useremails": ["tech@example.com"]}),
            &mut log,
        )
        .await;
    c.read(&format!("User/{u}/Profile_User"), &mut log).await;
    c.read(&format!("User/{u}/UserEmail"), &mut log).await;
    out.push(("user with _profiles_id and _entities_id", log));

    // Unknown fields on POST and PUT.
    let mut log = Vec::new();
    let m = c
        .add(
            "Monitor",
            json!({"name": format!("{tag}-screen"), "size": "24", "not_a_column": "x", "buy_date": "2020-01-01"}),
            &mut log,
        )
        .await;
    let (status, body) = c
        .call(
            "PUT",
            &format!("Monitor/{m}"),
            Some(json!({"input": {"serial": "MON-9", "warranty_expiration": "2030-01-01"}})),
        )
        .await;
    log.push(json!({"PUT": "Monitor", "status": status, "body": body}));
    let (status, body) = c
        .call(
            "PUT",
            &format!("Monitor/{m}"),
            Some(json!({"input": {"only_unknown": 1}})),
        )
        .await;
    log.push(json!({"PUT": "Monitor (unknown only)", "status": status, "body": body}));
    c.read(&format!("Monitor/{m}?get_hateoas=false"), &mut log)
        .await;
    out.push(("unknown fields on POST and PUT", log));

    // What GLPI changes on its own: a monitor connected to a computer takes the computer's
    // location, user, group, alternate username and number; a location created without
    // coordinates takes its parent's; a new financial record gets the entity's default alert.
    let mut log = Vec::new();
    let site = c
        .add(
            "Location",
            json!({"name": format!("{tag}-site"), "latitude": "4.9372", "longitude": "-52.3260", "altitude": "8"}),
            &mut log,
        )
        .await;
    let room = c
        .add(
            "Location",
            json!({"name": "salle", "locations_id": site}),
            &mut log,
        )
        .await;
    c.read(&format!("Location/{room}?get_hateoas=false"), &mut log)
        .await;
    let pc = c
        .add(
            "Computer",
            json!({"name": format!("{tag}-pc2"), "locations_id": site, "contact": "agent",
                "contact_num": "4521"}),
            &mut log,
        )
        .await;
    let screen = c
        .add(
            "Monitor",
            json!({"name": format!("{tag}-screen"), "locations_id": room, "contact_num": "4522"}),
            &mut log,
        )
        .await;
    c.add(
        "Computer_Item",
        json!({"computers_id": pc, "itemtype": "Monitor", "items_id": screen}),
        &mut log,
    )
    .await;
    c.read(&format!("Monitor/{screen}?get_hateoas=false"), &mut log)
        .await;
    let infocom = c
        .add(
            "Infocom",
            json!({"itemtype": "Monitor", "items_id": screen, "alert": 4}),
            &mut log,
        )
        .await;
    c.read(&format!("Infocom/{infocom}?get_hateoas=false"), &mut log)
        .await;
    out.push(("what GLPI changes on its own", log));

    out
}

/// Replaces ids by their order of appearance per namespace (stock rows keep theirs), dates by
/// `<DATE>`, the API URL by `<API>`, the run tag by `<TAG>` and a tree's caches by `<cache>`.
struct Normaliser {
    ids: HashMap<String, HashMap<i64, usize>>,
    tag: String,
    api: String,
}

fn namespace(key: &str, parent: &Map<String, Value>, itemtype: &str) -> Option<String> {
    if key == "id" {
        return Some(itemtype.to_lowercase());
    }
    if key == "items_id" {
        return parent
            .get("itemtype")
            .and_then(Value::as_str)
            .map(str::to_lowercase);
    }
    let stem = match key.strip_suffix("_id") {
        Some(s) => s.split("_id_").next().unwrap_or(s),
        None => key.split_once("_id_")?.0,
    };
    Some(stem.trim_end_matches('s').to_string())
}

impl Normaliser {
    fn id(&mut self, ns: &str, v: i64) -> Value {
        // Stock rows of a fresh install: profiles, the root entity, users 1-6, request types.
        let stock = v <= 0
            || matches!(ns, "profile" | "entitie" | "entity" | "requesttype")
            || (ns == "user" && v <= 6);
        if stock {
            return json!(v);
        }
        let map = self.ids.entry(ns.to_string()).or_default();
        let n = map.len() + 1;
        let k = *map.entry(v).or_insert(n);
        json!(format!("<{ns}#{k}>"))
    }

    fn text(&self, s: &str) -> Value {
        let is_date = s.len() >= 19
            && s.as_bytes().get(4) == Some(&b'-')
            && s.as_bytes().get(10) == Some(&b' ')
            && s.as_bytes().get(13) == Some(&b':');
        if is_date && s.len() == 19 {
            return json!("<DATE>");
        }
        json!(s.replace(&self.api, "<API>").replace(&self.tag, "<TAG>"))
    }

    fn walk(&mut self, v: &Value, itemtype: &str) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                let mut keys: Vec<&String> = m.keys().collect();
                // `id` first, then the rest sorted: the same order on both sides.
                keys.sort_by_key(|k| (k.as_str() != "id", k.as_str()));
                for k in keys {
                    let x = &m[k];
                    let value = match (x.as_i64(), namespace(k, m, itemtype)) {
                        (Some(n), Some(ns)) => self.id(&ns, n),
                        _ if k == "links" => json!("<links>"),
                        // Caches of a tree's ids, which GLPI fills when it first needs them.
                        _ if k == "ancestors_cache" || k == "sons_cache" => json!("<cache>"),
                        _ => self.walk(x, itemtype),
                    };
                    // `PUT` answers `{"<id>": true}`: the key is an id too.
                    let key = match k.parse::<i64>() {
                        Ok(n) => self
                            .id(&itemtype.to_lowercase(), n)
                            .as_str()
                            .map_or_else(|| n.to_string(), str::to_string),
                        Err(_) => k.clone(),
                    };
                    out.insert(key, value);
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.walk(x, itemtype)).collect()),
            Value::String(s) => self.text(s),
            other => other.clone(),
        }
    }

    /// One log entry: the item type read or written gives the namespace of `id`.
    fn entry(&mut self, e: &Value) -> Value {
        let target = ["POST", "GET", "PUT", "DELETE"]
            .iter()
            .find_map(|k| e.get(*k).and_then(Value::as_str))
            .unwrap_or("");
        // The last type named in a path (`Computer/N/Infocom` lists infocoms).
        let itemtype = target
            .split(['/', '?', ' '])
            .rfind(|s| {
                !s.is_empty() && *s != "N" && s.chars().next().is_some_and(char::is_uppercase)
            })
            .unwrap_or("");
        self.walk(e, itemtype)
    }
}

fn normalise(
    api: &str,
    tag: &str,
    runs: Vec<(&'static str, Vec<Value>)>,
) -> Vec<(&'static str, Vec<Value>)> {
    let mut n = Normaliser {
        ids: HashMap::new(),
        tag: tag.to_string(),
        api: api.to_string(),
    };
    runs.into_iter()
        .map(|(name, log)| (name, log.iter().map(|e| n.entry(e)).collect()))
        .collect()
}

#[tokio::test]
async fn the_sandbox_stores_what_a_real_glpi_stores() {
    let real = tokio::task::spawn_blocking(|| {
        real_glpi::RealGlpi::fresh(real_glpi::Instance::new("differential", 8093))
    })
    .await
    .unwrap()
    .expect("a fresh real GLPI 10.0.11 (../shared/glpi-10.0.11/up.sh)");
    let sandbox = spawn(SandboxConfig::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();

    let tag = "diff";
    let on_real = Client::open(&real.api_url, &real.app_token, &real.user_token).await;
    let real_runs = normalise(&real.api_url, tag, run_scenarios(&on_real, tag).await);
    let on_sandbox = Client::open(&sandbox.api_url(), DEMO_APP_TOKEN, DEMO_USER_TOKEN).await;
    let sandbox_runs = normalise(
        &sandbox.api_url(),
        tag,
        run_scenarios(&on_sandbox, tag).await,
    );

    let mut failures = Vec::new();
    for ((name, real_log), (_, sandbox_log)) in real_runs.iter().zip(&sandbox_runs) {
        let mut differences = Vec::new();
        for (i, (r, s)) in real_log.iter().zip(sandbox_log).enumerate() {
            if r != s {
                differences.push(format!(
                    "  step {}:\n    real GLPI: {r}\n    sandbox:   {s}",
                    i + 1
                ));
            }
        }
        if differences.is_empty() {
            println!("SAME  {name}");
        } else {
            println!("DIFF  {name}\n{}", differences.join("\n"));
            failures.push(*name);
        }
    }
    assert!(
        failures.is_empty(),
        "the sandbox differs from the real GLPI in: {failures:?} (see the output above)"
    );
}
