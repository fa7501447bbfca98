//! Configuration: a TOML file, then environment variables (and a `.env` file) on top.
//! Invalid or incomplete settings stop the proxy with a message naming the setting.

use ipnet::IpNet;
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;

/// A secret value: never printed, never logged.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The value, for the one place that sends it upstream.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[secret]\"")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[secret]")
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

/// Everything the proxy needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// GLPI API base URL, ending in `apirest.php` (no trailing slash).
    pub glpi_api_url: String,
    /// The GLPI App-Token; added to every forwarded call.
    pub glpi_app_token: Secret,
    /// True when the target is a sandbox (shown on the page).
    pub glpi_sandbox: bool,
    /// PEM bundle of extra CAs trusted for the upstream (intranet CAs).
    pub glpi_ca_bundle: Option<PathBuf>,
    /// Outbound HTTP proxy for the upstream.
    pub glpi_http_proxy: Option<String>,
    /// Upstream timeout.
    pub glpi_timeout: Duration,
    /// Browser origins allowed by CORS; empty = same origin only.
    pub allowed_origins: Vec<String>,
    /// Client networks allowed to use the proxy; empty = all.
    pub allowed_networks: Vec<IpNet>,
    /// Largest request body accepted.
    pub body_limit_bytes: usize,
    /// TLS certificate (PEM) for the listener.
    pub tls_cert: Option<PathBuf>,
    /// TLS key (PEM) for the listener.
    pub tls_key: Option<PathBuf>,
    /// Log format.
    pub log_format: LogFormat,
    /// Serve the page from this folder instead of the embedded copy.
    pub static_dir: Option<PathBuf>,
    /// Ceiling of calls to GLPI in flight at once, all sessions together (0: none).
    pub upstream_max_in_flight: usize,
    /// Ceiling of calls to GLPI started in any one second, all sessions together (0: none).
    pub upstream_max_calls_per_second: usize,
    /// The prefecture's local GLPI, read (never written) as the migration's source.
    pub source: Option<SourceConfig>,
}

/// The optional second upstream: the local GLPI the migration reads from (`/source-api/*`).
/// It shares the national GLPI's outbound proxy and timeout; its CA bundle is its own.
#[derive(Debug, Clone)]
pub struct SourceConfig {
    /// The local GLPI's API base URL, ending in `apirest.php` (no trailing slash).
    pub api_url: String,
    /// The App-Token of the API client declared for the proxy in the local GLPI.
    pub app_token: Secret,
    /// PEM bundle of extra CAs trusted for the local GLPI.
    pub ca_bundle: Option<PathBuf>,
}

/// Default ceiling of calls in flight to GLPI: four migrations at their default of 4 in flight.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;
/// Default ceiling of calls per second to GLPI: above what one migration sends (4 calls in
/// flight of at least 20 ms each), so that it only binds when several migrate at once.
pub const DEFAULT_MAX_CALLS_PER_SECOND: usize = 200;

