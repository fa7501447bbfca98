//! The real-GLPI mode (`--real-glpi`): Passerelle against raw bulk POSTs on a REAL GLPI 10.0.11
//! (`../shared/glpi-10.0.11/up.sh`, instance `bench` on port 8097), both through the real proxy.
//!
//! Two workloads: the ten sample exports with their two companion files (built from the
//! prefecture database, instance `bench-source` on port 8098), and a generated one (`--rows`
//! computers with their manufacturers, models, types and locations, users with e-mails, monitors
//! and their connections to computers). For each workload and each measured run, on a freshly
//! reset GLPI each time, alternated:
//!
//! - Passerelle: the real `passerelle migrate` command through the proxy, timed from start to
//!   exit (session, target read, plan, rights, journaled run, logout);
//! - raw bulk: the same objects (the plan's creations, computed before the clock starts, in the
//!   same dependency order), stage by stage (objects of one rank), `POST /Itemtype` with
//!   `{"input": [...]}` in batches of [`RAW_BATCH`] per type, [`RAW_IN_FLIGHT`] in flight
//!   within a stage, ids of created objects filled in as they come back; timed from
//!   `initSession` to the last answer.
//!
//! Each run is checked in the database: the row counts of every `glpi_*` table (GLPI's history
//! and cron tables left out) must be the same after Passerelle and after raw bulk.
//!
//! Then the latency probes (single create, bulk create, reads) fit the sandbox's model, and the
//! differential check runs the generated workload through Passerelle against the sandbox with
//! `Faults::realistic()`, printing its time beside the real server's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::api::Credentials;
use passerelle_engine::migrate::client::{ClientOptions, GlpiClient};
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::model::{Decision, IdMap, PlannedObject};
use passerelle_engine::migrate::plan::{Plan, PlanOptions};
use passerelle_engine::read::ReadOptions;
use passerelle_native::HttpTransport;
use real_glpi::migration::{
    locate, samples_dir, write_companions, RunningProxy, CLI, SAMPLE_FILES,
};
use real_glpi::{prefecture_dump, Instance, RealGlpi};
use serde_json::{json, Value};

use crate::{median, Failure};

/// The target GLPI of the benchmark, reset before each measured run.
const TARGET: Instance = Instance::new("bench", 8097);
/// The prefecture database, for the sample's companion files.
const SOURCE: Instance = Instance::new("bench-source", 8098);
/// Raw bulk batch size: GLPI 10 on 2 cores takes 100 items in 0.45-0.6 s, its best rate.
pub const RAW_BATCH: usize = 100;
/// Raw bulk requests in flight (`php -S` serves with 4 workers).
pub const RAW_IN_FLIGHT: usize = 4;
/// Tables left out of the count check: history, cron and event logs, written by GLPI itself.
const CHURN: [&str; 4] = [
    "glpi_logs",
    "glpi_crontasks",
    "glpi_crontasklogs",
    "glpi_events",
];

/// One workload: its name and files.
struct Workload {
    name: String,
    files: Vec<PathBuf>,
    /// Source entity → target entity arguments for the command (`--map-entity`).
    map_entity: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Contender {
    Passerelle,
    RawBulk,
}

impl Contender {
    fn label(self) -> &'static str {
        match self {
            Contender::Passerelle => "Passerelle (passerelle migrate, through the proxy)",
            Contender::RawBulk => "raw bulk POSTs (same objects, through the proxy)",
        }
    }
}

fn e(context: &str) -> impl Fn(real_glpi::RealGlpiError) -> Failure + '_ {
    move |err| format!("{context}: {err}")
}

