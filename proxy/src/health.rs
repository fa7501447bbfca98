//! `/healthz`, `/readyz` (the national GLPI, and the local one when configured) and the
//! non-secret `/info`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::Arc;

use crate::upstream::Upstream;
use crate::AppState;

/// Alive.
pub async fn healthz() -> Response {
    (StatusCode::OK, Json(json!({ "alive": true }))).into_response()
}

/// What the page may know: product, version, which GLPI, sandbox or not. Never a secret.
pub async fn info(State(state): State<Arc<AppState>>) -> Response {
    Json(json!({
        "product": "Passerelle",
        "version": env!("CARGO_PKG_VERSION"),
        "glpi": { "api_url": state.national.api_url, "sandbox": state.config.glpi_sandbox },
        // Whether the page may offer "GLPI local" as the source, and which one.
        "source": state.source.as_ref().map(|s| json!({ "api_url": s.api_url })),
    }))
    .into_response()
}

/// Why GLPI is not ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReady {
    /// GLPI refuses the proxy's address (no API client for it).
    IpRefused,
    /// GLPI refuses the App-Token.
    AppTokenRefused,
    /// No connection.
    Unreachable,
    /// No answer in time.
    Timeout,
    /// The REST API is disabled in GLPI.
    ApiDisabled,
    /// Anything else.
    Unexpected,
}

impl NotReady {
    fn code(self) -> &'static str {
        match self {
            NotReady::IpRefused => "ip_refused",
            NotReady::AppTokenRefused => "app_token_refused",
            NotReady::Unreachable => "unreachable",
            NotReady::Timeout => "timeout",
            NotReady::ApiDisabled => "api_disabled",
            NotReady::Unexpected => "unexpected",
        }
    }

    fn message(self) -> &'static str {
        match self {
            NotReady::IpRefused => "GLPI refuse l'adresse IP du proxy : déclarez-la dans un client de l'API (Configuration > Générale > API).",
            NotReady::AppTokenRefused => "GLPI refuse le jeton d'application (App-Token) configuré dans le proxy.",
            NotReady::Unreachable => "GLPI est injoignable depuis le proxy.",
            NotReady::Timeout => "GLPI n'a pas répondu à temps.",
            NotReady::ApiDisabled => "L'API REST est désactivée dans GLPI.",
            NotReady::Unexpected => "GLPI a répondu de façon inattendue.",
        }
    }
}

/// Classifies GLPI's answer to an `initSession` without credentials.
pub fn classify(status: u16, body: &str) -> Result<(), NotReady> {
    let parsed: Option<Vec<serde_json::Value>> = serde_json::from_str(body).ok();
    let code = parsed
        .as_ref()
        .and_then(|v| v.first())
        .and_then(|c| c.as_str())
        .unwrap_or("");
    let message = parsed
        .as_ref()
        .and_then(|v| v.get(1))
        .and_then(|m| m.as_str())
        .unwrap_or("");
    match (status, code) {
        (400, "ERROR_LOGIN_PARAMETERS_MISSING") => Ok(()),
        (_, "ERROR_NOT_ALLOWED_IP") => Err(NotReady::IpRefused),
        (_, "ERROR_WRONG_APP_TOKEN_PARAMETER" | "ERROR_APP_TOKEN_PARAMETERS_MISSING") => {
            Err(NotReady::AppTokenRefused)
        }
        (_, "ERROR") if message.contains("API disabled") => Err(NotReady::ApiDisabled),
        _ => Err(NotReady::Unexpected),
    }
}

/// Whether one GLPI is reachable and accepts the proxy's App-Token (an `initSession` without
/// credentials: GLPI checks the address and the App-Token before asking for them).
async fn check(upstream: &Upstream) -> Result<(), NotReady> {
    let result = upstream
        .client
        .get(format!("{}/initSession", upstream.api_url))
        .header("App-Token", upstream.app_token.expose())
        .send()
        .await;
    match result {
        Err(e) if e.is_timeout() => Err(NotReady::Timeout),
        Err(_) => Err(NotReady::Unreachable),
        Ok(r) => {
            let status = r.status().as_u16();
            match r.text().await {
                Ok(body) => classify(status, &body),
                Err(_) => Err(NotReady::Unexpected),
            }
        }
    }
}

fn verdict_json(verdict: Result<(), NotReady>) -> serde_json::Value {
    match verdict {
        Ok(()) => json!({ "ready": true }),
        Err(reason) => {
            json!({ "ready": false, "reason": reason.code(), "message": reason.message() })
        }
    }
}

/// The national GLPI reachable and the App-Token accepted (the status and the top-level
/// fields); with a local GLPI configured, the same for it under `"source"`. A local GLPI that is
/// down does not make the proxy unready: file migrations still work, and a load balancer must
/// not take the proxy out for it.
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let national = check(&state.national).await;
    let mut body = verdict_json(national);
    if let Some(source) = &state.source {
        body["source"] = verdict_json(check(source).await);
    }
    let status = if national.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glpi_answers_are_told_apart() {
        assert_eq!(
            classify(
                400,
                r#"["ERROR_LOGIN_PARAMETERS_MISSING","parameter(s) login, password or user_token are missing"]"#
            ),
            Ok(())
        );
        assert_eq!(
            classify(
                400,
                r#"["ERROR_NOT_ALLOWED_IP","There isn't an active API client matching your IP address in the configuration (10.0.0.1)"]"#
            ),
            Err(NotReady::IpRefused)
        );
        assert_eq!(
            classify(
                400,
                r#"["ERROR_WRONG_APP_TOKEN_PARAMETER","parameter app_token seems wrong"]"#
            ),
            Err(NotReady::AppTokenRefused)
        );
        assert_eq!(
            classify(
                400,
                r#"["ERROR_APP_TOKEN_PARAMETERS_MISSING","missing parameter app_token"]"#
            ),
            Err(NotReady::AppTokenRefused)
        );
        assert_eq!(
            classify(400, r#"["ERROR","API disabled"]"#),
            Err(NotReady::ApiDisabled)
        );
        assert_eq!(classify(200, "<html>"), Err(NotReady::Unexpected));
    }
}
