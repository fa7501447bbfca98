//! Documents read from the local GLPI (issue 16): two real GLPI 10.0.11, the source loaded with
//! the prefecture's database (port 8114), the target fresh (port 8115), the real proxy in front of
//! both. The dump holds no document, so two are added to the source first through its own API
//! (never through Passerelle): a PDF on a computer and a text file on a ticket. The real
//! `passerelle migrate --from-api` then carries them: on the target the same sha1sum, file name
//! and MIME type, the stored file's bytes equal to the source's, linked to the migrated items
//! (found by their names); a second run writes nothing; undo leaves no document row or file.

use std::path::PathBuf;
use std::sync::OnceLock;

use real_glpi::migration::{fingerprint_changes, tables_fingerprint, CliRun};
use real_glpi::suite::once;
use real_glpi::two_glpis::{add_document, api_call, TwoGlpis, SOURCE_ENTITY};
use real_glpi::{Instance, RealGlpi};

const SOURCE: Instance = Instance::new("docs-source", 8114);
const TARGET: Instance = Instance::new("docs-target", 8115);

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const TEXT: &[u8] = "Relevé de l'intervention : écran remplacé.\n".as_bytes();

/// A document as stored: sha1sum, file name, MIME type, the stored file's bytes, and the items
/// it is linked to by natural key (`Computer name/serial`, `Ticket name`), sorted.
type Stored = (String, String, String, Vec<u8>, Vec<String>);

struct Outcome {
    first: CliRun,
    source_docs: Vec<Stored>,
    target_docs: Vec<Stored>,
    second: CliRun,
    second_writes: Vec<String>,
    undo: CliRun,
    rows_after_undo: u64,
    files_after_undo: Vec<PathBuf>,
}

fn outcome() -> &'static Outcome {
    static OUTCOME: OnceLock<Result<Outcome, String>> = OnceLock::new();
    once(&OUTCOME, scenario)
}

/// Every document of `glpi` as stored, with its file read under GLPI's files directory.
fn stored(glpi: &RealGlpi) -> real_glpi::Result<Vec<Stored>> {
    let mut out = Vec::new();
    for row in glpi.query("SELECT id, sha1sum, filename, mime, filepath FROM glpi_documents")? {
        let cell = |i: usize| row[i].clone().unwrap_or_default();
        let bytes =
            std::fs::read(glpi.instance.dir().join("files").join(cell(4))).unwrap_or_default();
        let mut items: Vec<String> = glpi
            .query(&format!(
                "SELECT di.itemtype, COALESCE(c.name, t.name), COALESCE(c.serial, t.date, '') \
                 FROM glpi_documents_items di \
                 LEFT JOIN glpi_computers c ON di.itemtype = 'Computer' AND c.id = di.items_id \
                 LEFT JOIN glpi_tickets t ON di.itemtype = 'Ticket' AND t.id = di.items_id \
                 WHERE di.documents_id = {}",
                cell(0)
            ))?
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(Option::unwrap_or_default)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        items.sort();
        out.push((cell(1), cell(2), cell(3), bytes, items));
    }
    out.sort();
    Ok(out)
}

fn scenario() -> real_glpi::Result<Outcome> {
    let glpis = TwoGlpis::up(SOURCE, TARGET, "from-api-documents")?;
    let (source, target, dir) = (&glpis.source, &glpis.target, &glpis.dir);

    let session = api_call(source, None, &[&format!("{}/initSession", source.api_url)])?;
    let session = session["session_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let first_of = |sql: &str| -> real_glpi::Result<String> {
        Ok(source
            .query(sql)?
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next().flatten())
            .unwrap_or_default())
    };
    let computer = first_of(&format!(
        "SELECT id FROM glpi_computers WHERE entities_id = {SOURCE_ENTITY} AND is_deleted = 0 \
         AND is_template = 0 ORDER BY id LIMIT 1"
    ))?;
    let ticket = first_of(&format!(
        // Not a closed one: GLPI adds no document to a closed ticket.
        "SELECT id FROM glpi_tickets WHERE entities_id = {SOURCE_ENTITY} AND is_deleted = 0 \
         AND status < 5 ORDER BY id LIMIT 1"
    ))?;
    add_document(
        source,
        &session,
        dir,
        "facture.pdf",
        PDF,
        "Computer",
        &computer,
    )?;
    add_document(source, &session, dir, "releve.txt", TEXT, "Ticket", &ticket)?;
    let source_docs = stored(source)?;

    let run = |journal: &PathBuf, extra: &[&str]| glpis.run(journal, extra);
    let tables = ["glpi_documents", "glpi_documents_items"];
    let journal = dir.join("first.jsonl");
    let first = run(&journal, &[])?;
    eprintln!(
        "[documents] first run: exit {}\n{}\n{}",
        first.code, first.stdout, first.stderr
    );
    let target_docs = stored(target)?;
    let paths: Vec<PathBuf> = target
        .query("SELECT filepath FROM glpi_documents")?
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .map(|p| target.instance.dir().join("files").join(p))
        .collect();

    let before = tables_fingerprint(&target.instance.db_name(), &tables)?;
    let second = run(&dir.join("second.jsonl"), &[])?;
    eprintln!(
        "[documents] second run: exit {}\n{}",
        second.code, second.stdout
    );
    let second_writes = fingerprint_changes(
        &before,
        &tables_fingerprint(&target.instance.db_name(), &tables)?,
    );

    let undo = run(&journal, &["--undo"])?;
    eprintln!(
        "[documents] undo: exit {}\n{}{}",
        undo.code, undo.stdout, undo.stderr
    );
    let rows_after_undo = target.count("SELECT COUNT(*) FROM glpi_documents")?
        + target.count("SELECT COUNT(*) FROM glpi_documents_items")?;
    let files_after_undo = paths.into_iter().filter(|p| p.exists()).collect();
    Ok(Outcome {
        first,
        source_docs,
        target_docs,
        second,
        second_writes,
        undo,
        rows_after_undo,
        files_after_undo,
    })
}

#[test]
fn the_documents_arrive_with_their_files_and_links() {
    let o = outcome();
    assert_eq!(o.first.code, 0, "{}\n{}", o.first.stdout, o.first.stderr);
    assert_eq!(o.source_docs.len(), 2, "the source documents were not made");
    for d in &o.source_docs {
        assert!(!d.3.is_empty() && d.4.len() == 1, "source document {d:?}");
    }
    assert_eq!(o.target_docs, o.source_docs);
}

#[test]
fn a_second_run_writes_no_document() {
    let o = outcome();
    assert_eq!(o.second.code, 0, "{}\n{}", o.second.stdout, o.second.stderr);
    assert!(o.second_writes.is_empty(), "{:?}", o.second_writes);
}

#[test]
fn undo_leaves_no_document_row_or_file() {
    let o = outcome();
    assert_eq!(o.undo.code, 0, "{}\n{}", o.undo.stdout, o.undo.stderr);
    assert_eq!(o.rows_after_undo, 0);
    assert!(o.files_after_undo.is_empty(), "{:?}", o.files_after_undo);
}
