//! Talks to the Passerelle proxy: the non-secret `GET /info` and `GET /readyz`.
//!
//! Decoding is kept apart from the transport (pure functions on status + body) so it is tested
//! natively; only [`fetch_info`] and [`fetch_readiness`] need a browser.

use serde::Deserialize;
use thiserror::Error;

/// Path of the proxy's description endpoint (same origin as the page).
pub const INFO_PATH: &str = "/info";
/// Path of the proxy's GLPI readiness endpoint (same origin as the page).
pub const READYZ_PATH: &str = "/readyz";

/// What the proxy says about itself and its GLPI target (`GET /info`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Info {
    /// Product name, "Passerelle".
    pub product: String,
    /// Proxy version.
    pub version: String,
    /// The GLPI the proxy forwards to.
    pub glpi: GlpiTarget,
    /// The local GLPI the proxy reads from (`/source-api`), when one is configured.
    #[serde(default)]
    pub source: Option<SourceTarget>,
}

/// The local GLPI behind the proxy's `/source-api` (read only).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SourceTarget {
    /// Address of its legacy REST API (`…/apirest.php`).
    pub api_url: String,
}

/// The GLPI instance behind the proxy.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct GlpiTarget {
    /// Address of the legacy REST API (`…/apirest.php`).
    pub api_url: String,
    /// True when this is a test GLPI, not the national production one.
    pub sandbox: bool,
}

/// Why GLPI does not accept the proxy (the `reason` field of a 503 `/readyz`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NotReadyReason {
    /// GLPI has no active API client for the proxy's IP (`ERROR_NOT_ALLOWED_IP`).
    IpRefused,
    /// GLPI refuses the proxy's App-Token.
    AppTokenRefused,
    /// The connection to GLPI failed (DNS, refused, TLS…).
    Unreachable,
    /// GLPI did not answer in time.
    Timeout,
    /// The REST API is switched off in GLPI's setup.
    ApiDisabled,
    /// Anything else, including a reason this page does not know yet.
    Unexpected,
}

impl NotReadyReason {
    /// Every reason, for exhaustive tests.
    pub const ALL: [NotReadyReason; 6] = [
        NotReadyReason::IpRefused,
        NotReadyReason::AppTokenRefused,
        NotReadyReason::Unreachable,
        NotReadyReason::Timeout,
        NotReadyReason::ApiDisabled,
        NotReadyReason::Unexpected,
    ];

    /// The code used on the wire.
    pub fn code(self) -> &'static str {
        match self {
            NotReadyReason::IpRefused => "ip_refused",
            NotReadyReason::AppTokenRefused => "app_token_refused",
            NotReadyReason::Unreachable => "unreachable",
            NotReadyReason::Timeout => "timeout",
            NotReadyReason::ApiDisabled => "api_disabled",
            NotReadyReason::Unexpected => "unexpected",
        }
    }

    /// Reads a wire code; an unknown one (a newer proxy) is [`NotReadyReason::Unexpected`]
    /// rather than an error, so the page still shows the proxy's message.
    pub fn from_code(code: &str) -> NotReadyReason {
        NotReadyReason::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .unwrap_or(NotReadyReason::Unexpected)
    }
}

/// GLPI readiness as reported by `GET /readyz`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// GLPI accepts the proxy (HTTP 200).
    Ready,
    /// GLPI refuses or does not answer (HTTP 503).
    NotReady {
        /// Machine-readable cause.
        reason: NotReadyReason,
        /// The proxy's human-readable detail (never contains a secret).
        message: String,
    },
}

/// A failed exchange with the proxy.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ApiError {
    /// No HTTP answer at all: proxy stopped, wrong address, network down.
    #[error("le proxy ne répond pas ({0})")]
    Network(String),
    /// An HTTP status the endpoint never sends when working.
    #[error("réponse HTTP {status} inattendue du proxy sur {path}")]
    Status {
        /// The endpoint called.
        path: &'static str,
        /// The status received.
        status: u16,
    },
    /// The body is not the JSON the endpoint documents.
    #[error("réponse illisible du proxy sur {path} : {detail}")]
    Decode {
        /// The endpoint called.
        path: &'static str,
        /// What the JSON decoder said.
        detail: String,
    },
}

/// Decodes a `/info` answer.
pub fn decode_info(status: u16, body: &str) -> Result<Info, ApiError> {
    if status != 200 {
        return Err(ApiError::Status {
            path: INFO_PATH,
            status,
        });
    }
    serde_json::from_str(body).map_err(|e| ApiError::Decode {
        path: INFO_PATH,
        detail: e.to_string(),
    })
}

