//! The GLPI servers the proxy forwards to: the national GLPI under `/api/*` (the migration's
//! target) and, when configured, the prefecture's local GLPI under `/source-api/*` (the
//! migration's source, read only: the proxy refuses every method that could write to it).

use std::path::PathBuf;
use std::sync::Arc;

use crate::ceiling::{Ceiling, Limits};
use crate::config::{Config, Secret};
use crate::StartError;

/// Which GLPI a route leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The national GLPI: every API method.
    National,
    /// The local GLPI: reads only.
    Source,
}

/// Methods accepted under `/api/*` (GLPI's); `OPTIONS` is answered by the proxy, never forwarded.
pub const NATIONAL_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
/// Methods accepted under `/source-api/*`: GLPI's API opens and closes sessions, searches and
/// downloads with GET, so nothing else is needed to read everything, and nothing else passes.
pub const SOURCE_METHODS: &str = "GET, HEAD, OPTIONS";

impl Which {
    /// The route prefix the page calls.
    pub fn prefix(self) -> &'static str {
        match self {
            Which::National => "/api",
            Which::Source => "/source-api",
        }
    }

    /// The name used in the audit log and `/readyz`.
    pub fn label(self) -> &'static str {
        match self {
            Which::National => "national",
            Which::Source => "source",
        }
    }

    /// The methods its routes accept, for `Allow`.
    pub fn methods(self) -> &'static str {
        match self {
            Which::National => NATIONAL_METHODS,
            Which::Source => SOURCE_METHODS,
        }
    }

    /// Whether a method passes on this route.
    pub fn accepts(self, method: &axum::http::Method) -> bool {
        use axum::http::Method;
        match self {
            Which::National => matches!(
                *method,
                Method::GET
                    | Method::HEAD
                    | Method::POST
                    | Method::PUT
                    | Method::PATCH
                    | Method::DELETE
                    | Method::OPTIONS
            ),
            Which::Source => matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS),
        }
    }

    /// The upstream a request path leads to, if it is an API path.
    pub fn of_path(path: &str) -> Option<Which> {
        [Which::National, Which::Source].into_iter().find(|w| {
            let p = w.prefix();
            path == p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/'))
        })
    }
}

/// One GLPI the proxy forwards to, with its own connection pool and ceiling of calls.
pub struct Upstream {
    /// Which one.
    pub which: Which,
    /// Its API base URL, ending in `apirest.php` (no trailing slash).
    pub api_url: String,
    /// Its App-Token; added to every forwarded call.
    pub app_token: Secret,
    /// The HTTP client (connection pool).
    pub client: reqwest::Client,
    /// The ceiling of calls to it, shared by every session.
    pub ceiling: Arc<Ceiling>,
}

impl Upstream {
    /// The national GLPI of a configuration.
    pub fn national(config: &Config) -> Result<Upstream, StartError> {
        Ok(Upstream {
            which: Which::National,
            api_url: config.glpi_api_url.clone(),
            app_token: config.glpi_app_token.clone(),
            client: client(config, config.glpi_ca_bundle.as_ref())?,
            ceiling: ceiling(config),
        })
    }

    /// The local GLPI of a configuration, when there is one.
    pub fn source(config: &Config) -> Result<Option<Upstream>, StartError> {
        let Some(s) = &config.source else {
            return Ok(None);
        };
        Ok(Some(Upstream {
            which: Which::Source,
            api_url: s.api_url.clone(),
            app_token: s.app_token.clone(),
            client: client(config, s.ca_bundle.as_ref())?,
            // Its own ceiling, with the same limits: the local GLPI is another server, and reading
            // it must not take the national GLPI's share.
            ceiling: ceiling(config),
        }))
    }
}

fn ceiling(config: &Config) -> Arc<Ceiling> {
    Ceiling::new(Limits {
        max_in_flight: config.upstream_max_in_flight,
        max_calls_per_second: config.upstream_max_calls_per_second,
    })
}

fn client(config: &Config, ca_bundle: Option<&PathBuf>) -> Result<reqwest::Client, StartError> {
    let mut b = reqwest::Client::builder()
        .timeout(config.glpi_timeout)
        .connect_timeout(config.glpi_timeout.min(std::time::Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(256);
    if let Some(path) = ca_bundle {
        let pem = std::fs::read(path).map_err(|e| StartError::CaBundle(e.to_string()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| StartError::CaBundle(e.to_string()))?;
        if certs.is_empty() {
            return Err(StartError::CaBundle(
                "aucun certificat PEM dans le fichier".into(),
            ));
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    match &config.glpi_http_proxy {
        Some(p) => {
            b = b.proxy(
                reqwest::Proxy::all(p.as_str()).map_err(|e| StartError::Client(e.to_string()))?,
            );
        }
        // Only the configured proxy: ignore HTTP_PROXY variables of the machine.
        None => b = b.no_proxy(),
    }
    b.build().map_err(|e| StartError::Client(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;

    #[test]
    fn paths_lead_to_their_upstream_and_the_source_is_read_only() {
        assert_eq!(Which::of_path("/api/Computer"), Some(Which::National));
        assert_eq!(Which::of_path("/api"), Some(Which::National));
        assert_eq!(
            Which::of_path("/source-api/initSession"),
            Some(Which::Source)
        );
        assert_eq!(Which::of_path("/apikey"), None);
        assert_eq!(Which::of_path("/source-apix/a"), None);
        assert_eq!(Which::of_path("/index.html"), None);
        assert!(Which::Source.accepts(&Method::GET));
        for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(!Which::Source.accepts(&m), "{m}");
            assert!(Which::National.accepts(&m), "{m}");
        }
        assert!(!Which::National.accepts(&Method::TRACE));
    }
}
