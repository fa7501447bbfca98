//! The prefecture's 60 tickets read from a REAL local GLPI 10.0.11 through the proxy's
//! `/source-api` (issue 16) and migrated by `passerelle migrate --from-api` into a fresh real
//! GLPI 10.0.11: the target's tickets, with their actors (logins, group complete names), linked
//! items and whole timelines (followups, tasks, solutions: dates to the second, authors,
//! texts, privacy, durations, technicians, states, request sources), read back from its
//! DATABASE and compared with the source's database find nothing missing or altered (but what
//! the reader counts as not carried). A second run with a new journal writes nothing; undo
//! with the first run's journal brings the ticket tables back to before the run.
//!
//! Instances `srctickets` (8108, the prefecture dump) and `tgttickets` (8109, fresh): no other
//! suite uses them.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Instant;

use real_glpi::migration::{fingerprint_changes, CliRun};
use real_glpi::suite::once;
use real_glpi::tickets::{differences_between, fingerprint, read_tickets, ticket_tables, DbTicket};
use real_glpi::two_glpis::TwoGlpis;
use real_glpi::Instance;

const SOURCE: Instance = Instance::new("srctickets", 8108);
const TARGET: Instance = Instance::new("tgttickets", 8109);

struct Outcome {
    dry: CliRun,
    first: CliRun,
    second: CliRun,
    writes_of_second_run: Vec<String>,
    source: BTreeMap<String, DbTicket>,
    target: BTreeMap<String, DbTicket>,
    undo: CliRun,
    /// `(itemtype, key, message)` of every object the undo could not remove.
    undo_failures: Vec<(String, String, String)>,
    tables_before: Vec<(String, String)>,
    tables_after_undo: Vec<(String, String)>,
}

fn outcome() -> &'static Outcome {
    static OUTCOME: OnceLock<Result<Outcome, String>> = OnceLock::new();
    once(&OUTCOME, migrate)
}

fn migrate() -> real_glpi::Result<Outcome> {
    let started = Instant::now();
    let mut glpis = TwoGlpis::up(SOURCE, TARGET, "from-api-tickets")?;
    // The target session on the prefecture's entity, its parent mapped onto the root.
    glpis.session_entity = glpis.entity;
    let (source, target, dir) = (&glpis.source, &glpis.target, &glpis.dir);
    let args = |journal: &str, extra: &[&str]| {
        let mut v = vec!["--map-entity", "Root Entity=0"];
        v.extend(extra);
        glpis.args(&dir.join(journal), &v)
    };
    let cli = |args: Vec<String>| glpis.run_args(&args);
    let tables_before = ticket_tables(target)?;
    let dry = cli(args("dry.jsonl", &["--dry-run"]))?;
    eprintln!(
        "[from_api_tickets] dry run: exit {}\n{}",
        dry.code, dry.stdout
    );
    let first = cli(args("first.jsonl", &["--verify"]))?;
    eprintln!(
        "[from_api_tickets] first run: exit {} in {:?}\n{}\n{}",
        first.code, first.elapsed, first.stdout, first.stderr
    );
    let source_tickets = read_tickets(source)?;
    let target_tickets = read_tickets(target)?;
    let before = fingerprint(target)?;
    let second = cli(args("second.jsonl", &["--verify"]))?;
    eprintln!(
        "[from_api_tickets] second run (new journal): exit {} in {:?}\n{}\n{}",
        second.code, second.elapsed, second.stdout, second.stderr
    );
    let after = fingerprint(target)?;
    let writes_of_second_run = fingerprint_changes(&before, &after);
    // Undo reads nothing of the local GLPI: the journal says what was created.
    let undo = cli(glpis.target_args(
        &dir.join("first.jsonl"),
        &["--map-entity", "Root Entity=0", "--undo"],
    ))?;
    eprintln!(
        "[from_api_tickets] undo: exit {} in {:?}\n{}\n{}",
        undo.code, undo.elapsed, undo.stdout, undo.stderr
    );
    let tables_after_undo = ticket_tables(target)?;
    let journal = dir.join("first.jsonl");
    let text = std::fs::read_to_string(&journal)
        .map_err(|e| real_glpi::RealGlpiError::Io(journal.display().to_string(), e))?;
    let undo_failures = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "undone" && e["ok"] == false)
        .map(|e| {
            let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
            (
                s(&e["object"]["itemtype"]),
                s(&e["object"]["key"]),
                s(&e["message"]),
            )
        })
        .collect();
    eprintln!(
        "[from_api_tickets] whole test body in {:?}",
        started.elapsed()
    );
    Ok(Outcome {
        dry,
        first,
        second,
        writes_of_second_run,
        source: source_tickets,
        target: target_tickets,
        undo,
        undo_failures,
        tables_before,
        tables_after_undo,
    })
}

