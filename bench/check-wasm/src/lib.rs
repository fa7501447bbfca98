//! `check(name, bytes)`: Passerelle's offline check of one file (read + recognise + map +
//! validate, exactly `check_owned_files`, as the page's worker runs it), exported to JavaScript
//! for the browser benchmark.
#![warn(missing_docs)]

use passerelle_engine::check::{check_owned_files, CheckOptions};
use wasm_bindgen::prelude::wasm_bindgen;

/// Checks one file; returns a JSON summary: `{"rows", "valid", "warnings", "errors", "diagnostics"}`.
/// The bytes are moved into the check (wasm-bindgen copies them once into wasm memory).
#[wasm_bindgen]
pub fn check(name: String, bytes: Vec<u8>) -> String {
    // Given to the check, as the page's worker gives them: the text becomes the table.
    let report = check_owned_files(vec![(name, bytes)], &CheckOptions::default());
    let s = &report.files[0].summary;
    serde_json::json!({
        "rows": s.rows,
        "valid": s.valid,
        "warnings": s.warnings,
        "errors": s.errors,
        "diagnostics": report.diagnostics.len(),
        "item_type": s.item_type,
    })
    .to_string()
}

/// A file streamed into wasm memory chunk by chunk (from `Blob.stream()`), so that the page never
/// holds a second whole copy of it in JavaScript; then checked like [`check`].
#[wasm_bindgen]
pub struct Upload {
    bytes: Vec<u8>,
}

#[wasm_bindgen]
impl Upload {
    /// An empty upload with room for `size` bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(size: usize) -> Upload {
        Upload {
            bytes: Vec::with_capacity(size),
        }
    }

    /// Appends a chunk.
    pub fn push(&mut self, chunk: &[u8]) {
        self.bytes.extend_from_slice(chunk);
    }

    /// Checks what was uploaded (the upload is consumed).
    pub fn check(self, name: String) -> String {
        check(name, self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_a_glpi_export() {
        let csv = "\u{feff}\"Nom\";\"Numéro de série\";\n\"PC-1\";\"ABC\";\n\"PC-2\";\"ABC\";\n";
        let v: serde_json::Value =
            serde_json::from_str(&check("Computer.csv".into(), csv.as_bytes().to_vec())).unwrap();
        assert_eq!(v["rows"], 2);
        assert_eq!(v["errors"], 1, "the duplicate serial");
        assert_eq!(v["valid"], 1);
        assert_eq!(v["item_type"], "Computer");
        let mut up = Upload::new(csv.len());
        for chunk in csv.as_bytes().chunks(7) {
            up.push(chunk);
        }
        assert_eq!(
            up.check("Computer.csv".into()),
            check("Computer.csv".into(), csv.into())
        );
    }
}
