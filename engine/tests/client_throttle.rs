//! The client under a 429 (the proxy's ceiling protecting the national GLPI): it waits for
//! `Retry-After`, sends the same call again (a create too: nothing was done), spaces its calls
//! more, and never fails; on a virtual clock.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use passerelle_engine::glpi::GlpiType;
use passerelle_engine::migrate::api::{
    ApiRequest, ApiResponse, Credentials, Transport, TransportError,
};
use passerelle_engine::migrate::client::{ClientOptions, GlpiClient, ItemResult};
use serde_json::json;

/// Answers from a script; records when each request was sent.
struct Scripted {
    answers: RefCell<VecDeque<ApiResponse>>,
    sent: RefCell<Vec<(f64, String)>>,
    clock: Cell<f64>,
}

fn answer(status: u16, headers: &[(&str, &str)], body: serde_json::Value) -> ApiResponse {
    ApiResponse {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .chain([("content-type".to_string(), "application/json".to_string())])
            .collect(),
        body: body.to_string().into_bytes(),
    }
}

fn busy(retry_after: Option<&str>) -> ApiResponse {
    let headers: Vec<(&str, &str)> = retry_after
        .map(|r| ("retry-after", r))
        .into_iter()
        .collect();
    answer(
        429,
        &headers,
        json!({"error": "upstream_busy", "message": "le GLPI national est très sollicité"}),
    )
}

impl Transport for Scripted {
    async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
        self.sent.borrow_mut().push((
            self.clock.get(),
            format!("{:?} {}", request.method, request.path),
        ));
        Ok(self
            .answers
            .borrow_mut()
            .pop_front()
            .expect("a scripted answer"))
    }
    async fn sleep(&self, ms: u64) {
        self.clock.set(self.clock.get() + ms as f64);
    }
    fn now_ms(&self) -> f64 {
        self.clock.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
}

/// Runs a future whose waits are all on the virtual clock (ready at once).
fn run<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the client waited on something other than the virtual clock"),
    }
}

#[test]
fn a_create_refused_with_429_is_sent_again_after_retry_after_and_succeeds() {
    let t = Scripted {
        answers: RefCell::new(VecDeque::from([
            answer(200, &[], json!({"session_token": "s"})),
            busy(Some("2")),
            busy(Some("1")),
            answer(
                201,
                &[],
                json!([{"id": 41, "message": ""}, {"id": 42, "message": ""}]),
            ),
            answer(200, &[], json!([])),
        ])),
        sent: RefCell::new(Vec::new()),
        clock: Cell::new(0.0),
    };
    let options = ClientOptions {
        max_attempts: 1, // a 429 is not an attempt: the run never fails on it
        ..ClientOptions::default()
    };
    let client = GlpiClient::new(
        &t,
        Credentials::UserToken {
            token: "tok".into(),
        },
        options,
    );
    run(client.login()).unwrap();
    let result = run(client.create(
        GlpiType::Computer,
        vec![json!({"name": "a"}), json!({"name": "b"})],
    ))
    .unwrap();
    assert_eq!(result.items, vec![ItemResult::Ok(41), ItemResult::Ok(42)]);
    let sent = t.sent.borrow().clone();
    let creates: Vec<f64> = sent
        .iter()
        .filter(|(_, r)| r.contains("/Computer"))
        .map(|(at, _)| *at)
        .collect();
    assert_eq!(creates.len(), 3, "{sent:?}");
    assert!(
        creates[1] - creates[0] >= 2000.0,
        "waited Retry-After: {creates:?}"
    );
    assert!(
        creates[2] - creates[1] >= 1000.0,
        "waited Retry-After: {creates:?}"
    );
    let stats = client.stats();
    assert_eq!(stats.throttled, 2);
    assert_eq!(stats.retries, 0, "not counted as failures");
    // After refusals the client spaces its calls: the next call waits a little.
    let before = t.clock.get();
    run(client.call(ApiRequest::new(
        passerelle_engine::migrate::api::Method::Get,
        "/Computer",
    )))
    .unwrap();
    let last = t.sent.borrow().last().unwrap().0;
    assert!(
        last - before >= 1.0,
        "spaced after 429s: {before} -> {last}"
    );
}

#[test]
fn without_retry_after_the_client_backs_off_and_keeps_going() {
    let mut answers = VecDeque::from([answer(200, &[], json!({"session_token": "s"}))]);
    for _ in 0..12 {
        answers.push_back(busy(None));
    }
    answers.push_back(answer(200, &[], json!([{"id": 1}])));
    let t = Scripted {
        answers: RefCell::new(answers),
        sent: RefCell::new(Vec::new()),
        clock: Cell::new(0.0),
    };
    let client = GlpiClient::new(
        &t,
        Credentials::UserToken {
            token: "tok".into(),
        },
        ClientOptions::default(),
    );
    let res = run(client.call(ApiRequest::new(
        passerelle_engine::migrate::api::Method::Get,
        "/Computer",
    )))
    .unwrap();
    assert_eq!(
        res.status, 200,
        "twelve 429s in a row, more than max_attempts, still no failure"
    );
    assert_eq!(client.stats().throttled, 12);
    assert!(
        t.clock.get() > 12.0 * 125.0,
        "it waited between tries: {}",
        t.clock.get()
    );
}
