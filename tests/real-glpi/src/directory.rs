//! What the HR directory suites (issue 13) check in GLPI's database, shared by the CLI suite
//! (`tests/directory.rs`) and the page's (`tests/directory_page.rs`): the sample files read as
//! the directory writes them, the user tables as text, every user of valid.tsv field by field
//! against its line, the reference export and the mapping (an oracle that does not use the
//! engine), the error file of line-errors.tsv against EXPECTED.md line by line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{shared_dir, RealGlpi};

/// The importer's level-1 service (EXPECTED.md's assumption).
pub const SERVICE: &str = "Préfecture de Guyane";
/// The prefecture's entity in the dump.
pub const ENTITY: u64 = 1;

/// The user tables as text, row by row (see [`snapshot`]).
pub type Snapshot = BTreeMap<&'static str, Vec<String>>;

/// The directory samples' folder.
pub fn samples() -> PathBuf {
    shared_dir().join("samples/directory")
}

/// ISO-8859-1 as the directory writes it: each byte is its code point.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

/// A TSV file as (line number, column → value) rows.
pub fn rows(path: &Path) -> Vec<(u64, BTreeMap<String, String>)> {
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

/// The user tables as text, `date_mod` and `last_login` left out (GLPI sets them on every
/// write, undo included).
pub fn snapshot(glpi: &RealGlpi) -> BTreeMap<&'static str, Vec<String>> {
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

/// A text as an SQL literal.
pub fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// One value of a query (`None`: no row or NULL).
pub fn one(glpi: &RealGlpi, sql: &str) -> Option<String> {
    glpi.query(sql).unwrap().first()?.first()?.clone()
}

/// GLPI 10 stores `<`, `>`, `&` as numeric entities.
pub fn glpi_text(s: Option<String>) -> String {
    s.unwrap_or_default()
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// The login the directory computes from the names (the oracle's own version).
pub fn expected_login(prenom: &str, nom: &str) -> String {
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

/// The GLPI profile and recursion a line's PROFIL and PRIV give through the mapping's
/// correspondence table (empty PROFIL: 1, empty PRIV: 0, as seed 004 says).
pub fn expected_authorization<'m>(
    map: &'m serde_json::Value,
    line: &BTreeMap<String, String>,
) -> (&'m str, bool) {
    let or = |column: &str, default: &'static str| match line[column].as_str() {
        "" => default.to_string(),
        v => v.to_string(),
    };
    let profile = map["profils"][or("PROFIL", "1")].as_str().unwrap();
    let recursive = map["privileges"][or("PRIV", "0")].as_bool().unwrap();
    (profile, recursive)
}

/// Checks every field of a user against a line (C: all of them; M: those the line changes
/// from the directory's record, the others as they were).
pub fn check_user(
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
        let (profile, recursive) = expected_authorization(map, line);
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
pub fn expected_table(section: &str) -> BTreeMap<u64, String> {
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
pub fn error_entries(errors: &str) -> BTreeMap<u64, Vec<String>> {
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

/// Every line of valid.tsv against GLPI's database after its run: C lines created with every
/// field, M lines found by their CLE (kept in the mapping's key field) with what they change,
/// S lines in the trash. Returns the lines per mode, or every problem found.
pub fn check_valid(
    glpi: &RealGlpi,
    map: &serde_json::Value,
    before: &Snapshot,
) -> Result<BTreeMap<&'static str, usize>, String> {
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
                    glpi,
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
                check_user(glpi, map, &id, &line, None, before, &mut problems);
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
                    glpi,
                    &format!(
                        "SELECT id FROM glpi_users WHERE name = {}",
                        sql_text(&record["LOGIN"])
                    ),
                )
                .unwrap();
                let key = one(
                    glpi,
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
                check_user(glpi, map, &id, &line, Some(record), before, &mut problems);
                *figures.entry("M").or_insert(0) += 1;
            }
            "S" => {
                let login = line["LOGIN"].to_lowercase();
                let deleted = one(
                    glpi,
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
    if problems.is_empty() {
        Ok(figures)
    } else {
        Err(problems.join("\n"))
    }
}

/// The error file of line-errors.tsv against EXPECTED.md, line by line (the severities each
/// line must and must not have), and its accepted C lines created in GLPI. Returns the
/// mismatches and the number of lines with an ERREUR.
pub fn check_line_errors(glpi: &RealGlpi, errors: &str) -> (Vec<String>, usize) {
    let got = error_entries(errors);
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
    let lines_with_errors = got
        .values()
        .filter(|l| l.iter().any(|s| s == "ERREUR"))
        .count();
    (mismatches, lines_with_errors)
}
