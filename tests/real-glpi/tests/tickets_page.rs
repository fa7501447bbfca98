//! The 60 sample tickets with their whole history migrated into a REAL GLPI 10.0.11 through the
//! PAGE (headless Chromium, the real proxy), as the CLI suite `tickets.rs` does through
//! `passerelle migrate`: the ten sample exports, the fr-history ticket export and the companion
//! timeline file (written from the source database, without the engine) dropped on the check,
//! the homonyms corrected there, the checked files migrated into a target that is noisy as a
//! national GLPI is (notifications on, an active ticket rule, a satisfaction survey). Then the
//! target DATABASE is compared with `timeline.json`; nothing is queued, surveyed or ruled; the
//! page's verification is clean; and a second page with a fresh browser profile (so a journal of
//! its own) migrates the same files again and writes nothing.
//!
//! Instances `tickets-src` (8101, shared with `tickets.rs`: both only read it) and
//! `tickets-page` (8106).

use std::path::PathBuf;

use passerelle_e2e::Browser;
use real_glpi::migration::samples_dir;
use real_glpi::migration::{fingerprint_changes, RunningProxy};
use real_glpi::page::{
    check_files, connect, console, correct, map_entity, open, plan, run_to_end, serve_page,
    use_checked, verify,
};
use real_glpi::suite::{first_lines, Setup, ENTITY};
use real_glpi::tickets::{
    differences_from_truth, fingerprint, history_dir, read_tickets, DbTicket, Noise, TicketSuite,
};
use real_glpi::Instance;

const SOURCE: Instance = Instance::new("tickets-src", 8101);
const TARGET: Instance = Instance::new("tickets-page", 8106);

struct Outcome {
    first: PageRun,
    second: PageRun,
    writes_of_second_run: Vec<String>,
    tickets: std::collections::BTreeMap<String, DbTicket>,
    queued: u64,
    surveys: u64,
    rule_observers: u64,
    noise: Noise,
}

/// What one page run ended with.
struct PageRun {
    phase: String,
    stats: String,
    verify_clean: String,
    plan: String,
    console: String,
}

/// One administrator's whole flow in a fresh browser: check, correct, migrate, run, verify.
async fn page_run(
    proxy: &RunningProxy,
    setup: &Setup,
    files: &[PathBuf],
    corrections: &[String],
) -> PageRun {
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    open(&browser, &proxy.base_url).await;
    connect(&browser, &setup.target.user_token, "10.0.11").await;
    check_files(
        &browser,
        files,
        &["Ticket.csv", "chronologie-tickets.csv", "User.csv"],
    )
    .await;
    for c in corrections {
        let dir = if c.starts_with("Ticket.csv:") {
            history_dir()
        } else {
            samples_dir()
        };
        correct(&browser, &dir, c).await;
    }
    use_checked(&browser, "chronologie-tickets.csv").await;
    plan(&browser).await;
    let mapped = map_entity(&browser, &format!("Root Entity > {ENTITY}"), setup.entity).await;
    assert_eq!(mapped, 1, "the plan lists the exports' entity");
    let plan = plan(&browser).await;
    let (phase, stats) = run_to_end(&browser, "tickets-page").await;
    let verify_clean = if phase == "finished" {
        verify(&browser).await
    } else {
        String::new()
    };
    let console = console(&browser).await;
    let _ = browser.close().await;
    PageRun {
        phase,
        stats,
        verify_clean,
        plan,
        console,
    }
}

async fn migrate() -> Outcome {
    let TicketSuite {
        setup,
        noise,
        files,
        corrections,
        ..
    } = TicketSuite::prepare(SOURCE, TARGET, "tickets-page").unwrap_or_else(|e| panic!("{e}"));
    let proxy = serve_page(&setup.target);

    let first = page_run(&proxy, &setup, &files, &corrections).await;
    let target = &setup.target;
    let tickets = read_tickets(target).unwrap_or_else(|e| panic!("{e}"));
    let count = |sql: &str| target.count(sql).unwrap_or_else(|e| panic!("{e}"));
    let queued = count("SELECT COUNT(*) FROM glpi_queuednotifications");
    let surveys = count("SELECT COUNT(*) FROM glpi_ticketsatisfactions");
    let rule_observers = count(&format!(
        "SELECT COUNT(*) FROM glpi_tickets_users tu JOIN glpi_users u ON u.id = tu.users_id \
         WHERE tu.type = 3 AND u.name = '{}'",
        noise.rule_observer
    ));

    // A second administrator's browser: no journal of the first run, only the target to
    // reconcile with.
    let before = fingerprint(target).unwrap_or_else(|e| panic!("{e}"));
    let second = page_run(&proxy, &setup, &files, &corrections).await;
    let after = fingerprint(target).unwrap_or_else(|e| panic!("{e}"));
    Outcome {
        first,
        second,
        writes_of_second_run: fingerprint_changes(&before, &after),
        tickets,
        queued,
        surveys,
        rule_observers,
        noise,
    }
}

/// The migration runs once for all the tests; when it fails, each test says why instead of
/// running it again.
async fn outcome() -> &'static Outcome {
    static OUTCOME: tokio::sync::OnceCell<Result<Outcome, String>> =
        tokio::sync::OnceCell::const_new();
    let once = OUTCOME
        .get_or_init(|| async {
            tokio::spawn(migrate()).await.map_err(|e| {
                let panic = e.into_panic();
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            })
        })
        .await;
    match once {
        Ok(o) => o,
        Err(e) => panic!("the page migration could not be run: {e}"),
    }
}

fn describe(run: &PageRun) -> String {
    format!(
        "phase {}, counters {:?}, verify clean {:?}, plan {:?}, console {:?}",
        run.phase, run.stats, run.verify_clean, run.plan, run.console
    )
}

/// Every ticket of timeline.json is on the target with its fields, dates, actors, linked items
/// and whole timeline, and the page's own verification agrees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_migrates_every_ticket_and_its_timeline() {
    let o = outcome().await;
    assert_eq!(o.first.phase, "finished", "{}", describe(&o.first));
    assert_eq!(o.first.verify_clean, "true", "{}", describe(&o.first));
    assert_eq!(o.tickets.len(), 60, "tickets on the target");
    let lines = differences_from_truth(&o.tickets);
    assert!(
        lines.is_empty(),
        "{} differences:\n{}",
        lines.len(),
        first_lines(&lines, 80)
    );
}

/// Migrated through the page into a noisy target, no ticket queues a notification, gets a
/// survey or is touched by the active ticket rule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_migration_has_no_side_effect() {
    let o = outcome().await;
    assert!(o.noise.rule > 0, "the target has an active ticket rule");
    assert_eq!(o.queued, 0, "queued notifications");
    assert_eq!(o.surveys, 0, "satisfaction surveys");
    assert_eq!(o.rule_observers, 0, "observers added by the rule");
}

/// A second browser (its own journal) migrating the same files finds everything on the target
/// and writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_page_run_writes_nothing() {
    let o = outcome().await;
    assert_eq!(o.second.phase, "finished", "{}", describe(&o.second));
    assert!(
        o.writes_of_second_run.is_empty(),
        "the second run wrote: {:?}",
        o.writes_of_second_run
    );
    assert_eq!(o.second.verify_clean, "true", "{}", describe(&o.second));
}
