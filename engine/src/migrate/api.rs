//! The boundary between the engine and a GLPI legacy REST API: requests and answers as plain data,
//! a transport trait the adapters implement (browser fetch, native HTTP), and GLPI's error bodies.

use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::future::Future;
use thiserror::Error;

/// HTTP methods the engine uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// Read.
    Get,
    /// Create.
    Post,
    /// Update.
    Put,
    /// Delete or purge.
    Delete,
}

impl Method {
    /// `GET`, `POST`…
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Whether sending it twice has the effect of sending it once (safe to retry blindly).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// Credentials of the person running the migration (the App-Token stays in the proxy).
#[derive(Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Credentials {
    /// A personal API token (`Authorization: user_token …`).
    UserToken {
        /// The token.
        token: String,
    },
    /// Login and password (`Authorization: Basic …`).
    Password {
        /// GLPI login.
        login: String,
        /// Password.
        password: String,
    },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::UserToken { .. } => f.write_str("UserToken(<redacted>)"),
            Credentials::Password { login, .. } => write!(f, "Password({login}, <redacted>)"),
        }
    }
}

/// One call to the API: the path is relative to the API root (`/Computer?range=0-999`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiRequest {
    /// Method.
    pub method: Method,
    /// Path and query, relative to `…/apirest.php`.
    pub path: String,
    /// Extra headers (`Session-Token`, `Authorization`).
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: Option<Value>,
    /// A file sent as `multipart/form-data` instead of a JSON body (a document's upload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<Upload>,
}

/// A file GLPI's API takes as a document (`POST /Document`, `multipart/form-data`): the
/// parameters go as JSON text in the form field [`Upload::MANIFEST_FIELD`], the file in
/// [`Upload::FILE_FIELD`] (GLPI 10.0 `APIRest::parseIncomingParams`, `GLPIUploadHandler`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    /// The parameters (`{"input": {"name": …, "_filename": [file name]}}`).
    pub manifest: Value,
    /// The file's name as sent.
    pub filename: String,
    /// Its MIME type.
    pub mime: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("manifest", &self.manifest)
            .field("filename", &self.filename)
            .field("mime", &self.mime)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Upload {
    /// The form field holding the parameters.
    pub const MANIFEST_FIELD: &'static str = "uploadManifest";
    /// The form field holding the file (GLPI's upload handler reads `filename`).
    pub const FILE_FIELD: &'static str = "filename[]";

    /// The manifest's text as sent. GLPI runs `stripcslashes` on it before decoding the JSON,
    /// which would eat JSON's own escapes (`\"` in a name); doubling every backslash is undone
    /// exactly by it.
    pub fn manifest_text(&self) -> String {
        self.manifest.to_string().replace('\\', "\\\\")
    }
}

impl ApiRequest {
    /// A request without body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        ApiRequest {
            method,
            path: path.into(),
            headers: Vec::new(),
            body: None,
            upload: None,
        }
    }

    /// With a JSON body.
    pub fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// With a file, sent as `multipart/form-data`.
    pub fn with_upload(mut self, upload: Upload) -> Self {
        self.upload = Some(upload);
        self
    }

    /// The same call as a cURL command an administrator can replay, every secret replaced by a
    /// placeholder (the proxy adds the App-Token; the session token is the person's own).
    pub fn to_curl(&self, api_url: &str) -> String {
        let mut out = format!(
            "curl -X {} '{}{}' -H 'App-Token: <APP_TOKEN>'",
            self.method.as_str(),
            api_url.trim_end_matches('/'),
            self.path
        );
        for (name, _) in &self.headers {
            let placeholder = match name.to_ascii_lowercase().as_str() {
                "session-token" => "<SESSION_TOKEN>",
                "authorization" => "<AUTHORIZATION>",
                _ => "<REDACTED>",
            };
            out.push_str(&format!(" -H '{name}: {placeholder}'"));
        }
        if let Some(body) = &self.body {
            let text = body.to_string().replace('\'', "'\\''");
            out.push_str(&format!(
                " -H 'Content-Type: application/json' --data '{text}'"
            ));
        }
        if let Some(upload) = &self.upload {
            let text = upload.manifest_text().replace('\'', "'\\''");
            out.push_str(&format!(
                " -F '{}={text}' -F '{}=@{};type={}'",
                Upload::MANIFEST_FIELD,
                Upload::FILE_FIELD,
                upload.filename.replace('\'', "'\\''"),
                upload.mime
            ));
        }
        out
    }
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    /// Status code.
    pub status: u16,
    /// Headers (names in lower case).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl ApiResponse {
    /// A header by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        // Checked as UTF-8 first, then read from text: JSON is UTF-8 anyway, and the page then
        // carries one JSON reader, not a second one over bytes (10 KB).
        std::str::from_utf8(&self.body)
            .ok()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null)
    }

    /// GLPI's `["ERROR_CODE", message]` envelope, when the body is one.
    pub fn glpi_error(&self) -> Option<GlpiError> {
        GlpiError::from_body(&self.json())
    }
}

/// The call did not get an HTTP answer.
#[derive(Debug, Clone, Error, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransportError {
    /// No answer in time.
    #[error("pas de réponse dans le délai imparti")]
    Timeout,
    /// The connection failed or was cut.
    #[error("connexion impossible ou coupée : {0}")]
    Connection(String),
}

