//! `/api/*` and `/source-api/*`: forward to the configured national and local GLPI APIs and
//! nowhere else, adding each one's App-Token.

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, TryStreamExt};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use crate::audit::Forwarded;
use crate::ceiling::Permit;
use crate::error::ProxyError;
use crate::sessions::{basic_login, session_token, GlpiUser};
use crate::upstream::{Upstream, Which};
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
/// `accept-encoding` too: GLPI answers the proxy in clear (so its addresses can be taken out of
/// error bodies), and the proxy compresses for the browser (tower-http's `CompressionLayer`).
const DROPPED_REQUEST: [&str; 5] = [
    "host",
    "app-token",
    "cookie",
    "forwarded",
    "accept-encoding",
];

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

/// Rewrites a URL GLPI returns (Location, Link) so the page follows it through the proxy's
/// route `prefix` (`/api` or `/source-api`).
pub fn rewrite_url(url: &str, api_url: &str, prefix: &str) -> String {
    let url = url.trim();
    if let Some(rest) = url.strip_prefix(api_url) {
        return format!("{prefix}{rest}");
    }
    // GLPI builds these from its own url_base_api setting, often not the configured address.
    for marker in ["/apirest.php", "/api.php/v1", "/api"] {
        if let Some(i) = url.find(&format!("{marker}/")) {
            return format!("{prefix}{}", &url[i + marker.len()..]);
        }
    }
    url.to_string()
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after..].find('/') {
        Some(i) => &url[..after + i],
        None => url,
    }
}

/// Takes a GLPI's addresses out of a body the browser will read: URLs into GLPI's API become
/// `{prefix}/…` (the proxy's route), any other URL on GLPI's server loses its scheme and host,
/// and any other absolute URL is replaced by `[url]` (an error body has no business pointing
/// the page elsewhere). JSON-escaped URLs (`http:\/\/…`) too.
pub fn scrub_urls(text: &str, api_url: &str, prefix: &str) -> String {
    let origin = origin_of(api_url);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = ["http://", "https://", "http:\\/\\/", "https:\\/\\/"]
            .iter()
            .filter_map(|p| rest.find(p))
            .min();
        let Some(i) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        // The URL ends at a space, a quote or a bracket, or at a backslash that does not escape
        // a slash (JSON's `\"` after a URL stays whole).
        let end = tail
            .char_indices()
            .find(|&(i, c)| {
                c.is_whitespace()
                    || matches!(c, '"' | '\'' | '<' | '>' | ')' | ']' | ',')
                    || (c == '\\' && !tail[i + 1..].starts_with('/'))
            })
            .map(|(i, _)| i)
            .unwrap_or(tail.len());
        let raw = &tail[..end];
        let escaped = raw.contains("\\/");
        let url = raw.replace("\\/", "/");
        let rewritten = rewrite_url(&url, api_url, prefix);
        let clean = if rewritten != url {
            rewritten
        } else if let Some(path) = url.strip_prefix(origin) {
            if path.is_empty() {
                "/".to_string()
            } else {
                path.to_string()
            }
        } else {
            "[url]".to_string()
        };
        if escaped {
            out.push_str(&clean.replace('/', "\\/"));
        } else {
            out.push_str(&clean);
        }
        rest = &tail[end..];
    }
}

/// Error bodies larger than this are passed on as they are (GLPI's are a few hundred bytes).
const SCRUB_LIMIT: usize = 256 * 1024;

/// `/api/*`, to the national GLPI.
pub async fn forward(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    forward_to(Which::National, &state, peer, req).await
}

/// `/source-api/*`, to the local GLPI (a 404 JSON when none is configured).
pub async fn forward_source(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    forward_to(Which::Source, &state, peer, req).await
}

