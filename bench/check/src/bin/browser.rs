//! Browser read + validate speed, in headless Chromium, side by side with Papa Parse.
//!
//! For each size: generates the export, serves it with the bench page (bench/check/web), and in
//! the same page runs Papa Parse's parse alone and Passerelle's check (WebAssembly) alternately on
//! the same bytes. Then, in a fresh page, runs the check in a Web Worker while recording the main
//! thread's long tasks and the renderer's memory (RSS sampled from /proc).
//!
//! Needs the wasm build of bench/check-wasm and papaparse: `bash bench/check/run.sh` does it all.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use passerelle_bench_check::generate::{generate, DEFAULT_SEED};
use passerelle_bench_check::{machine, median, parse_sizes, MB};
use serde_json::{json, Value};
use tower_http::services::ServeDir;

#[derive(Parser)]
#[command(
    about = "Papa Parse vs Passerelle's check (wasm) in headless Chromium, same page, same bytes"
)]
struct Args {
    /// Sizes in MB, comma-separated.
    #[arg(long, default_value = "10,50,200")]
    sizes: String,
    /// Timed runs of each side per size (after one warm-up run each).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// wasm-bindgen output (`--target web`) of bench/check-wasm.
    #[arg(long)]
    pkg: PathBuf,
    /// Directory holding papaparse.min.js.
    #[arg(long)]
    papaparse: PathBuf,
    /// Where the generated files are written (kept for inspection).
    #[arg(long, default_value = "bench/out/check")]
    data: PathBuf,
    /// chromedriver.
    #[arg(long, env = "CHROMEDRIVER", default_value = "/usr/bin/chromedriver")]
    chromedriver: String,
    /// Chromium.
    #[arg(long, env = "CHROME_BIN", default_value = "/usr/bin/chromium")]
    chromium: String,
    /// The product page as trunk built it (`dist/`): when given, each file is also dropped on the
    /// real page (its file input) and checked by its own worker, the renderer's memory sampled.
    #[arg(long)]
    page: Option<PathBuf>,
}

/// Chromium flags: the e2e tests' (headless, root-friendly, quiet network) plus precise heap figures.
const CHROMIUM_ARGS: [&str; 9] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-precise-memory-info",
];

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = Args::parse();
    let sizes = parse_sizes(&args.sizes)?;
    std::fs::create_dir_all(&args.data)?;
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web");
    let app = axum::Router::new()
        .nest_service("/pkg", ServeDir::new(&args.pkg))
        .nest_service("/papaparse", ServeDir::new(&args.papaparse))
        .nest_service("/data", ServeDir::new(&args.data))
        .fallback_service(ServeDir::new(web));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let driver = Driver::start(&args.chromedriver)?;
    let profile = std::env::temp_dir().join(format!("passerelle-bench-{}", std::process::id()));
    let result = run(&args, &sizes, &base, &driver, &profile).await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    result
}

async fn run(
    args: &Args,
    sizes: &[usize],
    base: &str,
    driver: &Driver,
    profile: &std::path::Path,
) -> Result<(), Error> {
    let papaparse = std::fs::read_to_string(args.papaparse.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_string))
        .unwrap_or_else(|| "unknown".into());
    let chromium = Command::new(&args.chromium)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("machine: {}", machine());
    println!("browser: {chromium} (headless); Papa Parse {papaparse}");
    println!();
    println!("| size | rows | runs | Papa Parse parse alone MB/s | Passerelle read + validate (wasm) MB/s | ratio | TextDecoder MB/s |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let mut worker_lines = Vec::new();
    for &mb in sizes {
        // A fresh Chromium per size, so that memory figures start from a clean renderer.
        let client = open(args, driver, profile).await?;
        let outcome = measure(args, mb, base, driver, &client).await;
        let _ = client.close().await;
        worker_lines.push(outcome?);
    }
    println!();
    println!("Check in a Web Worker (fresh Chromium, file given as a Blob), main thread observed:");
    println!();
    println!("| size | total ms | check ms (worker) | long tasks | longest ms | longest timer gap ms | wasm memory MB | renderer RSS before MB | renderer RSS peak MB | (peak - before) / file size |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for l in worker_lines {
        println!("{l}");
    }
    if let Some(page) = &args.page {
        let app = axum::Router::new().fallback_service(ServeDir::new(page));
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let page_base = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        println!();
        println!("The product page (`dist/`, fresh Chromium per size): the file picked in its file input, read and checked by its worker until the summary shows every row:");
        println!();
        println!("| size | rows | picked to summary ms | renderer RSS before MB | renderer RSS peak MB | (peak - before) / file size |");
        println!("| --- | --- | --- | --- | --- | --- |");
        for &mb in sizes {
            let client = open(args, driver, profile).await?;
            let outcome = measure_page(args, mb, &page_base, driver, &client).await;
            let _ = client.close().await;
            println!("{}", outcome?);
        }
    }
    Ok(())
}

