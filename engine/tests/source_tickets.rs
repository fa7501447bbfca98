//! Tickets read from a local GLPI through its API (issue 16), on JSON recorded from the real
//! GLPI 10.0.11 loaded with the prefecture's database (tickets 1, 2, 50 and 51 with their
//! actors, linked computers, followups, tasks and solutions, and one followup of a ticket not
//! read), answered page by page by a recording transport: the reader sends only GET requests
//! (besides the session calls), and what it renders (the Ticket table and the timeline
//! companion) is what `timeline.json`, the ground truth read from that database, says; the plan
//! built from it creates every timeline entry in its original order.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::api::{
    ApiRequest, ApiResponse, Credentials, Method, Transport, TransportError,
};
use passerelle_engine::migrate::client::{ClientOptions, GlpiClient};
use passerelle_engine::migrate::companion::CompanionKind;
use passerelle_engine::migrate::model::{FieldValue, PlannedObject};
use passerelle_engine::migrate::plan::{PlanOptions, TargetData};
use passerelle_engine::migrate::source::{
    read_source, SkipReason, SourceOptions, SourceProgress, SourceRead,
};
use passerelle_engine::read::Table;
use serde_json::{json, Map, Value};

/// The recorded collections, by item type (`+names`: read with `expand_dropdowns=true`).
fn recorded() -> Map<String, Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/source-tickets/recorded.json"
    );
    let text = std::fs::read_to_string(path).expect("recorded.json");
    serde_json::from_str(&text).expect("recorded.json is JSON")
}

fn truth() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/samples/glpi-10.0.11-export/fr-history/timeline.json"
    );
    serde_json::from_slice(&std::fs::read(path).expect("timeline.json")).unwrap()
}

/// Answers as the local GLPI did: collections page by page with `Content-Range`, the session
/// calls; records every request.
struct Recorded {
    collections: Map<String, Value>,
    requests: RefCell<Vec<ApiRequest>>,
}

fn answer(status: u16, headers: Vec<(String, String)>, body: Value) -> ApiResponse {
    let mut headers = headers;
    headers.push(("content-type".into(), "application/json".into()));
    ApiResponse {
        status,
        headers,
        body: body.to_string().into_bytes(),
    }
}

impl Transport for Recorded {
    async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
        self.requests.borrow_mut().push(request.clone());
        let path = request.path.as_str();
        if path.starts_with("/initSession") {
            return Ok(answer(200, vec![], json!({"session_token": "s"})));
        }
        if path.starts_with("/changeActive") {
            return Ok(answer(200, vec![], json!(true)));
        }
        if path.starts_with("/getFullSession") {
            return Ok(answer(
                200,
                vec![],
                json!({"session": {"glpiactive_entity": 1}}),
            ));
        }
        let (itemtype, query) = path
            .trim_start_matches('/')
            .split_once('?')
            .unwrap_or((path.trim_start_matches('/'), ""));
        let range = query
            .split('&')
            .find_map(|p| p.strip_prefix("range="))
            .and_then(|r| r.split_once('-'))
            .map(|(a, b)| (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()))
            .unwrap_or((0, 49));
        let key = if query.contains("expand_dropdowns=true") {
            format!("{itemtype}+names")
        } else {
            itemtype.to_string()
        };
        let rows = self
            .collections
            .get(&key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let total = rows.len();
        if range.0 >= total {
            return Ok(answer(
                400,
                vec![],
                json!([
                    "ERROR_RANGE_EXCEED_TOTAL",
                    "Provided range exceed total count of data"
                ]),
            ));
        }
        let page: Vec<Value> = rows
            .into_iter()
            .skip(range.0)
            .take(range.1 + 1 - range.0)
            .collect();
        let last = range.0 + page.len() - 1;
        Ok(answer(
            if page.len() < total { 206 } else { 200 },
            vec![(
                "content-range".into(),
                format!("{}-{last}/{total}", range.0),
            )],
            Value::Array(page),
        ))
    }
    async fn sleep(&self, _ms: u64) {}
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn random(&self) -> f64 {
        0.5
    }
}

/// Runs a future that never waits on anything but the transport above (ready at once).
fn run<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the reader waited on something other than the transport"),
    }
}

struct Outcome {
    read: SourceRead,
    requests: Vec<ApiRequest>,
    progress: Vec<SourceProgress>,
}

