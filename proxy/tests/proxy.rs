//! The proxy against a fake GLPI upstream: forwarding, refusals, errors, health, headers, and
//! that no secret ever reaches a response or a log line.

mod common;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use passerelle_proxy::{spawn, Config, RunningProxy};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const APP_TOKEN: &str = "app-token-SECRET-4f9a";
const USER_TOKEN: &str = "user-token-SECRET-77c1";
const SESSION_TOKEN: &str = "session-SECRET-9d0e";
const PASSWORD: &str = "password-SECRET-0b3f";

/// Every log line of the test run, to prove no secret is ever written.
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    common::captured_logs("debug")
}

/// A fake GLPI: echoes what it received, and answers the readiness probe like GLPI.
async fn fake_glpi(mode: &'static str) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let app = Router::new().fallback(any(move |req: Request| async move {
        let path = req.uri().path().to_string();
        if path.ends_with("/slow") {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        if path.ends_with("/initSession") {
            let token = req.headers().get("app-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            let body = match (mode, token) {
                ("ip", _) => r#"["ERROR_NOT_ALLOWED_IP","There isn't an active API client matching your IP address in the configuration (127.0.0.1)"]"#,
                (_, APP_TOKEN) => r#"["ERROR_LOGIN_PARAMETERS_MISSING","parameter(s) login, password or user_token are missing"]"#,
                _ => r#"["ERROR_WRONG_APP_TOKEN_PARAMETER","parameter app_token seems wrong"]"#,
            };
            return (StatusCode::BAD_REQUEST, [("content-type", "application/json")], body).into_response();
        }
        let headers: HashMap<String, Vec<String>> = req.headers().iter().fold(HashMap::new(), |mut m, (k, v)| {
            m.entry(k.to_string()).or_default().push(v.to_str().unwrap_or("").to_string());
            m
        });
        let method = req.method().to_string();
        let query = req.uri().query().unwrap_or("").to_string();
        let body = axum::body::to_bytes(req.into_body(), usize::MAX).await.unwrap();
        let echo = serde_json::json!({ "path": path, "query": query, "method": method, "headers": headers, "body_len": body.len() });
        Response::builder()
            .status(StatusCode::PARTIAL_CONTENT)
            .header("content-type", "application/json")
            .header("content-range", "0-19/42")
            .header("accept-range", "Computer 1000")
            .header("location", "http://localhost/glpi/api/Computer/7")
            .header("link", "http://127.0.0.1/apirest.php/Computer/7,http://127.0.0.1/apirest.php/Computer/8")
            .header("connection", "close, x-secret-hop")
            .header("x-secret-hop", "hop")
            .body(Body::from(echo.to_string()))
            .unwrap()
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, task)
}

async fn proxy(upstream: &str, extra: &[(&str, &str)]) -> RunningProxy {
    logs();
    spawn(config(upstream, extra)).await.unwrap()
}

/// The API address of the fake GLPI listening on `up`.
fn api_of(up: SocketAddr) -> String {
    format!("http://{up}/apirest.php")
}

/// A proxy to the fake GLPI on `up` with a TLS listener: the cert.pem and key.pem of `dir`.
async fn tls_proxy(up: SocketAddr, dir: &std::path::Path) -> RunningProxy {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    proxy(
        &api_of(up),
        &[
            ("PASSERELLE_TLS_CERT", cert.to_str().unwrap()),
            ("PASSERELLE_TLS_KEY", key.to_str().unwrap()),
        ],
    )
    .await
}

fn config(upstream: &str, extra: &[(&str, &str)]) -> Config {
    common::config(upstream, APP_TOKEN, 1, extra)
}

use common::client;

/// Every response seen by the tests, checked for secrets at the end of each test.
fn assert_no_secret(headers: &HeaderMap<reqwest::header::HeaderValue>, body: &str) {
    let all = format!("{headers:?} {body}");
    for s in [APP_TOKEN, USER_TOKEN, SESSION_TOKEN, PASSWORD] {
        assert!(!all.contains(s), "secret {s} leaked: {all}");
    }
}

