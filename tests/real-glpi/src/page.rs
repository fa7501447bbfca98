//! The page, driven as an administrator drives it, for the suites that run it against a real
//! GLPI (`tests/page.rs`, `tests/tickets_page.rs`): connect, drop files on the check, correct a
//! cell, hand the checked files to the migration, plan, map an entity, run, verify, undo. One
//! place for the page's selectors on the real-GLPI side.

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use passerelle_e2e::page::{run_confirmed, send_files, CONTROL, ENTER, RELEASE};
use passerelle_e2e::Browser;

use crate::migration::{dist_dir, RunningProxy};
use crate::RealGlpi;

/// The real proxy in front of `glpi`, serving the built page (`bash scripts/build-page.sh`, or
/// `PASSERELLE_DIST_DIR`).
pub fn serve_page(glpi: &RealGlpi) -> RunningProxy {
    let dist = dist_dir();
    assert!(
        dist.join("index.html").is_file(),
        "{} is missing: run `bash scripts/build-page.sh` first",
        dist.display()
    );
    RunningProxy::start(glpi, Some(&dist)).unwrap_or_else(|e| panic!("{e}"))
}

/// Polls `probe` every 200 ms until it gives `Some`, for at most `seconds`.
pub async fn until<T, F, Fut>(what: &str, seconds: u64, probe: F) -> T
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

/// The text of the first element matching `selector`, if any.
pub async fn text(browser: &Browser, selector: &str) -> Option<String> {
    browser.text(selector).await.ok().flatten()
}

/// Opens the page served by the proxy at `base_url` and keeps what it writes on its console
/// (a wasm panic ends its task there and nowhere else): see [`console`].
pub async fn open(browser: &Browser, base_url: &str) {
    browser
        .goto(&format!("{base_url}/"))
        .await
        .expect("the page");
    browser
        .wait_text("#proxy-status", "Proxy joignable")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
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
}

/// What the page wrote on its console since [`open`].
pub async fn console(browser: &Browser) -> String {
    browser
        .client
        .execute("return (window.__seen || []).join('\\n');", vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Connects the migration with a personal API token (the App-Token stays in the proxy) and
/// waits for the GLPI version the page then shows.
pub async fn connect(browser: &Browser, user_token: &str, version: &str) {
    browser
        .client
        .find(Locator::Css("#login-token"))
        .await
        .expect("token field")
        .send_keys(user_token)
        .await
        .expect("typing the token");
    browser.click("#connect-button").await.expect("connect");
    browser
        .wait_text("#glpi-version", version)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Drops `files` on the check and waits until its summary names every one of `expected`.
pub async fn check_files(browser: &Browser, files: &[PathBuf], expected: &[&str]) {
    send_files(browser, "#file-input", files).await;
    until("the check", 120, || async {
        text(browser, "#summary")
            .await
            .filter(|t| expected.iter().all(|name| t.contains(name)))
    })
    .await;
}

/// Makes one correction `FILE:LINE:COLUMN=VALUE` in the check's problems table: the problems
/// shown are narrowed to the cell's current value (read from `dir/FILE`), then its editor gets
/// the new value.
pub async fn correct(browser: &Browser, dir: &std::path::Path, correction: &str) {
    let (place, value) = correction.split_once('=').expect("FILE:LINE:COLUMN=VALUE");
    let mut parts = place.splitn(3, ':');
    let (file, line, column) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let current = cell(&dir.join(file), line.parse().expect("line"), column);
    // A problem names one value of a cell holding several (`A<br>B`): narrow to the file then.
    let filter = if current.contains("<br>") {
        file.to_string()
    } else {
        current
    };
    browser
        .client
        .execute(
            "const input = document.querySelector('#filter-text');
             input.value = arguments[0];
             input.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::json!(filter)],
        )
        .await
        .expect("problem filter");
    // A value to type, or, for a name several users share, the login to pick.
    let row = format!("#problems .problem-row[data-file=\"{file}\"][data-line=\"{line}\"]");
    let selector = format!("{row} input.value-edit, {row} select.pick-login");
    // The problems list is virtual (only the rows in view exist): scroll it until the row is
    // drawn.
    let edit = until(&format!("the editor of {file}:{line}"), 30, || async {
        let found = browser.client.find(Locator::Css(&selector)).await.ok();
        if found.is_none() {
            let _ = browser
                .client
                .execute(
                    "const v = document.querySelector('#problems');
                     if (v) {
                       v.scrollTop = v.scrollTop + v.clientHeight >= v.scrollHeight
                         ? 0 : v.scrollTop + v.clientHeight / 2;
                       v.dispatchEvent(new Event('scroll'));
                     }",
                    vec![],
                )
                .await;
        }
        found
    })
    .await;
    if edit.tag_name().await.expect("editor's tag") == "select" {
        // The login among those offered that the corrected cell names.
        let mut login = None;
        for option in edit
            .find_all(Locator::Css("option"))
            .await
            .expect("logins offered")
        {
            let v = option
                .attr("value")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            if !v.is_empty() && value.split("<br>").any(|p| p.trim() == v) {
                login = Some(v);
            }
        }
        let login = login.unwrap_or_else(|| panic!("{file}:{line}: no login of {value:?} offered"));
        edit.select_by_value(&login)
            .await
            .expect("picking the login");
    } else {
        edit.send_keys(&format!("{CONTROL}a{RELEASE}{value}{ENTER}"))
            .await
            .expect("typing the correction");
    }
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

/// The text of a cell of a GLPI export (1-based physical line, column by header).
fn cell(path: &std::path::Path, line: u64, column: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_reader(text.strip_prefix('\u{feff}').unwrap_or(&text).as_bytes());
    let headers = reader.headers().expect("header").clone();
    let at = headers
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("{} has no column {column}", path.display()));
    reader
        .records()
        .filter_map(Result::ok)
        .find(|r| r.position().is_some_and(|p| p.line() == line))
        .and_then(|r| r.get(at).map(str::to_string))
        .unwrap_or_else(|| panic!("{}:{line} not found", path.display()))
}

/// Hands the checked files to the migration and waits until it lists `expected`.
pub async fn use_checked(browser: &Browser, expected: &str) {
    browser
        .click("#use-checked")
        .await
        .expect("use the checked files");
    until("the checked files in the migration", 60, || async {
        text(browser, "#migrate-file-names")
            .await
            .filter(|t| t.contains(expected))
    })
    .await;
}

/// Makes the plan and waits until it is on screen: the section is busy from the click until the
/// new plan is shown (the counts of an earlier plan are already there when planning again).
pub async fn plan(browser: &Browser) -> String {
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
            .filter(|t| idle && !t.trim().is_empty())
    })
    .await
}

