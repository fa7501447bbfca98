//! `/api/*`: forwards to the configured GLPI API and nowhere else, adding the App-Token.

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use crate::audit::loggable;
use crate::error::ProxyError;
use crate::AppState;

/// Headers that belong to one hop and are never forwarded.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
];

/// Request headers the proxy never passes on: its own concerns, and any App-Token a client tries.
const DROPPED_REQUEST: [&str; 4] = ["host", "app-token", "cookie", "forwarded"];

/// Checks the part of the path after `/api/`: it must stay inside the GLPI API.
pub fn checked_rest(raw: &str) -> Result<&str, ProxyError> {
    let lower = raw.to_ascii_lowercase();
    let bad = raw.contains("..")
        || raw.contains('\\')
        || raw.contains("//")
        || raw.starts_with('/')
        || raw.contains('@')
        || lower.contains("%2e")
        || lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%40")
        || lower.contains("%25")
        || raw
            .split('/')
            .next()
            .is_some_and(|first| first.contains(':'));
    if bad {
        Err(ProxyError::ForbiddenPath)
    } else {
        Ok(raw)
    }
}

fn allowed(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::POST | Method::PUT | Method::PATCH | Method::DELETE | Method::OPTIONS
    )
}

/// Rewrites a URL GLPI returns (Location, Link) so the page follows it through the proxy.
pub fn rewrite_url(url: &str, api_url: &str) -> String {
    let url = url.trim();
    if let Some(rest) = url.strip_prefix(api_url) {
        return format!("/api{rest}");
    }
    // GLPI builds these from its own url_base_api setting, often not the configured address.
    for marker in ["/apirest.php", "/api.php/v1", "/api"] {
        if let Some(i) = url.find(&format!("{marker}/")) {
            return format!("/api{}", &url[i + marker.len()..]);
        }
    }
    url.to_string()
}

/// The forwarding handler.
pub async fn forward(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let logged = loggable(&path, query.as_deref());
    let response = match send(&state, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    let bytes = response
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    tracing::info!(
        target: "audit",
        client = %peer,
        method = %method,
        path = %logged,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        bytes = %bytes,
        "forwarded"
    );
    response
}

async fn send(state: &AppState, req: Request) -> Result<Response, ProxyError> {
    if !allowed(req.method()) {
        return Err(ProxyError::MethodNotAllowed);
    }
    let raw_path = req.uri().path();
    let rest = raw_path
        .strip_prefix("/api/")
        .or_else(|| raw_path.strip_prefix("/api"))
        .unwrap_or("");
    let rest = checked_rest(rest)?;
    let api_url = &state.config.glpi_api_url;
    let mut url = format!("{api_url}/{rest}");
    if let Some(q) = req.uri().query() {
        url.push('?');
        url.push_str(q);
    }
    let too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|n| n > state.config.body_limit_bytes);
    if too_large {
        return Err(ProxyError::TooLarge);
    }

    let mut headers = HeaderMap::new();
    for (name, value) in req.headers() {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || DROPPED_REQUEST.contains(&n) {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    let token = HeaderValue::from_str(state.config.glpi_app_token.expose())
        .map_err(|_| ProxyError::UpstreamUnreachable)?;
    headers.insert(HeaderName::from_static("app-token"), token);

    let method = req.method().clone();
    // The body is streamed to GLPI as it arrives, cut off at the size limit (a chunked body has
    // no Content-Length to check up front).
    let has_body = req.headers().contains_key(header::CONTENT_LENGTH)
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let mut upstream_request = state.client.request(method, &url).headers(headers);
    if has_body {
        let limited = http_body_util::Limited::new(req.into_body(), state.config.body_limit_bytes);
        upstream_request = upstream_request.body(reqwest::Body::wrap_stream(
            http_body_util::BodyDataStream::new(limited),
        ));
    }
    let upstream = upstream_request.send().await.map_err(|e| {
        if caused_by_limit(&e) {
            ProxyError::TooLarge
        } else if e.is_timeout() {
            ProxyError::UpstreamTimeout
        } else {
            ProxyError::UpstreamUnreachable
        }
    })?;

    let status = upstream.status();
    let mut out = HeaderMap::new();
    for (name, value) in upstream.headers() {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || n == "set-cookie" {
            continue;
        }
        if n == "location" || n == "link" {
            let text = value.to_str().unwrap_or_default();
            let rewritten: Vec<String> = text.split(',').map(|u| rewrite_url(u, api_url)).collect();
            if let Ok(v) = HeaderValue::from_str(&rewritten.join(",")) {
                out.append(name.clone(), v);
            }
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    let stream = upstream.bytes_stream().map_err(std::io::Error::other);
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    *response.headers_mut() = out;
    Ok(response)
}

/// Whether a failed upstream call was cut because the client's body went over the limit.
fn caused_by_limit(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_api_are_refused() {
        for bad in [
            "../etc/passwd",
            "Computer/../../x",
            "%2e%2e/x",
            "Computer%2F..%2Fx",
            "http://evil.test/x",
            "//evil.test/x",
            "a\\b",
            "x@evil.test",
            "%252e%252e/x",
        ] {
            assert!(checked_rest(bad).is_err(), "{bad}");
        }
        for good in [
            "Computer",
            "Computer/12",
            "search/Computer",
            "initSession",
            "",
            "User/3/Profile_User",
        ] {
            assert!(checked_rest(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn glpi_urls_are_rewritten_to_the_proxy() {
        let api = "http://glpi.test/apirest.php";
        assert_eq!(
            rewrite_url("http://glpi.test/apirest.php/Computer/5", api),
            "/api/Computer/5"
        );
        assert_eq!(
            rewrite_url("http://localhost/glpi/api/Computer/5", api),
            "/api/Computer/5"
        );
        assert_eq!(
            rewrite_url(" http://other/apirest.php/User/2", api),
            "/api/User/2"
        );
    }
}
