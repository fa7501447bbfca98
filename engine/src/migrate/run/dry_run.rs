//! The dry-run: the runner itself over a [`RecordingTransport`], which answers reads with the
//! target the plan was made against, answers writes with made-up ids, and keeps every request.
//! What it shows is what the run would send, batch by batch, because it is the run.

use serde_json::{json, Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::{ControlState, JournalSink, RunOptions, Runner};
use crate::glpi::GlpiType;
use crate::migrate::api::{
    ApiRequest, ApiResponse, Credentials, Method, Transport, TransportError,
};
use crate::migrate::client::{ClientOptions, GlpiClient};
use crate::migrate::journal::{Event, Journal, Outcome};
use crate::migrate::model::{Decision, ObjectKey};
use crate::migrate::plan::Plan;

/// Ids the recording transport gives to what it "creates": far above any real GLPI id, so a
/// preview can tell them apart and show the object instead.
const FIRST_SYNTHETIC_ID: u64 = 9_000_000_001;

/// A transport that writes nothing: reads are answered from the items it is given, creates get
/// made-up ids, updates and purges succeed, time is virtual. Every request is kept.
pub struct RecordingTransport {
    items: RefCell<BTreeMap<GlpiType, Vec<Map<String, Value>>>>,
    next_id: Cell<u64>,
    requests: RefCell<Vec<ApiRequest>>,
    clock: Cell<f64>,
}

impl RecordingTransport {
    /// A transport whose target holds `items`.
    pub fn new(items: BTreeMap<GlpiType, Vec<Map<String, Value>>>) -> Self {
        RecordingTransport {
            items: RefCell::new(items),
            next_id: Cell::new(FIRST_SYNTHETIC_ID),
            requests: RefCell::new(Vec::new()),
            clock: Cell::new(0.0),
        }
    }

    /// The target a plan implies: the items it matched, with the values it found on them (the
    /// before-values of an update, the planned ones otherwise). Enough for the runner's fresh
    /// decisions to be the plan's own.
    pub fn for_plan(plan: &Plan) -> Self {
        let ids = plan.known_ids();
        let mut items: BTreeMap<GlpiType, Vec<Map<String, Value>>> = BTreeMap::new();
        for o in &plan.objects {
            let (id, before) = match &o.decision {
                Decision::Skip { id } => (*id, None),
                Decision::Update { id, before, .. } => (*id, Some(before)),
                _ => continue,
            };
            let mut item = Map::new();
            for (k, v) in o.fields.iter().chain(&o.lookup) {
                if let Ok(j) = v.to_json(&ids) {
                    item.insert(k.clone(), j);
                }
            }
            if let Some(before) = before {
                for (k, v) in before {
                    item.insert(k.clone(), v.clone());
                }
            }
            item.insert("id".into(), json!(id));
            items.entry(o.key.itemtype).or_default().push(item);
        }
        RecordingTransport::new(items)
    }

    /// Every request sent so far.
    pub fn requests(&self) -> Vec<ApiRequest> {
        self.requests.borrow().clone()
    }

    /// The requests that would change the target (creates, updates, purges).
    pub fn writes(&self) -> Vec<ApiRequest> {
        self.requests
            .borrow()
            .iter()
            .filter(|r| r.method != Method::Get && !r.path.starts_with("/changeActive"))
            .cloned()
            .collect()
    }

    fn answer(&self, request: &ApiRequest) -> ApiResponse {
        let (path, query) = request
            .path
            .split_once('?')
            .unwrap_or((request.path.as_str(), ""));
        let name = path.trim_start_matches('/');
        let input = || {
            request
                .body
                .as_ref()
                .and_then(|b| b.get("input"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        match (request.method, name) {
            (Method::Get, "initSession") => ok(200, json!({"session_token": "dry-run"})),
            (Method::Get, "getFullSession") => ok(200, json!({"session": {}})),
            (Method::Get, "killSession") => ok(200, json!({})),
            (Method::Post, n) if n.starts_with("changeActive") => ok(200, json!(true)),
            (Method::Get, n) => {
                let Ok(itemtype) = GlpiType::from_name(n) else {
                    return ok(404, json!(["ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM", n]));
                };
                self.read(itemtype, query)
            }
            // A document's upload: one file, one answer.
            (Method::Post, _) if request.upload.is_some() => {
                let id = self.next_id.get();
                self.next_id.set(id + 1);
                ok(201, json!({"id": id, "message": ""}))
            }
            (Method::Post, _) => {
                let answers: Vec<Value> = input()
                    .iter()
                    .map(|_| {
                        let id = self.next_id.get();
                        self.next_id.set(id + 1);
                        json!({"id": id, "message": ""})
                    })
                    .collect();
                ok(201, Value::Array(answers))
            }
            (Method::Put | Method::Delete, _) => {
                let answers: Vec<Value> = input()
                    .iter()
                    .map(|i| {
                        let id = i.get("id").and_then(Value::as_u64).unwrap_or(0);
                        json!({ id.to_string(): true, "message": "" })
                    })
                    .collect();
                ok(200, Value::Array(answers))
            }
        }
    }

    fn read(&self, itemtype: GlpiType, query: &str) -> ApiResponse {
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
        };
        let mut rows = self
            .items
            .borrow()
            .get(&itemtype)
            .cloned()
            .unwrap_or_default();
        crate::sort::sort_by_key(&mut rows, |m| {
            m.get("id").and_then(Value::as_u64).unwrap_or(0)
        });
        if param("order") == Some("DESC") {
            rows.reverse();
        }
        let (start, end) = param("range")
            .and_then(|r| r.split_once('-'))
            .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
            .unwrap_or((0, 49));
        let total = rows.len();
        if start >= total && total > 0 || (total == 0 && start > 0) {
            return ok(
                400,
                json!(["ERROR_RANGE_EXCEED_TOTAL", "range exceeds total"]),
            );
        }
        let page: Vec<Value> = rows
            .into_iter()
            .skip(start)
            .take(end + 1 - start)
            .map(Value::Object)
            .collect();
        let last = (start + page.len()).saturating_sub(1);
        let mut res = ok(
            if page.len() < total { 206 } else { 200 },
            Value::Array(page),
        );
        res.headers
            .push(("content-range".into(), format!("{start}-{last}/{total}")));
        res
    }
}

fn ok(status: u16, body: Value) -> ApiResponse {
    ApiResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

impl Transport for RecordingTransport {
    async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
        self.requests.borrow_mut().push(request.clone());
        Ok(self.answer(request))
    }

    async fn sleep(&self, ms: u64) {
        self.clock.set(self.clock.get() + ms as f64);
    }

    fn now_ms(&self) -> f64 {
        self.clock.get()
    }

    fn random(&self) -> f64 {
        0.5
    }
}

/// A journal kept in memory only.
#[derive(Debug, Default)]
pub struct MemorySink {
    events: RefCell<Vec<Event>>,
}

impl MemorySink {
    /// The events stored.
    pub fn events(&self) -> Vec<Event> {
        self.events.borrow().clone()
    }
}

impl JournalSink for MemorySink {
    async fn append(&self, events: &[Event]) -> Result<(), String> {
        self.events.borrow_mut().extend_from_slice(events);
        Ok(())
    }
}

/// What a dry-run shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DryRun {
    /// The writes the run would send, in order; an id the run would only learn from GLPI's
    /// answer is shown as `{{Type:key}}`.
    pub requests: Vec<ApiRequest>,
    /// The journal the run would write (ids of created objects are made up).
    pub journal: Journal,
}

/// Runs `plan` over a [`RecordingTransport`] standing for the target the plan was made
/// against. Synchronous: nothing in it ever waits, so it is polled to its end at once (the
/// page calls it while drawing the plan).
pub fn dry_run(plan: &Plan, options: &RunOptions) -> DryRun {
    let transport = RecordingTransport::for_plan(plan);
    let client = GlpiClient::new(
        &transport,
        Credentials::UserToken {
            token: "dry-run".into(),
        },
        ClientOptions {
            max_calls_per_second: 0.0,
            ..ClientOptions::default()
        },
    );
    let sink = MemorySink::default();
    let runner = Runner::new(
        &client,
        Journal::default(),
        &sink,
        &ControlState::Running,
        options.clone(),
        Box::new(|_| {}),
    );
    let done = poll_to_end(runner.run(plan, "dry-run"));
    debug_assert!(done.is_some(), "the dry-run waited on something");
    let journal = runner.into_journal();
    let created: HashMap<u64, ObjectKey> = journal
        .records()
        .into_iter()
        .filter(|r| r.outcome == Outcome::Created)
        .filter_map(|r| r.id.map(|id| (id, r.object.clone())))
        .collect();
    let requests = transport
        .writes()
        .into_iter()
        .filter(|r| r.path != "/initSession")
        .map(|mut r| {
            r.headers.clear();
            if let Some(body) = r.body.as_mut() {
                placeholders(body, &created);
            }
            r
        })
        .collect();
    DryRun { requests, journal }
}

/// Replaces made-up ids by the object they stand for.
fn placeholders(v: &mut Value, created: &HashMap<u64, ObjectKey>) {
    match v {
        Value::Number(n) => {
            if let Some(k) = n.as_u64().and_then(|id| created.get(&id)) {
                *v = Value::String(format!("{{{{{}:{}}}}}", k.itemtype, k.key));
            }
        }
        Value::Array(list) => list.iter_mut().for_each(|x| placeholders(x, created)),
        Value::Object(m) => m.values_mut().for_each(|x| placeholders(x, created)),
        _ => {}
    }
}

/// Polls a future that never waits on the outside world until it ends (`None` if it waits).
fn poll_to_end<F: Future>(f: F) -> Option<F::Output> {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    // Every await inside ends at once; the bound only guards against a future that would
    // wait for ever.
    for _ in 0..1_000 {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return Some(out);
        }
    }
    None
}
