//! Exactly once and undo against a REAL GLPI 10.0.11, at several kill points.
//!
//! The ten sample exports and the two companion files (built from the prefecture database, as
//! the fidelity suite does) are migrated by the real `passerelle migrate` through the real
//! proxy into a freshly installed GLPI holding the prefecture's entity and ten of the sample's
//! computers already there with other values (so that the run updates some objects). The
//! command is killed with SIGKILL when its journal file first holds a given line; then:
//!
//! 1. once GLPI has finished the request the killed command left in flight (it goes on after
//!    its client is gone), `--resume` with the same journal finishes the run (one kill point is
//!    also resumed at once, while GLPI still writes);
//! 2. the database holds every object exactly once: no duplicate serial, login, complete name,
//!    name or relation, and each table holds as many rows as after an uninterrupted run;
//! 3. the journal says what really happened: an object the run created (absent before) is
//!    journaled "created", an object that was there before "updated" or "already present";
//! 4. `--undo` with that journal brings every `glpi_*` table back to its rows before the run
//!    (see [`CHURN_TABLES`] and [`STAMP_COLUMNS`] for what is left out, and why).
//!
//! Kill points (the journal line after which the process is killed):
//! - `create`: the intent of the first bulk create of computers (an asset bulk in flight);
//! - `update`: the intent of the first bulk update (the ten computers already there);
//! - `relation`: the intent of the first bulk create of software installations
//!   (`Item_SoftwareVersion`, a relation between two objects the run created);
//! - `stage`: the intent of the first batch of users, i.e. the boundary between the stage of
//!   dropdowns, locations and groups (all closed) and the stage of users.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use real_glpi::exports::read_export;
use real_glpi::migration::{
    create_entity, locate, samples_dir, temp_dir, write_companions, RunningProxy, CLI, SAMPLE_FILES,
};
use real_glpi::suite::ENTITY;
use real_glpi::{prefecture_dump, Instance, RealGlpi};
use serde_json::Value;

/// This binary's source GLPI (the prefecture dump), read once for the companion files.
const SOURCE: Instance = Instance::new("kp-source", 8095);
/// This binary's target GLPI, fresh for each kill point.
const TARGET: Instance = Instance::new("killpoints", 8096);

/// Tables left out of the before/after comparison, with the reason:
/// - `glpi_logs`: GLPI's history; every add, update and purge writes rows there (the undo's
///   too), and GLPI offers no way to remove them through the API;
/// - `glpi_crontasks`, `glpi_crontasklogs`: GLPI's internal scheduler may run at request time
///   and stamp its state whatever the requests are (it did not in the runs seen here);
/// - `glpi_events`: GLPI's event log (sessions and system events).
///
/// Every other `glpi_*` table (about 390) is compared row by row.
const CHURN_TABLES: [&str; 4] = [
    "glpi_logs",
    "glpi_crontasks",
    "glpi_crontasklogs",
    "glpi_events",
];

/// Columns left out of the comparison, with the reason: `date_mod` is stamped by GLPI on every
/// update, the undo's restoring update included (the API cannot set it back; the ten computers
/// the run updates come back with their values, not their `date_mod`), and GLPI also stamps the
/// `glpi` user's `date_mod` at each session; `last_login` (`glpi_users`) changes with each
/// session the command opens.
const STAMP_COLUMNS: [&str; 2] = ["date_mod", "last_login"];

/// The computers of `Computer.csv` already on the target before the run (to be updated).
const PRESENT: usize = 10;

struct Shared {
    dir: PathBuf,
    files: Vec<PathBuf>,
    /// Rows per table after an uninterrupted run on the same starting state.
    reference: BTreeMap<String, usize>,
    /// Duplicates the uninterrupted run itself left (there should be none).
    reference_duplicates: Duplicates,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();
    match SHARED.get_or_init(|| prepare().map_err(|e| e.to_string())) {
        Ok(s) => s,
        Err(e) => panic!("the kill-point suite could not be set up: {e}"),
    }
}

