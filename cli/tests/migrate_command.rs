//! `passerelle migrate` against the GLPI sandbox: real samples, dry-run, rights, companion
//! files, undo, and the fault test (10,000 rows, 5% 500s, 2% dropped connections, session expiry
//! every 500 calls, the run killed twice and resumed).

mod common;
use common::{samples, SAMPLE_FILES};
use glpi_sandbox::{Faults, SandboxConfig, DEMO_APP_TOKEN, DEMO_TECH_TOKEN, DEMO_USER_TOKEN};
use passerelle_engine::migrate::journal::{Journal, Outcome};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

struct Sandbox {
    running: glpi_sandbox::RunningSandbox,
    http: reqwest::Client,
}

impl Sandbox {
    async fn start(faults: Faults) -> Sandbox {
        Sandbox::start_with(SandboxConfig {
            faults,
            ..SandboxConfig::default()
        })
        .await
    }

    async fn start_with(config: SandboxConfig) -> Sandbox {
        let running = glpi_sandbox::spawn(config, "127.0.0.1:0".parse().unwrap())
            .await
            .expect("sandbox starts");
        Sandbox {
            running,
            http: reqwest::Client::new(),
        }
    }

    async fn admin(&self, what: &str) -> Value {
        self.http
            .get(format!("{}/{what}", self.running.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn dump(&self) -> BTreeMap<String, Vec<Map<String, Value>>> {
        let d = self.admin("dump").await;
        d.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(|i| i.as_object().unwrap().clone())
                        .collect(),
                )
            })
            .collect()
    }

    async fn set_faults(&self, faults: Value) {
        let r = self
            .http
            .post(format!("{}/faults", self.running.admin_url()))
            .json(&faults)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
}

fn command(sandbox: &Sandbox, token: &str, args: &[&str]) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_passerelle"));
    c.arg("migrate")
        .arg("--api")
        .arg(sandbox.running.api_url())
        .arg("--max-calls-per-second")
        .arg("0")
        .arg("--backoff-ms")
        .arg("5")
        .args(args)
        .env("PASSERELLE_GLPI_APP_TOKEN", DEMO_APP_TOKEN)
        .env("PASSERELLE_USER_TOKEN", token)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    c
}

