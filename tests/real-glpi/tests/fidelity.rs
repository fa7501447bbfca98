//! The fidelity suite: the ten non-ticket sample exports and the two companion files (built from
//! the source database) migrated by the real `passerelle migrate` through the real proxy into a
//! REAL, freshly installed GLPI 10.0.11; then the target database compared with the source
//! database the exports were made from (object by object, by natural keys, where GLPI keeps each
//! value), and every cell of every export compared with where it landed. Then the same migration
//! a second time with a new journal: it must write nothing, and its `--verify` must be clean.
//!
//! The migration runs once per test binary; each test asserts one part of its outcome. The
//! report is written to `target/fidelity-report.md` and printed.

use std::sync::OnceLock;
use std::time::Instant;

use real_glpi::migration::{
    assert_second_run_verified, assert_second_run_wrote_nothing, fingerprint_changes, run_cli,
    write_fingerprint, CliRun, RunningProxy,
};
use real_glpi::suite::{first_lines, Oracle, Setup, ENTITY};

struct Outcome {
    companions: Vec<usize>,
    oracle: Oracle,
    first: CliRun,
    second: CliRun,
    writes_of_second_run: Vec<String>,
}

fn outcome() -> &'static Outcome {
    static OUTCOME: OnceLock<Result<Outcome, String>> = OnceLock::new();
    match OUTCOME.get_or_init(|| migrate().map_err(|e| e.to_string())) {
        Ok(o) => o,
        Err(e) => panic!("the migration could not be run: {e}"),
    }
}

fn migrate() -> real_glpi::Result<Outcome> {
    let started = Instant::now();
    let setup = Setup::new("fidelity")?;
    eprintln!("[fidelity] two real GLPIs up in {:?}", started.elapsed());
    let proxy = RunningProxy::start(&setup.target, None)?;
    let corrections = setup.homonym_corrections()?;
    eprintln!("[fidelity] the administrator's corrections: {corrections:?}");
    let args = |journal: &str| {
        let mut v: Vec<String> = vec![
            "--entity".into(),
            "0".into(),
            "--map-entity".into(),
            format!("Root Entity > {ENTITY}={}", setup.entity),
            "--map-entity".into(),
            "Root Entity=0".into(),
            "--journal".into(),
            setup.dir.join(journal).display().to_string(),
            "--verify".into(),
        ];
        for c in &corrections {
            v.push("--correct".into());
            v.push(c.clone());
        }
        v.extend(setup.files().iter().map(|p| p.display().to_string()));
        v
    };
    let token = &setup.target.user_token;
    let first = run_cli(&proxy.api_url(), token, &args("first.jsonl"))?;
    eprintln!(
        "[fidelity] first run: exit {} in {:?}\n{}\n{}",
        first.code, first.elapsed, first.stdout, first.stderr
    );
    let db = setup.target.instance.db_name();
    let before = write_fingerprint(&db)?;
    let second = run_cli(&proxy.api_url(), token, &args("second.jsonl"))?;
    eprintln!(
        "[fidelity] second run (new journal): exit {} in {:?}\n{}\n{}",
        second.code, second.elapsed, second.stdout, second.stderr
    );
    let after = write_fingerprint(&db)?;
    let writes_of_second_run = fingerprint_changes(&before, &after);
    let runs = format!(
        "\n## Runs (command line, through the proxy)\n\n- first run: exit {} in {:.1} s\n- second run with a new journal: exit {} in {:.1} s; tables it changed (count / max id / max date_mod): {}\n- whole test (two GLPIs up, two runs, oracle): {:.1} s\n",
        first.code,
        first.elapsed.as_secs_f64(),
        second.code,
        second.elapsed.as_secs_f64(),
        if writes_of_second_run.is_empty() { "none".to_string() } else { writes_of_second_run.join("; ") },
        started.elapsed().as_secs_f64()
    );
    let oracle = setup.oracle("fidelity-report.md", &runs)?;
    println!("{}", oracle.report);
    eprintln!("[fidelity] report written to {}", oracle.path.display());
    Ok(Outcome {
        companions: setup.companions.iter().map(|(_, n)| *n).collect(),
        oracle,
        first,
        second,
        writes_of_second_run,
    })
}

/// Runs now (not ignored): the suite itself is sound. Both GLPIs came up, the command ran, the
/// companion files carry the source's relations, the oracle read the source in full, and every
/// column of every export has a known destination or a stated reason.
#[test]
fn the_migration_ran_and_every_column_is_accounted_for() {
    let o = outcome();
    assert!(
        o.first.code == 0 || o.first.code == 1,
        "the command failed (exit {}): {}\n{}",
        o.first.code,
        o.first.stdout,
        o.first.stderr
    );
    assert_eq!(o.companions, vec![41, 559], "companion file lines");
    o.oracle.assert_source_read_in_full();
    assert!(
        o.oracle.target.count("Computer") > 0,
        "nothing reached the target"
    );
    assert!(o.oracle.path.is_file());
}

/// The target database holds what the source holds, where GLPI keeps it, and nothing more.
#[test]
fn the_target_database_holds_exactly_what_the_source_holds() {
    let lines = outcome().oracle.db_lines();
    assert!(
        lines.is_empty(),
        "{} differences between the source and the target database:\n{}",
        lines.len(),
        first_lines(&lines, 60)
    );
}

/// Every cell of every export is on the target, equal.
#[test]
fn every_exported_cell_lands_where_glpi_keeps_it() {
    let lines = outcome().oracle.cell_lines();
    assert!(
        lines.is_empty(),
        "{} cells differ:\n{}",
        lines.len(),
        first_lines(&lines, 60)
    );
}

/// The same migration again, with a new journal: nothing written (row counts, highest ids and
/// latest `date_mod` of every table a migration writes, and the number of history rows).
#[test]
fn a_second_run_with_a_new_journal_writes_nothing() {
    let o = outcome();
    assert_second_run_wrote_nothing(&o.writes_of_second_run, &o.second);
}

/// The second run's `--verify` finds everything in place: exit 0.
#[test]
fn the_second_run_verifies_clean() {
    assert_second_run_verified(&outcome().second);
}
