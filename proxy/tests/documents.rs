//! Documents through the proxy (issue 16), sent by the command's own transport: an upload
//! (`multipart/form-data`, manifest and file bytes) reaches the national GLPI intact, a download
//! (`Accept: application/octet-stream`) comes back from the local GLPI byte for byte, and an
//! upload over the body ceiling is refused before GLPI sees it.

mod common;

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use passerelle_engine::migrate::api::{ApiRequest, Method, Transport, Upload};
use passerelle_native::HttpTransport;
use passerelle_proxy::{spawn, RunningProxy};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Bytes no text encoding would keep as they are.
const FILE: &[u8] = b"%PDF-1.4\n\x00\x01\xfe\xff\r\n fin";

/// What the fake GLPI received: (Content-Type, Accept, body).
type Seen = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A GLPI that records each request, answers a download with [`FILE`] as octet-stream and
/// anything else with a created id.
async fn fake_glpi() -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().fallback(any(move |req: Request| {
        let log = log.clone();
        async move {
            // Read before the body is awaited (a request is not `Sync`).
            let (ct, accept) = {
                let header = |n: &str| {
                    req.headers()
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                (header("content-type"), header("accept"))
            };
            let download = req.uri().path().ends_with("/Document/7");
            let body: Bytes = axum::body::to_bytes(req.into_body(), usize::MAX)
                .await
                .unwrap();
            log.lock().unwrap().push((ct, accept, body.to_vec()));
            if download {
                return Response::builder()
                    .status(StatusCode::OK)
                    .header("content-type", "application/octet-stream")
                    .body(axum::body::Body::from(FILE))
                    .unwrap();
            }
            (
                StatusCode::CREATED,
                [("content-type", "application/json")],
                r#"{"id":12,"message":""}"#,
            )
                .into_response()
        }
    }));
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, seen)
}

async fn proxy(national: SocketAddr, source: SocketAddr, limit: &str) -> RunningProxy {
    let national = format!("http://{national}/apirest.php");
    let source = format!("http://{source}/apirest.php");
    spawn(common::config(
        &national,
        "national-token",
        5,
        &[
            ("PASSERELLE_SOURCE_API_URL", source.as_str()),
            ("PASSERELLE_SOURCE_APP_TOKEN", "source-token"),
            ("PASSERELLE_BODY_LIMIT_BYTES", limit),
        ],
    ))
    .await
    .unwrap()
}

fn upload(bytes: Vec<u8>) -> ApiRequest {
    ApiRequest::new(Method::Post, "/Document").with_upload(Upload {
        manifest: serde_json::json!({"input": {"name": "Facture « PC-17 »", "_filename": ["facture.pdf"]}}),
        filename: "facture.pdf".into(),
        mime: "application/pdf".into(),
        bytes,
    })
}

#[tokio::test]
async fn an_upload_reaches_the_national_glpi_and_a_download_comes_back_intact() {
    let (national, to_national) = fake_glpi().await;
    let (source, to_source) = fake_glpi().await;
    let p = proxy(national, source, "1048576").await;
    let base = format!("http://{}", p.addr());

    let t = HttpTransport::new(&format!("{base}/api"), None, Duration::from_secs(5));
    let res = t.send(&upload(FILE.to_vec())).await.unwrap();
    assert_eq!(res.status, 201);
    let seen = to_national.lock().unwrap().clone();
    let (ct, _, body) = &seen[0];
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let text = String::from_utf8_lossy(body);
    assert!(text.contains("name=\"uploadManifest\""), "{text}");
    assert!(text.contains(r#""_filename":["facture.pdf"]"#), "{text}");
    assert!(text.contains(r#""name":"Facture « PC-17 »""#), "{text}");
    assert!(
        text.contains("name=\"filename[]\"; filename=\"facture.pdf\""),
        "{text}"
    );
    assert!(text.contains("Content-Type: application/pdf"), "{text}");
    assert!(
        body.windows(FILE.len()).any(|w| w == FILE),
        "the file's bytes were altered"
    );

    let s = HttpTransport::new(&format!("{base}/source-api"), None, Duration::from_secs(5));
    let mut download = ApiRequest::new(Method::Get, "/Document/7");
    download
        .headers
        .push(("Accept".into(), "application/octet-stream".into()));
    let res = s.send(&download).await.unwrap();
    assert_eq!(res.status, 200);
    assert_eq!(res.body, FILE);
    assert_eq!(to_source.lock().unwrap()[0].1, "application/octet-stream");
}

#[tokio::test]
async fn an_upload_over_the_body_ceiling_never_reaches_glpi() {
    let (national, to_national) = fake_glpi().await;
    let (source, _) = fake_glpi().await;
    let p = proxy(national, source, "4096").await;
    let t = HttpTransport::new(
        &format!("http://{}/api", p.addr()),
        None,
        Duration::from_secs(5),
    );
    let res = t.send(&upload(vec![b'x'; 64 * 1024])).await.unwrap();
    assert_eq!(res.status, 413);
    assert!(to_national.lock().unwrap().is_empty());
}
