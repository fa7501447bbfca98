//! Browser file handling: reading picked or dropped files, and offering files to download.
//! Nothing here leaves the browser: files are read locally and downloads are local blobs.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// How much of a file is read into JavaScript at a time.
const PART: f64 = (4 << 20) as f64;

/// Reads every file of a `FileList` as (name, bytes).
pub async fn read_file_list(list: web_sys::FileList) -> Result<Vec<(String, Vec<u8>)>, String> {
    read_files(files_of(&list)).await
}

/// The files of a `FileList`, held apart from it: an input's list empties when the input is
/// cleared, the files taken from it stay readable.
pub fn files_of(list: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Reads files as (name, bytes).
pub async fn read_files(files: Vec<web_sys::File>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for file in files {
        let bytes = read_file(&file)
            .await
            .map_err(|_| format!("lecture impossible : {}", file.name()))?;
        out.push((file.name(), bytes));
    }
    Ok(out)
}

/// A file's bytes, read a few MB at a time straight into wasm memory: a large export is never
/// held whole in JavaScript besides (measured: that copy alone was the size of the file).
async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, wasm_bindgen::JsValue> {
    let size = file.size();
    let mut bytes = Vec::with_capacity(size as usize);
    let mut start = 0.0;
    while start < size {
        let end = (start + PART).min(size);
        let part = file.slice_with_f64_and_f64(start, end)?;
        let buffer = JsFuture::from(part.array_buffer()).await?;
        let array = js_sys::Uint8Array::new(&buffer);
        let at = bytes.len();
        bytes.resize(at + array.length() as usize, 0);
        array.copy_to(&mut bytes[at..]);
        start = end;
    }
    Ok(bytes)
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