/// The first run reads the local GLPI and moves its 60 tickets: each with its fields, actors,
/// linked items and whole timeline, as the source database holds them.
#[test]
fn the_60_tickets_arrive_with_their_actors_items_and_timelines() {
    let o = outcome();
    assert_eq!(
        o.first.code, 0,
        "first run: {}\n{}",
        o.first.stdout, o.first.stderr
    );
    assert_eq!(o.source.len(), 60, "the prefecture dump holds 60 tickets");
    let entries: usize = o.source.values().map(|t| t.timeline.len()).sum();
    assert_eq!(
        entries,
        48 + 62 + 46,
        "followups, tasks and solutions in the source"
    );
    let differences = differences_between(&o.source, &o.target);
    assert!(
        differences.is_empty(),
        "{} differences between the source's tickets and the target's:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// The dry run says, per type, what the local GLPI holds and what will not be carried, and why.
#[test]
fn the_dry_run_counts_what_the_tickets_cannot_carry() {
    let o = outcome();
    assert_eq!(o.dry.code, 0, "dry run: {}\n{}", o.dry.stdout, o.dry.stderr);
    let line = |itemtype: &str| {
        o.dry
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{itemtype}:")))
            .unwrap_or_else(|| panic!("no {itemtype} line in:\n{}", o.dry.stdout))
            .to_string()
    };
    let tickets = line("Ticket");
    assert!(tickets.contains("60 lus"), "{tickets}");
    // The writer, the take-into-account date and the wait are carried (from_api_coverage
    // compares them); the prefecture's tickets have no time to own or to resolve.
    assert!(!tickets.contains("non transférés"), "{tickets}");
    assert!(line("ITILFollowup").contains("48 lus"));
    assert!(line("TicketTask").contains("62 lus"));
    let solutions = line("ITILSolution");
    assert!(solutions.contains("46 lus"), "{solutions}");
    // Their approval dates are carried; no approver is recorded.
    assert!(!solutions.contains("non transférés"), "{solutions}");
}

/// The same migration again, with a new journal, finds everything in place and writes nothing.
#[test]
fn a_second_run_writes_nothing() {
    let o = outcome();
    assert_eq!(
        o.second.code, 0,
        "second run with --verify: {}\n{}",
        o.second.stdout, o.second.stderr
    );
    assert!(
        o.writes_of_second_run.is_empty(),
        "the second run wrote (count / max id / max date_mod):\n{}\n{}",
        o.writes_of_second_run.join("\n"),
        o.second.stdout
    );
}

/// `--undo` with the first run's journal removes every ticket it created with its actors,
/// links, followups, tasks and solutions: the ticket tables are as before the run.
#[test]
fn undo_brings_the_ticket_tables_back_to_before_the_run() {
    let o = outcome();
    let ticket_family = [
        "Ticket",
        "Ticket_User",
        "Group_Ticket",
        "Item_Ticket",
        "ITILFollowup",
        "TicketTask",
        "ITILSolution",
        "ITILCategory",
        "RequestType",
    ];
    let failed: Vec<String> = o
        .undo_failures
        .iter()
        .filter(|(itemtype, _, _)| ticket_family.contains(&itemtype.as_str()))
        .map(|f| format!("{f:?}"))
        .collect();
    assert!(
        failed.is_empty(),
        "undo failed on:\n{}\n{}",
        failed.join("\n"),
        o.undo.stdout
    );
    if !o.undo_failures.is_empty() {
        // Other families' undo is their suites' to prove (tests/real-glpi/tests/from_api.rs).
        eprintln!("undo failures outside the tickets: {:?}", o.undo_failures);
    }
    let changed: Vec<String> = o
        .tables_before
        .iter()
        .zip(&o.tables_after_undo)
        .filter(|(b, a)| b != a)
        .map(|(b, a)| format!("{}: before {}, after undo {}", b.0, b.1, a.1))
        .collect();
    assert!(changed.is_empty(), "{}", changed.join("\n"));
}