/// A setting that is missing or wrong.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A required setting has no value.
    #[error("réglage manquant : {setting} ({hint})")]
    Missing {
        /// TOML key / environment variable.
        setting: &'static str,
        /// What to put there.
        hint: &'static str,
    },
    /// A setting has a value that cannot be used.
    #[error("réglage invalide : {setting} = « {value} » : {reason}")]
    Invalid {
        /// TOML key / environment variable.
        setting: &'static str,
        /// The value as given (never a secret).
        value: String,
        /// Why.
        reason: String,
    },
    /// The configuration file cannot be read.
    #[error("fichier de configuration {path} illisible : {reason}")]
    File {
        /// Path.
        path: String,
        /// Why.
        reason: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    glpi: Option<FileGlpi>,
    allowed_origins: Option<Vec<String>>,
    allowed_networks: Option<Vec<String>>,
    body_limit_bytes: Option<usize>,
    tls: Option<FileTls>,
    log_format: Option<String>,
    static_dir: Option<PathBuf>,
    upstream: Option<FileUpstream>,
    source: Option<FileSource>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSource {
    api_url: Option<String>,
    app_token: Option<Secret>,
    ca_bundle: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileUpstream {
    max_in_flight: Option<usize>,
    max_calls_per_second: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileGlpi {
    api_url: Option<String>,
    app_token: Option<Secret>,
    sandbox: Option<bool>,
    ca_bundle: Option<PathBuf>,
    http_proxy: Option<String>,
    timeout_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTls {
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
}

impl Config {
    /// Loads the file (if any), then applies environment variables from `env` on top.
    pub fn load(
        file: Option<&std::path::Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let fc: FileConfig = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                toml::from_str(&text).map_err(|e| ConfigError::File {
                    path: path.display().to_string(),
                    reason: e.message().to_string(),
                })?
            }
            None => FileConfig::default(),
        };
        let g = fc.glpi.unwrap_or_default();
        let up = fc.upstream.unwrap_or_default();
        let tls = fc.tls.unwrap_or_default();
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());

        let listen_text = var("PASSERELLE_LISTEN")
            .or(fc.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen = listen_text.parse().map_err(|_| ConfigError::Invalid {
            setting: "listen / PASSERELLE_LISTEN",
            value: listen_text.clone(),
            reason: "adresse:port attendue, par exemple 127.0.0.1:8080".into(),
        })?;

        let api_url = var("PASSERELLE_GLPI_API_URL")
            .or(g.api_url)
            .ok_or(ConfigError::Missing {
                setting: "glpi.api_url / PASSERELLE_GLPI_API_URL",
                hint: "l'URL de l'API GLPI, par exemple https://glpi.interieur.gouv.fr/apirest.php",
            })?;
        let api_url = checked_api_url("glpi.api_url / PASSERELLE_GLPI_API_URL", &api_url)?;
        let app_token = var("PASSERELLE_GLPI_APP_TOKEN")
            .map(Secret::new)
            .or(g.app_token)
            .filter(|s| !s.expose().trim().is_empty())
            .ok_or(ConfigError::Missing {
                setting: "glpi.app_token / PASSERELLE_GLPI_APP_TOKEN",
                hint: "le jeton d'application du client API déclaré dans GLPI (Configuration > Générale > API)",
            })?;
        let sandbox = match var("PASSERELLE_GLPI_SANDBOX") {
            Some(v) => parse_bool("glpi.sandbox / PASSERELLE_GLPI_SANDBOX", &v)?,
            None => g.sandbox.unwrap_or(false),
        };
        let timeout_secs = match var("PASSERELLE_GLPI_TIMEOUT_SECS") {
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                setting: "glpi.timeout_secs / PASSERELLE_GLPI_TIMEOUT_SECS",
                value: v,
                reason: "nombre de secondes attendu".into(),
            })?,
            None => g.timeout_secs.unwrap_or(30),
        };
        if timeout_secs == 0 {
            return Err(ConfigError::Invalid {
                setting: "glpi.timeout_secs / PASSERELLE_GLPI_TIMEOUT_SECS",
                value: "0".into(),
                reason: "au moins 1 seconde".into(),
            });
        }
        let ca_bundle = checked_pem(
            "glpi.ca_bundle / PASSERELLE_GLPI_CA_BUNDLE",
            var("PASSERELLE_GLPI_CA_BUNDLE")
                .map(PathBuf::from)
                .or(g.ca_bundle),
        )?;
        let http_proxy = var("PASSERELLE_GLPI_HTTP_PROXY").or(g.http_proxy);
        if let Some(p) = &http_proxy {
            if reqwest::Proxy::all(p.as_str()).is_err() {
                return Err(ConfigError::Invalid {
                    setting: "glpi.http_proxy / PASSERELLE_GLPI_HTTP_PROXY",
                    value: p.clone(),
                    reason: "URL de proxy attendue, par exemple http://proxy.intranet:3128".into(),
                });
            }
        }

        let origins = match var("PASSERELLE_ALLOWED_ORIGINS") {
            Some(v) => split_list(&v),
            None => fc.allowed_origins.unwrap_or_default(),
        };
        for o in &origins {
            if !(o.starts_with("http://") || o.starts_with("https://")) || o.ends_with('/') {
                return Err(ConfigError::Invalid {
                    setting: "allowed_origins / PASSERELLE_ALLOWED_ORIGINS",
                    value: o.clone(),
                    reason:
                        "origine attendue, par exemple https://passerelle.intranet (sans / final)"
                            .into(),
                });
            }
        }
        let networks_text = match var("PASSERELLE_ALLOWED_NETWORKS") {
            Some(v) => split_list(&v),
            None => fc.allowed_networks.unwrap_or_default(),
        };
        let mut allowed_networks = Vec::new();
        for n in networks_text {
            let net = n
                .parse::<IpNet>()
                .or_else(|_| n.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| ConfigError::Invalid {
                    setting: "allowed_networks / PASSERELLE_ALLOWED_NETWORKS",
                    value: n.clone(),
                    reason: "réseau CIDR attendu, par exemple 10.73.0.0/16".into(),
                })?;
            allowed_networks.push(net);
        }
        let body_limit_bytes = match var("PASSERELLE_BODY_LIMIT_BYTES") {
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                setting: "body_limit_bytes / PASSERELLE_BODY_LIMIT_BYTES",
                value: v,
                reason: "nombre d'octets attendu".into(),
            })?,
            None => fc.body_limit_bytes.unwrap_or(32 * 1024 * 1024),
        };
        let tls_cert = var("PASSERELLE_TLS_CERT").map(PathBuf::from).or(tls.cert);
        let tls_key = var("PASSERELLE_TLS_KEY").map(PathBuf::from).or(tls.key);
        if tls_cert.is_some() != tls_key.is_some() {
            return Err(ConfigError::Missing {
                setting: "tls.cert et tls.key / PASSERELLE_TLS_CERT et PASSERELLE_TLS_KEY",
                hint: "le certificat et la clé vont ensemble",
            });
        }
        let log_format = match var("PASSERELLE_LOG_FORMAT").or(fc.log_format).as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    setting: "log_format / PASSERELLE_LOG_FORMAT",
                    value: other.into(),
                    reason: "text ou json".into(),
                })
            }
        };
        let static_dir = var("PASSERELLE_STATIC_DIR")
            .map(PathBuf::from)
            .or(fc.static_dir);
        if let Some(d) = &static_dir {
            if !d.is_dir() {
                return Err(ConfigError::Invalid {
                    setting: "static_dir / PASSERELLE_STATIC_DIR",
                    value: d.display().to_string(),
                    reason: "dossier introuvable".into(),
                });
            }
        }
        let count = |setting: &'static str, name: &str, file: Option<usize>, default: usize| {
            match var(name) {
                Some(v) => v.trim().parse::<usize>().map_err(|_| ConfigError::Invalid {
                    setting,
                    value: v,
                    reason: "nombre entier attendu (0 : sans limite)".into(),
                }),
                None => Ok(file.unwrap_or(default)),
            }
        };
        let upstream_max_in_flight = count(
            "upstream.max_in_flight / PASSERELLE_UPSTREAM_MAX_IN_FLIGHT",
            "PASSERELLE_UPSTREAM_MAX_IN_FLIGHT",
            up.max_in_flight,
            DEFAULT_MAX_IN_FLIGHT,
        )?;
        let upstream_max_calls_per_second = count(
            "upstream.max_calls_per_second / PASSERELLE_UPSTREAM_MAX_CALLS_PER_SECOND",
            "PASSERELLE_UPSTREAM_MAX_CALLS_PER_SECOND",
            up.max_calls_per_second,
            DEFAULT_MAX_CALLS_PER_SECOND,
        )?;
        let source = source_config(fc.source.unwrap_or_default(), &var)?;
        Ok(Config {
            source,
            upstream_max_in_flight,
            upstream_max_calls_per_second,
            listen,
            glpi_api_url: api_url,
            glpi_app_token: app_token,
            glpi_sandbox: sandbox,
            glpi_ca_bundle: ca_bundle,
            glpi_http_proxy: http_proxy,
            glpi_timeout: Duration::from_secs(timeout_secs),
            allowed_origins: origins,
            allowed_networks,
            body_limit_bytes,
            tls_cert,
            tls_key,
            log_format,
            static_dir,
        })
    }
}