async fn run(sandbox: &Sandbox, token: &str, args: &[&str]) -> (i32, String, String) {
    let out = command(sandbox, token, args).output().await.expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sample_args(journal: &Path) -> Vec<String> {
    let mut v = vec!["--journal".to_string(), journal.display().to_string()];
    for f in SAMPLE_FILES {
        v.push(samples().join(f).display().to_string());
    }
    v
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn count(dump: &BTreeMap<String, Vec<Map<String, Value>>>, t: &str) -> usize {
    dump.get(t).map(Vec::len).unwrap_or(0)
}

fn writes(counters: &Value) -> u64 {
    counters["calls"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| {
            k.starts_with("POST ") || k.starts_with("PUT ") || k.starts_with("DELETE ")
        })
        .filter(|(k, _)| !k.contains("initSession") && !k.contains("changeActive"))
        .map(|(_, v)| v.as_u64().unwrap())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_samples_migrate_verify_and_a_second_run_creates_nothing() {
    samples_migrate_verify_second_run_and_undo("10.0.11").await;
}

/// The same migration into the sandbox's GLPI 11 mode (raw text, asset groups as lists, only
/// single GETs showing them): the groups are verified too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_samples_into_glpi_11_verify_clean_groups_included() {
    samples_migrate_verify_second_run_and_undo("11.0.6").await;
}

async fn samples_migrate_verify_second_run_and_undo(glpi_version: &str) {
    let sb = Sandbox::start_with(SandboxConfig {
        glpi_version: glpi_version.into(),
        ..SandboxConfig::default()
    })
    .await;
    let before = sb.dump().await;
    let dir = tempdir();
    let journal = dir.join("j.jsonl");
    let mut args = sample_args(&journal);
    args.push("--verify".into());
    args.push("--report-csv".into());
    args.push(dir.join("report.csv").display().to_string());
    let (code, out, err) = run(&sb, DEMO_USER_TOKEN, &strs(&args)).await;
    // Three rows name the homonym "Joseph Céline": the two computers say which one in their
    // Usager column; the monitor does not and is rejected, never guessed.
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("Computer: 120 créé"), "{out}");
    assert!(out.contains("Monitor: 39 créé, 1 rejeté"), "{out}");
    assert!(
        out.contains("vérification Computer: 120 attendus, 120 trouvés, 120 identiques"),
        "{out}"
    );
    // What GLPI keeps apart from the computer is there too, and verified.
    for t in ["Item_OperatingSystem", "Infocom"] {
        assert!(
            out.contains(&format!(
                "vérification {t}: 120 attendus, 120 trouvés, 120 identiques"
            )),
            "{out}"
        );
    }
    assert!(!out.contains("différence"), "{out}");
    let major = &glpi_version[..glpi_version.find('.').unwrap()];
    assert!(err.contains(&format!("GLPI cible : GLPI {major}")), "{err}");
    let after = sb.dump().await;
    assert_eq!(count(&after, "Computer"), count(&before, "Computer") + 120);
    // The technician groups were sent and kept (and verified above, read as lists on 11).
    assert!(
        after["Computer"]
            .iter()
            .filter(|c| c["groups_id_tech"].as_u64().unwrap_or(0) != 0)
            .count()
            > 0
    );
    assert_eq!(count(&after, "SoftwareVersion"), 15);
    assert_eq!(count(&after, "Location"), 8);
    // The located Cayenne > Bâtiment A computer points at the right location and user.
    let locs: HashMap<u64, String> = after["Location"]
        .iter()
        .map(|l| {
            (
                l["id"].as_u64().unwrap(),
                l["completename"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let users: HashMap<u64, String> = after["User"]
        .iter()
        .map(|u| {
            (
                u["id"].as_u64().unwrap(),
                u["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let report = std::fs::read_to_string(dir.join("report.csv")).unwrap();
    // No secret in anything the command wrote or printed.
    let journal_text = std::fs::read_to_string(&journal).unwrap();
    for secret in [DEMO_USER_TOKEN, DEMO_APP_TOKEN] {
        for (what, text) in [
            ("journal", &journal_text),
            ("report", &report),
            ("stdout", &out),
            ("stderr", &err),
        ] {
            assert!(!text.contains(secret), "{what} holds a secret");
        }
    }
    assert!(!journal_text.contains("session_token"));
    assert!(report.starts_with('\u{feff}'));
    assert!(
        report.contains("Monitor.csv;15;Monitor;Monitor.csv:15;rejeté;;reference.ambiguous_user")
    );
    let source = std::fs::read_to_string(samples().join("Computer.csv")).unwrap();
    let first = source.lines().nth(1).unwrap();
    let cells: Vec<&str> = first.split("\";\"").collect();
    let serial = cells[3];
    let pc = after["Computer"]
        .iter()
        .find(|c| c["serial"] == json!(serial))
        .expect("first computer");
    assert_eq!(
        locs[&pc["locations_id"].as_u64().unwrap()],
        cells[9].replace('"', "")
    );
    let user_login = &users[&pc["users_id"].as_u64().unwrap()];
    assert!(!user_login.is_empty());

    // Second run with a fresh journal: everything is found, nothing is written.
    let counters = sb.admin("counters").await;
    let writes_before = writes(&counters);
    let (code, out, err) = run(
        &sb,
        DEMO_USER_TOKEN,
        &strs(&sample_args(&dir.join("j2.jsonl"))),
    )
    .await;
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("Computer: 120 déjà présent"), "{out}");
    assert!(out.contains("Infocom: 120 déjà présent"), "{out}");
    assert!(out.contains("Profile_User: 44 déjà présent"), "{out}");
    assert_eq!(writes(&sb.admin("counters").await), writes_before, "{out}");

    // Undo the first run: the target is back to what it was.
    let (code, out, err) = run(
        &sb,
        DEMO_USER_TOKEN,
        &["--undo", "--journal", journal.to_str().unwrap()],
    )
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("0 échecs"), "{out}");
    let undone = sb.dump().await;
    for (t, items) in &before {
        assert_eq!(undone.get(t).map(Vec::len).unwrap_or(0), items.len(), "{t}");
    }
    assert_eq!(count(&undone, "Computer"), count(&before, "Computer"));
    assert_eq!(count(&undone, "UserEmail"), count(&before, "UserEmail"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_shows_the_plan_and_writes_nothing() {
    let sb = Sandbox::start(Faults::default()).await;
    let dir = tempdir();
    let mut args = sample_args(&dir.join("j.jsonl"));
    args.push("--dry-run".into());
    args.push("--show-requests".into());
    let (code, out, err) = run(&sb, DEMO_USER_TOKEN, &strs(&args)).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Computer: 120 à créer"), "{out}");
    assert!(out.contains("Item_OperatingSystem: 120 à créer"), "{out}");
    assert!(
        out.contains("« Système d'exploitation - Nom » (120 valeurs) → Item_OperatingSystem.operatingsystems_id"),
        "{out}"
    );
    assert!(
        out.contains("absent de la cible : Manufacturer « Dell Inc. »"),
        "{out}"
    );
    assert!(out.contains("POST /Location {\"input\":[{"), "{out}");
    // Objects created in the same run are shown as placeholders.
    assert!(out.contains("{{Location:Cayenne}}"), "{out}");
    assert_eq!(writes(&sb.admin("counters").await), 0);
    assert!(!dir.join("j.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_rights_are_reported_per_type_before_anything_is_written() {
    let sb = Sandbox::start(Faults::default()).await;
    let dir = tempdir();
    let (code, out, err) = run(
        &sb,
        DEMO_TECH_TOKEN,
        &strs(&sample_args(&dir.join("j.jsonl"))),
    )
    .await;
    assert_eq!(code, 3, "{out}\n{err}");
    // GLPI 10.0.11's stock Technician: no location or dropdown right at all, users 1055
    // (read, create, update…), computers 127.
    assert!(
        err.contains("droit manquant pour Location (droit « location ») : read, create"),
        "{err}"
    );
    assert!(
        err.contains("droit manquant pour Infocom (droit « infocom ») : read, create"),
        "{err}"
    );
    assert!(
        !err.contains("pour Computer ") && !err.contains("pour User "),
        "technicians may create computers and users: {err}"
    );
    assert_eq!(writes(&sb.admin("counters").await), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn companion_files_carry_connections_and_installations() {
    let sb = Sandbox::start(Faults::default()).await;
    let dir = tempdir();
    std::fs::write(
        dir.join("liaisons.csv"),
        "ordinateur;type;element\nPC-1;Moniteur;MON-1\nPC-1;Moniteur;MON-2\nPC-2;Imprimante;Laser 2\nPC-9;Moniteur;MON-1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("installations.csv"),
        "ordinateur;logiciel;version\nPC-1;LibreOffice;7.6\nPC-2;LibreOffice;7.6\nPC-2;Firefox;128\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Computer.csv"),
        "\u{feff}\"Nom\";\"Numéro de série\"\n\"pc-one\";\"PC-1\"\n\"pc-two\";\"PC-2\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Monitor.csv"),
        "\u{feff}\"Nom\";\"Numéro de série\"\n\"m1\";\"MON-1\"\n\"m2\";\"MON-2\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Printer.csv"),
        "\u{feff}\"Nom\";\"Numéro de série\"\n\"Laser 2\";\"\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Software.csv"),
        "\u{feff}\"Nom\";\"Fabricant\"\n\"LibreOffice\";\"TDF\"\n\"Firefox\";\"Mozilla\"\n",
    )
    .unwrap();
    let files = [
        "Computer.csv",
        "Monitor.csv",
        "Printer.csv",
        "Software.csv",
        "liaisons.csv",
        "installations.csv",
    ];
    let mut args = vec![
        "--journal".to_string(),
        dir.join("j.jsonl").display().to_string(),
        "--verify".into(),
    ];
    args.extend(files.iter().map(|f| dir.join(f).display().to_string()));
    let (code, out, err) = run(&sb, DEMO_USER_TOKEN, &strs(&args)).await;
    // PC-9 is nowhere: that connection is rejected, the rest goes through.
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("Computer_Item: 3 créé, 1 rejeté"), "{out}");
    assert!(out.contains("SoftwareVersion: 2 créé"), "{out}");
    assert!(out.contains("Item_SoftwareVersion: 3 créé"), "{out}");
    let d = sb.dump().await;
    let id_of = |t: &str, field: &str, value: &str| {
        d[t].iter().find(|i| i[field] == json!(value)).unwrap()["id"]
            .as_u64()
            .unwrap()
    };
    let pc1 = id_of("Computer", "serial", "PC-1");
    let pc2 = id_of("Computer", "serial", "PC-2");
    let links: HashSet<(u64, String, u64)> = d["Computer_Item"]
        .iter()
        .map(|l| {
            (
                l["computers_id"].as_u64().unwrap(),
                l["itemtype"].as_str().unwrap().to_string(),
                l["items_id"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(links.contains(&(pc1, "Monitor".into(), id_of("Monitor", "serial", "MON-1"))));
    assert!(links.contains(&(pc1, "Monitor".into(), id_of("Monitor", "serial", "MON-2"))));
    assert!(links.contains(&(pc2, "Printer".into(), id_of("Printer", "name", "Laser 2"))));
    let lo = id_of("Software", "name", "LibreOffice");
    let lo76 = d["SoftwareVersion"]
        .iter()
        .find(|v| v["softwares_id"] == json!(lo))
        .unwrap()["id"]
        .as_u64()
        .unwrap();
    let installs: HashSet<(u64, u64)> = d["Item_SoftwareVersion"]
        .iter()
        .map(|i| {
            (
                i["items_id"].as_u64().unwrap(),
                i["softwareversions_id"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(installs.contains(&(pc1, lo76)));
    assert!(installs.contains(&(pc2, lo76)));
    assert_eq!(installs.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_or_unsupported_file_stops_everything_with_its_name() {
    let sb = Sandbox::start(Faults::default()).await;
    let dir = tempdir();
    std::fs::write(dir.join("photo.csv"), [0u8, 159, 146, 150, 0, 0, 1, 2, 3]).unwrap();
    std::fs::write(dir.join("notes.csv"), "a;b\n1;2\n").unwrap();
    let journal = dir.join("j.jsonl").display().to_string();
    let computer = samples().join("Computer.csv").display().to_string();
    let photo = dir.join("photo.csv").display().to_string();
    let notes = dir.join("notes.csv").display().to_string();
    let (code, out, err) = run(
        &sb,
        DEMO_USER_TOKEN,
        &["--journal", &journal, &computer, &photo, &notes],
    )
    .await;
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("photo.csv, ligne"), "{err}");
    assert!(
        err.contains("notes.csv, ligne 1 : type de fichier non pris en charge"),
        "{err}"
    );
    assert!(err.contains("rien n'a été écrit"), "{err}");
    assert_eq!(writes(&sb.admin("counters").await), 0);
}

#[tokio::test]
async fn companion_templates_are_downloadable() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["migrate", "--template", "connections"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("\u{feff}ordinateur;type;element\r\n"),
        "{text}"
    );
}

// ----- The fault test -----

struct Generated {
    files: Vec<PathBuf>,
    rows: usize,
    /// Expected (computer serial, monitor serial) connections.
    links: Vec<(String, String)>,
}

/// 10,000 rows: 60 locations, 2,000 users, 4,000 computers, 2,540 monitors, 1,400 connections.
fn generate(dir: &Path) -> Generated {
    let mut loc = String::from("\u{feff}\"Nom complet\";\"Entité\";\"Nom\";\"Père\"\r\n");
    let mut paths = Vec::new();
    for site in 0..6 {
        let s = format!("Site {site}");
        loc.push_str(&format!("\"{s}\";\"Root Entity\";\"{s}\";\"\"\r\n"));
        paths.push(s.clone());
        for b in 0..9 {
            let p = format!("{s} > Bâtiment {b}");
            loc.push_str(&format!(
                "\"{p}\";\"Root Entity\";\"Bâtiment {b}\";\"{s}\"\r\n"
            ));
            paths.push(p);
        }
    }
    let mut users = String::from(
        "\u{feff}\"Identifiant\";\"Nom de famille\";\"Prénom\";\"Courriels\";\"Lieu\"\r\n",
    );
    for u in 0..2000 {
        users.push_str(&format!(
            "\"agent.{u}\";\"Nom{u}\";\"Prénom{u}\";\"agent.{u}@guyane.gouv.fr\";\"{}\"\r\n",
            paths[u % paths.len()]
        ));
    }
    let mut pcs = String::from("\u{feff}\"Nom\";\"Entité\";\"Numéro de série\";\"Fabricant\";\"Modèle\";\"Lieu\";\"Utilisateur\"\r\n");
    for c in 0..4000 {
        pcs.push_str(&format!(
            "\"PC-{c:05}\";\"Root Entity\";\"SN-PC-{c:05}\";\"Fab {}\";\"Modèle {}\";\"{}\";\"Nom{} Prénom{}\"\r\n",
            c % 7,
            c % 13,
            paths[c % paths.len()],
            c % 2000,
            c % 2000
        ));
    }
    let mut mons =
        String::from("\u{feff}\"Nom\";\"Entité\";\"Numéro de série\";\"Fabricant\";\"Lieu\"\r\n");
    for m in 0..2540 {
        mons.push_str(&format!(
            "\"ECR-{m:05}\";\"Root Entity\";\"SN-ECR-{m:05}\";\"Fab {}\";\"{}\"\r\n",
            m % 5,
            paths[m % paths.len()]
        ));
    }
    let mut links_csv = String::from("ordinateur;type;element\r\n");
    let mut links = Vec::new();
    for l in 0..1400 {
        let pc = format!("SN-PC-{:05}", l * 2);
        let mon = format!("SN-ECR-{l:05}");
        links_csv.push_str(&format!("{pc};Moniteur;{mon}\r\n"));
        links.push((pc, mon));
    }
    let mut files = Vec::new();
    for (name, text) in [
        ("Location.csv", loc),
        ("User.csv", users),
        ("Computer.csv", pcs),
        ("Monitor.csv", mons),
        ("liaisons-materiels.csv", links_csv),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        files.push(p);
    }
    Generated {
        files,
        rows: 60 + 2000 + 4000 + 2540 + 1400,
        links,
    }
}

fn journal_done(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .filter(|l| l.contains("\"event\":\"done\""))
                .count()
        })
        .unwrap_or(0)
}

/// Starts the run and kills it (SIGKILL, no chance to tidy up) once the journal holds `after`
/// outcomes.
async fn run_and_kill(sb: &Sandbox, args: &[&str], journal: &Path, after: usize) {
    let mut child = command(sb, DEMO_USER_TOKEN, args).spawn().expect("spawn");
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    loop {
        if journal_done(journal) >= after {
            child.kill().await.expect("kill");
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the run ended ({status}) before it could be killed at {after} outcomes");
        }
        assert!(std::time::Instant::now() < deadline, "no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_rows_with_faults_killed_twice_and_resumed_exactly_once() {
    let sb = Sandbox::start(Faults::default()).await;
    let before = sb.dump().await;
    sb.set_faults(json!({
        "latency_ms": 0, "single_create_ms": 0, "bulk_item_ms": 0,
        "error_500": 0.05, "error_503": 0.0, "drop_connection": 0.02,
        "session_expiry_calls": 500, "seed": 42
    }))
    .await;
    let dir = tempdir();
    let generated = generate(&dir);
    let journal = dir.join("journal.jsonl");
    let mut args = vec![
        "--journal".to_string(),
        journal.display().to_string(),
        // Small batches: about a thousand calls, so sessions expire and faults hit often.
        "--batch-size".into(),
        "10".into(),
        "--max-batch-size".into(),
        "10".into(),
    ];
    args.extend(generated.files.iter().map(|f| f.display().to_string()));
    let first = strs(&args);
    run_and_kill(&sb, &first, &journal, 2500).await;
    let mut resume = first.clone();
    resume.push("--resume");
    run_and_kill(&sb, &resume, &journal, 6500).await;
    let (code, out, err) = run(&sb, DEMO_USER_TOKEN, &resume).await;
    assert_eq!(code, 0, "{out}\n{err}");

    sb.set_faults(json!({"seed": 1})).await;
    let d = sb.dump().await;
    // Every object exists exactly once.
    let once = |t: &str, field: &str, expected: usize| {
        let values: Vec<String> = d[t]
            .iter()
            .map(|i| i[field].as_str().unwrap_or_default().to_string())
            .filter(|v| {
                !before
                    .get(t)
                    .is_some_and(|b| b.iter().any(|i| i[field] == json!(v)))
            })
            .collect();
        let unique: HashSet<&String> = values.iter().collect();
        assert_eq!(values.len(), expected, "{t}: {} items", values.len());
        assert_eq!(unique.len(), expected, "{t}: duplicates");
    };
    once("Computer", "serial", 4000);
    once("Monitor", "serial", 2540);
    once("User", "name", 2000);
    once("Location", "completename", 60);
    assert_eq!(count(&d, "Manufacturer"), 7);
    assert_eq!(count(&d, "ComputerModel"), 13);
    assert_eq!(count(&d, "UserEmail") - count(&before, "UserEmail"), 2000);
    // Every relation points to the right id.
    let by_id = |t: &str| -> HashMap<u64, Map<String, Value>> {
        d[t].iter()
            .map(|i| (i["id"].as_u64().unwrap(), i.clone()))
            .collect()
    };
    let computers = by_id("Computer");
    let monitors = by_id("Monitor");
    let locations = by_id("Location");
    let users = by_id("User");
    let links: HashSet<(String, String)> = d["Computer_Item"]
        .iter()
        .map(|l| {
            (
                computers[&l["computers_id"].as_u64().unwrap()]["serial"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                monitors[&l["items_id"].as_u64().unwrap()]["serial"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(d["Computer_Item"].len(), generated.links.len());
    assert_eq!(links, generated.links.iter().cloned().collect());
    for c in computers.values() {
        let n: usize = c["name"].as_str().unwrap()[3..].parse().unwrap();
        let loc = &locations[&c["locations_id"].as_u64().unwrap()];
        let expected_site = n % 60 / 10;
        assert!(loc["completename"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Site {expected_site}")));
        let user = &users[&c["users_id"].as_u64().unwrap()];
        assert_eq!(user["name"], json!(format!("agent.{}", n % 2000)));
    }
    for loc in locations.values() {
        let path = loc["completename"].as_str().unwrap();
        if path.contains(" > ") {
            let parent = &locations[&loc["locations_id"].as_u64().unwrap()];
            assert!(path.starts_with(parent["completename"].as_str().unwrap()));
        }
    }
    // The journal accounts for every row, each with a final outcome.
    let j = Journal::from_json_lines(&std::fs::read_to_string(&journal).unwrap());
    let mut seen: HashSet<(String, usize)> = HashSet::new();
    for r in j.records() {
        assert!(r.outcome.is_final(), "{:?}", r);
        if r.object.key.ends_with("#connexion") {
            // A connected monitor's own values put back after GLPI copied its computer's.
            assert!(
                matches!(r.outcome, Outcome::Updated | Outcome::Skipped),
                "{:?}",
                r
            );
        } else if !r.object.itemtype.name().ends_with("Model")
            && r.object.itemtype != passerelle_engine::glpi::GlpiType::Manufacturer
        {
            assert!(matches!(r.outcome, Outcome::Created), "{:?}", r);
        }
        for s in &r.sources {
            seen.insert((s.file.clone(), s.line));
        }
    }
    let rows_in_journal = seen.iter().filter(|(f, _)| !f.is_empty()).count();
    assert_eq!(rows_in_journal, generated.rows);
    assert!(
        err.contains("reconnexions") || out.contains("créé"),
        "{err}"
    );
}

fn tempdir() -> PathBuf {
    let p = std::env::temp_dir().join(format!(
        "passerelle-migrate-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&p).unwrap();
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_key_reconciles_on_the_inventory_number() {
    let sb = Sandbox::start(Faults::default()).await;
    let dir = tempdir();
    // The target already has this computer, with another serial but the same inventory number.
    let seed = sb
        .http
        .post(format!("{}/seed", sb.running.admin_url()))
        .json(&json!({"Computer": [{"name": "old-name", "serial": "OLD", "otherserial": "INV-7", "entities_id": 0, "is_deleted": 0}]}))
        .send()
        .await
        .unwrap();
    assert!(seed.status().is_success());
    std::fs::write(
        dir.join("Computer.csv"),
        "\u{feff}\"Nom\";\"Numéro de série\";\"Numéro d'inventaire\"\n\"pc-7\";\"NEW\";\"INV-7\"\n",
    )
    .unwrap();
    let file = dir.join("Computer.csv").display().to_string();
    let journal = dir.join("j.jsonl").display().to_string();
    let (code, out, err) = run(
        &sb,
        DEMO_USER_TOKEN,
        &["--dry-run", "--journal", &journal, &file],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Computer: 1 à créer"), "{out}");
    let (code, out, err) = run(
        &sb,
        DEMO_USER_TOKEN,
        &[
            "--key",
            "Computer=otherserial",
            "--journal",
            &journal,
            &file,
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Computer: 1 à mettre à jour"), "{out}");
    assert!(out.contains("Computer: 1 mis à jour"), "{out}");
    let d = sb.dump().await;
    assert_eq!(d["Computer"].len(), 1);
    assert_eq!(d["Computer"][0]["serial"], "NEW");
    assert_eq!(d["Computer"][0]["name"], "pc-7");
    // Undo restores the values from before.
    let (code, _, err) = run(&sb, DEMO_USER_TOKEN, &["--undo", "--journal", &journal]).await;
    assert_eq!(code, 0, "{err}");
    let d = sb.dump().await;
    assert_eq!(d["Computer"][0]["serial"], "OLD");
    assert_eq!(d["Computer"][0]["name"], "old-name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsupported_glpi_version_is_refused_before_anything_is_sent() {
    for version in ["9.5.13", "12.0.0"] {
        let sb = Sandbox::start_with(SandboxConfig {
            glpi_version: version.into(),
            ..SandboxConfig::default()
        })
        .await;
        let dir = tempdir();
        let (code, out, err) = run(
            &sb,
            DEMO_USER_TOKEN,
            &strs(&sample_args(&dir.join("j.jsonl"))),
        )
        .await;
        assert_ne!(code, 0, "{out}\n{err}");
        assert!(err.contains("version de GLPI non prise en charge"), "{err}");
        assert!(err.contains(version), "{err}");
        assert_eq!(writes(&sb.admin("counters").await), 0, "{err}");
        // Only the session and the configuration were read.
        let calls = sb.admin("counters").await["calls"].clone();
        assert!(
            calls
                .as_object()
                .unwrap()
                .keys()
                .all(|k| k.contains("initSession")
                    || k.contains("getGlpiConfig")
                    || k.contains("killSession")),
            "{calls}"
        );
    }
}

#[tokio::test]
async fn an_api_url_carrying_credentials_is_refused_and_never_repeated() {
    let dir = tempdir();
    let journal = dir.join("journal.jsonl");
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_passerelle"));
    c.arg("migrate")
        .arg("--api")
        .arg("http://agent:S3cr3t-pass@127.0.0.1:9/api")
        .arg("--journal")
        .arg(&journal)
        .arg(samples().join("Computer.csv"))
        .env("PASSERELLE_USER_TOKEN", "tok-123456")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let out = c.output().await.unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--api ne doit porter ni identifiant"),
        "{stderr}"
    );
    for secret in ["S3cr3t-pass", "tok-123456"] {
        assert!(
            !stderr.contains(secret) && !stdout.contains(secret),
            "{secret} shown"
        );
    }
    assert!(
        std::fs::read_to_string(&journal).map_or(true, |j| !j.contains("S3cr3t")),
        "nothing written with the password"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `--from-api` (issue 16): files and the local GLPI are exclusive, said before anything is
/// opened; a local GLPI that cannot be read stops everything before the target is touched, and
/// its token is never printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_api_is_exclusive_with_files_and_a_source_read_failure_writes_nothing() {
    let sb = Sandbox::start(Faults::default()).await;
    let journal = tempdir().join("from-api.jsonl");
    let csv = samples().join("Computer.csv");
    let (code, _, err) = run(
        &sb,
        DEMO_USER_TOKEN,
        &[
            "--from-api",
            "http://127.0.0.1:9/source-api",
            csv.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--from-api et des fichiers s'excluent"),
        "{err}"
    );

    // No local GLPI listens there: the read fails, nothing reaches the target.
    let before = writes(&sb.admin("counters").await);
    let mut c = command(
        &sb,
        DEMO_USER_TOKEN,
        &[
            "--from-api",
            "http://127.0.0.1:9/source-api",
            "--timeout",
            "2",
            "--journal",
            journal.to_str().unwrap(),
        ],
    );
    c.env("PASSERELLE_SOURCE_USER_TOKEN", "secret-source-token-123");
    let out = c.output().await.expect("runs");
    let (out_text, err_text) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(2), "{out_text}\n{err_text}");
    assert!(err_text.contains("GLPI local : connexion"), "{err_text}");
    assert!(err_text.contains("rien n'a été écrit"), "{err_text}");
    assert!(
        !err_text.contains("secret-source-token-123")
            && !out_text.contains("secret-source-token-123")
    );
    assert_eq!(writes(&sb.admin("counters").await), before);

    // Without a source token: said, with the variable to set.
    let (code, _, err) = run(
        &sb,
        DEMO_USER_TOKEN,
        &["--from-api", "http://127.0.0.1:9/source-api"],
    )
    .await;
    assert_eq!(code, 2);
    assert!(err.contains("PASSERELLE_SOURCE_USER_TOKEN"), "{err}");
}
