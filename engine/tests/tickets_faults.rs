//! Exactly once for tickets under faults (issue 12): 2,000 generated tickets with 10,000
//! timeline entries (followups, tasks, solutions of the companion file) migrated into the GLPI
//! sandbox, called in-process on a virtual clock, that answers 500 and 503 now and then and
//! drops connections after doing the work; the run is killed after a request, killed again
//! before one, killed a third time in the middle of a journal write, then resumed to its end.
//! Every ticket and timeline entry is on the target exactly once, with its status and dates,
//! and the sandbox, noisy as a national GLPI (an active ticket rule, a satisfaction survey),
//! recorded no notification, no rule applied and no survey; undo then removes everything,
//! still quietly.

mod support;

use serde_json::{json, Map, Value};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::rc::Rc;

use glpi_sandbox::{Faults, SandboxConfig};
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::journal::{Event, Journal, Outcome};
use passerelle_engine::migrate::plan::PlanOptions;
use passerelle_engine::migrate::run::{ControlState, RunOptions};
use passerelle_engine::migrate::session::{MigrationSession, Report, RunRequest, SessionError};
use passerelle_engine::read::ReadOptions;
use support::{settings, Cut, Sandbox, SandboxTransport, Sink};

/// A sandbox as noisy as a national GLPI (the ticket rule on, a satisfaction survey a day
/// after closing) that fails now and then: 500 and 503 before the work, connections dropped
/// after it (the answer lost).
fn noisy_and_faulty() -> Sandbox {
    let config = SandboxConfig {
        faults: Faults {
            error_500: 0.01,
            error_503: 0.03,
            drop_connection: 0.03,
            seed: 12,
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };
    Sandbox::prepared(
        config,
        "config",
        json!({"ticket_rule": true, "survey_rate": 100, "survey_delay_days": 1}),
    )
}

/// Polls a future to its end; `None` once the test killed it (see `support::drive`).
fn drive<F: Future>(f: F, killed: &Cell<bool>) -> Option<F::Output> {
    support::drive(f, killed, 1_000_000)
}

const TICKETS: usize = 2_000;
const USERS: usize = 20;
/// Followups, tasks and the solution (solved and closed tickets) or a third followup.
const ENTRIES_PER_TICKET: usize = 5;

/// Status of generated ticket `n`: new, assigned, pending, solved, closed.
fn status_of(n: usize) -> (u64, &'static str) {
    [
        (1, "Nouveau"),
        (2, "En cours (Attribué)"),
        (4, "En attente"),
        (5, "Résolu"),
        (6, "Clos"),
    ][n % 5]
}

fn opening(n: usize) -> String {
    format!(
        "2025-{:02}-{:02} {:02}:{:02}",
        1 + n % 12,
        1 + n % 27,
        8 + n % 9,
        n % 60
    )
}

fn at(n: usize, day: usize, minute: usize) -> String {
    format!(
        "2025-{:02}-{:02} {:02}:{:02}:00",
        1 + n % 12,
        1 + n % 27 + day,
        8 + n % 9,
        minute % 60
    )
}

fn files() -> Vec<(String, Vec<u8>)> {
    let mut users = String::from("\u{feff}\"Identifiant\";\"Nom de famille\";\"Prénom\"\r\n");
    for u in 0..USERS {
        users.push_str(&format!("\"agent.{u}\";\"Agent{u}\";\"Prénom{u}\"\r\n"));
    }
    let mut tickets = String::from(
        "\u{feff}\"ID\";\"Titre\";\"Entité\";\"Type\";\"Statut\";\"Urgence\";\"Impact\";\"Priorité\";\"Demandeur - Demandeur\";\"Attribué à - Technicien\";\"Date d'ouverture\";\"Date de résolution\";\"Date de clôture\";\"Description\"\r\n",
    );
    let mut timeline =
        String::from("ticket;type;date;auteur;contenu;prive;duree;technicien;statut\r\n");
    for n in 0..TICKETS {
        let (status, label) = status_of(n);
        let solved = if status >= 5 {
            at(n, 1, 5)
        } else {
            String::new()
        };
        let closed = if status == 6 {
            at(n, 1, 30)
        } else {
            String::new()
        };
        tickets.push_str(&format!(
            "\"{id}\";\"Demande {n} du service\";\"Root Entity\";\"{kind}\";\"{label}\";\"Moyenne\";\"Moyen\";\"Moyenne\";\"agent.{req}\";\"{tech}\";\"{open}\";\"{solved}\";\"{closed}\";\"Description du ticket {n}\"\r\n",
            id = n + 1,
            kind = if n % 2 == 0 { "Incident" } else { "Demande" },
            req = n % USERS,
            tech = if status == 1 { String::new() } else { format!("agent.{}", (n + 1) % USERS) },
            open = opening(n),
            solved = &solved.get(..16).unwrap_or(""),
            closed = &closed.get(..16).unwrap_or(""),
        ));
        let author = format!("agent.{}", (n + 1) % USERS);
        for e in 0..ENTRIES_PER_TICKET {
            let date = at(n, 0, 10 + e * 7);
            let line = match (e, status >= 5) {
                (4, true) => format!(
                    "{};Solution;{};{author};Solution du ticket {n};Non;;;Acceptée",
                    n + 1,
                    at(n, 1, 5)
                ),
                (1 | 3, _) => format!(
                    "{};Tâche;{date};{author};Tâche {e} du ticket {n};Non;{};{author};Fait",
                    n + 1,
                    600 * e
                ),
                _ => format!(
                    "{};Suivi;{date};agent.{};Suivi {e} du ticket {n};{};;;",
                    n + 1,
                    n % USERS,
                    if e == 2 { "Oui" } else { "Non" }
                ),
            };
            timeline.push_str(&line);
            timeline.push_str("\r\n");
        }
    }
    [
        ("User.csv", users),
        ("Ticket.csv", tickets),
        ("chronologie-tickets.csv", timeline),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t.into_bytes()))
    .collect()
}

