//! Migration throughput, side by side in one process and one run, against the GLPI sandbox with
//! its realistic latency model (`Faults::realistic()`: 2 ms per request, 40 ms per single create,
//! 5 ms per item of a bulk create):
//!
//! - (a) seed-style loop: one sequential `POST /Computer` per row, as administrators' scripts do;
//! - (b) Passerelle: files → plan → journaled bulk run, through the native adapters, as
//!   `passerelle migrate` does it;
//! - (c) raw bulk: the same bulk POSTs as (b) sent (same sizes, same calls in flight), with no
//!   plan and no journal.
//!
//! Every measured run starts from a fresh sandbox and ends with a check of what it holds.
//! Usage: `passerelle-bench-migrate [--rows N] [--runs R]`; with `--real-glpi`, the same
//! comparison against a real GLPI 10.0.11 (module `real`).

mod real;

use clap::Parser;
use futures_util::stream::{self, StreamExt};
use glpi_sandbox::{Faults, SandboxConfig, DEMO_APP_TOKEN, DEMO_USER_TOKEN};
use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::api::Credentials;
use passerelle_engine::migrate::client::{ClientOptions, GlpiClient};
use passerelle_engine::migrate::inputs::Prepared;
use passerelle_engine::migrate::journal::{BatchAction, Event, Outcome};
use passerelle_engine::migrate::plan::PlanOptions;
use passerelle_engine::migrate::run::{self, ControlState, RunOptions, Runner};
use passerelle_engine::read::ReadOptions;
use passerelle_native::{FileJournal, HttpTransport};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Migration throughput: seed-style loop vs Passerelle vs raw bulk calls")]
struct Args {
    /// Computers to migrate per measured run.
    #[arg(long, default_value_t = 2000)]
    rows: usize,
    /// Measured runs of each contender (alternated).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Against a REAL GLPI 10.0.11 instead (see `real.rs`): the sample and a generated
    /// migration through the proxy, Passerelle against raw bulk POSTs, then the latency probes
    /// and the differential check against the sandbox. Needs the `passerelle` and
    /// `passerelle-proxy` binaries beside this one (or PASSERELLE_CLI_BIN / PASSERELLE_PROXY_BIN).
    #[arg(long)]
    real_glpi: bool,
    /// With --real-glpi: only the sandbox half of the differential check (no real GLPI).
    #[arg(long, requires = "real_glpi")]
    sandbox_only: bool,
}

type Failure = String;

/// One generated row, as the CSV says it and as a script would post it.
struct Row {
    name: String,
    serial: String,
    otherserial: String,
    comment: String,
}

impl Row {
    /// The `input` a script posts: the same fields the engine sends for this file.
    fn input(&self) -> Value {
        json!({
            "name": self.name,
            "serial": self.serial,
            "otherserial": self.otherserial,
            "comment": self.comment,
            "entities_id": 0,
        })
    }
}

fn rows(n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| Row {
            name: format!("PC-BENCH-{i:06}"),
            serial: format!("SN-BENCH-{i:06}"),
            otherserial: format!("973-2026-{i:06}"),
            comment: format!("Poste de bench n° {i}"),
        })
        .collect()
}

/// A GLPI 10 export (French UI): BOM, `;`, every cell quoted, CRLF.
fn export_csv(rows: &[Row]) -> Vec<u8> {
    let mut s = String::from(
        "\u{feff}\"Nom\";\"Entité\";\"Numéro de série\";\"Numéro d'inventaire\";\"Commentaires\"\r\n",
    );
    for r in rows {
        s.push_str(&format!(
            "\"{}\";\"Root Entity\";\"{}\";\"{}\";\"{}\"\r\n",
            r.name, r.serial, r.otherserial, r.comment
        ));
    }
    s.into_bytes()
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Contender {
    SeedLoop,
    Passerelle,
    RawBulk,
}

impl Contender {
    fn label(self) -> &'static str {
        match self {
            Contender::SeedLoop => "(a) seed-style loop, 1 POST per row",
            Contender::Passerelle => "(b) Passerelle (plan + journal + bulk)",
            Contender::RawBulk => "(c) raw bulk POSTs, no engine",
        }
    }
}

struct Measure {
    elapsed: Duration,
    /// GLPI calls the sandbox counted (all kinds).
    calls: u64,
}

struct Bench {
    http: reqwest::Client,
    api: String,
    admin: String,
    dir: PathBuf,
}

impl Bench {
    /// A fresh sandbox: everything reset, then the realistic latency model applied again.
    async fn fresh(&self) -> Result<(), Failure> {
        for (action, body) in [
            ("reset", Value::Null),
            ("faults", json!(Faults::realistic())),
        ] {
            let r = self
                .http
                .post(format!("{}/{action}", self.admin))
                .json(&body)
                .send()
                .await
                .map_err(|e| format!("sandbox {action}: {e}"))?;
            if !r.status().is_success() {
                return Err(format!("sandbox {action}: {}", r.status()));
            }
        }
        Ok(())
    }

