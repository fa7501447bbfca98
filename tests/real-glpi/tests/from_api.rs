//! Reading the local GLPI (issue 16): two real GLPI 10.0.11 side by side, the source loaded
//! with the prefecture's database (port 8099) and a fresh target (port 8104); the real proxy
//! in front of both (`/api` and the read-only `/source-api`); the real `passerelle migrate
//! --from-api` moves the entity "Préfecture de Guyane" of the source into the target's.
//!
//! Then the two databases are compared by the oracle (written from GLPI's schema, never from
//! the engine), every field of every kind it reads: assets with their OS, purchase and
//! warranty, connections, software, versions, installations, users, e-mails, authorizations,
//! groups, memberships, locations. The target session is on the prefecture's entity, as its
//! administrator opens it. A second run with a new journal writes nothing; `--undo`
//! brings the target back to its fresh state; a run killed during its read writes nothing and
//! the next one continues the read from what was kept; a run killed in the middle of its writes
//! and resumed doubles nothing; and the source database is the same before and after all of it.
//!
//! The scenario runs once per test binary; each test asserts one part of its outcome.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use passerelle_engine::migrate::source::NotMigrated;
use real_glpi::migration::{
    assert_second_run_verified, assert_second_run_wrote_nothing, assert_undone_to_fresh,
    fingerprint_changes, write_fingerprint, CliRun,
};
use real_glpi::oracle::Snapshot;
use real_glpi::suite::{first_lines, once};
use real_glpi::two_glpis::{api_call, journal_events, TwoGlpis};
use real_glpi::Instance;

/// The local GLPI (the prefecture's database).
const SOURCE: Instance = Instance::new("from-api-source", 8099);
/// The national GLPI (fresh, with the prefecture's entity).
const TARGET: Instance = Instance::new("from-api", 8104);

struct Outcome {
    /// The first, uninterrupted run.
    first: CliRun,
    /// Source against target after it.
    differences: Vec<String>,
    /// Objects the oracle read on the target after it, per kind.
    target_counts: Vec<(String, usize)>,
    /// Rows the first run added to the target's tables of operating systems and financial
    /// records (the tables GLPI keeps them in, read in its database).
    related_added: Vec<(&'static str, u64)>,
    /// The second run (new journal) and what it changed on the target.
    second: CliRun,
    second_writes: Vec<String>,
    /// The undo of the first run and how the target then differs from its fresh state.
    undo: CliRun,
    undo_left: Vec<String>,
    /// The run killed in the middle, its resume, and source against target after them.
    killed_after_events: usize,
    resumed: CliRun,
    differences_after_resume: Vec<String>,
    /// The run killed during its read: what was kept then, what it wrote (nothing), and the
    /// kept collections the next run read again (none).
    kept_at_kill: Vec<String>,
    writes_of_killed_read: Vec<String>,
    read_again: Vec<String>,
    /// What changed in the source database through all of it.
    source_changes: Vec<String>,
    /// Items per second of the first run (objects journaled / seconds).
    items: usize,
    /// The census's kinds the local GLPI's API does not know, with its answer.
    unknown_kinds: Vec<String>,
    /// The rows of the local GLPI's history table (`glpi_logs`) before the runs.
    history_rows: u64,
}

fn outcome() -> &'static Outcome {
    static OUTCOME: OnceLock<Result<Outcome, String>> = OnceLock::new();
    once(&OUTCOME, scenario)
}

/// The source database as the oracle reads it, plus its write fingerprint, as lines.
fn source_state(db: &str) -> real_glpi::Result<Vec<(String, String)>> {
    let mut state = write_fingerprint(db)?;
    let snapshot = Snapshot::read(db)?;
    for (kind, objects) in &snapshot.kinds {
        state.push((format!("oracle {kind}"), format!("{objects:?}")));
    }
    Ok(state)
}