/// The `/readyz` body; `reason` and `message` are only present when not ready.
#[derive(Deserialize)]
struct ReadyzBody {
    ready: bool,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// Decodes a `/readyz` answer: 200 ready, 503 not ready with a reason.
pub fn decode_readiness(status: u16, body: &str) -> Result<Readiness, ApiError> {
    if status != 200 && status != 503 {
        return Err(ApiError::Status {
            path: READYZ_PATH,
            status,
        });
    }
    let parsed: ReadyzBody = serde_json::from_str(body).map_err(|e| ApiError::Decode {
        path: READYZ_PATH,
        detail: e.to_string(),
    })?;
    match (status, parsed.ready) {
        (200, true) => Ok(Readiness::Ready),
        (503, false) => Ok(Readiness::NotReady {
            reason: NotReadyReason::from_code(parsed.reason.as_deref().unwrap_or_default()),
            message: parsed.message.unwrap_or_default(),
        }),
        // The status and the body disagree: trust neither.
        _ => Err(ApiError::Decode {
            path: READYZ_PATH,
            detail: format!("HTTP {status} avec \"ready\": {}", parsed.ready),
        }),
    }
}

/// Fetches `GET /info` from the page's origin.
pub async fn fetch_info() -> Result<Info, ApiError> {
    let (status, body) = get(INFO_PATH).await?;
    decode_info(status, &body)
}

/// Fetches `GET /readyz` from the page's origin.
pub async fn fetch_readiness() -> Result<Readiness, ApiError> {
    let (status, body) = get(READYZ_PATH).await?;
    decode_readiness(status, &body)
}

/// One GET; only transport failures are errors here, statuses are judged by the decoders.
async fn get(path: &'static str) -> Result<(u16, String), ApiError> {
    let response = gloo_net::http::Request::get(path)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_is_decoded() {
        let info = decode_info(
            200,
            r#"{"product":"Passerelle","version":"0.1.0","glpi":{"api_url":"http://127.0.0.1:9/apirest.php","sandbox":true}}"#,
        )
        .unwrap();
        assert_eq!(info.product, "Passerelle");
        assert_eq!(info.version, "0.1.0");
        assert_eq!(info.glpi.api_url, "http://127.0.0.1:9/apirest.php");
        assert!(info.glpi.sandbox);
        assert_eq!(info.source, None);
    }

    #[test]
    fn a_configured_source_is_decoded() {
        let info = decode_info(
            200,
            r#"{"product":"Passerelle","version":"1","glpi":{"api_url":"u","sandbox":false},"source":{"api_url":"http://local/apirest.php"}}"#,
        )
        .unwrap();
        assert_eq!(
            info.source.map(|s| s.api_url).as_deref(),
            Some("http://local/apirest.php")
        );
        let none = decode_info(
            200,
            r#"{"product":"Passerelle","version":"1","glpi":{"api_url":"u","sandbox":false},"source":null}"#,
        )
        .unwrap();
        assert_eq!(none.source, None);
    }

    #[test]
    fn info_with_extra_fields_is_accepted() {
        let info = decode_info(
            200,
            r#"{"product":"Passerelle","version":"1","build":"x","glpi":{"api_url":"u","sandbox":false,"x":1}}"#,
        )
        .unwrap();
        assert!(!info.glpi.sandbox);
    }

    #[test]
    fn info_errors_are_typed() {
        assert_eq!(
            decode_info(404, "not found"),
            Err(ApiError::Status {
                path: INFO_PATH,
                status: 404
            })
        );
        assert!(matches!(
            decode_info(200, r#"{"product":"Passerelle"}"#),
            Err(ApiError::Decode {
                path: INFO_PATH,
                ..
            })
        ));
    }

    #[test]
    fn ready_is_decoded() {
        assert_eq!(
            decode_readiness(200, r#"{"ready":true}"#),
            Ok(Readiness::Ready)
        );
    }

    #[test]
    fn every_reason_code_is_decoded() {
        for reason in NotReadyReason::ALL {
            let body = format!(
                r#"{{"ready":false,"reason":"{}","message":"détail"}}"#,
                reason.code()
            );
            assert_eq!(
                decode_readiness(503, &body),
                Ok(Readiness::NotReady {
                    reason,
                    message: "détail".into()
                })
            );
        }
    }

    #[test]
    fn unknown_or_missing_reason_is_unexpected() {
        assert_eq!(
            decode_readiness(
                503,
                r#"{"ready":false,"reason":"cosmic_rays","message":"m"}"#
            ),
            Ok(Readiness::NotReady {
                reason: NotReadyReason::Unexpected,
                message: "m".into()
            })
        );
        assert_eq!(
            decode_readiness(503, r#"{"ready":false}"#),
            Ok(Readiness::NotReady {
                reason: NotReadyReason::Unexpected,
                message: String::new()
            })
        );
    }

    #[test]
    fn contradictory_or_foreign_answers_are_errors() {
        assert!(matches!(
            decode_readiness(200, r#"{"ready":false}"#),
            Err(ApiError::Decode { .. })
        ));
        assert!(matches!(
            decode_readiness(503, "<html>Service Unavailable</html>"),
            Err(ApiError::Decode { .. })
        ));
        assert_eq!(
            decode_readiness(502, "{}"),
            Err(ApiError::Status {
                path: READYZ_PATH,
                status: 502
            })
        );
    }

    #[test]
    fn error_messages_are_french_and_name_the_endpoint() {
        let e = ApiError::Status {
            path: READYZ_PATH,
            status: 500,
        };
        assert_eq!(
            e.to_string(),
            "réponse HTTP 500 inattendue du proxy sur /readyz"
        );
    }
}
