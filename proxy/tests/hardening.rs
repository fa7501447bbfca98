//! The proxy as deployed on the intranet (issue 14), against a fake GLPI that counts what reaches
//! it: origins and preflights, methods and paths, 404s, chunked 413s, the audit log (forwarded
//! or refused, with the GLPI user), GLPI's addresses kept out of bodies, the headers, the
//! precompressed page with its caching, and the ceiling's 429.

mod common;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use passerelle_proxy::{spawn, Config, RunningProxy};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const APP_TOKEN: &str = "app-token-SECRET-1a2b";
const USER_TOKEN: &str = "user-token-SECRET-3c4d";
const SESSION_TOKEN: &str = "session-SECRET-5e6f";
const PASSWORD: &str = "password-SECRET-7a8b";

/// Every log line of the test run, to prove no secret is ever written.
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    common::captured_logs("info")
}

/// Audit lines that mention `needle`.
fn audit_lines(needle: &str) -> Vec<String> {
    String::from_utf8_lossy(&logs().lock().unwrap())
        .lines()
        .filter(|l| l.contains("audit") && l.contains(needle))
        .map(str::to_string)
        .collect()
}

fn assert_no_secret(text: &str) {
    for s in [APP_TOKEN, USER_TOKEN, SESSION_TOKEN, PASSWORD] {
        assert!(!text.contains(s), "secret {s} leaked: {text}");
    }
}

/// A fake GLPI counting the calls that reach it.
struct Upstream {
    addr: SocketAddr,
    calls: Arc<AtomicUsize>,
}