fn prepare() -> real_glpi::Result<Shared> {
    let dir = temp_dir("killpoints")?;
    let companions = {
        let source = RealGlpi::loaded(SOURCE, &prefecture_dump())?;
        write_companions(&source, &dir)?
    };
    let files: Vec<PathBuf> = SAMPLE_FILES
        .iter()
        .map(|f| samples_dir().join(f))
        .chain(companions.into_iter().map(|(p, _)| p))
        .collect();
    // The reference: the same migration, uninterrupted, on the same starting state.
    let (glpi, entity) = target()?;
    let proxy = RunningProxy::start(&glpi, None)?;
    let journal = dir.join("reference.jsonl");
    let out = migrate(&proxy, &glpi, entity, &journal, &files, &[])
        .wait_with_output()
        .map_err(|e| real_glpi::RealGlpiError::Io("passerelle".into(), e))?;
    eprintln!(
        "[killpoints] reference run: exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout)
    );
    let reference = table_counts(&glpi)?;
    let reference_duplicates = duplicates(&glpi);
    Ok(Shared {
        dir,
        files,
        reference,
        reference_duplicates,
    })
}

/// A fresh target with the prefecture's entity and [`PRESENT`] sample computers already there
/// (other comment, no model or location), as a national GLPI that met some of them before.
fn target() -> real_glpi::Result<(RealGlpi, u64)> {
    let glpi = RealGlpi::fresh(TARGET)?;
    let entity = create_entity(&glpi, ENTITY)?;
    let export = read_export(&samples_dir().join("Computer.csv"))?;
    let col = |name: &str| export.headers.iter().position(|h| h == name);
    let (name, serial) = (
        col("Nom").expect("Nom column"),
        col("Numéro de série").expect("serial column"),
    );
    let values: Vec<String> = export
        .rows
        .iter()
        .filter(|r| !r[serial].trim().is_empty())
        .take(PRESENT)
        .map(|r| {
            format!(
                "('{}', '{}', {entity}, 'présent avant la migration', NOW(), NOW())",
                r[name].replace('\'', "''"),
                r[serial].replace('\'', "''")
            )
        })
        .collect();
    glpi.query(&format!(
        "INSERT INTO glpi_computers (name, serial, entities_id, comment, date_creation, date_mod) VALUES {}",
        values.join(", ")
    ))?;
    Ok((glpi, entity))
}