fn assert_logs_clean() {
    let text = String::from_utf8_lossy(&logs().lock().unwrap()).to_string();
    for s in [APP_TOKEN, USER_TOKEN, SESSION_TOKEN, PASSWORD] {
        assert!(!text.contains(s), "secret {s} in logs:\n{text}");
    }
}

#[tokio::test]
async fn forwards_with_the_app_token_and_rewrites_glpi_urls() {
    let (up, _t) = fake_glpi("ok").await;
    let p = proxy(&api_of(up), &[]).await;
    let url = format!(
        "http://{}/api/Computer?range=0-19&session_token={SESSION_TOKEN}",
        p.addr()
    );
    let res = client()
        .post(&url)
        .header("App-Token", "client-supplied-token")
        .header("Session-Token", SESSION_TOKEN)
        .header("Authorization", format!("user_token {USER_TOKEN}"))
        .body(r#"{"input":{"name":"PC-1"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    let h = res.headers().clone();
    assert_eq!(h["content-range"], "0-19/42");
    assert_eq!(h["accept-range"], "Computer 1000");
    assert_eq!(h["location"], "/api/Computer/7");
    assert_eq!(h["link"], "/api/Computer/7,/api/Computer/8");
    assert!(h.get("x-secret-hop").is_some() || h.get("connection").is_none());
    assert!(h.get("content-security-policy").is_some());
    let body = res.text().await.unwrap();
    let echo: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(echo["path"], "/apirest.php/Computer");
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body_len"], 25);
    assert_eq!(
        echo["headers"]["app-token"],
        serde_json::json!([APP_TOKEN]),
        "the proxy's token, only"
    );
    assert_eq!(
        echo["headers"]["session-token"],
        serde_json::json!([SESSION_TOKEN])
    );
    assert!(echo["headers"]["authorization"][0]
        .as_str()
        .unwrap()
        .contains(USER_TOKEN));
    // The echo necessarily holds what was sent upstream; the check is on the proxy's own output.
    assert_no_secret(&h, "");
    assert_logs_clean();
    let logged = String::from_utf8_lossy(&logs().lock().unwrap()).to_string();
    assert!(
        logged.contains("/api/Computer?range=0-19&session_token=[secret]"),
        "{logged}"
    );
    assert!(logged.contains("status=206"), "{logged}");
}

#[tokio::test]
async fn leaving_the_api_and_odd_methods_are_refused_with_json() {
    let (up, _t) = fake_glpi("ok").await;
    let p = proxy(&api_of(up), &[]).await;
    // Sent raw: an HTTP client library would normalise the dots before sending.
    for path in [
        "/api/..%2f..%2fetc/passwd",
        "/api/%2e%2e/x",
        "/api/Computer/..%5c..",
        "/api/http:%2f%2fevil.test",
        "/api/Computer/../../x",
    ] {
        let head = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let (status, body) = common::raw(p.addr(), &head).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            body.contains("\"error\":\"forbidden_path\""),
            "{path}: {body}"
        );
    }
    let res = client()
        .request(
            reqwest::Method::from_bytes(b"TRACE").unwrap(),
            format!("http://{}/api/Computer", p.addr()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"], "method_not_allowed");
}

#[tokio::test]
async fn upstream_down_slow_and_oversized_bodies() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let p = proxy(&format!("http://{dead}/apirest.php"), &[]).await;
    let res = client()
        .get(format!("http://{}/api/Computer", p.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 502);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"], "upstream_unreachable");
    assert!(v["message"].as_str().unwrap().contains("GLPI injoignable"));

    let (up, _t) = fake_glpi("ok").await;
    let p = proxy(&api_of(up), &[("PASSERELLE_BODY_LIMIT_BYTES", "100")]).await;
    let res = client()
        .get(format!("http://{}/api/slow", p.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 504);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"], "upstream_timeout");
    let res = client()
        .post(format!("http://{}/api/Computer", p.addr()))
        .body(vec![b'x'; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"], "payload_too_large");
    // A chunked body has no length to check first: it is cut while streaming.
    let chunks =
        futures_util::stream::iter((0..20).map(|_| Ok::<_, std::io::Error>(vec![b'y'; 64])));
    let res = client()
        .post(format!("http://{}/api/Computer", p.addr()))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    // A small chunked body goes through, streamed.
    let chunks =
        futures_util::stream::iter((0..2).map(|_| Ok::<_, std::io::Error>(vec![b'z'; 10])));
    let res = client()
        .post(format!("http://{}/api/Computer", p.addr()))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    let echo: serde_json::Value = res.json().await.unwrap();
    assert_eq!(echo["body_len"], 20);
}

#[tokio::test]
async fn clients_outside_the_allowed_networks_get_403() {
    let (up, _t) = fake_glpi("ok").await;
    let p = proxy(
        &api_of(up),
        &[("PASSERELLE_ALLOWED_NETWORKS", "10.0.0.0/8")],
    )
    .await;
    for path in ["/", "/info", "/api/Computer"] {
        let res = client()
            .get(format!("http://{}{path}", p.addr()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    let p = proxy(
        &api_of(up),
        &[("PASSERELLE_ALLOWED_NETWORKS", "127.0.0.0/8")],
    )
    .await;
    assert_eq!(
        client()
            .get(format!("http://{}/info", p.addr()))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn health_readiness_and_info() {
    let (up, _t) = fake_glpi("ok").await;
    let p = proxy(&api_of(up), &[("PASSERELLE_GLPI_SANDBOX", "true")]).await;
    let base = format!("http://{}", p.addr());
    assert_eq!(
        client()
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let res = client().get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"ready": true})
    );
    let res = client().get(format!("{base}/info")).send().await.unwrap();
    let h = res.headers().clone();
    let body = res.text().await.unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["product"], "Passerelle");
    assert_eq!(v["glpi"]["api_url"], format!("http://{up}/apirest.php"));
    assert_eq!(v["glpi"]["sandbox"], true);
    assert_no_secret(&h, &body);

    let p = proxy(&api_of(up), &[("PASSERELLE_GLPI_APP_TOKEN", "wrong-token")]).await;
    let res = client()
        .get(format!("http://{}/readyz", p.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["reason"],
        "app_token_refused"
    );

    let (up_ip, _t2) = fake_glpi("ip").await;
    let p = proxy(&format!("http://{up_ip}/apirest.php"), &[]).await;
    let v: serde_json::Value = client()
        .get(format!("http://{}/readyz", p.addr()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["reason"], "ip_refused");

    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let p = proxy(&format!("http://{dead}/apirest.php"), &[]).await;
    let v: serde_json::Value = client()
        .get(format!("http://{}/readyz", p.addr()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["reason"], "unreachable");
    assert_logs_clean();
}

#[tokio::test]
async fn the_page_is_served_with_security_headers_and_real_404s() {
    let dir = std::env::temp_dir().join(format!("passerelle-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Passerelle</title>",
    )
    .unwrap();
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm").unwrap();
    let (up, _t) = fake_glpi("ok").await;
    let p = proxy(
        &api_of(up),
        &[("PASSERELLE_STATIC_DIR", dir.to_str().unwrap())],
    )
    .await;
    let base = format!("http://{}", p.addr());
    let res = client().get(format!("{base}/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers();
    assert_eq!(
        h["content-security-policy"],
        passerelle_proxy::security::CSP
    );
    assert!(passerelle_proxy::security::CSP.contains("script-src 'self' 'wasm-unsafe-eval'"));
    assert!(!passerelle_proxy::security::CSP.contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    let res = client()
        .get(format!("{base}/app_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/wasm");
    // The page has no routes of its own: an unknown path is a real 404, in JSON.
    let res = client()
        .get(format!("{base}/some/route"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"], "not_found");
}

#[tokio::test]
async fn cors_only_for_configured_origins() {
    let (up, _t) = fake_glpi("ok").await;
    let p = proxy(
        &api_of(up),
        &[("PASSERELLE_ALLOWED_ORIGINS", "https://passerelle.intranet")],
    )
    .await;
    let ok = client()
        .get(format!("http://{}/api/Computer", p.addr()))
        .header("Origin", "https://passerelle.intranet")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://passerelle.intranet"
    );
    let other = client()
        .get(format!("http://{}/api/Computer", p.addr()))
        .header("Origin", "https://evil.test")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 403, "a foreign origin is refused");
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let p = proxy(&api_of(up), &[]).await;
    let none = client()
        .get(format!("http://{}/api/Computer", p.addr()))
        .header("Origin", "https://passerelle.intranet")
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 403, "same origin only by default");
    assert!(none.headers().get("access-control-allow-origin").is_none());
    let _ = PASSWORD;
}

#[tokio::test]
async fn tls_listener_serves_the_same_routes() {
    let (cert, dir) = self_signed("tls");
    let (up, _t) = fake_glpi("ok").await;
    let p = tls_proxy(up, &dir).await;
    assert!(p.url().starts_with("https://"));
    let tls_client = reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", p.addr())
        .build()
        .unwrap();
    let res = tls_client
        .get(format!("https://localhost:{}/info", p.addr().port()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("content-security-policy").is_some());
    assert_eq!(
        res.headers()["strict-transport-security"],
        passerelle_proxy::security::HSTS,
        "HSTS over TLS"
    );

    std::fs::write(dir.join("bad.pem"), "not a certificate").unwrap();
    let bad = config(
        &api_of(up),
        &[
            ("PASSERELLE_TLS_CERT", dir.join("bad.pem").to_str().unwrap()),
            ("PASSERELLE_TLS_KEY", dir.join("key.pem").to_str().unwrap()),
        ],
    );
    let e = spawn(bad).await.err().expect("refused");
    assert!(e.to_string().contains("PASSERELLE_TLS_CERT"), "{e}");
}

#[tokio::test]
async fn intranet_ca_bundle_and_outbound_http_proxy() {
    // An HTTPS upstream signed by an "intranet CA": another proxy instance with a TLS listener.
    let (_cert, dir) = self_signed("ca");
    let (up, _t) = fake_glpi("ok").await;
    let tls_front = tls_proxy(up, &dir).await;
    let https_api = format!("https://localhost:{}/api", tls_front.addr().port());
    // Without the CA bundle the certificate is refused: 502.
    let p = proxy(&https_api, &[]).await;
    let res = client()
        .get(format!("http://{}/api/Computer", p.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 502);
    // With it, the call goes through.
    let p = proxy(
        &https_api,
        &[(
            "PASSERELLE_GLPI_CA_BUNDLE",
            dir.join("cert.pem").to_str().unwrap(),
        )],
    )
    .await;
    let res = client()
        .get(format!("http://{}/api/Computer", p.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206, "{:?}", res.text().await);

    // Outbound HTTP proxy: every upstream call goes through it.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let forward_proxy = Router::new().fallback(any(move |req: Request| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(req.uri().to_string());
            (StatusCode::OK, "[]")
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let fp = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, forward_proxy).await.unwrap() });
    let p = proxy(
        "http://glpi.intranet.test/apirest.php",
        &[("PASSERELLE_GLPI_HTTP_PROXY", &format!("http://{fp}"))],
    )
    .await;
    let res = client()
        .get(format!("http://{}/api/Computer?range=0-1", p.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        ["http://glpi.intranet.test/apirest.php/Computer?range=0-1"]
    );
}

/// A self-signed certificate for `localhost`, written as cert.pem and key.pem in a fresh folder.
fn self_signed(tag: &str) -> (rcgen::CertifiedKey, std::path::PathBuf) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let dir = std::env::temp_dir().join(format!("passerelle-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cert.pem"), cert.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), cert.key_pair.serialize_pem()).unwrap();
    (cert, dir)
}