/// Row counts of every compared `glpi_*` table.
fn table_counts(glpi: &RealGlpi) -> Result<BTreeMap<String, u64>, Failure> {
    let db = glpi.instance.db_name();
    let rows = glpi
        .query(&format!(
            "SELECT table_name, table_rows FROM information_schema.tables WHERE table_schema = '{db}' AND table_name LIKE 'glpi\\_%'"
        ))
        .map_err(e("tables"))?;
    let mut out = BTreeMap::new();
    for r in rows {
        let Some(Some(t)) = r.into_iter().next() else {
            continue;
        };
        if CHURN.contains(&t.as_str()) {
            continue;
        }
        // information_schema's table_rows is an estimate for InnoDB: count exactly.
        let n = glpi
            .count(&format!("SELECT COUNT(*) FROM `{t}`"))
            .map_err(e("count"))?;
        out.insert(t, n);
    }
    Ok(out)
}

/// The generated workload's files in `dir`: `rows` computers, their dropdowns, locations,
/// users, monitors and connections.
pub fn generate(dir: &Path, rows: usize) -> Result<Vec<PathBuf>, Failure> {
    let locations = 20;
    let users = 100;
    let monitors = rows / 4;
    let mut files = Vec::new();
    let mut write = |name: &str, text: String| -> Result<(), Failure> {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|err| format!("{}: {err}", p.display()))?;
        files.push(p);
        Ok(())
    };
    let mut s = String::from("\u{feff}\"Nom complet\";\"Entité\";\"Nom\";\"Père\"\r\n");
    for i in 0..locations {
        s.push_str(&format!(
            "\"Site {i:02}\";\"Root Entity\";\"Site {i:02}\";\"\"\r\n"
        ));
    }
    write("Location.csv", s)?;
    let mut s = String::from(
        "\u{feff}\"Identifiant\";\"Nom de famille\";\"Prénom\";\"Courriels\";\"Lieu\"\r\n",
    );
    for i in 0..users {
        s.push_str(&format!(
            "\"agent.{i:03}\";\"Agent\";\"Numéro {i:03}\";\"agent.{i:03}@bench.example\";\"Site {:02}\"\r\n",
            i % locations
        ));
    }
    write("User.csv", s)?;
    let mut s = String::from(
        "\u{feff}\"Nom\";\"Entité\";\"Numéro de série\";\"Numéro d'inventaire\";\"Fabricant\";\"Modèle\";\"Type\";\"Lieu\";\"Commentaires\"\r\n",
    );
    for i in 0..rows {
        s.push_str(&format!(
            "\"PC-BENCH-{i:06}\";\"Root Entity\";\"SN-BENCH-{i:06}\";\"973-2026-{i:06}\";\"Fabricant {:02}\";\"Modèle {:02}\";\"Type {}\";\"Site {:02}\";\"Poste de bench n° {i}\"\r\n",
            i % 10,
            i % 20,
            i % 5,
            i % locations
        ));
    }
    write("Computer.csv", s)?;
    let mut s = String::from(
        "\u{feff}\"Nom\";\"Entité\";\"Numéro de série\";\"Fabricant\";\"Modèle\";\"Lieu\"\r\n",
    );
    for i in 0..monitors {
        s.push_str(&format!(
            "\"ECR-BENCH-{i:06}\";\"Root Entity\";\"MN-BENCH-{i:06}\";\"Fabricant {:02}\";\"Écran {:02}\";\"Site {:02}\"\r\n",
            i % 10,
            i % 5,
            i % locations
        ));
    }
    write("Monitor.csv", s)?;
    let mut s = String::from("\u{feff}ordinateur;type;element\r\n");
    for i in 0..monitors {
        s.push_str(&format!("SN-BENCH-{i:06};Moniteur;MN-BENCH-{i:06}\r\n"));
    }
    write("liaisons-materiels.csv", s)?;
    Ok(files)
}

