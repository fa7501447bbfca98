//! The page: embedded in the binary at build time (one file to deploy), or served from a folder
//! (`static_dir`, with tower-http's `ServeDir`). Either way each file is sent precompressed
//! (`.br`, `.gz`, made once by `scripts/build-page.sh`) when the browser accepts it, hashed files
//! are cached for a year, `index.html` is revalidated, and an unknown path is a JSON 404.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use include_dir::{include_dir, Dir};
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::error::ProxyError;
use crate::AppState;

static EMBEDDED: Dir<'static> = include_dir!("$OUT_DIR/dist");

/// The page files embedded in this binary (empty when it was built before the page).
pub fn embedded() -> &'static Dir<'static> {
    &EMBEDDED
}

/// A content coding the page is stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// Brotli (`.br`).
    Br,
    /// Gzip (`.gz`).
    Gzip,
    /// As is.
    Identity,
}

impl Coding {
    fn suffix(self) -> &'static str {
        match self {
            Coding::Br => ".br",
            Coding::Gzip => ".gz",
            Coding::Identity => "",
        }
    }
    fn token(self) -> &'static str {
        match self {
            Coding::Br => "br",
            Coding::Gzip => "gzip",
            Coding::Identity => "identity",
        }
    }
}

/// The best coding an `Accept-Encoding` allows among those `available` (by q-value, then
/// brotli before gzip before none).
pub fn negotiate(accept: Option<&str>, available: &dyn Fn(Coding) -> bool) -> Coding {
    let mut weights: Vec<(String, f32)> = Vec::new();
    for part in accept.unwrap_or("").split(',') {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let q = it
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        weights.push((name, q));
    }
    let weight = |c: Coding| -> f32 {
        let exact = weights.iter().find(|(n, _)| n == c.token()).map(|w| w.1);
        let star = weights.iter().find(|(n, _)| n == "*").map(|w| w.1);
        match (exact, star, c) {
            (Some(q), _, _) => q,
            (None, Some(q), _) => q,
            // identity is acceptable unless refused by name or by `*;q=0`.
            (None, None, Coding::Identity) => 0.001,
            (None, None, _) => 0.0,
        }
    };
    let mut best = Coding::Identity;
    let mut best_q = 0.0;
    for c in [Coding::Br, Coding::Gzip, Coding::Identity] {
        let q = weight(c);
        if q > best_q && (c == Coding::Identity || available(c)) {
            best = c;
            best_q = q;
        }
    }
    best
}

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
        // The DSFR's Marianne typeface (index.html copies it into dist/fonts/).
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Whether a file name carries a content hash (trunk's `name-0123456789abcdef.ext`, or
/// `name-…_bg.wasm`): such a file never changes and is cached as immutable.
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    // The hash follows the last dash, up to the extension: `dsfr.min-…css` has a dot before it.
    let Some((_, after)) = name.rsplit_once('-') else {
        return false;
    };
    let stem = after.split('.').next().unwrap_or(after);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.len() >= 16
        && stem
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else {
        // index.html and anything unhashed: always revalidated, so a new version is seen.
        "no-cache"
    }
}

/// Serves one embedded file in the best coding the request accepts.
pub fn from_embedded(dir: &Dir<'_>, rel: &str, headers: &HeaderMap) -> Option<Response> {
    let plain = dir.get_file(rel)?;
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let coding = negotiate(accept, &|c| {
        dir.get_file(format!("{rel}{}", c.suffix())).is_some()
    });
    let file = match coding {
        Coding::Identity => plain,
        c => dir.get_file(format!("{rel}{}", c.suffix()))?,
    };
    let bytes = file.contents().to_vec();
    let mut res = Response::new(Body::from(bytes));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime(rel)));
    h.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(file.contents().len()),
    );
    if coding != Coding::Identity {
        h.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(coding.token()),
        );
    }
    Some(res)
}

