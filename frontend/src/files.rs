//! Browser file handling: reading picked or dropped files, and offering files to download.
//! Nothing here leaves the browser: files are read locally and downloads are local blobs.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Reads every file of a `FileList` as (name, bytes).
pub async fn read_file_list(list: web_sys::FileList) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for i in 0..list.length() {
        let Some(file) = list.get(i) else { continue };
        let buffer = JsFuture::from(file.array_buffer())
            .await
            .map_err(|_| format!("lecture impossible : {}", file.name()))?;
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        out.push((file.name(), bytes));
    }
    Ok(out)
}

/// Offers `bytes` as a download named `name` (a blob URL and a temporary link: no inline script).
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |_| format!("téléchargement impossible : {name}");
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("pas de document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "lien impossible".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