/// The plan of `files` against the GLPI behind `api` (the proxy), as the command makes it.
pub async fn plan_for(
    api: &str,
    app_token: Option<&str>,
    token: &str,
    files: &[PathBuf],
    entity: u64,
) -> Result<Plan, Failure> {
    let mut inputs = Vec::new();
    for p in files {
        let bytes = std::fs::read(p).map_err(|err| format!("{}: {err}", p.display()))?;
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        inputs.push((name, bytes));
    }
    let transport =
        HttpTransport::new(api, app_token.map(str::to_string), Duration::from_secs(120));
    let client = GlpiClient::new(
        &transport,
        Credentials::UserToken {
            token: token.to_string(),
        },
        ClientOptions {
            max_calls_per_second: 0.0,
            ..ClientOptions::default()
        },
    );
    client.login().await.map_err(|err| err.to_string())?;
    client
        .set_entity(0, true)
        .await
        .map_err(|err| err.to_string())?;
    let prepared = Prepared::from_files(&inputs, &ReadOptions::default());
    let draft = prepared.draft();
    // The engine's own read of what the plan needs (the entities included).
    let target = passerelle_engine::migrate::run::read_target(&client, &draft, RAW_IN_FLIGHT)
        .await
        .map_err(|err| err.to_string())?;
    client.logout().await;
    let mut options = PlanOptions {
        default_entity: 0,
        ..PlanOptions::default()
    };
    if entity != 0 {
        options.entities.insert(
            format!("Root Entity > {}", real_glpi::suite::ENTITY),
            entity,
        );
    }
    options.entities.insert("Root Entity".into(), 0);
    Ok(draft.plan(&target, &options))
}

/// Raw bulk: the plan's creations, type by type in its order, `RAW_BATCH` per request.
/// `app_token` only when talking to GLPI (or the sandbox) directly, not through the proxy.
pub async fn raw_bulk(
    http: &reqwest::Client,
    api: &str,
    app_token: Option<&str>,
    token: &str,
    plan: &Plan,
) -> Result<(Duration, usize), Failure> {
    let with_app = |r: reqwest::RequestBuilder| match app_token {
        Some(t) => r.header("App-Token", t),
        None => r,
    };
    let start = Instant::now();
    let session: Value = with_app(http.get(format!("{api}/initSession")))
        .header("Authorization", format!("user_token {token}"))
        .send()
        .await
        .map_err(|err| format!("initSession: {err}"))?
        .json()
        .await
        .map_err(|err| format!("initSession: {err}"))?;
    let session = session["session_token"]
        .as_str()
        .ok_or_else(|| format!("initSession: {session}"))?
        .to_string();
    let mut ids: IdMap = plan.known_ids();
    let creates: Vec<&PlannedObject> = plan
        .objects
        .iter()
        .filter(|o| o.decision == Decision::Create)
        .collect();
    // Stage by stage (a rank's objects never wait for each other), type by type within it.
    let mut stages: BTreeMap<u32, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    for (index, o) in creates.iter().enumerate() {
        stages
            .entry(o.rank)
            .or_default()
            .entry(o.key.itemtype.to_string())
            .or_default()
            .push(index);
    }
    let mut sent = 0;
    for types in stages.values() {
        // Every batch of the stage: (itemtype, indexes in `creates`, inputs).
        let mut batches = Vec::new();
        for (itemtype, indexes) in types {
            // A new user's first authorization is made by GLPI with the user (its
            // `_profiles_id`): posting it again would double it.
            let indexes: Vec<usize> = indexes
                .iter()
                .copied()
                .filter(|&i| {
                    let made = made_with_user(creates[i], &creates, &ids);
                    if made {
                        sent += 1;
                    }
                    !made
                })
                .collect();
            for chunk in indexes.chunks(RAW_BATCH) {
                let mut input = Vec::new();
                for &index in chunk {
                    let o = creates[index];
                    let mut m = serde_json::Map::new();
                    for (k, v) in &o.fields {
                        let v = v.to_json(&ids).map_err(|w| {
                            format!("{} waits for {}:{}", o.key.key, w.itemtype, w.key)
                        })?;
                        m.insert(k.clone(), v);
                    }
                    input.push(Value::Object(m));
                }
                batches.push((itemtype.clone(), chunk.to_vec(), input));
            }
        }
        let session = &session;
        let with_app = &with_app;
        let answers: Vec<Result<Vec<(usize, u64)>, Failure>> = stream::iter(batches)
            .map(|(itemtype, indexes, input)| async move {
                let r = with_app(http.post(format!("{api}/{itemtype}")))
                    .header("Session-Token", session)
                    .json(&json!({ "input": input }))
                    .send()
                    .await
                    .map_err(|err| format!("POST {itemtype}: {err}"))?;
                let status = r.status().as_u16();
                let body: Value = r
                    .json()
                    .await
                    .map_err(|err| format!("POST {itemtype}: {err}"))?;
                let items = body.as_array().cloned().unwrap_or_default();
                let created: Vec<(usize, u64)> = items
                    .iter()
                    .zip(&indexes)
                    .filter_map(|(item, &index)| Some((index, item["id"].as_u64()?)))
                    .collect();
                if status != 201 || created.len() != indexes.len() {
                    return Err(format!("POST {itemtype} answered {status}: {body}"));
                }
                Ok(created)
            })
            .buffer_unordered(RAW_IN_FLIGHT)
            .collect()
            .await;
        for a in answers {
            for (index, id) in a? {
                ids.insert(creates[index].key.clone(), id);
                sent += 1;
            }
        }
    }
    let _ = with_app(http.get(format!("{api}/killSession")))
        .header("Session-Token", &session)
        .send()
        .await;
    Ok((start.elapsed(), sent))
}

