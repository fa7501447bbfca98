//! Errors the proxy answers itself, as JSON the page can show: `{"error": code, "message": text}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thiserror::Error;

/// Why the proxy answered instead of GLPI.
#[derive(Debug, Error)]
pub enum ProxyError {
    /// The path tries to leave the GLPI API (absolute URL, `..`, encoded separators).
    #[error("chemin refusé : seul l'API GLPI configurée est accessible")]
    ForbiddenPath,
    /// Method outside GET POST PUT PATCH DELETE OPTIONS.
    #[error("méthode HTTP non autorisée")]
    MethodNotAllowed,
    /// Client address outside the allowed networks.
    #[error("accès refusé : votre poste n'est pas dans un réseau autorisé")]
    NetworkNotAllowed,
    /// GLPI cannot be reached.
    #[error("GLPI injoignable : le serveur ne répond pas ou refuse la connexion")]
    UpstreamUnreachable,
    /// GLPI did not answer in time.
    #[error("GLPI n'a pas répondu à temps")]
    UpstreamTimeout,
    /// Request body over the limit.
    #[error("requête trop volumineuse")]
    TooLarge,
}

impl ProxyError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ProxyError::ForbiddenPath => "forbidden_path",
            ProxyError::MethodNotAllowed => "method_not_allowed",
            ProxyError::NetworkNotAllowed => "network_not_allowed",
            ProxyError::UpstreamUnreachable => "upstream_unreachable",
            ProxyError::UpstreamTimeout => "upstream_timeout",
            ProxyError::TooLarge => "payload_too_large",
        }
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ProxyError::ForbiddenPath => StatusCode::BAD_REQUEST,
            ProxyError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProxyError::NetworkNotAllowed => StatusCode::FORBIDDEN,
            ProxyError::UpstreamUnreachable => StatusCode::BAD_GATEWAY,
            ProxyError::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            ProxyError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        (self.status(), axum::Json(body)).into_response()
    }
}
