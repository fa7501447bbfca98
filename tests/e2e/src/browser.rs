//! Headless Chromium driven through chromedriver (WebDriver).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::process::ChildProcess;
use crate::services::free_port;
use crate::{http, HarnessError, Result};

/// How many times an element replaced by the page while being read is looked up again.
const STALE_RETRIES: usize = 5;

/// chromedriver, overridable by `CHROMEDRIVER` (the bootstrap exports it).
const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Chromium, overridable by `CHROME_BIN`.
const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
/// How long the page may take to reach an expected state.
pub const WAIT: Duration = Duration::from_secs(20);

/// Chromium flags: headless, root-friendly, and quiet on a network that refuses most hosts.
const CHROMIUM_ARGS: [&str; 8] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// A browser session. Dropping it ends the session (Chromium quits) and stops chromedriver.
pub struct Browser {
    /// The WebDriver client, for commands the helpers below do not cover.
    pub client: Client,
    driver_url: String,
    session: Option<String>,
    _driver: ChildProcess,
    profile: TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a fresh headless Chromium.
    pub async fn start() -> Result<Browser> {
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or(DEFAULT_CHROMEDRIVER.into());
        let chromium = std::env::var("CHROME_BIN").unwrap_or(DEFAULT_CHROMIUM.into());
        let port = free_port()?;
        let mut command = Command::new(&driver_bin);
        command.arg(format!("--port={port}"));
        let driver = ChildProcess::spawn("chromedriver", command)?;
        let driver_url = format!("http://127.0.0.1:{port}");
        wait_ready(&driver_url, &driver)?;

        let profile = TempDir::new("chromium-profile")?;
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path.display()));
        let caps = json!({
            "goog:chromeOptions": { "binary": chromium, "args": args }
        });
        let caps = match caps {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver_url)
            .await
            .map_err(|e| {
                HarnessError::Session(format!(
                    "{e}; chromedriver stderr: {}",
                    driver.stderr_tail()
                ))
            })?;
        let session = client.session_id().await?;
        Ok(Browser {
            client,
            driver_url,
            session,
            _driver: driver,
            profile,
        })
    }

    /// Opens `url` and waits for the document to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        Ok(self.client.goto(url).await?)
    }

    /// Clicks the element matching the CSS `selector`.
    pub async fn click(&self, selector: &str) -> Result<()> {
        Ok(self
            .client
            .find(Locator::Css(selector))
            .await?
            .click()
            .await?)
    }

    /// The visible text of the element matching `selector`, trimmed; `None` if absent.
    pub async fn text(&self, selector: &str) -> Result<Option<String>> {
        // The page may replace or remove the element between its lookup and its reading (a
        // re-render): it is looked up again, and counts as absent once it is gone.
        for _ in 0..STALE_RETRIES {
            match self.client.find(Locator::Css(selector)).await {
                Ok(e) => match e.text().await {
                    Ok(t) => return Ok(Some(t.trim().to_string())),
                    Err(err) if err.is_stale_element_reference() => continue,
                    Err(err) => return Err(err.into()),
                },
                Err(e) if e.is_no_such_element() => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(None)
    }

    /// An attribute of the element matching `selector`; `None` if the element or attribute is absent.
    pub async fn attr(&self, selector: &str, name: &str) -> Result<Option<String>> {
        for _ in 0..STALE_RETRIES {
            match self.client.find(Locator::Css(selector)).await {
                Ok(e) => match e.attr(name).await {
                    Ok(v) => return Ok(v),
                    Err(err) if err.is_stale_element_reference() => continue,
                    Err(err) => return Err(err.into()),
                },
                Err(e) if e.is_no_such_element() => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(None)
    }

    /// Waits until the text of `selector` equals `expected` (trimmed).
    pub async fn wait_text(&self, selector: &str, expected: &str) -> Result<()> {
        let what = format!("{selector} to read {expected:?}");
        self.wait_until(&what, || async {
            self.text(selector).await.map(|t| {
                let t = t.unwrap_or_else(|| "<absent>".into());
                (t == expected, t)
            })
        })
        .await
    }

    /// Waits until attribute `name` of `selector` equals `expected`.
    pub async fn wait_attr(&self, selector: &str, name: &str, expected: &str) -> Result<()> {
        let what = format!("{selector}[{name}] to be {expected:?}");
        self.wait_until(&what, || async {
            self.attr(selector, name).await.map(|v| {
                let v = v.unwrap_or_else(|| "<absent>".into());
                (v == expected, v)
            })
        })
        .await
    }

    async fn wait_until<F, Fut>(&self, what: &str, probe: F) -> Result<()>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<(bool, String)>>,
    {
        let start = Instant::now();
        loop {
            let (done, last) = probe().await?;
            if done {
                return Ok(());
            }
            if start.elapsed() > WAIT {
                return Err(HarnessError::Timeout {
                    what: what.to_string(),
                    seconds: WAIT.as_secs(),
                    last,
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Ends the session cleanly (preferred to relying on drop).
    pub async fn close(mut self) -> Result<()> {
        self.session = None;
        let client = self.client.clone();
        Ok(client.close().await?)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test failed before close(): end the session synchronously so Chromium quits
        // before chromedriver is killed (otherwise Chromium would be orphaned).
        if let Some(id) = self.session.take() {
            let _ = http::request("DELETE", &format!("{}/session/{id}", self.driver_url));
        }
        let _ = &self.profile;
    }
}

fn wait_ready(driver_url: &str, driver: &ChildProcess) -> Result<()> {
    let start = Instant::now();
    loop {
        if let Ok(r) = http::get(&format!("{driver_url}/status")) {
            if r.status == 200 {
                return Ok(());
            }
        }
        if start.elapsed() > Duration::from_secs(20) {
            return Err(HarnessError::Startup {
                name: driver.name().to_string(),
                expected: format!("{driver_url}/status to answer 200"),
                got: String::new(),
                stderr: driver.stderr_tail(),
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A directory removed on drop (Chromium's throw-away profile).
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(label: &str) -> Result<TempDir> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "passerelle-e2e-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).map_err(|source| HarnessError::Io {
            context: format!("creating {}", path.display()),
            source,
        })?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
