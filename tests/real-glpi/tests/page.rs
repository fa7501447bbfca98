//! The page, through the real proxy, in headless Chromium, against a REAL GLPI 10.0.11, as an
//! administrator uses it: the ten sample exports and the two companion files dropped on the
//! check, the homonyms nothing tells apart corrected there, the checked files handed to the
//! migration, then connect, plan (the exports' entity mapped to the prefecture's), run and
//! verify; then the same database oracle as `fidelity.rs`.
//! The page must be built first (`bash scripts/build-page.sh`, or `PASSERELLE_DIST_DIR`).

use std::future::Future;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use passerelle_e2e::page::{send_files, CONTROL, ENTER, RELEASE};
use passerelle_e2e::Browser;
use real_glpi::migration::{dist_dir, RunningProxy};
use real_glpi::suite::{first_lines, Oracle, Setup, ENTITY};

struct Outcome {
    oracle: Oracle,
    verify_clean: Option<String>,
    run_stats: String,
}

/// Polls `probe` every 200 ms until it gives `Some`, for at most `seconds`.
async fn until<T, F, Fut>(what: &str, seconds: u64, probe: F) -> T
where
    F: Fn() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(seconds),
            "timed out after {seconds} s waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn text(browser: &Browser, selector: &str) -> Option<String> {
    browser.text(selector).await.ok().flatten()
}

/// Makes one correction `FILE:LINE:COLUMN=VALUE` in the check's problems table: the problems
/// shown are narrowed to the cell's current value, then its editor gets the new value.
async fn correct(browser: &Browser, correction: &str) {
    let (place, value) = correction.split_once('=').expect("FILE:LINE:COLUMN=VALUE");
    let mut parts = place.splitn(3, ':');
    let (file, line, column) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let current = cell(file, line.parse().expect("line"), column);
    browser
        .client
        .execute(
            "const input = document.querySelector('#filter-text');
             input.value = arguments[0];
             input.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::json!(current)],
        )
        .await
        .expect("problem filter");
    let selector = format!(
        "#problems .problem-row[data-file=\"{file}\"][data-line=\"{line}\"] input.value-edit"
    );
    let edit = until(&format!("the editor of {file}:{line}"), 30, || async {
        browser.client.find(Locator::Css(&selector)).await.ok()
    })
    .await;
    edit.send_keys(&format!("{CONTROL}a{RELEASE}{value}{ENTER}"))
        .await
        .expect("typing the correction");
    until(&format!("{file}:{line} to be corrected"), 30, || async {
        browser
            .client
            .find(Locator::Css(&selector))
            .await
            .is_err()
            .then_some(())
    })
    .await;
}

/// The text of a cell of a sample export (1-based physical line, column by header).
fn cell(file: &str, line: u64, column: &str) -> String {
    let path = real_glpi::migration::samples_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_reader(text.strip_prefix('\u{feff}').unwrap_or(&text).as_bytes());
    let headers = reader.headers().expect("header").clone();
    let at = headers
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("{file} has no column {column}"));
    reader
        .records()
        .filter_map(Result::ok)
        .find(|r| r.position().is_some_and(|p| p.line() == line))
        .and_then(|r| r.get(at).map(str::to_string))
        .unwrap_or_else(|| panic!("{file}:{line} not found"))
}

