//! Several migrations at once through one proxy (issue 14): the real `passerelle migrate`
//! commands, the real proxy with a low ceiling, the GLPI sandbox behind a layer that measures
//! what actually reaches it. The ceiling holds (calls in flight, calls in any second), the
//! proxy had to refuse (429) and the commands slowed down instead of failing, and every
//! migration's computers are in GLPI exactly once.
//!
//! Needs the `passerelle` binary of the same target directory (`cargo build --workspace --bins`,
//! as scripts/test.sh does first). `PASSERELLE_LOAD_REPORT=1` prints the figures of
//! BENCHMARKS.md (bench/deploy/run.sh).

mod common;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use glpi_sandbox::{Faults, SandboxConfig, DEMO_APP_TOKEN, DEMO_USER_TOKEN};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MIGRATIONS: usize = 4;
const ROWS: usize = 120;
const MAX_IN_FLIGHT: usize = 3;
const MAX_PER_SECOND: usize = 20;

/// What reached the sandbox.
#[derive(Default)]
struct Measure {
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    starts: Mutex<Vec<Instant>>,
}

async fn measure(State(m): State<Arc<Measure>>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/apirest.php") {
        return next.run(req).await;
    }
    m.starts.lock().unwrap().push(Instant::now());
    let now = m.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    m.peak_in_flight.fetch_max(now, Ordering::SeqCst);
    let res = next.run(req).await;
    m.in_flight.fetch_sub(1, Ordering::SeqCst);
    res
}

/// The most calls that started within any window of `window`.
fn peak_in_window(starts: &[Instant], window: Duration) -> usize {
    let mut best = 0;
    let mut first = 0;
    for (i, t) in starts.iter().enumerate() {
        while t.duration_since(starts[first]) >= window {
            first += 1;
        }
        best = best.max(i + 1 - first);
    }
    best
}

/// Every log line of the test run, to prove no secret is ever written.
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    common::captured_logs("info")
}