/// One size on the real page: pick the generated file, wait for its row count in the summary.
async fn measure_page(
    args: &Args,
    mb: usize,
    base: &str,
    driver: &Driver,
    client: &Client,
) -> Result<String, Error> {
    let file = format!("generated-{mb}MB.csv");
    let path = std::fs::canonicalize(args.data.join(&file))?;
    let len = std::fs::metadata(&path)?.len() as f64;
    let rows = generate_rows(mb);
    client.goto(&format!("{base}/")).await?;
    let input = client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("#file-input"))
        .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = driver.renderer_rss();
    let sampler = RssSampler::start(driver.pid);
    let start = std::time::Instant::now();
    input.send_keys(&path.display().to_string()).await?;
    let cell = format!("tr.summary-row[data-file=\"{file}\"] .rows");
    loop {
        let shown = match client.find(Locator::Css(&cell)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if shown.trim() == rows.to_string() {
            break;
        }
        if start.elapsed() > Duration::from_secs(600) {
            return Err(
                format!("{file}: the summary shows {shown:?} rows, expected {rows}").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let peak = sampler.stop();
    Ok(format!(
        "| {mb} MB | {rows} | {ms:.0} | {:.0} | {:.0} | {:.2}x |",
        baseline as f64 / 1e6,
        peak as f64 / 1e6,
        (peak.saturating_sub(baseline)) as f64 / len,
    ))
}

/// Rows of the generated export of `mb` MB (the generator is deterministic).
fn generate_rows(mb: usize) -> usize {
    generate(mb * MB, DEFAULT_SEED).rows
}

async fn open(args: &Args, driver: &Driver, profile: &std::path::Path) -> Result<Client, Error> {
    let _ = std::fs::remove_dir_all(profile);
    let mut chrome_args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
    chrome_args.push(format!("--user-data-dir={}", profile.display()));
    let caps = json!({ "goog:chromeOptions": { "binary": args.chromium, "args": chrome_args } });
    let Value::Object(caps) = caps else {
        unreachable!("an object literal")
    };
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await?;
    client
        .update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(900)),
            Some(Duration::from_secs(60)),
            None,
        ))
        .await?;
    Ok(client)
}

async fn call(client: &Client, expr: &str) -> Result<Value, Error> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         Promise.resolve().then(() => {expr}).then(done, (e) => done({{ error: String(e) }}));"
    );
    let v = client.execute_async(&script, vec![]).await?;
    if let Some(e) = v.get("error") {
        return Err(format!("{expr}: {e}").into());
    }
    Ok(v)
}

