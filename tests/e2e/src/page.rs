//! What the browser tests share: the reference samples where they are, the page opened through
//! the proxy in front of a sandbox, files given to a file input, WebDriver key codes.

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
