//! The page: embedded in the binary at build time (one file to deploy), or served from a folder.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use include_dir::{include_dir, Dir};
use std::path::Path;

static EMBEDDED: Dir<'static> = include_dir!("$OUT_DIR/dist");

fn mime(path: &str) -> &'static str {
    match Path::new(path).extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn file_response(path: &str, bytes: Vec<u8>) -> Response {
    let mut res = Response::new(Body::from(bytes));
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime(path)));
    // Hashed asset names can be cached for long; index.html must always be fresh.
    let cache = if path.ends_with(".html") {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// Serves `uri` from `dir` (or the embedded page); unknown paths get index.html (single-page app).
pub async fn serve(dir: Option<&Path>, uri: &Uri) -> Response {
    let rel = uri.path().trim_start_matches('/');
    let rel = if rel.is_empty() { "index.html" } else { rel };
    if rel.split('/').any(|seg| seg == ".." || seg.contains('\\')) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let read = |p: &str| -> Option<Vec<u8>> {
        match dir {
            Some(d) => std::fs::read(d.join(p)).ok(),
            None => EMBEDDED.get_file(p).map(|f| f.contents().to_vec()),
        }
    };
    if let Some(bytes) = read(rel) {
        return file_response(rel, bytes);
    }
    match read("index.html") {
        Some(bytes) => file_response("index.html", bytes),
        None => {
            let mut res = Response::new(Body::from(
                "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Passerelle</title><p>Page non construite : lancez scripts/build-page.sh puis reconstruisez le proxy. / Page not built: run scripts/build-page.sh, then rebuild the proxy.</p></html>",
            ));
            *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            res
        }
    }
}