    async fn admin_get(&self, what: &str) -> Result<Value, Failure> {
        self.http
            .get(format!("{}/{what}", self.admin))
            .send()
            .await
            .map_err(|e| format!("sandbox {what}: {e}"))?
            .json()
            .await
            .map_err(|e| format!("sandbox {what}: {e}"))
    }

    /// Exactly the expected computers, each once, with the expected fields.
    async fn check(&self, rows: &[Row]) -> Result<u64, Failure> {
        let dump = self.admin_get("dump").await?;
        let computers = dump
            .get("Computer")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if computers.len() != rows.len() {
            return Err(format!(
                "the sandbox holds {} computers, {} expected",
                computers.len(),
                rows.len()
            ));
        }
        let found: BTreeSet<(String, String, String, String, u64)> = computers
            .iter()
            .map(|c| {
                let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                (
                    s("name"),
                    s("serial"),
                    s("otherserial"),
                    s("comment"),
                    c.get("entities_id").and_then(Value::as_u64).unwrap_or(99),
                )
            })
            .collect();
        let expected: BTreeSet<(String, String, String, String, u64)> = rows
            .iter()
            .map(|r| {
                (
                    r.name.clone(),
                    r.serial.clone(),
                    r.otherserial.clone(),
                    r.comment.clone(),
                    0,
                )
            })
            .collect();
        if found != expected {
            let missing = expected.difference(&found).next();
            let extra = found.difference(&expected).next();
            return Err(format!(
                "the computers differ from the rows (missing {missing:?}, unexpected {extra:?})"
            ));
        }
        let counters = self.admin_get("counters").await?;
        Ok(counters["calls"]
            .as_object()
            .map(|m| m.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0))
    }

