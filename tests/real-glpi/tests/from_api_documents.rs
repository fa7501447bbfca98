//! Documents read from the local GLPI (issue 16): two real GLPI 10.0.11, the source loaded with
//! the prefecture's database (port 8114), the target fresh (port 8115), the real proxy in front of
//! both. The dump holds no document, so two are added to the source first (never through
//! Passerelle): a PDF of category "Factures" on a CLOSED ticket (linked in the database, as a
//! prefecture's link made before the ticket was closed: GLPI's API refuses a document on a
//! closed ticket) and a text on a computer. The real `passerelle migrate --from-api` then:
//! - in a dry-run, lists the documents and their links per type, and writes nothing;
//! - killed while the documents are sent (their create's intent journaled), then resumed:
//!   on the target the same sha1sum, file name, MIME type, category, the stored file's bytes
//!   equal to the source's, linked to the same items (the closed ticket's included), nothing
//!   twice, and the oracle finds no difference for documents and their links;
//! - run again with a new journal and `--verify`: nothing written, verified clean;
//! - `--verify` reports a document whose sha1sum was changed on the target;
//! - undo leaves no document row or file.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use real_glpi::documents::{add_closed_ticket_and_computer_documents, stored, Stored};
use real_glpi::migration::{fingerprint_changes, tables_fingerprint, CliRun};
use real_glpi::suite::once;
use real_glpi::two_glpis::{journal_events, TwoGlpis, SOURCE_ENTITY};
use real_glpi::{Instance, RealGlpiError};

const SOURCE: Instance = Instance::new("docs-source", 8114);
const TARGET: Instance = Instance::new("docs-target", 8115);

/// The tables a document's carrying writes.
const TABLES: [&str; 3] = [
    "glpi_documents",
    "glpi_documents_items",
    "glpi_documentcategories",
];

struct Outcome {
    source_docs: Vec<Stored>,
    dry: CliRun,
    dry_writes: Vec<String>,
    resumed: CliRun,
    target_docs: Vec<Stored>,
    /// The status of each target ticket a document is linked to, after the resume.
    linked_ticket_statuses: Vec<String>,
    differences: Vec<String>,
    second: CliRun,
    second_writes: Vec<String>,
    altered: CliRun,
    undo: CliRun,
    rows_after_undo: u64,
    files_after_undo: Vec<PathBuf>,
}

fn outcome() -> &'static Outcome {
    static OUTCOME: OnceLock<Result<Outcome, String>> = OnceLock::new();
    once(&OUTCOME, scenario)
}

fn scenario() -> real_glpi::Result<Outcome> {
    let glpis = TwoGlpis::up(SOURCE, TARGET, "from-api-documents")?;
    let (source, target, dir) = (&glpis.source, &glpis.target, &glpis.dir);
    add_closed_ticket_and_computer_documents(source, SOURCE_ENTITY, dir)?;
    let source_docs = stored(source)?;
    let fingerprint = || tables_fingerprint(&glpis.target_db(), &TABLES);

    // 1. The dry-run.
    let before = fingerprint()?;
    let dry = glpis.run(&dir.join("dry.jsonl"), &["--dry-run"])?;
    eprintln!("[documents] dry-run: exit {}\n{}", dry.code, dry.stdout);
    let dry_writes = fingerprint_changes(&before, &fingerprint()?);

    // 2. Killed once the documents' create is journaled (its upload on its way), then resumed.
    let journal = dir.join("first.jsonl");
    let mut child = glpis
        .command(&journal, &[])?
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| RealGlpiError::Io("passerelle".into(), e))?;
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        if journal_events(&journal).iter().any(|e| {
            e["event"] == "intent" && e["action"] == "create" && e["itemtype"] == "Document"
        }) {
            // SIGKILL, as a crash.
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(RealGlpiError::Harness(format!(
                "the run ended ({status}) before the documents were sent"
            )));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err(RealGlpiError::Harness("no documents sent".into()));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let resumed = glpis.run(&journal, &["--resume"])?;
    eprintln!(
        "[documents] resumed: exit {}\n{}\n{}",
        resumed.code, resumed.stdout, resumed.stderr
    );
    let target_docs = stored(target)?;
    let linked_ticket_statuses = target
        .query(
            "SELECT t.status FROM glpi_documents_items di \
             JOIN glpi_tickets t ON t.id = di.items_id WHERE di.itemtype = 'Ticket'",
        )?
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    let differences = glpis
        .differences()?
        .into_iter()
        .filter(|d| d.contains("Document"))
        .collect();
    let paths: Vec<PathBuf> = target
        .query("SELECT filepath FROM glpi_documents")?
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .map(|p| target.instance.dir().join("files").join(p))
        .collect();

    // 3. The same migration again, with a new journal, verified.
    let before = fingerprint()?;
    let second = glpis.run(&dir.join("second.jsonl"), &["--verify"])?;
    eprintln!(
        "[documents] second run: exit {}\n{}",
        second.code, second.stdout
    );
    let second_writes = fingerprint_changes(&before, &fingerprint()?);

    // 4. A document altered on the target (its file's sha1sum), then verified; put back after.
    let sha1 = |sql: &str| -> real_glpi::Result<String> {
        Ok(target
            .query(sql)?
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next().flatten())
            .unwrap_or_default())
    };
    let kept = sha1("SELECT sha1sum FROM glpi_documents WHERE filename = 'facture.pdf'")?;
    target.query(&format!(
        "UPDATE glpi_documents SET sha1sum = '{}' WHERE filename = 'facture.pdf'",
        "0".repeat(40)
    ))?;
    let altered = glpis.run(&journal, &["--verify"])?;
    eprintln!(
        "[documents] verify of an altered document: exit {}\n{}",
        altered.code, altered.stdout
    );
    target.query(&format!(
        "UPDATE glpi_documents SET sha1sum = '{kept}' WHERE filename = 'facture.pdf'"
    ))?;

    // 5. Undo.
    let undo = glpis.run(&journal, &["--undo"])?;
    eprintln!(
        "[documents] undo: exit {}\n{}{}",
        undo.code, undo.stdout, undo.stderr
    );
    let rows_after_undo = target.count("SELECT COUNT(*) FROM glpi_documents")?
        + target.count("SELECT COUNT(*) FROM glpi_documents_items")?
        + target.count("SELECT COUNT(*) FROM glpi_documentcategories")?;
    let files_after_undo = paths.into_iter().filter(|p| p.exists()).collect();
    Ok(Outcome {
        source_docs,
        dry,
        dry_writes,
        resumed,
        target_docs,
        linked_ticket_statuses,
        differences,
        second,
        second_writes,
        altered,
        undo,
        rows_after_undo,
        files_after_undo,
    })
}