/// Whether `o` is the authorization GLPI makes by itself when one of `creates`, a user, is
/// posted with `_profiles_id`, `_entities_id` and `_is_recursive`.
fn made_with_user(o: &PlannedObject, creates: &[&PlannedObject], ids: &IdMap) -> bool {
    if o.key.itemtype != GlpiType::ProfileUser {
        return false;
    }
    let value = |p: &PlannedObject, field: &str| p.fields.get(field).map(|v| v.to_json(ids).ok());
    creates
        .iter()
        .filter(|u| u.key.itemtype == GlpiType::User && o.dependencies().any(|d| *d == u.key))
        .any(|u| {
            value(u, "_profiles_id").is_some()
                && value(u, "_profiles_id") == value(o, "profiles_id")
                && value(u, "_entities_id") == value(o, "entities_id")
                && value(u, "_is_recursive")
                    .flatten()
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0)
                    == value(o, "is_recursive")
                        .flatten()
                        .and_then(|v| v.as_i64())
                        .unwrap_or(0)
        })
}

/// The real command through the proxy; its exit code must say it ran (0, or 1 for rows the
/// source itself rejects).
fn passerelle(api: &str, token: &str, w: &Workload, journal: &Path) -> Result<Duration, Failure> {
    let bin = locate(CLI).map_err(e("passerelle"))?;
    let start = Instant::now();
    let out = Command::new(bin)
        .arg("migrate")
        .arg("--api")
        .arg(api)
        .args(["--entity", "0", "--journal"])
        .arg(journal)
        .args(&w.map_entity)
        .args(&w.files)
        .env("PASSERELLE_USER_TOKEN", token)
        .env_remove("PASSERELLE_GLPI_APP_TOKEN")
        .output()
        .map_err(|err| format!("passerelle: {err}"))?;
    let elapsed = start.elapsed();
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(format!(
            "passerelle migrate exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(elapsed)
}

/// How long one call takes, in milliseconds (its answer read in full).
async fn timed(
    http: &reqwest::Client,
    request: reqwest::RequestBuilder,
    expect: u16,
) -> Result<f64, Failure> {
    let _ = http;
    let t = Instant::now();
    let r = request.send().await.map_err(|err| err.to_string())?;
    let status = r.status().as_u16();
    r.bytes().await.map_err(|err| err.to_string())?;
    if status != expect {
        return Err(format!("probe answered {status}, {expect} expected"));
    }
    Ok(t.elapsed().as_secs_f64() * 1000.0)
}

/// Latency probes on a fresh real GLPI: (ms per request of a small read, ms per single
/// create, ms per item of a bulk create of 100, ms per item of a read of 1,000).
async fn probes(http: &reqwest::Client, api: &str, token: &str) -> Result<[f64; 4], Failure> {
    let session: Value = http
        .get(format!("{api}/initSession"))
        .header("Authorization", format!("user_token {token}"))
        .send()
        .await
        .map_err(|err| err.to_string())?
        .json()
        .await
        .map_err(|err| err.to_string())?;
    let token = session["session_token"].as_str().unwrap_or("").to_string();
    let get = |path: &str| {
        http.get(format!("{api}{path}"))
            .header("Session-Token", &token)
    };
    let post = |body: Value| {
        http.post(format!("{api}/Computer"))
            .header("Session-Token", &token)
            .json(&body)
    };
    let (mut small, mut single, mut bulk, mut read) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..10 {
        small.push(timed(http, get("/getActiveEntities"), 200).await?);
        let one = json!({"input": {"name": format!("PROBE-{round}"), "entities_id": 0}});
        single.push(timed(http, post(one), 201).await?);
        let input: Vec<Value> = (0..100)
            .map(|i| json!({"name": format!("PROBE-{round}-{i}"), "serial": format!("PR-{round}-{i}"), "entities_id": 0}))
            .collect();
        bulk.push(timed(http, post(json!({ "input": input })), 201).await? / 100.0);
    }
    for _ in 0..5 {
        let ms = timed(
            http,
            get("/Computer?range=0-999&expand_dropdowns=false"),
            206,
        )
        .await?;
        read.push(ms / 1000.0);
    }
    let _ = http
        .get(format!("{api}/killSession"))
        .header("Session-Token", &token)
        .send()
        .await;
    Ok([median(small), median(single), median(bulk), median(read)])
}

/// The generated workload against the sandbox with its realistic latency model, in its own
/// thread and runtime (the command runs as a child process meanwhile): (Passerelle seconds,
/// raw bulk seconds), each on a fresh sandbox.
async fn sandbox_times(http: &reqwest::Client, files: &[PathBuf]) -> Result<(f64, f64), Failure> {
    use glpi_sandbox::{Faults, SandboxConfig, DEMO_APP_TOKEN, DEMO_USER_TOKEN};
    let mut out = Vec::new();
    for contender in [Contender::Passerelle, Contender::RawBulk] {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let server = std::thread::spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(err) => return tx.send(Err(err.to_string())).unwrap_or(()),
            };
            let sandbox = rt.block_on(glpi_sandbox::spawn(
                SandboxConfig {
                    faults: Faults::realistic(),
                    ..SandboxConfig::default()
                },
                "127.0.0.1:0".parse().expect("address"),
            ));
            match sandbox {
                Ok(s) => {
                    let _ = tx.send(Ok(s.api_url()));
                    let _ = stop_rx.recv();
                    drop(s);
                }
                Err(err) => {
                    let _ = tx.send(Err(err.to_string()));
                }
            }
        });
        let api = rx
            .recv()
            .map_err(|err| err.to_string())?
            .map_err(|err| format!("sandbox: {err}"))?;
        let seconds = match contender {
            Contender::Passerelle => {
                let bin = locate(CLI).map_err(e("passerelle"))?;
                let journal = std::env::temp_dir().join(format!(
                    "passerelle-bench-sandbox-{}.jsonl",
                    std::process::id()
                ));
                let _ = std::fs::remove_file(&journal);
                let start = Instant::now();
                let status = Command::new(bin)
                    .arg("migrate")
                    .arg("--api")
                    .arg(&api)
                    .args([
                        "--entity",
                        "0",
                        "--map-entity",
                        "Root Entity=0",
                        "--journal",
                    ])
                    .arg(&journal)
                    .args(files)
                    .env("PASSERELLE_USER_TOKEN", DEMO_USER_TOKEN)
                    .env("PASSERELLE_GLPI_APP_TOKEN", DEMO_APP_TOKEN)
                    .output()
                    .map_err(|err| err.to_string())?;
                let elapsed = start.elapsed().as_secs_f64();
                let _ = std::fs::remove_file(&journal);
                if !matches!(status.status.code(), Some(0 | 1)) {
                    return Err(format!(
                        "passerelle against the sandbox: {}",
                        String::from_utf8_lossy(&status.stderr)
                    ));
                }
                elapsed
            }
            Contender::RawBulk => {
                let plan = plan_for(&api, Some(DEMO_APP_TOKEN), DEMO_USER_TOKEN, files, 0).await?;
                raw_bulk(http, &api, Some(DEMO_APP_TOKEN), DEMO_USER_TOKEN, &plan)
                    .await?
                    .0
                    .as_secs_f64()
            }
        };
        let _ = stop_tx.send(());
        let _ = server.join();
        out.push(seconds);
    }
    Ok((out[0], out[1]))
}

