//! The in-process sandbox harness shared by the runner's tests (`runner_sandbox`,
//! `tickets_faults`): the GLPI sandbox's axum router called as a tower service through
//! `ServiceExt::oneshot` (no server, no socket), a future polled by hand until killed, the
//! engine's `Transport` over the sandbox on a virtual clock with its cuts, and a journal sink
//! that a kill stops.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use tower::ServiceExt;

use glpi_sandbox::{SandboxConfig, DEMO_APP_TOKEN, DEMO_USER_TOKEN};
use passerelle_engine::migrate::api::{
    ApiRequest, ApiResponse, Credentials, Method, Transport, TransportError,
};
use passerelle_engine::migrate::client::ClientOptions;
use passerelle_engine::migrate::journal::Event;
use passerelle_engine::migrate::run::JournalSink;
use passerelle_engine::migrate::session::SessionSettings;

pub type Dump = BTreeMap<String, BTreeMap<u64, Map<String, Value>>>;

/// The sandbox as a service, called without any server or socket.
pub struct Sandbox {
    pub router: axum::Router,
    /// Every table as seeded, before any run: what an undo must give back.
    pub before: Dump,
}

impl Sandbox {
    /// A fresh sandbox made with `config`, then set up by one admin call (`/sandbox/{action}`
    /// with `body`); what it then holds is `before`.
    pub fn prepared(config: SandboxConfig, action: &str, body: Value) -> Sandbox {
        let mut sb = Sandbox {
            router: glpi_sandbox::router(config),
            before: Dump::new(),
        };
        sb.admin(action, body);
        sb.before = sb.dump();
        sb
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<ApiResponse, TransportError> {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost");
        for (n, v) in headers {
            b = b.header(n.as_str(), v.as_str());
        }
        let body = match body {
            Some(v) => {
                b = b.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let mut req = b.body(body).expect("request");
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .map_err(|e| TransportError::Connection(e.to_string()))?;
        Ok(ApiResponse {
            status,
            headers,
            body: body.to_vec(),
        })
    }

    pub fn admin(&self, action: &str, body: Value) -> Value {
        let (method, body) = if body.is_null() {
            ("GET", None)
        } else {
            ("POST", Some(body))
        };
        let path = format!("/sandbox/{action}");
        drive(
            self.call(method, &path, &[], body.as_ref()),
            &Cell::new(false),
            1_000_000,
        )
        .expect("never waits")
        .expect("admin call")
        .json()
    }

    /// Every table, item by id. `date_mod` is left out: GLPI sets it on every update, so an
    /// item whose values an undo restored keeps a newer one.
    pub fn dump(&self) -> Dump {
        let Value::Object(tables) = self.admin("dump", Value::Null) else {
            panic!("dump");
        };
        tables
            .into_iter()
            .map(|(t, items)| {
                let items = items
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|i| match i {
                        Value::Object(mut m) => {
                            m.remove("date_mod");
                            Some((m.get("id").and_then(Value::as_u64)?, m))
                        }
                        _ => None,
                    })
                    .collect();
                (t, items)
            })
            .collect()
    }
}

/// Polls a future to its end, `polls` times at the most; `None` once the test killed it (it is
/// then dropped: nothing it would have done afterwards happens). Everything in-process answers
/// at once, so a future still waiting when not killed is a bug.
pub fn drive<F: Future>(f: F, killed: &Cell<bool>, polls: usize) -> Option<F::Output> {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..polls {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return Some(out);
        }
        if killed.get() {
            return None;
        }
    }
    panic!("the run waits on something that never comes");
}

/// Where the first attempt is cut.
#[derive(Debug, Default, Clone, Copy)]
pub struct Cut {
    /// Killed before request n leaves.
    pub before_request: Option<usize>,
    /// Killed once request n was carried out, before its answer is read.
    pub after_request: Option<usize>,
    /// Request n is carried out and its answer lost (no kill: the run goes on).
    pub lose_answer: Option<usize>,
    /// Killed at journal write n: `(n, whole)`; not whole: only its first half is stored.
    pub at_append: Option<(usize, bool)>,
}

/// The sandbox behind the engine's `Transport`, with a virtual clock.
pub struct SandboxTransport<'s> {
    pub sandbox: &'s Sandbox,
    pub cut: Cut,
    pub killed: Rc<Cell<bool>>,
    pub sent: Cell<usize>,
    pub clock: Cell<f64>,
    pub rng: Cell<u64>,
    pub log: RefCell<Vec<(Method, String)>>,
}

