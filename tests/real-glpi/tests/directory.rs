//! The HR directory import (seed 004, issue 13) against a REAL GLPI 10.0.11 loaded with the
//! prefecture's database: the sample files of ../shared/samples/directory/ through the real
//! proxy and `passerelle directory`, then GLPI's database read back with SQL and compared with
//! the files, the reference export and the mapping (an oracle that does not use the engine):
//! users, titles, categories, groups, memberships, authorizations and e-mails one by one; the
//! error file against EXPECTED.md line by line; a second run of valid.tsv writes nothing; undo
//! gives every user back. The figures go to tests/real-glpi/directory-report.md.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use real_glpi::directory::{
    check_line_errors, check_valid, error_entries, one, samples, snapshot, sql_text, SERVICE,
};
use real_glpi::migration::{locate, temp_dir, write_fingerprint, RunningProxy, CLI};
use real_glpi::{prefecture_dump, Instance, RealGlpi};

/// This suite's own GLPI (port 8103 only: the other suites use the others).
const INSTANCE: Instance = Instance::new("directory", 8103);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    errors: String,
    elapsed: Duration,
}

fn run(api: &str, token: &str, dir: &Path, args: &[&str]) -> Run {
    let bin = locate(CLI).unwrap();
    let errors = dir.join(format!(
        "errors-{}.txt",
        args.join("_").replace(['/', ' '], "")
    ));
    let errors = if errors.to_string_lossy().len() > 200 {
        dir.join("errors.txt")
    } else {
        errors
    };
    let start = Instant::now();
    let out = Command::new(bin)
        .arg("directory")
        .args(["--api", api, "--entity", "1", "--service", SERVICE])
        .arg("--refs")
        .arg(samples().join("reference"))
        .arg("--errors")
        .arg(&errors)
        .args(args)
        .env("PASSERELLE_USER_TOKEN", token)
        .env_remove("PASSERELLE_GLPI_APP_TOKEN")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        errors: std::fs::read_to_string(&errors).unwrap_or_default(),
        elapsed: start.elapsed(),
    }
}

