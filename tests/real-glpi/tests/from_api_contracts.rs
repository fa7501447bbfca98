//! Suppliers and contracts read from the local GLPI (issue 16): two real GLPI 10.0.11 side by
//! side, the source loaded with the prefecture's database (port 8118) and a fresh target (port
//! 8119), the real proxy in front of both, the real `passerelle migrate --from-api`.
//!
//! Before the read, the source gains through SQL (GLPI's own tables): a contract type, a
//! contract supplied by UGAP covering two computers of the prefecture, a second contract with
//! its begin date, duration, notice, periodicity, billing, renewal and accounting number, and
//! a supplier assigned to a ticket of the prefecture; and a contract in the trash, which GLPI's
//! API does not even list (`is_deleted` defaults to false) and which must not arrive. After the migration the oracle (written
//! from GLPI's schema) finds nothing missing or altered: suppliers with every field, contracts,
//! the items they cover, their suppliers and the ticket's supplier, nor for the other kinds.
//! A second run writes nothing and `--verify` is clean; `--undo` leaves the target as fresh.

use std::sync::OnceLock;

use real_glpi::migration::{
    assert_second_run_verified, assert_second_run_wrote_nothing, assert_undone_to_fresh,
    fingerprint_changes, write_fingerprint, CliRun,
};
use real_glpi::oracle::Snapshot;
use real_glpi::suite::{first_lines, once};
use real_glpi::two_glpis::TwoGlpis;
use real_glpi::{Instance, RealGlpi};

/// The local GLPI (the prefecture's database).
const SOURCE: Instance = Instance::new("from-api-contracts-source", 8118);
/// The national GLPI (fresh, with the prefecture's entity).
const TARGET: Instance = Instance::new("from-api-contracts", 8119);
/// The kinds this suite adds to the source.
const KINDS: [&str; 5] = [
    "Supplier",
    "Contract",
    "Contract_Item",
    "Contract_Supplier",
    "Supplier_Ticket",
];

struct Outcome {
    first: CliRun,
    /// Source against target after the first run.
    differences: Vec<String>,
    /// Per kind of [`KINDS`]: objects in the source, on the target after the first run.
    counts: Vec<(String, usize, usize)>,
    /// The contract with its terms, as the target's database holds it.
    terms: Vec<Vec<Option<String>>>,
    second: CliRun,
    second_writes: Vec<String>,
    undo: CliRun,
    undo_left: Vec<String>,
}

fn outcome() -> &'static Outcome {
    static OUTCOME: OnceLock<Result<Outcome, String>> = OnceLock::new();
    once(&OUTCOME, scenario)
}

/// What the source gains before it is read, in GLPI's own tables.
fn add_contracts(source: &RealGlpi) -> real_glpi::Result<()> {
    let computers = source.query(
        "SELECT id FROM glpi_computers WHERE entities_id = 1 AND is_deleted = 0 \
         AND is_template = 0 ORDER BY id LIMIT 2",
    )?;
    let ticket = source.query(
        "SELECT id FROM glpi_tickets WHERE entities_id = 1 AND is_deleted = 0 ORDER BY id LIMIT 1",
    )?;
    let id = |rows: &[Vec<Option<String>>], i: usize| {
        rows.get(i)
            .and_then(|r| r.first().cloned().flatten())
            .ok_or_else(|| real_glpi::RealGlpiError::Harness("no row to link".into()))
    };
    let (c1, c2, t) = (id(&computers, 0)?, id(&computers, 1)?, id(&ticket, 0)?);
    source.query(&format!(
        "INSERT INTO glpi_contracttypes (id, name, date_creation) VALUES \
           (1, 'Maintenance', NOW()), (2, 'Abonnement', NOW()); \
         INSERT INTO glpi_contracts (id, entities_id, is_recursive, name, num, contracttypes_id, \
           begin_date, duration, notice, periodicity, billing, renewal, alert, \
           accounting_number, comment, date_creation) VALUES \
           (1, 1, 1, 'Maintenance des postes', 'MP-2026-01', 1, NULL, 0, 0, 0, 0, 0, 0, '', \
            'Postes de la préfecture', NOW()), \
           (2, 1, 0, 'Téléphonie mobile', 'TM-2025', 2, '2025-07-01', 24, 2, 1, 3, 2, 0, \
            '6152-TEL', 'Flotte &#38; forfaits', NOW()); \
         INSERT INTO glpi_contracts (id, entities_id, name, num, is_deleted, date_creation) \
           VALUES (3, 1, 'Ancien contrat', 'OLD-1', 1, NOW()); \
         INSERT INTO glpi_contracts_suppliers (contracts_id, suppliers_id) VALUES (1, 1); \
         INSERT INTO glpi_contracts_items (contracts_id, itemtype, items_id) VALUES \
           (1, 'Computer', {c1}), (1, 'Computer', {c2}); \
         INSERT INTO glpi_suppliers_tickets (tickets_id, suppliers_id, type, use_notification) \
           VALUES ({t}, 2, 2, 0)"
    ))?;
    Ok(())
}

