//! Native adapters: drive the engine's migration against a GLPI over HTTP, keep the journal on
//! disk. The CLI (`passerelle migrate`) and the fault tests use them.
#![warn(missing_docs)]

use std::cell::{Cell, RefCell};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use passerelle_engine::migrate::api::{
    ApiRequest, ApiResponse, Method, Transport, TransportError, Upload,
};
use passerelle_engine::migrate::journal::{Event, Journal};
use passerelle_engine::migrate::run::JournalSink;

/// Calls a GLPI API (or the proxy's `/api`) over HTTP.
pub struct HttpTransport {
    client: reqwest::Client,
    base: String,
    app_token: Option<String>,
    start: Instant,
    rng: RefCell<fastrand::Rng>,
    timeout: Duration,
}

/// True when a URL carries a user name or password (`https://user:pass@host/…`).
pub fn has_userinfo(url: &str) -> bool {
    url.split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .is_some_and(|authority| authority.contains('@'))
}

/// A URL as it may be shown: no user name or password, no query.
pub fn without_secrets(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or("");
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_string(),
    }
}

impl HttpTransport {
    /// `base` is the API root: `http://proxy:8080/api` or `https://glpi/apirest.php`.
    /// `app_token` only when talking to GLPI directly (the proxy adds its own).
    pub fn new(base: &str, app_token: Option<String>, timeout: Duration) -> Self {
        HttpTransport {
            client: reqwest::Client::builder()
                .timeout(timeout)
                .pool_max_idle_per_host(16)
                .build()
                .unwrap_or_default(),
            base: base.trim_end_matches('/').to_string(),
            app_token,
            start: Instant::now(),
            rng: RefCell::new(fastrand::Rng::new()),
            timeout,
        }
    }

    /// The API root.
    pub fn base(&self) -> &str {
        &self.base
    }
}

impl Transport for HttpTransport {
    async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
        let url = format!("{}{}", self.base, request.path);
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut req = self.client.request(method, &url).timeout(self.timeout);
        if let Some(t) = &self.app_token {
            req = req.header("App-Token", t);
        }
        for (n, v) in &request.headers {
            req = req.header(n.as_str(), v.as_str());
        }
        if let Some(body) = &request.body {
            req = req
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        if let Some(upload) = &request.upload {
            // reqwest writes the multipart boundary into the Content-Type itself.
            let file = reqwest::multipart::Part::bytes(upload.bytes.clone())
                .file_name(upload.filename.clone())
                .mime_str(&upload.mime)
                .or_else(|_| {
                    reqwest::multipart::Part::bytes(upload.bytes.clone())
                        .file_name(upload.filename.clone())
                        .mime_str("application/octet-stream")
                })
                .map_err(|e| TransportError::Connection(e.without_url().to_string()))?;
            let form = reqwest::multipart::Form::new()
                .text(Upload::MANIFEST_FIELD, upload.manifest_text())
                .part(Upload::FILE_FIELD, file);
            req = req.multipart(form);
        }
        let map_err = |e: reqwest::Error| {
            if e.is_timeout() {
                TransportError::Timeout
            } else {
                // reqwest's text names no header; the URL is named here without any user or
                // password it may carry, nor its query.
                let url = e.url().map(|u| without_secrets(u.as_str()));
                let text = e.without_url().to_string();
                TransportError::Connection(match url {
                    Some(url) => format!("{text} ({url})"),
                    None => text,
                })
            }
        };
        let res = req.send().await.map_err(map_err)?;
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let body = res.bytes().await.map_err(map_err)?.to_vec();
        Ok(ApiResponse {
            status,
            headers,
            body,
        })
    }

    async fn sleep(&self, ms: u64) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }

    fn now_ms(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }

    fn random(&self) -> f64 {
        self.rng.borrow_mut().f64()
    }
}

/// A journal kept as JSON lines in a file, synced to disk before each batch is sent.
///
/// One writer per journal: [`FileJournal::open`] takes an exclusive OS lock on the file
/// (`flock` through `fd-lock`) and keeps it until the `FileJournal` is dropped; the system
/// releases it when the process ends, crash or `SIGKILL` included. A second opener, in this
/// process or another, is refused at once with [`JournalFileError::InUse`].
pub struct FileJournal {
    path: PathBuf,
    file: RefCell<File>,
    failed: Cell<bool>,
}