/// The plan's line of `itemtype` in a run's output (`  Document: 2 à créer`).
fn plan_line<'a>(run: &'a CliRun, itemtype: &str) -> &'a str {
    run.stdout
        .lines()
        .skip_while(|l| !l.starts_with("plan :"))
        .find(|l| l.starts_with(&format!("  {itemtype}: ")))
        .unwrap_or_default()
}

#[test]
fn the_dry_run_lists_the_documents_and_writes_nothing() {
    let o = outcome();
    assert_eq!(o.dry.code, 0, "{}\n{}", o.dry.stdout, o.dry.stderr);
    assert_eq!(plan_line(&o.dry, "Document"), "  Document: 2 à créer");
    assert_eq!(
        plan_line(&o.dry, "Document_Item"),
        "  Document_Item: 2 à créer"
    );
    assert_eq!(
        plan_line(&o.dry, "DocumentCategory"),
        "  DocumentCategory: 1 à créer"
    );
    assert!(
        o.dry.stdout.contains("  Document: 2 lus"),
        "what the local GLPI holds: {}",
        o.dry.stdout
    );
    assert!(o.dry_writes.is_empty(), "{:?}", o.dry_writes);
}

#[test]
fn a_closed_tickets_document_arrives_linked_after_a_kill_and_resume() {
    let o = outcome();
    assert_eq!(
        o.resumed.code, 0,
        "{}\n{}",
        o.resumed.stdout, o.resumed.stderr
    );
    assert_eq!(o.source_docs.len(), 2, "the source documents were not made");
    let on_ticket = o
        .source_docs
        .iter()
        .find(|d| d.1 == "facture.pdf")
        .expect("the PDF");
    assert_eq!(on_ticket.3, "Factures");
    assert!(
        on_ticket.5.len() == 1 && on_ticket.5[0].starts_with("Ticket "),
        "{on_ticket:?}"
    );
    // The same rows, files and links: nothing twice, nothing lost to the closing.
    assert_eq!(o.target_docs, o.source_docs);
    // Linked, and closed all the same (status 6): the link came before the closing.
    assert_eq!(o.linked_ticket_statuses, vec!["6".to_string()]);
    assert!(o.differences.is_empty(), "{:#?}", o.differences);
}

#[test]
fn a_second_run_writes_no_document_and_verifies_clean() {
    let o = outcome();
    assert_eq!(o.second.code, 0, "{}\n{}", o.second.stdout, o.second.stderr);
    assert!(o.second_writes.is_empty(), "{:?}", o.second_writes);
    assert_eq!(
        plan_line(&o.second, "Document"),
        "  Document: 2 déjà présent"
    );
}

#[test]
fn verify_reports_a_document_altered_on_the_target() {
    let o = outcome();
    assert_ne!(o.altered.code, 0, "{}", o.altered.stdout);
    assert!(
        o.altered
            .stdout
            .lines()
            .any(|l| l.starts_with("différence Document") && l.contains("sha1sum")),
        "{}",
        o.altered.stdout
    );
}

#[test]
fn undo_leaves_no_document_row_or_file() {
    let o = outcome();
    assert_eq!(o.undo.code, 0, "{}\n{}", o.undo.stdout, o.undo.stderr);
    assert_eq!(o.rows_after_undo, 0);
    assert!(o.files_after_undo.is_empty(), "{:?}", o.files_after_undo);
}
