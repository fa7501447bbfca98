//! The HR directory import (seed 004, issue 13) against a REAL GLPI 10.0.11 loaded with the
//! prefecture's database: the sample files of ../shared/samples/directory/ through the real
//! proxy and `passerelle directory`, then GLPI's database read back with SQL and compared with
//! the files, the reference export and the mapping (an oracle that does not use the engine):
//! users, titles, categories, groups, memberships, authorizations and e-mails one by one; the
//! error file against EXPECTED.md line by line; a second run of valid.tsv writes nothing; undo
//! gives every user back. The figures go to target/tmp/directory-report.md (a recorded run is
//! tests/real-glpi/directory-report.md).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use real_glpi::directory::{
    check_line_errors, check_valid, error_entries, expected_authorization, one, samples, snapshot,
    sql_text, SERVICE,
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
    report.push_str("\n## Decisions and limits\n\n- `passerelle directory` is its own subcommand: a directory file needs the reference exports, the importer's service, the PROFIL/PRIV table and writes an error file; none of `migrate`'s export options applies.\n- CLE goes to `sync_field` by default: the prefecture's `registration_number` already holds its own numbers (`--mapping` with `key_field: registration_number` to change).\n- M writes what the line changes in the directory's record (the reference export), field by field; the service membership is added (or an existing membership in the same level-1 tree moved); missions are added, never removed.\n- S sets `is_deleted` (GLPI's trash; `User` has no mark-deleted hook in 10.0.11, so this is what `DELETE` without purge stores); undo sets it back.\n- A given LOGIN already taken by someone else gets a computed one with an INFO (seed 004 and EXPECTED.md line 8), not a rejection.\n- MEL already present as a non-default address of the user (noel.sylvestre in the dump): e-mails kept with an INFO (GLPI refuses a UserEmail update without its address, and keeps one row per address).\n- VALIDE/PROFIL/PRIV: applied when the session has more rights than the user (GLPI's `User::currentUserHaveMoreRightThan`: every profile of the user's authorizations under the session's, or the session may create profiles) and, for a new authorization, than its profile; otherwise a warning and the rest of the line applies (proven with an Admin session against a Super-Admin user by `only_a_session_with_more_rights_changes_valide_profil_priv`).\n- Entities as the hierarchy option (`--hierarchy entities` or `hierarchy: entities` in the template): proven by `entities_option_builds_the_entity_tree_and_undo_removes_it`. The page's flow is proven by `tests/directory_page.rs` with the same database checks.\n");
    // Each run's figures go to cargo's scratch folder, not to the tracked copy: a clone stays
    // unmodified after the suite (tests/real-glpi/directory-report.md is a recorded run).
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("directory-report.md");
    std::fs::write(&path, &report).unwrap();
    eprintln!("report written to {}", path.display());
    eprintln!("{report}");
}

/// The entity tree (name → (id, parent, completename)) of GLPI's database.
fn entities(glpi: &RealGlpi) -> Vec<(String, String, String, String)> {
    glpi.query(
        "SELECT id, name, IFNULL(entities_id, 'NULL'), completename FROM glpi_entities ORDER BY id",
    )
    .unwrap()
    .into_iter()
    .map(|r| {
        let c = |i: usize| r[i].clone().unwrap_or_default();
        (c(0), c(1), c(2), c(3))
    })
    .collect()
}

