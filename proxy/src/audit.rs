//! The audit log: one line per call to `/api/*` or `/source-api/*` and per refusal anywhere, telling calls forwarded
//! to GLPI from calls the proxy refused (with the refusal's code) or answered itself (CORS
//! preflights, `OPTIONS`), naming the GLPI (national or source) and the GLPI user of the session when known. Secrets are removed from
//! the query; headers and bodies are never logged.

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use crate::error::Refused;
use crate::sessions::GlpiUser;
use crate::upstream::Which;
use crate::AppState;

/// Put on a response that comes from a GLPI: which one.
#[derive(Debug, Clone, Copy)]
pub struct Forwarded(pub Which);

/// Query parameters whose values are never logged.
const SECRET_PARAMS: [&str; 6] = [
    "session_token",
    "app_token",
    "user_token",
    "password",
    "login",
    "api_token",
];

/// The path and query as they may be logged: secret parameter values replaced by `[secret]`.
pub fn loggable(path: &str, query: Option<&str>) -> String {
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return path.to_string();
    };
    let cleaned: Vec<String> = q
        .split('&')
        .map(|pair| {
            let (k, _) = pair.split_once('=').unwrap_or((pair, ""));
            let key = k.to_ascii_lowercase();
            if SECRET_PARAMS.iter().any(|s| key == *s) {
                format!("{k}=[secret]")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{path}?{}", cleaned.join("&"))
}

/// The audit layer (outermost, so that every refusal is seen).
pub async fn audit(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let api = Which::of_path(&path);
    let logged = loggable(&path, req.uri().query());
    let user_before = state.sessions.user(req.headers(), req.uri().query());
    let response = next.run(req).await;
    let refused = response.extensions().get::<Refused>().map(|r| r.0);
    if api.is_none() && refused.is_none() {
        return response;
    }
    let user = response
        .extensions()
        .get::<GlpiUser>()
        .map(|u| u.0.clone())
        .or(user_before)
        .unwrap_or_else(|| "-".into());
    let forwarded = response.extensions().get::<Forwarded>().map(|f| f.0);
    let outcome = match (refused, forwarded) {
        (Some(_), _) => "refused",
        (None, Some(_)) => "forwarded",
        (None, None) => "answered",
    };
    let glpi = forwarded.or(api).map_or("-", Which::label);
    let bytes = response
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    tracing::info!(
        target: "audit",
        outcome,
        glpi,
        reason = refused.unwrap_or("-"),
        client = %peer,
        user = %user,
        method = %method,
        path = %logged,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        bytes = %bytes,
        "{outcome}"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_query_values_are_hidden() {
        assert_eq!(
            loggable(
                "/api/initSession",
                Some("user_token=abc&session_token=def&range=0-5")
            ),
            "/api/initSession?user_token=[secret]&session_token=[secret]&range=0-5"
        );
        assert_eq!(loggable("/api/Computer", None), "/api/Computer");
        assert_eq!(
            loggable("/api/x", Some("Password=p&LOGIN=u")),
            "/api/x?Password=[secret]&LOGIN=[secret]"
        );
    }
}
