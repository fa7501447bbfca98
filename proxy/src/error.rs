//! Errors the proxy answers itself, as JSON the page can show: `{"error": code, "message": text}`.
//! Every refusal goes through here, so every refusal is JSON and is audited as refused.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use thiserror::Error;

/// Why the proxy answered instead of GLPI.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ProxyError {
    /// The path tries to leave the GLPI API (absolute URL, `..`, encoded separators).
    #[error("chemin refusé : seul l'API GLPI configurée est accessible")]
    ForbiddenPath,
    /// Method outside what the route accepts (GET POST PUT PATCH DELETE OPTIONS under `/api/`,
    /// GET and HEAD elsewhere).
    #[error("méthode HTTP non autorisée")]
    MethodNotAllowed {
        /// The methods the route accepts, for the `Allow` header.
        allow: &'static str,
    },
    /// Client address outside the allowed networks.
    #[error("accès refusé : votre poste n'est pas dans un réseau autorisé")]
    NetworkNotAllowed,
    /// A page of another origin tried to call the API.
    #[error("origine refusée : seule la page de Passerelle (ou une origine configurée) peut appeler l'API")]
    OriginNotAllowed,
    /// No such file or route.
    #[error("introuvable")]
    NotFound,
    /// The ceiling of calls to the national GLPI is reached: try again later.
    #[error("le GLPI national est très sollicité : nouvel essai dans {retry_after_secs} s")]
    UpstreamBusy {
        /// Seconds to wait (also sent as `Retry-After`).
        retry_after_secs: u64,
    },
    /// GLPI cannot be reached.
    #[error("GLPI injoignable : le serveur ne répond pas ou refuse la connexion")]
    UpstreamUnreachable,
    /// GLPI did not answer in time.
    #[error("GLPI n'a pas répondu à temps")]
    UpstreamTimeout,
    /// Request body over the limit.
    #[error("requête trop volumineuse")]
    TooLarge,
    /// `/source-api/*` called on a proxy with no local GLPI configured.
    #[error(
        "aucun GLPI local n'est configuré dans ce proxy (réglages [source] de passerelle.toml)"
    )]
    SourceNotConfigured,
}

/// Put on every response the proxy refused, with the refusal's code: read by the audit layer.
#[derive(Debug, Clone, Copy)]
pub struct Refused(pub &'static str);

impl ProxyError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ProxyError::ForbiddenPath => "forbidden_path",
            ProxyError::MethodNotAllowed { .. } => "method_not_allowed",
            ProxyError::NetworkNotAllowed => "network_not_allowed",
            ProxyError::OriginNotAllowed => "origin_not_allowed",
            ProxyError::NotFound => "not_found",
            ProxyError::UpstreamBusy { .. } => "upstream_busy",
            ProxyError::UpstreamUnreachable => "upstream_unreachable",
            ProxyError::UpstreamTimeout => "upstream_timeout",
            ProxyError::TooLarge => "payload_too_large",
            ProxyError::SourceNotConfigured => "source_not_configured",
        }
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ProxyError::ForbiddenPath => StatusCode::BAD_REQUEST,
            ProxyError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ProxyError::NetworkNotAllowed | ProxyError::OriginNotAllowed => StatusCode::FORBIDDEN,
            ProxyError::NotFound | ProxyError::SourceNotConfigured => StatusCode::NOT_FOUND,
            ProxyError::UpstreamBusy { .. } => StatusCode::TOO_MANY_REQUESTS,
            ProxyError::UpstreamUnreachable => StatusCode::BAD_GATEWAY,
            ProxyError::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            ProxyError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        if let ProxyError::UpstreamBusy { retry_after_secs } = self {
            body["retry_after"] = retry_after_secs.into();
        }
        let mut res = (self.status(), axum::Json(body)).into_response();
        match self {
            ProxyError::MethodNotAllowed { allow } => {
                res.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            ProxyError::UpstreamBusy { retry_after_secs } => {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            _ => {}
        }
        res.extensions_mut().insert(Refused(self.code()));
        res
    }
}