/// Batches of at most 100, three in flight: some two hundred requests, many kill points.
fn run_options() -> RunOptions {
    RunOptions {
        batch_size: 50,
        max_batch_size: 100,
        in_flight: 3,
        ..RunOptions::default()
    }
}

/// One `passerelle migrate --resume` over the sandbox: open, plan, run, close. `None` when
/// killed; the journal as stored and the number of requests sent.
fn migrate(
    sb: &Sandbox,
    draft: &passerelle_engine::migrate::plan::Draft,
    previous: Vec<Event>,
    cut: Cut,
) -> (Option<Result<Report, SessionError>>, Vec<Event>, usize) {
    let killed = Rc::new(Cell::new(false));
    let transport = SandboxTransport::new(sb, cut, killed.clone());
    let sink = Sink::new(previous.clone(), cut.at_append, killed.clone());
    let report = drive(
        async {
            let mut session = MigrationSession::open(&transport, settings()).await?;
            let plan = session.plan(draft, &PlanOptions::default(), 4).await?;
            let report = session
                .run(
                    &plan,
                    RunRequest {
                        journal: Journal::from_events(previous),
                        sink: &sink,
                        control: &ControlState::Running,
                        options: run_options(),
                        run_id: "tickets".into(),
                        resume: true,
                        verify: false,
                        observer: Box::new(|_| {}),
                    },
                )
                .await;
            session.close().await;
            report
        },
        &killed,
    );
    (report, sink.stored.into_inner(), transport.sent.get())
}