/// The sandbox half of the differential check alone (after a change of the latency model):
/// the generated workload through Passerelle and as raw bulk against `Faults::realistic()`.
pub async fn sandbox_only(rows: usize) -> Result<(), Failure> {
    let dir = std::env::temp_dir().join(format!("passerelle-bench-sandbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    let files = generate(&dir, rows)?;
    let (p, r) = sandbox_times(&reqwest::Client::new(), &files).await?;
    println!("- sandbox `Faults::realistic()`, generated workload ({rows} computers): Passerelle {p:.1} s, raw bulk {r:.1} s");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The whole real-GLPI mode; prints a Markdown section.
pub async fn bench(rows: usize, runs: usize) -> Result<(), Failure> {
    let dir = std::env::temp_dir().join(format!("passerelle-bench-real-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    let companions = {
        let source = RealGlpi::loaded(SOURCE, &prefecture_dump()).map_err(e("source GLPI"))?;
        write_companions(&source, &dir).map_err(e("companions"))?
    };
    let generated = dir.join("generated");
    std::fs::create_dir_all(&generated).map_err(|err| err.to_string())?;
    let workloads = [
        Workload {
            name: "sample exports (fr/, 10 files + 2 companions)".into(),
            files: SAMPLE_FILES
                .iter()
                .map(|f| samples_dir().join(f))
                .chain(companions.iter().map(|(p, _)| p.clone()))
                .collect(),
            map_entity: Vec::new(),
        },
        Workload {
            name: format!(
                "generated ({rows} computers, dropdowns, locations, users, monitors, connections)"
            ),
            files: generate(&generated, rows)?,
            map_entity: vec!["--map-entity".into(), "Root Entity=0".into()],
        },
    ];
    let http = reqwest::Client::new();
    let mut lines = Vec::new();
    let mut per_workload = Vec::new();
    for (wi, w) in workloads.iter().enumerate() {
        let mut times: BTreeMap<Contender, Vec<f64>> = BTreeMap::new();
        let mut objects = 0;
        for run_no in 0..runs {
            let order = if run_no % 2 == 0 {
                [Contender::Passerelle, Contender::RawBulk]
            } else {
                [Contender::RawBulk, Contender::Passerelle]
            };
            let mut counts = Vec::new();
            for c in order {
                let glpi = RealGlpi::fresh(TARGET).map_err(e("target GLPI"))?;
                // The sample's entity, as the national GLPI has it.
                let entity = if wi == 0 {
                    real_glpi::migration::create_entity(&glpi, real_glpi::suite::ENTITY)
                        .map_err(e("entity"))?
                } else {
                    0
                };
                let mut w = Workload {
                    name: w.name.clone(),
                    files: w.files.clone(),
                    map_entity: w.map_entity.clone(),
                };
                if wi == 0 {
                    w.map_entity = vec![
                        "--map-entity".into(),
                        format!("Root Entity > {}={entity}", real_glpi::suite::ENTITY),
                        "--map-entity".into(),
                        "Root Entity=0".into(),
                    ];
                }
                let proxy = RunningProxy::start(&glpi, None).map_err(e("proxy"))?;
                let api = proxy.api_url();
                let plan = plan_for(&api, None, &glpi.user_token, &w.files, entity).await?;
                objects = plan
                    .objects
                    .iter()
                    .filter(|o| o.decision == Decision::Create)
                    .count();
                let elapsed = match c {
                    Contender::Passerelle => passerelle(
                        &api,
                        &glpi.user_token,
                        &w,
                        &dir.join(format!("journal-{wi}-{run_no}.jsonl")),
                    )?,
                    Contender::RawBulk => {
                        let (elapsed, sent) =
                            raw_bulk(&http, &api, None, &glpi.user_token, &plan).await?;
                        if sent != objects {
                            return Err(format!("raw bulk created {sent} of {objects} objects"));
                        }
                        elapsed
                    }
                };
                let ips = objects as f64 / elapsed.as_secs_f64();
                eprintln!(
                    "[{}] run {}/{runs} {:<52} {:>8.1} s {:>7.1} objects/s ({objects} objects)",
                    w.name,
                    run_no + 1,
                    c.label(),
                    elapsed.as_secs_f64(),
                    ips
                );
                counts.push((c, table_counts(&glpi)?));
                times.entry(c).or_default().push(ips);
            }
            let (a, b) = (&counts[0].1, &counts[1].1);
            let differ: Vec<String> = a
                .iter()
                .filter(|(t, n)| b.get(*t) != Some(n))
                .map(|(t, n)| format!("{t}: {n} vs {:?}", b.get(t)))
                .collect();
            if !differ.is_empty() {
                return Err(format!(
                    "[{}] run {}: the database differs between Passerelle and raw bulk (first: {}):\n{}",
                    w.name,
                    run_no + 1,
                    counts[0].0.label(),
                    differ.join("\n")
                ));
            }
            eprintln!(
                "[{}] run {}: same row counts in all {} compared tables after both",
                w.name,
                run_no + 1,
                a.len()
            );
        }
        let med = |c: Contender| median(times.get(&c).cloned().unwrap_or_default());
        let (p, r) = (med(Contender::Passerelle), med(Contender::RawBulk));
        lines.push(format!(
            "| {} | {objects} | {p:.1} | {r:.1} | **{:.2}x** |",
            w.name,
            p / r
        ));
        per_workload.push((w.name.clone(), objects, p, r));
    }

    // Latency probes, then the differential check against the sandbox.
    let glpi = RealGlpi::fresh(TARGET).map_err(e("target GLPI"))?;
    let proxy = RunningProxy::start(&glpi, None).map_err(e("proxy"))?;
    let [small, single, bulk_item, read_item] =
        probes(&http, &proxy.api_url(), &glpi.user_token).await?;
    drop(proxy);
    drop(glpi);
    let (sandbox_passerelle, sandbox_raw) = sandbox_times(&http, &workloads[1].files).await?;
    let (real_passerelle, real_raw) = per_workload
        .get(1)
        .map(|(_, n, p, r)| (*n as f64 / p, *n as f64 / r))
        .unwrap_or_default();

    println!("| workload | objects created | Passerelle objects/s (median) | raw bulk objects/s (median) | ratio |");
    println!("| --- | --- | --- | --- | --- |");
    for l in lines {
        println!("{l}");
    }
    println!();
    println!("- raw bulk: stage by stage (a rank of the plan), {RAW_BATCH} objects per POST per type, {RAW_IN_FLIGHT} in flight per stage, ids filled in from the answers; timed from initSession to the last answer (the plan is computed before the clock starts); Passerelle: the whole command with its default options, start to exit");
    println!("- each run on a freshly reset GLPI; after each pair, the row counts of every glpi_* table but {} are equal", CHURN.join(", "));
    println!(
        "- real GLPI latency (medians of 10): small GET {small:.1} ms; single create {single:.1} ms; bulk create {bulk_item:.2} ms per item (batches of 100); read {read_item:.3} ms per item (GET of 1,000 computers, median of 5)"
    );
    println!("- differential check, generated workload, seconds (real GLPI median / sandbox `Faults::realistic()`, one run):");
    println!(
        "  Passerelle {real_passerelle:.1} / {sandbox_passerelle:.1} ({:.2}x); raw bulk {real_raw:.1} / {sandbox_raw:.1} ({:.2}x)",
        sandbox_passerelle / real_passerelle.max(1e-9),
        sandbox_raw / real_raw.max(1e-9)
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