/// The forwarding itself: `OPTIONS` answered here, the ceiling's permit taken, the call sent.
async fn forward_to(which: Which, state: &AppState, peer: SocketAddr, req: Request) -> Response {
    let Some(upstream) = state.upstream(which) else {
        return ProxyError::SourceNotConfigured.into_response();
    };
    if req.method() == Method::OPTIONS {
        // Never forwarded: GLPI has nothing to say about CORS, and a preflight of an allowed
        // origin was answered by the CORS layer already.
        let mut res = StatusCode::NO_CONTENT.into_response();
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(which.methods()));
        return res;
    }
    let key = state
        .sessions
        .share_key(req.headers(), req.uri().query(), peer.ip());
    let permit = match upstream.ceiling.try_acquire(key, Instant::now()) {
        Ok(p) => p,
        Err(wait) => {
            return ProxyError::UpstreamBusy {
                retry_after_secs: crate::ceiling::retry_after_secs(wait),
            }
            .into_response()
        }
    };
    match send(state, upstream, req, permit).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn send(
    state: &AppState,
    upstream: &Upstream,
    req: Request,
    permit: Permit,
) -> Result<Response, ProxyError> {
    let prefix = upstream.which.prefix();
    let raw_path = req.uri().path();
    let rest = raw_path
        .strip_prefix(prefix)
        .map(|r| r.strip_prefix('/').unwrap_or(r))
        .unwrap_or("");
    let rest = checked_rest(rest)?.to_string();
    let api_url = &upstream.api_url;
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
    let endpoint = rest.trim_end_matches('/').to_ascii_lowercase();
    let session = session_token(req.headers(), req.uri().query()).map(str::to_string);
    let login = basic_login(req.headers());

    let mut headers = HeaderMap::new();
    for (name, value) in req.headers() {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || DROPPED_REQUEST.contains(&n) {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    let token = HeaderValue::from_str(upstream.app_token.expose())
        .map_err(|_| ProxyError::UpstreamUnreachable)?;
    headers.insert(HeaderName::from_static("app-token"), token);

    let method = req.method().clone();
    // The body is streamed to GLPI as it arrives, cut off at the size limit (a chunked body has
    // no Content-Length to check up front).
    let has_body = req.headers().contains_key(header::CONTENT_LENGTH)
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let mut upstream_request = upstream.client.request(method, &url).headers(headers);
    if has_body {
        let limited = http_body_util::Limited::new(req.into_body(), state.config.body_limit_bytes);
        upstream_request = upstream_request.body(reqwest::Body::wrap_stream(
            http_body_util::BodyDataStream::new(limited),
        ));
    }
    let answer = upstream_request.send().await.map_err(|e| {
        if caused_by_limit(&e) {
            ProxyError::TooLarge
        } else if e.is_timeout() {
            ProxyError::UpstreamTimeout
        } else {
            ProxyError::UpstreamUnreachable
        }
    })?;

    let status = answer.status();
    let mut out = HeaderMap::new();
    for (name, value) in answer.headers() {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || n == "set-cookie" {
            continue;
        }
        if n == "location" || n == "link" {
            let text = value.to_str().unwrap_or_default();
            let rewritten: Vec<String> = text
                .split(',')
                .map(|u| rewrite_url(u, api_url, prefix))
                .collect();
            if let Ok(v) = HeaderValue::from_str(&rewritten.join(",")) {
                out.append(name.clone(), v);
            }
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    let length = answer.content_length();
    let plain = !out.contains_key(header::CONTENT_ENCODING);
    let mut user = None;
    let body = if status.is_client_error() || status.is_server_error() {
        if plain && length.is_none_or(|n| n as usize <= SCRUB_LIMIT) {
            let bytes = answer
                .bytes()
                .await
                .map_err(|_| ProxyError::UpstreamUnreachable)?;
            let text = scrub_urls(&String::from_utf8_lossy(&bytes), api_url, prefix);
            out.remove(header::CONTENT_LENGTH);
            let json = out
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.contains("json"));
            if json {
                Body::from(text)
            } else {
                // Not GLPI's JSON (a web server or a proxy in front of GLPI answered): the page
                // gets the proxy's JSON, like every other error it shows.
                out.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                Body::from(upstream_error_json(status, &text).to_string())
            }
        } else {
            stream_with(answer, permit)
        }
    } else if endpoint == "initsession" && status.is_success() {
        let bytes = answer
            .bytes()
            .await
            .map_err(|_| ProxyError::UpstreamUnreachable)?;
        user = learn_user(state, upstream, &bytes, login).await;
        Body::from(bytes)
    } else {
        if endpoint == "killsession" {
            if let Some(t) = &session {
                state.sessions.forget(t);
            }
        }
        stream_with(answer, permit)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = out;
    response.extensions_mut().insert(Forwarded(upstream.which));
    if let Some(u) = user {
        response.extensions_mut().insert(GlpiUser(u));
    }
    Ok(response)
}

/// Where GLPI's `Content-Range` (a range of items) waits while the response is compressed.
const ITEM_RANGE: &str = "x-passerelle-item-range";

/// Moves GLPI's `Content-Range` aside before the compression layer.
pub async fn hide_item_range(mut res: Response) -> Response {
    if let Some(v) = res.headers_mut().remove(header::CONTENT_RANGE) {
        res.headers_mut()
            .insert(HeaderName::from_static(ITEM_RANGE), v);
    }
    res
}

/// Puts GLPI's `Content-Range` back after the compression layer.
pub async fn restore_item_range(mut res: Response) -> Response {
    if let Some(v) = res.headers_mut().remove(ITEM_RANGE) {
        res.headers_mut().insert(header::CONTENT_RANGE, v);
    }
    res
}

/// The proxy's JSON for an error GLPI's server answered without GLPI's JSON.
pub fn upstream_error_json(status: StatusCode, text: &str) -> serde_json::Value {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        let e = ProxyError::TooLarge;
        return serde_json::json!({ "error": e.code(), "message": e.to_string() });
    }
    let excerpt: String = text.trim().chars().take(200).collect();
    serde_json::json!({
        "error": "upstream_error",
        "message": format!("le serveur GLPI a répondu {} : {excerpt}", status.as_u16()),
    })
}

/// The upstream body streamed to the browser; the call stays counted in flight until it ends.
fn stream_with(upstream: reqwest::Response, permit: Permit) -> Body {
    let stream = upstream
        .bytes_stream()
        .map_err(std::io::Error::other)
        .map(move |chunk| {
            let _held = &permit;
            chunk
        });
    Body::from_stream(stream)
}

/// After GLPI opened a session: who it is for. The login of a login/password session; for a
/// user token, GLPI's own answer to `getFullSession` (one more call, once per session).
async fn learn_user(
    state: &AppState,
    upstream: &Upstream,
    body: &[u8],
    login: Option<String>,
) -> Option<String> {
    let token = serde_json::from_slice::<serde_json::Value>(body)
        .ok()?
        .get("session_token")?
        .as_str()?
        .to_string();
    let user = match login {
        Some(l) => l,
        None => {
            let bytes = upstream
                .client
                .get(format!("{}/getFullSession", upstream.api_url))
                .header("App-Token", upstream.app_token.expose())
                .header("Session-Token", &token)
                .send()
                .await
                .ok()?
                .bytes()
                .await
                .ok()?;
            let full: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
            full.get("session")?.get("glpiname")?.as_str()?.to_string()
        }
    };
    state.sessions.remember(&token, &user);
    Some(user)
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
            rewrite_url("http://glpi.test/apirest.php/Computer/5", api, "/api"),
            "/api/Computer/5"
        );
        assert_eq!(
            rewrite_url("http://localhost/glpi/api/Computer/5", api, "/api"),
            "/api/Computer/5"
        );
        assert_eq!(
            rewrite_url(" http://other/apirest.php/User/2", api, "/api"),
            "/api/User/2"
        );
        assert_eq!(
            rewrite_url(
                "http://glpi.test/apirest.php/Document/9",
                api,
                "/source-api"
            ),
            "/source-api/Document/9"
        );
    }

    #[test]
    fn glpi_addresses_are_taken_out_of_bodies() {
        let api = "https://glpi.national.intra:8443/glpi/apirest.php";
        assert_eq!(
            scrub_urls(
                r#"["ERROR_ITEM_NOT_FOUND","Item not found; view documentation in your browser at https://glpi.national.intra:8443/glpi/apirest.php/#ERROR_ITEM_NOT_FOUND"]"#,
                api,
                "/api"
            ),
            r#"["ERROR_ITEM_NOT_FOUND","Item not found; view documentation in your browser at /api/#ERROR_ITEM_NOT_FOUND"]"#
        );
        assert_eq!(
            scrub_urls(
                r#"{"a":"http:\/\/localhost\/glpi\/apirest.php\/#ERROR"}"#,
                api,
                "/api"
            ),
            r#"{"a":"\/api\/#ERROR"}"#
        );
        assert_eq!(
            scrub_urls(
                "see https://glpi.national.intra:8443/front/central.php or http://10.1.2.3/x.",
                api,
                "/api"
            ),
            "see /front/central.php or [url]"
        );
        assert_eq!(scrub_urls("nothing here", api, "/api"), "nothing here");
        // A URL right before an escaped quote keeps the JSON valid.
        let body = r#"["E","see \"https://glpi.national.intra:8443/glpi/apirest.php/#E\" now"]"#;
        let scrubbed = scrub_urls(body, api, "/api");
        assert_eq!(scrubbed, r#"["E","see \"/api/#E\" now"]"#);
        assert!(serde_json::from_str::<serde_json::Value>(&scrubbed).is_ok());
        // The local GLPI's addresses become the proxy's /source-api route.
        let local = "http://glpi.prefecture.intra/apirest.php";
        assert_eq!(
            scrub_urls(
                r#"["E","http://glpi.prefecture.intra/apirest.php/#E"]"#,
                local,
                "/source-api"
            ),
            r#"["E","/source-api/#E"]"#
        );
    }
}