fn text(item: &Map<String, Value>, field: &str) -> String {
    match item.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

#[test]
fn two_thousand_tickets_and_ten_thousand_entries_exactly_once_through_faults_and_kills() {
    let sb = noisy_and_faulty();
    let draft = Prepared::from_files(&files(), &ReadOptions::default()).draft();
    let mut events = Vec::new();
    let mut requests = Vec::new();
    let mut progress = Vec::new();
    for cut in [
        Cut {
            after_request: Some(20),
            ..Cut::default()
        },
        Cut {
            before_request: Some(90),
            ..Cut::default()
        },
        Cut {
            at_append: Some((40, false)),
            ..Cut::default()
        },
    ] {
        let (report, stored, sent) = migrate(&sb, &draft, events, cut);
        assert!(
            report.is_none(),
            "{cut:?}: the attempt was meant to be killed"
        );
        events = stored;
        requests.push(sent);
        let dump = sb.dump();
        let n = |t: &str| dump.get(t).map_or(0, BTreeMap::len);
        progress.push((
            n("Ticket"),
            n("ITILFollowup") + n("TicketTask") + n("ITILSolution"),
        ));
    }
    eprintln!("[tickets under faults] (tickets, entries) after each kill: {progress:?}");
    // The kills fall in the middle of the tickets and of their timelines.
    assert!(
        progress.iter().any(|(t, _)| 0 < *t && *t < TICKETS),
        "{progress:?}"
    );
    assert!(
        progress
            .iter()
            .any(|(_, e)| 0 < *e && *e < TICKETS * ENTRIES_PER_TICKET),
        "{progress:?}"
    );
    let (report, stored, sent) = migrate(&sb, &draft, events, Cut::default());
    requests.push(sent);
    let report = report
        .expect("the last resume is not killed")
        .expect("the last resume ends");
    let journal = report.journal;
    assert!(journal.finished());
    eprintln!(
        "[tickets under faults] requests per attempt: {requests:?}; last: {:?}",
        report.stats
    );
    let counters = sb.admin("counters", Value::Null);
    eprintln!(
        "[tickets under faults] sandbox calls: {}",
        counters["calls"]
    );
    let dump = sb.dump();
    let table = |t: &str| dump.get(t).cloned().unwrap_or_default();

    // Every ticket once, with its status and dates.
    let tickets = table("Ticket");
    assert_eq!(tickets.len(), TICKETS, "tickets on the target");
    let mut by_name: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for t in tickets.values() {
        assert!(
            by_name.insert(text(t, "name"), t.clone()).is_none(),
            "ticket {} twice",
            text(t, "name")
        );
    }
    for n in 0..TICKETS {
        let t = &by_name[&format!("Demande {n} du service")];
        let (status, _) = status_of(n);
        assert_eq!(text(t, "status"), status.to_string(), "ticket {n}");
        assert_eq!(text(t, "urgency"), "3", "ticket {n}: the rule did not run");
        if status >= 5 {
            assert_eq!(text(t, "solvedate"), at(n, 1, 5), "ticket {n}");
        }
        if status == 5 {
            assert_eq!(text(t, "closedate"), "", "ticket {n}");
        }
    }
    // Every timeline entry once.
    let mut entries = BTreeSet::new();
    let mut count = 0;
    for (itemtype, parent) in [
        ("ITILFollowup", "items_id"),
        ("TicketTask", "tickets_id"),
        ("ITILSolution", "items_id"),
    ] {
        for e in table(itemtype).values() {
            count += 1;
            assert!(
                entries.insert((text(e, parent), text(e, "content"))),
                "{itemtype} {} twice",
                text(e, "content")
            );
        }
    }
    assert_eq!(count, TICKETS * ENTRIES_PER_TICKET, "timeline entries");
    // Journaled as created, each of them: undo will find them.
    let created = journal
        .records()
        .into_iter()
        .filter(|r| r.outcome == Outcome::Created)
        .count();
    assert_eq!(created, USERS + TICKETS + TICKETS * ENTRIES_PER_TICKET);
    // No side effect on people or on GLPI.
    assert_eq!(sb.admin("notifications", Value::Null), json!([]));
    assert_eq!(sb.admin("rules", Value::Null), json!([]));
    assert_eq!(sb.admin("surveys", Value::Null), json!([]));

    // Undo: everything gone, still nothing notified.
    let killed = Rc::new(Cell::new(false));
    let transport = SandboxTransport::new(&sb, Cut::default(), killed.clone());
    let sink = Sink::new(stored.clone(), None, killed.clone());
    let undone = drive(
        async {
            let session = MigrationSession::open(&transport, settings()).await?;
            let out = session
                .undo(Journal::from_events(stored), &sink, run_options())
                .await;
            session.close().await;
            out
        },
        &killed,
    )
    .expect("undo not killed")
    .expect("undo");
    assert_eq!(undone.0.failed, 0, "{:?}", undone.0);
    for t in [
        "Ticket",
        "ITILFollowup",
        "TicketTask",
        "ITILSolution",
        "Ticket_User",
    ] {
        assert_eq!(
            sb.dump().get(t).map_or(0, BTreeMap::len),
            0,
            "{t} after undo"
        );
    }
    assert_eq!(sb.admin("notifications", Value::Null), json!([]));
}