/// The entities option (`--hierarchy entities`): valid.tsv's SERV_NIV paths become a tree of
/// entities under the session's entity (the prefecture's, named as SERV_NIV1: it is that
/// entity), created level by level with the right parents and complete names; each created
/// user gets the deepest as its entity with its one authorization there (profile and recursion
/// from the correspondence table), each modified user's authorization is moved there; no
/// service group is made; a second run writes nothing; undo removes the entities it created.
#[test]
fn entities_option_builds_the_entity_tree_and_undo_removes_it() {
    let glpi = RealGlpi::loaded(INSTANCE, &prefecture_dump()).unwrap();
    let proxy = RunningProxy::start(&glpi, None).unwrap();
    let api = proxy.api_url();
    let token = glpi.user_token.clone();
    let dir = temp_dir("directory-entities").unwrap();
    let map = mapping(&api, &token);
    let before = snapshot(&glpi);
    let entities_before = entities(&glpi);
    let groups_before = glpi
        .count(&format!(
            "SELECT COUNT(*) FROM glpi_groups WHERE completename LIKE {}",
            sql_text(&format!("{SERVICE}%"))
        ))
        .unwrap();
    let f = samples().join("valid.tsv").display().to_string();
    let journal = dir.join("entities.jsonl").display().to_string();
    let first = run(
        &api,
        &token,
        &dir,
        &[
            &f,
            "--journal",
            &journal,
            "--hierarchy",
            "entities",
            "--verify",
        ],
    );
    assert_eq!(
        first.code, 0,
        "{}{}\n{}",
        first.stdout, first.stderr, first.errors
    );
    assert!(first.stdout.contains("arbre d'entités"), "{}", first.stdout);

    // The tree: every prefix of every path, with its parent and complete name.
    let root = "Root Entity > Préfecture de Guyane";
    let by_completename = |c: &str| {
        one(
            &glpi,
            &format!(
                "SELECT CONCAT(id, '|', name, '|', entities_id) FROM glpi_entities WHERE completename = {}",
                sql_text(c)
            ),
        )
    };
    let mut problems = Vec::new();
    let mut made = std::collections::BTreeSet::new();
    for (n, line) in real_glpi::directory::rows(&samples().join("valid.tsv")) {
        if line["MODE"] == "S" {
            continue;
        }
        let path: Vec<&str> = ["SERV_NIV2", "SERV_NIV3", "SERV_NIV4"]
            .iter()
            .filter_map(|c| line.get(*c).map(String::as_str))
            .take_while(|v| !v.is_empty())
            .collect();
        assert_eq!(line["SERV_NIV1"], SERVICE);
        let mut parent = "1".to_string();
        let mut completename = root.to_string();
        for seg in &path {
            completename = format!("{completename} > {seg}");
            match by_completename(&completename) {
                Some(row) => {
                    let cells: Vec<&str> = row.split('|').collect();
                    if cells[1] != *seg || cells[2] != parent {
                        problems.push(format!("ligne {n}: entité {completename} = {row}"));
                    }
                    parent = cells[0].to_string();
                    made.insert(completename.clone());
                }
                None => {
                    problems.push(format!("ligne {n}: entité {completename} absente"));
                    break;
                }
            }
        }
        // The user's authorization (and, created, its entity).
        let login = match (line["MODE"].as_str(), line["LOGIN"].is_empty()) {
            ("C", true) => real_glpi::directory::expected_login(&line["PRENOM"], &line["NOM"]),
            (_, false) => line["LOGIN"].to_lowercase(),
            _ => {
                let name = format!(
                    "SELECT name FROM glpi_users WHERE realname = {} AND firstname = {}",
                    sql_text(&line["NOM"]),
                    sql_text(&line["PRENOM"])
                );
                one(&glpi, &name).unwrap_or_default()
            }
        };
        let id = one(
            &glpi,
            &format!(
                "SELECT id FROM glpi_users WHERE name = {}",
                sql_text(&login)
            ),
        )
        .unwrap_or_default();
        let auths = glpi
            .query(&format!(
                "SELECT p.name, pu.entities_id, pu.is_recursive FROM glpi_profiles_users pu \
                 JOIN glpi_profiles p ON p.id = pu.profiles_id WHERE pu.users_id = {id}"
            ))
            .unwrap();
        let auths: Vec<(String, String, String)> = auths
            .into_iter()
            .map(|r| {
                let c = |i: usize| r[i].clone().unwrap_or_default();
                (c(0), c(1), c(2))
            })
            .collect();
        if line["MODE"] == "C" {
            let (profile, recursive) = expected_authorization(&map, &line);
            let expected = (
                profile.to_string(),
                parent.clone(),
                u8::from(recursive).to_string(),
            );
            if auths != vec![expected.clone()] {
                problems.push(format!(
                    "ligne {n}: {login} habilitations {auths:?}, attendu {expected:?}"
                ));
            }
            let entity = one(
                &glpi,
                &format!("SELECT entities_id FROM glpi_users WHERE id = {id}"),
            );
            if entity.as_deref() != Some(parent.as_str()) {
                problems.push(format!(
                    "ligne {n}: {login} entité {entity:?}, attendu {parent}"
                ));
            }
        } else if !auths.iter().any(|(_, e, _)| *e == parent) {
            problems.push(format!(
                "ligne {n}: {login} sans habilitation dans {completename} ({auths:?})"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let after = entities(&glpi);
    assert_eq!(
        after.len(),
        entities_before.len() + made.len(),
        "only the paths' entities are created: {after:?}"
    );
    let service_groups = || {
        glpi.count(&format!(
            "SELECT COUNT(*) FROM glpi_groups WHERE completename LIKE {}",
            sql_text(&format!("{SERVICE}%"))
        ))
        .unwrap()
    };
    assert_eq!(
        service_groups(),
        groups_before,
        "no service group with the entities option"
    );

    // A second run writes nothing.
    let fingerprint = write_fingerprint(&glpi.instance.db_name()).unwrap();
    let again = run(
        &api,
        &token,
        &dir,
        &[
            &f,
            "--journal",
            &dir.join("entities-2.jsonl").display().to_string(),
            "--hierarchy",
            "entities",
        ],
    );
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert_eq!(
        write_fingerprint(&glpi.instance.db_name()).unwrap(),
        fingerprint,
        "{}",
        again.stdout
    );

    // Undo: the entities it created are gone, every user as it was.
    let out = Command::new(locate(CLI).unwrap())
        .args([
            "directory",
            "--undo",
            "--api",
            &api,
            "--entity",
            "1",
            "--journal",
            &journal,
        ])
        .env("PASSERELLE_USER_TOKEN", &token)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(entities(&glpi), entities_before, "entities after undo");
    let after_undo = snapshot(&glpi);
    for (table, rows) in &before {
        assert_eq!(&after_undo[table], rows, "{table} after undo");
    }
}

/// GLPI's "more rights than" rule on M lines, with a session of the Admin profile (which may
/// not administer profiles): VALIDE, PROFIL and PRIV of a Super-Admin user are left with a
/// warning while the rest of its line applies; those of Technicians (a profile under Admin's
/// rights) change. The same file with the Super-Admin session changes the Super-Admin user too.
#[test]
fn only_a_session_with_more_rights_changes_valide_profil_priv() {
    let glpi = RealGlpi::loaded(INSTANCE, &prefecture_dump()).unwrap();
    let proxy = RunningProxy::start(&glpi, None).unwrap();
    let api = proxy.api_url();
    let dir = temp_dir("directory-rights").unwrap();
    // An Admin session: a user with the Admin profile only, on the root entity, recursive.
    let admin_token = "dirrightsadmintoken0000000000000000000001";
    let db = glpi.instance.db_name();
    for sql in [
        format!("INSERT INTO glpi_users (name, authtype, is_active, entities_id, profiles_id, api_token, api_token_date) VALUES ('dir-admin', 1, 1, 0, 3, '{admin_token}', NOW())"),
        "INSERT INTO glpi_profiles_users (users_id, profiles_id, entities_id, is_recursive) SELECT id, 3, 0, 1 FROM glpi_users WHERE name = 'dir-admin'".to_string(),
    ] {
        real_glpi::query(&db, &sql).unwrap();
    }
    let profile_of = |login: &str| {
        one(&glpi, &format!("SELECT GROUP_CONCAT(p.name) FROM glpi_profiles_users pu JOIN glpi_profiles p ON p.id = pu.profiles_id JOIN glpi_users u ON u.id = pu.users_id WHERE u.name = {}", sql_text(login))).unwrap_or_default()
    };
    assert_eq!(profile_of("mathieu.geraud"), "Super-Admin");
    assert_eq!(profile_of("rodolphe.celestine"), "Technician");
    assert_eq!(profile_of("jerome.lefevre"), "Technician");
    // M lines (ISO-8859-1): geraud (Super-Admin) and celestine deactivated with a new phone;
    // lefevre's PRIV 0 → 1 (recursive) with a new phone.
    let text = format!(
        "MODE\tCLE\tPROFIL\tPRIV\tNOM\tPRENOM\tLOGIN\tSERV_NIV1\tTEL_FIXE\tVALIDE\r\n\
         M\t104512\t4\t2\tGéraud\tMathieu\tmathieu.geraud\t{SERVICE}\t05 94 00 00 01\t0\r\n\
         M\t104523\t2\t0\tCélestine\tRodolphe\trodolphe.celestine\t{SERVICE}\t05 94 00 00 02\t0\r\n\
         M\t104531\t2\t1\tLefèvre\tJérôme\tjerome.lefevre\t{SERVICE}\t05 94 00 00 03\t1\r\n"
    );
    let file = dir.join("rights.tsv");
    std::fs::write(&file, text.chars().map(|c| c as u8).collect::<Vec<u8>>()).unwrap();
    let f = file.display().to_string();
    let field = |login: &str, f: &str| {
        one(
            &glpi,
            &format!(
                "SELECT {f} FROM glpi_users WHERE name = {}",
                sql_text(login)
            ),
        )
        .unwrap_or_default()
    };
    let recursive = |login: &str| {
        one(&glpi, &format!("SELECT pu.is_recursive FROM glpi_profiles_users pu JOIN glpi_users u ON u.id = pu.users_id WHERE u.name = {}", sql_text(login))).unwrap_or_default()
    };
    let admin = run(
        &api,
        admin_token,
        &dir,
        &[
            &f,
            "--journal",
            &dir.join("admin.jsonl").display().to_string(),
            "--verify",
        ],
    );
    let entries = error_entries(&admin.errors);
    assert!(
        entries.get(&2).is_some_and(|l| l == &["AVERTISSEMENT"]) && admin.errors.contains("VALIDE"),
        "{}\n{}{}",
        admin.errors,
        admin.stdout,
        admin.stderr
    );
    assert!(
        !entries.contains_key(&3) && !entries.contains_key(&4),
        "{}",
        admin.errors
    );
    assert_eq!(admin.code, 0, "{}{}", admin.stdout, admin.stderr);
    // The Super-Admin: active still, its phone changed; the Technicians: as the file says.
    assert_eq!(field("mathieu.geraud", "is_active"), "1");
    assert_eq!(field("mathieu.geraud", "phone"), "05 94 00 00 01");
    assert_eq!(field("rodolphe.celestine", "is_active"), "0");
    assert_eq!(field("rodolphe.celestine", "phone"), "05 94 00 00 02");
    assert_eq!(field("jerome.lefevre", "phone"), "05 94 00 00 03");
    assert_eq!(recursive("jerome.lefevre"), "1");
    assert_eq!(profile_of("jerome.lefevre"), "Technician");

    // The Super-Admin session may: the Super-Admin user is deactivated, no warning.
    let token = glpi.user_token.clone();
    let sa = run(
        &api,
        &token,
        &dir,
        &[&f, "--journal", &dir.join("sa.jsonl").display().to_string()],
    );
    assert_eq!(sa.code, 0, "{}{}\n{}", sa.stdout, sa.stderr, sa.errors);
    assert!(!error_entries(&sa.errors).contains_key(&2), "{}", sa.errors);
    assert_eq!(field("mathieu.geraud", "is_active"), "0");
}