fn migrate(
    proxy: &RunningProxy,
    glpi: &RealGlpi,
    entity: u64,
    journal: &Path,
    files: &[PathBuf],
    extra: &[&str],
) -> Child {
    let bin = locate(CLI).unwrap_or_else(|e| panic!("{e}"));
    Command::new(bin)
        .arg("migrate")
        .arg("--api")
        .arg(proxy.api_url())
        .args(["--entity", "0", "--map-entity"])
        .arg(format!("Root Entity > {ENTITY}={entity}"))
        .args(["--map-entity", "Root Entity=0", "--journal"])
        .arg(journal)
        .args(extra)
        .args(files)
        .env("PASSERELLE_USER_TOKEN", &glpi.user_token)
        .env_remove("PASSERELLE_GLPI_APP_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("passerelle migrate starts")
}

/// The journal's events, parsed (a line cut by the kill is skipped).
fn events(journal: &Path) -> Vec<Value> {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn is_intent(e: &Value, action: &str, itemtype: &str, nth: usize, all: &[Value]) -> bool {
    let matches =
        |e: &Value| e["event"] == "intent" && e["action"] == action && e["itemtype"] == itemtype;
    matches(e) && all.iter().filter(|x| matches(x)).count() >= nth
}

/// A kill point: its name and the journal condition.
struct KillPoint {
    name: &'static str,
    action: &'static str,
    itemtype: &'static str,
    nth: usize,
    /// Resume only once GLPI has finished the request the killed command left in flight (no
    /// connection open on its port); `false`: resume at once, while GLPI may still be writing.
    settle: bool,
}

/// Waits until no connection is open on GLPI's port (the killed command's request, which GLPI
/// goes on executing after the client is gone, has ended) for half a second.
fn settle(glpi: &RealGlpi) -> Duration {
    let start = Instant::now();
    let mut quiet_since = None;
    loop {
        let out = Command::new("ss")
            .args(["-Htn", &format!("( sport = :{} )", glpi.instance.port)])
            .output()
            .expect("ss runs");
        let busy = String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| !l.starts_with("TIME-WAIT") && !l.starts_with("LISTEN"));
        match (busy, quiet_since) {
            (true, _) => quiet_since = None,
            (false, None) => quiet_since = Some(Instant::now()),
            (false, Some(t)) if t.elapsed() > Duration::from_millis(500) => return start.elapsed(),
            _ => {}
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "GLPI never settled"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the command and SIGKILLs it as soon as its journal holds the kill point's intent.
fn run_and_kill(kp: &KillPoint, mut child: Child, journal: &Path) -> usize {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let all = events(journal);
        if all
            .iter()
            .any(|e| is_intent(e, kp.action, kp.itemtype, kp.nth, &all))
        {
            // SIGKILL: no destructor, no flush, as a crash or `kill -9`.
            child.kill().expect("kill");
            let _ = child.wait();
            return all.len();
        }
        if let Ok(Some(status)) = child.try_wait() {
            let out = child.wait_with_output().ok();
            panic!(
                "[{}] the run ended ({status}) before the kill point; journal holds {} events\n{}",
                kp.name,
                all.len(),
                out.map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
                    .unwrap_or_default()
            );
        }
        assert!(Instant::now() < deadline, "[{}] no progress", kp.name);
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn tables(glpi: &RealGlpi) -> Vec<String> {
    glpi.query("SHOW TABLES LIKE 'glpi\\_%'")
        .expect("tables")
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .filter(|t| !CHURN_TABLES.contains(&t.as_str()))
        .collect()
}

fn table_counts(glpi: &RealGlpi) -> real_glpi::Result<BTreeMap<String, usize>> {
    let mut out = BTreeMap::new();
    for t in tables(glpi) {
        out.insert(
            t.clone(),
            glpi.count(&format!("SELECT COUNT(*) FROM `{t}`"))? as usize,
        );
    }
    Ok(out)
}

/// Every row of every compared table, [`STAMP_COLUMNS`] left out.
fn snapshot(glpi: &RealGlpi) -> BTreeMap<String, BTreeSet<String>> {
    let db = glpi.instance.db_name();
    let columns = glpi
        .query(&format!(
            "SELECT table_name, GROUP_CONCAT(CONCAT('`', column_name, '`') ORDER BY ordinal_position) \
             FROM information_schema.columns WHERE table_schema = '{db}' \
             AND column_name NOT IN ({}) GROUP BY table_name",
            STAMP_COLUMNS
                .iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .expect("columns");
    let columns: BTreeMap<String, String> = columns
        .into_iter()
        .filter_map(|r| Some((r.first()?.clone()?, r.get(1)?.clone()?)))
        .collect();
    tables(glpi)
        .into_iter()
        .map(|t| {
            let rows = glpi
                .query(&format!("SELECT {} FROM `{t}`", columns[&t]))
                .expect("rows")
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|c| c.unwrap_or_else(|| "NULL".into()))
                        .collect::<Vec<_>>()
                        .join("\t")
                })
                .collect();
            (t, rows)
        })
        .collect()
}

/// GLPI's table of an itemtype (`Computer_Item` → `glpi_computers_items`).
fn table_of(itemtype: &str) -> String {
    let parts: Vec<String> = itemtype
        .split('_')
        .map(|p| {
            let p = p.to_lowercase();
            if let Some(stem) = p.strip_suffix('y') {
                format!("{stem}ies")
            } else if p.ends_with('s') {
                p
            } else {
                format!("{p}s")
            }
        })
        .collect();
    format!("glpi_{}", parts.join("_"))
}

/// Keys found more than once, per table (`KEY × COUNT`).
type Duplicates = BTreeMap<String, BTreeSet<String>>;

/// One line per table: how many keys are doubled, and one of them.
fn describe(d: &Duplicates) -> Vec<String> {
    d.iter()
        .filter(|(_, keys)| !keys.is_empty())
        .map(|(t, keys)| {
            format!(
                "{t}: {} keys more than once, e.g. {}",
                keys.len(),
                keys.iter().next().cloned().unwrap_or_default()
            )
        })
        .collect()
}

/// Duplicates by natural key or relation ends.
fn duplicates(glpi: &RealGlpi) -> Duplicates {
    let mut checks: Vec<(String, String)> = Vec::new();
    for t in [
        "glpi_computers",
        "glpi_monitors",
        "glpi_printers",
        "glpi_phones",
        "glpi_peripherals",
        "glpi_networkequipments",
    ] {
        checks.push((
            t.into(),
            "CASE WHEN serial <> '' THEN serial ELSE CONCAT('name:', name) END".into(),
        ));
    }
    checks.extend(
        [
            ("glpi_users", "name"),
            ("glpi_locations", "completename"),
            ("glpi_groups", "completename"),
            ("glpi_softwares", "CONCAT(name, '/', entities_id)"),
            ("glpi_softwareversions", "CONCAT(softwares_id, '/', name)"),
            ("glpi_manufacturers", "name"),
            ("glpi_computermodels", "name"),
            ("glpi_computertypes", "name"),
            ("glpi_monitormodels", "name"),
            ("glpi_states", "completename"),
            ("glpi_operatingsystems", "name"),
            ("glpi_usertitles", "name"),
            ("glpi_usercategories", "name"),
            (
                "glpi_computers_items",
                "CONCAT(computers_id, '/', itemtype, '/', items_id)",
            ),
            (
                "glpi_items_softwareversions",
                "CONCAT(itemtype, '/', items_id, '/', softwareversions_id)",
            ),
            (
                "glpi_profiles_users",
                "CONCAT((SELECT u.name FROM glpi_users u WHERE u.id = users_id), '/', \
                 profiles_id, '/', entities_id)",
            ),
            ("glpi_groups_users", "CONCAT(users_id, '/', groups_id)"),
            ("glpi_useremails", "CONCAT(users_id, '/', email)"),
            (
                "glpi_items_operatingsystems",
                "CONCAT(itemtype, '/', items_id)",
            ),
            ("glpi_infocoms", "CONCAT(itemtype, '/', items_id)"),
        ]
        .map(|(t, k)| (t.to_string(), k.to_string())),
    );
    let mut out = Duplicates::new();
    for (t, key) in checks {
        let rows = glpi
            .query(&format!(
                "SELECT {key}, COUNT(*) FROM `{t}` GROUP BY {key} HAVING COUNT(*) > 1"
            ))
            .expect("duplicates");
        for r in rows {
            out.entry(t.clone()).or_default().insert(format!(
                "{} × {}",
                r.first().cloned().flatten().unwrap_or_default(),
                r.get(1).cloned().flatten().unwrap_or_default()
            ));
        }
    }
    out
}

/// The journal's last outcome per object: (itemtype, key) → (outcome, id).
fn outcomes(journal: &Path) -> BTreeMap<(String, String), (String, Option<u64>)> {
    let mut out = BTreeMap::new();
    for e in events(journal).iter().filter(|e| e["event"] == "done") {
        let object = &e["object"];
        out.insert(
            (
                object["itemtype"].as_str().unwrap_or("").to_string(),
                object["key"].as_str().unwrap_or("").to_string(),
            ),
            (
                e["outcome"].as_str().unwrap_or("").to_string(),
                e["id"].as_u64(),
            ),
        );
    }
    out
}

/// Outcomes that contradict the database: a "created" object that was there before the run, an
/// "updated" or "already present" one that was not (unless a step of an object the run created).
fn wrong_outcomes(
    journal: &Path,
    before: &BTreeMap<String, BTreeSet<u64>>,
    glpi: &RealGlpi,
) -> Vec<String> {
    let mut out = Vec::new();
    let all = outcomes(journal);
    for ((itemtype, key), (outcome, id)) in &all {
        let Some(id) = *id else { continue };
        // A later step of an object (`…#connexion`: an asset's own values put back after its
        // connection) updates what its owner created in the same run.
        let owner_created = key.split_once('#').is_some_and(|(owner, _)| {
            all.get(&(itemtype.clone(), owner.to_string()))
                .is_some_and(|(o, i)| o == "created" && *i == Some(id))
        });
        let table = table_of(itemtype);
        let Some(ids_before) = before.get(&table) else {
            continue;
        };
        let existed = ids_before.contains(&id);
        let exists = glpi
            .count(&format!("SELECT COUNT(*) FROM `{table}` WHERE id = {id}"))
            .unwrap_or(0)
            == 1;
        let wrong = match outcome.as_str() {
            "created" => existed || !exists,
            "updated" | "skipped" => !existed && !owner_created,
            _ => false,
        };
        if wrong {
            out.push(format!(
                "{itemtype} {key} (id {id}) journaled {outcome:?}, but it {} before the run",
                if existed { "existed" } else { "did not exist" }
            ));
        }
    }
    out
}

fn ids(glpi: &RealGlpi) -> BTreeMap<String, BTreeSet<u64>> {
    tables(glpi)
        .into_iter()
        .filter_map(|t| {
            let rows = glpi.query(&format!("SELECT id FROM `{t}`")).ok()?;
            Some((
                t,
                rows.into_iter()
                    .filter_map(|r| r.first().cloned().flatten()?.parse().ok())
                    .collect(),
            ))
        })
        .collect()
}

fn first(lines: &[String], n: usize) -> String {
    let mut s = lines.iter().take(n).cloned().collect::<Vec<_>>().join("\n");
    if lines.len() > n {
        s.push_str(&format!("\n… and {} more", lines.len() - n));
    }
    s
}

fn kill_resume_check_undo(kp: KillPoint) {
    let shared = shared();
    let (glpi, entity) = target().unwrap_or_else(|e| panic!("{e}"));
    let proxy = RunningProxy::start(&glpi, None).unwrap_or_else(|e| panic!("{e}"));
    let before = snapshot(&glpi);
    let ids_before = ids(&glpi);
    let journal = shared.dir.join(format!("{}.jsonl", kp.name));
    let _ = std::fs::remove_file(&journal);

    let child = migrate(&proxy, &glpi, entity, &journal, &shared.files, &[]);
    let at = run_and_kill(&kp, child, &journal);
    eprintln!("[{}] killed after {at} journal events", kp.name);
    if kp.settle {
        let waited = settle(&glpi);
        eprintln!(
            "[{}] GLPI finished the request in flight after {waited:?}",
            kp.name
        );
    }

    let resumed = migrate(
        &proxy,
        &glpi,
        entity,
        &journal,
        &shared.files,
        &["--resume"],
    )
    .wait_with_output()
    .expect("resume runs");
    let stdout = String::from_utf8_lossy(&resumed.stdout);
    eprintln!(
        "[{}] resume: exit {:?}\n{stdout}\n{}",
        kp.name,
        resumed.status.code(),
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert!(
        matches!(resumed.status.code(), Some(0 | 1)),
        "[{}] the resume failed",
        kp.name
    );

    let mut problems = Vec::new();
    // Only what the kill added: the uninterrupted run's own duplicates are asserted by
    // `an_uninterrupted_run_leaves_every_object_once`.
    let mut dups = duplicates(&glpi);
    for (t, keys) in dups.iter_mut() {
        if let Some(known) = shared.reference_duplicates.get(t) {
            keys.retain(|k| !known.contains(k));
        }
    }
    let dups = describe(&dups);
    if !dups.is_empty() {
        problems.push(format!(
            "duplicates (beyond the uninterrupted run's own):\n{}",
            first(&dups, 30)
        ));
    }
    let counts = table_counts(&glpi).expect("counts");
    let count_diffs: Vec<String> = counts
        .iter()
        .filter(|(t, n)| shared.reference.get(*t) != Some(n))
        .map(|(t, n)| {
            format!(
                "{t}: {n} rows, {:?} after an uninterrupted run",
                shared.reference.get(t)
            )
        })
        .collect();
    if !count_diffs.is_empty() {
        problems.push(format!("row counts:\n{}", first(&count_diffs, 30)));
    }
    let wrong = wrong_outcomes(&journal, &ids_before, &glpi);
    if !wrong.is_empty() {
        problems.push(format!("journal outcomes:\n{}", first(&wrong, 30)));
    }

    let undo = migrate(&proxy, &glpi, entity, &journal, &[], &["--undo"])
        .wait_with_output()
        .expect("undo runs");
    eprintln!(
        "[{}] undo: exit {:?}\n{}\n{}",
        kp.name,
        undo.status.code(),
        String::from_utf8_lossy(&undo.stdout),
        String::from_utf8_lossy(&undo.stderr)
    );
    let after = snapshot(&glpi);
    let mut table_diffs = Vec::new();
    for (t, rows) in &before {
        let now = after.get(t).cloned().unwrap_or_default();
        let gone: Vec<&String> = rows.difference(&now).collect();
        let extra: Vec<&String> = now.difference(rows).collect();
        if !gone.is_empty() || !extra.is_empty() {
            table_diffs.push(format!(
                "{t}: {} rows missing, {} rows more than before (e.g. missing {:?}, more {:?})",
                gone.len(),
                extra.len(),
                gone.first()
                    .map(|s| s.chars().take(160).collect::<String>()),
                extra
                    .first()
                    .map(|s| s.chars().take(160).collect::<String>())
            ));
        }
    }
    if undo.status.code() != Some(0) {
        problems.push(format!("undo exit {:?}", undo.status.code()));
    }
    if !table_diffs.is_empty() {
        problems.push(format!(
            "after --undo, tables differ from before the run:\n{}",
            first(&table_diffs, 40)
        ));
    }
    assert!(
        problems.is_empty(),
        "[{}] killed after {at} journal events:\n{}",
        kp.name,
        problems.join("\n\n")
    );
}

/// The yardstick of the kill points: an uninterrupted run leaves every object once.
#[test]
fn an_uninterrupted_run_leaves_every_object_once() {
    let dups = describe(&shared().reference_duplicates);
    assert!(
        dups.is_empty(),
        "the uninterrupted run left {} duplicates:\n{}",
        dups.len(),
        first(&dups, 30)
    );
}

#[test]
fn killed_inside_a_bulk_create_of_computers() {
    kill_resume_check_undo(KillPoint {
        name: "create",
        action: "create",
        itemtype: "Computer",
        nth: 1,
        settle: true,
    });
}

/// The same kill point as [`killed_inside_a_bulk_create_of_computers`], resumed at once: GLPI is
/// still executing the killed command's bulk create (a real server goes on after the client is
/// gone) while the resume reads the target.
#[test]
fn killed_inside_a_bulk_create_and_resumed_while_glpi_still_writes() {
    kill_resume_check_undo(KillPoint {
        name: "create-at-once",
        action: "create",
        itemtype: "Computer",
        nth: 1,
        settle: false,
    });
}

#[test]
fn killed_inside_a_bulk_update() {
    kill_resume_check_undo(KillPoint {
        name: "update",
        action: "update",
        itemtype: "Computer",
        nth: 1,
        settle: true,
    });
}

#[test]
fn killed_inside_a_bulk_create_of_installations() {
    kill_resume_check_undo(KillPoint {
        name: "relation",
        action: "create",
        itemtype: "Item_SoftwareVersion",
        nth: 1,
        settle: true,
    });
}

#[test]
fn killed_at_the_stage_boundary_before_users() {
    kill_resume_check_undo(KillPoint {
        name: "stage",
        action: "create",
        itemtype: "User",
        nth: 1,
        settle: true,
    });
}