async fn from_dir(dir: &Path, rel: &str, req: Request) -> Option<Response> {
    let (mut parts, body) = req.into_parts();
    parts.uri = format!("/{rel}").parse().ok()?;
    let service = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    let res = service
        .oneshot(Request::from_parts(parts, body))
        .await
        .ok()?;
    if res.status() == StatusCode::NOT_FOUND {
        return None;
    }
    Some(res.map(Body::new))
}

fn not_built() -> Response {
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

/// The page's handler: `/` is `index.html`; a file of the page is served; anything else is a
/// JSON 404 (the page has no routes of its own).
pub async fn serve(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let rel = match path.trim_start_matches('/') {
        "" => "index.html".to_string(),
        r => r.to_string(),
    };
    let refused = rel.split('/').any(|seg| seg == ".." || seg.is_empty())
        || rel.contains('\\')
        || rel.starts_with('.')
        || rel.ends_with(".br")
        || rel.ends_with(".gz");
    if refused {
        return ProxyError::NotFound.into_response();
    }
    let found = match &state.config.static_dir {
        Some(dir) => from_dir(dir, &rel, req).await,
        None => from_embedded(&EMBEDDED, &rel, req.headers()),
    };
    let Some(mut res) = found else {
        let page_missing = match &state.config.static_dir {
            Some(dir) => !dir.join("index.html").is_file(),
            None => EMBEDDED.get_file("index.html").is_none(),
        };
        if rel == "index.html" && page_missing {
            return not_built();
        }
        return ProxyError::NotFound.into_response();
    };
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(&rel)),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if !h.contains_key(header::CONTENT_TYPE) || rel.ends_with(".js") || rel.ends_with(".html") {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime(&rel)));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use include_dir::{DirEntry, File};

    #[test]
    fn accept_encoding_is_negotiated() {
        let all = |_: Coding| true;
        let only_gzip = |c: Coding| c == Coding::Gzip;
        assert_eq!(negotiate(Some("gzip, deflate, br, zstd"), &all), Coding::Br);
        assert_eq!(
            negotiate(Some("gzip, deflate, br"), &only_gzip),
            Coding::Gzip
        );
        assert_eq!(negotiate(Some("gzip"), &all), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0.5, gzip;q=0.8"), &all), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0, *"), &all), Coding::Gzip);
        assert_eq!(negotiate(None, &all), Coding::Identity);
        assert_eq!(negotiate(Some("identity"), &all), Coding::Identity);
        assert_eq!(negotiate(Some("deflate"), &all), Coding::Identity);
    }

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("passerelle-frontend-3f2a9c0d11e4b7a8_bg.wasm"));
        assert!(is_hashed("loader-0123456789abcdef.js"));
        assert!(is_hashed("worker-0123456789abcdef.js"));
        assert!(is_hashed("dsfr.min-d551b13aebb7a3d3.css"));
        assert!(!is_hashed("dsfr.min.css"));
        assert!(!is_hashed("worker.js"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("passerelle-frontend.js"));
    }

    static FILES: [DirEntry<'static>; 3] = [
        DirEntry::File(File::new("app-0123456789abcdef.js", b"plain")),
        DirEntry::File(File::new("app-0123456789abcdef.js.br", b"br!")),
        DirEntry::File(File::new("app-0123456789abcdef.js.gz", b"gzip!")),
    ];

    #[test]
    fn embedded_files_are_sent_in_the_negotiated_coding() {
        let dir = Dir::new("", &FILES);
        let mut h = HeaderMap::new();
        let get = |h: &HeaderMap| from_embedded(&dir, "app-0123456789abcdef.js", h).unwrap();
        let res = get(&h);
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(res.headers()[header::CONTENT_LENGTH], "5");
        h.insert(header::ACCEPT_ENCODING, "gzip".parse().unwrap());
        assert_eq!(get(&h).headers()[header::CONTENT_ENCODING], "gzip");
        h.insert(header::ACCEPT_ENCODING, "gzip, br".parse().unwrap());
        let res = get(&h);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(res.headers()[header::CONTENT_LENGTH], "3");
        assert!(from_embedded(&dir, "missing.js", &h).is_none());
    }
}
