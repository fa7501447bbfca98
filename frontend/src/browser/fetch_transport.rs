//! The engine's [`Transport`] over the browser's fetch, to the proxy's `/api` or `/source-api`
//! (same origin: the proxy adds the App-Token, the page never sees it).

use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use passerelle_engine::migrate::api::{
    ApiRequest, ApiResponse, Method, Transport, TransportError, Upload,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Calls `{base}{path}` on the page's origin: the national GLPI (`/api`) or the local one
/// (`/source-api`, read only).
#[derive(Debug, Clone, Copy)]
pub struct FetchTransport {
    base: &'static str,
}

impl FetchTransport {
    /// The proxy's API, on the page's own origin: a constant, so the page holds it in one
    /// `static` that the migration session borrows (nothing leaked, nothing cloned around).
    pub const PROXY: FetchTransport = FetchTransport { base: "/api" };
    /// The local GLPI the migration reads from, through the same proxy (which refuses writes).
    pub const SOURCE: FetchTransport = FetchTransport {
        base: "/source-api",
    };
}

impl Default for FetchTransport {
    fn default() -> Self {
        FetchTransport::PROXY
    }
}

/// A document's upload as the browser sends it: the manifest as text, the file as a Blob.
fn upload_form(upload: &Upload) -> Result<web_sys::FormData, String> {
    let js = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let form = web_sys::FormData::new().map_err(js)?;
    form.append_with_str(Upload::MANIFEST_FIELD, &upload.manifest_text())
        .map_err(js)?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(upload.bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&upload.mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js)?;
    form.append_with_blob_and_filename(Upload::FILE_FIELD, &blob, &upload.filename)
        .map_err(js)?;
    Ok(form)
}

impl Transport for FetchTransport {
    async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, TransportError> {
        let method = match request.method {
            Method::Get => HttpMethod::GET,
            Method::Post => HttpMethod::POST,
            Method::Put => HttpMethod::PUT,
            Method::Delete => HttpMethod::DELETE,
        };
        let mut builder = RequestBuilder::new(&format!("{}{}", self.base, request.path))
            .method(method)
            .header("Accept", "application/json");
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let built = match (&request.body, &request.upload) {
            (_, Some(upload)) => {
                // No Content-Type here: the browser writes it with the multipart boundary.
                let form = upload_form(upload).map_err(TransportError::Connection)?;
                builder.body(form)
            }
            (Some(body), None) => builder
                .header("Content-Type", "application/json")
                .body(body.to_string()),
            (None, None) => builder.build(),
        };
        let req = built.map_err(|e| TransportError::Connection(e.to_string()))?;
        let res = req
            .send()
            .await
            .map_err(|e| TransportError::Connection(e.to_string()))?;
        let status = res.status();
        let headers = res
            .headers()
            .entries()
            .map(|(n, v)| (n.to_ascii_lowercase(), v))
            .collect();
        let body = res
            .binary()
            .await
            .map_err(|e| TransportError::Connection(e.to_string()))?;
        Ok(ApiResponse {
            status,
            headers,
            body,
        })
    }

    async fn sleep(&self, ms: u64) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    resolve.unchecked_ref(),
                    ms.min(i32::MAX as u64) as i32,
                );
            }
        });
        let _ = JsFuture::from(promise).await;
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}