    async fn session(&self) -> Result<String, Failure> {
        let v: Value = self
            .http
            .get(format!("{}/initSession", self.api))
            .header("App-Token", DEMO_APP_TOKEN)
            .header("Authorization", format!("user_token {DEMO_USER_TOKEN}"))
            .send()
            .await
            .map_err(|e| format!("initSession: {e}"))?
            .json()
            .await
            .map_err(|e| format!("initSession: {e}"))?;
        v.get("session_token")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("initSession: {v}"))
    }

    async fn kill_session(&self, token: &str) {
        let _ = self
            .http
            .get(format!("{}/killSession", self.api))
            .header("App-Token", DEMO_APP_TOKEN)
            .header("Session-Token", token)
            .send()
            .await;
    }

    /// `POST /Computer` with `{"input": …}`; the ids GLPI gave back.
    async fn post(&self, token: &str, input: Value) -> Result<usize, Failure> {
        let expected = input.as_array().map(Vec::len).unwrap_or(1);
        let r = self
            .http
            .post(format!("{}/Computer", self.api))
            .header("App-Token", DEMO_APP_TOKEN)
            .header("Session-Token", token)
            .json(&json!({ "input": input }))
            .send()
            .await
            .map_err(|e| format!("POST Computer: {e}"))?;
        let status = r.status().as_u16();
        let body: Value = r.json().await.map_err(|e| format!("POST Computer: {e}"))?;
        let ids = match &body {
            Value::Array(items) => items.iter().filter(|i| i.get("id").is_some()).count(),
            Value::Object(m) if m.contains_key("id") => 1,
            _ => 0,
        };
        if status != 201 || ids != expected {
            return Err(format!("POST Computer answered {status}: {body}"));
        }
        Ok(ids)
    }

    /// (a) What administrators' scripts do: log in, then one sequential POST per row.
    async fn seed_loop(&self, rows: &[Row]) -> Result<Duration, Failure> {
        let start = Instant::now();
        let token = self.session().await?;
        for r in rows {
            self.post(&token, r.input()).await?;
        }
        self.kill_session(&token).await;
        Ok(start.elapsed())
    }

    /// (b) `passerelle migrate FILE --api …/apirest.php --max-calls-per-second 0`, in process:
    /// read the file, log in, read the target, plan, check rights, run with a file journal.
    /// Returns the create batch sizes the run sent, in order, and the time spent before the
    /// first batch (file read, login, target read, plan, rights).
    async fn passerelle(
        &self,
        csv: &Path,
        rows: usize,
        run_no: usize,
    ) -> Result<(Duration, Vec<usize>, Duration), Failure> {
        let journal_path = self.dir.join(format!("journal-{run_no}.jsonl"));
        let start = Instant::now();
        let inputs = vec![(
            "Computer.csv".to_string(),
            std::fs::read(csv).map_err(|e| format!("{}: {e}", csv.display()))?,
        )];
        let transport = HttpTransport::new(
            &self.api,
            Some(DEMO_APP_TOKEN.to_string()),
            Duration::from_secs(60),
        );
        let client = GlpiClient::new(
            &transport,
            Credentials::UserToken {
                token: DEMO_USER_TOKEN.to_string(),
            },
            ClientOptions {
                max_calls_per_second: 0.0,
                ..ClientOptions::default()
            },
        );
        client.login().await.map_err(|e| e.to_string())?;
        client
            .set_entity(0, true)
            .await
            .map_err(|e| e.to_string())?;
        let prepared = Prepared::from_files(&inputs, &ReadOptions::default());
        let draft = prepared.draft();
        // The engine's own read of what the plan needs (the entities included).
        let target = run::read_target(&client, &draft, RunOptions::default().in_flight)
            .await
            .map_err(|e| e.to_string())?;
        let plan = draft.plan(&target, &PlanOptions::default());
        let missing = run::preflight(&client, &plan, false)
            .await
            .map_err(|e| e.to_string())?;
        if !missing.is_empty() {
            return Err(format!("missing rights: {}", missing.len()));
        }
        let (sink, journal) = FileJournal::open(&journal_path).map_err(|e| e.to_string())?;
        let setup = start.elapsed();
        let runner = Runner::new(
            &client,
            journal,
            &sink,
            &ControlState::Running,
            RunOptions {
                api_url: self.api.clone(),
                ..RunOptions::default()
            },
            Box::new(|_| {}),
        );
        runner
            .run(&plan, &format!("bench-{run_no}"))
            .await
            .map_err(|e| e.to_string())?;
        let journal = runner.into_journal();
        client.logout().await;
        let elapsed = start.elapsed();

        let created = journal
            .counts()
            .get(&GlpiType::Computer)
            .and_then(|c| c.get(&Outcome::Created).copied())
            .unwrap_or(0);
        if created != rows {
            return Err(format!(
                "the journal says {created} computers created, {rows} expected: {:?}",
                journal.counts()
            ));
        }
        let sizes = journal
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Intent {
                    action: BatchAction::Create,
                    itemtype,
                    objects,
                    ..
                } if *itemtype == GlpiType::Computer => Some(objects.len()),
                _ => None,
            })
            .collect();
        let _ = std::fs::remove_file(&journal_path);
        Ok((elapsed, sizes, setup))
    }

    /// (c) The same bulk POSTs as (b), `in_flight` at once, straight from the rows.
    async fn raw_bulk(
        &self,
        rows: &[Row],
        sizes: &[usize],
        in_flight: usize,
    ) -> Result<Duration, Failure> {
        let start = Instant::now();
        let token = self.session().await?;
        let mut batches = Vec::new();
        let mut next = 0;
        for &n in sizes {
            let end = (next + n).min(rows.len());
            batches.push(Value::Array(
                rows[next..end].iter().map(Row::input).collect(),
            ));
            next = end;
        }
        if next != rows.len() {
            return Err(format!("batch sizes cover {next} rows of {}", rows.len()));
        }
        let token = &token;
        let results: Vec<Result<usize, Failure>> = stream::iter(batches)
            .map(|b| self.post(token, b))
            .buffer_unordered(in_flight.max(1))
            .collect()
            .await;
        for r in results {
            r?;
        }
        self.kill_session(token).await;
        Ok(start.elapsed())
    }
}

