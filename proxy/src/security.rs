//! Security layers: headers on every response (tower-http's `SetResponseHeaderLayer`), the
//! allowed client networks, the allowed methods, and the origin check of `/api/*`.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

use crate::error::ProxyError;
use crate::upstream::Which;
use crate::AppState;

/// The page's Content-Security-Policy: only its own origin, and wasm compilation.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Browser features the page never uses, all denied.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), sync-xhr=(), usb=(), xr-spatial-tracking=()";

/// `Strict-Transport-Security` sent when the proxy itself serves TLS: one year, subdomains
/// left alone (the intranet's other sites are not ours to decide).
pub const HSTS: &str = "max-age=31536000";

/// The headers put on every response, as `(name, value)`.
pub fn static_headers() -> [(HeaderName, &'static str); 7] {
    [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ]
}

/// Refuses clients outside the allowed networks (all allowed when the list is empty).
pub async fn networks(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let nets = &state.config.allowed_networks;
    let ip = peer.ip().to_canonical();
    if !nets.is_empty() && !nets.iter().any(|n| n.contains(&ip)) {
        return ProxyError::NetworkNotAllowed.into_response();
    }
    next.run(req).await
}

/// Methods the page and the health routes accept.
pub const PAGE_METHODS: &str = "GET, HEAD";

/// Refuses, everywhere, the methods the route does not accept (`TRACE`, `CONNECT`, a `POST` to
/// the page, a write to the local GLPI…) with a JSON 405 and `Allow`.
pub async fn methods(req: Request, next: Next) -> Response {
    let m = req.method();
    let allow = match Which::of_path(req.uri().path()) {
        Some(which) if !which.accepts(m) => Some(which.methods()),
        Some(_) => None,
        None => (!matches!(*m, Method::GET | Method::HEAD)).then_some(PAGE_METHODS),
    };
    if let Some(allow) = allow {
        return ProxyError::MethodNotAllowed { allow }.into_response();
    }
    next.run(req).await
}

/// The authority (`host[:port]`) of an origin such as `https://passerelle.intranet:8443`.
fn authority(origin: &str) -> Option<&str> {
    origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
}

/// Whether a request to the API comes from the page itself, a configured origin, or no browser
/// page at all (a script, the `passerelle` command). A browser always sends `Origin` on a
/// cross-origin call, and `Sec-Fetch-Site` on every call.
pub fn origin_allowed(req: &Request, allowed_origins: &[String]) -> bool {
    let headers = req.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        if allowed_origins.iter().any(|o| o == origin) {
            return true;
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()));
        return matches!((authority(origin), host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h));
    }
    // No Origin: a same-origin GET, or not a browser. A browser's cross-site call without Origin
    // (an <img>, a link) still says where it comes from.
    !matches!(
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("cross-site")
    )
}

/// The origin check of `/api/*` and `/source-api/*`, before CORS and before anything is forwarded.
pub async fn origin(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if !origin_allowed(&req, &state.config.allowed_origins) {
        return ProxyError::OriginNotAllowed.into_response();
    }
    next.run(req).await
}

/// The value of `Strict-Transport-Security` for a proxy serving TLS or not.
pub fn hsts(tls: bool) -> Option<HeaderValue> {
    tls.then(|| HeaderValue::from_static(HSTS))
}