/// The `passerelle` command of this test's target directory.
fn cli() -> PathBuf {
    if let Some(p) = std::env::var_os("PASSERELLE_CLI_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().unwrap().parent().unwrap();
    let p = profile.join("passerelle");
    assert!(
        p.is_file(),
        "{} missing: cargo build --workspace --bins first",
        p.display()
    );
    p
}

fn export(prefecture: usize) -> String {
    let mut s = String::from(
        "\u{feff}\"Nom\";\"Entité\";\"Numéro de série\";\"Numéro d'inventaire\";\"Commentaires\"\r\n",
    );
    for r in 0..ROWS {
        s.push_str(&format!(
            "\"pref{prefecture}-pc{r:04}\";\"Root Entity\";\"SN-{prefecture}-{r:04}\";\"INV-{prefecture}-{r:04}\";\"préfecture {prefecture}\"\r\n"
        ));
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_migrations_stay_under_the_ceiling_and_each_lands_exactly_once() {
    logs();
    let m = Arc::new(Measure::default());
    // A GLPI that takes its time (20 ms a call, 2 ms per item of a bulk write), so that calls
    // overlap and the ceiling of calls in flight is tested, not only the one per second.
    let config = SandboxConfig {
        faults: Faults {
            latency_ms: 20,
            bulk_item_ms: 2,
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = glpi_sandbox::router(config)
        .layer(axum::middleware::from_fn_with_state(m.clone(), measure));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sandbox_addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            sandbox.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let vars: HashMap<&str, String> = [
        ("PASSERELLE_LISTEN", "127.0.0.1:0".to_string()),
        (
            "PASSERELLE_GLPI_API_URL",
            format!("http://{sandbox_addr}/apirest.php"),
        ),
        ("PASSERELLE_GLPI_APP_TOKEN", DEMO_APP_TOKEN.to_string()),
        (
            "PASSERELLE_UPSTREAM_MAX_IN_FLIGHT",
            MAX_IN_FLIGHT.to_string(),
        ),
        (
            "PASSERELLE_UPSTREAM_MAX_CALLS_PER_SECOND",
            MAX_PER_SECOND.to_string(),
        ),
    ]
    .into_iter()
    .collect();
    let config = passerelle_proxy::Config::load(None, &|k| vars.get(k).cloned()).unwrap();
    let proxy = passerelle_proxy::spawn(config).await.unwrap();

    let dir = std::env::temp_dir().join(format!("passerelle-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let started = Instant::now();
    let mut runs = Vec::new();
    for p in 0..MIGRATIONS {
        let d = dir.join(format!("pref{p}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("Computer.csv"), export(p)).unwrap();
        let mut cmd = tokio::process::Command::new(cli());
        cmd.arg("migrate")
            .arg("--api")
            .arg(format!("{}/api", proxy.url()))
            .arg("--entity")
            .arg("0")
            .arg("--journal")
            .arg(d.join("run.jsonl"))
            .arg("--report-json")
            .arg(d.join("report.json"))
            .arg(d.join("Computer.csv"))
            .env("PASSERELLE_USER_TOKEN", DEMO_USER_TOKEN)
            .kill_on_drop(true);
        runs.push(tokio::spawn(async move {
            let out = cmd.output().await.unwrap();
            (p, out, started.elapsed())
        }));
    }
    let mut durations = Vec::new();
    for r in runs {
        let (p, out, took) = r.await.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "migration {p} failed ({:?}):\n{}\n{stderr}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        );
        durations.push(took);
    }
    let total = started.elapsed();

    // Every computer of every prefecture, exactly once.
    let dump: serde_json::Value = reqwest::get(format!("http://{sandbox_addr}/sandbox/dump"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut serials: BTreeMap<String, usize> = BTreeMap::new();
    for c in dump["Computer"].as_array().unwrap() {
        *serials
            .entry(c["serial"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
    }
    for p in 0..MIGRATIONS {
        for r in 0..ROWS {
            let s = format!("SN-{p}-{r:04}");
            assert_eq!(serials.get(&s), Some(&1), "{s}");
        }
    }
    assert_eq!(serials.len(), MIGRATIONS * ROWS);

    // The ceiling held at GLPI's door. The sliding window is 5 ms short of a second: the few
    // milliseconds between the proxy's admission and the sandbox's arrival.
    let peak = m.peak_in_flight.load(Ordering::SeqCst);
    let mut starts = m.starts.lock().unwrap().clone();
    starts.sort();
    let per_second = peak_in_window(&starts, Duration::from_millis(995));
    assert!(peak <= MAX_IN_FLIGHT, "{peak} calls in flight");
    assert_eq!(
        peak, MAX_IN_FLIGHT,
        "the calls in flight reached the ceiling"
    );
    assert!(
        per_second <= MAX_PER_SECOND,
        "{per_second} calls in a second"
    );
    // And it was needed: the proxy refused calls, the commands waited and went on.
    let logged = String::from_utf8_lossy(&logs().lock().unwrap()).to_string();
    let refused = logged.matches("reason=\"upstream_busy\"").count();
    assert!(
        refused > 0,
        "the ceiling was never reached: the test proves nothing"
    );
    assert!(!logged.contains(DEMO_USER_TOKEN));

    if std::env::var_os("PASSERELLE_LOAD_REPORT").is_some() {
        let mut d: Vec<f64> = durations.iter().map(|d| d.as_secs_f64()).collect();
        d.sort_by(f64::total_cmp);
        println!(
            "LOAD migrations={MIGRATIONS} rows_each={ROWS} ceiling_in_flight={MAX_IN_FLIGHT} ceiling_per_second={MAX_PER_SECOND} \
             calls_reaching_glpi={} peak_in_flight={peak} peak_calls_in_1s={per_second} refused_429={refused} \
             total_s={:.2} per_migration_s={:?}",
            starts.len(),
            total.as_secs_f64(),
            d.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
