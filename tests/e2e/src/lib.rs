//! Harness for the end-to-end browser tests.
//!
//! Starts the real binaries as child processes (the GLPI sandbox, the Passerelle proxy serving
//! `dist/`), and a real headless Chromium driven through `/usr/bin/chromedriver`. Every child is
//! killed when its handle is dropped, including when a test panics.
//!
//! The binaries are looked up in the target directory of the test executable, i.e. built by the
//! same `cargo test --workspace` run; `PASSERELLE_PROXY_BIN` and `GLPI_SANDBOX_BIN` override that.
#![warn(missing_docs)]

pub mod a11y;
pub mod binaries;
pub mod browser;
pub mod http;
pub mod page;
pub mod process;
pub mod services;

pub use browser::Browser;
pub use services::{dead_upstream_url, Proxy, Sandbox};

use std::path::PathBuf;

/// What can go wrong while setting up or driving the end-to-end environment.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A binary the tests need was not built.
    #[error("binary `{name}` not found at {path}: build it first (`cargo build -p {package}`, or `cargo build --workspace --bins`), or set {env} to its path")]
    MissingBinary {
        /// Binary name.
        name: &'static str,
        /// Cargo package that builds it.
        package: &'static str,
        /// Environment variable that overrides the path.
        env: &'static str,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The page was not built.
    #[error("{0} is missing: run scripts/build-page.sh first")]
    MissingPage(PathBuf),
    /// A child process could not be started.
    #[error("cannot start {name}: {source}")]
    Spawn {
        /// What was started.
        name: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A child process did not announce its address as its contract says.
    #[error("{name} did not print its startup line (expected it to start with {expected:?}); got {got:?}; its stderr: {stderr}")]
    Startup {
        /// What was started.
        name: String,
        /// The expected prefix of the first stdout line.
        expected: String,
        /// What was read instead (empty if nothing before the deadline or exit).
        got: String,
        /// The end of the child's stderr, to see why.
        stderr: String,
    },
    /// A local socket operation failed.
    #[error("I/O error {context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// An HTTP answer could not be parsed.
    #[error("bad HTTP answer from {url}: {detail}")]
    Http {
        /// The URL requested.
        url: String,
        /// What was wrong.
        detail: String,
    },
    /// chromedriver refused to open a browser session.
    #[error("cannot open a Chromium session through chromedriver: {0}")]
    Session(String),
    /// A WebDriver command failed.
    #[error("WebDriver command failed: {0}")]
    WebDriver(#[from] fantoccini::error::CmdError),
    /// The page did not reach the expected state in time.
    #[error("timed out after {seconds} s waiting for {what}; last seen: {last:?}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long.
        seconds: u64,
        /// The last observed value.
        last: String,
    },
}

/// Result type of the harness.
pub type Result<T> = std::result::Result<T, HarnessError>;

/// The repository root (two levels above this crate's manifest).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// The built page directory, checked to contain `index.html`.
pub fn dist_dir() -> Result<PathBuf> {
    let dist = repo_root().join("dist");
    let index = dist.join("index.html");
    if index.is_file() {
        Ok(dist)
    } else {
        Err(HarnessError::MissingPage(index))
    }
}