fn num(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// One size in one fresh Chromium: first the worker run (long tasks, memory from a clean
/// renderer), then both sides alternately; prints the throughput row, returns the worker row.
async fn measure(
    args: &Args,
    mb: usize,
    base: &str,
    driver: &Driver,
    client: &Client,
) -> Result<String, Error> {
    let export = generate(mb * MB, DEFAULT_SEED);
    let len = export.bytes.len() as f64;
    let file = format!("generated-{mb}MB.csv");
    std::fs::write(args.data.join(&file), &export.bytes)?;
    drop(export.bytes);
    let url = format!("{base}/data/{file}");

    // Worker run: the main thread holds only the Blob, as the real page holds the dropped File.
    client.goto(&format!("{base}/index.html")).await?;
    call(client, "bench.ready()").await?;
    call(client, &format!("bench.load({url:?}, true)")).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = driver.renderer_rss();
    let sampler = RssSampler::start(driver.pid);
    let w = call(client, "bench.worker()").await?;
    let peak = sampler.stop();
    if num(&w, "rows") as usize != export.rows {
        return Err(format!("worker read {} rows, expected {}", w["rows"], export.rows).into());
    }
    let worker_line = format!(
        "| {mb} MB | {:.0} | {:.0} | {} | {:.0} | {:.1} | {:.0} | {:.0} | {:.0} | {:.2}x |",
        num(&w, "ms"),
        num(&w, "checkMs"),
        num(&w, "longTasks"),
        num(&w, "maxLongTask"),
        num(&w, "maxGap"),
        num(&w, "wasmMemory") / 1e6,
        baseline as f64 / 1e6,
        peak as f64 / 1e6,
        (peak.saturating_sub(baseline)) as f64 / len,
    );

    // Throughput: both sides alternately, in the same page, on the same bytes.
    client.goto(&format!("{base}/index.html")).await?;
    call(client, "bench.ready()").await?;
    call(client, &format!("bench.load({url:?}, false)")).await?;
    let (mut papa, mut pass, mut dec) = (vec![], vec![], vec![]);
    for run in 0..=args.runs {
        let d = call(client, "bench.decode()").await?;
        let p = call(client, "bench.papa()").await?;
        let c = call(client, "bench.passerelle()").await?;
        if num(&c, "rows") as usize != export.rows {
            return Err(format!(
                "Passerelle read {} rows, expected {}",
                c["rows"], export.rows
            )
            .into());
        }
        if run > 0 {
            dec.push(d.as_f64().unwrap_or(f64::NAN));
            papa.push(num(&p, "ms"));
            pass.push(num(&c, "ms"));
        }
    }
    let mbps = |ms: f64| len / MB as f64 / (ms / 1000.0);
    let (papa_mbps, pass_mbps) = (mbps(median(&papa)), mbps(median(&pass)));
    println!(
        "| {mb} MB | {} | {} | {papa_mbps:.1} | {pass_mbps:.1} | **{:.2}x** | {:.0} |",
        export.rows,
        args.runs,
        pass_mbps / papa_mbps,
        mbps(median(&dec))
    );
    Ok(worker_line)
}

/// chromedriver on a free port, killed on drop (its Chromium goes with the session).
struct Driver {
    child: Child,
    pid: u32,
    url: String,
}

impl Driver {
    fn start(bin: &str) -> Result<Driver, Error> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(bin)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {bin}: {e}"))?;
        let pid = child.id();
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Driver {
                    child,
                    pid,
                    url: format!("http://127.0.0.1:{port}"),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("{bin} did not listen on port {port}").into())
    }

    fn renderer_rss(&self) -> u64 {
        renderer_rss(self.pid)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory (bytes) of the Chromium renderer processes started under `root`.
fn renderer_rss(root: u32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let procs: Vec<(u32, u32)> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let after = stat.rsplit_once(')')?.1;
            let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect();
    let descends = |mut pid: u32| {
        for _ in 0..16 {
            if pid == root {
                return true;
            }
            match procs.iter().find(|(p, _)| *p == pid) {
                Some((_, parent)) => pid = *parent,
                None => return false,
            }
        }
        false
    };
    procs
        .iter()
        .filter(|(pid, _)| descends(*pid))
        .filter(|(pid, _)| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c.windows(15).any(|w| w == b"--type=renderer"))
        })
        .filter_map(|(pid, _)| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let kb: u64 = status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some(kb * 1024)
        })
        .sum()
}

/// Samples the renderers' RSS every 20 ms on a thread; `stop` returns the peak.
struct RssSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl RssSampler {
    fn start(root: u32) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let (s, p) = (stop.clone(), peak.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                p.fetch_max(renderer_rss(root), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        RssSampler { stop, peak, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}
