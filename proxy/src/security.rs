//! Security layers: headers on every response, and the allowed client networks.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

use crate::error::ProxyError;
use crate::AppState;

/// The page's Content-Security-Policy: only its own origin, and wasm compilation.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Adds the security headers to every response.
pub async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
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
        tracing::warn!(client = %peer, "client outside the allowed networks");
        return ProxyError::NetworkNotAllowed.into_response();
    }
    next.run(req).await
}