/// Reads the recorded GLPI with pages of 3 rows.
fn read() -> Outcome {
    let transport = Recorded {
        collections: recorded(),
        requests: RefCell::new(Vec::new()),
    };
    let client = GlpiClient::new(
        &transport,
        Credentials::UserToken {
            token: "tok".into(),
        },
        ClientOptions::default(),
    );
    run(client.login()).expect("login");
    let options = SourceOptions {
        entity: Some(1),
        recursive: true,
        page_size: 3,
    };
    let mut read = SourceRead::default();
    let mut progress = Vec::new();
    run(read_source(&client, &options, &mut read, &mut |p| {
        progress.push(p)
    }))
    .expect("the read");
    let requests = transport.requests.borrow().clone();
    Outcome {
        read,
        requests,
        progress,
    }
}

/// The Ticket table and the timeline companion of a read.
fn tables(read: &SourceRead) -> (Table, Table) {
    let prepared = read.prepared();
    let (ticket, mapping) = prepared
        .sources
        .iter()
        .find(|(t, _)| t.file == "GLPI local — Ticket")
        .cloned()
        .expect("the Ticket table");
    for c in &mapping.columns {
        assert_eq!(c.field.as_deref(), Some(c.header.as_str()));
        assert_eq!(c.confidence, 1.0);
    }
    let timeline = prepared
        .companions
        .iter()
        .find(|(_, k)| *k == CompanionKind::Timeline)
        .map(|(t, _)| t.clone())
        .expect("the timeline companion");
    (ticket, timeline)
}

/// A table's records as header → cell, with their line.
fn records(table: &Table) -> Vec<(u64, Map<String, Value>)> {
    table
        .rows()
        .map(|r| {
            let cells = table
                .headers
                .iter()
                .enumerate()
                .map(|(i, h)| (h.clone(), json!(r.cells.get(i).unwrap_or(""))))
                .collect();
            (r.line, cells)
        })
        .collect()
}

fn s(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "1" } else { "0" }.into(),
        other => other.to_string(),
    }
}

/// GLPI's stored text back to what was typed, in one pass.
fn typed(stored: &str) -> String {
    passerelle_engine::glpi::stored_text(stored)
}