/// What the command keeps of its read beside the journal (JSON lines, appended as it goes: a
/// `page` line per collection's new rows with where it stands, a last `complete` one): the
/// collections read to their end, and whether the whole read is. A torn last line (the
/// process killed while appending) is not counted.
fn kept_read(path: &std::path::Path) -> (Vec<String>, bool) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut done = std::collections::BTreeSet::new();
    let mut complete = false;
    for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        let Ok(line) = serde_json::from_str::<serde_json::Value>(line) else {
            break;
        };
        if line["page"]["done"] == true {
            if let Some(key) = line["page"]["key"].as_str() {
                done.insert(key.to_string());
            }
        }
        complete |= line["complete"] == true;
    }
    (done.into_iter().collect(), complete)
}

fn scenario() -> real_glpi::Result<Outcome> {
    let started = Instant::now();
    // The target session on the prefecture's entity, as its administrator opens it: the run
    // and its undo must do everything from there (the undo purges nothing GLPI refuses).
    let mut glpis = TwoGlpis::up(SOURCE, TARGET, "from-api")?;
    glpis.session_entity = glpis.entity;
    let glpis = glpis;
    let dir = &glpis.dir;
    let (sdb, tdb) = (glpis.source_db(), glpis.target_db());
    // What the migration does not carry, in the prefecture's entity: two volumes of computers
    // and an approval request on a ticket (the census must tell them).
    let prefecture =
        "(SELECT id FROM glpi_entities WHERE completename = 'Root Entity > Préfecture de Guyane' \
         OR completename LIKE 'Root Entity > Préfecture de Guyane > %')";
    glpis.source.query(&format!(
        "INSERT INTO glpi_items_disks (entities_id, itemtype, items_id, name, mountpoint, totalsize, \
         freesize, date_creation, date_mod) SELECT entities_id, 'Computer', id, 'C:', 'C:', 512000, \
         128000, NOW(), NOW() FROM glpi_computers WHERE entities_id IN {prefecture} AND is_deleted = 0 \
         AND is_template = 0 ORDER BY id LIMIT 2"
    ))?;
    glpis.source.query(&format!(
        "INSERT INTO glpi_ticketvalidations (entities_id, users_id, tickets_id, users_id_validate, \
         comment_submission, status, submission_date) SELECT entities_id, 2, id, 2, \
         'Validation demandée', 2, date FROM glpi_tickets WHERE entities_id IN {prefecture} \
         AND is_deleted = 0 ORDER BY id LIMIT 1"
    ))?;
    // Every kind the census counts is one GLPI's API knows.
    let session = api_call(
        &glpis.source,
        None,
        &[&format!("{}/initSession", glpis.source.api_url)],
    )?;
    let session = session["session_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut unknown_kinds = Vec::new();
    for kind in NotMigrated::ALL {
        let answer = api_call(
            &glpis.source,
            Some(&session),
            &[&format!(
                "{}/{}?range=0-0",
                glpis.source.api_url,
                kind.api_name()
            )],
        )?;
        if answer[0] == "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM" || !answer.is_array() {
            unknown_kinds.push(format!("{}: {answer}", kind.api_name()));
        }
    }
    let history_rows = glpis.source.count("SELECT COUNT(*) FROM glpi_logs")?;
    let source_before = source_state(&sdb)?;
    let fresh = glpis.target_fingerprint()?;
    let related_rows = || -> real_glpi::Result<Vec<(&'static str, u64)>> {
        RELATED_TABLES
            .iter()
            .map(|(itemtype, table)| {
                Ok((
                    *itemtype,
                    glpis
                        .target
                        .count(&format!("SELECT COUNT(*) FROM {table}"))?,
                ))
            })
            .collect()
    };
    let related_before = related_rows()?;
    let run = |journal: &std::path::Path, extra: &[&str]| glpis.run(journal, extra);

    // 1. The whole entity, uninterrupted.
    let first_journal = dir.join("first.jsonl");
    let first = run(&first_journal, &[])?;
    eprintln!(
        "[from_api] first run: exit {} in {:?}\n{}\n{}",
        first.code, first.elapsed, first.stdout, first.stderr
    );
    let items = journal_events(&first_journal)
        .iter()
        .filter(|e| e["event"] == "outcome" || e["event"] == "done")
        .count();
    let differences_first = glpis.differences()?;
    let related_added = related_rows()?
        .into_iter()
        .zip(&related_before)
        .map(|((t, after), (_, before))| (t, after.saturating_sub(*before)))
        .collect();
    let snapshot = Snapshot::read(&tdb)?;
    let target_counts = snapshot
        .kinds
        .keys()
        .map(|k| (k.to_string(), snapshot.count(k)))
        .collect();

    // 2. Again, with a new journal: nothing to write, and its read-back is clean.
    let before = write_fingerprint(&tdb)?;
    let second = run(&dir.join("second.jsonl"), &["--verify"])?;
    eprintln!(
        "[from_api] second run: exit {} in {:?}\n{}",
        second.code, second.elapsed, second.stdout
    );
    let second_writes = fingerprint_changes(&before, &write_fingerprint(&tdb)?);

    // 3. Undo the first run: the target is as fresh.
    let undo = run(&first_journal, &["--undo"])?;
    eprintln!(
        "[from_api] undo: exit {}\n{}{}",
        undo.code, undo.stdout, undo.stderr
    );
    let undo_left = fingerprint_changes(&fresh, &glpis.target_fingerprint()?);

    // 4. Killed during the read of the local GLPI (once part of it is kept beside the journal):
    //    nothing is written, and the next run continues the read from what was kept.
    let journal = dir.join("killed.jsonl");
    let kept = dir.join("killed.jsonl.source.jsonl");
    let mut child = glpis
        .command(&journal, &[])?
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| real_glpi::RealGlpiError::Io("passerelle".into(), e))?;
    let deadline = Instant::now() + Duration::from_secs(120);
    let kept_at_kill: Vec<String> = loop {
        // Killed once a few collections (Entity, Profile, Location, Group, User…) are kept.
        if kept_read(&kept).0.len() >= 5 {
            let _ = child.kill();
            let _ = child.wait();
            // What the file held when the process died (it may have kept more meanwhile).
            let (done, complete) = kept_read(&kept);
            break if complete { Vec::new() } else { done };
        }
        if Instant::now() > deadline || matches!(child.try_wait(), Ok(Some(_))) {
            let _ = child.kill();
            return Err(real_glpi::RealGlpiError::Harness(
                "the read was never kept beside the journal".into(),
            ));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let writes_of_killed_read = fingerprint_changes(&fresh, &glpis.target_fingerprint()?);
    eprintln!("[from_api] killed during the read; kept: {kept_at_kill:?}");

    // 5. Continued, and killed in the middle of the writes (the first bulk create of computers
    //    in flight), then resumed.
    let continued_log = dir.join("continued.stderr");
    let log_file = std::fs::File::create(&continued_log)
        .map_err(|e| real_glpi::RealGlpiError::Io(continued_log.display().to_string(), e))?;
    let mut child = glpis
        .command(&journal, &[])?
        .stdout(std::process::Stdio::null())
        .stderr(log_file)
        .spawn()
        .map_err(|e| real_glpi::RealGlpiError::Io("passerelle".into(), e))?;
    let deadline = Instant::now() + Duration::from_secs(600);
    let killed_after_events = loop {
        let all = journal_events(&journal);
        if all.iter().any(|e| {
            e["event"] == "intent" && e["action"] == "create" && e["itemtype"] == "Computer"
        }) {
            // SIGKILL, as a crash.
            let _ = child.kill();
            let _ = child.wait();
            break all.len();
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(real_glpi::RealGlpiError::Harness(format!(
                "the run ended ({status}) before the kill point"
            )));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err(real_glpi::RealGlpiError::Harness("no kill point".into()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let continued = std::fs::read_to_string(&continued_log).unwrap_or_default();
    // The collections kept before the first kill were not read again. Each collection here is
    // one page (under 1,000 rows), so each prints one progress line ("GLPI local : TYPE n/t");
    // a type read as ids and with names has two, as the first run shows.
    let lines = |log: &str, itemtype: &str| {
        log.lines()
            .filter(|l| l.starts_with(&format!("GLPI local : {itemtype} ")) && l.contains(" lus"))
            .count()
    };
    let mut read_again: Vec<String> = kept_at_kill
        .iter()
        .map(|key| key.trim_end_matches("+names").to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|itemtype| {
            let kept = kept_at_kill
                .iter()
                .filter(|k| k.trim_end_matches("+names") == itemtype)
                .count();
            lines(&continued, itemtype) + kept > lines(&first.stderr, itemtype)
        })
        .collect();
    // And it did read the rest (one of the last collections, never kept that early).
    if lines(&continued, "Item_SoftwareVersion") != 1 {
        read_again.push(format!("the continued run's read:\n{continued}"));
    }
    // GLPI finishes the request the killed command left in flight.
    std::thread::sleep(Duration::from_secs(3));
    let resumed = run(&journal, &["--resume"])?;
    eprintln!(
        "[from_api] killed after {killed_after_events} events; resumed: exit {} in {:?}\n{}\n{}",
        resumed.code, resumed.elapsed, resumed.stdout, resumed.stderr
    );
    let differences_after_resume = glpis.differences()?;

    let source_changes = fingerprint_changes(&source_before, &source_state(&sdb)?);
    // The read alone, as the command prints it ("GLPI local : lu en 2.7 s").
    let read_seconds = first
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("GLPI local : lu en "))
        .and_then(|l| l.split(' ').next())
        .unwrap_or("?")
        .to_string();
    eprintln!(
        "[from_api] BENCH whole entity through the proxy: {items} objects in {:.1} s = {:.0} items/s (read {read_seconds} s + plan + write); scenario {:.0} s",
        first.elapsed.as_secs_f64(),
        items as f64 / first.elapsed.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(Outcome {
        first,
        differences: differences_first,
        target_counts,
        related_added,
        second,
        second_writes,
        undo,
        undo_left,
        killed_after_events,
        kept_at_kill,
        writes_of_killed_read,
        read_again,
        resumed,
        differences_after_resume,
        source_changes,
        items,
        unknown_kinds,
        history_rows,
    })
}

/// The command read the local GLPI and migrated the entity: every kind arrived.
#[test]
fn the_whole_entity_is_read_and_migrated() {
    let o = outcome();
    assert_eq!(
        o.first.code, 0,
        "first run: {}\n{}",
        o.first.stdout, o.first.stderr
    );
    assert!(
        o.first.stderr.contains("GLPI local : Computer 120/120"),
        "{}",
        o.first.stderr
    );
    for (kind, n) in [
        ("Computer", 120),
        ("Monitor", 40),
        ("Installation", 559),
        ("Connection", 41),
        ("UserEmail", 42),
        ("GroupMembership", 13),
        ("Location", 8),
    ] {
        let found = o.target_counts.iter().find(|(k, _)| k == kind).map(|c| c.1);
        assert_eq!(found, Some(n), "{kind} on the target");
    }
    assert!(o.items > 0);
}

/// The types counted with the assets, and the target's table of each.
const RELATED_TABLES: [(&str, &str); 2] = [
    ("Item_OperatingSystem", "glpi_items_operatingsystems"),
    ("Infocom", "glpi_infocoms"),
];

/// Nothing read disappears unsaid: for the operating systems and financial records, what the
/// command counts as read less what it names as not carried is what arrived in the target's
/// tables, row for row.
#[test]
fn every_operating_system_and_financial_record_read_arrived_or_is_named() {
    let o = outcome();
    for (itemtype, added) in &o.related_added {
        let prefix = format!("  {itemtype}: ");
        let line = o
            .first
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .unwrap_or_else(|| panic!("no count for {itemtype} in:\n{}", o.first.stdout));
        // "12 lus, 1 non transférés (dans la corbeille), …"
        let numbers: Vec<u64> = line
            .split(", ")
            .filter_map(|part| part.split(' ').next()?.parse().ok())
            .collect();
        let (read, not_carried) = numbers.split_first().expect("a count read");
        assert!(*read > 0, "{itemtype}: {line}");
        assert_eq!(
            read - not_carried.iter().sum::<u64>(),
            *added,
            "{itemtype}: the command counted {line:?}; the target's table gained {added}"
        );
    }
}

/// The target holds what the source holds, every field the oracle reads, nothing more.
#[test]
fn the_target_holds_exactly_what_the_source_entity_holds() {
    let d = &outcome().differences;
    assert!(
        d.is_empty(),
        "{} differences:\n{}",
        d.len(),
        first_lines(d, 80)
    );
}

/// Again with a new journal: nothing written, and `--verify` finds everything in place.
#[test]
fn a_second_run_writes_nothing_and_verifies_clean() {
    let o = outcome();
    assert_second_run_verified(&o.second);
    assert_second_run_wrote_nothing(&o.second_writes, &o.second);
}

/// `--undo` with the first run's journal, from the same session on the prefecture's entity,
/// empties the target back to its fresh state: GLPI refuses none of its purges.
#[test]
fn undo_brings_the_target_back_to_fresh() {
    let o = outcome();
    assert_undone_to_fresh(&o.undo, &o.undo_left);
}

/// Killed inside the first bulk create of computers, then `--resume`: nothing doubled,
/// nothing missing.
#[test]
fn a_killed_run_resumed_doubles_nothing() {
    let o = outcome();
    assert!(o.killed_after_events > 0);
    assert_eq!(
        o.resumed.code, 0,
        "{}\n{}",
        o.resumed.stdout, o.resumed.stderr
    );
    let d = &o.differences_after_resume;
    assert!(
        d.is_empty(),
        "{} differences:\n{}",
        d.len(),
        first_lines(d, 80)
    );
}

/// Killed during the read: nothing written; the next run reads only what was not kept.
#[test]
fn a_run_killed_during_the_read_writes_nothing_and_continues_the_read() {
    let o = outcome();
    assert!(
        !o.kept_at_kill.is_empty(),
        "the kill came before any collection was kept, or after the whole read"
    );
    assert!(
        o.writes_of_killed_read.is_empty(),
        "{:?}",
        o.writes_of_killed_read
    );
    assert!(o.read_again.is_empty(), "read again: {:?}", o.read_again);
}

/// What the migration does not carry is told after the read, counted as the session sees it
/// (the two volumes and the approval request added to the prefecture's entity, the whole history
/// table), and every kind the census counts is one GLPI's API knows.
#[test]
fn what_is_not_migrated_is_counted_and_told() {
    let o = outcome();
    let out = &o.first.stdout;
    assert!(
        out.contains("Non migré par Passerelle (reste dans le GLPI local) :\n"),
        "{out}"
    );
    assert!(out.contains("\n  Validations de tickets : 1\n"), "{out}");
    assert!(out.contains("\n  Volumes : 2\n"), "{out}");
    assert!(o.history_rows > 0);
    let history = format!("\n  Lignes d'historique des objets : {}\n", o.history_rows);
    assert!(out.contains(&history), "{history:?} in {out}");
    assert!(!out.contains("non compté"), "{out}");
    assert!(o.unknown_kinds.is_empty(), "{:?}", o.unknown_kinds);
}

/// Nothing of it changed the source database.
#[test]
fn the_source_database_is_unchanged() {
    let c = &outcome().source_changes;
    assert!(c.is_empty(), "the source changed:\n{}", first_lines(c, 40));
}
