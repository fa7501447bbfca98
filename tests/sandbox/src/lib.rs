//! GLPI sandbox: an in-memory reproduction of GLPI 10's legacy REST API (`apirest.php`), as the
//! GLPI code really behaves (statuses, error bodies, headers, ranges, search, bulk semantics),
//! with an admin API under `/sandbox/` for seeding, counters and fault injection.
//!
//! Every test and demo of Passerelle talks to GLPI through it.
#![warn(missing_docs)]
// Early returns carry the finished HTTP answer; it is sent once, boxing would only add noise.
#![allow(clippy::result_large_err)]

pub mod admin;
pub mod api;
pub mod collection;
pub mod hateoas;
pub mod itemtypes;
pub mod params;
pub mod profiles;
pub mod relations;
pub mod reply;
pub mod rights;
pub mod schema;
pub mod search;
pub mod state;
pub mod text;
pub mod tickets;
pub mod users;
pub mod write;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State as AxState};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use state::{Faults, DEMO_APP_TOKEN, DEMO_POSTONLY_TOKEN, DEMO_TECH_TOKEN, DEMO_USER_TOKEN};

/// How the sandbox starts.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Faults and latency model (none by default).
    pub faults: Faults,
    /// Whether login/password sessions are allowed (GLPI's "enable login with credentials").
    /// On by default here, as seeds 001-003 use it; a fresh GLPI has it off.
    pub credentials_login: bool,
    /// Items to load at start, as for `POST /sandbox/seed`.
    pub seed: Option<Value>,
    /// The GLPI version reproduced: `10.0.11` by default, `11.0.6` for the GLPI 11 mode (raw
    /// text, asset groups as lists, `api.php/v1` URLs: `../shared/glpi-facts-2.md` section 4);
    /// any other string is only reported by `getGlpiConfig`. The default is taken from
    /// [`GLPI_VERSION_ENV`] when set, so a whole test suite runs against either mode.
    pub glpi_version: String,
}

/// The environment variable choosing the default GLPI version of the sandbox (`10`, `11` or a
/// full version string).
pub const GLPI_VERSION_ENV: &str = "PASSERELLE_SANDBOX_GLPI_VERSION";

/// A version as given by a user (`10`, `11`, `11.0.6`, `9.5.13`) as the sandbox reports it.
pub fn glpi_version(given: &str) -> String {
    match given.trim() {
        "" | "10" => api::GLPI_VERSION.to_string(),
        "11" => api::GLPI11_VERSION.to_string(),
        other => other.to_string(),
    }
}

impl SandboxConfig {
    /// The default configuration with the GLPI 11 mode on.
    pub fn glpi11() -> Self {
        SandboxConfig {
            glpi_version: api::GLPI11_VERSION.to_string(),
            ..SandboxConfig::default()
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            faults: Faults::default(),
            credentials_login: true,
            seed: None,
            glpi_version: glpi_version(&std::env::var(GLPI_VERSION_ENV).unwrap_or_default()),
        }
    }
}

type Shared = Arc<Mutex<state::State>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, state::State> {
    // A panicked handler must not take the sandbox down with it.
    s.lock().unwrap_or_else(|e| e.into_inner())
}

/// The sandbox as an axum router (state included).
pub fn router(config: SandboxConfig) -> Router {
    let mut st = state::State::fresh(config.faults, config.credentials_login);
    st.glpi_version = config.glpi_version;
    if let Some(seed) = config.seed {
        let _ = admin::handle(&mut st, "POST", "seed", seed.to_string().as_bytes());
    }
    let shared: Shared = Arc::new(Mutex::new(st));
    Router::new().fallback(dispatch).with_state(shared)
}

