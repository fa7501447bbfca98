//! What the browser tests share: the reference samples where they are, the page opened through
//! the proxy in front of a sandbox, files given to a file input, WebDriver key codes, lists
//! picked and read, the check summary's cells, and waits for what the page shows.

use std::path::PathBuf;

use fantoccini::Locator;

use crate::{repo_root, Browser, Proxy, Sandbox};

/// WebDriver key: Enter.
pub const ENTER: &str = "\u{E007}";
/// WebDriver key: Control (held until [`RELEASE`]).
pub const CONTROL: &str = "\u{E009}";
/// WebDriver: release every held key.
pub const RELEASE: &str = "\u{E000}";

/// A real GLPI 10.0.11 export of `../shared/samples` (read where it is, never copied).
pub fn glpi_sample(name: &str) -> PathBuf {
    repo_root()
        .join("../shared/samples/glpi-10.0.11-export/fr")
        .join(name)
        .canonicalize()
        .expect("GLPI sample file")
}

/// An HR directory sample of `../shared/samples/directory`.
pub fn directory_sample(name: &str) -> PathBuf {
    repo_root()
        .join("../shared/samples/directory")
        .join(name)
        .canonicalize()
        .expect("directory sample file")
}

/// The sandbox (with extra arguments, e.g. `--latency realistic`), the proxy in front of it, and
/// Chromium showing the page once it reached the proxy.
pub async fn open_page_with(sandbox_args: &[&str]) -> (Sandbox, Proxy, Browser) {
    let sandbox = Sandbox::start_with(sandbox_args).unwrap_or_else(|e| panic!("{e}"));
    let proxy = Proxy::start(&sandbox.api_url).unwrap_or_else(|e| panic!("{e}"));
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{e}"));
    browser.goto(&proxy.url("/")).await.unwrap();
    browser
        .wait_text("#proxy-status", "Proxy joignable")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (sandbox, proxy, browser)
}

/// [`open_page_with`] a plain sandbox.
pub async fn open_page() -> (Sandbox, Proxy, Browser) {
    open_page_with(&[]).await
}

/// Gives files to the file input matching `input` (several paths separated by newlines, as
/// WebDriver wants them).
pub async fn send_files(browser: &Browser, input: &str, paths: &[PathBuf]) {
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    browser
        .client
        .find(Locator::Css(input))
        .await
        .unwrap_or_else(|e| panic!("{input}: {e}"))
        .send_keys(&paths.join("\n"))
        .await
        .expect("send files");
}

/// The sample exports the migration tests plan and run (locations, groups, users, computers,
/// monitors): every stage of a migration with users and relations, in seconds.
pub const MIGRATION_SAMPLES: [&str; 5] = [
    "Location.csv",
    "Group.csv",
    "User.csv",
    "Computer.csv",
    "Monitor.csv",
];

/// Everything the sandbox holds, per item type (its admin `dump`).
pub fn sandbox_dump(sandbox: &Sandbox) -> serde_json::Value {
    let r = crate::http::get(&format!("{}/dump", sandbox.admin_url())).expect("dump");
    serde_json::from_str(&r.body).expect("dump JSON")
}

/// How many items of `itemtype` a [`sandbox_dump`] holds.
pub fn item_count(dump: &serde_json::Value, itemtype: &str) -> usize {
    dump[itemtype].as_array().map(Vec::len).unwrap_or(0)
}

/// Connects the page's migration section with the sandbox's demo user token.
pub async fn connect_demo(browser: &Browser) {
    let token = browser
        .client
        .find(Locator::Css("#login-token"))
        .await
        .expect("token field");
    token.send_keys("passerelle-demo-user-token").await.unwrap();
    browser.click("#connect-button").await.unwrap();
    browser
        .wait_text("#glpi-version", sandbox_glpi_version())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The GLPI version the sandbox binary reports: its GLPI 11 mode when the suite runs with
/// `PASSERELLE_SANDBOX_GLPI_VERSION=11` (scripts/test.sh runs the page tests in both modes).
pub fn sandbox_glpi_version() -> &'static str {
    match std::env::var("PASSERELLE_SANDBOX_GLPI_VERSION").as_deref() {
        Ok("11") => "11.0.6",
        _ => "10.0.11",
    }
}

/// Presses the migration's "run" and confirms it in the dialog that names what will be written.
pub async fn run_confirmed(browser: &Browser) {
    browser.click("#run-button").await.expect("run button");
    browser
        .wait_attr("#confirm-dialog", "data-kind", "run")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser
        .click("#confirm-yes")
        .await
        .expect("confirm the run");
}

/// The row of the plan's missing value `value` of `itemtype`.
pub fn unmatched_row(itemtype: &str, value: &str) -> String {
    format!(
        "#unmatched .unmatched-type[data-itemtype=\"{itemtype}\"] tr.unmatched-row[data-value=\"{value}\"]"
    )
}