impl<'s> SandboxTransport<'s> {
    pub fn new(sandbox: &'s Sandbox, cut: Cut, killed: Rc<Cell<bool>>) -> Self {
        SandboxTransport {
            sandbox,
            cut,
            killed,
            sent: Cell::new(0),
            clock: Cell::new(0.0),
            rng: Cell::new(0x9E37_79B9_7F4A_7C15),
            log: RefCell::new(Vec::new()),
        }
    }

    async fn die(&self) -> ! {
        self.killed.set(true);
        std::future::pending().await
    }
}

impl Transport for SandboxTransport<'_> {
    async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
        if self.killed.get() {
            self.die().await;
        }
        let n = self.sent.get();
        self.sent.set(n + 1);
        let path = request.path.split('?').next().unwrap_or("").to_string();
        self.log.borrow_mut().push((request.method, path));
        if self.cut.before_request == Some(n) {
            self.die().await;
        }
        let mut headers = request.headers.clone();
        headers.push(("App-Token".into(), DEMO_APP_TOKEN.into()));
        let path = format!("/apirest.php{}", request.path);
        let res = self
            .sandbox
            .call(
                request.method.as_str(),
                &path,
                &headers,
                request.body.as_ref(),
            )
            .await;
        if self.cut.after_request == Some(n) {
            self.die().await;
        }
        if self.cut.lose_answer == Some(n) {
            return Err(TransportError::Connection("answer lost (test)".into()));
        }
        res
    }

    async fn sleep(&self, ms: u64) {
        if self.killed.get() {
            self.die().await;
        }
        self.clock.set(self.clock.get() + ms as f64);
    }

    fn now_ms(&self) -> f64 {
        self.clock.get()
    }

    fn random(&self) -> f64 {
        let x = self.rng.get() ^ (self.rng.get() << 13);
        let x = x ^ (x >> 7);
        let x = x ^ (x << 17);
        self.rng.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The journal as a file would hold it; a kill stops every later write.
pub struct Sink {
    pub stored: RefCell<Vec<Event>>,
    pub appends: Cell<usize>,
    pub cut: Option<(usize, bool)>,
    pub killed: Rc<Cell<bool>>,
}

impl Sink {
    pub fn new(previous: Vec<Event>, cut: Option<(usize, bool)>, killed: Rc<Cell<bool>>) -> Self {
        Sink {
            stored: RefCell::new(previous),
            appends: Cell::new(0),
            cut,
            killed,
        }
    }
}

impl JournalSink for Sink {
    async fn append(&self, events: &[Event]) -> Result<(), String> {
        if self.killed.get() {
            std::future::pending::<()>().await;
        }
        let n = self.appends.get();
        self.appends.set(n + 1);
        if let Some((at, whole)) = self.cut {
            if at == n {
                let kept = if whole {
                    events.len()
                } else {
                    events.len() / 2
                };
                self.stored.borrow_mut().extend_from_slice(&events[..kept]);
                self.killed.set(true);
                std::future::pending::<()>().await;
            }
        }
        self.stored.borrow_mut().extend_from_slice(events);
        Ok(())
    }
}

/// The session as the demo user, without a ceiling on calls, on the root entity (recursive).
pub fn settings() -> SessionSettings {
    SessionSettings {
        credentials: Credentials::UserToken {
            token: DEMO_USER_TOKEN.into(),
        },
        client: ClientOptions {
            max_calls_per_second: 0.0,
            ..ClientOptions::default()
        },
        profile: None,
        entity: Some(0),
        recursive: true,
    }
}