/// GLPI's error envelope `["ERROR_…", message or details]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlpiError {
    /// `ERROR_GLPI_ADD`, `ERROR_SESSION_TOKEN_INVALID`…
    pub code: String,
    /// The message, or the details as JSON text when GLPI sent a list.
    pub message: String,
    /// The details when GLPI sent a list (bulk results).
    pub details: Value,
}

impl GlpiError {
    /// Reads the envelope from a body.
    pub fn from_body(body: &Value) -> Option<GlpiError> {
        let list = body.as_array()?;
        let code = list.first()?.as_str()?;
        if !code.starts_with("ERROR") {
            return None;
        }
        let details = list.get(1).cloned().unwrap_or(Value::Null);
        let message = match &details {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        Some(GlpiError {
            code: code.to_string(),
            message,
            details,
        })
    }
}

/// What the engine needs from its surroundings to talk to GLPI: the browser adapter uses fetch
/// through the proxy, the native one an HTTP client. Time and randomness come from here too, so
/// the engine stays free of any runtime.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends one request to the API and returns its answer.
    fn send(
        &self,
        request: &ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>>;
    /// Waits.
    fn sleep(&self, ms: u64) -> impl Future<Output = ()>;
    /// Milliseconds since some fixed point (monotonic is enough).
    fn now_ms(&self) -> f64;
    /// A random number in `[0, 1)` (jitter).
    fn random(&self) -> f64;
}

/// A [`Transport`] behind a pointer, as [`GlpiClient`](crate::migrate::client::GlpiClient)
/// holds it. The client, the runner and everything over them are then compiled once per program
/// instead of once per transport: the page has two (the proxy's fetch and the dry-run's
/// recording), and each copy of the runner weighs some 80 KB of wasm. One allocation per call
/// is the price, nothing next to a call to GLPI. Every [`Transport`] is one; implement
/// [`Transport`], never this.
pub trait ErasedTransport {
    /// [`Transport::send`], its future boxed.
    fn send_erased<'a>(
        &'a self,
        request: &'a ApiRequest,
    ) -> LocalBoxFuture<'a, Result<ApiResponse, TransportError>>;
    /// [`Transport::sleep`], its future boxed.
    fn sleep_erased(&self, ms: u64) -> LocalBoxFuture<'_, ()>;
    /// [`Transport::now_ms`].
    fn now_ms_erased(&self) -> f64;
    /// [`Transport::random`].
    fn random_erased(&self) -> f64;
}

impl<T: Transport> ErasedTransport for T {
    fn send_erased<'a>(
        &'a self,
        request: &'a ApiRequest,
    ) -> LocalBoxFuture<'a, Result<ApiResponse, TransportError>> {
        Box::pin(self.send(request))
    }
    fn sleep_erased(&self, ms: u64) -> LocalBoxFuture<'_, ()> {
        Box::pin(self.sleep(ms))
    }
    fn now_ms_erased(&self) -> f64 {
        self.now_ms()
    }
    fn random_erased(&self) -> f64 {
        self.random()
    }
}

impl Transport for dyn ErasedTransport + '_ {
    async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
        self.send_erased(request).await
    }
    fn sleep(&self, ms: u64) -> impl Future<Output = ()> {
        self.sleep_erased(ms)
    }
    fn now_ms(&self) -> f64 {
        self.now_ms_erased()
    }
    fn random(&self) -> f64 {
        self.random_erased()
    }
}

/// Percent-encodes a query value.
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Base64 for Basic authorization.
pub fn base64(input: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(input)
}

// The tagged enums of this module are read by hand (crate::wire): the same JSON as the
// derive writes, a fraction of the page's code.
crate::wire::read_tagged!(Credentials, tag = "kind" {
    "user_token" => UserToken { token },
    "password" => Password { login, password },
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_hides_secrets() {
        let mut r = ApiRequest::new(Method::Post, "/Computer")
            .with_body(serde_json::json!({"input": [{"name": "pc'1"}]}));
        r.headers
            .push(("Session-Token".into(), "abc123secret".into()));
        let c = r.to_curl("http://glpi/apirest.php");
        assert!(!c.contains("abc123secret"), "{c}");
        assert!(c.contains("Session-Token: <SESSION_TOKEN>"));
        assert!(c.contains("App-Token: <APP_TOKEN>"));
        assert!(c.starts_with("curl -X POST 'http://glpi/apirest.php/Computer'"));
    }

    #[test]
    fn an_upload_manifest_survives_glpis_stripcslashes() {
        let upload = Upload {
            manifest: serde_json::json!({"input": {"name": "a \"b\" c\\d"}}),
            filename: "f.txt".into(),
            mime: "text/plain".into(),
            bytes: b"x".to_vec(),
        };
        let sent = upload.manifest_text();
        // PHP's stripcslashes on `\\x` gives `\x`: undo the doubling as GLPI does.
        let mut unescaped = String::new();
        let mut chars = sent.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                unescaped.push(chars.next().unwrap());
            } else {
                unescaped.push(c);
            }
        }
        let back: Value = serde_json::from_str(&unescaped).unwrap();
        assert_eq!(back, upload.manifest);
    }

    #[test]
    fn base64_matches_rfc_examples() {
        assert_eq!(base64(b"glpi:glpi"), "Z2xwaTpnbHBp");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn glpi_error_envelope() {
        let e = GlpiError::from_body(&serde_json::json!(["ERROR_GLPI_ADD", "No right"])).unwrap();
        assert_eq!(e.code, "ERROR_GLPI_ADD");
        assert_eq!(e.message, "No right");
        assert!(GlpiError::from_body(&serde_json::json!([{"id": 1}])).is_none());
    }
}