#[test]
fn the_reader_only_reads_page_by_page_and_says_how_far_it_is() {
    let o = read();
    for r in &o.requests {
        let session = r.path.starts_with("/changeActive");
        assert!(
            r.method == Method::Get || session,
            "only GET besides the session: {:?} {}",
            r.method,
            r.path
        );
    }
    // Eight requesters, assignees… in pages of three: 0-2, 3-5, 6-8.
    let pages: Vec<&str> = o
        .requests
        .iter()
        .filter(|r| r.path.starts_with("/Ticket_User?"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[2].contains("range=6-8"), "{pages:?}");
    assert!(o
        .requests
        .iter()
        .any(|r| r.path.starts_with("/Ticket?") && r.path.contains("expand_dropdowns=true")));
    let last = o
        .progress
        .iter()
        .rfind(|p| p.itemtype == GlpiType::TicketUser)
        .expect("progress of Ticket_User");
    assert_eq!((last.read, last.total), (8, Some(8)));
    assert!(o.read.is_complete());
}

#[test]
fn tickets_carry_their_fields_actors_and_linked_computers_by_login_and_key() {
    let o = read();
    let (ticket, _) = tables(&o.read);
    let rows = records(&ticket);
    let truth = truth();
    let lines: Vec<u64> = rows.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![1, 2, 50, 51], "a ticket's line is its id");
    let serials: std::collections::HashMap<&str, &str> = [
        ("PC-CAY-0005", "5CGSTHK9HV"),
        ("PC-SLM-0011", "KRP768R"),
        ("PC-CAY-0076", "19GLVRS"),
        ("PC-CAY-0100", "CZCSJ3PWKV"),
    ]
    .into_iter()
    .collect();
    for (line, cells) in &rows {
        let t = truth["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == json!(*line))
            .expect("in timeline.json");
        let cell = |f: &str| typed(cells[f].as_str().unwrap());
        assert_eq!(cell("id"), line.to_string());
        assert_eq!(cell("name"), s(&t["name"]));
        assert_eq!(cell("entities_id"), s(&t["entity"]));
        assert_eq!(cell("type"), s(&t["type"]["code"]));
        assert_eq!(cell("status"), s(&t["status"]["code"]));
        for f in ["urgency", "impact", "priority"] {
            assert_eq!(cell(f), s(&t[f]), "{line} {f}");
        }
        assert_eq!(cell("itilcategories_id"), s(&t["category"]));
        assert_eq!(cell("locations_id"), s(&t["location"]));
        assert_eq!(cell("requesttypes_id"), s(&t["request_source"]));
        for d in ["date", "solvedate", "closedate", "date_mod"] {
            assert_eq!(cell(d), s(&t["dates"][d]), "{line} {d}");
        }
        // As GLPI stores it: the check decodes it as it does an export's cell.
        assert_eq!(cells["content"].as_str().unwrap(), s(&t["content"]));
        for (role, field) in [
            ("requester", "requester"),
            ("assigned", "assign"),
            ("observer", "observer"),
        ] {
            let users: Vec<String> = t["actors"][role]["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| s(&u["login"]))
                .collect();
            assert_eq!(cell(&format!("_users_id_{field}")), users.join("<br>"));
            let groups: Vec<String> = t["actors"][role]["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(s)
                .collect();
            assert_eq!(cell(&format!("_groups_id_{field}")), groups.join("<br>"));
        }
        let mut items: Vec<&str> = t["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| serials[i["name"].as_str().unwrap()])
            .collect();
        let mut got: Vec<String> = cell("_items").lines().map(str::to_string).collect();
        items.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, items, "{line}: linked computers by serial");
    }
}

#[test]
fn the_timeline_companion_says_who_wrote_what_when_in_the_original_order() {
    let o = read();
    let (_, timeline) = tables(&o.read);
    let rows = records(&timeline);
    let truth = truth();
    // When each followup's and task's row was written, and a task's UUID, as the local GLPI
    // answered them (the ground truth does not have them): by kind, ticket, date and (two
    // tasks of ticket 50 share a date) duration.
    let recorded = recorded();
    let written = |kind: &str, ticket: u64, e: &Value| -> (String, String) {
        let (collection, ticket_field) = match kind {
            "followup" => ("ITILFollowup", "items_id"),
            "task" => ("TicketTask", "tickets_id"),
            _ => return (String::new(), String::new()),
        };
        let row = recorded[collection]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r[ticket_field] == json!(ticket)
                    && r["date"] == e["date"]
                    && (kind != "task" || r["actiontime"] == e["duration_s"])
            })
            .unwrap_or_else(|| panic!("{collection} of ticket {ticket}: {e} recorded"));
        (s(&row["date_creation"]), s(&row["uuid"]))
    };
    let mut expected = Vec::new();
    for id in [1, 2, 50, 51] {
        let t = truth["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == json!(id))
            .unwrap();
        for e in t["timeline"].as_array().unwrap() {
            let kind = s(&e["kind"]);
            let (label, private, state) = match kind.as_str() {
                "followup" => ("Suivi", s(&e["is_private"]), String::new()),
                "task" => ("Tâche", s(&e["is_private"]), s(&e["state"]["code"])),
                _ => ("Solution", String::new(), s(&e["status"]["code"])),
            };
            expected.push(vec![
                id.to_string(),
                label.to_string(),
                s(&e["date"]),
                s(&e["author"]["login"]),
                typed(&s(&e["content"])),
                private,
                s(&e["duration_s"]),
                s(&e["technician"]["login"]),
                state,
                s(&e["request_source"]),
                s(&e["category"]),
                s(&e["solution_type"]),
                s(&e["date_approval"]),
                s(&e["approver"]["login"]),
                s(&e["plan_begin"]),
                s(&e["plan_end"]),
                // A task's group, as a complete name (null for the others).
                s(&e["technician_group"]),
                written(&kind, id, e).0,
                written(&kind, id, e).1,
            ]);
        }
    }
    let got: Vec<Vec<String>> = rows
        .iter()
        .map(|(_, cells)| {
            timeline
                .headers
                .iter()
                .map(|h| cells[h].as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(timeline.headers.len(), 19, "{:?}", timeline.headers);
    // Every followup and task has its creation date, every task its UUID.
    assert!(expected
        .iter()
        .filter(|e| e[1] != "Solution")
        .all(|e| e[17].len() == 19 && (e[1] != "Tâche" || e[18].len() == 36)));
    assert_eq!(got, expected);
    // Ticket 1's description keeps what was typed: `&gt;` stays an entity, not a `>`.
    assert!(expected
        .iter()
        .all(|e| !e[4].contains("&#60;") && e[4].starts_with('<')));
}

#[test]
fn what_cannot_be_carried_is_counted_with_its_reason() {
    let o = read();
    let counts = o.read.counts();
    let of = |t: GlpiType| {
        counts
            .iter()
            .find(|c| c.itemtype == t)
            .unwrap_or_else(|| panic!("{t:?} counted"))
    };
    assert_eq!(of(GlpiType::Ticket).read, 4);
    // The writer and the take-into-account date are carried; no ticket here has a time to
    // own or to resolve.
    assert_eq!(
        of(GlpiType::Ticket)
            .not_carried
            .get(&SkipReason::TicketDelays),
        None
    );
    // The followup of ticket 6, not read.
    assert_eq!(of(GlpiType::ItilFollowup).read, 4);
    assert_eq!(
        of(GlpiType::ItilFollowup)
            .not_carried
            .get(&SkipReason::OutsideRead),
        Some(&1)
    );
    // Both solutions of the closed tickets were approved on closing, with no approver
    // recorded: their approval date is carried, nothing is lost.
    assert_eq!(
        of(GlpiType::ItilSolution)
            .not_carried
            .get(&SkipReason::SolutionApproval),
        None
    );
    // Every task is carried whole: its schedule (ticket 50's, planned for later) and its
    // technician group with it.
    assert!(of(GlpiType::TicketTask).not_carried.is_empty());
    assert!(of(GlpiType::TicketUser).not_carried.is_empty());
    assert!(of(GlpiType::ItemTicket).not_carried.is_empty());
}

fn field(o: &PlannedObject, f: &str) -> String {
    match o.fields.get(f) {
        Some(FieldValue::Text(t)) => t.clone(),
        Some(FieldValue::Number(n)) => n.to_string(),
        Some(FieldValue::Ref(k)) => k.key.clone(),
        _ => String::new(),
    }
}

#[test]
fn the_plan_creates_each_ticket_then_its_timeline_in_order_then_closes_it() {
    let o = read();
    let plan = o
        .read
        .prepared()
        .draft()
        .plan(&TargetData::default(), &PlanOptions::default());
    let truth = truth();
    for id in [1, 2, 50, 51] {
        let key = format!("n°{id}");
        let ticket = plan
            .objects
            .iter()
            .find(|o| o.key.itemtype == GlpiType::Ticket && o.key.key == key)
            .unwrap_or_else(|| panic!("{key} planned"));
        let t = truth["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == json!(id))
            .unwrap();
        assert_eq!(field(ticket, "name"), s(&t["name"]));
        assert_eq!(field(ticket, "date"), s(&t["dates"]["date"]));
        let mut entries: Vec<&PlannedObject> = plan
            .objects
            .iter()
            .filter(|o| {
                matches!(
                    o.key.itemtype,
                    GlpiType::ItilFollowup | GlpiType::TicketTask | GlpiType::ItilSolution
                ) && o.key.key.starts_with(&format!("{key}#"))
            })
            .collect();
        entries.sort_by_key(|o| o.rank);
        let expected = t["timeline"].as_array().unwrap();
        assert_eq!(entries.len(), expected.len(), "{key}");
        for (o, e) in entries.iter().zip(expected) {
            assert!(o.rank > ticket.rank);
            let date = if e["kind"] == "solution" {
                "date_creation"
            } else {
                "date"
            };
            assert_eq!(field(o, date), s(&e["date"]), "{}", o.key);
            assert_eq!(field(o, "content"), typed(&s(&e["content"])), "{}", o.key);
        }
        let closing = plan
            .objects
            .iter()
            .find(|o| o.key.itemtype == GlpiType::Ticket && o.key.key == format!("{key}#statut"))
            .unwrap_or_else(|| panic!("{key}'s status step"));
        assert_eq!(field(closing, "status"), s(&t["status"]["code"]));
    }
    // The items linked to ticket 2: two computers, found among the planned ones by serial
    // when the computers are read, else looked up on the target.
    let links = plan
        .objects
        .iter()
        .filter(|o| o.key.itemtype == GlpiType::ItemTicket && o.key.key.starts_with("n°2|"))
        .count();
    assert_eq!(links, 2);
}
