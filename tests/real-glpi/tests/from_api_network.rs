//! Network ports read from the local GLPI (issue 16): two real GLPI 10.0.11 side by side, the
//! source loaded with the prefecture's database (port 8112: 148 ports, their network names and
//! 152 IPv4/IPv6 addresses) and a fresh target (port 8113); the real proxy in front of both;
//! the real `passerelle migrate --from-api` moves the entity "Préfecture de Guyane".
//!
//! The oracle (written from GLPI's tables, never from the engine) then compares every kind,
//! network ports (asset, logical number, name → MAC, instantiation, network name, addresses)
//! and IP addresses (port → version, network name, main item) included. The target session is
//! on the prefecture's entity. A second run with a new journal writes nothing; a port whose
//! network name and one address were changed by hand on the target, and another of its
//! addresses deleted, gets the source's back from a third run (the name and the changed address
//! in place, the deleted one added again, the oracle clean again), and the undo of that run
//! gives exactly the changed ones back (the address it added deleted). Another port whose
//! network name and addresses were deleted on the target gets them from the third run (GLPI
//! adds a name), and none again, no row left, after its undo. `--undo` of the first
//! leaves no port, network name, address or metrics row.
//!
//! The scenario runs once per test binary; each test asserts one part of its outcome.

use std::sync::OnceLock;

use real_glpi::migration::{
    assert_second_run_verified, assert_second_run_wrote_nothing, assert_undone_to_fresh,
    fingerprint_changes, write_fingerprint, CliRun,
};
use real_glpi::oracle::Snapshot;
use real_glpi::suite::{first_lines, once};
use real_glpi::two_glpis::TwoGlpis;
use real_glpi::{query, Instance};

/// The local GLPI (the prefecture's database).
const SOURCE: Instance = Instance::new("from-api-network-source", 8112);
/// The national GLPI (fresh, with the prefecture's entity).
const TARGET: Instance = Instance::new("from-api-network", 8113);
/// The tables a port lives in, with what GLPI makes with it.
const PORT_TABLES: [&str; 4] = [
    "glpi_networkports",
    "glpi_networknames",
    "glpi_ipaddresses",
    "glpi_networkportmetrics",
];

struct Outcome {
    first: CliRun,
    /// Source against target after the first run.
    differences: Vec<String>,
    /// Ports and addresses the oracle reads in the source and on the target.
    source_counts: (usize, usize),
    target_counts: (usize, usize),
    second: CliRun,
    second_writes: Vec<String>,
    /// A port's network name and addresses (name id, name, address id, address; one row per
    /// live address): as the first run made them, as changed by hand (one address changed,
    /// another deleted), after the third run, after its undo.
    port_as_migrated: Vec<Vec<Option<String>>>,
    port_as_changed: Vec<Vec<Option<String>>>,
    port_after_third: Vec<Vec<Option<String>>>,
    port_after_undo_of_third: Vec<Vec<Option<String>>>,
    third: CliRun,
    /// The ids of the address changed by hand and of the one deleted by hand.
    changed_address: String,
    deleted_address: String,
    /// A port whose network name and addresses were deleted on the target before the third
    /// run: every row of its names and their addresses (kind, id, name, is_deleted) before the
    /// third run, after it and after its undo.
    unnamed_port: String,
    unnamed_before_third: Vec<Vec<Option<String>>>,
    unnamed_after_third: Vec<Vec<Option<String>>>,
    unnamed_after_undo_of_third: Vec<Vec<Option<String>>>,
    /// Source against target after the third run.
    differences_after_third: Vec<String>,
    undo_of_third: CliRun,
    undo: CliRun,
    undo_left: Vec<String>,
    /// Rows of [`PORT_TABLES`] on the target after the undo.
    port_rows_after_undo: Vec<(String, String)>,
}

fn outcome() -> &'static Outcome {
    static OUTCOME: OnceLock<Result<Outcome, String>> = OnceLock::new();
    once(&OUTCOME, scenario)
}

fn counts(s: &Snapshot) -> (usize, usize) {
    (s.count("NetworkPort"), s.count("IPAddress"))
}