impl Upstream {
    fn api(&self) -> String {
        format!("http://{}/apirest.php", self.addr)
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

async fn upstream() -> Upstream {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let app = Router::new().fallback(any(move |req: Request| {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            let path = req.uri().path().to_string();
            let host = req
                .headers()
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("")
                .to_string();
            let json = [("content-type", "application/json")];
            if path.ends_with("/initSession") && req.headers().contains_key("authorization") {
                return (
                    StatusCode::OK,
                    json,
                    format!(r#"{{"session_token":"{SESSION_TOKEN}"}}"#),
                )
                    .into_response();
            }
            if path.ends_with("/getFullSession") {
                let ok = req.headers().get("session-token").and_then(|v| v.to_str().ok())
                    == Some(SESSION_TOKEN);
                return if ok {
                    (StatusCode::OK, json, r#"{"session":{"glpiname":"jdupont","glpiID":7}}"#.to_string())
                        .into_response()
                } else {
                    (StatusCode::UNAUTHORIZED, json, r#"["ERROR_SESSION_TOKEN_INVALID","x"]"#.to_string()).into_response()
                };
            }
            if path.ends_with("/big") {
                let saw = if req.headers().contains_key("accept-encoding") { "yes" } else { "no" };
                let items: Vec<String> = (0..500)
                    .map(|i| format!(r#"{{"id":{i},"name":"pc-{i}","serial":"SN-{i}"}}"#))
                    .collect();
                // A page of a list read: 206 with the range of items.
                return (
                    StatusCode::PARTIAL_CONTENT,
                    [
                        ("content-type", "application/json"),
                        ("x-saw-accept-encoding", saw),
                        ("content-range", "0-499/1200"),
                    ],
                    format!("[{}]", items.join(",")),
                )
                    .into_response();
            }
            if path.ends_with("/slow") {
                tokio::time::sleep(Duration::from_millis(600)).await;
            }
            if path.ends_with("/missing") {
                let body = format!(
                    r#"["ERROR_ITEM_NOT_FOUND","Élément introuvable; view documentation in your browser at http://{host}/apirest.php/#ERROR_ITEM_NOT_FOUND"]"#
                );
                return (StatusCode::NOT_FOUND, json, body).into_response();
            }
            if path.ends_with("/tooBig") {
                // What a web server in front of GLPI answers: plain text.
                return (StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large").into_response();
            }
            let _ = axum::body::to_bytes(req.into_body(), usize::MAX).await;
            (StatusCode::OK, json, "[]".to_string()).into_response()
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Upstream { addr, calls }
}

async fn proxy(upstream: &str, extra: &[(&str, &str)]) -> RunningProxy {
    logs();
    spawn(config(upstream, extra)).await.unwrap()
}

fn config(upstream: &str, extra: &[(&str, &str)]) -> Config {
    common::config(upstream, APP_TOKEN, 5, extra)
}

use common::client;

async fn json_of(res: reqwest::Response) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    assert_no_secret(&format!("{headers:?} {text}"));
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, headers, v)
}

#[tokio::test]
async fn foreign_origins_are_refused_and_preflights_never_forwarded() {
    let up = upstream().await;
    let p = proxy(
        &up.api(),
        &[("PASSERELLE_ALLOWED_ORIGINS", "https://passerelle.intranet")],
    )
    .await;
    let base = format!("http://{}", p.addr());
    // A foreign page's call with a user token: refused before GLPI, in JSON.
    let res = client()
        .get(format!("{base}/api/initSession"))
        .header("Origin", "http://evil.example")
        .header("Authorization", format!("user_token {USER_TOKEN}"))
        .send()
        .await
        .unwrap();
    let (status, _, v) = json_of(res).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (403, Some("origin_not_allowed"))
    );
    // A foreign preflight: refused, not forwarded, no permission given.
    let res = client()
        .request(reqwest::Method::OPTIONS, format!("{base}/api/initSession"))
        .header("Origin", "http://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let (status, _, v) = json_of(res).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (403, Some("origin_not_allowed"))
    );
    // A cross-site request without Origin (an <img>, a link) is refused too.
    let res = client()
        .get(format!("{base}/api/Computer"))
        .header("Sec-Fetch-Site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(up.calls(), 0, "nothing reached GLPI");

    // A configured origin's preflight is answered by the proxy itself.
    let res = client()
        .request(reqwest::Method::OPTIONS, format!("{base}/api/Computer"))
        .header("Origin", "https://passerelle.intranet")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "session-token, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://passerelle.intranet"
    );
    // An OPTIONS from the page's own origin, and one from no page: answered, not forwarded.
    let res = client()
        .request(reqwest::Method::OPTIONS, format!("{base}/api/Computer"))
        .header("Origin", &base)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let res = client()
        .request(reqwest::Method::OPTIONS, format!("{base}/api/Computer"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(up.calls(), 0, "preflights are never forwarded");

    // The page's own origin and a configured one are forwarded; so is a call without Origin
    // (the passerelle command).
    for origin in [
        Some(base.as_str()),
        Some("https://passerelle.intranet"),
        None,
    ] {
        let mut req = client().get(format!("{base}/api/Computer"));
        if let Some(o) = origin {
            req = req
                .header("Origin", o)
                .header("Sec-Fetch-Site", "same-origin");
        }
        assert_eq!(req.send().await.unwrap().status(), 200, "{origin:?}");
    }
    assert_eq!(up.calls(), 3);
    let refused = audit_lines("origin_not_allowed");
    assert!(refused.len() >= 3, "{refused:?}");
    assert!(refused.iter().all(|l| l.contains("refused")), "{refused:?}");
}

#[tokio::test]
async fn odd_methods_and_unknown_paths_get_json_everywhere() {
    let up = upstream().await;
    let dir = std::env::temp_dir().join(format!("passerelle-hard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>P</title>").unwrap();
    let p = proxy(
        &up.api(),
        &[("PASSERELLE_STATIC_DIR", dir.to_str().unwrap())],
    )
    .await;
    for (method, path, status, code) in [
        ("TRACE", "/", 405, "method_not_allowed"),
        ("TRACE", "/api/Computer", 405, "method_not_allowed"),
        ("CONNECT", "/info", 405, "method_not_allowed"),
        ("POST", "/", 405, "method_not_allowed"),
        ("DELETE", "/healthz", 405, "method_not_allowed"),
        ("GET", "/favicon.ico", 404, "not_found"),
        ("GET", "/some/route", 404, "not_found"),
        ("GET", "/index.html.br", 404, "not_found"),
    ] {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let (got, text) = common::raw(p.addr(), &head).await;
        assert_eq!(got, status, "{method} {path}: {text}");
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(body.trim())
            .unwrap_or_else(|_| panic!("{method} {path}: not JSON: {text}"));
        assert_eq!(v["error"], code, "{method} {path}");
        if status == 405 {
            let allow = text.to_ascii_lowercase();
            assert!(allow.contains("\r\nallow: "), "{text}");
        }
        // Refusals carry the security headers like everything else.
        assert!(
            text.to_ascii_lowercase()
                .contains("content-security-policy"),
            "{text}"
        );
    }
    assert_eq!(up.calls(), 0);
    let (status, text) = common::raw(
        p.addr(),
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let refused = audit_lines("not_found");
    assert!(
        refused.iter().any(|l| l.contains("/favicon.ico")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn oversized_bodies_get_json_413s_even_chunked_or_from_glpis_server() {
    let up = upstream().await;
    let p = proxy(&up.api(), &[("PASSERELLE_BODY_LIMIT_BYTES", "1000")]).await;
    let base = format!("http://{}", p.addr());
    let chunks =
        futures_util::stream::iter((0..40).map(|_| Ok::<_, std::io::Error>(vec![b'y'; 64])));
    let res = client()
        .post(format!("{base}/api/Computer"))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    let (status, headers, v) = json_of(res).await;
    assert_eq!(status, 413);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(v["error"], "payload_too_large");
    assert!(v["message"].as_str().unwrap().contains("volumineuse"));
    // GLPI's web server refusing in plain text: the page still gets JSON.
    let res = client()
        .post(format!("{base}/api/tooBig"))
        .body("{}")
        .send()
        .await
        .unwrap();
    let (status, _, v) = json_of(res).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (413, Some("payload_too_large"))
    );
}

#[tokio::test]
async fn the_audit_log_names_the_glpi_user_and_tells_refused_from_forwarded() {
    let up = upstream().await;
    let p = proxy(&up.api(), &[]).await;
    let base = format!("http://{}", p.addr());
    // A user token session: the proxy asks GLPI who it is, once.
    let res = client()
        .get(format!("{base}/api/initSession"))
        .header("Authorization", format!("user_token {USER_TOKEN}"))
        .send()
        .await
        .unwrap();
    let (status, _, v) = json_of_unchecked(res).await;
    assert_eq!(status, 200);
    assert_eq!(
        v["session_token"], SESSION_TOKEN,
        "the page gets its session"
    );
    let res = client()
        .get(format!("{base}/api/Computer?range=0-1"))
        .header("Session-Token", SESSION_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let lines = audit_lines("/api/Computer?range=0-1");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("forwarded") && lines[0].contains("user=jdupont"),
        "{}",
        lines[0]
    );
    // A refusal of a known session's call names the user too.
    let res = client()
        .request(
            reqwest::Method::from_bytes(b"TRACE").unwrap(),
            format!("{base}/api/Computer/9"),
        )
        .header("Session-Token", SESSION_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let lines = audit_lines("/api/Computer/9");
    assert!(
        lines[0].contains("refused")
            && lines[0].contains("method_not_allowed")
            && lines[0].contains("user=jdupont"),
        "{lines:?}"
    );
    // A login and password session: the login is the user.
    let res = client()
        .get(format!("{base}/api/initSession?fr=1"))
        .basic_auth("mdurand", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let lines = audit_lines("/api/initSession?fr=1");
    assert!(lines[0].contains("user=mdurand"), "{lines:?}");
    let all = String::from_utf8_lossy(&logs().lock().unwrap()).to_string();
    assert_no_secret(&all);
}

async fn json_of_unchecked(
    res: reqwest::Response,
) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let v = res.json().await.unwrap();
    (status, headers, v)
}

#[tokio::test]
async fn glpi_addresses_stay_out_of_error_bodies() {
    let up = upstream().await;
    let p = proxy(&up.api(), &[]).await;
    let res = client()
        .get(format!("http://{}/api/Computer/missing", p.addr()))
        .send()
        .await
        .unwrap();
    let (status, _, v) = json_of(res).await;
    assert_eq!(status, 404);
    let text = v.to_string();
    assert!(!text.contains(&up.addr.to_string()), "{text}");
    assert!(!text.contains("127.0.0.1"), "{text}");
    assert_eq!(v[0], "ERROR_ITEM_NOT_FOUND");
    assert!(
        v[1].as_str()
            .unwrap()
            .ends_with("browser at /api/#ERROR_ITEM_NOT_FOUND"),
        "{text}"
    );
    // Nor in the proxy's own errors.
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
    let (status, _, v) = json_of(res).await;
    assert_eq!(status, 502);
    assert!(!v.to_string().contains(&dead.to_string()), "{v}");
}

#[tokio::test]
async fn security_headers_without_hsts_over_plain_http() {
    let up = upstream().await;
    let p = proxy(&up.api(), &[]).await;
    for path in ["/info", "/api/Computer", "/nothing-here"] {
        let res = client()
            .get(format!("http://{}{path}", p.addr()))
            .send()
            .await
            .unwrap();
        let h = res.headers();
        assert!(
            h["permissions-policy"]
                .to_str()
                .unwrap()
                .contains("camera=()"),
            "{path}"
        );
        assert_eq!(h["cross-origin-opener-policy"], "same-origin", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "{path}: HSTS only with TLS"
        );
    }
}

#[tokio::test]
async fn the_page_is_sent_precompressed_and_cached_by_its_hashes() {
    let up = upstream().await;
    let dir = std::env::temp_dir().join(format!("passerelle-gz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = "app-0123456789abcdef_bg.wasm";
    std::fs::write(dir.join("index.html"), "<!doctype html><title>P</title>").unwrap();
    std::fs::write(dir.join("index.html.br"), "br-index").unwrap();
    std::fs::write(dir.join(wasm), b"\0asm-plain-bytes").unwrap();
    std::fs::write(dir.join(format!("{wasm}.br")), b"br-bytes").unwrap();
    std::fs::write(dir.join(format!("{wasm}.gz")), b"gzip-bytes").unwrap();
    let p = proxy(
        &up.api(),
        &[("PASSERELLE_STATIC_DIR", dir.to_str().unwrap())],
    )
    .await;
    let get = |path: String, accept: &'static str| {
        let c = reqwest::Client::builder()
            .no_proxy()
            .no_gzip()
            .no_brotli()
            .build()
            .unwrap();
        async move {
            let mut req = c.get(path);
            if !accept.is_empty() {
                req = req.header("Accept-Encoding", accept);
            }
            let res = req.send().await.unwrap();
            let h = res.headers().clone();
            (h, res.bytes().await.unwrap().to_vec())
        }
    };
    let base = format!("http://{}", p.addr());
    let (h, body) = get(format!("{base}/{wasm}"), "gzip, deflate, br, zstd").await;
    assert_eq!(h["content-encoding"], "br");
    assert_eq!(body, b"br-bytes");
    assert_eq!(h["content-type"], "application/wasm");
    assert!(h["vary"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    let (h, body) = get(format!("{base}/{wasm}"), "gzip").await;
    assert_eq!(
        (h["content-encoding"].to_str().unwrap(), body.as_slice()),
        ("gzip", &b"gzip-bytes"[..])
    );
    let (h, body) = get(format!("{base}/{wasm}"), "").await;
    assert!(h.get("content-encoding").is_none());
    assert_eq!(body, b"\0asm-plain-bytes");
    let (h, body) = get(format!("{base}/"), "br").await;
    assert_eq!(body, b"br-index");
    assert_eq!(
        h["cache-control"], "no-cache",
        "index.html is always revalidated"
    );
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
}

#[tokio::test]
async fn over_the_ceiling_glpi_is_spared_and_the_caller_told_when_to_come_back() {
    let up = upstream().await;
    let p = proxy(
        &up.api(),
        &[
            ("PASSERELLE_UPSTREAM_MAX_IN_FLIGHT", "1"),
            ("PASSERELLE_UPSTREAM_MAX_CALLS_PER_SECOND", "0"),
        ],
    )
    .await;
    let base = format!("http://{}", p.addr());
    let slow = client()
        .get(format!("{base}/api/slow"))
        .header("Session-Token", "s1")
        .send();
    let second = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        client()
            .get(format!("{base}/api/Computer"))
            .header("Session-Token", "s2")
            .send()
            .await
    };
    let (slow, second) = tokio::join!(slow, second);
    assert_eq!(slow.unwrap().status(), 200);
    let (status, h, v) = json_of(second.unwrap()).await;
    assert_eq!(status, 429);
    assert_eq!(h["retry-after"], "1");
    assert_eq!(v["error"], "upstream_busy");
    assert_eq!(up.calls(), 1, "the refused call never reached GLPI");
    assert!(audit_lines("upstream_busy")
        .iter()
        .any(|l| l.contains("refused")));

    let p = proxy(
        &up.api(),
        &[
            ("PASSERELLE_UPSTREAM_MAX_IN_FLIGHT", "0"),
            ("PASSERELLE_UPSTREAM_MAX_CALLS_PER_SECOND", "3"),
        ],
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let res = client()
            .get(format!("http://{}/api/Computer", p.addr()))
            .header("Session-Token", "s3")
            .send()
            .await
            .unwrap();
        statuses.push((
            res.status().as_u16(),
            res.headers().get("retry-after").cloned(),
        ));
    }
    assert_eq!(
        statuses.iter().filter(|s| s.0 == 200).count(),
        3,
        "{statuses:?}"
    );
    assert!(
        statuses[3..]
            .iter()
            .all(|s| s.0 == 429 && s.1.as_ref().is_some_and(|v| v == "1")),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn glpi_answers_clear_to_the_proxy_which_compresses_for_the_browser() {
    let up = upstream().await;
    let p = proxy(&up.api(), &[]).await;
    let c = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    let get = |accept: &'static str| {
        let c = c.clone();
        let url = format!("http://{}/api/Computer/big", p.addr());
        async move {
            let res = c
                .get(url)
                .header("Accept-Encoding", accept)
                .send()
                .await
                .unwrap();
            let h = res.headers().clone();
            (h, res.bytes().await.unwrap().len())
        }
    };
    let (plain_h, plain) = get("identity").await;
    assert!(plain_h.get("content-encoding").is_none());
    assert_eq!(
        plain_h["x-saw-accept-encoding"], "no",
        "GLPI is asked for clear text"
    );
    for coding in ["gzip", "br"] {
        let (h, len) = get(coding).await;
        assert_eq!(h["content-encoding"], coding);
        assert_eq!(h["x-saw-accept-encoding"], "no");
        assert_eq!(h["content-range"], "0-499/1200", "GLPI's item range kept");
        assert!(h.get("x-passerelle-item-range").is_none());
        assert!(len * 4 < plain, "{coding}: {len} B for {plain} B");
    }
}