/// The default correspondence table, as `--template mapping` prints it.
fn mapping(api: &str, token: &str) -> serde_json::Value {
    let out = Command::new(locate(CLI).unwrap())
        .args(["directory", "--template", "mapping", "--api", api])
        .env("PASSERELLE_USER_TOKEN", token)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn directory_files_on_the_prefecture_glpi() {
    let started = Instant::now();
    let glpi = RealGlpi::loaded(INSTANCE, &prefecture_dump()).unwrap();
    let proxy = RunningProxy::start(&glpi, None).unwrap();
    let api = proxy.api_url();
    let token = glpi.user_token.clone();
    let dir = temp_dir("directory").unwrap();
    let map = mapping(&api, &token);
    let before = snapshot(&glpi);
    let db = glpi.instance.db_name();
    let mut report = String::from("# The HR directory import against a real GLPI 10.0.11 (issue 13)\n\nWritten by `cargo test -p real-glpi --test directory` (GLPI loaded with `prefecture-guyane.sql.xz`, `passerelle directory` through `passerelle-proxy`, database read with SQL).\n");

    // Phase one failing: nothing is written.
    let f = |n: &str| samples().join(n).display().to_string();
    let j = |n: &str| dir.join(n).display().to_string();
    let mixed = run(
        &api,
        &token,
        &dir,
        &[&f("mixed-errors.tsv"), "--journal", &j("mixed.jsonl")],
    );
    assert_eq!(mixed.code, 1, "{}{}", mixed.stdout, mixed.stderr);
    assert!(
        mixed.errors.starts_with("Phase 1 en échec"),
        "{}",
        mixed.errors
    );
    let phase_one: Vec<u64> = error_entries(&mixed.errors).keys().copied().collect();
    assert_eq!(phase_one, vec![3, 7, 11, 12, 13, 14], "{}", mixed.errors);
    assert_eq!(
        snapshot(&glpi),
        before,
        "phase 1 failed: nothing may be written"
    );

    // valid.tsv, with generated passwords.
    let passwords = dir.join("mots-de-passe.tsv");
    let first = run(
        &api,
        &token,
        &dir,
        &[
            &f("valid.tsv"),
            "--journal",
            &j("valid.jsonl"),
            "--verify",
            "--passwords",
            &passwords.display().to_string(),
        ],
    );
    eprintln!("{}\n{}", first.stdout, first.stderr);
    assert_eq!(
        first.code, 0,
        "{}{}\n{}",
        first.stdout, first.stderr, first.errors
    );
    // EXPECTED: no error, no warning (the information of line 18 only).
    let entries = error_entries(&first.errors);
    assert!(
        entries.values().flatten().all(|s| s == "INFO"),
        "{}",
        first.errors
    );
    assert!(entries.contains_key(&18), "{}", first.errors);
    let journal = std::fs::read_to_string(dir.join("valid.jsonl")).unwrap();
    let secrets: Vec<(String, String)> = std::fs::read_to_string(&passwords)
        .unwrap()
        .lines()
        .map(|l| {
            let (a, b) = l.split_once('\t').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    assert_eq!(secrets.len(), 14, "one password per created user");
    for (login, secret) in &secrets {
        assert!(
            !journal.contains(secret.as_str())
                && !first.stdout.contains(secret.as_str())
                && !first.stderr.contains(secret.as_str())
                && !first.errors.contains(secret.as_str())
        );
        let hash = one(
            &glpi,
            &format!(
                "SELECT password FROM glpi_users WHERE name = {}",
                sql_text(login)
            ),
        )
        .unwrap_or_default();
        assert!(hash.starts_with("$2y$"), "{login}: no password hash");
    }

    // Every line of valid.tsv, in the database.
    let figures = check_valid(&glpi, &map, &before).unwrap_or_else(|p| panic!("{p}"));
    let after_valid = snapshot(&glpi);

    // A second run of valid.tsv (new journal) writes nothing.
    let fingerprint = write_fingerprint(&db).unwrap();
    let second = run(
        &api,
        &token,
        &dir,
        &[
            &f("valid.tsv"),
            "--journal",
            &j("valid-2.jsonl"),
            "--verify",
        ],
    );
    assert_eq!(second.code, 0, "{}{}", second.stdout, second.stderr);
    assert_eq!(
        write_fingerprint(&db).unwrap(),
        fingerprint,
        "{}",
        second.stdout
    );
    assert_eq!(snapshot(&glpi), after_valid);

    // line-errors.tsv: the error file against EXPECTED.md, line by line.
    let errors = run(
        &api,
        &token,
        &dir,
        &[
            &f("line-errors.tsv"),
            "--journal",
            &j("line-errors.jsonl"),
            "--verify",
        ],
    );
    assert_eq!(errors.code, 1, "{}{}", errors.stdout, errors.stderr);
    let (mismatches, lines_with_errors) = check_line_errors(&glpi, &errors.errors);
    assert!(
        mismatches.is_empty(),
        "{}\n{}",
        mismatches.join("\n"),
        errors.errors
    );

    // Undo, last run first: every user back as it was.
    for journal in ["line-errors.jsonl", "valid.jsonl"] {
        let out = Command::new(locate(CLI).unwrap())
            .args([
                "directory",
                "--undo",
                "--api",
                &api,
                "--entity",
                "1",
                "--journal",
                &j(journal),
            ])
            .env("PASSERELLE_USER_TOKEN", &token)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        report.push_str(&format!(
            "\n- undo of {journal}: {}",
            String::from_utf8_lossy(&out.stdout).trim()
        ));
    }
    let after_undo = snapshot(&glpi);
    for (table, rows) in &before {
        assert_eq!(&after_undo[table], rows, "{table} after undo");
    }

    // The report.
    let mut mapping_rows = String::from("\n\n## Mapping (default template, `passerelle directory --template mapping`)\n\n| directory column | GLPI |\n| --- | --- |\n");
    let mut in_mapping = false;
    for l in first.stdout.lines() {
        if l == "correspondance :" {
            in_mapping = true;
            continue;
        }
        if in_mapping {
            match l.trim().split_once(" → ") {
                Some((a, b)) => mapping_rows.push_str(&format!("| {a} | {b} |\n")),
                None => break,
            }
        }
    }
    let counts: Vec<&str> = first
        .stdout
        .lines()
        .filter(|l| {
            l.starts_with("vérification")
                || (l.contains(": ")
                    && l.chars().next().is_some_and(char::is_uppercase)
                    && !l.starts_with("Ligne"))
        })
        .collect();
    report.push_str(&format!(
        "{mapping_rows}\n## Figures\n\n- valid.tsv: {} C, {} M, {} S lines; first run {:.1} s (exit {}), with `--verify` and `--passwords` (14 passwords, in the passwords file only);\n- what the first run did and its read-back:\n{}\n- second run of valid.tsv with a new journal: {:.1} s, exit {}, database unchanged (row counts, max ids, max date_mod of every glpi_* table, and the user tables row by row);\n- line-errors.tsv: {:.1} s, exit {}, {} lines with an ERREUR in the error file, every line as EXPECTED.md says;\n- mixed-errors.tsv: phase 1 fails on lines 3, 7, 11, 12, 13, 14, nothing written;\n- undo: users, e-mails, memberships, authorizations, groups, titles and categories identical to before the runs (date_mod and last_login aside);\n- whole test: {:.1} s.\n\n## Error file of line-errors.tsv\n\n```\n{}```\n",
        figures.get("C").unwrap_or(&0),
        figures.get("M").unwrap_or(&0),
        figures.get("S").unwrap_or(&0),
        first.elapsed.as_secs_f64(),
        first.code,
        counts.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n"),
        second.elapsed.as_secs_f64(),
        second.code,
        errors.elapsed.as_secs_f64(),
        errors.code,
        lines_with_errors,
        started.elapsed().as_secs_f64(),
        errors.errors,
    ));
    report.push_str("\n## Decisions and limits\n\n- `passerelle directory` is its own subcommand: a directory file needs the reference exports, the importer's service, the PROFIL/PRIV table and writes an error file; none of `migrate`'s export options applies.\n- CLE goes to `sync_field` by default: the prefecture's `registration_number` already holds its own numbers (`--mapping` with `key_field: registration_number` to change).\n- M writes what the line changes in the directory's record (the reference export), field by field; the service membership is added (or an existing membership in the same level-1 tree moved); missions are added, never removed.\n- S sets `is_deleted` (GLPI's trash; `User` has no mark-deleted hook in 10.0.11, so this is what `DELETE` without purge stores); undo sets it back.\n- A given LOGIN already taken by someone else gets a computed one with an INFO (seed 004 and EXPECTED.md line 8), not a rejection.\n- MEL already present as a non-default address of the user (noel.sylvestre in the dump): e-mails kept with an INFO (GLPI refuses a UserEmail update without its address, and keeps one row per address).\n- VALIDE/PROFIL/PRIV: applied when the session's profile has UPDATE on users and profiles (an approximation of GLPI's rule); otherwise a warning.\n- Not done: entities as the hierarchy option. The page's flow is proven by `tests/directory_page.rs` with the same database checks.\n");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("directory-report.md");
    std::fs::write(&path, &report).unwrap();
    eprintln!("{report}");
}