/// Types `typed` in the search of existing target values of the missing value `value` of
/// `itemtype`, waits for the item named `name` among those found, picks it, and waits until the
/// plan, made again, maps the value to it. Returns the item's id.
pub async fn pick_existing_value(
    browser: &Browser,
    itemtype: &str,
    value: &str,
    typed: &str,
    name: &str,
) -> u64 {
    let row = unmatched_row(itemtype, value);
    browser
        .client
        .find(Locator::Css(&format!("{row} input.value-search-input")))
        .await
        .unwrap_or_else(|e| panic!("{row}: search field: {e}"))
        .send_keys(typed)
        .await
        .expect("typing the search");
    let pick = format!("{row} button.value-pick");
    let mut id = None;
    for _ in 0..300 {
        let found: serde_json::Value = browser
            .client
            .execute(
                "return [...document.querySelectorAll(arguments[0])].map(b => [b.textContent, b.dataset.id]);",
                vec![serde_json::json!(pick)],
            )
            .await
            .expect("the values found");
        id = found.as_array().and_then(|list| {
            list.iter().find_map(|pair| {
                let text = pair[0].as_str()?;
                text.starts_with(&format!("{name} ("))
                    .then(|| pair[1].as_str()?.parse().ok())?
            })
        });
        if id.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let id: u64 = id.unwrap_or_else(|| panic!("{name} never offered for {value}"));
    browser
        .click(&format!("{pick}[data-id=\"{id}\"]"))
        .await
        .expect("picking the value");
    browser
        .wait_attr(&row, "data-choice", "map")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    id
}

/// What a drop-down list shows: its value, the value in force its owner gave it (`data-value`,
/// written by the page's `Choice` component) and the text of the option displayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListState {
    /// The `<select>`'s value.
    pub value: String,
    /// Its `data-value`: the choice in force.
    pub in_force: String,
    /// The displayed option's text.
    pub text: String,
}

/// Reads the list `selector`; panics when there is none.
pub async fn list_state(browser: &Browser, selector: &str) -> ListState {
    let v = browser
        .client
        .execute(
            "const s = document.querySelector(arguments[0]);
             if (!s) return null;
             const o = s.options[s.selectedIndex];
             return [s.value, s.dataset.value ?? '', o ? o.text : ''];",
            vec![serde_json::json!(selector)],
        )
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"));
    let cells = v
        .as_array()
        .unwrap_or_else(|| panic!("{selector}: no such list"));
    let cell = |i: usize| cells[i].as_str().unwrap_or_default().to_string();
    ListState {
        value: cell(0),
        in_force: cell(1),
        text: cell(2),
    }
}

/// Waits (20 s at most) until the list `selector` shows `value` and that is the choice in force.
pub async fn wait_list(browser: &Browser, selector: &str, value: &str, context: &str) {
    let start = std::time::Instant::now();
    loop {
        let state = list_state(browser, selector).await;
        if state.value == value && state.in_force == value {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{context}: {selector} shows {state:?}, expected {value:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// How long the waits below give the page: a check, a plan or a run of the samples ends well
/// within it on two cores.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// Waits until `probe` holds; panics naming `what` after [`PATIENCE`].
pub async fn wait_until<F, Fut>(what: &str, probe: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    while !probe().await {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Waits until the element `selector` is shown; `what` names it in the failure.
pub async fn wait_shown(browser: &Browser, what: &str, selector: &str) {
    wait_until(&format!("{what} ({selector})"), || async {
        matches!(browser.text(selector).await, Ok(Some(_)))
    })
    .await;
}

/// How many elements match `selector` now.
pub async fn count(browser: &Browser, selector: &str) -> usize {
    browser
        .client
        .find_all(Locator::Css(selector))
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

/// Waits until `selector` matches `n` elements.
pub async fn wait_count(browser: &Browser, selector: &str, n: usize) {
    let start = std::time::Instant::now();
    loop {
        let got = count(browser, selector).await;
        if got == n {
            return;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "{selector}: {got} elements, expected {n}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Picks `value` in the `<select>` `selector`, as WebDriver clicks an option.
pub async fn select(browser: &Browser, selector: &str, value: &str) {
    browser
        .client
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("{selector} = {value}: {e}"));
}

/// The selector of the check summary's cell `class` (`rows`, `type`, `encoding`…) on the row of
/// `file`.
pub fn summary_cell(file: &str, class: &str) -> String {
    format!("tr.summary-row[data-file=\"{file}\"] .{class}")
}

/// The text of the summary cell `class` of `file`, once the row is shown.
pub async fn summary_text(browser: &Browser, file: &str, class: &str) -> String {
    let selector = summary_cell(file, class);
    wait_shown(browser, "a summary cell", &selector).await;
    browser
        .text(&selector)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("{selector}: gone"))
}

/// Waits until the summary cell `class` of `file` reads `expected`.
pub async fn wait_cell(browser: &Browser, file: &str, class: &str, expected: &str) {
    browser
        .wait_text(&summary_cell(file, class), expected)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Waits until the migration section lists `name` among the files it read.
pub async fn wait_migration_file(browser: &Browser, name: &str) {
    wait_until(&format!("{name} read by the migration section"), || async {
        browser
            .text("#migrate-file-names")
            .await
            .ok()
            .flatten()
            .is_some_and(|t| t.contains(name))
    })
    .await;
}