fn scenario() -> real_glpi::Result<Outcome> {
    let mut glpis = TwoGlpis::up(SOURCE, TARGET, "from-api-network")?;
    glpis.session_entity = glpis.entity;
    let glpis = glpis;
    let (sdb, tdb) = (glpis.source_db(), glpis.target_db());
    let fresh = glpis.target_fingerprint()?;
    let dir = &glpis.dir;
    let run = |journal: &std::path::Path, extra: &[&str]| glpis.run(journal, extra);

    let first_journal = dir.join("first.jsonl");
    let first = run(&first_journal, &[])?;
    eprintln!(
        "[from_api_network] first run: exit {} in {:?}\n{}\n{}",
        first.code, first.elapsed, first.stdout, first.stderr
    );
    let (src, dst) = (Snapshot::read(&sdb)?, Snapshot::read(&tdb)?);
    let differences = glpis.differences()?;

    let before = write_fingerprint(&tdb)?;
    let second = run(&dir.join("second.jsonl"), &["--verify"])?;
    let second_writes = fingerprint_changes(&before, &write_fingerprint(&tdb)?);

    // 3. Someone changes a port's network name and one of its IPv4 addresses on the target,
    // and deletes another (a port with three: one stays as it is).
    let picked = query(
        &tdb,
        "SELECT n.items_id, MIN(ip.id), MAX(ip.id) FROM glpi_networknames n \
         JOIN glpi_ipaddresses ip ON ip.itemtype = 'NetworkName' AND ip.items_id = n.id \
         AND ip.is_deleted = 0 AND ip.version = 4 \
         WHERE n.itemtype = 'NetworkPort' AND n.is_deleted = 0 \
         GROUP BY n.id, n.items_id HAVING COUNT(*) >= 3 ORDER BY n.items_id LIMIT 1",
    )?;
    let cell = |r: &[Vec<Option<String>>], i: usize| {
        r.first()
            .and_then(|row| row.get(i).cloned().flatten())
            .unwrap_or_default()
    };
    let (port, address, deleted) = (cell(&picked, 0), cell(&picked, 1), cell(&picked, 2));
    let port_state = || {
        query(
            &tdb,
            &format!(
                "SELECT n.id, n.name, ip.id, ip.name FROM glpi_networknames n \
                 JOIN glpi_ipaddresses ip ON ip.itemtype = 'NetworkName' AND ip.items_id = n.id \
                 AND ip.is_deleted = 0 WHERE n.itemtype = 'NetworkPort' AND n.items_id = {port} \
                 AND n.is_deleted = 0 ORDER BY n.id, ip.id"
            ),
        )
    };
    let port_as_migrated = port_state()?;
    query(
        &tdb,
        &format!(
            "UPDATE glpi_networknames n JOIN glpi_ipaddresses ip ON ip.items_id = n.id \
             SET n.name = 'renomme-a-la-main', ip.name = '10.99.99.99', \
             ip.binary_3 = INET_ATON('10.99.99.99') WHERE ip.id = {address}"
        ),
    )?;
    // As GLPI deletes an address taken off a network name (`NetworkName::post_workOnItem`:
    // `IPAddress::delete` without purge, the row marked deleted).
    query(
        &tdb,
        &format!("UPDATE glpi_ipaddresses SET is_deleted = 1 WHERE id = {deleted}"),
    )?;
    let port_as_changed = port_state()?;
    // And another port's network name, with its addresses, is gone on the target (as if it
    // never had one): the third run makes GLPI add one, which its undo must take away.
    let unnamed = query(
        &tdb,
        &format!(
            "SELECT n.items_id FROM glpi_networknames n \
             JOIN glpi_ipaddresses ip ON ip.itemtype = 'NetworkName' AND ip.items_id = n.id \
             AND ip.is_deleted = 0 \
             WHERE n.itemtype = 'NetworkPort' AND n.is_deleted = 0 AND n.items_id <> {port} \
             ORDER BY n.items_id LIMIT 1"
        ),
    )?;
    let unnamed = cell(&unnamed, 0);
    let names_of_unnamed = format!(
        "SELECT id FROM glpi_networknames WHERE itemtype = 'NetworkPort' AND items_id = {unnamed}"
    );
    query(
        &tdb,
        &format!(
            "DELETE ipn FROM glpi_ipaddresses_ipnetworks ipn JOIN glpi_ipaddresses ip \
             ON ip.id = ipn.ipaddresses_id WHERE ip.itemtype = 'NetworkName' \
             AND ip.items_id IN ({names_of_unnamed})"
        ),
    )?;
    query(
        &tdb,
        &format!(
            "DELETE FROM glpi_ipaddresses WHERE itemtype = 'NetworkName' \
             AND items_id IN ({names_of_unnamed})"
        ),
    )?;
    query(
        &tdb,
        &format!(
            "DELETE FROM glpi_networknames WHERE itemtype = 'NetworkPort' \
             AND items_id = {unnamed}"
        ),
    )?;
    // Every row, deleted ones too, of its names and of their addresses, and any address whose
    // name is gone (a name purged without its addresses would leave them).
    let unnamed_rows = || -> real_glpi::Result<Vec<Vec<Option<String>>>> {
        let mut rows = query(
            &tdb,
            &format!(
                "SELECT 'name', id, name, is_deleted FROM glpi_networknames \
                 WHERE itemtype = 'NetworkPort' AND items_id = {unnamed} ORDER BY id"
            ),
        )?;
        rows.extend(query(
            &tdb,
            &format!(
                "SELECT 'address', ip.id, ip.name, ip.is_deleted FROM glpi_ipaddresses ip \
                 WHERE ip.itemtype = 'NetworkName' AND (ip.items_id IN ({names_of_unnamed}) \
                 OR ip.items_id NOT IN (SELECT id FROM glpi_networknames)) ORDER BY ip.id"
            ),
        )?);
        Ok(rows)
    };
    let unnamed_before_third = unnamed_rows()?;
    // 4. A third run puts the source's back; its undo, the changed ones.
    let third_journal = dir.join("third.jsonl");
    let third = run(&third_journal, &["--verify"])?;
    eprintln!(
        "[from_api_network] third run: exit {}\n{}",
        third.code, third.stdout
    );
    let port_after_third = port_state()?;
    let unnamed_after_third = unnamed_rows()?;
    let differences_after_third = glpis.differences()?;
    let undo_of_third = run(&third_journal, &["--undo"])?;
    let port_after_undo_of_third = port_state()?;
    let unnamed_after_undo_of_third = unnamed_rows()?;

    let undo = run(&first_journal, &["--undo"])?;
    let undo_left = fingerprint_changes(&fresh, &glpis.target_fingerprint()?);
    let mut port_rows_after_undo = Vec::new();
    for table in PORT_TABLES {
        let rows = query(&tdb, &format!("SELECT COUNT(*) FROM {table}"))?;
        let n = rows
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .unwrap_or_default();
        port_rows_after_undo.push((table.to_string(), n));
    }
    Ok(Outcome {
        first,
        differences,
        source_counts: counts(&src),
        target_counts: counts(&dst),
        second,
        second_writes,
        port_as_migrated,
        port_as_changed,
        port_after_third,
        port_after_undo_of_third,
        third,
        changed_address: address,
        unnamed_port: unnamed,
        unnamed_before_third,
        unnamed_after_third,
        unnamed_after_undo_of_third,
        deleted_address: deleted,
        differences_after_third,
        undo_of_third,
        undo,
        undo_left,
        port_rows_after_undo,
    })
}

