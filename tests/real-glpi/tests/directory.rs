//! The HR directory import (seed 004, issue 13) against a REAL GLPI 10.0.11 loaded with the
//! prefecture's database: the sample files of ../shared/samples/directory/ through the real
//! proxy and `passerelle directory`, then GLPI's database read back with SQL and compared with
//! the files, the reference export and the mapping (an oracle that does not use the engine):
//! users, titles, categories, groups, memberships, authorizations and e-mails one by one; the
//! error file against EXPECTED.md line by line; a second run of valid.tsv writes nothing; undo
//! gives every user back. The figures go to tests/real-glpi/directory-report.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use real_glpi::migration::{locate, temp_dir, write_fingerprint, RunningProxy, CLI};
use real_glpi::{prefecture_dump, shared_dir, Instance, RealGlpi};

/// This suite's own GLPI (port 8103 only: the other suites use the others).
const INSTANCE: Instance = Instance::new("directory", 8103);
/// The prefecture's entity in the dump.
const ENTITY: u64 = 1;
const SERVICE: &str = "Préfecture de Guyane";

fn samples() -> PathBuf {
    shared_dir().join("samples/directory")
}

/// ISO-8859-1 as the directory writes it: each byte is its code point.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

/// A TSV file as (line number, column → value) rows.
fn rows(path: &Path) -> Vec<(u64, BTreeMap<String, String>)> {
    let text = latin1(&std::fs::read(path).unwrap());
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split('\t')
        .map(str::to_string)
        .collect();
    lines
        .enumerate()
        .map(|(i, l)| {
            let cells: Vec<&str> = l.split('\t').collect();
            let row = header
                .iter()
                .enumerate()
                .map(|(j, h)| (h.clone(), cells.get(j).unwrap_or(&"").trim().to_string()))
                .collect();
            ((i + 2) as u64, row)
        })
        .collect()
}

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

/// The user tables as text, `date_mod` and `last_login` left out (GLPI sets them on every
/// write, undo included).
fn snapshot(glpi: &RealGlpi) -> BTreeMap<&'static str, Vec<String>> {
    let tables: [(&str, &str); 7] = [
        ("glpi_users", "id, name, password, realname, firstname, phone, phone2, mobile, comment, is_active, is_deleted, usertitles_id, usercategories_id, locations_id, entities_id, profiles_id, groups_id, registration_number, sync_field, authtype"),
        ("glpi_useremails", "*"),
        ("glpi_groups_users", "*"),
        ("glpi_profiles_users", "*"),
        ("glpi_groups", "id, name, completename, groups_id, entities_id, is_recursive"),
        ("glpi_usertitles", "id, name"),
        ("glpi_usercategories", "id, name"),
    ];
    tables
        .iter()
        .map(|(t, cols)| {
            let rows = glpi
                .query(&format!("SELECT {cols} FROM {t} ORDER BY id"))
                .unwrap()
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|c| c.unwrap_or_else(|| "NULL".into()))
                        .collect::<Vec<_>>()
                        .join("\t")
                })
                .collect();
            (*t, rows)
        })
        .collect()
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// One value of a query (`None`: no row or NULL).
fn one(glpi: &RealGlpi, sql: &str) -> Option<String> {
    glpi.query(sql).unwrap().first()?.first()?.clone()
}

