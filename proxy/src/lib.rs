//! Passerelle's intranet proxy: serves the page, holds the GLPI App-Token (never sent to the
//! browser), adds security headers, and forwards `/api/*` to the configured GLPI API only.
//!
//! Behaviour is layered: allowed client networks, then security headers, then CORS, then the
//! routes (`/healthz`, `/readyz`, `/info`, `/api/*`, and the page for everything else).
#![warn(missing_docs)]

pub mod audit;
pub mod config;
pub mod error;
pub mod forward;
pub mod health;
pub mod security;
pub mod static_files;
pub mod tls;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, Uri};
use axum::routing::{any, get};
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use thiserror::Error;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use config::{Config, ConfigError, LogFormat, Secret};

/// Shared by every request.
pub struct AppState {
    /// The configuration.
    pub config: Config,
    /// The one HTTP client to the upstream (connection pool).
    pub client: reqwest::Client,
}

/// Why the proxy cannot start.
#[derive(Debug, Error)]
pub enum StartError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The CA bundle cannot be used.
    #[error("réglage invalide : glpi.ca_bundle / PASSERELLE_GLPI_CA_BUNDLE : {0}")]
    CaBundle(String),
    /// The HTTP client cannot be built.
    #[error("client HTTP vers GLPI impossible à créer : {0}")]
    Client(String),
    /// The TLS certificate or key cannot be used.
    #[error(
        "réglage invalide : tls.cert / tls.key (PASSERELLE_TLS_CERT / PASSERELLE_TLS_KEY) : {0}"
    )]
    Tls(String),
    /// The listen address cannot be bound.
    #[error("impossible d'écouter sur {addr} : {reason}")]
    Bind {
        /// Address.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
}

fn client(config: &Config) -> Result<reqwest::Client, StartError> {
    let mut b = reqwest::Client::builder()
        .timeout(config.glpi_timeout)
        .connect_timeout(config.glpi_timeout.min(std::time::Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(256);
    if let Some(path) = &config.glpi_ca_bundle {
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

/// The whole application, layers included.
pub fn router(state: Arc<AppState>) -> Router {
    let static_dir = state.config.static_dir.clone();
    let page = any(move |uri: Uri| {
        let dir = static_dir.clone();
        async move { static_files::serve(dir.as_deref(), &uri).await }
    });
    let mut app = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/info", get(health::info))
        .route("/api", any(forward::forward))
        .route("/api/", any(forward::forward))
        .route("/api/{*rest}", any(forward::forward))
        .fallback(page)
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes));
    if !state.config.allowed_origins.is_empty() {
        let origins: Vec<HeaderValue> = state
            .config
            .allowed_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                    Method::OPTIONS,
                ])
                .allow_headers([
                    axum::http::header::CONTENT_TYPE,
                    axum::http::header::AUTHORIZATION,
                    axum::http::HeaderName::from_static("session-token"),
                ])
                .expose_headers([
                    axum::http::header::CONTENT_RANGE,
                    axum::http::HeaderName::from_static("accept-range"),
                    axum::http::header::LOCATION,
                    axum::http::header::LINK,
                ]),
        );
    }
    app.layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::networks,
        ))
        .with_state(state)
}

/// A proxy running in this process (tests, or the binary).
pub struct RunningProxy {
    addr: SocketAddr,
    scheme: &'static str,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningProxy {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR` or `https://ADDR`.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// Stops accepting, finishes the calls in flight, then returns.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningProxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds and serves (TLS when a certificate is configured); returns once listening.
pub async fn spawn(config: Config) -> Result<RunningProxy, StartError> {
    let client = client(&config)?;
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(tls::acceptor(cert, key)?),
        _ => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| StartError::Bind {
            addr: config.listen,
            reason: e.to_string(),
        })?;
    let addr = listener.local_addr().map_err(|e| StartError::Bind {
        addr: config.listen,
        reason: e.to_string(),
    })?;
    let app = router(Arc::new(AppState { config, client }));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let task = match tls {
        Some(acceptor) => tokio::spawn(tls::serve(listener, acceptor, app, rx)),
        None => tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        }),
    };
    Ok(RunningProxy {
        addr,
        scheme,
        shutdown: Some(tx),
        task,
    })
}