/// Every port of the entity's assets arrived with its name, MAC, instantiation, network name
/// and addresses; nothing else differs, nothing is extra.
#[test]
fn every_port_arrives_with_its_name_and_addresses() {
    let o = outcome();
    assert_eq!(
        o.first.code, 0,
        "first run: {}\n{}",
        o.first.stdout, o.first.stderr
    );
    assert_eq!(o.source_counts, (148, 152), "the prefecture's ports");
    assert_eq!(o.target_counts, o.source_counts);
    let d = &o.differences;
    assert!(
        d.is_empty(),
        "{} differences:\n{}",
        d.len(),
        first_lines(d, 80)
    );
}

/// Again with a new journal: nothing written (ports, names, addresses included), and
/// `--verify` finds everything in place.
#[test]
fn a_second_run_writes_no_port() {
    let o = outcome();
    assert_second_run_verified(&o.second);
    assert_second_run_wrote_nothing(&o.second_writes, &o.second);
}

/// A port whose network name and an address were changed on the target, and another address
/// deleted, gets the source's back from the next run (the same name and changed address rows,
/// updated; the deleted address added again), the oracle finds nothing different; the undo of
/// that run gives exactly the changed state back: the address it added is deleted.
#[test]
fn a_port_changed_on_the_target_gets_the_source_name_and_address_back() {
    let o = outcome();
    assert!(o.port_as_migrated.len() >= 3, "{:?}", o.port_as_migrated);
    let address_ids = |rows: &[Vec<Option<String>>]| -> Vec<String> {
        rows.iter()
            .map(|r| r[2].clone().unwrap_or_default())
            .collect()
    };
    let migrated_ids = address_ids(&o.port_as_migrated);
    let changed_ids = address_ids(&o.port_as_changed);
    assert!(
        migrated_ids.contains(&o.deleted_address),
        "{migrated_ids:?}"
    );
    assert!(!changed_ids.contains(&o.deleted_address), "deleted by hand");
    assert_eq!(changed_ids.len(), migrated_ids.len() - 1, "{changed_ids:?}");
    assert_ne!(o.port_as_changed, o.port_as_migrated, "the change by hand");
    assert_eq!(o.third.code, 0, "{}\n{}", o.third.stdout, o.third.stderr);
    assert!(
        o.third.stdout.contains("NetworkPort: 2 mis à jour"),
        "{}",
        o.third.stdout
    );
    // The source's name and addresses; the name and the address changed by hand in place,
    // the deleted one under a new id.
    let without_address_ids = |rows: &[Vec<Option<String>>]| -> Vec<Vec<Option<String>>> {
        let mut rows: Vec<Vec<Option<String>>> = rows
            .iter()
            .map(|r| vec![r[0].clone(), r[1].clone(), r[3].clone()])
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(
        without_address_ids(&o.port_after_third),
        without_address_ids(&o.port_as_migrated),
        "the source's: {:?}",
        o.port_after_third
    );
    let third_ids = address_ids(&o.port_after_third);
    assert!(third_ids.contains(&o.changed_address), "{third_ids:?}");
    let added: Vec<&String> = third_ids
        .iter()
        .filter(|id| !migrated_ids.contains(id))
        .collect();
    assert_eq!(
        added.len(),
        1,
        "the deleted address added again: {third_ids:?}"
    );
    let d = &o.differences_after_third;
    assert!(
        d.is_empty(),
        "{} differences:\n{}",
        d.len(),
        first_lines(d, 80)
    );
    assert_eq!(
        o.undo_of_third.code, 0,
        "{}\n{}",
        o.undo_of_third.stdout, o.undo_of_third.stderr
    );
    assert_eq!(
        o.port_after_undo_of_third, o.port_as_changed,
        "the undo gives the changed state back, the address the third run added deleted"
    );
}

/// A port without a network name on the target gets the source's from the next run (GLPI adds
/// the name and its addresses); the undo of that run takes them away: its names' and
/// addresses' rows are exactly those before the run (none), no other name added, no address
/// left behind.
#[test]
fn a_port_without_a_name_on_the_target_has_none_again_after_the_undo() {
    let o = outcome();
    assert!(!o.unnamed_port.is_empty(), "a port with a name was found");
    assert!(
        o.unnamed_before_third.is_empty(),
        "{:?}",
        o.unnamed_before_third
    );
    let kinds = |rows: &[Vec<Option<String>>], kind: &str| {
        rows.iter()
            .filter(|r| r[0].as_deref() == Some(kind) && r[3].as_deref() == Some("0"))
            .count()
    };
    assert_eq!(
        kinds(&o.unnamed_after_third, "name"),
        1,
        "{:?}",
        o.unnamed_after_third
    );
    assert!(
        kinds(&o.unnamed_after_third, "address") >= 1,
        "{:?}",
        o.unnamed_after_third
    );
    assert_eq!(
        o.undo_of_third.code, 0,
        "{}\n{}",
        o.undo_of_third.stdout, o.undo_of_third.stderr
    );
    assert_eq!(
        o.unnamed_after_undo_of_third, o.unnamed_before_third,
        "port {}: the name the third run made, and its addresses, are gone",
        o.unnamed_port
    );
}

/// `--undo` purges each port, and GLPI its network name, addresses and metrics with it.
#[test]
fn undo_leaves_no_port_name_or_address() {
    let o = outcome();
    assert_undone_to_fresh(&o.undo, &o.undo_left);
    for (table, n) in &o.port_rows_after_undo {
        assert_eq!(n, "0", "{table} after the undo");
    }
}