async fn dispatch(
    AxState(shared): AxState<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    if let Some(action) = path.strip_prefix("/sandbox/") {
        return admin::handle(
            &mut lock(&shared),
            method.as_str(),
            action.trim_end_matches('/'),
            &body,
        );
    }
    let (base, rest) = if let Some(r) = path.strip_prefix("/apirest.php") {
        ("/apirest.php", r)
    } else if let Some(r) = path.strip_prefix("/api.php/v1") {
        ("/api.php/v1", r)
    } else {
        return reply::json_reply(
            404,
            &serde_json::json!(["ERROR", "Not a GLPI API path: use /apirest.php/"]),
        );
    };
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let api_url = format!("http://{host}{base}");
    // GLPI 11 writes every URL with `api.php/v1`, whatever path was called.
    let api_url = if lock(&shared).is_glpi11() {
        format!("http://{host}/api.php/v1")
    } else {
        api_url
    };

    // Parameters: query, then the JSON body (errors before the gate, as in GLPI).
    let mut params = params::Params::from_query(uri.query());
    if !body.is_empty() {
        if method == Method::GET {
            return reply::error(
                400,
                "ERROR_JSON_PAYLOAD_FORBIDDEN",
                "GET Request should not have json payload (http body)",
                Some(""),
            );
        }
        let parsed: Option<Value> = serde_json::from_slice(&body).ok();
        let falsy = |v: &Value| match v {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => s.is_empty() || s == "0",
            Value::Array(a) => a.is_empty(),
            Value::Object(_) => false,
        };
        match parsed {
            Some(Value::Object(m)) => params.body = m,
            Some(v) if !falsy(&v) => {}
            _ => {
                return reply::error(
                    400,
                    "ERROR_JSON_PAYLOAD_INVALID",
                    "JSON payload seems not valid",
                    None,
                )
            }
        }
    }
    let segments: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(params::percent_decode)
        .collect();
    let endpoint = segments.first().cloned().unwrap_or_default();

    // Faults decided up front, latency spent outside the lock.
    let (latency, fail, drop_it) = {
        let mut st = lock(&shared);
        st.count(format!(
            "{} {}",
            method,
            if endpoint == "search" {
                format!("search/{}", segments.get(1).cloned().unwrap_or_default())
            } else {
                endpoint.clone()
            }
        ));
        let f = st.faults.clone();
        let fail = if f.error_500 > 0.0 && st.draw() < f.error_500 {
            Some(500)
        } else if f.error_503 > 0.0 && st.draw() < f.error_503 {
            Some(503)
        } else {
            None
        };
        let drop_it = f.drop_connection > 0.0 && st.draw() < f.drop_connection;
        st.simulated_ms += f.latency_ms;
        (f.latency_ms, fail, drop_it)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if let Some(code) = fail {
        let text = if code == 500 {
            "Internal Server Error"
        } else {
            "Service Unavailable"
        };
        let mut res = Response::new(axum::body::Body::from(format!(
            "<html><body><h1>{code} {text}</h1></body></html>"
        )));
        *res.status_mut() = axum::http::StatusCode::from_u16(code)
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        return res;
    }
    let outcome = {
        let mut st = lock(&shared);
        let outcome = api::handle(
            &mut st,
            api::Call {
                method,
                segments,
                params,
                headers: &headers,
                ip: peer.ip(),
                api_url,
            },
        );
        st.simulated_ms += outcome.work_ms;
        outcome
    };
    if outcome.work_ms > 0 {
        tokio::time::sleep(Duration::from_millis(outcome.work_ms)).await;
    }
    if drop_it {
        return api::dropped(outcome.response);
    }
    outcome.response
}

/// A sandbox running in this process.
pub struct RunningSandbox {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningSandbox {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR/apirest.php`.
    pub fn api_url(&self) -> String {
        format!("http://{}/apirest.php", self.addr)
    }

    /// `http://ADDR/sandbox`, the admin API.
    pub fn admin_url(&self) -> String {
        format!("http://{}/sandbox", self.addr)
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts a sandbox on `addr` (port 0 picks a free one).
pub async fn spawn(config: SandboxConfig, addr: SocketAddr) -> std::io::Result<RunningSandbox> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = router(config).into_make_service_with_connect_info::<SocketAddr>();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    Ok(RunningSandbox {
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}