/// The local GLPI's settings: none when no URL is given; a URL without its App-Token stops the
/// proxy (a half-configured source would only fail later, in the middle of a migration).
fn source_config(
    fs: FileSource,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<SourceConfig>, ConfigError> {
    let Some(url) = var("PASSERELLE_SOURCE_API_URL").or(fs.api_url) else {
        return Ok(None);
    };
    let api_url = checked_api_url("source.api_url / PASSERELLE_SOURCE_API_URL", &url)?;
    let app_token = var("PASSERELLE_SOURCE_APP_TOKEN")
        .map(Secret::new)
        .or(fs.app_token)
        .filter(|s| !s.expose().trim().is_empty())
        .ok_or(ConfigError::Missing {
            setting: "source.app_token / PASSERELLE_SOURCE_APP_TOKEN",
            hint: "le jeton d'application du client API déclaré pour ce proxy dans le GLPI local",
        })?;
    let ca_bundle = checked_pem(
        "source.ca_bundle / PASSERELLE_SOURCE_CA_BUNDLE",
        var("PASSERELLE_SOURCE_CA_BUNDLE")
            .map(PathBuf::from)
            .or(fs.ca_bundle),
    )?;
    Ok(Some(SourceConfig {
        api_url,
        app_token,
        ca_bundle,
    }))
}

/// A GLPI API base URL: http(s), no spaces, no trailing slash.
fn checked_api_url(setting: &'static str, raw: &str) -> Result<String, ConfigError> {
    let api_url = raw.trim().trim_end_matches('/').to_string();
    if !(api_url.starts_with("http://") || api_url.starts_with("https://"))
        || api_url.contains(char::is_whitespace)
        || reqwest::Url::parse(&api_url).is_err()
    {
        return Err(ConfigError::Invalid {
            setting,
            value: api_url,
            reason: "URL http(s) attendue, se terminant par apirest.php".into(),
        });
    }
    Ok(api_url)
}

/// A CA bundle that must exist when given.
fn checked_pem(
    setting: &'static str,
    path: Option<PathBuf>,
) -> Result<Option<PathBuf>, ConfigError> {
    match path {
        Some(p) if !p.is_file() => Err(ConfigError::Invalid {
            setting,
            value: p.display().to_string(),
            reason: "fichier PEM introuvable".into(),
        }),
        other => Ok(other),
    }
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_bool(setting: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "oui" => Ok(true),
        "false" | "0" | "no" | "non" => Ok(false),
        _ => Err(ConfigError::Invalid {
            setting,
            value: v.into(),
            reason: "true ou false".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(None, &|k| map.get(k).cloned())
    }

    const OK: [(&str, &str); 2] = [
        ("PASSERELLE_GLPI_API_URL", "http://glpi.test/apirest.php/"),
        ("PASSERELLE_GLPI_APP_TOKEN", "s3cr3t-app-token"),
    ];

    #[test]
    fn minimal_env_config_and_defaults() {
        let c = load(&OK).unwrap();
        assert_eq!(c.glpi_api_url, "http://glpi.test/apirest.php");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.allowed_origins.is_empty() && c.allowed_networks.is_empty());
        assert!(!c.glpi_sandbox);
        assert_eq!(c.upstream_max_in_flight, DEFAULT_MAX_IN_FLIGHT);
        assert_eq!(
            c.upstream_max_calls_per_second,
            DEFAULT_MAX_CALLS_PER_SECOND
        );
    }

    #[test]
    fn secrets_never_print() {
        let c = load(&OK).unwrap();
        let shown = format!("{c:?} {}", c.glpi_app_token);
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("[secret]"));
    }

    #[test]
    fn missing_and_invalid_settings_are_named() {
        let e = load(&[]).unwrap_err();
        assert!(e.to_string().contains("PASSERELLE_GLPI_API_URL"), "{e}");
        let e = load(&OK[..1]).unwrap_err();
        assert!(e.to_string().contains("PASSERELLE_GLPI_APP_TOKEN"), "{e}");
        let mut v = OK.to_vec();
        v.push(("PASSERELLE_ALLOWED_NETWORKS", "10.0.0.0/8, pas-un-réseau"));
        let e = load(&v).unwrap_err();
        assert!(
            e.to_string().contains("PASSERELLE_ALLOWED_NETWORKS")
                && e.to_string().contains("pas-un-réseau"),
            "{e}"
        );
        let mut v = OK.to_vec();
        v.push(("PASSERELLE_LISTEN", "nowhere"));
        assert!(load(&v)
            .unwrap_err()
            .to_string()
            .contains("PASSERELLE_LISTEN"));
        let mut v = OK.to_vec();
        v.push(("PASSERELLE_TLS_CERT", "/tmp/cert.pem"));
        assert!(load(&v).unwrap_err().to_string().contains("tls.key"));
        let v = [
            ("PASSERELLE_GLPI_API_URL", "ftp://x"),
            ("PASSERELLE_GLPI_APP_TOKEN", "t"),
        ];
        assert!(load(&v).unwrap_err().to_string().contains("glpi.api_url"));
    }

    #[test]
    fn the_local_glpi_is_optional_but_never_half_configured() {
        assert!(load(&OK).unwrap().source.is_none());
        let mut v = OK.to_vec();
        v.push((
            "PASSERELLE_SOURCE_API_URL",
            "http://glpi.prefecture/apirest.php/",
        ));
        let e = load(&v).unwrap_err();
        assert!(e.to_string().contains("PASSERELLE_SOURCE_APP_TOKEN"), "{e}");
        v.push(("PASSERELLE_SOURCE_APP_TOKEN", "l0cal-s3cr3t"));
        let c = load(&v).unwrap();
        let source = c.source.as_ref().unwrap();
        assert_eq!(source.api_url, "http://glpi.prefecture/apirest.php");
        assert_eq!(source.app_token.expose(), "l0cal-s3cr3t");
        assert!(!format!("{c:?}").contains("l0cal-s3cr3t"));
        let v = [
            OK[0],
            OK[1],
            ("PASSERELLE_SOURCE_API_URL", "glpi.prefecture"),
            ("PASSERELLE_SOURCE_APP_TOKEN", "t"),
        ];
        assert!(load(&v).unwrap_err().to_string().contains("source.api_url"));
    }

    #[test]
    fn file_then_env_override() {
        let dir = std::env::temp_dir().join(format!("passerelle-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("passerelle.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9999\"\nallowed_networks = [\"10.73.0.0/16\"]\n[glpi]\napi_url = \"https://glpi.test/apirest.php\"\napp_token = \"from-file\"\nsandbox = true\n",
        )
        .unwrap();
        let c = Config::load(Some(&path), &|k| {
            (k == "PASSERELLE_LISTEN").then(|| "127.0.0.1:7000".into())
        })
        .unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(c.glpi_app_token.expose(), "from-file");
        assert!(c.glpi_sandbox);
        assert_eq!(c.allowed_networks[0].to_string(), "10.73.0.0/16");
        std::fs::write(
            &path,
            "[glpi]\napi_url = \"https://g/apirest.php\"\napp_token = \"t\"\n[upstream]\nmax_in_flight = 3\nmax_calls_per_second = 0\n",
        )
        .unwrap();
        let c = Config::load(Some(&path), &|_| None).unwrap();
        assert_eq!(
            (c.upstream_max_in_flight, c.upstream_max_calls_per_second),
            (3, 0)
        );
        let e = Config::load(Some(&path), &|k| {
            (k == "PASSERELLE_UPSTREAM_MAX_IN_FLIGHT").then(|| "beaucoup".into())
        })
        .unwrap_err();
        assert!(e.to_string().contains("upstream.max_in_flight"), "{e}");
        std::fs::write(
            &path,
            "[glpi]\napi_url = \"https://g/apirest.php\"\napp_token = \"t\"\n[source]\napi_url = \"http://local/apirest.php\"\napp_token = \"l\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&path), &|_| None).unwrap();
        assert_eq!(c.source.unwrap().api_url, "http://local/apirest.php");
        std::fs::write(&path, "[glpi]\nap_url = \"x\"\n").unwrap();
        let e = Config::load(Some(&path), &|_| None).unwrap_err();
        assert!(e.to_string().contains("ap_url"), "{e}");
    }
}