/// GLPI 10 stores `<`, `>`, `&` as numeric entities.
fn glpi_text(s: Option<String>) -> String {
    s.unwrap_or_default()
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// The login the directory computes from the names (the oracle's own version).
fn expected_login(prenom: &str, nom: &str) -> String {
    let fold = |s: &str| -> String {
        s.to_lowercase()
            .chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'à' | 'â' | 'ä' => 'a',
                'î' | 'ï' => 'i',
                'ô' | 'ö' => 'o',
                'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                ' ' => '-',
                c => c,
            })
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    format!("{}.{}", fold(prenom), fold(nom))
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

/// Checks every field of a user against a line (C: all of them; M: those the line changes
/// from the directory's record, the others as they were).
fn check_user(
    glpi: &RealGlpi,
    map: &serde_json::Value,
    id: &str,
    line: &BTreeMap<String, String>,
    record: Option<&BTreeMap<String, String>>,
    before: &BTreeMap<&'static str, Vec<String>>,
    problems: &mut Vec<String>,
) {
    let changed = |c: &str| match record {
        None => true,
        Some(r) => {
            let (old, new) = (r.get(c).cloned().unwrap_or_default(), line[c].clone());
            if c == "NOM" || c == "PRENOM" {
                old.to_lowercase() != new.to_lowercase()
            } else {
                old != new
            }
        }
    };
    let field = |f: &str| {
        glpi_text(one(
            glpi,
            &format!("SELECT {f} FROM glpi_users WHERE id = {id}"),
        ))
    };
    let before_user: Option<&String> = before["glpi_users"]
        .iter()
        .find(|r| r.split('\t').next() == Some(id));
    let login = field("name");
    for (column, f) in [
        ("NOM", "realname"),
        ("PRENOM", "firstname"),
        ("TEL_FIXE", "phone"),
        ("TEL_MOBILE", "mobile"),
        ("COMMENTAIRE", "comment"),
    ] {
        if changed(column) {
            if field(f) != line[column] {
                problems.push(format!(
                    "{login}: {f} = « {} », fichier « {} »",
                    field(f),
                    line[column]
                ));
            }
        } else if let Some(b) = before_user {
            let cols = [
                "id",
                "name",
                "password",
                "realname",
                "firstname",
                "phone",
                "phone2",
                "mobile",
                "comment",
            ];
            let i = cols.iter().position(|c| *c == f).unwrap();
            let was = b.split('\t').nth(i).unwrap_or("");
            let now = one(glpi, &format!("SELECT {f} FROM glpi_users WHERE id = {id}"))
                .unwrap_or_else(|| "NULL".into());
            if was != now {
                problems.push(format!(
                    "{login}: {f} changé sans raison (« {was} » → « {now} »)"
                ));
            }
        }
    }
    for (column, target) in [
        ("CIVILITE", &map["civilite"]),
        ("FONCTION", &map["fonction"]),
    ] {
        let (table, f) = match target.as_str() {
            Some("title") => ("glpi_usertitles", "usertitles_id"),
            Some("category") => ("glpi_usercategories", "usercategories_id"),
            _ => continue,
        };
        if !changed(column) {
            continue;
        }
        let name = glpi_text(one(
            glpi,
            &format!(
                "SELECT t.name FROM glpi_users u JOIN {table} t ON t.id = u.{f} WHERE u.id = {id}"
            ),
        ));
        if name != line[column] {
            problems.push(format!(
                "{login}: {column} → {table} « {name} », fichier « {} »",
                line[column]
            ));
        }
    }
    if changed("MEL") && !line["MEL"].is_empty() {
        let default = one(
            glpi,
            &format!("SELECT email FROM glpi_useremails WHERE users_id = {id} AND is_default = 1"),
        )
        .unwrap_or_default();
        let any = glpi
            .count(&format!(
                "SELECT COUNT(*) FROM glpi_useremails WHERE users_id = {id} AND email = {}",
                sql_text(&line["MEL"])
            ))
            .unwrap();
        if default != line["MEL"] && any == 0 {
            problems.push(format!(
                "{login}: adresse par défaut « {default} », fichier « {} »",
                line["MEL"]
            ));
        }
    }
    // The service: a membership in the deepest group of the SERV_NIV path.
    let path: Vec<&str> = ["SERV_NIV1", "SERV_NIV2", "SERV_NIV3", "SERV_NIV4"]
        .iter()
        .filter_map(|c| line.get(*c).map(String::as_str))
        .take_while(|v| !v.is_empty())
        .collect();
    let member = |completename: &str| {
        glpi.count(&format!(
            "SELECT COUNT(*) FROM glpi_groups_users gu JOIN glpi_groups g ON g.id = gu.groups_id \
             WHERE gu.users_id = {id} AND g.completename = {}",
            sql_text(completename)
        ))
        .unwrap()
    };
    if member(&path.join(" > ")) != 1 {
        problems.push(format!("{login}: pas membre de « {} »", path.join(" > ")));
    }
    for m in ["MISSION1", "MISSION2", "MISSION3"] {
        if let Some(v) = line.get(m).filter(|v| !v.is_empty()) {
            let g = format!("{} > {v}", map["missions_group"].as_str().unwrap());
            if member(&g) != 1 {
                problems.push(format!("{login}: pas membre de la mission « {g} »"));
            }
        }
    }
    // Missions are added, never removed: every membership of before is still there.
    for r in &before["glpi_groups_users"] {
        let c: Vec<&str> = r.split('\t').collect();
        if c[1] == id
            && glpi
                .count(&format!("SELECT COUNT(*) FROM glpi_groups_users WHERE users_id = {id} AND id = {}", c[0]))
                .unwrap()
                == 0
            && glpi
                .count(&format!("SELECT COUNT(*) FROM glpi_groups_users WHERE users_id = {id} AND groups_id = {}", c[2]))
                .unwrap()
                == 0
        {
            // A service membership may have been moved to the new service group.
            let moved = glpi
                .count(&format!("SELECT COUNT(*) FROM glpi_groups_users WHERE id = {}", c[0]))
                .unwrap();
            if moved == 0 {
                problems.push(format!("{login}: appartenance {r} retirée"));
            }
        }
    }
    // The authorization when PROFIL/PRIV are new (C) or changed (M).
    if changed("PROFIL") || changed("PRIV") {
        let profil = if line["PROFIL"].is_empty() {
            "1"
        } else {
            &line["PROFIL"]
        };
        let priv_ = if line["PRIV"].is_empty() {
            "0"
        } else {
            &line["PRIV"]
        };
        let profile = map["profils"][profil].as_str().unwrap();
        let recursive = map["privileges"][priv_].as_bool().unwrap();
        let found = glpi
            .count(&format!(
                "SELECT COUNT(*) FROM glpi_profiles_users pu JOIN glpi_profiles p ON p.id = pu.profiles_id \
                 WHERE pu.users_id = {id} AND pu.entities_id = {ENTITY} AND p.name = {} AND pu.is_recursive = {}",
                sql_text(profile),
                u8::from(recursive)
            ))
            .unwrap();
        let all = glpi
            .count(&format!("SELECT COUNT(*) FROM glpi_profiles_users WHERE users_id = {id} AND entities_id = {ENTITY}"))
            .unwrap();
        if found != 1 || all != 1 {
            problems.push(format!("{login}: habilitation « {profile} » récursive={recursive} : {found} trouvée(s) sur {all}"));
        }
    }
}

/// Per line of an EXPECTED.md table: the severities it names and whether it says « — ».
fn expected_table(section: &str) -> BTreeMap<u64, String> {
    let text = std::fs::read_to_string(samples().join("EXPECTED.md")).unwrap();
    let start = text.find(section).unwrap();
    let rest = &text[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end]
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let line: u64 = cells.get(1)?.parse().ok()?;
            Some((line, cells[cells.len() - 2].to_string()))
        })
        .collect()
}

