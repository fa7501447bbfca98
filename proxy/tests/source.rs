//! The local GLPI as a second upstream (`/source-api/*`, issue 16): forwarded there with its own
//! App-Token, read only (nothing that could write ever reaches it), refused when not configured,
//! reported by `/readyz` and `/info`, audited, and no secret of either GLPI ever shown.

mod common;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use passerelle_proxy::{spawn, RunningProxy};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

const NATIONAL_TOKEN: &str = "national-app-token-SECRET-11";
const SOURCE_TOKEN: &str = "local-app-token-SECRET-22";

/// What one fake GLPI received: method, path and query, App-Token.
type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

/// A fake GLPI named `name`: answers `initSession` without credentials like GLPI (checking the
/// App-Token `token`), anything else with its name and a `Location` on its own address.
async fn fake_glpi(name: &'static str, token: &'static str) -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().fallback(any(move |req: Request| {
        let log = log.clone();
        async move {
            let got = req
                .headers()
                .get("app-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let path = req.uri().path().to_string();
            let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
            log.lock()
                .unwrap()
                .push((req.method().to_string(), format!("{path}{query}"), got.clone()));
            if path.ends_with("/initSession") {
                let body = if got == token {
                    r#"["ERROR_LOGIN_PARAMETERS_MISSING","parameter(s) login, password or user_token are missing"]"#
                } else {
                    r#"["ERROR_WRONG_APP_TOKEN_PARAMETER","parameter app_token seems wrong"]"#
                };
                return (StatusCode::BAD_REQUEST, [("content-type", "application/json")], body)
                    .into_response();
            }
            if path.ends_with("/Missing/1") {
                let body = format!(
                    r#"["ERROR_ITEM_NOT_FOUND","see http://{addr}/apirest.php/#ERROR_ITEM_NOT_FOUND"]"#
                );
                return (StatusCode::NOT_FOUND, [("content-type", "application/json")], body)
                    .into_response();
            }
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json")
                .header("location", format!("http://{addr}/apirest.php/Computer/7"))
                .body(axum::body::Body::from(
                    serde_json::json!({ "glpi": name }).to_string(),
                ))
                .unwrap()
        }
    }));
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, seen)
}

fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    common::captured_logs("info")
}

async fn proxy(national: SocketAddr, source: Option<(SocketAddr, &str)>) -> RunningProxy {
    logs();
    let national = format!("http://{national}/apirest.php");
    let source = source.map(|(addr, token)| (format!("http://{addr}/apirest.php"), token));
    let extra: Vec<(&str, &str)> = match &source {
        Some((url, token)) => vec![
            ("PASSERELLE_SOURCE_API_URL", url.as_str()),
            ("PASSERELLE_SOURCE_APP_TOKEN", token),
        ],
        None => Vec::new(),
    };
    spawn(common::config(&national, NATIONAL_TOKEN, 2, &extra))
        .await
        .unwrap()
}

use common::client;

async fn call(method: &str, url: String) -> (u16, HashMap<String, String>, serde_json::Value) {
    let res = client()
        .request(method.parse().unwrap(), url)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let text = res.text().await.unwrap();
    for secret in [NATIONAL_TOKEN, SOURCE_TOKEN] {
        assert!(!text.contains(secret) && !format!("{headers:?}").contains(secret));
    }
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    (status, headers, body)
}

#[tokio::test]
async fn each_route_reaches_its_own_glpi_with_its_own_app_token() {
    let (national, national_seen) = fake_glpi("national", NATIONAL_TOKEN).await;
    let (local, local_seen) = fake_glpi("local", SOURCE_TOKEN).await;
    let p = proxy(national, Some((local, SOURCE_TOKEN))).await;
    let base = format!("http://{}", p.addr());

    let (status, headers, body) =
        call("GET", format!("{base}/source-api/Computer/5?range=0-999")).await;
    assert_eq!((status, body["glpi"].as_str()), (200, Some("local")));
    // GLPI's own address never reaches the page: the link goes through the proxy's route.
    assert_eq!(headers["location"], "/source-api/Computer/7");
    let (status, headers, body) = call("GET", format!("{base}/api/Computer/5")).await;
    assert_eq!((status, body["glpi"].as_str()), (200, Some("national")));
    assert_eq!(headers["location"], "/api/Computer/7");

    assert_eq!(
        *local_seen.lock().unwrap(),
        [(
            "GET".to_string(),
            "/apirest.php/Computer/5?range=0-999".to_string(),
            SOURCE_TOKEN.to_string()
        )]
    );
    assert_eq!(
        *national_seen.lock().unwrap(),
        [(
            "GET".to_string(),
            "/apirest.php/Computer/5".to_string(),
            NATIONAL_TOKEN.to_string()
        )]
    );

    // An error body of the local GLPI loses its address too.
    let (status, _, body) = call("GET", format!("{base}/source-api/Missing/1")).await;
    assert_eq!(status, 404);
    assert_eq!(body[1], "see /source-api/#ERROR_ITEM_NOT_FOUND");

    let audit = String::from_utf8_lossy(&logs().lock().unwrap()).to_string();
    assert!(
        audit
            .lines()
            .any(|l| l.contains("glpi=\"source\"") && l.contains("/source-api/Computer/5")),
        "{audit}"
    );
    assert!(audit
        .lines()
        .any(|l| l.contains("glpi=\"national\"") && l.contains("/api/Computer/5")));
    assert!(!audit.contains(SOURCE_TOKEN) && !audit.contains(NATIONAL_TOKEN));
}