/// The journal file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalFileError {
    /// Another migration (another process, or another handle in this one) holds the journal.
    #[error(
        "le journal {path} est déjà utilisé par une autre migration en cours (un autre \
         processus passerelle le tient verrouillé) : rien n'a été écrit ; attendez qu'elle se \
         termine ou arrêtez-la, puis relancez"
    )]
    InUse {
        /// The journal file.
        path: String,
    },
    /// The file could not be read, created, locked or written.
    #[error("journal {path}: {source}")]
    Io {
        /// The journal file.
        path: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

impl JournalFileError {
    /// The journal file this error is about.
    pub fn path(&self) -> &str {
        match self {
            JournalFileError::InUse { path } | JournalFileError::Io { path, .. } => path,
        }
    }
}

impl FileJournal {
    /// Opens (creating it if needed) a journal file for appending, locks it for this handle's
    /// life, and reads what it holds. Refused with [`JournalFileError::InUse`] when another
    /// handle holds it.
    pub fn open(path: &Path) -> Result<(FileJournal, Journal), JournalFileError> {
        let shown = || path.display().to_string();
        let err = |source| JournalFileError::Io {
            path: shown(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(err)?;
        let mut lock = fd_lock::RwLock::new(file);
        match lock.try_write() {
            // The lock belongs to the open file, not to the guard: forgetting the guard keeps
            // it until the file is closed (this handle dropped, or the process gone).
            Ok(guard) => std::mem::forget(guard),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                return Err(JournalFileError::InUse { path: shown() })
            }
            Err(e) => return Err(err(e)),
        }
        let mut file = lock.into_inner();
        // Read only once the lock is held: a writer that finished just before is fully seen.
        let text = std::fs::read_to_string(path).map_err(err)?;
        let journal = Journal::from_json_lines(&text);
        // A line cut by a crash: start the next event on a line of its own.
        if !text.is_empty() && !text.ends_with('\n') {
            file.write_all(b"\n").map_err(err)?;
        }
        Ok((
            FileJournal {
                path: path.to_path_buf(),
                file: RefCell::new(file),
                failed: Cell::new(false),
            },
            journal,
        ))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl JournalSink for FileJournal {
    async fn append(&self, events: &[Event]) -> Result<(), String> {
        if self.failed.get() {
            return Err("écriture précédente en échec".into());
        }
        let mut text = String::new();
        for e in events {
            text.push_str(&Journal::json_line(e));
        }
        let mut f = self.file.borrow_mut();
        let result = f.write_all(text.as_bytes()).and_then(|_| f.sync_data());
        result.map_err(|e| {
            self.failed.set(true);
            format!("{}: {e}", self.path.display())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_user_password_or_query() {
        assert!(has_userinfo(
            "https://agent:secret@glpi.example/apirest.php"
        ));
        assert!(has_userinfo("http://agent@127.0.0.1:8080/api"));
        assert!(!has_userinfo("http://127.0.0.1:8080/api/search?x=a@b"));
        assert!(!has_userinfo("http://127.0.0.1:8080/api"));
        assert_eq!(
            without_secrets(
                "https://agent:secret@glpi.example/apirest.php/Computer?session_token=abc"
            ),
            "https://glpi.example/apirest.php/Computer"
        );
        assert_eq!(
            without_secrets("http://127.0.0.1:8080/api"),
            "http://127.0.0.1:8080/api"
        );
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "passerelle-native-lock-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    #[test]
    fn a_journal_in_use_is_refused_and_freed_when_its_holder_goes() {
        let path = temp("in-use.jsonl");
        let (first, _) = FileJournal::open(&path).unwrap();
        match FileJournal::open(&path) {
            Err(e @ JournalFileError::InUse { .. }) => {
                let text = e.to_string();
                assert!(text.contains(&path.display().to_string()), "{text}");
                assert!(text.contains("déjà utilisé"), "{text}");
                assert_eq!(e.path(), path.display().to_string());
            }
            Err(e) => panic!("expected InUse, got {e}"),
            Ok(_) => panic!("a second writer was let in"),
        }
        drop(first);
        let (again, journal) = FileJournal::open(&path).unwrap();
        assert!(!journal.started());
        drop(again);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_journal_that_cannot_be_created_is_an_io_error_naming_it() {
        let path = Path::new("/nonexistent-dir-passerelle/j.jsonl");
        match FileJournal::open(path) {
            Err(e @ JournalFileError::Io { .. }) => {
                assert!(e
                    .to_string()
                    .contains("/nonexistent-dir-passerelle/j.jsonl"))
            }
            Err(e) => panic!("expected Io, got {e}"),
            Ok(_) => panic!("opened a journal in a missing directory"),
        }
    }

    #[tokio::test]
    async fn a_connection_error_never_repeats_credentials_of_the_url() {
        let t = HttpTransport::new(
            "http://agent:S3cr3t@127.0.0.1:9/api",
            None,
            Duration::from_secs(2),
        );
        let request = ApiRequest {
            method: Method::Get,
            path: "/initSession".into(),
            headers: Vec::new(),
            body: None,
            upload: None,
        };
        match t.send(&request).await {
            Err(TransportError::Connection(text)) => {
                assert!(
                    !text.contains("S3cr3t") && !text.contains("agent"),
                    "{text}"
                );
                assert!(text.contains("127.0.0.1:9"), "{text}");
            }
            other => panic!("expected a connection error, got {other:?}"),
        }
    }
}