/// The error file's entries per line: severities.
fn error_entries(errors: &str) -> BTreeMap<u64, Vec<String>> {
    let mut out: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for l in errors.lines() {
        let Some(rest) = l.strip_prefix("Ligne ") else {
            continue;
        };
        let mut parts = rest.splitn(3, " : ");
        let n: u64 = parts.next().unwrap().parse().unwrap();
        out.entry(n)
            .or_default()
            .push(parts.next().unwrap().to_string());
    }
    out
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
    let records: BTreeMap<String, BTreeMap<String, String>> =
        rows(&samples().join("reference/annuaire-export.tsv"))
            .into_iter()
            .map(|(_, r)| (r["CLE"].clone(), r))
            .collect();
    let mut problems = Vec::new();
    let mut figures = BTreeMap::new();
    for (n, line) in rows(&samples().join("valid.tsv")) {
        match line["MODE"].as_str() {
            "C" => {
                let login = if line["LOGIN"].is_empty() {
                    expected_login(&line["PRENOM"], &line["NOM"])
                } else {
                    line["LOGIN"].clone()
                };
                let Some(id) = one(
                    &glpi,
                    &format!(
                        "SELECT id FROM glpi_users WHERE name = {} AND is_deleted = 0",
                        sql_text(&login)
                    ),
                ) else {
                    problems.push(format!("ligne {n}: {login} absent"));
                    continue;
                };
                if before["glpi_users"]
                    .iter()
                    .any(|r| r.split('\t').next() == Some(id.as_str()))
                {
                    problems.push(format!("ligne {n}: {login} existait déjà"));
                }
                check_user(&glpi, &map, &id, &line, None, &before, &mut problems);
                *figures.entry("C").or_insert(0) += 1;
            }
            "M" => {
                let record = if line["CLE"].is_empty() {
                    records.values().find(|r| {
                        r["NOM"].to_lowercase() == line["NOM"].to_lowercase()
                            && r["PRENOM"].to_lowercase() == line["PRENOM"].to_lowercase()
                    })
                } else {
                    records.get(&line["CLE"])
                }
                .unwrap();
                let id = one(
                    &glpi,
                    &format!(
                        "SELECT id FROM glpi_users WHERE name = {}",
                        sql_text(&record["LOGIN"])
                    ),
                )
                .unwrap();
                let key = one(
                    &glpi,
                    &format!(
                        "SELECT {} FROM glpi_users WHERE id = {id}",
                        map["key_field"].as_str().unwrap()
                    ),
                )
                .unwrap_or_default();
                if key != record["CLE"] {
                    problems.push(format!(
                        "ligne {n}: CLE « {key} » au lieu de {}",
                        record["CLE"]
                    ));
                }
                check_user(
                    &glpi,
                    &map,
                    &id,
                    &line,
                    Some(record),
                    &before,
                    &mut problems,
                );
                *figures.entry("M").or_insert(0) += 1;
            }
            "S" => {
                let login = line["LOGIN"].to_lowercase();
                let deleted = one(
                    &glpi,
                    &format!(
                        "SELECT is_deleted FROM glpi_users WHERE name = {}",
                        sql_text(&login)
                    ),
                );
                if deleted.as_deref() != Some("1") {
                    problems.push(format!(
                        "ligne {n}: {login} pas dans la corbeille ({deleted:?})"
                    ));
                }
                *figures.entry("S").or_insert(0) += 1;
            }
            other => problems.push(format!("ligne {n}: mode {other}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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
    let got = error_entries(&errors.errors);
    let mut mismatches = Vec::new();
    for (line, expected) in expected_table("## line-errors.tsv") {
        let has = |s: &str| got.get(&line).is_some_and(|l| l.iter().any(|x| x == s));
        let count = |s: &str| {
            got.get(&line)
                .map_or(0, |l| l.iter().filter(|x| *x == s).count())
        };
        let ok = if expected.contains("ERREUR") {
            has("ERREUR")
        } else {
            !has("ERREUR")
                && count("AVERTISSEMENT") == expected.matches("AVERTISSEMENT").count()
                && has("INFO") == expected.contains("INFO")
        };
        if !ok {
            mismatches.push(format!(
                "ligne {line}: attendu « {expected} », fichier {:?}",
                got.get(&line)
            ));
        }
        // Rejected lines write nothing; the others are carried out.
        let login = rows(&samples().join("line-errors.tsv"))
            .into_iter()
            .find(|(n, _)| *n == line)
            .map(|(_, r)| r)
            .unwrap();
        if login["MODE"] == "C" && !expected.contains("ERREUR") && !login["LOGIN"].is_empty() {
            let found = glpi
                .count(&format!(
                    "SELECT COUNT(*) FROM glpi_users WHERE realname = {} AND firstname = {}",
                    sql_text(&login["NOM"]),
                    sql_text(&login["PRENOM"])
                ))
                .unwrap();
            if found == 0 {
                mismatches.push(format!(
                    "ligne {line}: {} {} non créé",
                    login["NOM"], login["PRENOM"]
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n{}",
        mismatches.join("\n"),
        errors.errors
    );
    let lines_with_errors = got
        .values()
        .filter(|l| l.iter().any(|s| s == "ERREUR"))
        .count();

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
    report.push_str("\n## Decisions and limits\n\n- `passerelle directory` is its own subcommand: a directory file needs the reference exports, the importer's service, the PROFIL/PRIV table and writes an error file; none of `migrate`'s export options applies.\n- CLE goes to `sync_field` by default: the prefecture's `registration_number` already holds its own numbers (`--mapping` with `key_field: registration_number` to change).\n- M writes what the line changes in the directory's record (the reference export), field by field; the service membership is added (or an existing membership in the same level-1 tree moved); missions are added, never removed.\n- S sets `is_deleted` (GLPI's trash; `User` has no mark-deleted hook in 10.0.11, so this is what `DELETE` without purge stores); undo sets it back.\n- A given LOGIN already taken by someone else gets a computed one with an INFO (seed 004 and EXPECTED.md line 8), not a rejection.\n- MEL already present as a non-default address of the user (noel.sylvestre in the dump): e-mails kept with an INFO (GLPI refuses a UserEmail update without its address, and keeps one row per address).\n- VALIDE/PROFIL/PRIV: applied when the session's profile has UPDATE on users and profiles (an approximation of GLPI's rule); otherwise a warning.\n- Not done: entities as the hierarchy option; the page (headless Chromium).\n");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("directory-report.md");
    std::fs::write(&path, &report).unwrap();
    eprintln!("{report}");
}
