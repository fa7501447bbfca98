//! The optional TLS listener (rustls with ring), for a proxy deployed without a front web server.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::StartError;

/// Reads the PEM certificate chain and key.
pub fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, StartError> {
    let err = |what: &Path, e: &dyn std::fmt::Display| {
        StartError::Tls(format!("{} : {e}", what.display()))
    };
    let cert_pem = std::fs::read(cert).map_err(|e| err(cert, &e))?;
    let key_pem = std::fs::read(key).map_err(|e| err(key, &e))?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut cert_pem.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| err(cert, &e))?;
    if certs.is_empty() {
        return Err(err(cert, &"aucun certificat PEM"));
    }
    let key = rustls_pemfile::private_key(&mut key_pem.as_slice())
        .map_err(|e| err(key, &e))?
        .ok_or_else(|| err(key, &"aucune clé privée PEM"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StartError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| StartError::Tls(e.to_string()))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Accepts TLS connections until `stop` fires; connections in flight finish on their own.
pub async fn serve(
    listener: tokio::net::TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        let (tcp, peer) = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => continue,
            },
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else {
                tracing::debug!(client = %peer, "TLS handshake failed");
                return;
            };
            let service = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    app.clone().oneshot(req.map(axum::body::Body::new))
                },
            );
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