/// What the page wrote on its console since the capture was installed.
async fn console(browser: &Browser) -> String {
    browser
        .client
        .execute("return (window.__seen || []).join('\\n');", vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Makes the plan and waits until it is on screen: the section is busy from the click until the
/// new plan is shown (the counts of an earlier plan are already there when planning again).
async fn plan(browser: &Browser) {
    browser.click("#plan-button").await.expect("plan button");
    until("the plan", 120, || async {
        let idle = browser
            .attr("#migrate-section", "aria-busy")
            .await
            .ok()
            .flatten()
            .is_some_and(|b| b == "false");
        text(browser, "#plan-counts")
            .await
            .filter(|t| idle && t.contains("Computer"))
    })
    .await;
}

async fn page_flow() -> Outcome {
    let started = Instant::now();
    let setup = Setup::new("page").unwrap_or_else(|e| panic!("{e}"));
    let dist = dist_dir();
    assert!(
        dist.join("index.html").is_file(),
        "{} is missing: run `bash scripts/build-page.sh` first",
        dist.display()
    );
    let proxy = RunningProxy::start(&setup.target, Some(&dist)).unwrap_or_else(|e| panic!("{e}"));
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    browser.goto(&format!("{}/", proxy.base_url)).await.unwrap();
    browser
        .wait_text("#proxy-status", "Proxy joignable")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // What the page says on its console (a wasm panic ends its task there and nowhere else).
    browser
        .client
        .execute(
            "window.__seen = [];
             const keep = (kind) => (...a) => window.__seen.push(kind + ': ' + a.join(' '));
             console.error = keep('console.error');
             window.addEventListener('error', (e) => window.__seen.push('error: ' + e.message));
             window.addEventListener('unhandledrejection', (e) => window.__seen.push('rejection: ' + e.reason));",
            vec![],
        )
        .await
        .expect("console capture");

    // Connect with the personal token of `glpi` (the App-Token stays in the proxy).
    browser
        .client
        .find(Locator::Css("#login-token"))
        .await
        .expect("token field")
        .send_keys(&setup.target.user_token)
        .await
        .unwrap();
    browser.click("#connect-button").await.unwrap();
    browser
        .wait_text("#glpi-version", "10.0.11")
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    // The administrator's way: the ten exports and the two companion files dropped on the
    // check, the homonyms nothing tells apart corrected there (the same corrections as the CLI
    // suite, read from the source database), then the checked files handed to the migration.
    send_files(&browser, "#file-input", &setup.files()).await;
    until("the check", 120, || async {
        text(&browser, "#summary")
            .await
            .filter(|t| t.contains("installations-logiciels.csv") && t.contains("User.csv"))
    })
    .await;
    let corrections = setup
        .homonym_corrections()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !corrections.is_empty(),
        "the sample has homonyms to correct"
    );
    for c in &corrections {
        correct(&browser, c).await;
    }
    browser
        .click("#use-checked")
        .await
        .expect("use the checked files");
    until("the checked files in the migration", 60, || async {
        text(&browser, "#migrate-file-names")
            .await
            .filter(|t| t.contains("installations-logiciels.csv"))
    })
    .await;
    plan(&browser).await;

    // The exports' entity goes to the prefecture's entity of the target, then plan again.
    let mapped = browser
        .client
        .execute(
            "const [source, id] = arguments; let n = 0;
             for (const row of document.querySelectorAll('tr.entity-row')) {
               if (row.cells[0].textContent.trim() === source) {
                 const input = row.querySelector('input.entity-map');
                 input.value = String(id);
                 input.dispatchEvent(new Event('change', { bubbles: true }));
                 n += 1;
               }
             }
             return n;",
            vec![
                serde_json::json!(format!("Root Entity > {ENTITY}")),
                serde_json::json!(setup.entity),
            ],
        )
        .await
        .expect("entity mapping");
    assert_eq!(
        mapped,
        serde_json::json!(1),
        "the plan lists the exports' entity"
    );
    plan(&browser).await;

    browser.click("#run-button").await.unwrap();
    let run_started = Instant::now();
    let phase = until("the run to end", 600, || async {
        let phase = browser
            .attr("#run-status", "data-phase")
            .await
            .ok()
            .flatten();
        if run_started.elapsed().as_secs().is_multiple_of(30) {
            eprintln!(
                "[page] {:.0} s: {phase:?} {:?} {:?} {}",
                run_started.elapsed().as_secs_f64(),
                text(&browser, "#run-status").await,
                text(&browser, "#migrate-error").await,
                console(&browser).await
            );
        }
        phase.filter(|p| p != "running" && p != "idle")
    })
    .await;
    let run_stats = text(&browser, "#run-stats").await.unwrap_or_default();
    assert_eq!(
        phase,
        "finished",
        "the run ended with: {} {}",
        text(&browser, "#run-status").await.unwrap_or_default(),
        console(&browser).await
    );
    browser.click("#verify-button").await.unwrap();
    let verify_clean = Some(
        until("the verification", 300, || async {
            browser
                .attr("#verify-result", "data-clean")
                .await
                .ok()
                .flatten()
        })
        .await,
    );
    let _ = browser.close().await;
    let runs = format!(
        "\n## Run (page in headless Chromium, through the proxy)\n\n- run: {run_stats}\n- verify clean: {verify_clean:?}\n- whole test: {:.1} s\n",
        started.elapsed().as_secs_f64()
    );
    let oracle = setup
        .oracle("page-fidelity-report.md", &runs)
        .unwrap_or_else(|e| panic!("{e}"));
    println!("{}", oracle.report);
    Outcome {
        oracle,
        verify_clean,
        run_stats,
    }
}

async fn outcome() -> &'static Outcome {
    static OUTCOME: tokio::sync::OnceCell<Outcome> = tokio::sync::OnceCell::const_new();
    OUTCOME.get_or_init(page_flow).await
}

/// The page connects to the real GLPI, plans, runs and verifies the sample migration, and the
/// oracle reads both databases in full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_migrates_the_samples_into_a_real_glpi() {
    let o = outcome().await;
    assert!(o.verify_clean.is_some(), "no verification result");
    o.oracle.assert_source_read_in_full();
    assert!(
        o.oracle.target.count("Computer") > 0,
        "nothing reached the target: {}",
        o.run_stats
    );
}

/// What the page stored is what the source holds, cell by cell and object by object.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_migration_is_faithful() {
    let o = outcome().await;
    let mut lines = o.oracle.db_lines();
    lines.extend(o.oracle.cell_lines());
    assert!(
        lines.is_empty(),
        "{} differences:\n{}",
        lines.len(),
        first_lines(&lines, 60)
    );
    assert_eq!(
        o.verify_clean.as_deref(),
        Some("true"),
        "the page's verification"
    );
}