/// Maps the source entity `source` (its complete name, as the plan lists it) onto the target's
/// entity `target_id`; returns how many rows of the plan's entity table were mapped.
pub async fn map_entity(browser: &Browser, source: &str, target_id: u64) -> u64 {
    browser
        .client
        .execute(
            "const [source, id] = arguments; let n = 0;
             for (const row of document.querySelectorAll('tr.entity-row')) {
               if (row.cells[0].textContent.trim() === source) {
                 const input = row.querySelector('.entity-map');
                 input.value = String(id);
                 input.dispatchEvent(new Event('change', { bubbles: true }));
                 n += 1;
               }
             }
             return n;",
            vec![serde_json::json!(source), serde_json::json!(target_id)],
        )
        .await
        .expect("entity mapping")
        .as_u64()
        .unwrap_or(0)
}

/// Starts the run and waits until it ends; returns (its phase, the run's counters).
pub async fn run_to_end(browser: &Browser, label: &str) -> (String, String) {
    run_confirmed(browser).await;
    let run_started = Instant::now();
    let phase = until("the run to end", 600, || async {
        let phase = browser
            .attr("#run-status", "data-phase")
            .await
            .ok()
            .flatten();
        if run_started.elapsed().as_secs().is_multiple_of(30) {
            eprintln!(
                "[{label}] {:.0} s: {phase:?} {:?} {:?} {}",
                run_started.elapsed().as_secs_f64(),
                text(browser, "#run-status").await,
                text(browser, "#migrate-error").await,
                console(browser).await
            );
        }
        phase.filter(|p| p != "running" && p != "idle")
    })
    .await;
    let stats = text(browser, "#run-stats").await.unwrap_or_default();
    (phase, stats)
}

/// Runs the page's verification and returns whether it found the target clean (`"true"`).
pub async fn verify(browser: &Browser) -> String {
    browser
        .click("#verify-button")
        .await
        .expect("verify button");
    until("the verification", 300, || async {
        browser
            .attr("#verify-result", "data-clean")
            .await
            .ok()
            .flatten()
    })
    .await
}

/// Undoes the run through the page's own button, as an administrator does: the confirmation
/// (which names what it removes) accepted, then waits until the page says it is undone; returns
/// what it says (`#undo-result`).
pub async fn undo(browser: &Browser) -> String {
    browser.click("#undo-button").await.expect("undo button");
    until("the undo's confirmation", 30, || async {
        browser
            .attr("#confirm-dialog", "data-kind")
            .await
            .ok()
            .flatten()
            .filter(|k| k == "undo")
    })
    .await;
    browser
        .click("#confirm-yes")
        .await
        .expect("confirm the undo");
    until("the undo", 600, || async {
        let phase = browser
            .attr("#run-status", "data-phase")
            .await
            .ok()
            .flatten();
        if phase.as_deref() == Some("undone") {
            text(browser, "#undo-result").await
        } else {
            None
        }
    })
    .await
}