fn scenario() -> real_glpi::Result<Outcome> {
    let glpis = TwoGlpis::up(SOURCE, TARGET, "from-api-contracts")?;
    // Before the read: the proxy and the command read the source only when the run starts.
    add_contracts(&glpis.source)?;
    let (sdb, tdb) = (glpis.source_db(), glpis.target_db());
    let fresh = glpis.target_fingerprint()?;
    let dir = &glpis.dir;
    let run = |journal: &std::path::Path, extra: &[&str]| glpis.run(journal, extra);

    let first_journal = dir.join("first.jsonl");
    let first = run(&first_journal, &[])?;
    eprintln!(
        "[from_api_contracts] first run: exit {} in {:?}\n{}\n{}",
        first.code, first.elapsed, first.stdout, first.stderr
    );
    let differences = glpis.differences()?;
    let (s, t) = (Snapshot::read(&sdb)?, Snapshot::read(&tdb)?);
    let counts = KINDS
        .iter()
        .map(|k| (k.to_string(), s.count(k), t.count(k)))
        .collect();
    let terms = glpis.target.query(
        "SELECT c.num, t.name, c.begin_date, c.duration, c.notice, c.periodicity, c.billing, \
         c.renewal, c.accounting_number, c.comment FROM glpi_contracts c \
         LEFT JOIN glpi_contracttypes t ON t.id = c.contracttypes_id \
         WHERE c.name = 'Téléphonie mobile'",
    )?;

    let before = write_fingerprint(&tdb)?;
    let second = run(&dir.join("second.jsonl"), &["--verify"])?;
    eprintln!(
        "[from_api_contracts] second run: exit {}\n{}",
        second.code, second.stdout
    );
    let second_writes = fingerprint_changes(&before, &write_fingerprint(&tdb)?);

    let undo = run(&first_journal, &["--undo"])?;
    let undo_left = fingerprint_changes(&fresh, &glpis.target_fingerprint()?);
    Ok(Outcome {
        first,
        differences,
        counts,
        terms,
        second,
        second_writes,
        undo,
        undo_left,
    })
}

/// Every supplier, contract, covered item, contract supplier and ticket supplier of the
/// prefecture arrived, and nothing of any kind the oracle reads is missing or altered.
#[test]
fn suppliers_and_contracts_arrive_with_nothing_missing_or_altered() {
    let o = outcome();
    assert_eq!(
        o.first.code, 0,
        "first run: {}\n{}",
        o.first.stdout, o.first.stderr
    );
    let expected = [
        ("Supplier", 3),
        ("Contract", 2),
        ("Contract_Item", 2),
        ("Contract_Supplier", 1),
        ("Supplier_Ticket", 1),
    ];
    // What the command says it read (the trashed contract is not listed by the API).
    for line in [
        "  Supplier: 3 lus\n",
        "  Contract: 2 lus\n",
        "  Contract_Item: 2 lus\n",
        "  Contract_Supplier: 1 lus\n",
        "  Supplier_Ticket: 1 lus\n",
    ] {
        assert!(
            o.first.stdout.contains(line),
            "{line:?} in\n{}",
            o.first.stdout
        );
    }
    for ((kind, in_source, on_target), (k, n)) in o.counts.iter().zip(expected) {
        assert_eq!((kind.as_str(), *in_source), (k, n), "the source's {kind}");
        assert_eq!(on_target, in_source, "{kind} on the target");
    }
    assert!(
        o.differences.is_empty(),
        "{} differences:\n{}",
        o.differences.len(),
        first_lines(&o.differences, 80)
    );
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        o.terms,
        vec![vec![
            s("TM-2025"),
            s("Abonnement"),
            s("2025-07-01"),
            s("24"),
            s("2"),
            s("1"),
            s("3"),
            s("2"),
            s("6152-TEL"),
            s("Flotte &#38; forfaits"),
        ]],
        "the contract's terms as GLPI keeps them"
    );
}

/// Again with a new journal: nothing written, and `--verify` finds everything in place.
#[test]
fn a_second_run_writes_nothing_and_verifies_clean() {
    let o = outcome();
    assert_second_run_verified(&o.second);
    assert_second_run_wrote_nothing(&o.second_writes, &o.second);
}

/// `--undo` with the first run's journal leaves the target as fresh.
#[test]
fn undo_brings_the_target_back_to_fresh() {
    let o = outcome();
    assert_undone_to_fresh(&o.undo, &o.undo_left);
}