#[tokio::test]
async fn nothing_that_could_write_reaches_the_local_glpi() {
    let (national, _) = fake_glpi("national", NATIONAL_TOKEN).await;
    let (local, local_seen) = fake_glpi("local", SOURCE_TOKEN).await;
    let p = proxy(national, Some((local, SOURCE_TOKEN))).await;
    let base = format!("http://{}", p.addr());
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let (status, headers, body) = call(method, format!("{base}/source-api/Computer/5")).await;
        assert_eq!(status, 405, "{method}");
        assert_eq!(headers["allow"], "GET, HEAD, OPTIONS");
        assert_eq!(body["error"], "method_not_allowed");
    }
    // The national GLPI still takes them.
    let (status, _, _) = call("POST", format!("{base}/api/Computer")).await;
    assert_eq!(status, 200);
    // A preflight is answered by the proxy; a path leaving the API is refused; a foreign page
    // is refused; none of them reaches the local GLPI.
    let (status, headers, _) = call("OPTIONS", format!("{base}/source-api/Computer")).await;
    assert_eq!(
        (status, headers["allow"].as_str()),
        (204, "GET, HEAD, OPTIONS")
    );
    let (status, _, body) = call("GET", format!("{base}/source-api/Computer%2F..%2Fx")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("forbidden_path"))
    );
    let res = client()
        .get(format!("{base}/source-api/Computer"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(local_seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn without_a_local_glpi_the_route_says_so() {
    let (national, _) = fake_glpi("national", NATIONAL_TOKEN).await;
    let p = proxy(national, None).await;
    let base = format!("http://{}", p.addr());
    let (status, _, body) = call("GET", format!("{base}/source-api/initSession")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("source_not_configured"))
    );
    assert!(body["message"].as_str().unwrap().contains("[source]"));
    let (_, _, info) = call("GET", format!("{base}/info")).await;
    assert!(info["source"].is_null());
    let (status, _, ready) = call("GET", format!("{base}/readyz")).await;
    assert_eq!((status, ready), (200, serde_json::json!({ "ready": true })));
}

#[tokio::test]
async fn readiness_and_info_report_both_glpis() {
    let (national, _) = fake_glpi("national", NATIONAL_TOKEN).await;
    let (local, _) = fake_glpi("local", SOURCE_TOKEN).await;
    let p = proxy(national, Some((local, SOURCE_TOKEN))).await;
    let base = format!("http://{}", p.addr());
    let (status, _, ready) = call("GET", format!("{base}/readyz")).await;
    assert_eq!(status, 200);
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["source"]["ready"], true);
    let (_, _, info) = call("GET", format!("{base}/info")).await;
    assert_eq!(
        info["source"]["api_url"],
        format!("http://{local}/apirest.php")
    );

    // The local GLPI refusing the proxy's App-Token is reported under "source"; the proxy stays
    // ready for file migrations.
    let p = proxy(national, Some((local, "a-wrong-token"))).await;
    let (status, _, ready) = call("GET", format!("http://{}/readyz", p.addr())).await;
    assert_eq!(status, 200);
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["source"]["ready"], false);
    assert_eq!(ready["source"]["reason"], "app_token_refused");

    // A local GLPI that is down, likewise.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let p = proxy(national, Some((dead, SOURCE_TOKEN))).await;
    let (_, _, ready) = call("GET", format!("http://{}/readyz", p.addr())).await;
    assert_eq!(ready["source"]["reason"], "unreachable");
}