/// What one journal append costs on this disk (a line written, then `sync_data`).
fn fsync_cost(dir: &Path) -> Result<f64, Failure> {
    use std::io::Write;
    let path = dir.join("fsync-probe.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let line = format!("{}\n", "x".repeat(300));
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        f.write_all(line.as_bytes())
            .and_then(|_| f.sync_data())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = std::fs::remove_file(&path);
    Ok(median(times))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if args.real_glpi {
        let result = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("runtime: {e}"))
            .and_then(|rt| {
                rt.block_on(async {
                    if args.sandbox_only {
                        real::sandbox_only(args.rows).await
                    } else {
                        real::bench(args.rows, args.runs).await
                    }
                })
            });
        return match result {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("passerelle-bench-migrate --real-glpi: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    // The sandbox serves from its own runtime and threads, as a separate GLPI would; the engine
    // runs on a current-thread runtime, as in `passerelle migrate`.
    let started = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))
        .and_then(|server| {
            let sandbox = server
                .block_on(glpi_sandbox::spawn(
                    SandboxConfig {
                        faults: Faults::realistic(),
                        ..SandboxConfig::default()
                    },
                    "127.0.0.1:0".parse().expect("address"),
                ))
                .map_err(|e| format!("sandbox: {e}"))?;
            let client_rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("runtime: {e}"))?;
            Ok((server, sandbox, client_rt))
        });
    let (_server, sandbox, client_rt) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let dir = std::env::temp_dir().join(format!("passerelle-bench-migrate-{}", std::process::id()));
    let result = std::fs::create_dir_all(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))
        .and_then(|_| {
            client_rt.block_on(bench(
                &args,
                Bench {
                    http: reqwest::Client::new(),
                    api: sandbox.api_url(),
                    admin: sandbox.admin_url(),
                    dir: dir.clone(),
                },
            ))
        });
    let _ = std::fs::remove_dir_all(&dir);
    drop(sandbox);
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("passerelle-bench-migrate: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn bench(args: &Args, b: Bench) -> Result<(), Failure> {
    let rows = rows(args.rows);
    let csv = b.dir.join("Computer.csv");
    std::fs::write(&csv, export_csv(&rows)).map_err(|e| format!("{}: {e}", csv.display()))?;
    let in_flight = RunOptions::default().in_flight;
    let mut results: BTreeMap<Contender, Vec<Measure>> = BTreeMap::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut setups: Vec<f64> = Vec::new();
    let fsync_ms = fsync_cost(&b.dir)?;
    // Alternate the order each run; (b) comes before (c) in the first run, which replays the
    // batch sizes of the latest (b).
    let orders = [
        [
            Contender::Passerelle,
            Contender::RawBulk,
            Contender::SeedLoop,
        ],
        [
            Contender::RawBulk,
            Contender::SeedLoop,
            Contender::Passerelle,
        ],
        [
            Contender::SeedLoop,
            Contender::Passerelle,
            Contender::RawBulk,
        ],
    ];
    for run_no in 0..args.runs {
        for &c in &orders[run_no % orders.len()] {
            b.fresh().await?;
            let elapsed = match c {
                Contender::SeedLoop => b.seed_loop(&rows).await?,
                Contender::Passerelle => {
                    let (elapsed, s, setup) = b.passerelle(&csv, rows.len(), run_no).await?;
                    sizes = s;
                    setups.push(setup.as_secs_f64() * 1000.0);
                    elapsed
                }
                Contender::RawBulk => b.raw_bulk(&rows, &sizes, in_flight).await?,
            };
            let calls = b
                .check(&rows)
                .await
                .map_err(|e| format!("{} run {}: {e}", c.label(), run_no + 1))?;
            let ips = rows.len() as f64 / elapsed.as_secs_f64();
            eprintln!(
                "run {}/{} {:<40} {:>8.3} s {:>9.1} items/s {:>5} calls",
                run_no + 1,
                args.runs,
                c.label(),
                elapsed.as_secs_f64(),
                ips,
                calls
            );
            if c == Contender::Passerelle {
                eprintln!(
                    "    before the first batch: {:.1} ms; create batch sizes: {sizes:?}",
                    setups.last().copied().unwrap_or(0.0)
                );
            }
            results
                .entry(c)
                .or_default()
                .push(Measure { elapsed, calls });
        }
    }
    let med = |c: Contender| {
        median(
            results
                .get(&c)
                .map(|v| {
                    v.iter()
                        .map(|m| rows.len() as f64 / m.elapsed.as_secs_f64())
                        .collect()
                })
                .unwrap_or_default(),
        )
    };
    let calls = |c: Contender| {
        results
            .get(&c)
            .and_then(|v| v.last())
            .map(|m| m.calls)
            .unwrap_or(0)
    };
    let (a, pb, c) = (
        med(Contender::SeedLoop),
        med(Contender::Passerelle),
        med(Contender::RawBulk),
    );
    println!("| contender | median items/s | median time (s) | GLPI calls per run |");
    println!("| --- | --- | --- | --- |");
    for (k, v) in [
        (Contender::SeedLoop, a),
        (Contender::Passerelle, pb),
        (Contender::RawBulk, c),
    ] {
        println!(
            "| {} | {:.1} | {:.2} | {} |",
            k.label(),
            v,
            rows.len() as f64 / v,
            calls(k)
        );
    }
    println!();
    println!("- rows per run: {}, runs: {}", rows.len(), args.runs);
    println!("- create batch sizes of the last (b), replayed by (c): {sizes:?}");
    println!(
        "- (b) before its first batch (file read, login, target read, plan, rights): {:.1} ms (median)",
        median(setups)
    );
    println!("- one journal append + fsync in the temp dir: {fsync_ms:.2} ms (median of 20)");
    println!(
        "- (b)/(a): **{:.1}x** (goal ≥ 8x); (b)/(c): **{:.1}%** (goal ≥ 90%)",
        pb / a,
        100.0 * pb / c
    );
    Ok(())
}
