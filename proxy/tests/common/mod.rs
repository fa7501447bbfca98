//! What the proxy's test binaries share: every log line of the run, captured to prove that no
//! secret is ever written; a configuration from environment-like variables; an HTTP client; a
//! request written by hand.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use passerelle_proxy::Config;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// The log lines written so far by this test binary, at `filter` (set by the first call).
pub fn captured_logs(filter: &str) -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = buf.clone();
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(move || LogWriter(writer.clone()))
            .init();
        buf
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A configuration listening on a free port, forwarding to `upstream` with `app_token` and a
/// timeout of `timeout_secs`, then the `extra` variables (which win).
pub fn config(
    upstream: &str,
    app_token: &str,
    timeout_secs: u64,
    extra: &[(&str, &str)],
) -> Config {
    let timeout = timeout_secs.to_string();
    let vars: HashMap<String, String> = [
        ("PASSERELLE_LISTEN", "127.0.0.1:0"),
        ("PASSERELLE_GLPI_API_URL", upstream),
        ("PASSERELLE_GLPI_APP_TOKEN", app_token),
        ("PASSERELLE_GLPI_TIMEOUT_SECS", timeout.as_str()),
    ]
    .iter()
    .chain(extra)
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Config::load(None, &|k| vars.get(k).cloned()).unwrap()
}

/// A client that ignores the machine's proxy settings and does not follow redirects (the tests
/// look at the proxy's own answers).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A request written by hand, sent as given (any method, path and headers: an HTTP client
/// library would normalise some of them); the status and the whole answer as text.
pub async fn raw(addr: std::net::SocketAddr, head: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}
