//! Passerelle's intranet proxy: serves the page, holds the GLPI App-Tokens (never sent to the
//! browser), adds security headers, and forwards `/api/*` to the configured national GLPI API
//! and, when configured, `/source-api/*` (reads only) to the prefecture's local GLPI.
//!
//! Behaviour is layered, outermost first: the audit log (every API call and every refusal),
//! security headers (tower-http `SetResponseHeaderLayer`), allowed client networks, allowed
//! methods; then the routes (`/healthz`, `/readyz`, `/info`, the page's files) and `/api/*`,
//! and `/source-api/*`, behind their own origin check and CORS (tower-http `CorsLayer`), where the ceiling of calls to
//! GLPI is applied before anything is forwarded. Every refusal is a JSON body.
#![warn(missing_docs)]

pub mod audit;
pub mod ceiling;
pub mod config;
pub mod error;
pub mod forward;
pub mod health;
pub mod security;
pub mod sessions;
pub mod static_files;
pub mod tls;
pub mod upstream;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Method};
use axum::routing::{any, get};
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use thiserror::Error;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::{Config, ConfigError, LogFormat, Secret};

/// Shared by every request.
pub struct AppState {
    /// The configuration.
    pub config: Config,
    /// The national GLPI (`/api/*`).
    pub national: upstream::Upstream,
    /// The local GLPI (`/source-api/*`), when configured.
    pub source: Option<upstream::Upstream>,
    /// The GLPI sessions seen (users, for the audit log).
    pub sessions: sessions::Sessions,
    /// Whether the proxy itself serves TLS (then it sends HSTS).
    pub tls: bool,
}

impl AppState {
    /// The state for a configuration (its clients built, no session known yet).
    pub fn new(config: Config, tls: bool) -> Result<AppState, StartError> {
        Ok(AppState {
            national: upstream::Upstream::national(&config)?,
            source: upstream::Upstream::source(&config)?,
            config,
            sessions: sessions::Sessions::default(),
            tls,
        })
    }

    /// The upstream behind a route, if configured.
    pub fn upstream(&self, which: upstream::Which) -> Option<&upstream::Upstream> {
        match which {
            upstream::Which::National => Some(&self.national),
            upstream::Which::Source => self.source.as_ref(),
        }
    }
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

/// The whole application, layers included.
pub fn router(state: Arc<AppState>) -> Router {
    let mut api = Router::new()
        .route("/api", any(forward::forward))
        .route("/api/", any(forward::forward))
        .route("/api/{*rest}", any(forward::forward))
        .route("/source-api", any(forward::forward_source))
        .route("/source-api/", any(forward::forward_source))
        .route("/source-api/{*rest}", any(forward::forward_source));
    if !state.config.allowed_origins.is_empty() {
        let origins: Vec<HeaderValue> = state
            .config
            .allowed_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        api = api.layer(
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
                    header::CONTENT_TYPE,
                    header::AUTHORIZATION,
                    axum::http::HeaderName::from_static("session-token"),
                ])
                .expose_headers([
                    header::CONTENT_RANGE,
                    axum::http::HeaderName::from_static("accept-range"),
                    header::LOCATION,
                    header::LINK,
                    header::RETRY_AFTER,
                ]),
        );
    }
    // GLPI's JSON compressed for the browser, at the fastest level (the proxy's CPU is shared by
    // every prefecture; the page itself is precompressed at build time).
    // GLPI's Content-Range counts items, not bytes (a list read answers 200 or 206 with the
    // whole page of items): hidden from the compression layer, which never compresses byte
    // ranges, and put back after it.
    api = api
        .layer(axum::middleware::map_response(forward::hide_item_range))
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(axum::middleware::map_response(forward::restore_item_range));
    // The origin check is outside CORS: a foreign origin's preflight is refused, never answered
    // with permissions, never forwarded.
    let api = api.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        security::origin,
    ));
    let mut app = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/info", get(health::info))
        .merge(api)
        .fallback(static_files::serve)
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(axum::middleware::from_fn(security::methods))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::networks,
        ));
    for (name, value) in security::static_headers() {
        app = app.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    let hsts = security::hsts(state.tls);
    app.layer(SetResponseHeaderLayer::overriding(
        header::STRICT_TRANSPORT_SECURITY,
        move |_: &axum::response::Response| hsts.clone(),
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        audit::audit,
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
    let app = router(Arc::new(AppState::new(config, tls.is_some())?));
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
